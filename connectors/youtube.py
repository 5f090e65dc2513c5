"""YouTube: one video per post through the Data API v3 resumable upload.

API reference (read 2026-11):
- videos.insert: https://developers.google.com/youtube/v3/docs/videos/insert
- Resumable upload protocol (session POST, `Location`, the PUT of the bytes):
  https://developers.google.com/youtube/v3/guides/using_resumable_upload_protocol
- Video resource (snippet and status fields, their limits, uploadStatus, failureReason,
  rejectionReason): https://developers.google.com/youtube/v3/docs/videos#resource
- videos.list (the poll): https://developers.google.com/youtube/v3/docs/videos/list
- channels.list `mine=true` (the "me" call):
  https://developers.google.com/youtube/v3/docs/channels/list
- Errors: https://developers.google.com/youtube/v3/docs/errors
- Metrics: `videos.list` with part=statistics (viewCount, likeCount, commentCount as
  strings): https://developers.google.com/youtube/v3/docs/videos/list and
  https://developers.google.com/youtube/v3/docs/videos#statistics; subscribers from
  `channels.list` part=statistics (subscriberCount, hiddenSubscriberCount):
  https://developers.google.com/youtube/v3/docs/channels#statistics. Each list call costs
  1 quota unit.
- Quota (videos.insert has its own bucket of 100 a day; reset at midnight Pacific Time):
  https://developers.google.com/youtube/v3/determine_quota_cost
- Google OAuth 2.0 for web servers (PKCE, offline access, refresh, `invalid_grant`):
  https://developers.google.com/identity/protocols/oauth2/web-server
- Supported file formats: https://support.google.com/youtube/troubleshooter/2888402

A publish downloads the video from Crier, opens an upload session (metadata only, nothing
is created yet), then PUTs the bytes: that PUT is the call that creates the video, and the
last one. YouTube answers with the video id at once and processes the file afterwards, so
the post is returned as processing and `poll()` reads `status.uploadStatus` until
`processed`. YouTube has no idempotency key and no lookup by ours: not idempotent.

Videos uploaded by API projects that have not passed Google's audit are locked private,
whatever `privacy` says.
"""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import httpx

