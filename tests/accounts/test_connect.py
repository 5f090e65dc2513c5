"""Connecting accounts: the OAuth round trip against the simulator acting as the platform."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest
import time_machine
from rest_framework.test import APIClient

from accounts.connection import account_store
from accounts.models import OAuthState, SocialAccount
from connectors.base import AccountProfile, Credentials
from connectors.simulator import SimulatorServer

pytestmark = pytest.mark.django_db


@pytest.fixture
def platform(settings):
    with SimulatorServer() as server:
        settings.CRIER_CONNECTORS = {
            **settings.CRIER_CONNECTORS,
            "sandbox": {"api_url": server.url},
        }
        settings.CRIER_PUBLIC_URL = "http://testserver"
        settings.CRIER_OAUTH_APPS = {
            "sandbox": {"client_id": "crier-app", "client_secret": "s3cret-app"}
        }
        yield server


def start(caller) -> str:
    response = caller.client.post("/api/v1/accounts/connect/sandbox")
    assert response.status_code == 200, response.content
    return response.json()["authorization_url"]


def consent(url: str, **choice: str) -> dict[str, str]:
    """The user at the platform: it redirects back to Crier's callback with these params."""
    answer = httpx.get(f"{url}&{urlencode(choice)}", follow_redirects=False)
    assert answer.status_code == 302
    location = urlsplit(answer.headers["location"])
    assert location.path == "/api/v1/accounts/callback/sandbox"
    return {name: values[0] for name, values in parse_qs(location.query).items()}


def callback(params: dict[str, str]):
    return APIClient().get("/api/v1/accounts/callback/sandbox", params)


def test_the_authorization_url_carries_state_pkce_and_redirect(owner, platform):
    url = urlsplit(start(owner))
    query = {name: values[0] for name, values in parse_qs(url.query).items()}
    assert f"{url.scheme}://{url.netloc}" == platform.url
    assert query["client_id"] == "crier-app"
    assert query["redirect_uri"] == "http://testserver/api/v1/accounts/callback/sandbox"
    assert query["code_challenge_method"] == "S256"
    assert len(query["code_challenge"]) == 43
    stored = OAuthState.objects.get()
    # Only a hash of the state is kept, and the verifier is encrypted.
    assert stored.state_hash != query["state"]
    assert query["state"] not in str(OAuthState.objects.values_list("secrets", flat=True))


def test_the_round_trip_connects_the_account_to_the_starting_workspace(owner, platform):
    response = callback(consent(start(owner), account="brand-1"))

    assert response.status_code == 200, response.content
    assert response.json()["username"] == "sim_brand-1"
    account = SocialAccount.objects.get()
    assert (account.workspace, account.external_id) == (owner.workspace, "brand-1")
    assert account.credentials["refresh_token"]
    assert account.credentials["extra"]["base_url"] == platform.url
    assert owner.client.get("/api/v1/accounts").json()[0]["id"] == account.id


def test_a_replayed_callback_is_refused(owner, platform):
    params = consent(start(owner), account="brand-1")
    assert callback(params).status_code == 200

    replay = callback(params)

    assert replay.status_code == 400
    assert replay.json() == {
        "errors": ["This connection link is invalid, expired or already used: start again."]
    }


def test_a_forged_state_is_refused(owner, platform):
    params = consent(start(owner), account="brand-1")
    response = callback({**params, "state": "made-up"})
    assert response.status_code == 400
    assert not SocialAccount.objects.exists()


def test_an_expired_state_is_refused(owner, platform):
    params = consent(start(owner), account="brand-1")
    with time_machine.travel(timedelta(minutes=11)):
        assert callback(params).status_code == 400
    assert not SocialAccount.objects.exists()


