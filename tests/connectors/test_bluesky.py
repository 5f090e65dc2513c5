"""Bluesky connector: exact XRPC requests and error mapping, against respx.

Exchanges follow the session, createRecord, uploadBlob, rich-text and rate-limit pages cited
in connectors/bluesky.py.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest

from connectors.base import ConnectorConfig, Content, Credentials, MediaItem, Published
from connectors.bluesky import BlueskyConnector, detect_facets
from connectors.errors import (
    AuthExpired,
    PermanentError,
    RateLimited,
    RefreshRefused,
    TransientError,
)
from connectors.registry import connector_class

PDS = "https://morel.us-east.host.bsky.network"
ENTRYWAY = "https://bsky.social"
DID = "did:plc:ewvi7nxzyoun6zhxrhs64oiz"
CREATE = f"{PDS}/xrpc/com.atproto.repo.createRecord"
UPLOAD = f"{PDS}/xrpc/com.atproto.repo.uploadBlob"
RESOLVE = f"{PDS}/xrpc/com.atproto.identity.resolveHandle"
GET_RECORD = f"{PDS}/xrpc/com.atproto.repo.getRecord"
REFRESH = f"{PDS}/xrpc/com.atproto.server.refreshSession"
SESSION = f"{ENTRYWAY}/xrpc/com.atproto.server.createSession"
DESCRIBE = f"{PDS}/xrpc/com.atproto.server.describeServer"
# The reference PDS's default blobUploadLimit (packages/pds/src/config/config.ts): 5 MiB.
REFERENCE_LIMIT = 5 * 1024 * 1024
ROOT_URI = f"at://{DID}/app.bsky.feed.post/3k43tv4rft22g"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32


def jwt(exp: int) -> str:
    def part(data: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")

    return f"{part({'alg': 'ES256K'})}.{part({'sub': DID, 'exp': exp})}.signature"


ACCESS_EXP = 1_900_000_000
SESSION_ANSWER = {
    "did": DID,
    "handle": "ada.bsky.social",
    "accessJwt": jwt(ACCESS_EXP),
    "refreshJwt": "refresh-jwt-2",
    "didDoc": {
        "id": DID,
        "service": [
            {
                "id": "#atproto_pds",
                "type": "AtprotoPersonalDataServer",
                "serviceEndpoint": PDS,
            }
        ],
    },
}


@pytest.fixture
def connector() -> Iterator[BlueskyConnector]:
    with BlueskyConnector(timeout=5) as connector:
        yield connector


@pytest.fixture
def credentials() -> Credentials:
    return Credentials(
        external_id=DID,
        access_token="access-jwt-1",
        refresh_token="refresh-jwt-1",
        extra={
            "handle": "ada.bsky.social",
            "service_url": ENTRYWAY,
            "pds_url": PDS,
            "app_password": "abcd-efgh-ijkl-mnop",
            "blob_upload_limit": 100_000_000,
        },
    )


def video_blob(size: int) -> httpx.Response:
    blob = {"$type": "blob", "ref": {"$link": "bafkreiv"}, "mimeType": "video/mp4", "size": size}
    return httpx.Response(200, json={"blob": blob})


def connected_before_limits(credentials: Credentials) -> Credentials:
    """An account connected before its PDS's upload limit was kept."""
    extra = {key: value for key, value in credentials.extra.items() if key != "blob_upload_limit"}
    return Credentials(external_id=DID, access_token="a", extra=extra)


def described(limit: int | None) -> httpx.Response:
    """describeServer's answer, as the reference PDS gives it."""
    body = {"did": "did:web:pds.test", "availableUserDomains": [".pds.test"]}
    return httpx.Response(200, json=body if limit is None else {**body, "blobUploadLimit": limit})


def text(body: str = "Hello Bluesky", **kwargs) -> Content:
    return Content(text=body, idempotency_key="delivery-3", **kwargs)


def record_of(call) -> dict:
    body = json.loads(call.request.content)
    assert body["repo"] == DID
    assert body["collection"] == "app.bsky.feed.post"
    record = body["record"]
    assert record.pop("$type") == "app.bsky.feed.post"
    created = record.pop("createdAt")
    assert created.endswith("Z")
    assert datetime.fromisoformat(created.replace("Z", "+00:00")).tzinfo is not None
    return record


def created(rkey: str = "3k43tv4rft22g") -> httpx.Response:
    return httpx.Response(
        200, json={"uri": f"at://{DID}/app.bsky.feed.post/{rkey}", "cid": f"bafy{rkey}"}
    )


