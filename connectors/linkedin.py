"""LinkedIn: member and organization posts through the versioned REST Posts API.

API reference (read 2026-11):
- Posts API: https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/posts-api
- Images API: https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/images-api
- Videos API: https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/videos-api
- MultiImage posts: https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/multiimage-post-api
- little text format (commentary escaping): https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/little-text-format
- Comments API (`POST /rest/socialActions/{post urn}/comments` with `actor`, `object` and
  `message.text`, 201 with the comment and its `commentUrn`; members comment with
  w_member_social, organizations with w_organization_social):
  https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/comments-api
- OAuth 2.0 authorization code flow: https://learn.microsoft.com/en-us/linkedin/shared/authentication/authorization-code-flow
- Refresh tokens: https://learn.microsoft.com/en-us/linkedin/shared/authentication/programmatic-refresh-tokens
- OpenID userinfo (the "me" endpoint): https://learn.microsoft.com/en-us/linkedin/consumer/integrations/self-serve/sign-in-with-linkedin-v2
- Errors: https://learn.microsoft.com/en-us/linkedin/shared/api-guide/concepts/error-handling
- Rate limits: https://learn.microsoft.com/en-us/linkedin/shared/api-guide/concepts/rate-limits
- Metrics: likes and comments of any post from socialActions
  (https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/network-update-social-actions);
  impressions, clicks and reshares of an organization's post from
  organizationalEntityShareStatistics with `shares=List(...)` or `ugcPosts=List(...)`
  (https://learn.microsoft.com/en-us/linkedin/marketing/community-management/organizations/share-statistics);
  followers of an organization from networkSizes (edgeType=COMPANY_FOLLOWED_BY_MEMBER,
  https://learn.microsoft.com/en-us/linkedin/marketing/community-management/organizations/organization-lookup-api)
  and of a member from memberFollowersCount?q=me
  (https://learn.microsoft.com/en-us/linkedin/marketing/community-management/members/follower-statistics).
  Member posts have no impression counts outside restricted programs.

A publish is: for each image, `initializeUpload` then a PUT of the bytes; for a video,
`initializeUpload` with the size, a PUT per part LinkedIn asks for, `finalizeUpload` with the
parts' ETags; then `POST /rest/posts`, the only call that publishes (its id comes back in the
`x-restli-id` header). A thread's follow-ups become comments by the same author on the
published post: each is a delivery of its own whose `reply_to` is the post's URN, and one
call to the Comments API. A comment's `message` is plain text with attributes, not the
little text format, so it is sent unescaped. LinkedIn offers no idempotency key and no
lookup by our key, so the connector is not idempotent: an ambiguous failure of a publishing
call (post or comment) becomes `unknown`.
"""

from __future__ import annotations

import os
import re
from dataclasses import replace
from functools import partial
from typing import Any
from urllib.parse import quote, urlencode

import httpx

from connectors.base import (
    AccountMetrics,
    AccountProfile,
    Connector,
    ConnectorConfig,
    Content,
    Credentials,
    MediaItem,
    OAuthApp,
    Option,
    PlatformLimits,
    PostMetrics,
    Problem,
    Published,
    metric_count,
)
from connectors.errors import (
    AuthExpired,
    ConnectorError,
    NothingToRefresh,
    PermanentError,
)
from connectors.http import (
    download,
    json_object,
    platform_error,
    raise_for_platform_status,
    send,
    unambiguous,
    unreadable,
)
from connectors.oauth import app_credentials, raise_if_refused, refreshed_tokens

API_URL = "https://api.linkedin.com"
OAUTH_URL = "https://www.linkedin.com/oauth/v2"
# LinkedIn sunsets each monthly version about a year after release (LESSONS 7: a stale
# hard-coded version fails with NONEXISTENT_VERSION), so it is configuration.
DEFAULT_VERSION = "202605"
# Organization posting needs w_organization_social (Community Management API product).
DEFAULT_SCOPES = "openid profile w_member_social"
# What metrics each kind of author gets only with a scope LinkedIn grants after reviewing
# the app, so the defaults leave it out: (the analytics, the scope). From the permissions
# of the Network Update Social Actions, Share Statistics, Organization Lookup and Member
# Follower Statistics pages, as tests/contracts/tables/linkedin.py records them (checked
# 2026-12; tests/contracts/test_linkedin.py holds this table to that one).
ANALYTICS_SCOPES: dict[str, tuple[tuple[str, str], ...]] = {
    "person": (
        ("likes and comments of posts", "r_member_social"),
        ("follower count", "r_member_profileAnalytics"),
    ),
    "organization": (
        ("likes and comments of posts", "r_organization_social"),
        ("impressions, clicks and reshares of posts", "rw_organization_admin"),
        ("follower count", "rw_organization_admin"),
    ),
}
# Comments take fewer characters than posts. The Comments API states no figure; 1,250 is
# the limit of LinkedIn's comment box as commonly reported (checked 2026-11).
MAX_COMMENT_CHARS = 1250
MIN_VIDEO_SECONDS = 3.0
MIN_VIDEO_BYTES = 75_000

