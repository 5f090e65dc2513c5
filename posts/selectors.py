"""Reads of the posts app, always scoped to the caller's workspace."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import Workspace
from config.prepared import PreparedQuery, columns, instance
from posts.models import Attempt, Delivery, Job, Post

# GET /job_status is the most polled read: its two queries are compiled once.
# Not `request`: the whole bulk body, which no reader of a job's status needs.
_JOB = PreparedQuery(
    lambda workspace, job: Job.objects.filter(workspace=workspace, pk=job).values(
        *columns(Job, exclude=["request"])
    ),
    "workspace",
    "job",
)
_JOB_DELIVERIES = PreparedQuery(
    lambda job: (
        Delivery.objects.filter(post__job=job)
        .order_by("post__input_index", "created_at", "pk")
        .values(
            "id", "post_id", "account_id", "status", "external_url", "error_message", "reply_to_id"
        )
    ),
    "job",
)


def job_get(*, workspace: Workspace, job_id: str) -> Job:
    found = _JOB.rows(workspace=workspace.pk, job=job_id)
    if not found:
        raise Http404("No Job matches the given query.")
    return instance(Job, found[0])


def job_status(*, job: Job) -> dict:
    """The job as `GET /job_status/{id}` shows it; posts come live from the delivery rows."""
    payload = {
        "failures": job.payload.get("failures", {}),
        "posts": [
            {
                "id": row["id"],
                "post_id": row["post_id"],
                "account_id": row["account_id"],
                "state": row["status"],
                "url": row["external_url"],
                "error": row["error_message"],
                # A thread item sent after a delay answers this delivery (posts/replies.py).
                "reply_to": row["reply_to_id"],
            }
            for row in _JOB_DELIVERIES.rows(job=job.pk)
        ],
    }
    if job.error:
        payload["error"] = job.error
    return {
        "status": job.status,
        "payload": payload,
        "created_at": job.created_at,
        "completed_at": job.completed_at,
    }


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