from connectors.base import (
    AccountMetrics,
    AccountProfile,
    Connector,
    ConnectorConfig,
    Content,
    Credentials,
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
    AuthExpired,
    ConnectorError,
    NothingToRefresh,
    PermanentError,
    RateLimited,
    TransientError,
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

AUTHORIZE_URL = "https://accounts.google.com/o/oauth2/v2/auth"
TOKEN_URL = "https://oauth2.googleapis.com/token"  # noqa: S105 - an endpoint, not a secret
API_URL = "https://www.googleapis.com/youtube/v3"
UPLOAD_URL = "https://www.googleapis.com/upload/youtube/v3/videos"
UPLOAD_SCOPE = "https://www.googleapis.com/auth/youtube.upload"
# channels.list mine=true needs a read scope; youtube.upload alone cannot name the channel.
DEFAULT_SCOPES = f"{UPLOAD_SCOPE} https://www.googleapis.com/auth/youtube.readonly"
DEFAULT_CATEGORY = "22"  # People & Blogs, the category YouTube's own examples use
MAX_TITLE_CHARS = 100
MAX_TAGS_CHARS = 500
QUOTA_ZONE = ZoneInfo("America/Los_Angeles")
UPLOAD_LIMIT_WAIT = 24 * 3600.0  # "try again in 24 hours" (uploadLimitExceeded)

# `reason` of the first entry in `error.errors`; unlisted reasons follow the status (401
# AuthExpired, 429 RateLimited, other 4xx PermanentError with YouTube's message, 5xx
# transient).
ERRORS: dict[str, type[ConnectorError]] = {
    "quotaExceeded": RateLimited,  # 403: the project's daily quota; resets midnight PT
    "rateLimitExceeded": RateLimited,
    "userRateLimitExceeded": RateLimited,
    "uploadLimitExceeded": RateLimited,  # 400: the channel's uploads for 24 hours
    "authError": AuthExpired,  # 401 "Invalid Credentials"
    # A 401 that no token refresh can fix: the Google account has no channel.
    "youtubeSignupRequired": PermanentError,
    "insufficientPermissions": PermanentError,  # 403: granted without youtube.upload
    "forbidden": PermanentError,
}


def oauth_scopes(config: ConnectorConfig) -> str:
    return config.scopes or DEFAULT_SCOPES


class YouTubeConnector(Connector):
    platform = "youtube"
    display_name = "YouTube"
    connection = "oauth"
    idempotent = False
    # Video resource: title 100 characters without < or >, description 5000 bytes without
    # < or >, tags 500 characters in all. Uploads up to 256 GB or 12 hours. Quota: 100
    # videos.insert calls a day per project by default. Sources: the pages above; checked
    # 2026-11.
    limits = PlatformLimits(
        max_chars=5000,  # the description, counted in UTF-8 bytes (text_length)
        max_images=0,
        max_videos=1,
        allow_mixed_media=False,
        requires_media=True,
        image_types=frozenset(),
        video_types=frozenset(
            {
                "video/mp4",
                "video/quicktime",
                "video/webm",
                "video/mpeg",
                "video/x-msvideo",
                "video/x-ms-wmv",
                "video/x-flv",
                "video/3gpp",
                "video/x-matroska",
            }
        ),
        max_video_bytes=256 * 1024**3,
        max_video_seconds=12 * 3600,
        per_platform_rate=RateLimit(requests=100, per_seconds=24 * 3600),
    )
    options = (
        Option(name="title", kind=str, help="Video title; the text's first line if absent."),
        Option(name="description", kind=str, help="Video description; the text if absent."),
        Option(
            name="privacy",
            kind=str,
            choices=("public", "unlisted", "private"),
            help="Who can watch; public by default.",
        ),
        Option(name="tags", kind=list, help="Keyword tags (500 characters in all)."),
        Option(
            name="notify_subscribers",
            kind=bool,
            help="Tell subscribers about the new video (YouTube's default: yes).",
        ),
        Option(name="category_id", kind=str, help="Video category id; 22 by default."),
        Option(
            name="made_for_kids",
            kind=bool,
            help="Declare the video made for children (COPPA); no by default.",
        ),
    )

    def text_length(self, text: str) -> int:
        return len(text.encode("utf-8"))

    def validate(self, content: Content, credentials: Credentials | None = None) -> list[Problem]:
        problems = super().validate(content, credentials)
        options = content.options
        title = _title(content)
        if not title:
            problems.append(
                Problem("title_required", "YouTube needs a title: give text or a title.", "text")
            )
        elif len(title) > MAX_TITLE_CHARS:
            problems.append(
                Problem(
                    "title_too_long",
                    f"Title is {len(title)} characters; YouTube allows {MAX_TITLE_CHARS}.",
                    "options.title",
                )
            )
        description = _description(content)
        description_field = "options.description" if "description" in options else "text"
        if description_field != "text":
            length = self.text_length(description)
            if length > self.limits.max_chars:
                problems.append(
                    Problem(
                        "text_too_long",
                        f"Description is {length} bytes; YouTube allows {self.limits.max_chars}.",
                        description_field,
                    )
                )
        title_field = "options.title" if options.get("title") else "text"
        for value, field, what in (
            (title, title_field, "title"),
            (description, description_field, "description"),
        ):
            if "<" in value or ">" in value:
                problems.append(
                    Problem("angle_brackets", f"YouTube refuses < and > in the {what}.", field)
                )
        tags = options.get("tags")
        if isinstance(tags, list):
            if not all(isinstance(tag, str) and tag.strip() for tag in tags):
                problems.append(
                    Problem("option_type", "Option 'tags' must list words.", "options.tags")
                )
            elif _tags_length(tags) > MAX_TAGS_CHARS:
                problems.append(
                    Problem(
                        "tags_too_long",
                        f"Tags take {_tags_length(tags)} characters; YouTube allows "
                        f"{MAX_TAGS_CHARS} (commas count, and quotes around tags with spaces).",
                        "options.tags",
                    )
                )
        return problems

    def publish(self, content: Content, credentials: Credentials) -> Published:
        videos = [item for item in content.media if item.kind == "video"]
        if len(videos) != 1:
            raise PermanentError("A YouTube post needs exactly one video.", code="no_video")
        video = videos[0]
        options = content.options
        snippet: dict[str, Any] = {
            "title": _title(content),
            "description": _description(content),
            "categoryId": options.get("category_id") or DEFAULT_CATEGORY,
        }
        if options.get("tags"):
            snippet["tags"] = list(options["tags"])
        metadata = {
            "snippet": snippet,
            "status": {
                "privacyStatus": options.get("privacy") or "public",
                "selfDeclaredMadeForKids": bool(options.get("made_for_kids", False)),
            },
        }
        query = {"uploadType": "resumable", "part": "snippet,status"}
        if "notify_subscribers" in options:
            query["notifySubscribers"] = "true" if options["notify_subscribers"] else "false"
        with download(self.client, video.url, max_bytes=self.limits.max_video_bytes) as file:
            size = file.seek(0, os.SEEK_END)
            file.seek(0)
            with unambiguous():
                # Opening the session creates nothing; only the PUT below does.
                session = send(
                    self.client,
                    "POST",
                    f"{UPLOAD_URL}?{urlencode(query)}",
                    headers={
                        **_auth(credentials),
                        "Content-Type": "application/json; charset=UTF-8",
                        "X-Upload-Content-Length": str(size),
                        "X-Upload-Content-Type": video.mime_type,
                    },
                    json=metadata,
                )
                _raise_for_status(session)
                location = session.headers.get("location")
                if not location:
                    raise _unreadable(session, "an upload session without a Location")
            upload = send(
                self.client,
                "PUT",
                location,
                headers={
                    **_auth(credentials),
                    "Content-Type": video.mime_type,
                    "Content-Length": str(size),
                },
                content=file,
            )
        if upload.status_code == 308:
            # "Resume Incomplete": YouTube holds part of the file and made no video.
            raise TransientError(
                "YouTube did not receive the whole video; the upload must start again.",
                ambiguous=False,
                code="upload_incomplete",
                status=308,
            )
        _raise_for_status(upload)
        video_id = json_object(upload).get("id")
        if not isinstance(video_id, str) or not video_id:
            raise _unreadable(upload, "an upload answer without the video id")
        return Published(
            state="processing", external_id=video_id, url=watch_url(video_id), handle=video_id
        )

    def poll(
        self, handle: str, credentials: Credentials, content: Content | None = None
    ) -> Published:
        with unambiguous():
            response = send(
                self.client,
                "GET",
                f"{API_URL}/videos",
                headers=_auth(credentials),
                params={"part": "status,processingDetails", "id": handle},
            )
            _raise_for_status(response)
        items = json_object(response).get("items")
        if not isinstance(items, list) or not items or not isinstance(items[0], dict):
            raise PermanentError(
                f"YouTube no longer has the video {handle}; it was deleted.",
                code="video_missing",
            )
        status = items[0].get("status") or {}
        processing = items[0].get("processingDetails") or {}
        upload_status = status.get("uploadStatus")
        if upload_status == "processed":
            return Published(state="published", external_id=handle, url=watch_url(handle))
        if upload_status == "rejected":
            raise PermanentError(
                f"YouTube rejected the video: {status.get('rejectionReason') or 'no reason'}.",
                code=f"rejected_{status.get('rejectionReason') or 'unknown'}",
            )
        if upload_status == "failed":
            raise PermanentError(
                f"YouTube could not process the video: {status.get('failureReason') or '?'}.",
                code=f"failed_{status.get('failureReason') or 'unknown'}",
            )
        if upload_status == "deleted":
            raise PermanentError("The video was deleted on YouTube.", code="video_deleted")
        if processing.get("processingStatus") in ("failed", "terminated"):
            raise PermanentError(
                "YouTube stopped processing the video "
                f"({processing.get('processingFailureReason') or processing['processingStatus']}).",
                code="processing_failed",
            )
        return Published(
            state="processing", external_id=handle, url=watch_url(handle), handle=handle
        )

    # --- metrics ---------------------------------------------------------------------------

    def post_metrics(self, handle: str, credentials: Credentials) -> PostMetrics:
        response = send(
            self.client,
            "GET",
            f"{API_URL}/videos",
            params={"part": "statistics", "id": handle},
            headers=_auth(credentials),
        )
        statistics = _statistics(response, f"video {handle}")
        return PostMetrics(
            impressions=metric_count(statistics.get("viewCount")),
            likes=metric_count(statistics.get("likeCount")),
            comments=metric_count(statistics.get("commentCount")),
        )

    def account_metrics(self, credentials: Credentials) -> AccountMetrics:
        channel = str(credentials.extra.get("channel_id") or credentials.external_id)
        response = send(
            self.client,
            "GET",
            f"{API_URL}/channels",
            params={"part": "statistics", "id": channel},
            headers=_auth(credentials),
        )
        statistics = _statistics(response, f"channel {channel}")
        if statistics.get("hiddenSubscriberCount") is True:
            return AccountMetrics(followers=None)  # the owner hides it, even from the API
        return AccountMetrics(followers=metric_count(statistics.get("subscriberCount")))

    def authorization_url(self, app: OAuthApp, *, state: str, code_challenge: str) -> str:
        query = urlencode(
            {
                "client_id": app.client_id,
                "redirect_uri": app.redirect_uri,
                "response_type": "code",
                "scope": oauth_scopes(self.config),
                "state": state,
                "code_challenge": code_challenge,
                "code_challenge_method": "S256",
                # A refresh token comes only with offline access, and again on reconnection
                # only when consent is asked anew.
                "access_type": "offline",
                "prompt": "consent",
                "include_granted_scopes": "true",
            }
        )
        return f"{AUTHORIZE_URL}?{query}"

    def exchange_code(
        self, app: OAuthApp, *, code: str, code_verifier: str
    ) -> tuple[Credentials, AccountProfile]:
        response = send(
            self.client,
            "POST",
            TOKEN_URL,
            data={
                "grant_type": "authorization_code",
                "code": code,
                "code_verifier": code_verifier,
                "client_id": app.client_id,
                "client_secret": app.client_secret,
                "redirect_uri": app.redirect_uri,
            },
        )
        raise_if_refused(response, PermanentError)
        _raise_for_status(response)
        granted = str(json_object(response).get("scope") or UPLOAD_SCOPE).split()
        if UPLOAD_SCOPE not in granted:
            # Google lets people untick scopes on the consent screen.
            raise PermanentError(
                "Permission to upload videos was not granted; connect again and allow it.",
                code="scope_missing",
            )
        tokens = refreshed_tokens(
            _unreadable, response, Credentials(external_id="", access_token="")
        )
        me = send(
            self.client,
            "GET",
            f"{API_URL}/channels",
            headers=_auth(tokens),
            params={"part": "snippet", "mine": "true"},
        )
        _raise_for_status(me)
        items = json_object(me).get("items")
        channel = items[0] if isinstance(items, list) and items else None
        if not isinstance(channel, dict) or not channel.get("id"):
            raise PermanentError(
                "This Google account has no YouTube channel; create one, then connect again.",
                code="no_channel",
            )
        snippet = channel.get("snippet") or {}
        thumbnails = snippet.get("thumbnails") or {}
        channel_id = str(channel["id"])
        return replace(
            tokens, external_id=channel_id, extra={"channel_id": channel_id}
        ), AccountProfile(
            external_id=channel_id,
            username=str(snippet.get("customUrl") or ""),
            display_name=str(snippet.get("title") or ""),
            avatar_url=str((thumbnails.get("default") or {}).get("url") or ""),
        )

    def refresh(self, credentials: Credentials) -> Credentials:
        if not credentials.refresh_token:
            raise NothingToRefresh(
                "No YouTube refresh token is stored; reconnect the account.",
                code="no_refresh_token",
            )
        client_id, client_secret = app_credentials(self)
        response = send(
            self.client,
            "POST",
            TOKEN_URL,
            data={
                "grant_type": "refresh_token",
                "refresh_token": credentials.refresh_token,
                "client_id": client_id,
                "client_secret": client_secret,
            },
        )
        raise_if_refused(response)
        _raise_for_status(response)
        return refreshed_tokens(_unreadable, response, credentials)


def watch_url(video_id: str) -> str:
    return f"https://www.youtube.com/watch?v={video_id}"


def _title(content: Content) -> str:
    title = content.options.get("title")
    if isinstance(title, str) and title.strip():
        return title.strip()
    first = next((line.strip() for line in content.text.splitlines() if line.strip()), "")
    if len(first) <= MAX_TITLE_CHARS:
        return first
    cut = first[: MAX_TITLE_CHARS - 1].rsplit(" ", 1)[0] or first[: MAX_TITLE_CHARS - 1]
    return cut.rstrip() + "…"


def _description(content: Content) -> str:
    description = content.options.get("description")
    return description if isinstance(description, str) else content.text


def _tags_length(tags: list[str]) -> int:
    """As YouTube counts: commas between tags, and quotes around a tag with a space."""
    return sum(len(tag) + (2 if " " in tag else 0) for tag in tags) + max(len(tags) - 1, 0)


def _auth(credentials: Credentials) -> dict[str, str]:
    return {"Authorization": f"Bearer {credentials.access_token}"}


def _raise_for_status(response: httpx.Response) -> None:
    """The shared mapping keyed by YouTube's `reason`, with the waits its quotas imply."""
    if response.is_success:
        return
    code, _ = platform_error(response)
    reason = _reason(response)
    error_class = ERRORS.get(reason or "")
    try:
        raise_for_platform_status(
            response, error_table={code or "": error_class} if error_class else None
        )
    except ConnectorError as exc:
        if reason:
            exc.code = reason
        if isinstance(exc, TransientError) and exc.retry_after is None:
            if reason == "quotaExceeded":
                exc.retry_after = _seconds_to_quota_reset()
            elif reason == "uploadLimitExceeded":
                exc.retry_after = UPLOAD_LIMIT_WAIT
        raise


def _statistics(response: httpx.Response, what: str) -> dict[str, Any]:
    """`items[0].statistics` of a list answer; no item means deleted or private."""
    with unambiguous():
        _raise_for_status(response)
    items = json_object(response).get("items")
    first = items[0] if isinstance(items, list) and items and isinstance(items[0], dict) else None
    if first is None:
        raise PermanentError(
            f"YouTube has no {what} (deleted, or not visible to this account).",
            code="not_found",
            status=response.status_code,
        )
    statistics = first.get("statistics")
    return statistics if isinstance(statistics, dict) else {}


def _reason(response: httpx.Response) -> str | None:
    error = json_object(response).get("error")
    if not isinstance(error, dict):
        return None
    errors = error.get("errors")
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        reason = errors[0].get("reason")
        return str(reason) if reason else None
    return None


def _seconds_to_quota_reset(now: datetime | None = None) -> float:
    """Daily quotas reset at midnight Pacific Time."""
    local = (now or datetime.now(UTC)).astimezone(QUOTA_ZONE)
    midnight = datetime.combine(local.date() + timedelta(days=1), datetime.min.time(), QUOTA_ZONE)
    return max(0.0, (midnight - local).total_seconds())


_unreadable = partial(unreadable, "YouTube")
