"""config/supervise.py, `make run`'s process manager, with real processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from config.supervise import parse

REPO = Path(__file__).resolve().parents[1]
SUPERVISE = REPO / "config" / "supervise.py"


def start(tmp_path: Path, procfile: str) -> subprocess.Popen:
    (tmp_path / "Procfile").write_text(procfile)
    return subprocess.Popen(
        [sys.executable, str(SUPERVISE), str(tmp_path / "Procfile")],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0] != "Z"


def wait_for_file(path: Path, timeout: float = 30) -> str:
    deadline = time.monotonic() + timeout
    while not path.exists() or not path.read_text().strip():
        assert time.monotonic() < deadline, f"{path} never written"
        time.sleep(0.1)
    return path.read_text().strip()


def test_it_reads_names_and_commands_and_skips_comments():
    text = (
        "# a comment\nweb: gunicorn app --bind ${HOST:-x}:8000\n\nworker:celery -A config worker\n"
    )
    assert parse(text) == [
        ("web", "gunicorn app --bind ${HOST:-x}:8000"),
        ("worker", "celery -A config worker"),
    ]


def test_one_process_exiting_stops_the_others_and_sets_the_exit_code(tmp_path):
    supervisor = start(
        tmp_path,
        "long: exec sh -c 'echo $$ > long.pid; exec sleep 600'\n"
        "short: exec sh -c 'sleep 1; exit 3'\n",
    )
    long_pid = int(wait_for_file(tmp_path / "long.pid"))

    output, _ = supervisor.communicate(timeout=60)

    assert supervisor.returncode == 3
    assert not alive(long_pid)
    assert b"short | exited with code 3; stopping the rest" in output


def test_ctrl_c_stops_every_process_and_exits_0(tmp_path):
    supervisor = start(
        tmp_path, "one: exec sh -c 'echo $$ > one.pid; exec sleep 600'\ntwo: sleep 600\n"
    )
    one_pid = int(wait_for_file(tmp_path / "one.pid"))

    supervisor.send_signal(signal.SIGINT)
    output, _ = supervisor.communicate(timeout=60)

    assert supervisor.returncode == 0
    assert not alive(one_pid)
    assert output.count(b"stopped (code") == 2
