"""Telegram connector: exact Bot API requests and error mapping, against respx.

Exchanges follow https://core.telegram.org/bots/api (methods, ResponseParameters, sending
files), as cited in connectors/telegram.py.
"""

from __future__ import annotations

import json
import logging
from email.parser import BytesParser
from email.policy import default as default_policy

import httpx
import pytest

from connectors.base import ConnectorConfig, Content, Credentials, MediaItem, Published
from connectors.errors import (
    AuthExpired,
    PermanentError,
    RateLimited,
    RefreshRefused,
    TransientError,
)
from connectors.registry import connector_class
from connectors.telegram import TelegramConnector

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
API = f"https://api.telegram.org/bot{TOKEN}"
CHANNEL = -1001234567890
PHOTO_URL = "https://crier.test/media/sunset.jpg"
SECOND_PHOTO_URL = "https://crier.test/media/beach.png"
VIDEO_URL = "https://crier.test/media/clip"
GIF_URL = "https://crier.test/media/dance.gif"


@pytest.fixture
def connector():
    with TelegramConnector(timeout=5) as connector:
        yield connector


@pytest.fixture
def credentials() -> Credentials:
    return Credentials(
        external_id=str(CHANNEL),
        access_token=TOKEN,
        extra={"chat_id": CHANNEL, "chat_type": "channel"},
    )


def message(message_id: int = 42, **chat: object) -> dict:
    chat = chat or {"id": CHANNEL, "type": "channel", "title": "Crier news", "username": "crier"}
    return {"message_id": message_id, "date": 1790000000, "chat": chat}


def ok(result: object) -> dict:
    return {"ok": True, "result": result}


def form(request: httpx.Request) -> dict[str, tuple[str | None, str, bytes]]:
    """A multipart body as {field: (filename, content type, bytes)}."""
    head = f"Content-Type: {request.headers['content-type']}\r\n\r\n".encode()
    parsed = BytesParser(policy=default_policy).parsebytes(head + request.content)
    return {
        part.get_param("name", header="content-disposition"): (
            part.get_filename(),
            part.get_content_type(),
            part.get_payload(decode=True),
        )
        for part in parsed.iter_parts()
    }


def fields(request: httpx.Request) -> dict[str, str]:
    return {
        name: value.decode() for name, (filename, _, value) in form(request).items() if not filename
    }


def test_registry_entry_is_the_telegram_connector():
    cls = connector_class("telegram")

    assert cls is TelegramConnector
    assert cls.platform == "telegram"
    assert cls.limits.max_chars == 4096
    assert cls.limits.caption_max_chars == 1024
    assert cls.idempotent is False
    assert cls.connection == "token"
    assert cls.connect_fields == ("bot_token", "chat_id")


# --- publishing


def test_text_post_calls_send_message_with_the_chat_and_text(connector, credentials, respx_mock):
    route = respx_mock.post(f"{API}/sendMessage").respond(200, json=ok(message()))

    published = connector.publish(
        Content(text="Hello <b>world</b>", idempotency_key="d-1"), credentials
    )

    request = route.calls.last.request
    assert json.loads(request.content) == {"chat_id": CHANNEL, "text": "Hello <b>world</b>"}
    assert "authorization" not in request.headers  # the token travels in the path
    assert published == Published(state="published", external_id="42", url="https://t.me/crier/42")


def test_text_post_sends_parse_mode_and_silent_delivery(connector, credentials, respx_mock):
    route = respx_mock.post(f"{API}/sendMessage").respond(200, json=ok(message()))

    connector.publish(
        Content(
            text="*bold*",
            idempotency_key="d-1",
            options={"parse_mode": "MarkdownV2", "disable_notification": True},
        ),
        credentials,
    )

    assert json.loads(route.calls.last.request.content) == {
        "chat_id": CHANNEL,
        "text": "*bold*",
        "parse_mode": "MarkdownV2",
        "disable_notification": True,
    }


