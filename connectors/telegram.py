"""Telegram: a bot posts into a channel, group or chat through the Bot API.

API reference (read 2026-11):
- Bot API methods: https://core.telegram.org/bots/api#available-methods
  (getMe, getChat, sendMessage, sendPhoto, sendVideo, sendAnimation, sendMediaGroup)
- Making requests, the `{ok, error_code, description, parameters}` answer and
  ResponseParameters (`retry_after`, `migrate_to_chat_id`):
  https://core.telegram.org/bots/api#making-requests and
  https://core.telegram.org/bots/api#responseparameters
- Sending files (multipart upload, `attach://<name>`, size limits):
  https://core.telegram.org/bots/api#sending-files
- Rate limits: https://core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this
- Formatting (`parse_mode`): https://core.telegram.org/bots/api#formatting-options

An account is one chat seen through one bot: the bot token is the access token, the chat id
sits in `extra`. A publish downloads each file from Crier and uploads it (Telegram could
fetch URLs itself, but only public ones, with lower size limits), then makes exactly one
send call, the only one that posts. Telegram has no idempotency key and no way to look a
message up by ours, so the connector is not idempotent: an ambiguous failure of that call
becomes `unknown`. Bot tokens never expire and cannot be refreshed: a revoked token (401)
means reconnecting.
"""

from __future__ import annotations

import json
import logging
import mimetypes
import os
import re
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from functools import partial
from typing import IO, Any
from urllib.parse import urlsplit

import httpx

from connectors.base import (
    AccountProfile,
    Connector,
    ConnectorConfig,
    Content,
    Credentials,
    MediaItem,
    Option,
    PlatformLimits,
    Problem,
    Published,
    RateLimit,
)
from connectors.errors import (
    REDACTED,
    AuthExpired,
    ConnectorError,
    PermanentError,
    TransientError,
)
from connectors.http import download, json_object, raise_for_platform_status, send, unreadable

# A local Bot API server (https://github.com/tdlib/telegram-bot-api) may stand in for the
# public one, e.g. to lift the 50 MB upload limit.
DEFAULT_API_URL = "https://api.telegram.org"
MAX_ALBUM_ITEMS = 10  # sendMediaGroup: 2-10 items
IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/webp", "image/gif"})
# Telegram's error_code is the HTTP status; the status defaults (401 AuthExpired, 429
# RateLimited, other 4xx PermanentError, 5xx transient) cover the documented answers, so
# the table only pins the ones that must never drift.
ERRORS: dict[str, type[ConnectorError]] = {
    "400": PermanentError,  # "Bad Request: chat not found", "can't parse entities", ...
    "403": PermanentError,  # "Forbidden: bot is not a member of the channel chat", ...
    "401": AuthExpired,  # the token was revoked in @BotFather
}

# The token is part of every URL (https://api.telegram.org/bot<token>/<method>), and httpx
# logs URLs at INFO: hide it there.
_TOKEN_IN_PATH = re.compile(r"/bot\d+:[\w-]+")


class _BotTokenFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        hidden = _TOKEN_IN_PATH.sub(f"/bot{REDACTED}", message)
        if hidden != message:
            record.msg, record.args = hidden, None
        return True


_LOG_FILTER = _BotTokenFilter()
for _name in ("httpx", "httpcore"):
    logging.getLogger(_name).addFilter(_LOG_FILTER)


def api_url(config: ConnectorConfig) -> str:
    return (config.api_url or DEFAULT_API_URL).rstrip("/")


