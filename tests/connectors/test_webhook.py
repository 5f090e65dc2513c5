"""Webhook connector: the signed POST a receiver gets, and how its answers are read.

Signatures are checked with the `standardwebhooks` library's own verifier, as a receiver
following https://github.com/standard-webhooks/standard-webhooks would do.
"""

from __future__ import annotations

import base64
import json
import socket

import httpx
import pytest
from standardwebhooks import Webhook

from connectors.base import Content, Credentials, MediaItem, Published
from connectors.errors import (
    AuthExpired,
    PermanentError,
    RateLimited,
    RefreshRefused,
    TransientError,
)
from connectors.registry import connector_class
from connectors.webhook import WebhookConnector
from tests.dns import FakeNetwork, addrinfo
from tests.receiver import Receiver

URL = "https://hooks.example.com/catch/123/abc"
ADDRESS = "93.184.215.14"  # what hooks.example.com resolves to in these tests
SECRET = "whsec_" + base64.b64encode(b"k" * 32).decode()


@pytest.fixture
def connector():
    with WebhookConnector(timeout=5) as connector:
        yield connector


@pytest.fixture
def credentials() -> Credentials:
    return Credentials(external_id="hook-1", access_token=SECRET, extra={"url": URL})


@pytest.fixture
def resolves_to(monkeypatch):
    """Point DNS at chosen addresses, in order (the suite never uses the real resolver)."""

    def point(*addresses: str) -> None:
        def getaddrinfo(host, port, *args, **kwargs):
            return addrinfo(port, *addresses)

        monkeypatch.setattr("core.netguard.socket.getaddrinfo", getaddrinfo)

    point(ADDRESS)
    return point


@pytest.fixture(autouse=True)
def public_dns(resolves_to):
    return resolves_to


def post() -> Content:
    return Content(
        text="Launch day",
        idempotency_key="delivery-42",
        media=(
            MediaItem(
                url="https://crier.test/m/1.png",
                mime_type="image/png",
                width=800,
                height=600,
                alt_text="A rocket",
            ),
            MediaItem(url="https://crier.test/m/2.mp4", mime_type="video/mp4", duration=12.5),
        ),
        thread=("Follow-up",),
        options={"data": {"channel": "blog"}},
    )


def test_registry_entry_is_the_webhook_connector():
    cls = connector_class("webhook")

    assert cls is WebhookConnector
    assert cls.idempotent is True
    assert cls.connect_fields == ("url", "signing_secret")
    assert cls.limits.max_thread_items == 50


def test_publish_posts_the_content_signed_with_standard_webhooks_headers(
    connector, credentials, respx_mock
):
    route = respx_mock.post(URL).respond(200, json={"id": "wp-77", "url": "https://blog.test/77"})

    published = connector.publish(post(), credentials)

    request = route.calls.last.request
    assert request.headers["content-type"] == "application/json"
    assert request.headers["webhook-id"] == "delivery-42"
    assert "authorization" not in request.headers
    body = json.loads(request.content)
    assert body == {
        "type": "post.publish",
        "timestamp": body["timestamp"],
        "data": {
            "idempotency_key": "delivery-42",
            "text": "Launch day",
            "thread": ["Follow-up"],
            "media": [
                {
                    "url": "https://crier.test/m/1.png",
                    "mime_type": "image/png",
                    "alt_text": "A rocket",
                    "width": 800,
                    "height": 600,
                },
                {"url": "https://crier.test/m/2.mp4", "mime_type": "video/mp4", "duration": 12.5},
            ],
            "options": {"data": {"channel": "blog"}},
            "reply_to": None,
        },
    }
    assert body["timestamp"].endswith("Z")
    assert request.headers["host"] == "hooks.example.com"
    # A receiver verifying with the same secret accepts exactly these bytes and headers.
    assert Webhook(SECRET).verify(request.content, dict(request.headers)) == body
    assert published == Published(
        state="published", external_id="wp-77", url="https://blog.test/77"
    )


def test_a_delayed_thread_item_names_the_post_it_answers(connector, credentials, respx_mock):
    route = respx_mock.post(URL).respond(200, json={"id": "wp-78"})

    connector.publish(
        Content(text="Later", idempotency_key="delivery-43", reply_to="wp-77"), credentials
    )

    request = route.calls.last.request
    body = Webhook(SECRET).verify(request.content, dict(request.headers))
    assert body["data"] == {
        "idempotency_key": "delivery-43",
        "text": "Later",
        "thread": [],
        "media": [],
        "options": {},
        "reply_to": "wp-77",
    }


