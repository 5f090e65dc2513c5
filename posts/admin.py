"""Operators' view of the pipeline: find what is stuck or failed, and act on it.

Every action goes through posts.services, so the admin follows the same state machine,
events and job bookkeeping as the API.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from posts import services
from posts.models import Attempt, Delivery, Job, Post
from posts.states import DeliveryStatus

_DELIVERY_FIELDS = [
    "account",
    "status",
    "scheduled_at",
    "due_at",
    "lease_expires_at",
    "attempts",
    "external_id",
    "external_url",
    "published_at",
    "overdue_at",
    "error_code",
    "error_message",
    "error_response",
    "idempotency_key",
    "reply_to",
    "thread_index",
]


class OverdueFilter(admin.SimpleListFilter):
    title = "overdue"
    parameter_name = "overdue"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin):
        return [("yes", "Overdue (post.overdue raised)")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Delivery]):
        if self.value() == "yes":
            return queryset.filter(overdue_at__isnull=False).exclude(
                status__in=[DeliveryStatus.PUBLISHED, DeliveryStatus.CANCELLED]
            )
        return queryset


class AttemptInline(admin.TabularInline):
    model = Attempt
    extra = 0
    can_delete = False
    fields = readonly_fields = [
        "number",
        "started_at",
        "finished_at",
        "outcome",
        "error_class",
        "message",
        "duration_ms",
        "worker",
    ]

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class DeliveryInline(admin.TabularInline):
    model = Delivery
    extra = 0
    can_delete = False
    show_change_link = True
    fields = readonly_fields = [
        "account",
        "status",
        "scheduled_at",
        "attempts",
        "external_url",
        "error_message",
    ]

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


def _report(model_admin: admin.ModelAdmin, request: HttpRequest, done: int, what: str) -> None:
    level = messages.SUCCESS if done else messages.WARNING
    model_admin.message_user(request, f"{done} deliveries {what}.", level)


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "account",
        "status",
        "scheduled_at",
        "attempts",
        "error_code",
        "updated_at",
    ]
    list_filter = ["status", OverdueFilter, "account__platform", "account", "scheduled_at"]
    date_hierarchy = "scheduled_at"
    search_fields = ["id", "post__id", "external_id", "account__username"]
    list_select_related = ["account"]
    fields = readonly_fields = ["post", *_DELIVERY_FIELDS]
    inlines = [AttemptInline]
    actions = ["publish_now", "retry", "cancel", "mark_published", "mark_failed"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description="Publish now (scheduled or draft)")
    def publish_now(self, request: HttpRequest, queryset: QuerySet[Delivery]) -> None:
        _report(
            self, request, services.deliveries_publish_now(deliveries=queryset), "brought forward"
        )

    @admin.action(description="Retry (failed or unknown)")
    def retry(self, request: HttpRequest, queryset: QuerySet[Delivery]) -> None:
        _report(self, request, services.deliveries_retry(deliveries=queryset), "set to retry")

    @admin.action(description="Cancel (not yet published)")
    def cancel(self, request: HttpRequest, queryset: QuerySet[Delivery]) -> None:
        _report(self, request, services.deliveries_cancel(deliveries=queryset), "cancelled")

    @admin.action(description="Unknown → mark as published (checked on the platform)")
    def mark_published(self, request: HttpRequest, queryset: QuerySet[Delivery]) -> None:
        self._resolve(request, queryset, DeliveryStatus.PUBLISHED)

    @admin.action(description="Unknown → mark as failed (checked on the platform)")
    def mark_failed(self, request: HttpRequest, queryset: QuerySet[Delivery]) -> None:
        self._resolve(request, queryset, DeliveryStatus.FAILED)

    def _resolve(self, request: HttpRequest, queryset: QuerySet[Delivery], outcome: str) -> None:
        resolved = sum(
            services.delivery_resolve(
                delivery=delivery, outcome=outcome, resolved_by=request.user.get_username()
            )
            for delivery in queryset.filter(status=DeliveryStatus.UNKNOWN)
        )
        _report(self, request, resolved, f"marked {outcome}")


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ["id", "workspace", "state", "created_at"]
    list_filter = ["deliveries__status", "deliveries__account__platform", "created_at"]
    search_fields = ["id", "job__id", "deliveries__id"]
    fields = readonly_fields = [
        "workspace",
        "job",
        "networks",
        "media",
        "labels",
        "created_by",
        "created_at",
        "updated_at",
    ]
    inlines = [DeliveryInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Post]:
        return super().get_queryset(request).prefetch_related("deliveries").distinct()

    @admin.display(description="state")
    def state(self, post: Post) -> str:
        return post.state


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ["id", "workspace", "kind", "status", "created_at", "completed_at", "age"]
    list_filter = ["status", "kind", "created_at"]
    search_fields = ["id"]
    fields = readonly_fields = [
        "workspace",
        "kind",
        "status",
        "request",
        "payload",
        "error",
        "created_by",
        "created_at",
        "completed_at",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description="running for")
    def age(self, job: Job) -> str:
        end = job.completed_at or timezone.now()
        return f"{(end - job.created_at).total_seconds():.1f}s"
