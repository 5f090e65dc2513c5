"""X connector: exact API v2 requests and error mapping, against respx.

Exchanges follow the create-post, chunked media upload, metadata, OAuth 2.0 PKCE and
rate-limit pages cited in connectors/x.py.
"""

from __future__ import annotations

import base64
import json
import logging
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.parser import BytesParser
from email.policy import HTTP
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
from connectors.registry import connector_class
from connectors.x import CHUNK_BYTES, DEFAULT_SCOPES, XConnector
from tests.platforms import X_MEDIA_ID, x_upload_routes

API = "https://api.x.com"
TWEETS = f"{API}/2/tweets"
INIT = f"{API}/2/media/upload/initialize"
METADATA = f"{API}/2/media/metadata"
STATUS = f"{API}/2/media/upload"
TOKEN = f"{API}/2/oauth2/token"
ME = f"{API}/2/users/me"
MEDIA_ID = X_MEDIA_ID


# Crier's app on X, as settings hand it in (CRIER_OAUTH_X_CLIENT_ID / _SECRET).
APP_CONFIG = ConnectorConfig(client_id="x-client-id", client_secret="x-client-secret")


@pytest.fixture
def connector() -> Iterator[XConnector]:
    with XConnector(timeout=5, config=APP_CONFIG) as connector:
        yield connector


@pytest.fixture
def credentials() -> Credentials:
    return Credentials(
        external_id="2244994945",
        access_token="x-access-token",
        refresh_token="x-refresh-token",
        extra={"username": "ada"},
    )


@pytest.fixture
def app() -> OAuthApp:
    return OAuthApp(
        client_id="x-client-id",
        client_secret="x-client-secret",
        redirect_uri="https://crier.test/api/v1/accounts/callback/x",
    )


def text(body: str = "Hello X", **kwargs) -> Content:
    return Content(text=body, idempotency_key="delivery-9", **kwargs)


def sent(call) -> dict:
    return json.loads(call.request.content)


def created(post_id: str = "1445880548472328192") -> httpx.Response:
    return httpx.Response(201, json={"data": {"id": post_id, "text": "Hello X"}})


def multipart(request: httpx.Request) -> dict[str, bytes]:
    head = f"Content-Type: {request.headers['content-type']}\r\n\r\n".encode()
    message = BytesParser(policy=HTTP).parsebytes(head + request.content)
    return {
        part.get_param("name", header="content-disposition"): part.get_payload(decode=True)
        for part in message.iter_parts()
    }


def form(request: httpx.Request) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(request.content.decode()).items()}


