"""Writes of the planning app: posting schedules, and the steps it adds to the posts
pipeline (queue slots, recurrence and evergreen flags when a job is expanded, the end of a
deleted post's series). `posts.services` calls the steps through `posts.extensions`."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db import IntegrityError, transaction

from accounts.models import SocialAccount
from core.errors import Conflict
from planning import evergreen, recurring
from planning.models import PostingSchedule, Weekday
from planning.queue import QueuePlanner, content_type_of, lock_accounts
from posts import extensions
from posts.commands import PostSpec
from posts.models import Delivery, Job, Post

# -- posting schedules ----------------------------------------------------------------------


def _duplicate(account: SocialAccount, day: int, wall) -> Conflict:
    return Conflict(
        f"Account {account.pk} already has a slot on {Weekday(day).label} at {wall:%H:%M}."
    )


def schedule_create(*, account: SocialAccount, fields: dict) -> PostingSchedule:
    schedule = PostingSchedule(workspace_id=account.workspace_id, account=account, **fields)
    try:
        with transaction.atomic():
            schedule.save()
    except IntegrityError:
        raise _duplicate(account, schedule.day_of_week, schedule.time) from None
    return schedule


def schedule_update(*, schedule: PostingSchedule, changes: dict) -> PostingSchedule:
    for name, value in changes.items():
        setattr(schedule, name, value)
    try:
        with transaction.atomic():
            schedule.save()
    except IntegrityError:
        raise _duplicate(schedule.account, schedule.day_of_week, schedule.time) from None
    return schedule


def schedule_delete(*, schedule: PostingSchedule) -> None:
    """Posts that already hold one of its slots keep their time."""
    schedule.delete()


def account_timezone_set(*, account: SocialAccount, name: str) -> SocialAccount:
    """Slots and recurrences of the account are read in this zone from now on; deliveries
    already stored keep their instant."""
    account.timezone = name
    account.save(update_fields=["timezone", "updated_at"])
    return account


# -- steps of the posts pipeline ----------------------------------------------------------


class PostsPlanning(extensions.Planning):
    """planning's steps in the posts pipeline; `PlanningConfig.ready()` registers it."""

    def expansion(
        self, *, job: Job, account_ids: Iterable[str], now: datetime
    ) -> extensions.Expansion:
        return Expansion(job, account_ids, now=now)

    def post_deleted(self, *, post: Post) -> None:
        """A deleted post's recurring series end with it, and it is no longer recycled."""
        recurring.series_stop(post=post)
        evergreen.evergreen_stop(post_id=post.pk)


class Expansion(extensions.Expansion):
    """Queue slots, recurring series and evergreen flags of a job."""

    def __init__(self, job: Job, account_ids: Iterable[str], *, now: datetime) -> None:
        super().__init__(job)
        self.queue: QueuePlanner | None = None
        self.stored: list[tuple[Post, PostSpec, list[Delivery]]] = []
        if job.kind == Job.Kind.QUEUE:
            ids = list(account_ids)
            lock_accounts(ids)  # before reading the taken slots: see planning.queue
            self.queue = QueuePlanner(ids, now=now)

    def slot_for(self, post: Post, account: SocialAccount) -> tuple[datetime | None, str]:
        assert self.queue is not None
        kind = content_type_of(post.block_for(account.platform))
        slot = self.queue.take(account.pk, kind)
        return (slot, "") if slot else (None, self.queue.why_none(account.pk, kind))

    def post_stored(self, post: Post, spec: PostSpec, deliveries: list[Delivery]) -> None:
        self.stored.append((post, spec, deliveries))

    def finish(self) -> None:
        """Evergreen flags, recurring series."""
        for post, spec, deliveries in self.stored:
            if spec.evergreen:
                evergreen.evergreen_mark(post_id=post.pk, workspace_id=post.workspace_id)
            if spec.recurrence is not None:
                for delivery in deliveries:
                    recurring.series_create(post=post, delivery=delivery, rule=spec.recurrence)
