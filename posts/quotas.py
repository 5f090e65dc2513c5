"""Platform quotas in Redis, so every worker host shares them."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from limits import RateLimitItemPerSecond
from limits.storage import RedisStorage, storage_from_string
from limits.strategies import MovingWindowRateLimiter

from connectors.base import PlatformLimits, RateLimit
from core import fastpaths


@cache
def _limiter(redis_url: str) -> MovingWindowRateLimiter:
    return MovingWindowRateLimiter(storage_from_string(redis_url))


def _item(rate: RateLimit) -> RateLimitItemPerSecond:
    return RateLimitItemPerSecond(rate.requests, max(1, round(rate.per_seconds)))


@dataclass(frozen=True)
class Need:
    """One call an account wants to make on its platform."""

    platform: str
    account_id: str
    limits: PlatformLimits

    def buckets(self) -> list[tuple[RateLimitItemPerSecond, tuple[str, ...]]]:
        windows = [
            (self.limits.per_account_rate, ("publish", self.platform, self.account_id)),
            (self.limits.per_platform_rate, ("publish", self.platform)),
        ]
        return [(_item(rate), key) for rate, key in windows if rate is not None]


def waits_for_capacity(needs: Sequence[Need]) -> list[float]:
    """For each need, take one call from its account's and its platform's windows.

    0 when the call may go ahead, else the seconds until a slot frees up; nothing is taken
    then, so the delivery is simply re-queued for later instead of blocking. Needs with one
    window (most platforms) take theirs in one Redis round trip for all (fast path
    `quota_pipeline`: limits has no batch call, so its moving-window script goes through a
    pipeline; off, one call each).
    """
    limiter = _limiter(settings.REDIS_URL)
    buckets = [need.buckets() for need in needs]
    taken: dict[int, bool] = {}
    storage = limiter.storage
    # Plain Redis only: a cluster's pipeline would not load the script on every node.
    if fastpaths.enabled("quota_pipeline") and type(storage) is RedisStorage:
        together = [i for i, found in enumerate(buckets) if len(found) == 1]
        acquired = _acquire_together(storage, [buckets[i][0] for i in together])
        taken = dict(zip(together, acquired, strict=True))
    waits = []
    for i, found in enumerate(buckets):
        if i not in taken:
            waits.append(_wait(limiter, found))
        elif taken[i]:
            waits.append(0.0)
        else:
            waits.append(_until_free(limiter, *found[0]))
    return waits


def _acquire_together(
    storage: RedisStorage, buckets: list[tuple[RateLimitItemPerSecond, tuple[str, ...]]]
) -> list[bool]:
    """What `MovingWindowRateLimiter.hit` does for each bucket (`RedisStorage.acquire_entry`:
    its script on its prefixed key), in one pipeline: Redis runs the scripts in order."""
    if not buckets:
        return []
    pipeline = storage.storage.pipeline(transaction=False)
    for item, key in buckets:
        storage.lua_acquire_moving_window(
            [storage.prefixed_key(item.key_for(*key))],
            [time.time(), item.amount, item.get_expiry(), 1],
            client=pipeline,
        )
    return [bool(acquired) for acquired in pipeline.execute()]


def _wait(
    limiter: MovingWindowRateLimiter, buckets: list[tuple[RateLimitItemPerSecond, tuple[str, ...]]]
) -> float:
    if len(buckets) == 1:
        # One window: its hit is the test, atomically (one Redis call instead of two).
        item, key = buckets[0]
        return 0.0 if limiter.hit(item, *key) else _until_free(limiter, item, key)
    for item, key in buckets:
        if not limiter.test(item, *key):
            return _until_free(limiter, item, key)
    for item, key in buckets:
        limiter.hit(item, *key)
    return 0.0


def _until_free(
    limiter: MovingWindowRateLimiter, item: RateLimitItemPerSecond, key: tuple[str, ...]
) -> float:
    return max(1.0, limiter.get_window_stats(item, *key).reset_time - time.time())
