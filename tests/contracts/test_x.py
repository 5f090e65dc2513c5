"""X connector against the X API v2 OpenAPI description (tests/contracts/x/openapi.json).

Each connector operation runs against respx; every request it sends to api.x.com must be
an operation the description has, with parameters and body its schemas accept, and
needing only scopes the connector's authorization URL asks for.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import httpx
import pytest
import respx

from connectors import x
from connectors.x import XConnector
from tests.contracts.doc_table import asked_scopes, disagreements, scopes
from tests.contracts.openapi import Contract, api_requests, call_problems, shared_description
from tests.contracts.tables import x as table
from tests.contracts.x_operations import (
    APP,
    MEDIA,
    OPERATIONS,
    open_connector,
    stored_credentials,
)

CONTRACT = Contract(shared_description("x/openapi.json"), scheme="OAuth2UserToken")
connector = pytest.fixture(open_connector, name="connector")
credentials = pytest.fixture(stored_credentials, name="credentials")


def granted(connector: XConnector) -> set[str]:
    return asked_scopes(connector, APP)


# What the connector knowingly sends otherwise than the description says, and why. The test
# fails when a divergence appears and when one listed here goes away.
DIVERGENCES: dict[str, list[str]] = {}


def request_id(operation: Callable) -> str:
    return next(name for name, known in OPERATIONS.items() if known is operation)


@pytest.mark.parametrize("operation", OPERATIONS.values(), ids=OPERATIONS.keys())
def test_every_request_is_one_the_description_documents(
    operation, connector, respx_mock, credentials
):

    operation(connector, respx_mock, credentials)

    problems = call_problems(CONTRACT, respx_mock.calls, granted(connector))
    assert problems == DIVERGENCES.get(request_id(operation), [])


def test_the_scopes_asked_for_are_scopes_the_description_declares(connector):
    assert granted(connector) <= CONTRACT.scopes


def test_limits_agree_with_the_description():
    schemas = "#/components/schemas"
    post = CONTRACT.schema(f"{schemas}/CreatePostsRequest")["properties"]
    attached = CONTRACT.schema(f"{schemas}/CreatePostsMedia")["properties"]["media_ids"]
    upload = CONTRACT.schema(f"{schemas}/InitializeMediaUploadRequest")["properties"]
    append = CONTRACT.schema(f"{schemas}/AppendMediaUploadRequest")["properties"]
    alt = CONTRACT.schema(f"{schemas}/CreateMediaMetadataMetadataAltText")["properties"]["text"]
    limits = XConnector.limits

    assert limits.max_images <= attached["maxItems"]
    assert limits.image_types | limits.video_types <= set(upload["media_type"]["enum"])
    assert limits.max_video_bytes <= upload["total_bytes"]["maximum"]
    # Segments are numbered 0..maximum: the largest video must fit in that many chunks.
    assert limits.max_video_bytes <= x.CHUNK_BYTES * (append["segment_index"]["maximum"] + 1)
    assert alt["maxLength"] == x.MAX_ALT_TEXT
    (reply_settings,) = (o for o in XConnector.options if o.name == "reply_settings")
    assert set(reply_settings.choices) <= set(post["reply_settings"]["enum"])


# --- the checker itself fails on what the description does not allow -----------------------


def sent(method: str, url: str, **kwargs) -> httpx.Request:
    return httpx.Request(method, url, headers={"Authorization": "Bearer t"}, **kwargs)


ALL_SCOPES = CONTRACT.scopes


@pytest.mark.parametrize(
    ("request_", "scopes", "complaint"),
    [
        (sent("POST", "https://api.x.com/2/statuses", json={}), ALL_SCOPES, "no such operation"),
        (sent("PUT", "https://api.x.com/2/tweets", json={}), ALL_SCOPES, "no such operation"),
        (
            sent("POST", "https://api.x.com/2/tweets", json={"text": "a", "reply_settings": "all"}),
            ALL_SCOPES,
            "'all' is not one of",
        ),
        (
            sent("POST", "https://api.x.com/2/tweets", json={"media": {"media_ids": ["1"] * 5}}),
            ALL_SCOPES,
            "is too long",
        ),
        (sent("GET", "https://api.x.com/2/media/upload"), ALL_SCOPES, "'media_id' missing"),
        (
            sent("GET", "https://api.x.com/2/tweets/abc", params={"post.fields": "nope"}),
            ALL_SCOPES,
            "does not match",
        ),
        (
            # The name X's fields page shows: 2.167 keeps it for the streams only.
            sent("GET", "https://api.x.com/2/tweets/1", params={"tweet.fields": "public_metrics"}),
            ALL_SCOPES,
            "query parameter 'tweet.fields' is not in the description",
        ),
        (sent("GET", "https://api.x.com/2/users/me", params={"x": "1"}), ALL_SCOPES, "'x'"),
        (
            sent("POST", "https://api.x.com/2/tweets", json={"text": "a"}),
            {"tweet.read", "users.read"},
            "needs scopes ['tweet.write']",
        ),
        (
            sent(
                "POST",
                "https://api.x.com/2/media/upload/1/append",
                data={"segment_index": "1000"},
                files={"chunk": ("blob", b"1")},
            ),
            ALL_SCOPES,
            "'media' is a required property",
        ),
    ],
)
def test_the_check_reports_what_the_description_does_not_allow(request_, scopes, complaint):
    problems = CONTRACT.problems(request_, scopes)

    assert any(complaint in problem for problem in problems), problems


def test_a_request_the_description_documents_passes_the_check():
    request = sent("POST", "https://api.x.com/2/tweets", json={"text": "Hello"})

    assert CONTRACT.problems(request, ALL_SCOPES) == []


@respx.mock
def test_only_requests_to_the_api_are_checked():
    respx.get(f"{MEDIA}/a.png").respond(200)
    respx.get("https://api.x.com/2/users/me").respond(200)
    httpx.get(f"{MEDIA}/a.png")
    httpx.get("https://api.x.com/2/users/me")

    assert [str(r.url) for r in api_requests(CONTRACT, respx.calls)] == [
        "https://api.x.com/2/users/me"
    ]


def test_the_table_ci_checks_against_agrees_with_the_description():
    """tables/x.py stands in for this description where it is absent (CI)."""
    assert disagreements(table.ENDPOINTS, CONTRACT) == []


@pytest.mark.parametrize(
    ("row", "complaint"),
    [
        (replace(table.ENDPOINTS[0], scopes=scopes("tweet.write")), "scopes [['tweet.write']]"),
        (replace(table.ENDPOINTS[0], url=f"{table.API}/statuses"), "no such operation"),
        (replace(table.ENDPOINTS[1], query={"tweet.fields": {}}), "'tweet.fields' is not in"),
    ],
)
def test_a_table_row_the_description_contradicts_is_reported(row, complaint):
    problems = disagreements([row], CONTRACT)

    assert any(complaint in problem for problem in problems), problems