# --- registry, counting and validation -------------------------------------------------


def test_registry_entry_is_the_bluesky_connector():
    cls = connector_class("bluesky")

    assert cls is BlueskyConnector
    assert cls.limits.max_chars == 300
    assert cls.limits.max_images == 4
    assert cls.connection == "token"
    assert cls.connect_fields == ("handle", "app_password", "service_url")
    assert cls.optional_connect_fields == ("service_url",)
    assert cls.idempotent is False


def test_text_is_counted_in_graphemes(connector):
    family = "👨‍👩‍👧‍👦"

    assert connector.text_length(family * 300) == 300
    assert connector.validate(text(family * 100)) == []
    assert [p.code for p in connector.validate(text("é" * 301))] == ["text_too_long"]


def test_text_over_3000_utf8_bytes_is_refused_even_under_300_graphemes(connector):
    family = "👨‍👩‍👧‍👦"  # 25 bytes, one grapheme

    problems = connector.validate(text(family * 150))

    assert [(p.code, p.field) for p in problems] == [("text_too_long", "text")]


def test_validate_images_count_size_and_video_type(connector):
    five = tuple(MediaItem(url=f"https://m.test/{i}.png", mime_type="image/png") for i in range(5))
    big = (MediaItem(url="https://m.test/a.png", mime_type="image/png", size=2_000_001),)
    mov = (MediaItem(url="https://m.test/a.mov", mime_type="video/quicktime"),)

    assert [p.code for p in connector.validate(text(media=five))] == ["too_many_images"]
    assert [p.code for p in connector.validate(text(media=big))] == ["media_too_large"]
    assert [p.code for p in connector.validate(text(media=mov))] == ["unsupported_media_type"]


def test_validate_checks_thread_items_and_the_langs_option(connector):
    problems = connector.validate(text(thread=("ok", "x" * 301), options={"langs": ["en", 3]}))

    assert {(p.code, p.field) for p in problems} == {
        ("text_too_long", "thread[1]"),
        ("option_type", "options.langs"),
    }


def test_validate_refuses_more_than_three_langs_as_the_post_lexicon_does(connector):
    problems = connector.validate(text(options={"langs": ["en", "fr", "de", "es"]}))

    assert [(p.code, p.field) for p in problems] == [("option_too_many", "options.langs")]
    assert "at most 3" in problems[0].message


@pytest.mark.parametrize("tag", ["en US", "en_US", "e", "12", "en-", "fr-FR-", "en\n", ""])
def test_validate_refuses_langs_that_are_not_bcp47_tags(connector, tag):
    problems = connector.validate(text(options={"langs": ["en", tag]}))

    assert [(p.code, p.field) for p in problems] == [("option_invalid", "options.langs")]
    assert repr(tag) in problems[0].message


def test_validate_accepts_well_formed_bcp47_tags(connector):
    langs = ["pt-BR", "zh-Hant-TW", "x-klingon"]

    assert connector.validate(text(options={"langs": langs})) == []


def test_publish_refuses_langs_the_pds_would_refuse_before_posting_anything(
    connector, respx_mock, credentials
):
    route = respx_mock.post(CREATE).mock(return_value=created())

    with pytest.raises(PermanentError) as caught:
        connector.publish(text(options={"langs": ["en", "fr", "de", "es"]}), credentials)

    assert caught.value.code == "option_too_many"
    assert not route.called


def test_facets_use_utf8_byte_offsets_for_links_mentions_and_tags():
    body = "✨ @ada.bsky.social read https://example.com/a?b=1, then #crier!"

    facets = detect_facets(body)

    raw = body.encode()
    spans = [raw[s["byteStart"] : s["byteEnd"]].decode() for s, _ in facets]
    assert spans == ["@ada.bsky.social", "https://example.com/a?b=1", "#crier"]
    assert [feature for _, feature in facets] == [
        {"$type": "app.bsky.richtext.facet#mention", "did": "ada.bsky.social"},
        {"$type": "app.bsky.richtext.facet#link", "uri": "https://example.com/a?b=1"},
        {"$type": "app.bsky.richtext.facet#tag", "tag": "crier"},
    ]


@pytest.mark.parametrize("body", ["email me@example.com", "#123", "not@right", "price #!"])
def test_text_that_only_looks_like_an_entity_gets_no_facet(body):
    assert detect_facets(body) == []


# --- publishing ------------------------------------------------------------------------


