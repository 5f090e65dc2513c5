"""Shapes of the planning API."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.utils import timezone
from rest_framework import serializers

from core.timestamps import TimestampModelSerializer
from planning.models import ContentType, Notification, PlannedPost, PostingSchedule, Weekday
from planning.slots import WeeklySlot, slot_instants, zone_for
from posts.serializers import AwareDateTimeField

DAY_NAMES = [day.name.lower() for day in Weekday]


class DayOfWeekField(serializers.ChoiceField):
    """`monday` … `sunday` on the wire; 0 … 6 (date.weekday()) in the database."""

    def __init__(self, **kwargs) -> None:
        super().__init__(choices=DAY_NAMES, **kwargs)

    # The stubs make a ChoiceField's values its choices; here they are the day's index.
    def to_internal_value(self, data: Any) -> int:  # type: ignore[override]
        name = data.strip().lower() if isinstance(data, str) else data
        return DAY_NAMES.index(super().to_internal_value(name))

    def to_representation(self, value: int) -> str:  # type: ignore[override]
        return DAY_NAMES[value]


class PostingScheduleSerializer(TimestampModelSerializer):
    account_id = serializers.CharField()
    platform = serializers.CharField(source="account.platform", read_only=True)
    timezone = serializers.CharField(source="account.timezone", read_only=True)
    day_of_week = DayOfWeekField()
    time = serializers.TimeField(format="%H:%M", input_formats=["%H:%M"])
    content_type = serializers.ChoiceField(
        choices=ContentType.choices, allow_null=True, required=False
    )
    next_at = serializers.SerializerMethodField(
        help_text="The next time of this slot, in the account's timezone (taken or not)."
    )

    class Meta:
        model = PostingSchedule
        fields = [
            "id",
            "account_id",
            "platform",
            "timezone",
            "day_of_week",
            "time",
            "content_type",
            "is_active",
            "next_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]

    def to_representation(self, schedule: PostingSchedule) -> dict:
        data = super().to_representation(schedule)
        data["content_type"] = data["content_type"] or None
        return data

    def validate_content_type(self, value: str | None) -> str:
        return value or ""

    def get_next_at(self, schedule: PostingSchedule) -> datetime | None:
        zone = zone_for(schedule.account.timezone)
        now = timezone.now()
        slot = WeeklySlot(schedule.day_of_week, schedule.time, schedule.content_type)
        first = next(slot_instants([slot], zone=zone, after=now, until=now + _EIGHT_DAYS), None)
        return first[0].astimezone(zone) if first else None


_EIGHT_DAYS = timedelta(days=8)


class LocalDateTimeField(serializers.DateTimeField):
    """ISO 8601 with the offset the value carries (an account's local time), not UTC."""

    def to_representation(self, value: datetime) -> str:
        return value.isoformat(timespec="seconds")


class NextSlotSerializer(serializers.Serializer):
    account_id = serializers.CharField()
    timezone = serializers.CharField()
    content_type = serializers.CharField()
    next_slot = LocalDateTimeField(help_text="Aware, in the account's timezone.")


class NotificationSerializer(TimestampModelSerializer):
    read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "event", "level", "message", "data", "read", "read_at", "created_at"]

    def get_read(self, notification: Notification) -> bool:
        return notification.read_at is not None


class NotificationFilterSerializer(serializers.Serializer):
    unread = serializers.BooleanField(required=False, allow_null=True, default=None)
    event = serializers.CharField(required=False)


class MarkReadSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.CharField(max_length=40), required=False, max_length=500
    )
    all = serializers.BooleanField(required=False, default=False)

    def validate(self, attrs: dict) -> dict:
        if not attrs.get("all") and not attrs.get("ids"):
            raise serializers.ValidationError('send "ids": [...] or "all": true.')
        return attrs


class WorkspaceSettingsSerializer(serializers.Serializer):
    approval_required = serializers.BooleanField(required=False)
    evergreen_gap_days = serializers.IntegerField(min_value=0, max_value=3650, required=False)
    max_accounts = serializers.IntegerField(read_only=True, allow_null=True)
    max_posts_per_month = serializers.IntegerField(read_only=True, allow_null=True)
    accounts_connected = serializers.IntegerField(read_only=True)
    posts_this_month = serializers.IntegerField(read_only=True)


class PlannedPostSerializer(TimestampModelSerializer):
    account_ids = serializers.ListField(
        child=serializers.CharField(max_length=40), min_length=1, max_length=100
    )
    scheduled_at = AwareDateTimeField(
        required=False,
        allow_null=True,
        help_text="Empty: the post takes its accounts' next free queue slots.",
    )
    post_id = serializers.CharField(read_only=True, allow_null=True)

    class Meta:
        model = PlannedPost
        fields = [
            "id",
            "topic",
            "description",
            "keyword",
            "account_ids",
            "scheduled_at",
            "status",
            "attempts",
            "next_attempt_at",
            "error",
            "text",
            "drafted_by",
            "post_id",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "id",
            "status",
            "attempts",
            "next_attempt_at",
            "error",
            "text",
            "drafted_by",
            "post_id",
            "created_at",
            "updated_at",
        ]

    def validate_account_ids(self, ids: list[str]) -> list[str]:
        if len(set(ids)) != len(ids):
            raise serializers.ValidationError("an account is listed twice.")
        return ids

    def validate_scheduled_at(self, when: datetime | None) -> datetime | None:
        if when is not None and when < timezone.now() - settings.CRIER_PAST_TOLERANCE:
            raise serializers.ValidationError(f"{when.isoformat()} is in the past.")
        return when


class PlannedPostFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=PlannedPost.Status.choices, required=False)


class DraftSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=100000, trim_whitespace=False)


class AccountTimezoneSerializer(serializers.Serializer):
    timezone = serializers.CharField(max_length=64)

    def validate_timezone(self, name: str) -> str:
        try:
            return ZoneInfo(name).key
        except (ZoneInfoNotFoundError, ValueError):
            raise serializers.ValidationError(
                f"'{name}' is not an IANA time zone, such as Europe/Berlin or UTC."
            ) from None
