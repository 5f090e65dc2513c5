"""Recording what happened to deliveries: guarded transitions, one transaction per batch.

A transition applies only from a state that may lead to it (posts.states), checked on the
row locked in the transaction that changes it, so a late or duplicated report can never
move a delivery backwards or publish it twice.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Any, TypeVar

from django.db import Error, connection, transaction
from django.utils import timezone

from core.fastpaths.case_update import update_each
from posts import metrics, replies, wakeups
from posts.models import Attempt, Delivery, Job, Post
from posts.states import TERMINAL, JobStatus, sources_for
from posts.states import DeliveryStatus as S
from webhooks.models import Event
from webhooks.services import emit, emit_many

logger = logging.getLogger(__name__)


_WAITING = {S.SCHEDULED, S.RETRYING}  # the states the dispatcher claims at `due_at`
_EVENTS: dict[str, Event] = {
    S.PUBLISHED: Event.POST_PUBLISHED,
    S.FAILED: Event.POST_FAILED,
    S.UNKNOWN: Event.POST_UNKNOWN,
}


@dataclass(frozen=True)
class AttemptResult:
    """How a platform call ended, stored in the transaction of the transition it leads to."""

    attempt: Attempt
    outcome: str
    error: Exception | None = None


def ambiguous_attempt(delivery: Delivery, *, besides: Attempt | None = None) -> int | None:
    """The number of the last attempt of this round (since the last manual retry) whose call
    may have acted (no answer, or an ambiguous one), if any: the platform may show the post,
    whatever a later call said, so a failure of this round cannot be the last word.
    `besides`: the attempt whose own answer is being recorded (the sweeper may have logged
    it `unknown` while its call ran; the answer says what it did)."""
    earlier = Attempt.objects.filter(delivery=delivery, outcome=Attempt.Outcome.UNKNOWN)
    if besides is not None:
        earlier = earlier.exclude(pk=besides.pk)
    if delivery.requested_at is not None:
        earlier = earlier.filter(started_at__gte=delivery.requested_at)
    return earlier.order_by("number").values_list("number", flat=True).last()


@dataclass(frozen=True)
class Move:
    """One delivery to `target`, if its current state allows it (and is `expected`, if set).

    `delivery` is the row as the caller loaded it (with post and account): the event is
    built from it and `changes` instead of reading the row again. `lease`, when set, is the
    publish claim's lease the row must still carry: a worker whose claim was taken over
    (the sweeper, maybe another worker's claim since) records nothing on the delivery.
    `call`, when set, is the start mark of the call the row must still carry (a late answer
    settles only the `unknown` its own call left).
    """

    delivery_id: str
    target: str
    expected: str | None = None
    delivery: Delivery | None = None
    attempt: AttemptResult | None = None
    changes: dict[str, Any] = field(default_factory=dict)
    lease: datetime | None = None
    call: datetime | None = None

    def applies_to(self, status: str | None, lease: datetime | None, call: datetime | None) -> bool:
        return (
            status in self.sources
            and (self.lease is None or lease == self.lease)
            and (self.call is None or call == self.call)
        )

    @property
    def sources(self) -> frozenset[str]:
        allowed = sources_for(self.target)
        return allowed & {self.expected} if self.expected is not None else allowed


def transition(
    delivery_id: str,
    target: str,
    *,
    expected: str | None = None,
    delivery: Delivery | None = None,
    attempt: AttemptResult | None = None,
    **changes: Any,
) -> bool:
    """Move the delivery to `target` if its current state allows it; True when it moved."""
    (moved,) = record([Move(delivery_id, target, expected, delivery, attempt, changes)])
    return moved


def record(moves: Sequence[Move]) -> list[bool]:
    """Apply each move whose delivery is in a state that allows it; True for those that moved.

    One transaction for all of them: the attempts' outcomes (stored whether or not their
    delivery moved: a late success stays in the attempt log), the status changes, and the
    events that report them, so an event exists exactly when its change does, never for
    a move that lost a race. The rows are locked first and each move is checked against
    the state it locked (one filtered UPDATE for all of them would say how many rows moved,
    not which). A job is looked at once however many of its deliveries ended here.
    """
    if not moves:
        return []
    now = timezone.now()
    with transaction.atomic():
        _finish_attempts([move.attempt for move in moves if move.attempt is not None])
        current = {
            pk: (status, lease, call)
            for pk, status, lease, call in Delivery.objects.filter(
                pk__in=[move.delivery_id for move in moves]
            )
            .select_for_update(of=("self",))
            .order_by("pk")  # one locking order: batches sharing rows wait, never deadlock
            .values_list("pk", "status", "lease_expires_at", "call_started_at")
        }
        moved = [
            move.applies_to(*current.get(move.delivery_id, (None, None, None))) for move in moves
        ]
        applied = [move for move, ok in zip(moves, moved, strict=True) if ok]
        update_each(
            Delivery.objects.all(),
            {
                move.delivery_id: {"status": move.target, "updated_at": now, **move.changes}
                for move in applied
            },
        )
        # A retry (or a wait for quota or media) goes out at its time, not at the next tick.
        wakeups.arm(move.changes.get("due_at") for move in applied if move.target in _WAITING)
        for move in applied:
            if move.target == S.PUBLISHED:
                published_at = move.changes.get("published_at", now)
                replies.schedule_next_reply(
                    move.delivery_id, move.delivery, published_at=published_at
                )
        if announced := [move for move in applied if move.target in _EVENTS]:
            _emit_events(announced, now)
    for move in applied:
        _log_move(move)
    after_terminal([move for move in applied if move.target in TERMINAL])
    return moved


def _log_move(move: Move) -> None:
    """One line per delivery that changed state: with the task's or request's ids, the
    delivery's whole story is one grep of its id."""
    delivery, attempt = move.delivery, move.attempt
    ids: dict[str, Any] = {"delivery_id": move.delivery_id, "state": move.target}
    if delivery is not None:
        ids.update(post_id=delivery.post_id, account_id=delivery.account_id)
        if Delivery.post.is_cached(delivery):
            ids["job_id"] = delivery.post.job_id
    if attempt is not None:
        ids.update(attempt=attempt.attempt.number, outcome=attempt.outcome)
    if error_code := move.changes.get("error_code"):
        ids["error_code"] = error_code
    logger.info("delivery moved", extra=ids)


