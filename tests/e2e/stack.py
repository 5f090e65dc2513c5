"""The embedded default as `make run` starts it, as real processes, for end-to-end tests.

`python -m config.run` prepares its var dir, prints a demo key, then execs its supervisor
(config/supervise.py) in the same pid, which starts every process of Procfile.embedded in
a session of its own, so "no orphans" means: no process is left in the supervisor's
session or in any session it started.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

import httpx
import pytest

from config.embedded import free_port

REPO = Path(__file__).resolve().parents[2]
READY_TIMEOUT = 60.0
STOP_TIMEOUT = 15.0
# The supervisor plus Procfile.embedded's processes: redis, web, worker (with beat), simulator.
EXPECTED_SESSIONS = 5
# The test process's own configuration must not leak into the child: it runs as on a laptop.
DROPPED_VARIABLES = {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "SECURE_HTTPS", "DEBUG", "PORT"}
DROPPED_PREFIXES = ("CRIER_", "CELERY_", "DJANGO_", "PYTEST_")

T = TypeVar("T")


class ProcStat(NamedTuple):
    state: str
    ppid: int
    session: int


def process_table() -> dict[int, ProcStat]:
    """Every live process, from /proc (Linux only; no psutil needed)."""
    table = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            raw = Path(f"/proc/{entry}/stat").read_text()
        except OSError:  # it exited while we looked
            continue
        # The command name is in parentheses and may hold spaces: split after the last ")".
        fields = raw.rpartition(")")[2].split()
        table[int(entry)] = ProcStat(state=fields[0], ppid=int(fields[1]), session=int(fields[3]))
    return table


def tree_sessions(root: int) -> set[int]:
    """The sessions of `root` and of all its descendants."""
    table = process_table()
    sessions, pending = set(), [root]
    while pending:
        pid = pending.pop()
        if pid in table:
            sessions.add(table[pid].session)
            pending.extend(child for child, stat in table.items() if stat.ppid == pid)
    return sessions


def processes_in(sessions: set[int]) -> dict[int, ProcStat]:
    """Processes of those sessions still running. A zombie has exited and holds nothing but
    its pid; once its parent is gone, reaping it is init's job, and some inits (a microVM's
    process API) reap late or never, so zombies do not count as leftovers."""
    return {
        pid: stat
        for pid, stat in process_table().items()
        if stat.session in sessions and stat.state != "Z"
    }


def wait_for(
    probe: Callable[[], T | None], timeout: float, failure: Callable[[], str], step: float = 0.25
) -> T:
    deadline = time.monotonic() + timeout
    while True:
        result = probe()
        if result is not None:
            return result
        if time.monotonic() > deadline:
            pytest.fail(failure())
        time.sleep(step)


@dataclass
class EmbeddedCrier:
    """One `python -m config.run` with its own var dir and ports."""

    var_dir: Path
    log_path: Path
    port: int = field(default_factory=free_port)
    simulator_port: int = 0
    # Settings of this run on top of the laptop defaults (e.g. a higher API_RATE_LIMIT).
    settings: dict[str, str] = field(default_factory=dict)
    process: subprocess.Popen | None = None
    sessions: set[int] = field(default_factory=set)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def simulator_url(self) -> str:
        return f"http://127.0.0.1:{self.simulator_port}"

    def start(self) -> None:
        while self.simulator_port in (0, self.port):
            self.simulator_port = free_port()
        env = {
            name: value
            for name, value in os.environ.items()
            if name not in DROPPED_VARIABLES and not name.startswith(DROPPED_PREFIXES)
        }
        env.update(
            CRIER_VAR_DIR=str(self.var_dir),
            PORT=str(self.port),
            CRIER_SIMULATOR_PORT=str(self.simulator_port),
            CRIER_DISPATCH_INTERVAL="1",
            PYTHONUNBUFFERED="1",
        )
        env.update(self.settings)
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "config.run"],
                cwd=REPO,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.sessions = {self.process.pid}

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def failure(self, what: str) -> Callable[[], str]:
        return lambda: f"{what}; exit code {self.process.poll()}; log tail:\n{self.log()[-4000:]}"

    def printed(self, pattern: str) -> str:
        """A value the start-up banner prints, once it has printed it."""

        def probe() -> str | None:
            found = re.search(pattern, self.log())
            if found:
                return found.group(1)
            if self.process.poll() is not None:
                pytest.fail(self.failure(f"config.run exited before printing {pattern!r}")())
            return None

        return wait_for(probe, READY_TIMEOUT, self.failure(f"{pattern!r} never printed"))

    def wait_ready(self) -> dict[str, Any]:
        def probe() -> dict[str, Any] | None:
            if self.process.poll() is not None:
                pytest.fail(self.failure("config.run exited before it was ready")())
            with contextlib.suppress(httpx.HTTPError):
                response = httpx.get(f"{self.url}/readyz", timeout=5)
                if response.status_code == 200:
                    return response.json()
            return None

        ready = wait_for(probe, READY_TIMEOUT, self.failure("/readyz never answered 200"))
        # Every Procfile process is running by now: remember where to look for leftovers.
        self.sessions |= tree_sessions(self.process.pid)
        return ready

    def interrupt(self) -> int:
        """Ctrl-C, as a user stops `make run`; returns the supervisor's exit code."""
        self.sessions |= tree_sessions(self.process.pid)
        assert len(self.sessions) >= EXPECTED_SESSIONS, processes_in(self.sessions)
        self.process.send_signal(signal.SIGINT)
        try:
            return self.process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            pytest.fail(self.failure(f"still running {STOP_TIMEOUT}s after SIGINT")())

    def kill_everything(self) -> None:
        """Cleanup whatever happened: no process of this run may outlive the test."""
        if self.process is None:
            return
        self.sessions |= tree_sessions(self.process.pid)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        for pid in processes_in(self.sessions):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=5)


@contextlib.contextmanager
def embedded_crier(
    var_dir: Path, log_path: Path, settings: dict[str, str] | None = None
) -> Iterator[EmbeddedCrier]:
    crier = EmbeddedCrier(var_dir=var_dir, log_path=log_path, settings=settings or {})
    try:
        crier.start()
        yield crier
    finally:
        crier.kill_everything()
