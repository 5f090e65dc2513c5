"""Mastodon connector: exact requests and error mapping against respx, then end to end
against a real Mastodon REST server (the `mastodon-mock` package) on a free local port.

Exchanges follow the statuses, media, instance and rate-limit pages cited in
connectors/mastodon.py.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from connectors.base import Content, Credentials, MediaItem, Published
from connectors.errors import (
    AuthExpired,
    PermanentError,
    RateLimited,
    RefreshRefused,
    TransientError,
)
from connectors.mastodon import MastodonConnector, normalize_instance_url, reset_seconds
from connectors.registry import connector_class

BASE = "https://social.test"
STATUSES = f"{BASE}/api/v1/statuses"
MEDIA = f"{BASE}/api/v2/media"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
STATUS = {"id": "110001", "url": "https://social.test/@ada/110001", "content": "<p>Hi</p>"}


@pytest.fixture
def connector(private_urls_allowed) -> Iterator[MastodonConnector]:
    # The live tests' mastodon-mock and media server listen on loopback. A generous deadline:
    # on a loaded CI machine the mock took over 5 s to answer a connect.
    with MastodonConnector(timeout=60) as connector:
        yield connector


@pytest.fixture
def credentials() -> Credentials:
    return Credentials(
        external_id="42",
        access_token="masto-token-123",
        extra={
            "instance_url": BASE,
            "max_characters": 500,
            "max_media_attachments": 4,
            "characters_reserved_per_url": 23,
        },
    )


def text(body: str = "Hello fediverse", **kwargs) -> Content:
    return Content(text=body, idempotency_key="delivery-7", **kwargs)


def sent_json(call) -> dict:
    return json.loads(call.request.content)


def multipart(request: httpx.Request) -> dict[str, tuple[str | None, bytes]]:
    """Form fields of a multipart body: name → (file name, bytes)."""
    head = f"Content-Type: {request.headers['content-type']}\r\n\r\n".encode()
    message = BytesParser(policy=HTTP).parsebytes(head + request.content)
    return {
        part.get_param("name", header="content-disposition"): (
            part.get_filename(),
            part.get_payload(decode=True),
        )
        for part in message.iter_parts()
    }


# --- registry and limits ---------------------------------------------------------------


def test_registry_entry_is_the_mastodon_connector():
    cls = connector_class("mastodon")

    assert cls is MastodonConnector
    assert cls.limits.max_chars == 500
    assert cls.limits.max_images == 4
    assert cls.idempotent is True
    assert cls.connection == "token"
    assert cls.connect_fields == ("instance_url", "access_token")


def test_urls_count_as_23_characters_and_remote_mentions_by_their_local_part(connector):
    url = "https://example.com/" + "a" * 200

    assert connector.text_length(f"see {url}") == 4 + 23
    assert connector.text_length("hi @ada@social.example") == len("hi @ada")
    assert connector.text_length("👩‍👩‍👧‍👦") == 1


def test_validate_refuses_501_characters_and_counts_the_content_warning(connector):
    assert connector.validate(text("a" * 500)) == []
    assert [p.code for p in connector.validate(text("a" * 501))] == ["text_too_long"]
    problems = connector.validate(text("a" * 450, options={"spoiler_text": "b" * 60}))
    assert [p.code for p in problems] == ["text_too_long"]


def test_validate_media_counts_types_and_alt_text_length(connector):
    five = tuple(MediaItem(url=f"https://m.test/{i}.png", mime_type="image/png") for i in range(5))
    mixed = (
        MediaItem(url="https://m.test/a.png", mime_type="image/png"),
        MediaItem(url="https://m.test/b.mp4", mime_type="video/mp4"),
    )
    long_alt = (MediaItem(url="https://m.test/a.png", mime_type="image/png", alt_text="x" * 1501),)

    assert [p.code for p in connector.validate(text(media=five))] == ["too_many_images"]
    assert [p.code for p in connector.validate(text(media=mixed))] == ["mixed_media"]
    assert [p.code for p in connector.validate(text(media=long_alt))] == ["alt_text_too_long"]


def test_validate_checks_the_visibility_option(connector):
    problems = connector.validate(text(options={"visibility": "everyone"}))

    assert [p.code for p in problems] == ["option_choice"]


def test_limits_for_an_account_come_from_its_instance(connector, credentials):
    roomy = Credentials(
        external_id="1",
        access_token="t",
        extra={"instance_url": BASE, "max_characters": 5000, "max_media_attachments": 8},
    )

    assert connector.limits_for(roomy).max_chars == 5000
    assert connector.limits_for(roomy).max_images == 8
    assert connector.limits_for(credentials).max_chars == 500


# What a small instance's /api/v2/instance says (configuration.media_attachments).
SMALL_MEDIA = {
    "supported_mime_types": ["image/jpeg", "image/png", "video/mp4"],
    "image_size_limit": 2_000_000,
    "video_size_limit": 10_000_000,
    "description_limit": 500,
}


@pytest.fixture
def small(credentials) -> Credentials:
    """An account on an instance with smaller media limits and 50 characters per URL."""
    return Credentials(
        external_id="42",
        access_token="t",
        extra={**credentials.extra, **SMALL_MEDIA, "characters_reserved_per_url": 50},
    )


def test_limits_for_an_account_take_its_instances_media_limits(connector, small, credentials):
    limits = connector.limits_for(small)

    assert limits.max_image_bytes == 2_000_000
    assert limits.max_video_bytes == 10_000_000
    assert limits.image_types == {"image/jpeg", "image/png"}
    assert limits.video_types == {"video/mp4"}
    # An account connected before the media limits were read keeps Mastodon's defaults.
    assert connector.limits_for(credentials) == connector.limits


def test_validate_with_the_accounts_credentials_applies_its_instances_limits(
    connector, small, credentials
):
    big_png = MediaItem(url="https://m.test/a.png", mime_type="image/png", size=3_000_000)
    webm = MediaItem(url="https://m.test/v.webm", mime_type="video/webm")
    long_alt = MediaItem(url="https://m.test/a.png", mime_type="image/png", alt_text="x" * 501)
    links = " ".join(["https://example.com/a"] * 10)  # 23 each: 239; 50 each: 509

    def codes(content: Content, account: Credentials | None) -> list[str]:
        return [problem.code for problem in connector.validate(content, account)]

    assert codes(text(media=(big_png,)), small) == ["media_too_large"]
    assert codes(text(media=(big_png,)), credentials) == []
    assert codes(text(media=(webm,)), small) == ["unsupported_media_type"]
    assert codes(text(media=(webm,)), None) == []
    assert codes(text(media=(long_alt,)), small) == ["alt_text_too_long"]
    assert codes(text(media=(long_alt,)), credentials) == []
    assert codes(text(links), credentials) == []
    assert codes(text(links), small) == ["text_too_long"]


def test_a_file_over_the_instances_limit_is_refused_before_any_call(connector, respx_mock, small):
    download = respx_mock.get("https://media.crier.test/big.png").respond(200, content=PNG)
    upload = respx_mock.post(MEDIA).respond(200, json={"id": "m1", "url": "https://f.test/m1"})
    big = MediaItem(url="https://media.crier.test/big.png", mime_type="image/png", size=3_000_000)

    with pytest.raises(PermanentError) as caught:
        connector.publish(text(media=(big,)), small)

    assert caught.value.code == "media_too_large"
    assert "Nothing was posted" in caught.value.message
    assert not download.called
    assert not upload.called


def test_a_download_past_the_instances_limit_stops_before_the_upload(
    connector, respx_mock, credentials
):
    tiny = Credentials(
        external_id="42", access_token="t", extra={**credentials.extra, "image_size_limit": 32}
    )
    respx_mock.get("https://media.crier.test/a.png").respond(200, content=PNG)
    upload = respx_mock.post(MEDIA).respond(200, json={"id": "m1", "url": "https://f.test/m1"})
    unsized = MediaItem(url="https://media.crier.test/a.png", mime_type="image/png")

    with pytest.raises(PermanentError) as caught:
        connector.publish(text(media=(unsized,)), tiny)

    assert caught.value.code == "media_too_large"
    assert not upload.called


# --- publishing ------------------------------------------------------------------------


def test_text_status_sends_token_idempotency_key_header_and_form(
    connector, respx_mock, credentials
):
    route = respx_mock.post(STATUSES).respond(200, json=STATUS)

    published = connector.publish(text(options={"visibility": "unlisted"}), credentials)

    request = route.calls.last.request
    assert request.headers["Authorization"] == "Bearer masto-token-123"
    assert request.headers["Idempotency-Key"] == "delivery-7"
    assert sent_json(route.calls.last) == {"status": "Hello fediverse", "visibility": "unlisted"}
    assert published == Published(
        state="published", external_id="110001", url="https://social.test/@ada/110001"
    )


def test_options_are_sent_as_mastodon_parameters(connector, respx_mock, credentials):
    route = respx_mock.post(STATUSES).respond(200, json=STATUS)
    options = {"spoiler_text": "cw", "sensitive": True, "language": "en"}

    connector.publish(text(options=options), credentials)

    assert sent_json(route.calls.last) == {"status": "Hello fediverse", **options}


def test_images_are_downloaded_uploaded_with_alt_text_then_attached(
    connector, respx_mock, credentials
):
    respx_mock.get("https://media.crier.test/a.png").respond(200, content=PNG)
    respx_mock.get("https://media.crier.test/b.png").respond(200, content=PNG + b"b")
    uploads = respx_mock.post(MEDIA).mock(
        side_effect=[
            httpx.Response(200, json={"id": "m1", "url": "https://files.test/m1.png"}),
            httpx.Response(200, json={"id": "m2", "url": "https://files.test/m2.png"}),
        ]
    )
    status = respx_mock.post(STATUSES).respond(200, json=STATUS)
    media = (
        MediaItem(url="https://media.crier.test/a.png", mime_type="image/png", alt_text="A cat"),
        MediaItem(url="https://media.crier.test/b.png", mime_type="image/png"),
    )

    connector.publish(text(media=media), credentials)

    first, second = (multipart(call.request) for call in uploads.calls)
    assert uploads.calls[0].request.headers["Authorization"] == "Bearer masto-token-123"
    assert first == {"file": ("a.png", PNG), "description": (None, b"A cat")}
    assert second == {"file": ("b.png", PNG + b"b")}
    assert "Idempotency-Key" not in uploads.calls[0].request.headers
    assert sent_json(status.calls.last) == {
        "status": "Hello fediverse",
        "media_ids": ["m1", "m2"],
    }


def test_video_still_processing_after_one_look_posts_nothing_and_leaves_it_processing(
    connector, respx_mock, credentials
):
    respx_mock.get("https://media.crier.test/v.mp4").respond(200, content=b"mp4")
    respx_mock.post(MEDIA).respond(202, json={"id": "m9", "url": None})
    check = respx_mock.get(f"{BASE}/api/v1/media/m9").respond(206, json={"id": "m9", "url": None})
    status = respx_mock.post(STATUSES).respond(200, json=STATUS)
    video = (MediaItem(url="https://media.crier.test/v.mp4", mime_type="video/mp4"),)

    published = connector.publish(text(media=video), credentials)

    assert check.calls.last.request.headers["Authorization"] == "Bearer masto-token-123"
    assert published == Published(state="processing", handle="m9")
    assert not status.called


def test_poll_keeps_waiting_while_a_file_is_processing(connector, respx_mock, credentials):
    respx_mock.get(f"{BASE}/api/v1/media/m8").respond(
        200, json={"id": "m8", "url": "https://files.test/m8.png"}
    )
    respx_mock.get(f"{BASE}/api/v1/media/m9").respond(206, json={"id": "m9", "url": None})
    status = respx_mock.post(STATUSES).respond(200, json=STATUS)

    published = connector.poll("m8,m9", credentials, content=text())

    assert published == Published(state="processing", handle="m8,m9")
    assert not status.called


def test_poll_posts_the_thread_with_its_keys_once_every_file_is_ready(
    connector, respx_mock, credentials
):
    respx_mock.get(f"{BASE}/api/v1/media/m9").respond(
        200, json={"id": "m9", "url": "https://files.test/m9.mp4"}
    )
    route = respx_mock.post(STATUSES).mock(
        side_effect=[
            httpx.Response(200, json={**STATUS, "id": "1"}),
            httpx.Response(200, json={**STATUS, "id": "2"}),
        ]
    )
    video = (MediaItem(url="https://media.crier.test/v.mp4", mime_type="video/mp4"),)

    published = connector.poll("m9", credentials, content=text(media=video, thread=("more",)))

    first, second = (call.request for call in route.calls)
    assert json.loads(first.content) == {"status": "Hello fediverse", "media_ids": ["m9"]}
    assert first.headers["Idempotency-Key"] == "delivery-7"
    assert json.loads(second.content) == {"status": "more", "in_reply_to_id": "1"}
    assert second.headers["Idempotency-Key"] == "delivery-7:1"
    assert published == Published(state="published", external_id="1", url=STATUS["url"])


def test_poll_without_the_post_fails_clearly_instead_of_posting_blind(
    connector, respx_mock, credentials
):
    respx_mock.get(f"{BASE}/api/v1/media/m9").respond(
        200, json={"id": "m9", "url": "https://files.test/m9.mp4"}
    )

    with pytest.raises(PermanentError) as caught:
        connector.poll("m9", credentials)

    assert caught.value.code == "status_needs_content"


def test_a_failing_status_check_at_poll_is_never_ambiguous(connector, respx_mock, credentials):
    respx_mock.get(f"{BASE}/api/v1/media/m9").respond(502)

    with pytest.raises(TransientError) as caught:
        connector.poll("m9", credentials, content=text())

    assert caught.value.ambiguous is False


def test_video_processed_by_the_time_it_is_checked_is_attached(connector, respx_mock, credentials):
    respx_mock.get("https://media.crier.test/v.mp4").respond(200, content=b"mp4")
    respx_mock.post(MEDIA).respond(202, json={"id": "m9", "url": None})
    respx_mock.get(f"{BASE}/api/v1/media/m9").respond(
        200, json={"id": "m9", "url": "https://files.test/m9.mp4"}
    )
    status = respx_mock.post(STATUSES).respond(200, json=STATUS)
    video = (MediaItem(url="https://media.crier.test/v.mp4", mime_type="video/mp4"),)

    connector.publish(text(media=video), credentials)

    assert sent_json(status.calls.last)["media_ids"] == ["m9"]


def test_thread_items_reply_to_the_previous_status_each_with_its_own_key(
    connector, respx_mock, credentials
):
    route = respx_mock.post(STATUSES).mock(
        side_effect=[
            httpx.Response(200, json={"id": "1", "url": "https://social.test/@ada/1"}),
            httpx.Response(200, json={"id": "2"}),
            httpx.Response(200, json={"id": "3"}),
        ]
    )

    published = connector.publish(text("one", thread=("two", "three")), credentials)

    bodies = [sent_json(call) for call in route.calls]
    keys = [call.request.headers["Idempotency-Key"] for call in route.calls]
    assert bodies == [
        {"status": "one"},
        {"status": "two", "in_reply_to_id": "1"},
        {"status": "three", "in_reply_to_id": "2"},
    ]
    assert keys == ["delivery-7", "delivery-7:1", "delivery-7:2"]
    assert published.external_id == "1"


def test_a_delayed_thread_item_replies_to_the_status_it_answers(connector, respx_mock, credentials):
    route = respx_mock.post(STATUSES).respond(200, json=STATUS)

    published = connector.publish(
        text("later", options={"visibility": "unlisted"}, reply_to="109998"), credentials
    )

    assert sent_json(route.calls.last) == {
        "status": "later",
        "in_reply_to_id": "109998",
        "visibility": "unlisted",
    }
    assert route.calls.last.request.headers["Idempotency-Key"] == "delivery-7"
    assert published.external_id == "110001"


def test_a_thread_item_with_an_image_replies_with_it_attached(connector, respx_mock, credentials):
    # A thread item with media (Postiz follow-ups with images) is one such call.
    respx_mock.get("https://media.crier.test/a.png").respond(200, content=PNG)
    respx_mock.post(MEDIA).respond(200, json={"id": "m1", "url": "https://files.test/m1.png"})
    route = respx_mock.post(STATUSES).respond(200, json=STATUS)
    image = MediaItem(url="https://media.crier.test/a.png", mime_type="image/png")

    connector.publish(text("later", media=(image,), reply_to="109998"), credentials)

    assert sent_json(route.calls.last) == {
        "status": "later",
        "media_ids": ["m1"],
        "in_reply_to_id": "109998",
    }


def test_the_instance_limit_read_at_connect_time_is_enforced_before_any_call(
    connector, respx_mock, credentials
):
    small = Credentials(
        external_id="42",
        access_token="t",
        extra={**credentials.extra, "max_characters": 100},
    )
    roomy = Credentials(
        external_id="42", access_token="t", extra={**credentials.extra, "max_characters": 5000}
    )
    route = respx_mock.post(STATUSES).respond(200, json=STATUS)

    with pytest.raises(PermanentError) as caught:
        connector.publish(text("a" * 101), small)
    connector.publish(text("a" * 1000), roomy)

    assert caught.value.code == "text_too_long"
    assert route.call_count == 1


def test_publish_without_an_instance_url_asks_for_a_reconnect(connector):
    with pytest.raises(PermanentError) as caught:
        connector.publish(text(), Credentials(external_id="1", access_token="t"))

    assert caught.value.code == "missing_instance_url"


# --- errors ----------------------------------------------------------------------------


def test_validation_failure_is_permanent_with_mastodons_message(connector, respx_mock, credentials):
    respx_mock.post(STATUSES).respond(422, json={"error": "Validation failed: Text can't be blank"})

    with pytest.raises(PermanentError) as caught:
        connector.publish(text(), credentials)

    assert caught.value.message == "Validation failed: Text can't be blank"
    assert caught.value.code == "http_422"
    assert caught.value.status == 422


def test_invalid_token_is_auth_expired_and_refresh_is_refused(connector, respx_mock, credentials):
    respx_mock.post(STATUSES).respond(401, json={"error": "The access token is invalid"})

    with pytest.raises(AuthExpired) as caught:
        connector.publish(text(), credentials)
    with pytest.raises(RefreshRefused):
        connector.refresh(credentials)

    assert caught.value.message == "The access token is invalid"


def test_429_is_rate_limited_until_the_iso_reset_time(connector, respx_mock, credentials):
    reset = datetime.fromtimestamp(time.time() + 120, tz=UTC).isoformat().replace("+00:00", "Z")
    respx_mock.post(STATUSES).respond(
        429,
        headers={
            "X-RateLimit-Limit": "300",
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset": reset,
        },
        json={"error": "Too many requests"},
    )

    with pytest.raises(RateLimited) as caught:
        connector.publish(text(), credentials)

    assert 100 < caught.value.retry_after <= 120


def test_reset_seconds_reads_mastodons_timestamp_format():
    now = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)

    assert (
        reset_seconds({"X-RateLimit-Reset": "2026-11-24T10:05:00.019685Z"}, now=now) == 300.019685
    )
    assert reset_seconds({"X-RateLimit-Reset": "2026-11-24T09:00:00Z"}, now=now) == 0
    assert reset_seconds({}, now=now) is None


@pytest.mark.parametrize(("status", "ambiguous"), [(500, True), (502, True), (503, False)])
def test_server_errors_are_transient_and_ambiguous_unless_unavailable(
    connector, respx_mock, credentials, status, ambiguous
):
    respx_mock.post(STATUSES).respond(status, json={"error": "Oops"})

    with pytest.raises(TransientError) as caught:
        connector.publish(text(), credentials)

    assert caught.value.ambiguous is ambiguous


def test_unknown_403_is_permanent_not_auth_expired(connector, respx_mock, credentials):
    respx_mock.post(STATUSES).respond(403, json={"error": "This action is not allowed"})

    with pytest.raises(PermanentError) as caught:
        connector.publish(text(), credentials)

    assert not isinstance(caught.value, AuthExpired)


def test_upload_failures_are_never_ambiguous_and_nothing_is_posted(
    connector, respx_mock, credentials
):
    respx_mock.get("https://media.crier.test/a.png").respond(200, content=PNG)
    respx_mock.post(MEDIA).mock(side_effect=httpx.ReadTimeout("slow"))
    status = respx_mock.post(STATUSES).respond(200, json=STATUS)
    image = (MediaItem(url="https://media.crier.test/a.png", mime_type="image/png"),)

    with pytest.raises(TransientError) as caught:
        connector.publish(text(media=image), credentials)

    assert caught.value.ambiguous is False
    assert not status.called


def test_unsupported_file_is_permanent_with_mastodons_message(connector, respx_mock, credentials):
    respx_mock.get("https://media.crier.test/a.png").respond(200, content=PNG)
    respx_mock.post(MEDIA).respond(
        422, json={"error": "Validation failed: File content type is invalid, File is invalid"}
    )
    image = (MediaItem(url="https://media.crier.test/a.png", mime_type="image/png"),)

    with pytest.raises(PermanentError, match="File content type is invalid"):
        connector.publish(text(media=image), credentials)


def test_a_status_answer_without_id_is_ambiguous(connector, respx_mock, credentials):
    respx_mock.post(STATUSES).respond(200, text="<html>proxy</html>")

    with pytest.raises(TransientError) as caught:
        connector.publish(text(), credentials)

    assert caught.value.ambiguous is True
    assert caught.value.code == "malformed_response"


# --- connecting ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "normalized"),
    [
        ("mastodon.social", "https://mastodon.social"),
        (" https://mastodon.social/ ", "https://mastodon.social"),
        ("http://127.0.0.1:3000/", "http://127.0.0.1:3000"),
    ],
)
def test_instance_url_is_normalized(given, normalized):
    assert normalize_instance_url(given) == normalized


@pytest.mark.parametrize(
    "given",
    [
        "https://mastodon.social/?",  # would turn /api/v1/... into a query: a path of choice
        "https://mastodon.social/admin",
        "https://mastodon.social#x",
        "https://ada:secret@mastodon.social",
        "ftp://mastodon.social",
        "https://mastodon.social:99999",
    ],
)
def test_an_instance_url_with_more_than_scheme_host_and_port_is_refused(given):
    with pytest.raises(PermanentError) as caught:
        normalize_instance_url(given)

    assert caught.value.code == "invalid_url"


def test_connect_verifies_the_token_and_stores_the_instance_limits(connector, respx_mock):
    me = respx_mock.get(f"{BASE}/api/v1/accounts/verify_credentials").respond(
        200,
        json={
            "id": "42",
            "username": "ada",
            "acct": "ada",
            "display_name": "Ada",
            "avatar": "https://files.test/ada.png",
        },
    )
    respx_mock.get(f"{BASE}/api/v2/instance").respond(
        200,
        json={
            "domain": "social.test",
            "configuration": {
                "statuses": {
                    "max_characters": 1000,
                    "max_media_attachments": 6,
                    "characters_reserved_per_url": 23,
                },
                "media_attachments": {
                    **SMALL_MEDIA,
                    "supported_mime_types": ["image/PNG", "video/mp4", "image/jpeg"],
                    "image_matrix_limit": 33177600,
                },
            },
        },
    )

    credentials, profile = connector.connect(
        {"instance_url": "social.test", "access_token": "masto-token-123"}
    )

    assert me.calls.last.request.headers["Authorization"] == "Bearer masto-token-123"
    assert credentials.external_id == "42"
    assert credentials.access_token == "masto-token-123"
    assert dict(credentials.extra) == {
        "instance_url": BASE,
        "max_characters": 1000,
        "max_media_attachments": 6,
        "characters_reserved_per_url": 23,
        **SMALL_MEDIA,
    }
    assert profile.username == "ada@social.test"
    assert profile.display_name == "Ada"
    assert profile.avatar_url == "https://files.test/ada.png"


def test_connect_falls_back_to_v1_instance_and_pleroma_max_toot_chars(connector, respx_mock):
    respx_mock.get(f"{BASE}/api/v1/accounts/verify_credentials").respond(
        200, json={"id": "7", "username": "bo", "acct": "bo"}
    )
    respx_mock.get(f"{BASE}/api/v2/instance").respond(404, json={"error": "Not found"})
    respx_mock.get(f"{BASE}/api/v1/instance").respond(200, json={"max_toot_chars": 5000})

    credentials, _ = connector.connect({"instance_url": BASE, "access_token": "t" * 10})

    assert credentials.extra["max_characters"] == 5000
    assert credentials.extra["max_media_attachments"] == 4


def test_connect_with_a_wrong_token_is_permanent_with_mastodons_reason(connector, respx_mock):
    respx_mock.get(f"{BASE}/api/v1/accounts/verify_credentials").respond(
        401, json={"error": "The access token is invalid"}
    )

    with pytest.raises(PermanentError) as caught:
        connector.connect({"instance_url": BASE, "access_token": "wrong-token"})

    assert not isinstance(caught.value, AuthExpired)
    assert "The access token is invalid" in caught.value.message


def test_connect_to_an_unreachable_instance_is_transient(connector, respx_mock):
    respx_mock.get(f"{BASE}/api/v1/accounts/verify_credentials").mock(
        side_effect=httpx.ConnectError("refused")
    )

    with pytest.raises(TransientError):
        connector.connect({"instance_url": BASE, "access_token": "masto-token-123"})


# --- end to end against mastodon-mock --------------------------------------------------


class _MediaHandler(BaseHTTPRequestHandler):
    """Plays Crier's media URL: serves one PNG."""

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(PNG)))
        self.end_headers()
        self.wfile.write(PNG)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def mastodon_server() -> Iterator[str]:
    server_module = pytest.importorskip("mastodon_mock.testing.server")
    with server_module.MockServer() as server:  # seeded accounts alice/bob/carol, free port
        yield server.base_url


