"""Bluesky connector against the AT Protocol lexicons (npm @atproto/api, tests/contracts/npm/).

Every XRPC call the connector makes must be a query (GET) or procedure (POST) of a
vendored lexicon, with parameters and input it accepts; every post record must validate
against app.bsky.feed.post (text graphemes and bytes, facets, embeds with their blob
types and sizes, replies, langs). App passwords carry no scopes, so none are checked.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from connectors.base import Content, Credentials, MediaItem
from connectors.bluesky import BlueskyConnector
from tests.connectors.test_bluesky import (
    CREATE,
    DESCRIBE,
    DID,
    ENTRYWAY,
    GET_RECORD,
    PDS,
    REFRESH,
    RESOLVE,
    ROOT_URI,
    SESSION,
    SESSION_ANSWER,
    UPLOAD,
    created,
    described,
)
from tests.contracts.lexicon import bluesky_lexicons
from tests.contracts.openapi import call_problems
from tests.platforms import BLUESKY

CONTRACT = bluesky_lexicons()
MEDIA = "https://media.crier.test"
PROFILE = f"{PDS}/xrpc/app.bsky.actor.getProfile"


@pytest.fixture
def connector() -> Iterator[BlueskyConnector]:
    with BlueskyConnector(timeout=5) as connector:
        yield connector


@pytest.fixture
def credentials() -> Credentials:
    extra = {**BLUESKY.credentials["extra"], "pds_url": PDS, "service_url": ENTRYWAY}
    return Credentials(external_id=DID, **{**BLUESKY.credentials, "extra": extra})


def blob(mime: str, size: int) -> httpx.Response:
    return httpx.Response(
        200,
        json={
            "blob": {"$type": "blob", "ref": {"$link": "bafkreib"}, "mimeType": mime, "size": size}
        },
    )


def post(text: str = "Launch day", **kwargs) -> Content:
    return Content(text=text, idempotency_key="d-1", **kwargs)


# --- the operations ------------------------------------------------------------------------


def connect(connector, respx_mock, credentials):
    respx_mock.post(SESSION).respond(200, json=SESSION_ANSWER)
    respx_mock.get(PROFILE).respond(200, json={"did": DID, "handle": "ada.bsky.social"})
    respx_mock.get(DESCRIBE).mock(described(5 * 1024 * 1024))
    connector.connect({"handle": "ada.bsky.social", "app_password": "abcd-efgh-ijkl-mnop"})


def publish_text_with_facets(connector, respx_mock, credentials):
    respx_mock.get(RESOLVE).respond(200, json={"did": "did:plc:bob"})
    respx_mock.post(CREATE).mock(created())
    text = "Hi @bob.bsky.social, see https://crier.test/launch #launch"
    connector.publish(post(text, options={"langs": ["en", "pt-BR"]}), credentials)


def publish_images(connector, respx_mock, credentials):
    for n in range(4):
        respx_mock.get(f"{MEDIA}/{n}.png").respond(200, content=b"\x89PNG" + b"\0" * 60)
    respx_mock.post(UPLOAD).mock(blob("image/png", 64))
    respx_mock.post(CREATE).mock(created())
    images = tuple(
        MediaItem(
            url=f"{MEDIA}/{n}.png", mime_type="image/png", alt_text="Alt" * n, width=4, height=3
        )
        for n in range(4)
    )
    connector.publish(post(media=images), credentials)


def publish_video(connector, respx_mock, credentials):
    respx_mock.get(f"{MEDIA}/v.mp4").respond(200, content=b"\0" * 64)
    respx_mock.post(UPLOAD).mock(blob("video/mp4", 64))
    respx_mock.post(CREATE).mock(created())
    video = MediaItem(url=f"{MEDIA}/v.mp4", mime_type="video/mp4", alt_text="A rocket", duration=10)
    connector.publish(post(media=(video,)), credentials)


def publish_thread(connector, respx_mock, credentials):
    respx_mock.post(CREATE).mock(side_effect=[created(f"3k43tv4rft22{n}") for n in "abc"])
    connector.publish(post(thread=("Second", "Third")), credentials)


def publish_reply(connector, respx_mock, credentials):
    respx_mock.get(GET_RECORD).respond(
        200,
        json={"uri": ROOT_URI, "cid": "bafyreiroot", "value": {"text": "Root", "createdAt": "x"}},
    )
    respx_mock.post(CREATE).mock(created("3k43tv4rft22d"))
    connector.publish(post(reply_to=ROOT_URI), credentials)


def refresh(connector, respx_mock, credentials):
    respx_mock.post(REFRESH).respond(200, json=SESSION_ANSWER)
    connector.refresh(credentials)


def post_metrics(connector, respx_mock, credentials):
    respx_mock.get(f"{PDS}/xrpc/app.bsky.feed.getPosts").respond(
        200, json={"posts": [{"uri": ROOT_URI, "likeCount": 2, "repostCount": 1}]}
    )
    connector.post_metrics(ROOT_URI, credentials)


def account_metrics(connector, respx_mock, credentials):
    respx_mock.get(PROFILE).respond(200, json={"did": DID, "followersCount": 5})
    connector.account_metrics(credentials)


OPERATIONS = {
    "connect": connect,
    "publish_text_with_facets": publish_text_with_facets,
    "publish_images": publish_images,
    "publish_video": publish_video,
    "publish_thread": publish_thread,
    "publish_reply": publish_reply,
    "refresh": refresh,
    "post_metrics": post_metrics,
    "account_metrics": account_metrics,
}


@pytest.mark.parametrize("operation", OPERATIONS.values(), ids=OPERATIONS.keys())
def test_every_call_is_one_the_lexicons_describe(operation, connector, respx_mock, credentials):
    operation(connector, respx_mock, credentials)

    assert call_problems(CONTRACT, respx_mock.calls, set()) == []


def test_limits_agree_with_the_lexicons():
    text = CONTRACT.definition("app.bsky.feed.post")["record"]["properties"]["text"]
    images = CONTRACT.definition("app.bsky.embed.images")["properties"]["images"]
    image = CONTRACT.definition("app.bsky.embed.images#image")["properties"]["image"]
    video = CONTRACT.definition("app.bsky.embed.video")["properties"]["video"]
    limits = BlueskyConnector.limits

    assert text["maxGraphemes"] == limits.max_chars
    assert images["maxLength"] == limits.max_images
    assert image["maxSize"] == limits.max_image_bytes
    assert video["maxSize"] == limits.max_video_bytes
    assert image["accept"] == ["image/*"]
    assert limits.image_types == {t for t in limits.image_types if t.startswith("image/")}
    assert limits.video_types <= set(video["accept"])


def test_the_upload_limit_kept_at_connect_is_the_one_describe_server_states():
    output = CONTRACT.definition("com.atproto.server.describeServer")["output"]["schema"]
    upload = CONTRACT.definition("com.atproto.repo.uploadBlob")

    assert output["properties"]["blobUploadLimit"]["type"] == "integer"
    assert "uploadBlob" in output["properties"]["blobUploadLimit"]["description"]
    assert upload["type"] == "procedure"


def created_record(record: dict) -> httpx.Request:
    return httpx.Request(
        "POST",
        CREATE,
        json={"repo": DID, "collection": "app.bsky.feed.post", "record": record},
    )


NOW = "2026-12-06T12:00:00.000Z"
FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"  # one grapheme


@pytest.mark.parametrize(
    ("request_", "complaint"),
    [
        (httpx.Request("GET", f"{PDS}/xrpc/app.bsky.feed.getTimelines"), "no query or procedure"),
        (httpx.Request("GET", CREATE), "a procedure is called with POST"),
        (httpx.Request("GET", PROFILE, params={"actor": DID, "x": "1"}), "'x' was unexpected"),
        (httpx.Request("GET", PROFILE), "'actor' is a required property"),
        (
            # 130 graphemes of 25 bytes each: within 300 graphemes, over 3000 bytes.
            created_record({"$type": "app.bsky.feed.post", "text": FAMILY * 130, "createdAt": NOW}),
            "3250 bytes is more than 3000",
        ),
        (
            created_record({"$type": "app.bsky.feed.post", "text": "a" * 301, "createdAt": NOW}),
            "301 graphemes is more than 300",
        ),
        (
            created_record({"$type": "app.bsky.feed.post", "text": "a", "createdAt": "today"}),
            "is not a 'datetime'",
        ),
        (
            created_record({"$type": "app.bsky.feed.post", "text": "a", "createdAt": NOW, "x": 1}),
            "'x' was unexpected",
        ),
        (
            created_record(
                {"$type": "app.bsky.feed.post", "text": "a", "createdAt": NOW, "langs": ["en_US"]}
            ),
            "is not a 'language'",
        ),
    ],
)
def test_the_check_reports_what_the_lexicons_do_not_allow(request_, complaint):
    problems = CONTRACT.problems(request_, set())

    assert any(complaint in problem for problem in problems), problems


@pytest.mark.parametrize(
    "langs",
    [["en_US"], ["en", "pt", "de", "fr"], [""], ["e"]],
    ids=["underscore", "four", "empty", "one_letter"],
)
def test_validate_refuses_the_langs_the_post_lexicon_refuses(langs, connector):
    record = {"$type": "app.bsky.feed.post", "text": "a", "createdAt": NOW, "langs": langs}

    assert CONTRACT.problems(created_record(record), set()) != []
    assert connector.validate(post(options={"langs": langs})) != []
