"""The Postiz / PostSider dialect under `/public/v1/` and `/api/public/v1/` (self-hosted
Postiz's path): auth, limits, envelope and channels. docs/compat.md lists every deliberate
difference from Postiz's source; tests/compat/postiz_shapes.py records its answers.

Auth is the raw Crier API key in `Authorization` (no scheme), acting for the key's own
workspace. Each workspace may make `API_LIMIT` requests a minute (default 60, the
document's figure), counted in Redis like the native limit; every answer carries
`X-RateLimit-Limit/-Remaining`, a 429 adds `Retry-After`. Errors are `{"msg": "..."}`
with the document's statuses: 400 (Crier's 409/422 refusals too: the document has no such
codes), 401, 402 (plan limits: accounts/quotas.py), 404 (another
workspace's objects too), 429. Posts are in compat/postiz_posts.py.

Where Crier has no such concept, the closest faithful behaviour, never a fake success:

- `GET /groups`: Postiz groups channels into "customers" (`[{id, name}]`); Crier has none,
  so the list is always empty, integrations carry no `customer` (as Postiz leaves it out
  for a channel without one) and `GET /integrations?group=<id>` lists no channel.
- `GET /social/:integration` answers the OAuth URL; the platform sends the user back to
  Crier's own `/api/v1/accounts/callback/<platform>`, which stores the channel (402 there
  when the workspace's account limit is reached). `refresh` is not needed: connecting the
  same platform account again reconnects it. Token platforms (Bluesky, Mastodon, ...) are
  a 400, as Postiz answers for integrations it cannot connect through the public API.
- `DELETE /integrations/:id` cancels what this channel has not published yet (only this
  channel's deliveries, not whole groups as Postiz does), then disconnects it; a channel
  with posting schedules or a post being published right now is a 400 and stays as it was.
- `GET /integration-settings/:id` describes the Crier connector: its text limit, its
  per-network options as a schema, and no tools.
- `POST /integration-trigger/:id`: Crier connectors expose no tools, so any `methodName`
  is a 404 `Tool not found` (as Postiz answers for a method a provider lacks).
- `GET /find-slot/:id` answers the channel's next free posting-schedule slot; a channel
  without an active posting schedule has Postiz's default times (02:00, 06:40 and 11:40
  UTC daily) until one is set. A slot is taken by this channel's own posts (Postiz counts
  any post of the organization), and `date` carries its offset (`Z`).
- `POST /upload-from-url` fetches during the request, as Postiz does, under the egress
  guard and the size and time limits of every fetch; a URL that cannot be used is a 400
  and leaves nothing stored.
- Analytics (`/analytics/...`): compat/postiz_analytics.py, over the analytics app.
"""

from __future__ import annotations

import mimetypes
from datetime import time
from typing import Any

from django.conf import settings
from django.db import transaction
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from limits import RateLimitItem, RateLimitItemPerMinute
from rest_framework import exceptions, serializers
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from accounts import connection, platforms
from accounts import selectors as account_selectors
from accounts import services as account_services
from accounts.auth import ApiContext, api_context
from accounts.models import AccountStatus, Role, Scope, SocialAccount
from accounts.throttling import ApiKeyRateThrottle
from compat.dialect import (
    DialectView,
    KeyHeaderAuthentication,
    document_key_header,
    error_responses,
)
from connectors.base import Connector
from connectors.registry import CONNECTORS, connector_class
from media import probing, storage
from media import services as media_services
from media.models import MediaAsset
from media.serializers import FromUrlRequestSerializer, UploadFormSerializer
from media.views import multipart_data
from planning import selectors as planning_selectors
from planning.models import ContentType
from planning.queue import QueuePlanner
from planning.slots import WeeklySlot, next_free, zone_for
from posts import services as post_services
from posts.models import Delivery

TAGS = ["dialect: Postiz"]
# Postiz's cloud serves `/public/v1`; a self-hosted Postiz serves the same routes under its
# backend's `/api` (its documentation's base URL, and the one clients fall back to).
PREFIXES = ("/public/v1", "/api/public/v1")
# Statuses the document does not use, and what a Postiz client should see instead.
_AS_BAD_REQUEST = {409, 422}


def is_postiz_path(path: str) -> bool:
    """Whether a path is under one of the dialect's prefixes (unknown routes included)."""
    return any(path == prefix or path.startswith(prefix + "/") for prefix in PREFIXES)


def envelope(messages: list[str], status: int) -> dict[str, Any]:
    return {"msg": "; ".join(messages)}


class PostizErrorSerializer(serializers.Serializer):
    msg = serializers.CharField()


ERRORS = error_responses(
    PostizErrorSerializer,
    {
        400: "Invalid request, or a refusal Crier answers 409/422 for (the document has none).",
        401: "API key missing or invalid.",
        402: "A plan limit of the workspace is reached.",
        403: "The key lacks the scope or role.",
        404: "Not found in the key's workspace (another workspace's objects too).",
        413: "The request body is too large.",
        415: "Unsupported content type (uploads take multipart/form-data).",
        429: "API_LIMIT requests a minute reached; see Retry-After.",
    },
)


class PostizKeyAuthentication(KeyHeaderAuthentication):
    """`Authorization: <key>`: the raw key, no scheme (the document's form)."""

    headers = ("HTTP_AUTHORIZATION",)
    challenge = "Authorization"


document_key_header(
    PostizKeyAuthentication,
    name="PostizKey",
    header="Authorization",
    description="A Crier API key, raw: no `Bearer` prefix (Postiz's form).",
)


class PostizRateThrottle(ApiKeyRateThrottle):
    """`API_LIMIT` requests a minute per workspace (the document: per organization)."""

    namespace = "postiz"

    def rate(self) -> RateLimitItem:
        return RateLimitItemPerMinute(settings.POSTIZ_API_LIMIT)

    def identity(self, request: Request) -> str:
        if isinstance(request.auth, ApiContext):
            return f"ws:{request.auth.workspace.pk}"
        return super().identity(request)


class PostizView(DialectView):
    authentication_classes = [PostizKeyAuthentication]
    throttle_classes = [PostizRateThrottle]
    envelope = staticmethod(envelope)
    messages = {exceptions.NotAuthenticated: "Missing API key in the Authorization header"}
    required_scope = Scope.POSTS

    def _handle(self, exc: Exception, context: dict) -> Response | None:
        response = super()._handle(exc, context)
        if response is not None and response.status_code in _AS_BAD_REQUEST:
            response.status_code = 400
        return response


def not_found(message: str) -> exceptions.NotFound:
    return exceptions.NotFound(message)


def integration_get(request: Request, integration_id: str) -> SocialAccount:
    """The caller's connected channel; another workspace's id is simply not found."""
    account = (
        SocialAccount.objects.connected()
        .filter(workspace=api_context(request).workspace, pk=integration_id)
        .first()
    )
    if account is None:
        raise not_found("Integration not found")
    return account


# -- channels ------------------------------------------------------------------------------


class PostizIntegrationSerializer(serializers.Serializer):
    id = serializers.CharField()
    name = serializers.CharField()
    identifier = serializers.CharField(help_text="The Crier platform slug (x, linkedin, ...).")
    picture = serializers.CharField(allow_blank=True)
    disabled = serializers.BooleanField()
    refreshNeeded = serializers.BooleanField()
    profile = serializers.CharField(allow_blank=True)


def integration_shape(account: SocialAccount) -> dict[str, Any]:
    return {
        "id": account.pk,
        "name": account.display_name or account.username or account.external_id,
        "identifier": account.platform,
        "picture": account.avatar_url,
        "disabled": account.status == AccountStatus.DISABLED,
        "refreshNeeded": account.status == AccountStatus.NEEDS_REAUTH,
        "profile": account.username,
    }


class IntegrationListView(PostizView):
    required_scope = Scope.ACCOUNTS

    @extend_schema(
        tags=TAGS,
        parameters=[
            OpenApiParameter(
                "group",
                str,
                required=False,
                description="A customer id (GET /groups): only its channels. Crier has no "
                "customers, so none belongs to one.",
            )
        ],
        responses={200: PostizIntegrationSerializer(many=True), **ERRORS},
        description="A JSON array, as Postiz's CLI expects.",
    )
    def get(self, request: Request) -> Response:
        if request.query_params.get("group"):
            return Response([])  # Postiz keeps the channels of that customer: Crier has none
        accounts = account_selectors.social_account_list(workspace=api_context(request).workspace)
        return Response([integration_shape(account) for account in accounts])


