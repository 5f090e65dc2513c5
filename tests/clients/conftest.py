"""One live Crier for the client, CLI and MCP tests: the embedded default, as the smoke test
starts it (tests/e2e/stack.py), shared by every test of this folder in a test process
(under xdist, tests/conftest.py sends them all to one worker)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.e2e.stack import EmbeddedCrier, embedded_crier

# 1x1 GIF: the smallest image Crier accepts.
GIF = bytes.fromhex(
    "47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b"
)


@dataclass(frozen=True)
class LiveCrier:
    stack: EmbeddedCrier
    url: str
    key: str
    account: str


@pytest.fixture(scope="session")
def live_crier(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveCrier]:
    root = tmp_path_factory.mktemp("live-crier")
    # The client tests make more calls a minute than the laptop default allows one key.
    # Private URLs: the MCP test has Crier fetch media from a file server on loopback.
    settings = {
        "API_RATE_LIMIT": "100000/minute",
        "WEB_CONCURRENCY": "2",
        "CRIER_ALLOW_PRIVATE_URLS": "1",
    }
    with embedded_crier(root / "var", root / "crier.log", settings) as stack:
        key = stack.printed(r"Demo API key:\s+(crier_\S+)")
        account = stack.printed(r"Sandbox account: (acc_\w+)")
        stack.wait_ready()
        yield LiveCrier(stack=stack, url=stack.url, key=key, account=account)


@pytest.fixture
def gif(tmp_path: Path) -> Path:
    path = tmp_path / "pixel.gif"
    path.write_bytes(GIF)
    return path


def feed_texts(live: LiveCrier) -> list[str]:
    """What the sandbox platform received, oldest first: the proof nothing was doubled."""
    return [post["text"] for post in httpx.get(f"{live.stack.simulator_url}/_admin/feed").json()]
