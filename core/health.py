"""`/healthz`: the process answers. `/readyz`: Crier can publish right now.

Ready means the database and the broker answer, beat's dispatcher ran within three
intervals, and at least one worker consumes the `publish` queue.

`ProbeMiddleware` lets an orchestrator reach them (and `/metrics`) by the container's own
address, whatever the Host header says.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import cache

import redis
from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import resolve, reverse
from kombu import Connection

from core import heartbeats

logger = logging.getLogger(__name__)


def _database_ok() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True, "ok"
    except Exception as exc:  # any driver error means not ready
        return False, type(exc).__name__


def _broker_ok() -> tuple[bool, str]:
    try:
        with Connection(settings.CELERY_BROKER_URL, connect_timeout=2) as broker:
            broker.ensure_connection(max_retries=1, interval_start=0, timeout=2)
        return True, "ok"
    except Exception as exc:  # any transport error means not ready
        return False, type(exc).__name__


def _dispatcher_ok() -> tuple[bool, str]:
    try:
        age = heartbeats.dispatcher_age()
    except redis.RedisError as exc:
        return False, type(exc).__name__
    limit = 3 * settings.CRIER_DISPATCH_INTERVAL
    if age is None:
        return False, "the dispatcher has never run: is celery beat running?"
    if age > limit:
        return False, f"the dispatcher last ran {age:.0f}s ago (limit {limit}s): is beat alive?"
    return True, "ok"


def _publish_workers_ok() -> tuple[bool, str]:
    try:
        workers = heartbeats.workers_consuming("publish")
    except redis.RedisError as exc:
        return False, type(exc).__name__
    if not workers:
        return False, "no worker consumes the publish queue"
    return True, f"ok ({len(workers)} workers)"


def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


def readiness() -> dict[str, tuple[bool, str]]:
    """Each check by name: whether it passes and what it found (also the admin's index)."""
    return {
        "database": _database_ok(),
        "broker": _broker_ok(),
        "dispatcher": _dispatcher_ok(),
        "publish_workers": _publish_workers_ok(),
    }


def readyz(request: HttpRequest) -> JsonResponse:
    checks = readiness()
    ready = all(ok for ok, _ in checks.values())
    if not ready:
        logger.warning("not ready", extra={"checks": {k: v[1] for k, v in checks.items()}})
    body = {
        "status": "ok" if ready else "unavailable",
        "checks": {name: detail for name, (_, detail) in checks.items()},
    }
    return JsonResponse(body, status=200 if ready else 503)


PROBES = ("healthz", "readyz", "metrics")


@cache
def _probe_paths() -> frozenset[str]:
    return frozenset(reverse(name) for name in PROBES)


class ProbeMiddleware:
    """Answers the probes before Django validates the Host header.

    Orchestrators probe a container by its address (Kubernetes: the pod IP; compose's
    healthcheck: 127.0.0.1), which ALLOWED_HOSTS rightly does not list, so CommonMiddleware
    would answer 400. None of these views builds a URL from the host; `/metrics` keeps its
    own token-or-loopback check. Listed first in MIDDLEWARE.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path in _probe_paths():  # reverse() includes any script prefix
            return resolve(request.path_info).func(request)
        return self.get_response(request)
