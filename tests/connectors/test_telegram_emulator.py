"""Telegram connector against a Bot API emulator: the npm package telegram-test-api, with the
methods it lacks (getChat, file uploads, error answers) filled in by
tests/connectors/telegram_emulator/server.js. What the emulator stored is read back through
its client API, files by their hash. The exact requests are in test_telegram.py (respx).
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Iterator

import pytest

from accounts.models import SocialAccount
from connectors.base import ConnectorConfig, Content, Credentials, MediaItem
from connectors.errors import AuthExpired, PermanentError, RateLimited
from connectors.telegram import TelegramConnector
from tests.fileserver import FileServer, serving
from tests.media import files
from tests.real_servers import cannot_start, connect, publish_now
from tests.telegram_server import Emulator, emulator, unavailable

pytestmark = pytest.mark.slow
CHANNEL = -1001234567890  # the id server.js gives a channel looked up by @username


@pytest.fixture(scope="session")
def telegram() -> Iterator[Emulator]:
    reason = unavailable()
    if reason:
        cannot_start("The Telegram Bot API emulator", reason)
    with emulator() as running:
        yield running


@pytest.fixture
def connector(telegram, private_urls_allowed, settings) -> Iterator[TelegramConnector]:
    # CRIER_TELEGRAM_API_URL: this connector and Crier's own (through the API) use the emulator.
    emulated = {"api_url": telegram.url}
    settings.CRIER_CONNECTORS = {**settings.CRIER_CONNECTORS, "telegram": emulated}
    with TelegramConnector(timeout=30, config=ConnectorConfig(**emulated)) as connector:
        yield connector


@pytest.fixture
def token() -> str:
    """A bot of its own per test: the emulator keeps each bot's messages apart."""
    return f"{secrets.randbelow(10**9)}:AA{secrets.token_urlsafe(24)}"


@pytest.fixture(scope="module")
def media(tmp_path_factory) -> Iterator[FileServer]:
    folder = tmp_path_factory.mktemp("telegram-media")
    with serving(
        {
            "/cover.png": files.image_bytes("PNG"),
            "/beach.jpg": files.image_bytes("JPEG"),
            "/clip.mp4": files.video_bytes(folder / "clip.mp4", fps=10),
        }
    ) as server:
        yield server


def credentials(token: str) -> Credentials:
    return Credentials(external_id=str(CHANNEL), access_token=token, extra={"chat_id": CHANNEL})


def sha256(server: FileServer, path: str) -> str:
    return hashlib.sha256(server.files[path]).hexdigest()


def test_connect_reads_the_bot_and_the_channel(connector, telegram, token):
    found, profile = connector.connect({"bot_token": token, "chat_id": "@crier_news"})

    assert found.external_id == profile.external_id == str(CHANNEL)
    assert found.extra == {
        "chat_id": CHANNEL,
        "chat_type": "channel",
        "bot_username": "TestNameBot",
    }
    assert (profile.username, profile.display_name) == ("crier_news", "Channel @crier_news")


def test_a_text_post_reaches_the_chat_with_its_options(connector, telegram, token):
    published = connector.publish(
        Content(
            text="<b>Launch</b> today",
            idempotency_key="tg-1",
            options={"parse_mode": "HTML", "disable_notification": True},
        ),
        credentials(token),
    )

    (message,) = telegram.sent(token)
    assert message["text"] == "<b>Launch</b> today"
    assert (message["parse_mode"], message["disable_notification"]) == ("HTML", True)
    assert int(message["chat_id"]) == CHANNEL
    assert published.external_id == str(message["message_id"])


def test_a_photo_is_uploaded_with_its_caption(connector, telegram, token, media):
    published = connector.publish(
        Content(
            text="The cover",
            idempotency_key="tg-2",
            media=[MediaItem(url=media.url("/cover.png"), mime_type="image/png")],
        ),
        credentials(token),
    )

    (message,) = telegram.sent(token)
    assert message["caption"] == "The cover"
    assert int(message["chat_id"]) == CHANNEL
    (photo,) = message["photo"]
    assert photo["upload"] == {
        "filename": "cover.png",
        "mime_type": "image/png",
        "sha256": sha256(media, "/cover.png"),
    }
    assert published.external_id == str(message["message_id"])


