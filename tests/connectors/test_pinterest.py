"""Pinterest connector: exact v5 requests, video media flow and error mapping, against respx.

Exchanges follow the v5 OpenAPI description (pins/create, media/create, media/get,
oauth/token, user_account/get) cited in connectors/pinterest.py.
"""

from __future__ import annotations

import base64
import json
import time
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from connectors.base import ConnectorConfig, Content, Credentials, MediaItem, OAuthApp, Published
from connectors.errors import (
    AuthExpired,
    PermanentError,
    RateLimited,
    RefreshRefused,
    TransientError,
)
from connectors.pinterest import PinterestConnector
from connectors.registry import connector_class
from tests.platforms import pinterest_media_status, pinterest_register_route

API = "https://api.pinterest.com/v5"
PINS = f"{API}/pins"
MEDIA = f"{API}/media"
TOKEN = f"{API}/oauth/token"
BOARD = "549755885175"
S3 = "https://pinterest-media-upload.s3-accelerate.amazonaws.com/"
BASIC = "Basic " + base64.b64encode(b"pin-app:pin-secret-value").decode()


# Crier's app on Pinterest, as settings hand it in (CRIER_OAUTH_PINTEREST_CLIENT_ID / _SECRET).
APP_CONFIG = ConnectorConfig(client_id="pin-app", client_secret="pin-secret-value")


@pytest.fixture
def connector():
    with PinterestConnector(timeout=5, config=APP_CONFIG) as connector:
        yield connector


@pytest.fixture
def credentials() -> Credentials:
    return Credentials(
        external_id="2783136121146311751",
        access_token="pina_access",
        refresh_token="pinr_refresh",
    )


@pytest.fixture
def app() -> OAuthApp:
    return OAuthApp(
        client_id="pin-app",
        client_secret="pin-secret-value",
        redirect_uri="https://crier.test/api/v1/accounts/callback/pinterest",
    )


def image(name: str, alt: str | None = None) -> MediaItem:
    return MediaItem(url=f"https://media.crier.test/{name}", mime_type="image/jpeg", alt_text=alt)


def clip(**measures) -> MediaItem:
    return MediaItem(url="https://media.crier.test/clip.mp4", mime_type="video/mp4", **measures)


def pin(text: str = "Autumn soup recipe", *media: MediaItem, **options) -> Content:
    return Content(
        text=text,
        idempotency_key="delivery-1",
        media=media,
        options={"board_id": BOARD, **options},
    )


def body(route, index: int = -1) -> dict:
    return json.loads(route.calls[index].request.content)


def created(pin_id: str = "813744226420795884") -> httpx.Response:
    return httpx.Response(
        201, json={"id": pin_id, "board_id": BOARD, "created_at": "2026-11-02T10:00:00"}
    )


# --- image Pins -------------------------------------------------------------------------


def test_registry_entry_is_the_pinterest_connector():
    cls = connector_class("pinterest")
    assert cls is PinterestConnector
    assert cls.limits.max_chars == 800
    assert [option.name for option in cls.options if option.required] == ["board_id"]


def test_image_pin_is_one_request_with_the_board_and_the_image_url(
    connector, respx_mock, credentials
):
    route = respx_mock.post(PINS).mock(return_value=created())

    published = connector.publish(
        pin(
            "Autumn soup recipe",
            image("soup.jpg", alt="A bowl of soup"),
            title="Autumn soup",
            link="https://crier.test/soup",
        ),
        credentials,
    )

    assert route.calls.last.request.headers["Authorization"] == "Bearer pina_access"
    assert body(route) == {
        "board_id": BOARD,
        "title": "Autumn soup",
        "link": "https://crier.test/soup",
        "description": "Autumn soup recipe",
        "alt_text": "A bowl of soup",
        "media_source": {"source_type": "image_url", "url": "https://media.crier.test/soup.jpg"},
    }
    assert published == Published(
        state="published",
        external_id="813744226420795884",
        url="https://www.pinterest.com/pin/813744226420795884/",
    )