def test_one_photo_is_downloaded_and_uploaded_with_send_photo(connector, credentials, respx_mock):
    respx_mock.get(PHOTO_URL).respond(200, content=b"jpeg-bytes")
    route = respx_mock.post(f"{API}/sendPhoto").respond(200, json=ok(message(7)))

    published = connector.publish(
        Content(
            text="Sunset",
            idempotency_key="d-1",
            media=(MediaItem(url=PHOTO_URL, mime_type="image/jpeg", alt_text="ignored"),),
            options={"parse_mode": "HTML"},
        ),
        credentials,
    )

    body = form(route.calls.last.request)
    assert body["photo"] == ("sunset.jpg", "image/jpeg", b"jpeg-bytes")
    assert fields(route.calls.last.request) == {
        "chat_id": str(CHANNEL),
        "caption": "Sunset",
        "parse_mode": "HTML",
    }
    assert published.external_id == "7"


def test_one_video_goes_through_send_video_with_its_measurements(
    connector, credentials, respx_mock
):
    respx_mock.get(VIDEO_URL).respond(200, content=b"mp4-bytes")
    route = respx_mock.post(f"{API}/sendVideo").respond(200, json=ok(message(8)))

    connector.publish(
        Content(
            text="",
            idempotency_key="d-1",
            media=(
                MediaItem(
                    url=VIDEO_URL, mime_type="video/mp4", width=1080, height=1920, duration=12.6
                ),
            ),
            options={"disable_notification": True},
        ),
        credentials,
    )

    request = route.calls.last.request
    assert form(request)["video"] == ("file0.mp4", "video/mp4", b"mp4-bytes")
    assert fields(request) == {
        "chat_id": str(CHANNEL),
        "disable_notification": "true",
        "supports_streaming": "true",
        "width": "1080",
        "height": "1920",
        "duration": "13",
    }


def test_a_gif_is_sent_as_an_animation(connector, credentials, respx_mock):
    respx_mock.get(GIF_URL).respond(200, content=b"gif-bytes")
    route = respx_mock.post(f"{API}/sendAnimation").respond(200, json=ok(message(9)))

    connector.publish(
        Content(
            text="Dance",
            idempotency_key="d-1",
            media=(MediaItem(url=GIF_URL, mime_type="image/gif"),),
        ),
        credentials,
    )

    assert form(route.calls.last.request)["animation"] == ("dance.gif", "image/gif", b"gif-bytes")


def test_several_files_become_one_album_with_the_caption_on_the_first(
    connector, credentials, respx_mock
):
    respx_mock.get(PHOTO_URL).respond(200, content=b"one")
    respx_mock.get(SECOND_PHOTO_URL).respond(200, content=b"two")
    respx_mock.get(VIDEO_URL).respond(200, content=b"three")
    route = respx_mock.post(f"{API}/sendMediaGroup").respond(
        200, json=ok([message(20), message(21), message(22)])
    )

    published = connector.publish(
        Content(
            text="<i>Trip</i>",
            idempotency_key="d-1",
            media=(
                MediaItem(url=PHOTO_URL, mime_type="image/jpeg"),
                MediaItem(url=SECOND_PHOTO_URL, mime_type="image/png"),
                MediaItem(url=VIDEO_URL, mime_type="video/mp4", duration=3.0),
            ),
            options={"parse_mode": "HTML"},
        ),
        credentials,
    )

    request = route.calls.last.request
    body = form(request)
    assert body["file0"] == ("sunset.jpg", "image/jpeg", b"one")
    assert body["file1"] == ("beach.png", "image/png", b"two")
    assert body["file2"] == ("file2.mp4", "video/mp4", b"three")
    sent = fields(request)
    assert sent["chat_id"] == str(CHANNEL)
    assert json.loads(sent["media"]) == [
        {
            "type": "photo",
            "media": "attach://file0",
            "caption": "<i>Trip</i>",
            "parse_mode": "HTML",
        },
        {"type": "photo", "media": "attach://file1"},
        {
            "type": "video",
            "media": "attach://file2",
            "supports_streaming": True,
            "duration": 3,
        },
    ]
    assert published == Published(state="published", external_id="20", url="https://t.me/crier/20")


