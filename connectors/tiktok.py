"""TikTok: direct posts of one video or a photo carousel through the Content Posting API.

API reference (read 2026-11):
- Direct Post (creator_info/query, video/init):
  https://developers.tiktok.com/doc/content-posting-api-reference-direct-post
- Photo posts (content/init):
  https://developers.tiktok.com/doc/content-posting-api-reference-photo-post
- Media transfer (FILE_UPLOAD chunks, PULL_FROM_URL, video and photo restrictions):
  https://developers.tiktok.com/doc/content-posting-api-media-transfer-guide
- Post status (status/fetch):
  https://developers.tiktok.com/doc/content-posting-api-reference-get-video-status
- Errors: https://developers.tiktok.com/doc/tiktok-api-v2-error-handling
- Rate limits: https://developers.tiktok.com/doc/tiktok-api-v2-rate-limit
- Login Kit for Web (authorize): https://developers.tiktok.com/doc/login-kit-web
- Tokens (code exchange, refresh):
  https://developers.tiktok.com/doc/oauth-user-access-token-management
- OAuth errors: https://developers.tiktok.com/doc/oauth-error-handling
- User info (the "me" call): https://developers.tiktok.com/doc/tiktok-api-v2-get-user-info
- Video list (the account's recent videos, scope video.list):
  https://developers.tiktok.com/doc/tiktok-api-v2-video-list

A publish first asks creator_info (TikTok requires it before every post; it also tells
which privacy levels, interactions and video length the creator may use), then:
- a video with FILE_UPLOAD (the default): download from Crier, `video/init` with the size
  and chunking, then PUT the chunks to the upload URL; TikTok posts once the last chunk
  lands, so that PUT is the irreversible call and everything before it is safe to repeat;
- a video with PULL_FROM_URL (CRIER_TIKTOK_VIDEO_SOURCE=PULL_FROM_URL, for media URLs on a
  domain verified with TikTok): `video/init` with the URL is the irreversible call;
- photos (PULL_FROM_URL only, JPEG or WebP): `content/init` with the URLs.
TikTok then works asynchronously, so the post is returned as processing and `poll()`
reads status/fetch. Public posts get their post id only after moderation; the handle
carries a deadline after which a finished post is reported with its publish id instead.
TikTok has no idempotency key and no lookup by ours: not idempotent.

Posts from API clients that have not passed TikTok's audit are private (SELF_ONLY only).
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any, Literal
from urllib.parse import urlencode

import httpx

from connectors.base import (
    AccountProfile,
    Connector,
    ConnectorConfig,
    Content,
    Credentials,
    MediaItem,
    OAuthApp,
    Option,
    PlatformLimits,
    Problem,
    Published,
    RateLimit,
    RecentPost,
)
from connectors.errors import (
    AuthExpired,
    ConnectorError,
    NothingToRefresh,
    PermanentError,
    RateLimited,
    RefreshRefused,
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
from connectors.oauth import app_credentials, token_refused

API_URL = "https://open.tiktokapis.com"
AUTHORIZE_URL = "https://www.tiktok.com/v2/auth/authorize/"
TOKEN_URL = f"{API_URL}/v2/oauth/token/"
# video.list: the account's recent videos, to pick a post whose outcome is unknown.
DEFAULT_SCOPES = "user.info.basic,user.info.profile,video.publish,video.list"
PRIVACY_LEVELS = ("PUBLIC_TO_EVERYONE", "MUTUAL_FOLLOW_FRIENDS", "FOLLOWER_OF_CREATOR", "SELF_ONLY")
# Media transfer guide: chunks of 5-64 MB (the last may reach 128 MB), at most 1000; a
# video under 64 MB may go whole. total_chunk_count = floor(video_size / chunk_size), the
# remainder riding with the last chunk.
SINGLE_UPLOAD_BYTES = 64_000_000
CHUNK_BYTES = 10_000_000
MAX_FPS = 60.0
MAX_PHOTO_TEXT = 4000  # photo descriptions; video titles stop at 2200 (limits.max_chars)
RATE_WINDOW_SECONDS = 60.0  # "a one minute sliding window"; TikTok sends no reset header
# How long a finished public post may wait for moderation to give its post id before it is
# reported with its publish id (moderation "usually finishes within one minute", at times
# takes hours).
DEFAULT_MODERATION_WAIT = 15 * 60
MAX_VIDEO_LIST = 20  # video/list: `max_count` "the maximum value is 20"

# error.code → class; unlisted codes follow the status (401 AuthExpired, 429 RateLimited,
# other 4xx PermanentError with TikTok's message, 5xx transient).
ERRORS: dict[str, type[ConnectorError]] = {
    "access_token_invalid": AuthExpired,
    "rate_limit_exceeded": RateLimited,
    # 401s a token refresh cannot fix: the user did not grant the scope.
    "scope_not_authorized": PermanentError,
    "scope_permission_missed": PermanentError,
    "invalid_params": PermanentError,
    "invalid_param": PermanentError,
    "invalid_file_upload": PermanentError,
    # 403s: daily caps and account states; retrying within the backoff window cannot help.
    "spam_risk_too_many_posts": PermanentError,
    "spam_risk_user_banned_from_posting": PermanentError,
    "reached_active_user_cap": PermanentError,
    "unaudited_client_can_only_post_to_private_accounts": PermanentError,
    "url_ownership_unverified": PermanentError,
    "privacy_level_option_mismatch": PermanentError,
    "internal_error": TransientError,
}


@dataclass(frozen=True, slots=True, kw_only=True)
class TikTokConfig(ConnectorConfig):
    # FILE_UPLOAD sends a video in chunks; PULL_FROM_URL has TikTok fetch it from its media
    # URL, which must be on a domain verified with TikTok (CRIER_TIKTOK_VIDEO_SOURCE).
    video_source: Literal["FILE_UPLOAD", "PULL_FROM_URL"] = "FILE_UPLOAD"
    moderation_wait: float = DEFAULT_MODERATION_WAIT  # seconds (CRIER_TIKTOK_MODERATION_WAIT)


def oauth_scopes(config: ConnectorConfig) -> str:
    return config.scopes or DEFAULT_SCOPES


class TikTokConnector(Connector):
    platform = "tiktok"
    display_name = "TikTok"
    connection = "oauth"
    config_class = TikTokConfig
    config: TikTokConfig
    idempotent = False
    # Video: MP4, WebM or MOV, 23-60 fps, 360-4096 px, up to 4 GB; 10 minutes for everyone
    # and up to 60 for some creators (creator_info tells; checked at publish). Video titles
    # 2200 UTF-16 units; photo posts: up to 35 JPEG or WebP images (PNG refused), 20 MB
    # each, description 4000 UTF-16 units. video/init and content/init: 6 requests a minute
    # per user token. Sources: the media transfer guide and Direct Post, Photo and rate-limit
    # pages above; checked 2026-11.
    limits = PlatformLimits(
        max_chars=2200,
        max_images=35,
        max_videos=1,
        allow_mixed_media=False,
        requires_media=True,
        image_types=frozenset({"image/jpeg", "image/webp"}),
        video_types=frozenset({"video/mp4", "video/webm", "video/quicktime"}),
        max_image_bytes=20_000_000,
        max_video_bytes=4 * 1024**3,
        min_fps=23,
        max_video_seconds=3600,
        per_account_rate=RateLimit(requests=6, per_seconds=60),
    )
    options = (
        Option(
            name="privacy_level",
            kind=str,
            choices=PRIVACY_LEVELS,
            required=True,
            help="Who can see the post; must be one the creator allows (creator_info).",
        ),
        Option(name="disable_comments", kind=bool, help="Turn comments off."),
        Option(name="disable_duet", kind=bool, help="Turn duets off (videos)."),
        Option(name="disable_stitch", kind=bool, help="Turn stitches off (videos)."),
    )

    def text_length(self, text: str) -> int:
        return len(text.encode("utf-16-le")) // 2  # TikTok counts UTF-16 runes

    def validate(self, content: Content, credentials: Credentials | None = None) -> list[Problem]:
        problems = super().validate(content, credentials)
        photos = content.media and all(item.kind == "image" for item in content.media)
        if photos:
            # Photo descriptions allow 4000 units where video titles allow 2200.
            length = self.text_length(content.text)
            problems = [
                p for p in problems if not (p.code == "text_too_long" and p.field == "text")
            ]
            if length > MAX_PHOTO_TEXT:
                problems.append(
                    Problem(
                        "text_too_long",
                        f"Text is {length} characters; TikTok allows {MAX_PHOTO_TEXT} with photos.",
                        "text",
                    )
                )
        pulled = photos or self.config.video_source == "PULL_FROM_URL"
        for index, item in enumerate(content.media):
            where = f"media[{index}]"
            if pulled and not item.url.startswith("https://"):
                problems.append(
                    Problem(
                        "media_not_public",
                        "TikTok fetches this file itself: it needs a public https:// URL on a "
                        "domain verified with TikTok.",
                        where,
                    )
                )
            if item.kind != "video":
                continue
            if item.fps is not None and item.fps > MAX_FPS:
                problems.append(
                    Problem(
                        "frame_rate_too_high",
                        f"Video is {item.fps:g} fps; TikTok allows at most {MAX_FPS:g}.",
                        where,
                    )
                )
            for side in ("width", "height"):
                value = getattr(item, side)
                if value is not None and not 360 <= value <= 4096:
                    problems.append(
                        Problem(
                            "video_size",
                            f"Video {side} is {value} px; TikTok needs 360 to 4096.",
                            where,
                        )
                    )
        return problems

    def publish(self, content: Content, credentials: Credentials) -> Published:
        if not content.media:
            raise PermanentError("TikTok posts need a video or photos.", code="media_required")
        with unambiguous():
            creator = self._creator_info(credentials)
        privacy = content.options.get("privacy_level")
        allowed = creator.get("privacy_level_options") or []
        if privacy not in allowed:
            raise PermanentError(
                f"Privacy level {privacy} is not available to this TikTok account; it allows: "
                f"{', '.join(map(str, allowed)) or 'none'}.",
                code="privacy_level_option_mismatch",
            )
        post_info: dict[str, Any] = {
            "privacy_level": privacy,
            # Where the creator turned an interaction off in TikTok, it stays off.
            "disable_comment": bool(
                content.options.get("disable_comments") or creator.get("comment_disabled")
            ),
        }
        username = str(creator.get("creator_username") or credentials.extra.get("username") or "")
        videos = [item for item in content.media if item.kind == "video"]
        if videos:
            video = videos[0]
            longest = creator.get("max_video_post_duration_sec")
            if (
                isinstance(longest, (int, float))
                and video.duration is not None
                and video.duration > longest
            ):
                raise PermanentError(
                    f"Video lasts {video.duration:g} s; this TikTok account may post "
                    f"{longest:g} s at most.",
                    code="duration_check_failed",
                )
            post_info.update(
                title=content.text,
                disable_duet=bool(
                    content.options.get("disable_duet") or creator.get("duet_disabled")
                ),
                disable_stitch=bool(
                    content.options.get("disable_stitch") or creator.get("stitch_disabled")
                ),
            )
            if self.config.video_source == "PULL_FROM_URL":
                publish_id, _ = self._init(
                    credentials,
                    "/v2/post/publish/video/init/",
                    {
                        "post_info": post_info,
                        "source_info": {"source": "PULL_FROM_URL", "video_url": video.url},
                    },
                )
            else:
                publish_id = self._upload_video(credentials, video, post_info)
            kind = "video"
        else:
            post_info["description"] = content.text
            publish_id, _ = self._init(
                credentials,
                "/v2/post/publish/content/init/",
                {
                    "post_info": post_info,
                    "source_info": {
                        "source": "PULL_FROM_URL",
                        "photo_cover_index": 0,
                        "photo_images": [item.url for item in content.media],
                    },
                    "post_mode": "DIRECT_POST",
                    "media_type": "PHOTO",
                },
            )
            kind = "photo"
        # Only public posts get a post id, once moderated: wait for it a while.
        deadline = (
            int(time.time() + self.config.moderation_wait) if privacy == PRIVACY_LEVELS[0] else 0
        )
        handle = _Handle(publish_id=publish_id, deadline=deadline, username=username, kind=kind)
        return Published(state="processing", handle=handle.encode())

    def poll(
        self, handle: str, credentials: Credentials, content: Content | None = None
    ) -> Published:
        parsed = _Handle.decode(handle)
        with unambiguous():
            response = send(
                self.client,
                "POST",
                f"{API_URL}/v2/post/publish/status/fetch/",
                headers=_headers(credentials),
                json={"publish_id": parsed.publish_id},
            )
            _raise_for_status(response)
        data = _data(response)
        status = data.get("status")
        if status == "FAILED":
            reason = str(data.get("fail_reason") or "unknown")
            raise PermanentError(f"TikTok could not publish the post: {reason}.", code=reason)
        if status != "PUBLISH_COMPLETE":
            # PROCESSING_UPLOAD, PROCESSING_DOWNLOAD, SEND_TO_USER_INBOX, ...
            return Published(state="processing", handle=handle)
        post_ids = data.get("publicaly_available_post_id")  # sic, TikTok's spelling
        if isinstance(post_ids, (int, str)):
            post_ids = [post_ids]  # documented as a list, seen as a bare value too
        post_id = str(post_ids[0]) if isinstance(post_ids, list) and post_ids else ""
        if post_id:
            url = (
                f"https://www.tiktok.com/@{parsed.username}/{parsed.kind}/{post_id}"
                if parsed.username
                else None
            )
            return Published(state="published", external_id=post_id, url=url)
        if parsed.deadline and time.time() < parsed.deadline:
            return Published(state="processing", handle=handle)  # public: moderation runs
        # Non-public posts never get a post id, and moderation has had its time: TikTok
        # reports the post complete, and the publish id is its name for it.
        return Published(state="published", external_id=parsed.publish_id)

    def recent_posts(self, credentials: Credentials, *, limit: int) -> list[RecentPost]:
        with unambiguous():
            response = send(
                self.client,
                "POST",
                f"{API_URL}/v2/video/list/",
                headers=_headers(credentials),
                params={"fields": "id,share_url,cover_image_url"},
                json={"max_count": max(1, min(limit, MAX_VIDEO_LIST))},
            )
            _raise_for_status(response)
        videos = _data(response).get("videos")
        username = credentials.extra.get("username") or ""
        recent = []
        for video in videos if isinstance(videos, list) else []:
            video_id = str(video.get("id") or "") if isinstance(video, dict) else ""
            if not video_id:
                continue
            share_url = video.get("share_url")
            url = share_url if isinstance(share_url, str) and share_url else None
            if url is None and username:
                url = f"https://www.tiktok.com/@{username}/video/{video_id}"
            cover = video.get("cover_image_url")
            recent.append(
                RecentPost(
                    external_id=video_id,
                    url=url or "",
                    preview_url=cover if isinstance(cover, str) and cover else None,
                )
            )
        return recent[:limit]

    def authorization_url(self, app: OAuthApp, *, state: str, code_challenge: str) -> str:
        # Login Kit for Web documents no PKCE (only the desktop kit has it, with a hex
        # challenge): the client secret authenticates the exchange, and the challenge is
        # not sent.
        query = urlencode(
            {
                "client_key": app.client_id,
                "response_type": "code",
                "scope": oauth_scopes(self.config),
                "redirect_uri": app.redirect_uri,
                "state": state,
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
            headers={"Cache-Control": "no-cache"},
            data={
                "client_key": app.client_id,
                "client_secret": app.client_secret,
                "code": code,
                "grant_type": "authorization_code",
                "redirect_uri": app.redirect_uri,
            },
        )
        if _token_refused(response):
            error_code, message = platform_error(response)
            raise PermanentError(
                message,
                code=error_code,
                platform_response=response.text,
                status=response.status_code,
            )
        _raise_for_status(response)
        tokens = _tokens_from(response, Credentials(external_id="", access_token=""))
        fields = ["open_id", "union_id", "avatar_url", "display_name"]
        if "user.info.profile" in oauth_scopes(self.config).split(","):
            fields.append("username")
        me = send(
            self.client,
            "GET",
            f"{API_URL}/v2/user/info/",
            headers={"Authorization": f"Bearer {tokens.access_token}"},
            params={"fields": ",".join(fields)},
        )
        _raise_for_status(me)
        user = _data(me).get("user")
        user = user if isinstance(user, dict) else {}
        open_id = str(user.get("open_id") or json_object(response).get("open_id") or "")
        if not open_id:
            raise _unreadable(me, "a user without open_id")
        username = str(user.get("username") or "")
        credentials = replace(
            tokens,
            external_id=open_id,
            extra={**tokens.extra, "open_id": open_id, "username": username},
        )
        return credentials, AccountProfile(
            external_id=open_id,
            username=username,
            display_name=str(user.get("display_name") or ""),
            avatar_url=str(user.get("avatar_url") or ""),
        )

    def refresh(self, credentials: Credentials) -> Credentials:
        if not credentials.refresh_token:
            raise NothingToRefresh(
                "No TikTok refresh token is stored; reconnect the account.",
                code="no_refresh_token",
            )
        client_key, client_secret = app_credentials(self)
        response = send(
            self.client,
            "POST",
            TOKEN_URL,
            headers={"Cache-Control": "no-cache"},
            data={
                "client_key": client_key,
                "client_secret": client_secret,
                "grant_type": "refresh_token",
                "refresh_token": credentials.refresh_token,
            },
        )
        if _token_refused(response):
            error_code, message = platform_error(response)
            raise RefreshRefused(
                message,
                code=error_code,
                platform_response=response.text,
                status=response.status_code,
            )
        _raise_for_status(response)
        return _tokens_from(response, credentials)

    def _creator_info(self, credentials: Credentials) -> dict[str, Any]:
        response = send(
            self.client,
            "POST",
            f"{API_URL}/v2/post/publish/creator_info/query/",
            headers=_headers(credentials),
        )
        _raise_for_status(response)
        return _data(response)

    def _init(
        self, credentials: Credentials, path: str, body: dict[str, Any]
    ) -> tuple[str, str | None]:
        response = send(
            self.client, "POST", f"{API_URL}{path}", headers=_headers(credentials), json=body
        )
        _raise_for_status(response)
        data = _data(response)
        publish_id = data.get("publish_id")
        if not isinstance(publish_id, str) or not publish_id:
            raise _unreadable(response, "an init answer without publish_id")
        upload_url = data.get("upload_url")
        return publish_id, upload_url if isinstance(upload_url, str) and upload_url else None

    def _upload_video(
        self, credentials: Credentials, video: MediaItem, post_info: dict[str, Any]
    ) -> str:
        with download(self.client, video.url, max_bytes=self.limits.max_video_bytes) as file:
            size = file.seek(0, os.SEEK_END)
            if not size:
                raise PermanentError("The video file is empty.", code="empty_file")
            chunk = size if size <= SINGLE_UPLOAD_BYTES else CHUNK_BYTES
            count = max(size // chunk, 1)
            with unambiguous():
                # Until the last chunk lands TikTok has nothing to post: an init or a chunk
                # that fails is safe to repeat from the start.
                publish_id, upload_url = self._init(
                    credentials,
                    "/v2/post/publish/video/init/",
                    {
                        "post_info": post_info,
                        "source_info": {
                            "source": "FILE_UPLOAD",
                            "video_size": size,
                            "chunk_size": chunk,
                            "total_chunk_count": count,
                        },
                    },
                )
                if upload_url is None:
                    raise PermanentError(
                        "TikTok answered the upload init without an upload_url.",
                        code="malformed_response",
                    )
                for index in range(count - 1):
                    self._put_chunk(upload_url, file, index * chunk, chunk, size, video)
            # The last chunk (with the remainder) completes the upload: TikTok posts.
            first = (count - 1) * chunk
            self._put_chunk(upload_url, file, first, size - first, size, video)
        return publish_id

    def _put_chunk(
        self, url: str, file: Any, first: int, length: int, size: int, video: MediaItem
    ) -> None:
        file.seek(first)
        response = send(
            self.client,
            "PUT",
            url,
            headers={
                "Content-Type": video.mime_type,
                "Content-Range": f"bytes {first}-{first + length - 1}/{size}",
            },
            content=file.read(length),
        )
        _raise_for_status(response)


@dataclass(frozen=True, slots=True)
class _Handle:
    """What poll() needs: `publish_id|deadline|username|kind` (under 200 characters)."""

    publish_id: str
    deadline: int  # Unix time until which a public post waits for its post id; 0: no wait
    username: str
    kind: str  # "video" or "photo", for the post URL

    def encode(self) -> str:
        return f"{self.publish_id}|{self.deadline}|{self.username}|{self.kind}"

    @classmethod
    def decode(cls, handle: str) -> _Handle:
        publish_id, _, rest = handle.partition("|")
        deadline, _, rest = rest.partition("|")
        username, _, kind = rest.partition("|")
        try:
            until = int(deadline or 0)
        except ValueError:
            until = 0
        return cls(publish_id=publish_id, deadline=until, username=username, kind=kind or "video")


def _headers(credentials: Credentials) -> dict[str, str]:
    return {
        "Authorization": f"Bearer {credentials.access_token}",
        "Content-Type": "application/json; charset=UTF-8",
    }


def _raise_for_status(response: httpx.Response) -> None:
    """The shared mapping keyed by TikTok's `error.code`, which may also flag a 200."""
    code, message = platform_error(response)
    if response.is_success:
        if code in (None, "ok"):
            return
        error_class = ERRORS.get(code, PermanentError)
        arguments: dict[str, Any] = {
            "code": code,
            "platform_response": response.text,
            "status": response.status_code,
        }
        if issubclass(error_class, TransientError) and not issubclass(error_class, RateLimited):
            arguments["ambiguous"] = False
        raise error_class(message, **arguments)
    try:
        raise_for_platform_status(response, error_table=ERRORS)
    except RateLimited as exc:
        if exc.retry_after is None:
            exc.retry_after = RATE_WINDOW_SECONDS
        raise


