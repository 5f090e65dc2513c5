"""The publish step's own rules, run in this process against the real simulator."""

from __future__ import annotations

import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts import platforms
from connectors.base import PlatformLimits, RateLimit
from media.models import MediaAsset
from posts import dispatch, outcomes, publishing, quotas, services
from posts.models import Attempt, Delivery, Post, PostMedia
from posts.outcomes import delivery_event_data
from tests.pipeline.harness import wait_until
from tests.pipeline.test_chaos import stored_posts
from tests.pipeline.test_workers import sandbox_account
from webhooks.models import WebhookEndpoint, WebhookMessage, new_signing_secret

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def queued(owner, simulator, broker):
    """One delivery claimed by the dispatcher (its message sits unconsumed in the broker)."""
    account = sandbox_account(owner.workspace, simulator, "direct")
    (delivery_id,) = stored_posts(owner, [account], 1)
    assert dispatch.claim_due(now=timezone.now(), batch_size=10) == [delivery_id]
    return Delivery.objects.get(pk=delivery_id)


def test_a_duplicate_message_is_a_no_op(queued, simulator):
    publishing.delivery_publish(delivery_id=queued.pk)
    publishing.delivery_publish(delivery_id=queued.pk)

    queued.refresh_from_db()
    assert queued.status == "published"
    assert queued.attempts == 1
    assert Attempt.objects.filter(delivery=queued).count() == 1
    assert simulator.simulator.stats()["requests"] == 1


def test_published_means_the_platform_id_is_in_hand(queued, simulator):
    publishing.delivery_publish(delivery_id=queued.pk)

    queued.refresh_from_db()
    (post,) = simulator.simulator.feed()
    assert queued.external_id == post["id"]
    assert queued.external_url == post["url"]
    assert queued.published_at is not None


def test_a_throttled_delivery_is_requeued_without_calling_the_platform(
    queued, simulator, monkeypatch
):
    tight = PlatformLimits(
        max_chars=500,
        max_images=4,
        max_videos=1,
        allow_mixed_media=False,
        image_types=frozenset(),
        video_types=frozenset(),
        per_account_rate=RateLimit(requests=1, per_seconds=60),
    )
    connector = platforms.connector_for("sandbox")
    monkeypatch.setattr(type(connector), "limits", tight)
    # The account already used its one call of this minute.
    assert quotas.waits_for_capacity([quotas.Need("sandbox", queued.account_id, tight)]) == [0]

    publishing.delivery_publish(delivery_id=queued.pk)

    queued.refresh_from_db()
    assert queued.status == "retrying"
    assert queued.attempts == 0  # nothing was sent, so no attempt was spent
    assert timezone.now() + timedelta(seconds=50) < queued.due_at
    assert simulator.simulator.stats()["requests"] == 0


def test_a_post_the_platform_finishes_later_is_polled_to_published(queued, simulator):
    simulator.simulator.configure("direct", {"processing_polls": 2})
    publishing.delivery_publish(delivery_id=queued.pk)
    queued.refresh_from_db()
    assert queued.status == "processing"
    assert queued.processing_handle

    publishing.delivery_poll(delivery_id=queued.pk)
    queued.refresh_from_db()
    assert queued.status == "processing"  # still being finished
    publishing.delivery_poll(delivery_id=queued.pk)
    publishing.delivery_poll(delivery_id=queued.pk)
    queued.refresh_from_db()
    assert queued.status == "published"
    assert simulator.simulator.stats()["posts"] == 1


def abandoned(delivery: Delivery, *, call_started: bool) -> list[str]:
    """Claimed, its attempt stored, the call begun or not, then the worker gone: what the
    sweeper finds once the publishing lease ran out. Returns what it swept."""
    assert publishing.claim_for_publishing([delivery.pk])
    number = Attempt.objects.filter(delivery=delivery).count() + 1
    Attempt.objects.create(delivery=delivery, number=number, started_at=timezone.now())
    if call_started:
        Delivery.objects.filter(pk=delivery.pk).update(call_started_at=timezone.now())
    later = timezone.now() + timedelta(hours=1)  # past the publishing lease
    return dispatch.sweep_abandoned_publishing(now=later, batch_size=10)