def test_text_post_creates_one_record_with_the_access_jwt(connector, respx_mock, credentials):
    route = respx_mock.post(CREATE).mock(return_value=created())

    published = connector.publish(text(options={"langs": ["en"]}), credentials)

    assert route.calls.last.request.headers["Authorization"] == "Bearer access-jwt-1"
    assert record_of(route.calls.last) == {"text": "Hello Bluesky", "langs": ["en"]}
    assert published == Published(
        state="published",
        external_id=ROOT_URI,
        url="https://bsky.app/profile/ada.bsky.social/post/3k43tv4rft22g",
    )


def test_mentions_are_resolved_to_dids_and_sent_as_facets(connector, respx_mock, credentials):
    resolve = respx_mock.get(RESOLVE, params={"handle": "bob.test.social"}).respond(
        200, json={"did": "did:plc:bob"}
    )
    respx_mock.get(RESOLVE, params={"handle": "ghost.example.com"}).respond(
        400, json={"error": "InvalidRequest", "message": "Unable to resolve handle"}
    )
    route = respx_mock.post(CREATE).mock(return_value=created())

    connector.publish(text("hi @bob.test.social and @ghost.example.com #tag"), credentials)

    assert resolve.calls.last.request.headers["Authorization"] == "Bearer access-jwt-1"
    assert record_of(route.calls.last)["facets"] == [
        {
            "index": {"byteStart": 3, "byteEnd": 19},
            "features": [{"$type": "app.bsky.richtext.facet#mention", "did": "did:plc:bob"}],
        },
        {
            "index": {"byteStart": 43, "byteEnd": 47},
            "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": "tag"}],
        },
    ]


def test_images_are_uploaded_as_blobs_and_embedded_with_alt_text(
    connector, respx_mock, credentials
):
    respx_mock.get("https://media.crier.test/a.png").respond(200, content=PNG)
    respx_mock.get("https://media.crier.test/b.jpg").respond(200, content=b"jpeg")
    blobs = [
        {"$type": "blob", "ref": {"$link": "bafkrei1"}, "mimeType": "image/png", "size": 40},
        {"$type": "blob", "ref": {"$link": "bafkrei2"}, "mimeType": "image/jpeg", "size": 4},
    ]
    upload = respx_mock.post(UPLOAD).mock(
        side_effect=[httpx.Response(200, json={"blob": blob}) for blob in blobs]
    )
    route = respx_mock.post(CREATE).mock(return_value=created())
    media = (
        MediaItem(
            url="https://media.crier.test/a.png",
            mime_type="image/png",
            alt_text="A cat",
            width=800,
            height=600,
        ),
        MediaItem(url="https://media.crier.test/b.jpg", mime_type="image/jpeg"),
    )

    connector.publish(text(media=media), credentials)

    first = upload.calls[0].request
    assert first.headers["Content-Type"] == "image/png"
    assert first.headers["Authorization"] == "Bearer access-jwt-1"
    assert first.content == PNG
    assert upload.calls[1].request.content == b"jpeg"
    assert record_of(route.calls.last)["embed"] == {
        "$type": "app.bsky.embed.images",
        "images": [
            {"image": blobs[0], "alt": "A cat", "aspectRatio": {"width": 800, "height": 600}},
            {"image": blobs[1], "alt": ""},
        ],
    }


def test_video_is_uploaded_as_a_blob_and_embedded_as_video(connector, respx_mock, credentials):
    respx_mock.get("https://media.crier.test/v.mp4").respond(200, content=b"mp4-bytes")
    blob = {"$type": "blob", "ref": {"$link": "bafkreiv"}, "mimeType": "video/mp4", "size": 9}
    upload = respx_mock.post(UPLOAD).respond(200, json={"blob": blob})
    route = respx_mock.post(CREATE).mock(return_value=created())
    video = (
        MediaItem(url="https://media.crier.test/v.mp4", mime_type="video/mp4", alt_text="Waves"),
    )

    connector.publish(text(media=video), credentials)

    assert upload.calls.last.request.headers["Content-Type"] == "video/mp4"
    assert record_of(route.calls.last)["embed"] == {
        "$type": "app.bsky.embed.video",
        "video": blob,
        "alt": "Waves",
    }


def test_connect_keeps_the_account_when_describe_server_fails(connector, respx_mock):
    respx_mock.post(SESSION).respond(200, json=SESSION_ANSWER)
    respx_mock.get(f"{PDS}/xrpc/app.bsky.actor.getProfile").respond(200, json={"did": DID})
    respx_mock.get(DESCRIBE).respond(502)

    credentials, _ = connector.connect({"handle": "ada.bsky.social", "app_password": "pw"})

    assert credentials.external_id == DID
    assert "blob_upload_limit" not in credentials.extra


