"""The Publora (and PostPost) dialect: `/api/v1/platform-connections`, `create-post`, ...

Auth is `x-publora-key: <key>` or PostPost's `x-api-key: <key>`; PostPost's
`x-postpost-user-id` acts as a managed user (a member of the key's workspace: only with an
owner's or admin's key, with the lower of the two roles and the key's scopes);
`x-postpost-client: mcp` is the documented 403 (no MCP through this dialect). Answers are
`{"success": true, ...}`; errors are `{"success": false, "error": "..."}` with the
statuses the PostPost document lists.
PostPost's two media routes are served at its own root paths (`/media/process-video`,
`/media/post/media/:mediaId`) as well as under `/api/v1/`.

Where Crier is deliberately safer than the documents (never a silent difference):

- A `postGroupId` is always checked against the caller (404), for posts and media alike.
- `scheduledTime` follows the native rule: ISO 8601 with an offset, not in the past (the
  Publora example's 2025 date is a 400 today).
- `platformId` is `<Crier platform>-<account id>` (`x-acc_…`, not `twitter-123456`):
  opaque, as clients take it from `platform-connections`.
- `get-upload-url`: `contentType` must be an image or video type Crier accepts and agree
  with `type`; the PUT bytes are verified; up to 4 images or 1 video per post group with
  a Publora key (`x-publora-key`), the native 20 media with PostPost's `x-api-key`; a
  storage that cannot sign is a 503 (PostPost: 500 "Failed to create upload URL").
- A platform refusing the content (its connector's checks: length, media, ...) fails the
  whole `create-post` with a 400 naming its `platformId`; nothing is stored.
- `update-post` is the native approval-aware edit: in a workspace that requires approval,
  a post waiting for it is scheduled only by an approval (409), and an editor's change to
  an approved post (its text, or media added or deleted) sends it back to approval.
- `update-post` checks the group's uploads first: a refused upload is named (400), and
  stays on the post, refused again, until the client deletes it; one not PUT yet is a 400
  too, as the native API refuses it.
- `process-video` and media delete take the API key (PostPost: dashboard session only);
  `process-video` answers when the video is stored and measured (`sessionId` is the
  media id, with `mediaId`, `fileUrl`, `metadata`); a media delete leaves no orphaned
  file (the sweep retries a storage that failed).
- `delete-post` cancels what has not gone out; what was published stays and is listed
  (`cancelled`, `alreadyPublished`). A group that has all gone out is a 400 naming its
  live URLs: the document deletes scheduled posts, and Crier cannot take one back.
- Validation errors name the dialect's fields (`scheduledTime`, `content`, `platforms`,
  `status`), never the native request Crier builds from them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view, inline_serializer
from rest_framework import exceptions, serializers
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.auth import ApiContext, api_context
from accounts.models import Member, Scope, SocialAccount
from accounts.services import ActingNotAllowed, NotAMember, member_acting_as
from compat.dialect import (
    DialectView,
    KeyHeaderAuthentication,
    document_key_header,
    error_responses,
)
from core.errors import flatten_errors
from media import probing, storage
from media import services as media_services
from media.models import MediaAsset
from media.views import multipart_data
from posts import services
from posts.approvals import post_edit, post_media_changed
from posts.idempotency import idempotent
from posts.models import Delivery, Job, Post
from posts.serializers import (
    MAX_MEDIA_PER_POST,
    PostUpdateSerializer,
    ScheduleRequestSerializer,
)
from posts.states import DeliveryStatus
from posts.views import IDEMPOTENCY_PARAMETER

KEY_HEADERS = ("HTTP_X_PUBLORA_KEY", "HTTP_X_API_KEY")
TAGS = ["dialect: Publora / PostPost"]


def envelope(messages: list[str], status: int) -> dict[str, Any]:
    return {"success": False, "error": "; ".join(messages)}


def is_publora(request: Request) -> bool:
    """Which document the client follows: the key header it authenticated with says
    (`x-publora-key` is checked first, as `KEY_HEADERS` lists it)."""
    return bool(request.META.get("HTTP_X_PUBLORA_KEY", "").strip())


class PubloraKeyAuthentication(KeyHeaderAuthentication):
    headers = KEY_HEADERS
    challenge = "x-api-key"

    def authenticate(self, request: Request) -> tuple[object, ApiContext] | None:
        authenticated = super().authenticate(request)
        # PostPost answers 403 to `x-postpost-client: mcp` unless the account has MCP
        # access; Crier's MCP tools are `crier mcp` on the native API, so no account has it.
        client = request.META.get("HTTP_X_POSTPOST_CLIENT", "")
        if authenticated is not None and client.strip().lower() == "mcp":
            raise exceptions.PermissionDenied("MCP access is not enabled for this account")
        return authenticated

    def acting_member(self, owner: Member, request: Request) -> Member:
        """PostPost's managed users are the members of the key's workspace; only an owner's
        or admin's key manages them, and never with more than its own role and scopes."""
        managed_id = request.META.get("HTTP_X_POSTPOST_USER_ID")
        if not managed_id:
            return owner
        if not managed_id.startswith("mem_"):
            raise exceptions.ValidationError("Invalid x-postpost-user-id")
        try:
            return member_acting_as(key_member=owner, member_id=managed_id)
        except ActingNotAllowed as exc:
            raise exceptions.PermissionDenied(
                "Workspace access is not enabled for this key"
            ) from exc
        except NotAMember as exc:
            raise exceptions.PermissionDenied("User is not managed by key") from exc


