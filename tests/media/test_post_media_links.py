"""A post's media are rows (posts.PostMedia): their order, what deleting an asset does, and
"which posts use this asset" as a join, never a text search."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.db.models import ProtectedError
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from media import storage
from media.models import MediaAsset
from media.services import media_sweep
from posts import content
from posts.models import Post, PostMedia, ThreadItemMedia
from tests.media.conftest import MEDIA, ask, put
from tests.media.test_posts_media import schedule

pytestmark = pytest.mark.django_db


@pytest.fixture
def three(editor, samples, upload) -> list[str]:
    return [upload(editor, samples[name]).json()["id"] for name in ("png", "jpeg", "webp")]


def test_a_posts_media_keep_their_order_and_alt_through_the_api_an_edit_and_publishing(
    editor, account, three, run_after_commit
):
    png, jpeg, webp = three
    refs = [{"id": webp, "alt": "third"}, {"id": png, "alt": ""}, {"id": jpeg, "alt": "x"}]
    schedule(editor, run_after_commit, account.pk, refs)
    post = Post.objects.get()

    shown = editor.client.get(f"/api/v1/posts/{post.pk}").json()
    edited = editor.client.patch(
        f"/api/v1/posts/{post.pk}",
        {"media": [{"id": jpeg, "alt": "first now"}, {"id": webp}]},
        format="json",
    )

    assert shown["media"] == refs
    assert edited.status_code == 200, edited.content
    assert edited.json()["media"] == [{"id": jpeg, "alt": "first now"}, {"id": webp, "alt": ""}]
    rows = PostMedia.objects.filter(post=post).values_list("position", "asset_id", "alt")
    assert list(rows) == [(0, jpeg, "first now"), (1, webp, "")]
    sent = content.content_for(post.deliveries.get()).media
    assets = MediaAsset.objects.in_bulk([jpeg, webp])
    assert [(item.url, item.alt_text) for item in sent] == [
        (storage.public_url(assets[jpeg].storage_key), "first now"),
        (storage.public_url(assets[webp].storage_key), None),
    ]


def test_the_post_list_reads_every_posts_media_in_one_query(
    editor, account, three, run_after_commit
):
    for media_id in three:
        schedule(editor, run_after_commit, account.pk, [{"id": media_id}, {"id": three[0]}])

    with CaptureQueriesContext(connection) as captured:
        listed = editor.client.get("/api/v1/posts")

    assert listed.status_code == 200
    assert sorted(post["media"][0]["id"] for post in listed.json()["results"]) == sorted(three)
    assert all(post["media"][1]["id"] == three[0] for post in listed.json()["results"])
    links = [q["sql"] for q in captured.captured_queries if "posts_postmedia" in q["sql"]]
    assert len(links) == 1


def test_an_asset_a_post_links_cannot_be_deleted_even_bypassing_the_api(
    editor, account, three, run_after_commit
):
    schedule(editor, run_after_commit, account.pk, [{"id": three[0]}])
    asset = MediaAsset.objects.get(pk=three[0])

    refused = editor.client.delete(f"{MEDIA}/{asset.pk}")
    with pytest.raises(ProtectedError):
        asset.delete()

    assert refused.status_code == 409
    assert MediaAsset.objects.filter(pk=asset.pk).exists()
    assert Post.objects.get().media == [{"id": asset.pk, "alt": ""}]


def test_deleting_an_asset_only_deleted_posts_name_takes_it_off_them(
    editor, account, three, run_after_commit, media_root
):
    schedule(editor, run_after_commit, account.pk, [{"id": three[1]}, {"id": three[0]}])
    post = Post.objects.get()
    assert editor.client.delete(f"/api/v1/posts/{post.pk}").status_code == 200  # cancelled

    deleted = run_after_commit(lambda: editor.client.delete(f"{MEDIA}/{three[0]}"))

    assert deleted.status_code == 204
    assert Post.objects.get().media == [{"id": three[1], "alt": ""}]
    assert set(MediaAsset.objects.values_list("pk", flat=True)) == {three[1], three[2]}


def test_the_sweep_asks_which_posts_use_an_upload_by_a_join_not_a_text_search(
    editor, account, three, samples, run_after_commit
):
    schedule(editor, run_after_commit, account.pk, [{"id": three[0]}])
    named = ask(editor, samples["png"])
    put(named["uploadUrl"], samples["png"].data)  # a Publora client never says complete
    unnamed = ask(editor, samples["jpeg"])
    # Attached to the scheduled post, as Publora's upload URL with a postGroupId does.
    PostMedia.objects.create(post=Post.objects.get(), asset_id=named["mediaId"], position=1)

    with (
        time_machine.travel(timezone.now() + timedelta(hours=1)),
        CaptureQueriesContext(connection) as captured,
    ):
        counts = media_sweep()

    assert counts["expired"] == 1
    assert MediaAsset.objects.get(pk=named["mediaId"]).status == "ready"  # checked, kept
    assert MediaAsset.objects.get(pk=unnamed["mediaId"]).status == "failed"
    usage = [q["sql"] for q in captured.captured_queries if "posts_postmedia" in q["sql"]]
    assert len(usage) == 2  # one per expired upload
    assert not any("LIKE" in sql.upper() for sql in usage)
    assert all('"posts_postmedia"."asset_id" =' in sql for sql in usage)


def test_the_sweep_keeps_an_upload_only_a_follow_up_uses_by_the_same_join(
    editor, account, three, samples, run_after_commit
):
    schedule(editor, run_after_commit, account.pk, [{"id": three[0]}])
    post = Post.objects.get()
    post.networks["default"]["thread"] = ["a follow-up"]
    post.save()
    named = ask(editor, samples["png"])
    put(named["uploadUrl"], samples["png"].data)  # a Publora client never says complete
    ThreadItemMedia.objects.create(post=post, item=1, position=0, asset_id=named["mediaId"])

    with (
        time_machine.travel(timezone.now() + timedelta(hours=1)),
        CaptureQueriesContext(connection) as captured,
    ):
        counts = media_sweep()

    assert counts["expired"] == 0
    assert MediaAsset.objects.get(pk=named["mediaId"]).status == "ready"  # checked, kept
    usage = [q["sql"] for q in captured.captured_queries if "posts_threaditemmedia" in q["sql"]]
    assert len(usage) == 1
    assert not any("LIKE" in sql.upper() for sql in usage)
    assert '"posts_threaditemmedia"."asset_id" =' in usage[0]


def test_deleting_an_asset_only_a_deleted_posts_follow_up_names_takes_it_off(
    editor, account, three, run_after_commit, media_root
):
    schedule(editor, run_after_commit, account.pk, [{"id": three[1]}])
    post = Post.objects.get()
    ThreadItemMedia.objects.create(post=post, item=1, position=0, asset_id=three[0])
    assert editor.client.delete(f"{MEDIA}/{three[0]}").status_code == 409  # still used
    assert editor.client.delete(f"/api/v1/posts/{post.pk}").status_code == 200  # cancelled

    deleted = run_after_commit(lambda: editor.client.delete(f"{MEDIA}/{three[0]}"))

    assert deleted.status_code == 204
    assert not ThreadItemMedia.objects.exists()
    assert not MediaAsset.objects.filter(pk=three[0]).exists()
