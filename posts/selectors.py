"""Reads of the posts app, always scoped to the caller's workspace."""

from __future__ import annotations

import json

from django.db.models import Prefetch, QuerySet, TextField
from django.db.models.functions import Cast
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import Workspace
from config.prepared import PreparedQuery
from posts.models import Attempt, Delivery, Job, Post

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
_JOB_DELIVERIES = PreparedQuery(
    lambda job: (
        Delivery.objects.filter(post__job=job)
        .order_by("post__input_index", "created_at", "pk")
        .values(*_DELIVERY_FIELDS)
    ),
    "job",
)


def job_status_get(*, workspace: Workspace, job_id: str) -> dict:
    """`job_status` of one of the workspace's jobs, read in one query; 404 for any other."""
    rows = _JOB_WITH_DELIVERIES.rows(workspace=workspace.pk, job=job_id)
    if not rows:
        raise Http404("No Job matches the given query.")
    job = rows[0]
    return _status(job, json.loads(job["payload_text"]), _job_posts(rows, prefix=_THROUGH_POSTS))


def job_status(*, job: Job) -> dict:
    """The job as `GET /job_status/{id}` shows it; posts come live from the delivery rows."""
    fields = {
        name: getattr(job, name) for name in ("status", "error", "created_at", "completed_at")
    }
    return _status(fields, job.payload, _job_posts(_JOB_DELIVERIES.rows(job=job.pk)))


def _status(job: dict, payload: dict, posts: list[dict]) -> dict:
    shown = {"failures": payload.get("failures", {}), "posts": posts}
    if job["error"]:
        shown["error"] = job["error"]
    return {
        "status": job["status"],
        "payload": shown,
        "created_at": job["created_at"],
        "completed_at": job["completed_at"],
    }


def _job_posts(rows: list[dict], prefix: str = "") -> list[dict]:
    return [
        {
            "id": row[f"{prefix}id"],
            "post_id": row[f"{prefix}post_id"],
            "account_id": row[f"{prefix}account_id"],
            "state": row[f"{prefix}status"],
            "url": row[f"{prefix}external_url"],
            "error": row[f"{prefix}error_message"],
            # A thread item sent after a delay answers this delivery (posts/replies.py).
            "reply_to": row[f"{prefix}reply_to_id"],
        }
        for row in rows
        if row[f"{prefix}id"] is not None  # a job with no deliveries yet: one row, no delivery
    ]


def _with_deliveries(queryset: QuerySet[Post]) -> QuerySet[Post]:
    return queryset.prefetch_related(
        Prefetch(
            "deliveries",
            queryset=Delivery.objects.order_by("created_at").prefetch_related(
                Prefetch("attempt_log", queryset=Attempt.objects.order_by("number"))
            ),
        )
    )


def post_get(*, workspace: Workspace, post_id: str) -> Post:
    return get_object_or_404(_with_deliveries(Post.objects.filter(workspace=workspace)), pk=post_id)


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
