"""Every post's `media` list (`[{id, alt}]`) becomes PostMedia rows, in order; and back.

An entry the relation cannot hold is left out and logged (post, position, id): an asset
that no longer exists (deleted while only cancelled posts named it) or that belongs to
another workspace (written before the checks that keep foreign ids out), or an entry
without an id. Such a post could never have been sent with it (`media_gone`), and a row
pointing nowhere is what the foreign key exists to rule out. The kept entries keep their
order, numbered from 0.
"""

import logging

from django.db import migrations

logger = logging.getLogger("posts.migrations")
BATCH = 500


def lists_to_rows(apps, schema_editor):
    Post = apps.get_model("posts", "Post")
    PostMedia = apps.get_model("posts", "PostMedia")
    MediaAsset = apps.get_model("media", "MediaAsset")
    posts = Post.objects.only("id", "workspace_id", "media").order_by("pk")
    batch = []
    for post in posts.iterator(chunk_size=BATCH):
        if post.media:
            batch.append(post)
        if len(batch) == BATCH:
            _store(batch, PostMedia, MediaAsset)
            batch = []
    _store(batch, PostMedia, MediaAsset)


def _store(posts, PostMedia, MediaAsset):
    named = {ref.get("id") for post in posts for ref in post.media if isinstance(ref, dict)}
    owners = dict(
        MediaAsset.objects.filter(pk__in=named - {None}).values_list("pk", "workspace_id")
    )
    rows = []
    for post in posts:
        position = 0
        for index, ref in enumerate(post.media):
            media_id = ref.get("id") if isinstance(ref, dict) else None
            if media_id is None or owners.get(media_id) != post.workspace_id:
                logger.warning(
                    "post %s: media entry %d (%r) names no asset of its workspace; left out",
                    post.pk,
                    index,
                    media_id if media_id is not None else ref,
                )
                continue
            alt = ref.get("alt") or ""
            rows.append(PostMedia(post=post, asset_id=media_id, position=position, alt=alt))
            position += 1
    PostMedia.objects.bulk_create(rows, batch_size=BATCH)


def rows_to_lists(apps, schema_editor):
    Post = apps.get_model("posts", "Post")
    PostMedia = apps.get_model("posts", "PostMedia")
    lists: dict[str, list[dict]] = {}
    links = PostMedia.objects.order_by("post_id", "position").values_list(
        "post_id", "asset_id", "alt"
    )
    for post_id, asset_id, alt in links.iterator(chunk_size=BATCH):
        lists.setdefault(post_id, []).append({"id": asset_id, "alt": alt})
    posts = [Post(pk=post_id, media=media) for post_id, media in lists.items()]
    Post.objects.bulk_update(posts, ["media"], batch_size=BATCH)
    # The table is left as 0009 made it, so migrating forward again moves each list once.
    PostMedia.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("media", "0002_completing_until"),
        ("posts", "0009_postmedia"),
    ]

    operations = [migrations.RunPython(lists_to_rows, rows_to_lists)]
