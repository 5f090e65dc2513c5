"""Several deliveries per publish message: each keeps its own guarded transitions."""

from __future__ import annotations

import base64
import json
from datetime import timedelta

import psycopg
import pytest
from django.db import connection
from django.utils import timezone

from posts import dispatch, publishing, services
from posts.models import Attempt, Delivery
from tests.pipeline.harness import database_url
from tests.pipeline.test_chaos import stored_posts
from tests.pipeline.test_workers import sandbox_account
from webhooks.models import WebhookEndpoint, WebhookMessage, new_signing_secret

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def batch(owner, simulator, broker) -> dict[str, str]:
    """Four deliveries to four accounts, claimed by the dispatcher: account name → delivery."""
    names = ["alpha", "beta", "gamma", "delta"]
    accounts = {name: sandbox_account(owner.workspace, simulator, name) for name in names}
    ids = stored_posts(owner, list(accounts.values()), 1)
    assert sorted(dispatch.claim_due(now=timezone.now(), batch_size=10)) == sorted(ids)
    by_account = dict(Delivery.objects.filter(pk__in=ids).values_list("account_id", "pk"))
    return {name: by_account[account.pk] for name, account in accounts.items()}


def statuses(batch: dict[str, str]) -> dict[str, str]:
    status = dict(Delivery.objects.filter(pk__in=batch.values()).values_list("pk", "status"))
    return {name: status[pk] for name, pk in batch.items()}


def test_the_dispatcher_sends_one_message_per_publish_batch(owner, simulator, broker, settings):
    settings.CRIER_PUBLISH_BATCH = 20
    account = sandbox_account(owner.workspace, simulator, "batched")
    ids = stored_posts(owner, [account], 45)

    claimed = dispatch.claim_due(now=timezone.now(), batch_size=500)

    messages = [json.loads(raw) for raw in broker.lrange("publish", 0, -1)]
    assert [message["headers"]["task"] for message in messages] == [
        "posts.tasks.publish_deliveries"
    ] * 3
    # Redis queues are LPUSHed: the last message sent comes first.
    sent = [json.loads(base64.b64decode(m["body"]))[0][0] for m in reversed(messages)]
    assert [len(batch) for batch in sent] == [20, 20, 5]
    assert [pk for batch in sent for pk in batch] == claimed
    assert sorted(claimed) == sorted(ids)


def test_a_batch_publishes_each_delivery_once(batch, simulator):
    publishing.deliveries_publish(delivery_ids=list(batch.values()))

    assert set(statuses(batch).values()) == {"published"}
    assert sorted(Attempt.objects.values_list("delivery_id", "number", "outcome")) == sorted(
        (pk, 1, "published") for pk in batch.values()
    )
    stats = simulator.simulator.stats()
    assert stats["requests"] == stats["posts"] == 4
    assert stats["duplicates"] == []


def test_a_redelivered_batch_message_is_a_no_op(batch, simulator):
    publishing.deliveries_publish(delivery_ids=list(batch.values()))
    publishing.deliveries_publish(delivery_ids=list(batch.values()))

    assert set(statuses(batch).values()) == {"published"}
    assert Attempt.objects.count() == 4
    assert set(Delivery.objects.values_list("attempts", flat=True)) == {1}
    assert simulator.simulator.stats()["requests"] == 4


def test_a_delivery_cancelled_after_the_claim_is_left_out_of_its_batch(batch, simulator):
    assert services.deliveries_cancel(deliveries=Delivery.objects.filter(pk=batch["beta"])) == 1

    publishing.deliveries_publish(delivery_ids=list(batch.values()))

    assert statuses(batch) == {
        "alpha": "published",
        "beta": "cancelled",
        "gamma": "published",
        "delta": "published",
    }
    assert not Attempt.objects.filter(delivery_id=batch["beta"]).exists()
    assert simulator.simulator.feed("beta") == []
    assert simulator.simulator.stats()["posts"] == 3


