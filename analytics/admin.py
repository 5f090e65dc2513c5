"""Read-only views of what the collector sampled and where it is paused."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from analytics.models import (
    AccountMetricsSnapshot,
    AccountMetricsState,
    DeliveryMetricsState,
    PostMetricsSnapshot,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(PostMetricsSnapshot)
class PostMetricsSnapshotAdmin(ReadOnlyAdmin):
    list_display = ("delivery", "taken_at", "impressions", "likes", "comments", "shares", "clicks")
    list_filter = ("delivery__account__platform",)
    search_fields = ("delivery__id", "delivery__post__id", "delivery__external_id")
    date_hierarchy = "taken_at"


@admin.register(AccountMetricsSnapshot)
class AccountMetricsSnapshotAdmin(ReadOnlyAdmin):
    list_display = ("account", "taken_at", "followers")
    list_filter = ("account__platform",)
    search_fields = ("account__id", "account__username")
    date_hierarchy = "taken_at"


@admin.register(DeliveryMetricsState)
class DeliveryMetricsStateAdmin(ReadOnlyAdmin):
    list_display = ("delivery", "checked_at", "error_code", "error_message")
    search_fields = ("delivery__id",)


@admin.register(AccountMetricsState)
class AccountMetricsStateAdmin(ReadOnlyAdmin):
    list_display = ("account", "checked_at", "paused_until", "error_code", "error_message")
    search_fields = ("account__id", "account__username")
