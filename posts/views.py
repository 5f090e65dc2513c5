from __future__ import annotations

from datetime import UTC, datetime, time

from django.db import transaction
from django.utils.dateparse import parse_date
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers as drf_serializers
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.auth import api_context
from accounts.models import Role, Scope, Workspace
from core.pagination import SummarizedPagination
from posts import approvals, selectors, services
from posts.idempotency import idempotent
from posts.models import ApprovalDecision, Job, Post
from posts.serializers import (
    ApprovalDecisionSerializer,
    ApproveSerializer,
    AwareDateTimeField,
    JobAcceptedSerializer,
    JobStatusSerializer,
    PostSerializer,
    PostUpdateSerializer,
    RejectSerializer,
    ScheduleRequestSerializer,
)
from posts.states import DeliveryStatus

IDEMPOTENCY_PARAMETER = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    required=False,
    description="Same key and body within 24 h replays the first response.",
)


class ScheduleMixin:
    """Validate the whole bulk request now; expand it on a worker; answer 202 with a job."""

    required_scope = Scope.POSTS
    publish_now = False

    @extend_schema(
        request=ScheduleRequestSerializer,
        responses={202: JobAcceptedSerializer},
        parameters=[IDEMPOTENCY_PARAMETER],
        tags=["posts"],
    )
    def post(self, request: Request) -> Response:
        context = api_context(request)
        return idempotent(request, context.workspace, lambda: self._accept(request))

    def _accept(self, request: Request) -> Response:
        kind = Job.Kind.PUBLISH_NOW if self.publish_now else _schedule_kind(request.data)
        serializer = ScheduleRequestSerializer(data=request.data, context={"mode": kind})
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            job = services.job_create(context=api_context(request), request=serializer.command())
        return Response({"job_id": job.pk}, status=202)


def _schedule_kind(data: object) -> str:
    """Draft, queue or scheduled, read before validation because the rules differ (any shape)."""
    bulk = data.get("bulk") if isinstance(data, dict) else None
    state = bulk.get("state") if isinstance(bulk, dict) else None
    kinds = {"draft": Job.Kind.DRAFT, "queue": Job.Kind.QUEUE}
    return kinds.get(state, Job.Kind.SCHEDULE) if isinstance(state, str) else Job.Kind.SCHEDULE


class ScheduleView(ScheduleMixin, APIView):
    publish_now = False


class PublishNowView(ScheduleMixin, APIView):
    publish_now = True


class JobStatusView(APIView):
    required_scope = Scope.POSTS

    @extend_schema(responses=JobStatusSerializer, tags=["jobs"])
    def get(self, request: Request, job_id: str) -> Response:
        # The selector's dict is already the documented shape (JobStatusSerializer): rendered
        # as it is, without a serializer pass on the most polled endpoint.
        return Response(
            selectors.job_status(workspace_id=api_context(request).workspace.pk, job_id=job_id)
        )


class DayOrTimeField(AwareDateTimeField):
    """A filter bound: a time with an offset, or a date, read as 00:00 UTC that day (the
    document's own example is `GET /posts?state=scheduled&from=2025-04-20`)."""

    def to_internal_value(self, value: object) -> datetime:
        day = parse_date(value) if isinstance(value, str) and len(value) == 10 else None
        if day is not None:
            return datetime.combine(day, time.min, tzinfo=UTC)
        return super().to_internal_value(value)


class PostFilterSerializer(drf_serializers.Serializer):
    state = drf_serializers.ChoiceField(choices=DeliveryStatus.choices, required=False)
    account_id = drf_serializers.CharField(required=False)
    to = DayOrTimeField(required=False)

    def get_fields(self) -> dict:
        fields = super().get_fields()
        fields["from"] = DayOrTimeField(required=False)  # a keyword, so set by name
        return fields


class PostListView(ScheduleMixin, ListAPIView):
    """GET lists posts; POST creates them like `posts/schedule` (the document's `POST /posts`
    with a `{"bulk": ...}` body)."""

    required_scope = Scope.POSTS
    serializer_class = PostSerializer
    publish_now = False

    @extend_schema(parameters=[PostFilterSerializer], tags=["posts"])
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no caller
            return Post.objects.none()
        filters = PostFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return selectors.post_list(
            workspace=api_context(self.request).workspace, filters=filters.validated_data
        )


