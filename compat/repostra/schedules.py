"""Repostra's posting schedules: planning's `PostingSchedule`, reached through
compat.routing (the paths are planning's too)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.auth import api_context
from compat.repostra import ids
from compat.repostra.accounts import PLATFORMS, platform_of, repostra_accounts
from compat.repostra.base import (
    DELETED_SCHEMA,
    PAGE_PARAMETERS,
    TAGS,
    RepostraView,
    deleted,
    paginated,
    workspace_object_or_404,
)
from core.timestamps import iso_timestamp
from planning import services as planning_services
from planning.models import ContentType, PostingSchedule
from planning.serializers import DAY_NAMES, DayOfWeekField


def schedule_data(schedule: PostingSchedule) -> dict:
    account = schedule.account
    account_number = ids.number_of(ids.Kind.ACCOUNT, account)
    return {
        "id": ids.number_of(ids.Kind.SCHEDULE, schedule),
        "account_id": account_number,
        "account": {
            "id": account_number,
            "platform": platform_of(account),
            "account_name": account.display_name or None,
        },
        "platform": platform_of(account),
        "day_of_week": DAY_NAMES[schedule.day_of_week],
        "time": schedule.time.strftime("%H:%M"),
        "content_type": schedule.content_type or None,
        "blog_column_index": schedule.blog_column_index,
        "is_active": schedule.is_active,
        "created_at": iso_timestamp(schedule.created_at),
        "updated_at": iso_timestamp(schedule.updated_at),
    }


class ScheduleInputSerializer(serializers.Serializer):
    account_id = ids.IdField()
    platform = serializers.ChoiceField(choices=PLATFORMS)
    day_of_week = DayOfWeekField()
    time = serializers.TimeField(format="%H:%M", input_formats=["%H:%M"])
    content_type = serializers.ChoiceField(
        choices=ContentType.choices, required=False, allow_null=True
    )
    blog_column_index = serializers.IntegerField(
        min_value=1, max_value=1000, required=False, allow_null=True
    )
    is_active = serializers.BooleanField(required=False)


class ScheduleUpdateSerializer(ScheduleInputSerializer):
    # DRF's way to drop inherited fields; the stubs expect a field.
    account_id = None  # type: ignore[assignment]
    platform = None  # type: ignore[assignment]


def _schedule_fields(data: dict) -> dict:
    fields = {
        name: data[name]
        for name in ("day_of_week", "time", "blog_column_index", "is_active")
        if name in data
    }
    if "content_type" in data:
        fields["content_type"] = data["content_type"] or ""
    return fields


def schedule_create(*, workspace: Any, data: dict) -> PostingSchedule:
    """A schedule for one of the workspace's accounts, named by its number or Crier id."""
    account_id = ids.crier_id(ids.Kind.ACCOUNT, data["account_id"], workspace=workspace)
    account = (
        repostra_accounts().filter(workspace=workspace, pk=account_id).first()
        if account_id
        else None
    )
    if account is None:
        raise exceptions.ValidationError({"account_id": ["no such social account."]})
    if data["platform"] != platform_of(account):
        raise exceptions.ValidationError(
            {"platform": [f"account {data['account_id']} is a {platform_of(account)} account."]}
        )
    return planning_services.schedule_create(account=account, fields=_schedule_fields(data))


def _shown_schedules() -> QuerySet[PostingSchedule]:
    """Schedules of the accounts the dialect lists: another network's would name a
    platform outside the document's enum (and its account is 404 here)."""
    return PostingSchedule.objects.filter(account__in=repostra_accounts()).select_related("account")


def _schedule_or_404(request: Request, schedule_id: str) -> PostingSchedule:
    return workspace_object_or_404(
        request,
        _shown_schedules(),
        schedule_id,
        kind=ids.Kind.SCHEDULE,
        name="Posting schedule",
    )


class ScheduleSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    account_id = serializers.IntegerField()
    account = serializers.DictField()
    platform = serializers.CharField()
    day_of_week = serializers.CharField()
    time = serializers.CharField()
    content_type = serializers.CharField(allow_null=True)
    blog_column_index = serializers.IntegerField(allow_null=True)
    is_active = serializers.BooleanField()
    created_at = serializers.CharField()
    updated_at = serializers.CharField()


class ScheduleListView(RepostraView):
    """Reached through compat.routing (the path is planning's too)."""

    @extend_schema(tags=TAGS, parameters=PAGE_PARAMETERS)
    def get(self, request: Request) -> Response:
        schedules = _shown_schedules().filter(workspace=api_context(request).workspace)
        schedules = schedules.order_by("created_at", "pk")
        return paginated(request, schedules, schedule_data)

    @extend_schema(tags=TAGS, request=ScheduleInputSerializer)
    def post(self, request: Request) -> Response:
        serializer = ScheduleInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        schedule = schedule_create(
            workspace=api_context(request).workspace, data=serializer.validated_data
        )
        return Response({"data": schedule_data(schedule)}, status=201)


class ScheduleDetailView(RepostraView):
    @extend_schema(tags=TAGS)
    def get(self, request: Request, schedule_id: str) -> Response:
        return Response({"data": schedule_data(_schedule_or_404(request, schedule_id))})

    @extend_schema(tags=TAGS, request=ScheduleUpdateSerializer)
    def put(self, request: Request, schedule_id: str) -> Response:
        schedule = _schedule_or_404(request, schedule_id)
        serializer = ScheduleUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        schedule = planning_services.schedule_update(
            schedule=schedule, changes=_schedule_fields(serializer.validated_data)
        )
        return Response({"data": schedule_data(schedule)})

    @extend_schema(tags=TAGS, responses={200: DELETED_SCHEMA})
    def delete(self, request: Request, schedule_id: str) -> Response:
        planning_services.schedule_delete(schedule=_schedule_or_404(request, schedule_id))
        return deleted("Posting schedule")
