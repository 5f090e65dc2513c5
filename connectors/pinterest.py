"""Pinterest: image, carousel and video Pins on a board through API v5.

API reference (read 2026-11; the OpenAPI description is github.com/pinterest/api-description,
v5/openapi.yaml):
- Create Pin: https://developers.pinterest.com/docs/api/v5/pins-create
- Register media upload / get media: https://developers.pinterest.com/docs/api/v5/media-create
  and https://developers.pinterest.com/docs/api/v5/media-get
- Creating video Pins: https://developers.pinterest.com/docs/api-features/creating-boards-and-pins/
- OAuth token (code and continuous refresh): https://developers.pinterest.com/docs/api/v5/oauth-token
  and https://developers.pinterest.com/docs/getting-started/set-up-authentication-and-authorization/
- User account (the "me" endpoint): https://developers.pinterest.com/docs/api/v5/user_account-get
- Rate limits: https://developers.pinterest.com/docs/reference/rate-limits/
- Metrics: Get Pin analytics (`GET /v5/pins/{pin_id}/analytics`, dates within the last
  90 days, `all.summary_metrics` keyed by metric type):
  https://developers.pinterest.com/docs/api/v5/pins-analytics; followers from
  `GET /v5/user_account` (follower_count):
  https://developers.pinterest.com/docs/api/v5/user_account-get

Image Pins are one `POST /v5/pins`: Pinterest pulls the image (or 2 to 5 images, a carousel)
from the URL Crier serves. A video is registered with `POST /v5/media`, its bytes posted to
the returned S3 `upload_url` with the `upload_parameters`, and the Pin can only be created
once `GET /v5/media/{id}` says `succeeded`: if it already does at the end of `publish()`,
the Pin is created there; otherwise the delivery is `processing` and `poll()` creates the
Pin when the media is ready, from the post the pipeline passes to `poll(..., content=)`
(without it, as when the post's media was deleted meanwhile, the delivery fails with a
message saying so). No idempotency key exists, so the connector is not idempotent.
"""

from __future__ import annotations

import base64
import re
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
)
from connectors.http import (
    download,
    json_object,
    raise_for_platform_status,
    send,
    unambiguous,
    unreadable,
)
from connectors.oauth import app_credentials, raise_if_refused, refreshed_tokens

API_URL = "https://api.pinterest.com/v5"
AUTHORIZE_URL = "https://www.pinterest.com/oauth/"
# The v5 OpenAPI (pinterest/api-description v5/openapi.yaml, 5.23.0, commit c05b189, checked
# 2026-12-06) requires all four boards/pins scopes for POST /v5/pins; user_accounts:read is
# for GET /v5/user_account (profile and followers).
DEFAULT_SCOPES = "boards:read,boards:write,pins:read,pins:write,user_accounts:read"
MAX_TITLE = 100
MAX_LINK = 2048
MAX_ALT_TEXT = 500
MIN_VIDEO_SECONDS = 4.0
DEFAULT_COVER_SECOND = 1  # the first frame is often black
ANALYTICS_DAYS = 90  # Pin analytics: start_date no earlier than 90 days ago
PIN_METRICS = ("IMPRESSION", "SAVE", "PIN_CLICK", "OUTBOUND_CLICK")

# Pinterest error `code` values from the v5 OpenAPI description; others follow the status.
ERRORS: dict[str, type[ConnectorError]] = {
    "1": PermanentError,  # invalid parameters (e.g. "Whoops! … an invalid URL")
    "2": AuthExpired,  # Authentication failed.
    "1104": AuthExpired,  # The token you provided is not valid or has expired.
    "3": PermanentError,  # the token lacks a scope
    "7": PermanentError,  # Not authorized to access board or Pin.
    "8": RateLimited,  # This request exceeded a rate limit.
    "29": PermanentError,  # You are not permitted to access that resource.
    "40": PermanentError,  # Board not found.
}

_BOARD_ID = re.compile(r"^\d+$")


