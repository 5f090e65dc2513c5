"""Pinterest connector against the table written from Pinterest's documentation and OpenAPI
(tests/contracts/tables/pinterest.py, checked by doc_table.py).

It runs where Pinterest's OpenAPI is not at hand (CI): the same operations as
test_pinterest.py, every request checked against the table, and the scopes against each
row's. The video's upload to S3 goes to the address Pinterest answered with: not checked.
"""

from __future__ import annotations

import httpx
import pytest

from connectors import pinterest
from connectors.pinterest import PinterestConnector
from tests.contracts.doc_table import DocTable, asked_scopes, authorize_problems
from tests.contracts.openapi import call_problems
from tests.contracts.pinterest_operations import (
    API,
    APP,
    OPERATIONS,
    REFUSED_OPTIONS,
    content,
    image,
    open_connector,
    stored_credentials,
)
from tests.contracts.tables import pinterest as table
from tests.platforms import PINTEREST_BOARD

CONTRACT = DocTable("Pinterest", table.ENDPOINTS, table.HOSTS)
connector = pytest.fixture(open_connector, name="connector")
credentials = pytest.fixture(stored_credentials, name="credentials")


@pytest.mark.parametrize("name", OPERATIONS)
def test_every_request_is_one_the_documentation_describes(name, connector, respx_mock, credentials):
    OPERATIONS[name](connector, respx_mock, credentials)

    assert call_problems(CONTRACT, respx_mock.calls, asked_scopes(connector, APP)) == []


def test_the_authorization_url_is_the_documented_one(connector):
    assert authorize_problems(table.AUTHORIZE, connector, APP) == []


def test_the_scopes_asked_for_are_scopes_pinterest_declares(connector):
    assert asked_scopes(connector, APP) <= table.KNOWN_SCOPES


def test_limits_agree_with_the_documentation():
    assert PinterestConnector.limits.max_chars == table.MAX_DESCRIPTION
    assert pinterest.MAX_TITLE == table.MAX_TITLE
    assert pinterest.MAX_LINK == table.MAX_LINK
    assert pinterest.MAX_ALT_TEXT == table.MAX_ALT_TEXT
    assert PinterestConnector.limits.max_images <= table.MAX_CAROUSEL_IMAGES
    assert set(pinterest.PIN_METRICS) <= set(table.PIN_METRICS)


# --- the checker itself fails on what the table does not allow ------------------------------

BEARER = {"Authorization": "Bearer t"}
ALL_SCOPES = set(table.KNOWN_SCOPES)


def pin(**fields) -> httpx.Request:
    body = {"board_id": "1", "media_source": {"source_type": "image_url", "url": "u"}, **fields}
    return httpx.Request("POST", f"{API}/pins", headers=BEARER, json=body)


@pytest.mark.parametrize(
    ("request_", "granted", "complaint"),
    [
        (httpx.Request("POST", f"{API}/boards/1/pins", headers=BEARER), ALL_SCOPES, "no such"),
        (pin(media_source={"source_type": "image_url"}), ALL_SCOPES, "is not valid under any"),
        (
            pin(media_source={"source_type": "multiple_image_urls", "items": [{"url": "u"}] * 6}),
            ALL_SCOPES,
            "is not valid under any",
        ),
        (pin(board_section_id="section-1"), ALL_SCOPES, "does not match"),
        (pin(title="t" * 101), ALL_SCOPES, "is too long"),
        (pin(note="n"), ALL_SCOPES, "'note' was unexpected"),
        (pin(), {"boards:read", "pins:read", "pins:write"}, "needs boards:read + boards:write"),
        (
            httpx.Request(
                "POST",
                f"{API}/oauth/token",
                headers={"Authorization": "Basic cGluOnNlY3JldA=="},
                data={"grant_type": "refresh_token"},
            ),
            ALL_SCOPES,
            "'refresh_token' is a required property",
        ),
        (
            httpx.Request(
                "POST",
                f"{API}/oauth/token",
                headers=BEARER,
                data={"grant_type": "refresh_token", "refresh_token": "r"},
            ),
            ALL_SCOPES,
            "header 'Authorization'",
        ),
        (
            httpx.Request(
                "GET",
                f"{API}/pins/1/analytics",
                headers=BEARER,
                params={"start_date": "2026-13-01", "end_date": "2026-12-01", "metric_types": "X"},
            ),
            ALL_SCOPES,
            "is not a 'date'",
        ),
        (
            httpx.Request(
                "GET",
                f"{API}/pins/1/analytics",
                headers=BEARER,
                params={"start_date": "2026-11-01", "end_date": "2026-12-01", "metric_types": "X"},
            ),
            ALL_SCOPES,
            "'X' is not one of",
        ),
    ],
)
def test_the_check_reports_what_the_table_does_not_allow(request_, granted, complaint):
    problems = CONTRACT.problems(request_, granted)

    assert any(complaint in problem for problem in problems), problems


@pytest.mark.parametrize("options", REFUSED_OPTIONS.values(), ids=REFUSED_OPTIONS.keys())
def test_validate_refuses_the_options_the_table_refuses(options, connector):
    """Caught before publishing, not by Pinterest after the post was scheduled."""
    request = pin(**{"board_id": PINTEREST_BOARD, **options})

    assert CONTRACT.problems(request, ALL_SCOPES) != []
    assert connector.validate(content(image("a.jpg"), **options)) != []
