"""What every benchmark shares: its own database and Redis index, child processes, figures.

Each script creates a dedicated PostgreSQL database on the server of `DATABASE_URL`
(default: the local server), migrates it, uses its own Redis database index on the server
of `REDIS_URL`, and drops and empties both at the end, whatever happened.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import platform
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
import redis
from cryptography.fernet import Fernet

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "results"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/postgres"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"


class BenchTimeout(Exception):
    """The script ran past its time budget; everything it started is stopped on the way out."""


def parse_args(description: str, **extra: Any) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--quick", action="store_true", help="scaled down, under 2 minutes")
    for name, options in extra.items():
        parser.add_argument(f"--{name.replace('_', '-')}", **options)
    return parser.parse_args()


@contextlib.contextmanager
def time_budget(seconds: float) -> Iterator[None]:
    """Raise BenchTimeout in the main thread once `seconds` have passed."""

    def expire(signum: int, frame: object) -> None:
        raise BenchTimeout(f"benchmark exceeded its {seconds:.0f} s budget")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# -- database and Redis ------------------------------------------------------------------


def _with_path(url: str, path: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=path))


@contextlib.contextmanager
def bench_database(name: str) -> Iterator[str]:
    """A fresh PostgreSQL database on DATABASE_URL's server, dropped afterwards."""
    server = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    if not server.startswith(("postgres://", "postgresql://")):
        raise SystemExit("the benchmarks need PostgreSQL: set DATABASE_URL=postgres://...")
    database = f"crier_bench_{name}_{os.getpid()}"
    admin = _with_path(server, "/postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{database}"')
    try:
        yield _with_path(server, f"/{database}")
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


@contextlib.contextmanager
def bench_redis(index: int) -> Iterator[str]:
    """Redis database `index` on REDIS_URL's server, emptied before and after."""
    url = _with_path(os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL, f"/{index}")
    client = redis.Redis.from_url(url)
    client.flushdb()
    try:
        yield url
    finally:
        client.flushdb()
        client.close()


def configure_django(database_url: str, redis_url: str, **extra: str) -> dict[str, str]:
    """Environment for this process and its children; migrates and sets Django up here."""
    env = {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "CELERY_BROKER_URL": redis_url,
        "SECRET_KEY": "bench-only-secret-key-" + os.urandom(8).hex(),
        "CRIER_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "SECURE_HTTPS": "0",
        "DEBUG": "0",
        "PYTHONUNBUFFERED": "1",
        **extra,
    }
    os.environ.update(env)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=REPO, check=True
    )
    import django

    django.setup()
    return env


def postgres_version(database_url: str) -> str:
    with psycopg.connect(database_url) as conn:
        return str(conn.execute("SHOW server_version").fetchone()[0])


# -- child processes ---------------------------------------------------------------------


class Processes:
    """Child processes with a log file each, each in its own session; all stopped at exit."""

    def __init__(self) -> None:
        self.log_dir = Path(tempfile.mkdtemp(prefix="crier-bench-"))
        self.running: dict[str, subprocess.Popen] = {}

    def start(self, name: str, args: Sequence[str], env: dict[str, str] | None = None) -> None:
        log = (self.log_dir / f"{name}.log").open("ab")
        self.running[name] = subprocess.Popen(
            list(args),
            cwd=REPO,
            env={**os.environ, **(env or {})},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def log(self, name: str) -> str:
        path = self.log_dir / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def wait_for_log(self, name: str, needle: str, timeout: float = 60) -> None:
        def found() -> bool:
            if self.running[name].poll() is not None:
                raise RuntimeError(f"{name} exited:\n{self.log(name)[-3000:]}")
            return needle in self.log(name)

        wait_until(found, timeout, f"{name} never logged {needle!r}")

    def stop(self, name: str) -> None:
        process = self.running.pop(name)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)

    def stop_all(self) -> None:
        for name in list(self.running):
            self.stop(name)

    def __enter__(self) -> Processes:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop_all()


def wait_until(
    condition: Callable[[], bool], timeout: float, message: str = "", every: float = 0.1
) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(message or "condition not met in time")
        time.sleep(every)


def wait_for_http(url: str, timeout: float = 30) -> None:
    import httpx

    def answers() -> bool:
        try:
            return httpx.get(url, timeout=1).status_code < 500
        except httpx.HTTPError:
            return False

    wait_until(answers, timeout, f"{url} never answered")


# -- figures -----------------------------------------------------------------------------


def percentile(values: Sequence[float], share: float) -> float:
    """Nearest-rank percentile (share in 0..100) of a non-empty sequence."""
    ordered = sorted(values)
    rank = max(1, math.ceil(share / 100 * len(ordered)))
    return ordered[rank - 1]


def summary(values: Sequence[float], digits: int = 4) -> dict[str, float]:
    return {f"p{share}": round(percentile(values, share), digits) for share in (50, 95, 99)} | {
        "max": round(max(values), digits),
        "count": len(values),
    }


CpuReading = dict[int, tuple[str, float]]  # pid -> (class, CPU seconds so far)