@pytest.mark.parametrize(
    ("chat", "url"),
    [
        ({"id": CHANNEL, "type": "channel", "title": "Private"}, "https://t.me/c/1234567890/42"),
        ({"id": -1009876, "type": "supergroup", "title": "Team"}, "https://t.me/c/9876/42"),
        ({"id": -4567, "type": "group", "title": "Old group"}, None),
        ({"id": 777, "type": "private", "first_name": "Ann"}, None),
    ],
)
def test_message_links_exist_only_where_telegram_has_them(
    connector, credentials, respx_mock, chat, url
):
    respx_mock.post(f"{API}/sendMessage").respond(200, json=ok(message(42, **chat)))

    published = connector.publish(Content(text="hi", idempotency_key="d-1"), credentials)

    assert published.url == url


def test_a_failed_download_sends_nothing_and_is_not_ambiguous(connector, credentials, respx_mock):
    respx_mock.get(PHOTO_URL).respond(503)
    route = respx_mock.post(f"{API}/sendPhoto").respond(200, json=ok(message()))

    with pytest.raises(TransientError) as caught:
        connector.publish(
            Content(
                text="x",
                idempotency_key="d-1",
                media=(MediaItem(url=PHOTO_URL, mime_type="image/jpeg"),),
            ),
            credentials,
        )

    assert caught.value.ambiguous is False
    assert not route.called


# --- errors


def test_maps_429_to_rate_limited_with_retry_after_from_the_body(
    connector, credentials, respx_mock
):
    respx_mock.post(f"{API}/sendMessage").respond(
        429,
        json={
            "ok": False,
            "error_code": 429,
            "description": "Too Many Requests: retry after 35",
            "parameters": {"retry_after": 35},
        },
    )

    with pytest.raises(RateLimited) as caught:
        connector.publish(Content(text="hi", idempotency_key="d-1"), credentials)

    assert caught.value.retry_after == 35
    assert caught.value.ambiguous is False
    assert caught.value.message == "Too Many Requests: retry after 35"


def test_maps_401_to_auth_expired_so_the_account_is_reconnected(connector, credentials, respx_mock):
    respx_mock.post(f"{API}/sendMessage").respond(
        401, json={"ok": False, "error_code": 401, "description": "Unauthorized"}
    )

    with pytest.raises(AuthExpired) as caught:
        connector.publish(Content(text="hi", idempotency_key="d-1"), credentials)

    assert not isinstance(caught.value, RefreshRefused)
    with pytest.raises(RefreshRefused):
        connector.refresh(credentials)


@pytest.mark.parametrize(
    ("status", "description"),
    [
        (
            400,
            "Bad Request: can't parse entities: "
            "Can't find end of the entity starting at byte offset 5",
        ),
        (400, "Bad Request: chat not found"),
        (400, "Bad Request: message is too long"),
        (403, "Forbidden: bot is not a member of the channel chat"),
        (403, "Forbidden: bot was kicked from the supergroup chat"),
        (413, "Request Entity Too Large"),
    ],
)
def test_validation_and_permission_errors_are_permanent_with_telegram_words(
    connector, credentials, respx_mock, status, description
):
    respx_mock.post(f"{API}/sendMessage").respond(
        status, json={"ok": False, "error_code": status, "description": description}
    )

    with pytest.raises(PermanentError) as caught:
        connector.publish(Content(text="hi", idempotency_key="d-1"), credentials)

    assert caught.value.message == description
    assert caught.value.status == status
    assert not isinstance(caught.value, AuthExpired)


def test_an_upgraded_group_names_the_new_chat_id(connector, credentials, respx_mock):
    respx_mock.post(f"{API}/sendMessage").respond(
        400,
        json={
            "ok": False,
            "error_code": 400,
            "description": "Bad Request: group chat was upgraded to a supergroup chat",
            "parameters": {"migrate_to_chat_id": -1001112223334},
        },
    )

    with pytest.raises(PermanentError) as caught:
        connector.publish(Content(text="hi", idempotency_key="d-1"), credentials)

    assert "-1001112223334" in caught.value.message
    assert caught.value.message.startswith("Bad Request: group chat was upgraded")


