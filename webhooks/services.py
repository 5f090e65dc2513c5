"""Outgoing webhooks: events are stored with the change they report, then sent and retried.

Signed per Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`) with
the endpoint's secret, using the spec's own library.
"""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from typing import Any

import httpx
from celery.utils.time import get_exponential_backoff_interval
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from standardwebhooks import Webhook

from accounts.models import Workspace
from connectors.errors import storable
from core import netguard
from core.netguard import BlockedURL
from webhooks.models import (
    Event,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookMessage,
    new_signing_secret,
)
from webhooks.signals import event_emitted

logger = logging.getLogger(__name__)
RESPONSE_EXCERPT = 500
# Only the excerpt is kept: an endpoint's answer is read no further than this.
RESPONSE_MAX_BYTES = 64 * 1024


def check_target(url: str) -> None:
    """Raise BlockedURL for a target Crier must not call (a clear 4xx when it is given);
    each delivery's connection is checked again by the egress guard (DNS rebinding)."""
    netguard.check_url(url)


def endpoint_create(
    *, workspace: Workspace, url: str, events: list[str], description: str = ""
) -> WebhookEndpoint:
    check_target(url)
    return WebhookEndpoint.objects.create(
        workspace=workspace,
        url=url,
        events=events,
        description=description,
        signing={"secret": new_signing_secret()},
    )


def endpoint_update(*, endpoint: WebhookEndpoint, changes: dict[str, Any]) -> WebhookEndpoint:
    if "url" in changes:
        check_target(changes["url"])
    for field, value in changes.items():
        setattr(endpoint, field, value)
    endpoint.save()
    return endpoint


def emit(*, workspace_id: str, event: str, data: dict[str, Any]) -> WebhookMessage | None:
    """Record `event` for every endpoint that wants it; sending starts after commit.

    Call it inside the transaction that makes the change, so the event exists exactly when
    the change does. Listeners of `webhooks.signals.event_emitted` hear every event first.
    """
    (message,) = emit_many(workspace_id=workspace_id, events=[(event, data)])
    return message


def emit_many(
    *, workspace_id: str, events: list[tuple[str, dict[str, Any]]]
) -> list[WebhookMessage | None]:
    """`emit` for several events of one workspace (a batch of publish outcomes): one look
    at its endpoints and one INSERT per table, instead of as many as there are events."""
    for event, data in events:
        event_emitted.send(sender=Event, workspace_id=workspace_id, event=event, data=data)
    endpoints = list(WebhookEndpoint.objects.filter(workspace_id=workspace_id, is_active=True))
    now = timezone.now()
    messages: list[WebhookMessage | None] = []
    deliveries: list[WebhookDelivery] = []
    for event, data in events:
        wanted_by = [endpoint for endpoint in endpoints if endpoint.wants(event)]
        message = None
        if wanted_by:
            message = WebhookMessage(
                workspace_id=workspace_id,
                event=event,
                payload={"type": event, "timestamp": now.isoformat(), "data": data},
            )
            deliveries += [
                WebhookDelivery(message=message, endpoint=e, next_attempt_at=now) for e in wanted_by
            ]
        messages.append(message)
    if deliveries:
        WebhookMessage.objects.bulk_create([message for message in messages if message])
        ids = [delivery.pk for delivery in WebhookDelivery.objects.bulk_create(deliveries)]
        transaction.on_commit(lambda: _send_later(ids))
    return messages


def _send_later(delivery_ids: list[int]) -> None:
    from webhooks.tasks import send_webhook

    for pk in delivery_ids:
        send_webhook.delay(pk)


def dispatch_due(*, batch_size: int = 500) -> int:
    """Send every pending delivery whose time has come (retries, and messages lost in transit)."""
    now = timezone.now()
    due = WebhookDelivery.objects.filter(
        status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=now
    )
    ids = list(due.order_by("next_attempt_at").values_list("pk", flat=True)[:batch_size])
    _send_later(ids)
    return len(ids)


