"""Which posts still need an asset. The posts app owns the link (DESIGN: media knows
nothing of posts), so this reads its rows through the app registry, by name, in this one
place, instead of importing it."""

from __future__ import annotations

from django.apps import apps

from media.models import MediaAsset


def posts_using(asset: MediaAsset) -> dict[str, list[str]]:
    """Post id → delivery states, for posts of the asset's workspace that name it and still
    have a delivery that is not cancelled (drafts and published posts included)."""
    if not apps.is_installed("posts"):
        return {}
    delivery = apps.get_model("posts", "Delivery")
    rows = (
        delivery.objects.filter(
            post__workspace_id=asset.workspace_id,
            # Post.media is [{"id", "alt"}]; ids have a fixed length, so the quoted id
            # cannot match inside another one. Works on SQLite and PostgreSQL alike.
            post__media__icontains=f'"{asset.pk}"',
        )
        .exclude(status="cancelled")
        .values_list("post_id", "status")
        .distinct()
    )
    using: dict[str, list[str]] = {}
    for post_id, status in rows:
        using.setdefault(post_id, []).append(status)
    return {post_id: sorted(states) for post_id, states in using.items()}
