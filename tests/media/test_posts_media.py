"""Posts that use media: ids resolve within the caller's workspace, platform limits apply
per account, publishing sends the media's URL, and used media cannot be deleted."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta

import pytest
from django.core.files.storage import FileSystemStorage
from django.utils import timezone

from connectors.base import Content
from connectors.sandbox import SandboxConnector
from connectors.simulator import SimulatorServer
from connectors.tiktok import TikTokConnector
from media.models import MediaAsset, StorageDeletion
from media.selectors import facts_of
from media.services import media_sweep
from posts import content
from posts.models import Post, PostMedia
from tests.factories import SocialAccountFactory
from tests.media.conftest import MEDIA, ask, put, stored_files

SCHEDULE = "/api/v1/posts/schedule"
PUBLISH_NOW = "/api/v1/posts/schedule/publish"


@pytest.fixture
def simulator() -> Iterator[SimulatorServer]:
    with SimulatorServer() as server:
        yield server


@pytest.fixture
def live_account(workspace, simulator):
    return SocialAccountFactory(
        workspace=workspace,
        credentials={"access_token": "sim-access", "extra": {"base_url": simulator.url}},
    )


def schedule(caller, run_after_commit, account_id: str, media: list[dict], url=SCHEDULE) -> dict:
    """Schedule one post and return its job's status once the worker expanded it."""
    when = (timezone.now() + timedelta(hours=2)).replace(microsecond=0).isoformat()
    item = {
        "networks": {"default": {"type": "photo", "text": "With media"}},
        "accounts": [{"id": account_id, "scheduled_at": when}],
        "media": media,
    }
    response = run_after_commit(
        lambda: caller.client.post(url, {"bulk": {"posts": [item]}}, format="json")
    )
    assert response.status_code == 202, response.content
    return caller.client.get(f"/api/v1/job_status/{response.json()['job_id']}").json()


def test_a_post_with_ready_media_of_its_workspace_is_scheduled(
    editor, account, samples, upload, run_after_commit
):
    media_id = upload(editor, samples["png"]).json()["id"]

    status = schedule(editor, run_after_commit, account.pk, [{"id": media_id, "alt": "A logo"}])

    assert status["status"] == "completed"
    assert status["payload"]["failures"] == {}
    assert Post.objects.get().media == [{"id": media_id, "alt": "A logo"}]


def test_media_of_another_workspace_is_not_found_for_the_post(
    editor, outsider, account, samples, upload, run_after_commit
):
    foreign = upload(outsider, samples["png"]).json()["id"]

    status = schedule(editor, run_after_commit, account.pk, [{"id": foreign}])

    assert status["payload"]["failures"] == {"0": {account.pk: [f"Media not found: {foreign}."]}}
    assert not Post.objects.exists()


def test_scheduling_completes_a_signed_upload_that_was_put_but_not_completed(
    editor, account, samples, run_after_commit
):
    ticket = ask(editor, samples["jpeg"])
    put(ticket["uploadUrl"], samples["jpeg"].data, "image/jpeg")

    status = schedule(editor, run_after_commit, account.pk, [{"id": ticket["mediaId"]}])

    assert status["payload"]["failures"] == {}
    assert MediaAsset.objects.get(pk=ticket["mediaId"]).status == "ready"


def test_media_never_uploaded_fails_the_post_per_account_with_the_next_step(
    editor, account, samples, run_after_commit
):
    media_id = ask(editor, samples["jpeg"])["mediaId"]

    status = schedule(editor, run_after_commit, account.pk, [{"id": media_id}])

    assert status["payload"]["failures"] == {
        "0": {
            account.pk: [
                f"Media {media_id} has not been uploaded: PUT the file to its upload URL, "
                f"then POST /api/v1/media/{media_id}/complete."
            ]
        }
    }


def test_a_platform_needing_23_fps_refuses_a_15_fps_video_in_the_job_payload(
    editor, account, samples, upload, run_after_commit, monkeypatch
):
    # The sandbox takes any frame rate; give it TikTok's minimum for this test.
    monkeypatch.setattr(SandboxConnector, "limits", replace(SandboxConnector.limits, min_fps=23))
    slow = upload(editor, samples["mp4_15"]).json()["id"]
    smooth = upload(editor, samples["mp4_30"]).json()["id"]

    refused = schedule(editor, run_after_commit, account.pk, [{"id": slow}])
    accepted = schedule(editor, run_after_commit, account.pk, [{"id": smooth}])

    assert refused["payload"]["failures"] == {
        "0": {account.pk: ["Video is 15 fps; Sandbox needs at least 23."]}
    }
    assert accepted["payload"]["failures"] == {}


