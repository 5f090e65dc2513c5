"""The planning API: thin views over planning services and selectors."""

from __future__ import annotations

from django.db import transaction
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.auth import api_context
from accounts.models import Role, Scope, Workspace
from accounts.serializers import SocialAccountSerializer
from core.errors import Conflict
from core.pagination import SummarizedPagination
from planning import drafts, preview, selectors, services
from planning.models import (
    ContentType,
    Notification,
    PlannedPost,
    PostingSchedule,
)
from planning.notifications import notifications_mark_read
from planning.queue import QueuePlanner
from planning.serializers import (
    AccountTimezoneSerializer,
    DraftSerializer,
    MarkReadSerializer,
    NextSlotSerializer,
    NotificationFilterSerializer,
    NotificationSerializer,
    PlannedPostFilterSerializer,
    PlannedPostSerializer,
    PostingScheduleSerializer,
    WorkspaceSettingsSerializer,
)
from planning.slots import zone_for
from posts.serializers import ScheduleRequestSerializer
from posts.views import _schedule_kind

# -- posting schedules --------------------------------------------------------------------


class PostingScheduleListView(ListAPIView):
    """Weekly slots of the workspace's accounts; POST adds one."""

    required_scope = Scope.POSTS
    serializer_class = PostingScheduleSerializer

    @extend_schema(
        parameters=[OpenApiParameter("account_id", str, required=False)], tags=["planning"]
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return PostingSchedule.objects.none()
        return selectors.schedule_list(
            workspace=api_context(self.request).workspace,
            account_id=self.request.query_params.get("account_id"),
        )

    @extend_schema(
        request=PostingScheduleSerializer,
        responses={201: PostingScheduleSerializer},
        tags=["planning"],
    )
    def post(self, request: Request) -> Response:
        serializer = PostingScheduleSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        account = selectors.account_get(
            workspace=api_context(request).workspace, account_id=fields.pop("account_id")
        )
        schedule = services.schedule_create(account=account, fields=fields)
        return Response(PostingScheduleSerializer(schedule).data, status=201)


class PostingScheduleDetailView(APIView):
    required_scope = Scope.POSTS

    def _schedule(self, request: Request, schedule_id: str) -> PostingSchedule:
        return selectors.schedule_get(
            workspace=api_context(request).workspace, schedule_id=schedule_id
        )

    @extend_schema(responses=PostingScheduleSerializer, tags=["planning"])
    def get(self, request: Request, schedule_id: str) -> Response:
        return Response(PostingScheduleSerializer(self._schedule(request, schedule_id)).data)

    @extend_schema(
        request=PostingScheduleSerializer, responses=PostingScheduleSerializer, tags=["planning"]
    )
    def patch(self, request: Request, schedule_id: str) -> Response:
        schedule = self._schedule(request, schedule_id)
        serializer = PostingScheduleSerializer(schedule, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        changes = dict(serializer.validated_data)
        if "account_id" in changes and changes.pop("account_id") != schedule.account_id:
            raise Conflict("A slot cannot move to another account: create one there instead.")
        schedule = services.schedule_update(schedule=schedule, changes=changes)
        return Response(PostingScheduleSerializer(schedule).data)

    @extend_schema(
        request=PostingScheduleSerializer, responses=PostingScheduleSerializer, tags=["planning"]
    )
    def put(self, request: Request, schedule_id: str) -> Response:
        return self.patch(request, schedule_id)

    @extend_schema(responses={204: None}, tags=["planning"])
    def delete(self, request: Request, schedule_id: str) -> Response:
        services.schedule_delete(schedule=self._schedule(request, schedule_id))
        return Response(status=204)


class NextSlotView(APIView):
    required_scope = Scope.POSTS

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "content_type",
                str,
                enum=ContentType.values,
                required=False,
                description="The kind of post (default text).",
            )
        ],
        responses=NextSlotSerializer,
        tags=["planning"],
    )
    def get(self, request: Request, account_id: str) -> Response:
        account = selectors.account_get(
            workspace=api_context(request).workspace, account_id=account_id
        )
        kind = request.query_params.get("content_type") or ContentType.TEXT
        if kind not in ContentType.values:
            known = ", ".join(ContentType.values)
            raise serializers.ValidationError({"content_type": [f"must be one of {known}."]})
        planner = QueuePlanner([account.pk])
        slot = planner.peek(account.pk, kind)
        if slot is None:
            raise Conflict(planner.why_none(account.pk, kind))
        zone = zone_for(account.timezone)
        return Response(
            NextSlotSerializer(
                {
                    "account_id": account.pk,
                    "timezone": str(zone.key),
                    "content_type": kind,
                    "next_slot": slot.astimezone(zone),
                }
            ).data
        )


