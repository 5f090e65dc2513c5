"""Celery's Redis transport, made to survive the broker going away.

kombu 5.7's Redis channel, once the broker connection is lost, still reaches for it: to put
the worker's unacknowledged messages back while it closes, and to acknowledge a task that
finishes meanwhile. Its connection settings are gone by then, and the AttributeError it
raises ('NoneType' object has no attribute 'hostname') is "unrecoverable" to Celery: the
worker exits instead of reconnecting, so one Redis restart stopped every worker
(tests/pipeline/test_production_layout.py; kombu issues 582 and 970 show the same path).
Raised as the connection error it is, Celery logs it and reconnects. The messages stay
where Redis kept them and come back after the visibility timeout; the deliveries they
carried are sent again by the dispatcher once their queue lease runs out, and a message
for a delivery that has moved on is a no-op (posts/publishing.py).
"""

from __future__ import annotations

from kombu.transport import TRANSPORT_ALIASES, redis
from redis.exceptions import ConnectionError as RedisConnectionError


class Channel(redis.Channel):
    def _connparams(self, asynchronous: bool = False) -> dict:
        if getattr(self.connection, "client", None) is None:
            raise RedisConnectionError("The connection to the broker was closed.")
        # A private method of kombu's that celery-types' stubs leave out.
        return super()._connparams(asynchronous)  # type: ignore[misc]


class Transport(redis.Transport):
    Channel = Channel


def use_for_redis_urls() -> None:
    """`redis://` and `rediss://` broker URLs get this transport (kombu picks a transport
    by the URL's scheme, through this table)."""
    for scheme in ("redis", "rediss"):
        TRANSPORT_ALIASES[scheme] = f"{__name__}:Transport"
