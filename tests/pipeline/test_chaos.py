"""Faults in Crier's own machinery: dead workers, a lost broker, racing dispatchers.

After each one, every delivery must be terminal, none lost, none received twice.
"""

from __future__ import annotations

import subprocess
import threading
import time
from collections import Counter
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from config.embedded import free_port, redis_command, wait_for_redis
from posts import dispatch, publishing, services
from posts.models import Attempt, Delivery, Job
from tests.pipeline.harness import all_terminal, status_counts, wait_until
from tests.pipeline.test_workers import sandbox_account

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def stored_posts(caller, accounts, count: int, *, when=None, text: str = "chaos") -> list[str]:
    """Posts due at `when` (default now), expanded by the real job code, without a broker."""
    when = when or timezone.now()
    job = Job.objects.create(
        workspace=caller.workspace,
        kind=Job.Kind.SCHEDULE,
        request={
            "state": "scheduled",
            "posts": [
                {
                    "networks": {
                        "default": {"type": "status", "text": f"{text} {n}", "options": {}}
                    },
                    "accounts": [{"id": a.id, "scheduled_at": when.isoformat()} for a in accounts],
                }
                for n in range(count)
            ],
        },
    )
    services.job_run(job_id=job.pk)
    return list(Delivery.objects.filter(post__job=job).values_list("pk", flat=True))


def assert_exactly_once(simulator, delivery_ids: list[str]) -> None:
    counts = status_counts(delivery_ids)
    assert counts == {"published": len(delivery_ids)}, counts
    stats = simulator.simulator.stats()
    assert stats["posts"] == len(delivery_ids)
    assert stats["duplicates"] == []
    assert stats["duplicate_content"] == []


def test_a_worker_killed_mid_batch_loses_nothing_and_doubles_nothing(owner, simulator, processes):
    accounts = [sandbox_account(owner.workspace, simulator, f"kill-{n}") for n in range(2)]
    simulator.simulator.configure("*", {"latency_ms": 1000})
    ids = stored_posts(owner, accounts, 100)
    processes.worker("victim", concurrency=20)
    processes.beat()
    wait_until(lambda: simulator.simulator.stats()["requests"] >= 20, 60, "no call started")

    processes.kill("victim")  # SIGKILL: no cleanup, calls in flight, messages unacked
    # 10 batches of 20 claimed at once, 32 call threads: some calls were in flight, the
    # others still waiting for a thread.
    started, not_started = calls_cut_off(ids)
    assert started and not_started
    processes.worker("rescuer", concurrency=20)
    wait_until(lambda: all_terminal(ids), 150, lambda: f"not terminal: {status_counts(ids)}")

    assert_exactly_once(simulator, ids)
    # The calls cut off by the kill were retried with their key; the platform deduplicated.
    assert lost_attempts(started) == {"unknown": len(started)}
    by_key = simulator.simulator.stats()["by_idempotency_key"]
    assert any(by_key[key]["requests"] > 1 for key in idempotency_keys(started))
    # Those that never left were sent once, by the rescuer. (A task killed between its
    # claim and its attempts' INSERT left them no attempt to close.)
    assert set(lost_attempts(not_started)) <= {"retry"}
    assert {by_key[key]["requests"] for key in idempotency_keys(not_started)} == {1}


def test_a_worker_killed_mid_batch_leaves_unknown_only_the_calls_that_had_started(
    owner, simulator, processes
):
    """Without idempotency keys, a call cut off may have posted: only those are `unknown`."""
    account = sandbox_account(owner.workspace, simulator, "plain", platform="sandbox_plain")
    # Two batches of 20 against 32 call threads: 32 calls leave, 8 wait for a thread. The
    # calls outlast the kill by far, and the waiting ones do not give up before it.
    simulator.simulator.configure("*", {"latency_ms": 3000})
    ids = stored_posts(owner, [account], 40)
    processes.worker("victim", concurrency=2, CRIER_HTTP_TIMEOUT=10)
    processes.beat()
    threads = publishing.CALL_THREADS
    wait_until(lambda: simulator.simulator.stats()["requests"] >= threads, 60, "calls not made")

    processes.kill("victim")
    started, not_started = calls_cut_off(ids)
    assert (len(started), len(not_started)) == (threads, 40 - threads)
    simulator.simulator.configure("*", {"latency_ms": 0})
    processes.worker("rescuer", concurrency=2)
    wait_until(lambda: all_terminal(ids), 150, lambda: f"not terminal: {status_counts(ids)}")

    assert status_counts(ids) == {"unknown": len(started), "published": len(not_started)}
    assert set(Delivery.objects.filter(status="unknown").values_list("pk", flat=True)) == started
    assert lost_attempts(started) == {"unknown": len(started)}
    assert lost_attempts(not_started) == {"retry": len(not_started)}
    # Every post is on the platform once: the started calls posted before the kill (the
    # operator resolves them as published), the others were sent once, by the rescuer.
    stats = simulator.simulator.stats()
    assert stats["posts"] == stats["requests"] == 40
    assert stats["duplicate_content"] == []