def basic(client_id: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()


def upload_routes(respx_mock, media_id: str = MEDIA_ID, finalize: dict | None = None):
    routes = x_upload_routes(respx_mock, media_id, finalize)
    return routes["initialize"], routes["append"], routes["finalize"]


# --- registry, counting and validation -------------------------------------------------


def test_registry_entry_is_the_x_connector():
    cls = connector_class("x")

    assert cls is XConnector
    assert cls.limits.max_chars == 280
    assert cls.limits.max_images == 4
    assert cls.limits.max_videos == 1
    assert cls.connection == "oauth"
    assert cls.idempotent is False


def test_weighted_length_counts_urls_as_23_and_cjk_as_2(connector):
    assert connector.text_length("https://example.com/" + "a" * 100) == 23
    assert connector.text_length("日本語") == 6
    assert connector.text_length("hello") == 5


def test_validate_uses_the_weighted_length(connector):
    assert connector.validate(text("あ" * 140)) == []
    assert [p.code for p in connector.validate(text("あ" * 141))] == ["text_too_long"]
    long_link = "see https://example.com/" + "a" * 400
    assert connector.validate(text(long_link)) == []


def test_validate_media_rules(connector):
    five = tuple(MediaItem(url=f"https://m.test/{i}.png", mime_type="image/png") for i in range(5))
    gif_and_png = (
        MediaItem(url="https://m.test/a.gif", mime_type="image/gif"),
        MediaItem(url="https://m.test/b.png", mime_type="image/png"),
    )
    long_video = (
        MediaItem(url="https://m.test/v.mp4", mime_type="video/mp4", duration=141, fps=30),
    )
    long_alt = (MediaItem(url="https://m.test/a.png", mime_type="image/png", alt_text="x" * 1001),)

    assert [p.code for p in connector.validate(text(media=five))] == ["too_many_images"]
    assert [p.code for p in connector.validate(text(media=gif_and_png))] == ["gif_alone"]
    assert [p.code for p in connector.validate(text(media=long_video))] == ["video_too_long"]
    assert [p.code for p in connector.validate(text(media=long_alt))] == ["alt_text_too_long"]


def test_validate_checks_each_thread_item_and_reply_settings(connector):
    problems = connector.validate(
        text(thread=("fine", "x" * 281), options={"reply_settings": "anyone"})
    )

    assert {(p.code, p.field) for p in problems} == {
        ("text_too_long", "thread[1]"),
        ("option_choice", "options.reply_settings"),
    }


# --- publishing ------------------------------------------------------------------------


def test_text_post_sends_the_bearer_token_and_documented_body(connector, respx_mock, credentials):
    route = respx_mock.post(TWEETS).mock(return_value=created())

    published = connector.publish(text(options={"reply_settings": "following"}), credentials)

    assert route.calls.last.request.headers["Authorization"] == "Bearer x-access-token"
    assert sent(route.calls.last) == {"text": "Hello X", "reply_settings": "following"}
    assert published == Published(
        state="published",
        external_id="1445880548472328192",
        url="https://x.com/ada/status/1445880548472328192",
    )


def test_image_is_uploaded_in_chunks_given_alt_text_then_attached(
    connector, respx_mock, credentials
):
    payload = b"\x89PNG" + b"\0" * (CHUNK_BYTES + 10)
    respx_mock.get("https://media.crier.test/a.png").respond(200, content=payload)
    init, append, finalize = upload_routes(respx_mock)
    metadata = respx_mock.post(METADATA).respond(200, json={"data": {"id": MEDIA_ID}})
    route = respx_mock.post(TWEETS).mock(return_value=created())
    image = (
        MediaItem(url="https://media.crier.test/a.png", mime_type="image/png", alt_text="A cat"),
    )

    connector.publish(text(media=image), credentials)

    assert init.calls.last.request.headers["Authorization"] == "Bearer x-access-token"
    assert sent(init.calls.last) == {
        "media_type": "image/png",
        "total_bytes": len(payload),
        "media_category": "tweet_image",
    }
    chunks = [multipart(call.request) for call in append.calls]
    assert [chunk["segment_index"] for chunk in chunks] == [b"0", b"1"]
    assert b"".join(chunk["media"] for chunk in chunks) == payload
    assert finalize.calls.last.request.content == b""
    assert sent(metadata.calls.last) == {
        "id": MEDIA_ID,
        "metadata": {"alt_text": {"text": "A cat"}},
    }
    assert sent(route.calls.last) == {"text": "Hello X", "media": {"media_ids": [MEDIA_ID]}}


def test_media_only_post_sends_empty_text_as_the_openapi_requires(
    connector, respx_mock, credentials
):
    respx_mock.get("https://media.crier.test/a.png").respond(200, content=b"\x89PNG")
    upload_routes(respx_mock)
    route = respx_mock.post(TWEETS).mock(return_value=created())
    image = (MediaItem(url="https://media.crier.test/a.png", mime_type="image/png"),)

    connector.publish(text("", media=image), credentials)

    assert sent(route.calls.last) == {"text": "", "media": {"media_ids": [MEDIA_ID]}}


def test_a_refused_alt_text_is_logged_and_the_post_still_goes_out(
    connector, respx_mock, credentials, caplog
):
    respx_mock.get("https://media.crier.test/a.png").respond(200, content=b"\x89PNG")
    upload_routes(respx_mock)
    metadata = respx_mock.post(METADATA).respond(
        400, json={"title": "Invalid Request", "detail": "One or more parameters are invalid."}
    )
    route = respx_mock.post(TWEETS).mock(return_value=created())
    image = (
        MediaItem(url="https://media.crier.test/a.png", mime_type="image/png", alt_text="A cat"),
    )

    with caplog.at_level(logging.WARNING, logger="connectors.x"):
        published = connector.publish(text(media=image), credentials)

    assert metadata.called
    assert published.state == "published"
    assert sent(route.calls.last) == {"text": "Hello X", "media": {"media_ids": [MEDIA_ID]}}
    assert f"X refused alt text for media {MEDIA_ID}" in caplog.text


def test_video_alt_text_is_not_sent_as_metadata_which_x_takes_for_images_and_gifs_only(
    connector, respx_mock, credentials
):
    respx_mock.get("https://media.crier.test/v.mp4").respond(200, content=b"mp4" * 10)
    upload_routes(respx_mock, finalize={"processing_info": {"state": "succeeded"}})
    metadata = respx_mock.post(METADATA).respond(200, json={"data": {"id": MEDIA_ID}})
    route = respx_mock.post(TWEETS).mock(return_value=created())
    video = (
        MediaItem(url="https://media.crier.test/v.mp4", mime_type="video/mp4", alt_text="A cat"),
    )

    connector.publish(text(media=video), credentials)

    assert not metadata.called
    assert sent(route.calls.last) == {"text": "Hello X", "media": {"media_ids": [MEDIA_ID]}}


def test_gif_alt_text_is_sent_as_metadata(connector, respx_mock, credentials):
    respx_mock.get("https://media.crier.test/a.gif").respond(200, content=b"GIF89a")
    upload_routes(respx_mock, finalize={"processing_info": {"state": "succeeded"}})
    metadata = respx_mock.post(METADATA).respond(200, json={"data": {"id": MEDIA_ID}})
    respx_mock.post(TWEETS).mock(return_value=created())
    gif = (MediaItem(url="https://media.crier.test/a.gif", mime_type="image/gif", alt_text="Dog"),)

    connector.publish(text(media=gif), credentials)

    assert sent(metadata.calls.last) == {"id": MEDIA_ID, "metadata": {"alt_text": {"text": "Dog"}}}


def test_video_that_finished_processing_by_the_status_check_is_posted(
    connector, respx_mock, credentials
):
    respx_mock.get("https://media.crier.test/v.mp4").respond(200, content=b"mp4" * 10)
    init, _, _ = upload_routes(
        respx_mock, finalize={"processing_info": {"state": "pending", "check_after_secs": 1}}
    )
    status = respx_mock.get(STATUS, params={"command": "STATUS", "media_id": MEDIA_ID}).respond(
        200, json={"data": {"id": MEDIA_ID, "processing_info": {"state": "succeeded"}}}
    )
    route = respx_mock.post(TWEETS).mock(return_value=created())
    video = (MediaItem(url="https://media.crier.test/v.mp4", mime_type="video/mp4"),)

    connector.publish(text(media=video), credentials)

    assert sent(init.calls.last)["media_category"] == "tweet_video"
    assert status.calls.last.request.headers["Authorization"] == "Bearer x-access-token"
    assert sent(route.calls.last)["media"] == {"media_ids": [MEDIA_ID]}


def test_video_still_processing_posts_nothing_and_leaves_the_post_processing(
    connector, respx_mock, credentials
):
    respx_mock.get("https://media.crier.test/v.mp4").respond(200, content=b"mp4")
    upload_routes(respx_mock, finalize={"processing_info": {"state": "pending"}})
    respx_mock.get(STATUS).respond(
        200,
        json={"data": {"processing_info": {"state": "in_progress", "check_after_secs": 10}}},
    )
    route = respx_mock.post(TWEETS).mock(return_value=created())
    video = (MediaItem(url="https://media.crier.test/v.mp4", mime_type="video/mp4"),)

    published = connector.publish(text(media=video), credentials)

    assert published == Published(state="processing", handle=MEDIA_ID)
    assert not route.called


def status_route(respx_mock, state: str, media_id: str = MEDIA_ID, **extra):
    return respx_mock.get(STATUS, params={"command": "STATUS", "media_id": media_id}).respond(
        200, json={"data": {"id": media_id, "processing_info": {"state": state, **extra}}}
    )


def test_poll_keeps_waiting_while_x_processes_the_video(connector, respx_mock, credentials):
    status = status_route(respx_mock, "in_progress", check_after_secs=5)
    route = respx_mock.post(TWEETS)

    published = connector.poll(MEDIA_ID, credentials, content=text())

    assert status.calls.last.request.headers["Authorization"] == "Bearer x-access-token"
    assert published == Published(state="processing", handle=MEDIA_ID)
    assert not route.called


def test_poll_posts_the_thread_from_the_content_once_the_video_is_ready(
    connector, respx_mock, credentials
):
    status_route(respx_mock, "succeeded")
    route = respx_mock.post(TWEETS).mock(side_effect=[created("1"), created("2")])
    video = (MediaItem(url="https://media.crier.test/v.mp4", mime_type="video/mp4"),)

    published = connector.poll(
        MEDIA_ID, credentials, content=text("one", media=video, thread=("two",))
    )

    assert [sent(call) for call in route.calls] == [
        {"text": "one", "media": {"media_ids": [MEDIA_ID]}},
        {"text": "two", "reply": {"in_reply_to_tweet_id": "1"}},
    ]
    assert published == Published(
        state="published", external_id="1", url="https://x.com/ada/status/1"
    )


def test_poll_of_media_x_failed_to_process_is_permanent(connector, respx_mock, credentials):
    status_route(
        respx_mock, "failed", error={"name": "InvalidMedia", "message": "Unsupported video"}
    )

    with pytest.raises(PermanentError, match="Unsupported video") as caught:
        connector.poll(MEDIA_ID, credentials, content=text())

    assert caught.value.code == "InvalidMedia"


def test_poll_without_the_post_fails_clearly_instead_of_posting_blind(
    connector, respx_mock, credentials
):
    status_route(respx_mock, "succeeded")

    with pytest.raises(PermanentError) as caught:
        connector.poll(MEDIA_ID, credentials)

    assert caught.value.code == "post_needs_content"


def test_an_unconfirmed_post_during_poll_is_never_polled_again(connector, respx_mock, credentials):
    status_route(respx_mock, "succeeded")
    respx_mock.post(TWEETS).mock(side_effect=httpx.ReadTimeout("slow"))

    with pytest.raises(PermanentError) as caught:
        connector.poll(MEDIA_ID, credentials, content=text())

    assert caught.value.code == "outcome_unknown"
    assert "may be live" in caught.value.message


def test_a_rate_limited_post_during_poll_is_polled_again(connector, respx_mock, credentials):
    status_route(respx_mock, "succeeded")
    respx_mock.post(TWEETS).respond(429, headers={"x-rate-limit-reset": "0"})

    with pytest.raises(RateLimited):
        connector.poll(MEDIA_ID, credentials, content=text())


def test_media_that_x_fails_to_process_is_permanent(connector, respx_mock, credentials):
    respx_mock.get("https://media.crier.test/v.mp4").respond(200, content=b"mp4")
    upload_routes(
        respx_mock,
        finalize={
            "processing_info": {
                "state": "failed",
                "error": {"code": 1, "name": "InvalidMedia", "message": "Unsupported video"},
            }
        },
    )
    video = (MediaItem(url="https://media.crier.test/v.mp4", mime_type="video/mp4"),)

    with pytest.raises(PermanentError, match="Unsupported video") as caught:
        connector.publish(text(media=video), credentials)

    assert caught.value.code == "InvalidMedia"


def test_gif_uses_the_gif_category(connector, respx_mock, credentials):
    respx_mock.get("https://media.crier.test/a.gif").respond(200, content=b"GIF89a")
    init, _, _ = upload_routes(respx_mock)
    respx_mock.post(TWEETS).mock(return_value=created())
    gif = (MediaItem(url="https://media.crier.test/a.gif", mime_type="image/gif"),)

    connector.publish(text(media=gif), credentials)

    assert sent(init.calls.last)["media_category"] == "tweet_gif"


def test_thread_items_reply_to_the_previous_post(connector, respx_mock, credentials):
    route = respx_mock.post(TWEETS).mock(side_effect=[created("1"), created("2"), created("3")])

    published = connector.publish(text("one", thread=("two", "three")), credentials)

    assert [sent(call) for call in route.calls] == [
        {"text": "one"},
        {"text": "two", "reply": {"in_reply_to_tweet_id": "1"}},
        {"text": "three", "reply": {"in_reply_to_tweet_id": "2"}},
    ]
    assert published.external_id == "1"


def test_a_delayed_thread_item_replies_to_the_post_it_answers(connector, respx_mock, credentials):
    route = respx_mock.post(TWEETS).mock(side_effect=[created("2"), created("3")])

    published = connector.publish(
        text("two", thread=("three",), reply_to="1445880548472328192"), credentials
    )

    assert [sent(call) for call in route.calls] == [
        {"text": "two", "reply": {"in_reply_to_tweet_id": "1445880548472328192"}},
        {"text": "three", "reply": {"in_reply_to_tweet_id": "2"}},
    ]
    assert published.external_id == "2"


def test_a_thread_failing_after_the_first_post_is_ambiguous(connector, respx_mock, credentials):
    respx_mock.post(TWEETS).mock(
        side_effect=[created("1"), httpx.Response(503, json={"title": "Service Unavailable"})]
    )

    with pytest.raises(TransientError) as caught:
        connector.publish(text("one", thread=("two",)), credentials)

    assert caught.value.ambiguous is True
    assert caught.value.code == "thread_incomplete"
    assert "(1)" in caught.value.message


def test_post_url_falls_back_without_a_username(connector, respx_mock):
    respx_mock.post(TWEETS).mock(return_value=created("77"))

    published = connector.publish(text(), Credentials(external_id="1", access_token="t"))

    assert published.url == "https://x.com/i/web/status/77"


# --- errors ----------------------------------------------------------------------------


def test_429_reads_the_reset_header(connector, respx_mock, credentials):
    reset = int(time.time()) + 600
    respx_mock.post(TWEETS).respond(
        429,
        headers={
            "x-rate-limit-limit": "100",
            "x-rate-limit-remaining": "0",
            "x-rate-limit-reset": str(reset),
        },
        json={"title": "Too Many Requests", "detail": "Too Many Requests", "type": "about:blank"},
    )

    with pytest.raises(RateLimited) as caught:
        connector.publish(text(), credentials)

    assert 590 < caught.value.retry_after <= 600


def test_the_24_hour_user_cap_outlasts_the_15_minute_window(connector, respx_mock, credentials):
    now = int(time.time())
    respx_mock.post(TWEETS).respond(
        429,
        headers={
            "x-rate-limit-reset": str(now + 300),
            "x-user-limit-24hour-limit": "100",
            "x-user-limit-24hour-remaining": "0",
            "x-user-limit-24hour-reset": str(now + 20_000),
        },
        json={"title": "Too Many Requests", "detail": "Too Many Requests", "type": "about:blank"},
    )

    with pytest.raises(RateLimited) as caught:
        connector.publish(text(), credentials)

    assert 19_990 < caught.value.retry_after <= 20_000


def test_expired_token_is_auth_expired(connector, respx_mock, credentials):
    respx_mock.post(TWEETS).respond(
        401,
        json={
            "title": "Unauthorized",
            "type": "about:blank",
            "status": 401,
            "detail": "Unauthorized",
        },
    )

    with pytest.raises(AuthExpired):
        connector.publish(text(), credentials)


def test_duplicate_content_is_permanent_with_xs_message(connector, respx_mock, credentials):
    detail = "You are not allowed to create a Tweet with duplicate content."
    respx_mock.post(TWEETS).respond(
        403, json={"detail": detail, "type": "about:blank", "title": "Forbidden", "status": 403}
    )

    with pytest.raises(PermanentError) as caught:
        connector.publish(text(), credentials)

    assert caught.value.message == detail
    assert caught.value.code == "duplicate_content"
    assert not isinstance(caught.value, AuthExpired)


def test_invalid_request_is_permanent_with_each_reason(connector, respx_mock, credentials):
    respx_mock.post(TWEETS).respond(
        400,
        json={
            "errors": [{"message": "$.media.media_ids: is missing but it is required"}],
            "title": "Invalid Request",
            "detail": "One or more parameters to your request was invalid.",
            "type": "https://api.twitter.com/2/problems/invalid-request",
        },
    )

    with pytest.raises(PermanentError) as caught:
        connector.publish(text(), credentials)

    assert caught.value.message == (
        "One or more parameters to your request was invalid. "
        "$.media.media_ids: is missing but it is required"
    )
    assert caught.value.code == "invalid-request"


def test_monthly_usage_cap_is_rate_limited(connector, respx_mock, credentials):
    respx_mock.post(TWEETS).respond(
        429,
        json={
            "title": "UsageCapExceeded",
            "detail": "Usage cap exceeded: Monthly product cap",
            "type": "https://api.twitter.com/2/problems/usage-capped",
        },
    )

    with pytest.raises(RateLimited) as caught:
        connector.publish(text(), credentials)

    assert caught.value.code == "usage-capped"


def test_unknown_403_is_permanent_not_auth_expired(connector, respx_mock, credentials):
    respx_mock.post(TWEETS).respond(
        403,
        json={
            "title": "Forbidden",
            "detail": "You are not permitted to perform this action.",
            "type": "https://api.twitter.com/2/problems/client-forbidden",
        },
    )

    with pytest.raises(PermanentError) as caught:
        connector.publish(text(), credentials)

    assert not isinstance(caught.value, AuthExpired)


@pytest.mark.parametrize(("status", "ambiguous"), [(500, True), (503, False), (504, True)])
def test_server_errors_on_the_post_call_are_transient(
    connector, respx_mock, credentials, status, ambiguous
):
    respx_mock.post(TWEETS).respond(status, json={"title": "Internal Error"})

    with pytest.raises(TransientError) as caught:
        connector.publish(text(), credentials)

    assert caught.value.ambiguous is ambiguous


def test_a_timeout_on_the_post_call_is_ambiguous(connector, respx_mock, credentials):
    respx_mock.post(TWEETS).mock(side_effect=httpx.ReadTimeout("slow"))

    with pytest.raises(TransientError) as caught:
        connector.publish(text(), credentials)

    assert caught.value.ambiguous is True


def test_upload_failures_are_never_ambiguous_and_nothing_is_posted(
    connector, respx_mock, credentials
):
    respx_mock.get("https://media.crier.test/a.png").respond(200, content=b"png")
    respx_mock.post(INIT).respond(500, json={"title": "Internal Error"})
    route = respx_mock.post(TWEETS).mock(return_value=created())
    image = (MediaItem(url="https://media.crier.test/a.png", mime_type="image/png"),)

    with pytest.raises(TransientError) as caught:
        connector.publish(text(media=image), credentials)

    assert caught.value.ambiguous is False
    assert not route.called


def test_a_post_answer_without_id_is_ambiguous(connector, respx_mock, credentials):
    respx_mock.post(TWEETS).respond(201, json={"data": {}})

    with pytest.raises(TransientError) as caught:
        connector.publish(text(), credentials)

    assert caught.value.ambiguous is True


# --- OAuth -----------------------------------------------------------------------------


def test_authorization_url_carries_pkce_state_scopes_and_redirect(connector, app):
    url = connector.authorization_url(app, state="state-123", code_challenge="challenge-abc")

    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == "https://x.com/i/oauth2/authorize"
    assert {key: values[0] for key, values in parse_qs(parts.query).items()} == {
        "response_type": "code",
        "client_id": "x-client-id",
        "redirect_uri": "https://crier.test/api/v1/accounts/callback/x",
        "scope": DEFAULT_SCOPES,
        "state": "state-123",
        "code_challenge": "challenge-abc",
        "code_challenge_method": "S256",
    }
    assert "offline.access" in DEFAULT_SCOPES.split()
    assert "media.write" in DEFAULT_SCOPES.split()


def test_code_exchange_sends_the_verifier_and_reads_the_user(connector, respx_mock, app):
    token = respx_mock.post(TOKEN).respond(
        200,
        json={
            "token_type": "bearer",
            "expires_in": 7200,
            "access_token": "new-access",
            "scope": DEFAULT_SCOPES,
            "refresh_token": "new-refresh",
        },
    )
    me = respx_mock.get(ME, params={"user.fields": "profile_image_url"}).respond(
        200,
        json={
            "data": {
                "id": "2244994945",
                "name": "Ada Lovelace",
                "username": "ada",
                "profile_image_url": "https://pbs.test/ada.jpg",
            }
        },
    )

    credentials, profile = connector.exchange_code(app, code="code-1", code_verifier="verifier-1")

    request = token.calls.last.request
    assert request.headers["Authorization"] == basic("x-client-id", "x-client-secret")
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert form(request) == {
        "code": "code-1",
        "grant_type": "authorization_code",
        "client_id": "x-client-id",
        "redirect_uri": "https://crier.test/api/v1/accounts/callback/x",
        "code_verifier": "verifier-1",
    }
    assert me.calls.last.request.headers["Authorization"] == "Bearer new-access"
    assert credentials.external_id == "2244994945"
    assert credentials.refresh_token == "new-refresh"
    assert credentials.extra == {"username": "ada"}
    assert abs(credentials.expires_at - (datetime.now(UTC) + timedelta(hours=2))) < timedelta(
        minutes=1
    )
    assert profile.username == "ada"
    assert profile.display_name == "Ada Lovelace"
    assert profile.avatar_url == "https://pbs.test/ada.jpg"


def test_public_clients_exchange_without_basic_auth(connector, respx_mock):
    token = respx_mock.post(TOKEN).respond(200, json={"access_token": "a", "expires_in": 7200})
    respx_mock.get(ME).respond(200, json={"data": {"id": "1", "username": "u", "name": "U"}})
    public = OAuthApp(client_id="public-id", client_secret="", redirect_uri="https://c.test/cb")

    connector.exchange_code(public, code="c", code_verifier="v")

    assert "Authorization" not in token.calls.last.request.headers


def test_a_refused_code_is_permanent_with_xs_reason(connector, respx_mock, app):
    respx_mock.post(TOKEN).respond(
        400,
        json={
            "error": "invalid_request",
            "error_description": "Value passed for the token was invalid.",
        },
    )

    with pytest.raises(PermanentError, match="Value passed for the token was invalid"):
        connector.exchange_code(app, code="bad", code_verifier="v")


def test_refresh_posts_the_grant_and_takes_the_rotated_token(connector, respx_mock, credentials):
    route = respx_mock.post(TOKEN).respond(
        200, json={"access_token": "fresh", "refresh_token": "rotated", "expires_in": 7200}
    )

    refreshed = connector.refresh(credentials)

    request = route.calls.last.request
    assert request.headers["Authorization"] == basic("x-client-id", "x-client-secret")
    assert form(request) == {
        "refresh_token": "x-refresh-token",
        "grant_type": "refresh_token",
        "client_id": "x-client-id",
    }
    assert refreshed.access_token == "fresh"
    assert refreshed.refresh_token == "rotated"
    assert refreshed.extra == {"username": "ada"}


def test_refresh_keeps_a_refresh_token_x_did_not_replace(connector, respx_mock, credentials):
    respx_mock.post(TOKEN).respond(200, json={"access_token": "fresh", "expires_in": 7200})

    assert connector.refresh(credentials).refresh_token == "x-refresh-token"


@pytest.mark.parametrize("status", [400, 401])
def test_refresh_refusal_is_refresh_refused(connector, respx_mock, credentials, status):
    respx_mock.post(TOKEN).respond(
        status,
        json={
            "error": "invalid_request",
            "error_description": "Value passed for the token was invalid.",
        },
    )

    with pytest.raises(RefreshRefused) as caught:
        connector.refresh(credentials)

    assert caught.value.code == "invalid_request"


@pytest.mark.parametrize(
    "failure", [httpx.Response(503), httpx.Response(500), httpx.ConnectError("down")]
)
def test_refresh_network_and_server_failures_are_transient(
    connector, respx_mock, credentials, failure
):
    route = respx_mock.post(TOKEN)
    if isinstance(failure, Exception):
        route.mock(side_effect=failure)
    else:
        route.mock(return_value=failure)

    with pytest.raises(TransientError) as caught:
        connector.refresh(credentials)

    assert not isinstance(caught.value, RefreshRefused)


def test_refresh_without_a_refresh_token_is_refused_without_a_call(connector):
    with pytest.raises(RefreshRefused):
        connector.refresh(Credentials(external_id="1", access_token="a"))


def test_refresh_without_app_configuration_is_postponed_not_refused(credentials):
    with XConnector() as connector, pytest.raises(TransientError) as caught:
        connector.refresh(credentials)

    assert caught.value.code == "not_configured"


def test_api_and_authorize_urls_and_scopes_come_from_the_configuration(
    respx_mock, credentials, app
):
    config = ConnectorConfig(
        api_url="https://api.twitter.com/",
        authorize_url="https://twitter.com/i/oauth2/authorize",
        scopes="tweet.read tweet.write users.read",
    )
    route = respx_mock.post("https://api.twitter.com/2/tweets").mock(return_value=created())

    with XConnector(config=config) as connector:
        connector.publish(text(), credentials)
        url = connector.authorization_url(app, state="s", code_challenge="c")

    assert route.called
    assert url.startswith("https://twitter.com/i/oauth2/authorize?")
    assert "scope=tweet.read+tweet.write+users.read&" in url
