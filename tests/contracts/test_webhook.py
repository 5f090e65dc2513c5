"""The webhook connector against the Standard Webhooks specification
(https://github.com/standard-webhooks/standard-webhooks, spec/standard-webhooks.md, read
2026-12-06), Crier's outbound webhooks' own description.

Every request of every operation is checked twice: by the `standardwebhooks` library's
verifier (a receiver's code we did not write), and by the rules the specification states,
written here in our own words and checked without the library: the three headers and
their forms, the signature recomputed from the secret's bytes, the payload's envelope, and
the same id on a retry. A webhook has no connect call to a server, no polling, refresh or
metrics: publish of each kind is its operation.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from collections.abc import Callable, Iterator
from datetime import datetime

import httpx
import pytest
from standardwebhooks import Webhook

from connectors import webhook
from connectors.base import Content, Credentials, MediaItem
from connectors.errors import TransientError
from connectors.webhook import WebhookConnector

URL = "https://hooks.example.com/catch/123/abc"
SECRET_BYTES = b"k" * 32
SECRET = "whsec_" + base64.b64encode(SECRET_BYTES).decode()

# The specification's rules for a request, as (what, check) pairs.
ID = re.compile(r"^[\x21-\x7e]+$")  # an opaque printable id; ours is the idempotency key
SIGNATURES = re.compile(r"^v1,[A-Za-z0-9+/]+={0,2}( v1,[A-Za-z0-9+/]+={0,2})*$")
EVENT_TYPE = re.compile(r"^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)+$")  # full-stop delimited


@pytest.fixture
def connector() -> Iterator[WebhookConnector]:
    with WebhookConnector(timeout=5) as connector:
        yield connector


@pytest.fixture
def credentials() -> Credentials:
    return Credentials(external_id="hook-1", access_token=SECRET, extra={"url": URL})


def specification_problems(request: httpx.Request) -> list[str]:
    """What in one request the specification's rules do not allow."""
    headers = request.headers
    problems = []
    for name in ("webhook-id", "webhook-timestamp", "webhook-signature"):
        if name not in headers:
            problems.append(f"header {name} missing")
    if problems:
        return problems
    if not ID.match(headers["webhook-id"]):
        problems.append("webhook-id is not a printable token")
    if not re.fullmatch(r"[0-9]+", headers["webhook-timestamp"]):
        problems.append("webhook-timestamp is not integer Unix seconds")
    if not SIGNATURES.match(headers["webhook-signature"]):
        problems.append("webhook-signature is not space-separated `v1,<base64>` entries")
    # Symmetric signature: HMAC-SHA256 of "{id}.{timestamp}.{body}" with the secret's bytes
    # (the base64 part after the `whsec_` prefix), base64 in the header after "v1,".
    signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + request.content
    expected = base64.b64encode(hmac.new(SECRET_BYTES, signed, hashlib.sha256).digest()).decode()
    if f"v1,{expected}" not in headers["webhook-signature"].split(" "):
        problems.append("no v1 signature matches the one computed from the secret")
    if headers.get("content-type", "").split(";")[0] != "application/json":
        problems.append("the payload is not sent as application/json")
    payload = json.loads(request.content)
    if set(payload) != {"type", "timestamp", "data"}:
        problems.append(f"the envelope has {sorted(payload)}, not type, timestamp and data")
    if not EVENT_TYPE.match(str(payload.get("type"))):
        problems.append("type is not a full-stop delimited event name")
    try:
        datetime.fromisoformat(str(payload.get("timestamp")).replace("Z", "+00:00"))
    except ValueError:
        problems.append("timestamp is not ISO 8601")
    if not isinstance(payload.get("data"), dict):
        problems.append("data is not an object")
    return problems


def publish(**content) -> Callable:
    def operation(connector, respx_mock, credentials):
        respx_mock.post(URL).respond(200, json={"id": "r-1"})
        post = Content(text="Launch day", idempotency_key="crier-d-1", **content)
        assert connector.publish(post, credentials).state == "published"

    return operation


MEDIA = (
    MediaItem(url="https://crier.test/m/a.png", mime_type="image/png", alt_text="A rocket"),
    MediaItem(url="https://crier.test/m/v.mp4", mime_type="video/mp4"),
)
OPERATIONS = {
    "publish_text": publish(),
    "publish_media": publish(media=MEDIA),
    "publish_thread": publish(thread=("Second", "Third")),
    "publish_thread_item": publish(reply_to="r-0"),
    "publish_with_options": publish(options={"data": {"campaign": "launch"}}),
}


@pytest.mark.parametrize("name", OPERATIONS)
def test_every_request_follows_the_specification(name, connector, respx_mock, credentials):
    OPERATIONS[name](connector, respx_mock, credentials)

    (call,) = respx_mock.calls
    request = call.request
    assert specification_problems(request) == []
    # And a receiver using the reference library accepts it as is.
    assert Webhook(SECRET).verify(request.content, dict(request.headers))["type"] == "post.publish"


def test_a_retry_carries_the_same_id_for_the_receiver_to_dedupe(connector, respx_mock, credentials):
    route = respx_mock.post(URL).mock(
        side_effect=[httpx.Response(503), httpx.Response(200, json={})]
    )
    post = Content(text="Launch", idempotency_key="crier-d-2")
    with pytest.raises(TransientError):
        connector.publish(post, credentials)
    connector.publish(post, credentials)

    first, second = (call.request.headers["webhook-id"] for call in route.calls)
    assert first == second == "crier-d-2"


def test_secrets_are_held_to_the_specified_size():
    # "between 24 bytes and 64 bytes": the connector refuses shorter ones.
    assert webhook.MIN_SECRET_BYTES == 24


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        (lambda headers, body: headers.pop("webhook-id"), "header webhook-id missing"),
        (
            lambda headers, body: headers.update({"webhook-timestamp": "2026-12-06T10:00:00Z"}),
            "not integer Unix seconds",
        ),
        (
            lambda headers, body: headers.update({"webhook-signature": "v1=abc"}),
            "not space-separated",
        ),
        (
            lambda headers, body: headers.update({"webhook-signature": "v1,AAAA"}),
            "no v1 signature matches",
        ),
    ],
)
def test_the_check_reports_what_the_specification_does_not_allow(change, complaint):
    body = json.dumps({"type": "post.publish", "timestamp": "2026-12-06T10:00:00Z", "data": {}})
    headers = {
        "content-type": "application/json",
        "webhook-id": "msg_1",
        "webhook-timestamp": "1796551200",
    }
    headers["webhook-signature"] = Webhook(SECRET).sign(
        "msg_1", datetime.fromtimestamp(1796551200), body
    )
    change(headers, body)

    problems = specification_problems(httpx.Request("POST", URL, headers=headers, content=body))

    assert any(complaint in problem for problem in problems), problems


def test_an_envelope_without_type_is_reported():
    body = json.dumps({"timestamp": "2026-12-06T10:00:00Z", "data": {}})
    headers = {"content-type": "application/json", "webhook-id": "msg_1", "webhook-timestamp": "1"}
    headers["webhook-signature"] = Webhook(SECRET).sign("msg_1", datetime.fromtimestamp(1), body)

    problems = specification_problems(httpx.Request("POST", URL, headers=headers, content=body))

    assert "the envelope has ['data', 'timestamp'], not type, timestamp and data" in problems