def test_limits_for_an_account_are_lowered_to_its_servers_upload_limit(connector, credentials):
    small = Credentials(
        external_id=DID,
        access_token="a",
        extra={**credentials.extra, "blob_upload_limit": REFERENCE_LIMIT},
    )
    video = MediaItem(url="https://m.test/v.mp4", mime_type="video/mp4", size=20_000_000)

    assert connector.limits_for(small).max_video_bytes == REFERENCE_LIMIT
    # The lexicons' own 2 MB stays the bound for images when the server allows more.
    assert connector.limits_for(small).max_image_bytes == 2_000_000
    assert connector.limits_for(credentials).max_video_bytes == 100_000_000
    assert [p.code for p in connector.validate(text(media=(video,)), small)] == ["media_too_large"]
    assert connector.validate(text(media=(video,)), credentials) == []


def test_a_video_over_the_servers_limit_is_refused_before_any_upload(
    connector, respx_mock, credentials
):
    small = Credentials(
        external_id=DID,
        access_token="a",
        extra={**credentials.extra, "blob_upload_limit": REFERENCE_LIMIT},
    )
    download = respx_mock.get("https://media.crier.test/v.mp4").respond(200, content=b"v")
    upload = respx_mock.post(UPLOAD).mock(video_blob(1))
    create = respx_mock.post(CREATE).mock(created())
    video = MediaItem(url="https://media.crier.test/v.mp4", mime_type="video/mp4", size=6_000_000)

    with pytest.raises(PermanentError) as caught:
        connector.publish(text(media=(video,)), small)

    assert caught.value.code == "media_too_large"
    assert "5.2 MB" in caught.value.message
    assert "Nothing was posted" in caught.value.message
    assert not (download.called or upload.called or create.called)


def test_an_account_connected_without_the_limit_asks_its_server_when_publishing_media(
    connector, respx_mock, credentials
):
    older = connected_before_limits(credentials)
    describe = respx_mock.get(DESCRIBE).mock(described(32))
    respx_mock.get("https://media.crier.test/v.mp4").respond(200, content=b"\0" * 33)
    upload = respx_mock.post(UPLOAD).mock(video_blob(33))
    create = respx_mock.post(CREATE).mock(created())
    unsized = MediaItem(url="https://media.crier.test/v.mp4", mime_type="video/mp4")

    with pytest.raises(PermanentError) as caught:
        connector.publish(text(media=(unsized,)), older)
    connector.publish(text("no media"), older)

    assert caught.value.code == "media_too_large"  # the download stops at the server's limit
    assert describe.call_count == 1  # a text post does not ask
    assert not upload.called
    assert create.call_count == 1


def test_media_goes_up_when_the_server_cannot_say_its_limit(connector, respx_mock, credentials):
    older = connected_before_limits(credentials)
    respx_mock.get(DESCRIBE).respond(500)
    respx_mock.get("https://media.crier.test/v.mp4").respond(200, content=b"v")
    upload = respx_mock.post(UPLOAD).mock(video_blob(1))
    respx_mock.post(CREATE).mock(created())
    video = MediaItem(url="https://media.crier.test/v.mp4", mime_type="video/mp4")

    published = connector.publish(text(media=(video,)), older)

    assert published.state == "published"
    assert upload.called


def test_thread_items_reply_with_root_and_parent_strong_refs(connector, respx_mock, credentials):
    route = respx_mock.post(CREATE).mock(side_effect=[created("r1"), created("r2"), created("r3")])

    published = connector.publish(
        text("one", thread=("two", "three"), options={"langs": ["en", "pt-BR"]}), credentials
    )

    records = [record_of(call) for call in route.calls]
    root = {"uri": f"at://{DID}/app.bsky.feed.post/r1", "cid": "bafyr1"}
    second = {"uri": f"at://{DID}/app.bsky.feed.post/r2", "cid": "bafyr2"}
    langs = ["en", "pt-BR"]
    assert records == [
        {"text": "one", "langs": langs},
        {"text": "two", "langs": langs, "reply": {"root": root, "parent": root}},
        {"text": "three", "langs": langs, "reply": {"root": root, "parent": second}},
    ]
    assert published.external_id == root["uri"]


