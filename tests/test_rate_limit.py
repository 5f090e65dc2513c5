from __future__ import annotations

import secrets

import pytest
from rest_framework.test import APIClient

from tests.conftest import make_caller
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def test_every_api_response_carries_rate_limit_headers(owner, settings):
    settings.API_RATE_LIMIT = "5/minute"
    response = owner.client.get("/api/v1/users/me")
    assert response["X-RateLimit-Limit"] == "5"
    assert response["X-RateLimit-Remaining"] == "4"


def test_over_the_limit_is_a_429_with_retry_after(owner, workspace, settings):
    settings.API_RATE_LIMIT = "3/minute"
    statuses = [owner.client.get("/api/v1/users/me").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = owner.client.get("/api/v1/users/me")
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert refused["X-RateLimit-Remaining"] == "0"
    assert refused.json()["errors"][0].startswith("Rate limit exceeded: retry in")
    # Another key of the same workspace has its own window.
    other = make_caller(MemberFactory(workspace=workspace))
    assert other.client.get("/api/v1/users/me").status_code == 200


def test_failed_logins_are_limited_per_address(settings, workspace):
    settings.API_FAILED_AUTH_LIMIT = "2/minute"
    # A fresh address per run: the limiter's Redis outlives a single test run.
    client = APIClient(REMOTE_ADDR=f"2001:db8::{secrets.token_hex(2)}:{secrets.token_hex(2)}")
    client.credentials(HTTP_AUTHORIZATION="Bearer-API crier_guess_guess")
    statuses = [client.get("/api/v1/users/me").status_code for _ in range(3)]
    assert statuses == [401, 401, 429]


def guesses(settings, remote_addr: str, forwarded: list[str]) -> list[int]:
    settings.API_FAILED_AUTH_LIMIT = "2/minute"
    statuses = []
    for client_address in forwarded:
        client = APIClient(REMOTE_ADDR=remote_addr, HTTP_X_FORWARDED_FOR=client_address)
        client.credentials(HTTP_AUTHORIZATION="Bearer-API crier_guess_guess")
        statuses.append(client.get("/api/v1/users/me").status_code)
    return statuses


def test_a_forged_forwarded_for_does_not_reset_the_failed_login_count(settings, db):
    # No trusted proxy (the default): the address is REMOTE_ADDR, whatever the header says.
    remote = f"2001:db8::{secrets.token_hex(2)}:{secrets.token_hex(2)}"
    assert guesses(settings, remote, ["198.51.100.1", "198.51.100.2", "198.51.100.3"]) == [
        401,
        401,
        429,
    ]


def test_behind_a_trusted_proxy_failed_logins_count_per_forwarded_client(settings, db):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    proxy = f"2001:db8::{secrets.token_hex(2)}:{secrets.token_hex(2)}"
    guesser, neighbour = (f"2001:db8:1::{secrets.token_hex(2)}" for _ in range(2))
    assert guesses(settings, proxy, [guesser] * 3) == [401, 401, 429]
    # Another client behind the same proxy is not refused for the guesser's failures.
    assert guesses(settings, proxy, [neighbour]) == [401]


def test_a_refused_request_carries_rate_limit_headers_and_counts(viewer, settings):
    settings.API_RATE_LIMIT = "5/minute"
    refused = viewer.client.post("/api/v1/posts/schedule", {}, format="json")
    assert refused.status_code == 403
    assert (refused["X-RateLimit-Limit"], refused["X-RateLimit-Remaining"]) == ("5", "4")
    missing = viewer.client.get("/api/v1/posts/nope")
    assert missing.status_code == 404
    assert missing["X-RateLimit-Remaining"] == "3"