def test_a_signature_made_with_another_secret_does_not_verify(connector, credentials, respx_mock):
    route = respx_mock.post(URL).respond(204)

    connector.publish(post(), credentials)

    other = Webhook(base64.b64encode(b"x" * 32).decode())
    request = route.calls.last.request
    with pytest.raises(Exception, match="No matching signature"):
        other.verify(request.content, dict(request.headers))


def test_retries_of_a_delivery_carry_the_same_webhook_id(connector, credentials, respx_mock):
    route = respx_mock.post(URL).respond(202)

    connector.publish(post(), credentials)
    connector.publish(post(), credentials)

    ids = [call.request.headers["webhook-id"] for call in route.calls]
    assert ids == ["delivery-42", "delivery-42"]


@pytest.mark.parametrize(
    "answer",
    [
        httpx.Response(204),
        httpx.Response(200, text="OK"),
        httpx.Response(200, json={"status": "success"}),
        httpx.Response(200, json={"id": "", "url": "javascript:alert(1)"}),
    ],
)
def test_without_an_id_in_the_answer_the_webhook_id_is_the_post_id(
    connector, credentials, respx_mock, answer
):
    respx_mock.post(URL).mock(return_value=answer)

    published = connector.publish(post(), credentials)

    assert published == Published(state="published", external_id="delivery-42", url=None)


def test_a_numeric_id_in_the_answer_is_kept_as_text(connector, credentials, respx_mock):
    respx_mock.post(URL).respond(201, json={"id": 981})

    assert connector.publish(post(), credentials).external_id == "981"


# --- errors


def test_maps_429_to_rate_limited_with_retry_after(connector, credentials, respx_mock):
    respx_mock.post(URL).respond(429, headers={"Retry-After": "30"}, text="slow down")

    with pytest.raises(RateLimited) as caught:
        connector.publish(post(), credentials)

    assert caught.value.retry_after == 30


@pytest.mark.parametrize(("status", "ambiguous"), [(500, True), (502, True), (503, False)])
def test_server_errors_are_transient(connector, credentials, respx_mock, status, ambiguous):
    respx_mock.post(URL).respond(status, text="oops")

    with pytest.raises(TransientError) as caught:
        connector.publish(post(), credentials)

    assert caught.value.ambiguous is ambiguous


def test_a_timeout_is_ambiguous_but_safe_to_retry_because_receivers_dedupe(
    connector, credentials, respx_mock
):
    respx_mock.post(URL).mock(side_effect=httpx.ReadTimeout("slow"))

    with pytest.raises(TransientError) as caught:
        connector.publish(post(), credentials)

    assert caught.value.ambiguous is True
    assert connector.idempotent is True


def test_a_refused_connection_names_the_host(connector, credentials, respx_mock):
    respx_mock.post(URL).mock(side_effect=httpx.ConnectError("refused"))

    with pytest.raises(TransientError) as caught:
        connector.publish(post(), credentials)

    assert caught.value.ambiguous is False
    assert caught.value.message.startswith("Could not reach hooks.example.com (")


@pytest.mark.parametrize(
    ("status", "body", "message"),
    [
        (400, {"error": "missing field title"}, "missing field title"),
        (404, {"message": "Hook not found"}, "Hook not found"),
        (410, {"detail": "This endpoint is gone"}, "This endpoint is gone"),
        (301, {}, "HTTP 301 Moved Permanently"),
    ],
)
def test_client_errors_are_permanent_with_the_receiver_message(
    connector, credentials, respx_mock, status, body, message
):
    respx_mock.post(URL).respond(status, json=body)

    with pytest.raises(PermanentError) as caught:
        connector.publish(post(), credentials)

    assert caught.value.message == message
    assert not isinstance(caught.value, AuthExpired)


def test_a_refused_signature_needs_a_reconnection(connector, credentials, respx_mock):
    respx_mock.post(URL).respond(401, json={"error": "invalid signature"})

    with pytest.raises(AuthExpired):
        connector.publish(post(), credentials)
    with pytest.raises(RefreshRefused):
        connector.refresh(credentials)


# --- where Crier may send (the guard itself: tests/test_netguard.py, tests/test_egress.py)


@pytest.fixture
def network(monkeypatch) -> FakeNetwork:
    return FakeNetwork(monkeypatch)


@pytest.mark.parametrize("address", ["127.0.0.1", "10.0.0.8", "169.254.169.254", "::1", "fd00::1"])
def test_publish_refuses_private_addresses_before_connecting(
    connector, credentials, network, address
):
    network.answer("hooks.example.com", address)

    with pytest.raises(PermanentError, match="private or reserved") as caught:
        connector.publish(post(), credentials)

    assert caught.value.code == "private_address"
    assert network.connected == []