def test_a_thread_failing_after_the_root_is_ambiguous_never_retried_blindly(
    connector, respx_mock, credentials
):
    respx_mock.post(CREATE).mock(
        side_effect=[
            created("r1"),
            httpx.Response(429, json={"error": "RateLimitExceeded", "message": "Slow down"}),
        ]
    )

    with pytest.raises(TransientError) as caught:
        connector.publish(text("one", thread=("two",)), credentials)

    assert caught.value.code == "thread_incomplete"
    assert caught.value.ambiguous is True
    assert f"at://{DID}/app.bsky.feed.post/r1" in caught.value.message
    assert not isinstance(caught.value, RateLimited)


def ref(rkey: str) -> dict[str, str]:
    return {"uri": f"at://{DID}/app.bsky.feed.post/{rkey}", "cid": f"bafy{rkey}"}


def record(rkey: str, **value) -> httpx.Response:
    """getRecord's answer for one of the account's posts."""
    return httpx.Response(
        200,
        json={
            **ref(rkey),
            "value": {"$type": "app.bsky.feed.post", "text": "earlier", **value},
        },
    )


def test_a_reply_to_a_top_level_post_has_it_as_root_and_parent(connector, respx_mock, credentials):
    lookup = respx_mock.get(GET_RECORD).mock(return_value=record("p1"))
    route = respx_mock.post(CREATE).mock(side_effect=[created("r1"), created("r2")])

    published = connector.publish(
        text("later", thread=("more",), reply_to=ref("p1")["uri"]), credentials
    )

    request = lookup.calls.last.request
    assert dict(request.url.params) == {
        "repo": DID,
        "collection": "app.bsky.feed.post",
        "rkey": "p1",
    }
    assert request.headers["Authorization"] == "Bearer access-jwt-1"
    assert [record_of(call) for call in route.calls] == [
        {"text": "later", "reply": {"root": ref("p1"), "parent": ref("p1")}},
        # The in-call follow-up stays in the thread of the post answered.
        {"text": "more", "reply": {"root": ref("p1"), "parent": ref("r1")}},
    ]
    assert published.external_id == ref("r1")["uri"]


def test_a_reply_with_an_image_embeds_it_in_the_thread_of_the_post(
    connector, respx_mock, credentials
):
    # A thread item with media (Postiz follow-ups with images) is one such call.
    respx_mock.get(GET_RECORD).mock(return_value=record("p1"))
    respx_mock.get("https://media.crier.test/a.png").respond(200, content=PNG)
    blob = {"$type": "blob", "ref": {"$link": "bafkrei1"}, "mimeType": "image/png", "size": 40}
    respx_mock.post(UPLOAD).respond(200, json={"blob": blob})
    route = respx_mock.post(CREATE).mock(return_value=created("r1"))
    image = MediaItem(url="https://media.crier.test/a.png", mime_type="image/png", alt_text="A")

    connector.publish(text("later", media=(image,), reply_to=ref("p1")["uri"]), credentials)

    posted = record_of(route.calls.last)
    assert posted["reply"] == {"root": ref("p1"), "parent": ref("p1")}
    assert posted["embed"] == {
        "$type": "app.bsky.embed.images",
        "images": [{"image": blob, "alt": "A"}],
    }


def test_a_reply_to_a_reply_keeps_the_root_of_its_thread(connector, respx_mock, credentials):
    respx_mock.get(GET_RECORD).mock(
        return_value=record(
            "p2",
            reply={
                "root": {"$type": "com.atproto.repo.strongRef", **ref("p0")},
                "parent": ref("p1"),
            },
        )
    )
    route = respx_mock.post(CREATE).mock(return_value=created("r1"))

    connector.publish(text("later", reply_to=ref("p2")["uri"]), credentials)

    assert record_of(route.calls.last) == {
        "text": "later",
        "reply": {"root": ref("p0"), "parent": ref("p2")},
    }


@pytest.mark.parametrize(
    "answer",
    [
        {"error": "RecordNotFound", "message": "Could not locate record"},
        {"error": "InvalidRequest", "message": "Could not locate record: at://..."},
    ],
)
def test_a_reply_to_a_post_that_is_gone_is_permanent_and_posts_nothing(
    connector, respx_mock, credentials, answer
):
    respx_mock.get(GET_RECORD).respond(400, json=answer)
    create = respx_mock.post(CREATE)

    with pytest.raises(PermanentError) as caught:
        connector.publish(text("later", reply_to=ref("p1")["uri"]), credentials)

    assert caught.value.code == "reply_parent_not_found"
    assert ref("p1")["uri"] in caught.value.message
    assert not create.called


def test_a_reply_to_something_that_is_not_a_post_uri_is_permanent(connector, credentials):
    with pytest.raises(PermanentError) as caught:
        connector.publish(text("later", reply_to="https://bsky.app/profile/x/post/1"), credentials)

    assert caught.value.code == "reply_parent_not_found"


