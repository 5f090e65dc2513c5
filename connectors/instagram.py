"""Instagram professional accounts: posts, reels, stories and carousels through the
Content Publishing API (Instagram API with Instagram Login, graph.instagram.com).

API reference (read 2026-11):
- Content publishing: https://developers.facebook.com/docs/instagram-platform/content-publishing
- IG User media (create a container): https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-user/media
- IG User media_publish: https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-user/media_publish
- IG Container (status_code): https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-container
- Content publishing limit: https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-user/content_publishing_limit
- IG Media comments (`POST /<IG_MEDIA_ID>/comments` with `message`, answering `{"id"}`; `GET`
  lists them), needing instagram_business_manage_comments: https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-media/comments
- IG Comment fields (`user` is returned only on the app user's own comments): https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-comment
- Error codes: https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/error-codes
- Business Login for Instagram: https://developers.facebook.com/docs/instagram-platform/instagram-api-with-instagram-login/business-login
- Long-lived tokens and refresh: https://developers.facebook.com/docs/instagram-platform/reference/access_token
  and https://developers.facebook.com/docs/instagram-platform/reference/refresh_access_token
- The "me" endpoint: https://developers.facebook.com/docs/instagram-platform/instagram-api-with-instagram-login/get-started
- Metrics: Instagram Media Insights (`GET /<IG_MEDIA_ID>/insights`, metrics views, likes,
  comments, shares, saved; impressions is deprecated):
  https://developers.facebook.com/docs/instagram-platform/reference/instagram-media/insights
  and the insights guide https://developers.facebook.com/docs/instagram-platform/insights;
  followers from the IG user's `followers_count`:
  https://developers.facebook.com/docs/instagram-platform/instagram-api-with-instagram-login/get-started

Two phases. `publish()` checks the publishing quota and creates the media container(s) —
Instagram pulls the media from the URL Crier serves — and answers `processing` with the
container id as handle; nothing is visible yet, so `publish()` can be retried safely.
`poll()` reads the container's `status_code` and, once it is FINISHED, calls `media_publish`,
the one irreversible call. If that call's answer is lost, the next poll finds the container
PUBLISHED (Instagram's own record that it went out) and looks the media up among the
account's recent posts instead of publishing again.

A thread's follow-ups become comments by the account on the published media: each is a
delivery of its own whose `reply_to` is the media id, and one `POST /<IG_MEDIA_ID>/comments`,
published at once. That call has no container to check afterwards, so `publish()` first
looks among the media's latest comments for one the account made with the same text and
returns it instead of commenting twice; `validate()` therefore refuses identical follow-ups.
Hence `idempotent = True` for comments too.
"""

from __future__ import annotations

import hashlib
import re
from contextlib import suppress
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any
from urllib.parse import urlencode

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
    RateLimit,
    metric_count,
)
from connectors.errors import (
    ConnectorError,
    PermanentError,
    RateLimited,
    TransientError,
)
from connectors.facebook import graph_version, insight_values, raise_for_graph_status
from connectors.http import json_object, platform_error, send, unambiguous, unreadable
from connectors.oauth import raise_if_refused, token_refused

GRAPH_URL = "https://graph.instagram.com"
CODE_EXCHANGE_URL = "https://api.instagram.com/oauth/access_token"
AUTHORIZE_URL = "https://www.instagram.com/oauth/authorize"
# instagram_business_manage_comments: comments (a thread's follow-ups).
# Media insights (analytics) need instagram_business_manage_insights.
DEFAULT_SCOPES = (
    "instagram_business_basic,instagram_business_content_publish,"
    "instagram_business_manage_comments,instagram_business_manage_insights"
)
MAX_HASHTAGS = 30
MAX_MENTIONS = 20
MAX_STORY_VIDEO_SECONDS = 60.0
RECENT_MEDIA = 25  # how far back a lost media_publish answer is looked for
RECENT_COMMENTS = 50  # how far back a comment is looked for before commenting
# Media insights valid for feed posts, carousels and reels alike (stories have their own).
MEDIA_METRICS = ("views", "reach", "likes", "comments", "shares", "saved")

# error_subcode values from the error-codes page whose class the HTTP status (400 for
# nearly all) would get wrong. Other subcodes (unsupported format, aspect ratio, caption
# too long, media not fetchable from the URL, restricted account, …) stay permanent.
SUBCODES: dict[str, type[ConnectorError]] = {
    "2207042": RateLimited,  # maximum number of posts published in 24 hours
    "2207003": TransientError,  # media took too long to download; try again
    "2207001": TransientError,  # Instagram server error; try again
    "2207032": TransientError,  # creating the media failed; re-create it
    "2207053": TransientError,  # unknown upload error; new container
    "2207027": TransientError,  # media not ready for publishing; wait
}

