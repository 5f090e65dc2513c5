"""Sending a webhook: the POST goes to the address the SSRF guard checked, not a new lookup."""

from __future__ import annotations

import ipaddress
import socket
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
import time_machine
from django.utils import timezone

from config import netguard
from tests.dns import addrinfo
from webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookMessage, new_signing_secret
from webhooks.services import check_target, webhook_send

pytestmark = pytest.mark.django_db

ADDRESS = "93.184.215.14"


@pytest.fixture(autouse=True)
def private_targets_refused(settings) -> None:
    settings.CRIER_ALLOW_PRIVATE_WEBHOOKS = False


@pytest.fixture
def rebinding_dns(monkeypatch) -> Callable[[str], list[str]]:
    """DNS that answers `first` once, then 127.0.0.1 for that name ever after (rebinding);
    an address literal resolves to itself, as the system resolver does."""

    def install(first: str) -> list[str]:
        lookups: list[str] = []

        def getaddrinfo(host, port, *args, **kwargs):
            try:
                address = str(ipaddress.ip_address(host))
            except ValueError:
                lookups.append(host)
                address = first if len(lookups) == 1 else "127.0.0.1"
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

        monkeypatch.setattr(netguard.socket, "getaddrinfo", getaddrinfo)
        return lookups

    return install


def pending_delivery(workspace, url: str) -> WebhookDelivery:
    endpoint = WebhookEndpoint.objects.create(
        workspace=workspace, url=url, signing={"secret": new_signing_secret()}
    )
    message = WebhookMessage.objects.create(
        workspace=workspace, event="post.published", payload={"type": "post.published"}
    )
    return WebhookDelivery.objects.create(
        message=message, endpoint=endpoint, next_attempt_at=timezone.now()
    )


def test_it_posts_to_the_checked_address_with_the_host_name_for_http_and_tls(
    workspace, respx_mock, rebinding_dns
):
    lookups = rebinding_dns(ADDRESS)
    route = respx_mock.post(f"https://{ADDRESS}/hook").respond(204)
    delivery = pending_delivery(workspace, "https://hooks.example.com/hook")

    webhook_send(delivery_id=delivery.pk)

    assert lookups == ["hooks.example.com"]
    request = route.calls.last.request
    assert request.headers["host"] == "hooks.example.com"
    assert request.extensions["sni_hostname"] == "hooks.example.com"
    assert request.headers["webhook-id"] == delivery.message.pk
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.SUCCEEDED


def test_a_name_that_now_resolves_to_loopback_is_refused_and_nothing_is_sent(
    workspace, respx_mock, rebinding_dns
):
    rebinding_dns(ADDRESS)
    check_target("https://hooks.example.com/hook")  # passed when the endpoint was created
    delivery = pending_delivery(workspace, "https://hooks.example.com/hook")

    webhook_send(delivery_id=delivery.pk)

    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.PENDING  # retried later
    assert delivery.last_error == (
        "The host hooks.example.com resolves to 127.0.0.1, a private or reserved address; "
        "Crier does not call those."
    )
    assert not respx_mock.calls


class _Recorder(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, host: str) -> None:
        super().__init__((host, 0), _Handler)
        self.hosts: list[str] = []


class _Handler(BaseHTTPRequestHandler):
    server: _Recorder

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.server.hosts.append(self.headers["Host"])
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def test_it_posts_to_the_next_checked_address_when_the_first_cannot_be_reached(
    workspace, respx_mock, monkeypatch
):
    def getaddrinfo(host, port, *args, **kwargs):
        return addrinfo(port, "151.101.1.140", ADDRESS)

    monkeypatch.setattr(netguard.socket, "getaddrinfo", getaddrinfo)
    down = respx_mock.post("https://151.101.1.140/hook").mock(
        side_effect=httpx.ConnectError("refused")
    )
    route = respx_mock.post(f"https://{ADDRESS}/hook").respond(204)
    delivery = pending_delivery(workspace, "https://hooks.example.com/hook")

    webhook_send(delivery_id=delivery.pk)

    assert (down.call_count, route.call_count) == (1, 1)
    request = route.calls.last.request
    assert request.headers["host"] == "hooks.example.com"
    assert request.extensions["sni_hostname"] == "hooks.example.com"
    delivery.refresh_from_db()
    assert (delivery.status, delivery.last_error) == (WebhookDelivery.Status.SUCCEEDED, "")
    assert delivery.attempts == 1


def test_over_the_wire_the_connection_goes_to_the_checked_address(
    workspace, rebinding_dns, monkeypatch
):
    # 127.0.0.2 plays the public first answer; nothing listens on 127.0.0.1, the later
    # answer, so a second lookup by the HTTP client would fail the delivery.
    public = ipaddress.ip_address("127.0.0.2")
    monkeypatch.setattr(netguard, "_is_public", lambda address: address == public)
    lookups = rebinding_dns("127.0.0.2")
    server = _Recorder("127.0.0.2")
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    port = server.server_address[1]
    delivery = pending_delivery(workspace, f"http://hooks.example.com:{port}/hook")
    try:
        webhook_send(delivery_id=delivery.pk)
    finally:
        server.shutdown()
        server.server_close()

    delivery.refresh_from_db()
    assert (delivery.status, delivery.last_error) == (WebhookDelivery.Status.SUCCEEDED, "")
    assert lookups == ["hooks.example.com"]
    assert server.hosts == [f"hooks.example.com:{port}"]


def test_each_failed_attempt_waits_twice_as_long_as_the_one_before(workspace, settings, respx_mock):
    """The backoff as scheduled (next_attempt_at), with the clock standing still: the
    end-to-end test with real processes can only bound the waits from below, because
    beat's dispatch ticks add their own delay on a busy machine."""
    settings.CRIER_ALLOW_PRIVATE_WEBHOOKS = True
    settings.CRIER_WEBHOOK_RETRY_BASE = 1
    settings.CRIER_WEBHOOK_MAX_ATTEMPTS = 4
    receiver = respx_mock.post("http://127.0.0.1:9/hook").respond(500)
    delivery = pending_delivery(workspace, "http://127.0.0.1:9/hook")
    delays = []

    with time_machine.travel(timezone.now(), tick=False) as clock:
        for _ in range(4):
            webhook_send(delivery_id=delivery.pk)
            delivery.refresh_from_db()
            if delivery.next_attempt_at is not None:
                delays.append((delivery.next_attempt_at - timezone.now()).total_seconds())
                clock.move_to(delivery.next_attempt_at)

    assert delays == [1, 2, 4]
    assert receiver.call_count == 4
    assert (delivery.status, delivery.attempts) == (WebhookDelivery.Status.FAILED, 4)
    assert delivery.last_error == "The endpoint answered 500."
