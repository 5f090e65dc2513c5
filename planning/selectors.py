"""Reads of the planning app, always scoped to the caller's workspace."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import MonthlyUsage, SocialAccount, Workspace
from accounts.quotas import month_of
from planning.models import Notification, PlannedPost, PostingSchedule


def account_get(*, workspace: Workspace, account_id: str) -> SocialAccount:
    """The workspace's connected account, or 404 (another workspace's id looks unknown)."""
    return get_object_or_404(workspace.social_accounts.connected(), pk=account_id)


def schedule_list(*, workspace: Workspace, account_id: str | None = None) -> QuerySet:
    schedules = PostingSchedule.objects.filter(workspace=workspace).select_related("account")
    if account_id:
        schedules = schedules.filter(account_id=account_id)
    return schedules.order_by("account_id", "day_of_week", "time", "pk")


def schedule_get(*, workspace: Workspace, schedule_id: str) -> PostingSchedule:
    return get_object_or_404(
        PostingSchedule.objects.filter(workspace=workspace).select_related("account"),
        pk=schedule_id,
    )


def notification_list(
    *, workspace: Workspace, unread: bool | None = None, event: str | None = None
) -> QuerySet[Notification]:
    notifications = Notification.objects.filter(workspace=workspace)
    if unread is True:
        notifications = notifications.filter(read_at=None)
    elif unread is False:
        notifications = notifications.exclude(read_at=None)
    if event:
        notifications = notifications.filter(event=event)
    return notifications.order_by("-created_at", "-id")


def unread_count(*, workspace: Workspace) -> int:
    return Notification.objects.filter(workspace=workspace, read_at=None).count()


def workspace_settings(*, workspace: Workspace) -> dict:
    workspace.refresh_from_db()
    used = (
        MonthlyUsage.objects.filter(workspace=workspace, month=month_of(timezone.now()))
        .values_list("posts", flat=True)
        .first()
    )
    return {
        "approval_required": workspace.approval_required,
        "evergreen_gap_days": workspace.evergreen_gap_days,
        "max_accounts": workspace.max_accounts,
        "max_posts_per_month": workspace.max_posts_per_month,
        "accounts_connected": workspace.social_accounts.connected().count(),
        "posts_this_month": used or 0,
    }


def planned_list(*, workspace: Workspace, status: str | None = None) -> QuerySet[PlannedPost]:
    plans = PlannedPost.objects.filter(workspace=workspace)
    if status:
        plans = plans.filter(status=status)
    return plans.order_by("-created_at", "-pk")


def planned_get(*, workspace: Workspace, plan_id: str) -> PlannedPost:
    return get_object_or_404(PlannedPost.objects.filter(workspace=workspace), pk=plan_id)
