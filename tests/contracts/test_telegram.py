"""Telegram connector against the Bot API as the npm package `@grammyjs/types` declares it
(bot_api.py), installed by `npm ci` in tests/contracts/npm (pinned by its
package-lock.json; .ci/run runs it).

Telegram has no threads, metrics, polling or token refresh, and a bot token has no
scopes: connect (getMe, getChat) and publish of each media kind are its operations.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest

from connectors import telegram
from connectors.base import Content, Credentials, MediaItem
from connectors.telegram import TelegramConnector
from tests.contracts.bot_api import BotApi
from tests.contracts.openapi import NPM, call_problems, description_missing
from tests.platforms import TELEGRAM, TELEGRAM_API, TELEGRAM_CHANNEL, TELEGRAM_TOKEN

PACKAGE = NPM / "node_modules" / "@grammyjs" / "types"
if not (PACKAGE / "methods.d.ts").is_file():
    description_missing(f"{PACKAGE} is not here", installed_in_ci=True)
CONTRACT = BotApi(PACKAGE, base=telegram.DEFAULT_API_URL)
MEDIA = "https://media.crier.test"
CHAT = {"id": TELEGRAM_CHANNEL, "type": "channel", "title": "Crier news", "username": "crier"}
MESSAGE = {"message_id": 42, "date": 1790000000, "chat": CHAT}
EVERY_OPTION = {"parse_mode": "HTML", "disable_notification": True}


@pytest.fixture
def connector() -> Iterator[TelegramConnector]:
    with TelegramConnector(timeout=5) as connector:
        yield connector


@pytest.fixture
def credentials() -> Credentials:
    return Credentials(external_id=TELEGRAM.external_id, **TELEGRAM.credentials)


def answers(respx_mock, method: str, result) -> None:
    respx_mock.post(f"{TELEGRAM_API}/{method}").respond(200, json={"ok": True, "result": result})


# --- the operations ------------------------------------------------------------------------


def connect(connector, respx_mock, credentials):
    answers(respx_mock, "getMe", {"id": 123456789, "is_bot": True, "username": "crier_bot"})
    answers(respx_mock, "getChat", CHAT)
    connector.connect({"bot_token": TELEGRAM_TOKEN, "chat_id": "@crier"})


def publish_text(connector, respx_mock, credentials):
    answers(respx_mock, "sendMessage", MESSAGE)
    post = Content(text="Launch <b>day</b>", idempotency_key="d-1", options=EVERY_OPTION)
    connector.publish(post, credentials)


MIME = {"png": "image/png", "gif": "image/gif", "mp4": "video/mp4"}


def publish_media(method: str, *names: str):
    def publish(connector, respx_mock, credentials):
        items = []
        for name in names:
            respx_mock.get(f"{MEDIA}/{name}").respond(200, content=b"\0" * 64)
            size = {"width": 640, "height": 360, "duration": 9.6} if name.endswith("mp4") else {}
            items.append(MediaItem(url=f"{MEDIA}/{name}", mime_type=MIME[name[-3:]], **size))
        answers(respx_mock, method, [MESSAGE] if method == "sendMediaGroup" else MESSAGE)
        post = Content(
            text="Launch", idempotency_key="d-1", media=tuple(items), options=EVERY_OPTION
        )
        assert connector.publish(post, credentials).state == "published"

    return publish


OPERATIONS = {
    "connect": connect,
    "publish_text": publish_text,
    "publish_photo": publish_media("sendPhoto", "a.png"),
    "publish_gif": publish_media("sendAnimation", "a.gif"),
    "publish_video": publish_media("sendVideo", "v.mp4"),
    "publish_album": publish_media("sendMediaGroup", "a.png", "b.png", "v.mp4"),
}


@pytest.mark.parametrize("operation", OPERATIONS.values(), ids=OPERATIONS.keys())
def test_every_request_is_one_the_declarations_describe(
    operation, connector, respx_mock, credentials
):
    operation(connector, respx_mock, credentials)

    assert call_problems(CONTRACT, respx_mock.calls, set()) == []


def _range(method: str, member: str) -> tuple[int, int]:
    """The `A-B` range Telegram's description of a member states (characters, items)."""
    found = re.search(r"(\d+)-(\d+) (?:characters|items)", CONTRACT.comment(method, member))
    assert found is not None, CONTRACT.comment(method, member)
    return int(found.group(1)), int(found.group(2))


