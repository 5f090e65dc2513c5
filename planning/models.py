"""Planning: posting schedules (queue slots), recurring series, evergreen posts,
notifications, planned topics. Posts, deliveries and approvals stay in `posts`, plan limits
and usage in `accounts`; this app plans around them."""

from __future__ import annotations

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from accounts.ids import public_id_field
from accounts.models import Member, SocialAccount, Workspace
from posts.models import Delivery, Post


class Weekday(models.IntegerChoices):
    MONDAY = 0
    TUESDAY = 1
    WEDNESDAY = 2
    THURSDAY = 3
    FRIDAY = 4
    SATURDAY = 5
    SUNDAY = 6


class ContentType(models.TextChoices):
    TEXT = "text"
    IMAGE = "image"
    VIDEO = "video"
    EVERGREEN = "evergreen"


class PostingSchedule(models.Model):
    """A weekly slot of one account: `time` on `day_of_week`, in the account's timezone.

    A slot with a `content_type` takes only posts of that type; `evergreen` slots are filled
    by the evergreen rotation, never by queue posts.
    """

    id = public_id_field("sch")
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    # PROTECT: an account with schedules cannot be deleted (the API answers 409).
    account = models.ForeignKey(
        SocialAccount, on_delete=models.PROTECT, related_name="posting_schedules"
    )
    day_of_week = models.PositiveSmallIntegerField(choices=Weekday.choices)
    time = models.TimeField(help_text="Wall-clock time in the account's timezone.")
    content_type = models.CharField(max_length=16, choices=ContentType.choices, blank=True)
    # Repostra's blog schedules name the column of its content calendar (1+); Crier only
    # keeps it for that dialect's clients.
    blog_column_index = models.PositiveSmallIntegerField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["account", "day_of_week", "time"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "day_of_week", "time"], name="one_schedule_per_account_slot"
            )
        ]

    def __str__(self) -> str:
        return f"{self.account} {self.get_day_of_week_display()} {self.time:%H:%M}"


class RecurrenceSeries(models.Model):
    """A post repeated to one account by an RFC 5545 rule, in that account's timezone.

    The first occurrence is the delivery the job created; each later one becomes its own
    delivery when it is near (`next_at`), one at a time.
    """

    id = public_id_field("rec")
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="recurrences")
    account = models.ForeignKey(SocialAccount, on_delete=models.CASCADE, related_name="+")
    rule = models.CharField(max_length=500, help_text="RRULE without COUNT/UNTIL/DTSTART.")
    timezone = models.CharField(max_length=64, help_text="The account's zone when created.")
    # The first occurrence as wall-clock time in `timezone` (naive on purpose: the rule
    # keeps the local time across DST changes).
    local_start = models.DateTimeField()
    count = models.PositiveIntegerField(null=True, blank=True)
    until = models.DateTimeField(null=True, blank=True)
    occurrences = models.PositiveIntegerField(default=1, help_text="Occurrences created.")
    skipped = models.PositiveIntegerField(default=0, help_text="Occurrences missed.")
    next_at = models.DateTimeField(null=True, blank=True, help_text="Next occurrence (UTC).")
    last_delivery = models.ForeignKey(
        Delivery, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ended_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "recurrence series"
        indexes = [
            models.Index(
                fields=["next_at"], name="recurrence_due_idx", condition=models.Q(ended_at=None)
            )
        ]

    def __str__(self) -> str:
        return f"{self.post_id} → {self.account_id}: {self.rule}"


class Notification(models.Model):
    """An event a person should see (failures, unknown outcomes, reauth, overdue, quotas,
    approvals), recorded from the same `emit` call that feeds webhooks."""

    id = public_id_field("ntf")
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    event = models.CharField(max_length=40)
    level = models.CharField(max_length=16, default="warning")
    message = models.CharField(max_length=1000)
    data = models.JSONField(default=dict, encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["workspace", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.event}: {self.message[:60]}"


class EvergreenPost(models.Model):
    """A post recycled into its accounts' `evergreen` slots, never within the workspace's
    `evergreen_gap_days` of another delivery of it to the same account."""

    post = models.OneToOneField(
        Post, on_delete=models.CASCADE, primary_key=True, related_name="evergreen"
    )
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["workspace", "is_active"])]

    def __str__(self) -> str:
        return f"evergreen {self.post_id}"


class PlannedPost(models.Model):
    """A topic waiting to become a post: drafted by the configured generator (or a person),
    then a post awaiting approval.

    planned → generating → drafted (its `post` waits in pending_approval); a passing
    generator failure goes back to planned with `next_attempt_at`; a final one is failed,
    with the reason in `error`.
    """

    class Status(models.TextChoices):
        PLANNED = "planned"
        GENERATING = "generating"
        DRAFTED = "drafted"
        FAILED = "failed"

    id = public_id_field("pln")
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(Member, null=True, on_delete=models.SET_NULL, related_name="+")
    topic = models.CharField(max_length=500)
    description = models.TextField(blank=True)
    keyword = models.CharField(max_length=200, blank=True)
    account_ids = models.JSONField(default=list)
    # Empty: the post takes its accounts' next free queue slots when drafted.
    scheduled_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PLANNED)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    text = models.TextField(blank=True, help_text="The drafted text.")
    drafted_by = models.CharField(max_length=200, blank=True)
    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    drafted_at = models.DateTimeField(null=True, blank=True)
    # Blog content (the Repostra dialect's `content`): the slot it was planned for, its
    # EditorJS body written by a person, and when it was approved for publishing.
    kind = models.CharField(
        max_length=8, choices=[("post", "post"), ("blog", "blog")], default="post"
    )
    posting_schedule = models.ForeignKey(
        PostingSchedule, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.JSONField(null=True, blank=True, help_text="EditorJS document.")
    approved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            models.Index(fields=["workspace", "-created_at"]),
            models.Index(
                fields=["next_attempt_at"],
                name="planned_due_idx",
                condition=models.Q(status="planned"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.topic[:60]} ({self.status})"
