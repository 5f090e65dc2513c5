"""Mastodon connector against the table written from Mastodon's documentation pages
(tests/contracts/tables/mastodon.py, checked by doc_table.py).

It runs where the shared folder's methods.json is not (CI): the same operations as
test_mastodon.py, every request checked against the table, with the scopes
docs/connectors.md tells users to grant their token.
"""

from __future__ import annotations

import httpx
import pytest

from connectors import mastodon
from connectors.mastodon import MastodonConnector
from tests.contracts.doc_table import DocTable
from tests.contracts.mastodon_operations import (
    OPERATIONS,
    TOKEN_SCOPES,
    open_connector,
    status,
    stored_credentials,
)
from tests.contracts.openapi import call_problems
from tests.contracts.tables import mastodon as table
from tests.platforms import MASTODON_BASE

CONTRACT = DocTable("Mastodon", table.endpoints(MASTODON_BASE), (f"{MASTODON_BASE}/api/",))
connector = pytest.fixture(open_connector, name="connector")
credentials = pytest.fixture(stored_credentials, name="credentials")


@pytest.mark.parametrize("name", OPERATIONS)
def test_every_request_is_one_the_documentation_describes(name, connector, respx_mock, credentials):
    OPERATIONS[name](connector, respx_mock, credentials)

    assert call_problems(CONTRACT, respx_mock.calls, TOKEN_SCOPES) == []


def test_the_idempotency_key_goes_in_the_documented_header(connector, respx_mock, credentials):
    OPERATIONS["publish_text"](connector, respx_mock, credentials)

    (posted,) = (c.request for c in respx_mock.calls if c.request.url.path == "/api/v1/statuses")
    assert all(name in posted.headers for name in table.STATUS_HEADERS)
    assert "idempotency_key" not in posted.content.decode()


def test_limits_agree_with_the_documented_defaults():
    limits = MastodonConnector.limits
    (visibility,) = (o for o in MastodonConnector.options if o.name == "visibility")

    assert table.MAX_CHARACTERS == mastodon.DEFAULT_MAX_CHARACTERS == limits.max_chars
    assert table.MAX_MEDIA_ATTACHMENTS == mastodon.DEFAULT_MAX_MEDIA == limits.max_images
    assert table.CHARACTERS_RESERVED_PER_URL == mastodon.DEFAULT_URL_WEIGHT
    assert table.DESCRIPTION_LIMIT == mastodon.DEFAULT_DESCRIPTION_LIMIT
    assert limits.max_image_bytes == table.IMAGE_SIZE_LIMIT
    assert limits.max_video_bytes == table.VIDEO_SIZE_LIMIT
    assert limits.image_types | limits.video_types <= table.SUPPORTED_MIME_TYPES
    assert set(visibility.choices) == set(table.VISIBILITY)


# --- the checker itself fails on what the table does not allow ------------------------------


@pytest.mark.parametrize(
    ("request_", "granted", "complaint"),
    [
        (httpx.Request("POST", f"{MASTODON_BASE}/api/v1/toots"), TOKEN_SCOPES, "no such endpoint"),
        (status(status="a", visibility="friends"), TOKEN_SCOPES, "'friends' is not one of"),
        (status(status="a", sensitive="yes"), TOKEN_SCOPES, "is not of type 'boolean'"),
        (status(status="a", idempotency_key="k"), TOKEN_SCOPES, "'idempotency_key' was unexpected"),
        (status(visibility="public"), TOKEN_SCOPES, "is not valid under any of the given schemas"),
        (status(status="a", poll={"options": ["x"]}), TOKEN_SCOPES, "'expires_in' is a required"),
        (status(status="a"), {"read"}, "needs write or write:statuses"),
        (
            httpx.Request("POST", f"{MASTODON_BASE}/api/v1/statuses", json={"status": "a"}),
            TOKEN_SCOPES,
            "required header 'Authorization' missing",
        ),
        (
            httpx.Request(
                "POST",
                f"{MASTODON_BASE}/api/v2/media",
                headers={"Authorization": "Bearer t"},
                data={"description": "A rocket"},
                files={"upload": ("a.png", b"1", "image/png")},
            ),
            TOKEN_SCOPES,
            "'file' is a required property",
        ),
    ],
)
def test_the_check_reports_what_the_table_does_not_allow(request_, granted, complaint):
    problems = CONTRACT.problems(request_, granted)

    assert any(complaint in problem for problem in problems), problems


def test_write_covers_the_write_scopes():
    assert CONTRACT.problems(status(status="a"), {"write"}) == []
