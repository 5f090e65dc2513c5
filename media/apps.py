from __future__ import annotations

from django.apps import AppConfig


class MediaConfig(AppConfig):
    name = "media"
    verbose_name = "Media"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_delete

        from media.models import MediaAsset
        from media.services import asset_deleted

        post_delete.connect(asset_deleted, sender=MediaAsset, dispatch_uid="media-asset-deleted")
