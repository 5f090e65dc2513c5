"""Approving content: with a WordPress or webhook account it is published at once, through
the native pipeline (a publish-now job, its delivery published in this request); otherwise
it keeps its scheduled time, as the document says: with only manual accounts, a post for
them at that time (the manual connector marks it published then, nothing sent).
"""

from __future__ import annotations

import time
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.auth import ApiContext, api_context
from accounts.models import SocialAccount
from compat import editorjs
from compat.repostra import ids
from compat.repostra.accounts import MANUAL, WEBSITE_CONNECTORS, website_accounts
from compat.repostra.base import TAGS, ApproveView, approved_by
from compat.repostra.content import (
    CONTENT_SCHEMA,
    content_data,
    content_or_404,
    content_status,
    deliveries_of,
    document_of,
)
from core.errors import Conflict, Unprocessable
from planning.models import PlannedPost
from posts import approvals, publishing
from posts.commands import JobRequest, post_spec
from posts.models import Job, Post
from posts.services import job_run, job_store
from posts.states import DeliveryStatus

S = DeliveryStatus
P = PlannedPost.Status


def _website_targets(plan: PlannedPost) -> list[SocialAccount]:
    """The WordPress, webhook or manual accounts this content goes to."""
    if plan.posting_schedule is not None:
        account = plan.posting_schedule.account
        ok = account.platform in WEBSITE_CONNECTORS and account.can_publish
        return [account] if ok else []
    return website_accounts(plan.workspace)


def _networks(plan: PlannedPost, html: str) -> dict:
    meta = {
        "content_id": ids.number_of(ids.Kind.CONTENT, plan),
        "title": plan.topic,
        "slug": slugify(plan.topic),
        "description": plan.description,
        "keyword": plan.keyword,
    }
    # `title` reaches WordPress, `data` webhook receivers (each connector's own option).
    return {
        "default": {"type": "status", "text": html, "options": {"title": plan.topic, "data": meta}}
    }


def content_approve(
    *, context: ApiContext, plan: PlannedPost, title: str | None = None
) -> PlannedPost:
    """Approve (optionally retitled); with a WordPress or webhook account, publish
    now (in this request, through the pipeline's own publish step), otherwise the post keeps
    its scheduled time."""
    now = timezone.now()
    with transaction.atomic():
        # One approval at a time: a concurrent second one waits here, then sees the first.
        plan = PlannedPost.objects.select_for_update().get(pk=plan.pk)
        if title:
            plan.topic = title
            plan.save(update_fields=["topic", "updated_at"])
        status = content_status(plan, deliveries_of(plan))
        if status in ("published", "scheduled") or plan.approved_at:
            raise Conflict(f"This content is approved already ({status}).")
        if plan.status == P.GENERATING:
            raise Conflict("This content is being generated: approve it once it is a draft.")
        document = document_of(plan)
        html = editorjs.to_html(document) if document else ""
        if not html.strip():
            raise Unprocessable(
                "This content has no body yet: send it with PUT /api/v1/content/{id} or wait "
                "for the generator."
            )
        targets = _website_targets(plan)
        # A site that takes the article publishes now (the manual accounts with it: the
        # article is live); manual accounts alone wait for the content's time.
        publish_now = any(account.platform != MANUAL for account in targets)
        at = None if publish_now else plan.scheduled_at
        networks = _networks(plan, html)
        post = plan.post
        if post is not None and post.deliveries.filter(status=S.PENDING_APPROVAL).exists():
            pending_approve(
                context=context, post=post, changes={"networks": networks}, now=publish_now
            )
        elif post is not None:
            raise Conflict(f"Its post {post.pk} is {post.state}: manage it at /api/v1/posts.")
        elif targets and (publish_now or at):
            post = _new_post(
                context=context,
                networks=networks,
                targets=[account.pk for account in targets],
                at=at,
            )
        PlannedPost.objects.filter(pk=plan.pk).update(
            approved_at=now,
            post=post,
            status=P.DRAFTED if post else plan.status,
            next_attempt_at=None if post else plan.next_attempt_at,
            updated_at=now,
        )
    if post is not None and publish_now:
        publish_queued(post)
    plan.refresh_from_db()
    return plan


def pending_approve(*, context: ApiContext, post: Post, changes: dict, now: bool) -> None:
    """Approve a post waiting for approval. `now`: it is due at once and its deliveries are
    claimed for publishing; call `publish_queued` once the transaction is committed."""
    from posts.dispatch import dispatch_job

    if now:
        changes = {**changes, "scheduled_at": timezone.now()}
    approvals.post_approve(
        post=post, member=context.member, by=approved_by(context), changes=changes
    )
    if now and post.job is not None:
        dispatch_job(job=post.job)


def publish_queued(post: Post) -> None:
    """The worker's own step, run in the request and outside any transaction: a worker that
    got the message first wins the claim and this call does nothing (published once). Then
    wait for that worker's outcome too, so the answer carries the URL the document promises;
    after one platform call's timeout it answers what is recorded (still `scheduled`)."""
    for delivery_id in post.deliveries.filter(status=S.QUEUED).values_list("pk", flat=True):
        publishing.delivery_publish(delivery_id=delivery_id)
    deadline = time.monotonic() + settings.CRIER_HTTP_TIMEOUT
    in_flight = post.deliveries.filter(status__in=[S.QUEUED, S.PUBLISHING])
    while in_flight.exists() and time.monotonic() < deadline:
        time.sleep(0.1)  # each check is its own autocommit read: it sees the worker's commit


def _new_post(
    *, context: ApiContext, networks: dict, targets: list[str], at: datetime | None
) -> Post:
    """A publish-now job for the content (a scheduled one for `at`), as planning's drafts
    store theirs (the topic took its share of the monthly quota already)."""
    request = JobRequest(
        kind=Job.Kind.SCHEDULE if at else Job.Kind.PUBLISH_NOW,
        posts=(post_spec(networks=networks, account_ids=targets, scheduled_at=at),),
        origin="repostra",
    )
    job = job_store(
        workspace_id=context.workspace.pk,
        request=request,
        created_by=context.member,
        needs_approval=False,
    )
    job_run(job_id=job.pk)
    post = Post.objects.filter(job=job).first()
    if post is None:
        failures = Job.objects.get(pk=job.pk).payload.get("failures", {})
        reasons = [m for accounts in failures.values() for ms in accounts.values() for m in ms]
        raise Unprocessable(" ".join(reasons) or "The content could not be published.")
    return post


class ContentApproveView(ApproveView):
    @extend_schema(
        tags=TAGS,
        request=None,
        responses=CONTENT_SCHEMA,
        operation_id="repostra_content_approve",
    )
    def post(self, request: Request, content_id: str) -> Response:
        plan = content_approve(
            context=api_context(request), plan=content_or_404(request, content_id)
        )
        return Response({"data": content_data(plan, full=True)})


class BlogApproveSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=500, required=False)


class BlogApproveView(ApproveView):
    @extend_schema(
        tags=TAGS,
        request=BlogApproveSerializer,
        responses=CONTENT_SCHEMA,
        operation_id="repostra_approvals_blog_approve",
    )
    def post(self, request: Request, content_id: str) -> Response:
        plan = content_or_404(request, content_id)
        serializer = BlogApproveSerializer(data=request.data or {})
        serializer.is_valid(raise_exception=True)
        plan = content_approve(
            context=api_context(request), plan=plan, title=serializer.validated_data.get("title")
        )
        return Response({"data": content_data(plan, full=True)})