@pytest.fixture(scope="module")
def media_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _MediaHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/cat.png"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def live(mastodon_server) -> Iterator[httpx.Client]:
    """A plain client to the mock's API and fault-injection control plane, as bob."""
    with httpx.Client(
        base_url=mastodon_server, headers={"Authorization": "Bearer bob_token"}, timeout=10
    ) as client:
        yield client
        client.delete("/api/v1/_mock/faults")


def bob_statuses(live: httpx.Client, account_id: str) -> list[dict]:
    response = live.get(f"/api/v1/accounts/{account_id}/statuses", params={"limit": 40})
    response.raise_for_status()
    return response.json()


def inject(live: httpx.Client, effect: dict, *, count: int = 1) -> None:
    rule = {"match": {"methods": ["POST"], "path": "/api/v1/statuses"}, "effect": effect}
    live.post("/api/v1/_mock/faults", json={**rule, "count": count}).raise_for_status()


@pytest.fixture
def bob(mastodon_server, connector) -> Credentials:
    credentials, profile = connector.connect(
        {"instance_url": mastodon_server, "access_token": "bob_token"}
    )
    assert profile.username.startswith("bob")
    return credentials


@pytest.mark.slow
def test_live_connect_reads_the_instance_limit(connector, mastodon_server):
    credentials, profile = connector.connect(
        {"instance_url": mastodon_server + "/", "access_token": "alice_token"}
    )

    assert credentials.extra["instance_url"] == mastodon_server
    assert credentials.extra["max_characters"] == 500
    assert profile.display_name == "Alice"


