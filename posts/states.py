"""The delivery and job state machines: the only legal transitions (DESIGN.md)."""

from __future__ import annotations

from functools import cache

from django.db import models


class DeliveryStatus(models.TextChoices):
    DRAFT = "draft"
    # Waits for a person with the `approve` scope (posts.approvals); never dispatched.
    PENDING_APPROVAL = "pending_approval"
    SCHEDULED = "scheduled"
    QUEUED = "queued"
    PUBLISHING = "publishing"
    PROCESSING = "processing"
    RETRYING = "retrying"
    PUBLISHED = "published"
    FAILED = "failed"
    CANCELLED = "cancelled"
    UNKNOWN = "unknown"


S = DeliveryStatus

TRANSITIONS: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.SCHEDULED, S.CANCELLED, S.PENDING_APPROVAL}),
    # Approved → scheduled; rejected → draft. An edit by someone who needs approval sends a
    # scheduled delivery back to pending_approval.
    S.PENDING_APPROVAL: frozenset({S.SCHEDULED, S.DRAFT, S.CANCELLED}),
    S.SCHEDULED: frozenset({S.QUEUED, S.CANCELLED, S.DRAFT, S.PENDING_APPROVAL}),
    # queued → queued: the dispatcher re-sends a message whose lease ran out.
    S.QUEUED: frozenset({S.PUBLISHING, S.QUEUED, S.CANCELLED}),
    S.PUBLISHING: frozenset({S.PUBLISHED, S.PROCESSING, S.RETRYING, S.FAILED, S.UNKNOWN}),
    S.PROCESSING: frozenset({S.PUBLISHED, S.FAILED}),
    S.RETRYING: frozenset({S.QUEUED, S.CANCELLED}),
    # An operator or the API decides what an unconfirmed outcome was, or the platform's
    # late answer does (processing: it took the post and is finishing it).
    S.UNKNOWN: frozenset({S.PUBLISHED, S.PROCESSING, S.FAILED, S.RETRYING}),
    # A failed delivery may be retried on request (POST /posts/{id}/retry).
    S.FAILED: frozenset({S.RETRYING}),
    S.PUBLISHED: frozenset(),
    S.CANCELLED: frozenset(),
}

TERMINAL = frozenset({S.PUBLISHED, S.FAILED, S.CANCELLED, S.UNKNOWN})
# Every state but the settled ones, whose rows are history and grow without bound. A list:
# the partial index and the queries counting through it spell the same IN (...).
UNSETTLED = [s for s in DeliveryStatus.values if s not in {S.PUBLISHED, S.FAILED, S.CANCELLED}]
PENDING = frozenset({S.SCHEDULED, S.QUEUED, S.PUBLISHING, S.PROCESSING, S.RETRYING})
EDITABLE = frozenset({S.DRAFT, S.PENDING_APPROVAL, S.SCHEDULED, S.RETRYING, S.FAILED, S.CANCELLED})
CANCELLABLE = frozenset(source for source, targets in TRANSITIONS.items() if S.CANCELLED in targets)


@cache
def sources_for(target: str) -> frozenset[str]:
    """Every state from which `target` may be reached."""
    return frozenset(source for source, targets in TRANSITIONS.items() if target in targets)


def can_transition(source: str, target: str) -> bool:
    return target in TRANSITIONS[source]


class JobStatus(models.TextChoices):
    WORKING = "working"
    COMPLETED = "completed"
    FAILED = "failed"
