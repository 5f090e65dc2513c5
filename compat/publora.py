"""The Publora (and PostPost) dialect: `/api/v1/platform-connections`, `create-post`, ...

Auth is `x-publora-key: <key>` or PostPost's `x-api-key: <key>`; PostPost's
`x-postpost-user-id` acts as a managed user (a member of the key's workspace) and
`x-postpost-client: mcp` is accepted. Answers are `{"success": true, ...}`; errors are
`{"success": false, "error": "..."}` with the statuses the PostPost document lists.
Unlike those services, a `postGroupId` is always checked against the caller (404).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.shortcuts import get_object_or_404
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, serializers
from rest_framework.authentication import BaseAuthentication
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.auth import ApiContext, resolve_api_key, touch_last_used
from accounts.models import Member, Scope, SocialAccount
from compat.dialect import DialectView
from posts import services
from posts.models import Delivery, Job, Post
from posts.serializers import PostUpdateSerializer, ScheduleRequestSerializer
from posts.states import DeliveryStatus

KEY_HEADERS = ("HTTP_X_PUBLORA_KEY", "HTTP_X_API_KEY")
TAGS = ["dialect: Publora / PostPost"]


def envelope(messages: list[str], status: int) -> dict[str, Any]:
    return {"success": False, "error": "; ".join(messages)}


class PubloraKeyAuthentication(BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[object, ApiContext] | None:
        presented = next((request.META[h] for h in KEY_HEADERS if request.META.get(h)), None)
        if presented is None:
            return None
        try:
            api_key = resolve_api_key(presented.strip())
        except exceptions.AuthenticationFailed as exc:
            raise exceptions.AuthenticationFailed("Invalid API key") from exc
        member = self._acting_member(api_key.member, request.META.get("HTTP_X_POSTPOST_USER_ID"))
        touch_last_used(api_key)
        return member.user, ApiContext(api_key=api_key, member=member, workspace=member.workspace)

    @staticmethod
    def _acting_member(owner: Member, managed_id: str | None) -> Member:
        """PostPost's managed users are the members of the key's workspace."""
        if not managed_id:
            return owner
        if not managed_id.startswith("mem_"):
            raise exceptions.ValidationError("Invalid x-postpost-user-id")
        managed = (
            Member.objects.select_related("workspace", "user")
            .filter(pk=managed_id, workspace_id=owner.workspace_id)
            .first()
        )
        if managed is None:
            raise exceptions.PermissionDenied("User is not managed by key")
        return managed

    def authenticate_header(self, request: Request) -> str:
        return "x-api-key"


class PubloraKeyScheme(OpenApiAuthenticationExtension):
    target_class = PubloraKeyAuthentication
    name = "PubloraKey"

    def get_security_definition(self, auto_schema: object) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "x-publora-key",
            "description": (
                "A Crier API key. PostPost clients may send it as `x-api-key` instead, with "
                "`x-postpost-user-id: <member id>` to act as a managed user."
            ),
        }


class PubloraView(DialectView):
    authentication_classes = [PubloraKeyAuthentication]
    envelope = staticmethod(envelope)
    messages = {exceptions.NotAuthenticated: "API key is required"}
    required_scope = Scope.POSTS


def platform_id(account: SocialAccount) -> str:
    return f"{account.platform}-{account.pk}"


def account_ids(workspace_id: str, platform_ids: list[str]) -> list[str]:
    """Crier account ids for `<platform>-<id>` values; unknown ones are a 400."""
    accounts = {
        platform_id(account): account.pk
        for account in SocialAccount.objects.connected().filter(workspace_id=workspace_id)
    }
    unknown = [value for value in platform_ids if value not in accounts]
    if unknown:
        raise exceptions.ValidationError(f"Unknown platform connection(s): {', '.join(unknown)}")
    return [accounts[value] for value in platform_ids]


class PlatformConnectionsView(PubloraView):
    required_scope = Scope.ACCOUNTS

    @extend_schema(tags=TAGS, responses={200: dict})
    def get(self, request: Request) -> Response:
        accounts = SocialAccount.objects.connected().filter(workspace=request.auth.workspace)
        connections = [
            {
                "platformId": platform_id(account),
                "username": account.username,
                "displayName": account.display_name,
                "profileImageUrl": account.avatar_url,
                "status": account.status,
            }
            for account in accounts.order_by("created_at")
        ]
        return Response({"success": True, "connections": connections})


class CreatePostSerializer(serializers.Serializer):
    content = serializers.CharField(allow_blank=True, trim_whitespace=False)
    scheduledTime = serializers.CharField(required=False, allow_null=True)
    platforms = serializers.ListField(child=serializers.CharField(), allow_empty=False)


def _native_bulk(content: str, accounts: list[str], when: str | None) -> dict:
    target = [{"id": pk, **({"scheduled_at": when} if when else {})} for pk in accounts]
    return {
        "bulk": {
            "state": "scheduled" if when else "draft",
            "posts": [{"networks": {"default": {"text": content}}, "accounts": target}],
        }
    }


class CreatePostView(PubloraView):
    @extend_schema(
        tags=TAGS,
        request=CreatePostSerializer,
        responses={200: inline_serializer("PostGroup", {"postGroupId": serializers.CharField()})},
        description="No scheduledTime = a draft (PostPost's draft → upload → schedule flow).",
    )
    def post(self, request: Request) -> Response:
        dialect = CreatePostSerializer(data=request.data)
        dialect.is_valid(raise_exception=True)
        data = dialect.validated_data
        ids = account_ids(request.auth.workspace.pk, data["platforms"])
        when = data.get("scheduledTime")
        native = ScheduleRequestSerializer(
            data=_native_bulk(data["content"], ids, when),
            context={"mode": Job.Kind.SCHEDULE if when else Job.Kind.DRAFT},
        )
        native.is_valid(raise_exception=True)
        with transaction.atomic():
            job = services.job_create(
                context=request.auth,
                kind=Job.Kind.SCHEDULE if when else Job.Kind.DRAFT,
                bulk=native.validated_data["bulk"],
                expand_now=True,
            )
            post = Post.objects.filter(job=job).first()
            if post is None:
                refusals = [
                    message
                    for by_account in job.payload["failures"].values()
                    for messages in by_account.values()
                    for message in messages
                ]
                transaction.set_rollback(True)
                raise exceptions.ValidationError(refusals)
        return Response({"success": True, "postGroupId": post.pk})


class UpdatePostSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["scheduled", "draft"], required=False)
    scheduledTime = serializers.CharField(required=False)
    content = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)


class UpdatePostView(PubloraView):
    @extend_schema(tags=TAGS, request=UpdatePostSerializer, responses={200: dict})
    def put(self, request: Request, post_group_id: str) -> Response:
        post = get_object_or_404(Post, workspace=request.auth.workspace, pk=post_group_id)
        dialect = UpdatePostSerializer(data=request.data)
        dialect.is_valid(raise_exception=True)
        data = dialect.validated_data
        changes: dict[str, Any] = {}
        if "status" in data:
            changes["state"] = data["status"]
        if "scheduledTime" in data:
            changes["scheduled_at"] = data["scheduledTime"]
        if "content" in data:
            networks = {**post.networks}
            networks["default"] = {**networks.get("default", {}), "text": data["content"]}
            changes["networks"] = networks
        native = PostUpdateSerializer(data=changes, context={"post": post})
        native.is_valid(raise_exception=True)
        services.post_update(post=post, changes=native.validated_data)
        return Response({"success": True, "postGroupId": post.pk})


class DeletePostView(PubloraView):
    @extend_schema(tags=TAGS, responses={200: dict})
    def delete(self, request: Request, post_group_id: str) -> Response:
        post = get_object_or_404(Post, workspace=request.auth.workspace, pk=post_group_id)
        cancelled = services.post_delete(post=post)
        # What had already gone out stays; the caller is told rather than misled.
        published = list(
            Delivery.objects.filter(post=post, status=DeliveryStatus.PUBLISHED).values_list(
                "external_url", flat=True
            )
        )
        return Response({"success": True, "cancelled": cancelled, "alreadyPublished": published})
