from __future__ import annotations

from django.contrib import admin

from webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    """The signing secret is never shown here; it is returned once, at creation."""

    list_display = ["url", "workspace", "is_active", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["url", "workspace__name"]
    exclude = ["signing"]


class WebhookAttemptInline(admin.TabularInline):
    model = WebhookAttempt
    extra = 0
    can_delete = False
    readonly_fields = [
        "number",
        "started_at",
        "duration_ms",
        "status_code",
        "error",
        "response_excerpt",
    ]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = [
        "message",
        "endpoint",
        "status",
        "attempts",
        "next_attempt_at",
        "last_status_code",
    ]
    list_filter = ["status", "message__event"]
    readonly_fields = ["message", "endpoint", "attempts", "last_status_code", "last_error"]
    inlines = [WebhookAttemptInline]