def test_several_images_make_a_carousel_pin(connector, respx_mock, credentials):
    route = respx_mock.post(PINS).mock(return_value=created())

    connector.publish(
        pin("Three soups", image("1.jpg"), image("2.jpg"), image("3.jpg"), board_section_id="77"),
        credentials,
    )

    assert body(route) == {
        "board_id": BOARD,
        "board_section_id": "77",
        "description": "Three soups",
        "media_source": {
            "source_type": "multiple_image_urls",
            "items": [
                {"url": "https://media.crier.test/1.jpg"},
                {"url": "https://media.crier.test/2.jpg"},
                {"url": "https://media.crier.test/3.jpg"},
            ],
        },
    }


# --- video Pins -------------------------------------------------------------------------


@pytest.fixture
def registered(respx_mock):
    return pinterest_register_route(respx_mock)


@pytest.fixture
def uploaded(respx_mock):
    respx_mock.get("https://media.crier.test/clip.mp4").respond(200, content=b"MP4BYTES")
    return respx_mock.post(S3).respond(204)


media_status = pinterest_media_status


def test_video_is_registered_uploaded_to_s3_and_pinned_when_ready(
    connector, respx_mock, credentials, registered, uploaded
):
    status = respx_mock.get(f"{MEDIA}/5255843920968240771").mock(
        return_value=media_status("succeeded")
    )
    route = respx_mock.post(PINS).mock(return_value=created("901"))

    published = connector.publish(pin("A soup in 30 s", clip()), credentials)

    assert body(registered) == {"media_type": "video"}
    assert registered.calls.last.request.headers["Authorization"] == "Bearer pina_access"
    s3_request = uploaded.calls.last.request
    assert "authorization" not in s3_request.headers
    form = s3_request.content
    assert b'name="policy"\r\n\r\npolicy-b64' in form
    assert (
        b'name="key"\r\n\r\nuploads/17/4d/be/2:video:704109860400394553:5255843920968240771' in form
    )
    assert b'name="file"; filename="clip.mp4"' in form
    assert form.index(b'name="x-amz-signature"') < form.index(b'name="file"')
    assert b"MP4BYTES" in form
    assert status.calls.last.request.headers["Authorization"] == "Bearer pina_access"
    assert body(route) == {
        "board_id": BOARD,
        "description": "A soup in 30 s",
        "media_source": {
            "source_type": "video_id",
            "media_id": "5255843920968240771",
            "cover_image_key_frame_time": 1,
        },
    }
    assert published.external_id == "901"


def test_video_cover_option_is_sent_as_the_cover_image_url(
    connector, respx_mock, credentials, registered, uploaded
):
    respx_mock.get(f"{MEDIA}/5255843920968240771").mock(return_value=media_status("succeeded"))
    route = respx_mock.post(PINS).mock(return_value=created())

    connector.publish(
        pin("x", clip(), cover_image_url="https://media.crier.test/c.jpg"), credentials
    )

    assert body(route)["media_source"] == {
        "source_type": "video_id",
        "media_id": "5255843920968240771",
        "cover_image_url": "https://media.crier.test/c.jpg",
    }


def test_a_video_still_processing_leaves_the_delivery_processing(
    connector, respx_mock, credentials, registered, uploaded
):
    respx_mock.get(f"{MEDIA}/5255843920968240771").mock(return_value=media_status("processing"))

    published = connector.publish(pin("x", clip()), credentials)

    assert published == Published(state="processing", handle="5255843920968240771")


def test_poll_keeps_waiting_while_pinterest_processes(connector, respx_mock, credentials):
    respx_mock.get(f"{MEDIA}/5255843920968240771").mock(return_value=media_status("registered"))

    assert connector.poll("5255843920968240771", credentials) == Published(
        state="processing", handle="5255843920968240771"
    )