document_key_header(
    PubloraKeyAuthentication,
    name="PubloraKey",
    header="x-publora-key",
    description=(
        "A Crier API key. PostPost clients may send it as `x-api-key` instead, with "
        "`x-postpost-user-id: <member id>` to act as a managed user."
    ),
)


class PubloraErrorSerializer(serializers.Serializer):
    success = serializers.BooleanField(help_text="Always false.")
    error = serializers.CharField()


ERRORS = error_responses(
    PubloraErrorSerializer,
    {
        400: "Invalid request (validation, unknown platformId, content a platform refuses).",
        401: "API key missing or invalid.",
        402: "A plan limit of the workspace is reached.",
        403: (
            "The key lacks the scope or role, or x-postpost-user-id is not managed by it "
            "(only owners' and admins' keys manage users)."
        ),
        404: "No such post group or media in the key's workspace.",
        409: (
            "The post changed state meanwhile (being published), or waits for approval "
            "(only an approval schedules it)."
        ),
        413: "The request body is too large.",
        415: "Unsupported content type (process-video takes multipart/form-data).",
        422: "Idempotency-Key reused with a different request.",
        429: "Rate limit reached; see Retry-After.",
    },
)
MEDIA_ERRORS = {
    **ERRORS,
    **error_responses(
        PubloraErrorSerializer, {503: "Media storage is unavailable (cannot sign or store)."}
    ),
}


def ok(name: str, fields: dict[str, serializers.Field]) -> serializers.Serializer:
    """A success answer: `{"success": true, ...}`."""
    return inline_serializer(name, {"success": serializers.BooleanField(), **fields})


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

    @extend_schema(
        tags=TAGS,
        responses={
            200: ok(
                "PubloraConnections",
                {
                    "connections": inline_serializer(
                        "PubloraConnection",
                        {
                            "platformId": serializers.CharField(),
                            "username": serializers.CharField(allow_blank=True),
                            "displayName": serializers.CharField(allow_blank=True),
                            "profileImageUrl": serializers.CharField(allow_blank=True),
                            "status": serializers.CharField(),
                        },
                        many=True,
                    )
                },
            ),
            **ERRORS,
        },
    )
    def get(self, request: Request) -> Response:
        accounts = SocialAccount.objects.connected().filter(
            workspace=api_context(request).workspace
        )
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


# Native field paths, as Crier's error messages name them, and the dialect's names for them:
# a client of Publora or PostPost never sent `bulk.posts[0].accounts[0].scheduled_at`.
_NATIVE_ITEM = r"(?:bulk\.posts\[\d+\]\.)?"
DIALECT_FIELDS = (
    (re.compile(rf"^{_NATIVE_ITEM}(?:accounts\[\d+\]\.)?scheduled_at(?=: )"), "scheduledTime"),
    (re.compile(rf"^{_NATIVE_ITEM}accounts(?:\[\d+\](?:\.id)?)?(?=: )"), "platforms"),
    (re.compile(rf"^{_NATIVE_ITEM}networks(?:\.\w+)*(?=: )"), "content"),
    (re.compile(rf"^{_NATIVE_ITEM}media(?:\[\d+\](?:\.\w+)?)?(?=: )"), "media"),
    (re.compile(r"^(?:bulk\.)?state(?=: )"), "status"),
)