# Error codes LinkedIn puts in `code` (versioning) or `serviceErrorCode` (tokens); anything
# else falls back to the status: 401 AuthExpired, 429 RateLimited, other 4xx PermanentError
# (422 "Content is a duplicate of urn:li:share:…" included), 5xx transient.
ERRORS: dict[str, type[ConnectorError]] = {
    "NONEXISTENT_VERSION": PermanentError,  # 426: CRIER_LINKEDIN_VERSION is not active
    "VERSION_MISSING": PermanentError,
    "65600": AuthExpired,  # invalid access token
    "65601": AuthExpired,  # revoked by the member
    "65602": AuthExpired,  # expired
    "65604": AuthExpired,  # empty access token
}

# Reserved characters of the little text format; unescaped, LinkedIn may cut the post at
# the first one. URLs and #hashtags are left as written so they still link.
_RESERVED = re.compile(r"([\\|{}@\[\]()<>#*_~])")
_VERBATIM = re.compile(r"https?://[^\s()<>\[\]{}|\\]+|(?<![\w#])#\w+")


def api_version(config: ConnectorConfig) -> str:
    return config.api_version or DEFAULT_VERSION


def oauth_scopes(config: ConnectorConfig) -> str:
    return config.scopes or DEFAULT_SCOPES


class LinkedInConnector(Connector):
    platform = "linkedin"
    display_name = "LinkedIn"
    connection = "oauth"
    idempotent = False
    # Posts API: commentary up to 3,000 characters. Images API: JPG, GIF, PNG (under
    # 36,152,320 pixels, no byte limit stated). MultiImage: 2 to 20 images, no video mixed in.
    # Videos API: MP4, 3 s to 30 min, 75 KB to 5 GB for organic posts. LinkedIn publishes
    # no rate-limit numbers ("not published in documentation"; daily, reset at midnight UTC).
    # Comments: no cap per post documented (only a throttle, 429); 24 follow-ups, as for the
    # platforms with threads (X, Bluesky, Threads, Mastodon), so one thread fits them all.
    # Sources: the Posts, Images, MultiImage, Videos and Comments API pages; checked 2026-11.
    limits = PlatformLimits(
        max_chars=3000,
        max_images=20,
        max_videos=1,
        allow_mixed_media=False,
        image_types=frozenset({"image/jpeg", "image/png", "image/gif"}),
        video_types=frozenset({"video/mp4"}),
        max_video_bytes=5_000_000_000,
        max_video_seconds=1800,
        max_comments=24,
        comment_max_chars=MAX_COMMENT_CHARS,
    )
    options = (
        Option(
            name="visibility",
            kind=str,
            choices=("PUBLIC", "CONNECTIONS", "LOGGED_IN"),
            help="Who can see the post; PUBLIC by default. CONNECTIONS is for member posts.",
        ),
    )

    def validate(self, content: Content, credentials: Credentials | None = None) -> list[Problem]:
        problems = super().validate(content, credentials)
        for index, item in enumerate(content.media):
            if item.kind != "video":
                continue
            if item.duration is not None and item.duration < MIN_VIDEO_SECONDS:
                problems.append(
                    Problem(
                        "video_too_short",
                        f"Video lasts {item.duration:g} s; LinkedIn needs at least "
                        f"{MIN_VIDEO_SECONDS:g} s.",
                        f"media[{index}]",
                    )
                )
            if item.size is not None and item.size < MIN_VIDEO_BYTES:
                problems.append(
                    Problem(
                        "video_too_small",
                        f"Video is {item.size} bytes; LinkedIn needs at least 75 KB.",
                        f"media[{index}]",
                    )
                )
        return problems

    def publish(self, content: Content, credentials: Credentials) -> Published:
        if content.reply_to:
            return self._comment(content.reply_to, content.text, credentials)
        author = author_urn(credentials)
        with unambiguous():
            media = self._upload_media(content.media, author, credentials)
        body: dict[str, Any] = {
            "author": author,
            "commentary": little_text(content.text),
            "visibility": content.options.get("visibility", "PUBLIC"),
            "distribution": {
                "feedDistribution": "MAIN_FEED",
                "targetEntities": [],
                "thirdPartyDistributionChannels": [],
            },
            "lifecycleState": "PUBLISHED",
            "isReshareDisabledByAuthor": False,
        }
        if media:
            body["content"] = media
        response = send(
            self.client,
            "POST",
            f"{API_URL}/rest/posts",
            headers=_headers(self.config, credentials),
            json=body,
        )
        _raise_for_status(response)
        post_urn = response.headers.get("x-restli-id", "")
        if not post_urn:
            raise _unreadable(response, "a post without the x-restli-id header")
        return Published(
            state="published",
            external_id=post_urn,
            url=_post_url(post_urn),
        )

    def _comment(self, post_urn: str, text: str, credentials: Credentials) -> Published:
        """A follow-up: a comment on `post_urn` by the author the account posts as."""
        response = send(
            self.client,
            "POST",
            f"{API_URL}/rest/socialActions/{_urn(post_urn)}/comments",
            headers=_headers(self.config, credentials),
            json={"actor": author_urn(credentials), "object": post_urn, "message": {"text": text}},
        )
        _raise_for_status(response)
        comment_urn = json_object(response).get("commentUrn")
        if not isinstance(comment_urn, str) or not comment_urn:
            raise _unreadable(response, "a comment without its commentUrn")
        return Published(
            state="published",
            external_id=comment_urn,
            url=_post_url(post_urn),
        )

    def _upload_media(
        self, media: tuple[MediaItem, ...], author: str, credentials: Credentials
    ) -> dict[str, Any] | None:
        videos = [item for item in media if item.kind == "video"]
        if videos:
            return {"media": {"id": self._upload_video(videos[0], author, credentials)}}
        images = [
            _image_entry(self._upload_image(item, author, credentials), item)
            for item in media
            if item.kind == "image"
        ]
        if len(images) == 1:
            return {"media": images[0]}
        if images:
            return {"multiImage": {"images": images}}
        return None

    def _upload_image(self, item: MediaItem, author: str, credentials: Credentials) -> str:
        response = send(
            self.client,
            "POST",
            f"{API_URL}/rest/images?action=initializeUpload",
            headers=_headers(self.config, credentials),
            json={"initializeUploadRequest": {"owner": author}},
        )
        _raise_for_status(response)
        value = json_object(response).get("value") or {}
        upload_url, image_urn = value.get("uploadUrl"), value.get("image")
        if not isinstance(upload_url, str) or not isinstance(image_urn, str):
            raise _unreadable(response, "an image upload without uploadUrl and image")
        with download(self.client, item.url) as file:
            data = file.read()
        put = send(
            self.client,
            "PUT",
            upload_url,
            headers={"Authorization": f"Bearer {credentials.access_token}"},
            content=data,
        )
        _raise_for_status(put)
        return image_urn

    def _upload_video(self, item: MediaItem, author: str, credentials: Credentials) -> str:
        with download(self.client, item.url, max_bytes=self.limits.max_video_bytes) as file:
            size = file.seek(0, os.SEEK_END)
            response = send(
                self.client,
                "POST",
                f"{API_URL}/rest/videos?action=initializeUpload",
                headers=_headers(self.config, credentials),
                json={
                    "initializeUploadRequest": {
                        "owner": author,
                        "fileSizeBytes": size,
                        "uploadCaptions": False,
                        "uploadThumbnail": False,
                    }
                },
            )
            _raise_for_status(response)
            value = json_object(response).get("value") or {}
            video_urn = value.get("video")
            instructions = value.get("uploadInstructions")
            if not isinstance(video_urn, str) or not isinstance(instructions, list):
                raise _unreadable(response, "a video upload without video and uploadInstructions")
            part_ids = []
            for part in instructions:
                try:
                    url, first, last = (
                        part["uploadUrl"],
                        int(part["firstByte"]),
                        int(part["lastByte"]),
                    )
                except (KeyError, TypeError, ValueError):
                    raise _unreadable(response, "an unreadable video upload instruction") from None
                file.seek(first)
                put = send(
                    self.client,
                    "PUT",
                    url,
                    headers={
                        "Authorization": f"Bearer {credentials.access_token}",
                        "Content-Type": "application/octet-stream",
                    },
                    content=file.read(last - first + 1),
                )
                _raise_for_status(put)
                etag = put.headers.get("etag")
                if not etag:
                    raise _unreadable(put, "an uploaded video part without an ETag")
                part_ids.append(etag)
        finalize = send(
            self.client,
            "POST",
            f"{API_URL}/rest/videos?action=finalizeUpload",
            headers=_headers(self.config, credentials),
            json={
                "finalizeUploadRequest": {
                    "video": video_urn,
                    "uploadToken": value.get("uploadToken") or "",
                    "uploadedPartIds": part_ids,
                }
            },
        )
        _raise_for_status(finalize)
        return video_urn

    # --- metrics ---------------------------------------------------------------------------

    def post_metrics(self, handle: str, credentials: Credentials) -> PostMetrics:
        response = send(
            self.client,
            "GET",
            f"{API_URL}/rest/socialActions/{_urn(handle)}",
            headers=_headers(self.config, credentials),
        )
        with unambiguous():
            _raise_for_status(response)
        actions = json_object(response)
        likes = actions.get("likesSummary")
        comments = actions.get("commentsSummary")
        metrics = PostMetrics(
            likes=metric_count(likes.get("totalLikes")) if isinstance(likes, dict) else None,
            comments=(
                metric_count(comments.get("aggregatedTotalComments"))
                if isinstance(comments, dict)
                else None
            ),
        )
        author = author_urn(credentials)
        if not author.startswith("urn:li:organization:"):
            return metrics
        statistics = self._share_statistics(author, handle, credentials)
        if statistics is None:
            return metrics
        return replace(
            metrics,
            impressions=metric_count(statistics.get("impressionCount")),
            clicks=metric_count(statistics.get("clickCount")),
            shares=metric_count(statistics.get("shareCount")),
        )

    def _share_statistics(
        self, organization: str, post_urn: str, credentials: Credentials
    ) -> dict[str, Any] | None:
        """Lifetime `totalShareStatistics` of an organization's post; None when LinkedIn
        will not say (the member is not an administrator of the page)."""
        kind = "ugcPosts" if post_urn.startswith("urn:li:ugcPost:") else "shares"
        # Rest.li 2.0: the URNs are encoded, the List(...) syntax around them is not.
        query = (
            f"q=organizationalEntity&organizationalEntity={_urn(organization)}"
            f"&{kind}=List({_urn(post_urn)})"
        )
        response = send(
            self.client,
            "GET",
            f"{API_URL}/rest/organizationalEntityShareStatistics?{query}",
            headers=_headers(self.config, credentials),
        )
        try:
            with unambiguous():
                _raise_for_status(response)
        except PermanentError:
            return None
        elements = json_object(response).get("elements")
        for element in elements if isinstance(elements, list) else ():
            if isinstance(element, dict) and isinstance(element.get("totalShareStatistics"), dict):
                return element["totalShareStatistics"]
        return None

    def account_metrics(self, credentials: Credentials) -> AccountMetrics:
        author = author_urn(credentials)
        if author.startswith("urn:li:organization:"):
            response = send(
                self.client,
                "GET",
                f"{API_URL}/rest/networkSizes/{_urn(author)}",
                params={"edgeType": "COMPANY_FOLLOWED_BY_MEMBER"},
                headers=_headers(self.config, credentials),
            )
            with unambiguous():
                _raise_for_status(response)
            return AccountMetrics(
                followers=metric_count(json_object(response).get("firstDegreeSize"))
            )
        response = send(
            self.client,
            "GET",
            f"{API_URL}/rest/memberFollowersCount",
            params={"q": "me"},
            headers=_headers(self.config, credentials),
        )
        with unambiguous():
            _raise_for_status(response)
        elements = json_object(response).get("elements")
        first = elements[0] if isinstance(elements, list) and elements else None
        return AccountMetrics(
            followers=(
                metric_count(first.get("memberFollowersCount")) if isinstance(first, dict) else None
            )
        )

    def missing_analytics(self, credentials: Credentials) -> tuple[str, ...]:
        """What LinkedIn will not count for this account: the scopes granted at connect, or
        (connected before they were kept) the scopes asked for, lack what it needs."""
        granted = credentials.extra.get("scopes")
        if not isinstance(granted, list):
            granted = oauth_scopes(self.config).split()
        kind = author_urn(credentials).removeprefix("urn:li:").partition(":")[0]
        return tuple(
            f"{what} (needs the {scope} scope, which LinkedIn grants after reviewing the app)"
            for what, scope in ANALYTICS_SCOPES.get(kind, ())
            if scope not in granted
        )

    def authorization_url(self, app: OAuthApp, *, state: str, code_challenge: str) -> str:
        # LinkedIn's web flow has no PKCE (only approved native apps get it): the
        # challenge is not sent, and the client secret authenticates the exchange.
        query = urlencode(
            {
                "response_type": "code",
                "client_id": app.client_id,
                "redirect_uri": app.redirect_uri,
                "state": state,
                "scope": oauth_scopes(self.config),
            }
        )
        return f"{OAUTH_URL}/authorization?{query}"

    def exchange_code(
        self, app: OAuthApp, *, code: str, code_verifier: str
    ) -> tuple[Credentials, AccountProfile]:
        response = send(
            self.client,
            "POST",
            f"{OAUTH_URL}/accessToken",
            data={
                "grant_type": "authorization_code",
                "code": code,
                "client_id": app.client_id,
                "client_secret": app.client_secret,
                "redirect_uri": app.redirect_uri,
            },
        )
        if response.status_code in (400, 401):
            error_code, message = platform_error(response)
            raise PermanentError(
                message,
                code=error_code,
                platform_response=response.text,
                status=response.status_code,
            )
        _raise_for_status(response)
        tokens = refreshed_tokens(
            _unreadable, response, Credentials(external_id="", access_token="")
        )
        me = send(
            self.client,
            "GET",
            f"{API_URL}/v2/userinfo",
            headers={"Authorization": f"Bearer {tokens.access_token}"},
        )
        _raise_for_status(me)
        profile = json_object(me)
        member_id = str(profile.get("sub") or "")
        if not member_id:
            raise _unreadable(me, "a userinfo answer without sub")
        # The token answer lists the scopes the member granted ("openid,profile,..."), which
        # say what analytics the account will have.
        granted = json_object(response).get("scope")
        extra: dict[str, Any] = {"author_urn": f"urn:li:person:{member_id}"}
        if isinstance(granted, str):
            extra["scopes"] = sorted(filter(None, re.split(r"[,\s]+", granted)))
        credentials = replace(tokens, external_id=member_id, extra=extra)
        name = str(profile.get("name") or "")
        return credentials, AccountProfile(
            external_id=member_id,
            username=name,
            display_name=name,
            avatar_url=str(profile.get("picture") or ""),
        )

    def refresh(self, credentials: Credentials) -> Credentials:
        if not credentials.refresh_token:
            # LinkedIn gives refresh tokens to approved partners only; others reconnect.
            raise NothingToRefresh(
                "LinkedIn issued no refresh token for this account; reconnect it.",
                code="no_refresh_token",
            )
        client_id, client_secret = app_credentials(self)
        response = send(
            self.client,
            "POST",
            f"{OAUTH_URL}/accessToken",
            data={
                "grant_type": "refresh_token",
                "refresh_token": credentials.refresh_token,
                "client_id": client_id,
                "client_secret": client_secret,
            },
        )
        raise_if_refused(response)
        raise_for_platform_status(response)
        return refreshed_tokens(_unreadable, response, credentials)


