"""The egress test: every code path that sends to a host a user chose is refused before a
connection is opened when that host is private, and no code calls out past the guard.

Each path is run with a name whose (fake) DNS answer is private, or with a private address
literal; `socket.socket.connect` fails the test if anything tries to connect. The content
generator is not here: CRIER_GENERATOR_URL is the operator's (often a local model server),
never a user's, and its client is not guarded (its reads are bounded like every
connector's, tests/test_bounded_reads.py covers that reader).
"""

from __future__ import annotations

import ast
import base64
import io
import socket
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from connectors.base import Content, Credentials
from connectors.bluesky import BlueskyConnector
from connectors.errors import ConnectorError
from connectors.mastodon import MastodonConnector
from connectors.webhook import WebhookConnector
from connectors.wordpress import WordPressConnector
from core.netguard import BlockedURL
from media import fetching
from tests.dns import addrinfo
from webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookMessage, new_signing_secret
from webhooks.services import endpoint_create, webhook_send

PRIVATE = ["127.0.0.1", "10.0.0.1", "100.100.100.200", "::1", "2002:a9fe:a9fe::"]
HOST = "user-chosen.example"
SECRET = "whsec_" + base64.b64encode(b"k" * 32).decode()
POST = Content(text="Hello", idempotency_key="delivery-1")
REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def no_connections(monkeypatch, settings) -> list[object]:
    """Fail on any connection attempt but to the suite's own Redis (the API's throttles)."""
    settings.CRIER_ALLOW_PRIVATE_URLS = False
    redis = urlsplit(settings.REDIS_URL)
    allowed = {
        sockaddr[:2]
        for *_, sockaddr in socket.getaddrinfo(redis.hostname or "localhost", redis.port or 6379)
    }
    attempts: list[object] = []
    real_connect = socket.socket.connect

    def connect(sock: socket.socket, address: object) -> None:
        if isinstance(address, tuple) and address[:2] in allowed:
            return real_connect(sock, address)
        attempts.append(address)
        raise AssertionError(f"a connection to {address} was opened past the egress guard")

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect)
    return attempts


@pytest.fixture(params=PRIVATE)
def private_host(request, monkeypatch) -> str:
    """A user's host name whose DNS answer is one private address."""

    resolve = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host == HOST:
            return addrinfo(port, request.param)
        return resolve(host, port, *args, **kwargs)  # the suite's Redis, as named

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return HOST


def refused(call: Callable[[], object]) -> str:
    """Run `call`, which must be refused by the guard; the refusal's message."""
    with pytest.raises((ConnectorError, BlockedURL, fetching.FetchFailed)) as caught:
        call()
    error = caught.value
    message = error.message if isinstance(error, ConnectorError) else str(error)
    assert "private or reserved address" in message, message
    if isinstance(error, ConnectorError):
        assert error.code == "private_address"
    return message


def mastodon(host: str) -> Credentials:
    return Credentials(external_id="1", access_token="t", extra={"instance_url": f"https://{host}"})


def bluesky(host: str) -> Credentials:
    return Credentials(
        external_id="did:plc:ada",
        access_token="a",
        refresh_token="r",
        extra={"service_url": f"https://{host}", "pds_url": f"https://{host}"},
    )


def wordpress(host: str) -> Credentials:
    site = f"https://{host}"
    return Credentials(
        external_id=f"{site}#user-1", access_token="p", extra={"site_url": site, "username": "u"}
    )


CONNECTOR_PATHS: dict[str, Callable[[str], object]] = {
    "mastodon connect": lambda host: MastodonConnector().connect(
        {"instance_url": host, "access_token": "t"}
    ),
    "mastodon publish": lambda host: MastodonConnector().publish(POST, mastodon(host)),
    "mastodon post metrics": lambda host: MastodonConnector().post_metrics("9", mastodon(host)),
    "mastodon account metrics": lambda host: MastodonConnector().account_metrics(mastodon(host)),
    "bluesky connect": lambda host: BlueskyConnector().connect(
        {"handle": "ada.example", "app_password": "pw", "service_url": host}
    ),
    "bluesky publish": lambda host: BlueskyConnector().publish(POST, bluesky(host)),
    "bluesky refresh": lambda host: BlueskyConnector().refresh(bluesky(host)),
    "bluesky post metrics": lambda host: BlueskyConnector().post_metrics("at://x", bluesky(host)),
    "wordpress connect": lambda host: WordPressConnector().connect(
        {"site_url": f"https://{host}", "username": "u", "application_password": "p"}
    ),
    "wordpress publish": lambda host: WordPressConnector().publish(POST, wordpress(host)),
    "webhook connector connect": lambda host: WebhookConnector().connect(
        {"url": f"https://{host}/hook", "signing_secret": SECRET}
    ),
    "webhook connector publish": lambda host: WebhookConnector().publish(
        POST, Credentials(external_id="h", access_token=SECRET, extra={"url": f"http://{host}/h"})
    ),
    "media from-URL check": lambda host: fetching.check_source(f"https://{host}/a.png"),
    "media from-URL fetch": lambda host: fetching.fetch(
        f"https://{host}/a.png", io.BytesIO(), max_bytes=1000
    ),
}


@pytest.mark.parametrize("path", CONNECTOR_PATHS)
def test_a_user_chosen_host_that_resolves_privately_is_refused_before_connecting(
    path, private_host, no_connections
):
    refused(lambda: CONNECTOR_PATHS[path](private_host))

    assert no_connections == []


