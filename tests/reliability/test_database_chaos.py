"""PostgreSQL connections cut mid-run (`pg_terminate_backend`), the fault tests/pipeline lacks.

Every backend of the test database except this test's own is terminated several times while
workers publish: claims, attempts and outcomes lose their connection at random points. After
recovery every delivery must be terminal, published exactly once on the platform, and the
job payload and the webhooks must say what the rows say.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from posts.models import Delivery, Job
from tests.pipeline.harness import all_terminal, status_counts, wait_until
from tests.pipeline.test_workers import publish_now, sandbox_account
from tests.receiver import Receiver
from webhooks.models import WebhookMessage

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

# Small publish batches: more messages, so the cuts fall on claims, attempts and outcomes
# of different batches instead of on one burst.
PRIVATE_OK = {"CRIER_ALLOW_PRIVATE_URLS": 1, "CRIER_PUBLISH_BATCH": 4}
CUTS = 6
CUT_EVERY = 1.5  # seconds between two rounds of terminations


def backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def terminate_backends(spare: int) -> int:
    """Cut every connection to this database but the test's and this thread's; how many."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid NOT IN (pg_backend_pid(), %s)",
            [spare],
        )
        return cursor.fetchone()[0]


def cut_repeatedly(spare: int, cut: list[int], stop: threading.Event) -> None:
    try:
        for _ in range(CUTS):  # the first at once: a batch's calls are in flight by then
            cut.append(terminate_backends(spare))
            if stop.wait(CUT_EVERY):
                return
    finally:
        connection.close()  # this thread's own connection


@pytest.fixture
def postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("pg_terminate_backend is PostgreSQL's; SQLite has no server connections")


@pytest.fixture
def private_targets_allowed(settings) -> None:
    settings.CRIER_ALLOW_PRIVATE_URLS = True


def test_connections_terminated_mid_run_lose_nothing_and_double_nothing(
    postgres_only, owner, simulator, processes, private_targets_allowed
):
    accounts = [sandbox_account(owner.workspace, simulator, f"cut-{n}") for n in range(3)]
    simulator.simulator.configure("*", {"latency_ms": 500})
    with Receiver() as receiver:
        response = owner.client.post(
            "/api/v1/webhooks",
            {"url": receiver.url, "events": ["post.published", "post.failed", "job.completed"]},
            format="json",
        )
        assert response.status_code == 201, response.content
        processes.worker("w1", concurrency=8, **PRIVATE_OK)
        processes.worker("w2", concurrency=8, **PRIVATE_OK)
        processes.beat(**PRIVATE_OK)
        job_id = publish_now(
            owner,
            [
                {"networks": {"default": {"text": f"cut {n}"}}, "accounts": [{"id": a.id}]}
                for n in range(40)
                for a in accounts
            ],
        )
        wait_until(lambda: simulator.simulator.stats()["requests"] >= 5, 60, "nothing published")

        cut: list[int] = []
        stop = threading.Event()
        cutter = threading.Thread(target=cut_repeatedly, args=(backend_pid(), cut, stop))
        cutter.start()
        try:
            ids = list(Delivery.objects.filter(post__job_id=job_id).values_list("pk", flat=True))
            assert len(ids) == 120
            wait_until(
                lambda: all_terminal(ids), 150, lambda: f"not terminal: {status_counts(ids)}"
            )
        finally:
            stop.set()
            cutter.join()
        assert sum(cut) > 0, "no connection was ever cut: the test proved nothing"

        # Nothing lost, nothing doubled: the idempotency key let retries find the first post.
        assert status_counts(ids) == {"published": 120}
        stats = simulator.simulator.stats()
        assert stats["posts"] == 120
        assert stats["duplicates"] == []
        assert stats["duplicate_content"] == []

        # The job says what the rows say.
        wait_until(lambda: Job.objects.get(pk=job_id).status == "completed", 30, "job open")
        payload = owner.client.get(f"/api/v1/job_status/{job_id}").json()["payload"]
        assert payload["failures"] == {}
        assert sorted(post["id"] for post in payload["posts"]) == sorted(ids)
        assert {post["state"] for post in payload["posts"]} == {"published"}

        # One event per change, each received once (retried sends carry the same id).
        messages = WebhookMessage.objects.filter(workspace=owner.workspace)
        assert messages.filter(event="post.published").count() == 120
        assert messages.filter(event="post.failed").count() == 0
        assert messages.filter(event="job.completed").count() == 1

        def delivered() -> set[str]:
            return {item["headers"]["webhook-id"] for item in receiver.received}

        expected = set(messages.values_list("pk", flat=True))
        wait_until(lambda: delivered() >= expected, 60, "webhooks missing")
        published = {event["data"]["id"] for event in receiver.events("post.published")}
        assert published == set(ids)
        assert len(receiver.events("job.completed")) >= 1