def author_urn(credentials: Credentials) -> str:
    """`extra.author_urn` (a member or an organization) or the connected member."""
    urn = credentials.extra.get("author_urn")
    return str(urn) if urn else f"urn:li:person:{credentials.external_id}"


def little_text(text: str) -> str:
    """Escape the little-format reserved characters, leaving URLs and hashtags intact."""
    parts: list[str] = []
    position = 0
    for match in _VERBATIM.finditer(text):
        parts.append(_RESERVED.sub(r"\\\1", text[position : match.start()]))
        parts.append(match.group())
        position = match.end()
    parts.append(_RESERVED.sub(r"\\\1", text[position:]))
    return "".join(parts)


def _image_entry(image_urn: str, item: MediaItem) -> dict[str, str]:
    entry = {"id": image_urn}
    if item.alt_text:
        entry["altText"] = item.alt_text
    return entry


def _post_url(post_urn: str) -> str:
    """The post's page (a comment's too: LinkedIn has no page of its own for a comment)."""
    return f"https://www.linkedin.com/feed/update/{post_urn}/"


def _urn(urn: str) -> str:
    return quote(urn, safe="")


def _headers(config: ConnectorConfig, credentials: Credentials) -> dict[str, str]:
    return {
        "Authorization": f"Bearer {credentials.access_token}",
        "LinkedIn-Version": api_version(config),
        "X-Restli-Protocol-Version": "2.0.0",
    }


def _raise_for_status(response: httpx.Response) -> None:
    """The shared mapping, plus LinkedIn's `serviceErrorCode` as the error code."""
    if response.is_success:
        return
    code, _ = platform_error(response)
    service_code = json_object(response).get("serviceErrorCode")
    service_code = str(service_code) if service_code is not None else None
    error_class = ERRORS.get(code or "") or ERRORS.get(service_code or "")
    try:
        raise_for_platform_status(
            response, error_table={code or "": error_class} if error_class else None
        )
    except ConnectorError as exc:
        if exc.code is None:
            exc.code = service_code
        raise


_unreadable = partial(unreadable, "LinkedIn")