def test_poll_creates_the_pin_once_ready_when_given_the_post(connector, respx_mock, credentials):
    respx_mock.get(f"{MEDIA}/5255843920968240771").mock(return_value=media_status("succeeded"))
    route = respx_mock.post(PINS).mock(return_value=created("902"))

    published = connector.poll("5255843920968240771", credentials, content=pin("Soup", clip()))

    assert body(route)["media_source"]["media_id"] == "5255843920968240771"
    assert published.external_id == "902"


def test_poll_without_the_post_fails_clearly_instead_of_pinning_blind(
    connector, respx_mock, credentials
):
    respx_mock.get(f"{MEDIA}/5255843920968240771").mock(return_value=media_status("succeeded"))

    with pytest.raises(PermanentError) as caught:
        connector.poll("5255843920968240771", credentials)

    assert caught.value.code == "pin_needs_content"


def test_an_unconfirmed_pin_during_poll_is_not_retried(connector, respx_mock, credentials):
    respx_mock.get(f"{MEDIA}/5255843920968240771").mock(return_value=media_status("succeeded"))
    respx_mock.post(PINS).mock(side_effect=httpx.ReadTimeout("slow"))

    with pytest.raises(PermanentError) as caught:
        connector.poll("5255843920968240771", credentials, content=pin("Soup", clip()))

    assert caught.value.code == "outcome_unknown"
    assert "may have been created" in caught.value.message


def test_failed_media_processing_is_permanent(connector, respx_mock, credentials):
    respx_mock.get(f"{MEDIA}/5255843920968240771").mock(return_value=media_status("failed"))

    with pytest.raises(PermanentError) as caught:
        connector.poll("5255843920968240771", credentials)

    assert caught.value.code == "media_failed"


@pytest.mark.respx(assert_all_called=False)
def test_s3_upload_failure_is_unambiguous_and_pins_nothing(
    connector, respx_mock, credentials, registered
):
    respx_mock.get("https://media.crier.test/clip.mp4").respond(200, content=b"MP4")
    respx_mock.post(S3).respond(500, text="<Error><Code>InternalError</Code></Error>")
    route = respx_mock.post(PINS).mock(return_value=created())

    with pytest.raises(TransientError) as caught:
        connector.publish(pin("x", clip()), credentials)

    assert caught.value.ambiguous is False
    assert not route.called


# --- errors -----------------------------------------------------------------------------


def test_authentication_failure_is_auth_expired(connector, respx_mock, credentials):
    respx_mock.post(PINS).respond(401, json={"code": 2, "message": "Authentication failed."})

    with pytest.raises(AuthExpired) as caught:
        connector.publish(pin("x", image("a.jpg")), credentials)

    assert not isinstance(caught.value, RefreshRefused)
    assert caught.value.code == "2"


def test_rate_limit_reads_the_reset_header(connector, respx_mock, credentials):
    respx_mock.post(PINS).respond(
        429,
        headers={"X-RateLimit-Reset": str(int(time.time()) + 90)},
        json={
            "code": 8,
            "message": "This request exceeded a rate limit. This can happen if the client "
            "exceeds one of the published rate limits within a short time window.",
        },
    )

    with pytest.raises(RateLimited) as caught:
        connector.publish(pin("x", image("a.jpg")), credentials)

    assert 80 <= caught.value.retry_after <= 90
    assert caught.value.code == "8"


@pytest.mark.parametrize(
    ("status", "code", "message"),
    [
        (
            400,
            1,
            "Whoops! It looks like you entered an invalid URL. "
            "Try creating a Pin again with a valid URL.",
        ),
        (404, 40, "Board not found."),
        (403, 29, "You are not permitted to access that resource."),
    ],
)
def test_validation_and_access_errors_are_permanent_with_pinterests_message(
    connector, respx_mock, credentials, status, code, message
):
    respx_mock.post(PINS).respond(status, json={"code": code, "message": message})

    with pytest.raises(PermanentError) as caught:
        connector.publish(pin("x", image("a.jpg")), credentials)

    assert not isinstance(caught.value, AuthExpired)
    assert caught.value.message == message
    assert caught.value.code == str(code)


