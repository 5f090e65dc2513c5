"""Real Crier processes for pipeline tests: Celery workers and beat on the test database."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from django.conf import settings
from django.db import connection

from posts.models import Delivery
from posts.states import TERMINAL

REPO = Path(__file__).resolve().parents[2]


def database_url() -> str:
    """A URL for the database this test runs on (the test database, not the configured one)."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    user = db.get("USER") or ""
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    return f"postgres://{auth}{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


def child_env(**overrides: str | int | float) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        CRIER_TEST_CHILD="1",
        DJANGO_SETTINGS_MODULE="tests.settings",
        DATABASE_URL=database_url(),
        REDIS_URL=settings.REDIS_URL,
        CELERY_BROKER_URL=settings.CELERY_BROKER_URL,
        PYTHONUNBUFFERED="1",
    )
    env.update({name: str(value) for name, value in overrides.items()})
    return env


class Processes:
    """Starts Crier's worker and beat processes; stops every one of them at the end."""

    def __init__(self, log_dir: Path, **env: str | int | float) -> None:
        self.log_dir = log_dir
        self.env = env
        self.running: dict[str, subprocess.Popen] = {}

    def _start(
        self, name: str, args: list[str], *, program: str = "celery", **env: str | int | float
    ) -> subprocess.Popen:
        log = (self.log_dir / f"{name}.log").open("ab")
        command = ["-m", "celery", "-A", "config"] if program == "celery" else ["-m", program]
        process = subprocess.Popen(
            [sys.executable, *command, *args],
            cwd=REPO,
            env=child_env(**{**self.env, **env}),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.running[name] = process
        return process

    def worker(
        self,
        name: str,
        *,
        concurrency: int = 16,
        queues: str = "publish,default",
        **env: str | int | float,
    ) -> subprocess.Popen:
        process = self._start(
            name,
            [
                "worker",
                "-Q",
                queues,
                "--pool",
                "threads",
                "-c",
                str(concurrency),
                "-n",
                f"{name}@%h",
                "--without-mingle",
                "--without-gossip",
                "-l",
                "INFO",
            ],
            **env,
        )
        self.wait_for_log(name, "ready.")
        return process

    def web(self, port: int, **env: str | int | float) -> subprocess.Popen:
        """gunicorn with its production settings (config/gunicorn.py), as the Procfile runs it."""
        args = ["-c", "python:config.gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}"]
        process = self._start("web", args, program="gunicorn", **env)
        self.wait_for_log("web", "Booting worker")
        return process

    def beat(self, **env: str | int | float) -> subprocess.Popen:
        schedule = self.log_dir / "beat-schedule"
        return self._start("beat", ["beat", "-s", str(schedule), "-l", "INFO"], **env)

    def log_names(self) -> list[str]:
        """Every process this run started, running or not."""
        return sorted(path.stem for path in self.log_dir.glob("*.log"))

    def log(self, name: str) -> str:
        path = self.log_dir / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def wait_for_log(self, name: str, needle: str, timeout: float = 60) -> None:
        wait_until(
            lambda: needle in self.log(name),
            timeout,
            lambda: f"{name} never logged {needle!r}:\n{self.log(name)[-3000:]}",
        )

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        process = self.running.pop(name)
        os.killpg(process.pid, sig)
        process.wait(timeout=30)

    def stop_all(self) -> None:
        for name in list(self.running):
            process = self.running.pop(name)
            try:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=15)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)


def wait_until(
    condition: Callable[[], bool], timeout: float, message: str | Callable[[], str] = ""
) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            detail = message() if callable(message) else message
            raise AssertionError(detail or "condition not met in time")
        time.sleep(0.2)


def all_terminal(delivery_ids: Iterable[str]) -> bool:
    ids = list(delivery_ids)
    return Delivery.objects.filter(pk__in=ids, status__in=TERMINAL).count() == len(ids)


def status_counts(delivery_ids: Iterable[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for status in Delivery.objects.filter(pk__in=list(delivery_ids)).values_list(
        "status", flat=True
    ):
        counts[status] = counts.get(status, 0) + 1
    return counts
