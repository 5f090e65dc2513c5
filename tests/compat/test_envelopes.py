"""Errors raised before any view runs still speak the caller's dialect."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("path", "headers", "body"),
    [
        (
            "/public/v1/posts?q=%00",
            {"HTTP_AUTHORIZATION": "k"},
            {"msg": "The URL contains a NUL character."},
        ),
        (
            "/api/v1/create-post?q=%00",
            {"HTTP_X_PUBLORA_KEY": "k"},
            {"success": False, "error": "The URL contains a NUL character."},
        ),
        (
            "/api/v1/get-upload-url?q=%00",
            {"HTTP_X_API_KEY": "k"},
            {"success": False, "error": "The URL contains a NUL character."},
        ),
        (
            "/api/v1/content?q=%00",
            {"HTTP_X_API_KEY": "k"},
            {"error": "validation_error", "message": "The URL contains a NUL character."},
        ),
        (
            "/api/v1/content?q=%00",
            {"HTTP_AUTHORIZATION": "Bearer-API k", "HTTP_X_API_KEY": "k"},
            {"errors": ["The URL contains a NUL character."]},
        ),
    ],
)
def test_a_refused_url_uses_the_dialect_envelope(path, headers, body):
    response = Client().get(path, **headers)
    assert response.status_code == 400
    assert response.json() == body


def test_an_oversized_postiz_body_is_a_413_in_msg_form(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    response = Client().post(
        "/public/v1/posts", data="x" * 200, content_type="application/json", HTTP_AUTHORIZATION="k"
    )
    assert response.status_code == 413
    assert response.json() == {"msg": "Request body is 200 bytes; the limit is 100 bytes."}


def test_an_unknown_postiz_route_is_a_404_in_msg_form():
    response = Client().get("/public/v1/nowhere", HTTP_AUTHORIZATION="k")
    assert response.status_code == 404
    assert response.json() == {"msg": "No route for GET /public/v1/nowhere."}