@contextmanager
def dialect_field_names() -> Iterator[None]:
    """Re-raise a native ValidationError with the fields named as the dialect names them."""
    try:
        yield
    except exceptions.ValidationError as exc:
        messages = flatten_errors(exc.detail)
        for pattern, name in DIALECT_FIELDS:
            messages = [pattern.sub(name, message) for message in messages]
        # One message per field, not one per platform the same time was sent to.
        raise exceptions.ValidationError(list(dict.fromkeys(messages))) from exc


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
        responses={200: ok("PostGroup", {"postGroupId": serializers.CharField()}), **ERRORS},
        parameters=[IDEMPOTENCY_PARAMETER],
        description="No scheduledTime = a draft (PostPost's draft → upload → schedule flow).",
    )
    def post(self, request: Request) -> Response:
        # Crier's Idempotency-Key, when the client sends one: a retry posts once.
        return idempotent(request, api_context(request).workspace, lambda: self._create(request))

    def _create(self, request: Request) -> Response:
        dialect = CreatePostSerializer(data=request.data)
        dialect.is_valid(raise_exception=True)
        data = dialect.validated_data
        ids = account_ids(api_context(request).workspace.pk, data["platforms"])
        when = data.get("scheduledTime")
        native = ScheduleRequestSerializer(
            data=_native_bulk(data["content"], ids, when),
            context={"mode": Job.Kind.SCHEDULE if when else Job.Kind.DRAFT},
        )
        with dialect_field_names():
            native.is_valid(raise_exception=True)
        with transaction.atomic():
            job = services.job_create(
                context=api_context(request), request=native.command(), expand_now=True
            )
            job.refresh_from_db()
            # Any platform refusing the content fails the request: never a post group
            # that silently leaves a platform out.
            names = dict(zip(ids, data["platforms"], strict=True))
            refusals = [
                f"{names.get(account_id, account_id)}: {message}"
                for by_account in job.payload.get("failures", {}).values()
                for account_id, messages in by_account.items()
                for message in messages
            ]
            post = Post.objects.filter(job=job).first()
            if post is None or refusals:
                transaction.set_rollback(True)
                raise exceptions.ValidationError(
                    refusals or [job.error or "The post could not be stored."]
                )
        return Response({"success": True, "postGroupId": post.pk})


class UpdatePostSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["scheduled", "draft"], required=False)
    scheduledTime = serializers.CharField(required=False)
    content = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)


class UpdatePostView(PubloraView):
    @extend_schema(
        tags=TAGS,
        request=UpdatePostSerializer,
        responses={200: ok("PubloraUpdated", {"postGroupId": serializers.CharField()}), **ERRORS},
    )
    def put(self, request: Request, post_group_id: str) -> Response:
        post = get_object_or_404(Post, workspace=api_context(request).workspace, pk=post_group_id)
        dialect = UpdatePostSerializer(data=request.data)
        dialect.is_valid(raise_exception=True)
        data = dialect.validated_data
        # Uploads are checked here, the step after them in PostPost's flow; refused ones
        # leave the post, and the caller learns why before anything is scheduled.
        media_problems = group_media_settle(post)
        if media_problems:
            raise exceptions.ValidationError(media_problems)
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
        with dialect_field_names():
            native.is_valid(raise_exception=True)
            post_edit(context=api_context(request), post=post, changes=native.validated_data)
        return Response({"success": True, "postGroupId": post.pk})


