from __future__ import annotations

from collections.abc import Iterable

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Prefetch, Q, Value
from django.db.models.functions import Coalesce
from django.db.models.lookups import In

from accounts.ids import public_id_field
from accounts.models import Member, SocialAccount, Workspace
from media.models import MediaAsset
from posts.states import PENDING, UNSETTLED, DeliveryStatus, JobStatus
from posts.states import DeliveryStatus as S


class Job(models.Model):
    """What the API returns for asynchronous work; `payload` lists per-item failures."""

    class Kind(models.TextChoices):
        PUBLISH_NOW = "publish_now"
        SCHEDULE = "schedule"
        DRAFT = "draft"
        QUEUE = "queue"  # each account's next free posting-schedule slot (planning)

    id = public_id_field("job")
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="jobs")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    status = models.CharField(max_length=16, choices=JobStatus.choices, default=JobStatus.WORKING)
    request = models.JSONField(
        default=dict, encoder=DjangoJSONEncoder, help_text="The validated request to expand."
    )
    payload = models.JSONField(default=dict)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(Member, null=True, on_delete=models.SET_NULL, related_name="+")
    # Decided when the request is accepted (the caller's role and key scopes are known
    # then): its deliveries wait in pending_approval instead of being scheduled.
    needs_approval = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["workspace", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} job {self.pk} ({self.status})"


class Post(models.Model):
    """One piece of content for one or more accounts (a 'post group' in Publora/PostPost)."""

    id = public_id_field("post")
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="posts")
    job = models.ForeignKey(Job, null=True, on_delete=models.SET_NULL, related_name="posts")
    input_index = models.PositiveIntegerField(default=0, help_text="Position in the bulk request.")
    networks = models.JSONField(default=dict, help_text="Per-network blocks, with `default`.")
    labels = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(Member, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["workspace", "-created_at"])]

    def __str__(self) -> str:
        return f"post {self.pk}"

    @property
    def state(self) -> str:
        """One word for the whole post, derived from its deliveries (never stored twice)."""
        return post_state({delivery.status for delivery in self.deliveries.all()})

    def block_for(self, platform: str) -> dict:
        """The network block that applies to `platform`: its own, else `default`."""
        return self.networks.get(platform) or self.networks.get("default") or {}

    @property
    def media(self) -> list[dict[str, str]]:
        """The API's `[{id, alt}]`, in order, read from the links (prefetch `media_links`
        when reading many posts; posts/selectors.py:WITH_MEDIA)."""
        return [{"id": link.asset_id, "alt": link.alt} for link in self.media_links.all()]

    @property
    def thread_media(self) -> list[list[dict[str, str]]]:
        """The follow-ups' `[{id, alt}]`, one list per thread item after the first (`[]` for
        an item without media, none after the last one with media), read from the links
        (prefetch `thread_media_links` when reading many posts)."""
        links = list(self.thread_media_links.all())  # ordered by item, position
        per_item: list[list[dict[str, str]]] = [[] for _ in range(links[-1].item if links else 0)]
        for link in links:
            per_item[link.item - 1].append({"id": link.asset_id, "alt": link.alt})
        return per_item


