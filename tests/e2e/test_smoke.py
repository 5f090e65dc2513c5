"""The embedded default as `make run` starts it: real processes, real HTTP, a clean stop.

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
from datetime import datetime, timedelta, timezone
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

pytestmark = pytest.mark.skipif(
    not Path("/proc/self/stat").exists(), reason="finds leftover processes through /proc (Linux)"
)


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
def embedded_crier(var_dir: Path, log_path: Path) -> Iterator[EmbeddedCrier]:
    crier = EmbeddedCrier(var_dir=var_dir, log_path=log_path)
    try:
        crier.start()
        yield crier
    finally:
        crier.kill_everything()


def api(crier: EmbeddedCrier, key: str) -> httpx.Client:
    return httpx.Client(
        base_url=f"{crier.url}/api/v1",
        headers={"Authorization": f"Bearer-API {key}"},
        timeout=10,
    )


def finished_job(client: httpx.Client, job_id: str, crier: EmbeddedCrier) -> dict[str, Any]:
    def probe() -> dict[str, Any] | None:
        body = client.get(f"/job_status/{job_id}").json()
        return body if body["status"] != "working" else None

    return wait_for(probe, 30, crier.failure(f"job {job_id} still working"))


def feed(crier: EmbeddedCrier) -> list[dict[str, Any]]:
    return httpx.get(f"{crier.simulator_url}/_admin/feed", timeout=5).json()


def assert_stops_cleanly(crier: EmbeddedCrier) -> None:
    crier.interrupt()
    with pytest.raises(ProcessLookupError):
        os.killpg(crier.process.pid, 0)
    leftovers = processes_in(crier.sessions)
    assert leftovers == {}, f"orphans after Ctrl-C: {leftovers}"


def publish_now(client: httpx.Client, crier: EmbeddedCrier, account: str) -> None:
    accepted = client.post(
        "/posts/schedule/publish",
        json={
            "bulk": {
                "posts": [
                    {"networks": {"default": {"text": "smoke"}}, "accounts": [{"id": account}]}
                ]
            }
        },
    )
    assert accepted.status_code == 202, accepted.text
    job = finished_job(client, accepted.json()["job_id"], crier)
    assert job["status"] == "completed", job
    assert job["payload"]["failures"] == {}
    assert [post["state"] for post in job["payload"]["posts"]] == ["published"]
    assert [post["text"] for post in feed(crier)] == ["smoke"]


def publish_on_schedule(client: httpx.Client, crier: EmbeddedCrier, account: str) -> None:
    # Two seconds ahead, in an offset other than UTC's: beat publishes it then, not before.
    due = datetime.now(timezone(timedelta(hours=2))) + timedelta(seconds=2)
    accepted = client.post(
        "/posts/schedule",
        json={
            "bulk": {
                "state": "scheduled",
                "posts": [
                    {
                        "networks": {"default": {"text": "smoke, scheduled"}},
                        "accounts": [{"id": account, "scheduled_at": due.isoformat()}],
                    }
                ],
            }
        },
    )
    assert accepted.status_code == 202, accepted.text
    job = finished_job(client, accepted.json()["job_id"], crier)
    assert job["status"] == "completed", job
    post_id = job["payload"]["posts"][0]["post_id"]

    def published() -> dict[str, Any] | None:
        post = client.get(f"/posts/{post_id}").json()
        return post if post["state"] == "published" else None

    wait_for(published, 20, crier.failure(f"post {post_id} never published"))
    received = [post for post in feed(crier) if post["text"] == "smoke, scheduled"]
    assert len(received) == 1
    # The simulator stamps to the millisecond, truncating.
    assert datetime.fromisoformat(received[0]["received_at"]) >= due - timedelta(milliseconds=1)


def connect_sandbox_through_oauth(client: httpx.Client) -> None:
    # make run registers a demo client with the simulator's OAuth provider.
    started = client.post("/accounts/connect/sandbox", json={})
    assert started.status_code == 200, started.text
    consent = httpx.get(started.json()["authorization_url"], follow_redirects=True, timeout=10)
    assert consent.status_code == 200, consent.text
    assert consent.json()["provider"] == "sandbox"
    assert consent.json()["status"] == "active"


def signed_upload_on_this_port(client: httpx.Client, crier: EmbeddedCrier) -> None:
    # PORT is not 8000 here: the signed upload URL and the media URL must use it.
    upload = client.post(
        "/media/upload-url",
        json={"fileName": "a.gif", "contentType": "image/gif", "type": "image"},
    )
    assert upload.status_code == 201, upload.text
    body = upload.json()
    assert body["uploadUrl"].startswith(f"{crier.url}/uploads/"), body
    assert body["fileUrl"].startswith(f"{crier.url}/media/"), body
    gif = bytes.fromhex(  # a 1x1 GIF
        "47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b"
    )
    put = httpx.put(
        body["uploadUrl"], content=gif, headers={"Content-Type": "image/gif"}, timeout=10
    )
    assert put.status_code == 200, put.text
    completed = client.post(f"/media/{body['mediaId']}/complete")
    assert completed.status_code == 200, completed.text


@pytest.mark.slow
@pytest.mark.timeout(180)
def test_make_run_publishes_stops_without_orphans_and_restarts_on_its_data(tmp_path):
    var_dir = tmp_path / "var"
    with embedded_crier(var_dir, tmp_path / "first-run.log") as crier:
        key = crier.printed(r"Demo API key:\s+(crier_\S+)")
        account = crier.printed(r"Sandbox account: (acc_\w+)")
        workspace = crier.printed(r"Demo workspace: (ws_\w+)")
        ready = crier.wait_ready()
        assert set(ready["checks"]) == {"database", "broker", "dispatcher", "publish_workers"}
        assert (var_dir / "crier.sqlite3").is_file()  # the embedded default, not the CI database

        with api(crier, key) as client:
            accounts = client.get("/accounts")
            assert accounts.status_code == 200
            listed = [(item["id"], item["provider"]) for item in accounts.json()]
            assert listed == [(account, "sandbox")]
            publish_now(client, crier, account)
            publish_on_schedule(client, crier, account)
            signed_upload_on_this_port(client, crier)
        assert len(feed(crier)) == 2

        assert_stops_cleanly(crier)

    with embedded_crier(var_dir, tmp_path / "second-run.log") as again:
        new_key = again.printed(r"Demo API key:\s+(crier_\S+)")
        assert again.printed(r"Demo workspace: (ws_\w+)") == workspace
        assert again.printed(r"Sandbox account: (acc_\w+)") == account
        assert new_key != key
        again.wait_ready()

        with api(again, key) as old_client:
            assert old_client.get("/accounts").status_code == 401
        with api(again, new_key) as client:
            posts = client.get("/posts")
            connect_sandbox_through_oauth(client)
            assert len(client.get("/accounts").json()) == 2
        assert posts.status_code == 200
        states = sorted(post["state"] for post in posts.json()["results"])
        assert states == ["published", "published"]

        assert_stops_cleanly(again)
