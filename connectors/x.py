"""X (Twitter): posts through API v2, media through the v2 chunked upload, OAuth 2.0 PKCE.

API reference (read 2026-11):
- Create a post, replies, media ids: https://docs.x.com/x-api/posts/create-post
- Chunked media upload (initialize, append, finalize, status):
  https://docs.x.com/x-api/media/quickstart/media-upload-chunked and the v2 OpenAPI
  description (https://api.x.com/2/openapi.json: /2/media/upload/initialize,
  /2/media/upload/{id}/append, /2/media/upload/{id}/finalize, GET /2/media/upload)
- Alt text: https://docs.x.com/x-api/media/create-media-metadata (images and GIFs only)
- Field names checked against the production OpenAPI, xdevplatform/xdk specs/openapi.json
  v2.167 (commit 84c2654): CreatePostsRequest `text` defaults to "" because the backend
  rejects an absent text; PostPublicMetrics names `repost_count` (formerly `retweet_count`).
- Media limits (4 images or 1 video or 1 GIF; image 5 MB, GIF 15 MB, video 512 MB,
  0.5 to 140 s): https://docs.x.com/x-api/media/quickstart/best-practices
- Weighted length (URLs 23, CJK and emoji 2, limit 280):
  https://docs.x.com/resources/fundamentals/counting-characters
- OAuth 2.0 Authorization Code Flow with PKCE (authorize URL, token and refresh requests,
  Basic auth for confidential clients, offline.access for refresh tokens):
  https://docs.x.com/fundamentals/authentication/oauth-2-0/user-access-token
- The "me" endpoint: https://docs.x.com/x-api/users/get-my-user
- Rate limits (x-rate-limit-reset, Unix seconds; POST /2/tweets 100 per 15 minutes per user,
  10,000 per 24 hours per app): https://docs.x.com/x-api/fundamentals/rate-limits
- Errors (RFC 7807 problems: title, detail, type; v1.1-style `errors[].code`):
  https://docs.x.com/x-api/fundamentals/response-codes-and-errors
- Metrics: `GET /2/tweets/:id?post.fields=public_metrics` (impression, like, reply,
  repost, quote and bookmark counts): https://docs.x.com/x-api/posts/get-post-by-post-id
  and https://docs.x.com/x-api/fundamentals/metrics. The production OpenAPI 2.167 names
  the parameter `post.fields` on GET /2/tweets/{id} (PostFieldsParameter; `tweet.fields`
  is left only on the streams), as X's own SDK generated from it sends; X's fields page
  still shows the older `tweet.fields`. Followers from
  `GET /2/users/me?user.fields=public_metrics`: https://docs.x.com/x-api/users/get-my-user

A publish is: for each file, a download from Crier, initialize, append in chunks, finalize
and (with alt text, for an image or GIF) metadata — none of which publishes, so their
failures are never ambiguous, and a refused alt text is logged, not fatal — then one
`POST /2/tweets` per item of the thread, each in reply to the one before it
(`reply.in_reply_to_tweet_id`; the first to the post `reply_to` names, when the content
answers an earlier one). A video or GIF X is still processing after one STATUS look
leaves the delivery `processing` with the media ids as handle, nothing posted; `poll()`
looks again and, once every file succeeded, posts from the content the pipeline passes it. X
takes no idempotency key for posts and the connector does no look-up, so it is not
idempotent: an unconfirmed post during a poll fails the delivery with a message saying it
may be live, instead of being polled (and posted) again.
"""

from __future__ import annotations

import base64
import logging
import os
from collections.abc import Mapping, Sequence
from dataclasses import replace
from functools import partial
from typing import Any
from urllib.parse import urlencode

import httpx
from twitter_text import parse_tweet

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
    AuthExpired,
    ConnectorError,
    NothingToRefresh,
    PermanentError,
    RateLimited,
    TransientError,
    redact,
)
from connectors.http import (
    download,
    json_object,
    platform_error,
    raise_for_platform_status,
    retry_after_seconds,
    send,
    unambiguous,
    unreadable,
)
from connectors.oauth import app_credentials, raise_if_refused, refreshed_tokens

