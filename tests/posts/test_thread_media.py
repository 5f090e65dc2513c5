"""Media on thread follow-ups (`thread_media`, posts.ThreadItemMedia): checked as the
post's own, with the platform's limits for replies, and kept while used."""

from __future__ import annotations

import pytest

from media.models import MediaAsset
from media.usage import posts_using
from posts import services
from posts.models import Job, Post, ThreadItemMedia

pytestmark = pytest.mark.django_db

DRAFTS = "/api/v1/posts/schedule"


def picture(workspace, name: str = "a") -> MediaAsset:
    return MediaAsset.objects.create(
        workspace=workspace,
        status=MediaAsset.Status.READY,
        kind=MediaAsset.Kind.IMAGE,
        mime_type="image/png",
        size=1000,
        storage_key=f"{workspace.pk}/{name}.png",
    )


def draft(caller, account, block: dict, thread_media: list):
    item = {
        "networks": {"sandbox": block},
        "accounts": [{"id": account.pk}],
        "thread_media": thread_media,
    }
    return caller.client.post(DRAFTS, {"bulk": {"state": "draft", "posts": [item]}}, format="json")


def failures(caller, response) -> dict:
    assert response.status_code == 202, response.content
    job_id = response.json()["job_id"]
    services.job_run(job_id=job_id)  # what the job's task does
    return caller.client.get(f"/api/v1/job_status/{job_id}").json()["payload"]["failures"]


def test_thread_media_cannot_name_more_items_than_the_thread_has(owner, account):
    response = draft(owner, account, {"text": "a", "thread": ["b"]}, [[], []])

    assert response.status_code == 400
    assert (
        "bulk.posts[0].thread_media: has more lists than the thread has items (1)."
        in response.json()["errors"]
    )
    assert not Job.objects.exists()


def test_a_follow_up_media_of_another_workspace_is_not_found(owner, account, outsider):
    theirs = picture(outsider.workspace)

    found = failures(
        owner, draft(owner, account, {"text": "a", "thread": ["b"]}, [[{"id": theirs.pk}]])
    )

    assert found == {"0": {account.pk: [f"Media not found: {theirs.pk}."]}}
    assert not Post.objects.exists()
    assert not ThreadItemMedia.objects.exists()


def test_a_follow_up_media_is_checked_against_the_platform_limits(owner, account):
    five = [{"id": picture(owner.workspace, str(n)).pk} for n in range(5)]

    found = failures(owner, draft(owner, account, {"text": "a", "thread": ["b"]}, [five]))

    assert found == {"0": {account.pk: ["thread[0]: 5 images; Sandbox allows 4."]}}


def test_follow_up_media_are_rows_that_keep_the_asset_in_use(owner, account):
    used, other = picture(owner.workspace, "u"), picture(owner.workspace, "o")
    refs = [[], [{"id": used.pk, "alt": "B"}, {"id": other.pk}]]

    assert failures(owner, draft(owner, account, {"text": "a", "thread": ["b", "c"]}, refs)) == {}

    post = Post.objects.get()
    rows = ThreadItemMedia.objects.filter(post=post).values_list("item", "position", "asset", "alt")
    assert list(rows) == [(2, 0, used.pk, "B"), (2, 1, other.pk, "")]
    assert posts_using(used) == {post.pk: ["draft"]}
    assert owner.client.delete(f"/api/v1/media/{used.pk}").status_code == 409
    assert MediaAsset.objects.filter(pk=used.pk).exists()


def test_an_edit_that_drops_a_follow_up_with_media_is_refused(owner, account):
    used = picture(owner.workspace)
    assert (
        failures(owner, draft(owner, account, {"text": "a", "thread": ["b"]}, [[{"id": used.pk}]]))
        == {}
    )
    post = Post.objects.get()

    edited = owner.client.patch(
        f"/api/v1/posts/{post.pk}", {"networks": {"sandbox": {"text": "a"}}}, format="json"
    )

    assert edited.status_code == 400, edited.content
    assert "thread[0]: has media but the thread has no such item." in str(edited.json())
    post.refresh_from_db()
    assert post.block_for("sandbox")["thread"] == ["b"]