class TelegramConnector(Connector):
    platform = "telegram"
    display_name = "Telegram"
    connection = "token"
    connect_fields = ("bot_token", "chat_id")
    idempotent = False
    # Bot API: message text 1-4096 characters and captions 0-1024 after entity parsing (counted
    # in UTF-16 code units, as all entity offsets are); albums of 2-10 photos and videos.
    # Uploads: photos 10 MB, other files 50 MB. Videos: MPEG-4 ("other formats may be sent as
    # Document"). FAQ: about 1 message per second per chat, 20 per minute in a group, 30 per
    # second per bot overall. Sources: the Bot API and FAQ pages above; checked 2026-11.
    limits = PlatformLimits(
        max_chars=4096,
        caption_max_chars=1024,
        max_images=MAX_ALBUM_ITEMS,
        max_videos=MAX_ALBUM_ITEMS,
        allow_mixed_media=True,
        image_types=IMAGE_TYPES,
        video_types=frozenset({"video/mp4"}),
        max_image_bytes=10_000_000,
        max_video_bytes=50_000_000,
        per_account_rate=RateLimit(requests=20, per_seconds=60),
        per_platform_rate=RateLimit(requests=30, per_seconds=1),
    )
    options = (
        Option(
            name="parse_mode",
            kind=str,
            choices=("HTML", "MarkdownV2", "Markdown"),
            help="How Telegram reads markup in the text; plain text when absent.",
        ),
        Option(
            name="disable_notification",
            kind=bool,
            help="Deliver silently: subscribers get no sound.",
        ),
    )

    def text_length(self, text: str) -> int:
        return len(text.encode("utf-16-le")) // 2

    def validate(self, content: Content, credentials: Credentials | None = None) -> list[Problem]:
        problems = super().validate(content, credentials)
        if len(content.media) > MAX_ALBUM_ITEMS:
            problems.append(
                Problem(
                    "too_many_media",
                    f"{len(content.media)} files; a Telegram album holds {MAX_ALBUM_ITEMS}.",
                    "media",
                )
            )
        if len(content.media) > 1:
            for index, item in enumerate(content.media):
                if item.mime_type.lower() == "image/gif":
                    problems.append(
                        Problem(
                            "gif_in_album",
                            "Telegram sends a GIF as an animation, which cannot be part of "
                            "an album; post it alone.",
                            f"media[{index}]",
                        )
                    )
        return problems

    def publish(self, content: Content, credentials: Credentials) -> Published:
        chat_id = _chat_id(credentials)
        common: dict[str, Any] = {"chat_id": chat_id}
        if content.options.get("disable_notification"):
            common["disable_notification"] = True
        parse_mode = content.options.get("parse_mode")
        if not content.media:
            body = {**common, "text": content.text}
            if parse_mode:
                body["parse_mode"] = parse_mode
            result = self._call(credentials.access_token, "sendMessage", json=body)
            return _published(result)
        with ExitStack() as files:
            # Downloads first: they cannot post anything, and the send below is the one call
            # that does.
            opened = [(item, files.enter_context(self._download(item))) for item in content.media]
            if len(opened) == 1:
                item, file = opened[0]
                method, field = _single_method(item)
                form = {**common, **_media_fields(item)}
                if content.text:
                    form["caption"] = content.text
                    if parse_mode:
                        form["parse_mode"] = parse_mode
                result = self._call(
                    credentials.access_token,
                    method,
                    data=_form(form),
                    files={field: (_filename(item, 0), file, item.mime_type)},
                )
                return _published(result)
            album = []
            upload: dict[str, tuple[str, IO[bytes], str]] = {}
            for index, (item, file) in enumerate(opened):
                name = f"file{index}"
                entry: dict[str, Any] = {
                    "type": "video" if item.kind == "video" else "photo",
                    "media": f"attach://{name}",
                    **_media_fields(item),
                }
                if index == 0 and content.text:
                    # One caption, on the first item, shows under the whole album.
                    entry["caption"] = content.text
                    if parse_mode:
                        entry["parse_mode"] = parse_mode
                album.append(entry)
                upload[name] = (_filename(item, index), file, item.mime_type)
            result = self._call(
                credentials.access_token,
                "sendMediaGroup",
                data=_form({**common, "media": album}),
                files=upload,
            )
            return _published(result)

    def connect(self, fields: Mapping[str, str]) -> tuple[Credentials, AccountProfile]:
        token = fields["bot_token"].strip()
        wanted = fields["chat_id"].strip()
        with _token_refusal_is_permanent():
            bot = self._call(token, "getMe", json={})
            chat = self._call(token, "getChat", json={"chat_id": _chat_ref(wanted)})
        if not isinstance(bot, dict) or not isinstance(chat, dict) or "id" not in chat:
            raise PermanentError("Telegram answered getMe/getChat without the expected fields.")
        chat_id = chat["id"]
        name = (
            chat.get("title")
            or " ".join(filter(None, (chat.get("first_name"), chat.get("last_name"))))
            or str(chat_id)
        )
        credentials = Credentials(
            external_id=str(chat_id),
            access_token=token,
            extra={
                "chat_id": chat_id,
                "chat_type": str(chat.get("type") or ""),
                "bot_username": str(bot.get("username") or ""),
            },
        )
        return credentials, AccountProfile(
            external_id=str(chat_id),
            username=str(chat.get("username") or ""),
            display_name=str(name),
        )

    def _download(self, item: MediaItem) -> IO[bytes]:
        limit = self.limits.max_video_bytes if item.kind == "video" else self.limits.max_image_bytes
        return download(self.client, item.url, max_bytes=limit)

    def _call(self, token: str, method: str, **kwargs: Any) -> Any:
        response = send(
            self.client, "POST", f"{api_url(self.config)}/bot{token}/{method}", **kwargs
        )
        _raise_for_status(response)
        data = json_object(response)
        if data.get("ok") is not True or "result" not in data:
            raise _unreadable(response, "an answer without ok and result")
        return data["result"]