@pytest.mark.parametrize(("status", "ambiguous"), [(500, True), (502, True), (503, False)])
def test_server_errors_are_transient_and_ambiguous_unless_unavailable(
    connector, credentials, respx_mock, status, ambiguous
):
    respx_mock.post(f"{API}/sendMessage").respond(
        status, json={"ok": False, "error_code": status, "description": "Bad Gateway"}
    )

    with pytest.raises(TransientError) as caught:
        connector.publish(Content(text="hi", idempotency_key="d-1"), credentials)

    assert caught.value.ambiguous is ambiguous


def test_a_read_timeout_on_the_send_is_ambiguous(connector, credentials, respx_mock):
    respx_mock.post(f"{API}/sendMessage").mock(side_effect=httpx.ReadTimeout("slow"))

    with pytest.raises(TransientError) as caught:
        connector.publish(Content(text="hi", idempotency_key="d-1"), credentials)

    assert caught.value.ambiguous is True


def test_an_ok_answer_without_a_message_is_ambiguous(connector, credentials, respx_mock):
    respx_mock.post(f"{API}/sendMessage").respond(200, json={"ok": True, "result": True})

    with pytest.raises(TransientError) as caught:
        connector.publish(Content(text="hi", idempotency_key="d-1"), credentials)

    assert caught.value.ambiguous is True
    assert caught.value.code == "malformed_response"


def test_the_bot_token_never_reaches_the_logs(connector, credentials, respx_mock, caplog):
    respx_mock.post(f"{API}/sendMessage").respond(200, json=ok(message()))

    with caplog.at_level(logging.INFO, logger="httpx"):
        connector.publish(Content(text="hi", idempotency_key="d-1"), credentials)

    assert "sendMessage" in caplog.text
    assert TOKEN not in caplog.text
    assert TOKEN.split(":")[1] not in caplog.text


# --- validation


def content(text: str = "hi", media: tuple[MediaItem, ...] = (), **options) -> Content:
    return Content(text=text, idempotency_key="d-1", media=media, options=options)


def codes(connector: TelegramConnector, item: Content) -> list[str]:
    return [problem.code for problem in connector.validate(item)]


def test_text_counts_utf16_units_up_to_4096(connector):
    assert codes(connector, content("a" * 4096)) == []
    assert codes(connector, content("a" * 4097)) == ["text_too_long"]
    # An emoji outside the BMP is two UTF-16 units, as Telegram counts it.
    assert connector.text_length("👍") == 2
    assert codes(connector, content("👍" * 2049)) == ["text_too_long"]


def test_captions_with_media_stop_at_1024(connector):
    photo = (MediaItem(url=PHOTO_URL, mime_type="image/jpeg"),)

    assert codes(connector, content("a" * 1024, photo)) == []
    assert codes(connector, content("a" * 1025, photo)) == ["caption_too_long"]


def test_an_album_holds_at_most_ten_files(connector):
    photos = tuple(MediaItem(url=f"{PHOTO_URL}?{n}", mime_type="image/jpeg") for n in range(6))
    videos = tuple(MediaItem(url=f"{VIDEO_URL}?{n}", mime_type="video/mp4") for n in range(5))

    assert codes(connector, content("x", photos + videos[:4])) == []
    assert codes(connector, content("x", photos + videos)) == ["too_many_media"]


def test_a_gif_cannot_join_an_album(connector):
    media = (
        MediaItem(url=GIF_URL, mime_type="image/gif"),
        MediaItem(url=PHOTO_URL, mime_type="image/jpeg"),
    )

    assert codes(connector, content("x", media)) == ["gif_in_album"]


