"""Abuse: one key hammering the API is limited alone; oversized bodies are refused unread."""

from __future__ import annotations

import socket
import time
from urllib.parse import urlsplit

import pytest

from tests.conftest import make_caller
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

LIMIT = 100
WINDOW = 60  # seconds: "per minute"
TEN_MB = 10 * 1024 * 1024


def test_a_thousand_requests_from_one_key_get_429s_with_retry_after_and_spare_other_keys(
    owner, workspace, settings
):
    settings.API_RATE_LIMIT = f"{LIMIT}/minute"
    bystander = make_caller(MemberFactory(workspace=workspace))
    first_sent = first_answered = time.time()
    statuses, retry_afters = [], []
    for n in range(1000):
        sent = time.time()
        response = owner.client.get("/api/v1/users/me")
        answered = time.time()
        if n == 0:
            first_answered = answered
        statuses.append(response.status_code)
        if response.status_code == 429:
            # The oldest request in the window was counted between `first_sent` and
            # `first_answered`, this refusal between `sent` and `answered`: Retry-After lies
            # between those bounds, however slow a loaded machine makes each request.
            earliest = WINDOW - (answered - first_sent)
            latest = WINDOW - (sent - first_answered)
            retry_afters.append((int(response["Retry-After"]), earliest, latest))
            assert response["X-RateLimit-Remaining"] == "0"
            assert response.json()["errors"][0].startswith("Rate limit exceeded")
        if n % 100 == 0:  # the other key, all along, is served
            assert bystander.client.get("/api/v1/users/me").status_code == 200

    assert statuses[:LIMIT] == [200] * LIMIT
    assert statuses[LIMIT:] == [429] * (1000 - LIMIT)
    # Retry-After is when the oldest request leaves the moving window, in whole seconds.
    for retry_after, earliest, latest in retry_afters:
        assert 1 <= retry_after <= WINDOW
        assert earliest - 1 <= retry_after <= latest + 1, (retry_after, earliest, latest)
    assert bystander.client.get("/api/v1/users/me").status_code == 200


def test_a_10_mb_json_body_is_refused_with_413_without_being_parsed(owner):
    """The body breaks off at its end: had it been parsed, the answer would be a 400 for the
    broken JSON. No clock: a busy machine cannot fail this."""
    body = b'{"bulk": {"posts": [' + b'{"networks": {}}, ' * (TEN_MB // 18) + b'{"netw'
    response = owner.client.post(
        "/api/v1/posts/schedule", data=body, content_type="application/json"
    )
    assert response.status_code == 413
    assert "limit" in response.json()["errors"][0]


@pytest.mark.django_db(transaction=True)
def test_a_live_server_answers_413_before_the_body_is_sent(live_server, owner):
    """Only the headers and 64 KB of a 10 MB body go out; the 413 arrives anyway."""
    address = urlsplit(live_server.url)
    with socket.create_connection((address.hostname, address.port), timeout=5) as sock:
        sock.sendall(
            (
                "POST /api/v1/posts/schedule HTTP/1.1\r\n"
                f"Host: {address.hostname}\r\n"
                f"Authorization: Bearer-API {owner.secret}\r\n"
                "Content-Type: application/json\r\n"
                f"Content-Length: {TEN_MB}\r\n\r\n"
            ).encode()
            + b"[" * 65536
        )
        started = time.perf_counter()
        answer = sock.recv(4096).decode(errors="replace")
        elapsed = time.perf_counter() - started
    assert answer.startswith("HTTP/1.1 413"), answer[:200]
    assert elapsed < 2, f"took {elapsed:.2f} s"
