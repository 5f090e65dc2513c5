from __future__ import annotations

import gc
import inspect
import logging
import os
import time
from contextvars import ContextVar
from typing import Any

import click
from celery import Celery, Task, bootsteps, signals

from config.broker import use_for_redis_urls
from core.logging import close_context, open_context

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
use_for_redis_urls()

app = Celery("crier")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def _install_heartbeat() -> None:
    from core.heartbeats import WorkerHeartbeat

    app.steps["worker"].add(WorkerHeartbeat)


_install_heartbeat()


class ThreadedBeat(bootsteps.StartStopStep):
    """`worker --beat-thread`: beat as a thread of this worker (Procfile.embedded). Celery's
    own `--beat` forks a process, a second copy of Django and Celery (~100 MB resident)."""

    label = "Beat (thread)"
    conditional = True

    def __init__(self, worker: Any, beat_thread: bool = False, **kwargs: Any) -> None:
        self.enabled = beat_thread
        super().__init__(worker, **kwargs)

    def create(self, worker: Any) -> Any:
        from celery.beat import EmbeddedService

        return EmbeddedService(worker.app, thread=True, schedule_filename=worker.schedule_filename)


app.user_options["worker"].add(
    click.Option(["--beat-thread"], is_flag=True, help="Run beat in a thread of this worker.")
)
app.steps["worker"].add(ThreadedBeat)


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


task_logger = logging.getLogger("crier.task")


def _task_started(task_id: str, task: Task, args: tuple, kwargs: dict, **_: object) -> None:
    """Every line the task logs carries its id, its name and the ids it was sent."""
    open_context(task_id=task_id, task=task.name, **_ids_sent(task, args, kwargs))
    _task_clock.set(time.perf_counter())


def _task_finished(state: str | None = None, **_: object) -> None:
    """One line per task: how it ended and how long it took, with its ids."""
    started = _task_clock.get()
    duration = round((time.perf_counter() - started) * 1000, 1) if started else None
    task_logger.info("task", extra={"state": state, "duration_ms": duration})
    close_context()


_task_clock: ContextVar[float | None] = ContextVar("crier_task_clock", default=None)


def _ids_sent(task: Task, args: tuple, kwargs: dict) -> dict[str, object]:
    """The arguments named `*_id` or `*_ids`: what the task is about."""
    try:
        bound = _signature(task).bind_partial(*args, **kwargs).arguments
    except TypeError:  # a message that does not fit the task: Celery reports it
        return {}
    return {name: value for name, value in bound.items() if name.endswith(("_id", "_ids"))}


_signatures: dict[str, inspect.Signature] = {}


def _signature(task: Task) -> inspect.Signature:
    """Read once per task name: `inspect.signature` would cost each of thousands of tasks."""
    if (signature := _signatures.get(task.name)) is None:
        signature = _signatures[task.name] = inspect.signature(task.run)
    return signature


signals.task_prerun.connect(_task_started, weak=False)
signals.task_postrun.connect(_task_finished, weak=False)


def _freeze_start_up_heap(**_: object) -> None:
    """As the web processes do (config/gunicorn.py): the objects loaded before the first task
    stay out of the full collections, which then take ~9 ms instead of ~100."""
    gc.freeze()


signals.worker_ready.connect(_freeze_start_up_heap, weak=False)
