"""Mastodon connector against the table taken from Mastodon's documentation
(tests/contracts/mastodon/methods.json).

Mastodon connects with an access token the user makes, so the connector asks for no
scopes itself; TOKEN_SCOPES is what docs/connectors.md tells users to grant, and every
request must need only those.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import httpx
import pytest

from connectors import mastodon
from connectors.mastodon import MastodonConnector
from tests.contracts.mastodon_operations import (
    OPERATIONS,
    TOKEN_SCOPES,
    open_connector,
    status,
    stored_credentials,
)
from tests.contracts.methods_table import MethodsTable
from tests.contracts.openapi import call_problems, shared_description
from tests.contracts.tables import mastodon as table
from tests.platforms import MASTODON_BASE

CONTRACT = MethodsTable(shared_description("mastodon/methods.json"), base=MASTODON_BASE)
connector = pytest.fixture(open_connector, name="connector")
credentials = pytest.fixture(stored_credentials, name="credentials")


@pytest.mark.parametrize("operation", OPERATIONS.values(), ids=OPERATIONS.keys())
def test_every_request_is_one_the_documentation_describes(
    operation, connector, respx_mock, credentials
):
    operation(connector, respx_mock, credentials)

    assert call_problems(CONTRACT, respx_mock.calls, TOKEN_SCOPES) == []


def test_the_idempotency_key_is_a_documented_header_of_posting_a_status():
    endpoint = CONTRACT.endpoint("POST", "/api/v1/statuses")

    assert "Idempotency-Key" in endpoint["parameters"]["headers"]


def test_limits_agree_with_the_documented_defaults():
    statuses, media = (
        CONTRACT.configuration["statuses"],
        CONTRACT.configuration["media_attachments"],
    )
    limits = MastodonConnector.limits

    assert statuses["max_characters"] == mastodon.DEFAULT_MAX_CHARACTERS == limits.max_chars
    assert statuses["max_media_attachments"] == mastodon.DEFAULT_MAX_MEDIA == limits.max_images
    assert statuses["characters_reserved_per_url"] == mastodon.DEFAULT_URL_WEIGHT
    assert media["description_limit"] == mastodon.DEFAULT_DESCRIPTION_LIMIT
    assert media["image_size_limit"] == limits.max_image_bytes
    assert media["video_size_limit"] == limits.max_video_bytes
    assert limits.image_types | limits.video_types <= set(media["supported_mime_types"])
    (visibility,) = (o for o in MastodonConnector.options if o.name == "visibility")
    documented = CONTRACT.endpoint("POST", "/api/v1/statuses")["parameters"]["form"]
    assert set(visibility.choices) == set(documented["visibility"]["enum"])


def test_connect_keeps_the_documented_configuration_as_the_accounts_limits(connector, respx_mock):
    # An instance answering the documentation's example configuration: every limit the
    # connector keeps is one the documentation names, and they add up to its defaults.
    respx_mock.get(f"{MASTODON_BASE}/api/v1/accounts/verify_credentials").respond(
        200, json={"id": "42", "acct": "ada"}
    )
    respx_mock.get(f"{MASTODON_BASE}/api/v2/instance").respond(
        200, json={"domain": "social.test", "configuration": CONTRACT.configuration}
    )
    documented = CONTRACT.configuration["media_attachments"]

    credentials, _ = connector.connect(
        {"instance_url": MASTODON_BASE, "access_token": "masto-token-123"}
    )
    limits = connector.limits_for(credentials)

    kept = set(credentials.extra) - {"instance_url"}
    assert kept <= set(CONTRACT.configuration["statuses"]) | set(documented)
    assert {"image_size_limit", "video_size_limit", "supported_mime_types"} <= kept
    assert limits.max_image_bytes == MastodonConnector.limits.max_image_bytes
    assert limits.max_video_bytes == MastodonConnector.limits.max_video_bytes
    assert limits.image_types | limits.video_types == {
        t for t in documented["supported_mime_types"] if t.startswith(("image/", "video/"))
    }


@pytest.mark.parametrize(
    ("request_", "scopes", "complaint"),
    [
        (httpx.Request("POST", f"{MASTODON_BASE}/api/v1/toots"), TOKEN_SCOPES, "no such method"),
        (status(status="a", visibility="friends"), TOKEN_SCOPES, "'friends' is not one of"),
        (status(status="a", sensitive="yes"), TOKEN_SCOPES, "is not Boolean"),
        (status(status="a", idempotency_key="k"), TOKEN_SCOPES, "'idempotency_key' is not"),
        (status(visibility="public"), TOKEN_SCOPES, "sends none of the required"),
        (status(status="a"), {"read"}, "needs one of ['write:statuses']"),
        (
            httpx.Request("GET", f"{MASTODON_BASE}/api/v1/media/1", headers={"X-Key": "1"}),
            TOKEN_SCOPES,
            "header 'x-key' is not documented",
        ),
    ],
)
def test_the_check_reports_what_the_documentation_does_not_allow(request_, scopes, complaint):
    problems = CONTRACT.problems(request_, scopes)

    assert any(complaint in problem for problem in problems), problems


def test_write_covers_the_write_scopes():
    assert CONTRACT.problems(status(status="a"), {"write"}) == []


@pytest.mark.parametrize("row", table.endpoints(MASTODON_BASE), ids=lambda row: row.doc)
def test_the_table_ci_checks_against_agrees_with_the_documentation(row):
    """tables/mastodon.py stands in for methods.json where it is absent (CI)."""
    documented = CONTRACT.endpoint(row.method, urlsplit(row.url).path.replace("{id}", "1"))

    assert documented is not None
    # The table adds `read`/`write`, which cover the documented sub-scopes.
    alternatives = {scope for option in row.scopes for scope in option} - {"read", "write"}
    assert alternatives == set(documented["scopes"])
