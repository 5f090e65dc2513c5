from __future__ import annotations

import pytest
import redis
from django.conf import settings

from connectors.simulator import SimulatorServer
from tests.pipeline.harness import Processes

# Short timings so faults, retries and leases play out in seconds.
FAST_PIPELINE = {
    "CRIER_DISPATCH_INTERVAL": 1,
    "CRIER_RETRY_BASE": 1,
    "CRIER_RETRY_MAX": 2,
    "CRIER_HTTP_TIMEOUT": 2,
    "CRIER_QUEUE_LEASE": 10,
    "CRIER_PUBLISH_LEASE": 6,
    "CRIER_POLL_INTERVAL": 1,
}


@pytest.fixture
def broker() -> redis.Redis:
    """This test process's own Redis database, emptied so no stale message is replayed."""
    client = redis.Redis.from_url(settings.REDIS_URL)
    client.flushdb()
    yield client
    client.flushdb()


@pytest.fixture
def simulator():
    with SimulatorServer() as server:
        yield server


@pytest.fixture
def processes(transactional_db, broker, tmp_path):
    started = Processes(tmp_path, **FAST_PIPELINE)
    yield started
    started.stop_all()
