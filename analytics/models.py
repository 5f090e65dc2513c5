"""Metric snapshots taken from the platforms, and what the collector knows per target.

Snapshots are append-only: each is what the platform reported at `taken_at`, so a series
is the snapshots in time order. A metric the platform does not offer stays NULL (never 0).
"""

from __future__ import annotations

from django.db import models

from accounts.ids import public_id_field
from accounts.models import SocialAccount, Workspace
from posts.models import Delivery


class PostMetricsSnapshot(models.Model):
    id = public_id_field("pms")
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    delivery = models.ForeignKey(
        Delivery, on_delete=models.CASCADE, related_name="metric_snapshots"
    )
    taken_at = models.DateTimeField()
    impressions = models.PositiveBigIntegerField(null=True, blank=True)
    likes = models.PositiveBigIntegerField(null=True, blank=True)
    comments = models.PositiveBigIntegerField(null=True, blank=True)
    shares = models.PositiveBigIntegerField(null=True, blank=True)
    clicks = models.PositiveBigIntegerField(null=True, blank=True)
    extra = models.JSONField(default=dict, blank=True, help_text="Platform-specific counts.")

    class Meta:
        indexes = [models.Index(fields=["delivery", "taken_at"])]

    def __str__(self) -> str:
        return f"metrics of {self.delivery_id} at {self.taken_at:%Y-%m-%d %H:%M}"


class AccountMetricsSnapshot(models.Model):
    id = public_id_field("ams")
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    account = models.ForeignKey(
        SocialAccount, on_delete=models.CASCADE, related_name="metric_snapshots"
    )
    taken_at = models.DateTimeField()
    followers = models.PositiveBigIntegerField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["account", "taken_at"])]

    def __str__(self) -> str:
        return f"followers of {self.account_id} at {self.taken_at:%Y-%m-%d %H:%M}"


class DeliveryMetricsState(models.Model):
    """When the collector last asked about a delivery, and what went wrong if it did."""

    delivery = models.OneToOneField(
        Delivery, on_delete=models.CASCADE, primary_key=True, related_name="metrics_state"
    )
    checked_at = models.DateTimeField(null=True, blank=True)
    error_code = models.CharField(max_length=64, blank=True)
    error_message = models.CharField(max_length=500, blank=True)

    def __str__(self) -> str:
        return f"metrics state of {self.delivery_id}"


class AccountMetricsState(models.Model):
    """Per account: the last follower check, and the platform's rate-limit pause.

    `paused_until` holds the platform's Retry-After: no metric call is made for the account
    (posts or followers) before it.
    """

    account = models.OneToOneField(
        SocialAccount, on_delete=models.CASCADE, primary_key=True, related_name="metrics_state"
    )
    checked_at = models.DateTimeField(null=True, blank=True)
    paused_until = models.DateTimeField(null=True, blank=True)
    error_code = models.CharField(max_length=64, blank=True)
    error_message = models.CharField(max_length=500, blank=True)

    def __str__(self) -> str:
        return f"metrics state of {self.account_id}"
