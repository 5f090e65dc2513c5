"""The sandbox connector's exact requests, against respx."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from connectors.base import ConnectorConfig, Content, Credentials, MediaItem, Published
from connectors.errors import AuthExpired, RefreshRefused, TransientError
from connectors.sandbox import DEFAULT_SIMULATOR_URL, SandboxConnector

BASE = "http://sim.test:9000"
POSTS = f"{BASE}/accounts/acct-1/posts"
TOKEN = f"{BASE}/oauth/token"


@pytest.fixture
def credentials() -> Credentials:
    return Credentials(
        external_id="acct-1",
        access_token="access-1",
        refresh_token="refresh-1",
        extra={"base_url": BASE + "/"},
    )


def post_content() -> Content:
    return Content(
        text="Hello world",
        idempotency_key="delivery-42",
        media=(MediaItem(url="https://cdn.test/a.png", mime_type="image/png", alt_text="A"),),
        thread=("and more",),
    )


def test_publish_sends_token_idempotency_key_and_content(connector, respx_mock, credentials):
    route = respx_mock.post(POSTS).respond(201, json={"id": "p1", "url": "https://sim/p1"})

    published = connector.publish(post_content(), credentials)

    request = route.calls.last.request
    assert request.headers["Authorization"] == "Bearer access-1"
    assert request.headers["Idempotency-Key"] == "delivery-42"
    assert json.loads(request.content) == {
        "text": "Hello world",
        "media": [{"url": "https://cdn.test/a.png", "alt_text": "A"}],
        "thread": ["and more"],
        "reply_to": None,
    }
    assert published == Published(state="published", external_id="p1", url="https://sim/p1")


def test_publish_quotes_the_account_id_in_the_path(connector, respx_mock):
    route = respx_mock.post(f"{BASE}/accounts/team%2Fone/posts").respond(201, json={"id": "p1"})

    connector.publish(
        post_content(),
        Credentials(external_id="team/one", access_token="a", extra={"base_url": BASE}),
    )

    assert route.called


def test_publish_falls_back_to_the_configured_url(respx_mock):
    route = respx_mock.post("http://env.test:1234/accounts/a/posts").respond(201, json={"id": "1"})

    with SandboxConnector(config=ConnectorConfig(api_url="http://env.test:1234")) as connector:
        connector.publish(post_content(), Credentials(external_id="a", access_token="t"))

    assert route.called


def test_publish_defaults_to_the_local_simulator(connector, respx_mock):
    route = respx_mock.post(f"{DEFAULT_SIMULATOR_URL}/accounts/a/posts").respond(
        201, json={"id": "1"}
    )

    connector.publish(post_content(), Credentials(external_id="a", access_token="t"))

    assert route.called


def test_publish_returns_processing_with_a_handle_on_202(connector, respx_mock, credentials):
    respx_mock.post(POSTS).respond(202, json={"id": "p1"})

    published = connector.publish(post_content(), credentials)

    assert published.state == "processing"
    assert published.handle == "p1"


def test_publish_reads_processing_state_from_a_replayed_answer(connector, respx_mock, credentials):
    respx_mock.post(POSTS).respond(200, json={"id": "p1", "state": "processing"})

    assert connector.publish(post_content(), credentials).state == "processing"


@pytest.mark.parametrize(
    "answer",
    [
        httpx.Response(201, text="<html>ok</html>"),
        httpx.Response(201, json={"url": "https://sim/p1"}),
        httpx.Response(200, json={"id": "p1", "state": "exploded"}),
    ],
)
def test_unreadable_success_is_ambiguous_because_the_platform_acted(
    connector, respx_mock, credentials, answer
):
    respx_mock.post(POSTS).mock(return_value=answer)

    with pytest.raises(TransientError) as caught:
        connector.publish(post_content(), credentials)

    assert caught.value.ambiguous is True
    assert caught.value.code == "malformed_response"


def test_publish_maps_401_to_auth_expired(connector, respx_mock, credentials):
    respx_mock.post(POSTS).respond(401, json={"error": "token_expired", "message": "Expired"})

    with pytest.raises(AuthExpired) as caught:
        connector.publish(post_content(), credentials)

    assert caught.value.code == "token_expired"


def test_poll_gets_the_post_with_the_token(connector, respx_mock, credentials):
    route = respx_mock.get(f"{POSTS}/p1").respond(200, json={"id": "p1", "state": "published"})

    published = connector.poll("p1", credentials)

    assert route.calls.last.request.headers["Authorization"] == "Bearer access-1"
    assert published.state == "published"
    assert published.handle is None


def test_refresh_posts_the_grant_and_returns_new_credentials(connector, respx_mock, credentials):
    route = respx_mock.post(TOKEN).respond(
        200, json={"access_token": "access-2", "refresh_token": "refresh-2", "expires_in": 3600}
    )

    refreshed = connector.refresh(credentials)

    assert json.loads(route.calls.last.request.content) == {
        "grant_type": "refresh_token",
        "refresh_token": "refresh-1",
        "account": "acct-1",
    }
    assert "Authorization" not in route.calls.last.request.headers
    assert (refreshed.access_token, refreshed.refresh_token) == ("access-2", "refresh-2")
    expected_expiry = datetime.now(UTC) + timedelta(seconds=3600)
    assert abs((refreshed.expires_at - expected_expiry).total_seconds()) < 5
    assert refreshed.extra == credentials.extra
    assert refreshed.external_id == "acct-1"


def test_refresh_keeps_the_refresh_token_the_platform_did_not_replace(
    connector, respx_mock, credentials
):
    respx_mock.post(TOKEN).respond(200, json={"access_token": "access-2"})

    refreshed = connector.refresh(credentials)

    assert refreshed.refresh_token == "refresh-1"
    assert refreshed.expires_at is None


@pytest.mark.parametrize("status", [400, 401])
def test_refresh_refusal_raises_refresh_refused_with_the_platform_message(
    connector, respx_mock, credentials, status
):
    respx_mock.post(TOKEN).respond(
        status, json={"error": "invalid_grant", "error_description": "Token revoked by user"}
    )

    with pytest.raises(RefreshRefused) as caught:
        connector.refresh(credentials)

    assert caught.value.message == "Token revoked by user"
    assert caught.value.code == "invalid_grant"
    assert caught.value.status == status


@pytest.mark.parametrize(
    "failure",
    [httpx.Response(500), httpx.Response(503), httpx.Response(429), httpx.ConnectError("down")],
)
def test_refresh_failing_for_a_passing_reason_is_transient_not_refused(
    connector, respx_mock, credentials, failure
):
    route = respx_mock.post(TOKEN)
    if isinstance(failure, Exception):
        route.mock(side_effect=failure)
    else:
        route.mock(return_value=failure)

    with pytest.raises(TransientError):
        connector.refresh(credentials)


def test_refresh_without_a_stored_refresh_token_is_refused_without_a_call(connector, respx_mock):
    # No route: respx fails the test if any request is made.
    with pytest.raises(RefreshRefused) as caught:
        connector.refresh(Credentials(external_id="a", access_token="t", extra={"base_url": BASE}))

    assert caught.value.code == "no_refresh_token"


def test_token_answer_without_access_token_is_ambiguous_not_refused(
    connector, respx_mock, credentials
):
    respx_mock.post(TOKEN).respond(200, json={"refresh_token": "refresh-2"})

    with pytest.raises(TransientError) as caught:
        connector.refresh(credentials)

    assert not isinstance(caught.value, RefreshRefused)
    assert caught.value.code == "malformed_response"