_HASHTAG = re.compile(r"(?<![\w#])#\w+")
_MENTION = re.compile(r"(?<![\w@])@[\w.]+")


class InstagramConnector(Connector):
    platform = "instagram"
    display_name = "Instagram"
    connection = "oauth"
    # publish() only creates invisible containers, or finds a comment before making it; see
    # the module doc.
    idempotent = True
    # Captions: 2,200 characters, 30 hashtags, 20 @tags. Images: JPEG only, 8 MiB max.
    # Reels: MP4 or MOV, 3 s to 15 min, 23 to 60 fps, 300 MB. Stories: one image or a
    # video up to 60 s. Carousels: 2 to 10 images and videos. 100 API-published posts per
    # account in a moving 24 h window (a carousel counts once). Comments: no cap per media
    # documented, at most 2,200 characters like captions; 24 follow-ups, as for the
    # platforms with threads (X, Bluesky, Threads, Mastodon), so one thread fits them all.
    # Sources: content publishing guide, IG User media and IG Media comments references;
    # checked 2026-11.
    limits = PlatformLimits(
        max_chars=2200,
        max_images=10,
        max_videos=10,
        allow_mixed_media=True,
        image_types=frozenset({"image/jpeg"}),
        video_types=frozenset({"video/mp4", "video/quicktime"}),
        max_image_bytes=8 * 1024 * 1024,
        max_video_bytes=300_000_000,
        min_fps=23,
        max_video_seconds=900,
        requires_media=True,
        max_comments=24,
        per_account_rate=RateLimit(requests=100, per_seconds=86400),
    )
    options = (
        Option(
            name="type",
            kind=str,
            choices=("post", "reel", "story", "carousel"),
            help="Defaults from the media: one image a post, one video a reel, several a carousel.",
        ),
    )

    def validate(self, content: Content, credentials: Credentials | None = None) -> list[Problem]:
        problems = super().validate(content, credentials)
        if content.reply_to:
            # A comment: text only, whatever the media it answers.
            problems = [problem for problem in problems if problem.code != "media_required"]
        problems += _comment_problems(content)
        hashtags, mentions = (
            len(_HASHTAG.findall(content.text)),
            len(_MENTION.findall(content.text)),
        )
        if hashtags > MAX_HASHTAGS:
            problems.append(
                Problem(
                    "too_many_hashtags",
                    f"Caption has {hashtags} hashtags; Instagram allows {MAX_HASHTAGS}.",
                    "text",
                )
            )
        if mentions > MAX_MENTIONS:
            problems.append(
                Problem(
                    "too_many_mentions",
                    f"Caption has {mentions} @mentions; Instagram allows {MAX_MENTIONS}.",
                    "text",
                )
            )
        if content.media:
            problems += _type_problems(post_type(content), content.media)
        return problems

    def publish(self, content: Content, credentials: Credentials) -> Published:
        if content.reply_to:
            return self._comment(content.reply_to, content.text, credentials)
        kind = post_type(content)
        media = content.media
        with unambiguous():
            self._check_quota(credentials)
            if kind == "carousel":
                children = [
                    self._container(credentials, {**_item_fields(item), "is_carousel_item": True})
                    for item in media
                ]
                container = self._container(
                    credentials,
                    {
                        "media_type": "CAROUSEL",
                        "children": ",".join(children),
                        "caption": content.text,
                    },
                )
            elif kind == "story":
                container = self._container(
                    credentials, {"media_type": "STORIES", **_url_field(media[0])}
                )
            elif kind == "reel":
                container = self._container(
                    credentials,
                    {"media_type": "REELS", "video_url": media[0].url, "caption": content.text},
                )
            else:
                container = self._container(
                    credentials, {**_item_fields(media[0]), "caption": content.text}
                )
        return Published(state="processing", handle=f"{container}:{caption_digest(content.text)}")

    def poll(
        self, handle: str, credentials: Credentials, content: Content | None = None
    ) -> Published:
        container, _, digest = handle.partition(":")
        response = send(
            self.client,
            "GET",
            f"{_base(self.config)}/{container}",
            headers=_auth(credentials),
            params={"fields": "status_code,status"},
        )
        raise_for_graph_status(response, subcodes=SUBCODES)
        state = json_object(response)
        status_code = state.get("status_code")
        if status_code == "IN_PROGRESS":
            return Published(state="processing", handle=handle)
        if status_code == "FINISHED":
            return self._publish_container(container, credentials)
        if status_code == "PUBLISHED":
            return self._find_published(digest, credentials)
        if status_code in ("ERROR", "EXPIRED"):
            raise PermanentError(
                f"Instagram could not publish the media ({status_code}): "
                f"{state.get('status') or 'no reason given'}",
                code=f"container_{str(status_code).lower()}",
                platform_response=response.text,
            )
        raise _unreadable(response, "a container without a known status_code")

    def _comment(self, media_id: str, text: str, credentials: Credentials) -> Published:
        """A follow-up: the account's comment on `media_id`, unless an earlier attempt made it."""
        with unambiguous():
            comment_id = self._find_comment(media_id, text, credentials)
        if comment_id is None:
            response = send(
                self.client,
                "POST",
                f"{_base(self.config)}/{media_id}/comments",
                headers=_auth(credentials),
                json={"message": text},
            )
            raise_for_graph_status(response, subcodes=SUBCODES)
            comment_id = _object_id(response, "a comment")
        return Published(
            state="published",
            external_id=comment_id,
            url=self._permalink(media_id, credentials),
        )

    def _find_comment(self, media_id: str, text: str, credentials: Credentials) -> str | None:
        """The id of the account's comment on `media_id` with this text, if there is one."""
        response = send(
            self.client,
            "GET",
            f"{_base(self.config)}/{media_id}/comments",
            headers=_auth(credentials),
            params={"fields": "id,text,user", "limit": str(RECENT_COMMENTS)},
        )
        raise_for_graph_status(response, subcodes=SUBCODES)
        comments = json_object(response).get("data")
        for comment in comments if isinstance(comments, list) else ():
            # Instagram returns `user` only on comments the account itself made.
            if (
                isinstance(comment, dict)
                and comment.get("id")
                and comment.get("user")
                and str(comment.get("text") or "").strip() == text.strip()
            ):
                return str(comment["id"])
        return None

    def _check_quota(self, credentials: Credentials) -> None:
        response = send(
            self.client,
            "GET",
            f"{_base(self.config)}/{credentials.external_id}/content_publishing_limit",
            headers=_auth(credentials),
            params={"fields": "quota_usage,config"},
        )
        raise_for_graph_status(response, subcodes=SUBCODES)
        entries = json_object(response).get("data")
        entry = entries[0] if isinstance(entries, list) and entries else {}
        config = entry.get("config") if isinstance(entry, dict) else None
        usage = entry.get("quota_usage") if isinstance(entry, dict) else None
        total = config.get("quota_total") if isinstance(config, dict) else None
        if isinstance(usage, int) and isinstance(total, int) and usage >= total:
            # A moving 24 h window: when the oldest post leaves it is unknown here, so the
            # task's backoff decides when to look again.
            raise RateLimited(
                f"The account has published {usage} of its {total} posts allowed through "
                "the API in 24 hours.",
                code="publishing_limit",
                platform_response=response.text,
            )

    def _container(self, credentials: Credentials, fields: dict[str, Any]) -> str:
        response = send(
            self.client,
            "POST",
            f"{_base(self.config)}/{credentials.external_id}/media",
            headers=_auth(credentials),
            json=fields,
        )
        raise_for_graph_status(response, subcodes=SUBCODES)
        return _object_id(response, "a container")

    def _publish_container(self, container: str, credentials: Credentials) -> Published:
        response = send(
            self.client,
            "POST",
            f"{_base(self.config)}/{credentials.external_id}/media_publish",
            headers=_auth(credentials),
            json={"creation_id": container},
        )
        raise_for_graph_status(response, subcodes=SUBCODES)
        media_id = _object_id(response, "a published media")
        return Published(
            state="published",
            external_id=media_id,
            url=self._permalink(media_id, credentials),
        )

    def _permalink(self, media_id: str, credentials: Credentials) -> str | None:
        """The media's link. The post or comment is live: its link is a nicety, never a
        reason to fail (or retry) it."""
        with suppress(ConnectorError):
            answer = send(
                self.client,
                "GET",
                f"{_base(self.config)}/{media_id}",
                headers=_auth(credentials),
                params={"fields": "permalink"},
            )
            if answer.is_success:
                permalink = json_object(answer).get("permalink")
                return permalink if isinstance(permalink, str) else None
        return None

    def _find_published(self, digest: str, credentials: Credentials) -> Published:
        response = send(
            self.client,
            "GET",
            f"{_base(self.config)}/{credentials.external_id}/media",
            headers=_auth(credentials),
            params={"fields": "id,caption,permalink,timestamp", "limit": str(RECENT_MEDIA)},
        )
        raise_for_graph_status(response, subcodes=SUBCODES)
        recent = json_object(response).get("data")
        for media in recent if isinstance(recent, list) else ():
            if (
                isinstance(media, dict)
                and media.get("id")
                and (caption_digest(str(media.get("caption") or "")) == digest)
            ):
                permalink = media.get("permalink")
                return Published(
                    state="published",
                    external_id=str(media["id"]),
                    url=permalink if isinstance(permalink, str) else None,
                )
        raise PermanentError(
            "Instagram reports this post as published, but it is not among the account's "
            f"{RECENT_MEDIA} latest posts; check the account before publishing it again.",
            code="published_not_found",
            platform_response=response.text,
        )

    # --- metrics ---------------------------------------------------------------------------

    def post_metrics(self, handle: str, credentials: Credentials) -> PostMetrics:
        response = send(
            self.client,
            "GET",
            f"{_base(self.config)}/{handle}/insights",
            params={"metric": ",".join(MEDIA_METRICS)},
            headers=_auth(credentials),
        )
        with unambiguous():
            raise_for_graph_status(response)
        values = insight_values(json_object(response))
        return PostMetrics(
            impressions=values.get("views"),
            likes=values.get("likes"),
            comments=values.get("comments"),
            shares=values.get("shares"),
            extra={name: values[name] for name in ("saved", "reach") if name in values},
        )

    def account_metrics(self, credentials: Credentials) -> AccountMetrics:
        response = send(
            self.client,
            "GET",
            f"{_base(self.config)}/{credentials.external_id}",
            params={"fields": "followers_count"},
            headers=_auth(credentials),
        )
        with unambiguous():
            raise_for_graph_status(response)
        return AccountMetrics(followers=metric_count(json_object(response).get("followers_count")))

    def authorization_url(self, app: OAuthApp, *, state: str, code_challenge: str) -> str:
        # Business Login for Instagram documents no PKCE; the app secret guards the
        # exchange.
        query = urlencode(
            {
                "client_id": app.client_id,
                "redirect_uri": app.redirect_uri,
                "response_type": "code",
                "scope": self.config.scopes or DEFAULT_SCOPES,
                "state": state,
            }
        )
        return f"{AUTHORIZE_URL}?{query}"

    def exchange_code(
        self, app: OAuthApp, *, code: str, code_verifier: str
    ) -> tuple[Credentials, AccountProfile]:
        """Code → short-lived token → long-lived (60-day) token → the account profile."""
        short = send(
            self.client,
            "POST",
            CODE_EXCHANGE_URL,
            data={
                "client_id": app.client_id,
                "client_secret": app.client_secret,
                "grant_type": "authorization_code",
                "redirect_uri": app.redirect_uri,
                "code": code,
            },
        )
        _raise_for_connection(short)
        short_data = json_object(short)
        # The answer is either flat or wrapped in `data: [...]`, depending on the version.
        if isinstance(short_data.get("data"), list) and short_data["data"]:
            short_data = short_data["data"][0]
        short_token = short_data.get("access_token") if isinstance(short_data, dict) else None
        if not isinstance(short_token, str) or not short_token:
            raise _unreadable(short, "a token answer without access_token")
        long = send(
            self.client,
            "GET",
            f"{GRAPH_URL}/access_token",
            params={
                "grant_type": "ig_exchange_token",
                "client_secret": app.client_secret,
                "access_token": short_token,
            },
        )
        _raise_for_connection(long)
        tokens = _tokens_from(long)
        me = send(
            self.client,
            "GET",
            f"{_base(self.config)}/me",
            headers=_auth(tokens),
            params={"fields": "user_id,username,name,profile_picture_url"},
        )
        _raise_for_connection(me)
        profile = json_object(me)
        # `user_id` is the professional account id publishing uses (`id` is app-scoped).
        account_id = str(profile.get("user_id") or short_data.get("user_id") or "")
        if not account_id:
            raise _unreadable(me, "a profile without user_id")
        return replace(tokens, external_id=account_id), AccountProfile(
            external_id=account_id,
            username=str(profile.get("username") or ""),
            display_name=str(profile.get("name") or ""),
            avatar_url=str(profile.get("profile_picture_url") or ""),
        )

    def refresh(self, credentials: Credentials) -> Credentials:
        """Long-lived tokens refresh themselves (at least 24 h old, not yet expired).

        There is no separate refresh token: the long-lived token is stored in both fields,
        so Crier's refresh-ahead task picks the account up.
        """
        token = credentials.refresh_token or credentials.access_token
        response = send(
            self.client,
            "GET",
            f"{GRAPH_URL}/refresh_access_token",
            params={"grant_type": "ig_refresh_token", "access_token": token},
        )
        raise_if_refused(response)
        raise_for_graph_status(response)
        return replace(
            _tokens_from(response), external_id=credentials.external_id, extra=credentials.extra
        )


