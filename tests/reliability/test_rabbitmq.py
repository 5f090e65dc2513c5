"""RabbitMQ as the broker (docker/compose.rabbitmq.yaml, docs/deploy.md): workers, beat and
`/readyz` run on it as on Redis, which stays for rate limits, locks and heartbeats.

Needs this machine's RabbitMQ on 127.0.0.1:5672 and `rabbitmqctl` (each test gets its own
virtual host, so parallel runs never share a queue); skipped without them.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import uuid
from collections.abc import Iterator

import pytest
from rest_framework.test import APIClient

from tests.pipeline.harness import all_terminal, status_counts, wait_until
from tests.pipeline.test_chaos import assert_exactly_once, stored_posts
from tests.pipeline.test_workers import sandbox_account

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

RABBITMQ = ("127.0.0.1", 5672)


def rabbitmq_answers() -> bool:
    try:
        with socket.create_connection(RABBITMQ, timeout=2):
            return True
    except OSError:
        return False


def rabbitmqctl(*args: str) -> None:
    subprocess.run(["rabbitmqctl", "-q", *args], check=True, capture_output=True, timeout=60)


@pytest.fixture
def amqp_url() -> Iterator[str]:
    if shutil.which("rabbitmqctl") is None or not rabbitmq_answers():
        pytest.skip("no RabbitMQ on 127.0.0.1:5672")
    vhost = f"crier-test-{uuid.uuid4().hex[:12]}"
    try:
        rabbitmqctl("add_vhost", vhost)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        pytest.skip(f"rabbitmqctl cannot add a virtual host here: {exc}")
    try:
        rabbitmqctl("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*")
        yield f"amqp://guest:guest@{RABBITMQ[0]}:{RABBITMQ[1]}/{vhost}"
    finally:
        rabbitmqctl("delete_vhost", vhost)


def test_deliveries_publish_once_through_rabbitmq_and_readyz_sees_it(
    owner, simulator, processes, amqp_url, settings
):
    accounts = [
        sandbox_account(owner.workspace, simulator, f"amqp-{n}", platform="sandbox_plain")
        for n in range(2)
    ]
    delivery_ids = stored_posts(owner, accounts, 30, text="amqp")
    processes.worker("w1", CELERY_BROKER_URL=amqp_url)
    processes.beat(CELERY_BROKER_URL=amqp_url)

    wait_until(
        lambda: all_terminal(delivery_ids),
        120,
        lambda: f"not terminal: {status_counts(delivery_ids)}\n{processes.log('w1')[-2000:]}",
    )
    assert_exactly_once(simulator, delivery_ids)
    assert simulator.simulator.stats()["requests"] == 60
    assert "amqp://guest:**@127.0.0.1:5672/crier-test-" in processes.log("w1")

    # This process asks the same broker: the dispatcher ran and a publish worker beats.
    settings.CELERY_BROKER_URL = amqp_url
    settings.CRIER_DISPATCH_INTERVAL = 1  # as the processes run
    client = APIClient()
    wait_until(
        lambda: client.get("/readyz").status_code == 200, 30, lambda: client.get("/readyz").content
    )