def stored_draft(owner, account, thread: list[str], thread_media: list) -> Post:
    block = {"text": "a", "thread": thread}
    assert failures(owner, draft(owner, account, block, thread_media)) == {}
    return Post.objects.get()


def test_a_post_reads_back_its_follow_ups_media(owner, account):
    used, other = picture(owner.workspace, "u"), picture(owner.workspace, "o")
    post = stored_draft(
        owner, account, ["b", "c"], [[], [{"id": used.pk, "alt": "B"}, {"id": other.pk}]]
    )
    expected = [[], [{"id": used.pk, "alt": "B"}, {"id": other.pk, "alt": ""}]]

    read = owner.client.get(f"/api/v1/posts/{post.pk}")
    listed = owner.client.get("/api/v1/posts")

    assert read.status_code == 200, read.content
    assert read.json()["thread_media"] == expected
    assert [row["thread_media"] for row in listed.json()["results"]] == [expected]


def test_a_post_without_follow_up_media_reads_an_empty_list(owner, account):
    post = stored_draft(owner, account, ["b"], [])

    assert owner.client.get(f"/api/v1/posts/{post.pk}").json()["thread_media"] == []


def test_an_edit_replaces_the_follow_ups_media(owner, account):
    before, after = picture(owner.workspace, "before"), picture(owner.workspace, "after")
    post = stored_draft(owner, account, ["b", "c"], [[{"id": before.pk}]])

    edited = owner.client.patch(
        f"/api/v1/posts/{post.pk}",
        {"thread_media": [[], [{"id": after.pk, "alt": "C"}]]},
        format="json",
    )

    assert edited.status_code == 200, edited.content
    assert edited.json()["thread_media"] == [[], [{"id": after.pk, "alt": "C"}]]
    rows = ThreadItemMedia.objects.filter(post=post).values_list("item", "position", "asset", "alt")
    assert list(rows) == [(2, 0, after.pk, "C")]
    assert posts_using(before) == {}
    assert owner.client.delete(f"/api/v1/media/{before.pk}").status_code == 204


def test_an_edit_can_take_every_follow_up_media_away(owner, account):
    used = picture(owner.workspace)
    post = stored_draft(owner, account, ["b"], [[{"id": used.pk}]])

    edited = owner.client.patch(f"/api/v1/posts/{post.pk}", {"thread_media": []}, format="json")

    assert edited.status_code == 200, edited.content
    assert not ThreadItemMedia.objects.exists()
    assert edited.json()["thread_media"] == []


def test_an_edit_naming_more_media_lists_than_thread_items_changes_nothing(owner, account):
    used = picture(owner.workspace)
    post = stored_draft(owner, account, ["b"], [[{"id": used.pk}]])

    edited = owner.client.patch(
        f"/api/v1/posts/{post.pk}", {"thread_media": [[], [{"id": used.pk}]]}, format="json"
    )

    assert edited.status_code == 400, edited.content
    assert "has more lists than the thread has items (1)." in str(edited.json())
    assert list(ThreadItemMedia.objects.values_list("item", "asset")) == [(1, used.pk)]


def test_an_edit_naming_another_workspaces_media_changes_nothing(owner, account, outsider):
    used, theirs = picture(owner.workspace), picture(outsider.workspace, "theirs")
    post = stored_draft(owner, account, ["b"], [[{"id": used.pk}]])

    edited = owner.client.patch(
        f"/api/v1/posts/{post.pk}", {"thread_media": [[{"id": theirs.pk}]]}, format="json"
    )

    assert edited.status_code == 400, edited.content
    assert f"Media not found: {theirs.pk}." in str(edited.json())
    assert list(ThreadItemMedia.objects.values_list("item", "asset")) == [(1, used.pk)]


def test_an_edit_checks_follow_up_media_against_the_platform_limits(owner, account):
    post = stored_draft(owner, account, ["b"], [])
    five = [{"id": picture(owner.workspace, str(n)).pk} for n in range(5)]

    edited = owner.client.patch(f"/api/v1/posts/{post.pk}", {"thread_media": [five]}, format="json")

    assert edited.status_code == 400, edited.content
    assert "thread[0]: 5 images; Sandbox allows 4." in str(edited.json())
    assert not ThreadItemMedia.objects.exists()
