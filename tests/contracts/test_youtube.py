"""YouTube connector against the YouTube Data API v3 discovery document
(tests/contracts/youtube/discovery.json, as google-api-python-client ships it).

Every request the connector sends to the API hosts must be a method of the document, with
parameters and a body it accepts, and one of the method's scopes among those the
connector's authorization URL asks for. Google's OAuth endpoints are not in the document,
so refresh (a token request only) has nothing here to be checked against.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from connectors.base import ConnectorConfig, Content, Credentials, MediaItem, OAuthApp
from connectors.youtube import YouTubeConnector
from tests.contracts.discovery import Discovery
from tests.contracts.openapi import call_problems
from tests.platforms import (
    YOUTUBE,
    YOUTUBE_VIDEO_ID,
    YOUTUBE_VIDEOS,
    mock_youtube,
    youtube_status,
)

CONTRACT = Discovery("youtube/discovery.json")
CHANNELS = "https://www.googleapis.com/youtube/v3/channels"
MEDIA = "https://media.crier.test"
APP = OAuthApp(
    client_id="yt-client.apps.googleusercontent.com",
    client_secret="yt-secret",
    redirect_uri="https://crier.test/api/v1/accounts/callback/youtube",
)


@pytest.fixture
def connector() -> Iterator[YouTubeConnector]:
    # Crier's app, as settings hand it in (CRIER_OAUTH_YOUTUBE_CLIENT_ID / _SECRET).
    config = ConnectorConfig(client_id=APP.client_id, client_secret=APP.client_secret)
    with YouTubeConnector(timeout=5, config=config) as connector:
        yield connector


@pytest.fixture
def credentials() -> Credentials:
    return Credentials(external_id=YOUTUBE.external_id, **YOUTUBE.credentials)


def granted(connector: YouTubeConnector) -> set[str]:
    url = connector.authorization_url(APP, state="s", code_challenge="c")
    return set(parse_qs(urlsplit(url).query)["scope"][0].split(" "))


def statistics(**counts: str) -> httpx.Response:
    return httpx.Response(200, json={"items": [{"id": "x", "statistics": counts}]})


# --- the operations ------------------------------------------------------------------------


def connect(connector, respx_mock, credentials):
    respx_mock.post("https://oauth2.googleapis.com/token").respond(
        200, json={"access_token": "ya29.a", "refresh_token": "1//r", "expires_in": 3599}
    )
    respx_mock.get(CHANNELS).respond(
        200, json={"items": [{"id": YOUTUBE.external_id, "snippet": {"title": "Ada"}}]}
    )
    connector.exchange_code(APP, code="code", code_verifier="v" * 43)


def publish_video(options: dict):
    def publish(connector, respx_mock, credentials):
        respx_mock.get(f"{MEDIA}/v.mp4").respond(200, content=b"\0" * 64)
        mock_youtube(respx_mock)
        video = MediaItem(url=f"{MEDIA}/v.mp4", mime_type="video/mp4", duration=10)
        post = Content(text="Launch day", idempotency_key="d-1", media=(video,), options=options)
        assert connector.publish(post, credentials).state == "processing"

    return publish


def poll(connector, respx_mock, credentials):
    respx_mock.get(YOUTUBE_VIDEOS).mock(youtube_status("processed"))
    connector.poll(YOUTUBE_VIDEO_ID, credentials)


def post_metrics(connector, respx_mock, credentials):
    respx_mock.get(YOUTUBE_VIDEOS).mock(statistics(viewCount="3"))
    connector.post_metrics(YOUTUBE_VIDEO_ID, credentials)


def account_metrics(connector, respx_mock, credentials):
    respx_mock.get(CHANNELS).mock(statistics(subscriberCount="1"))
    connector.account_metrics(credentials)


EVERY_OPTION = {
    "title": "Launch",
    "description": "All about it",
    "privacy": "unlisted",
    "tags": ["launch", "rocket"],
    "notify_subscribers": False,
    "category_id": "28",
    "made_for_kids": True,
}
OPERATIONS = {
    "connect": connect,
    "publish_video": publish_video({}),
    "publish_video_every_option": publish_video(EVERY_OPTION),
    "poll": poll,
    "post_metrics": post_metrics,
    "account_metrics": account_metrics,
}


@pytest.mark.parametrize("operation", OPERATIONS.values(), ids=OPERATIONS.keys())
def test_every_request_is_one_the_document_describes(operation, connector, respx_mock, credentials):

    operation(connector, respx_mock, credentials)

    assert call_problems(CONTRACT, respx_mock.calls, granted(connector)) == []


def test_the_scopes_asked_for_are_scopes_the_document_declares(connector):
    assert granted(connector) <= CONTRACT.scopes


def test_limits_agree_with_the_document():
    insert = CONTRACT.method("videos.insert")
    status = CONTRACT.document["schemas"]["VideoStatus"]["properties"]
    (privacy,) = (o for o in YouTubeConnector.options if o.name == "privacy")

    assert YouTubeConnector.limits.max_video_bytes <= int(insert["mediaUpload"]["maxSize"])
    assert "video/*" in insert["mediaUpload"]["accept"]
    assert set(privacy.choices) == set(status["privacyStatus"]["enum"])


@pytest.mark.parametrize(
    ("request_", "complaint"),
    [
        (httpx.Request("GET", "https://www.googleapis.com/youtube/v3/shorts"), "no such method"),
        (httpx.Request("GET", YOUTUBE_VIDEOS, params={"id": "x"}), "'part' missing"),
        (
            httpx.Request("GET", YOUTUBE_VIDEOS, params={"part": "id", "chart": "trending"}),
            "'trending' is not one of",
        ),
        (
            httpx.Request("GET", YOUTUBE_VIDEOS, params={"part": "id", "mine": "yes"}),
            "'mine' is not in the discovery document",
        ),
        (
            httpx.Request(
                "POST",
                "https://www.googleapis.com/upload/youtube/v3/videos",
                params={"part": "snippet", "uploadType": "resumable"},
                json={"status": {"privacyStatus": "friends"}, "snipet": {}},
            ),
            "'friends' is not one of",
        ),
        (
            httpx.Request(
                "POST",
                "https://www.googleapis.com/upload/youtube/v3/videos",
                params={"part": "snippet", "uploadType": "resumable"},
                json={"snipet": {}},
            ),
            "'snipet' was unexpected",
        ),
    ],
)
def test_the_check_reports_what_the_document_does_not_allow(request_, complaint):
    problems = CONTRACT.problems(request_, CONTRACT.scopes)

    assert any(complaint in problem for problem in problems), problems


def test_a_call_none_of_whose_scopes_is_asked_for_is_reported():
    request = httpx.Request("GET", YOUTUBE_VIDEOS, params={"part": "id", "id": "x"})

    assert CONTRACT.problems(request, {"https://www.googleapis.com/auth/youtube.upload"}) == [
        f"GET {YOUTUBE_VIDEOS}: videos.list takes none of the scopes the connector asks for"
    ]