DEFAULT_API_URL = "https://api.x.com"
DEFAULT_AUTHORIZE_URL = "https://x.com/i/oauth2/authorize"
# media.write for uploads, offline.access for a refresh token.
DEFAULT_SCOPES = "tweet.read tweet.write users.read media.write offline.access"
WEB_URL = "https://x.com"
CHUNK_BYTES = 4 * 1024 * 1024  # APPEND takes at most 5 MB per segment
MAX_GIF_BYTES = 15 * 1024 * 1024
MAX_ALT_TEXT = 1000

logger = logging.getLogger(__name__)

# v1.1-style numeric codes and v2 problem types (the last part of `type`).
ERRORS: dict[str, type[ConnectorError]] = {
    "88": RateLimited,  # rate limit exceeded
    "89": AuthExpired,  # invalid or expired token
    "185": RateLimited,  # user is over the daily status update limit
    "186": PermanentError,  # text too long
    "187": PermanentError,  # duplicate status
    "324": PermanentError,  # media id invalid
    "usage-capped": RateLimited,  # the project's monthly cap
    "duplicate_content": PermanentError,
}


def api_url(config: ConnectorConfig) -> str:
    return (config.api_url or DEFAULT_API_URL).rstrip("/")


def authorize_url(config: ConnectorConfig) -> str:
    return config.authorize_url or DEFAULT_AUTHORIZE_URL


def oauth_scopes(config: ConnectorConfig) -> str:
    return config.scopes or DEFAULT_SCOPES


