"""What every dialect must hold alike: credential-bearing URLs shown only as `url_shown`
allows, and failed authentications counted per client address."""

from __future__ import annotations

import base64
import secrets
import socket

import pytest
from rest_framework.test import APIClient

from tests.conftest import Caller
from tests.dns import addrinfo

pytestmark = pytest.mark.django_db

HOOK_HOST = "hooks.zapier.example"
PATH_TOKEN = "pathtoken4f9c2e7a"  # made up, as a Zapier URL carries one
QUERY_TOKEN = "querytoken81d0b3"
HOOK_URL = f"https://{HOOK_HOST}/hooks/catch/123/{PATH_TOKEN}/?token={QUERY_TOKEN}"
SIGNING_SECRET = "whsec_" + base64.b64encode(b"k" * 32).decode()

# How each dialect's client sends a key, and where it lists accounts.
DIALECT_KEYS = {
    "native": lambda secret: {"HTTP_AUTHORIZATION": f"Bearer-API {secret}"},
    "publora": lambda secret: {"HTTP_X_PUBLORA_KEY": secret},
    "postiz": lambda secret: {"HTTP_AUTHORIZATION": secret},
    "repostra": lambda secret: {"HTTP_X_API_KEY": secret},
}
ACCOUNT_LISTS = {
    "native": "/api/v1/accounts",
    "publora": "/api/v1/platform-connections",
    "postiz": "/public/v1/integrations",
    "repostra": "/api/v1/social-accounts",
}


def dialect_client(dialect: str, secret: str, address: str = "127.0.0.1") -> APIClient:
    client = APIClient(REMOTE_ADDR=address)
    client.credentials(**DIALECT_KEYS[dialect](secret))
    return client


@pytest.fixture
def hook_account(owner: Caller, monkeypatch) -> None:
    """A webhook account connected the native way, its host resolving to a public address
    (fake DNS: connecting only checks the address, it sends nothing)."""
    resolve = socket.getaddrinfo

    def getaddrinfo(host: str, port: int, *args: object, **kwargs: object) -> list[tuple]:
        # Only the hook's name is faked: Redis on loopback is still looked up for real.
        if host == HOOK_HOST:
            return addrinfo(port, "93.184.215.14")
        return resolve(host, port, *args, **kwargs)

    monkeypatch.setattr("core.netguard.socket.getaddrinfo", getaddrinfo)
    response = owner.client.post(
        "/api/v1/accounts",
        {"provider": "webhook", "url": HOOK_URL, "signing_secret": SIGNING_SECRET},
        format="json",
    )
    assert response.status_code == 201, response.json()


@pytest.mark.parametrize("dialect", ACCOUNT_LISTS)
def test_account_lists_show_only_the_host_of_a_webhook_url_to_a_viewer(
    dialect, hook_account, viewer
):
    response = dialect_client(dialect, viewer.secret).get(ACCOUNT_LISTS[dialect])
    assert response.status_code == 200, response.content
    text = response.content.decode()
    assert HOOK_HOST in text
    assert PATH_TOKEN not in text
    assert QUERY_TOKEN not in text
    assert "/hooks/catch" not in text


# -- failed authentications ------------------------------------------------------------------

# A route each dialect answers 200 for any key of the workspace.
KEY_CHECKS = {
    "native": "/api/v1/users/me",
    "publora": "/api/v1/platform-connections",
    "postiz": "/public/v1/is-connected",
    "repostra": "/api/v1/social-accounts",
}
RATE_LIMITED = {
    "native": lambda body: body["errors"][0].startswith("Rate limit exceeded"),
    "publora": lambda body: (
        body["success"] is False and body["error"].startswith("Rate limit exceeded")
    ),
    "postiz": lambda body: body["msg"].startswith("Rate limit exceeded"),
    "repostra": lambda body: (
        body["error"] == "rate_limited" and body["message"].startswith("Rate limit exceeded")
    ),
}


def fresh_address() -> str:
    # The limiter's Redis outlives a test run: every run guesses from new addresses.
    return f"2001:db8::{secrets.token_hex(2)}:{secrets.token_hex(2)}"


@pytest.mark.parametrize("dialect", KEY_CHECKS)
def test_failed_authentications_are_limited_per_address_without_locking_the_key_out(
    dialect, owner, settings
):
    settings.API_FAILED_AUTH_LIMIT = "2/minute"
    route, guesser = KEY_CHECKS[dialect], fresh_address()

    answers = [dialect_client(dialect, "crier_guessed_wrong", guesser).get(route) for _ in range(3)]

    assert [answer.status_code for answer in answers] == [401, 401, 429]
    refused = answers[-1]
    assert RATE_LIMITED[dialect](refused.json()), refused.json()
    assert 1 <= int(refused["Retry-After"]) <= 60
    # The key works from any other address: the guesser cannot lock it out.
    assert dialect_client(dialect, owner.secret, fresh_address()).get(route).status_code == 200
    # From the refused address even a good key gets the 429, before it is checked: a
    # guess there cannot tell a right key from a wrong one.
    again = dialect_client(dialect, owner.secret, guesser).get(route)
    assert again.status_code == 429
    assert RATE_LIMITED[dialect](again.json()), again.json()
