"""Times as Publer's document writes them: ISO 8601 to the second, with a `±hh:mm` offset
(`2025-05-04T14:58:35+00:00`), in Crier's zone (UTC). One format for every native answer."""

from __future__ import annotations

from datetime import datetime

from django.db import models
from django.utils import timezone
from rest_framework import serializers


def iso_timestamp(value: datetime | None) -> str | None:
    return None if value is None else _to_seconds(value)


def _to_seconds(value: datetime) -> str:
    return value.astimezone(timezone.get_default_timezone()).isoformat(timespec="seconds")


class TimestampField(serializers.DateTimeField):
    """DRF's field writes microseconds and `Z`, neither of which the document shows."""

    def to_representation(self, value: datetime) -> str:
        # Never None: a serializer writes null itself and calls this only for a value.
        return _to_seconds(value)


class TimestampModelSerializer(serializers.ModelSerializer):
    """A model serializer whose date-time columns render as `TimestampField`."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DateTimeField: TimestampField,
    }