def post_type(content: Content) -> str:
    """The `type` option, or what the media make: one image a post, one video a reel."""
    chosen = content.options.get("type")
    if chosen in ("post", "reel", "story", "carousel"):
        return chosen
    if len(content.media) > 1:
        return "carousel"
    if content.media and content.media[0].kind == "video":
        return "reel"
    return "post"


def caption_digest(caption: str) -> str:
    return hashlib.sha256(caption.strip().encode()).hexdigest()[:16]


def _comment_problems(content: Content) -> list[Problem]:
    """Follow-ups Instagram cannot take as comments: on a story, or the same text twice
    (publish() recognises an earlier attempt at a comment by its text)."""
    if content.thread and post_type(content) == "story":
        return [
            Problem(
                "story_comments",
                "Instagram stories take no comments; remove the follow-ups or post a feed "
                "post or a reel.",
                "thread",
            )
        ]
    problems = []
    seen: dict[str, int] = {}
    for index, item in enumerate(content.thread):
        first = seen.setdefault(item.strip(), index)
        if first != index:
            problems.append(
                Problem(
                    "duplicate_comment",
                    f"Thread item {index + 1} repeats item {first + 1}; Instagram comments "
                    "on one post must differ.",
                    f"thread[{index}]",
                )
            )
    return problems


