"""Heartbeats in Redis: workers say which queues they consume; the dispatcher says it ran.

`/readyz` reads them, so a dead beat or a worker that stopped consuming `publish` turns the
service unready instead of leaving posts silently unpublished.
"""

from __future__ import annotations

import contextlib
import json
import time
from functools import cache
from typing import cast

import redis
from celery import bootsteps
from django.conf import settings

WORKER_PREFIX = "crier:heartbeat:worker:"
DISPATCHER_KEY = "crier:heartbeat:dispatcher"
WORKER_INTERVAL = 5.0  # seconds between worker heartbeats; one expires after three misses


@cache
def _client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)


def client() -> redis.Redis:
    return _client(settings.REDIS_URL)


def _value(key: str | bytes) -> bytes | None:
    # redis-py types every reply as maybe awaitable; this client is the synchronous one.
    return cast("bytes | None", client().get(key))


def record_worker(hostname: str, queues: list[str]) -> None:
    client().set(
        WORKER_PREFIX + hostname,
        json.dumps({"queues": queues, "at": time.time()}),
        ex=int(WORKER_INTERVAL * 3),
    )


def forget_worker(hostname: str) -> None:
    client().delete(WORKER_PREFIX + hostname)


def record_dispatcher() -> None:
    client().set(DISPATCHER_KEY, str(time.time()))


def workers_consuming(queue: str) -> list[str]:
    found = []
    for key in client().scan_iter(match=WORKER_PREFIX + "*", count=100):
        raw = _value(key)
        if raw and queue in json.loads(raw)["queues"]:
            found.append(key.decode().removeprefix(WORKER_PREFIX))
    return found


def dispatcher_age() -> float | None:
    """Seconds since the dispatcher last ran; None if it never did."""
    raw = _value(DISPATCHER_KEY)
    return None if raw is None else max(0.0, time.time() - float(raw))


class WorkerHeartbeat(bootsteps.StartStopStep):
    """Celery worker step: refresh this worker's heartbeat on the worker's own timer."""

    requires = ("celery.worker.components:Timer",)

    def __init__(self, worker, **kwargs) -> None:
        super().__init__(worker, **kwargs)
        self.timer_ref = None

    def start(self, worker) -> None:
        queues = sorted(worker.app.amqp.queues.consume_from or worker.app.amqp.queues)
        beat = lambda: self._beat(worker.hostname, queues)  # noqa: E731
        beat()
        self.timer_ref = worker.timer.call_repeatedly(WORKER_INTERVAL, beat, priority=10)

    def stop(self, worker) -> None:
        if self.timer_ref is not None:
            self.timer_ref.cancel()
        with contextlib.suppress(redis.RedisError):  # the key expires by itself anyway
            forget_worker(worker.hostname)

    @staticmethod
    def _beat(hostname: str, queues: list[str]) -> None:
        # Redis down: readyz reports the broker, and the next beat tries again.
        with contextlib.suppress(redis.RedisError):
            record_worker(hostname, queues)
