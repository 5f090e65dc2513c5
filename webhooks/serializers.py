from __future__ import annotations

from typing import Any

from rest_framework import serializers

from accounts.auth import ApiContext
from accounts.models import Role
from core.redaction import url_shown
from core.timestamps import TimestampModelSerializer
from webhooks.models import Event, WebhookAttempt, WebhookDelivery, WebhookEndpoint


class WebhookEndpointSerializer(TimestampModelSerializer):
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=Event.choices), required=False, allow_empty=True
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["id", "url", "description", "events", "is_active", "created_at", "updated_at"]
        read_only_fields = ["id", "created_at", "updated_at"]

    def to_representation(self, instance: WebhookEndpoint) -> dict[str, Any]:
        """The whole URL only for those who may change it (admins): a Zapier or Make URL
        carries its token, so a viewer's or editor's key sees its host alone."""
        data = super().to_representation(instance)
        request = self.context.get("request")
        context = getattr(request, "auth", None)
        if not (isinstance(context, ApiContext) and context.member.has_role(Role.ADMIN)):
            data["url"] = url_shown(data["url"])
        return data


class CreatedWebhookEndpointSerializer(WebhookEndpointSerializer):
    """Only the creation response carries the signing secret."""

    secret = serializers.CharField(read_only=True)

    class Meta(WebhookEndpointSerializer.Meta):
        fields = [*WebhookEndpointSerializer.Meta.fields, "secret"]


class WebhookAttemptSerializer(TimestampModelSerializer):
    class Meta:
        model = WebhookAttempt
        fields = ["number", "started_at", "duration_ms", "status_code", "error", "response_excerpt"]


class WebhookDeliverySerializer(TimestampModelSerializer):
    message_id = serializers.CharField()
    event = serializers.CharField(source="message.event")
    payload = serializers.JSONField(source="message.payload")
    attempt_log = WebhookAttemptSerializer(many=True, read_only=True)

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "message_id",
            "event",
            "status",
            "attempts",
            "next_attempt_at",
            "last_status_code",
            "last_error",
            "payload",
            "attempt_log",
            "created_at",
        ]