def _type_problems(kind: str, media: tuple[MediaItem, ...]) -> list[Problem]:
    count = len(media)
    first = media[0]
    if kind == "carousel" and not 2 <= count <= 10:
        return [Problem("carousel_size", "A carousel takes 2 to 10 images or videos.", "media")]
    if kind == "post" and (count != 1 or first.kind != "image"):
        return [
            Problem(
                "post_media",
                "An Instagram post takes one image; use a reel for a video or a carousel "
                "for several items.",
                "media",
            )
        ]
    if kind == "reel" and (count != 1 or first.kind != "video"):
        return [Problem("reel_media", "A reel takes exactly one video.", "media")]
    if kind == "story":
        if count != 1:
            return [Problem("story_media", "A story takes exactly one image or video.", "media")]
        if first.kind == "video" and (first.duration or 0) > MAX_STORY_VIDEO_SECONDS:
            return [
                Problem(
                    "video_too_long",
                    f"Story videos last at most {MAX_STORY_VIDEO_SECONDS:g} s.",
                    "media[0]",
                )
            ]
    return []


def _url_field(item: MediaItem) -> dict[str, str]:
    return {"video_url": item.url} if item.kind == "video" else {"image_url": item.url}


def _item_fields(item: MediaItem) -> dict[str, Any]:
    if item.kind == "video":
        return {"media_type": "VIDEO", "video_url": item.url}
    fields: dict[str, Any] = {"image_url": item.url}
    if item.alt_text:
        fields["alt_text"] = item.alt_text
    return fields


