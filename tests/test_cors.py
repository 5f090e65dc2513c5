"""Browser clients: only the origins in CRIER_CORS_ORIGINS get CORS answers."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

ORIGIN = "https://app.example.com"


@pytest.fixture
def allowed(settings):
    settings.CORS_ALLOWED_ORIGINS = [ORIGIN]


def preflight(path: str, origin: str, headers: str):
    return Client().options(
        path,
        HTTP_ORIGIN=origin,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="PUT",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS=headers,
    )


@pytest.mark.parametrize(
    ("path", "headers"),
    [
        ("/api/v1/create-post", "x-publora-key,content-type"),
        ("/uploads/some-signed-token", "content-type"),
        ("/public/v1/posts", "authorization,content-type"),
    ],
)
def test_an_allowed_origin_may_call_the_api_and_upload(allowed, path, headers):
    response = preflight(path, ORIGIN, headers)
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == ORIGIN
    for header in headers.split(","):
        assert header in response["Access-Control-Allow-Headers"]


def test_another_origin_gets_no_cors_headers(allowed):
    response = preflight("/api/v1/create-post", "https://evil.example", "x-publora-key")
    assert "Access-Control-Allow-Origin" not in response


def test_by_default_no_origin_is_allowed():
    response = preflight("/api/v1/accounts", ORIGIN, "authorization")
    assert "Access-Control-Allow-Origin" not in response


def test_the_rate_limit_headers_are_readable_by_the_browser(allowed, owner):
    response = owner.client.get("/api/v1/accounts", HTTP_ORIGIN=ORIGIN)
    assert response["Access-Control-Allow-Origin"] == ORIGIN
    assert "X-RateLimit-Remaining" in response["Access-Control-Expose-Headers"]