class PostMedia(models.Model):
    """One asset at one place in a post's media (the order the platforms receive).

    The asset is protected: deleting one a post links to fails (the media API answers
    409 before trying, and unlinks it from posts that were deleted, i.e. cancelled).
    """

    # The unique (post, position) index serves lookups by post: no index of its own.
    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, related_name="media_links", db_index=False
    )
    # Indexed (a ForeignKey's own index): "which posts use this asset" is a join on it.
    asset = models.ForeignKey(MediaAsset, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField()
    alt = models.CharField(max_length=1500, blank=True)

    class Meta:
        ordering = ["position"]
        verbose_name = "post media"
        verbose_name_plural = "post media"
        constraints = [
            models.UniqueConstraint(fields=["post", "position"], name="post_media_position")
        ]

    def __str__(self) -> str:
        return f"{self.asset_id} at {self.position} of {self.post_id}"


class ThreadItemMedia(models.Model):
    """One asset at one place in a thread follow-up's media (`item` 1 is the first
    follow-up, as Postiz numbers its values), the same in every network's thread.

    A table of its own, so PostMedia and its readers keep meaning the post's own media;
    the asset is protected the same way (media/usage.py asks both tables).
    """

    # The unique (post, item, position) index serves lookups by post: no index of its own.
    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, related_name="thread_media_links", db_index=False
    )
    item = models.PositiveSmallIntegerField()
    position = models.PositiveSmallIntegerField()
    # Indexed (a ForeignKey's own index): "which posts use this asset" is a join on it.
    asset = models.ForeignKey(MediaAsset, on_delete=models.PROTECT, related_name="+")
    alt = models.CharField(max_length=1500, blank=True)

    class Meta:
        ordering = ["item", "position"]
        verbose_name = "thread item media"
        verbose_name_plural = "thread item media"
        constraints = [
            models.UniqueConstraint(
                fields=["post", "item", "position"], name="thread_item_media_position"
            ),
            models.CheckConstraint(
                condition=models.Q(item__gte=1), name="thread_item_media_follow_up"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.asset_id} at {self.position} of item {self.item} of {self.post_id}"


def media_prefetch(to_post: str = "") -> Prefetch:
    """Prefetch posts' media links with their assets, one query for all of them, into each
    post's `media_loaded` list (posts.content.linked_media reads it); `to_post` is the path
    to the post ("post__" from deliveries)."""
    return Prefetch(
        f"{to_post}media_links",
        queryset=PostMedia.objects.select_related("asset"),
        to_attr="media_loaded",
    )


class ApprovalDecision(models.Model):
    """Who approved or rejected a post, when, and why: the approval history."""

    class Verdict(models.TextChoices):
        APPROVED = "approved"
        REJECTED = "rejected"

    id = public_id_field("apd")
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="approval_decisions")
    verdict = models.CharField(max_length=16, choices=Verdict.choices)
    comment = models.TextField(blank=True)
    decided_by = models.ForeignKey(Member, null=True, on_delete=models.SET_NULL, related_name="+")
    decided_by_name = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        # Created by planning, which held approvals until they moved to where their state
        # lives (posts 0008): the table kept its name, so the move changed no row.
        db_table = "planning_approvaldecision"

    def __str__(self) -> str:
        return f"{self.post_id} {self.verdict}"

    @property
    def approves(self) -> bool:
        """It may take its post out of pending_approval (posts.services.Approval)."""
        return self.verdict == self.Verdict.APPROVED


class PostAwaitingApproval(Post):
    """The admin's approvals page: posts with deliveries in pending_approval."""

    class Meta:
        proxy = True
        verbose_name = "post awaiting approval"
        verbose_name_plural = "posts awaiting approval"


def post_state(statuses: set[str]) -> str:
    live = statuses - {S.CANCELLED} or statuses
    if not live:
        return S.DRAFT
    if live & {S.QUEUED, S.PUBLISHING, S.PROCESSING, S.RETRYING}:
        return "publishing"
    for state in (S.SCHEDULED, S.PENDING_APPROVAL, S.DRAFT, S.UNKNOWN):
        if state in live:
            return state
    if live == {S.PUBLISHED} or live == {S.FAILED} or live == {S.CANCELLED}:
        return next(iter(live))
    return "partially_published"


class DeliveryQuerySet(models.QuerySet):
    def pending(self) -> DeliveryQuerySet:
        return self.filter(status__in=PENDING)

    def in_states(self, pks: Iterable[str], statuses: Iterable[str]) -> DeliveryQuerySet:
        """The deliveries `pks` whose status is one of `statuses`, found by their ids.

        With a plain `status IN (...)`, PostgreSQL picks a partial status index whenever its
        statistics say few rows match (stale right after a mass claim) and then filters every
        row of it, per call: O(N²) over a fan-out (docs/performance.md). Wrapping the column
        hides it from partial-index matching, so the plan is always an id lookup.
        """
        return self.filter(In(Coalesce("status", Value("")), list(statuses)), pk__in=list(pks))


