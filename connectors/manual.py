"""Manual: an account the person posts to by hand; Crier sends nothing anywhere.

For channels Crier has no connector or no credentials for (Repostra's `posting_method`
`manual`). Everything else runs as for any platform: the post is planned, approved and
published through the pipeline, and "published" here means Crier records it as posted by
hand, at its time, with no call made. So a post meant for a person to copy out should wait
for approval (generated drafts do): approving it is the person saying "posted".
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping

from connectors.base import (
    OPEN_LIMITS,
    AccountProfile,
    Connector,
    Content,
    Credentials,
    Published,
)


class ManualConnector(Connector):
    platform = "manual"
    display_name = "Manual (posted by hand)"
    connection = "token"
    connect_fields = ("name", "username")
    optional_connect_fields = ("name", "username")
    idempotent = True  # nothing is sent: repeating the step cannot post twice
    limits = OPEN_LIMITS  # a person pastes it wherever it goes

    def publish(self, content: Content, credentials: Credentials) -> Published:
        # The delivery's own key stands as the post's id: there is no platform to name one.
        return Published(state="published", external_id=content.idempotency_key)

    def connect(self, fields: Mapping[str, str]) -> tuple[Credentials, AccountProfile]:
        # Nothing to verify and no channel identity: every connection is a new account.
        account_id = "manual_" + secrets.token_hex(12)
        username = (fields.get("username") or "").strip()
        name = (fields.get("name") or "").strip() or username or self.display_name
        return Credentials(external_id=account_id, access_token=""), AccountProfile(
            external_id=account_id, username=username, display_name=name
        )
