"""The Pinterest connector's operations, shared by the contract tests: each runs against
respx (test_pinterest.py checks the requests against Pinterest's OpenAPI,
test_pinterest_table.py against tables/pinterest.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from connectors.base import ConnectorConfig, Content, Credentials, MediaItem, OAuthApp
from connectors.pinterest import PinterestConnector
from tests.platforms import (
    PINTEREST,
    PINTEREST_BOARD,
    PINTEREST_PIN,
    PINTEREST_PINS,
    PINTEREST_VIDEO_ID,
    pinterest_media_status,
    pinterest_video_routes,
)

API = "https://api.pinterest.com/v5"
MEDIA = "https://media.crier.test"
APP = OAuthApp(
    client_id="pin-app",
    client_secret="pin-secret-value",
    redirect_uri="https://crier.test/api/v1/accounts/callback/pinterest",
)
OPTIONS = {
    "board_id": PINTEREST_BOARD,
    "board_section_id": "5",
    "title": "Launch",
    "link": "https://crier.test/launch",
}


def open_connector() -> Iterator[PinterestConnector]:
    """The `connector` fixture of the Pinterest contract tests."""
    # Crier's app, as settings hand it in (CRIER_OAUTH_PINTEREST_CLIENT_ID / _SECRET).
    config = ConnectorConfig(client_id=APP.client_id, client_secret=APP.client_secret)
    with PinterestConnector(timeout=5, config=config) as connector:
        yield connector


def stored_credentials() -> Credentials:
    """The `credentials` fixture of the Pinterest contract tests."""
    return Credentials(external_id=PINTEREST.external_id, **PINTEREST.credentials)


def content(*media: MediaItem, **options) -> Content:
    return Content(
        text="Launch day", idempotency_key="d-1", media=media, options={**OPTIONS, **options}
    )


def image(name: str) -> MediaItem:
    return MediaItem(url=f"{MEDIA}/{name}", mime_type="image/jpeg", alt_text="A rocket")


def pinned(respx_mock) -> None:
    respx_mock.post(PINTEREST_PINS).respond(201, json={"id": PINTEREST_PIN})


def connect(connector, respx_mock, credentials):
    respx_mock.post(f"{API}/oauth/token").respond(
        200, json={"access_token": "a", "refresh_token": "r", "expires_in": 2592000}
    )
    respx_mock.get(f"{API}/user_account").respond(200, json={"username": "ada", "id": "27"})
    connector.exchange_code(APP, code="code", code_verifier="unused")


def publish_image(connector, respx_mock, credentials):
    pinned(respx_mock)
    connector.publish(content(image("a.jpg")), credentials)


def publish_images(connector, respx_mock, credentials):
    pinned(respx_mock)
    connector.publish(content(*(image(f"{n}.jpg") for n in range(5))), credentials)


def publish_video(cover: str | None) -> Callable:
    def publish(connector, respx_mock, credentials):
        respx_mock.get(f"{MEDIA}/v.mp4").respond(200, content=b"\0" * 64)
        pinterest_video_routes(respx_mock, "succeeded")
        pinned(respx_mock)
        video = MediaItem(url=f"{MEDIA}/v.mp4", mime_type="video/mp4", duration=10)
        options = {"cover_image_url": cover} if cover else {}
        assert connector.publish(content(video, **options), credentials).state == "published"

    return publish


def poll(connector, respx_mock, credentials):
    respx_mock.get(f"{API}/media/{PINTEREST_VIDEO_ID}").mock(pinterest_media_status("succeeded"))
    pinned(respx_mock)
    video = MediaItem(url=f"{MEDIA}/v.mp4", mime_type="video/mp4", duration=10)
    connector.poll(PINTEREST_VIDEO_ID, credentials, content=content(video))


def refresh(connector, respx_mock, credentials):
    respx_mock.post(f"{API}/oauth/token").respond(
        200, json={"access_token": "fresh", "expires_in": 2592000}
    )
    connector.refresh(credentials)


def post_metrics(connector, respx_mock, credentials):
    respx_mock.get(f"{API}/pins/{PINTEREST_PIN}/analytics").respond(
        200, json={"all": {"summary_metrics": {"IMPRESSION": 5}}}
    )
    connector.post_metrics(PINTEREST_PIN, credentials)


def account_metrics(connector, respx_mock, credentials):
    respx_mock.get(f"{API}/user_account").respond(200, json={"follower_count": 3})
    connector.account_metrics(credentials)


OPERATIONS = {
    "connect": connect,
    "publish_image": publish_image,
    "publish_images": publish_images,
    "publish_video": publish_video(None),
    "publish_video_with_cover": publish_video("https://crier.test/cover.jpg"),
    "poll": poll,
    "refresh": refresh,
    "post_metrics": post_metrics,
    "account_metrics": account_metrics,
}

# Options the description refuses in a Pin, which validate() must refuse before publishing.
REFUSED_OPTIONS = {
    "board_id": {"board_id": "12a"},
    "board_section_id": {"board_section_id": "section-1"},
    "title": {"title": "t" * 101},
    "link": {"link": "https://crier.test/" + "a" * 2048},
}