def test_an_album_is_one_media_group_captioned_once_with_files_in_order(
    connector, telegram, token, media
):
    published = connector.publish(
        Content(
            text="*Trip*",
            idempotency_key="tg-3",
            options={"parse_mode": "MarkdownV2"},
            media=[
                MediaItem(url=media.url("/cover.png"), mime_type="image/png"),
                MediaItem(url=media.url("/beach.jpg"), mime_type="image/jpeg"),
                MediaItem(url=media.url("/clip.mp4"), mime_type="video/mp4", width=64, height=48),
            ],
        ),
        credentials(token),
    )

    messages = telegram.sent(token)
    assert [message["attached_as"] for message in messages] == ["file0", "file1", "file2"]
    assert len({message["media_group_id"] for message in messages}) == 1
    assert [(m.get("caption"), m.get("parse_mode")) for m in messages] == [
        ("*Trip*", "MarkdownV2"),
        (None, None),
        (None, None),
    ]
    uploads = [
        (kind, message[kind][0]["upload"])
        for message in messages
        for kind in ("photo", "video")
        if kind in message
    ]
    assert uploads == [
        (
            "photo",
            {
                "filename": "cover.png",
                "mime_type": "image/png",
                "sha256": sha256(media, "/cover.png"),
            },
        ),
        (
            "photo",
            {
                "filename": "beach.jpg",
                "mime_type": "image/jpeg",
                "sha256": sha256(media, "/beach.jpg"),
            },
        ),
        (
            "video",
            {
                "filename": "clip.mp4",
                "mime_type": "video/mp4",
                "sha256": sha256(media, "/clip.mp4"),
            },
        ),
    ]
    video = messages[2]
    assert (video["supports_streaming"], video["width"], video["height"]) == (True, 64, 48)
    assert published.external_id == str(messages[0]["message_id"])


def test_a_revoked_token_keeps_telegrams_refusal(connector, telegram, token):
    telegram.arm(token, 401, "Unauthorized")

    with pytest.raises(AuthExpired) as refused:
        connector.publish(Content(text="Hello", idempotency_key="tg-4"), credentials(token))

    assert refused.value.message == "Unauthorized"
    assert json.loads(refused.value.platform_response) == {
        "ok": False,
        "error_code": 401,
        "description": "Unauthorized",
    }
    assert telegram.sent(token) == []


def test_a_refused_token_at_connect_is_a_wrong_field(connector, telegram, token):
    telegram.arm(token, 401, "Unauthorized")

    with pytest.raises(PermanentError) as refused:
        connector.connect({"bot_token": token, "chat_id": "@crier_news"})

    assert not isinstance(refused.value, AuthExpired)
    assert refused.value.message == "Telegram refused the bot token (Unauthorized)."


def test_flood_control_waits_as_long_as_telegram_says(connector, telegram, token):
    telegram.arm(token, 429, "Too Many Requests: retry after 7", retry_after=7)

    with pytest.raises(RateLimited) as limited:
        connector.publish(Content(text="Hello", idempotency_key="tg-5"), credentials(token))

    assert limited.value.retry_after == 7
    assert telegram.sent(token) == []


def test_a_group_turned_supergroup_names_the_new_chat(connector, telegram, token):
    telegram.arm(
        token,
        400,
        "Bad Request: group chat was upgraded to a supergroup chat",
        migrate_to_chat_id=-1009876543210,
    )

    with pytest.raises(PermanentError) as refused:
        connector.publish(Content(text="Hello", idempotency_key="tg-6"), credentials(token))

    assert refused.value.message == (
        "Bad Request: group chat was upgraded to a supergroup chat (the group is now the "
        "supergroup -1009876543210: reconnect the account with that chat id)"
    )


@pytest.mark.django_db
def test_through_the_api_a_revoked_token_fails_the_delivery_with_telegrams_answer(
    connector, telegram, token, owner, eager_tasks, django_capture_on_commit_callbacks
):
    # connector: the fixture points Crier at the emulator for the whole test.
    account = connect(owner, "telegram", {"bot_token": token, "chat_id": "@crier_news"})
    on_commit = django_capture_on_commit_callbacks
    delivery = publish_now(owner, account, "telegram", "Hello channel", on_commit)
    (message,) = telegram.sent(token)
    assert (delivery.status, delivery.external_id) == ("published", str(message["message_id"]))
    assert message["text"] == "Hello channel"

    telegram.arm(token, 401, "Unauthorized")
    delivery = publish_now(owner, account, "telegram", "Too late", on_commit)

    # No refresh flow: the delivery keeps Telegram's answer, the account asks for a reconnect.
    assert (delivery.status, delivery.error_code) == ("failed", "needs_reauth")
    assert delivery.error_message == "The telegram account needs to be reconnected: Unauthorized"
    assert json.loads(delivery.error_response) == {
        "ok": False,
        "error_code": 401,
        "description": "Unauthorized",
    }
    assert len(telegram.sent(token)) == 1
    assert SocialAccount.objects.get(pk=account).status == "needs_reauth"
