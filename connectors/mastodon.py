"""Mastodon: statuses on any instance, with the Idempotency-Key header Mastodon honours.

API reference (read 2026-11):
- Post a new status (Idempotency-Key, kept "up to 1 hour"; 401/422 bodies):
  https://docs.joinmastodon.org/methods/statuses/#create
- Upload media (v2: 200 when processed, 202 while processing; `GET /api/v1/media/:id` answers
  206 until done): https://docs.joinmastodon.org/methods/media/#v2
  and https://docs.joinmastodon.org/methods/media/#get
- Instance configuration (statuses.max_characters, characters_reserved_per_url, media limits):
  https://docs.joinmastodon.org/methods/instance/#v2 and
  https://docs.joinmastodon.org/entities/Instance/#configuration
- The account behind a token: https://docs.joinmastodon.org/methods/accounts/#verify_credentials
- Rate limits (300 calls per 5 minutes per account; X-RateLimit-Reset is an ISO 8601
  timestamp): https://docs.joinmastodon.org/api/rate-limits/
- Errors (`{"error": "..."}`): https://docs.joinmastodon.org/entities/Error/
- Metrics: a status's `replies_count`, `reblogs_count`, `favourites_count`
  (https://docs.joinmastodon.org/methods/statuses/#get and
  https://docs.joinmastodon.org/entities/Status/); the account's `followers_count` from
  verify_credentials (https://docs.joinmastodon.org/entities/Account/). Mastodon counts no
  impressions or clicks.

A publish is: for each file, a download from Crier and `POST /api/v2/media` (uploads publish
nothing, so their failures are never ambiguous); then one `POST /api/v1/statuses` per item
of the thread, each in reply to the previous one (`in_reply_to_id`; the first to the status
`reply_to` names, when the content answers an earlier one) and each with its own
Idempotency-Key derived from the delivery's key. Mastodon answers a repeated key with the
status it already created, so a retry after an ambiguous failure never posts twice (within
the hour Mastodon keeps keys). A file still processing after one look (a long video) leaves
the delivery `processing` with the attachment ids as handle, nothing posted: `poll()` looks
again and, once every file is ready, posts the statuses from the content the pipeline passes
it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime
from functools import partial
from typing import Any, TypeVar
from urllib.parse import urlsplit

import httpx
import regex

from connectors.base import (
    AccountMetrics,
    AccountProfile,
    Connector,
    Content,
    Credentials,
    MediaItem,
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
    PermanentError,
    TransientError,
)
from connectors.http import (
    base_url,
    download,
    json_object,
    raise_for_platform_status,
    send,
    unambiguous,
    unreadable,
)

# Mastodon's defaults, used until the instance tells its own (GET /api/v2/instance).
DEFAULT_MAX_CHARACTERS = 500
DEFAULT_MAX_MEDIA = 4
DEFAULT_URL_WEIGHT = 23
# Entities/Instance: media_attachments.description_limit in the documented example.
DEFAULT_DESCRIPTION_LIMIT = 1500

# Mastodon's length rule (StatusLengthValidator): every URL counts as
# characters_reserved_per_url, a remote mention counts only its local part, the rest counts
# in grapheme clusters, and the content warning (spoiler_text) counts too.
_URL = regex.compile(r"https?://[^\s<>\"]+", regex.IGNORECASE)
_REMOTE_MENTION = regex.compile(r"(?<![\w/])(@[\w.-]+)@[\w.-]+\.\w+", regex.UNICODE)


class MastodonConnector(Connector):
    platform = "mastodon"
    display_name = "Mastodon"
    connection = "token"
    connect_fields = ("instance_url", "access_token")
    user_chosen_hosts = True
    idempotent = True  # Idempotency-Key header on POST /api/v1/statuses
    # Mastodon defaults: 500 characters (each URL 23), 4 images or 1 video/audio, images
    # up to 16 MB (16777216), videos up to 99 MB (103809024), at most 120 fps, alt text up
    # to 1500 characters; 300 requests per 5 minutes per account. An instance may change
    # all of these: connect() stores what its /api/v2/instance says (characters, URL weight,
    # attachments, image and video sizes, MIME types, description length) in `extra`;
    # limits_for() makes them the account's limits, and validation with the account's
    # credentials and publish() hold posts to them. Sources:
    # https://docs.joinmastodon.org/entities/Instance/ and
    # https://docs.joinmastodon.org/api/rate-limits/ (checked 2026-11).
    limits = PlatformLimits(
        max_chars=DEFAULT_MAX_CHARACTERS,
        max_images=DEFAULT_MAX_MEDIA,
        max_videos=1,
        allow_mixed_media=False,
        image_types=frozenset(
            {
                "image/jpeg",
                "image/png",
                "image/gif",
                "image/webp",
                "image/heic",
                "image/heif",
                "image/avif",
            }
        ),
        video_types=frozenset({"video/mp4", "video/quicktime", "video/webm", "video/ogg"}),
        max_image_bytes=16_777_216,
        max_video_bytes=103_809_024,
        max_thread_items=24,
        per_account_rate=RateLimit(requests=300, per_seconds=300),
    )
    options = (
        Option(
            name="visibility",
            kind=str,
            choices=("public", "unlisted", "private", "direct"),
            help="Who sees the status; the account's default when omitted.",
        ),
        Option(name="spoiler_text", kind=str, help="Content warning shown before the text."),
        Option(name="sensitive", kind=bool, help="Hide the media behind a warning."),
        Option(name="language", kind=str, help="ISO 639-1 code of the text."),
    )

    def text_length(self, text: str) -> int:
        return _length(text, DEFAULT_URL_WEIGHT)

    def validate(self, content: Content, credentials: Credentials | None = None) -> list[Problem]:
        # Lengths are counted here: the base counts no content warning, and an instance may
        # weigh URLs otherwise than 23.
        problems = [
            problem
            for problem in super().validate(content, credentials)
            if problem.code != "text_too_long"
        ]
        extra = credentials.extra if credentials is not None else {}
        limits = self.limits if credentials is None else self.limits_for(credentials)
        problems += _length_problems(content, limits.max_chars, _url_weight(extra))
        description_limit = _positive(extra.get("description_limit"), DEFAULT_DESCRIPTION_LIMIT)
        for index, item in enumerate(content.media):
            if item.alt_text and len(item.alt_text) > description_limit:
                problems.append(
                    Problem(
                        "alt_text_too_long",
                        f"Alt text is {len(item.alt_text)} characters; this Mastodon instance "
                        f"allows {description_limit}.",
                        f"media[{index}]",
                    )
                )
        return problems

    def limits_for(self, credentials: Credentials) -> PlatformLimits:
        """The limits of the account's own instance, as read when it was connected
        (`GET /api/v2/instance`); Mastodon's defaults for what it did not say."""
        extra = credentials.extra
        limits = self.limits
        types = extra.get("supported_mime_types")
        if isinstance(types, list) and types:
            limits = replace(
                limits,
                image_types=frozenset(t for t in types if t.startswith("image/")),
                video_types=frozenset(t for t in types if t.startswith("video/")),
            )
        return replace(
            limits,
            max_chars=_positive(extra.get("max_characters"), limits.max_chars),
            max_images=_positive(extra.get("max_media_attachments"), limits.max_images),
            max_image_bytes=_positive(extra.get("image_size_limit"), limits.max_image_bytes),
            max_video_bytes=_positive(extra.get("video_size_limit"), limits.max_video_bytes),
        )

    # --- publishing ------------------------------------------------------------------------

    def publish(self, content: Content, credentials: Credentials) -> Published:
        base = _instance_url(credentials)
        self._check_instance_limits(content, credentials)
        uploads = [self._upload(base, item, credentials) for item in content.media]
        media_ids = [media_id for media_id, _ in uploads]
        if not all(ready for _, ready in uploads):
            return Published(state="processing", handle=",".join(media_ids))
        return self._post_thread(base, content, credentials, media_ids)

    def poll(
        self, handle: str, credentials: Credentials, content: Content | None = None
    ) -> Published:
        """Media still processing at publish time: look again; once all of it is ready,
        post the statuses (the same Idempotency-Keys as publish() would have sent)."""
        base = _instance_url(credentials)
        media_ids = [media_id for media_id in handle.split(",") if media_id]
        with unambiguous():
            ready = all(self._processed(base, media_id, credentials) for media_id in media_ids)
        if not ready:
            return Published(state="processing", handle=handle)
        if content is None:
            raise PermanentError(
                "Mastodon finished processing the media, but the post it belongs to could not "
                "be read (was its media deleted?), so no status was posted.",
                code="status_needs_content",
            )
        return self._post_thread(base, content, credentials, media_ids)

    def _post_thread(
        self, base: str, content: Content, credentials: Credentials, media_ids: list[str]
    ) -> Published:
        status = self._post_status(
            base,
            credentials,
            text=content.text,
            key=content.idempotency_key,
            options=content.options,
            media_ids=media_ids,
            in_reply_to_id=content.reply_to,
        )
        previous = status
        for index, item in enumerate(content.thread, start=1):
            # Each follow-up answers the one before it; its own key makes a retry replay it.
            previous = self._post_status(
                base,
                credentials,
                text=item,
                key=f"{content.idempotency_key}:{index}",
                options=content.options,
                in_reply_to_id=previous["id"],
            )
        return Published(state="published", external_id=status["id"], url=status.get("url"))

    def _post_status(
        self,
        base: str,
        credentials: Credentials,
        *,
        text: str,
        key: str,
        options: Mapping[str, Any],
        media_ids: list[str] | None = None,
        in_reply_to_id: str | None = None,
    ) -> dict[str, Any]:
        body: dict[str, Any] = {"status": text}
        if media_ids:
            body["media_ids"] = media_ids
        if in_reply_to_id:
            body["in_reply_to_id"] = in_reply_to_id
        for name in ("visibility", "spoiler_text", "sensitive", "language"):
            if name in options:
                body[name] = options[name]
        response = send(
            self.client,
            "POST",
            f"{base}/api/v1/statuses",
            # The key goes in the header: Mastodon does not read one from the body.
            headers={**_auth(credentials), "Idempotency-Key": key},
            json=body,
        )
        _raise_for_status(response)
        status = json_object(response)
        if not isinstance(status.get("id"), str) or not status["id"]:
            # 2xx: the instance acted. A retry with the same key returns the same status.
            raise _unreadable(response, "a status without an id")
        return status

    def _upload(self, base: str, item: MediaItem, credentials: Credentials) -> tuple[str, bool]:
        """The attachment id, and whether a status can take it yet."""
        limits = self.limits_for(credentials)
        limit = limits.max_video_bytes if item.kind == "video" else limits.max_image_bytes
        with unambiguous():
            with download(self.client, item.url, max_bytes=limit) as file:
                data = {"description": item.alt_text} if item.alt_text else {}
                response = send(
                    self.client,
                    "POST",
                    f"{base}/api/v2/media",
                    headers=_auth(credentials),
                    files={"file": (_file_name(item), file, item.mime_type)},
                    data=data,
                )
            _raise_for_status(response)
            attachment = json_object(response)
            media_id = attachment.get("id")
            if not isinstance(media_id, str) or not media_id:
                raise _unreadable(response, "a media attachment without an id")
            if response.status_code == 202 and not attachment.get("url"):
                return media_id, self._processed(base, media_id, credentials)
        return media_id, True

    def _processed(self, base: str, media_id: str, credentials: Credentials) -> bool:
        # 202 at upload: the file is still being processed, and a status cannot take it yet
        # ("Cannot attach files that have not finished processing"); GET answers 206 until
        # it is done. One look, no waiting here.
        response = send(
            self.client, "GET", f"{base}/api/v1/media/{media_id}", headers=_auth(credentials)
        )
        _raise_for_status(response)
        return response.status_code != 206 and bool(json_object(response).get("url"))

    def _check_instance_limits(self, content: Content, credentials: Credentials) -> None:
        """The instance's own limits, again before anything is sent: the post may have been
        checked before they were known."""
        limits = self.limits_for(credentials)
        problems = _length_problems(content, limits.max_chars, _url_weight(credentials.extra))
        problems += self._media_problems(content.media, limits)
        if problems:
            raise PermanentError(
                f"{problems[0].message} Nothing was posted.", code=problems[0].code
            )

    # --- metrics ---------------------------------------------------------------------------

    def post_metrics(self, handle: str, credentials: Credentials) -> PostMetrics:
        base = _instance_url(credentials)
        response = send(
            self.client, "GET", f"{base}/api/v1/statuses/{handle}", headers=_auth(credentials)
        )
        with unambiguous():
            _raise_for_status(response)
        status = json_object(response)
        return PostMetrics(
            likes=metric_count(status.get("favourites_count")),
            comments=metric_count(status.get("replies_count")),
            shares=metric_count(status.get("reblogs_count")),
        )

    def account_metrics(self, credentials: Credentials) -> AccountMetrics:
        base = _instance_url(credentials)
        response = send(
            self.client,
            "GET",
            f"{base}/api/v1/accounts/verify_credentials",
            headers=_auth(credentials),
        )
        with unambiguous():
            _raise_for_status(response)
        return AccountMetrics(followers=metric_count(json_object(response).get("followers_count")))

    # --- connecting ------------------------------------------------------------------------

    def connect(self, fields: Mapping[str, str]) -> tuple[Credentials, AccountProfile]:
        base = normalize_instance_url(fields.get("instance_url", ""))
        token = (fields.get("access_token") or "").strip()
        if not token:
            raise PermanentError("An access token is required.", code="missing_access_token")
        unnamed = Credentials(external_id="", access_token=token, extra={"instance_url": base})
        response = send(
            self.client,
            "GET",
            f"{base}/api/v1/accounts/verify_credentials",
            headers=_auth(unnamed),
        )
        try:
            _raise_for_status(response)
        except AuthExpired as exc:
            # A token that does not work at connect time is a wrong token, not an expired one.
            raise PermanentError(
                f"{exc.message} (Mastodon refused the access token)",
                code=exc.code,
                platform_response=response.text,
                status=exc.status,
            ) from exc
        account = json_object(response)
        account_id = account.get("id")
        if not isinstance(account_id, str) or not account_id:
            raise PermanentError(
                "The instance did not answer like Mastodon (no account id).",
                code="not_mastodon",
                platform_response=response.text,
            )
        extra = {"instance_url": base, **self._instance_configuration(base, unnamed)}
        acct = str(account.get("acct") or account.get("username") or "")
        return (
            replace(unnamed, external_id=account_id, extra=extra),
            AccountProfile(
                external_id=account_id,
                username=f"{acct}@{urlsplit(base).hostname}" if "@" not in acct else acct,
                display_name=str(account.get("display_name") or ""),
                avatar_url=str(account.get("avatar") or ""),
            ),
        )

    def _instance_configuration(self, base: str, credentials: Credentials) -> dict[str, Any]:
        """The instance's own limits; Mastodon's defaults when it does not say (older
        versions and other fediverse servers lack /api/v2/instance)."""
        response = send(self.client, "GET", f"{base}/api/v2/instance", headers=_auth(credentials))
        if response.status_code == 404:
            response = send(
                self.client, "GET", f"{base}/api/v1/instance", headers=_auth(credentials)
            )
        _raise_for_status(response)
        instance = json_object(response)
        configuration = _section(instance, "configuration")
        statuses = _section(configuration, "statuses")
        media = _section(configuration, "media_attachments")
        stored: dict[str, Any] = {
            "max_characters": _positive(
                # Pleroma/Akkoma and glitch-soc answer max_toot_chars in v1.
                statuses.get("max_characters", instance.get("max_toot_chars")),
                DEFAULT_MAX_CHARACTERS,
            ),
            "max_media_attachments": _positive(
                statuses.get("max_media_attachments"), DEFAULT_MAX_MEDIA
            ),
            "characters_reserved_per_url": _positive(
                statuses.get("characters_reserved_per_url"), DEFAULT_URL_WEIGHT
            ),
        }
        # Kept only when the instance states them: limits_for() falls back on the defaults.
        for name in ("image_size_limit", "video_size_limit", "description_limit"):
            if _positive(media.get(name), 0):
                stored[name] = media[name]
        types = media.get("supported_mime_types")
        if isinstance(types, list) and types and all(isinstance(t, str) for t in types):
            stored["supported_mime_types"] = sorted({t.lower() for t in types})
        return stored