def cpu_reading(classify: Callable[[int, str], str | None]) -> CpuReading:
    """CPU seconds (user + system) each running process has used so far, with the class
    `classify(session_id, command_name)` gives it (None: not counted)."""
    per_second = os.sysconf("SC_CLK_TCK")
    reading: CpuReading = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue  # gone since listed
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2 :].split()
        group = classify(int(fields[3]), name)  # fields[3]: the session id
        if group is not None:
            reading[int(entry)] = (group, (int(fields[11]) + int(fields[12])) / per_second)
    return reading


def cpu_spent(before: CpuReading, after: CpuReading) -> dict[str, float]:
    """CPU seconds per class between two readings, from the processes alive at both (one
    that exited in between is left out: count short-lived ones in the process itself)."""
    spent: dict[str, float] = {}
    for pid, (group, seconds) in after.items():
        if pid in before:
            spent[group] = spent.get(group, 0.0) + seconds - before[pid][1]
    return spent


def machine(database_url: str) -> dict[str, Any]:
    pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    return {
        "cores": os.cpu_count(),
        "ram_gb": round(pages / 2**30, 1),
        "python": platform.python_version(),
        "postgres": postgres_version(database_url),
        "platform": platform.platform(),
        "load_average_at_start": [round(load, 2) for load in os.getloadavg()],
    }


def publish_result(name: str, result: dict[str, Any]) -> None:
    """Print the one JSON object and keep it in bench/results/<name>.json."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    text = json.dumps(result, indent=2, sort_keys=False, default=str)
    (RESULTS / f"{name}.json").write_text(text + "\n")
    print(text, flush=True)


def chart_path(name: str) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    return RESULTS / f"{name}.png"


# -- `make run` as a user starts it ------------------------------------------------------


class MakeRun:
    """`python -m config.run` (the embedded default: SQLite, embedded Redis, simulator) with
    its own var dir and ports, as `make run` starts it; stopped like Ctrl-C at the end."""

    def __init__(self, processes: Processes, **env: str) -> None:
        self.processes = processes
        self.var_dir = processes.log_dir / "var"
        self.port, self.simulator_port = free_port(), free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.simulator_url = f"http://127.0.0.1:{self.simulator_port}"
        # Nothing of this process's configuration leaks in: it runs as on a laptop.
        clean = {
            name: value
            for name, value in os.environ.items()
            if not name.startswith(("CRIER_", "CELERY_", "DJANGO_"))
            and name not in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "PORT")
        }
        clean.update(
            CRIER_VAR_DIR=str(self.var_dir),
            PORT=str(self.port),
            CRIER_SIMULATOR_PORT=str(self.simulator_port),
            PYTHONUNBUFFERED="1",
            **env,
        )
        self.env = clean

    def start(self) -> dict[str, str]:
        """Starts it, waits until /readyz says every part is up; the banner's demo values."""
        import re

        import httpx

        log = self.processes.log_dir / "make-run.log"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "config.run"],
            cwd=REPO,
            env=self.env,
            stdout=log.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.processes.running["make-run"] = self.process

        def ready() -> bool:
            if self.process.poll() is not None:
                raise RuntimeError(f"make run exited:\n{log.read_text()[-3000:]}")
            try:
                return httpx.get(f"{self.url}/readyz", timeout=2).status_code == 200
            except httpx.HTTPError:
                return False

        wait_until(ready, 120, "make run never became ready", every=0.5)
        text = log.read_text()
        return {
            "key": re.search(r"Demo API key:\s+(crier_\S+)", text)[1],
            "account": re.search(r"Sandbox account: (acc_\w+)", text)[1],
            "workspace": re.search(r"Demo workspace: (ws_\w+)", text)[1],
        }

    def log(self) -> str:
        return (self.processes.log_dir / "make-run.log").read_text(errors="replace")

    def use_its_database(self) -> None:
        """Django in this process on the run's SQLite file and secrets (read from its var)."""
        os.environ.update(DJANGO_SETTINGS_MODULE="config.settings", CRIER_VAR_DIR=str(self.var_dir))
        import django

        django.setup()


def process_tree(root: int) -> list[int]:
    """`root` and all its descendants, from /proc."""
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            parents.setdefault(int(stat.rpartition(")")[2].split()[1]), []).append(int(entry))
    tree, pending = [], [root]
    while pending:
        pid = pending.pop()
        tree.append(pid)
        pending.extend(parents.get(pid, []))
    return tree


def memory_of(pids: Sequence[int]) -> dict[str, Any]:
    """Resident (RSS, pages shared between processes counted in each) and proportional
    (PSS, shared pages split between their users) memory in MB, per process and in all."""
    rows = []
    for pid in pids:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
            command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue  # gone since listed
        rss = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS"))
        pss = next(int(line.split()[1]) for line in rollup.splitlines() if line.startswith("Pss:"))
        rows.append(
            {
                "pid": pid,
                "rss_mb": round(rss / 1024, 1),
                "pss_mb": round(pss / 1024, 1),
                "command": command[:100],
            }
        )
    return {
        "processes": len(rows),
        "rss_mb": round(sum(row["rss_mb"] for row in rows), 1),
        "pss_mb": round(sum(row["pss_mb"] for row in rows), 1),
        "each": rows,
    }


def load_now() -> dict[str, Any]:
    return {
        "load_average": [round(load, 2) for load in os.getloadavg()],
        "cores": os.cpu_count(),
        "ram_gb": round(os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") / 2**30, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }
