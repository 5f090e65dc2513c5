"""Reads of the media app, always scoped to a workspace."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import Workspace
from connectors.base import MediaItem
from media import storage
from media.models import MediaAsset
from media.renditions import plans_for

Status = MediaAsset.Status


def media_list(*, workspace: Workspace, status: str | None = None) -> QuerySet[MediaAsset]:
    assets = MediaAsset.objects.filter(workspace=workspace).order_by("-created_at", "-pk")
    return assets.filter(status=status) if status else assets


def media_get(*, workspace: Workspace, media_id: str) -> MediaAsset:
    """The asset, or 404: another workspace's media does not exist for this caller."""
    return get_object_or_404(MediaAsset, workspace=workspace, pk=media_id)


@dataclass(frozen=True, slots=True)
class MediaFacts:
    """What a post needs to know about one asset, as plain data (connectors' MediaItem).

    `alternatives` are the same picture in other formats (a JPEG copy of a WebP); while
    one is still being made its `url` is empty.
    """

    id: str
    status: str
    error: str
    fetching: bool
    original: MediaItem | None
    alternatives: tuple[MediaItem, ...] = ()

    @property
    def problem(self) -> str | None:
        """Why a post cannot use this asset now, or None."""
        if self.status in (Status.READY, Status.PROCESSING):
            return None
        if self.status == Status.FAILED:
            return f"Media {self.id} failed: {self.error}"
        if self.fetching:
            return f"Media {self.id} is still being fetched from its URL."
        return (
            f"Media {self.id} has not been uploaded: PUT the file to its upload URL, "
            f"then POST /api/v1/media/{self.id}/complete."
        )


def media_facts(*, workspace_id: str, ids: Iterable[str]) -> dict[str, MediaFacts]:
    """Facts of the listed assets of one workspace, by id; ids of others are absent."""
    assets = MediaAsset.objects.filter(workspace_id=workspace_id, pk__in=set(ids))
    return {asset.pk: facts_of(asset) for asset in assets}


def facts_of(asset: MediaAsset) -> MediaFacts:
    usable = asset.status in (Status.READY, Status.PROCESSING)
    made = {rendition["name"]: rendition for rendition in asset.renditions}
    alternatives = []
    if usable:
        for plan in plans_for(asset.mime_type):
            if plan.alternative:
                rendition = made.get(plan.name, {})
                alternatives.append(
                    MediaItem(
                        url=storage.public_url(rendition["key"]) if rendition else "",
                        mime_type=plan.mime_type,
                        size=rendition.get("size"),
                        width=rendition.get("width", asset.width),
                        height=rendition.get("height", asset.height),
                    )
                )
    return MediaFacts(
        id=asset.pk,
        status=asset.status,
        error=asset.error,
        fetching=bool(asset.source_url),
        original=_item(asset) if usable else None,
        alternatives=tuple(alternatives),
    )


def _item(asset: MediaAsset) -> MediaItem:
    return MediaItem(
        url=storage.public_url(asset.storage_key),
        mime_type=asset.mime_type,
        size=asset.size,
        width=asset.width,
        height=asset.height,
        duration=asset.duration,
        fps=asset.fps,
    )
