"""The Telegram Bot API emulator for the connector's tests: the npm package telegram-test-api
(tests/connectors/telegram_emulator, installed by `npm ci` there), with the methods it lacks
filled in by its server.js. It runs on loopback as its own Node process."""

from __future__ import annotations

import selectors
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

DIRECTORY = Path(__file__).parent / "connectors" / "telegram_emulator"
NODE = shutil.which("node")
START_SECONDS = 60  # generous: a loaded CI machine starts Node slowly


@dataclass(frozen=True)
class Emulator:
    url: str

    def sent(self, token: str) -> list[dict[str, Any]]:
        """The messages bots sent with `token`, as the emulator stored them, oldest first."""
        response = httpx.post(f"{self.url}/getUpdatesHistory", json={"token": token}, timeout=30)
        response.raise_for_status()
        return [
            update["message"] | {"message_id": update["messageId"]}
            for update in response.json()["result"]
        ]

    def arm(self, token: str, error_code: int, description: str, **parameters: Any) -> None:
        """The next call with `token` gets this Bot API error answer."""
        error = {"token": token, "error_code": error_code, "description": description}
        if parameters:
            error["parameters"] = parameters
        httpx.post(f"{self.url}/crier/arm", json=error, timeout=30).raise_for_status()


def unavailable() -> str | None:
    if not NODE:
        return "Node.js is not installed"
    if not (DIRECTORY / "node_modules" / "telegram-test-api").is_dir():
        return f"telegram-test-api is not installed (npm ci in {DIRECTORY})"
    return None


@contextmanager
def emulator() -> Iterator[Emulator]:
    process = subprocess.Popen(
        [NODE, "server.js"],
        cwd=DIRECTORY,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        yield Emulator(f"http://127.0.0.1:{_port(process)}")
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stdout.close()


def _port(process: subprocess.Popen) -> int:
    """The port server.js prints once it listens."""
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if selector.select(timeout=1):
                line = process.stdout.readline()
                if line.strip().isdigit():
                    return int(line)
                if not line:  # the process ended
                    break
    process.kill()
    raise RuntimeError(f"the Telegram emulator did not start: {process.stdout.read()}")
