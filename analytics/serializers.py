from __future__ import annotations

from datetime import datetime

from rest_framework import serializers

from posts.serializers import AwareDateTimeField


class AccountSeriesFilterSerializer(serializers.Serializer):
    """`from` and `to` bound the series (ISO 8601 with an offset); both are optional."""

    def get_fields(self) -> dict:
        fields = super().get_fields()
        # `from` is a keyword, so the fields are set by name.
        fields["from"] = AwareDateTimeField(required=False, help_text="Earliest sample time.")
        fields["to"] = AwareDateTimeField(required=False, help_text="Latest sample time.")
        return fields

    def validate(self, attrs: dict) -> dict:
        if attrs.get("from") and attrs.get("to") and attrs["from"] > attrs["to"]:
            raise serializers.ValidationError({"to": ["must not be before 'from'."]})
        return attrs


class SampleTimeField(serializers.DateTimeField):
    """The services give ISO strings; render them as every other API time is rendered."""

    def to_representation(self, value: datetime | str) -> str:
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        return super().to_representation(value)


class PostPointSerializer(serializers.Serializer):
    taken_at = SampleTimeField()
    delivery_id = serializers.CharField()
    account_id = serializers.CharField()
    platform = serializers.CharField()
    impressions = serializers.IntegerField(allow_null=True)
    likes = serializers.IntegerField(allow_null=True)
    comments = serializers.IntegerField(allow_null=True)
    shares = serializers.IntegerField(allow_null=True)
    clicks = serializers.IntegerField(allow_null=True)
    extra = serializers.DictField(
        child=serializers.IntegerField(), help_text="Platform-specific counts (quotes, saves)."
    )


class PostSeriesSerializer(serializers.Serializer):
    post_id = serializers.CharField()
    series = PostPointSerializer(many=True)


class AccountPointSerializer(serializers.Serializer):
    taken_at = SampleTimeField()
    followers = serializers.IntegerField(allow_null=True)


class AccountSeriesSerializer(serializers.Serializer):
    account_id = serializers.CharField()
    platform = serializers.CharField()
    series = AccountPointSerializer(many=True)