@pytest.fixture
def queued_plain(owner, simulator, broker):
    """One delivery claimed by the dispatcher, to a platform without idempotency."""
    account = sandbox_account(owner.workspace, simulator, "plain", platform="sandbox_plain")
    (delivery_id,) = stored_posts(owner, [account], 1)
    assert dispatch.claim_due(now=timezone.now(), batch_size=10) == [delivery_id]
    return Delivery.objects.get(pk=delivery_id)


def test_an_abandoned_call_is_retried_with_its_key_when_the_platform_dedupes(queued, simulator):
    assert abandoned(queued, call_started=True) == [queued.pk]

    queued.refresh_from_db()
    assert queued.status == "retrying"
    assert queued.error_code == "worker_lost"
    assert queued.attempts == 1  # it may have reached the platform
    assert Attempt.objects.get(delivery=queued).outcome == "unknown"


def test_an_abandoned_call_that_may_have_left_is_unknown_without_idempotency(
    queued_plain, simulator
):
    assert abandoned(queued_plain, call_started=True) == [queued_plain.pk]

    queued_plain.refresh_from_db()
    assert queued_plain.status == "unknown"
    assert queued_plain.error_code == "outcome_unknown"
    assert Attempt.objects.get(delivery=queued_plain).outcome == "unknown"