def test_each_call_of_a_batch_ends_on_its_own(batch, simulator, owner):
    WebhookEndpoint.objects.create(
        workspace=owner.workspace,
        url="https://hooks.example.com/crier",
        signing={"secret": new_signing_secret()},
    )
    simulator.simulator.configure("beta", {"reject": "Duplicate content is not allowed."})
    simulator.simulator.configure("gamma", {"fail": [{"status": 503}]})

    publishing.deliveries_publish(delivery_ids=list(batch.values()))

    assert statuses(batch) == {
        "alpha": "published",
        "beta": "failed",
        "gamma": "retrying",
        "delta": "published",
    }
    outcomes = dict(Attempt.objects.values_list("delivery_id", "outcome"))
    assert {name: outcomes[pk] for name, pk in batch.items()} == {
        "alpha": "published",
        "beta": "failed",
        "gamma": "retry",
        "delta": "published",
    }
    failed = Delivery.objects.get(pk=batch["beta"])
    assert failed.error_message == "Duplicate content is not allowed."
    # One event per change that has one, each with its own delivery's row.
    events = {
        message.payload["data"]["id"]: (message.event, message.payload["data"]["state"])
        for message in WebhookMessage.objects.all()
    }
    assert events == {
        batch["alpha"]: ("post.published", "published"),
        batch["beta"]: ("post.failed", "failed"),
        batch["delta"]: ("post.published", "published"),
    }


def test_an_expired_token_is_refreshed_once_for_the_deliveries_of_a_batch(owner, simulator, broker):
    account = sandbox_account(owner.workspace, simulator, "expiring")
    simulator.simulator.configure("expiring", {"expire_token": True})
    ids = stored_posts(owner, [account], 3)
    assert sorted(dispatch.claim_due(now=timezone.now(), batch_size=10)) == sorted(ids)

    publishing.deliveries_publish(delivery_ids=ids)

    assert set(Delivery.objects.filter(pk__in=ids).values_list("status", flat=True)) == {
        "published"
    }
    stats = simulator.simulator.stats()
    assert stats["refreshes"] == 1
    assert stats["posts"] == 3
    assert stats["duplicates"] == []


def test_a_late_success_in_a_batch_stays_in_the_attempt_log(batch, simulator, monkeypatch):
    """The sweeper gave one call up (its lease ran out) while the batch was still calling."""
    swept = batch["gamma"]
    calls = publishing._publish_refreshing_once

    def calls_outliving_one_lease(pending, claim):
        results = calls(pending, claim)
        now = timezone.now()
        Delivery.objects.filter(pk=swept).update(lease_expires_at=now - timedelta(seconds=1))
        assert dispatch.sweep_abandoned_publishing(now=now, batch_size=10) == [swept]
        return results

    monkeypatch.setattr(publishing, "_publish_refreshing_once", calls_outliving_one_lease)
    publishing.deliveries_publish(delivery_ids=list(batch.values()))

    assert statuses(batch)["gamma"] == "retrying"  # the sweeper's call: the key dedupes
    assert {statuses(batch)[name] for name in ("alpha", "beta", "delta")} == {"published"}
    # The sweeper marked the attempt unknown; the late answer then recorded its outcome.
    assert Attempt.objects.get(delivery_id=swept).outcome == "published"


def test_outcomes_are_recorded_again_on_a_new_connection_when_it_broke(
    batch, simulator, monkeypatch
):
    if connection.vendor != "postgresql":
        pytest.skip("pg_terminate_backend is PostgreSQL's")
    record = publishing.record
    tries = []

    def connection_cut_once(moves):
        if not moves:  # the batch's unsent deliveries: none here
            return record(moves)
        tries.append(len(moves))
        if len(tries) == 1:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                (pid,) = cursor.fetchone()
            with psycopg.connect(database_url(), autocommit=True) as other:
                other.execute("SELECT pg_terminate_backend(%s)", [pid])
        return record(moves)

    monkeypatch.setattr(publishing, "record", connection_cut_once)
    publishing.deliveries_publish(delivery_ids=list(batch.values()))

    assert tries == [4, 4]
    assert set(statuses(batch).values()) == {"published"}
    assert simulator.simulator.stats()["posts"] == 4


def test_a_call_that_waited_too_long_for_a_thread_is_not_made(batch, simulator, settings):
    settings.CRIER_HTTP_TIMEOUT = -1  # every queued call has waited longer than a call may take

    publishing.deliveries_publish(delivery_ids=list(batch.values()))

    assert set(statuses(batch).values()) == {"retrying"}
    assert set(Delivery.objects.values_list("error_code", flat=True)) == {"worker_busy"}
    assert set(Attempt.objects.values_list("outcome", flat=True)) == {"retry"}
    assert simulator.simulator.stats()["requests"] == 0
