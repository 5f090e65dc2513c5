from __future__ import annotations

import base64
import secrets

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from accounts.crypto import EncryptedJSONField
from accounts.ids import public_id_field
from accounts.models import Workspace


class Event(models.TextChoices):
    POST_PUBLISHED = "post.published"
    POST_FAILED = "post.failed"
    POST_UNKNOWN = "post.unknown"
    POST_OVERDUE = "post.overdue"
    JOB_COMPLETED = "job.completed"
    ACCOUNT_NEEDS_REAUTH = "account.needs_reauth"
    # Planning (approvals, quotas)
    POST_PENDING_APPROVAL = "post.pending_approval"
    POST_APPROVED = "post.approved"
    POST_REJECTED = "post.rejected"
    QUOTA_WARNING = "quota.warning"
    DRAFT_FAILED = "draft.failed"  # the content generator could not draft a planned post


def new_signing_secret() -> str:
    """A Standard Webhooks secret: `whsec_` + base64 of 32 random bytes."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


class WebhookEndpoint(models.Model):
    id = public_id_field("whk")
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="webhooks")
    url = models.URLField(max_length=2000)
    description = models.CharField(max_length=200, blank=True)
    events = models.JSONField(default=list, help_text="Event types; empty means all.")
    # Encrypted at rest like account tokens: {"secret": "whsec_..."}.
    signing = EncryptedJSONField(default=dict, editable=False)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.url

    @property
    def secret(self) -> str:
        return self.signing["secret"]

    def wants(self, event: str) -> bool:
        return self.is_active and (not self.events or event in self.events)


class WebhookMessage(models.Model):
    """One event, stored in the same transaction as the change it reports (an outbox)."""

    id = public_id_field("msg")
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    event = models.CharField(max_length=40, choices=Event.choices)
    payload = models.JSONField(encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"{self.event} {self.pk}"


class WebhookDelivery(models.Model):
    """One message to one endpoint, retried with backoff until it succeeds or gives up."""

    class Status(models.TextChoices):
        PENDING = "pending"
        SUCCEEDED = "succeeded"
        FAILED = "failed"

    message = models.ForeignKey(WebhookMessage, on_delete=models.CASCADE, related_name="deliveries")
    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "webhook deliveries"
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="webhook_due_idx",
                condition=models.Q(status="pending"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.message} → {self.endpoint} ({self.status})"


class WebhookAttempt(models.Model):
    delivery = models.ForeignKey(
        WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log"
    )
    number = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField()
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    response_excerpt = models.TextField(blank=True)

    class Meta:
        ordering = ["delivery", "number"]

    def __str__(self) -> str:
        return f"attempt {self.number}: {self.status_code or self.error}"
