"""Recurring series: create them with the post, materialise each occurrence when it nears.

One occurrence at a time becomes its own delivery (`CRIER_RECURRENCE_LEAD` before it is
due), so it can be seen, edited or cancelled like any other. A claim is one conditional
UPDATE on the series' `next_at`: two beat ticks or hosts never create an occurrence twice.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from planning.models import RecurrenceSeries
from planning.recurrence import next_occurrence
from planning.slots import zone_for
from posts.commands import Recurrence
from posts.models import Delivery, Post
from posts.states import DeliveryStatus

S = DeliveryStatus
logger = logging.getLogger(__name__)

# The series goes on once its last occurrence is out of these (approved, not a draft).
_WAITING = (S.DRAFT, S.PENDING_APPROVAL)


def series_create(*, post: Post, delivery: Delivery, rule: Recurrence) -> RecurrenceSeries:
    """The series behind `delivery`, its first occurrence (in the same transaction)."""
    account = delivery.account
    zone = zone_for(account.timezone)
    series = RecurrenceSeries(
        workspace_id=post.workspace_id,
        post=post,
        account=account,
        rule=rule.rrule,
        timezone=str(zone.key),
        local_start=delivery.scheduled_at,
        count=rule.count,
        until=rule.until,
        last_delivery=delivery,
    )
    series.next_at = _following(series, after=delivery.scheduled_at)
    if series.next_at is None:
        series.ended_at = timezone.now()
    series.save()
    return series


def _following(series: RecurrenceSeries, *, after: datetime) -> datetime | None:
    if series.count is not None and series.occurrences + series.skipped >= series.count:
        return None
    return next_occurrence(
        series.rule,
        start=series.local_start,
        zone=zone_for(series.timezone),
        after=after,
        until=series.until,
    )


def series_stop(*, post: Post, reason: str = "stopped") -> int:
    """End every series of the post (it was deleted); no further occurrence is created."""
    return RecurrenceSeries.objects.filter(post=post, ended_at=None).update(
        ended_at=timezone.now(), next_at=None
    )


def _lock(queryset):
    if connection.features.has_select_for_update_skip_locked:
        return queryset.select_for_update(skip_locked=True, of=("self",))
    return queryset


def materialize_due(*, now: datetime | None = None, batch_size: int = 200) -> dict[str, int]:
    """Create the deliveries of occurrences due within the lead time; skip missed ones."""
    now = now or timezone.now()
    counts = {"created": 0, "skipped": 0, "waiting": 0, "ended": 0}
    horizon = now + settings.CRIER_RECURRENCE_LEAD
    with transaction.atomic():
        due = list(
            _lock(
                RecurrenceSeries.objects.filter(ended_at=None, next_at__lte=horizon)
                .select_related("account")
                .order_by("next_at")
            )[:batch_size]
        )
        for series in due:
            counts[_advance(series, now=now)] += 1
    if any(counts.values()):
        logger.info("recurrences", extra={"recurrences": counts})
    return counts


def _advance(series: RecurrenceSeries, *, now: datetime) -> str:
    last = (
        Delivery.objects.filter(pk=series.last_delivery_id).values_list("status", flat=True).first()
    )
    account = series.account
    if last is None or last == S.CANCELLED or account.disconnected_at is not None:
        _claim(series, ended_at=now, next_at=None)
        return "ended"
    occurrence = series.next_at
    assert occurrence is not None  # materialize_due picks series by their next_at
    missed = occurrence < now - settings.CRIER_RECURRENCE_GRACE
    if last in _WAITING and not missed:
        return "waiting"  # the series resumes once its post is approved or scheduled
    changes: dict = {}
    if missed or last in _WAITING:
        changes["skipped"] = series.skipped + 1
        outcome = "skipped"
        logger.warning(
            "recurrence occurrence skipped",
            extra={"series": series.pk, "occurrence": occurrence.isoformat()},
        )
    else:
        delivery = Delivery(
            workspace_id=series.workspace_id,
            post_id=series.post_id,
            account=account,
            status=S.SCHEDULED,
            scheduled_at=occurrence,
            due_at=occurrence,
        )
        delivery.idempotency_key = f"crier-{delivery.pk}"
        changes.update(occurrences=series.occurrences + 1, last_delivery_id=delivery.pk)
        outcome = "created"
    series.occurrences = changes.get("occurrences", series.occurrences)
    series.skipped = changes.get("skipped", series.skipped)
    following = _following(series, after=occurrence)
    changes["next_at"] = following
    if following is None:
        changes["ended_at"] = now
    if not _claim(series, **changes):
        return "waiting"  # another tick advanced it first
    if outcome == "created":
        delivery.save()
    return outcome


def _claim(series: RecurrenceSeries, **changes) -> bool:
    """Advance the series only from the `next_at` this tick read."""
    return bool(
        RecurrenceSeries.objects.filter(pk=series.pk, next_at=series.next_at, ended_at=None).update(
            **changes
        )
    )