class XConnector(Connector):
    platform = "x"
    display_name = "X"
    connection = "oauth"
    idempotent = False
    # 280 weighted characters; 4 images (JPEG, PNG, WebP, GIF, 5 MB; an animated GIF
    # 15 MB) or 1 video (MP4/MOV, 512 MB, 0.5 to 140 s); no mixing; alt text up to 1000
    # characters. POST /2/tweets: 100 per 15 minutes per user, 10,000 per 24 hours per app.
    # Sources: best-practices, counting-characters and rate-limits pages above; checked
    # 2026-11.
    limits = PlatformLimits(
        max_chars=280,
        max_images=4,
        max_videos=1,
        allow_mixed_media=False,
        image_types=frozenset({"image/jpeg", "image/png", "image/webp", "image/gif"}),
        video_types=frozenset({"video/mp4", "video/quicktime"}),
        max_image_bytes=5 * 1024 * 1024,
        max_video_bytes=512 * 1024 * 1024,
        max_video_seconds=140,
        max_thread_items=24,
        per_account_rate=RateLimit(requests=100, per_seconds=900),
        per_platform_rate=RateLimit(requests=10_000, per_seconds=86_400),
    )
    options = (
        Option(
            name="reply_settings",
            kind=str,
            choices=("following", "mentionedUsers", "subscribers", "verified"),
            help="Who may reply; everyone when omitted.",
        ),
    )

    def text_length(self, text: str) -> int:
        return parse_tweet(text).weightedLength

    def validate(self, content: Content, credentials: Credentials | None = None) -> list[Problem]:
        problems = super().validate(content, credentials)
        gifs = sum(item.mime_type.lower() == "image/gif" for item in content.media)
        if gifs and len(content.media) > 1:
            problems.append(
                Problem("gif_alone", "X takes an animated GIF only on its own.", "media")
            )
        for index, item in enumerate(content.media):
            if item.alt_text and len(item.alt_text) > MAX_ALT_TEXT:
                problems.append(
                    Problem(
                        "alt_text_too_long",
                        f"Alt text is {len(item.alt_text)} characters; X allows {MAX_ALT_TEXT}.",
                        f"media[{index}]",
                    )
                )
        return problems

    # --- publishing ------------------------------------------------------------------------

    def publish(self, content: Content, credentials: Credentials) -> Published:
        uploads = [self._upload(item, credentials) for item in content.media]
        media_ids = [media_id for media_id, _ in uploads]
        if not all(ready for _, ready in uploads):
            return Published(state="processing", handle=",".join(media_ids))
        return self._post_thread(content, credentials, media_ids)

    def poll(
        self, handle: str, credentials: Credentials, content: Content | None = None
    ) -> Published:
        """Media still processing at publish time: one STATUS look per file; once all
        succeeded, post the thread from `content`."""
        media_ids = [media_id for media_id in handle.split(",") if media_id]
        with unambiguous():
            ready = all(self._media_ready(media_id, credentials) for media_id in media_ids)
        if not ready:
            return Published(state="processing", handle=handle)
        if content is None:
            raise PermanentError(
                "X finished processing the media, but the post it belongs to could not be "
                "read (was its media deleted?), so nothing was posted.",
                code="post_needs_content",
            )
        try:
            return self._post_thread(content, credentials, media_ids)
        except TransientError as exc:
            if not exc.ambiguous:
                raise  # nothing was posted: the next poll tries again
            # Polling again would post a second time: stop and say what is unknown.
            raise PermanentError(
                f"X did not confirm the post ({exc.message}); it may be live. Check the "
                "account before retrying.",
                code="thread_incomplete" if exc.code == "thread_incomplete" else "outcome_unknown",
                platform_response=exc.platform_response,
                status=exc.status,
            ) from exc

    def _post_thread(
        self, content: Content, credentials: Credentials, media_ids: Sequence[str]
    ) -> Published:
        root = self._create_post(
            credentials,
            content.text,
            content.options,
            media_ids=media_ids,
            reply_to=content.reply_to,
        )
        posted = [root]
        for item in content.thread:
            try:
                posted.append(
                    self._create_post(credentials, item, content.options, reply_to=posted[-1])
                )
            except ConnectorError as exc:
                # The first posts are live: retrying the delivery would post them again.
                raise TransientError(
                    f"Posted {len(posted)} of {len(content.thread) + 1} thread items "
                    f"({', '.join(posted)}), then: {exc.message}. Retrying would post the "
                    "first items again.",
                    ambiguous=True,
                    code="thread_incomplete",
                    platform_response=exc.platform_response,
                    status=exc.status,
                ) from exc
        return Published(state="published", external_id=root, url=_post_url(root, credentials))

    def _create_post(
        self,
        credentials: Credentials,
        text: str,
        options: Mapping[str, Any],
        *,
        media_ids: Sequence[str] = (),
        reply_to: str | None = None,
    ) -> str:
        # Sent even when empty (a media-only post): X rejects a post without `text`.
        body: dict[str, Any] = {"text": text}
        if media_ids:
            body["media"] = {"media_ids": list(media_ids)}
        if reply_to:
            body["reply"] = {"in_reply_to_tweet_id": reply_to}
        if "reply_settings" in options:
            body["reply_settings"] = options["reply_settings"]
        response = send(
            self.client,
            "POST",
            f"{api_url(self.config)}/2/tweets",
            headers=_auth(credentials),
            json=body,
        )
        _raise_for_status(response)
        data = json_object(response).get("data")
        post_id = data.get("id") if isinstance(data, dict) else None
        if not isinstance(post_id, str) or not post_id:
            raise TransientError(
                f"X answered HTTP {response.status_code} without the post's id.",
                ambiguous=True,
                code="malformed_response",
                platform_response=response.text,
                status=response.status_code,
            )
        return post_id

    def _upload(self, item: MediaItem, credentials: Credentials) -> tuple[str, bool]:
        """The media id, and whether a post can use it yet."""
        mime = item.mime_type.lower()
        if item.kind == "video":
            category, limit = "tweet_video", self.limits.max_video_bytes
        elif mime == "image/gif":
            category, limit = "tweet_gif", MAX_GIF_BYTES
        else:
            category, limit = "tweet_image", self.limits.max_image_bytes
        base = f"{api_url(self.config)}/2/media/upload"
        with unambiguous(), download(self.client, item.url, max_bytes=limit) as file:
            file.seek(0, os.SEEK_END)
            total = file.tell()
            file.seek(0)
            response = send(
                self.client,
                "POST",
                f"{base}/initialize",
                headers=_auth(credentials),
                json={"media_type": mime, "total_bytes": total, "media_category": category},
            )
            _raise_for_status(response)
            media_id = _media_data(response).get("id")
            if not isinstance(media_id, str) or not media_id:
                raise _unreadable(response, "an upload without a media id")
            for index, chunk in enumerate(iter(lambda: file.read(CHUNK_BYTES), b"")):
                response = send(
                    self.client,
                    "POST",
                    f"{base}/{media_id}/append",
                    headers=_auth(credentials),
                    data={"segment_index": str(index)},
                    files={"media": ("blob", chunk, "application/octet-stream")},
                )
                _raise_for_status(response)
            response = send(
                self.client, "POST", f"{base}/{media_id}/finalize", headers=_auth(credentials)
            )
            _raise_for_status(response)
            processing = _media_data(response).get("processing_info")
            ready = True
            if isinstance(processing, dict) and processing.get("state") != "succeeded":
                ready = self._check_processed(media_id, processing, credentials)
            # X documents alt text for images and GIFs only.
            if item.alt_text and category != "tweet_video":
                self._describe(media_id, item.alt_text, credentials)
        return media_id, ready

    def _describe(self, media_id: str, alt_text: str, credentials: Credentials) -> None:
        """Attach alt text; a refusal costs the description, never the post."""
        try:
            response = send(
                self.client,
                "POST",
                f"{api_url(self.config)}/2/media/metadata",
                headers=_auth(credentials),
                json={"id": media_id, "metadata": {"alt_text": {"text": alt_text}}},
            )
            _raise_for_status(response)
        except ConnectorError as exc:
            logger.warning(
                "X refused alt text for media %s (%s); posting without it.", media_id, exc.message
            )

    def _check_processed(
        self, media_id: str, processing: Mapping[str, Any], credentials: Credentials
    ) -> bool:
        """Videos and GIFs are processed after finalize; a post cannot use them before.
        One STATUS look, no waiting; False while X is still at it."""
        if processing.get("state") in ("pending", "in_progress"):
            return self._media_ready(media_id, credentials)
        return _processed(processing)

    def _media_ready(self, media_id: str, credentials: Credentials) -> bool:
        response = send(
            self.client,
            "GET",
            f"{api_url(self.config)}/2/media/upload",
            params={"command": "STATUS", "media_id": media_id},
            headers=_auth(credentials),
        )
        _raise_for_status(response)
        return _processed(_media_data(response).get("processing_info") or {})

    # --- metrics ---------------------------------------------------------------------------

    def post_metrics(self, handle: str, credentials: Credentials) -> PostMetrics:
        response = send(
            self.client,
            "GET",
            f"{api_url(self.config)}/2/tweets/{handle}",
            params={"post.fields": "public_metrics"},
            headers=_auth(credentials),
        )
        counts = _public_metrics(response, "post")
        # The OpenAPI names `repost_count`; answers and older docs still say `retweet_count`.
        reposts = metric_count(counts.get("repost_count"))
        return PostMetrics(
            impressions=metric_count(counts.get("impression_count")),
            likes=metric_count(counts.get("like_count")),
            comments=metric_count(counts.get("reply_count")),
            shares=reposts if reposts is not None else metric_count(counts.get("retweet_count")),
            extra={
                name: value
                for name, key in (("quotes", "quote_count"), ("bookmarks", "bookmark_count"))
                if (value := metric_count(counts.get(key))) is not None
            },
        )

    def account_metrics(self, credentials: Credentials) -> AccountMetrics:
        response = send(
            self.client,
            "GET",
            f"{api_url(self.config)}/2/users/me",
            params={"user.fields": "public_metrics"},
            headers=_auth(credentials),
        )
        counts = _public_metrics(response, "user")
        return AccountMetrics(followers=metric_count(counts.get("followers_count")))

    # --- OAuth -----------------------------------------------------------------------------

    def authorization_url(self, app: OAuthApp, *, state: str, code_challenge: str) -> str:
        query = urlencode(
            {
                "response_type": "code",
                "client_id": app.client_id,
                "redirect_uri": app.redirect_uri,
                "scope": oauth_scopes(self.config),
                "state": state,
                "code_challenge": code_challenge,
                "code_challenge_method": "S256",
            }
        )
        return f"{authorize_url(self.config)}?{query}"

    def exchange_code(
        self, app: OAuthApp, *, code: str, code_verifier: str
    ) -> tuple[Credentials, AccountProfile]:
        response = send(
            self.client,
            "POST",
            f"{api_url(self.config)}/2/oauth2/token",
            headers=_basic(app.client_id, app.client_secret),
            data={
                "code": code,
                "grant_type": "authorization_code",
                "client_id": app.client_id,
                "redirect_uri": app.redirect_uri,
                "code_verifier": code_verifier,
            },
        )
        raise_if_refused(response, PermanentError, refused=_refused)
        _raise_for_status(response)
        tokens = refreshed_tokens(
            _unreadable, response, Credentials(external_id="", access_token="")
        )
        me = send(
            self.client,
            "GET",
            f"{api_url(self.config)}/2/users/me",
            params={"user.fields": "profile_image_url"},
            headers=_auth(tokens),
        )
        _raise_for_status(me)
        user = json_object(me).get("data")
        user = user if isinstance(user, dict) else {}
        user_id = user.get("id")
        if not isinstance(user_id, str) or not user_id:
            raise TransientError(
                "X answered /2/users/me without a user id.",
                ambiguous=False,
                code="malformed_response",
                platform_response=me.text,
            )
        username = str(user.get("username") or "")
        return (
            replace(tokens, external_id=user_id, extra={"username": username}),
            AccountProfile(
                external_id=user_id,
                username=username,
                display_name=str(user.get("name") or ""),
                avatar_url=str(user.get("profile_image_url") or ""),
            ),
        )

    def refresh(self, credentials: Credentials) -> Credentials:
        if not credentials.refresh_token:
            raise NothingToRefresh(
                "No X refresh token is stored (was offline.access granted?); reconnect.",
                code="no_refresh_token",
            )
        client_id, client_secret = app_credentials(self, secret_required=False)
        response = send(
            self.client,
            "POST",
            f"{api_url(self.config)}/2/oauth2/token",
            headers=_basic(client_id, client_secret),
            data={
                "refresh_token": credentials.refresh_token,
                "grant_type": "refresh_token",
                "client_id": client_id,
            },
        )
        raise_if_refused(response, refused=_refused)
        _raise_for_status(response)
        return refreshed_tokens(_unreadable, response, credentials)