@pytest.mark.parametrize("claimed", ["queued", "queued_plain"])
def test_an_abandoned_call_that_never_left_is_sent_again_without_spending_an_attempt(
    claimed, request, simulator
):
    delivery = request.getfixturevalue(claimed)

    assert abandoned(delivery, call_started=False) == [delivery.pk]

    delivery.refresh_from_db()
    assert delivery.status == "retrying"
    assert delivery.error_code == "worker_lost"
    assert delivery.attempts == 0  # nothing reached the platform
    attempt = Attempt.objects.get(delivery=delivery)
    assert (attempt.outcome, attempt.message) == (
        "retry",
        "The worker stopped before this call went out; it was not sent.",
    )
    due = timezone.now() + timedelta(hours=1)  # the sweeper's `now`
    assert dispatch.claim_due(now=due, batch_size=10) == [delivery.pk]
    publishing.delivery_publish(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == "published"
    assert simulator.simulator.stats()["posts"] == 1


def test_a_delivery_whose_worker_keeps_dying_before_the_call_fails_instead_of_looping(
    queued_plain, simulator, settings
):
    settings.CRIER_MAX_ATTEMPTS = 3
    for cut_off in range(1, 4):
        assert abandoned(queued_plain, call_started=False) == [queued_plain.pk]
        queued_plain.refresh_from_db()
        assert queued_plain.attempts == 0  # never spent: none of the calls left
        if cut_off < 3:
            assert queued_plain.status == "retrying"
            due = timezone.now() + timedelta(hours=1)
            assert dispatch.claim_due(now=due, batch_size=10) == [queued_plain.pk]

    assert queued_plain.status == "failed"
    assert queued_plain.error_code == "worker_lost"
    assert "stopped 3 times before calling sandbox_plain" in queued_plain.error_message
    assert (
        list(Attempt.objects.values_list("outcome", "error_class")) == [("retry", "WorkerLost")] * 3
    )
    assert simulator.simulator.stats()["requests"] == 0


def test_a_manual_retry_after_the_workers_kept_dying_gets_a_fresh_count(
    queued_plain, simulator, settings
):
    """The operator retried once the workers were healthy: one more death before the call
    is the new round's first, not the old round's fourth."""
    settings.CRIER_MAX_ATTEMPTS = 3
    for _ in range(3):
        assert abandoned(queued_plain, call_started=False) == [queued_plain.pk]
        queued_plain.refresh_from_db()
        if queued_plain.status == "retrying":
            due = timezone.now() + timedelta(hours=1)
            assert dispatch.claim_due(now=due, batch_size=10) == [queued_plain.pk]
    assert queued_plain.status == "failed"

    assert services.deliveries_retry(deliveries=Delivery.objects.filter(pk=queued_plain.pk)) == 1
    assert dispatch.claim_due(now=timezone.now(), batch_size=10) == [queued_plain.pk]
    assert abandoned(queued_plain, call_started=False) == [queued_plain.pk]

    queued_plain.refresh_from_db()
    assert (queued_plain.status, queued_plain.error_code) == ("retrying", "worker_lost")


def test_a_worker_dying_before_the_call_after_an_ambiguous_attempt_is_unknown_not_failed(
    queued, simulator, settings
):
    """Attempt 1 posted but got a 500; the workers then kept dying before the next call.
    `failed` would invite a manual repost: the post may be up."""
    settings.CRIER_MAX_ATTEMPTS = 3
    simulator.simulator.configure("*", {"fail": [{"status": 500, "act": True}]})
    publishing.delivery_publish(delivery_id=queued.pk)
    due = timezone.now() + timedelta(hours=1)
    for _ in range(3):
        assert dispatch.claim_due(now=due, batch_size=10) == [queued.pk]
        assert abandoned(queued, call_started=False) == [queued.pk]
        due += timedelta(hours=1)

    queued.refresh_from_db()
    assert (queued.status, queued.error_code) == ("unknown", "outcome_unknown")
    assert "attempt 1 got no clear answer" in queued.error_message
    assert simulator.simulator.stats()["posts"] == 1


def test_a_call_is_marked_started_before_it_leaves_and_a_new_claim_clears_the_mark(
    queued, simulator
):
    before = timezone.now()
    publishing.delivery_publish(delivery_id=queued.pk)

    queued.refresh_from_db()
    attempt = Attempt.objects.get(delivery=queued)
    assert before <= queued.call_started_at <= attempt.finished_at
    Delivery.objects.filter(pk=queued.pk).update(status="queued")  # a message sent again
    (claimed,) = publishing.claim_for_publishing([queued.pk])
    assert claimed.call_started_at is None
    queued.refresh_from_db()
    assert queued.call_started_at is None


def test_a_call_whose_start_could_not_be_recorded_is_not_made(owner, simulator, broker):
    accounts = [
        sandbox_account(owner.workspace, simulator, f"unmarked-{n}", platform="sandbox_plain")
        for n in range(2)
    ]
    ids = stored_posts(owner, accounts, 1)
    assert sorted(dispatch.claim_due(now=timezone.now(), batch_size=10)) == sorted(ids)

    def database_refuses_the_mark(execute, sql, params, many, context):
        if sql.startswith('UPDATE "posts_delivery" SET "call_started_at" = %s'):
            raise OperationalError("the database went away")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(database_refuses_the_mark):
        publishing.deliveries_publish(delivery_ids=ids)

    assert simulator.simulator.stats()["requests"] == 0
    rows = Delivery.objects.filter(pk__in=ids)
    assert {(d.status, d.error_code, d.call_started_at) for d in rows} == {
        ("retrying", "start_not_recorded", None)
    }


def test_a_cancelled_delivery_is_not_published_by_a_late_message(queued, owner, simulator):
    response = owner.client.delete(f"/api/v1/posts/{queued.post_id}")
    assert response.status_code == 200

    publishing.delivery_publish(delivery_id=queued.pk)

    queued.refresh_from_db()
    assert queued.status == "cancelled"
    assert simulator.simulator.stats()["requests"] == 0


DATA_VERBS = ("SELECT", "INSERT", "UPDATE", "DELETE", "WITH")


def claim_verbs() -> tuple[str, ...]:
    """The claim's statements: one on PostgreSQL (posts/statements.py), else the ORM's
    lock and move."""
    return ("WITH",) if connection.vendor == "postgresql" else ("SELECT", "UPDATE")


def attempts_verbs() -> tuple[str, ...]:
    """Storing the attempts: one INSERT that numbers them where the database returns
    inserted rows (posts/statements.py), else the last numbers' SELECT first."""
    returns_rows = connection.features.can_return_rows_from_bulk_insert
    return ("INSERT",) if returns_rows else ("SELECT", "INSERT")


def publish_statements(ids: list[str]) -> list[str]:
    """The first word of each SQL statement one publish batch of `ids` sends."""
    with CaptureQueriesContext(connection) as captured:
        publishing.deliveries_publish(delivery_ids=ids)
    return [query["sql"].split(" ", 1)[0].upper() for query in captured.captured_queries]


def test_a_batch_takes_nine_statements_and_one_transaction_for_its_outcomes_then_one_count(
    owner, simulator, broker
):
    # docs/performance.md: the claim (lock and move; one statement on PostgreSQL), the
    # attempts (numbers, insert), the mark that the calls are starting (one UPDATE: they all
    # get call threads at once); then the
    # attempts' outcomes, the lock, the transitions and the events' endpoint lookup,
    # committed together; after the commit, the metric counters' upsert (posts/metrics.py).
    # As many statements for ten deliveries as for one.
    accounts = [sandbox_account(owner.workspace, simulator, f"counted-{n}") for n in range(2)]
    ids = stored_posts(owner, accounts, 5)
    assert sorted(dispatch.claim_due(now=timezone.now(), batch_size=10)) == sorted(ids)

    statements = publish_statements(ids)

    data = [verb for verb in statements if verb in DATA_VERBS]
    assert data == [
        *(*claim_verbs(), *attempts_verbs(), "UPDATE"),
        *("UPDATE", "SELECT", "UPDATE", "SELECT", "INSERT"),
    ]
    outcome = statements[statements.index("BEGIN", statements.index("INSERT")) :]
    assert [verb for verb in outcome if verb in data] == [
        *("UPDATE", "SELECT", "UPDATE", "SELECT"),
        "INSERT",
    ]
    assert outcome[-2:] == ["COMMIT", "INSERT"]
    assert set(Delivery.objects.filter(pk__in=ids).values_list("status", flat=True)) == {
        "published"
    }


def test_a_batch_with_media_reads_every_posts_media_in_one_statement(owner, simulator, broker):
    # Each post links two assets, listed in the reverse of their creation order; the claim
    # loads the links and their assets for the whole batch, so the batch costs one SELECT
    # more than one without media (above), whatever the number of deliveries.
    accounts = [sandbox_account(owner.workspace, simulator, f"media-{n}") for n in range(2)]
    ids = stored_posts(owner, accounts, 5)
    first, second = (
        MediaAsset.objects.create(
            workspace=owner.workspace,
            status=MediaAsset.Status.READY,
            kind=MediaAsset.Kind.IMAGE,
            mime_type="image/png",
            storage_key=f"{owner.workspace.pk}/{name}.png",
        )
        for name in ("first", "second")
    )
    for post in Post.objects.filter(deliveries__in=ids).distinct():
        PostMedia.objects.create(post=post, asset=second, position=0, alt="2")
        PostMedia.objects.create(post=post, asset=first, position=1, alt="1")
    assert sorted(dispatch.claim_due(now=timezone.now(), batch_size=10)) == sorted(ids)

    data = [verb for verb in publish_statements(ids) if verb in DATA_VERBS]

    assert data == [
        *(*claim_verbs(), "SELECT", *attempts_verbs(), "UPDATE"),
        *("UPDATE", "SELECT", "UPDATE", "SELECT", "INSERT"),
    ]
    feed = simulator.simulator.feed(None)
    assert len(feed) == 10
    assert {tuple(item["alt_text"] for item in entry["media"]) for entry in feed} == {("2", "1")}


def test_the_published_event_carries_the_row_as_stored(queued, simulator):
    WebhookEndpoint.objects.create(
        workspace=queued.workspace,
        url="https://hooks.example.com/crier",
        signing={"secret": new_signing_secret()},
    )

    publishing.delivery_publish(delivery_id=queued.pk)

    (message,) = WebhookMessage.objects.filter(event="post.published")
    stored = Delivery.objects.select_related("post", "account").get(pk=queued.pk)
    as_stored = json.loads(json.dumps(delivery_event_data(stored), cls=DjangoJSONEncoder))
    assert message.payload["data"] == as_stored
    assert as_stored["state"] == "published"
    assert as_stored["attempts"] == 1


def test_a_worker_whose_claim_was_taken_over_neither_calls_nor_records(queued_plain, simulator):
    """Worker A claims, then stalls until its lease has run out; the sweeper sends the
    delivery again (its call never started) and worker B claims it. When A wakes up it
    must not make the call (B will) nor record anything on B's claim."""
    (stalled,) = publishing.claim_for_publishing([queued_plain.pk])
    now = timezone.now()
    Delivery.objects.filter(pk=queued_plain.pk).update(lease_expires_at=now)
    assert dispatch.sweep_abandoned_publishing(now=now, batch_size=10) == [queued_plain.pk]
    assert dispatch.claim_due(now=timezone.now(), batch_size=10) == [queued_plain.pk]
    (taken_over,) = publishing.claim_for_publishing([queued_plain.pk])

    publishing.publish_claimed([stalled])

    assert simulator.simulator.stats()["requests"] == 0
    current = Delivery.objects.get(pk=queued_plain.pk)
    assert (current.status, current.lease_expires_at) == ("publishing", taken_over.lease_expires_at)
    assert current.call_started_at is None

    publishing.publish_claimed([taken_over])

    current.refresh_from_db()
    assert current.status == "published"
    assert simulator.simulator.stats()["posts"] == 1


def test_a_late_answer_of_a_taken_over_claim_does_not_overwrite_the_new_claim(
    queued_plain, simulator
):
    """A's call left, then its lease ran out: the sweeper made the delivery `unknown` and an
    operator retried it, so B holds it now. A's answer changes nothing on B's claim."""
    (stalled,) = publishing.claim_for_publishing([queued_plain.pk])
    stale_lease = stalled.lease_expires_at
    Delivery.objects.filter(pk=stalled.pk).update(status="queued")  # B's claim, by any path
    (taken_over,) = publishing.claim_for_publishing([stalled.pk])
    assert taken_over.lease_expires_at != stale_lease

    (moved,) = outcomes.record(
        [outcomes.Move(stalled.pk, "failed", "publishing", stalled, lease=stale_lease, changes={})]
    )

    assert moved is False
    assert Delivery.objects.get(pk=stalled.pk).status == "publishing"


def test_the_lease_is_renewed_while_a_call_runs(queued_plain, simulator, settings):
    """A call that takes longer than the lease (a big upload) is not taken for a dead
    worker's: while it runs the worker renews the lease, so the sweeper leaves it alone."""
    settings.CRIER_PUBLISH_LEASE = timedelta(seconds=2)
    simulator.simulator.configure("*", {"latency_ms": 5000})

    def worker_process() -> None:
        try:
            publishing.deliveries_publish(delivery_ids=[queued_plain.pk])
        finally:
            connection.close()  # this thread's own connection

    worker = threading.Thread(target=worker_process)
    worker.start()
    try:
        wait_until(
            lambda: Delivery.objects.get(pk=queued_plain.pk).call_started_at is not None,
            60,
            lambda: "the call did not start",
        )
        first_lease = Delivery.objects.get(pk=queued_plain.pk).lease_expires_at

        def renewed_or_over() -> bool:
            row = Delivery.objects.get(pk=queued_plain.pk)
            return row.status != "publishing" or row.lease_expires_at > first_lease

        wait_until(renewed_or_over, 60)
        row = Delivery.objects.get(pk=queued_plain.pk)
        assert row.status == "publishing", "the call ended before its lease was renewed"
        # The sweeper's view once the first lease has run out: nothing abandoned.
        swept = dispatch.sweep_abandoned_publishing(
            now=first_lease + timedelta(milliseconds=1), batch_size=10
        )
        assert swept == []
    finally:
        worker.join(120)
    delivery = Delivery.objects.get(pk=queued_plain.pk)
    assert (delivery.status, delivery.lease_expires_at) == ("published", None)
    assert simulator.simulator.stats()["posts"] == 1


def test_a_call_the_stopping_pool_refuses_is_not_made_and_gives_its_thread_back(
    queued_plain, simulator, monkeypatch
):
    """At interpreter exit the call pool refuses new work after the call was marked."""
    stopped = ThreadPoolExecutor(max_workers=1)
    stopped.shutdown()
    monkeypatch.setattr(publishing, "_calls", stopped)

    publishing.deliveries_publish(delivery_ids=[queued_plain.pk])

    assert simulator.simulator.stats()["requests"] == 0
    delivery = Delivery.objects.get(pk=queued_plain.pk)
    assert (delivery.status, delivery.error_code) == ("retrying", "worker_stopping")
    assert publishing._free_call_threads._value == publishing.CALL_THREADS


@pytest.fixture
def call_threads(monkeypatch) -> threading.Semaphore:
    """The call threads' semaphore and the taking lock of this test alone."""
    threads = threading.Semaphore(publishing.CALL_THREADS)
    monkeypatch.setattr(publishing, "_free_call_threads", threads)
    monkeypatch.setattr(publishing, "_taking", threading.Lock())
    return threads


def held_claim(delivery: Delivery) -> publishing._Claim:
    return publishing._Claim(publishing.claim_for_publishing([delivery.pk]))


def test_call_threads_freeing_one_by_one_go_to_one_batch_together(
    queued_plain, call_threads, monkeypatch
):
    """Under load the call threads free up one at a time: the batch taking them waits for
    GATHER of them, so their calls start with one statement instead of one each."""
    claim = held_claim(queued_plain)
    monkeypatch.setattr(publishing, "GATHER_SECONDS", 60)  # only GATHER threads end the wait
    assert all(call_threads.acquire(blocking=False) for _ in range(publishing.CALL_THREADS))
    with ThreadPoolExecutor(max_workers=1) as taker:
        taking = taker.submit(publishing._free_threads, 20, time.monotonic() + 60, claim)
        for _ in range(publishing.GATHER):  # calls ending one after the other
            call_threads.release()
        assert taking.result(timeout=60) == publishing.GATHER
    assert not call_threads.acquire(blocking=False)  # the batch holds every freed thread
    assert publishing._taking.acquire(blocking=False)  # and let the next batch take


@pytest.mark.parametrize("wanted", [1, 5])
def test_a_batch_finding_its_threads_free_does_not_wait_to_gather(
    queued_plain, call_threads, monkeypatch, wanted
):
    claim = held_claim(queued_plain)
    monkeypatch.setattr(publishing, "GATHER_SECONDS", 600)  # a wait would outlast the test
    with ThreadPoolExecutor(max_workers=1) as taker:
        taking = taker.submit(publishing._free_threads, wanted, time.monotonic() + 600, claim)
        assert taking.result(timeout=60) == wanted


def test_a_batch_that_gets_no_thread_by_its_deadline_takes_none(queued_plain, call_threads):
    claim = held_claim(queued_plain)
    assert all(call_threads.acquire(blocking=False) for _ in range(publishing.CALL_THREADS))

    assert publishing._free_threads(3, time.monotonic(), claim) == 0
    assert publishing._taking.acquire(blocking=False)  # given back for the next batch


@pytest.mark.parametrize("returning", [True, False], ids=["returning", "sqlite-before-3.35"])
def test_the_start_mark_returns_only_the_calls_still_held(queued_plain, monkeypatch, returning):
    (claimed,) = publishing.claim_for_publishing([queued_plain.pk])
    monkeypatch.setattr(connection.features, "can_return_columns_from_insert", returning)
    lease, now = claimed.lease_expires_at, timezone.now()
    other_lease = lease + timedelta(seconds=1)

    assert publishing._mark_started([claimed.pk], lease=other_lease, now=now) == set()
    assert publishing._mark_started([claimed.pk], lease=lease, now=lease) == set()  # ran out
    assert publishing._mark_started([claimed.pk, "dlv_none"], lease=lease, now=now) == {claimed.pk}
    assert Delivery.objects.get(pk=claimed.pk).call_started_at == now


def publish_outliving_the_lease(delivery: Delivery, monkeypatch) -> None:
    """Publish `delivery`, its call outliving the lease: once the platform has answered, and
    before the answer is recorded, the sweeper takes the delivery over and makes it
    `unknown` (a platform without idempotency)."""
    calls = publishing._publish_refreshing_once

    def call_outliving_its_lease(pending, claim):
        results = calls(pending, claim)
        now = timezone.now()
        Delivery.objects.filter(pk=delivery.pk).update(lease_expires_at=now)
        assert dispatch.sweep_abandoned_publishing(now=now, batch_size=10) == [delivery.pk]
        assert Delivery.objects.get(pk=delivery.pk).status == "unknown"
        return results

    monkeypatch.setattr(publishing, "_publish_refreshing_once", call_outliving_its_lease)
    publishing.deliveries_publish(delivery_ids=[delivery.pk])


def test_a_late_success_settles_the_unknown_the_sweeper_left(queued_plain, simulator, monkeypatch):
    """The call outlived its lease on a platform without idempotency: the sweeper made the
    delivery `unknown`; the platform's answer, when it comes, publishes it after all."""
    publish_outliving_the_lease(queued_plain, monkeypatch)

    delivery = Delivery.objects.get(pk=queued_plain.pk)
    (post,) = simulator.simulator.feed()
    assert (delivery.status, delivery.external_id, delivery.error_code) == (
        "published",
        post["id"],
        "",
    )
    assert Attempt.objects.get(delivery=delivery).outcome == "published"


def test_a_late_processing_answer_settles_the_unknown_the_sweeper_left(
    queued_plain, simulator, monkeypatch
):
    """The platform took the post and is still finishing it when the late answer comes: the
    delivery is polled to published, not left `unknown` for an operator."""
    simulator.simulator.configure("*", {"processing_polls": 1})
    publish_outliving_the_lease(queued_plain, monkeypatch)

    delivery = Delivery.objects.get(pk=queued_plain.pk)
    assert (delivery.status, delivery.error_code) == ("processing", "")
    assert delivery.processing_handle
    publishing.delivery_poll(delivery_id=queued_plain.pk)
    publishing.delivery_poll(delivery_id=queued_plain.pk)
    assert Delivery.objects.get(pk=queued_plain.pk).status == "published"
    assert simulator.simulator.stats()["posts"] == 1


def test_a_refusal_after_a_call_that_may_have_posted_is_unknown_not_failed(queued, simulator):
    """Attempt 1 posted but its answer was a 500; attempt 2 is refused (as a platform
    refuses a duplicate). `failed` would invite a manual repost: the post is there."""
    simulator.simulator.configure("*", {"fail": [{"status": 500, "act": True}]})
    publishing.delivery_publish(delivery_id=queued.pk)
    queued.refresh_from_db()
    assert queued.status == "retrying"
    assert Attempt.objects.get(delivery=queued).outcome == "unknown"  # it may have acted

    simulator.simulator.configure("*", {"reject": "Status is a duplicate."})
    due = timezone.now() + timedelta(hours=1)
    assert dispatch.claim_due(now=due, batch_size=10) == [queued.pk]
    publishing.delivery_publish(delivery_id=queued.pk)

    queued.refresh_from_db()
    assert simulator.simulator.stats()["posts"] == 1
    assert (queued.status, queued.error_code) == ("unknown", "outcome_unknown")
    assert "Status is a duplicate." in queued.error_message
    assert "attempt 1 got no clear answer from sandbox" in queued.error_message
    assert list(Attempt.objects.filter(delivery=queued).values_list("outcome", flat=True)) == [
        "unknown",
        "failed",
    ]


def test_a_failure_after_a_manual_retry_is_not_blamed_on_the_round_before(queued_plain, simulator):
    """The operator checked the account after an ambiguous answer and retried: a refusal
    in the new round is a plain failure."""
    simulator.simulator.configure("*", {"fail": [{"status": 500}]})
    publishing.delivery_publish(delivery_id=queued_plain.pk)
    assert Delivery.objects.get(pk=queued_plain.pk).status == "unknown"

    assert services.deliveries_retry(deliveries=Delivery.objects.filter(pk=queued_plain.pk)) == 1
    simulator.simulator.configure("*", {"reject": "Text too long."})
    assert dispatch.claim_due(now=timezone.now(), batch_size=10) == [queued_plain.pk]
    publishing.delivery_publish(delivery_id=queued_plain.pk)

    delivery = Delivery.objects.get(pk=queued_plain.pk)
    assert (delivery.status, delivery.error_message) == ("failed", "Text too long.")


def test_the_call_after_a_token_refresh_is_not_made_once_the_claim_was_taken_over(
    queued_plain, simulator, monkeypatch
):
    """The stored token was refused; while this worker refreshed it, its lease ran out and
    another worker claimed the delivery. The refreshed call must not go out as well."""
    simulator.simulator.configure("*", {"expire_token": True})
    refreshed = publishing._refreshed
    taken_over = []

    def refresh_outliving_the_lease(call, refused):
        credentials = refreshed(call, refused)
        now = timezone.now()
        Delivery.objects.filter(pk=queued_plain.pk).update(lease_expires_at=now)
        assert dispatch.sweep_abandoned_publishing(now=now, batch_size=10) == [queued_plain.pk]
        Delivery.objects.filter(pk=queued_plain.pk).update(status="queued")  # an operator's retry
        taken_over.extend(publishing.claim_for_publishing([queued_plain.pk]))
        return credentials

    monkeypatch.setattr(publishing, "_refreshed", refresh_outliving_the_lease)
    publishing.delivery_publish(delivery_id=queued_plain.pk)

    assert simulator.simulator.stats()["posts"] == 0
    monkeypatch.undo()
    publishing.publish_claimed(taken_over)
    assert Delivery.objects.get(pk=queued_plain.pk).status == "published"
    assert simulator.simulator.stats()["posts"] == 1


def test_a_late_refusal_settles_the_unknown_the_sweeper_left_as_failed(
    queued_plain, simulator, monkeypatch
):
    """The sweeper logged the running call's attempt `unknown`; the platform then refused
    the post, which says it did not act: the delivery fails with the platform's reason, not
    `unknown` blamed on that very attempt."""
    simulator.simulator.configure("*", {"reject": "Text too long."})
    publish_outliving_the_lease(queued_plain, monkeypatch)

    delivery = Delivery.objects.get(pk=queued_plain.pk)
    assert (delivery.status, delivery.error_message) == ("failed", "Text too long.")
    assert Attempt.objects.get(delivery=delivery).outcome == "failed"


def test_a_claim_lost_before_its_call_does_not_settle_the_unknown_of_the_next_claim(
    queued_plain, simulator
):
    """Worker A stalled past its lease before calling; the sweeper sent the delivery again,
    worker B's call got no clear answer (`unknown`: it may have posted). A then wakes, does
    not call, and its "not sent" must not settle B's `unknown` into a retry: that retry
    could post twice."""
    stalled = publishing.claim_for_publishing([queued_plain.pk])
    later = timezone.now() + timedelta(hours=1)
    assert dispatch.sweep_abandoned_publishing(now=later, batch_size=10) == [queued_plain.pk]
    assert dispatch.claim_due(now=later, batch_size=10) == [queued_plain.pk]
    simulator.simulator.configure("*", {"fail": [{"status": 500, "act": True}]})
    publishing.delivery_publish(delivery_id=queued_plain.pk)
    assert Delivery.objects.get(pk=queued_plain.pk).status == "unknown"

    publishing.publish_claimed(stalled)

    delivery = Delivery.objects.get(pk=queued_plain.pk)
    assert (delivery.status, delivery.error_code) == ("unknown", "outcome_unknown")
    assert simulator.simulator.stats()["posts"] == 1


def test_a_late_answer_that_the_call_did_not_act_settles_the_unknown_the_sweeper_left(
    queued_plain, simulator, monkeypatch
):
    """The sweeper made the call `unknown` while it ran (it may have posted); the platform
    then answered 503, which says it did not: the delivery is retried, not left to an
    operator."""
    simulator.simulator.configure("*", {"fail": [{"status": 503}]})
    publish_outliving_the_lease(queued_plain, monkeypatch)

    delivery = Delivery.objects.get(pk=queued_plain.pk)
    assert delivery.status == "retrying"
    assert simulator.simulator.stats()["posts"] == 0
    assert Attempt.objects.get(delivery=delivery).outcome == "retry"  # the platform's answer
