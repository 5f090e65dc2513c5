"""Webhook: publish by POSTing the post as JSON to the account's URL (Zapier, Make, n8n, sites).

References (read 2026-11):
- Standard Webhooks specification (headers, signature scheme, secrets, idempotency):
  https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md
- The `standardwebhooks` Python library used to sign: https://pypi.org/project/standardwebhooks/

Each request carries `webhook-id`, `webhook-timestamp` and `webhook-signature` (`v1,` +
base64 HMAC-SHA256 of `{id}.{timestamp}.{body}` with the account's secret). The id is the
delivery's idempotency key, the same on every retry, so a receiver that dedupes on it (as
the specification asks) never posts twice: the connector is idempotent.

The body, as a receiver sees it:

    {"type": "post.publish", "timestamp": "2026-11-24T10:40:12Z",
     "data": {"idempotency_key": "...", "text": "...", "thread": ["..."],
              "media": [{"url": "...", "mime_type": "image/png", "alt_text": "..."}],
              "options": {...}, "reply_to": null}}

Media are URLs Crier serves; the receiver fetches them. Any 2xx is success; a JSON answer
may name the created item with `id` and `url` (otherwise the webhook-id stands as its id).
`reply_to` is null, or, for a thread item sent after a delay, that id of the post it answers.
Unless CRIER_ALLOW_PRIVATE_URLS is set, the URL must resolve to public addresses only:
checked when the account is connected (a clear refusal) and by the egress guard on every
connection (core.netguard), which connects only to an address it just checked, so an
account cannot point Crier at its own network, not even by DNS rebinding.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from standardwebhooks import Webhook

from connectors.base import (
    OPEN_LIMITS,
    AccountProfile,
    Connector,
    Content,
    Credentials,
    MediaItem,
    Option,
    Published,
)
from connectors.errors import PermanentError
from connectors.http import json_object, raise_for_platform_status, send
from core.netguard import BlockedURL, PrivateAddress, UnresolvableHost, check_url
from core.redaction import url_shown

EVENT_TYPE = "post.publish"
SECRET_PREFIX = "whsec_"  # noqa: S105 - the format's prefix, not a secret
# The specification: secrets "SHOULD be between 24 bytes and 64 bytes" of random data.
MIN_SECRET_BYTES = 24


class WebhookConnector(Connector):
    platform = "webhook"
    display_name = "Webhook"
    connection = "token"
    connect_fields = ("url", "signing_secret")
    user_chosen_hosts = True
    idempotent = True  # webhook-id = idempotency key; receivers dedupe on it
    limits = OPEN_LIMITS  # a receiver is whatever the user runs
    options = (
        Option(
            name="data",
            kind=dict,
            help="Free-form object passed to the receiver as data.options.data.",
        ),
    )

    def publish(self, content: Content, credentials: Credentials) -> Published:
        target = _target(credentials)
        now = datetime.now(UTC).replace(microsecond=0)
        payload = {
            "type": EVENT_TYPE,
            "timestamp": now.isoformat().replace("+00:00", "Z"),
            "data": {
                "idempotency_key": content.idempotency_key,
                "text": content.text,
                "thread": list(content.thread),
                "media": [_media(item) for item in content.media],
                "options": dict(content.options),
                "reply_to": content.reply_to,
            },
        }
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
        signature = _signer(credentials.access_token).sign(content.idempotency_key, now, body)
        response = send(
            self.client,
            "POST",
            target,
            headers={
                "Content-Type": "application/json",
                "webhook-id": content.idempotency_key,
                "webhook-timestamp": str(int(now.timestamp())),
                "webhook-signature": signature,
            },
            content=body.encode(),
        )
        raise_for_platform_status(response)
        answer = json_object(response)
        external_id = answer.get("id")
        answer_url = answer.get("url")
        return Published(
            state="published",
            external_id=str(external_id)
            if isinstance(external_id, (str, int)) and str(external_id)
            else content.idempotency_key,
            url=answer_url
            if isinstance(answer_url, str) and answer_url.startswith(("https://", "http://"))
            else None,
        )

    def connect(self, fields: Mapping[str, str]) -> tuple[Credentials, AccountProfile]:
        url = fields["url"].strip()
        secret = fields["signing_secret"].strip()
        _check_target(url)
        _signer(secret)
        # The URL may carry a token (Zapier and Make hooks do): the account id is its digest
        # and the profile shows what `url_shown` allows.
        account_id = hashlib.sha256(url.encode()).hexdigest()[:24]
        host = url_shown(url)
        return Credentials(
            external_id=account_id, access_token=secret, extra={"url": url}
        ), AccountProfile(external_id=account_id, username=host, display_name=host)


def _target(credentials: Credentials) -> str:
    url = credentials.extra.get("url")
    if not isinstance(url, str) or not url:
        raise PermanentError("This webhook account has no URL; reconnect it.", code="no_url")
    return url


def _signer(secret: str) -> Webhook:
    """The secret as Standard Webhooks wants it: `whsec_` (optional) + base64 of 24+ bytes."""
    raw = secret.removeprefix(SECRET_PREFIX)
    try:
        key = base64.b64decode(raw + "=" * (-len(raw) % 4), validate=True)
    except (binascii.Error, ValueError):
        key = b""
    if len(key) < MIN_SECRET_BYTES:
        raise PermanentError(
            f"The signing secret must be {SECRET_PREFIX} followed by base64 of at least "
            f"{MIN_SECRET_BYTES} random bytes (Standard Webhooks), for example "
            f"{SECRET_PREFIX} + base64 of 32 bytes from a secure random source.",
            code="invalid_signing_secret",
        )
    return Webhook(key)


def _check_target(url: str) -> None:
    """http(s) with a host; public addresses only unless CRIER_ALLOW_PRIVATE_URLS is set.

    A clear refusal at connect time; each POST is checked again as it connects.
    """
    try:
        check_url(url)
    except UnresolvableHost as exc:
        raise PermanentError(
            f"The webhook host {exc.host} cannot be resolved.", code="unresolvable_host"
        ) from exc
    except PrivateAddress as exc:
        raise PermanentError(
            f"The webhook host {exc.host} resolves to {exc.address}, a private or "
            "reserved address; set CRIER_ALLOW_PRIVATE_URLS to allow it.",
            code="private_address",
        ) from exc
    except BlockedURL as exc:
        raise PermanentError(
            "The webhook URL must be an http:// or https:// URL with a host name.",
            code="invalid_url",
        ) from exc
    except ValueError as exc:  # urlsplit: a port out of range, a malformed IPv6 host
        raise PermanentError(f"The webhook URL is not valid: {exc}.", code="invalid_url") from exc


def _media(item: MediaItem) -> dict[str, Any]:
    entry: dict[str, Any] = {"url": item.url, "mime_type": item.mime_type}
    for name in ("alt_text", "size", "width", "height", "duration", "fps"):
        value = getattr(item, name)
        if value is not None:
            entry[name] = value
    return entry
