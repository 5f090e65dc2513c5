"""Per-key API rate limit in Redis (moving window), shared by every web process, and the
count of failed authentications per client address."""

from __future__ import annotations

import time
from functools import cache
from typing import TYPE_CHECKING

from django.conf import settings
from limits import RateLimitItem, parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle

from accounts.auth import ApiContext

if TYPE_CHECKING:
    from rest_framework.views import APIView


@cache
def _limiter(redis_url: str) -> MovingWindowRateLimiter:
    return MovingWindowRateLimiter(storage_from_string(redis_url))


def client_address(request: Request) -> str:
    """The client's address: REMOTE_ADDR, or behind `NUM_PROXIES` trusted proxies the
    X-Forwarded-For entry the outermost of them wrote (DRF's rule: entries before it are
    the client's to forge)."""
    return f"ip:{BaseThrottle().get_ident(request) or 'unknown'}"


def caller_identity(request: Request) -> str:
    if isinstance(request.auth, ApiContext):
        return f"key:{request.auth.api_key.pk}"
    return client_address(request)


class ApiKeyRateThrottle(BaseThrottle):
    """Counts each request against the caller's window and records the figures for headers.

    Subclasses (API dialects) change `rate_setting` or `identity`.
    """

    namespace = "api"
    rate_setting = "API_RATE_LIMIT"

    def rate(self) -> RateLimitItem:
        return parse(getattr(settings, self.rate_setting))

    def identity(self, request: Request) -> str:
        return caller_identity(request)

    def allow_request(self, request: Request, view: APIView) -> bool:
        item = self.rate()
        limiter = _limiter(settings.REDIS_URL)
        identity = self.identity(request)
        allowed = limiter.hit(item, self.namespace, identity)
        stats = limiter.get_window_stats(item, self.namespace, identity)
        self._wait = max(1.0, stats.reset_time - time.time())
        # Stored on the Django request so the middleware can stamp every response (an
        # attribute of our own, which django-stubs cannot know).
        request._request.rate_limit = (item.amount, stats.remaining)  # type: ignore[attr-defined]
        return allowed

    def wait(self) -> float:
        return self._wait


class FailedAuthenticationThrottle(ApiKeyRateThrottle):
    """Failed authentications (`API_FAILED_AUTH_LIMIT`) per client address, in a window of
    their own, for every dialect alike.

    The error handler counts each failure (`allow_request`); while an address's window is
    full, `refuse_exhausted` answers 429 before any key it sends is checked, so a guess
    from there cannot tell a right key from a wrong one, and the key keeps working from
    every other address (an address cannot lock a key out for everyone).
    """

    namespace = "auth-failures"
    rate_setting = "API_FAILED_AUTH_LIMIT"

    def identity(self, request: Request) -> str:
        # Never `request.auth`: this runs while the request is being authenticated.
        return client_address(request)

    def refuse_exhausted(self, request: Request) -> None:
        item = self.rate()
        limiter = _limiter(settings.REDIS_URL)
        identity = self.identity(request)
        if limiter.test(item, self.namespace, identity):
            return
        stats = limiter.get_window_stats(item, self.namespace, identity)
        raise exceptions.Throttled(wait=max(1.0, stats.reset_time - time.time()))