@pytest.mark.slow
def test_live_connect_reads_the_instances_media_limits_and_validation_uses_them(
    connector, mastodon_server
):
    credentials, _ = connector.connect(
        {"instance_url": mastodon_server, "access_token": "alice_token"}
    )
    # mastodon-mock states 10 MiB images, 40 MiB videos and no QuickTime; Mastodon's
    # defaults are 16 MiB, 99 MiB and QuickTime accepted.
    image = MediaItem(url="https://m.test/a.png", mime_type="image/png", size=12_000_000)
    movie = MediaItem(url="https://m.test/v.mov", mime_type="video/quicktime")

    limits = connector.limits_for(credentials)
    problems = connector.validate(text(media=(image,)), credentials)

    assert (limits.max_image_bytes, limits.max_video_bytes) == (10_485_760, 41_943_040)
    assert [problem.code for problem in problems] == ["media_too_large"]
    assert connector.validate(text(media=(image,))) == []
    assert [p.code for p in connector.validate(text(media=(movie,)), credentials)] == [
        "unsupported_media_type"
    ]


@pytest.mark.slow
def test_live_connect_with_a_wrong_token_is_permanent(connector, mastodon_server):
    with pytest.raises(PermanentError) as caught:
        connector.connect({"instance_url": mastodon_server, "access_token": "nobody-token"})

    assert not isinstance(caught.value, AuthExpired)


