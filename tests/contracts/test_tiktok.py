"""TikTok connector against the table written from TikTok's documentation
(tests/contracts/tables/tiktok.py, checked by doc_table.py). TikTok's Content Posting API
reads no metrics: connect, refresh, publish, poll and the recent videos (video/list) are
the operations."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest

from connectors import tiktok
from connectors.base import Content, Credentials, MediaItem
from connectors.tiktok import TikTokConfig, TikTokConnector
from tests.contracts.doc_table import DocTable, asked_scopes, authorize_problems, crier_app
from tests.contracts.openapi import call_problems
from tests.contracts.tables import tiktok as table
from tests.platforms import (
    TIKTOK,
    TIKTOK_API,
    TIKTOK_OK,
    TIKTOK_POST_ID,
    TIKTOK_PUBLISH_ID,
    TIKTOK_UPLOAD,
    tiktok_creator,
    tiktok_status,
)

CONTRACT = DocTable("TikTok", table.ENDPOINTS, table.HOSTS)
MEDIA = "https://media.crier.test"
APP = crier_app("tiktok")


def make_connector(**config) -> TikTokConnector:
    return TikTokConnector(
        timeout=5,
        config=TikTokConfig(client_id=APP.client_id, client_secret=APP.client_secret, **config),
    )


@pytest.fixture
def connector() -> Iterator[TikTokConnector]:
    with make_connector() as connector:
        yield connector


@pytest.fixture
def credentials() -> Credentials:
    return Credentials(external_id=TIKTOK.external_id, **TIKTOK.credentials)


def token_answer() -> dict:
    return {
        "open_id": "open-id-1",
        "access_token": "act.new",
        "refresh_token": "rft.new",
        "expires_in": 86400,
        "refresh_expires_in": 31536000,
        "scope": "user.info.basic,video.publish",
        "token_type": "Bearer",
    }


# --- the operations ------------------------------------------------------------------------


def connect(connector, respx_mock, credentials):
    respx_mock.post(tiktok.TOKEN_URL).respond(200, json=token_answer())
    respx_mock.get(f"{tiktok.API_URL}/v2/user/info/").respond(
        200,
        json={
            "data": {"user": {"open_id": "open-id-1", "username": "crier.app"}},
            "error": TIKTOK_OK,
        },
    )
    connector.exchange_code(APP, code="code", code_verifier="v" * 43)


def refresh(connector, respx_mock, credentials):
    respx_mock.post(tiktok.TOKEN_URL).respond(200, json=token_answer())
    connector.refresh(credentials)


def publish(*names: str, pull: bool = False) -> Callable:
    def operation(connector, respx_mock, credentials):
        respx_mock.post(f"{TIKTOK_API}/creator_info/query/").respond(200, json=tiktok_creator())
        answer = {
            "data": {"publish_id": TIKTOK_PUBLISH_ID, "upload_url": TIKTOK_UPLOAD},
            "error": TIKTOK_OK,
        }
        respx_mock.post(f"{TIKTOK_API}/video/init/").respond(200, json=answer)
        respx_mock.post(f"{TIKTOK_API}/content/init/").respond(200, json=answer)
        respx_mock.put(TIKTOK_UPLOAD).respond(201)
        items = []
        for name in names:
            respx_mock.get(f"{MEDIA}/{name}").respond(200, content=b"\0" * 2048)
            mime = "video/mp4" if name.endswith("mp4") else "image/jpeg"
            items.append(MediaItem(url=f"{MEDIA}/{name}", mime_type=mime, duration=12))
        options = {"privacy_level": "PUBLIC_TO_EVERYONE", "disable_comments": True}
        post = Content(
            text="Launch #crier", idempotency_key="d-1", media=tuple(items), options=options
        )
        if pull:
            with make_connector(video_source="PULL_FROM_URL") as pulling:
                assert pulling.publish(post, credentials).state == "processing"
        else:
            assert connector.publish(post, credentials).state == "processing"

    return operation


def poll(connector, respx_mock, credentials):
    respx_mock.post(f"{TIKTOK_API}/status/fetch/").mock(
        tiktok_status("PUBLISH_COMPLETE", (TIKTOK_POST_ID,))
    )
    handle = f"{TIKTOK_PUBLISH_ID}|0|crier.app|video"
    assert connector.poll(handle, credentials).state == "published"


def recent_posts(connector, respx_mock, credentials):
    respx_mock.post(f"{tiktok.API_URL}/v2/video/list/").respond(
        200,
        json={"data": {"videos": [{"id": TIKTOK_POST_ID}], "has_more": False}, "error": TIKTOK_OK},
    )
    assert [post.external_id for post in connector.recent_posts(credentials, limit=20)] == [
        TIKTOK_POST_ID
    ]


OPERATIONS = {
    "connect": connect,
    "refresh": refresh,
    "publish_video": publish("v.mp4"),
    "publish_video_from_url": publish("v.mp4", pull=True),
    "publish_photos": publish("a.jpg", "b.jpg"),
    "poll": poll,
    "recent_posts": recent_posts,
}


@pytest.mark.parametrize("name", OPERATIONS)
def test_every_request_is_one_the_documentation_describes(name, connector, respx_mock, credentials):
    OPERATIONS[name](connector, respx_mock, credentials)

    assert call_problems(CONTRACT, respx_mock.calls, asked_scopes(connector, APP)) == []


def test_the_authorization_url_is_the_documented_one(connector):
    assert authorize_problems(table.AUTHORIZE, connector, APP) == []


def test_limits_agree_with_the_documentation():
    limits = TikTokConnector.limits
    (privacy,) = (o for o in TikTokConnector.options if o.name == "privacy_level")

    assert limits.max_chars == table.MAX_VIDEO_TITLE
    assert tiktok.MAX_PHOTO_TEXT == table.MAX_PHOTO_DESCRIPTION
    assert limits.max_images == table.MAX_PHOTOS
    assert set(privacy.choices) == set(tiktok.PRIVACY_LEVELS) == set(table.PRIVACY_LEVELS)
    upload = table.VIDEO_INIT["properties"]["source_info"]["oneOf"][0]["properties"]
    assert upload["chunk_size"]["maximum"] >= tiktok.SINGLE_UPLOAD_BYTES
    assert upload["chunk_size"]["maximum"] >= tiktok.CHUNK_BYTES
    assert limits.max_video_bytes <= upload["video_size"]["maximum"]


def init(body: dict) -> httpx.Request:
    return httpx.Request(
        "POST",
        f"{TIKTOK_API}/video/init/",
        json=body,
        headers={"Authorization": "Bearer a", "Content-Type": "application/json; charset=UTF-8"},
    )


FILE = {"source": "FILE_UPLOAD", "video_size": 10, "chunk_size": 10, "total_chunk_count": 1}


@pytest.mark.parametrize(
    ("request_", "complaint"),
    [
        (httpx.Request("POST", f"{TIKTOK_API}/inbox/video/init/", json={}), "no such endpoint"),
        (
            init({"post_info": {"privacy_level": "PUBLIC"}, "source_info": FILE}),
            "'PUBLIC' is not one of",
        ),
        (
            init(
                {
                    "post_info": {"privacy_level": "SELF_ONLY", "title": "x" * 2201},
                    "source_info": FILE,
                }
            ),
            "is too long",
        ),
        (
            init(
                {
                    "post_info": {"privacy_level": "SELF_ONLY"},
                    "source_info": {**FILE, "total_chunk_count": 1001},
                }
            ),
            "is not valid under any of the given schemas",
        ),
        (
            httpx.Request(
                "POST", f"{TIKTOK_API}/video/init/", json={}, headers={"Authorization": "Bearer a"}
            ),
            "header 'Content-Type'",
        ),
    ],
)
def test_the_check_reports_what_the_documentation_does_not_allow(request_, complaint):
    problems = CONTRACT.problems(request_, {"video.publish"})

    assert any(complaint in problem for problem in problems), problems
