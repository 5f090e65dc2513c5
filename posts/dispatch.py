"""The dispatcher: claims due deliveries from the database and sends their publish tasks.

The database is the source of truth; a lost broker message only delays a post. Claims use
`SELECT ... FOR UPDATE SKIP LOCKED` where the database has it (PostgreSQL), so several
dispatchers take disjoint batches; on SQLite, `BEGIN IMMEDIATE` serialises writers, so the
same code stays correct. Every state change is a filtered UPDATE: a row another dispatcher
moved first is simply not matched.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from celery import Task
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.platforms import connector_for
from posts import wakeups
from posts.models import Attempt, Delivery, Job
from posts.outcomes import ambiguous_attempt, emit_delivery_event, transition
from posts.states import DeliveryStatus as S
from webhooks.models import Event

logger = logging.getLogger(__name__)


def _lock(queryset: QuerySet) -> QuerySet:
    if connection.features.has_select_for_update_skip_locked:
        return queryset.select_for_update(skip_locked=True, of=("self",))
    return queryset


def _publish_after_commit(delivery_ids: list[str]) -> None:
    """Once the claim commits, one publish message per CRIER_PUBLISH_BATCH deliveries: the
    worker claims, records and refreshes jobs once per batch, and makes the calls side by
    side (docs/performance.md)."""
    from posts.tasks import publish_deliveries

    size = settings.CRIER_PUBLISH_BATCH
    batches = [delivery_ids[start : start + size] for start in range(0, len(delivery_ids), size)]
    transaction.on_commit(lambda: _send(publish_deliveries, batches))


def _poll_after_commit(delivery_ids: list[str]) -> None:
    from posts.tasks import poll_delivery

    transaction.on_commit(lambda: _send(poll_delivery, delivery_ids))


def _send(task: Task, arguments: list) -> None:
    """One message per argument, all through one broker connection and producer (a
    `delay()` each would take and give back a pooled producer per message)."""
    if task.app.conf.task_always_eager:  # tests: run here, no broker involved
        for argument in arguments:
            task.delay(argument)
        return
    with task.app.producer_or_acquire() as producer:
        for argument in arguments:
            task.apply_async((argument,), producer=producer)


def claim_due(*, now: datetime, batch_size: int, arm_until: datetime | None = None) -> list[str]:
    """Move up to `batch_size` due deliveries to `queued` and send their publish tasks.

    With `arm_until`, the same query also reads those falling due by then, for which it
    arms wake-ups (posts.wakeups): a tick costs no extra query for them. They come after
    every due one (ordered by `due_at`), so they only fill a batch's spare places.
    """
    with transaction.atomic():
        rows = list(
            _lock(
                Delivery.objects.filter(
                    status__in=[S.SCHEDULED, S.RETRYING], due_at__lte=max(now, arm_until or now)
                )
                .order_by("due_at")
                .values_list("pk", "due_at")
            )[:batch_size]
        )
        ids = [pk for pk, due_at in rows if due_at <= now]
        wakeups.arm(due_at for _, due_at in rows if due_at > now)
        if not ids:
            return []
        claimed = Delivery.objects.filter(
            pk__in=ids, status__in=[S.SCHEDULED, S.RETRYING], due_at__lte=now
        ).update(
            status=S.QUEUED,
            due_at=None,
            lease_expires_at=now + settings.CRIER_QUEUE_LEASE,
            updated_at=now,
        )
        if claimed != len(ids):  # only possible without row locks; SQLite serialises instead
            logger.warning("claimed fewer rows than selected", extra={"selected": len(ids)})
        _publish_after_commit(ids)
    return ids


def _renew_and_send(
    *,
    status: str,
    clock: str,
    extend_by: timedelta,
    send: Callable[[list[str]], None],
    now: datetime,
    batch_size: int,
) -> list[str]:
    """Deliveries in `status` whose `clock` ran out: push the clock forward, send the task.

    Pushing the clock first means a message lost again is simply sent again next time.
    """
    with transaction.atomic():
        ids = list(
            _lock(
                Delivery.objects.filter(status=status, **{f"{clock}__lte": now})
                .order_by(clock)
                .values_list("pk", flat=True)
            )[:batch_size]
        )
        if ids:
            Delivery.objects.filter(pk__in=ids, status=status).update(
                **{clock: now + extend_by}, updated_at=now
            )
            send(ids)
    return ids


def resend_stale_queued(*, now: datetime, batch_size: int) -> list[str]:
    """Re-send deliveries whose queued message never started (lost with a broker or worker)."""
    return _renew_and_send(
        status=S.QUEUED,
        clock="lease_expires_at",
        extend_by=settings.CRIER_QUEUE_LEASE,
        send=_publish_after_commit,
        now=now,
        batch_size=batch_size,
    )


def sweep_abandoned_publishing(*, now: datetime, batch_size: int) -> list[str]:
    """A worker died mid-publish: send again a call that never left; for one that may have
    left, retry where the platform dedupes, else flag `unknown`.

    Never guess: without an idempotency key or a lookup, a second call could post twice.
    """
    with transaction.atomic():
        stale = list(
            _lock(
                Delivery.objects.filter(status=S.PUBLISHING, lease_expires_at__lte=now)
                .select_related("account")
                .order_by("lease_expires_at")
            )[:batch_size]
        )
        for delivery in stale:
            lost = _after_worker_lost(delivery, now)
            Attempt.objects.filter(delivery=delivery, outcome="").update(
                outcome=lost.attempt_outcome,
                finished_at=now,
                error_class=WORKER_LOST,
                message=lost.attempt_message,
            )
            transition(
                delivery.pk,
                lost.target,
                expected=S.PUBLISHING,
                lease_expires_at=None,
                **lost.changes,
            )
    return [delivery.pk for delivery in stale]


WORKER_LOST = "WorkerLost"  # error_class of the attempts the sweeper closes


class _WorkerLost(NamedTuple):
    """How the sweeper closes a delivery's open attempt and where the delivery goes."""

    attempt_outcome: str
    attempt_message: str
    target: str
    changes: dict[str, Any]


