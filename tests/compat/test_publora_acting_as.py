"""PostPost's `x-postpost-user-id`: only an owner's or admin's key acts as another member,
and the request never gets more than the key's own member (role) or the key (scopes)."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from accounts.models import Role, Scope
from accounts.services import ActingNotAllowed, NotAMember, member_acting_as
from posts.models import Delivery, Post
from posts.states import DeliveryStatus as S
from tests.conftest import Caller, make_caller
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

WHEN = "2099-03-01T14:00:00Z"


def create_post(caller: Caller, account, *, acting_as: str) -> object:
    client = APIClient()
    client.credentials(HTTP_X_API_KEY=caller.secret)
    return client.post(
        "/api/v1/create-post",
        {"content": "x", "scheduledTime": WHEN, "platforms": [f"sandbox-{account.pk}"]},
        format="json",
        HTTP_X_POSTPOST_USER_ID=acting_as,
    )


@pytest.fixture
def admin(workspace) -> Caller:
    return make_caller(MemberFactory(workspace=workspace, role=Role.ADMIN))


def test_a_viewers_key_cannot_act_as_the_owner(viewer, owner, account):
    response = create_post(viewer, account, acting_as=owner.member.pk)

    assert response.status_code == 403
    assert response.json() == {
        "success": False,
        "error": "Workspace access is not enabled for this key",
    }
    assert not Post.objects.exists()


def test_an_editors_key_cannot_act_as_an_admin_either(editor, admin, account):
    response = create_post(editor, account, acting_as=admin.member.pk)

    assert response.status_code == 403
    assert not Post.objects.exists()


def test_an_admin_acting_as_an_editor_gets_the_editors_rights(workspace, admin, editor, account):
    workspace.approval_required = True
    workspace.save()

    response = create_post(admin, account, acting_as=editor.member.pk)

    assert response.status_code == 200, response.content
    post = Post.objects.get(pk=response.json()["postGroupId"])
    assert post.created_by == editor.member
    assert Delivery.objects.get(post=post).status == S.PENDING_APPROVAL


def test_an_owner_acting_as_a_viewer_cannot_create(owner, viewer, account):
    response = create_post(owner, account, acting_as=viewer.member.pk)

    assert response.status_code == 403
    assert response.json()["success"] is False
    assert not Post.objects.exists()


@pytest.mark.parametrize("foreign", [True, False], ids=["another-workspace", "unknown"])
def test_a_member_the_key_does_not_manage_is_refused(owner, outsider, account, foreign):
    member_id = outsider.member.pk if foreign else "mem_nothere"

    response = create_post(owner, account, acting_as=member_id)

    assert response.status_code == 403
    assert response.json() == {"success": False, "error": "User is not managed by key"}
    assert not Post.objects.exists()


def test_acting_as_keeps_the_keys_scopes(workspace, editor, account):
    no_posts = make_caller(
        MemberFactory(workspace=workspace, role=Role.OWNER),
        scopes=[scope for scope in Scope.values if scope != Scope.POSTS],
    )

    response = create_post(no_posts, account, acting_as=editor.member.pk)

    assert response.status_code == 403
    assert "lacks the 'posts' scope" in response.json()["error"]
    assert not Post.objects.exists()


def test_acting_as_an_approver_without_the_approve_scope_still_waits(workspace, admin, account):
    workspace.approval_required = True
    workspace.save()
    no_approve = make_caller(
        MemberFactory(workspace=workspace, role=Role.OWNER),
        scopes=[scope for scope in Scope.values if scope != Scope.APPROVE],
    )

    response = create_post(no_approve, account, acting_as=admin.member.pk)

    assert response.status_code == 200, response.content
    post = Post.objects.get(pk=response.json()["postGroupId"])
    assert Delivery.objects.get(post=post).status == S.PENDING_APPROVAL


def test_the_acting_role_is_the_lower_of_the_keys_and_the_members(admin, owner):
    acting = member_acting_as(key_member=admin.member, member_id=owner.member.pk)

    assert acting.pk == owner.member.pk
    assert acting.role == Role.ADMIN
    owner.member.refresh_from_db()
    assert owner.member.role == Role.OWNER  # nothing stored


def test_acting_as_is_refused_in_the_service_too(viewer, owner, outsider):
    with pytest.raises(ActingNotAllowed):
        member_acting_as(key_member=viewer.member, member_id=owner.member.pk)
    with pytest.raises(NotAMember):
        member_acting_as(key_member=owner.member, member_id=outsider.member.pk)
    assert member_acting_as(key_member=viewer.member, member_id=viewer.member.pk) is viewer.member