def _auth(credentials: Credentials) -> dict[str, str]:
    return {"Authorization": f"Bearer {credentials.access_token}"}


def _basic(client_id: str, client_secret: str) -> dict[str, str]:
    """Confidential clients authenticate to the token endpoint with Basic; public clients
    (no secret) send only client_id in the form."""
    if not client_secret:
        return {}
    pair = base64.b64encode(f"{client_id}:{client_secret}".encode()).decode()
    return {"Authorization": f"Basic {pair}"}


def _refused(response: httpx.Response) -> bool:
    # RFC 6749 §5.2: the token endpoint refuses a grant with 400 or 401.
    return response.status_code in (400, 401)


def _raise_for_status(response: httpx.Response) -> None:
    """The shared mapping, with X's error details and its 24-hour reset header."""
    if response.is_success:
        return
    code = _x_code(response)
    error_class = ERRORS.get(code or "")
    platform_code, _ = platform_error(response)
    try:
        raise_for_platform_status(
            response, error_table={platform_code or "": error_class} if error_class else None
        )
    except ConnectorError as exc:
        exc.code = code or exc.code
        message = _x_message(response)
        if message:
            exc.message = redact(message)
            exc.args = (exc.message,)
        if isinstance(exc, TransientError):
            # A 24-hour user cap (x-user-limit-24hour-reset) outlasts the 15-minute window.
            waits = [exc.retry_after, _daily_reset(response.headers)]
            exc.retry_after = max((wait for wait in waits if wait is not None), default=None)
        raise