def normalize_instance_url(value: str) -> str:
    """`mastodon.social`, `https://mastodon.social/` → `https://mastodon.social`.

    Mastodon's API lives at the root: a path, query, fragment or credentials are refused.
    """
    if not value.strip():
        raise PermanentError("An instance URL is required.", code="missing_instance_url")
    return base_url(value, what="instance URL")


def _instance_url(credentials: Credentials) -> str:
    base = credentials.extra.get("instance_url")
    if not isinstance(base, str) or not base:
        raise PermanentError(
            "This Mastodon account has no instance URL; reconnect it.",
            code="missing_instance_url",
        )
    return base.rstrip("/")


def _auth(credentials: Credentials) -> dict[str, str]:
    return {"Authorization": f"Bearer {credentials.access_token}"}


def _length(text: str, url_weight: int) -> int:
    text = _REMOTE_MENTION.sub(r"\1", text)
    urls = _URL.findall(text)
    rest = _URL.sub("", text)
    return len(regex.findall(r"\X", rest)) + url_weight * len(urls)


def _url_weight(extra: Mapping[str, Any]) -> int:
    return _positive(extra.get("characters_reserved_per_url"), DEFAULT_URL_WEIGHT)


def _length_problems(content: Content, max_chars: int, url_weight: int) -> list[Problem]:
    """Each status of the thread as the instance counts it: the content warning is sent
    with every one of them and counts too."""
    spoiler = content.options.get("spoiler_text")
    spoiler_length = _length(spoiler, url_weight) if isinstance(spoiler, str) else 0
    problems = []
    for index, text in enumerate((content.text, *content.thread)):
        length = _length(text, url_weight) + spoiler_length
        if length > max_chars:
            what = "Text" if index == 0 else f"Thread item {index}"
            warning = " with the content warning" if spoiler_length else ""
            problems.append(
                Problem(
                    "text_too_long",
                    f"{what} is {length} characters{warning}; this Mastodon instance allows "
                    f"{max_chars}.",
                    "text" if index == 0 else f"thread[{index - 1}]",
                )
            )
    return problems


