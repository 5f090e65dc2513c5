"""Fixtures for connector tests: plain Python, no database."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from connectors.base import Credentials
from connectors.sandbox import SandboxConnector
from connectors.simulator import SimulatorServer

ACCOUNT = "acct-1"


@pytest.fixture
def server() -> Iterator[SimulatorServer]:
    with SimulatorServer() as server:
        yield server


@pytest.fixture
def credentials(server: SimulatorServer) -> Credentials:
    return Credentials(
        external_id=ACCOUNT,
        access_token="initial-access-token",
        refresh_token="initial-refresh-token",
        extra={"base_url": server.url},
    )


@pytest.fixture
def connector() -> Iterator[SandboxConnector]:
    with SandboxConnector(timeout=5) as connector:
        yield connector