class PinterestConnector(Connector):
    platform = "pinterest"
    display_name = "Pinterest"
    connection = "oauth"
    idempotent = False
    # PinCreate: description up to 800 characters, title 100, link 2,048, alt text 500;
    # multiple_image_urls takes 2 to 5 images; a video Pin one video. Media specs: images
    # BMP, JPEG, PNG, TIFF, GIF, WebP up to 20 MB; video MP4, MOV, M4V up to 2 GB, 4 s to
    # 15 min. Universal rate limit: 100 requests per second per user per app (Standard
    # access). Sources: v5 OpenAPI, rate limits page, Pinterest product specs; checked
    # 2026-11.
    limits = PlatformLimits(
        max_chars=800,
        max_images=5,
        max_videos=1,
        allow_mixed_media=False,
        image_types=frozenset(
            {"image/jpeg", "image/png", "image/gif", "image/webp", "image/bmp", "image/tiff"}
        ),
        video_types=frozenset({"video/mp4", "video/quicktime", "video/x-m4v"}),
        max_image_bytes=20_000_000,
        max_video_bytes=2_000_000_000,
        max_video_seconds=900,
        requires_media=True,
        per_account_rate=RateLimit(requests=100, per_seconds=1),
    )
    options = (
        Option(name="board_id", kind=str, required=True, help="The board to pin to (digits)."),
        Option(name="board_section_id", kind=str, help="A section of that board."),
        Option(name="link", kind=str, help="Where the Pin leads when clicked."),
        Option(name="title", kind=str, help="Pin title, up to 100 characters."),
        Option(
            name="cover_image_url",
            kind=str,
            help="Cover of a video Pin; by default the frame at 1 s.",
        ),
    )

    def validate(self, content: Content, credentials: Credentials | None = None) -> list[Problem]:
        problems = super().validate(content, credentials)
        options = content.options
        board_id = options.get("board_id")
        if isinstance(board_id, str) and not _BOARD_ID.match(board_id):
            problems.append(
                Problem("board_id", "A Pinterest board id is made of digits.", "options.board_id")
            )
        # PinCreate.board_section_id has the same pattern (^\d+$) in the v5 OpenAPI.
        section = options.get("board_section_id")
        if isinstance(section, str) and section and not _BOARD_ID.match(section):
            problems.append(
                Problem(
                    "board_section_id",
                    "A Pinterest board section id is made of digits.",
                    "options.board_section_id",
                )
            )
        title = options.get("title")
        if isinstance(title, str) and len(title) > MAX_TITLE:
            problems.append(
                Problem(
                    "title_too_long",
                    f"Title is {len(title)} characters; Pinterest allows {MAX_TITLE}.",
                    "options.title",
                )
            )
        link = options.get("link")
        if isinstance(link, str) and (
            len(link) > MAX_LINK or not link.startswith(("https://", "http://"))
        ):
            problems.append(
                Problem(
                    "link_invalid",
                    f"The link must be an http(s) URL of at most {MAX_LINK} characters.",
                    "options.link",
                )
            )
        for index, item in enumerate(content.media):
            if item.alt_text and len(item.alt_text) > MAX_ALT_TEXT:
                problems.append(
                    Problem(
                        "alt_text_too_long",
                        f"Alt text is {len(item.alt_text)} characters; Pinterest allows "
                        f"{MAX_ALT_TEXT}.",
                        f"media[{index}]",
                    )
                )
            if (
                item.kind == "video"
                and item.duration is not None
                and item.duration < MIN_VIDEO_SECONDS
            ):
                problems.append(
                    Problem(
                        "video_too_short",
                        f"Video lasts {item.duration:g} s; Pinterest needs at least "
                        f"{MIN_VIDEO_SECONDS:g} s.",
                        f"media[{index}]",
                    )
                )
        return problems

    def publish(self, content: Content, credentials: Credentials) -> Published:
        videos = [item for item in content.media if item.kind == "video"]
        if not videos:
            return self._create_pin(content, _image_source(content.media), credentials)
        with unambiguous():
            media_id = self._upload_video(videos[0], credentials)
            status = self._media_status(media_id, credentials)
        if status != "succeeded":
            return Published(state="processing", handle=media_id)
        return self._create_pin(content, _video_source(media_id, content), credentials)

    def poll(
        self, handle: str, credentials: Credentials, content: Content | None = None
    ) -> Published:
        """Wait for the video, then create the Pin — which needs `content` (see module doc)."""
        if self._media_status(handle, credentials) != "succeeded":
            return Published(state="processing", handle=handle)
        if content is None:
            raise PermanentError(
                "Pinterest finished processing the video, but the post it belongs to could "
                "not be read (was its media deleted?), so no Pin was created. Nothing was "
                "pinned.",
                code="pin_needs_content",
            )
        try:
            return self._create_pin(content, _video_source(handle, content), credentials)
        except TransientError as exc:
            if not exc.ambiguous:
                raise
            # A repeated poll would create a second Pin: stop and say what is unknown.
            raise PermanentError(
                f"Pinterest did not confirm the Pin ({exc.message}); it may have been created. "
                "Check the board before retrying.",
                code="outcome_unknown",
                platform_response=exc.platform_response,
                status=exc.status,
            ) from exc

    def _create_pin(
        self, content: Content, media_source: dict[str, Any], credentials: Credentials
    ) -> Published:
        options = content.options
        if not options.get("board_id"):
            raise PermanentError("A Pinterest Pin needs options.board_id.", code="board_required")
        body: dict[str, Any] = {"board_id": options["board_id"]}
        for name in ("board_section_id", "title", "link"):
            if options.get(name):
                body[name] = options[name]
        if content.text:
            body["description"] = content.text
        alt_text = next((item.alt_text for item in content.media if item.alt_text), None)
        if alt_text:
            body["alt_text"] = alt_text
        body["media_source"] = media_source
        response = send(
            self.client, "POST", f"{API_URL}/pins", headers=_auth(credentials), json=body
        )
        _raise_for_status(response)
        pin_id = json_object(response).get("id")
        if not isinstance(pin_id, str) or not pin_id:
            raise _unreadable(response, "a Pin without its id")
        return Published(
            state="published", external_id=pin_id, url=f"https://www.pinterest.com/pin/{pin_id}/"
        )

    def _upload_video(self, item: MediaItem, credentials: Credentials) -> str:
        response = send(
            self.client,
            "POST",
            f"{API_URL}/media",
            headers=_auth(credentials),
            json={"media_type": "video"},
        )
        _raise_for_status(response)
        upload = json_object(response)
        media_id, upload_url = upload.get("media_id"), upload.get("upload_url")
        parameters = upload.get("upload_parameters")
        if (
            not isinstance(media_id, str)
            or not isinstance(upload_url, str)
            or not isinstance(parameters, dict)
        ):
            raise _unreadable(response, "a media upload without media_id and upload_url")
        with download(self.client, item.url, max_bytes=self.limits.max_video_bytes) as file:
            # S3 reads the form fields first and the file last, as httpx sends them.
            stored = send(
                self.client,
                "POST",
                upload_url,
                data={name: str(value) for name, value in parameters.items()},
                files={"file": (_file_name(item), file, item.mime_type)},
            )
        raise_for_platform_status(stored)
        return media_id

    def _media_status(self, media_id: str, credentials: Credentials) -> str:
        response = send(
            self.client, "GET", f"{API_URL}/media/{media_id}", headers=_auth(credentials)
        )
        _raise_for_status(response)
        status = json_object(response).get("status")
        if status == "failed":
            raise PermanentError(
                "Pinterest could not process the video.",
                code="media_failed",
                platform_response=response.text,
            )
        return str(status or "")

    # --- metrics ---------------------------------------------------------------------------

    def post_metrics(self, handle: str, credentials: Credentials) -> PostMetrics:
        today = datetime.now(UTC).date()
        response = send(
            self.client,
            "GET",
            f"{API_URL}/pins/{handle}/analytics",
            params={
                # The longest window Pinterest serves, so the totals cover the Pin's life
                # in the 30 days Crier samples it.
                "start_date": (today - timedelta(days=ANALYTICS_DAYS - 1)).isoformat(),
                "end_date": today.isoformat(),
                "metric_types": ",".join(PIN_METRICS),
                "app_types": "ALL",
            },
            headers=_auth(credentials),
        )
        with unambiguous():
            _raise_for_status(response)
        everything = json_object(response).get("all")
        summary = everything.get("summary_metrics") if isinstance(everything, dict) else None
        if not isinstance(summary, dict):
            raise _unreadable(response, "analytics without all.summary_metrics")
        pin_clicks = metric_count(summary.get("PIN_CLICK"))
        return PostMetrics(
            impressions=metric_count(summary.get("IMPRESSION")),
            # A save puts the Pin on another board: Pinterest's share.
            shares=metric_count(summary.get("SAVE")),
            clicks=metric_count(summary.get("OUTBOUND_CLICK")),
            extra={"pin_clicks": pin_clicks} if pin_clicks is not None else {},
        )

    def account_metrics(self, credentials: Credentials) -> AccountMetrics:
        response = send(self.client, "GET", f"{API_URL}/user_account", headers=_auth(credentials))
        with unambiguous():
            _raise_for_status(response)
        return AccountMetrics(followers=metric_count(json_object(response).get("follower_count")))

    def authorization_url(self, app: OAuthApp, *, state: str, code_challenge: str) -> str:
        # Pinterest documents no PKCE; the client secret (HTTP Basic) guards the exchange.
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
        response = send(
            self.client,
            "POST",
            f"{API_URL}/oauth/token",
            headers={"Authorization": _basic(app.client_id, app.client_secret)},
            data={
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": app.redirect_uri,
                # Apps created before 2025-09-25 must ask for the continuous refresh token
                # (60 days, refreshable indefinitely); newer apps get it anyway.
                "continuous_refresh": "true",
            },
        )
        raise_if_refused(response, PermanentError)
        _raise_for_status(response)
        tokens = refreshed_tokens(
            _unreadable, response, Credentials(external_id="", access_token="")
        )
        me = send(self.client, "GET", f"{API_URL}/user_account", headers=_auth(tokens))
        _raise_for_status(me)
        account = json_object(me)
        account_id = str(account.get("id") or account.get("username") or "")
        if not account_id:
            raise _unreadable(me, "a user account without id")
        return replace(tokens, external_id=account_id), AccountProfile(
            external_id=account_id,
            username=str(account.get("username") or ""),
            display_name=str(account.get("business_name") or account.get("username") or ""),
            avatar_url=str(account.get("profile_image") or ""),
        )

    def refresh(self, credentials: Credentials) -> Credentials:
        if not credentials.refresh_token:
            raise NothingToRefresh(
                "No Pinterest refresh token is stored; reconnect the account.",
                code="no_refresh_token",
            )
        response = send(
            self.client,
            "POST",
            f"{API_URL}/oauth/token",
            headers={"Authorization": _basic(*app_credentials(self))},
            data={"grant_type": "refresh_token", "refresh_token": credentials.refresh_token},
        )
        raise_if_refused(response)
        raise_for_platform_status(response)
        return refreshed_tokens(_unreadable, response, credentials)


def _image_source(media: tuple[MediaItem, ...]) -> dict[str, Any]:
    if len(media) == 1:
        return {"source_type": "image_url", "url": media[0].url}
    return {"source_type": "multiple_image_urls", "items": [{"url": item.url} for item in media]}


def _video_source(media_id: str, content: Content) -> dict[str, Any]:
    source: dict[str, Any] = {"source_type": "video_id", "media_id": media_id}
    cover = content.options.get("cover_image_url")
    if cover:
        source["cover_image_url"] = cover
    else:
        source["cover_image_key_frame_time"] = DEFAULT_COVER_SECOND
    return source


def _file_name(item: MediaItem) -> str:
    name = item.url.rstrip("/").rsplit("/", 1)[-1].split("?", 1)[0]
    return name or "video"


def _auth(credentials: Credentials) -> dict[str, str]:
    return {"Authorization": f"Bearer {credentials.access_token}"}


def _basic(client_id: str, client_secret: str) -> str:
    pair = base64.b64encode(f"{client_id}:{client_secret}".encode()).decode("ascii")
    return f"Basic {pair}"


def _raise_for_status(response: httpx.Response) -> None:
    raise_for_platform_status(response, error_table=ERRORS)


_unreadable = partial(unreadable, "Pinterest")