def _base(config: ConnectorConfig) -> str:
    return f"{GRAPH_URL}/{graph_version(config)}"


def _auth(credentials: Credentials) -> dict[str, str]:
    return {"Authorization": f"Bearer {credentials.access_token}"}


def _raise_for_connection(response: httpx.Response) -> None:
    # While connecting, any client error is a refusal to show the person, never a token
    # to refresh. api.instagram.com answers {"error_type", "code", "error_message"}.
    status = response.status_code
    if token_refused(response):
        data = json_object(response)
        code, message = platform_error(response)
        if isinstance(data.get("error_message"), str):
            message = data["error_message"]
            code = str(data.get("error_type") or code or "")
        raise PermanentError(message, code=code, platform_response=response.text, status=status)
    raise_for_graph_status(response)


def _tokens_from(response: httpx.Response) -> Credentials:
    data = json_object(response)
    token = data.get("access_token")
    if not isinstance(token, str) or not token:
        raise _unreadable(response, "a token answer without access_token")
    expires_in = data.get("expires_in")
    return Credentials(
        external_id="",
        access_token=token,
        refresh_token=token,
        expires_at=(
            datetime.now(UTC) + timedelta(seconds=expires_in)
            if isinstance(expires_in, (int, float))
            else None
        ),
    )


def _object_id(response: httpx.Response, what: str) -> str:
    object_id = json_object(response).get("id")
    if not isinstance(object_id, (str, int)) or not str(object_id):
        raise _unreadable(response, f"{what} without its id")
    return str(object_id)


_unreadable = partial(unreadable, "Instagram")
