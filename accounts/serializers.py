from __future__ import annotations

from django.contrib.auth import get_user_model
from rest_framework import serializers

from accounts.models import Member, SocialAccount
from accounts.platforms import connector_for
from accounts.tokens import credentials_for
from core.timestamps import TimestampField, TimestampModelSerializer


class UserSerializer(TimestampModelSerializer):
    id = serializers.SerializerMethodField()
    name = serializers.SerializerMethodField()

    class Meta:
        model = get_user_model()
        fields = ["id", "email", "name", "username"]

    def get_id(self, user) -> str:
        return self.context["member"].id

    def get_name(self, user) -> str:
        return user.get_full_name() or user.get_username()


class MemberWorkspaceSerializer(TimestampModelSerializer):
    """A membership seen from the user's side: the workspace and the role in it."""

    id = serializers.CharField(source="workspace.id")
    name = serializers.CharField(source="workspace.name")
    created_at = TimestampField(source="workspace.created_at")

    class Meta:
        model = Member
        fields = ["id", "name", "role", "created_at"]


class SocialAccountSerializer(TimestampModelSerializer):
    """Publer's account shape (`provider`, `name`, `picture`), never the credentials."""

    provider = serializers.CharField(source="platform")
    name = serializers.CharField(source="display_name")
    picture = serializers.CharField(source="avatar_url")
    missing_analytics = serializers.SerializerMethodField(
        help_text="Analytics the platform will not give for this account, because a scope "
        "they need was not granted (LinkedIn's need its review of the app); each names "
        "the scope."
    )

    class Meta:
        model = SocialAccount
        fields = [
            "id",
            "provider",
            "name",
            "username",
            "picture",
            "status",
            "status_reason",
            "timezone",
            "external_id",
            "token_expires_at",
            "missing_analytics",
            "created_at",
        ]

    def get_missing_analytics(self, account: SocialAccount) -> list[str]:
        connector = connector_for(account.platform)
        return list(connector.missing_analytics(credentials_for(account)))
