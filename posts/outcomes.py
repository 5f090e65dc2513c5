"""Recording what happened to a delivery: one guarded UPDATE per transition.

A transition applies only from a state that may lead to it (posts.states), so a late or
duplicated report can never move a delivery backwards or publish it twice.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from posts import replies
from posts.models import Attempt, Delivery, Job, Post
from posts.states import TERMINAL, JobStatus, sources_for
from posts.states import DeliveryStatus as S
from webhooks.models import Event
from webhooks.services import emit

logger = logging.getLogger(__name__)


_EVENTS = {
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


def transition(
    delivery_id: str,
    target: str,
    *,
    expected: str | None = None,
    delivery: Delivery | None = None,
    attempt: AttemptResult | None = None,
    **changes,
) -> bool:
    """Move the delivery to `target` if its current state allows it; True when it moved.

    The event that reports the change is stored in the same transaction, so it is emitted
    exactly when the change happens, never for a move that lost a race. So is `attempt`'s
    outcome, whether or not the delivery moved (a late success stays in the attempt log).
    `delivery` is the row as the caller loaded it (with post and account): the event is
    built from it and `changes` instead of reading the row again.
    """
    allowed = sources_for(target)
    if expected is not None:
        allowed = allowed & {expected}
    now = timezone.now()
    with transaction.atomic():
        if attempt is not None:
            finish_attempt(attempt.attempt, attempt.outcome, error=attempt.error)
        moved = Delivery.objects.one_in_states(delivery_id, allowed).update(
            status=target, updated_at=now, **changes
        )
        if moved and target == S.PUBLISHED:
            published_at = changes.get("published_at", now)
            replies.schedule_next_reply(delivery_id, delivery, published_at=published_at)
        if moved and target in _EVENTS:
            emit_delivery_event(
                delivery_id, _EVENTS[target], delivery=_as_moved(delivery, target, now, changes)
            )
    if moved and target in TERMINAL:
        after_terminal(delivery_id=delivery_id, delivery=delivery)
    return bool(moved)


def _as_moved(
    delivery: Delivery | None, target: str, now: datetime, changes: dict
) -> Delivery | None:
    """The loaded row with the change applied; None (read it again) when a change is an
    expression only the database can evaluate."""
    if delivery is None or any(hasattr(v, "resolve_expression") for v in changes.values()):
        return None
    delivery.status, delivery.updated_at = target, now
    for field, value in changes.items():
        setattr(delivery, field, value)
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


def finish_attempt(
    attempt: Attempt, outcome: str, *, error: Exception | None = None, message: str = ""
) -> None:
    finished: datetime = timezone.now()
    attempt.finished_at = finished
    attempt.outcome = outcome
    attempt.duration_ms = int((finished - attempt.started_at).total_seconds() * 1000)
    if error is not None:
        attempt.error_class = type(error).__name__
        attempt.message = getattr(error, "message", str(error))[:2000]
    elif message:
        attempt.message = message
    attempt.save(update_fields=["finished_at", "outcome", "duration_ms", "error_class", "message"])


def after_terminal(*, delivery_id: str, delivery: Delivery | None = None) -> None:
    """Side effects of a final outcome. They may fail; they can never re-run a publish."""
    from posts.services import job_refresh

    try:
        if delivery is not None and _job_settled(delivery):
            return
        job_id = (
            delivery.post.job_id
            if delivery is not None
            else Delivery.objects.filter(pk=delivery_id)
            .values_list("post__job_id", flat=True)
            .first()
        )
        if job_id:
            job_refresh(job_id=job_id)
    except Exception:
        logger.exception("after-publish bookkeeping failed", extra={"delivery_id": delivery_id})


def _job_settled(delivery: Delivery) -> bool:
    """True when the job the delivery was loaded with can no longer change: no job, or one
    that is not publish-now and was already done (only publish-now jobs reopen, on retry)."""
    post = delivery.post
    if post.job_id is None:
        return True
    if not Post.job.is_cached(post):
        return False
    job = post.job
    return job.kind != Job.Kind.PUBLISH_NOW and job.status != JobStatus.WORKING