@pytest.mark.parametrize(("status", "ambiguous"), [(500, True), (502, True), (503, False)])
def test_server_errors_creating_the_pin_are_transient(
    connector, respx_mock, credentials, status, ambiguous
):
    respx_mock.post(PINS).respond(status, json={"code": 0, "message": "Internal error"})

    with pytest.raises(TransientError) as caught:
        connector.publish(pin("x", image("a.jpg")), credentials)

    assert caught.value.ambiguous is ambiguous


# --- validation -------------------------------------------------------------------------


def codes(connector: PinterestConnector, content: Content) -> list[str]:
    return [problem.code for problem in connector.validate(content)]


def test_validate_requires_a_board_and_media(connector):
    no_board = Content(text="x", idempotency_key="k", media=(image("a.jpg"),))
    assert codes(connector, no_board) == ["option_required"]
    assert codes(connector, pin("x")) == ["media_required"]
    assert codes(connector, pin("x", image("a.jpg"), board_id="my-board")) == ["board_id"]
    # PinCreate.board_section_id is digits too (^\\d+$ in the v5 OpenAPI).
    sectioned = pin("x", image("a.jpg"), board_section_id="launches")
    assert codes(connector, sectioned) == ["board_section_id"]


def test_validate_checks_text_title_link_and_alt_text(connector):
    assert codes(connector, pin("x" * 801, image("a.jpg"))) == ["text_too_long"]
    assert codes(connector, pin("x", image("a.jpg"), title="t" * 101)) == ["title_too_long"]
    assert codes(connector, pin("x", image("a.jpg"), link="crier.test")) == ["link_invalid"]
    assert codes(connector, pin("x", image("a.jpg", alt="a" * 501))) == ["alt_text_too_long"]


def test_validate_checks_media_counts_and_video_length(connector):
    assert codes(connector, pin("x", *(image(f"{n}.jpg") for n in range(6)))) == ["too_many_images"]
    assert codes(connector, pin("x", image("a.jpg"), clip())) == ["mixed_media"]
    assert codes(connector, pin("x", clip(duration=3))) == ["video_too_short"]
    assert codes(connector, pin("x", clip(duration=30))) == []


# --- OAuth ------------------------------------------------------------------------------


def test_authorization_url_carries_client_redirect_scopes_and_state(connector, app):
    url = connector.authorization_url(app, state="state-p", code_challenge="unused")

    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == "https://www.pinterest.com/oauth/"
    assert parse_qs(parts.query) == {
        "client_id": ["pin-app"],
        "redirect_uri": ["https://crier.test/api/v1/accounts/callback/pinterest"],
        "response_type": ["code"],
        # POST /v5/pins needs boards:read, boards:write, pins:read and pins:write (v5 OpenAPI).
        "scope": ["boards:read,boards:write,pins:read,pins:write,user_accounts:read"],
        "state": ["state-p"],
    }