class DeletePostView(PubloraView):
    @extend_schema(
        tags=TAGS,
        responses={
            200: ok(
                "PubloraDeleted",
                {
                    "cancelled": serializers.IntegerField(),
                    "alreadyPublished": serializers.ListField(
                        child=serializers.CharField(allow_blank=True),
                        help_text="The URLs of what had already been published.",
                    ),
                },
            ),
            **ERRORS,
        },
    )
    def delete(self, request: Request, post_group_id: str) -> Response:
        with transaction.atomic():
            post = _post_group(request, post_group_id, locked=True)
            statuses = set(Delivery.objects.filter(post=post).values_list("status", flat=True))
            published = list(
                Delivery.objects.filter(post=post, status=DeliveryStatus.PUBLISHED).values_list(
                    "external_url", flat=True
                )
            )
            # Publora's delete-post removes a *scheduled* post: one that has all gone out
            # cannot be taken back, and `{"success": true}` would say it was.
            if statuses and statuses <= {DeliveryStatus.PUBLISHED}:
                raise exceptions.ValidationError(
                    "Cannot delete a post that has already been published: it stays live"
                    + (f" at {', '.join(filter(None, published))}." if any(published) else ".")
                )
            cancelled = services.post_delete(post=post)
        # What had already gone out stays; the caller is told rather than misled.
        return Response({"success": True, "cancelled": cancelled, "alreadyPublished": published})


# --- Media: get-upload-url, process-video, delete (PostPost's draft → upload → schedule)

# Publora's presigned URLs last 15 minutes, PostPost's an hour.
UPLOAD_URL_TTL = {"publora": timedelta(minutes=15), "postpost": timedelta(hours=1)}
MAX_IMAGES = 4  # per post group, or one video: Publora's rule (PostPost's document sets none)
MAX_VIDEO_BYTES = 512 * 1024 * 1024  # process-video (PostPost)
VIDEO_FORMATS = "MP4, MOV, AVI, MKV, WebM"
PUBLISHED_OR_FAILED = {DeliveryStatus.PUBLISHED, DeliveryStatus.FAILED}


class PubloraMediaView(PubloraView):
    """Media routes change a post group too: the key needs the media and posts scopes."""

    required_scope = Scope.MEDIA
    extra_scopes = (Scope.POSTS,)


def _post_group(request: Request, post_group_id: str, *, locked: bool = False) -> Post:
    posts = Post.objects.select_for_update() if locked else Post.objects
    return get_object_or_404(posts, workspace=api_context(request).workspace, pk=post_group_id)


def _refuse_if_gone_out(post: Post, doing: str) -> None:
    """PostPost's rule: a post already published or failed keeps its media as it was."""
    if Delivery.objects.filter(post=post, status__in=PUBLISHED_OR_FAILED).exists():
        raise exceptions.ValidationError(
            f"Cannot {doing} a post that has already been published or failed"
        )


def _refuse_if_deleted(post: Post) -> None:
    """A group delete-post cancelled takes no new media: it would never be published."""
    statuses = set(Delivery.objects.filter(post=post).values_list("status", flat=True))
    if statuses and statuses <= {DeliveryStatus.CANCELLED}:
        raise exceptions.ValidationError("Cannot add media to a deleted post")


def _check_room(request: Request, post: Post, kind: str, *, besides: str = "") -> None:
    """Publora: up to 4 images or 1 video per post group; failed uploads do not count.
    PostPost sets no cap of its own: the native one applies, and each platform's limits
    when the post is scheduled."""
    ids = {ref["id"] for ref in post.media} - {besides}
    if not is_publora(request):
        if len(ids) >= MAX_MEDIA_PER_POST:
            raise exceptions.ValidationError(
                f"A post holds up to {MAX_MEDIA_PER_POST} media; this one has {len(ids)}."
            )
        return
    held = MediaAsset.objects.filter(workspace_id=post.workspace_id, pk__in=ids).exclude(
        status=MediaAsset.Status.FAILED
    )
    kinds = list(held.values_list("kind", flat=True))
    images, videos = kinds.count("image"), kinds.count("video")
    if videos or (kind == "video" and images) or images >= MAX_IMAGES:
        raise exceptions.ValidationError(
            f"A post group holds up to {MAX_IMAGES} images or 1 video; this one has "
            f"{images} image(s) and {videos} video(s)."
        )