def _x_code(response: httpx.Response) -> str | None:
    data = json_object(response)
    problem_type = data.get("type")
    if isinstance(problem_type, str) and "/problems/" in problem_type:
        return problem_type.rsplit("/", 1)[-1]
    detail = str(data.get("detail") or "")
    if "duplicate content" in detail.lower():
        return "duplicate_content"
    errors = data.get("errors")
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        listed = errors[0].get("code")
        if isinstance(listed, int) and not isinstance(listed, bool):
            return str(listed)
    return None


def _x_message(response: httpx.Response) -> str | None:
    """`detail`, then each `errors[].message` (the specific reasons of an invalid request)."""
    data = json_object(response)
    parts = [data.get("detail") or data.get("title")]
    errors = data.get("errors")
    if isinstance(errors, list):
        parts += [error.get("message") for error in errors if isinstance(error, dict)]
    seen: list[str] = []
    for part in parts:
        if isinstance(part, str) and part.strip() and part not in seen:
            seen.append(part)
    return " ".join(seen) or None


def _daily_reset(headers: httpx.Headers) -> float | None:
    if headers.get("x-user-limit-24hour-remaining") not in (None, "0"):
        return None
    reset = headers.get("x-user-limit-24hour-reset")
    return retry_after_seconds({"x-rate-limit-reset": reset}) if reset else None