def test_code_exchange_uses_basic_auth_and_reads_the_user_account(connector, respx_mock, app):
    token = respx_mock.post(TOKEN).respond(
        200,
        json={
            "access_token": "pina_new",
            "refresh_token": "pinr_new",
            "response_type": "authorization_code",
            "token_type": "bearer",
            "expires_in": 2592000,
            "refresh_token_expires_in": 5184000,
            "scope": "boards:read,pins:read,pins:write,user_accounts:read",
        },
    )
    me = respx_mock.get(f"{API}/user_account").respond(
        200,
        json={
            "account_type": "BUSINESS",
            "id": "2783136121146311751",
            "username": "crier_kitchen",
            "business_name": "Crier Kitchen",
            "profile_image": "https://i.pinimg.test/p.jpg",
        },
    )

    credentials, profile = connector.exchange_code(app, code="auth-code", code_verifier="unused")

    request = token.calls.last.request
    assert request.headers["Authorization"] == BASIC
    assert parse_qs(request.content.decode()) == {
        "grant_type": ["authorization_code"],
        "code": ["auth-code"],
        "redirect_uri": ["https://crier.test/api/v1/accounts/callback/pinterest"],
        "continuous_refresh": ["true"],
    }
    assert me.calls.last.request.headers["Authorization"] == "Bearer pina_new"
    assert (credentials.external_id, credentials.access_token, credentials.refresh_token) == (
        "2783136121146311751",
        "pina_new",
        "pinr_new",
    )
    assert credentials.expires_at is not None
    assert (profile.username, profile.display_name, profile.avatar_url) == (
        "crier_kitchen",
        "Crier Kitchen",
        "https://i.pinimg.test/p.jpg",
    )


def test_a_refused_code_is_permanent_with_pinterests_reason(connector, respx_mock, app):
    respx_mock.post(TOKEN).respond(400, json={"code": 1, "message": "Invalid authorization code."})

    with pytest.raises(PermanentError) as caught:
        connector.exchange_code(app, code="old", code_verifier="v")

    assert caught.value.message == "Invalid authorization code."


def test_refresh_posts_the_grant_with_basic_auth_and_takes_the_rotated_token(
    connector, respx_mock, credentials
):
    route = respx_mock.post(TOKEN).respond(
        200,
        json={
            "access_token": "pina_2",
            "refresh_token": "pinr_2",
            "response_type": "refresh_token",
            "token_type": "bearer",
            "expires_in": 2592000,
            "refresh_token_expires_in": 5184000,
            "refresh_token_expires_at": 1800000000,
            "scope": "pins:write",
        },
    )

    refreshed = connector.refresh(credentials)

    assert route.calls.last.request.headers["Authorization"] == BASIC
    assert parse_qs(route.calls.last.request.content.decode()) == {
        "grant_type": ["refresh_token"],
        "refresh_token": ["pinr_refresh"],
    }
    assert (refreshed.access_token, refreshed.refresh_token) == ("pina_2", "pinr_2")
    assert refreshed.external_id == credentials.external_id


def test_refresh_keeps_the_refresh_token_when_none_comes_back(connector, respx_mock, credentials):
    respx_mock.post(TOKEN).respond(200, json={"access_token": "pina_2", "expires_in": 60})

    assert connector.refresh(credentials).refresh_token == "pinr_refresh"


@pytest.mark.parametrize("status", [400, 401])
def test_refresh_refusal_is_refresh_refused(connector, respx_mock, credentials, status):
    respx_mock.post(TOKEN).respond(status, json={"code": 2, "message": "Authentication failed."})

    with pytest.raises(RefreshRefused) as caught:
        connector.refresh(credentials)

    assert caught.value.message == "Authentication failed."


@pytest.mark.parametrize(
    "failure", [httpx.Response(502), httpx.Response(429), httpx.ConnectTimeout("slow")]
)
def test_refresh_passing_failures_are_transient(connector, respx_mock, credentials, failure):
    route = respx_mock.post(TOKEN)
    if isinstance(failure, Exception):
        route.mock(side_effect=failure)
    else:
        route.mock(return_value=failure)

    with pytest.raises(TransientError) as caught:
        connector.refresh(credentials)

    assert not isinstance(caught.value, RefreshRefused)


def test_refresh_without_a_refresh_token_is_refused_without_a_call(connector):
    with pytest.raises(RefreshRefused) as caught:
        connector.refresh(Credentials(external_id="1", access_token="t"))

    assert caught.value.code == "no_refresh_token"


def test_refresh_without_app_configuration_is_postponed(credentials):
    with PinterestConnector() as connector, pytest.raises(TransientError) as caught:
        connector.refresh(credentials)

    assert caught.value.code == "not_configured"
