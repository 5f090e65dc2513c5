from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.timestamps import TimestampModelSerializer
from media import storage
from media.models import MediaAsset


class RenditionSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="`jpeg` (copy of a WebP) or `poster` (video frame).")
    url = serializers.SerializerMethodField()
    mime_type = serializers.CharField()
    size = serializers.IntegerField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()

    def get_url(self, rendition: dict) -> str:
        return storage.public_url(rendition["key"])


class MediaSerializer(TimestampModelSerializer):
    type = serializers.CharField(source="kind", help_text="image or video")
    url = serializers.SerializerMethodField(help_text="Where platforms fetch the file.")
    renditions = RenditionSerializer(many=True)

    class Meta:
        model = MediaAsset
        fields = [
            "id",
            "status",
            "error",
            "type",
            "mime_type",
            "file_name",
            "original_file_name",
            "size",
            "sha256",
            "width",
            "height",
            "aspect_ratio",
            "duration",
            "fps",
            "codec",
            "bit_rate",
            "url",
            "renditions",
            "source_url",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {
            "file_name": {"source": "filename"},
            "original_file_name": {"source": "original_filename"},
        }

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_url(self, asset: MediaAsset) -> str | None:
        if asset.status in (MediaAsset.Status.READY, MediaAsset.Status.PROCESSING):
            return storage.public_url(asset.storage_key)
        return None


class MediaFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=MediaAsset.Status.choices, required=False)


class UploadFormSerializer(serializers.Serializer):
    """The multipart form of POST /media (documentation and field check)."""

    file = serializers.FileField(help_text="The image or video; its bytes decide its type.")


class UploadUrlRequestSerializer(serializers.Serializer):
    """camelCase, as in the Publora and PostPost APIs this endpoint follows."""

    fileName = serializers.CharField(max_length=1000)
    contentType = serializers.CharField(max_length=100)
    type = serializers.ChoiceField(choices=MediaAsset.Kind.choices, required=False)


class UploadUrlResponseSerializer(serializers.Serializer):
    uploadUrl = serializers.URLField(help_text="PUT the bytes here, with the declared type.")
    fileUrl = serializers.URLField(help_text="Where the file will be served once complete.")
    mediaId = serializers.CharField()
    expiresAt = serializers.DateTimeField()


class FromUrlRequestSerializer(serializers.Serializer):
    url = serializers.URLField(max_length=2000)


class FromUrlResponseSerializer(serializers.Serializer):
    job_id = serializers.CharField(help_text="The media id: poll GET /api/v1/media/{job_id}.")
    media_id = serializers.CharField()