def _section(data: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    value = data.get(name)
    return value if isinstance(value, dict) else {}


def _raise_for_status(response: httpx.Response) -> None:
    """The shared mapping; Mastodon's reset header is an ISO 8601 time, not a number."""
    try:
        raise_for_platform_status(response)
    except ConnectorError as exc:
        if isinstance(exc, TransientError) and exc.retry_after is None:
            exc.retry_after = reset_seconds(response.headers)
        if exc.code and exc.code == exc.message:
            # {"error": "..."} carries a message, not a code.
            exc.code = f"http_{response.status_code}"
        raise


def reset_seconds(headers: Mapping[str, str], *, now: datetime | None = None) -> float | None:
    """Seconds until `X-RateLimit-Reset` (e.g. 2026-11-24T10:25:00.019685Z)."""
    value = httpx.Headers(headers).get("x-ratelimit-reset")
    if not value:
        return None
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


_Default = TypeVar("_Default", int, int | None)  # a limit, or no limit


def _positive(value: object, default: _Default) -> int | _Default:
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    return default


def _file_name(item: MediaItem) -> str:
    name = os.path.basename(urlsplit(item.url).path)
    return name or f"upload.{item.mime_type.partition('/')[2] or 'bin'}"


_unreadable = partial(unreadable, "Mastodon")
