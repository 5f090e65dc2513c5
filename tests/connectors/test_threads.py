"""Threads connector: exact Graph requests (containers, publish, tokens), against respx.

Exchanges follow the Posts, publishing reference, long-lived token and error-handling pages
cited in connectors/threads.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
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
from connectors.threads import DEFAULT_SCOPES, ThreadsConnector
from tests.platforms import graph_error

GRAPH = "https://graph.threads.net"
USER = "17841400008460056"
THREADS = f"{GRAPH}/v1.0/{USER}/threads"
PUBLISH = f"{GRAPH}/v1.0/{USER}/threads_publish"
TOKEN = "threads-long-lived-token"


@pytest.fixture
def connector() -> Iterator[ThreadsConnector]:
    with ThreadsConnector(timeout=5) as connector:
        yield connector


@pytest.fixture
def credentials() -> Credentials:
    return Credentials(external_id=USER, access_token=TOKEN, extra={"username": "ada"})


@pytest.fixture
def app() -> OAuthApp:
    return OAuthApp(
        client_id="990602627938098",
        client_secret="threads-app-secret",
        redirect_uri="https://crier.test/api/v1/accounts/callback/threads",
    )


def text(body: str = "Hello Threads", **kwargs) -> Content:
    return Content(text=body, idempotency_key="delivery-5", **kwargs)


def form(call) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(call.request.content.decode()).items()}


def query(call) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(call.request.url.query.decode()).items()}


def permalink_route(respx_mock, post_id: str, url: str | None = None):
    return respx_mock.get(f"{GRAPH}/v1.0/{post_id}", params={"fields": "permalink"}).respond(
        200,
        json={"id": post_id, "permalink": url or f"https://www.threads.net/@ada/post/{post_id}"},
    )


# --- registry, counting and validation -------------------------------------------------


def test_registry_entry_is_the_threads_connector():
    cls = connector_class("threads")

    assert cls is ThreadsConnector
    assert cls.limits.max_chars == 500
    assert cls.limits.min_fps == 23
    assert cls.connection == "oauth"
    assert cls.idempotent is False


def test_emoji_count_as_their_utf8_bytes(connector):
    assert connector.text_length("hello") == 5
    assert connector.text_length("é") == 1
    assert connector.text_length("👍") == 4
    assert connector.validate(text("a" * 496 + "👍")) == []
    assert [p.code for p in connector.validate(text("a" * 497 + "👍"))] == ["text_too_long"]


def test_validate_carousel_size_fps_and_alt_text(connector):
    many = tuple(
        MediaItem(url=f"https://m.test/{i}.jpg", mime_type="image/jpeg") for i in range(21)
    )
    slow = (MediaItem(url="https://m.test/v.mp4", mime_type="video/mp4", fps=15),)
    fast = (MediaItem(url="https://m.test/v.mp4", mime_type="video/mp4", fps=120),)
    alt = (MediaItem(url="https://m.test/a.png", mime_type="image/png", alt_text="x" * 1001),)

    assert "too_many_media" in [p.code for p in connector.validate(text(media=many))]
    assert [p.code for p in connector.validate(text(media=slow))] == ["frame_rate_too_low"]
    assert [p.code for p in connector.validate(text(media=fast))] == ["frame_rate_too_high"]
    assert [p.code for p in connector.validate(text(media=alt))] == ["alt_text_too_long"]


def test_validate_takes_follow_ups_on_a_media_post_and_refuses_bad_reply_control(connector):
    image = (MediaItem(url="https://m.test/a.png", mime_type="image/png"),)

    problems = connector.validate(
        text(media=image, thread=("more",), options={"reply_control": "nobody"})
    )

    assert {p.code for p in problems} == {"option_choice"}


# --- publishing ------------------------------------------------------------------------


def test_text_post_is_published_in_one_call_with_auto_publish(connector, respx_mock, credentials):
    route = respx_mock.post(THREADS).respond(200, json={"id": "1800"})
    permalink_route(respx_mock, "1800")

    published = connector.publish(
        text(options={"reply_control": "accounts_you_follow"}), credentials
    )

    assert form(route.calls.last) == {
        "media_type": "TEXT",
        "text": "Hello Threads",
        "auto_publish_text": "true",
        "reply_control": "accounts_you_follow",
        "access_token": TOKEN,
    }
    assert published == Published(
        state="published", external_id="1800", url="https://www.threads.net/@ada/post/1800"
    )


def test_follow_ups_reply_to_the_previous_post(connector, respx_mock, credentials):
    route = respx_mock.post(THREADS).mock(
        side_effect=[httpx.Response(200, json={"id": str(n)}) for n in (1, 2, 3)]
    )
    permalink_route(respx_mock, "1")

    published = connector.publish(text("one", thread=("two", "three")), credentials)

    bodies = [form(call) for call in route.calls]
    assert [body.get("reply_to_id") for body in bodies] == [None, "1", "2"]
    assert [body["text"] for body in bodies] == ["one", "two", "three"]
    assert all(body["auto_publish_text"] == "true" for body in bodies)
    assert published.external_id == "1"


def test_a_delayed_thread_item_replies_to_the_post_it_answers(connector, respx_mock, credentials):
    route = respx_mock.post(THREADS).mock(
        side_effect=[httpx.Response(200, json={"id": str(n)}) for n in (1802, 1803)]
    )
    permalink_route(respx_mock, "1802")

    published = connector.publish(
        text(
            "later",
            thread=("more",),
            options={"reply_control": "mentioned_only"},
            reply_to="1800",
        ),
        credentials,
    )

    assert [form(call) for call in route.calls] == [
        {
            "media_type": "TEXT",
            "text": "later",
            "auto_publish_text": "true",
            "reply_control": "mentioned_only",
            "reply_to_id": "1800",
            "access_token": TOKEN,
        },
        {
            "media_type": "TEXT",
            "text": "more",
            "reply_to_id": "1802",
            "auto_publish_text": "true",
            "access_token": TOKEN,
        },
    ]
    assert published.external_id == "1802"


def test_a_thread_failing_after_the_root_is_ambiguous(connector, respx_mock, credentials):
    respx_mock.post(THREADS).mock(
        side_effect=[
            httpx.Response(200, json={"id": "1"}),
            httpx.Response(400, json=graph_error(4, "Application request limit reached")),
        ]
    )

    with pytest.raises(TransientError) as caught:
        connector.publish(text("one", thread=("two",)), credentials)

    assert caught.value.code == "thread_incomplete"
    assert caught.value.ambiguous is True


def test_a_lost_permalink_does_not_fail_a_published_post(connector, respx_mock, credentials):
    respx_mock.post(THREADS).respond(200, json={"id": "1800"})
    respx_mock.get(f"{GRAPH}/v1.0/1800").respond(500, json=graph_error(1, "An unknown error"))

    published = connector.publish(text(), credentials)

    assert published == Published(state="published", external_id="1800", url=None)


def test_single_image_creates_a_container_and_returns_processing(
    connector, respx_mock, credentials
):
    route = respx_mock.post(THREADS).respond(200, json={"id": "container-1"})
    publish = respx_mock.post(PUBLISH)
    image = (
        MediaItem(url="https://media.crier.test/a.jpg", mime_type="image/jpeg", alt_text="A cat"),
    )

    published = connector.publish(text(media=image), credentials)

    assert form(route.calls.last) == {
        "media_type": "IMAGE",
        "image_url": "https://media.crier.test/a.jpg",
        "alt_text": "A cat",
        "text": "Hello Threads",
        "access_token": TOKEN,
    }
    assert published == Published(state="processing", handle="container-1")
    assert not publish.called


def test_video_container_carries_the_video_url(connector, respx_mock, credentials):
    route = respx_mock.post(THREADS).respond(200, json={"id": "container-v"})
    video = (MediaItem(url="https://media.crier.test/v.mp4", mime_type="video/mp4"),)

    connector.publish(text(media=video), credentials)

    assert form(route.calls.last) == {
        "media_type": "VIDEO",
        "video_url": "https://media.crier.test/v.mp4",
        "text": "Hello Threads",
        "access_token": TOKEN,
    }


def test_carousel_creates_item_containers_then_the_carousel(connector, respx_mock, credentials):
    route = respx_mock.post(THREADS).mock(
        side_effect=[httpx.Response(200, json={"id": cid}) for cid in ("c1", "c2", "carousel")]
    )
    media = (
        MediaItem(url="https://media.crier.test/a.jpg", mime_type="image/jpeg"),
        MediaItem(url="https://media.crier.test/v.mp4", mime_type="video/mp4"),
    )

    published = connector.publish(text(media=media), credentials)

    assert [form(call) for call in route.calls] == [
        {
            "media_type": "IMAGE",
            "image_url": "https://media.crier.test/a.jpg",
            "is_carousel_item": "true",
            "access_token": TOKEN,
        },
        {
            "media_type": "VIDEO",
            "video_url": "https://media.crier.test/v.mp4",
            "is_carousel_item": "true",
            "access_token": TOKEN,
        },
        {
            "media_type": "CAROUSEL",
            "children": "c1,c2",
            "text": "Hello Threads",
            "access_token": TOKEN,
        },
    ]
    assert published.handle == "carousel"


def test_a_reply_with_media_carries_reply_to_id_on_the_post_container_only(
    connector, respx_mock, credentials
):
    route = respx_mock.post(THREADS).mock(
        side_effect=[httpx.Response(200, json={"id": cid}) for cid in ("c1", "c2", "carousel")]
    )
    media = tuple(
        MediaItem(url=f"https://media.crier.test/{name}.jpg", mime_type="image/jpeg")
        for name in ("a", "b")
    )

    connector.publish(text(media=media, reply_to="1800"), credentials)

    bodies = [form(call) for call in route.calls]
    assert [body.get("reply_to_id") for body in bodies] == [None, None, "1800"]


def test_container_failures_are_never_ambiguous(connector, respx_mock, credentials):
    respx_mock.post(THREADS).mock(side_effect=httpx.ReadTimeout("slow"))
    image = (MediaItem(url="https://media.crier.test/a.jpg", mime_type="image/jpeg"),)

    with pytest.raises(TransientError) as caught:
        connector.publish(text(media=image), credentials)

    assert caught.value.ambiguous is False


def test_media_with_follow_ups_creates_only_the_container_at_publish(
    connector, respx_mock, credentials
):
    route = respx_mock.post(THREADS).respond(200, json={"id": "container-1"})
    image = (MediaItem(url="https://media.crier.test/a.jpg", mime_type="image/jpeg"),)

    published = connector.publish(text(media=image, thread=("more",)), credentials)

    assert published == Published(state="processing", handle="container-1")
    assert route.call_count == 1
    assert "reply_to_id" not in form(route.calls.last)


# --- poll ------------------------------------------------------------------------------


def status_route(respx_mock, status: str, **extra):
    return respx_mock.get(
        f"{GRAPH}/v1.0/container-1", params={"fields": "id,status,error_message"}
    ).respond(200, json={"id": "container-1", "status": status, **extra})


def test_poll_while_in_progress_stays_processing(connector, respx_mock, credentials):
    route = status_route(respx_mock, "IN_PROGRESS")
    publish = respx_mock.post(PUBLISH)

    result = connector.poll("container-1", credentials)

    assert query(route.calls.last)["access_token"] == TOKEN
    assert result == Published(state="processing", handle="container-1")
    assert not publish.called


def test_poll_publishes_a_finished_container(connector, respx_mock, credentials):
    status_route(respx_mock, "FINISHED")
    publish = respx_mock.post(PUBLISH).respond(200, json={"id": "1801"})
    permalink_route(respx_mock, "1801")

    result = connector.poll("container-1", credentials)

    assert form(publish.calls.last) == {"creation_id": "container-1", "access_token": TOKEN}
    assert result == Published(
        state="published", external_id="1801", url="https://www.threads.net/@ada/post/1801"
    )


def test_poll_posts_the_follow_ups_of_a_media_post_once_it_is_published(
    connector, respx_mock, credentials
):
    status_route(respx_mock, "FINISHED")
    respx_mock.post(PUBLISH).respond(200, json={"id": "1801"})
    replies = respx_mock.post(THREADS).mock(
        side_effect=[httpx.Response(200, json={"id": n}) for n in ("1802", "1803")]
    )
    permalink_route(respx_mock, "1801")
    image = (MediaItem(url="https://media.crier.test/a.jpg", mime_type="image/jpeg"),)

    result = connector.poll(
        "container-1", credentials, content=text(media=image, thread=("two", "three"))
    )

    bodies = [form(call) for call in replies.calls]
    assert [(body["text"], body["reply_to_id"]) for body in bodies] == [
        ("two", "1801"),
        ("three", "1802"),
    ]
    assert all(body["media_type"] == "TEXT" for body in bodies)
    assert all(body["auto_publish_text"] == "true" for body in bodies)
    assert result.external_id == "1801"


def test_a_follow_up_failing_after_the_media_post_fails_the_poll_naming_what_is_live(
    connector, respx_mock, credentials
):
    status_route(respx_mock, "FINISHED")
    respx_mock.post(PUBLISH).respond(200, json={"id": "1801"})
    respx_mock.post(THREADS).respond(500, json=graph_error(2, "Service unavailable"))

    with pytest.raises(PermanentError) as caught:
        connector.poll("container-1", credentials, content=text(thread=("two",)))

    assert caught.value.code == "thread_incomplete"
    assert "1801" in caught.value.message


def test_poll_of_a_failed_container_is_permanent_with_threads_reason(
    connector, respx_mock, credentials
):
    status_route(respx_mock, "ERROR", error_message="FAILED_DOWNLOADING_VIDEO")

    with pytest.raises(PermanentError, match="FAILED_DOWNLOADING_VIDEO"):
        connector.poll("container-1", credentials)


def test_poll_of_an_expired_container_is_permanent(connector, respx_mock, credentials):
    status_route(respx_mock, "EXPIRED")

    with pytest.raises(PermanentError) as caught:
        connector.poll("container-1", credentials)

    assert caught.value.code == "container_expired"


def test_poll_never_publishes_an_already_published_container_again(
    connector, respx_mock, credentials
):
    status_route(respx_mock, "PUBLISHED")
    publish = respx_mock.post(PUBLISH)

    with pytest.raises(PermanentError) as caught:
        connector.poll("container-1", credentials)

    assert caught.value.code == "published_id_unknown"
    assert not publish.called


def test_publish_before_the_container_propagated_is_retried_later(
    connector, respx_mock, credentials
):
    status_route(respx_mock, "FINISHED")
    respx_mock.post(PUBLISH).respond(
        400,
        json=graph_error(
            24,
            "The requested resource does not exist",
            error_subcode=4279009,
            error_user_msg="Media Not Found",
        ),
    )

    with pytest.raises(TransientError) as caught:
        connector.poll("container-1", credentials)

    assert caught.value.ambiguous is False
    assert caught.value.message == "Media Not Found"


def test_a_timeout_on_threads_publish_is_ambiguous(connector, respx_mock, credentials):
    status_route(respx_mock, "FINISHED")
    respx_mock.post(PUBLISH).mock(side_effect=httpx.ReadTimeout("slow"))

    with pytest.raises(TransientError) as caught:
        connector.poll("container-1", credentials)

    assert caught.value.ambiguous is True


# --- errors ----------------------------------------------------------------------------


def test_expired_token_answering_400_is_auth_expired(connector, respx_mock, credentials):
    respx_mock.post(THREADS).respond(
        400,
        json=graph_error(
            190, "Error validating access token: Session has expired", error_subcode=463
        ),
    )

    with pytest.raises(AuthExpired) as caught:
        connector.publish(text(), credentials)

    assert caught.value.code == "190"


@pytest.mark.parametrize("code", [4, 17, 32, 613])
def test_graph_rate_limit_codes_are_rate_limited(connector, respx_mock, credentials, code):
    respx_mock.post(THREADS).respond(
        400, headers={"Retry-After": "60"}, json=graph_error(code, "Rate limit reached")
    )

    with pytest.raises(RateLimited) as caught:
        connector.publish(text(), credentials)

    assert caught.value.retry_after == 60


def test_invalid_parameter_is_permanent_with_threads_message(connector, respx_mock, credentials):
    message = "Param text must be at most 500 characters long."
    respx_mock.post(THREADS).respond(400, json=graph_error(100, message))

    with pytest.raises(PermanentError) as caught:
        connector.publish(text(), credentials)

    assert caught.value.message == message
    assert not isinstance(caught.value, AuthExpired)


def test_unknown_403_is_permanent_not_auth_expired(connector, respx_mock, credentials):
    respx_mock.post(THREADS).respond(403, json=graph_error(9999, "Something new"))

    with pytest.raises(PermanentError) as caught:
        connector.publish(text(), credentials)

    assert not isinstance(caught.value, AuthExpired)


@pytest.mark.parametrize(("status", "ambiguous"), [(500, True), (503, False)])
def test_server_errors_on_the_publishing_call_are_transient(
    connector, respx_mock, credentials, status, ambiguous
):
    respx_mock.post(THREADS).respond(status, json=graph_error(2, "Service temporarily unavailable"))

    with pytest.raises(TransientError) as caught:
        connector.publish(text(), credentials)

    assert caught.value.ambiguous is ambiguous


def test_error_responses_never_echo_the_token(connector, respx_mock, credentials):
    respx_mock.post(THREADS).respond(400, json=graph_error(100, f"bad access_token={TOKEN}"))

    with pytest.raises(PermanentError) as caught:
        connector.publish(text(), credentials)

    assert TOKEN not in caught.value.message
    assert TOKEN not in (caught.value.platform_response or "")


# --- OAuth -----------------------------------------------------------------------------


def test_authorization_url_carries_client_redirect_scopes_and_state(connector, app):
    url = connector.authorization_url(app, state="state-9", code_challenge="unused")

    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == "https://threads.net/oauth/authorize"
    assert {key: values[0] for key, values in parse_qs(parts.query).items()} == {
        "client_id": "990602627938098",
        "redirect_uri": "https://crier.test/api/v1/accounts/callback/threads",
        "scope": DEFAULT_SCOPES,
        "response_type": "code",
        "state": "state-9",
    }


def test_code_exchange_gets_a_long_lived_token_and_the_profile(connector, respx_mock, app):
    short = respx_mock.post(f"{GRAPH}/oauth/access_token").respond(
        200, json={"access_token": "short-token", "user_id": USER}
    )
    long_lived = respx_mock.get(f"{GRAPH}/access_token").respond(
        200, json={"access_token": "long-token", "token_type": "bearer", "expires_in": 5183944}
    )
    me = respx_mock.get(f"{GRAPH}/v1.0/me").respond(
        200,
        json={
            "id": USER,
            "username": "ada",
            "name": "Ada",
            "threads_profile_picture_url": "https://cdn.test/ada.jpg",
        },
    )

    credentials, profile = connector.exchange_code(app, code="code-1", code_verifier="ignored")

    assert form(short.calls.last) == {
        "client_id": "990602627938098",
        "client_secret": "threads-app-secret",
        "code": "code-1",
        "grant_type": "authorization_code",
        "redirect_uri": "https://crier.test/api/v1/accounts/callback/threads",
    }
    assert query(long_lived.calls.last) == {
        "grant_type": "th_exchange_token",
        "client_secret": "threads-app-secret",
        "access_token": "short-token",
    }
    assert query(me.calls.last) == {
        "fields": "id,username,name,threads_profile_picture_url",
        "access_token": "long-token",
    }
    assert credentials.external_id == USER
    assert credentials.access_token == "long-token"
    assert credentials.refresh_token is None
    assert abs(credentials.expires_at - (datetime.now(UTC) + timedelta(days=60))) < timedelta(
        minutes=1
    )
    assert profile.username == "ada"
    assert profile.avatar_url == "https://cdn.test/ada.jpg"


def test_a_refused_code_is_permanent_with_threads_reason(connector, respx_mock, app):
    respx_mock.post(f"{GRAPH}/oauth/access_token").respond(
        400, json=graph_error(100, "Invalid verification code format.")
    )

    with pytest.raises(PermanentError, match="Invalid verification code format"):
        connector.exchange_code(app, code="bad", code_verifier="v")


def test_refresh_exchanges_the_long_lived_token_for_a_new_one(connector, respx_mock, credentials):
    route = respx_mock.get(f"{GRAPH}/refresh_access_token").respond(
        200, json={"access_token": "renewed", "token_type": "bearer", "expires_in": 5184000}
    )

    refreshed = connector.refresh(credentials)

    assert query(route.calls.last) == {"grant_type": "th_refresh_token", "access_token": TOKEN}
    assert refreshed.access_token == "renewed"
    assert refreshed.extra == {"username": "ada"}
    assert refreshed.expires_at > datetime.now(UTC) + timedelta(days=59)


def test_refresh_of_an_expired_token_is_refused(connector, respx_mock, credentials):
    respx_mock.get(f"{GRAPH}/refresh_access_token").respond(
        400, json=graph_error(190, "Error validating access token: Session has expired")
    )

    with pytest.raises(RefreshRefused) as caught:
        connector.refresh(credentials)

    assert caught.value.code == "190"


@pytest.mark.parametrize(
    "failure",
    [
        httpx.Response(400, json=graph_error(4, "Application request limit reached")),
        httpx.Response(500, json=graph_error(1, "An unknown error occurred")),
        httpx.ConnectError("down"),
    ],
)
def test_refresh_rate_limits_and_outages_are_transient_not_refusals(
    connector, respx_mock, credentials, failure
):
    route = respx_mock.get(f"{GRAPH}/refresh_access_token")
    if isinstance(failure, Exception):
        route.mock(side_effect=failure)
    else:
        route.mock(return_value=failure)

    with pytest.raises(TransientError) as caught:
        connector.refresh(credentials)

    assert not isinstance(caught.value, RefreshRefused)


def test_graph_url_and_version_come_from_the_configuration(respx_mock, credentials):
    config = ConnectorConfig(api_url="https://graph.threads.com/", api_version="v2.0")
    route = respx_mock.post(f"https://graph.threads.com/v2.0/{USER}/threads").respond(
        200, json={"id": "1"}
    )
    respx_mock.get("https://graph.threads.com/v2.0/1").respond(200, json={"permalink": "p"})

    with ThreadsConnector(config=config) as connector:
        connector.publish(text(), credentials)

    assert route.called
