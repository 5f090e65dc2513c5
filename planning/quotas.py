"""Plan limits per workspace: connected accounts and posts per calendar month (UTC).

Refusals are 402 `{"errors": [...]}`. Both checks hold under concurrency: posts are taken
from a counter with one conditional UPDATE; account connections lock the workspace row
before counting.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from django.conf import settings
from django.db.models import F
from django.utils import timezone
from rest_framework import status
from rest_framework.exceptions import APIException

from accounts.models import SocialAccount, Workspace
from planning.models import MonthlyUsage
from webhooks.models import Event
from webhooks.services import emit


class QuotaExceeded(APIException):
    status_code = status.HTTP_402_PAYMENT_REQUIRED
    default_detail = "A plan limit of this workspace is reached."
    default_code = "quota_exceeded"


def month_of(when: datetime) -> date:
    return when.astimezone(UTC).date().replace(day=1)


def posts_reserve(*, workspace: Workspace, count: int, now: datetime | None = None) -> int:
    """Take `count` posts from this month's allowance; 402 when it would go over the limit.

    Returns the month's usage after the reservation. Call it inside the transaction that
    stores the posts' job, so a refused or failed request takes nothing.
    """
    month = month_of(now or timezone.now())
    limit = Workspace.objects.values_list("max_posts_per_month", flat=True).get(pk=workspace.pk)
    usage, _ = MonthlyUsage.objects.get_or_create(workspace_id=workspace.pk, month=month)
    counter = MonthlyUsage.objects.filter(pk=usage.pk)
    if limit is not None:
        # The condition is evaluated on the locked, latest row: two requests racing for the
        # last posts cannot both pass.
        counter = counter.filter(posts__lte=limit - count)
    if not counter.update(posts=F("posts") + count):
        used = MonthlyUsage.objects.values_list("posts", flat=True).get(pk=usage.pk)
        raise QuotaExceeded(
            f"Monthly post limit reached: {used} of {limit} posts used in {month:%B %Y}, "
            f"this request adds {count}. Upgrade the plan or wait for next month."
        )
    used = MonthlyUsage.objects.values_list("posts", flat=True).get(pk=usage.pk)
    if limit:
        _warn_once(workspace_id=workspace.pk, usage_pk=usage.pk, used=used, limit=limit)
    return used


def posts_refund(*, workspace_id: str, month: date, count: int) -> None:
    """Give back posts a job reserved but did not store (every account refused them)."""
    if count > 0:
        MonthlyUsage.objects.filter(workspace_id=workspace_id, month=month).update(
            posts=F("posts") - count
        )


def _warn_once(*, workspace_id: str, usage_pk: int, used: int, limit: int) -> None:
    if used < limit * settings.CRIER_QUOTA_WARN_RATIO:
        return
    now = timezone.now()
    if MonthlyUsage.objects.filter(pk=usage_pk, warned_at=None).update(warned_at=now):
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


def account_connect_check(*, workspace_id: str, platform: str, external_id: str) -> None:
    """402 when connecting this channel would exceed the workspace's account limit.

    Call it inside the transaction that stores the account: the workspace row stays locked
    until then, so concurrent connections are counted one after the other. Reconnecting a
    channel that is already connected never counts.
    """
    workspace = Workspace.objects.select_for_update().get(pk=workspace_id)
    if workspace.max_accounts is None:
        return
    connected = SocialAccount.objects.filter(workspace_id=workspace_id).connected()
    if connected.filter(platform=platform, external_id=external_id).exists():
        return
    count = connected.count()
    if count >= workspace.max_accounts:
        raise QuotaExceeded(
            f"Connected account limit reached: {count} of {workspace.max_accounts}. "
            "Disconnect an account or upgrade the plan."
        )
    if count + 1 >= workspace.max_accounts * settings.CRIER_QUOTA_WARN_RATIO:
        emit(
            workspace_id=workspace_id,
            event=Event.QUOTA_WARNING,
            data={"quota": "accounts", "used": count + 1, "limit": workspace.max_accounts},
        )
