"""Operators' view of the pipeline: find what is stuck or failed, and act on it.

Every action goes through posts.services, so the admin follows the same state machine,
events and job bookkeeping as the API; each asks for confirmation first (saying what will
happen and refusing what cannot work) and is recorded in the admin log. Nothing here
deletes history: a post is cancelled, never deleted.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import TYPE_CHECKING, Any, TypedDict

from django import forms
from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.models import LogEntry
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from core.admin_actions import ConfirmedAction, each_applied, log_table, run_confirmed
from media import storage
from media.models import MediaAsset
from posts import approvals, services
from posts.job_format import job_request_load
from posts.models import (
    ApprovalDecision,
    Attempt,
    Delivery,
    Job,
    Post,
    PostAwaitingApproval,
    PostMedia,
)
from posts.states import CANCELLABLE, DeliveryStatus

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

S = DeliveryStatus
TEXT_PREVIEW = 80
# What a job page shows of the request before "show all": a 500-post request is 100 KB.
REQUEST_PREVIEW_CHARS = 2000


def post_text(networks: dict) -> str:
    """The text a human recognises a post by: the default block's, else the first one."""
    blocks = [networks.get("default") or {}, *networks.values()]
    return next((block["text"] for block in blocks if block.get("text")), "")


def _short(text: str, limit: int = TEXT_PREVIEW) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


