"""Reads of the posts app, always scoped to the caller's workspace."""

from __future__ import annotations

import json

from django.db.models import Count, Prefetch, QuerySet, TextField
from django.db.models.functions import Cast
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import Workspace
from core.fastpaths.prepared import PreparedQuery
from core.timestamps import iso_timestamp
from posts.models import Attempt, Delivery, Job, Post
from posts.states import DeliveryStatus

_DELIVERY_FIELDS = (
    "id",
    "post_id",
    "account_id",
    "status",
    "external_url",
    "error_message",
    "reply_to_id",
)
_THROUGH_POSTS = "posts__deliveries__"
# GET /job_status is the most polled read: the job and its deliveries in one query (each
# row repeats the job's columns; `payload` comes as text, decoded once), compiled once.
_JOB_WITH_DELIVERIES = PreparedQuery(
    lambda workspace, job: (
        Job.objects.filter(workspace=workspace, pk=job)
        .order_by("posts__input_index", f"{_THROUGH_POSTS}created_at", f"{_THROUGH_POSTS}pk")
        .values(
            "status",
            "error",
            "created_at",
            "completed_at",
            *(f"{_THROUGH_POSTS}{name}" for name in _DELIVERY_FIELDS),
            payload_text=Cast("payload", output_field=TextField()),
        )
    ),
    "workspace",
    "job",
)


def job_status(*, workspace_id: str, job_id: str) -> dict:
    """The job as `GET /job_status/{id}` and `job.completed` show it, read in one query;
    posts come live from the delivery rows. 404 for a job of another workspace."""
    rows = _JOB_WITH_DELIVERIES.rows(workspace=workspace_id, job=job_id)
    if not rows:
        raise Http404("No Job matches the given query.")
    job = rows[0]
    payload = {
        "failures": json.loads(job["payload_text"]).get("failures", {}),
        "posts": [
            {
                "id": row[f"{_THROUGH_POSTS}id"],
                "post_id": row[f"{_THROUGH_POSTS}post_id"],
                "account_id": row[f"{_THROUGH_POSTS}account_id"],
                "state": row[f"{_THROUGH_POSTS}status"],
                "url": row[f"{_THROUGH_POSTS}external_url"],
                "error": row[f"{_THROUGH_POSTS}error_message"],
                # A thread item sent after a delay answers this delivery (posts/replies.py).
                "reply_to": row[f"{_THROUGH_POSTS}reply_to_id"],
            }
            for row in rows
            # A job with no deliveries yet: one row, without a delivery.
            if row[f"{_THROUGH_POSTS}id"] is not None
        ],
    }
    if job["error"]:
        payload["error"] = job["error"]
    return {
        "status": job["status"],
        "payload": payload,
        "created_at": iso_timestamp(job["created_at"]),
        "completed_at": iso_timestamp(job["completed_at"]),
    }


def _with_deliveries(queryset: QuerySet[Post]) -> QuerySet[Post]:
    return queryset.prefetch_related(
        "media_links",
        "thread_media_links",
        Prefetch(
            "deliveries",
            queryset=Delivery.objects.order_by("created_at").prefetch_related(
                Prefetch("attempt_log", queryset=Attempt.objects.order_by("number"))
            ),
        ),
    )


def post_get(*, workspace: Workspace, post_id: str) -> Post:
    return get_object_or_404(_with_deliveries(Post.objects.filter(workspace=workspace)), pk=post_id)


def post_get_alone(*, workspace: Workspace, post_id: str) -> Post:
    """The post without its deliveries, for a service that reads them under its own lock."""
    return get_object_or_404(Post.objects.filter(workspace=workspace), pk=post_id)


def post_list(*, workspace: Workspace, filters: dict) -> QuerySet[Post]:
    """Posts with a delivery matching every filter (state, account, scheduled window)."""
    deliveries = Delivery.objects.filter(workspace=workspace)
    if filters.get("state"):
        deliveries = deliveries.filter(status=filters["state"])
    if filters.get("account_id"):
        deliveries = deliveries.filter(account_id=filters["account_id"])
    if filters.get("from"):
        deliveries = deliveries.filter(scheduled_at__gte=filters["from"])
    if filters.get("to"):
        deliveries = deliveries.filter(scheduled_at__lte=filters["to"])
    posts = Post.objects.filter(workspace=workspace)
    if any(filters.get(name) for name in ("state", "account_id", "from", "to")):
        posts = posts.filter(pk__in=deliveries.values("post_id"))
    return _with_deliveries(posts.order_by("-created_at", "-pk"))


def pending_posts(*, workspace: Workspace) -> QuerySet[Post]:
    """Posts with a delivery waiting for approval, oldest request first."""
    waiting = Delivery.objects.filter(workspace=workspace, status=DeliveryStatus.PENDING_APPROVAL)
    posts = Post.objects.filter(workspace=workspace, pk__in=waiting.values("post_id"))
    return _with_deliveries(posts.order_by("created_at", "pk"))


def approval_counts(*, workspace: Workspace) -> dict:
    waiting = Delivery.objects.filter(workspace=workspace, status=DeliveryStatus.PENDING_APPROVAL)
    by_account = dict(
        waiting.values_list("account_id").annotate(n=Count("pk")).order_by("account_id")
    )
    return {
        "posts": waiting.values("post_id").distinct().count(),
        "deliveries": sum(by_account.values()),
        "by_account": by_account,
    }
