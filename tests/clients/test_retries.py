"""The client's retries, against a stand-in server: 429s and 5xx it can be told to answer."""

from __future__ import annotations

import anyio
import httpx
import pytest
from crier_client import ApiError, AsyncCrier, Crier, RetryPolicy

FAST = RetryPolicy(attempts=4, base=0.01, cap=0.05)


class Flaky:
    """Answers `script` in order (status, headers), then 202; records every request."""

    def __init__(self, *script: tuple[int, dict[str, str]]):
        self.script = list(script)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.script:
            status, headers = self.script.pop(0)
            return httpx.Response(status, headers=headers, json={"errors": [f"status {status}"]})
        return httpx.Response(202, json={"job_id": "job_1"})


def sync_client(server: Flaky) -> Crier:
    return Crier("http://crier.test", "key", retry=FAST, transport=httpx.MockTransport(server))


def test_retries_429_and_5xx_with_one_idempotency_key_honouring_retry_after(monkeypatch):
    waited: list[float] = []
    monkeypatch.setattr("crier_client._transport.time.sleep", waited.append)
    server = Flaky((429, {"Retry-After": "7"}), (503, {}))
    accepted = sync_client(server).post("hi", ["acc_1"])
    assert accepted.job_id == "job_1"
    keys = {request.headers["Idempotency-Key"] for request in server.requests}
    assert len(server.requests) == 3
    assert len(keys) == 1  # one logical call, one key, across its retries
    assert waited[0] == 7.0
    assert 0 <= waited[1] <= FAST.cap


def test_each_logical_call_gets_its_own_key():
    server = Flaky()
    client = sync_client(server)
    client.post("one", ["acc_1"])
    client.post("two", ["acc_1"])
    first, second = (request.headers["Idempotency-Key"] for request in server.requests)
    assert first != second


def test_a_caller_s_key_is_kept():
    server = Flaky()
    sync_client(server).post("hi", ["acc_1"], idempotency_key="mine")
    assert server.requests[0].headers["Idempotency-Key"] == "mine"


def test_gives_up_after_its_attempts_with_the_api_s_message(monkeypatch):
    monkeypatch.setattr("crier_client._transport.time.sleep", lambda seconds: None)
    server = Flaky(*[(502, {})] * 10)
    with pytest.raises(ApiError) as failed:
        sync_client(server).post("hi", ["acc_1"])
    assert failed.value.status == 502
    assert failed.value.messages == ["status 502"]
    assert len(server.requests) == FAST.attempts


@pytest.mark.parametrize("status", [400, 401, 404, 409, 422])
def test_never_retries_a_refusal(status):
    server = Flaky((status, {}))
    with pytest.raises(ApiError):
        sync_client(server).post("hi", ["acc_1"])
    assert len(server.requests) == 1


def test_a_retry_after_longer_than_the_policy_allows_is_not_waited_for():
    server = Flaky((429, {"Retry-After": "3600"}))
    with pytest.raises(ApiError) as failed:
        sync_client(server).post("hi", ["acc_1"])
    assert failed.value.status == 429
    assert len(server.requests) == 1


def test_the_async_client_retries_the_same_way():
    server = Flaky((429, {"Retry-After": "0"}), (500, {}))

    async def call():
        transport = httpx.MockTransport(server)
        async with AsyncCrier(
            "http://crier.test", "key", retry=FAST, transport=transport
        ) as client:
            return await client.post("hi", ["acc_1"])

    assert anyio.run(call).job_id == "job_1"
    assert len({request.headers["Idempotency-Key"] for request in server.requests}) == 1
    assert len(server.requests) == 3
