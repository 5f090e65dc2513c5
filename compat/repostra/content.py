"""Repostra's content (blog posts): `PlannedPost`s of kind `blog`, drafted by the generator
or written by a person as an EditorJS document; its status is read from its deliveries.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import slugify
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.auth import ApiContext, api_context
from compat import editorjs
from compat.repostra import ids
from compat.repostra.accounts import website_accounts
from compat.repostra.base import (
    DELETED_SCHEMA,
    PAGE_PARAMETERS,
    TAGS,
    RepostraView,
    data_schema,
    deleted,
    paginated,
    paginated_schema,
    workspace_object_or_404,
)
from core.errors import Conflict
from core.timestamps import iso_timestamp
from planning import drafts
from planning.models import PlannedPost, PostingSchedule
from posts.models import Delivery
from posts.serializers import AwareDateTimeField
from posts.states import DeliveryStatus

S = DeliveryStatus
P = PlannedPost.Status
CONTENT_STATUSES = ["planned", "generating", "draft", "scheduled", "published", "failed"]
LIVE_STATUSES = (S.SCHEDULED, S.QUEUED, S.PUBLISHING, S.PROCESSING, S.RETRYING)


def deliveries_of(plan: PlannedPost) -> list[Delivery]:
    if not plan.post_id:
        return []
    return list(Delivery.objects.filter(post_id=plan.post_id).exclude(status=S.CANCELLED))


def content_status(plan: PlannedPost, deliveries: list[Delivery]) -> str:
    statuses = {delivery.status for delivery in deliveries}
    if S.PUBLISHED in statuses:
        return "published"
    if statuses & set(LIVE_STATUSES):
        return "scheduled"
    if statuses & {S.FAILED, S.UNKNOWN}:
        return "failed"
    if plan.status in (P.PLANNED, P.GENERATING):
        return "draft" if plan.status == P.PLANNED and plan.body else plan.status
    if plan.status == P.FAILED and not plan.body:
        return "failed"
    return "draft"


def document_of(plan: PlannedPost) -> dict | None:
    if plan.body:
        return plan.body
    return editorjs.from_text(plan.text) if plan.text else None


def content_data(plan: PlannedPost, *, full: bool = False) -> dict:
    deliveries = deliveries_of(plan)
    published = next((d for d in deliveries if d.status == S.PUBLISHED), None)
    scheduled = plan.scheduled_at or min(
        (d.scheduled_at for d in deliveries if d.status in (*LIVE_STATUSES, S.PENDING_APPROVAL)),
        default=None,
    )
    data = {
        "id": ids.number_of(ids.Kind.CONTENT, plan),
        "title": plan.topic,
        "slug": slugify(plan.topic),
        "description": plan.description or None,
        "keyword": plan.keyword or None,
        "status": content_status(plan, deliveries),
        "posting_schedule_id": ids.number(
            ids.Kind.SCHEDULE, plan.posting_schedule_id, workspace_id=plan.workspace_id
        )
        if plan.posting_schedule_id
        else None,
        "scheduled_for": iso_timestamp(scheduled),
        "approved_at": iso_timestamp(plan.approved_at),
        "published_at": iso_timestamp(published.published_at) if published else None,
        "published_url": (published.external_url or None) if published else None,
        "ai_generated_at": iso_timestamp(plan.drafted_at)
        if plan.drafted_by == "generator"
        else None,
        "created_at": iso_timestamp(plan.created_at),
        "updated_at": iso_timestamp(plan.updated_at),
    }
    if full:
        failed = next((d for d in deliveries if d.status in (S.FAILED, S.UNKNOWN)), None)
        data["content"] = document_of(plan)
        data["error"] = (failed.error_message if failed else plan.error) or None
    return data


class ContentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    slug = serializers.CharField()
    description = serializers.CharField(allow_null=True)
    keyword = serializers.CharField(allow_null=True)
    status = serializers.CharField(help_text=", ".join(CONTENT_STATUSES))
    posting_schedule_id = serializers.IntegerField(allow_null=True)
    scheduled_for = serializers.CharField(allow_null=True)
    approved_at = serializers.CharField(allow_null=True)
    published_at = serializers.CharField(allow_null=True)
    published_url = serializers.CharField(allow_null=True)
    ai_generated_at = serializers.CharField(allow_null=True)
    created_at = serializers.CharField()
    updated_at = serializers.CharField()


class ContentDetailSerializer(ContentSerializer):
    content = serializers.DictField(allow_null=True, help_text="EditorJS document.")
    error = serializers.CharField(allow_null=True)


class ContentInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=500)
    description = serializers.CharField(
        max_length=10000, required=False, allow_blank=True, allow_null=True
    )
    keyword = serializers.CharField(
        max_length=200, required=False, allow_blank=True, allow_null=True
    )
    posting_schedule_id = ids.IdField(required=False, allow_null=True)
    scheduled_for = AwareDateTimeField(required=False, allow_null=True)

    def validate_scheduled_for(self, when: datetime | None) -> datetime | None:
        if when is not None and when < timezone.now() - settings.CRIER_PAST_TOLERANCE:
            raise serializers.ValidationError(f"{when.isoformat()} is in the past.")
        return when


class ContentUpdateSerializer(ContentInputSerializer):
    # DRF's way to drop an inherited field; the stubs expect a field.
    posting_schedule_id = None  # type: ignore[assignment]
    content = serializers.JSONField(
        required=False, allow_null=True, help_text="EditorJS document (JSON string or object)."
    )

    def validate_content(self, value: object) -> dict | None:
        if value is None:
            return None
        try:
            return editorjs.parse(value)
        except editorjs.InvalidDocument as exc:
            raise serializers.ValidationError(str(exc)) from None


CONTENT_SCHEMA = data_schema(ContentDetailSerializer(), "RepostraContent")


def blog_plans(workspace: Any) -> QuerySet[PlannedPost]:
    return PlannedPost.objects.filter(workspace=workspace, kind="blog")


def content_or_404(request: Request, content_id: str) -> PlannedPost:
    return workspace_object_or_404(
        request,
        PlannedPost.objects.filter(kind="blog"),
        content_id,
        kind=ids.Kind.CONTENT,
        name="Content",
    )


def content_create(*, context: ApiContext, data: dict) -> PlannedPost:
    schedule = None
    if data.get("posting_schedule_id"):
        schedule_id = ids.crier_id(
            ids.Kind.SCHEDULE, data["posting_schedule_id"], workspace=context.workspace
        )
        schedule = (
            PostingSchedule.objects.filter(workspace=context.workspace, pk=schedule_id)
            .select_related("account")
            .first()
            if schedule_id
            else None
        )
        if schedule is None:
            raise exceptions.ValidationError({"posting_schedule_id": ["no such schedule."]})
    accounts = (
        [schedule.account_id] if schedule else [a.pk for a in website_accounts(context.workspace)]
    )
    return drafts.planned_create(
        context=context,
        fields={
            "kind": "blog",
            "topic": data["title"],
            "description": data.get("description") or "",
            "keyword": data.get("keyword") or "",
            "account_ids": accounts,
            "scheduled_at": data.get("scheduled_for"),
            "posting_schedule": schedule,
        },
    )


def content_update(*, plan: PlannedPost, data: dict) -> PlannedPost:
    if content_status(plan, deliveries_of(plan)) == "published":
        raise Conflict("Published content cannot be updated.")
    names = {"title": "topic", "description": "description", "keyword": "keyword"}
    for name, field in names.items():
        if name in data:
            setattr(plan, field, data[name] or "")
    if "scheduled_for" in data:
        plan.scheduled_at = data["scheduled_for"]
    if "content" in data:
        plan.body = data["content"]
    with transaction.atomic():
        # A person's body stands: the generator does not overwrite it later.
        if plan.body and plan.status == P.PLANNED:
            plan.next_attempt_at = None
        plan.save()
    return plan


def content_delete(*, plan: PlannedPost) -> None:
    from posts.services import post_delete

    with transaction.atomic():
        if plan.post is not None:
            post_delete(post=plan.post)  # what has not gone out is cancelled
        PlannedPost.objects.filter(pk=plan.pk).delete()


class ContentListView(RepostraView):
    @extend_schema(
        tags=TAGS,
        parameters=[
            OpenApiParameter("status", str, enum=CONTENT_STATUSES, required=False),
            *PAGE_PARAMETERS,
        ],
        responses=paginated_schema(ContentSerializer(), "RepostraContentList"),
        operation_id="repostra_content_list",
    )
    def get(self, request: Request) -> Response:
        plans = blog_plans(api_context(request).workspace).order_by("-created_at", "-pk")
        wanted = request.query_params.get("status")
        if wanted:
            if wanted not in CONTENT_STATUSES:
                raise exceptions.ValidationError(
                    {"status": [f"must be one of {', '.join(CONTENT_STATUSES)}."]}
                )
            ids = [plan.pk for plan in plans if content_status(plan, deliveries_of(plan)) == wanted]
            plans = plans.filter(pk__in=ids)
        return paginated(request, plans, content_data)

    @extend_schema(
        tags=TAGS,
        request=ContentInputSerializer,
        responses={201: CONTENT_SCHEMA},
        operation_id="repostra_content_create",
    )
    def post(self, request: Request) -> Response:
        serializer = ContentInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        plan = content_create(context=api_context(request), data=serializer.validated_data)
        return Response({"data": content_data(plan, full=True)}, status=201)


class ContentDetailView(RepostraView):
    @extend_schema(
        tags=TAGS,
        responses=CONTENT_SCHEMA,
        operation_id="repostra_content_get",
    )
    def get(self, request: Request, content_id: str) -> Response:
        return Response({"data": content_data(content_or_404(request, content_id), full=True)})

    @extend_schema(
        tags=TAGS,
        request=ContentUpdateSerializer,
        responses=CONTENT_SCHEMA,
        operation_id="repostra_content_update",
    )
    def put(self, request: Request, content_id: str) -> Response:
        plan = content_or_404(request, content_id)
        serializer = ContentUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        plan = content_update(plan=plan, data=serializer.validated_data)
        return Response({"data": content_data(plan, full=True)})

    @extend_schema(
        tags=TAGS, responses={200: DELETED_SCHEMA}, operation_id="repostra_content_delete"
    )
    def delete(self, request: Request, content_id: str) -> Response:
        content_delete(plan=content_or_404(request, content_id))
        return deleted("Content")