class PostizGroupSerializer(serializers.Serializer):
    """A Postiz customer as `GET /groups` lists it (listGroups: `{id, name}`)."""

    id = serializers.CharField()
    name = serializers.CharField()


class GroupListView(PostizView):
    required_scope = Scope.ACCOUNTS

    @extend_schema(
        tags=TAGS,
        responses={200: PostizGroupSerializer(many=True), **ERRORS},
        description="Postiz's customers (groups of channels). Always empty: Crier has no "
        "customers; a workspace is the closest thing, and a key acts in one.",
    )
    def get(self, request: Request) -> Response:
        return Response(PostizGroupSerializer([], many=True).data)


class PostizIntegrationRowSerializer(serializers.Serializer):
    """Postiz's Integration row (schema.prisma), which its DELETE answers, without `token`
    and `refreshToken`: Crier never answers credentials. No `postingTimes` either: Crier's
    posting schedules are weekly, per day and zone (GET /api/v1/posting-schedules)."""

    id = serializers.CharField()
    internalId = serializers.CharField()
    organizationId = serializers.CharField()
    name = serializers.CharField()
    picture = serializers.CharField(allow_null=True)
    providerIdentifier = serializers.CharField()
    type = serializers.CharField()
    disabled = serializers.BooleanField()
    tokenExpiration = serializers.DateTimeField(allow_null=True)
    profile = serializers.CharField(allow_null=True)
    deletedAt = serializers.DateTimeField(allow_null=True)
    createdAt = serializers.DateTimeField()
    updatedAt = serializers.DateTimeField()
    inBetweenSteps = serializers.BooleanField()
    refreshNeeded = serializers.BooleanField()
    customInstanceDetails = serializers.CharField(allow_null=True)
    customerId = serializers.CharField(allow_null=True)
    rootInternalId = serializers.CharField(allow_null=True)
    additionalSettings = serializers.CharField()


def integration_row(account: SocialAccount) -> dict[str, Any]:
    return PostizIntegrationRowSerializer(
        {
            "id": account.pk,
            "internalId": account.external_id,
            "organizationId": account.workspace_id,
            "name": account.display_name or account.username or account.external_id,
            "picture": account.avatar_url or None,
            "providerIdentifier": account.platform,
            "type": "social",
            "disabled": account.status == AccountStatus.DISABLED,
            "tokenExpiration": account.token_expires_at,
            "profile": account.username or None,
            "deletedAt": account.disconnected_at,
            "createdAt": account.created_at,
            "updatedAt": account.updated_at,
            "inBetweenSteps": False,
            "refreshNeeded": account.status == AccountStatus.NEEDS_REAUTH,
            "customInstanceDetails": None,
            "customerId": None,
            "rootInternalId": None,
            "additionalSettings": "[]",
        }
    ).data


class IntegrationDetailView(PostizView):
    required_scope = Scope.ACCOUNTS
    write_role = Role.ADMIN

    @extend_schema(
        tags=TAGS,
        request=None,
        responses={
            200: inline_serializer(
                "PostizIntegrationDeleted",
                {
                    **PostizIntegrationRowSerializer().fields,
                    "cancelledPosts": serializers.IntegerField(),
                },
            ),
            **ERRORS,
        },
        description="Cancels this channel's unpublished deliveries, then disconnects it; "
        "answers the channel's row, as Postiz does, without its credentials.",
    )
    def delete(self, request: Request, integration_id: str) -> Response:
        account = integration_get(request, integration_id)
        with transaction.atomic():
            cancelled = post_services.deliveries_cancel(
                deliveries=Delivery.objects.filter(account=account)
            )
            account_services.social_account_disconnect(account=account)
        return Response({**integration_row(account), "cancelledPosts": cancelled})