def test_the_platform_refuses_a_wrong_pkce_verifier(owner, platform):
    params = consent(start(owner), account="brand-1")
    state = OAuthState.objects.get()
    state.secrets = {"code_verifier": "x" * 64}
    state.save()

    response = callback(params)

    assert response.status_code == 422
    assert "verifier is wrong" in response.json()["errors"][0]
    assert not SocialAccount.objects.exists()


def test_a_user_who_denies_access_gets_the_platform_reason(owner, platform):
    response = callback(consent(start(owner), deny="1"))
    assert response.status_code == 400
    assert response.json() == {"errors": ["Sandbox did not grant access: The user said no."]}


def test_an_unconfigured_platform_names_the_settings_to_set(owner, platform, settings):
    settings.CRIER_OAUTH_APPS = {}
    response = owner.client.post("/api/v1/accounts/connect/sandbox")
    assert response.status_code == 422
    assert "CRIER_OAUTH_SANDBOX_CLIENT_ID" in response.json()["errors"][0]


def test_only_admins_start_a_connection(editor, platform):
    assert editor.client.post("/api/v1/accounts/connect/sandbox").status_code == 403


def test_unknown_platforms_and_the_wrong_flow_are_explained(owner, platform):
    assert owner.client.post("/api/v1/accounts/connect/myspace").status_code == 404
    response = owner.client.post("/api/v1/accounts", {"provider": "sandbox"}, format="json")
    assert response.status_code == 400
    assert "connected with POST /api/v1/accounts/connect/" in response.json()["errors"][0]
    unknown = owner.client.post("/api/v1/accounts", {"provider": "myspace"}, format="json")
    assert unknown.status_code == 400


def test_reconnecting_keeps_a_refresh_token_the_platform_did_not_replace(workspace):
    profile = AccountProfile(external_id="brand-1", username="brand")
    first = Credentials(external_id="brand-1", access_token="a1", refresh_token="keep-me")
    account_store(workspace_id=workspace.pk, platform="sandbox", credentials=first, profile=profile)
    again = Credentials(external_id="brand-1", access_token="a2", refresh_token=None)

    account = account_store(
        workspace_id=workspace.pk, platform="sandbox", credentials=again, profile=profile
    )

    assert account.credentials["access_token"] == "a2"
    assert account.credentials["refresh_token"] == "keep-me"
    assert SocialAccount.objects.count() == 1


def test_a_linkedin_connection_says_which_analytics_it_will_lack(owner, settings, respx_mock):
    settings.CRIER_PUBLIC_URL = "http://testserver"
    settings.CRIER_OAUTH_APPS = {"linkedin": {"client_id": "li-app", "client_secret": "li-s"}}
    respx_mock.post("https://www.linkedin.com/oauth/v2/accessToken").respond(
        200,
        json={
            "access_token": "AQX",
            "expires_in": 5184000,
            "scope": "openid,profile,w_member_social",
        },
    )
    respx_mock.get("https://api.linkedin.com/v2/userinfo").respond(
        200, json={"sub": "782bbtaQ", "name": "Ada Lovelace"}
    )
    started = owner.client.post("/api/v1/accounts/connect/linkedin").json()["authorization_url"]
    state = parse_qs(urlsplit(started).query)["state"][0]

    connected = APIClient().get(
        "/api/v1/accounts/callback/linkedin", {"code": "auth-code", "state": state}
    )
    read = owner.client.get(f"/api/v1/accounts/{connected.json()['id']}")

    assert connected.status_code == 200, connected.content
    missing = connected.json()["missing_analytics"]
    assert [entry.split(" (")[0] for entry in missing] == [
        "likes and comments of posts",
        "follower count",
    ]
    assert "r_member_social" in missing[0] and "r_member_profileAnalytics" in missing[1]
    assert read.json()["missing_analytics"] == missing


def test_an_account_that_lacks_no_analytics_says_so(owner, account):
    response = owner.client.get(f"/api/v1/accounts/{account.pk}")

    assert response.status_code == 200
    assert response.json()["missing_analytics"] == []