def test_tiktok_refuses_the_probed_15_fps_and_takes_30_fps(editor, samples, upload):
    def problems(sample: str) -> list[str]:
        asset = MediaAsset.objects.get(pk=upload(editor, samples[sample]).json()["id"])
        post = Content(text="", idempotency_key="k", media=(facts_of(asset).original,))
        with TikTokConnector() as tiktok:
            return [problem.code for problem in tiktok.validate(post)]

    assert "frame_rate_too_low" in problems("mp4_15")
    assert "frame_rate_too_low" not in problems("mp4_30")


def test_a_platform_refusing_webp_is_given_the_jpeg_copy(editor, samples, upload):
    media_id = upload(editor, samples["webp"]).json()["id"]
    linkedin = SocialAccountFactory(workspace=editor.workspace, platform="linkedin")
    post = Post.objects.create(workspace=editor.workspace, networks={"default": {"text": "Art"}})
    PostMedia.objects.create(post=post, asset_id=media_id, position=0, alt="Red")

    for_linkedin = content.build_content(post, linkedin, "k").media
    for_sandbox = content.build_content(post, SocialAccountFactory(), "k").media

    assert [(m.mime_type, m.alt_text) for m in for_linkedin] == [("image/jpeg", "Red")]
    assert for_linkedin[0].url.endswith("-jpeg.jpg")
    assert [m.mime_type for m in for_sandbox] == ["image/webp"]


def test_publishing_sends_the_media_url_and_alt_text_to_the_platform(
    editor, live_account, simulator, samples, upload, run_after_commit
):
    body = upload(editor, samples["jpeg"]).json()

    status = schedule(
        editor, run_after_commit, live_account.pk, [{"id": body["id"], "alt": "Photo"}], PUBLISH_NOW
    )

    assert status["status"] == "completed", status
    [entry] = simulator.simulator.feed(None)
    assert entry["media"] == [{"url": body["url"], "alt_text": "Photo"}]


def test_media_used_by_a_post_cannot_be_deleted_until_the_post_is(
    editor, account, samples, upload, run_after_commit, media_root
):
    media_id = upload(editor, samples["png"]).json()["id"]
    schedule(editor, run_after_commit, account.pk, [{"id": media_id}])
    post = Post.objects.get()

    refused = editor.client.delete(f"{MEDIA}/{media_id}")

    assert refused.status_code == 409
    assert refused.json() == {
        "errors": [
            f"Media {media_id} is used by posts: {post.pk} (scheduled). "
            "Delete those posts, or remove the media from them, first."
        ]
    }
    assert editor.client.delete(f"/api/v1/posts/{post.pk}").status_code in (200, 204)
    deleted = run_after_commit(lambda: editor.client.delete(f"{MEDIA}/{media_id}"))
    assert deleted.status_code == 204
    assert stored_files(media_root) == []


def test_deleting_while_storage_is_down_leaves_no_orphan_after_the_sweep(
    editor, samples, upload, run_after_commit, media_root, monkeypatch
):
    media_id = upload(editor, samples["webp"]).json()["id"]

    def storage_down(self, name: str) -> None:
        raise OSError("storage unreachable")

    with monkeypatch.context() as patch:
        patch.setattr(FileSystemStorage, "delete", storage_down)
        response = run_after_commit(lambda: editor.client.delete(f"{MEDIA}/{media_id}"))
        assert media_sweep()["objects_deleted"] == 0

    assert response.status_code == 204
    assert editor.client.get(f"{MEDIA}/{media_id}").status_code == 404
    assert len(stored_files(media_root)) == 2  # still there, and still owed a deletion
    assert StorageDeletion.objects.filter(attempts__gte=2).count() == 2

    counts = media_sweep()

    assert counts["objects_deleted"] == 2
    assert stored_files(media_root) == []
    assert not StorageDeletion.objects.exists()