def group_media_settle(post: Post) -> list[str]:
    """Check the bytes of the group's uploads that arrived since (Publora/PostPost clients
    never say when a PUT is done). Returns why each medium of the group cannot be used yet,
    empty when all are ready. A refused one stays on the post, refused again at every
    update-post until the client deletes it: a post never goes out short of media silently.
    """
    ids = [ref["id"] for ref in post.media]
    if not ids:
        return []
    facts = media_services.media_resolve(workspace_id=post.workspace_id, ids=ids)
    problems = [
        f"{fact.problem} Delete it (DELETE /media/post/media/{media_id}) or upload it again."
        for media_id, fact in facts.items()
        if fact.status == "failed"
    ]
    problems += [
        f"Media {media_id} has not been uploaded yet: PUT the file to its uploadUrl first."
        for media_id, fact in facts.items()
        if fact.status == MediaAsset.Status.PENDING_UPLOAD
    ]
    return problems


class UploadUrlSerializer(serializers.Serializer):
    fileName = serializers.CharField(required=False, allow_blank=True, max_length=1000)
    contentType = serializers.CharField(required=False, allow_blank=True, max_length=200)
    type = serializers.ChoiceField(choices=["image", "video"], required=False)
    postGroupId = serializers.CharField(required=False, allow_blank=True, max_length=100)


class GetUploadUrlView(PubloraMediaView):
    @extend_schema(
        tags=TAGS,
        request=UploadUrlSerializer,
        responses={
            200: ok(
                "PubloraUploadUrl",
                {
                    "uploadUrl": serializers.URLField(),
                    "fileUrl": serializers.URLField(),
                    "mediaId": serializers.CharField(),
                },
            ),
            **MEDIA_ERRORS,
        },
        description=(
            "A URL to PUT one image or video to, attached to the post group: 15 minutes "
            "with x-publora-key, 1 hour with x-api-key. The bytes are checked against "
            "contentType once they arrive; a post waits for its uploads when it goes out."
        ),
    )
    def post(self, request: Request) -> Response:
        body = UploadUrlSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        if not all(data.get(name) for name in ("fileName", "contentType", "postGroupId")):
            raise exceptions.ValidationError("fileName, contentType, and postGroupId are required")
        ttl = UPLOAD_URL_TTL["publora" if is_publora(request) else "postpost"]
        with transaction.atomic():
            post = _post_group(request, data["postGroupId"], locked=True)
            _refuse_if_gone_out(post, "add media to")
            _refuse_if_deleted(post)
            # Checks the type (allowed, agrees with `type`); the room is counted after.
            try:
                asset, upload_url = media_services.media_upload_url_create(
                    workspace=api_context(request).workspace,
                    file_name=data["fileName"],
                    content_type=data["contentType"],
                    kind=data.get("type"),
                    ttl=ttl,
                )
            except media_services.STORAGE_ERRORS as exc:  # S3 could not sign (credentials)
                raise media_services.StorageUnavailable(
                    "Failed to create upload URL: media storage is unavailable."
                ) from exc
            _check_room(request, post, asset.kind)
            services.post_media_attach(post=post, media_id=asset.pk)
            post_media_changed(context=api_context(request), post=post)
        return Response(
            {
                "success": True,
                "uploadUrl": upload_url,
                "fileUrl": storage.public_url(asset.storage_key),
                "mediaId": asset.pk,
            }
        )


class ProcessVideoForm(serializers.Serializer):
    video = serializers.FileField(required=False)
    postGroupId = serializers.CharField(required=False, allow_blank=True, max_length=100)


def video_metadata(asset: MediaAsset) -> dict[str, Any]:
    """PostPost's media `metadata` object, measured from the bytes."""
    return {
        "size": asset.size,
        "width": asset.width,
        "height": asset.height,
        "aspectRatio": asset.aspect_ratio,
        "format": asset.mime_type,
        "frameRate": asset.fps,
        "codecName": asset.codec,
        "bitRate": asset.bit_rate,
        "duration": asset.duration,
    }