@pytest.mark.parametrize("path", CONNECTOR_PATHS)
@pytest.mark.parametrize("literal", ["127.0.0.1:8080", "[::1]", "169.254.169.254"])
def test_a_private_address_literal_is_refused_before_connecting(path, literal, no_connections):
    refused(lambda: CONNECTOR_PATHS[path](literal))

    assert no_connections == []


@pytest.mark.django_db
def test_crier_webhook_endpoints_and_deliveries_to_a_private_host_are_refused(
    workspace, private_host, no_connections
):
    url = f"https://{private_host}/hook"
    refused(lambda: endpoint_create(workspace=workspace, url=url, events=["post.published"]))
    # One stored before its host resolved privately (DNS rebinding) is refused when sent.
    endpoint = WebhookEndpoint.objects.create(
        workspace=workspace, url=url, signing={"secret": new_signing_secret()}
    )
    message = WebhookMessage.objects.create(
        workspace=workspace, event="post.published", payload={"type": "post.published"}
    )
    delivery = WebhookDelivery.objects.create(
        message=message, endpoint=endpoint, next_attempt_at=timezone.now()
    )

    webhook_send(delivery_id=delivery.pk)

    delivery.refresh_from_db()
    assert "private or reserved address" in delivery.last_error
    assert no_connections == []


def test_a_pds_named_by_the_did_document_is_checked_too(respx_mock, monkeypatch, no_connections):
    # The entryway (played by respx) answers with a DID document naming a private PDS;
    # requests to that PDS pass through to the real transport, where the guard runs.
    def getaddrinfo(host, port, *args, **kwargs):
        return addrinfo(port, "169.254.169.254")

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    respx_mock.post("https://bsky.example/xrpc/com.atproto.server.createSession").respond(
        200,
        json={
            "did": "did:plc:ada",
            "handle": "ada.example",
            "accessJwt": "a.e30.s",
            "refreshJwt": "r",
            "didDoc": {
                "service": [
                    {"id": "#atproto_pds", "serviceEndpoint": "https://pds.internal.example"}
                ]
            },
        },
    )
    respx_mock.route(host="pds.internal.example").pass_through()

    with BlueskyConnector() as connector:
        credentials, _ = connector.connect(
            {"handle": "ada.example", "app_password": "pw", "service_url": "bsky.example"}
        )
        refused(lambda: connector.publish(POST, credentials))

    assert credentials.extra["pds_url"] == "https://pds.internal.example"
    assert no_connections == []


@pytest.mark.django_db
def test_a_mastodon_connect_to_a_private_host_answers_422_without_anything_of_it(
    owner, private_host, no_connections
):
    response = owner.client.post(
        "/api/v1/accounts",
        {"provider": "mastodon", "instance_url": private_host, "access_token": "t"},
        format="json",
    )

    assert response.status_code == 422
    assert "private or reserved address" in response.content.decode()
    assert no_connections == []


# --- no way out past the guard --------------------------------------------------------------

# The one module that builds outbound clients (core.netguard.client); tests and benchmarks
# talk to local servers of their own.
FACTORY = {"core/netguard.py"}
SCANNED = ["accounts", "analytics", "compat", "config", "connectors", "media", "planning"]
SCANNED += ["posts", "webhooks"]
# Calls that open a connection without the guard, by the dotted name they are called as.
DIRECT_CALLS = {
    f"httpx.{name}"
    for name in (
        *("Client", "AsyncClient", "HTTPTransport", "AsyncHTTPTransport", "request"),
        *("get", "post", "put", "patch", "delete", "head", "options", "stream"),
    )
}
DIRECT_CALLS |= {"httpcore.ConnectionPool", "httpcore.SyncBackend", "socket.create_connection"}
DIRECT_MODULES = {"urllib.request", "requests", "http.client", "urllib3", "aiohttp", "pycurl"}


def _dotted(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return ""


def _direct_module(name: str) -> bool:
    return any(name == module or name.startswith(f"{module}.") for module in DIRECT_MODULES)


def direct_outbound_calls(source: str) -> list[str]:
    """What in `source` opens connections without core.netguard.client."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and _dotted(node.func) in DIRECT_CALLS:
            found.append(f"line {node.lineno}: {_dotted(node.func)}(")
        elif isinstance(node, ast.Import):
            found += [
                f"line {node.lineno}: import {alias.name}"
                for alias in node.names
                if _direct_module(alias.name)
            ]
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported = [f"{node.module}.{alias.name}" for alias in node.names]
            if _direct_module(node.module) or any(
                name in DIRECT_CALLS or _direct_module(name) for name in imported
            ):
                found.append(f"line {node.lineno}: from {node.module} import ...")
    return found


def test_no_code_calls_out_past_the_egress_guard():
    offenders = {
        str(path.relative_to(REPO)): calls
        for folder in SCANNED
        for path in sorted((REPO / folder).rglob("*.py"))
        if str(path.relative_to(REPO)) not in FACTORY
        and (calls := direct_outbound_calls(path.read_text()))
    }

    assert offenders == {}


@pytest.mark.parametrize(
    "source",
    [
        "import httpx\nhttpx.Client(timeout=5)",
        "import httpx\nhttpx.get('https://example.com')",
        "from urllib.request import urlopen",
        "import requests",
        "import socket\nsocket.create_connection(('example.com', 443))",
        "from httpx import Client",
    ],
)
def test_the_scan_finds_a_new_direct_call(source):
    assert direct_outbound_calls(source)