@pytest.mark.parametrize(
    "failure",
    [httpx.Response(502), httpx.Response(503), httpx.ReadTimeout("slow")],
)
def test_a_failed_parent_lookup_is_transient_and_never_ambiguous(
    connector, respx_mock, credentials, failure
):
    lookup = respx_mock.get(GET_RECORD)
    if isinstance(failure, Exception):
        lookup.mock(side_effect=failure)
    else:
        lookup.mock(return_value=failure)
    create = respx_mock.post(CREATE)

    with pytest.raises(TransientError) as caught:
        connector.publish(text("later", reply_to=ref("p1")["uri"]), credentials)

    assert caught.value.ambiguous is False
    assert not create.called


def test_an_expired_token_on_the_parent_lookup_is_auth_expired(connector, respx_mock, credentials):
    respx_mock.get(GET_RECORD).respond(
        400, json={"error": "ExpiredToken", "message": "Token has expired"}
    )

    with pytest.raises(AuthExpired):
        connector.publish(text("later", reply_to=ref("p1")["uri"]), credentials)


def test_the_account_pds_is_used_and_falls_back_to_the_service_url(connector, respx_mock):
    route = respx_mock.post(f"{ENTRYWAY}/xrpc/com.atproto.repo.createRecord").mock(
        return_value=created()
    )
    plain = Credentials(external_id=DID, access_token="a", extra={"service_url": ENTRYWAY})

    published = connector.publish(text(), plain)

    assert route.called
    assert published.url == f"https://bsky.app/profile/{DID}/post/3k43tv4rft22g"


# --- errors ----------------------------------------------------------------------------


def test_expired_access_token_answers_400_and_is_auth_expired(connector, respx_mock, credentials):
    respx_mock.post(CREATE).respond(
        400, json={"error": "ExpiredToken", "message": "Token has expired"}
    )

    with pytest.raises(AuthExpired) as caught:
        connector.publish(text(), credentials)

    assert caught.value.code == "ExpiredToken"
    assert caught.value.message == "Token has expired"


def test_invalid_record_is_permanent_with_the_pds_message(connector, respx_mock, credentials):
    message = "Invalid app.bsky.feed.post record: Record/text must not be longer than 300 graphemes"
    respx_mock.post(CREATE).respond(400, json={"error": "InvalidRequest", "message": message})

    with pytest.raises(PermanentError) as caught:
        connector.publish(text(), credentials)

    assert caught.value.message == message
    assert not isinstance(caught.value, AuthExpired)


def test_rate_limit_reads_the_ratelimit_reset_header(connector, respx_mock, credentials):
    reset = int(time.time()) + 90
    respx_mock.post(CREATE).respond(
        429,
        headers={
            "RateLimit-Limit": "5000",
            "RateLimit-Remaining": "0",
            "RateLimit-Reset": str(reset),
        },
        json={"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"},
    )

    with pytest.raises(RateLimited) as caught:
        connector.publish(text(), credentials)

    assert 80 < caught.value.retry_after <= 90


@pytest.mark.parametrize(("status", "ambiguous"), [(500, True), (502, True), (503, False)])
def test_server_errors_on_create_record_are_transient(
    connector, respx_mock, credentials, status, ambiguous
):
    respx_mock.post(CREATE).respond(status, json={"error": "InternalServerError", "message": "x"})

    with pytest.raises(TransientError) as caught:
        connector.publish(text(), credentials)

    assert caught.value.ambiguous is ambiguous


def test_blob_upload_failures_are_not_ambiguous_and_nothing_is_posted(
    connector, respx_mock, credentials
):
    respx_mock.get("https://media.crier.test/a.png").respond(200, content=PNG)
    respx_mock.post(UPLOAD).respond(500, json={"error": "InternalServerError"})
    route = respx_mock.post(CREATE).mock(return_value=created())
    image = (MediaItem(url="https://media.crier.test/a.png", mime_type="image/png"),)

    with pytest.raises(TransientError) as caught:
        connector.publish(text(media=image), credentials)

    assert caught.value.ambiguous is False
    assert not route.called


def test_a_create_answer_without_uri_is_ambiguous(connector, respx_mock, credentials):
    respx_mock.post(CREATE).respond(200, json={})

    with pytest.raises(TransientError) as caught:
        connector.publish(text(), credentials)

    assert caught.value.ambiguous is True


# --- connecting and refreshing ---------------------------------------------------------


