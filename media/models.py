"""Media assets and the storage objects waiting to be deleted (so none is ever orphaned)."""

from __future__ import annotations

from django.db import models

from accounts.ids import public_id_field
from accounts.models import Workspace
from media.renditions import plans_for
from media.storage import derived_key, upload_key


class MediaAsset(models.Model):
    """One file in storage with the facts measured from its bytes.

    `pending_upload`: the record exists and waits for its bytes (a signed URL was handed
    out, or a worker is fetching `source_url`); `processing`: the bytes are verified and
    probed, renditions are being made on the media queue; `ready`; `failed` with `error`.
    The storage key is generated here, never taken from the request.
    """

    class Status(models.TextChoices):
        PENDING_UPLOAD = "pending_upload"
        PROCESSING = "processing"
        READY = "ready"
        FAILED = "failed"

    class Kind(models.TextChoices):
        IMAGE = "image"
        VIDEO = "video"

    id = public_id_field("med")
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="media")
    status = models.CharField(max_length=16, choices=Status.choices)
    error = models.TextField(blank=True)
    kind = models.CharField(max_length=8, choices=Kind.choices, blank=True)
    storage_key = models.CharField(max_length=300, unique=True)
    original_filename = models.CharField(max_length=255, blank=True)
    filename = models.CharField(max_length=255, blank=True, help_text="Sanitized.")
    # What the client said the file is; the bytes must agree (see media.probing).
    declared_type = models.CharField(max_length=100, blank=True)
    mime_type = models.CharField(max_length=100, blank=True, help_text="Sniffed from the bytes.")
    size = models.BigIntegerField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    aspect_ratio = models.FloatField(null=True, blank=True)
    duration = models.FloatField(null=True, blank=True, help_text="Seconds.")
    fps = models.FloatField(null=True, blank=True)
    codec = models.CharField(max_length=50, blank=True)
    bit_rate = models.BigIntegerField(null=True, blank=True)
    renditions = models.JSONField(
        default=list, blank=True, help_text="[{name, key, mime_type, size, width, height}]"
    )
    source_url = models.URLField(max_length=2000, blank=True, help_text="from-URL uploads.")
    # A pending upload not completed by then is failed and its object removed (sweep).
    upload_expires_at = models.DateTimeField(null=True, blank=True)
    # Set while one `complete` copies and checks the upload, so a second one waits its turn
    # instead of copying other bytes over the ones being checked.
    completing_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            models.Index(fields=["workspace", "-created_at"]),
            models.Index(fields=["status", "upload_expires_at"]),
        ]

    def __str__(self) -> str:
        return f"media {self.pk} ({self.status})"

    @property
    def storage_keys(self) -> list[str]:
        """Every object this asset may own: the original and its renditions, made or not
        (their keys are known in advance, so one whose worker died is still cleaned up)."""
        renditions = [
            derived_key(self.storage_key, plan.name, plan.extension)
            for plan in plans_for(self.mime_type)
        ]
        # While pending, a signed upload URL may have put bytes at its own key.
        uploaded = [upload_key(self.storage_key)] if self.awaits_signed_upload else []
        return [self.storage_key, *renditions, *uploaded]

    @property
    def awaits_signed_upload(self) -> bool:
        return self.status == self.Status.PENDING_UPLOAD and not self.source_url


class StorageDeletion(models.Model):
    """A storage object to delete: written in the transaction that drops its owner, removed
    once the object is gone. The sweep retries what failed (storage was down), so neither a
    record without its object nor an object without its record survives.

    `keep_until`: a signed upload URL may still be used until then, so the key is deleted
    again by every sweep until that time has passed.
    """

    key = models.CharField(max_length=300, unique=True)
    keep_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"delete {self.key}"
