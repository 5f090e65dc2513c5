"""API keys in the admin: the secret is shown once, at creation, and never stored or shown again."""

from __future__ import annotations

import hashlib
import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import ApiKey, Role, Scope
from tests.factories import MemberFactory, UserFactory

pytestmark = pytest.mark.django_db

SECRET_IN_MESSAGE = re.compile(r"it will not be shown again: (crier_[0-9a-f]+_[\w-]+)")


@pytest.fixture
def staff() -> Client:
    user = get_user_model().objects.create_superuser("root", "root@example.com", "pw-for-tests")
    client = Client()
    client.force_login(user)
    return client


def api_status(secret: str) -> int:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer-API {secret}")
    return client.get("/api/v1/users/me").status_code


def add_key(staff: Client, member, scopes: list[str]) -> tuple[ApiKey, str]:
    response = staff.post(
        "/admin/accounts/apikey/add/",
        {"name": "from the admin", "member": member.pk, "scopes": scopes},
        follow=True,
    )
    assert response.status_code == 200
    content = response.content.decode()
    found = SECRET_IN_MESSAGE.search(content)
    assert found, "the add response shows no secret"
    assert content.count(found.group(1)) == 1
    return ApiKey.objects.get(name="from the admin"), found.group(1)


def test_adding_a_key_shows_its_secret_once_and_the_secret_works(staff, owner):
    api_key, secret = add_key(staff, owner.member, [Scope.WORKSPACES, Scope.POSTS])

    assert api_key.member == owner.member
    assert api_key.scopes == [Scope.POSTS, Scope.WORKSPACES]
    assert api_status(secret) == 200


def test_the_database_holds_only_the_prefix_and_a_hash_of_the_secret(staff, owner):
    api_key, secret = add_key(staff, owner.member, [Scope.POSTS])

    prefix, raw = ApiKey.split(secret)
    assert api_key.prefix == prefix
    assert api_key.secret_hash == hashlib.sha256(raw.encode()).hexdigest()
    stored = ApiKey.objects.filter(pk=api_key.pk).values().get()
    assert not [name for name, value in stored.items() if raw in str(value)]


def test_later_pages_never_show_the_secret_or_its_hash(staff, owner):
    api_key, secret = add_key(staff, owner.member, [Scope.POSTS])
    raw = ApiKey.split(secret)[1]

    for url in (
        f"/admin/accounts/apikey/{api_key.pk}/change/",
        "/admin/accounts/apikey/",
        f"/admin/accounts/apikey/{api_key.pk}/history/",
    ):
        page = staff.get(url)
        assert page.status_code == 200, url
        content = page.content.decode()
        assert raw not in content, url
        assert api_key.secret_hash not in content, url
    assert (
        api_key.prefix in staff.get(f"/admin/accounts/apikey/{api_key.pk}/change/").content.decode()
    )


def test_the_change_page_offers_no_secret_hash_field(staff, owner):
    page = staff.get(f"/admin/accounts/apikey/{owner.member.api_keys.get().pk}/change/")
    assert page.status_code == 200
    assert "secret_hash" not in page.content.decode()
    assert "secret_hash" not in page.context["adminform"].form.fields


def test_the_revoke_action_revokes_the_selected_keys_only(staff, owner, editor):
    kept = editor.member.api_keys.get()
    response = staff.post(
        "/admin/accounts/apikey/",
        {"action": "revoke", "_selected_action": [owner.member.api_keys.get().pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert "Selected keys are revoked." in response.content.decode()
    assert owner.member.api_keys.get().revoked_at is not None
    assert api_status(owner.secret) == 401
    kept.refresh_from_db()
    assert kept.revoked_at is None
    assert api_status(editor.secret) == 200


def test_an_unknown_scope_is_refused_by_the_add_form(staff, owner):
    response = staff.post(
        "/admin/accounts/apikey/add/",
        {"name": "bad", "member": owner.member.pk, "scopes": ["everything"]},
    )
    assert response.status_code == 200  # the form again, with its error
    assert "Select a valid choice" in response.content.decode()
    assert not ApiKey.objects.filter(name="bad").exists()


@pytest.mark.parametrize(
    "url", ["/admin/accounts/apikey/", "/admin/accounts/apikey/add/", "/admin/"]
)
def test_a_user_without_staff_status_is_sent_to_the_login_page(url, workspace):
    member = MemberFactory(workspace=workspace, role=Role.OWNER, user=UserFactory())
    client = Client()
    client.force_login(member.user)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_an_anonymous_visitor_is_sent_to_the_login_page():
    response = Client().get("/admin/accounts/apikey/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/login/?next=/admin/accounts/apikey/"