def test_connect_creates_a_session_and_keeps_what_publish_needs(connector, respx_mock):
    session = respx_mock.post(SESSION).respond(200, json=SESSION_ANSWER)
    describe = respx_mock.get(DESCRIBE).mock(described(REFERENCE_LIMIT))
    respx_mock.get(f"{PDS}/xrpc/app.bsky.actor.getProfile", params={"actor": DID}).respond(
        200, json={"did": DID, "displayName": "Ada", "avatar": "https://cdn.test/ada.jpg"}
    )

    credentials, profile = connector.connect(
        {"handle": "@ada.bsky.social", "app_password": "abcd-efgh-ijkl-mnop"}
    )

    assert json.loads(session.calls.last.request.content) == {
        "identifier": "ada.bsky.social",
        "password": "abcd-efgh-ijkl-mnop",
    }
    assert credentials.external_id == DID
    assert credentials.access_token == SESSION_ANSWER["accessJwt"]
    assert credentials.refresh_token == "refresh-jwt-2"
    assert credentials.expires_at == datetime.fromtimestamp(ACCESS_EXP, tz=UTC)
    assert dict(credentials.extra) == {
        "service_url": ENTRYWAY,
        "handle": "ada.bsky.social",
        "pds_url": PDS,
        "app_password": "abcd-efgh-ijkl-mnop",
        "blob_upload_limit": REFERENCE_LIMIT,
    }
    # Asked of the account's own PDS, which takes the uploads, not of the entryway.
    assert "Authorization" not in describe.calls.last.request.headers
    assert profile.username == "ada.bsky.social"
    assert profile.display_name == "Ada"
    assert "abcd-efgh" not in repr(credentials)


def test_connect_uses_the_given_pds(connector, respx_mock):
    route = respx_mock.post(
        "https://pds.example.org/xrpc/com.atproto.server.createSession"
    ).respond(200, json={**SESSION_ANSWER, "didDoc": None})
    respx_mock.get("https://pds.example.org/xrpc/app.bsky.actor.getProfile").respond(500)
    respx_mock.get("https://pds.example.org/xrpc/com.atproto.server.describeServer").mock(
        described(None)
    )

    credentials, profile = connector.connect(
        {"handle": "ada.example.org", "app_password": "pw-123456", "service_url": "pds.example.org"}
    )

    assert route.called
    assert credentials.extra["service_url"] == "https://pds.example.org"
    assert "pds_url" not in credentials.extra
    assert "blob_upload_limit" not in credentials.extra  # the server states none
    assert profile.display_name == ""  # the profile look-up is best effort


@pytest.mark.parametrize(
    "service", ["https://pds.example.org/x?", "https://u:p@pds.example.org", "pds.example.org/a"]
)
def test_connect_refuses_a_service_url_with_more_than_an_origin(connector, respx_mock, service):
    with pytest.raises(PermanentError) as caught:
        connector.connect(
            {"handle": "ada.example.org", "app_password": "pw", "service_url": service}
        )

    assert caught.value.code == "invalid_url"
    assert not respx_mock.calls


def test_connect_with_a_wrong_password_is_permanent_with_blueskys_reason(connector, respx_mock):
    respx_mock.post(SESSION).respond(
        401, json={"error": "AuthenticationRequired", "message": "Invalid identifier or password"}
    )

    with pytest.raises(PermanentError) as caught:
        connector.connect({"handle": "ada.bsky.social", "app_password": "wrong-password"})

    assert not isinstance(caught.value, AuthExpired)
    assert caught.value.message == "Invalid identifier or password"


def test_refresh_sends_the_refresh_jwt_and_takes_the_rotated_tokens(
    connector, respx_mock, credentials
):
    route = respx_mock.post(REFRESH).respond(200, json=SESSION_ANSWER)

    refreshed = connector.refresh(credentials)

    assert route.calls.last.request.headers["Authorization"] == "Bearer refresh-jwt-1"
    assert route.calls.last.request.content == b""
    assert refreshed.access_token == SESSION_ANSWER["accessJwt"]
    assert refreshed.refresh_token == "refresh-jwt-2"
    assert refreshed.expires_at == datetime.fromtimestamp(ACCESS_EXP, tz=UTC)
    assert refreshed.extra["app_password"] == "abcd-efgh-ijkl-mnop"


