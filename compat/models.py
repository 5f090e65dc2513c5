"""What the dialects need stored beside Crier's own objects."""

from __future__ import annotations

from django.db import models


class RepostraId(models.Model):
    """The integer id a Repostra client sees for one Crier object.

    Repostra's clients decode `id` as a number; Crier's ids are opaque strings. The number
    is given the first time the object is answered through the Repostra dialect, from one
    sequence (so it is unique per kind too), and is never reused: a deleted object's number
    stays a 404 instead of pointing at a newer object.
    """

    class Kind(models.TextChoices):
        ACCOUNT = "account"  # SocialAccount
        SCHEDULE = "schedule"  # PostingSchedule
        CONTENT = "content"  # PlannedPost of kind blog
        # A social post: its topic's PlannedPost while there is one (one number from topic
        # to published post), else the Post itself.
        SOCIAL_POST = "social_post"

    id = models.BigAutoField(primary_key=True)
    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    object_id = models.CharField(max_length=40)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="one_repostra_id_per_object")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.pk} = {self.object_id}"