def test_publish_reaches_a_loopback_receiver_only_with_private_urls_allowed(
    connector, settings, network
):
    with Receiver() as receiver:
        credentials = Credentials(external_id="h", access_token=SECRET, extra={"url": receiver.url})
        with pytest.raises(PermanentError) as caught:
            connector.publish(post(), credentials)
        assert caught.value.code == "private_address"
        assert receiver.received == []

        settings.CRIER_ALLOW_PRIVATE_URLS = True
        published = connector.publish(post(), credentials)

    assert published.external_id == "delivery-42"
    assert len(receiver.received) == 1


def test_an_unresolvable_host_at_publish_is_transient_and_sent_nothing(
    connector, credentials, network
):
    with pytest.raises(TransientError) as caught:
        connector.publish(post(), credentials)

    assert (caught.value.ambiguous, caught.value.code) == (False, "unresolvable_host")
    assert network.connected == []


def test_credentials_in_the_url_go_as_basic_auth_never_in_the_host_header(connector, respx_mock):
    route = respx_mock.post("https://hooks.example.com:8443/hook").respond(204)

    connector.publish(
        post(),
        Credentials(
            external_id="h",
            access_token=SECRET,
            extra={"url": "https://crier:s3cret@hooks.example.com:8443/hook"},
        ),
    )

    request = route.calls.last.request
    assert request.headers["host"] == "hooks.example.com:8443"
    expected = base64.b64encode(b"crier:s3cret").decode()
    assert request.headers["authorization"] == f"Basic {expected}"


# --- connecting


def test_connect_keeps_url_and_secret_and_names_the_account_by_host(connector):
    credentials, profile = connector.connect({"url": f" {URL} ", "signing_secret": SECRET})

    assert credentials.access_token == SECRET
    assert dict(credentials.extra) == {"url": URL}
    # The path may hold the receiver's own token: it is not shown as the account's name.
    assert "abc" not in credentials.external_id
    assert len(credentials.external_id) == 24
    assert profile.external_id == credentials.external_id
    assert profile.username == "hooks.example.com"
    assert profile.display_name == "hooks.example.com"


def test_connect_accepts_a_secret_without_the_prefix(connector):
    raw = base64.b64encode(b"s" * 24).decode().rstrip("=")

    credentials, _ = connector.connect({"url": URL, "signing_secret": raw})

    assert credentials.access_token == raw


@pytest.mark.parametrize(
    "url", ["ftp://hooks.example.com/x", "hooks.example.com/x", "https:///nohost", "file:///etc"]
)
def test_connect_refuses_urls_that_are_not_http(connector, url):
    with pytest.raises(PermanentError, match="http:// or https://"):
        connector.connect({"url": url, "signing_secret": SECRET})


def test_connect_refuses_a_url_with_a_port_out_of_range(connector):
    with pytest.raises(PermanentError) as caught:
        connector.connect({"url": "https://hooks.example.com:99999/x", "signing_secret": SECRET})

    assert caught.value.code == "invalid_url"


@pytest.mark.parametrize(
    "secret", ["whsec_short", "not base64 at all!", "whsec_" + base64.b64encode(b"k" * 8).decode()]
)
def test_connect_refuses_a_secret_that_is_not_a_standard_webhooks_secret(connector, secret):
    with pytest.raises(PermanentError) as caught:
        connector.connect({"url": URL, "signing_secret": secret})

    assert caught.value.code == "invalid_signing_secret"
    assert secret not in caught.value.message


def test_connect_refuses_a_private_target(connector, resolves_to):
    resolves_to("192.168.1.20")

    with pytest.raises(PermanentError, match=r"192\.168\.1\.20"):
        connector.connect({"url": URL, "signing_secret": SECRET})


def test_connect_refuses_a_host_that_does_not_resolve(connector, monkeypatch):
    def fail(*args, **kwargs):
        raise socket.gaierror("Name or service not known")

    monkeypatch.setattr("core.netguard.socket.getaddrinfo", fail)

    with pytest.raises(PermanentError, match="cannot be resolved"):
        connector.connect({"url": URL, "signing_secret": SECRET})


# --- validation


def test_validate_accepts_threads_and_a_data_object(connector):
    assert connector.validate(post()) == []


@pytest.mark.parametrize(
    ("options", "code"),
    [({"data": "text"}, "option_type"), ({"topic": "x"}, "unknown_option")],
)
def test_validate_checks_options(connector, options, code):
    item = Content(text="x", idempotency_key="k", options=options)

    assert [problem.code for problem in connector.validate(item)] == [code]
