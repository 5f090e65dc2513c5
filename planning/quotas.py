"""Plan limit per workspace on posts per calendar month (UTC); connected accounts:
accounts/quotas.py.

Refusals are 402 `{"errors": [...]}`. The check holds under concurrency: posts are taken
from a counter with one conditional UPDATE.
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from accounts.models import Workspace
from accounts.quotas import QuotaExceeded
from planning.models import MonthlyUsage
from webhooks.models import Event
from webhooks.services import emit


def month_of(when: datetime) -> date:
    return when.astimezone(UTC).date().replace(day=1)


def posts_reserve(*, workspace: Workspace, count: int, now: datetime | None = None) -> None:
    """Take `count` posts from this month's allowance; 402 when it would go over the limit.

    Call it inside the transaction that stores the posts' job, so a refused or failed
    request takes nothing. `workspace` is the caller's, read in this request: its limit is
    current. One UPDATE in the common case (scheduling is the hottest write of the API).
    """
    month = month_of(now or timezone.now())
    limit = workspace.max_posts_per_month
    counter = MonthlyUsage.objects.filter(workspace_id=workspace.pk, month=month)
    if limit is not None:
        # The condition is evaluated on the locked, latest row: two requests racing for the
        # last posts cannot both pass.
        counter = counter.filter(posts__lte=limit - count)
    taken = counter.update(posts=F("posts") + count)
    if not taken:
        # The month's first post, or over the limit: with the row there, try once more.
        MonthlyUsage.objects.get_or_create(workspace_id=workspace.pk, month=month)
        taken = counter.update(posts=F("posts") + count)
    if not taken:
        used = MonthlyUsage.objects.values_list("posts", flat=True).get(
            workspace_id=workspace.pk, month=month
        )
        raise QuotaExceeded(
            f"Monthly post limit reached: {used} of {limit} posts used in {month:%B %Y}, "
            f"this request adds {count}. Upgrade the plan or wait for next month."
        )
    if limit:
        _warn_once(workspace_id=workspace.pk, month=month, limit=limit)


def posts_refund(*, workspace_id: str, month: date, count: int) -> None:
    """Give back posts a job reserved but did not store (every account refused them)."""
    if count > 0:
        MonthlyUsage.objects.filter(workspace_id=workspace_id, month=month).update(
            posts=F("posts") - count
        )


def _warn_once(*, workspace_id: str, month: date, limit: int) -> None:
    """`quota.warning` the first time this month's usage reaches the warning ratio."""
    usage = MonthlyUsage.objects.filter(
        workspace_id=workspace_id,
        month=month,
        warned_at=None,
        posts__gte=math.ceil(limit * settings.CRIER_QUOTA_WARN_RATIO),
    )
    if usage.update(warned_at=timezone.now()):
        used = MonthlyUsage.objects.values_list("posts", flat=True).get(
            workspace_id=workspace_id, month=month
        )
        emit(
            workspace_id=workspace_id,
            event=Event.QUOTA_WARNING,
            data={"quota": "posts_per_month", "used": used, "limit": limit},
        )


def posts_would_exceed(*, workspace: Workspace, count: int) -> str | None:
    """What `posts_reserve` would refuse, without taking anything (validation preview)."""
    limit = Workspace.objects.values_list("max_posts_per_month", flat=True).get(pk=workspace.pk)
    if limit is None:
        return None
    month = month_of(timezone.now())
    used = (
        MonthlyUsage.objects.filter(workspace_id=workspace.pk, month=month)
        .values_list("posts", flat=True)
        .first()
        or 0
    )
    if used + count > limit:
        return f"Monthly post limit reached: {used} of {limit} posts used, this adds {count}."
    return None