class PostDetailView(APIView):
    required_scope = Scope.POSTS

    def _post(self, request: Request, post_id: str):
        return selectors.post_get(workspace=api_context(request).workspace, post_id=post_id)

    @extend_schema(responses=PostSerializer, tags=["posts"])
    def get(self, request: Request, post_id: str) -> Response:
        return Response(PostSerializer(self._post(request, post_id)).data)

    @extend_schema(request=PostUpdateSerializer, responses=PostSerializer, tags=["posts"])
    def patch(self, request: Request, post_id: str) -> Response:
        post = self._post(request, post_id)
        serializer = PostUpdateSerializer(data=request.data, context={"post": post})
        serializer.is_valid(raise_exception=True)
        # An edit may need approval.
        approvals.post_edit(
            context=api_context(request), post=post, changes=serializer.validated_data
        )
        return Response(PostSerializer(self._post(request, post_id)).data)

    # 200 with the post as it now is (spectacular would document a DELETE as a bodiless 204).
    @extend_schema(responses={200: PostSerializer}, tags=["posts"])
    def delete(self, request: Request, post_id: str) -> Response:
        post = self._post(request, post_id)
        services.post_delete(post=post)
        return Response(PostSerializer(self._post(request, post_id)).data)


class PostRetryView(APIView):
    required_scope = Scope.POSTS

    @extend_schema(
        request=None,
        responses={202: PostSerializer},
        parameters=[IDEMPOTENCY_PARAMETER],
        tags=["posts"],
    )
    def post(self, request: Request, post_id: str) -> Response:
        workspace = api_context(request).workspace
        return idempotent(request, workspace, lambda: self._retry(workspace, post_id))

    def _retry(self, workspace: Workspace, post_id: str) -> Response:
        services.post_retry(post=selectors.post_get(workspace=workspace, post_id=post_id))
        post = selectors.post_get(workspace=workspace, post_id=post_id)
        return Response(PostSerializer(post).data, status=202)


# -- approvals ----------------------------------------------------------------------------


def _decider(request: Request) -> str:
    context = api_context(request)
    return f"{context.member.user.get_username()} (key {context.api_key.prefix})"


class _DecisionView(APIView):
    required_scope = Scope.APPROVE
    write_role = Role.ADMIN

    def _post(self, request: Request, post_id: str) -> Post:
        return selectors.post_get_alone(workspace=api_context(request).workspace, post_id=post_id)

    def _answer(self, request: Request, post: Post, decision: ApprovalDecision) -> Response:
        fresh = selectors.post_get(workspace=api_context(request).workspace, post_id=post.pk)
        body = PostSerializer(fresh).data
        body["decision"] = ApprovalDecisionSerializer(decision).data
        return Response(body)


class ApproveView(_DecisionView):
    @extend_schema(request=ApproveSerializer, responses=PostSerializer, tags=["approvals"])
    def post(self, request: Request, post_id: str) -> Response:
        post = self._post(request, post_id)
        serializer = ApproveSerializer(data=request.data or {})
        serializer.is_valid(raise_exception=True)
        decision = approvals.post_approve(
            post=post,
            member=api_context(request).member,
            by=_decider(request),
            changes=serializer.validated_data,
        )
        return self._answer(request, post, decision)


class RejectView(_DecisionView):
    @extend_schema(request=RejectSerializer, responses=PostSerializer, tags=["approvals"])
    def post(self, request: Request, post_id: str) -> Response:
        post = self._post(request, post_id)
        serializer = RejectSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        decision = approvals.post_reject(
            post=post,
            member=api_context(request).member,
            by=_decider(request),
            comment=serializer.validated_data["comment"],
        )
        return self._answer(request, post, decision)


class ApprovalListView(ListAPIView):
    """What waits for approval, oldest first, with counts per account."""

    required_scope = Scope.POSTS
    serializer_class = PostSerializer
    pagination_class = SummarizedPagination

    @extend_schema(tags=["approvals"])
    def get(self, request: Request, *args, **kwargs) -> Response:
        paginator = self.paginator
        assert isinstance(paginator, SummarizedPagination)  # pagination_class
        workspace = api_context(request).workspace
        paginator.summary = {"counts": selectors.approval_counts(workspace=workspace)}
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Post.objects.none()
        return selectors.pending_posts(workspace=api_context(self.request).workspace)
