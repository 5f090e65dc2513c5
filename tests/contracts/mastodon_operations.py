"""The Mastodon connector's operations, shared by the contract tests: each runs against
respx (test_mastodon.py checks the requests against the table taken from Mastodon's
documentation repository, test_mastodon_table.py against tables/mastodon.py)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx

from connectors.base import Content, Credentials, MediaItem
from connectors.mastodon import MastodonConnector
from tests.platforms import MASTODON, MASTODON_BASE, MASTODON_STATUS

MEDIA = "https://media.crier.test"
# What docs/connectors.md tells users to grant the token they make (the connector asks for
# no scopes itself): every request must need only these.
TOKEN_SCOPES = {"read:accounts", "read:statuses", "write:media", "write:statuses"}
EVERY_OPTION = {"visibility": "private", "spoiler_text": "CW", "sensitive": True, "language": "en"}


def open_connector() -> Iterator[MastodonConnector]:
    """The `connector` fixture of the Mastodon contract tests."""
    with MastodonConnector(timeout=5) as connector:
        yield connector


def stored_credentials() -> Credentials:
    """The `credentials` fixture of the Mastodon contract tests."""
    return Credentials(external_id=MASTODON.external_id, **MASTODON.credentials)


def content(text: str = "Launch day", **kwargs) -> Content:
    return Content(text=text, idempotency_key="crier-d-1", **kwargs)


def status(**body) -> httpx.Request:
    """A status posted with `body` as its JSON, for the checkers' own tests."""
    return httpx.Request(
        "POST",
        f"{MASTODON_BASE}/api/v1/statuses",
        headers={"Authorization": "Bearer t"},
        json=body,
    )


def statuses(respx_mock) -> None:
    respx_mock.post(f"{MASTODON_BASE}/api/v1/statuses").respond(200, json=MASTODON_STATUS)


def connect(connector, respx_mock, credentials):
    respx_mock.get(f"{MASTODON_BASE}/api/v1/accounts/verify_credentials").respond(
        200, json={"id": "42", "acct": "ada"}
    )
    respx_mock.get(f"{MASTODON_BASE}/api/v2/instance").respond(404)
    respx_mock.get(f"{MASTODON_BASE}/api/v1/instance").respond(200, json={"uri": "social.test"})
    connector.connect({"instance_url": MASTODON_BASE, "access_token": "masto-token-123"})


def publish_text(connector, respx_mock, credentials):
    statuses(respx_mock)
    connector.publish(content(options=EVERY_OPTION), credentials)


def publish_media(name: str, mime: str, processing: bool):
    def publish(connector, respx_mock, credentials):
        respx_mock.get(f"{MEDIA}/{name}").respond(200, content=b"\0" * 64)
        answer = {"id": "m9", "url": None if processing else "https://files.social.test/m9"}
        respx_mock.post(f"{MASTODON_BASE}/api/v2/media").respond(
            202 if processing else 200, json=answer
        )
        respx_mock.get(f"{MASTODON_BASE}/api/v1/media/m9").respond(
            200, json={"id": "m9", "url": "https://files.social.test/m9"}
        )
        statuses(respx_mock)
        item = MediaItem(url=f"{MEDIA}/{name}", mime_type=mime, alt_text="A rocket")
        assert connector.publish(content(media=(item,)), credentials).state == "published"

    return publish


def publish_thread(connector, respx_mock, credentials):
    statuses(respx_mock)
    connector.publish(content(thread=("Second", "Third"), reply_to="109999"), credentials)


def poll(connector, respx_mock, credentials):
    respx_mock.get(f"{MASTODON_BASE}/api/v1/media/m9").respond(
        200, json={"id": "m9", "url": "https://files.social.test/m9"}
    )
    statuses(respx_mock)
    connector.poll("m9", credentials, content=content())


def post_metrics(connector, respx_mock, credentials):
    respx_mock.get(f"{MASTODON_BASE}/api/v1/statuses/110001").respond(
        200, json={**MASTODON_STATUS, "favourites_count": 2}
    )
    connector.post_metrics("110001", credentials)


def account_metrics(connector, respx_mock, credentials):
    respx_mock.get(f"{MASTODON_BASE}/api/v1/accounts/verify_credentials").respond(
        200, json={"id": "42", "followers_count": 7}
    )
    connector.account_metrics(credentials)


OPERATIONS = {
    "connect": connect,
    "publish_text": publish_text,
    "publish_image": publish_media("a.png", "image/png", processing=False),
    "publish_video": publish_media("v.mp4", "video/mp4", processing=True),
    "publish_thread": publish_thread,
    "poll": poll,
    "post_metrics": post_metrics,
    "account_metrics": account_metrics,
}
