"""Queue posts: each takes the next free posting-schedule slot of its account.

Taking a slot is atomic: the expansion locks the accounts' rows (`SELECT ... FOR UPDATE`,
in a stable order; SQLite serialises writers with `BEGIN IMMEDIATE` anyway), reads the taken
slots only then, and the database refuses two live deliveries in one slot
(`posts.Delivery` constraint `one_delivery_per_slot`) should any path skip the lock.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from accounts.models import SocialAccount
from planning.models import PostingSchedule
from planning.slots import WeeklySlot, accepts, next_free, zone_for
from posts.models import Delivery
from posts.states import DeliveryStatus

# Deliveries in these states do not hold their time: nothing will go out then.
NOT_HOLDING = (DeliveryStatus.DRAFT, DeliveryStatus.CANCELLED)

_TYPES = {
    "video": "video",
    "reel": "video",
    "photo": "image",
    "carousel": "image",
    "story": "image",
}


def content_type_of(block: dict) -> str:
    """text, image or video, from a network block's `type` (status, link, article: text)."""
    return _TYPES.get(block.get("type", "status"), "text")


def lock_accounts(account_ids: Iterable[str]) -> None:
    """Hold the accounts' rows until the transaction ends; the same order everywhere, so
    two expansions never deadlock."""
    ids = sorted(set(account_ids))
    if ids:
        list(
            SocialAccount.objects.select_for_update().filter(pk__in=ids).order_by("pk").values("pk")
        )


class QueuePlanner:
    """Finds (and, with `take`, holds for this transaction) the next free slots of accounts.

    Lock the accounts first (`lock_accounts`) when the slots will be stored.
    """

    def __init__(self, account_ids: Iterable[str], *, now: datetime | None = None) -> None:
        self.now = now or timezone.now()
        self.until = self.now + timedelta(days=settings.CRIER_QUEUE_HORIZON_DAYS)
        ids = set(account_ids)
        self.zones = {
            pk: zone_for(name)
            for pk, name in SocialAccount.objects.filter(pk__in=ids).values_list("pk", "timezone")
        }
        self.slots: dict[str, list[WeeklySlot]] = {pk: [] for pk in ids}
        active = PostingSchedule.objects.filter(account_id__in=ids, is_active=True)
        for account_id, day, wall, kind in active.values_list(
            "account_id", "day_of_week", "time", "content_type"
        ):
            self.slots[account_id].append(WeeklySlot(day, wall, kind))
        self.taken: dict[str, set[datetime]] = {pk: set() for pk in ids}
        window = Q(scheduled_at__gt=self.now, scheduled_at__lte=self.until) | Q(
            slot_at__gt=self.now, slot_at__lte=self.until
        )
        holding = (
            Delivery.objects.filter(window, account_id__in=ids)
            .exclude(status__in=NOT_HOLDING)
            .values_list("account_id", "scheduled_at", "slot_at")
        )
        for account_id, scheduled_at, slot_at in holding:
            self.taken[account_id].update(t for t in (scheduled_at, slot_at) if t is not None)

    def peek(self, account_id: str, content_type: str) -> datetime | None:
        """The next free slot for a post of `content_type`, without holding it."""
        return next_free(
            self.slots.get(account_id, ()),
            zone=self.zones.get(account_id, zone_for("UTC")),
            after=self.now,
            until=self.until,
            taken=self.taken.get(account_id, set()),
            content_type=content_type,
        )

    def take(self, account_id: str, content_type: str) -> datetime | None:
        """The next free slot, now held by this planner (later calls skip it)."""
        slot = self.peek(account_id, content_type)
        if slot is not None:
            self.taken.setdefault(account_id, set()).add(slot)
        return slot

    def why_none(self, account_id: str, content_type: str) -> str:
        fitting = [slot for slot in self.slots.get(account_id, ()) if accepts(slot, content_type)]
        if not self.slots.get(account_id):
            return (
                f"Account {account_id} has no active posting schedule: add slots with "
                "POST /api/v1/posting-schedules, or send scheduled_at."
            )
        if not fitting:
            return (
                f"Account {account_id} has no active posting-schedule slot for {content_type} "
                "posts."
            )
        return (
            f"Account {account_id} has no free {content_type} slot in the next "
            f"{settings.CRIER_QUEUE_HORIZON_DAYS} days."
        )
