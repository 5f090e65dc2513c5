"""Every answer under /api/ is JSON in the `{"errors": [...]}` envelope, never HTML or a 500."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def test_unknown_route_is_a_json_404(owner):
    response = owner.client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"errors": ["No route for GET /api/v1/nothing-here."]}


def test_wrong_method_is_a_json_405(owner):
    response = owner.client.put("/api/v1/accounts", {}, format="json")
    assert response.status_code == 405
    assert response.json() == {"errors": ['Method "PUT" not allowed.']}


def test_malformed_json_is_a_400(owner):
    response = owner.client.post(
        "/api/v1/posts/schedule", data="{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["errors"][0].startswith("JSON parse error")


def test_a_lone_surrogate_in_a_json_body_is_a_400(owner):
    # Valid JSON, but no Unicode text: PostgreSQL would refuse it wherever it is stored.
    response = owner.client.post(
        "/api/v1/posts/schedule", data='{"bulk": "\\udfff"}', content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["errors"][0].startswith(
        "JSON parse error - a string holds the lone surrogate U+DFFF"
    )


def test_wrong_content_type_is_a_415(owner):
    response = owner.client.post(
        "/api/v1/posts/schedule", data="bulk=1", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 415
    assert "application/json" in response.json()["errors"][0]


def test_an_oversized_body_is_a_413_before_it_is_read(owner, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = owner.client.post(
        "/api/v1/posts/schedule", data="x" * 2000, content_type="application/json"
    )
    assert response.status_code == 413
    assert response.json() == {"errors": ["Request body is 2000 bytes; the limit is 1000 bytes."]}


def test_a_csrf_or_other_html_error_is_converted(owner):
    client = APIClient(enforce_csrf_checks=True)
    response = client.post("/api/v1/posts/schedule", {}, format="json")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/posting-schedules?account_id=a%00b",
        "/api/v1/posts?%00=1",
        "/api/v1/accounts/ab%00cd",
    ],
)
def test_a_nul_in_the_url_is_a_400_not_a_database_error(owner, url):
    response = owner.client.get(url)
    assert response.status_code == 400
    assert response.json() == {"errors": ["The URL contains a NUL character."]}


def test_a_nul_in_a_json_string_is_refused_by_the_serializer(owner):
    response = owner.client.post(
        "/api/v1/webhooks", {"url": "https://example.com/hook", "description": "a\x00b"}, "json"
    )
    assert response.status_code == 400
    assert "Null characters are not allowed." in str(response.json()["errors"])