def _raise_for_status(response: httpx.Response) -> None:
    """The shared mapping, plus Telegram's `parameters`: retry_after, migrate_to_chat_id."""
    if response.is_success:
        return
    parameters = json_object(response).get("parameters")
    parameters = parameters if isinstance(parameters, dict) else {}
    try:
        raise_for_platform_status(response, error_table=ERRORS)
    except TransientError as exc:
        # Telegram puts the wait in the body, not in a Retry-After header.
        retry_after = parameters.get("retry_after")
        if exc.retry_after is None and isinstance(retry_after, (int, float)):
            exc.retry_after = float(retry_after)
        raise
    except PermanentError as exc:
        new_chat = parameters.get("migrate_to_chat_id")
        if new_chat is None:
            raise
        raise PermanentError(
            f"{exc.message} (the group is now the supergroup {new_chat}: reconnect the "
            "account with that chat id)",
            code=exc.code,
            platform_response=exc.platform_response,
            status=exc.status,
        ) from None


@contextmanager
def _token_refusal_is_permanent() -> Iterator[None]:
    """While connecting, a refused token is a wrong field (a 422), not an expired account."""
    try:
        yield
    except AuthExpired as exc:
        raise PermanentError(
            f"Telegram refused the bot token ({exc.message}).",
            code=exc.code,
            platform_response=exc.platform_response,
            status=exc.status,
        ) from exc


def _chat_id(credentials: Credentials) -> int | str:
    chat = credentials.extra.get("chat_id", credentials.external_id)
    return _chat_ref(str(chat))


def _chat_ref(value: str) -> int | str:
    """A numeric chat id as a number, a public @username as given."""
    try:
        return int(value)
    except ValueError:
        return value


def _single_method(item: MediaItem) -> tuple[str, str]:
    if item.kind == "video":
        return "sendVideo", "video"
    if item.mime_type.lower() == "image/gif":
        return "sendAnimation", "animation"  # sendPhoto would keep only the first frame
    return "sendPhoto", "photo"


def _media_fields(item: MediaItem) -> dict[str, Any]:
    if item.kind != "video":
        return {}
    fields: dict[str, Any] = {"supports_streaming": True}
    for name in ("width", "height", "duration"):
        value = getattr(item, name)
        if value is not None:
            fields[name] = round(value)
    return fields


def _form(fields: Mapping[str, Any]) -> dict[str, str]:
    """Multipart fields are strings: JSON for lists and booleans, as the Bot API reads them."""
    return {
        name: value if isinstance(value, str) else json.dumps(value)
        for name, value in fields.items()
    }


def _filename(item: MediaItem, index: int) -> str:
    name = os.path.basename(urlsplit(item.url).path)
    if name and "." in name:
        return name
    extension = mimetypes.guess_extension(item.mime_type) or ""
    return f"file{index}{extension}"


def _published(result: Any) -> Published:
    message = result[0] if isinstance(result, list) and result else result
    if not isinstance(message, dict) or "message_id" not in message:
        raise TransientError(
            "Telegram answered ok without a message id.",
            ambiguous=True,
            code="malformed_response",
            platform_response=json.dumps(result)[:1000],
        )
    message_id = message["message_id"]
    return Published(
        state="published", external_id=str(message_id), url=_message_url(message, message_id)
    )


def _message_url(message: Mapping[str, Any], message_id: Any) -> str | None:
    """t.me links exist for public chats (by username) and for channels and supergroups."""
    chat = message.get("chat")
    if not isinstance(chat, dict):
        return None
    if chat.get("username"):
        return f"https://t.me/{chat['username']}/{message_id}"
    chat_id = str(chat.get("id", ""))
    if chat.get("type") in ("channel", "supergroup") and chat_id.startswith("-100"):
        return f"https://t.me/c/{chat_id.removeprefix('-100')}/{message_id}"
    return None


_unreadable = partial(unreadable, "Telegram")