def _emit_events(moves: list[Move], now: datetime) -> None:
    """The events of these moves, per workspace; rows the caller did not load are read."""
    moved = {move.delivery_id: _as_moved(move, now) for move in moves}
    rows = {pk: row for pk, row in moved.items() if row is not None}
    if missing := [pk for pk, row in moved.items() if row is None]:
        rows.update(Delivery.objects.select_related("post", "account").in_bulk(missing))
    by_workspace: dict[str, list[tuple[str, dict]]] = defaultdict(list)
    for move in moves:
        delivery = rows[move.delivery_id]
        by_workspace[delivery.workspace_id].append(
            (_EVENTS[move.target], delivery_event_data(delivery))
        )
    for workspace_id, events in by_workspace.items():
        emit_many(workspace_id=workspace_id, events=events)


def _as_moved(move: Move, now: datetime) -> Delivery | None:
    """The loaded row with the change applied; None (read it again) when a change is an
    expression only the database can evaluate."""
    delivery = move.delivery
    if delivery is None or any(hasattr(v, "resolve_expression") for v in move.changes.values()):
        return None
    delivery.status, delivery.updated_at = move.target, now
    for name, value in move.changes.items():
        setattr(delivery, name, value)
    return delivery


def delivery_event_data(delivery: Delivery) -> dict:
    return {
        "id": delivery.pk,
        "post_id": delivery.post_id,
        "job_id": delivery.post.job_id,
        "account_id": delivery.account_id,
        "platform": delivery.account.platform,
        "state": delivery.status,
        "scheduled_at": delivery.scheduled_at,
        "published_at": delivery.published_at,
        "attempts": delivery.attempts,
        "external_id": delivery.external_id,
        "url": delivery.external_url,
        "reply_to": delivery.reply_to_id,
        "error": (
            {"code": delivery.error_code, "message": delivery.error_message}
            if delivery.error_message
            else None
        ),
    }


