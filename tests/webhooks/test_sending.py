"""Sending a webhook: the POST goes to an address the egress guard checked as it connected."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import time_machine
from django.utils import timezone

from tests.dns import FakeNetwork
from webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookMessage, new_signing_secret
from webhooks.services import check_target, webhook_send

pytestmark = pytest.mark.django_db

ADDRESS = "93.184.215.14"


@pytest.fixture(autouse=True)
def private_targets_refused(settings) -> None:
    settings.CRIER_ALLOW_PRIVATE_URLS = False


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


class _Recorder(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.hosts: list[str] = []
        self.bodies: list[bytes] = []


class _Handler(BaseHTTPRequestHandler):
    server: _Recorder

    def do_POST(self) -> None:
        self.server.bodies.append(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
        self.server.hosts.append(self.headers["Host"])
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def receiver() -> Iterator[_Recorder]:
    server = _Recorder()
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def network(monkeypatch) -> FakeNetwork:
    return FakeNetwork(monkeypatch)


def test_it_connects_to_the_checked_address_with_the_host_name_in_the_host_header(
    workspace, network, receiver
):
    network.answer("hooks.example.com", ADDRESS)
    network.route(ADDRESS, receiver.server_address[1])
    port = receiver.server_address[1]
    delivery = pending_delivery(workspace, f"http://hooks.example.com:{port}/hook")

    webhook_send(delivery_id=delivery.pk)

    delivery.refresh_from_db()
    assert (delivery.status, delivery.last_error) == (WebhookDelivery.Status.SUCCEEDED, "")
    assert network.connected == [ADDRESS]
    assert receiver.hosts == [f"hooks.example.com:{port}"]


def test_a_name_that_now_resolves_to_loopback_is_refused_and_nothing_is_sent(workspace, network):
    network.answer("hooks.example.com", ADDRESS)
    check_target("https://hooks.example.com/hook")  # passed when the endpoint was created
    network.answer("hooks.example.com", "127.0.0.1")
    delivery = pending_delivery(workspace, "https://hooks.example.com/hook")

    webhook_send(delivery_id=delivery.pk)

    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.PENDING  # retried later
    assert delivery.last_error == (
        "The host hooks.example.com resolves to 127.0.0.1, a private or reserved address; "
        "Crier does not call those."
    )
    assert network.connected == []


def test_it_posts_to_the_next_checked_address_when_the_first_cannot_be_reached(
    workspace, network, receiver
):
    network.answer("hooks.example.com", "151.101.1.140", ADDRESS)
    network.route(ADDRESS, receiver.server_address[1])
    delivery = pending_delivery(workspace, "http://hooks.example.com/hook")

    webhook_send(delivery_id=delivery.pk)

    assert network.connected == ["151.101.1.140", ADDRESS]
    delivery.refresh_from_db()
    assert (delivery.status, delivery.last_error) == (WebhookDelivery.Status.SUCCEEDED, "")
    assert delivery.attempts == 1
    assert len(receiver.bodies) == 1


def test_each_failed_attempt_waits_twice_as_long_as_the_one_before(workspace, settings, respx_mock):
    """The backoff as scheduled (next_attempt_at), with the clock standing still: the
    end-to-end test with real processes can only bound the waits from below, because
    beat's dispatch ticks add their own delay on a busy machine."""
    settings.CRIER_ALLOW_PRIVATE_URLS = True
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