class SocialConnectView(PostizView):
    required_scope = Scope.ACCOUNTS

    @extend_schema(
        tags=TAGS,
        parameters=[
            OpenApiParameter(
                "refresh", str, required=False, description="Accepted; reconnecting is implied."
            )
        ],
        responses={
            200: inline_serializer("PostizSocialUrl", {"url": serializers.URLField()}),
            **ERRORS,
        },
        description="The platform's authorization URL for a new channel (OAuth platforms).",
    )
    def get(self, request: Request, integration: str) -> Response:
        # A GET by name, but it starts a connection: the native rule (admins) applies.
        context = api_context(request)
        if not context.member.has_role(Role.ADMIN):
            raise exceptions.PermissionDenied(
                f"Your role '{context.member.role}' cannot connect channels; it needs 'admin'."
            )
        if integration not in CONNECTORS:
            known = ", ".join(sorted(CONNECTORS))
            raise exceptions.ValidationError(f"Integration not allowed; known: {known}")
        connector = platforms.new_connector(integration)
        try:
            if connector.connection != "oauth":
                raise exceptions.ValidationError(
                    f"{connector.display_name} is connected with credentials, not OAuth: "
                    "use POST /api/v1/accounts"
                )
            url = connection.oauth_start(context=context, connector=connector)
        finally:
            connector.close()
        return Response({"url": url})


def _option_schema(connector: type[Connector]) -> dict[str, Any] | str:
    if not connector.options:
        return "No additional settings required"
    names = {str: "string", bool: "boolean", int: "integer", list: "array", dict: "object"}
    properties = {}
    for option in connector.options:
        kinds = option.kind if isinstance(option.kind, tuple) else (option.kind,)
        described: dict[str, Any] = {"type": [names.get(kind, "string") for kind in kinds]}
        if len(described["type"]) == 1:
            described["type"] = described["type"][0]
        if option.choices is not None:
            described["enum"] = list(option.choices)
        if option.help:
            described["description"] = option.help
        properties[option.name] = described
    required = [option.name for option in connector.options if option.required]
    return {"properties": properties, "required": required}


def _rules(connector: type[Connector]) -> str:
    limits = connector.limits
    rules = [
        f"Text up to {limits.max_chars} characters",
        f"up to {limits.max_images} images or {limits.max_videos} videos",
    ]
    if limits.requires_media:
        rules.append("media is required")
    if limits.max_thread_items:
        rules.append(f"threads of up to {limits.max_thread_items} follow-up values")
    else:
        rules.append("no threads: one value per post")
    return "; ".join(rules) + "."


class IntegrationSettingsView(PostizView):
    required_scope = Scope.ACCOUNTS

    @extend_schema(
        tags=TAGS,
        responses={
            200: inline_serializer(
                "PostizIntegrationSettings",
                {
                    "output": inline_serializer(
                        "PostizIntegrationSettingsOutput",
                        {
                            "rules": serializers.CharField(),
                            "maxLength": serializers.IntegerField(),
                            "settings": serializers.JSONField(),
                            "tools": serializers.ListField(child=serializers.JSONField()),
                        },
                    )
                },
            ),
            **ERRORS,
        },
    )
    def get(self, request: Request, integration_id: str) -> Response:
        account = integration_get(request, integration_id)
        connector = connector_class(account.platform)
        output = {
            "rules": _rules(connector),
            "maxLength": connector.limits.max_chars,
            "settings": _option_schema(connector),
            "tools": [],
        }
        return Response({"output": output})


class PostizTriggerSerializer(serializers.Serializer):
    methodName = serializers.CharField(max_length=200)
    # DRF's metaclass takes declared fields off the class: `data` is the wire name, not
    # the Serializer.data property the stubs see.
    data = serializers.DictField(required=False)  # type: ignore[assignment]


class IntegrationTriggerView(PostizView):
    required_scope = Scope.ACCOUNTS

    @extend_schema(
        tags=TAGS,
        request=PostizTriggerSerializer,
        responses={
            201: inline_serializer("PostizTriggerOutput", {"output": serializers.JSONField()}),
            **ERRORS,
        },
        description="Crier connectors expose no tools: a known channel answers 404 Tool not found.",
    )
    def post(self, request: Request, integration_id: str) -> Response:
        integration_get(request, integration_id)
        PostizTriggerSerializer(data=request.data).is_valid(raise_exception=True)
        raise not_found("Tool not found")