def _public_metrics(response: httpx.Response, what: str) -> dict[str, Any]:
    """`data.public_metrics`; X answers a deleted or hidden post with 200 and only `errors`."""
    with unambiguous():
        _raise_for_status(response)
    body = json_object(response)
    data = body.get("data")
    if not isinstance(data, dict):
        errors = body.get("errors")
        if not isinstance(errors, list):
            errors = []
        details = [
            str(error["detail"])
            for error in errors
            if isinstance(error, dict) and error.get("detail")
        ]
        raise PermanentError(
            " ".join(details) or _x_message(response) or f"X returned no {what}.",
            code="not_found",
            platform_response=response.text,
            status=response.status_code,
        )
    counts = data.get("public_metrics")
    if not isinstance(counts, dict):
        raise _unreadable(response, f"a {what} without public_metrics")
    return counts


def _processed(processing: Mapping[str, Any]) -> bool:
    """True once X says `succeeded` (or says nothing: images need no processing); False
    while pending or in progress; PermanentError when processing failed."""
    state = processing.get("state")
    if state in (None, "succeeded"):
        return True
    if state == "failed":
        error = processing.get("error")
        message = error.get("message") if isinstance(error, dict) else None
        raise PermanentError(
            f"X could not process the media: {message or 'processing failed'}.",
            code=str(error.get("name")) if isinstance(error, dict) else "media_failed",
        )
    return False


def _media_data(response: httpx.Response) -> dict[str, Any]:
    data = json_object(response).get("data")
    return data if isinstance(data, dict) else {}


def _post_url(post_id: str, credentials: Credentials) -> str:
    username = credentials.extra.get("username")
    if isinstance(username, str) and username:
        return f"{WEB_URL}/{username}/status/{post_id}"
    return f"{WEB_URL}/i/web/status/{post_id}"


_unreadable = partial(unreadable, "X", ambiguous=False)
