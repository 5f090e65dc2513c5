"""Pinterest connector against Pinterest's v5 OpenAPI description
(tests/contracts/pinterest/openapi.json).

Every request the connector sends to api.pinterest.com/v5 must be an operation the
description has, with parameters and body its schemas accept, credentials of the kind the
operation takes and only scopes the connector's authorization URL asks for. The video's
upload to S3 goes to the address Pinterest answered with, outside the description.
"""

from __future__ import annotations

import httpx
import pytest

from connectors import pinterest
from connectors.pinterest import PinterestConnector
from tests.contracts.doc_table import asked_scopes, disagreements
from tests.contracts.openapi import Contract, call_problems, shared_description
from tests.contracts.pinterest_operations import (
    API,
    APP,
    OPERATIONS,
    REFUSED_OPTIONS,
    content,
    image,
    open_connector,
    post_metrics,
    stored_credentials,
)
from tests.contracts.tables import pinterest as table
from tests.platforms import PINTEREST_BOARD

CONTRACT = Contract(shared_description("pinterest/openapi.json"), scheme="pinterest_oauth2")
connector = pytest.fixture(open_connector, name="connector")
credentials = pytest.fixture(stored_credentials, name="credentials")


def granted(connector: PinterestConnector) -> set[str]:
    return asked_scopes(connector, APP)


# The description's error, not the connector's: `metric_types` items are a oneOf of two
# enums that share IMPRESSION, SAVE, PIN_CLICK, OUTBOUND_CLICK... so a shared name matches
# both branches, which oneOf forbids (anyOf was meant). Other values are still checked.
METRIC_TYPES_ERRATUM = "is valid under each of"


@pytest.mark.parametrize("operation", OPERATIONS.values(), ids=OPERATIONS.keys())
def test_every_request_is_one_the_description_documents(
    operation, connector, respx_mock, credentials
):

    operation(connector, respx_mock, credentials)

    problems = call_problems(CONTRACT, respx_mock.calls, granted(connector))
    errata = [problem for problem in problems if METRIC_TYPES_ERRATUM in problem]
    assert [problem for problem in problems if problem not in errata] == []
    # Each metric the connector asks for, once: then the erratum is the only complaint.
    expected = len(pinterest.PIN_METRICS) if operation is post_metrics else 0
    assert len(errata) == expected


def test_the_scopes_asked_for_are_scopes_the_description_declares(connector):
    assert granted(connector) <= CONTRACT.scopes


def test_the_authorization_url_is_the_descriptions(connector):
    url = connector.authorization_url(APP, state="s", code_challenge="c")

    assert url.split("?")[0] == CONTRACT.flow["authorizationUrl"]


def test_limits_agree_with_the_description():
    schemas = "#/components/schemas"
    pin = CONTRACT.schema(f"{schemas}/PinCreate")["properties"]
    images = CONTRACT.schema(f"{schemas}/PinMediaSourceImagesURL")["properties"]["items"]
    metrics = CONTRACT.schema("#/components/parameters/query_pin_analytics_metric_types")
    metric_names = {
        name for kind in metrics["schema"]["items"]["oneOf"] for name in kind.get("enum", [])
    }

    assert pin["description"]["maxLength"] == PinterestConnector.limits.max_chars
    assert pin["title"]["maxLength"] == pinterest.MAX_TITLE
    assert pin["link"]["maxLength"] == pinterest.MAX_LINK
    assert pin["alt_text"]["maxLength"] == pinterest.MAX_ALT_TEXT
    assert PinterestConnector.limits.max_images <= images["maxItems"]
    assert set(pinterest.PIN_METRICS) <= metric_names


@pytest.mark.parametrize(
    ("request_", "complaint"),
    [
        (
            httpx.Request(
                "POST",
                f"{API}/pins",
                headers={"Authorization": "Bearer t"},
                json={"board_id": "1", "media_source": {"source_type": "image_url"}},
            ),
            "is not valid under any of the given schemas",
        ),
        (
            httpx.Request(
                "POST",
                f"{API}/oauth/token",
                headers={"Authorization": "Basic cGluOnNlY3JldA=="},
                data={"grant_type": "refresh_token"},
            ),
            "'refresh_token' is a required property",
        ),
        (
            httpx.Request(
                "POST",
                f"{API}/oauth/token",
                headers={"Authorization": "Bearer t"},
                data={"grant_type": "refresh_token", "refresh_token": "r"},
            ),
            "takes no pinterest_oauth2 token",
        ),
        (
            httpx.Request(
                "GET",
                f"{API}/pins/1/analytics",
                headers={"Authorization": "Bearer t"},
                params={"start_date": "2026-13-01", "end_date": "2026-12-01", "metric_types": "X"},
            ),
            "is not a 'date'",
        ),
    ],
)
def test_the_check_reports_what_the_description_does_not_allow(request_, complaint):
    problems = CONTRACT.problems(request_, CONTRACT.scopes)

    assert any(complaint in problem for problem in problems), problems


@pytest.mark.parametrize("options", REFUSED_OPTIONS.values(), ids=REFUSED_OPTIONS.keys())
def test_validate_refuses_the_options_the_description_refuses(options, connector):
    """Caught before publishing, not by Pinterest after the post was scheduled."""
    pin = {"board_id": PINTEREST_BOARD, "media_source": {"source_type": "image_url", "url": "u"}}
    request = httpx.Request(
        "POST", f"{API}/pins", headers={"Authorization": "Bearer t"}, json={**pin, **options}
    )

    assert CONTRACT.problems(request, CONTRACT.scopes) != []
    assert connector.validate(content(image("a.jpg"), **options)) != []


def test_the_table_ci_checks_against_agrees_with_the_description():
    """tables/pinterest.py stands in for this description where it is absent (CI)."""
    assert disagreements(table.ENDPOINTS, CONTRACT) == []
