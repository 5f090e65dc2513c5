"""The Publora and PostPost documents' own requests, against Crier (base URL and key swapped)."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from accounts.models import Role
from posts.models import Delivery, Post
from tests.conftest import make_caller
from tests.factories import MemberFactory, SocialAccountFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def publora(owner) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_X_PUBLORA_KEY=owner.secret)
    return client


@pytest.fixture
def postpost(owner) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_X_API_KEY=owner.secret)
    return client


@pytest.fixture
def connections(owner):
    x = SocialAccountFactory(
        workspace=owner.workspace,
        username="example",
        display_name="Example User",
        avatar_url="https://cdn.example/avatar.png",
    )
    other = SocialAccountFactory(workspace=owner.workspace)
    return [f"sandbox-{x.pk}", f"sandbox-{other.pk}"]


def test_platform_connections_lists_platform_ids(publora, connections):
    response = publora.get("/api/v1/platform-connections")
    assert response.status_code == 200
    body = response.json()
    assert body["success"] is True
    assert [c["platformId"] for c in body["connections"]] == connections
    assert body["connections"][0]["username"] == "example"
    assert body["connections"][0]["displayName"] == "Example User"
    assert body["connections"][0]["profileImageUrl"] == "https://cdn.example/avatar.png"
    assert "X-RateLimit-Remaining" in response


def test_create_post_with_a_scheduled_time_schedules_every_platform(publora, connections):
    response = publora.post(
        "/api/v1/create-post",
        {
            "content": "Your post content",
            "scheduledTime": "2099-04-07T10:00:00Z",
            "platforms": connections,
        },
        format="json",
    )
    assert response.status_code == 200
    group = response.json()["postGroupId"]
    assert response.json() == {"success": True, "postGroupId": group}
    deliveries = Delivery.objects.filter(post_id=group)
    assert {d.status for d in deliveries} == {"scheduled"}
    assert deliveries.count() == 2
    assert Post.objects.get(pk=group).block_for("sandbox")["text"] == "Your post content"


def test_postpost_draft_then_schedule_flow(postpost, connections):
    created = postpost.post(
        "/api/v1/create-post",
        {"content": "Check out our new product! 🚀", "platforms": connections[:1]},
        format="json",
    )
    group = created.json()["postGroupId"]
    assert Delivery.objects.get(post_id=group).status == "draft"

    scheduled = postpost.put(
        f"/api/v1/update-post/{group}",
        {"status": "scheduled", "scheduledTime": "2099-03-01T14:00:00.000Z"},
        format="json",
    )

    assert scheduled.status_code == 200, scheduled.content
    delivery = Delivery.objects.get(post_id=group)
    assert delivery.status == "scheduled"
    assert delivery.scheduled_at.isoformat() == "2099-03-01T14:00:00+00:00"


def test_an_idempotency_key_makes_a_retried_create_post_post_once(publora, connections):
    # Publora has no such header; a client that sends Crier's gets Crier's guarantee.
    body = {"content": "Once", "scheduledTime": "2099-04-07T10:00:00Z", "platforms": connections}

    first, retried = (
        publora.post("/api/v1/create-post", body, format="json", HTTP_IDEMPOTENCY_KEY="try-1")
        for _ in range(2)
    )

    assert (first.status_code, retried.status_code) == (200, 200)
    assert retried.json() == first.json()
    assert retried["Idempotent-Replayed"] == "true"
    assert Post.objects.count() == 1


def test_update_post_edits_the_content(publora, connections):
    group = publora.post(
        "/api/v1/create-post", {"content": "old", "platforms": connections[:1]}, format="json"
    ).json()["postGroupId"]
    response = publora.put(f"/api/v1/update-post/{group}", {"content": "new"}, format="json")
    assert response.status_code == 200
    assert Post.objects.get(pk=group).block_for("sandbox")["text"] == "new"


def test_delete_post_cancels_and_reports_what_already_went_out(publora, connections):
    group = publora.post(
        "/api/v1/create-post",
        {"content": "bye", "scheduledTime": "2099-04-07T10:00:00Z", "platforms": connections},
        format="json",
    ).json()["postGroupId"]
    first = Delivery.objects.filter(post_id=group).order_by("created_at").first()
    Delivery.objects.filter(pk=first.pk).update(status="published", external_url="https://x/1")

    response = publora.delete(f"/api/v1/delete-post/{group}")

    assert response.status_code == 200
    assert response.json() == {"success": True, "cancelled": 1, "alreadyPublished": ["https://x/1"]}


@pytest.mark.parametrize(
    ("headers", "status", "error"),
    [
        ({}, 401, "API key is required"),
        ({"HTTP_X_API_KEY": "crier_nope_nope"}, 401, "Invalid API key"),
        ({"HTTP_X_PUBLORA_KEY": "garbage"}, 401, "Invalid API key"),
    ],
)
def test_auth_errors_use_the_documented_messages(owner, headers, status, error):
    response = APIClient().get("/api/v1/platform-connections", **headers)
    assert response.status_code == status
    assert response.json() == {"success": False, "error": error}


def test_a_managed_user_acts_within_the_key_workspace(owner, postpost, connections):
    viewer = MemberFactory(workspace=owner.workspace, role=Role.VIEWER)
    response = postpost.post(
        "/api/v1/create-post",
        {"content": "x", "platforms": connections},
        format="json",
        HTTP_X_POSTPOST_USER_ID=viewer.pk,
    )
    assert response.status_code == 403  # the viewer may read, not post
    listed = postpost.get(
        "/api/v1/platform-connections",
        HTTP_X_POSTPOST_USER_ID=viewer.pk,
    )
    assert listed.status_code == 200


def test_a_user_of_another_workspace_is_not_managed_by_the_key(postpost, outsider):
    response = postpost.get(
        "/api/v1/platform-connections", HTTP_X_POSTPOST_USER_ID=outsider.member.pk
    )
    assert response.status_code == 403
    assert response.json() == {"success": False, "error": "User is not managed by key"}
    malformed = postpost.get("/api/v1/platform-connections", HTTP_X_POSTPOST_USER_ID="42")
    assert malformed.status_code == 400
    assert malformed.json() == {"success": False, "error": "Invalid x-postpost-user-id"}


def test_another_workspace_post_group_is_not_found(postpost, outsider, connections):
    theirs = make_caller(outsider.member)
    account = SocialAccountFactory(workspace=outsider.workspace)
    client = APIClient()
    client.credentials(HTTP_X_API_KEY=theirs.secret)
    group = client.post(
        "/api/v1/create-post",
        {"content": "theirs", "platforms": [f"sandbox-{account.pk}"]},
        format="json",
    ).json()["postGroupId"]

    for response in (
        postpost.put(f"/api/v1/update-post/{group}", {"content": "mine now"}, format="json"),
        postpost.delete(f"/api/v1/delete-post/{group}"),
    ):
        assert response.status_code == 404
        assert response.json() == {"success": False, "error": "Not found."}
    assert Post.objects.get(pk=group).block_for("sandbox")["text"] == "theirs"


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (
            {"content": "x", "platforms": ["sandbox-acc_nothere"]},
            "Unknown platform connection(s): sandbox-acc_nothere",
        ),
        ({"content": "x", "platforms": []}, "platforms: This list may not be empty."),
        ({"platforms": ["a"]}, "content: This field is required."),
    ],
)
def test_bad_requests_are_400_with_the_reason(publora, body, error):
    response = publora.post("/api/v1/create-post", body, format="json")
    assert response.status_code == 400
    assert response.json() == {"success": False, "error": error}
    assert not Post.objects.exists()


@pytest.mark.parametrize("scheduled", [True, False], ids=["scheduled", "draft"])
def test_a_platform_refusing_the_content_fails_the_whole_post_naming_it(
    publora, owner, connections, scheduled
):
    # The document's create-post to two platforms, one of which (X) cannot take the text:
    # no post group that silently leaves X out.
    x = SocialAccountFactory(workspace=owner.workspace, platform="x", external_id="x-1")
    body = {"content": "a" * 400, "platforms": [connections[0], f"x-{x.pk}"]}
    if scheduled:
        body["scheduledTime"] = "2099-04-07T10:00:00Z"

    response = publora.post("/api/v1/create-post", body, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "success": False,
        "error": f"x-{x.pk}: Text is 400 characters; X allows 280.",
    }
    assert not Post.objects.exists()
    assert not Delivery.objects.exists()


def test_a_naive_or_past_time_is_refused_like_the_native_api(publora, connections):
    naive = publora.post(
        "/api/v1/create-post",
        {"content": "x", "scheduledTime": "2099-04-07T10:00:00", "platforms": connections},
        format="json",
    )
    assert naive.status_code == 400
    assert "has no UTC offset" in naive.json()["error"]
    past = publora.post(
        "/api/v1/create-post",
        {"content": "x", "scheduledTime": "2020-04-07T10:00:00Z", "platforms": connections},
        format="json",
    )
    assert past.status_code == 400
    assert "in the past" in past.json()["error"]
    assert not Post.objects.exists()


def test_a_past_scheduled_time_is_refused_naming_scheduled_time(publora, connections):
    # The document's own create-post: its 2025 date is in the past today.
    body = {
        "content": "Your post content",
        "scheduledTime": "2025-04-07T10:00:00Z",
        "platforms": connections,
    }
    response = publora.post("/api/v1/create-post", body, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "success": False,
        "error": "scheduledTime: 2025-04-07T10:00:00+00:00 is in the past.",
    }
    assert not Post.objects.exists()


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (
            {"status": "scheduled", "scheduledTime": "2025-03-01T14:00:00.000Z"},
            "scheduledTime: 2025-03-01T14:00:00+00:00 is in the past.",
        ),
        ({"status": "scheduled", "scheduledTime": "soon"}, "scheduledTime: Datetime has"),
        ({"status": "queued"}, "status: "),
    ],
)
def test_update_post_errors_name_the_dialect_fields(postpost, connections, body, error):
    group = postpost.post(
        "/api/v1/create-post", {"content": "draft", "platforms": connections[:1]}, format="json"
    ).json()["postGroupId"]

    response = postpost.put(f"/api/v1/update-post/{group}", body, format="json")

    assert response.status_code == 400
    assert response.json()["error"].startswith(error)
    assert Delivery.objects.get(post_id=group).status == "draft"


def test_deleting_a_group_that_all_went_out_is_refused_and_says_it_stays_live(publora, connections):
    # Publora deletes a *scheduled* post; a published one cannot be taken back.
    group = publora.post(
        "/api/v1/create-post",
        {"content": "live", "scheduledTime": "2099-04-07T10:00:00Z", "platforms": connections[:1]},
        format="json",
    ).json()["postGroupId"]
    Delivery.objects.filter(post_id=group).update(status="published", external_url="https://x/1")

    response = publora.delete(f"/api/v1/delete-post/{group}")

    assert response.status_code == 400
    assert response.json() == {
        "success": False,
        "error": (
            "Cannot delete a post that has already been published: it stays live at https://x/1."
        ),
    }
    assert set(Delivery.objects.filter(post_id=group).values_list("status", flat=True)) == {
        "published"
    }


def test_an_mcp_client_is_the_documented_403(owner, connections):
    # PostPost: `x-postpost-client: mcp` without MCP access is 403 "MCP access is not
    # enabled for this account"; Crier's MCP tools are `crier mcp`, not this dialect.
    client = APIClient()
    client.credentials(HTTP_X_API_KEY=owner.secret, HTTP_X_POSTPOST_CLIENT="mcp")
    body = {"content": "x", "platforms": connections[:1]}

    response = client.post("/api/v1/create-post", body, format="json")

    assert response.status_code == 403
    assert response.json() == {
        "success": False,
        "error": "MCP access is not enabled for this account",
    }
    assert not Post.objects.exists()