def emit_delivery_event(delivery_id: str, event: str, *, delivery: Delivery | None = None) -> None:
    if delivery is None:
        delivery = Delivery.objects.select_related("post", "account").get(pk=delivery_id)
    emit(workspace_id=delivery.workspace_id, event=event, data=delivery_event_data(delivery))


def _finish_attempts(results: list[AttemptResult]) -> None:
    """Store how each attempt ended, in one UPDATE."""
    finished: datetime = timezone.now()
    rows: dict[int, dict[str, Any]] = {}
    for result in results:
        attempt, error = result.attempt, result.error
        attempt.finished_at, attempt.outcome = finished, result.outcome
        attempt.duration_ms = int((finished - attempt.started_at).total_seconds() * 1000)
        if error is not None:
            attempt.error_class = type(error).__name__
            attempt.message = getattr(error, "message", str(error))[:2000]
        rows[attempt.pk] = {name: getattr(attempt, name) for name in _ATTEMPT_OUTCOME}
    update_each(Attempt.objects.all(), rows)
    attempts = [result.attempt for result in results]
    # After commit, outside the publish transaction: no counter row is locked while it runs.
    transaction.on_commit(lambda: metrics.attempt_counters_add(attempts), robust=True)


_ATTEMPT_OUTCOME = ("finished_at", "outcome", "duration_ms", "error_class", "message")


def after_terminal(moves: list[Move]) -> None:
    """Side effects of final outcomes: each job concerned is refreshed once. They may fail;
    they can never re-run a publish. A broken database connection gets one more try on a
    new one: the last outcome of a job is the only moment that completes it."""
    try:
        once_more_if_the_connection_broke(partial(_refresh_jobs, moves), "refreshing the jobs")
    except Exception:
        logger.exception("after-publish bookkeeping failed", extra=_ids_of(moves))


T = TypeVar("T")


def once_more_if_the_connection_broke(function: Callable[[], T], what: str) -> T:
    """`function()`, and once more on a new connection if the database connection broke
    (not inside a caller's transaction, which is lost with it)."""
    try:
        return function()
    except Error:
        if connection.in_atomic_block:
            raise
        logger.warning(f"{what} failed; once more on a new connection", exc_info=True)
        connection.close()
        return function()


def _ids_of(moves: list[Move]) -> dict[str, list[str]]:
    return {"delivery_ids": [move.delivery_id for move in moves]}


def _refresh_jobs(moves: list[Move]) -> None:
    from posts.services import job_refresh

    unsettled = [m for m in moves if m.delivery is None or not _job_settled(m.delivery)]
    job_ids = {move.delivery.post.job_id for move in unsettled if move.delivery is not None}
    if unloaded := [move.delivery_id for move in unsettled if move.delivery is None]:
        job_ids.update(
            Delivery.objects.filter(pk__in=unloaded).values_list("post__job_id", flat=True)
        )
    for job_id in filter(None, job_ids):
        job_refresh(job_id=job_id)


def _job_settled(delivery: Delivery) -> bool:
    """True when the job the delivery was loaded with can no longer change: no job, or one
    that is not publish-now and was already done (only publish-now jobs reopen, on retry)."""
    post = delivery.post
    if post.job_id is None:
        return True
    if not Post.job.is_cached(post):
        return False
    job = post.job
    return job is None or (job.kind != Job.Kind.PUBLISH_NOW and job.status != JobStatus.WORKING)