def _claim(delivery_id: int) -> bool:
    """Take the delivery for one attempt; a concurrent or repeated message matches no row."""
    now = timezone.now()
    return bool(
        WebhookDelivery.objects.filter(
            pk=delivery_id, status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=now
        ).update(
            next_attempt_at=now + timedelta(seconds=settings.CRIER_WEBHOOK_TIMEOUT * 3),
            attempts=F("attempts") + 1,
        )
    )


def signed_request(endpoint: WebhookEndpoint, message: WebhookMessage) -> tuple[str, dict]:
    body = json.dumps(message.payload, separators=(",", ":"))
    timestamp = timezone.now()
    signature = Webhook(endpoint.secret).sign(message.pk, timestamp, body)
    headers = {
        "content-type": "application/json",
        "webhook-id": message.pk,
        "webhook-timestamp": str(int(timestamp.timestamp())),
        "webhook-signature": signature,
    }
    return body, headers


def webhook_send(*, delivery_id: int) -> None:
    if not _claim(delivery_id):
        return
    delivery = WebhookDelivery.objects.select_related("endpoint", "message").get(pk=delivery_id)
    started = timezone.now()
    status_code, error, excerpt = None, "", ""
    timeout = settings.CRIER_WEBHOOK_TIMEOUT
    try:
        body, headers = signed_request(delivery.endpoint, delivery.message)
        with (
            netguard.client(guarded=True, timeout=httpx.Timeout(timeout)) as client,
            netguard.deadline(2 * timeout),  # within the claim of three timeouts
            client.stream("POST", delivery.endpoint.url, content=body, headers=headers) as response,
        ):
            netguard.read_capped(response, max_bytes=RESPONSE_MAX_BYTES, truncate=True)
        status_code, excerpt = response.status_code, storable(response.text[:RESPONSE_EXCERPT])
        if not response.is_success:
            error = f"The endpoint answered {response.status_code}."
    except BlockedURL as exc:
        error = str(exc)
    except httpx.HTTPError as exc:
        error = f"{type(exc).__name__}: {exc}"[:500]
    finished = timezone.now()
    WebhookAttempt.objects.create(
        delivery=delivery,
        number=delivery.attempts,
        started_at=started,
        duration_ms=int((finished - started).total_seconds() * 1000),
        status_code=status_code,
        error=error,
        response_excerpt=excerpt,
    )
    _record(delivery, status_code=status_code, error=error, now=finished)


def _record(delivery: WebhookDelivery, *, status_code: int | None, error: str, now) -> None:
    changes: dict[str, Any] = {"last_status_code": status_code, "last_error": error}
    if not error:
        changes.update(status=WebhookDelivery.Status.SUCCEEDED, next_attempt_at=None)
    elif delivery.attempts >= settings.CRIER_WEBHOOK_MAX_ATTEMPTS:
        changes.update(status=WebhookDelivery.Status.FAILED, next_attempt_at=None)
    else:
        delay = get_exponential_backoff_interval(
            factor=settings.CRIER_WEBHOOK_RETRY_BASE,
            retries=delivery.attempts - 1,
            maximum=settings.CRIER_WEBHOOK_RETRY_MAX,
            full_jitter=False,
        )
        changes["next_attempt_at"] = now + timedelta(seconds=delay)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(**changes)


def resend_refusal(delivery: WebhookDelivery) -> str:
    """Why a webhook delivery cannot be sent again, or "" when it can."""
    if not delivery.endpoint.is_active:
        return "its endpoint is inactive: nothing is sent to it."
    if delivery.status == WebhookDelivery.Status.PENDING and delivery.attempts == 0:
        return "it has not been tried yet: it goes out on its own."
    return ""


def webhook_resend(*, delivery: WebhookDelivery) -> bool:
    """Send a delivery again now (an operator's request): one more attempt, its history
    kept; a failure after it counts against the attempt budget as any other."""
    if resend_refusal(delivery):
        return False
    now = timezone.now()
    resent = (
        WebhookDelivery.objects.filter(pk=delivery.pk, status=delivery.status)
        .exclude(status=WebhookDelivery.Status.PENDING, attempts=0)
        .update(status=WebhookDelivery.Status.PENDING, next_attempt_at=now, updated_at=now)
    )
    if resent:
        transaction.on_commit(lambda: _send_later([delivery.pk]))
    return bool(resent)