# An integration's default `postingTimes` in Postiz (schema.prisma, model Integration:
# `[{"time":120}, {"time":400}, {"time":700}]`, minutes after UTC midnight, every day).
POSTIZ_DEFAULT_TIMES = (time(2, 0), time(6, 40), time(11, 40))
POSTIZ_DEFAULT_SLOTS = tuple(
    WeeklySlot(day, wall) for day in range(7) for wall in POSTIZ_DEFAULT_TIMES
)


class FindSlotView(PostizView):
    @extend_schema(
        tags=TAGS,
        responses={
            200: inline_serializer("PostizSlot", {"date": serializers.DateTimeField()}),
            **ERRORS,
        },
        description="The channel's next free posting-schedule slot (Crier's queue); a channel "
        "without an active posting schedule has Postiz's default times, 02:00, 06:40 and "
        "11:40 UTC every day.",
    )
    def get(self, request: Request, integration_id: str) -> Response:
        account = integration_get(request, integration_id)
        planner = QueuePlanner([account.pk])
        if planner.slots[account.pk]:
            slot = planner.peek(account.pk, ContentType.TEXT)
        else:
            slot = next_free(
                POSTIZ_DEFAULT_SLOTS,
                zone=zone_for("UTC"),
                after=planner.now,
                until=planner.until,
                taken=planner.taken[account.pk],
                content_type=ContentType.TEXT,
            )
        if slot is None:
            raise exceptions.ValidationError(planner.why_none(account.pk, ContentType.TEXT))
        return Response({"date": serializers.DateTimeField().to_representation(slot)})


class IsConnectedView(PostizView):
    """Postiz clients (its n8n node) check a key with this route."""

    @extend_schema(
        tags=TAGS,
        responses={
            200: inline_serializer("PostizConnected", {"connected": serializers.BooleanField()}),
            **ERRORS,
        },
    )
    def get(self, request: Request) -> Response:
        return Response({"connected": True})


# -- notifications -------------------------------------------------------------------------

# Postiz's page size (notifications.repository.ts, getNotificationsPaginated).
NOTIFICATIONS_PER_PAGE = 100


class PostizNotificationPageSerializer(serializers.Serializer):
    page = serializers.IntegerField(min_value=0, max_value=100_000, required=False, default=0)


class PostizNotificationSerializer(serializers.Serializer):
    id = serializers.CharField()
    content = serializers.CharField()
    link = serializers.CharField(
        allow_null=True, help_text="The published post's URL, when the event has one."
    )
    event = serializers.CharField()
    level = serializers.CharField()
    read = serializers.BooleanField()
    createdAt = serializers.DateTimeField()


class NotificationListView(PostizView):
    @extend_schema(
        tags=TAGS,
        parameters=[PostizNotificationPageSerializer],
        responses={
            200: inline_serializer(
                "PostizNotifications",
                {
                    "notifications": PostizNotificationSerializer(many=True),
                    "total": serializers.IntegerField(),
                    "page": serializers.IntegerField(),
                    "limit": serializers.IntegerField(),
                    "hasMore": serializers.BooleanField(),
                },
            ),
            **ERRORS,
        },
        description=f"Newest first, {NOTIFICATIONS_PER_PAGE} a page; `page` counts from 0.",
    )
    def get(self, request: Request) -> Response:
        query = PostizNotificationPageSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        page = query.validated_data["page"]
        notifications = planning_selectors.notification_list(
            workspace=api_context(request).workspace
        )
        total = notifications.count()
        start = page * NOTIFICATIONS_PER_PAGE
        rows = notifications[start : start + NOTIFICATIONS_PER_PAGE]
        return Response(
            {
                "notifications": PostizNotificationSerializer(
                    [
                        {
                            "id": row.pk,
                            "content": row.message,
                            "link": row.data.get("url") or None,
                            "event": row.event,
                            "level": row.level,
                            "read": row.read_at is not None,
                            "createdAt": row.created_at,
                        }
                        for row in rows
                    ],
                    many=True,
                ).data,
                "total": total,
                "page": page,
                "limit": NOTIFICATIONS_PER_PAGE,
                "hasMore": start + NOTIFICATIONS_PER_PAGE < total,
            }
        )


