"""The workspace's plan limits: connected accounts, and posts per calendar month (UTC)
counted in `MonthlyUsage`. Refusals are 402 `{"errors": [...]}`; reaching the warning
ratio sends `quota_warning` (webhooks announces it as `quota.warning`).

Both hold under concurrency: the account limit with the workspace row locked, posts taken
from a counter with one conditional UPDATE.
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime

from django.conf import settings
from django.db.models import F
from django.utils import timezone
from rest_framework import status
from rest_framework.exceptions import APIException

from accounts.models import MonthlyUsage, SocialAccount, Workspace
from accounts.signals import quota_warning


class QuotaExceeded(APIException):
    status_code = status.HTTP_402_PAYMENT_REQUIRED
    default_detail = "A plan limit of this workspace is reached."
    default_code = "quota_exceeded"


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
        # webhooks turns it into the `quota.warning` event, in this transaction.
        quota_warning.send(
            sender=Workspace,
            workspace_id=workspace_id,
            quota="accounts",
            used=count + 1,
            limit=workspace.max_accounts,
        )


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
        # webhooks turns it into the `quota.warning` event, in this transaction.
        quota_warning.send(
            sender=Workspace,
            workspace_id=workspace_id,
            quota="posts_per_month",
            used=used,
            limit=limit,
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
