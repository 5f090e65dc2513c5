"""`/healthz` says the process answers; `/readyz` says Crier can publish, or which part cannot."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
from django.db import connection
from django.test import Client

from core import heartbeats

WORKER = "health-test@localhost"


def closed_port() -> int:
    """A local port nothing listens on: bound once to get it, then released."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def beating() -> Iterator[None]:
    """Beat's dispatcher and a publish worker have just reported, as in a running Crier."""
    heartbeats.record_dispatcher()
    heartbeats.record_worker(WORKER, ["default", "publish"])
    yield
    heartbeats.forget_worker(WORKER)
    heartbeats.client().delete(heartbeats.DISPATCHER_KEY)


def test_healthz_answers_200_without_touching_any_dependency(settings):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{closed_port()}/0"
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_is_200_and_lists_every_check_when_all_answer(beating):
    response = Client().get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["broker"] == "ok"
    assert body["checks"]["dispatcher"] == "ok"
    assert body["checks"]["publish_workers"].startswith("ok (")


@pytest.mark.django_db
def test_readyz_is_503_naming_the_broker_when_the_broker_is_unreachable(beating, settings):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{closed_port()}/0"
    response = Client().get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["broker"] != "ok"
    failed = [name for name, detail in body["checks"].items() if not detail.startswith("ok")]
    assert failed == ["broker"]


@pytest.mark.django_db
def test_readyz_is_503_naming_beat_when_the_dispatcher_never_ran(beating):
    heartbeats.client().delete(heartbeats.DISPATCHER_KEY)
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["dispatcher"] == (
        "the dispatcher has never run: is celery beat running?"
    )


@pytest.mark.django_db
def test_readyz_is_503_when_no_worker_consumes_the_publish_queue(beating):
    heartbeats.forget_worker(WORKER)
    heartbeats.record_worker("media-only@localhost", ["media"])
    try:
        response = Client().get("/readyz")
    finally:
        heartbeats.forget_worker("media-only@localhost")
    assert response.status_code == 503
    assert response.json()["checks"]["publish_workers"] == "no worker consumes the publish queue"


@pytest.mark.django_db(transaction=True)
def test_readyz_is_503_naming_the_database_when_the_database_is_unreachable(beating):
    original = dict(connection.settings_dict)
    if connection.vendor == "sqlite":
        unreachable = {"NAME": "/nonexistent-crier-dir/crier.sqlite3"}
    else:
        unreachable = {"HOST": "127.0.0.1", "PORT": str(closed_port())}
    connection.close()
    connection.settings_dict.update(unreachable)
    try:
        response = Client().get("/readyz")
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(original)
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["database"] == "OperationalError"
    assert checks["broker"] == "ok"


@pytest.mark.django_db
def test_probes_answer_an_orchestrator_that_calls_by_address(beating, settings):
    # Kubernetes probes the pod IP, compose's healthcheck 127.0.0.1: not in ALLOWED_HOSTS.
    settings.ALLOWED_HOSTS = ["crier.example.com"]
    client = Client(HTTP_HOST="10.1.2.3:8000", REMOTE_ADDR="127.0.0.1")
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200
    assert client.get("/metrics").status_code == 200
    # Every other path still refuses a host it does not serve.
    assert client.get("/api/v1/users/me").status_code == 400
    assert client.get("/admin/login/").status_code == 400
