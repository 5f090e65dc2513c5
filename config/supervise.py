"""`make run`'s process manager: `python -m config.supervise PROCFILE`.

Runs every `name: command` line of the Procfile (through `sh -c "exec command"`, so the
shell becomes the command: a line of several commands is written `exec sh -c '...'`), each
in a session of its own, prints their output prefixed with the name, and stops them all on
Ctrl-C or SIGTERM, or as soon as one of them exits. Standard library only, so it takes
~12 MB resident next to what it runs; honcho, a Python process plus a forked helper per
process, took ~110 MB for the six processes of the Procfile (docs/performance.md).
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO

STOP_TIMEOUT = 10.0  # seconds between SIGTERM and SIGKILL
_ENTRY = re.compile(r"^([A-Za-z0-9_-]+):\s*(.+)$")


def parse(text: str) -> list[tuple[str, str]]:
    """The (name, command) lines of a Procfile; comments and blank lines are skipped."""
    return [
        (found[1], found[2].strip())
        for line in text.splitlines()
        if not line.lstrip().startswith("#") and (found := _ENTRY.match(line))
    ]


class Supervisor:
    def __init__(self, entries: list[tuple[str, str]], cwd: Path) -> None:
        self.entries = entries
        self.cwd = cwd
        self.width = max(len(name) for name, _ in entries)
        self.running: dict[str, subprocess.Popen] = {}
        self.wake = threading.Event()
        self.output_lock = threading.Lock()

    def start(self) -> None:
        for name, command in self.entries:
            # `exec`: the shell becomes the command, so a signal reaches the real process.
            process = subprocess.Popen(  # noqa: S603 - the commands are the Procfile's
                ["/bin/sh", "-c", command if command.startswith("exec ") else f"exec {command}"],
                cwd=self.cwd,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            self.running[name] = process
            self.say(name, f"started with pid {process.pid}")
            threading.Thread(target=self.relay, args=(name, process.stdout), daemon=True).start()

    def say(self, name: str, line: str) -> None:
        with self.output_lock:
            sys.stdout.write(f"{time.strftime('%H:%M:%S')} {name:<{self.width}} | {line}\n")
            sys.stdout.flush()

    def relay(self, name: str, stream: IO[bytes]) -> None:
        for raw in iter(stream.readline, b""):
            self.say(name, raw.decode(errors="replace").rstrip("\n"))
        self.wake.set()  # its output ended: it has most likely exited

    def exited(self) -> str | None:
        return next((name for name, p in self.running.items() if p.poll() is not None), None)

    def run(self) -> int:
        """Until a signal or the first exit; then stop the rest. The exit code: 0 when asked
        to stop, else that of the process that exited."""
        stop_signal: list[int] = []

        def requested(signum: int, frame: object) -> None:
            stop_signal.append(signum)
            self.wake.set()

        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, requested)
        self.start()
        gone = None
        while not stop_signal and (gone := self.exited()) is None:
            self.wake.wait(timeout=5)
            self.wake.clear()
        code = 0
        if gone is not None and not stop_signal:
            code = self.running[gone].returncode or 1
            self.say(gone, f"exited with code {self.running[gone].returncode}; stopping the rest")
        self.stop()
        return code

    def stop(self) -> None:
        for process in self.running.values():
            self.signal_group(process, signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT
        for name, process in self.running.items():
            try:
                process.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.say(name, f"still running {STOP_TIMEOUT:.0f} s after SIGTERM; killed")
                self.signal_group(process, signal.SIGKILL)
                process.wait()
            self.say(name, f"stopped (code {process.returncode})")

    @staticmethod
    def signal_group(process: subprocess.Popen, signum: int) -> None:
        with contextlib.suppress(ProcessLookupError):  # gone with its whole session
            os.killpg(process.pid, signum)


def main() -> None:
    procfile = Path(sys.argv[1])
    supervisor = Supervisor(parse(procfile.read_text()), cwd=Path.cwd())
    sys.exit(supervisor.run())


if __name__ == "__main__":
    main()
