from __future__ import annotations

from django.contrib import admin

from media.models import MediaAsset, StorageDeletion


@admin.register(MediaAsset)
class MediaAssetAdmin(admin.ModelAdmin):
    list_display = ["id", "workspace", "status", "kind", "mime_type", "size", "created_at"]
    list_filter = ["status", "kind", "mime_type"]
    search_fields = ["id", "filename", "sha256", "source_url"]
    date_hierarchy = "created_at"
    readonly_fields = [field.name for field in MediaAsset._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False  # media arrives through the API, where its bytes are checked

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # DELETE /api/v1/media/{id} knows which posts still need it


@admin.register(StorageDeletion)
class StorageDeletionAdmin(admin.ModelAdmin):
    list_display = ["key", "attempts", "keep_until", "created_at"]
    readonly_fields = ["key", "attempts", "last_error", "keep_until", "created_at"]
    search_fields = ["key"]

    def has_add_permission(self, request) -> bool:
        return False
