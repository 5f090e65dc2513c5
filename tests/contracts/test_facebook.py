"""Facebook connector against the table written from Meta's Graph API documentation
(tests/contracts/tables/facebook.py, checked by doc_table.py).

A Page token does not expire and Facebook has no refresh call: connect, publish of each
kind, a comment as a thread item, poll (a video's status) and metrics are the operations.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest

from connectors.base import ConnectorConfig, Content, Credentials, MediaItem
from connectors.facebook import DEFAULT_GRAPH_VERSION, FacebookConnector
from tests.contracts.doc_table import DocTable, asked_scopes, authorize_problems, crier_app
from tests.contracts.openapi import call_problems
from tests.contracts.tables import facebook as table
from tests.platforms import FACEBOOK, FACEBOOK_FEED, FACEBOOK_PAGE, FACEBOOK_POST

CONTRACT = DocTable("Facebook", table.ENDPOINTS, table.HOSTS)
GRAPH = f"https://graph.facebook.com/{DEFAULT_GRAPH_VERSION}"
VIDEOS = f"{GRAPH}/{FACEBOOK_PAGE}/videos"
MEDIA = "https://media.crier.test"
VIDEO_ID = "10155000000000001"
APP = crier_app("facebook")


@pytest.fixture
def connector() -> Iterator[FacebookConnector]:
    config = ConnectorConfig(client_id=APP.client_id, client_secret=APP.client_secret)
    with FacebookConnector(timeout=5, config=config) as connector:
        yield connector


@pytest.fixture
def credentials() -> Credentials:
    return Credentials(external_id=FACEBOOK.external_id, **FACEBOOK.credentials)


# --- the operations ------------------------------------------------------------------------


def connect(connector, respx_mock, credentials):
    respx_mock.get(f"{GRAPH}/oauth/access_token").mock(
        side_effect=[
            httpx.Response(200, json={"access_token": "short", "expires_in": 3600}),
            httpx.Response(200, json={"access_token": "long", "expires_in": 5183944}),
        ]
    )
    page = {
        "id": FACEBOOK_PAGE,
        "name": "Crier",
        "access_token": "EAAB",
        "tasks": ["CREATE_CONTENT"],
    }
    respx_mock.get(f"{GRAPH}/me/accounts").respond(200, json={"data": [page]})
    connector.exchange_code(APP, code="code", code_verifier="v" * 43)


def publish(*names: str, options: dict | None = None) -> Callable:
    def operation(connector, respx_mock, credentials):
        items = []
        for name in names:
            kind = "video/mp4" if name.endswith("mp4") else "image/png"
            items.append(MediaItem(url=f"{MEDIA}/{name}", mime_type=kind, alt_text="A rocket"))
        photos = iter(range(1, 10))
        respx_mock.post(f"{GRAPH}/{FACEBOOK_PAGE}/photos").mock(
            side_effect=lambda request: httpx.Response(200, json={"id": f"55{next(photos)}"})
        )
        respx_mock.post(VIDEOS).respond(200, json={"id": VIDEO_ID})
        respx_mock.post(FACEBOOK_FEED).respond(200, json={"id": FACEBOOK_POST})
        post = Content(
            text="Launch day", idempotency_key="d-1", media=tuple(items), options=options or {}
        )
        connector.publish(post, credentials)

    return operation


def comment(connector, respx_mock, credentials):
    respx_mock.post(f"{GRAPH}/{FACEBOOK_POST}/comments").respond(200, json={"id": "1_2"})
    post = Content(text="More", idempotency_key="d-2", reply_to=FACEBOOK_POST)
    connector.publish(post, credentials)


def poll(connector, respx_mock, credentials):
    respx_mock.get(f"{GRAPH}/{VIDEO_ID}").respond(
        200, json={"status": {"video_status": "ready"}, "permalink_url": "/crier/videos/1/"}
    )
    connector.poll(VIDEO_ID, credentials)


def post_metrics(handle: str) -> Callable:
    def operation(connector, respx_mock, credentials):
        respx_mock.get(f"{GRAPH}/{handle}").respond(
            200, json={"reactions": {"summary": {"total_count": 2}}}
        )
        respx_mock.get(f"{GRAPH}/{handle}/insights").respond(
            200, json={"data": [{"name": "post_clicks", "values": [{"value": 1}]}]}
        )
        connector.post_metrics(handle, credentials)

    return operation


def account_metrics(connector, respx_mock, credentials):
    respx_mock.get(f"{GRAPH}/{FACEBOOK_PAGE}").respond(200, json={"followers_count": 9})
    connector.account_metrics(credentials)


OPERATIONS = {
    "connect": connect,
    "publish_text": publish(),
    "publish_link": publish(options={"link": "https://crier.test/launch"}),
    "publish_image": publish("a.png"),
    "publish_images": publish("a.png", "b.png"),
    "publish_video": publish("v.mp4"),
    "publish_thread_item": comment,
    "poll": poll,
    "post_metrics": post_metrics(FACEBOOK_POST),
    "post_metrics_of_a_video": post_metrics(VIDEO_ID),
    "account_metrics": account_metrics,
}


@pytest.mark.parametrize("name", OPERATIONS)
def test_every_request_is_one_the_documentation_describes(name, connector, respx_mock, credentials):
    OPERATIONS[name](connector, respx_mock, credentials)

    assert call_problems(CONTRACT, respx_mock.calls, asked_scopes(connector, APP)) == []


def test_the_authorization_url_is_the_documented_one(connector):
    assert authorize_problems(table.AUTHORIZE, connector, APP) == []


@pytest.mark.parametrize(
    ("request_", "complaint"),
    [
        (httpx.Request("POST", f"{GRAPH}/{FACEBOOK_PAGE}/posts", json={}), "no such endpoint"),
        (
            httpx.Request(
                "POST", FACEBOOK_FEED, json={"message": "a", "access_token": "t", "x": 1}
            ),
            "'x' was unexpected",
        ),
        (
            httpx.Request("POST", FACEBOOK_FEED, json={"message": "a"}),
            "'access_token' is a required",
        ),
        (
            httpx.Request(
                "GET",
                f"{GRAPH}/1_2/insights",
                params={"metric": "post_impressions", "access_token": "t"},
            ),
            "'post_impressions' is not one of",
        ),
        (
            httpx.Request("GET", f"{GRAPH}/1", params={"fields": "fan_count", "access_token": "t"}),
            "'fan_count' does not match",
        ),
    ],
)
def test_the_check_reports_what_the_documentation_does_not_allow(request_, complaint):
    problems = CONTRACT.problems(request_, {"pages_manage_posts", "pages_read_engagement"})

    assert any(complaint in problem for problem in problems), problems


def test_a_call_whose_permissions_are_not_asked_for_is_reported():
    request = httpx.Request("POST", FACEBOOK_FEED, json={"message": "a", "access_token": "t"})

    assert CONTRACT.problems(request, {"pages_manage_posts"}) == [
        f"POST /{DEFAULT_GRAPH_VERSION}/{FACEBOOK_PAGE}/feed: needs pages_manage_posts + "
        "pages_read_engagement + pages_show_list, which the connector does not ask for"
    ]