def test_limits_agree_with_the_declarations():
    limits = TelegramConnector.limits
    photo = CONTRACT.comment("sendPhoto", "photo")
    (parse_mode,) = (o for o in TelegramConnector.options if o.name == "parse_mode")

    assert _range("sendMessage", "text")[1] == limits.max_chars
    assert _range("sendPhoto", "caption")[1] == limits.caption_max_chars
    assert _range("sendVideo", "caption")[1] == limits.caption_max_chars
    assert _range("sendMediaGroup", "media") == (2, telegram.MAX_ALBUM_ITEMS)
    assert "at most 10 MB" in photo and limits.max_image_bytes == 10_000_000
    assert set(parse_mode.choices) == {
        kind.strip('"') for kind in CONTRACT.declaration("ParseMode").split(" | ")
    }


def multipart(method: str, data: dict, files: dict) -> httpx.Request:
    return httpx.Request("POST", f"{TELEGRAM_API}/{method}", data=data, files=files)


PNG = ("a.png", b"\0", "image/png")
SILENT_AS_WORD = {"chat_id": "1", "photo": "x", "disable_notification": "yes"}
ALT_IN_ALBUM = {"chat_id": "1", "media": '[{"type": "photo", "media": "attach://f0", "alt": "a"}]'}


@pytest.mark.parametrize(
    ("request_", "complaint"),
    [
        (httpx.Request("POST", f"{TELEGRAM_API}/sendPost", json={}), "no such Bot API method"),
        (httpx.Request("GET", f"{TELEGRAM_API}/getMe"), "no such Bot API method"),
        (httpx.Request("POST", f"{TELEGRAM_API}/sendMessage", json={"chat_id": 1}), "'text' miss"),
        (
            httpx.Request("POST", f"{TELEGRAM_API}/sendMessage", json={"chat_id": 1, "text": 2}),
            "2 is not string",
        ),
        (
            httpx.Request(
                "POST",
                f"{TELEGRAM_API}/sendMessage",
                json={"chat_id": 1, "text": "a", "parse_mode": "html"},
            ),
            '\'html\' is not "Markdown" | "MarkdownV2" | "HTML"',
        ),
        (
            httpx.Request(
                "POST", f"{TELEGRAM_API}/sendMessage", json={"chat_id": 1, "text": "a", "silent": 1}
            ),
            "'silent' is not a parameter of sendMessage",
        ),
        (multipart("sendPhoto", {"chat_id": "1"}, {"image": PNG}), "file part 'image' is not used"),
        (
            multipart(
                "sendPhoto", {"chat_id": "1", "photo": "x", "disable_notification": "yes"}, {}
            ),
            "is not boolean",
        ),
        (
            multipart(
                "sendMediaGroup",
                {"chat_id": "1", "media": '[{"type": "photo", "media": "attach://f9"}]'},
                {"f0": PNG},
            ),
            "file part 'f0' is not used",
        ),
        (
            multipart(
                "sendMediaGroup",
                {
                    "chat_id": "1",
                    "media": '[{"type": "photo", "media": "attach://f0", "alt": "a"}]',
                },
                {"f0": PNG},
            ),
            "media[0].alt: not a member of InputMediaPhoto<F>",
        ),
    ],
)
def test_the_check_reports_what_the_declarations_do_not_allow(request_, complaint):
    problems = CONTRACT.problems(request_)

    assert any(complaint in problem for problem in problems), problems
