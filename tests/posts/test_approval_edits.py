"""Only an approval takes a post out of pending_approval, on every edit path of every dialect,
and an edit by someone who needs approval sends an approved post back to it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Role, Scope
from core.errors import Conflict
from posts import approvals, services
from posts.dispatch import claim_due
from posts.models import ApprovalDecision, Post
from posts.states import DeliveryStatus as S
from tests.conftest import Caller, make_caller
from tests.factories import MemberFactory
from tests.media import files
from tests.media.conftest import media_root

__all__ = ["media_root"]  # fixtures: uploads go to a temporary folder

pytestmark = pytest.mark.django_db

WHEN = "2099-03-01T14:00:00Z"
PNG = files.image_bytes("PNG")


@pytest.fixture
def approvals_on(workspace):
    workspace.approval_required = True
    workspace.save()
    return workspace


@pytest.fixture
def approver(workspace) -> Caller:
    return make_caller(MemberFactory(workspace=workspace, role=Role.ADMIN))


def postpost(caller: Caller) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_X_API_KEY=caller.secret)
    return client


def postiz(caller: Caller) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=caller.secret)  # Postiz: the raw key
    return client


def create_post(caller: Caller, account, *, when: str | None = WHEN) -> Post:
    """A post group created through PostPost's create-post, as the review did."""
    body = {"content": "as written", "platforms": [f"{account.platform}-{account.pk}"]}
    if when:
        body["scheduledTime"] = when
    response = postpost(caller).post("/api/v1/create-post", body, format="json")
    assert response.status_code == 200, response.content
    return Post.objects.get(pk=response.json()["postGroupId"])


def statuses(post: Post) -> set[str]:
    return set(post.deliveries.values_list("status", flat=True))


def nothing_due(post: Post) -> bool:
    far = timezone.now() + timedelta(days=365 * 100)
    return not claim_due(now=far, batch_size=100) and statuses(post) == {S.PENDING_APPROVAL}


def approve(approver: Caller, post: Post) -> None:
    response = approver.client.post(f"/api/v1/posts/{post.pk}/approve", {}, format="json")
    assert response.status_code == 200, response.content
    assert statuses(post) == {S.SCHEDULED}


def text_of(post: Post) -> str:
    return Post.objects.get(pk=post.pk).block_for("default")["text"]


# -- Publora / PostPost update-post (the review's path) ------------------------------------


def test_editor_cannot_schedule_pending_post_through_update_post(approvals_on, editor, account):
    post = create_post(editor, account)
    assert statuses(post) == {S.PENDING_APPROVAL}

    response = postpost(editor).put(
        f"/api/v1/update-post/{post.pk}", {"status": "scheduled"}, format="json"
    )

    assert response.status_code == 409
    assert response.json()["success"] is False
    assert "waiting for approval" in response.json()["error"]
    assert nothing_due(post)
    assert not ApprovalDecision.objects.exists()


def test_editor_changing_approved_text_through_update_post_sends_it_back_to_approval(
    approvals_on, editor, approver, account
):
    post = create_post(editor, account)
    approve(approver, post)

    response = postpost(editor).put(
        f"/api/v1/update-post/{post.pk}", {"content": "changed after approval"}, format="json"
    )

    assert response.status_code == 200, response.content
    assert text_of(post) == "changed after approval"
    assert nothing_due(post)


def test_update_post_by_a_key_that_may_approve_keeps_an_approved_post_scheduled(
    approvals_on, editor, approver, account
):
    post = create_post(editor, account)
    approve(approver, post)

    response = postpost(approver).put(
        f"/api/v1/update-post/{post.pk}", {"content": "the approver's fix"}, format="json"
    )

    assert response.status_code == 200, response.content
    assert statuses(post) == {S.SCHEDULED}


def test_an_editor_scheduling_a_draft_through_update_post_sends_it_to_approval(
    approvals_on, editor, account
):
    post = create_post(editor, account, when=None)

    response = postpost(editor).put(
        f"/api/v1/update-post/{post.pk}",
        {"status": "scheduled", "scheduledTime": WHEN},
        format="json",
    )

    assert response.status_code == 200, response.content
    assert nothing_due(post)


# -- the other dialects' edit routes --------------------------------------------------------


def test_editor_cannot_schedule_pending_post_through_native_patch(approvals_on, editor, account):
    post = create_post(editor, account)

    response = editor.client.patch(
        f"/api/v1/posts/{post.pk}", {"state": "scheduled"}, format="json"
    )

    assert response.status_code == 409
    assert "waiting for approval" in response.json()["errors"][0]
    assert nothing_due(post)


