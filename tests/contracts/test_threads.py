"""Threads connector against the table written from Meta's Threads documentation
(tests/contracts/tables/threads.py, checked by doc_table.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest

from connectors import threads
from connectors.base import ConnectorConfig, Content, Credentials, MediaItem
from connectors.threads import ThreadsConnector
from tests.contracts.doc_table import DocTable, asked_scopes, authorize_problems, crier_app
from tests.contracts.openapi import call_problems
from tests.contracts.tables import threads as table
from tests.platforms import (
    THREADS,
    THREADS_CREATE,
    THREADS_GRAPH,
    THREADS_PERMALINK,
    THREADS_POST_ID,
    THREADS_USER,
)

CONTRACT = DocTable("Threads", table.ENDPOINTS, table.HOSTS)
MEDIA = "https://media.crier.test"
APP = crier_app("threads")


@pytest.fixture
def connector() -> Iterator[ThreadsConnector]:
    config = ConnectorConfig(client_id=APP.client_id, client_secret=APP.client_secret)
    with ThreadsConnector(timeout=5, config=config) as connector:
        yield connector


@pytest.fixture
def credentials() -> Credentials:
    return Credentials(external_id=THREADS.external_id, **THREADS.credentials)


def containers(respx_mock) -> None:
    ids = iter(range(1, 30))
    respx_mock.post(THREADS_CREATE).mock(
        side_effect=lambda request: httpx.Response(200, json={"id": f"180{next(ids)}"})
    )
    respx_mock.get(url__startswith=f"{THREADS_GRAPH}/180", params={"fields": "permalink"}).respond(
        200, json={"permalink": THREADS_PERMALINK}
    )


# --- the operations ------------------------------------------------------------------------


def connect(connector, respx_mock, credentials):
    respx_mock.post("https://graph.threads.net/oauth/access_token").respond(
        200, json={"access_token": "short", "user_id": THREADS_USER}
    )
    respx_mock.get("https://graph.threads.net/access_token").respond(
        200, json={"access_token": "long", "expires_in": 5183944}
    )
    respx_mock.get(f"{THREADS_GRAPH}/me").respond(200, json={"id": THREADS_USER, "username": "ada"})
    connector.exchange_code(APP, code="code", code_verifier="v" * 43)


def refresh(connector, respx_mock, credentials):
    respx_mock.get("https://graph.threads.net/refresh_access_token").respond(
        200, json={"access_token": "new", "expires_in": 5183944}
    )
    connector.refresh(credentials)


def publish(*names: str, **content) -> Callable:
    def operation(connector, respx_mock, credentials):
        containers(respx_mock)
        items = []
        for name in names:
            mime = "video/mp4" if name.endswith("mp4") else "image/png"
            items.append(MediaItem(url=f"{MEDIA}/{name}", mime_type=mime, alt_text="A rocket"))
        post = Content(
            text="Launch day",
            idempotency_key="d-1",
            media=tuple(items),
            options={"reply_control": "accounts_you_follow"},
            **content,
        )
        connector.publish(post, credentials)

    return operation


def poll(connector, respx_mock, credentials):
    respx_mock.get(f"{THREADS_GRAPH}/17999").respond(
        200, json={"id": "17999", "status": "FINISHED"}
    )
    respx_mock.post(f"{THREADS_GRAPH}/{THREADS_USER}/threads_publish").respond(
        200, json={"id": THREADS_POST_ID}
    )
    respx_mock.get(f"{THREADS_GRAPH}/{THREADS_POST_ID}").respond(
        200, json={"permalink": THREADS_PERMALINK}
    )
    connector.poll("17999", credentials)


def post_metrics(connector, respx_mock, credentials):
    respx_mock.get(f"{THREADS_GRAPH}/{THREADS_POST_ID}/insights").respond(
        200, json={"data": [{"name": "views", "values": [{"value": 4}]}]}
    )
    connector.post_metrics(THREADS_POST_ID, credentials)


def account_metrics(connector, respx_mock, credentials):
    respx_mock.get(f"{THREADS_GRAPH}/{THREADS_USER}/threads_insights").respond(
        200, json={"data": [{"name": "followers_count", "total_value": {"value": 8}}]}
    )
    connector.account_metrics(credentials)


OPERATIONS = {
    "connect": connect,
    "refresh": refresh,
    "publish_text": publish(),
    "publish_thread": publish(thread=("Second", "Third")),
    "publish_thread_item": publish(reply_to="1799"),
    "publish_image": publish("a.png"),
    "publish_video": publish("v.mp4"),
    "publish_carousel": publish("a.png", "b.png", "v.mp4"),
    "poll": poll,
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
    limits = ThreadsConnector.limits
    (reply_control,) = (o for o in ThreadsConnector.options if o.name == "reply_control")

    assert limits.max_chars == table.MAX_TEXT
    assert limits.max_images == threads.MAX_CAROUSEL_ITEMS == table.MAX_CAROUSEL_ITEMS
    assert threads.MAX_ALT_TEXT == table.MAX_ALT_TEXT
    assert set(reply_control.choices) == set(container["reply_control"]["enum"])


def form(**fields: str) -> httpx.Request:
    return httpx.Request("POST", THREADS_CREATE, data={"access_token": "t", **fields})


@pytest.mark.parametrize(
    ("request_", "complaint"),
    [
        (
            httpx.Request("POST", f"{THREADS_GRAPH}/{THREADS_USER}/posts", data={}),
            "no such endpoint",
        ),
        (form(media_type="AUDIO"), "'AUDIO' is not one of"),
        (form(media_type="TEXT", text="x" * 501), "is too long"),
        (form(media_type="IMAGE", is_carousel_item="yes"), "'yes' is not of type 'boolean'"),
        (form(media_type="CAROUSEL", children="1"), "does not match"),
        (form(text="a"), "'media_type' is a required property"),
        (httpx.Request("POST", THREADS_CREATE, json={"media_type": "TEXT"}), "body type"),
    ],
)
def test_the_check_reports_what_the_documentation_does_not_allow(request_, complaint):
    problems = CONTRACT.problems(request_, set(threads.DEFAULT_SCOPES.split(",")))

    assert any(complaint in problem for problem in problems), problems