_NOT_SENT = "The worker stopped before this call went out; it was not sent."


def _before_the_call(delivery: Delivery, now: datetime) -> tuple[str, dict[str, Any]]:
    """Not an attempt: nothing reached the platform, so any platform can take it again;
    unless the worker keeps dying before the call (a delivery that crashes it?), which,
    not counted, would go round forever."""
    platform = delivery.account.platform
    earlier = Attempt.objects.filter(
        delivery=delivery, outcome=Attempt.Outcome.RETRY, error_class=WORKER_LOST
    )
    if delivery.requested_at is not None:  # counted per round: a manual retry starts afresh
        earlier = earlier.filter(started_at__gte=delivery.requested_at)
    cut_off = earlier.count() + 1
    changes: dict[str, Any] = {"attempts": delivery.attempts - 1, "error_code": "worker_lost"}
    if cut_off >= settings.CRIER_MAX_ATTEMPTS:
        stopped = f"The worker stopped {cut_off} times before calling {platform}"
        if posted := ambiguous_attempt(delivery):  # an earlier call of this round
            return S.UNKNOWN, {
                **changes,
                "due_at": None,
                "error_code": "outcome_unknown",
                "error_message": f"{stopped}; but attempt {posted} got no clear answer and may "
                "have posted it. Check the account, then mark it published or failed, or retry it.",
            }
        return S.FAILED, {
            **changes,
            "due_at": None,
            "error_message": f"{stopped}; the call never left. Retry the post once the workers "
            "are healthy.",
        }
    return S.RETRYING, {
        **changes,
        "due_at": now,
        "error_message": f"The worker stopped before calling {platform}; the call never "
        "left, so it is sent again.",
    }


def _after_worker_lost(delivery: Delivery, now: datetime) -> _WorkerLost:
    """By whether the delivery's call had started (`call_started_at`) and the platform."""
    platform = delivery.account.platform
    if delivery.call_started_at is None:
        return _WorkerLost(Attempt.Outcome.RETRY, _NOT_SENT, *_before_the_call(delivery, now))
    lost = "The worker stopped before it reported an outcome."
    if connector_for(platform).idempotent and delivery.attempts < settings.CRIER_MAX_ATTEMPTS:
        return _WorkerLost(
            Attempt.Outcome.UNKNOWN,
            lost,
            S.RETRYING,
            {
                "due_at": now,
                "error_code": "worker_lost",
                "error_message": "The worker stopped mid-publish; retrying with the same "
                "idempotency key, so the platform will not post twice.",
            },
        )
    return _WorkerLost(
        Attempt.Outcome.UNKNOWN,
        lost,
        S.UNKNOWN,
        {
            "due_at": None,
            "error_code": "outcome_unknown",
            "error_message": f"The worker stopped while calling {platform}; Crier cannot tell "
            "whether the post went out. Check the account, then mark it published or failed, "
            "or retry it.",
        },
    )