def _token_refused(response: httpx.Response) -> bool:
    """OAuth refusals: a 4xx other than 408/429, or an `error` in a 200 without a token."""
    if token_refused(response):
        return True
    data = json_object(response)
    return response.is_success and "access_token" not in data and isinstance(data.get("error"), str)


def _tokens_from(response: httpx.Response, credentials: Credentials) -> Credentials:
    data = json_object(response)
    access_token = data.get("access_token")
    if not isinstance(access_token, str) or not access_token:
        raise _unreadable(response, "a token answer without access_token")
    now = datetime.now(UTC)
    expires_in = data.get("expires_in")
    refresh_expires_in = data.get("refresh_expires_in")
    extra = dict(credentials.extra)
    if isinstance(refresh_expires_in, (int, float)):
        extra["refresh_expires_at"] = (now + timedelta(seconds=refresh_expires_in)).isoformat()
    return replace(
        credentials,
        access_token=access_token,
        # TikTok may return the same refresh token or a new one; keep ours if it sends none.
        refresh_token=data.get("refresh_token") or credentials.refresh_token,
        expires_at=(
            now + timedelta(seconds=expires_in) if isinstance(expires_in, (int, float)) else None
        ),
        extra=extra,
    )


def _data(response: httpx.Response) -> dict[str, Any]:
    data = json_object(response).get("data")
    return data if isinstance(data, dict) else {}


_unreadable = partial(unreadable, "TikTok")