class ProcessVideoView(PubloraMediaView):
    parser_classes = [MultiPartParser]
    streams_body = True  # ApiErrorMiddleware leaves the size limit to `post`

    @extend_schema(
        tags=TAGS,
        request={"multipart/form-data": ProcessVideoForm},
        responses={
            200: ok(
                "PubloraProcessedVideo",
                {
                    "sessionId": serializers.CharField(),
                    "mediaId": serializers.CharField(),
                    "fileUrl": serializers.URLField(),
                    "metadata": inline_serializer(
                        "PubloraVideoMetadata",
                        {
                            "size": serializers.IntegerField(allow_null=True),
                            "width": serializers.IntegerField(allow_null=True),
                            "height": serializers.IntegerField(allow_null=True),
                            "aspectRatio": serializers.FloatField(allow_null=True),
                            "format": serializers.CharField(allow_blank=True),
                            "frameRate": serializers.FloatField(allow_null=True),
                            "codecName": serializers.CharField(allow_blank=True),
                            "bitRate": serializers.IntegerField(allow_null=True),
                            "duration": serializers.FloatField(allow_null=True),
                        },
                    ),
                },
            ),
            **MEDIA_ERRORS,
        },
        description=(
            "Upload one video (MP4, MOV, AVI, MKV or WebM, up to 512 MB) to a post group; "
            "its bytes are checked and measured before the answer."
        ),
    )
    def post(self, request: Request) -> Response:
        limit = min(MAX_VIDEO_BYTES, probing.max_bytes("video"))
        form = ProcessVideoForm(data=multipart_data(request, limit=limit, field="video"))
        form.is_valid(raise_exception=True)
        video = form.validated_data.get("video")
        if video is None:
            raise exceptions.ValidationError("No video file uploaded")
        with video:
            if not form.validated_data.get("postGroupId"):
                raise exceptions.ValidationError("postGroupId is required")
            post = _post_group(request, form.validated_data["postGroupId"])
            _refuse_if_gone_out(post, "add media to")
            _refuse_if_deleted(post)
            declared = probing.declared_type(video.content_type, video.name or "")
            if probing.ALLOWED.get(declared, ("",))[0] != "video":
                raise exceptions.ValidationError(
                    f"Unsupported video format. Allowed: {VIDEO_FORMATS}"
                )
            _check_room(request, post, "video")
            asset = media_services.media_upload(
                workspace=api_context(request).workspace,
                upload=video,
                content_type=video.content_type,
                file_name=video.name or "",
            )
        try:
            with transaction.atomic():
                post = _post_group(request, post.pk, locked=True)
                _check_room(request, post, "video", besides=asset.pk)
                services.post_media_attach(post=post, media_id=asset.pk)
                post_media_changed(context=api_context(request), post=post)
        except exceptions.APIException:
            media_services.media_delete(asset=asset)  # another upload took the room meanwhile
            raise
        return Response(
            {
                "success": True,
                "sessionId": asset.pk,
                "mediaId": asset.pk,
                "fileUrl": storage.public_url(asset.storage_key),
                "metadata": video_metadata(asset),
            }
        )


class DeletePostMediaView(PubloraMediaView):
    @extend_schema(tags=TAGS, responses={200: ok("PubloraMediaDeleted", {}), **MEDIA_ERRORS})
    def delete(self, request: Request, media_id: str) -> Response:
        asset = MediaAsset.objects.filter(
            workspace=api_context(request).workspace, pk=media_id
        ).first()
        if asset is None:
            raise exceptions.NotFound("Media file not found")
        posts = Post.objects.filter(
            workspace=api_context(request).workspace, media_links__asset=asset
        ).distinct()
        with transaction.atomic():
            for post in posts:
                _refuse_if_gone_out(post, "delete media from")
                services.post_media_detach(post=post, media_ids={asset.pk})
                post_media_changed(context=api_context(request), post=post)
            # Its objects are deleted after commit; should storage fail, the sweep retries.
            media_services.media_delete(asset=asset)
        return Response({"success": True})


# PostPost's own paths for the two media routes, at the root (compat/urls.py).
@extend_schema_view(post=extend_schema(operation_id="postpost_media_process_video"))
class RootProcessVideoView(ProcessVideoView):
    """`POST /media/process-video`: the same upload at PostPost's documented path."""


@extend_schema_view(delete=extend_schema(operation_id="postpost_media_delete"))
class RootDeletePostMediaView(DeletePostMediaView):
    """`DELETE /media/post/media/:mediaId` at PostPost's documented path."""