class HistoryAdmin(admin.ModelAdmin):
    """History stays: rows here are cancelled or resolved, never added, edited or deleted.
    The change permission (on no object) is what the list's actions need."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return obj is None and super().has_change_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class OverdueFilter(admin.SimpleListFilter):
    title = "overdue"
    parameter_name = "overdue"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin):
        return [("yes", "Overdue (post.overdue raised)")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Delivery]):
        if self.value() == "yes":
            return queryset.filter(overdue_at__isnull=False).exclude(
                status__in=[S.PUBLISHED, S.CANCELLED]
            )
        return queryset


class ChangedFilter(admin.SimpleListFilter):
    """Recently changed: "failed in the last 24 h" from the index page."""

    title = "changed"
    parameter_name = "changed"
    _SPANS = {"1h": timedelta(hours=1), "24h": timedelta(hours=24), "7d": timedelta(days=7)}

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin):
        return [("1h", "Last hour"), ("24h", "Last 24 hours"), ("7d", "Last 7 days")]

    def queryset(self, request: HttpRequest, queryset: QuerySet):
        span = self._SPANS.get(self.value() or "")
        return queryset.filter(updated_at__gte=timezone.now() - span) if span else queryset


class AttemptInline(admin.TabularInline):
    model = Attempt
    extra = 0
    can_delete = False
    fields = readonly_fields = (
        "number",
        "started_at",
        "finished_at",
        "outcome",
        "error_class",
        "message",
        "duration_ms",
        "worker",
    )

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class DeliveryInline(admin.TabularInline):
    model = Delivery
    extra = 0
    can_delete = False
    show_change_link = True
    fields = readonly_fields = (
        "account",
        "status",
        "scheduled_at",
        "published_at",
        "attempts",
        "link",
        "error_message",
    )

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.display(description="on the platform")
    def link(self, delivery: Delivery) -> str:
        return platform_link(delivery)


def platform_link(delivery: Delivery) -> str:
    if not delivery.external_url:
        return delivery.external_id or "—"
    return format_html('<a href="{0}" rel="noopener">{0}</a>', delivery.external_url)


# -- the actions, each through posts.services -------------------------------------------


def _one(delivery: Delivery) -> QuerySet[Delivery]:
    return Delivery.objects.filter(pk=delivery.pk)


def _moved(before: str, delivery: Delivery, what: str) -> str:
    delivery.refresh_from_db(fields=["status"])
    return f"{what}: {before} → {delivery.status}."


def _cancel(delivery: Delivery, data: dict, by: str) -> str:
    before = delivery.status
    if not services.deliveries_cancel(deliveries=_one(delivery)):
        return ""
    return _moved(before, delivery, "Cancelled")


def _retry(delivery: Delivery, data: dict, by: str) -> str:
    before, error = delivery.status, delivery.error_code or delivery.error_message[:60]
    if not services.deliveries_retry(deliveries=_one(delivery)):
        return ""
    kept = f" (last error kept: {error})" if error else ""
    return _moved(before, delivery, "Retried with a fresh attempt budget") + kept


def _publish_now(delivery: Delivery, data: dict, by: str) -> str:
    before = delivery.status
    if not services.deliveries_publish_now(deliveries=_one(delivery)):
        return ""
    planned = timezone.localtime(delivery.scheduled_at).isoformat(timespec="seconds")
    return _moved(before, delivery, f"Published now (was planned for {planned})")


class ResolveForm(forms.Form):
    outcome = forms.ChoiceField(
        choices=[
            (S.PUBLISHED, "It is on the platform: published"),
            (S.FAILED, "It is not: failed"),
        ],
        widget=forms.RadioSelect,
    )
    external_url = forms.URLField(
        required=False, max_length=1000, label="URL found on the platform"
    )
    external_id = forms.CharField(required=False, max_length=200, label="Platform's post id")
    published_at = forms.DateTimeField(
        required=False,
        label="Published at (UTC, YYYY-MM-DD HH:MM:SS)",
        help_text="The time the platform shows; empty means now.",
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("outcome") == S.FAILED and (
            data.get("external_url") or data.get("published_at")
        ):
            raise forms.ValidationError("A URL or a publication time means it was published.")
        when = data.get("published_at")
        if when and when > timezone.now():
            raise forms.ValidationError("The publication time is in the future.")
        return data


def _resolve(delivery: Delivery, data: dict, by: str) -> str:
    outcome = data["outcome"]
    resolved = services.delivery_resolve(
        delivery=delivery,
        outcome=outcome,
        resolved_by=by,
        external_url=data.get("external_url") or "",
        external_id=data.get("external_id") or "",
        published_at=data.get("published_at"),
    )
    if not resolved:
        return ""
    details = [
        f"{name} {data[name]}" for name in ("external_url", "published_at") if data.get(name)
    ]
    return f"Resolved unknown → {outcome}" + (f" ({', '.join(details)})" if details else "") + "."


def _delivery_refusal(action: str):
    return lambda delivery: services.delivery_refusal(delivery=delivery, action=action)


DELIVERY_ACTIONS = {
    "cancel": ConfirmedAction(
        "Cancel",
        "Cancelled deliveries are never sent; they stay on record with their history. "
        "Their jobs complete once nothing else is pending.",
        _delivery_refusal("cancel"),
        _cancel,
    ),
    "retry": ConfirmedAction(
        "Retry",
        "The delivery is sent again at the next dispatcher run with a fresh attempt budget. "
        "Its last error and attempts stay on record; its publish-now job reopens.",
        _delivery_refusal("retry"),
        _retry,
    ),
    "publish_now": ConfirmedAction(
        "Publish now",
        "The next dispatcher run sends it. The planned time stays on record; lateness is "
        "counted from now.",
        _delivery_refusal("publish_now"),
        _publish_now,
    ),
    "resolve": ConfirmedAction(
        "Resolve unknown",
        "Check the platform first. Published: the delivery records the URL and time you "
        "found (post.published is sent). Failed: it is recorded as failed (post.failed), "
        "and may be retried later.",
        _delivery_refusal("resolve"),
        _resolve,
        ResolveForm,
    ),
}


def _delivery_action(name: str, description: str):
    def action(
        model_admin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Delivery]
    ) -> HttpResponse | None:
        return run_confirmed(
            model_admin, request, queryset.select_related("account"), DELIVERY_ACTIONS[name]
        )

    action.__name__ = name
    return admin.action(description=description, permissions=["change"])(action)


# The actions of the list, also offered as buttons on each delivery's page.
_ROW_ACTIONS = (
    ("cancel", "Cancel (not yet published)…"),
    ("retry", "Retry (failed or unknown)…"),
    ("publish_now", "Publish now (scheduled or draft)…"),
    ("resolve", "Resolve unknown (after checking the platform)…"),
)


@admin.register(Delivery)
class DeliveryAdmin(HistoryAdmin):
    list_display = [
        "id",
        "text",
        "workspace",
        "account",
        "status",
        "scheduled_at",
        "attempts",
        "error",
    ]
    list_filter = [
        "status",
        OverdueFilter,
        ChangedFilter,
        "account__platform",
        "workspace",
        "account",
    ]
    search_fields = [
        "id",
        "post__id",
        "external_id",
        "account__username",
        "error_message",
        "post__networks__default__text",
    ]
    list_select_related = ["account", "post", "workspace"]
    list_per_page = 50
    readonly_fields = (
        "post_link",
        "full_text",
        "workspace",
        "account",
        "status",
        "outcome",
        "scheduled_at",
        "requested_at",
        "due_at",
        "lease_expires_at",
        "attempts",
        "published_at",
        "overdue_at",
        "error_code",
        "error_message",
        "error_response",
        "idempotency_key",
        "reply_to",
        "thread_index",
        "created_at",
        "updated_at",
        "operator_actions",
    )
    fields = readonly_fields
    inlines = [AttemptInline]
    actions = [_delivery_action(name, description) for name, description in _ROW_ACTIONS]
    change_form_template = "admin/crier/change_form_with_actions.html"

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra = {
            "row_actions": [(name, description.rstrip("…")) for name, description in _ROW_ACTIONS],
            **(extra_context or {}),
        }
        return super().change_view(request, object_id, form_url, extra)

    @admin.display(description="text")
    def text(self, delivery: Delivery) -> str:
        return _short(post_text(delivery.post.networks), 60)

    @admin.display(description="last error")
    def error(self, delivery: Delivery) -> str:
        return _short(delivery.error_message or delivery.error_code, 70)

    @admin.display(description="post")
    def post_link(self, delivery: Delivery) -> str:
        return format_html(
            '<a href="../../../post/{}/change/">{}</a>', delivery.post_id, delivery.post_id
        )

    @admin.display(description="text")
    def full_text(self, delivery: Delivery) -> str:
        return format_html(
            '<div style="white-space: pre-wrap">{}</div>', post_text(delivery.post.networks)
        )

    @admin.display(description="on the platform")
    def outcome(self, delivery: Delivery) -> str:
        return platform_link(delivery)

    @admin.display(description="operator actions")
    def operator_actions(self, delivery: Delivery) -> str:
        return log_table([delivery])


# -- posts ------------------------------------------------------------------------------


def _cancel_post(post: Post, data: dict, by: str) -> str:
    cancelled = services.post_delete(post=post)
    return f"Cancelled {cancelled} deliveries (DELETE /posts/{{id}})." if cancelled else ""


def _post_refusal(post: Post) -> str:
    statuses = {delivery.status for delivery in post.deliveries.all()}
    if statuses & CANCELLABLE:
        return ""
    return f"nothing left to cancel: its deliveries are {', '.join(sorted(statuses))}."


CANCEL_POSTS = ConfirmedAction(
    "Cancel",
    "Every delivery of the post that has not gone out is cancelled and its recurrence ends, "
    "as DELETE /api/v1/posts/{id} does. Published and failed deliveries stay on record; "
    "nothing is deleted.",
    _post_refusal,
    _cancel_post,
)


@admin.register(Post)
class PostAdmin(HistoryAdmin):
    list_display = ["id", "text", "workspace", "state", "outcomes", "created_at"]
    list_filter = ["deliveries__status", "deliveries__account__platform", "workspace"]
    search_fields = ["id", "job__id", "deliveries__id", "networks__default__text"]
    list_select_related = ["workspace"]
    list_per_page = 50
    readonly_fields = (
        "text_by_network",
        "media_preview",
        "workspace",
        "job",
        "labels",
        "created_by",
        "created_at",
        "updated_at",
        "operator_actions",
    )
    fields = readonly_fields
    inlines = [DeliveryInline]
    actions = ["cancel"]
    change_form_template = "admin/crier/change_form_with_actions.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Post]:
        return super().get_queryset(request).prefetch_related("deliveries").distinct()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra = {"row_actions": [("cancel", "Cancel")], **(extra_context or {})}
        return super().change_view(request, object_id, form_url, extra)

    @admin.action(
        description="Cancel selected posts (what has not gone out)…", permissions=["change"]
    )
    def cancel(self, request: HttpRequest, queryset: QuerySet[Post]) -> HttpResponse | None:
        return run_confirmed(self, request, queryset, CANCEL_POSTS)

    @admin.display(description="state")
    def state(self, post: Post) -> str:
        return post.state

    @admin.display(description="text")
    def text(self, post: Post) -> str:
        return _short(post_text(post.networks))

    @admin.display(description="deliveries")
    def outcomes(self, post: Post) -> str:
        counts: dict[str, int] = {}
        for delivery in post.deliveries.all():
            counts[delivery.status] = counts.get(delivery.status, 0) + 1
        return ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))

    @admin.display(description="text")
    def text_by_network(self, post: Post) -> str:
        return format_html_join(
            "",
            '<p><strong>{}</strong></p><div style="white-space: pre-wrap">{}</div>',
            ((network, block.get("text", "")) for network, block in post.networks.items()),
        )

    @admin.display(description="media")
    def media_preview(self, post: Post) -> str:
        links = list(post.media_links.select_related("asset"))
        if not links:
            return "None."
        return format_html_join("", "{}", ((_thumbnail(link),) for link in links))

    @admin.display(description="operator actions")
    def operator_actions(self, post: Post) -> str:
        return log_table([post, *post.deliveries.all()])


def _thumbnail(link: PostMedia) -> str:
    asset, alt = link.asset, link.alt
    caption = f"{asset.id}: {asset.kind or asset.mime_type} {asset.status}" + (
        f", alt: {alt}" if alt else ""
    )
    if asset.kind == MediaAsset.Kind.IMAGE and asset.status == MediaAsset.Status.READY:
        return format_html(
            '<figure style="display:inline-block;margin:0 8px 8px 0">'
            '<img src="{}" alt="{}" style="max-height:120px;max-width:200px">'
            "<figcaption>{}</figcaption></figure>",
            storage.public_url(asset.storage_key),
            alt,
            caption,
        )
    return format_html("<p>{}</p>", caption)


# -- jobs -------------------------------------------------------------------------------


class _JobCounts(TypedDict):
    """What JobAdmin.get_queryset adds to each job."""

    delivery_count: int
    failed_count: int


@admin.register(Job)
class JobAdmin(HistoryAdmin):
    list_display = ["id", "workspace", "kind", "status", "outcome", "created_at", "age"]
    list_filter = ["status", "kind", "workspace"]
    search_fields = ["id"]
    readonly_fields = (
        "workspace",
        "kind",
        "status",
        "outcome",
        "request_summary",
        "failures",
        "error",
        "created_by",
        "created_at",
        "completed_at",
    )
    fields = readonly_fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[Job]:
        went_wrong = Q(posts__deliveries__status__in=[S.FAILED, S.UNKNOWN])
        return (
            super()
            .get_queryset(request)
            .annotate(
                delivery_count=Count("posts__deliveries"),
                failed_count=Count("posts__deliveries", filter=went_wrong),
            )
        )

    @admin.display(description="outcome")
    def outcome(self, job: WithAnnotations[Job, _JobCounts]) -> str:
        """What "completed" hides: how many of its deliveries failed or are unknown."""
        refused = sum(len(accounts) for accounts in job.payload.get("failures", {}).values())
        parts = [f"{job.delivery_count} deliveries"]
        if job.failed_count:
            parts.append(f"{job.failed_count} failed or unknown")
        if refused:
            parts.append(f"{refused} refused at expansion")
        return ", ".join(parts)

    @admin.display(description="request")
    def request_summary(self, job: Job) -> str:
        try:
            posts = job_request_load(job.request, kind=job.kind).posts
        except (KeyError, TypeError, ValueError, AttributeError):
            posts = ()  # a request no expansion could read: its JSON below says what it holds
        accounts = {target.account_id for spec in posts for target in spec.targets}
        raw = json.dumps(job.request, indent=1, default=str)
        shown = raw[:REQUEST_PREVIEW_CHARS]
        more = f"\n… {len(raw) - len(shown)} more characters" if len(raw) > len(shown) else ""
        return format_html(
            "<p>{} posts to {} accounts; first: “{}”</p>"
            "<details><summary>Request JSON ({} characters)</summary>"
            '<pre style="max-height:300px;overflow:auto">{}{}</pre></details>',
            len(posts),
            len(accounts),
            _short(post_text(dict(posts[0].networks))) if posts else "",
            len(raw),
            shown,
            more,
        )

    @admin.display(description="refused at expansion")
    def failures(self, job: Job) -> str:
        failures = job.payload.get("failures", {})
        rows = [
            (index, account, "; ".join(problems))
            for index, accounts in failures.items()
            for account, problems in accounts.items()
        ]
        if not rows:
            return "None."
        return format_html(
            "<table><tr><th>input</th><th>account</th><th>why</th></tr>{}</table>{}",
            format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td></tr>", rows[:50]),
            f"… and {len(rows) - 50} more" if len(rows) > 50 else "",
        )

    @admin.display(description="running for")
    def age(self, job: Job) -> str:
        end = job.completed_at or timezone.now()
        return f"{(end - job.created_at).total_seconds():.1f}s"


@admin.register(LogEntry)
class LogEntryAdmin(HistoryAdmin):
    """Who did what, when: every admin action, read-only."""

    list_display = ["action_time", "user", "content_type", "object_repr", "change_message"]
    list_filter = ["content_type", "user"]
    search_fields = ["object_repr", "object_id", "change_message"]
    date_hierarchy = "action_time"

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


# -- approvals (through posts.approvals, as the API: one state machine, history, events) --


class RejectForm(forms.Form):
    comment = forms.CharField(widget=forms.Textarea, help_text="Shown to the post's author.")


class PendingDeliveryInline(admin.TabularInline):
    model = Delivery
    fields = readonly_fields = ("account", "status", "scheduled_at")
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(PostAwaitingApproval)
class PostAwaitingApprovalAdmin(admin.ModelAdmin):
    list_display = ["id", "workspace", "text", "created_by", "created_at"]
    fields = readonly_fields = (
        "workspace",
        "networks",
        "media",
        "labels",
        "created_by",
        "created_at",
    )
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

    @admin.action(description="Approve selected posts (schedule them)")
    def approve(self, request: HttpRequest, queryset: QuerySet) -> None:
        done = each_applied(
            self,
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
            done = each_applied(
                self,
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
            "admin/posts/reject.html",
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
