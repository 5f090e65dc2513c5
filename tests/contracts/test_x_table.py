"""X connector against the table written from X's documentation and OpenAPI
(tests/contracts/tables/x.py, checked by doc_table.py).

It runs where X's OpenAPI is not at hand (CI): the same operations as test_x.py, every
request checked against the table, and the scopes against each row's.
"""

from __future__ import annotations

import httpx
import pytest

from connectors import x
from connectors.x import XConnector
from tests.contracts.doc_table import DocTable, asked_scopes, authorize_problems
from tests.contracts.openapi import call_problems
from tests.contracts.tables import x as table
from tests.contracts.x_operations import APP, OPERATIONS, open_connector, stored_credentials

CONTRACT = DocTable("X", table.ENDPOINTS, table.HOSTS)
connector = pytest.fixture(open_connector, name="connector")
credentials = pytest.fixture(stored_credentials, name="credentials")


@pytest.mark.parametrize("name", OPERATIONS)
def test_every_request_is_one_the_documentation_describes(name, connector, respx_mock, credentials):
    OPERATIONS[name](connector, respx_mock, credentials)

    assert call_problems(CONTRACT, respx_mock.calls, asked_scopes(connector, APP)) == []


def test_the_authorization_url_is_the_documented_one(connector):
    assert authorize_problems(table.AUTHORIZE, connector, APP) == []


def test_the_scopes_asked_for_are_scopes_x_declares(connector):
    assert asked_scopes(connector, APP) <= table.KNOWN_SCOPES


def test_limits_agree_with_the_documentation():
    post = table.CREATE_POST["properties"]
    upload = table.INITIALIZE["properties"]
    alt = table.METADATA["properties"]["metadata"]["properties"]["alt_text"]["properties"]
    limits = XConnector.limits
    (reply_settings,) = (o for o in XConnector.options if o.name == "reply_settings")

    assert limits.max_images <= table.MAX_MEDIA_IDS
    assert limits.image_types | limits.video_types <= set(upload["media_type"]["enum"])
    assert limits.max_video_bytes <= upload["total_bytes"]["maximum"]
    # Segments are numbered 0..999: the largest video must fit in that many chunks.
    assert limits.max_video_bytes <= x.CHUNK_BYTES * (table.MAX_SEGMENT_INDEX + 1)
    assert alt["text"]["maxLength"] == x.MAX_ALT_TEXT
    assert set(reply_settings.choices) <= set(post["reply_settings"]["enum"])


# --- the checker itself fails on what the table does not allow ------------------------------

API = table.API
ALL_SCOPES = set(table.KNOWN_SCOPES)


def sent(method: str, url: str, **kwargs) -> httpx.Request:
    return httpx.Request(method, url, headers={"Authorization": "Bearer t"}, **kwargs)


@pytest.mark.parametrize(
    ("request_", "granted", "complaint"),
    [
        (sent("POST", f"{API}/statuses", json={}), ALL_SCOPES, "no such endpoint"),
        (sent("PUT", f"{API}/tweets", json={}), ALL_SCOPES, "no such endpoint"),
        (
            sent("POST", f"{API}/tweets", json={"text": "a", "reply_settings": "all"}),
            ALL_SCOPES,
            "'all' is not one of",
        ),
        (
            sent("POST", f"{API}/tweets", json={"media": {"media_ids": ["1"] * 5}}),
            ALL_SCOPES,
            "is too long",
        ),
        (sent("POST", f"{API}/tweets", json={"txt": "a"}), ALL_SCOPES, "'txt' was unexpected"),
        (sent("GET", f"{API}/media/upload"), ALL_SCOPES, "'media_id' missing"),
        (
            sent("GET", f"{API}/tweets/1", params={"post.fields": "nope"}),
            ALL_SCOPES,
            "'nope' is not one of",
        ),
        (
            # The name X's fields page shows: 2.167 keeps it for the streams only.
            sent("GET", f"{API}/tweets/1", params={"tweet.fields": "public_metrics"}),
            ALL_SCOPES,
            "query parameter 'tweet.fields' is not documented",
        ),
        (
            sent("POST", f"{API}/tweets", json={"text": "a"}),
            {"tweet.read", "users.read"},
            "needs tweet.read + tweet.write + users.read",
        ),
        (
            httpx.Request("POST", f"{API}/tweets", json={"text": "a"}),
            ALL_SCOPES,
            "required header 'Authorization' missing",
        ),
        (
            sent(
                "POST",
                f"{API}/media/upload/1/append",
                data={"segment_index": "1000"},
                files={"media": ("blob", b"1")},
            ),
            ALL_SCOPES,
            "does not match",
        ),
        (
            sent(
                "POST",
                f"{API}/media/upload/1/append",
                data={"segment_index": "0"},
                files={"chunk": ("blob", b"1")},
            ),
            ALL_SCOPES,
            "'media' is a required property",
        ),
        (
            sent("POST", f"{API}/media/metadata", json={"id": "1", "metadata": {"alt_text": {}}}),
            ALL_SCOPES,
            "'text' is a required property",
        ),
    ],
)
def test_the_check_reports_what_the_table_does_not_allow(request_, granted, complaint):
    problems = CONTRACT.problems(request_, granted)

    assert any(complaint in problem for problem in problems), problems


def test_a_request_the_table_documents_passes_the_check():
    request = sent("POST", f"{API}/tweets", json={"text": "Hello"})

    assert CONTRACT.problems(request, ALL_SCOPES) == []