@pytest.mark.parametrize(
    ("item", "code"),
    [
        (MediaItem(url=VIDEO_URL, mime_type="video/quicktime"), "unsupported_media_type"),
        (MediaItem(url=PHOTO_URL, mime_type="image/jpeg", size=10_000_001), "media_too_large"),
        (MediaItem(url=VIDEO_URL, mime_type="video/mp4", size=50_000_001), "media_too_large"),
    ],
)
def test_media_types_and_upload_sizes_are_checked(connector, item, code):
    assert codes(connector, content("x", (item,))) == [code]


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"parse_mode": "HTML", "disable_notification": False}, []),
        ({"parse_mode": "BBCode"}, ["option_choice"]),
        ({"disable_notification": "yes"}, ["option_type"]),
        ({"silent": True}, ["unknown_option"]),
    ],
)
def test_options_are_validated(connector, options, expected):
    assert codes(connector, content("x", **options)) == expected


def test_threads_are_refused(connector):
    item = Content(text="x", idempotency_key="d-1", thread=("more",))

    assert codes(connector, item) == ["threads_unsupported"]


# --- connecting


def test_connect_checks_the_token_and_resolves_the_chat(connector, respx_mock):
    me = respx_mock.post(f"{API}/getMe").respond(
        200,
        json=ok({"id": 123456789, "is_bot": True, "first_name": "Crier", "username": "crier_bot"}),
    )
    chat = respx_mock.post(f"{API}/getChat").respond(
        200,
        json=ok({"id": CHANNEL, "type": "channel", "title": "Crier news", "username": "crier"}),
    )

    credentials, profile = connector.connect({"bot_token": f" {TOKEN} ", "chat_id": "@crier"})

    assert me.called
    assert json.loads(chat.calls.last.request.content) == {"chat_id": "@crier"}
    assert credentials.external_id == str(CHANNEL)
    assert credentials.access_token == TOKEN
    assert credentials.refresh_token is None
    assert dict(credentials.extra) == {
        "chat_id": CHANNEL,
        "chat_type": "channel",
        "bot_username": "crier_bot",
    }
    assert profile.external_id == str(CHANNEL)
    assert profile.username == "crier"
    assert profile.display_name == "Crier news"


def test_connect_sends_a_numeric_chat_id_as_a_number(connector, respx_mock):
    respx_mock.post(f"{API}/getMe").respond(200, json=ok({"id": 1, "is_bot": True}))
    chat = respx_mock.post(f"{API}/getChat").respond(
        200, json=ok({"id": 777, "type": "private", "first_name": "Ann", "last_name": "Lee"})
    )

    _, profile = connector.connect({"bot_token": TOKEN, "chat_id": "777"})

    assert json.loads(chat.calls.last.request.content) == {"chat_id": 777}
    assert profile.display_name == "Ann Lee"


def test_connect_with_a_wrong_token_is_permanent_with_telegram_reason(connector, respx_mock):
    respx_mock.post(f"{API}/getMe").respond(
        401, json={"ok": False, "error_code": 401, "description": "Unauthorized"}
    )

    with pytest.raises(PermanentError) as caught:
        connector.connect({"bot_token": TOKEN, "chat_id": "@crier"})

    assert not isinstance(caught.value, AuthExpired)
    assert caught.value.message == "Telegram refused the bot token (Unauthorized)."


def test_connect_to_an_unknown_chat_is_permanent(connector, respx_mock):
    respx_mock.post(f"{API}/getMe").respond(200, json=ok({"id": 1, "is_bot": True}))
    respx_mock.post(f"{API}/getChat").respond(
        400, json={"ok": False, "error_code": 400, "description": "Bad Request: chat not found"}
    )

    with pytest.raises(PermanentError, match="chat not found"):
        connector.connect({"bot_token": TOKEN, "chat_id": "@nobody"})


def test_a_local_bot_api_server_can_be_configured(credentials, respx_mock):
    route = respx_mock.post(f"http://bot-api.internal:8081/bot{TOKEN}/sendMessage").respond(
        200, json=ok(message())
    )
    local = ConnectorConfig(api_url="http://bot-api.internal:8081/")

    with TelegramConnector(config=local) as connector:
        connector.publish(Content(text="hi", idempotency_key="d-1"), credentials)

    assert route.called
