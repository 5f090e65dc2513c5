"""Posts go out at their time (posts/wakeups.py), not at the next tick; the tick stays the
safety net. Real worker and beat processes, the simulator as the platform."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from posts import dispatch, services, tasks
from posts.models import Attempt, Delivery
from tests.pipeline.harness import status_counts, wait_until
from tests.pipeline.test_chaos import stored_posts
from tests.pipeline.test_workers import publish_now, sandbox_account

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def schedule(caller, account, when: datetime, text: str) -> str:
    response = caller.client.post(
        "/api/v1/posts/schedule",
        {
            "bulk": {
                "state": "scheduled",
                "posts": [
                    {
                        "networks": {"default": {"text": text}},
                        "accounts": [{"id": account.id, "scheduled_at": when.isoformat()}],
                    }
                ],
            }
        },
        format="json",
    )
    assert response.status_code == 202, response.content
    return response.json()["job_id"]


def wait_for_posts(simulator, account, count: int, timeout: float = 90) -> list[dict]:
    wait_until(
        lambda: len(simulator.simulator.feed(account.external_id)) >= count,
        timeout,
        lambda: f"{count} posts not received: {status_counts(Delivery.objects.values('pk'))}",
    )
    return simulator.simulator.feed(account.external_id)


def test_a_scheduled_post_goes_out_at_its_time_with_no_tick_running(owner, simulator, processes):
    account = sandbox_account(owner.workspace, simulator, "punctual")
    # No beat at all: only the wake-up armed when the job is expanded can publish it.
    processes.worker("w1", CRIER_WAKEUP_HORIZON=600)
    when = (timezone.now() + timedelta(seconds=4)).replace(microsecond=0)

    schedule(owner, account, when, "on the dot")

    (post,) = wait_for_posts(simulator, account, 1)
    assert post["text"] == "on the dot"
    assert datetime.fromisoformat(post["received_at"]) >= when  # never early
    # The platform has it; the worker records it a moment later.
    delivery = Delivery.objects.filter(account=account)
    wait_until(lambda: delivery.get().status == "published", 60, lambda: delivery.get().status)
    assert "dispatched on time" in processes.log("w1")
    assert simulator.simulator.stats()["duplicates"] == []


def test_a_retry_goes_out_at_its_due_time_with_no_tick_running(owner, simulator, processes):
    account = sandbox_account(owner.workspace, simulator, "flaky-once")
    simulator.simulator.configure("flaky-once", {"fail": [{"status": 503}]})
    processes.worker("w1")  # no beat: publish-now is claimed by the job, the retry by a wake-up

    publish_now(
        owner, [{"networks": {"default": {"text": "again"}}, "accounts": [{"id": account.id}]}]
    )

    wait_for_posts(simulator, account, 1)
    delivery = Delivery.objects.get(account=account)
    wait_until(lambda: Delivery.objects.get(pk=delivery.pk).status == "published", 30)
    first, second = Attempt.objects.filter(delivery=delivery).order_by("number")
    assert (first.outcome, second.outcome) == ("retry", "published")
    # Not before its backoff: at least a second (CRIER_RETRY_BASE=1 in FAST_PIPELINE).
    assert (second.started_at - first.finished_at).total_seconds() >= 1
    assert simulator.simulator.stats()["posts"] == 1


@override_settings(CRIER_WAKEUP_HORIZON=600)
def test_the_tick_still_publishes_a_post_whose_wake_up_was_lost(
    owner, simulator, processes, broker
):
    account = sandbox_account(owner.workspace, simulator, "safety-net")
    job_id = schedule(owner, account, timezone.now() + timedelta(seconds=2), "late but there")
    services.job_run(job_id=job_id)  # here, no worker yet: arms the wake-up into the broker
    queued = broker.lrange("default", 0, -1)
    assert any(b"posts.tasks.dispatch_due" in message for message in queued)
    broker.flushdb()  # the broker loses the wake-up (and the job message, already run)

    processes.worker("w1")
    processes.beat()

    (post,) = wait_for_posts(simulator, account, 1)
    assert post["text"] == "late but there"
    delivery = Delivery.objects.filter(account=account)
    wait_until(lambda: delivery.get().status == "published", 60, lambda: delivery.get().status)
    assert simulator.simulator.stats()["posts"] == 1


def wake_ups(broker) -> list[datetime]:
    """The eta of each wake-up message waiting in the broker."""
    messages = [json.loads(raw) for raw in broker.lrange("default", 0, -1)]
    return [
        datetime.fromisoformat(message["headers"]["eta"])
        for message in messages
        if message["headers"]["task"] == "posts.tasks.dispatch_due"
    ]


def test_a_tick_arms_one_wake_up_for_what_falls_due_within_the_horizon(
    owner, simulator, broker, settings
):
    account = sandbox_account(owner.workspace, simulator, "armed")
    soon = (timezone.now() + timedelta(seconds=4)).replace(microsecond=0)
    settings.CRIER_WAKEUP_HORIZON = 0  # stored without a wake-up of their own
    (due_soon,) = stored_posts(owner, [account], 1, when=soon)
    stored_posts(owner, [account], 1, when=timezone.now() + timedelta(days=1))
    broker.flushdb()
    settings.CRIER_WAKEUP_HORIZON = 10

    assert dispatch.dispatch()["claimed"] == 0
    assert dispatch.dispatch()["claimed"] == 0  # the same instant is not armed twice

    assert wake_ups(broker) == [soon]  # none for tomorrow's post
    assert Delivery.objects.get(pk=due_soon).status == "scheduled"


def test_a_wake_up_that_comes_early_is_sent_again_for_its_time_and_claims_nothing(
    owner, simulator, broker
):
    account = sandbox_account(owner.workspace, simulator, "early")
    later = (timezone.now() + timedelta(seconds=30)).replace(microsecond=0)
    (delivery_id,) = stored_posts(owner, [account], 1, when=later)
    broker.flushdb()

    assert tasks.dispatch_due(later.isoformat()) == 0

    assert wake_ups(broker) == [later]
    assert Delivery.objects.get(pk=delivery_id).status == "scheduled"


def test_a_duplicate_wake_up_finds_nothing_left_to_claim(owner, simulator, broker):
    account = sandbox_account(owner.workspace, simulator, "twice")
    now = timezone.now()
    (delivery_id,) = stored_posts(owner, [account], 1, when=now)

    assert tasks.dispatch_due(now.isoformat()) == 1
    assert tasks.dispatch_due(now.isoformat()) == 0
    assert Delivery.objects.get(pk=delivery_id).status == "queued"
