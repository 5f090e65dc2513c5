"""Recording what happened to a delivery: one guarded UPDATE per transition.

A transition applies only from a state that may lead to it (posts.states), so a late or
duplicated report can never move a delivery backwards or publish it twice.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from posts.models import Attempt, Delivery
from posts.states import TERMINAL, sources_for
from posts.states import DeliveryStatus as S
from webhooks.models import Event
from webhooks.services import emit

logger = logging.getLogger(__name__)


_EVENTS = {
    S.PUBLISHED: Event.POST_PUBLISHED,
    S.FAILED: Event.POST_FAILED,
    S.UNKNOWN: Event.POST_UNKNOWN,
}


def transition(delivery_id: str, target: str, *, expected: str | None = None, **changes) -> bool:
    """Move the delivery to `target` if its current state allows it; True when it moved.

    The event that reports the change is stored in the same transaction, so it is emitted
    exactly when the change happens, never for a move that lost a race.
    """
    allowed = sources_for(target)
    if expected is not None:
        allowed = allowed & {expected}
    with transaction.atomic():
        moved = Delivery.objects.one_in_states(delivery_id, allowed).update(
            status=target, updated_at=timezone.now(), **changes
        )
        if moved and target in _EVENTS:
            emit_delivery_event(delivery_id, _EVENTS[target])
    if moved and target in TERMINAL:
        after_terminal(delivery_id=delivery_id)
    return bool(moved)


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
        "error": (
            {"code": delivery.error_code, "message": delivery.error_message}
            if delivery.error_message
            else None
        ),
    }


def emit_delivery_event(delivery_id: str, event: str) -> None:
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


def after_terminal(*, delivery_id: str) -> None:
    """Side effects of a final outcome. They may fail; they can never re-run a publish."""
    from posts.services import job_refresh

    try:
        job_id = (
            Delivery.objects.filter(pk=delivery_id).values_list("post__job_id", flat=True).first()
        )
        if job_id:
            job_refresh(job_id=job_id)
    except Exception:
        logger.exception("after-publish bookkeeping failed", extra={"delivery_id": delivery_id})
