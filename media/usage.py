"""Which posts still need an asset. The posts app owns the links (`posts.PostMedia` for a
post's own media, `posts.ThreadItemMedia` for its follow-ups'; DESIGN: media knows nothing
of posts), so this reads their rows through the app registry, by name, in this one place,
instead of importing them. Each question is a join on a link's asset index."""

from __future__ import annotations

from django.apps import apps
from django.db.models import Q

from media.models import MediaAsset


def posts_using(asset: MediaAsset) -> dict[str, list[str]]:
    """Post id → delivery states, for posts that link the asset (as their own media or a
    follow-up's) and still have a delivery that is not cancelled (drafts and published
    posts included)."""
    if not apps.is_installed("posts"):
        return {}
    delivery = apps.get_model("posts", "Delivery")
    rows = (
        delivery.objects.filter(
            Q(post__media_links__asset=asset) | Q(post__thread_media_links__asset=asset)
        )
        .exclude(status="cancelled")
        .values_list("post_id", "status")
        .distinct()
    )
    using: dict[str, list[str]] = {}
    for post_id, status in rows:
        using.setdefault(post_id, []).append(status)
    return {post_id: sorted(states) for post_id, states in using.items()}


def links_release(asset: MediaAsset) -> int:
    """Take the asset off the posts that no longer need it (every delivery cancelled, or
    none), so it can be deleted; returns how many links went. Call it once `posts_using`
    found nothing, with the asset locked."""
    if not apps.is_installed("posts"):
        return 0
    deleted = 0
    for link in ("PostMedia", "ThreadItemMedia"):
        count, _ = apps.get_model("posts", link).objects.filter(asset=asset).delete()
        deleted += count
    return deleted