def poll_due_processing(*, now: datetime, batch_size: int) -> list[str]:
    """Send poll tasks for deliveries the platform is still finishing."""
    return _renew_and_send(
        status=S.PROCESSING,
        clock="due_at",
        extend_by=settings.CRIER_POLL_INTERVAL,
        send=_poll_after_commit,
        now=now,
        batch_size=batch_size,
    )


def flag_overdue(*, now: datetime, batch_size: int) -> list[str]:
    """Raise `post.overdue` once for each delivery late by more than CRIER_OVERDUE_AFTER:
    late from its scheduled time, or from when a retry or publish now asked for it."""
    cutoff = now - settings.CRIER_OVERDUE_AFTER
    with transaction.atomic():
        late = list(
            _lock(
                Delivery.objects.filter(
                    Q(requested_at__isnull=True, scheduled_at__lte=cutoff)
                    | Q(requested_at__lte=cutoff),
                    status__in=[S.SCHEDULED, S.QUEUED, S.PUBLISHING, S.RETRYING],
                    overdue_at__isnull=True,
                )
                .order_by("scheduled_at")
                .values_list("pk", flat=True)
            )[:batch_size]
        )
        Delivery.objects.filter(pk__in=late, overdue_at__isnull=True).update(overdue_at=now)
        for delivery_id in late:
            emit_delivery_event(delivery_id, Event.POST_OVERDUE)
    if late:
        logger.warning("deliveries overdue", extra={"count": len(late)})
    return late


def dispatch(*, time_budget: float | None = None) -> dict[str, int]:
    """One beat tick: claim due work in batches until none is left or the budget is spent."""
    budget = time_budget if time_budget is not None else settings.CRIER_DISPATCH_INTERVAL * 2
    started = time.monotonic()
    counts = {"claimed": 0, "resent": 0, "swept": 0, "polled": 0, "overdue": 0}
    # Overdue first: work that is late because beat or the workers were down is reported
    # even when this very tick is about to catch up on it.
    steps = (
        ("overdue", flag_overdue),
        ("claimed", _claim_and_arm),
        ("resent", resend_stale_queued),
        ("swept", sweep_abandoned_publishing),
        ("polled", poll_due_processing),
    )
    for name, step in steps:
        counts[name] = _until_done(step, started=started, budget=budget)
    if any(counts.values()):
        logger.info("dispatched", extra=counts)
    return counts


def _until_done(step: Callable[..., list[str]], *, started: float, budget: float) -> int:
    """Run `step` in batches until a batch comes back short or the budget is spent."""
    batch, count = settings.CRIER_DISPATCH_BATCH, 0
    while time.monotonic() - started < budget:
        done = step(now=timezone.now(), batch_size=batch)
        count += len(done)
        if len(done) < batch:
            break
    return count


def _claim_and_arm(*, now: datetime, batch_size: int) -> list[str]:
    """The tick's claim, which also arms wake-ups for what falls due within the horizon
    (CRIER_WAKEUP_HORIZON, at least one interval: covers the time until the next tick)."""
    horizon = timedelta(seconds=settings.CRIER_WAKEUP_HORIZON)
    return claim_due(now=now, batch_size=batch_size, arm_until=now + horizon)


def dispatch_due(*, at: datetime) -> int:
    """A wake-up (posts.wakeups): claim what is due now, as the tick does; the count."""
    if timezone.now() < at:  # the timer fired early: deliveries due at `at` are not yet due
        wakeups.send(at)
        return 0
    budget = settings.CRIER_DISPATCH_INTERVAL * 2
    claimed = _until_done(claim_due, started=time.monotonic(), budget=budget)
    if claimed:
        logger.info("dispatched on time", extra={"claimed": claimed, "due": at.isoformat()})
    return claimed


def dispatch_job(*, job: Job) -> None:
    """Publish-now jobs do not wait for the next beat tick: claim their deliveries at once."""
    now = timezone.now()
    with transaction.atomic():
        ids = list(
            Delivery.objects.filter(post__job=job, status=S.SCHEDULED, due_at__lte=now).values_list(
                "pk", flat=True
            )
        )
        Delivery.objects.filter(pk__in=ids, status=S.SCHEDULED).update(
            status=S.QUEUED,
            due_at=None,
            lease_expires_at=now + settings.CRIER_QUEUE_LEASE,
            updated_at=now,
        )
        _publish_after_commit(ids)