class Delivery(models.Model):
    """One post to one account at one time: the unit the workers publish."""

    id = public_id_field("dlv")
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="deliveries")
    account = models.ForeignKey(SocialAccount, on_delete=models.PROTECT, related_name="deliveries")
    status = models.CharField(
        max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.SCHEDULED
    )
    scheduled_at = models.DateTimeField()
    # When the dispatcher may next claim it: scheduled_at, then each retry's backoff time.
    due_at = models.DateTimeField(null=True, blank=True)
    # Deadline of the current queued/publishing/processing stage; the sweeper acts after it.
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    # Committed just before this claim's platform call goes out (the claim clears it): a
    # `publishing` row without it was cut off before its call left, so the sweeper may
    # safely send it again on any platform.
    call_started_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    idempotency_key = models.CharField(max_length=80, unique=True)
    external_id = models.CharField(max_length=200, blank=True)
    external_url = models.URLField(max_length=1000, blank=True)
    processing_handle = models.CharField(max_length=200, blank=True)
    error_code = models.CharField(max_length=64, blank=True)
    error_message = models.TextField(blank=True)
    error_response = models.TextField(blank=True, help_text="Excerpt of the platform's answer.")
    published_at = models.DateTimeField(null=True, blank=True)
    # When an operator or the API asked for it to go out now (retry, publish now):
    # `scheduled_at` keeps the planned time, and lateness counts from this one.
    requested_at = models.DateTimeField(null=True, blank=True)
    # Set when `post.overdue` was raised, so it is raised once per delivery.
    overdue_at = models.DateTimeField(null=True, blank=True)
    # The posting-schedule slot this delivery holds (queue posts, evergreen refills); cleared
    # when it is moved to another time or back to draft. Unique per account while live.
    slot_at = models.DateTimeField(null=True, blank=True)
    # A thread follow-up sent after a delay (posts/replies.py): made once the delivery it
    # answers is published, it posts the thread item `thread_index` in reply to it.
    reply_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    thread_index = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DeliveryQuerySet.as_manager()
    post_has_media: bool  # not a column: set on the deliveries of a publish claim

    class Meta:
        verbose_name_plural = "deliveries"
        indexes = [
            # The dispatcher's claim: due work only, so the index stays small however
            # many published rows accumulate.
            models.Index(
                fields=["due_at"],
                name="delivery_due_idx",
                condition=Q(status__in=["scheduled", "retrying"]),
            ),
            models.Index(
                fields=["lease_expires_at"],
                name="delivery_lease_idx",
                condition=Q(status__in=["queued", "publishing", "processing"]),
            ),
            models.Index(
                fields=["scheduled_at"],
                name="delivery_overdue_idx",
                condition=Q(
                    status__in=["scheduled", "queued", "publishing", "retrying"],
                    overdue_at__isnull=True,
                ),
            ),
            models.Index(fields=["workspace", "status", "scheduled_at"]),
            models.Index(fields=["account", "status"]),
            # /metrics counts deliveries by state through it: its size is the work not yet
            # settled, however much history the table holds (posts/metrics.py).
            models.Index(
                fields=["status"], name="delivery_unsettled_idx", condition=Q(status__in=UNSETTLED)
            ),
        ]
        constraints = [
            # Two queue requests can never hold the same slot, whatever raced.
            models.UniqueConstraint(
                fields=["account", "slot_at"],
                name="one_delivery_per_slot",
                condition=Q(slot_at__isnull=False) & ~Q(status__in=["draft", "cancelled"]),
            )
        ]

    def __str__(self) -> str:
        return f"delivery {self.pk} ({self.status})"


class Attempt(models.Model):
    """One call to a platform for a delivery. Append-only history for operators."""

    class Outcome(models.TextChoices):
        PUBLISHED = "published"
        PROCESSING = "processing"
        RETRY = "retry"
        RATE_LIMITED = "rate_limited"
        AUTH_EXPIRED = "auth_expired"
        FAILED = "failed"
        UNKNOWN = "unknown"

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_log")
    number = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True)
    error_class = models.CharField(max_length=64, blank=True)
    message = models.TextField(blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    worker = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["delivery", "number"]
        constraints = [
            models.UniqueConstraint(fields=["delivery", "number"], name="one_attempt_number")
        ]

    def __str__(self) -> str:
        return f"attempt {self.number} of {self.delivery_id}: {self.outcome or 'running'}"


class MetricCounter(models.Model):
    """A running total for a Prometheus counter (posts/metrics.py): one row per counter and
    label value, so a scrape reads a handful of rows however many attempts were made."""

    name = models.CharField(max_length=64, primary_key=True)
    value = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name} = {self.value}"


class IdempotencyRecord(models.Model):
    """The first response to an `Idempotency-Key`, replayed for 24 hours."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    request_fingerprint = models.CharField(max_length=64)
    response_status = models.PositiveSmallIntegerField()
    response_body = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "key"], name="one_response_per_key")
        ]

    def __str__(self) -> str:
        return f"idempotency key {self.key}"
