"""Webhooks in the admin: read-only records of what was sent, and "resend" for operators.

Endpoints are created through the API (it checks the URL and issues the signing secret,
which is never shown here); deliveries only come from events.
"""

from __future__ import annotations

import json

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.html import format_html

from core.admin_actions import ConfirmedAction, log_table, run_confirmed
from webhooks import services
from webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    """Only `is_active` and the description change here; the URL is checked by the API."""

    list_display = ["url", "workspace", "is_active", "events", "created_at"]
    list_filter = ["is_active", "workspace"]
    search_fields = ["url", "workspace__name", "id"]
    fields = ["url", "workspace", "events", "description", "is_active", "created_at"]
    readonly_fields = ["url", "workspace", "events", "created_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: WebhookEndpoint, form, change: bool) -> None:
        services.endpoint_update(
            endpoint=obj, changes={name: form.cleaned_data[name] for name in form.changed_data}
        )


class WebhookAttemptInline(admin.TabularInline):
    model = WebhookAttempt
    extra = 0
    can_delete = False
    fields = readonly_fields = (
        "number",
        "started_at",
        "duration_ms",
        "status_code",
        "error",
        "response_excerpt",
    )

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


def _resend(delivery: WebhookDelivery, data: dict, by: str) -> str:
    before = delivery.status
    if not services.webhook_resend(delivery=delivery):
        return ""
    return f"Resent ({before}, {delivery.attempts} attempts so far)."


RESEND = ConfirmedAction(
    "Resend",
    "Each delivery is sent again now, signed anew with the same webhook-id (receivers "
    "deduplicate on it). Its attempts stay on record; if this try fails and the attempt "
    "budget is spent, it is failed again.",
    services.resend_refusal,
    _resend,
)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "event",
        "endpoint",
        "status",
        "attempts",
        "last_status_code",
        "short_error",
        "next_attempt_at",
        "created_at",
    ]
    list_filter = ["status", "message__event", "endpoint"]
    search_fields = ["message__id", "endpoint__url", "last_error"]
    list_select_related = ["message", "endpoint"]
    fields = readonly_fields = (
        "message",
        "event",
        "endpoint",
        "status",
        "attempts",
        "next_attempt_at",
        "last_status_code",
        "last_error",
        "payload",
        "created_at",
        "updated_at",
        "operator_actions",
    )
    inlines = [WebhookAttemptInline]
    actions = ["resend"]
    change_form_template = "admin/crier/change_form_with_actions.html"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # deliveries come from events, never by hand

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        # Status and attempts are the sender's, never set by hand; "change" on no object is
        # what the resend action needs.
        return obj is None and super().has_change_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra = {"row_actions": [("resend", "Resend")], **(extra_context or {})}
        return super().change_view(request, object_id, form_url, extra)

    @admin.action(description="Resend selected webhook deliveries…", permissions=["change"])
    def resend(
        self, request: HttpRequest, queryset: QuerySet[WebhookDelivery]
    ) -> HttpResponse | None:
        return run_confirmed(self, request, queryset.select_related("endpoint"), RESEND)

    @admin.display(description="event")
    def event(self, delivery: WebhookDelivery) -> str:
        return delivery.message.event

    @admin.display(description="last error")
    def short_error(self, delivery: WebhookDelivery) -> str:
        error = delivery.last_error
        return error if len(error) <= 70 else error[:69] + "…"

    @admin.display(description="payload (as sent)")
    def payload(self, delivery: WebhookDelivery) -> str:
        return format_html(
            '<pre style="max-height:400px;overflow:auto">{}</pre>',
            json.dumps(delivery.message.payload, indent=2, default=str),
        )

    @admin.display(description="operator actions")
    def operator_actions(self, delivery: WebhookDelivery) -> str:
        return log_table([delivery])