# -- media ---------------------------------------------------------------------------------


class PostizMediaSerializer(serializers.Serializer):
    id = serializers.CharField()
    name = serializers.CharField(allow_blank=True)
    originalName = serializers.CharField(allow_null=True)
    path = serializers.URLField(allow_null=True, help_text="Use it with `id` in posts' image.")
    thumbnail = serializers.CharField(allow_null=True, help_text="Always null in Crier.")
    alt = serializers.CharField(allow_null=True, help_text="Always null: alt text goes in posts.")
    organizationId = serializers.CharField()
    status = serializers.CharField()
    type = serializers.CharField(allow_blank=True)
    mimeType = serializers.CharField(allow_blank=True)
    fileSize = serializers.IntegerField(allow_null=True)
    createdAt = serializers.DateTimeField()


def media_shape(asset: MediaAsset) -> dict[str, Any]:
    usable = asset.status in (MediaAsset.Status.READY, MediaAsset.Status.PROCESSING)
    return PostizMediaSerializer(
        {
            "id": asset.pk,
            "name": asset.filename or asset.original_filename,
            "originalName": asset.original_filename or None,
            "path": storage.public_url(asset.storage_key) if usable else None,
            "thumbnail": None,
            "alt": None,
            "organizationId": asset.workspace_id,
            "status": asset.status,
            "type": asset.kind,
            "mimeType": asset.mime_type,
            "fileSize": asset.size,
            "createdAt": asset.created_at,
        }
    ).data


class UploadView(PostizView):
    required_scope = Scope.MEDIA
    parser_classes = [MultiPartParser]
    streams_body = True  # ApiErrorMiddleware leaves the size limit to `post`

    @extend_schema(
        tags=TAGS, request=UploadFormSerializer, responses={201: PostizMediaSerializer, **ERRORS}
    )
    def post(self, request: Request) -> Response:
        form = UploadFormSerializer(data=multipart_data(request, limit=probing.largest_allowed()))
        form.is_valid(raise_exception=True)
        upload = form.validated_data["file"]
        file_name = sdk_file_name(upload.name or "")
        asset = media_services.media_upload(
            workspace=api_context(request).workspace,
            upload=upload,
            # The name, when the SDK gave only an extension, says more than its label.
            content_type=None if file_name != upload.name else upload.content_type,
            file_name=file_name,
        )
        return Response(media_shape(asset), status=201)


def sdk_file_name(name: str) -> str:
    """Postiz's Node SDK sends the bare extension as the file name (`mp4`, `webp`) and
    labels every type it has no name for `image/jpeg`: `mp4` becomes `upload.mp4`, so the
    extension declares the type, and the bytes are still checked against it."""
    if name and "." not in name and mimetypes.guess_type(f"upload.{name}", strict=False)[0]:
        return f"upload.{name}"
    return name


class UploadFromUrlView(PostizView):
    required_scope = Scope.MEDIA

    @extend_schema(
        tags=TAGS,
        request=FromUrlRequestSerializer,
        responses={201: PostizMediaSerializer, **ERRORS},
        description="Fetches the file during the request (the egress guard, size and time "
        "limits of any fetch) and answers it stored, with its `path`, as Postiz does.",
    )
    def post(self, request: Request) -> Response:
        body = FromUrlRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        asset = media_services.media_from_url_fetch_now(
            workspace=api_context(request).workspace,
            url=body.validated_data["url"],
            within=settings.POSTIZ_IMAGE_URLS_TIMEOUT,
        )
        if asset.status not in (MediaAsset.Status.READY, MediaAsset.Status.PROCESSING):
            media_services.media_discard(assets=[asset])  # nothing a client could use
            raise exceptions.ValidationError(f"url: {asset.error or 'the file could not be used'}")
        return Response(media_shape(asset), status=201)