class AccountTimezoneView(APIView):
    """The zone an account's posting schedules and recurring posts are read in."""

    required_scope = Scope.ACCOUNTS
    write_role = Role.ADMIN

    @extend_schema(
        request=AccountTimezoneSerializer, responses=SocialAccountSerializer, tags=["accounts"]
    )
    def put(self, request: Request, account_id: str) -> Response:
        account = selectors.account_get(
            workspace=api_context(request).workspace, account_id=account_id
        )
        serializer = AccountTimezoneSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.account_timezone_set(account=account, name=serializer.validated_data["timezone"])
        return Response(SocialAccountSerializer(account).data)


# -- validation preview -------------------------------------------------------------------

_PREVIEW = inline_serializer(
    "ValidationPreview",
    {
        "valid": serializers.BooleanField(),
        "errors": serializers.ListField(child=serializers.CharField()),
        "needs_approval": serializers.BooleanField(),
        "posts": serializers.ListField(child=serializers.DictField()),
    },
)


class ValidateView(APIView):
    """The body of POST /posts/schedule, checked as the job would check it; nothing stored.

    A body that /posts/schedule would refuse outright is the same 400 here.
    """

    required_scope = Scope.POSTS
    write_role = Role.VIEWER  # it stores nothing

    @extend_schema(request=ScheduleRequestSerializer, responses=_PREVIEW, tags=["posts"])
    def post(self, request: Request) -> Response:
        kind = _schedule_kind(request.data)
        serializer = ScheduleRequestSerializer(data=request.data, context={"mode": kind})
        serializer.is_valid(raise_exception=True)
        result = preview.bulk_preview(context=api_context(request), request=serializer.command())
        return Response(result)


# -- notifications ------------------------------------------------------------------------


class NotificationListView(ListAPIView):
    """Newest first; `?unread=true` for what is left to read."""

    required_scope = Scope.POSTS
    serializer_class = NotificationSerializer
    pagination_class = SummarizedPagination

    @extend_schema(parameters=[NotificationFilterSerializer], tags=["notifications"])
    def get(self, request: Request, *args, **kwargs) -> Response:
        paginator = self.paginator
        assert isinstance(paginator, SummarizedPagination)  # pagination_class
        workspace = api_context(request).workspace
        paginator.summary = {"unread": selectors.unread_count(workspace=workspace)}
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        filters = NotificationFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return selectors.notification_list(
            workspace=api_context(self.request).workspace, **filters.validated_data
        )


_MARKED = inline_serializer("NotificationsMarked", {"marked": serializers.IntegerField()})


class NotificationReadView(APIView):
    """Mark notifications read: `{"ids": [...]}` or `{"all": true}`."""

    required_scope = Scope.POSTS
    write_role = Role.VIEWER  # reading is what viewers do

    @extend_schema(
        request=MarkReadSerializer,
        responses=_MARKED,
        tags=["notifications"],
        operation_id="notifications_mark_read",
    )
    def post(self, request: Request) -> Response:
        serializer = MarkReadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        notifications = selectors.notification_list(workspace=api_context(request).workspace)
        if not serializer.validated_data["all"]:
            notifications = notifications.filter(pk__in=serializer.validated_data["ids"])
        return Response({"marked": notifications_mark_read(notifications=notifications)})