def test_refresh_of_an_account_connected_before_keeps_its_servers_upload_limit(
    connector, respx_mock, credentials
):
    older = Credentials(
        external_id=DID,
        access_token="a",
        refresh_token="refresh-jwt-1",
        extra=connected_before_limits(credentials).extra,
    )
    respx_mock.post(REFRESH).respond(200, json=SESSION_ANSWER)
    describe = respx_mock.get(DESCRIBE).mock(described(REFERENCE_LIMIT))

    refreshed = connector.refresh(older)
    again = connector.refresh(refreshed)

    assert refreshed.extra["blob_upload_limit"] == REFERENCE_LIMIT
    assert again.extra["blob_upload_limit"] == REFERENCE_LIMIT
    assert describe.call_count == 1  # kept, so not asked again


def test_refresh_stands_when_describe_server_fails(connector, respx_mock, credentials):
    older = Credentials(
        external_id=DID,
        access_token="a",
        refresh_token="refresh-jwt-1",
        extra=connected_before_limits(credentials).extra,
    )
    respx_mock.post(REFRESH).respond(200, json=SESSION_ANSWER)
    respx_mock.get(DESCRIBE).respond(503)

    refreshed = connector.refresh(older)

    assert refreshed.access_token == SESSION_ANSWER["accessJwt"]
    assert "blob_upload_limit" not in refreshed.extra


def test_refresh_keeps_a_refresh_token_the_pds_did_not_replace(connector, respx_mock, credentials):
    answer = {key: value for key, value in SESSION_ANSWER.items() if key != "refreshJwt"}
    respx_mock.post(REFRESH).respond(200, json=answer)

    assert connector.refresh(credentials).refresh_token == "refresh-jwt-1"


def test_an_expired_refresh_jwt_opens_a_new_session_with_the_app_password(
    connector, respx_mock, credentials
):
    respx_mock.post(REFRESH).respond(
        400, json={"error": "ExpiredToken", "message": "Token has expired"}
    )
    session = respx_mock.post(SESSION).respond(200, json=SESSION_ANSWER)

    refreshed = connector.refresh(credentials)

    assert json.loads(session.calls.last.request.content) == {
        "identifier": "ada.bsky.social",
        "password": "abcd-efgh-ijkl-mnop",
    }
    assert refreshed.refresh_token == "refresh-jwt-2"


def test_refresh_is_refused_when_the_token_and_the_app_password_are_refused(
    connector, respx_mock, credentials
):
    respx_mock.post(REFRESH).respond(400, json={"error": "InvalidToken", "message": "Bad token"})
    respx_mock.post(SESSION).respond(
        401, json={"error": "AuthenticationRequired", "message": "Invalid identifier or password"}
    )

    with pytest.raises(RefreshRefused, match="Invalid identifier or password"):
        connector.refresh(credentials)


def test_refresh_without_app_password_is_refused_by_the_pds_answer(connector, respx_mock):
    respx_mock.post(REFRESH).respond(400, json={"error": "ExpiredToken", "message": "Expired"})
    bare = Credentials(external_id=DID, access_token="a", refresh_token="r", extra={"pds_url": PDS})

    with pytest.raises(RefreshRefused) as caught:
        connector.refresh(bare)

    assert caught.value.code == "ExpiredToken"


@pytest.mark.parametrize(
    "failure",
    [
        httpx.Response(502, json={"error": "UpstreamFailure"}),
        httpx.Response(429, json={"error": "RateLimitExceeded"}),
        httpx.ConnectError("down"),
    ],
)
def test_refresh_network_and_server_failures_are_transient_not_refusals(
    connector, respx_mock, credentials, failure
):
    route = respx_mock.post(REFRESH)
    if isinstance(failure, Exception):
        route.mock(side_effect=failure)
    else:
        route.mock(return_value=failure)
    session = respx_mock.post(SESSION).respond(200, json=SESSION_ANSWER)

    with pytest.raises(TransientError) as caught:
        connector.refresh(credentials)

    assert not isinstance(caught.value, RefreshRefused)
    assert not session.called


def test_the_default_entryway_comes_from_the_configuration(respx_mock):
    entryway = ConnectorConfig(api_url="https://entryway.example/")
    route = respx_mock.post(
        "https://entryway.example/xrpc/com.atproto.server.createSession"
    ).respond(200, json={**SESSION_ANSWER, "didDoc": None})
    respx_mock.get("https://entryway.example/xrpc/app.bsky.actor.getProfile").respond(
        200, json={"displayName": "Ada"}
    )
    respx_mock.get("https://entryway.example/xrpc/com.atproto.server.describeServer").respond(503)

    with BlueskyConnector(config=entryway) as connector:
        credentials, _ = connector.connect(
            {"handle": "ada.bsky.social", "app_password": "pw-123456"}
        )

    assert route.called
    assert credentials.extra["service_url"] == "https://entryway.example"