@pytest.mark.slow
def test_live_publish_twice_with_one_key_posts_once(connector, live, bob, media_url):
    content = Content(
        text="Live from Crier",
        idempotency_key="live-once-1",
        media=(MediaItem(url=media_url, mime_type="image/png", alt_text="A cat"),),
    )
    before = len(bob_statuses(live, bob.external_id))

    first = connector.publish(content, bob)
    second = connector.publish(content, bob)

    statuses = bob_statuses(live, bob.external_id)
    assert first.external_id == second.external_id
    assert len(statuses) == before + 1
    posted = next(s for s in statuses if s["id"] == first.external_id)
    assert posted["media_attachments"][0]["description"] == "A cat"


@pytest.mark.slow
def test_live_thread_retried_after_a_timeout_is_not_doubled(connector, live, bob):
    content = Content(text="Thread root", idempotency_key="live-thread-1", thread=("reply",))
    before = len(bob_statuses(live, bob.external_id))
    # The instance is slow on the first status and the client gives up: whether the
    # instance went on to post it or not, the outcome is unknown to the caller.
    inject(live, {"type": "latency", "delay_ms": 1500})

    with MastodonConnector(timeout=0.5) as impatient, pytest.raises(TransientError) as caught:
        impatient.publish(content, bob)
    assert caught.value.ambiguous is True
    time.sleep(1.5)  # let the slow request finish (or be dropped) on the instance

    published = connector.publish(content, bob)  # idempotent: the retry replays the root

    statuses = bob_statuses(live, bob.external_id)
    assert len(statuses) == before + 2
    reply = next(s for s in statuses if s["in_reply_to_id"] == published.external_id)
    assert reply["account"]["id"] == bob.external_id


@pytest.mark.slow
def test_live_429_is_rate_limited_with_the_reset_and_posts_nothing(connector, live, bob):
    before = len(bob_statuses(live, bob.external_id))
    inject(live, {"type": "ratelimit"})

    with pytest.raises(RateLimited) as caught:
        connector.publish(Content(text="too soon", idempotency_key="live-429"), bob)

    assert caught.value.retry_after == 300  # the mock's Retry-After
    assert len(bob_statuses(live, bob.external_id)) == before


@pytest.mark.slow
@pytest.mark.parametrize(("status", "ambiguous"), [(500, True), (503, False)])
def test_live_server_errors_are_transient(connector, live, bob, status, ambiguous):
    inject(live, {"type": "status", "status": status})

    with pytest.raises(TransientError) as caught:
        connector.publish(Content(text="oops", idempotency_key=f"live-{status}"), bob)

    assert caught.value.ambiguous is ambiguous


@pytest.mark.slow
def test_live_over_long_text_is_refused_before_posting(connector, live, bob):
    with pytest.raises(PermanentError) as caught:
        connector.publish(Content(text="x" * 501, idempotency_key="live-long"), bob)

    assert caught.value.code == "text_too_long"
