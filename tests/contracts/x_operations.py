"""The X connector's operations, shared by the contract tests: each runs against respx
(test_x.py checks the requests against X's OpenAPI, test_x_table.py against
tables/x.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from connectors.base import ConnectorConfig, Content, Credentials, MediaItem
from connectors.x import XConnector
from tests.contracts.doc_table import crier_app
from tests.platforms import (
    X_MEDIA_ID,
    X_POST_ID,
    X_TOKEN_URL,
    X,
    x_created,
    x_media_status,
    x_upload_routes,
)

MEDIA = "https://media.crier.test"
APP = crier_app("x")


def open_connector() -> Iterator[XConnector]:
    """The `connector` fixture of the X contract tests."""
    # Crier's app, as settings hand it in (CRIER_OAUTH_X_CLIENT_ID / _SECRET).
    config = ConnectorConfig(client_id=APP.client_id, client_secret=APP.client_secret)
    with XConnector(timeout=5, config=config) as connector:
        yield connector


def stored_credentials() -> Credentials:
    """The `credentials` fixture of the X contract tests."""
    return Credentials(external_id=X.external_id, **X.credentials)


def media(name: str, mime: str, alt: str = "") -> MediaItem:
    return MediaItem(url=f"{MEDIA}/{name}", mime_type=mime, alt_text=alt)


def content(text: str = "Hello X", **kwargs) -> Content:
    return Content(text=text, idempotency_key="delivery-1", **kwargs)


def connect(connector, respx_mock, credentials):
    respx_mock.post(X_TOKEN_URL).respond(
        200, json={"access_token": "a", "refresh_token": "r", "expires_in": 7200}
    )
    respx_mock.get("https://api.x.com/2/users/me").respond(
        200, json={"data": {"id": X.external_id, "username": "ada", "name": "Ada"}}
    )
    connector.exchange_code(APP, code="code", code_verifier="v" * 43)


def publish_text(connector, respx_mock, credentials):
    respx_mock.post("https://api.x.com/2/tweets").mock(x_created())
    connector.publish(content(options={"reply_settings": "following"}), credentials)


def publish_media(name: str, mime: str, finalize: dict | None = None) -> Callable:
    def publish(connector, respx_mock, credentials):
        respx_mock.get(f"{MEDIA}/{name}").respond(200, content=b"\0" * 64)
        x_upload_routes(respx_mock, finalize=finalize)
        respx_mock.get("https://api.x.com/2/media/upload").mock(x_media_status("succeeded"))
        respx_mock.post("https://api.x.com/2/media/metadata").respond(
            200, json={"data": {"id": X_MEDIA_ID}}
        )
        respx_mock.post("https://api.x.com/2/tweets").mock(x_created())
        published = connector.publish(content(media=(media(name, mime, "Alt"),)), credentials)
        assert published.state == "published"

    return publish


def publish_thread(connector, respx_mock, credentials):
    respx_mock.post("https://api.x.com/2/tweets").mock(
        side_effect=[x_created("1"), x_created("2"), x_created("3")]
    )
    connector.publish(content(thread=("Second", "Third")), credentials)


def poll(connector, respx_mock, credentials):
    respx_mock.get("https://api.x.com/2/media/upload").mock(x_media_status("succeeded"))
    respx_mock.post("https://api.x.com/2/tweets").mock(x_created())
    assert connector.poll(X_MEDIA_ID, credentials, content=content()).state == "published"


def refresh(connector, respx_mock, credentials):
    respx_mock.post(X_TOKEN_URL).respond(200, json={"access_token": "fresh", "expires_in": 7200})
    connector.refresh(credentials)


def post_metrics(connector, respx_mock, credentials):
    respx_mock.get(f"https://api.x.com/2/tweets/{X_POST_ID}").respond(
        200, json={"data": {"id": X_POST_ID, "public_metrics": {"like_count": 1}}}
    )
    connector.post_metrics(X_POST_ID, credentials)


def account_metrics(connector, respx_mock, credentials):
    respx_mock.get("https://api.x.com/2/users/me").respond(
        200, json={"data": {"id": X.external_id, "public_metrics": {"followers_count": 3}}}
    )
    connector.account_metrics(credentials)


OPERATIONS = {
    "connect": connect,
    "publish_text": publish_text,
    "publish_image": publish_media("a.png", "image/png"),
    "publish_gif": publish_media("a.gif", "image/gif", {"processing_info": {"state": "pending"}}),
    "publish_video": publish_media("v.mp4", "video/mp4", {"processing_info": {"state": "pending"}}),
    "publish_thread": publish_thread,
    "poll": poll,
    "refresh": refresh,
    "post_metrics": post_metrics,
    "account_metrics": account_metrics,
}
