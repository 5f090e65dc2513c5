"""Repostra's approvals: the pending queue (blog content and social posts) and approving
social posts, through `posts.approvals` and the generator.

A social post keeps one number from topic to post: its topic's (`ids.Kind.SOCIAL_POST`), or
its post's when it has no topic. A post waiting for approval whose accounts are all manual
is Repostra's `manual_posting`: approving it marks it published (nothing is sent).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.auth import ApiContext, api_context
from accounts.models import SocialAccount
from compat.repostra import ids
from compat.repostra.accounts import MANUAL, platform_of
from compat.repostra.base import (
    TAGS,
    ApproveView,
    RepostraView,
    workspace_object_or_404,
)
from compat.repostra.content import LIVE_STATUSES, blog_plans, content_status, deliveries_of
from compat.repostra.content_approval import pending_approve, publish_queued
from core.errors import Conflict, Unprocessable
from core.timestamps import iso_timestamp
from planning import drafts, generator
from planning.models import ContentType, PlannedPost
from planning.queue import content_type_of
from posts.models import Delivery, Post
from posts.states import DeliveryStatus

S = DeliveryStatus
P = PlannedPost.Status


def _by_hand(deliveries: Iterable[Delivery]) -> bool:
    """Every delivery waiting for approval goes to a manual account."""
    waiting = [d for d in deliveries if d.status == S.PENDING_APPROVAL]
    return bool(waiting) and all(d.account.platform == MANUAL for d in waiting)


def _social_status(deliveries: list[Delivery]) -> str:
    statuses = {d.status for d in deliveries}
    if S.PENDING_APPROVAL in statuses:
        return "manual_posting" if _by_hand(deliveries) else "pending_approval"
    if S.PUBLISHED in statuses:
        return "published"
    if statuses & set(LIVE_STATUSES):
        return "ready"
    if statuses & {S.FAILED, S.UNKNOWN}:
        return "failed"
    return "draft"


def _topic_item(plan: PlannedPost, accounts: dict[str, SocialAccount]) -> dict:
    account = next((accounts[pk] for pk in plan.account_ids if pk in accounts), None)
    return {
        "type": "social_post",
        "id": ids.number_of(ids.Kind.SOCIAL_POST, plan),
        "topic": plan.topic,
        "content": None,
        "platform": platform_of(account) if account else None,
        "content_type": ContentType.TEXT.value,
        "status": "pending_approval" if plan.status == P.PLANNED else plan.status,
        "blog_content_id": None,
        "scheduled_for": iso_timestamp(plan.scheduled_at),
        "created_at": iso_timestamp(plan.created_at),
    }


def _post_item(post: Post, plan: PlannedPost | None) -> dict:
    deliveries = list(post.deliveries.exclude(status=S.CANCELLED).select_related("account"))
    block = post.block_for(deliveries[0].account.platform if deliveries else "default")
    return {
        "type": "social_post",
        "id": ids.number_of(ids.Kind.SOCIAL_POST, plan or post),
        "topic": plan.topic if plan else None,
        "content": block.get("text", ""),
        "platform": platform_of(deliveries[0].account) if deliveries else None,
        "content_type": content_type_of(block),
        "status": _social_status(deliveries),
        "blog_content_id": None,
        "scheduled_for": iso_timestamp(min((d.scheduled_at for d in deliveries), default=None)),
        "created_at": iso_timestamp(post.created_at),
    }


def approvals_pending(*, workspace: Any) -> dict:
    blog = [
        plan
        for plan in blog_plans(workspace).filter(approved_at=None).order_by("created_at", "pk")
        if content_status(plan, deliveries_of(plan)) in ("planned", "generating", "draft")
    ]
    blog_posts = set(blog_plans(workspace).exclude(post=None).values_list("post_id", flat=True))
    topics = list(
        PlannedPost.objects.filter(
            workspace=workspace, kind="post", status__in=[P.PLANNED, P.FAILED], post=None
        ).order_by("created_at", "pk")
    )
    waiting = Delivery.objects.filter(workspace=workspace, status=S.PENDING_APPROVAL)
    posts = (
        Post.objects.filter(workspace=workspace, pk__in=waiting.values("post_id"))
        .exclude(pk__in=blog_posts)
        .order_by("created_at", "pk")
    )
    plans_by_post = {
        plan.post_id: plan
        for plan in PlannedPost.objects.filter(workspace=workspace, post__in=posts)
    }
    accounts = {a.pk: a for a in SocialAccount.objects.filter(workspace=workspace)}
    social = [_topic_item(plan, accounts) for plan in topics]
    social += [_post_item(post, plans_by_post.get(post.pk)) for post in posts]
    return {
        "data": {
            "pending_blog": [
                {
                    "type": "blog_content",
                    "id": ids.number_of(ids.Kind.CONTENT, plan),
                    "title": plan.topic,
                    "status": content_status(plan, deliveries_of(plan)),
                    "scheduled_for": iso_timestamp(plan.scheduled_at),
                    "ai_generated_at": iso_timestamp(plan.drafted_at)
                    if plan.drafted_by == "generator"
                    else None,
                    "created_at": iso_timestamp(plan.created_at),
                }
                for plan in blog
            ],
            "pending_social": social,
        },
        "meta": {"pending_blog_count": len(blog), "pending_social_count": len(social)},
    }


class ApprovalListView(RepostraView):
    """Reached through compat.routing (the path is planning's too)."""

    @extend_schema(tags=TAGS)
    def get(self, request: Request) -> Response:
        return Response(approvals_pending(workspace=api_context(request).workspace))


class TopicSerializer(serializers.Serializer):
    topic = serializers.CharField(max_length=500)


class ContentTextSerializer(serializers.Serializer):
    content = serializers.CharField(max_length=100000, trim_whitespace=False)


_SOCIAL = inline_serializer(
    "RepostraSocialPost",
    {"data": serializers.DictField(help_text="The social post, as in GET /approvals.")},
)


class SocialTopicApproveView(ApproveView):
    @extend_schema(
        tags=TAGS,
        request=TopicSerializer,
        responses=_SOCIAL,
        operation_id="repostra_approvals_social_approve_topic",
        description="Keeps the approved topic and starts the content generator when one is "
        "configured; without one, approve-content brings the content.",
    )
    def post(self, request: Request, post_id: str) -> Response:
        plan = workspace_object_or_404(
            request,
            PlannedPost.objects.filter(kind="post"),
            post_id,
            kind=ids.Kind.SOCIAL_POST,
            name="Social post",
        )
        serializer = TopicSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        plan = social_topic_approve(plan=plan, topic=serializer.validated_data["topic"])
        own = SocialAccount.objects.filter(workspace=api_context(request).workspace)
        accounts = {a.pk: a for a in own.filter(pk__in=plan.account_ids)}
        return Response({"data": _topic_item(plan, accounts)})


def social_topic_approve(*, plan: PlannedPost, topic: str) -> PlannedPost:
    """Keep the approved topic; with a content generator, it drafts the content. Without
    one the topic waits for its content, which `approve-content` brings (workflow step 7)."""
    with transaction.atomic():
        plan = PlannedPost.objects.select_for_update().get(pk=plan.pk)
        if plan.status not in (P.PLANNED, P.FAILED):
            # Said with the document's route and number: the planned post's id is Crier's.
            being = "is being written" if plan.status == P.GENERATING else "is written"
            number = ids.number_of(ids.Kind.SOCIAL_POST, plan)
            raise Conflict(
                f"This social post's content {being} already: approve it with "
                f"POST /api/v1/approvals/social/{number}/approve-content."
            )
        PlannedPost.objects.filter(pk=plan.pk).update(topic=topic, updated_at=timezone.now())
        plan.refresh_from_db()
        if generator.configured():
            plan = drafts.planned_regenerate(plan=plan)
    return plan


class SocialContentApproveView(ApproveView):
    @extend_schema(
        tags=TAGS,
        request=ContentTextSerializer,
        responses=_SOCIAL,
        operation_id="repostra_approvals_social_approve_content",
        description="The post leaves pending_approval for its scheduled time (status ready); "
        "one in manual_posting (manual accounts only) is marked published.",
    )
    def post(self, request: Request, post_id: str) -> Response:
        workspace = api_context(request).workspace
        object_id = ids.crier_id(ids.Kind.SOCIAL_POST, post_id, workspace=workspace)
        plan = PlannedPost.objects.filter(workspace=workspace, kind="post", pk=object_id).first()
        post = (
            plan.post
            if plan is not None
            else Post.objects.filter(workspace=workspace, pk=object_id).first()
        )
        if post is None and plan is None:
            raise exceptions.NotFound("Social post not found.")
        serializer = ContentTextSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if post is None and plan is not None:
            post = _written_post(
                context=api_context(request), plan=plan, text=serializer.validated_data["content"]
            )
        assert post is not None  # a plan without one got one; neither was a 404
        social_content_approve(
            context=api_context(request), post=post, text=serializer.validated_data["content"]
        )
        post.refresh_from_db()
        linked = plan or PlannedPost.objects.filter(workspace=workspace, post=post).first()
        return Response({"data": _post_item(post, linked)})


def _written_post(*, context: ApiContext, plan: PlannedPost, text: str) -> Post:
    """A topic with no content yet: the approved text is its draft, waiting for approval
    like a generated one (then approved as it)."""
    if plan.status == P.GENERATING:
        raise Conflict("This social post's content is being written: approve it once listed.")
    by = context.member.user.get_username()
    post = drafts.draft_store(plan=plan, text=text, by=by, needs_approval=True)
    if post is None:
        plan.refresh_from_db()
        raise Unprocessable(plan.error)
    return post


def social_content_approve(*, context: ApiContext, post: Post, text: str) -> None:
    """Approve the post's text: it waits for its time (Repostra's `ready`), or, when only
    manual accounts wait for it, it is marked published now through the pipeline."""
    with transaction.atomic():
        by_hand = _by_hand(
            post.deliveries.filter(status=S.PENDING_APPROVAL).select_related("account")
        )
        pending_approve(context=context, post=post, changes={"text": text}, now=by_hand)
    if by_hand:
        publish_queued(post)
