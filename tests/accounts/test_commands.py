"""Management commands: createworkspace, createapikey and demo."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from accounts.models import ApiKey, Member, Role, SocialAccount, Workspace

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def api_get(secret: str, path: str) -> int:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer-API {secret}")
    return client.get(path).status_code


def test_createworkspace_prints_the_id_of_a_workspace_owned_by_a_new_user():
    workspace_id = run("createworkspace", "Acme", "--owner", "alice", "--email", "a@example.com")

    workspace = Workspace.objects.get(pk=workspace_id.strip())
    assert workspace.name == "Acme"
    member = Member.objects.get(workspace=workspace)
    assert (member.user.username, member.user.email, member.role) == (
        "alice",
        "a@example.com",
        Role.OWNER,
    )


def test_createworkspace_reuses_an_existing_user_as_owner():
    first = run("createworkspace", "One", "--owner", "bob").strip()
    second = run("createworkspace", "Two", "--owner", "bob").strip()

    assert first != second
    assert get_user_model().objects.filter(username="bob").count() == 1
    assert Member.objects.filter(user__username="bob", role=Role.OWNER).count() == 2


def test_createapikey_prints_a_key_with_only_the_requested_scopes(workspace, owner):
    secret = run("createapikey", "--workspace", workspace.pk, "--scopes", "posts,media").strip()

    assert re.fullmatch(r"crier_[0-9a-f]+_[\w-]+", secret)
    api_key = ApiKey.objects.get(prefix=ApiKey.split(secret)[0])
    assert api_key.scopes == ["media", "posts"]
    assert api_key.member == owner.member
    assert api_get(secret, "/api/v1/posts") == 200
    assert api_get(secret, "/api/v1/accounts") == 403
    assert api_get(secret, "/api/v1/workspaces") == 403


def test_createapikey_without_scopes_grants_every_scope(workspace, owner):
    secret = run("createapikey", "--workspace", workspace.pk).strip()

    assert api_get(secret, "/api/v1/accounts") == 200
    assert api_get(secret, "/api/v1/workspaces") == 200


def test_createapikey_refuses_an_unknown_scope(workspace, owner):
    with pytest.raises(CommandError, match="unknown scopes: everything"):
        run("createapikey", "--workspace", workspace.pk, "--scopes", "posts,everything")
    assert not ApiKey.objects.filter(name="cli").exists()


@pytest.mark.parametrize("scopes", ["", ",", " , "])
def test_createapikey_refuses_an_empty_scope_list_instead_of_granting_all(workspace, owner, scopes):
    with pytest.raises(CommandError, match="at least one scope"):
        run("createapikey", "--workspace", workspace.pk, "--scopes", scopes)
    assert not ApiKey.objects.filter(name="cli").exists()


def test_createapikey_refuses_an_unknown_workspace(db):
    with pytest.raises(CommandError, match="no workspace 'ws_nothere'"):
        run("createapikey", "--workspace", "ws_nothere")


def test_demo_is_idempotent_and_replaces_its_key_on_every_run():
    first = run("demo")
    second = run("demo")

    assert Workspace.objects.count() == 1
    assert SocialAccount.objects.filter(platform="sandbox").count() == 1
    workspace = Workspace.objects.get()
    account = SocialAccount.objects.get()
    for output in (first, second):
        assert f"Demo workspace: {workspace.pk}" in output
        assert f"Sandbox account: {account.pk}" in output
    first_key = re.search(r"Demo API key:\s+(crier_\S+)", first).group(1)
    second_key = re.search(r"Demo API key:\s+(crier_\S+)", second).group(1)
    assert first_key != second_key
    assert api_get(first_key, "/api/v1/accounts") == 401
    assert api_get(second_key, "/api/v1/accounts") == 200
    assert ApiKey.objects.active().count() == 1


def test_demo_quiet_prints_only_a_working_key():
    secret = run("demo", "--quiet").strip()

    assert re.fullmatch(r"crier_[0-9a-f]+_[\w-]+", secret)
    assert api_get(secret, "/api/v1/accounts") == 200


def test_demo_points_its_sandbox_account_at_the_configured_simulator(settings):
    settings.CRIER_CONNECTORS = {"sandbox": {"api_url": "http://127.0.0.1:9125"}}

    run("demo", "--quiet")

    account = SocialAccount.objects.get()
    assert account.credentials["extra"]["base_url"] == "http://127.0.0.1:9125"
