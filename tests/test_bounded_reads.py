"""Bounded reads: a reply from a host a user chose is read only up to a cap on its decoded
size and within an overall deadline, in the web process and in workers alike.

A real HTTP server on 127.0.0.1 serves (a) a 50 MiB body, (b) a gzip bomb (some 300 KiB
that unpack to 300 MiB) and (c) a body dripped a byte at a time. The assertions are on
what was read and sent (bytes, tracemalloc's peak), never on wall-clock time.
"""

from __future__ import annotations

import io
import threading
import time
import tracemalloc
import zlib
from collections.abc import Iterator
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone

from connectors.base import Content, Credentials
from connectors.errors import PermanentError, TransientError
from connectors.http import API_MAX_BYTES
from connectors.mastodon import MastodonConnector
from connectors.webhook import WebhookConnector
from media import fetching
from webhooks.models import (
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookMessage,
    new_signing_secret,
)
from webhooks.services import webhook_send

MIB = 1024 * 1024
BIG = 50 * MIB
BOMB = 300 * MIB
CHUNK = 64 * 1024
DRIP_INTERVAL = 0.02  # seconds between dripped bytes
SECRET = "whsec_" + "a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U="


@cache
def gzip_bomb() -> bytes:
    """300 MiB of zeros, gzip-compressed chunk by chunk (never whole in memory)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)  # 31: the gzip container
    zeros = bytes(MIB)
    return b"".join(packer.compress(zeros) for _ in range(BOMB // MIB)) + packer.flush()


class _Server(ThreadingHTTPServer):
    """Answers every request (any path: Mastodon's API lives at the root) with `kind`."""

    daemon_threads = True

    def __init__(self, kind: str) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.kind = kind
        self.sent = 0  # body bytes written before the client stopped reading

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        self._answer()

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self._answer()

    def _answer(self) -> None:
        kind = self.server.kind
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        try:
            if kind == "big":
                self.send_header("Content-Length", str(BIG))
                self.end_headers()
                chunk = b" " * CHUNK  # the same chunk again and again: little memory here
                for _ in range(BIG // CHUNK):
                    self._write_all(chunk, CHUNK)
            elif kind == "bomb":
                body = gzip_bomb()
                self.send_header("Content-Encoding", "gzip")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self._write_all(body, CHUNK)
            else:
                self.send_header("Content-Length", str(MIB))
                self.end_headers()
                for _ in range(MIB):
                    self._write_all(b" ", 1)
                    time.sleep(DRIP_INTERVAL)
        except OSError:
            pass  # the client stopped reading and closed: what the tests want

    def _write_all(self, body: bytes, size: int) -> None:
        view = memoryview(body)
        for start in range(0, len(body), size):
            self.wfile.write(view[start : start + size])
            self.wfile.flush()
            self.server.sent += len(view[start : start + size])

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def servers() -> Iterator[dict[str, _Server]]:
    gzip_bomb()  # made before any test measures memory
    running = {kind: _Server(kind) for kind in ("big", "bomb", "drip")}
    for server in running.values():
        threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    yield running
    for server in running.values():
        server.shutdown()
        server.server_close()


def connect_mastodon(base: str, timeout: float = 5.0) -> None:
    with MastodonConnector(timeout=timeout) as connector:
        connector.connect({"instance_url": base, "access_token": "token"})


@pytest.mark.parametrize("kind", ["big", "bomb"])
def test_an_oversized_answer_to_a_connect_is_refused_with_memory_bounded(
    servers, private_urls_allowed, kind
):
    server = servers[kind]
    tracemalloc.start()
    try:
        with pytest.raises(PermanentError) as caught:
            connect_mastodon(server.url)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert caught.value.code == "reply_too_large"
    assert caught.value.message == f"The reply from 127.0.0.1 is larger than {API_MAX_BYTES} bytes."
    assert peak < 4 * API_MAX_BYTES  # the body is 50 MiB, or 300 MiB unpacked
    if kind == "big":
        # Reading stopped at the cap: the server got no further than socket buffers allow.
        assert server.sent < BIG // 2


def test_a_dripped_answer_stops_at_the_deadline(servers, private_urls_allowed):
    # A read timeout of 0.5 s never fires (a byte comes every 0.02 s); the exchange's
    # deadline (twice the read timeout) does.
    with pytest.raises(TransientError) as caught:
        connect_mastodon(servers["drip"].url, timeout=0.5)

    assert caught.value.code == "read_timeout"
    assert "deadline" in caught.value.message
    # One second of drip at most: far from the megabyte announced.
    assert servers["drip"].sent < 1 / DRIP_INTERVAL * 5


def test_an_oversized_answer_to_a_connect_is_a_422_in_the_api(owner, servers, settings):
    settings.CRIER_ALLOW_PRIVATE_URLS = True
    response = owner.client.post(
        "/api/v1/accounts",
        {"provider": "mastodon", "instance_url": servers["bomb"].url, "access_token": "t"},
        format="json",
    )

    assert response.status_code == 422, response.content
    assert "is larger than" in response.content.decode()


@pytest.mark.parametrize("kind", ["big", "bomb"])
def test_an_oversized_answer_to_a_publish_is_ambiguous(servers, private_urls_allowed, kind):
    credentials = Credentials(
        external_id="h", access_token=SECRET, extra={"url": f"{servers[kind].url}/hook"}
    )
    with WebhookConnector(timeout=5) as connector, pytest.raises(TransientError) as caught:
        connector.publish(Content(text="Hi", idempotency_key="d-1"), credentials)

    # The receiver got the post and may have acted: only an idempotent retry is safe.
    assert (caught.value.code, caught.value.ambiguous) == ("reply_too_large", True)


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["big", "bomb"])
def test_a_webhook_delivery_reads_only_an_excerpt_of_the_answer(
    workspace, servers, private_urls_allowed, kind
):
    endpoint = WebhookEndpoint.objects.create(
        workspace=workspace,
        url=f"{servers[kind].url}/hook",
        signing={"secret": new_signing_secret()},
    )
    message = WebhookMessage.objects.create(
        workspace=workspace, event="post.published", payload={"type": "post.published"}
    )
    delivery = WebhookDelivery.objects.create(
        message=message, endpoint=endpoint, next_attempt_at=timezone.now()
    )
    tracemalloc.start()
    try:
        webhook_send(delivery_id=delivery.pk)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    attempt = WebhookAttempt.objects.get(delivery=delivery)
    assert (attempt.status_code, attempt.error) == (200, "")
    assert len(attempt.response_excerpt) == 500
    assert peak < 4 * MIB


def test_a_gzip_bomb_fetched_as_media_stops_at_the_size_limit(servers, private_urls_allowed):
    target = io.BytesIO()
    tracemalloc.start()
    try:
        with pytest.raises(fetching.FetchFailed, match="larger than the limit of 1048576"):
            fetching.fetch(f"{servers['bomb'].url}/a.png", target, max_bytes=MIB)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert target.tell() <= MIB
    assert peak < 8 * MIB
