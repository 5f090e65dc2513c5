"""Platform quotas in Redis, so every worker host shares them."""

from __future__ import annotations

import time
from functools import cache

from django.conf import settings
from limits import RateLimitItemPerSecond
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from connectors.base import PlatformLimits, RateLimit


@cache
def _limiter(redis_url: str) -> MovingWindowRateLimiter:
    return MovingWindowRateLimiter(storage_from_string(redis_url))


def _item(rate: RateLimit) -> RateLimitItemPerSecond:
    return RateLimitItemPerSecond(rate.requests, max(1, round(rate.per_seconds)))


def wait_for_capacity(*, platform: str, account_id: str, limits: PlatformLimits) -> float:
    """Take one call from the account's and the platform's windows.

    Returns 0 when the call may go ahead, else the seconds until a slot frees up; nothing
    is taken then, so the delivery is simply re-queued for later instead of blocking.
    """
    limiter = _limiter(settings.REDIS_URL)
    windows = [
        (limits.per_account_rate, ("publish", platform, account_id)),
        (limits.per_platform_rate, ("publish", platform)),
    ]
    buckets = [(_item(rate), key) for rate, key in windows if rate is not None]
    if len(buckets) == 1:
        # One window: its hit is the test, atomically (one Redis call instead of two).
        item, key = buckets[0]
        if limiter.hit(item, *key):
            return 0.0
        return max(1.0, limiter.get_window_stats(item, *key).reset_time - time.time())
    for item, key in buckets:
        if not limiter.test(item, *key):
            reset = limiter.get_window_stats(item, *key).reset_time
            return max(1.0, reset - time.time())
    for item, key in buckets:
        limiter.hit(item, *key)
    return 0.0
