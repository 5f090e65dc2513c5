"""Retries under the generated client: one httpx transport, so every generated call gets them.

A logical call is one `handle_request`: its `Idempotency-Key` is chosen once, before the first
attempt, and sent again with each retry, so Crier replays the first answer instead of acting
twice (it honours the key on `posts/schedule`, `posts/schedule/publish` and `posts/{id}/retry`).
"""

from __future__ import annotations

import email.utils
import random
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

import anyio
import httpx

IDEMPOTENCY_HEADER = "Idempotency-Key"
RETRIED_STATUSES = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to try again; `Retry-After` wins over the backoff when given."""

    attempts: int = 5
    base: float = 0.5  # seconds; full jitter over base * 2**retry, capped at `cap`
    cap: float = 30.0
    max_retry_after: float = 120.0  # a longer wait is the server's way of saying "not now"

    def after_response(self, response: httpx.Response, retry: int) -> float | None:
        """Seconds before trying again, or None to hand the response over as it is."""
        return self.delay(retry, response) if response.status_code in RETRIED_STATUSES else None

    def after_error(
        self, request: httpx.Request, error: httpx.TransportError, retry: int
    ) -> float | None:
        """Seconds before trying again, or None to raise the error."""
        return self.delay(retry, None) if retryable_error(request, error) else None

    def delay(self, retry: int, response: httpx.Response | None) -> float | None:
        """Seconds before retry number `retry` (0-based), or None when it should not happen."""
        if retry + 1 >= self.attempts:
            return None
        if response is not None:
            asked = retry_after(response)
            if asked is not None:
                return asked if asked <= self.max_retry_after else None
        return random.uniform(0, min(self.cap, self.base * 2**retry))


def retry_after(response: httpx.Response) -> float | None:
    """`Retry-After` in seconds, from either of its forms (delta seconds or an HTTP date)."""
    value = response.headers.get("Retry-After")
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def prepare(request: httpx.Request) -> None:
    """Give a POST its idempotency key, once, unless the caller chose one."""
    if request.method == "POST" and IDEMPOTENCY_HEADER not in request.headers:
        request.headers[IDEMPOTENCY_HEADER] = str(uuid.uuid4())


def retryable_error(request: httpx.Request, error: httpx.TransportError) -> bool:
    """A connection never made is always safe to try again; a call cut short only when a repeat
    cannot act twice (a read, a PUT to the same place, or a keyed POST)."""
    if isinstance(error, httpx.ConnectError | httpx.ConnectTimeout):
        return True
    return request.method != "POST" or IDEMPOTENCY_HEADER in request.headers


class RetryTransport(httpx.BaseTransport):
    def __init__(self, inner: httpx.BaseTransport | None = None, policy: RetryPolicy | None = None):
        self.inner = inner or httpx.HTTPTransport()
        self.policy = policy or RetryPolicy()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        prepare(request)
        retry = 0
        while True:
            try:
                response = self.inner.handle_request(request)
            except httpx.TransportError as error:
                delay = self.policy.after_error(request, error, retry)
                if delay is None:
                    raise
            else:
                delay = self.policy.after_response(response, retry)
                if delay is None:
                    return response
                response.close()
            time.sleep(delay)
            retry += 1

    def close(self) -> None:
        self.inner.close()


class AsyncRetryTransport(httpx.AsyncBaseTransport):
    def __init__(
        self, inner: httpx.AsyncBaseTransport | None = None, policy: RetryPolicy | None = None
    ):
        self.inner = inner or httpx.AsyncHTTPTransport()
        self.policy = policy or RetryPolicy()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        prepare(request)
        retry = 0
        while True:
            try:
                response = await self.inner.handle_async_request(request)
            except httpx.TransportError as error:
                delay = self.policy.after_error(request, error, retry)
                if delay is None:
                    raise
            else:
                delay = self.policy.after_response(response, retry)
                if delay is None:
                    return response
                await response.aclose()
            await anyio.sleep(delay)
            retry += 1

    async def aclose(self) -> None:
        await self.inner.aclose()
