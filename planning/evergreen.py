"""Evergreen recycling: free `evergreen` slots are filled with evergreen posts in rotation.

For each account with evergreen slots, every free one within `CRIER_EVERGREEN_LEAD` gets a
new delivery of the evergreen post used least recently on that account, skipping posts
with another delivery to it within the workspace's `evergreen_gap_days` of the slot. A
slot with no eligible post stays empty. Slots are taken as queue posts take them: account
row locked, unique live (account, slot_at).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import AccountStatus, SocialAccount
from planning.models import ContentType, EvergreenPost, PostingSchedule
from planning.queue import QueuePlanner, lock_accounts
from posts.models import Delivery
from posts.states import DeliveryStatus

S = DeliveryStatus
logger = logging.getLogger(__name__)

# Deliveries that did not (and will not) put the post on the account: no repetition.
_NOT_SHOWN = (S.DRAFT, S.CANCELLED, S.FAILED)
# A post is recycled only once a person let it out: never from a draft or a pending approval.
_RELEASED = (S.SCHEDULED, S.QUEUED, S.PUBLISHING, S.PROCESSING, S.RETRYING, S.PUBLISHED, S.UNKNOWN)


def fill_slots(*, now: datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    counts = {"filled": 0, "empty": 0}
    account_ids = (
        PostingSchedule.objects.filter(
            is_active=True,
            content_type=ContentType.EVERGREEN,
            account__disconnected_at=None,
            account__status=AccountStatus.ACTIVE,
        )
        .values_list("account_id", flat=True)
        .distinct()
    )
    for account_id in sorted(set(account_ids)):
        for name, value in _fill_account(account_id, now=now).items():
            counts[name] += value
    if any(counts.values()):
        logger.info("evergreen", extra={"evergreen": counts})
    return counts


def _fill_account(account_id: str, *, now: datetime) -> dict[str, int]:
    counts = {"filled": 0, "empty": 0}
    until = now + settings.CRIER_EVERGREEN_LEAD
    with transaction.atomic():
        lock_accounts([account_id])
        account = SocialAccount.objects.select_related("workspace").get(pk=account_id)
        gap = timedelta(days=account.workspace.evergreen_gap_days)
        planner = QueuePlanner([account_id], now=now)
        history = _history(account)
        while True:
            slot = planner.take(account_id, ContentType.EVERGREEN)
            if slot is None or slot > until:
                break
            post_id = pick(history, slot=slot, gap=gap)
            if post_id is None:
                counts["empty"] += 1
                continue
            delivery = Delivery(
                workspace_id=account.workspace_id,
                post_id=post_id,
                account=account,
                status=S.SCHEDULED,
                scheduled_at=slot,
                due_at=slot,
                slot_at=slot,
            )
            delivery.idempotency_key = f"crier-{delivery.pk}"
            delivery.save()
            history[post_id].append((S.SCHEDULED, slot))
            counts["filled"] += 1
    return counts


def _history(account: SocialAccount) -> dict[str, list[tuple[str, datetime]]]:
    """For each active evergreen post sent to this account: its deliveries (status, time)."""
    rows = Delivery.objects.filter(
        account=account,
        post__evergreen__is_active=True,
        post__workspace_id=account.workspace_id,
    ).values_list("post_id", "status", "scheduled_at", "post__created_at")
    history: dict[str, list[tuple[str, datetime]]] = {}
    created: dict[str, datetime] = {}
    for post_id, status, when, post_created in rows:
        history.setdefault(post_id, []).append((status, when))
        created[post_id] = post_created
    # Insertion order breaks ties: older posts first.
    return {post_id: history[post_id] for post_id in sorted(history, key=lambda p: created[p])}


def pick(
    history: dict[str, list[tuple[str, datetime]]], *, slot: datetime, gap: timedelta
) -> str | None:
    """The released post shown least recently on the account, none within `gap` of `slot`."""
    best: tuple[datetime, str] | None = None
    for post_id, rows in history.items():
        if not any(status in _RELEASED for status, _ in rows):
            continue
        shown = [when for status, when in rows if status not in _NOT_SHOWN]
        if any(abs(slot - when) < gap for when in shown) or slot in shown:
            continue
        last = max(shown, default=datetime.min.replace(tzinfo=slot.tzinfo))
        if best is None or last < best[0]:
            best = (last, post_id)
    return best[1] if best else None


def evergreen_mark(*, post_id: str, workspace_id: str) -> None:
    EvergreenPost.objects.get_or_create(post_id=post_id, defaults={"workspace_id": workspace_id})


def evergreen_stop(*, post_id: str) -> int:
    return EvergreenPost.objects.filter(post_id=post_id).update(is_active=False)
