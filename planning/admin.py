"""Operators' view of planning: posting schedules, recurring series, notifications,
evergreen posts and planned topics. (Approvals: posts/admin.py; plan usage: accounts.)"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from core.admin_actions import each_applied
from planning import drafts
from planning.models import (
    EvergreenPost,
    Notification,
    PlannedPost,
    PostingSchedule,
    RecurrenceSeries,
)


@admin.register(PostingSchedule)
class PostingScheduleAdmin(admin.ModelAdmin):
    list_display = ["account", "day_of_week", "time", "content_type", "is_active", "workspace"]
    list_filter = ["is_active", "day_of_week", "content_type"]
    search_fields = ["account__username", "account__id", "id"]
    raw_id_fields = ["account"]
    readonly_fields = ["workspace", "created_at", "updated_at"]

    def save_model(self, request: HttpRequest, obj: PostingSchedule, form, change: bool) -> None:
        obj.workspace_id = obj.account.workspace_id  # a slot belongs to its account's workspace
        super().save_model(request, obj, form, change)


@admin.register(RecurrenceSeries)
class RecurrenceSeriesAdmin(admin.ModelAdmin):
    list_display = ["post", "account", "rule", "timezone", "occurrences", "next_at", "ended_at"]
    list_filter = ["ended_at"]
    readonly_fields = [f.name for f in RecurrenceSeries._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "workspace", "event", "level", "message", "read_at"]
    list_filter = ["event", "level"]
    readonly_fields = [f.name for f in Notification._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(EvergreenPost)
class EvergreenPostAdmin(admin.ModelAdmin):
    list_display = ["post", "workspace", "is_active", "created_at"]
    list_filter = ["is_active"]
    list_editable = ["is_active"]
    readonly_fields = ["post", "workspace", "created_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(PlannedPost)
class PlannedPostAdmin(admin.ModelAdmin):
    """Topics for the content generator; a failed one shows why and can be tried again."""

    list_display = ["topic", "workspace", "status", "attempts", "next_attempt_at", "error"]
    list_filter = ["status"]
    search_fields = ["topic", "keyword", "id"]
    readonly_fields = [f.name for f in PlannedPost._meta.fields]
    actions = ["generate_again"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description="Generate again (failed topics)")
    def generate_again(self, request: HttpRequest, queryset: QuerySet) -> None:
        done = each_applied(
            self, request, queryset, lambda plan: drafts.planned_regenerate(plan=plan)
        )
        self.message_user(request, f"{done} topic(s) sent to the generator again.")
