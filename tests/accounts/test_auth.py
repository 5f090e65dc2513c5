from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from accounts.models import ApiKey, Scope
from tests.conftest import make_caller
from tests.factories import MemberFactory, WorkspaceFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("scheme", ["Bearer-API", "Bearer", "bearer-api"])
def test_it_accepts_each_authorization_form(owner, scheme):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"{scheme} {owner.secret}")
    response = client.get("/api/v1/users/me")
    assert response.status_code == 200
    assert response.json()["id"] == owner.member.id


def test_it_refuses_a_missing_key_with_401_and_a_challenge(workspace):
    response = APIClient().get("/api/v1/accounts")
    assert response.status_code == 401
    assert response.json() == {"errors": ["Authentication credentials were not provided."]}
    assert response["WWW-Authenticate"].startswith("Bearer-API")


@pytest.mark.parametrize(
    "presented",
    ["crier_nothere_secret", "not-even-shaped-like-a-key", "crier__", ""],
)
def test_it_refuses_an_unknown_key_with_401(owner, presented):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer-API {presented}")
    assert client.get("/api/v1/accounts").status_code == 401


def test_it_refuses_a_right_prefix_with_a_wrong_secret(owner):
    prefix = ApiKey.split(owner.secret)[0]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer-API crier_{prefix}_wrongsecret")
    response = client.get("/api/v1/accounts")
    assert response.status_code == 401
    assert response.json() == {"errors": ["Invalid API key."]}


def test_it_refuses_a_revoked_key_with_401(owner):
    ApiKey.objects.get(member=owner.member).revoke()
    response = owner.client.get("/api/v1/accounts")
    assert response.status_code == 401
    assert response.json() == {"errors": ["This API key has been revoked."]}


def test_it_refuses_a_missing_scope_with_403(workspace):
    caller = make_caller(MemberFactory(workspace=workspace), scopes=[Scope.POSTS])
    response = caller.client.get("/api/v1/accounts")
    assert response.status_code == 403
    assert response.json() == {"errors": ["This API key lacks the 'accounts' scope."]}


def test_it_records_when_a_key_was_last_used(owner):
    api_key = ApiKey.objects.get(member=owner.member)
    assert api_key.last_used_at is None
    owner.client.get("/api/v1/users/me")
    api_key.refresh_from_db()
    assert api_key.last_used_at is not None


def test_a_workspace_the_key_cannot_see_is_404(owner, outsider):
    response = owner.client.get("/api/v1/accounts", HTTP_PUBLER_WORKSPACE_ID=outsider.workspace.id)
    assert response.status_code == 404
    assert response.json() == {"errors": ["Workspace not found."]}


def test_a_user_in_two_workspaces_must_name_one(owner):
    second = WorkspaceFactory(name="Second")
    MemberFactory(workspace=second, user=owner.member.user)
    response = owner.client.get("/api/v1/accounts")
    assert response.status_code == 400
    assert "Publer-Workspace-Id" in response.json()["errors"][0]
    chosen = owner.client.get("/api/v1/users/me", HTTP_PUBLER_WORKSPACE_ID=second.id)
    assert chosen.status_code == 200


def test_workspaces_lists_every_membership_with_its_role(owner):
    second = WorkspaceFactory(name="Second")
    MemberFactory(workspace=second, user=owner.member.user, role="viewer")
    response = owner.client.get("/api/v1/workspaces", HTTP_PUBLER_WORKSPACE_ID=second.id)
    assert response.status_code == 200
    assert [(w["name"], w["role"]) for w in response.json()] == [
        ("Workspace A", "owner"),
        ("Second", "viewer"),
    ]


def test_the_secret_is_never_stored(owner):
    api_key = ApiKey.objects.get(member=owner.member)
    _, secret_part = ApiKey.split(owner.secret)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM accounts_apikey WHERE id = %s", [api_key.id])
        row = cursor.fetchone()
    assert row is not None
    assert all(secret_part not in str(column) for column in row)
    assert all(owner.secret not in str(column) for column in row)
