from __future__ import annotations

import respx

from connectors.base import Content, Credentials
from connectors.manual import ManualConnector


def test_publish_records_the_post_as_published_and_sends_nothing():
    content = Content(text="Posted by hand", idempotency_key="dlv_1-1")
    with respx.mock(assert_all_mocked=True) as router, ManualConnector() as connector:
        published = connector.publish(content, Credentials(external_id="m", access_token=""))
    assert router.calls.call_count == 0
    assert (published.state, published.external_id, published.url) == (
        "published",
        "dlv_1-1",
        None,
    )


def test_every_connection_is_a_new_account_named_as_asked():
    with ManualConnector() as connector:
        first, profile = connector.connect({"name": "Company page", "username": "acme"})
        second, _ = connector.connect({})
    assert first.external_id != second.external_id
    assert (profile.external_id, profile.username, profile.display_name) == (
        first.external_id,
        "acme",
        "Company page",
    )
    assert first.access_token == ""
