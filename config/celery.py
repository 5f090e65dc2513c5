from __future__ import annotations

import os

from celery import Celery, signals

from config.broker import use_for_redis_urls

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
use_for_redis_urls()

app = Celery("crier")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def _install_heartbeat() -> None:
    from config.heartbeats import WorkerHeartbeat

    app.steps["worker"].add(WorkerHeartbeat)


_install_heartbeat()


def _close_old_connections(sender: object = None, **kwargs: object) -> None:
    from django.db import close_old_connections

    # An eager task runs inside its caller's transaction (tests): leave it alone.
    if not getattr(getattr(sender, "request", None), "is_eager", False):
        close_old_connections()


def _reuse_database_connections() -> None:
    """Keep a worker thread's database connection between tasks, as Django does between
    requests: closed once CONN_MAX_AGE has passed or after an error, health-checked
    before first use (a terminated backend is replaced, not reused).

    Celery's Django fixup closes every connection before and after each task unless
    CELERY_DB_REUSE_MAX is set (settings.py sets it beyond reach), so a delivery paid for
    a new PostgreSQL backend: ~2.8 ms wall, most of it server CPU (docs/performance.md).
    """
    signals.task_prerun.connect(_close_old_connections, weak=False)
    signals.task_postrun.connect(_close_old_connections, weak=False)


_reuse_database_connections()
