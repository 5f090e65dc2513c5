"""Instagram connector against the table written from Meta's Instagram Platform
documentation (tests/contracts/tables/instagram.py, checked by doc_table.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest

from connectors import instagram
from connectors.base import ConnectorConfig, Content, Credentials, MediaItem
from connectors.instagram import InstagramConnector, caption_digest
from tests.contracts.doc_table import DocTable, asked_scopes, authorize_problems, crier_app
from tests.contracts.openapi import call_problems
from tests.contracts.tables import instagram as table
from tests.platforms import (
    INSTAGRAM,
    INSTAGRAM_BASE,
    INSTAGRAM_CONTAINER,
    INSTAGRAM_MEDIA_ID,
    INSTAGRAM_PERMALINK,
    INSTAGRAM_USER,
    instagram_quota_route,
    instagram_status,
)

CONTRACT = DocTable("Instagram", table.ENDPOINTS, table.HOSTS)
MEDIA = "https://media.crier.test"
APP = crier_app("instagram")


@pytest.fixture
def connector() -> Iterator[InstagramConnector]:
    config = ConnectorConfig(client_id=APP.client_id, client_secret=APP.client_secret)
    with InstagramConnector(timeout=5, config=config) as connector:
        yield connector


@pytest.fixture
def credentials() -> Credentials:
    return Credentials(external_id=INSTAGRAM.external_id, **INSTAGRAM.credentials)


# --- the operations ------------------------------------------------------------------------


def connect(connector, respx_mock, credentials):
    respx_mock.post("https://api.instagram.com/oauth/access_token").respond(
        200, json={"access_token": "IGAA-short", "user_id": INSTAGRAM_USER}
    )
    respx_mock.get("https://graph.instagram.com/access_token").respond(
        200, json={"access_token": "IGAA-long", "expires_in": 5183944}
    )
    respx_mock.get(f"{INSTAGRAM_BASE}/me").respond(
        200, json={"user_id": INSTAGRAM_USER, "username": "ada", "id": "app-scoped"}
    )
    connector.exchange_code(APP, code="code", code_verifier="v" * 43)


def refresh(connector, respx_mock, credentials):
    respx_mock.get("https://graph.instagram.com/refresh_access_token").respond(
        200, json={"access_token": "IGAA-new", "expires_in": 5183944}
    )
    connector.refresh(credentials)


def publish(*names: str, kind: str | None = None) -> Callable:
    def operation(connector, respx_mock, credentials):
        instagram_quota_route(respx_mock)
        containers = iter(range(1, 12))
        respx_mock.post(f"{INSTAGRAM_BASE}/{INSTAGRAM_USER}/media").mock(
            side_effect=lambda request: httpx.Response(200, json={"id": f"1788{next(containers)}"})
        )
        items = []
        for name in names:
            mime = "video/mp4" if name.endswith("mp4") else "image/jpeg"
            items.append(
                MediaItem(url=f"{MEDIA}/{name}", mime_type=mime, alt_text="A rocket", duration=12)
            )
        options = {"type": kind} if kind else {}
        post = Content(
            text="Launch #crier", idempotency_key="d-1", media=tuple(items), options=options
        )
        assert connector.publish(post, credentials).state == "processing"

    return operation


def poll(status: str) -> Callable:
    def operation(connector, respx_mock, credentials):
        respx_mock.get(f"{INSTAGRAM_BASE}/{INSTAGRAM_CONTAINER}").mock(instagram_status(status))
        respx_mock.post(f"{INSTAGRAM_BASE}/{INSTAGRAM_USER}/media_publish").respond(
            200, json={"id": INSTAGRAM_MEDIA_ID}
        )
        respx_mock.get(f"{INSTAGRAM_BASE}/{INSTAGRAM_MEDIA_ID}").respond(
            200, json={"permalink": INSTAGRAM_PERMALINK}
        )
        respx_mock.get(f"{INSTAGRAM_BASE}/{INSTAGRAM_USER}/media").respond(
            200,
            json={
                "data": [
                    {
                        "id": INSTAGRAM_MEDIA_ID,
                        "caption": "Launch",
                        "permalink": INSTAGRAM_PERMALINK,
                    }
                ]
            },
        )
        handle = f"{INSTAGRAM_CONTAINER}:{caption_digest('Launch')}"
        assert connector.poll(handle, credentials).state == "published"

    return operation


def comment(connector, respx_mock, credentials):
    respx_mock.get(f"{INSTAGRAM_BASE}/{INSTAGRAM_MEDIA_ID}/comments").respond(
        200, json={"data": []}
    )
    respx_mock.post(f"{INSTAGRAM_BASE}/{INSTAGRAM_MEDIA_ID}/comments").respond(
        200, json={"id": "1790"}
    )
    respx_mock.get(f"{INSTAGRAM_BASE}/{INSTAGRAM_MEDIA_ID}").respond(
        200, json={"permalink": INSTAGRAM_PERMALINK}
    )
    post = Content(text="More", idempotency_key="d-2", reply_to=INSTAGRAM_MEDIA_ID)
    connector.publish(post, credentials)


def post_metrics(connector, respx_mock, credentials):
    respx_mock.get(f"{INSTAGRAM_BASE}/{INSTAGRAM_MEDIA_ID}/insights").respond(
        200, json={"data": [{"name": "views", "values": [{"value": 5}]}]}
    )
    connector.post_metrics(INSTAGRAM_MEDIA_ID, credentials)


def account_metrics(connector, respx_mock, credentials):
    respx_mock.get(f"{INSTAGRAM_BASE}/{INSTAGRAM_USER}").respond(200, json={"followers_count": 3})
    connector.account_metrics(credentials)


OPERATIONS = {
    "connect": connect,
    "refresh": refresh,
    "publish_image": publish("a.jpg"),
    "publish_carousel": publish("a.jpg", "b.jpg", "v.mp4"),
    "publish_reel": publish("v.mp4"),
    "publish_story": publish("a.jpg", kind="story"),
    "publish_thread_item": comment,
    "poll_finished": poll("FINISHED"),
    "poll_published": poll("PUBLISHED"),
    "post_metrics": post_metrics,
    "account_metrics": account_metrics,
}


@pytest.mark.parametrize("name", OPERATIONS)
def test_every_request_is_one_the_documentation_describes(name, connector, respx_mock, credentials):
    OPERATIONS[name](connector, respx_mock, credentials)

    assert call_problems(CONTRACT, respx_mock.calls, asked_scopes(connector, APP)) == []


def test_the_authorization_url_is_the_documented_one(connector):
    assert authorize_problems(table.AUTHORIZE, connector, APP) == []


def test_limits_agree_with_the_documentation():
    container = table.CONTAINER["properties"]
    limits = InstagramConnector.limits

    assert limits.max_chars == container["caption"]["maxLength"]
    assert limits.max_images == table.MAX_CAROUSEL_ITEMS
    assert set(instagram.MEDIA_METRICS) <= set(
        next(e for e in table.ENDPOINTS if e.url.endswith("/insights")).query["metric"]["items"][
            "enum"
        ]
    )


@pytest.mark.parametrize(
    ("request_", "complaint"),
    [
        (
            httpx.Request("POST", f"{INSTAGRAM_BASE}/{INSTAGRAM_USER}/posts", json={}),
            "no such endpoint",
        ),
        (
            httpx.Request(
                "POST", f"{INSTAGRAM_BASE}/{INSTAGRAM_USER}/media", json={"media_type": "GIF"}
            ),
            "'GIF' is not one of",
        ),
        (
            httpx.Request(
                "POST", f"{INSTAGRAM_BASE}/{INSTAGRAM_USER}/media", json={"caption": "x" * 2201}
            ),
            "is too long",
        ),
        (
            httpx.Request("GET", f"{INSTAGRAM_BASE}/1/insights", params={"metric": "impressions"}),
            "'impressions' is not one of",
        ),
        (
            httpx.Request("POST", f"{INSTAGRAM_BASE}/{INSTAGRAM_USER}/media_publish", json={}),
            "'creation_id' is a required",
        ),
    ],
)
def test_the_check_reports_what_the_documentation_does_not_allow(request_, complaint):
    problems = CONTRACT.problems(request_, set(instagram.DEFAULT_SCOPES.split(",")))

    assert any(complaint in problem for problem in problems), problems