def calls_cut_off(delivery_ids: list[str]) -> tuple[set[str], set[str]]:
    """The deliveries a dead worker left `publishing`: those whose call had started, and
    those whose call had not."""
    left = Delivery.objects.filter(pk__in=delivery_ids, status="publishing")
    started = set(left.filter(call_started_at__isnull=False).values_list("pk", flat=True))
    return started, set(left.values_list("pk", flat=True)) - started


def lost_attempts(delivery_ids: set[str]) -> Counter[str]:
    """How the sweeper closed the attempts the dead worker left open, by outcome."""
    closed = Attempt.objects.filter(
        delivery_id__in=delivery_ids, message__startswith="The worker stopped"
    )
    return Counter(closed.values_list("outcome", flat=True))


def idempotency_keys(delivery_ids: set[str]) -> list[str]:
    return list(
        Delivery.objects.filter(pk__in=delivery_ids).values_list("idempotency_key", flat=True)
    )


def test_a_broker_restart_that_loses_every_message_delays_but_loses_nothing(
    owner, simulator, processes
):
    port = free_port()
    url = f"redis://127.0.0.1:{port}/0"
    private = {"REDIS_URL": url, "CELERY_BROKER_URL": url}
    # No persistence: a restart empties the queues, the worst case for a broker.
    broker = subprocess.Popen(redis_command(port, None), stdout=subprocess.DEVNULL)
    try:
        wait_for_redis(url)
        accounts = [sandbox_account(owner.workspace, simulator, f"restart-{n}") for n in range(2)]
        simulator.simulator.configure("*", {"latency_ms": 200})
        ids = stored_posts(owner, accounts, 60)
        processes.worker("w1", concurrency=8, **private)
        processes.beat(**private)
        wait_until(lambda: simulator.simulator.stats()["requests"] >= 10, 60, "no call started")

        broker.kill()
        broker.wait()
        time.sleep(2)
        broker = subprocess.Popen(redis_command(port, None), stdout=subprocess.DEVNULL)
        wait_for_redis(url)

        wait_until(lambda: all_terminal(ids), 150, lambda: f"not terminal: {status_counts(ids)}")
        assert_exactly_once(simulator, ids)
    finally:
        broker.kill()
        broker.wait()


def test_racing_dispatchers_claim_disjoint_batches(owner, simulator, broker):
    account = sandbox_account(owner.workspace, simulator, "race")
    ids = stored_posts(owner, [account], 400)
    claimed: list[list[str]] = []
    start = threading.Barrier(4)

    def dispatcher() -> None:
        start.wait()
        mine: list[str] = []
        try:
            while batch := dispatch.claim_due(now=timezone.now(), batch_size=25):
                mine += batch
        finally:
            claimed.append(mine)
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=dispatcher) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    everything = [pk for batch in claimed for pk in batch]
    assert sorted(everything) == sorted(ids)  # each claimed once, none left behind
    # They really ran side by side (SKIP LOCKED on PostgreSQL, BEGIN IMMEDIATE on SQLite).
    assert sum(1 for batch in claimed if batch) >= 2
    assert status_counts(ids) == {"queued": 400}


def test_nothing_is_claimed_before_its_time_and_it_is_claimed_at_its_time(owner, simulator, broker):
    account = sandbox_account(owner.workspace, simulator, "timely")
    due = timezone.now() + timedelta(hours=2)
    ids = stored_posts(owner, [account], 3, when=due)

    with time_machine.travel(due - timedelta(seconds=1), tick=False):
        assert dispatch.dispatch()["claimed"] == 0
        assert status_counts(ids) == {"scheduled": 3}
    with time_machine.travel(due, tick=False):
        assert dispatch.dispatch()["claimed"] == 3
        assert status_counts(ids) == {"queued": 3}
