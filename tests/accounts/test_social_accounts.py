from __future__ import annotations

import pytest
from django.db import connection

from accounts.models import AccountStatus, SocialAccount
from tests.factories import SocialAccountFactory

pytestmark = pytest.mark.django_db


def test_it_lists_the_workspace_accounts_without_credentials(owner, account, outsider_account):
    response = owner.client.get("/api/v1/accounts")
    assert response.status_code == 200
    body = response.json()
    assert [item["id"] for item in body] == [account.id]
    assert body[0]["provider"] == "sandbox"
    assert body[0]["status"] == "active"
    assert "credentials" not in body[0]
    assert "secret-token" not in response.content.decode()


def test_account_ids_are_opaque(account):
    assert account.id.startswith("acc_")
    assert not account.id.removeprefix("acc_").isdigit()
    assert len(account.id) > 20


def test_an_outsider_gets_404_for_every_account_route(outsider, account):
    assert outsider.client.get(f"/api/v1/accounts/{account.id}").status_code == 404
    assert outsider.client.delete(f"/api/v1/accounts/{account.id}").status_code == 404
    account.refresh_from_db()
    assert account.disconnected_at is None


def test_disconnecting_wipes_credentials_and_hides_the_account(owner, account):
    response = owner.client.delete(f"/api/v1/accounts/{account.id}")
    assert response.status_code == 204
    account.refresh_from_db()
    assert account.status == AccountStatus.DISABLED
    assert account.credentials == {}
    assert owner.client.get("/api/v1/accounts").json() == []
    assert owner.client.get(f"/api/v1/accounts/{account.id}").status_code == 404


def test_an_editor_cannot_disconnect_but_can_read(editor, account):
    assert editor.client.get(f"/api/v1/accounts/{account.id}").status_code == 200
    response = editor.client.delete(f"/api/v1/accounts/{account.id}")
    assert response.status_code == 403
    assert "needs 'admin'" in response.json()["errors"][0]


def test_tokens_are_encrypted_in_the_raw_column(account):
    with connection.cursor() as cursor:
        cursor.execute("SELECT credentials FROM accounts_socialaccount WHERE id = %s", [account.id])
        (raw,) = cursor.fetchone()
    assert "access-secret-token" not in raw
    assert "refresh-secret-token" not in raw
    assert SocialAccount.objects.get(pk=account.pk).credentials["access_token"] == (
        "access-secret-token"
    )


def test_admin_never_shows_credentials(admin_client, account):
    page = admin_client.get(f"/admin/accounts/socialaccount/{account.pk}/change/")
    assert page.status_code == 200
    assert "access-secret-token" not in page.content.decode()
    assert "credentials" not in page.content.decode()


def test_accounts_list_filters_by_status_in_the_admin(admin_client, workspace):
    SocialAccountFactory(workspace=workspace, status=AccountStatus.NEEDS_REAUTH, username="stale")
    SocialAccountFactory(workspace=workspace, username="fresh")
    page = admin_client.get("/admin/accounts/socialaccount/?status__exact=needs_reauth")
    assert page.status_code == 200
    assert "stale" in page.content.decode()
    assert "fresh" not in page.content.decode()


def test_an_account_with_pending_posts_cannot_be_disconnected(owner, account):
    from django.utils import timezone

    from posts.models import Delivery, Post

    post = Post.objects.create(workspace=owner.workspace, networks={"default": {"text": "x"}})
    Delivery.objects.create(
        workspace=owner.workspace,
        post=post,
        account=account,
        status="scheduled",
        scheduled_at=timezone.now(),
        idempotency_key="crier-pending",
    )

    response = owner.client.delete(f"/api/v1/accounts/{account.id}")

    assert response.status_code == 409
    assert response.json() == {
        "errors": ["This account has scheduled or in-flight posts: cancel or delete them first."]
    }
    account.refresh_from_db()
    assert account.disconnected_at is None
    assert account.credentials["access_token"] == "access-secret-token"