def test_an_approver_schedules_a_pending_post_by_approving_not_by_patching(
    approvals_on, editor, approver, account
):
    post = create_post(editor, account)

    response = approver.client.patch(
        f"/api/v1/posts/{post.pk}", {"state": "scheduled"}, format="json"
    )

    assert response.status_code == 409
    assert f"/api/v1/posts/{post.pk}/approve" in response.json()["errors"][0]
    assert nothing_due(post)


def test_editor_cannot_schedule_pending_post_through_postiz_status(approvals_on, editor, account):
    post = create_post(editor, account)

    response = postiz(editor).put(
        f"/public/v1/posts/{post.pk}/status", {"status": "schedule"}, format="json"
    )

    assert response.status_code == 400  # Postiz answers Crier's 409s as 400 (its document)
    assert "waiting for approval" in response.json()["msg"]
    assert nothing_due(post)


def test_editor_changing_approved_text_through_native_patch_sends_it_back_to_approval(
    approvals_on, editor, approver, account
):
    post = create_post(editor, account)
    approve(approver, post)
    edit = {"networks": {"default": {"text": "changed after approval"}}}

    response = editor.client.patch(f"/api/v1/posts/{post.pk}", edit, format="json")

    assert response.status_code == 200, response.content
    assert nothing_due(post)


def test_editor_cannot_change_the_text_of_a_post_whose_failed_delivery_may_be_retried(
    approvals_on, editor, approver, account
):
    post = create_post(editor, account)
    approve(approver, post)
    post.deliveries.update(status=S.FAILED, due_at=None)
    edit = {"networks": {"default": {"text": "sneaked in before a retry"}}}

    response = editor.client.patch(f"/api/v1/posts/{post.pk}", edit, format="json")

    assert response.status_code == 409
    assert text_of(post) == "as written"


def ask_upload_url(caller: Caller, post: Post) -> dict:
    body = {
        "fileName": "a.png",
        "contentType": "image/png",
        "type": "image",
        "postGroupId": post.pk,
    }
    response = postpost(caller).post("/api/v1/get-upload-url", body, format="json")
    assert response.status_code == 200, response.content
    return response.json()


def test_editor_adding_an_image_to_an_approved_post_through_get_upload_url_sends_it_back(
    approvals_on, editor, approver, account
):
    post = create_post(editor, account)
    approve(approver, post)

    ask_upload_url(editor, post)

    assert nothing_due(post)


def test_editor_taking_media_off_an_approved_post_sends_it_back_to_approval(
    approvals_on, editor, approver, account
):
    post = create_post(editor, account)
    upload = ask_upload_url(editor, post)
    path = upload["uploadUrl"].removeprefix("http://testserver")
    assert Client().put(path, PNG, "image/png").status_code == 200
    approve(approver, post)

    response = postpost(editor).delete(f"/api/v1/media/post/media/{upload['mediaId']}")

    assert response.status_code == 200, response.content
    assert nothing_due(post)


def test_an_approver_adding_an_image_keeps_an_approved_post_scheduled(
    approvals_on, editor, approver, account
):
    post = create_post(editor, account)
    approve(approver, post)

    ask_upload_url(approver, post)

    assert statuses(post) == {S.SCHEDULED}


# -- the service ------------------------------------------------------------------------


def test_plain_post_update_refuses_to_take_a_post_out_of_approval(approvals_on, editor, account):
    post = create_post(editor, account)

    with pytest.raises(Conflict, match="waiting for approval"):
        services.post_update(post=post, changes={"state": S.SCHEDULED})

    assert nothing_due(post)


def test_plain_post_update_refuses_a_rejection_or_another_posts_approval(
    approvals_on, editor, account
):
    post, other = create_post(editor, account), create_post(editor, account)
    rejected = ApprovalDecision(post=post, verdict=ApprovalDecision.Verdict.REJECTED)
    elsewhere = ApprovalDecision(post=other, verdict=ApprovalDecision.Verdict.APPROVED)

    for decision in (rejected, elsewhere):
        with pytest.raises(Conflict):
            services.post_update(post=post, changes={"state": S.SCHEDULED}, approval=decision)

    assert nothing_due(post)


def test_approving_records_the_decision_and_schedules(approvals_on, editor, approver, account):
    post = create_post(editor, account)

    decision = approvals.post_approve(post=post, member=approver.member, by="approver")

    assert decision.approves
    assert statuses(post) == {S.SCHEDULED}


def test_a_key_without_approve_scope_is_sent_back_to_approval_too(
    approvals_on, editor, approver, account, workspace
):
    admin_without_approve = make_caller(
        MemberFactory(workspace=workspace, role=Role.ADMIN),
        scopes=[scope for scope in Scope.values if scope != Scope.APPROVE],
    )
    post = create_post(editor, account)
    approve(approver, post)

    response = postpost(admin_without_approve).put(
        f"/api/v1/update-post/{post.pk}", {"content": "changed"}, format="json"
    )

    assert response.status_code == 200, response.content
    assert nothing_due(post)
