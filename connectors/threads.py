"""Threads (Meta): posts through the Threads API's containers, OAuth with long-lived tokens.

API reference (read 2026-11):
- Posts (container, then publish; text, image, video; 500 characters, emoji counted as
  UTF-8 bytes; media specifications): https://developers.facebook.com/docs/threads/posts
- Publishing reference (POST /{threads-user-id}/threads with media_type, text, image_url,
  video_url, is_carousel_item, children, reply_to_id, reply_control, alt_text,
  auto_publish_text; POST /{threads-user-id}/threads_publish with creation_id; container
  status fields status/error_message with IN_PROGRESS, FINISHED, PUBLISHED, ERROR,
  EXPIRED): https://developers.facebook.com/docs/threads/reference/publishing
- Carousels (2 to 20 items): https://developers.facebook.com/docs/threads/posts#carousel-posts
- Replies (reply_to_id): https://developers.facebook.com/docs/threads/retrieve-and-manage-replies/create-replies
- Troubleshooting container status:
  https://developers.facebook.com/docs/threads/troubleshooting#publishing-does-not-return-a-media-id
- Authorization window, code exchange, long-lived tokens (60 days, refreshable once at
  least 24 hours old): https://developers.facebook.com/docs/threads/get-started/get-access-tokens-and-permissions
  and https://developers.facebook.com/docs/threads/get-started/long-lived-tokens
- The "me" endpoint: https://developers.facebook.com/docs/threads/threads-profiles
- Rate limits (250 API-published posts and 1,000 replies per 24 hours per profile):
  https://developers.facebook.com/docs/threads/troubleshooting#rate-limiting
- Graph errors (`{"error": {"message", "type", "code", "error_subcode"}}`; 190 invalid
  token; 4, 17, 32, 613 rate limits): https://developers.facebook.com/docs/graph-api/guides/error-handling
- Metrics: media insights (`GET /{threads-media-id}/insights`: views, likes, replies,
  reposts, quotes, shares) and user insights (`GET /{threads-user-id}/threads_insights`
  with metric=followers_count, a total_value):
  https://developers.facebook.com/docs/threads/insights

Threads pulls media from Crier's public URL. A text post is published in one call
(`auto_publish_text`), follow-ups as replies the same way. A post answering an earlier one
(`reply_to`: a delayed thread item) carries its id as the container's `reply_to_id`. A post
with media is two-phase: publish() creates the container(s) (nothing is public yet, so
failures there are never ambiguous) and returns `processing` with the container id; poll()
checks the container and, once FINISHED, calls threads_publish — the only call that
publishes — then posts the follow-ups as replies (poll() receives the post). A container can
be published once, so a repeated poll cannot post twice. No idempotency key exists for text
posts and the connector does no look-up, so it is not idempotent.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from functools import partial
from urllib.parse import quote, urlencode

import httpx
import regex

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
)
from connectors.errors import (
    AuthExpired,
    ConnectorError,
    PermanentError,
    RateLimited,
    RefreshRefused,
    TransientError,
)
from connectors.facebook import insight_values
from connectors.http import (
    json_object,
    platform_error,
    raise_for_platform_status,
    send,
    unambiguous,
    unreadable,
)

DEFAULT_GRAPH_URL = "https://graph.threads.net"
DEFAULT_API_VERSION = "v1.0"
DEFAULT_AUTHORIZE_URL = "https://threads.net/oauth/authorize"
# threads_manage_replies: follow-up items are replies to the account's own post.
# Insights (analytics) need threads_manage_insights: without it every metrics read fails.
DEFAULT_SCOPES = (
    "threads_basic,threads_content_publish,threads_manage_replies,threads_manage_insights"
)
MAX_CAROUSEL_ITEMS = 20
MAX_ALT_TEXT = 1000

RATE_LIMIT_CODES = ("4", "17", "32", "613")
# Graph error codes (error.code) that say more than the HTTP status: Meta answers expired
# tokens and rate limits with 400 as often as with 401/429.
ERRORS: dict[str, type[ConnectorError]] = {
    "190": AuthExpired,  # invalid or expired access token
    "102": AuthExpired,  # session key invalid
    **dict.fromkeys(RATE_LIMIT_CODES, RateLimited),
    "1": TransientError,  # unknown error, "retry later"
    "2": TransientError,  # service temporarily unavailable
    "10": PermanentError,  # permission denied
    "100": PermanentError,  # invalid parameter
    "200": PermanentError,  # permission missing
}

# Troubleshooting: publishing right after creation may answer code 24, subcode 4279009
# ("media not found": the container has not propagated yet); trying later succeeds.
NOT_PROPAGATED_SUBCODE = 4279009
NOT_PROPAGATED_RETRY_SECONDS = 30.0

_EMOJI = regex.compile(r"\p{Extended_Pictographic}|\p{Regional_Indicator}")


def graph_url(config: ConnectorConfig) -> str:
    return (config.api_url or DEFAULT_GRAPH_URL).rstrip("/")


def api_version(config: ConnectorConfig) -> str:
    return config.api_version or DEFAULT_API_VERSION


def authorize_url(config: ConnectorConfig) -> str:
    return config.authorize_url or DEFAULT_AUTHORIZE_URL


def oauth_scopes(config: ConnectorConfig) -> str:
    return config.scopes or DEFAULT_SCOPES


class ThreadsConnector(Connector):
    platform = "threads"
    display_name = "Threads"
    connection = "oauth"
    idempotent = False
    # 500 characters (emoji count as their UTF-8 bytes). Images: JPEG or PNG, up to 8 MB.
    # Videos: MOV or MP4, up to 1 GB, 5 minutes, 23 to 60 fps. Carousels: 2 to 20 images
    # and videos, mixed. Alt text up to 1,000 characters. 250 API-published posts per 24
    # hours per profile. Sources: the Posts page (media specifications), the publishing
    # reference and the troubleshooting page above; checked 2026-11.
    limits = PlatformLimits(
        max_chars=500,
        max_images=MAX_CAROUSEL_ITEMS,
        max_videos=MAX_CAROUSEL_ITEMS,
        allow_mixed_media=True,
        image_types=frozenset({"image/jpeg", "image/png"}),
        video_types=frozenset({"video/mp4", "video/quicktime"}),
        max_image_bytes=8 * 1024 * 1024,
        max_video_bytes=1024 * 1024 * 1024,
        min_fps=23,
        max_video_seconds=300,
        max_thread_items=24,
        per_account_rate=RateLimit(requests=250, per_seconds=86_400),
    )
    options = (
        Option(
            name="reply_control",
            kind=str,
            choices=(
                "everyone",
                "accounts_you_follow",
                "mentioned_only",
                "parent_post_author_only",
                "followers_only",
            ),
            help="Who may reply; everyone when omitted.",
        ),
    )

    def text_length(self, text: str) -> int:
        return sum(
            len(grapheme.encode()) if _EMOJI.search(grapheme) else 1
            for grapheme in regex.findall(r"\X", text)
        )

    def validate(self, content: Content, credentials: Credentials | None = None) -> list[Problem]:
        problems = super().validate(content, credentials)
        if len(content.media) > MAX_CAROUSEL_ITEMS:
            problems.append(
                Problem(
                    "too_many_media",
                    f"{len(content.media)} files; a Threads carousel takes {MAX_CAROUSEL_ITEMS}.",
                    "media",
                )
            )
        for index, item in enumerate(content.media):
            if item.kind == "video" and item.fps is not None and item.fps > 60:
                problems.append(
                    Problem(
                        "frame_rate_too_high",
                        f"Video is {item.fps:g} fps; Threads takes at most 60.",
                        f"media[{index}]",
                    )
                )
            if item.alt_text and len(item.alt_text) > MAX_ALT_TEXT:
                problems.append(
                    Problem(
                        "alt_text_too_long",
                        f"Alt text is {len(item.alt_text)} characters; Threads allows "
                        f"{MAX_ALT_TEXT}.",
                        f"media[{index}]",
                    )
                )
        return problems

    # --- publishing ------------------------------------------------------------------------

    def publish(self, content: Content, credentials: Credentials) -> Published:
        if content.media:
            return Published(state="processing", handle=self._containers(content, credentials))
        root = self._create(
            credentials,
            {
                "media_type": "TEXT",
                "text": content.text,
                "auto_publish_text": "true",
                **_first_item_fields(content),
            },
        )
        self._replies(root, content.thread, credentials)
        return Published(
            state="published", external_id=root, url=self._permalink(root, credentials)
        )

    def _replies(self, root: str, thread: tuple[str, ...], credentials: Credentials) -> None:
        """Each follow-up in reply to the previous post; raises TransientError
        `thread_incomplete` naming what is live when one fails."""
        posted = [root]
        for item in thread:
            try:
                posted.append(
                    self._create(
                        credentials,
                        {
                            "media_type": "TEXT",
                            "text": item,
                            "reply_to_id": posted[-1],
                            "auto_publish_text": "true",
                        },
                    )
                )
            except ConnectorError as exc:
                raise TransientError(
                    f"Posted {len(posted)} of {len(thread) + 1} thread items "
                    f"({', '.join(posted)}), then: {exc.message}. Retrying would post the "
                    "first items again.",
                    ambiguous=True,
                    code="thread_incomplete",
                    platform_response=exc.platform_response,
                    status=exc.status,
                ) from exc

    def _containers(self, content: Content, credentials: Credentials) -> str:
        """Create the post's container(s); nothing is public until threads_publish."""
        with unambiguous():
            if len(content.media) == 1:
                return self._create(
                    credentials,
                    {
                        **_media_fields(content.media[0]),
                        "text": content.text,
                        **_first_item_fields(content),
                    },
                )
            children = [
                self._create(credentials, {**_media_fields(item), "is_carousel_item": "true"})
                for item in content.media
            ]
            return self._create(
                credentials,
                {
                    "media_type": "CAROUSEL",
                    "children": ",".join(children),
                    "text": content.text,
                    **_first_item_fields(content),
                },
            )

    def _create(self, credentials: Credentials, fields: Mapping[str, str]) -> str:
        response = send(
            self.client,
            "POST",
            f"{_api(self.config, credentials.external_id)}/threads",
            data={key: value for key, value in fields.items() if value != ""}
            | {"access_token": credentials.access_token},
        )
        _raise_for_status(response)
        return _id_from(response)

    def poll(
        self, handle: str, credentials: Credentials, content: Content | None = None
    ) -> Published:
        response = send(
            self.client,
            "GET",
            f"{_versioned(self.config)}/{quote(handle, safe='')}",
            params={"fields": "id,status,error_message", "access_token": credentials.access_token},
        )
        _raise_for_status(response)
        container = json_object(response)
        status = container.get("status")
        if status == "IN_PROGRESS":
            return Published(state="processing", handle=handle)
        if status == "ERROR":
            reason = container.get("error_message") or "ERROR"
            raise PermanentError(
                f"Threads could not process the media: {reason}.",
                code="container_error",
                platform_response=response.text,
            )
        if status == "EXPIRED":
            raise PermanentError(
                "The Threads container expired (24 hours) before it was published.",
                code="container_expired",
            )
        if status == "PUBLISHED":
            # An earlier poll published it and its answer (the post id) was lost; the
            # container does not say which post it became.
            raise PermanentError(
                "Threads shows this post as published, but the answer carrying its id was "
                "lost; it is live on the profile.",
                code="published_id_unknown",
            )
        if status != "FINISHED":
            raise TransientError(
                f"Threads answered an unknown container status {status!r}.",
                ambiguous=False,
                code="malformed_response",
                platform_response=response.text,
            )
        published = send(
            self.client,
            "POST",
            f"{_api(self.config, credentials.external_id)}/threads_publish",
            data={"creation_id": handle, "access_token": credentials.access_token},
        )
        _raise_for_status(published)
        post_id = _id_from(published)
        if content is not None and content.thread:
            try:
                self._replies(post_id, content.thread, credentials)
            except TransientError as exc:
                # Polling again would find the container PUBLISHED and never finish the
                # thread: stop here and say what is live.
                raise PermanentError(
                    exc.message,
                    code="thread_incomplete",
                    platform_response=exc.platform_response,
                    status=exc.status,
                ) from exc
        return Published(
            state="published", external_id=post_id, url=self._permalink(post_id, credentials)
        )

    def _permalink(self, post_id: str, credentials: Credentials) -> str | None:
        # After the post is live: a failure here must not fail the delivery.
        try:
            response = send(
                self.client,
                "GET",
                f"{_versioned(self.config)}/{quote(post_id, safe='')}",
                params={"fields": "permalink", "access_token": credentials.access_token},
            )
            _raise_for_status(response)
        except ConnectorError:
            return None
        permalink = json_object(response).get("permalink")
        return permalink if isinstance(permalink, str) and permalink else None

    # --- OAuth -----------------------------------------------------------------------------

    # --- metrics ---------------------------------------------------------------------------

    def post_metrics(self, handle: str, credentials: Credentials) -> PostMetrics:
        response = send(
            self.client,
            "GET",
            f"{_versioned(self.config)}/{quote(handle, safe='')}/insights",
            params={
                "metric": "views,likes,replies,reposts,quotes,shares",
                "access_token": credentials.access_token,
            },
        )
        with unambiguous():
            _raise_for_status(response)
        values = insight_values(json_object(response))
        return PostMetrics(
            impressions=values.get("views"),
            likes=values.get("likes"),
            comments=values.get("replies"),
            shares=values.get("reposts"),
            extra={name: values[name] for name in ("quotes", "shares") if name in values},
        )

    def account_metrics(self, credentials: Credentials) -> AccountMetrics:
        response = send(
            self.client,
            "GET",
            f"{_api(self.config, credentials.external_id)}/threads_insights",
            params={"metric": "followers_count", "access_token": credentials.access_token},
        )
        with unambiguous():
            _raise_for_status(response)
        return AccountMetrics(
            followers=insight_values(json_object(response)).get("followers_count")
        )

    def authorization_url(self, app: OAuthApp, *, state: str, code_challenge: str) -> str:
        # Threads' authorization window documents no PKCE parameters; the challenge is
        # not sent (and the verifier not asked for). `state` binds the callback.
        query = urlencode(
            {
                "client_id": app.client_id,
                "redirect_uri": app.redirect_uri,
                "scope": oauth_scopes(self.config),
                "response_type": "code",
                "state": state,
            }
        )
        return f"{authorize_url(self.config)}?{query}"

    def exchange_code(
        self, app: OAuthApp, *, code: str, code_verifier: str
    ) -> tuple[Credentials, AccountProfile]:
        response = send(
            self.client,
            "POST",
            f"{graph_url(self.config)}/oauth/access_token",
            data={
                "client_id": app.client_id,
                "client_secret": app.client_secret,
                "code": code,
                "grant_type": "authorization_code",
                "redirect_uri": app.redirect_uri,
            },
        )
        if response.status_code in (400, 401):
            code_name, message = platform_error(response)
            raise PermanentError(
                message,
                code=code_name,
                platform_response=response.text,
                status=response.status_code,
            )
        _raise_for_status(response)
        short = json_object(response).get("access_token")
        if not isinstance(short, str) or not short:
            raise _malformed(response, "a code exchange without access_token")
        # The short-lived token lasts an hour; the long-lived one 60 days, refreshable.
        long_lived = send(
            self.client,
            "GET",
            f"{graph_url(self.config)}/access_token",
            params={
                "grant_type": "th_exchange_token",
                "client_secret": app.client_secret,
                "access_token": short,
            },
        )
        _raise_for_status(long_lived)
        tokens = _tokens_from(long_lived, Credentials(external_id="", access_token=""))
        me = send(
            self.client,
            "GET",
            f"{_versioned(self.config)}/me",
            params={
                "fields": "id,username,name,threads_profile_picture_url",
                "access_token": tokens.access_token,
            },
        )
        _raise_for_status(me)
        profile = json_object(me)
        user_id = profile.get("id")
        if not isinstance(user_id, str) or not user_id:
            raise _malformed(me, "a profile without id")
        username = str(profile.get("username") or "")
        return (
            replace(tokens, external_id=user_id, extra={"username": username}),
            AccountProfile(
                external_id=user_id,
                username=username,
                display_name=str(profile.get("name") or ""),
                avatar_url=str(profile.get("threads_profile_picture_url") or ""),
            ),
        )

    def refresh(self, credentials: Credentials) -> Credentials:
        """Long-lived tokens refresh themselves (no separate refresh token)."""
        response = send(
            self.client,
            "GET",
            f"{graph_url(self.config)}/refresh_access_token",
            params={"grant_type": "th_refresh_token", "access_token": credentials.access_token},
        )
        code, message = platform_error(response)
        if response.status_code in (400, 401) and code not in RATE_LIMIT_CODES:
            raise RefreshRefused(
                message, code=code, platform_response=response.text, status=response.status_code
            )
        _raise_for_status(response)
        return _tokens_from(response, credentials)