class NotificationDetailReadView(APIView):
    required_scope = Scope.POSTS
    write_role = Role.VIEWER

    @extend_schema(
        request=None,
        responses=NotificationSerializer,
        tags=["notifications"],
        operation_id="notification_mark_read",
    )
    def post(self, request: Request, notification_id: str) -> Response:
        notifications = selectors.notification_list(workspace=api_context(request).workspace)
        notification = notifications.filter(pk=notification_id).first()
        if notification is None:
            raise NotFound("Notification not found.")
        notifications_mark_read(notifications=notifications.filter(pk=notification.pk))
        notification.refresh_from_db()
        return Response(NotificationSerializer(notification).data)


# -- workspace settings -------------------------------------------------------------------


class WorkspaceSettingsView(APIView):
    """Planning settings of the workspace; plan limits are shown, set by the operator."""

    required_scope = Scope.WORKSPACES
    write_role = Role.ADMIN

    @extend_schema(responses=WorkspaceSettingsSerializer, tags=["workspaces"])
    def get(self, request: Request) -> Response:
        data = selectors.workspace_settings(workspace=api_context(request).workspace)
        return Response(WorkspaceSettingsSerializer(data).data)

    @extend_schema(
        request=WorkspaceSettingsSerializer,
        responses=WorkspaceSettingsSerializer,
        tags=["workspaces"],
    )
    def patch(self, request: Request) -> Response:
        serializer = WorkspaceSettingsSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            Workspace.objects.filter(pk=api_context(request).workspace.pk).update(
                **serializer.validated_data
            )
        data = selectors.workspace_settings(workspace=api_context(request).workspace)
        return Response(WorkspaceSettingsSerializer(data).data)


# -- planned posts (content generator) -------------------------------------------------------


class PlannedPostListView(ListAPIView):
    """Topics to draft: by the configured generator, or by a person (POST .../draft)."""

    required_scope = Scope.POSTS
    serializer_class = PlannedPostSerializer

    @extend_schema(parameters=[PlannedPostFilterSerializer], tags=["planning"])
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return PlannedPost.objects.none()
        filters = PlannedPostFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return selectors.planned_list(
            workspace=api_context(self.request).workspace,
            status=filters.validated_data.get("status"),
        )

    @extend_schema(
        request=PlannedPostSerializer, responses={201: PlannedPostSerializer}, tags=["planning"]
    )
    def post(self, request: Request) -> Response:
        serializer = PlannedPostSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        plan = drafts.planned_create(context=api_context(request), fields=serializer.validated_data)
        return Response(PlannedPostSerializer(plan).data, status=201)


class PlannedPostDetailView(APIView):
    required_scope = Scope.POSTS

    @extend_schema(responses=PlannedPostSerializer, tags=["planning"])
    def get(self, request: Request, plan_id: str) -> Response:
        plan = selectors.planned_get(workspace=api_context(request).workspace, plan_id=plan_id)
        return Response(PlannedPostSerializer(plan).data)

    @extend_schema(responses={204: None}, tags=["planning"])
    def delete(self, request: Request, plan_id: str) -> Response:
        plan = selectors.planned_get(workspace=api_context(request).workspace, plan_id=plan_id)
        drafts.planned_delete(plan=plan)
        return Response(status=204)


class PlannedPostDraftView(APIView):
    """A person's draft: the post is stored (awaiting approval when the caller needs it)."""

    required_scope = Scope.POSTS

    @extend_schema(request=DraftSerializer, responses=PlannedPostSerializer, tags=["planning"])
    def post(self, request: Request, plan_id: str) -> Response:
        plan = selectors.planned_get(workspace=api_context(request).workspace, plan_id=plan_id)
        serializer = DraftSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        drafts.draft_by_person(
            context=api_context(request), plan=plan, text=serializer.validated_data["text"]
        )
        plan.refresh_from_db()
        return Response(PlannedPostSerializer(plan).data)


class PlannedPostGenerateView(APIView):
    """Run the generator again (a failed topic), with a fresh attempt budget."""

    required_scope = Scope.POSTS

    @extend_schema(request=None, responses=PlannedPostSerializer, tags=["planning"])
    def post(self, request: Request, plan_id: str) -> Response:
        plan = selectors.planned_get(workspace=api_context(request).workspace, plan_id=plan_id)
        plan = drafts.planned_regenerate(plan=plan)
        return Response(PlannedPostSerializer(plan).data, status=202)
