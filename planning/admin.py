"""Operators' view of planning. Approve and reject go through planning.approvals, so the
admin follows the same state machine, history and events as the API."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from rest_framework.exceptions import APIException

from core.errors import flatten_errors
from planning import approvals, drafts
from planning.models import (
    ApprovalDecision,
    EvergreenPost,
    MonthlyUsage,
    Notification,
    PlannedPost,
    PostAwaitingApproval,
    PostingSchedule,
    RecurrenceSeries,
)
from posts.models import Delivery
from posts.states import DeliveryStatus


def _each(model_admin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet, act) -> int:
    """Apply a service to each selected row; a refusal is shown, the others still go."""
    done = 0
    for item in queryset:
        try:
            act(item)
            done += 1
        except APIException as exc:
            problems = "; ".join(flatten_errors(exc.detail))
            model_admin.message_user(request, f"{item.pk}: {problems}", messages.ERROR)
    return done


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


class RejectForm(forms.Form):
    comment = forms.CharField(widget=forms.Textarea, help_text="Shown to the post's author.")


class PendingDeliveryInline(admin.TabularInline):
    model = Delivery
    fields = ["account", "status", "scheduled_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(PostAwaitingApproval)
class PostAwaitingApprovalAdmin(admin.ModelAdmin):
    list_display = ["id", "workspace", "text", "created_by", "created_at"]
    readonly_fields = ["workspace", "networks", "media", "labels", "created_by", "created_at"]
    fields = readonly_fields
    inlines = [PendingDeliveryInline]
    actions = ["approve", "reject"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        waiting = Delivery.objects.filter(status=DeliveryStatus.PENDING_APPROVAL)
        return super().get_queryset(request).filter(pk__in=waiting.values("post_id"))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description="text")
    def text(self, post: PostAwaitingApproval) -> str:
        return post.block_for("default").get("text", "")[:80]

    def _by(self, request: HttpRequest) -> str:
        return f"{request.user.get_username()} (admin)"

    def _each(self, request: HttpRequest, queryset: QuerySet, act) -> int:
        return _each(self, request, queryset, act)

    @admin.action(description="Approve selected posts (schedule them)")
    def approve(self, request: HttpRequest, queryset: QuerySet) -> None:
        done = self._each(
            request,
            queryset,
            lambda post: approvals.post_approve(post=post, member=None, by=self._by(request)),
        )
        self.message_user(request, f"{done} post(s) approved.")

    @admin.action(description="Reject selected posts (back to draft, with a comment)")
    def reject(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        form = RejectForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            comment = form.cleaned_data["comment"]
            done = self._each(
                request,
                queryset,
                lambda post: approvals.post_reject(
                    post=post, member=None, by=self._by(request), comment=comment
                ),
            )
            self.message_user(request, f"{done} post(s) rejected.")
            return None
        return TemplateResponse(
            request,
            "admin/planning/reject.html",
            {
                **self.admin_site.each_context(request),
                "title": "Reject posts",
                "form": form,
                "posts": queryset,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                "opts": self.model._meta,
            },
        )


@admin.register(ApprovalDecision)
class ApprovalDecisionAdmin(admin.ModelAdmin):
    list_display = ["post", "verdict", "decided_by_name", "comment", "created_at"]
    list_filter = ["verdict"]
    readonly_fields = [f.name for f in ApprovalDecision._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


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


@admin.register(MonthlyUsage)
class MonthlyUsageAdmin(admin.ModelAdmin):
    list_display = ["workspace", "month", "posts", "warned_at"]
    readonly_fields = ["workspace", "month", "posts", "warned_at"]

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
        done = _each(self, request, queryset, lambda plan: drafts.planned_regenerate(plan=plan))
        self.message_user(request, f"{done} topic(s) sent to the generator again.")