def _api(config: ConnectorConfig, user_id: str) -> str:
    if not user_id:
        raise PermanentError("This Threads account has no user id; reconnect it.", code="no_user")
    return f"{_versioned(config)}/{quote(user_id, safe='')}"


def _versioned(config: ConnectorConfig) -> str:
    return f"{graph_url(config)}/{api_version(config)}"


def _media_fields(item: MediaItem) -> dict[str, str]:
    if item.kind == "video":
        fields = {"media_type": "VIDEO", "video_url": item.url}
    else:
        fields = {"media_type": "IMAGE", "image_url": item.url}
    if item.alt_text:
        fields["alt_text"] = item.alt_text
    return fields


def _first_item_fields(content: Content) -> dict[str, str]:
    """Fields of the post's own container (not its carousel items or follow-ups): who may
    reply, and the post it answers when it is a delayed thread item."""
    fields: dict[str, str] = {}
    value = content.options.get("reply_control")
    if isinstance(value, str):
        fields["reply_control"] = value
    if content.reply_to:
        fields["reply_to_id"] = content.reply_to
    return fields


def _tokens_from(response: httpx.Response, credentials: Credentials) -> Credentials:
    data = json_object(response)
    access_token = data.get("access_token")
    if not isinstance(access_token, str) or not access_token:
        raise _malformed(response, "a token answer without access_token")
    expires_in = data.get("expires_in")
    return replace(
        credentials,
        access_token=access_token,
        refresh_token=credentials.refresh_token,
        expires_at=(
            datetime.now(UTC) + timedelta(seconds=expires_in)
            if isinstance(expires_in, (int, float))
            else None
        ),
    )


def _raise_for_status(response: httpx.Response) -> None:
    error = json_object(response).get("error")
    if isinstance(error, dict) and error.get("error_subcode") == NOT_PROPAGATED_SUBCODE:
        # The container exists but has not reached every server yet: publish again later.
        raise TransientError(
            str(error.get("error_user_msg") or error.get("message") or "Container not ready."),
            ambiguous=False,
            retry_after=NOT_PROPAGATED_RETRY_SECONDS,
            code=str(NOT_PROPAGATED_SUBCODE),
            platform_response=response.text,
            status=response.status_code,
        )
    raise_for_platform_status(response, error_table=ERRORS)


def _id_from(response: httpx.Response) -> str:
    media_id = json_object(response).get("id")
    if isinstance(media_id, int) and not isinstance(media_id, bool):
        media_id = str(media_id)
    if not isinstance(media_id, str) or not media_id:
        # A 2xx: Threads acted. Ambiguous for a publishing call, harmless for a container.
        raise TransientError(
            f"Threads answered HTTP {response.status_code} without an id.",
            ambiguous=True,
            code="malformed_response",
            platform_response=response.text,
            status=response.status_code,
        )
    return media_id


_malformed = partial(unreadable, "Threads", ambiguous=False)
