"""POST /api/v1/posts/validate: what /posts/schedule would do, per post and account."""

from __future__ import annotations

import pytest

from accounts.models import AccountStatus
from tests.factories import SocialAccountFactory
from tests.planning.conftest import local, queue_body
from tests.posts.conftest import bulk, future, post_item, stored

pytestmark = pytest.mark.django_db

VALIDATE = "/api/v1/posts/validate"


def test_a_valid_body_passes_and_nothing_is_stored(editor, account):
    before = stored()

    response = editor.client.post(
        VALIDATE, bulk(post_item(account.pk, when=future())), format="json"
    )

    assert response.status_code == 200
    body = response.json()
    assert body["valid"] is True
    assert body["errors"] == []
    assert body["needs_approval"] is False
    (post,) = body["posts"]
    assert post["ok"] is True
    assert post["accounts"][0]["state"] == "scheduled"
    assert post["accounts"][0]["problems"] == []
    assert stored() == before


def test_each_post_and_account_says_what_would_fail(editor, account, workspace):
    broken = SocialAccountFactory(workspace=workspace, status=AccountStatus.NEEDS_REAUTH)
    long_text = "x" * 5000
    body = bulk(
        post_item(account.pk, broken.pk, "acc_unknown", when=future()),
        post_item(account.pk, when=future(), text=long_text),
    )
    before = stored()

    response = editor.client.post(VALIDATE, body, format="json")

    assert response.status_code == 200
    result = response.json()
    assert result["valid"] is False
    first, second = result["posts"]
    assert [(a["account_id"], a["ok"]) for a in first["accounts"]] == [
        (account.pk, True),
        (broken.pk, False),
        ("acc_unknown", False),
    ]
    assert first["accounts"][1]["problems"] == [
        f"Account {broken.pk} is needs_reauth: reconnect it first."
    ]
    assert first["accounts"][2]["problems"] == [
        "Account acc_unknown is not connected to this workspace."
    ]
    assert second["ok"] is False
    assert "characters" in second["accounts"][0]["problems"][0]
    assert stored() == before


def test_each_account_is_checked_against_its_own_servers_limits(editor, workspace):
    def mastodon(external_id: str, max_characters: int):
        extra = {"instance_url": f"https://{external_id}.test", "max_characters": max_characters}
        return SocialAccountFactory(
            workspace=workspace,
            platform="mastodon",
            external_id=external_id,
            credentials={"access_token": "t", "extra": extra},
        )

    roomy, default = mastodon("roomy", 1000), mastodon("default", 500)
    body = bulk(post_item(roomy.pk, default.pk, when=future(), text="x" * 700))

    response = editor.client.post(VALIDATE, body, format="json")

    assert response.status_code == 200
    (post,) = response.json()["posts"]
    assert [(a["account_id"], a["ok"]) for a in post["accounts"]] == [
        (roomy.pk, True),
        (default.pk, False),
    ]
    assert post["accounts"][1]["problems"] == [
        "Text is 700 characters; this Mastodon instance allows 500."
    ]


def test_a_body_the_schedule_endpoint_refuses_is_the_same_400(editor, account):
    body = bulk(post_item(account.pk))  # scheduled without a time

    response = editor.client.post(VALIDATE, body, format="json")

    assert response.status_code == 400
    assert response.json()["errors"] == [
        "bulk.posts[0].accounts[0].scheduled_at: is required for scheduled posts."
    ]


def test_a_queue_body_shows_the_slots_it_would_take_without_taking_them(
    editor, berlin_account, slot, frozen
):
    frozen(local(2026, 6, 1, 8, 0))
    slot(berlin_account, "monday", "09:00")
    slot(berlin_account, "monday", "10:00")
    body = queue_body(berlin_account.pk)
    body["bulk"]["posts"].append(body["bulk"]["posts"][0])

    first = editor.client.post(VALIDATE, body, format="json").json()
    again = editor.client.post(VALIDATE, body, format="json").json()

    times = [post["accounts"][0]["scheduled_at"] for post in first["posts"]]
    assert times == ["2026-06-01T07:00:00Z", "2026-06-01T08:00:00Z"]
    assert again == first


def test_approval_and_quota_are_part_of_the_preview(editor, account, workspace):
    workspace.approval_required = True
    workspace.max_posts_per_month = 0
    workspace.save()

    result = editor.client.post(
        VALIDATE, bulk(post_item(account.pk, when=future())), format="json"
    ).json()

    assert result["needs_approval"] is True
    assert result["posts"][0]["accounts"][0]["state"] == "pending_approval"
    assert result["valid"] is False
    assert result["errors"] == ["Monthly post limit reached: 0 of 0 posts used, this adds 1."]


def test_a_viewer_may_validate_and_an_outsiders_accounts_look_unknown(viewer, outsider, account):
    body = bulk(post_item(account.pk, when=future()))

    assert viewer.client.post(VALIDATE, body, format="json").json()["valid"] is True
    theirs = outsider.client.post(VALIDATE, body, format="json").json()
    assert theirs["posts"][0]["accounts"][0]["problems"] == [
        f"Account {account.pk} is not connected to this workspace."
    ]
