from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.files.storage import FileSystemStorage
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    JsonResponse,
    UnreadablePostError,
)
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe
from django.views.static import serve
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions
from rest_framework.generics import ListAPIView
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.auth import api_context
from accounts.models import Scope
from core.errors import PayloadTooLarge, error_response
from media import probing, selectors, services, storage
from media.models import MediaAsset
from media.serializers import (
    FromUrlRequestSerializer,
    FromUrlResponseSerializer,
    MediaFilterSerializer,
    MediaSerializer,
    UploadFormSerializer,
    UploadUrlRequestSerializer,
    UploadUrlResponseSerializer,
)
from media.uploads import HashingUploadHandler

# Room for the multipart boundaries and headers around the file itself.
MULTIPART_OVERHEAD = 64 * 1024


class NotMultipart(exceptions.APIException):
    status_code = 415
    default_detail = "Send the file as multipart/form-data in a field named 'file'."
    default_code = "unsupported_media_type"


def multipart_data(request: Request, *, limit: int, field: str = "file") -> Mapping[str, Any]:
    """The request's multipart form, its file parts streamed to disk (hashed, size-checked
    as they arrive): 415 when it is not multipart, 413 past `limit` bytes of files."""
    if not request.content_type.startswith("multipart/form-data"):
        raise NotMultipart(f"Send the file as multipart/form-data in a field named '{field}'.")
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError as exc:
        raise exceptions.ParseError("Content-Length header is not a number.") from exc
    if length > limit + MULTIPART_OVERHEAD:
        raise PayloadTooLarge(f"Request body is {length} bytes; the limit is {limit} bytes.")
    # Set before anything reads the body (DRF parses lazily, on first access).
    request._request.upload_handlers = [HashingUploadHandler(request._request, max_bytes=limit)]
    try:
        data = request.data
    except UnreadablePostError as exc:  # the client went away mid-upload
        raise exceptions.ParseError("The upload was interrupted; send it again.") from exc
    if not isinstance(data, Mapping):  # a multipart body always parses to a form
        raise NotMultipart(f"Send the file as multipart/form-data in a field named '{field}'.")
    return data


class MediaListView(ListAPIView):
    """GET lists the workspace's media; POST uploads one file (multipart, streamed to disk)."""

    required_scope = Scope.MEDIA
    serializer_class = MediaSerializer
    parser_classes = [MultiPartParser]
    streams_body = True  # ApiErrorMiddleware leaves the size limit to `post`

    @extend_schema(parameters=[MediaFilterSerializer], tags=["media"])
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no caller
            return MediaAsset.objects.none()
        filters = MediaFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return selectors.media_list(
            workspace=api_context(self.request).workspace,
            status=filters.validated_data.get("status"),
        )

    @extend_schema(request=UploadFormSerializer, responses={201: MediaSerializer}, tags=["media"])
    def post(self, request: Request) -> Response:
        form = UploadFormSerializer(data=multipart_data(request, limit=probing.largest_allowed()))
        form.is_valid(raise_exception=True)
        upload = form.validated_data["file"]
        asset = services.media_upload(
            workspace=api_context(request).workspace,
            upload=upload,
            content_type=upload.content_type,
            file_name=upload.name or "",
        )
        return Response(MediaSerializer(asset).data, status=201)


class MediaDetailView(APIView):
    required_scope = Scope.MEDIA

    def _asset(self, request: Request, media_id: str) -> MediaAsset:
        return selectors.media_get(workspace=api_context(request).workspace, media_id=media_id)

    @extend_schema(responses=MediaSerializer, tags=["media"])
    def get(self, request: Request, media_id: str) -> Response:
        return Response(MediaSerializer(self._asset(request, media_id)).data)

    @extend_schema(responses={204: None}, tags=["media"])
    def delete(self, request: Request, media_id: str) -> Response:
        services.media_delete(asset=self._asset(request, media_id))
        return Response(status=204)


class MediaCompleteView(APIView):
    """After the PUT to `uploadUrl`: check the bytes and make the media usable."""

    required_scope = Scope.MEDIA

    @extend_schema(request=None, responses=MediaSerializer, tags=["media"])
    def post(self, request: Request, media_id: str) -> Response:
        asset = selectors.media_get(workspace=api_context(request).workspace, media_id=media_id)
        return Response(MediaSerializer(services.media_complete(asset=asset)).data)


class UploadUrlView(APIView):
    required_scope = Scope.MEDIA

    @extend_schema(
        request=UploadUrlRequestSerializer,
        responses={201: UploadUrlResponseSerializer},
        tags=["media"],
    )
    def post(self, request: Request) -> Response:
        body = UploadUrlRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        asset, upload_url = services.media_upload_url_create(
            workspace=api_context(request).workspace,
            file_name=body.validated_data["fileName"],
            content_type=body.validated_data["contentType"],
            kind=body.validated_data.get("type"),
        )
        answer = {
            "uploadUrl": upload_url,
            "fileUrl": storage.public_url(asset.storage_key),
            "mediaId": asset.pk,
            "expiresAt": timezone.localtime(asset.upload_expires_at),
        }
        return Response(UploadUrlResponseSerializer(answer).data, status=201)


class FromUrlView(APIView):
    required_scope = Scope.MEDIA

    @extend_schema(
        request=FromUrlRequestSerializer,
        responses={202: FromUrlResponseSerializer},
        tags=["media"],
    )
    def post(self, request: Request) -> Response:
        body = FromUrlRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        asset = services.media_from_url_create(
            workspace=api_context(request).workspace, url=body.validated_data["url"]
        )
        answer = {"job_id": asset.pk, "media_id": asset.pk}
        return Response(FromUrlResponseSerializer(answer).data, status=202)


@csrf_exempt
def signed_upload(request: HttpRequest, token: str) -> HttpResponse:
    """PUT target of a local signed upload URL (the S3 presigned URL's counterpart): the
    token is the credential, so no API key is needed. Outside /api/v1 for that reason."""
    if request.method != "PUT":
        return error_response(
            [f"Method {request.method} not allowed: PUT the file."], 405, Allow="PUT"
        )
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0) or None
    except ValueError:
        return error_response(["Content-Length header is not a number."], 400)
    try:
        asset = services.media_receive_upload(token=token, body=request, length=length)
    except exceptions.APIException as exc:
        return error_response([str(exc.detail)], exc.status_code)
    except UnreadablePostError:
        return error_response(["The upload was interrupted; send it again."], 400)
    return JsonResponse({"mediaId": asset.pk})


@require_safe
def local_file(request: HttpRequest, key: str) -> HttpResponse | FileResponse:
    """Serves stored media when storage is the local filesystem (the embedded default), so
    `fileUrl` works; with S3 the bucket or CRIER_PUBLIC_MEDIA_URL serves them."""
    media = storage.media_storage()
    if not isinstance(media, FileSystemStorage):
        raise Http404("Media is not served by Crier with this storage.")
    return serve(request, key, document_root=str(media.location))
