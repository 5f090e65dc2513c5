"""The sandbox connector against a real simulator on a local socket."""

from __future__ import annotations

from dataclasses import replace

import pytest

from connectors.base import Content, MediaItem
from connectors.errors import (
    AuthExpired,
    PermanentError,
    RateLimited,
    RefreshRefused,
    TransientError,
)
from connectors.sandbox import SandboxConnector
from connectors.simulator import SimulatorServer


def post(key: str = "delivery-1", text: str = "Hello from Crier") -> Content:
    return Content(
        text=text,
        idempotency_key=key,
        media=(MediaItem(url="https://cdn.test/a.png", mime_type="image/png", alt_text="A"),),
        thread=("second", "third"),
    )


def test_publish_creates_exactly_the_content_sent(server, connector, credentials):
    published = connector.publish(post(), credentials)

    [created] = server.simulator.feed()
    assert published.state == "published"
    assert published.external_id == created["id"]
    assert published.url == created["url"]
    assert created["account"] == credentials.external_id
    assert created["idempotency_key"] == "delivery-1"
    assert created["text"] == "Hello from Crier"
    assert created["media"] == [{"url": "https://cdn.test/a.png", "alt_text": "A"}]
    assert created["thread"] == ["second", "third"]


def test_same_idempotency_key_twice_creates_one_post(server, connector, credentials):
    first = connector.publish(post(), credentials)
    second = connector.publish(post(), credentials)

    stats = server.simulator.stats()
    assert second.external_id == first.external_id
    assert stats["posts"] == 1
    assert stats["by_idempotency_key"]["delivery-1"] == {"requests": 2, "posts": 1}
    assert stats["duplicates"] == []


def test_reusing_a_key_for_other_content_is_a_permanent_error(server, connector, credentials):
    connector.publish(post(), credentials)

    with pytest.raises(PermanentError) as caught:
        connector.publish(post(text="Something else"), credentials)

    assert caught.value.code == "idempotency_key_reused"
    assert server.simulator.stats()["posts"] == 1


def test_injected_429_raises_rate_limited_with_retry_after(server, connector, credentials):
    server.simulator.configure(
        credentials.external_id, {"fail": [{"status": 429, "retry_after": 2}]}
    )

    with pytest.raises(RateLimited) as caught:
        connector.publish(post(), credentials)

    assert caught.value.retry_after == 2
    assert server.simulator.stats()["posts"] == 0
    assert connector.publish(post(), credentials).state == "published"


def test_injected_503_raises_unambiguous_transient_error(server, connector, credentials):
    server.simulator.configure(credentials.external_id, {"fail": [{"status": 503}]})

    with pytest.raises(TransientError) as caught:
        connector.publish(post(), credentials)

    assert caught.value.ambiguous is False
    assert server.simulator.stats()["posts"] == 0


def test_500_after_acting_is_ambiguous_and_the_retry_returns_the_same_post(
    server, connector, credentials
):
    server.simulator.configure(credentials.external_id, {"fail": [{"status": 500, "act": True}]})

    with pytest.raises(TransientError) as caught:
        connector.publish(post(), credentials)
    retried = connector.publish(post(), credentials)

    assert caught.value.ambiguous is True
    [created] = server.simulator.feed()
    assert retried.external_id == created["id"]


def test_timeout_after_acting_is_ambiguous_and_the_retry_returns_the_same_post(server, credentials):
    server.simulator.configure(
        credentials.external_id, {"fail": [{"timeout": True, "hang_seconds": 5}]}
    )

    with SandboxConnector(timeout=0.3) as impatient, pytest.raises(TransientError) as caught:
        impatient.publish(post(), credentials)
    with SandboxConnector(timeout=5) as connector:
        retried = connector.publish(post(), credentials)

    assert caught.value.ambiguous is True
    [created] = server.simulator.feed()
    assert retried.external_id == created["id"]
    assert server.simulator.stats()["by_idempotency_key"]["delivery-1"] == {
        "requests": 2,
        "posts": 1,
    }


def test_expired_token_raises_auth_expired_and_a_refresh_makes_publish_work(
    server, connector, credentials
):
    server.simulator.configure(credentials.external_id, {"expire_token": True})

    with pytest.raises(AuthExpired) as caught:
        connector.publish(post(), credentials)
    refreshed = connector.refresh(credentials)
    published = connector.publish(post(), refreshed)

    assert not isinstance(caught.value, RefreshRefused)
    assert caught.value.code == "token_expired"
    assert refreshed.access_token != credentials.access_token
    assert published.state == "published"


def test_the_old_token_stops_working_after_a_refresh(server, connector, credentials):
    connector.refresh(credentials)

    with pytest.raises(AuthExpired) as caught:
        connector.publish(post(), credentials)

    assert caught.value.code == "invalid_token"


def test_a_spent_refresh_token_is_refused(server, connector, credentials):
    refreshed = connector.refresh(credentials)

    with pytest.raises(RefreshRefused):
        connector.refresh(credentials)
    assert connector.refresh(refreshed).access_token


def test_refused_refresh_raises_refresh_refused_with_the_platform_message(
    server, connector, credentials
):
    server.simulator.configure(credentials.external_id, {"refuse_refresh": True})

    with pytest.raises(RefreshRefused) as caught:
        connector.refresh(credentials)

    assert caught.value.code == "invalid_grant"
    assert caught.value.message == "The refresh token was revoked by the user."


def test_refresh_against_a_stopped_platform_is_transient_not_refused(connector, credentials):
    stopped = SimulatorServer()
    stopped.stop()

    with pytest.raises(TransientError) as caught:
        connector.refresh(replace(credentials, extra={"base_url": stopped.url}))

    assert caught.value.ambiguous is False


def test_rejected_post_raises_permanent_error_with_the_platform_message(
    server, connector, credentials
):
    server.simulator.configure(
        credentials.external_id, {"reject": "Duplicate content is not allowed."}
    )

    with pytest.raises(PermanentError) as caught:
        connector.publish(post(), credentials)

    assert caught.value.message == "Duplicate content is not allowed."
    assert server.simulator.stats()["posts"] == 0


def test_processing_post_is_published_after_the_configured_polls(server, connector, credentials):
    server.simulator.configure(credentials.external_id, {"processing_polls": 2})

    published = connector.publish(post(), credentials)
    states = [connector.poll(published.handle, credentials).state for _ in range(3)]

    assert published.state == "processing"
    assert states == ["processing", "processing", "published"]


def test_recent_posts_lists_the_account_own_posts_newest_first(server, connector, credentials):
    first = connector.publish(post("delivery-1", "first"), credentials)
    second = connector.publish(post("delivery-2", "second"), credentials)
    other = replace(credentials, external_id="someone-else")
    connector.publish(post("delivery-3", "not theirs"), other)

    recent = connector.recent_posts(credentials, limit=20)
    latest = connector.recent_posts(credentials, limit=1)

    assert [(item.external_id, item.url) for item in recent] == [
        (second.external_id, second.url),
        (first.external_id, first.url),
    ]
    assert [item.external_id for item in latest] == [second.external_id]
    assert recent[0].preview_url is None


def test_recent_posts_with_an_expired_token_raises_auth_expired(server, connector, credentials):
    server.simulator.configure(credentials.external_id, {"expire_token": True})

    with pytest.raises(AuthExpired):
        connector.recent_posts(credentials, limit=20)
