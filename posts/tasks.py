"""Celery entry points: each one calls a service and holds no rules of its own."""

from __future__ import annotations

from datetime import datetime, timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from core import heartbeats
from posts import dispatch as dispatcher
from posts import publishing, services
from posts.models import IdempotencyRecord

# acks_late + reject_on_worker_lost: a message is only gone once its work is recorded; the
# delivery's own state machine makes a redelivered message a no-op.
_reliable_task = shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)


@_reliable_task
def run_job(job_id: str) -> None:
    services.job_run(job_id=job_id)


@_reliable_task
def publish_deliveries(delivery_ids: list[str]) -> None:
    publishing.deliveries_publish(delivery_ids=delivery_ids)


@_reliable_task
def publish_delivery(delivery_id: str) -> None:
    """One delivery per message, as the dispatcher sent them before batches (messages still
    queued from then)."""
    publishing.delivery_publish(delivery_id=delivery_id)


@_reliable_task
def poll_delivery(delivery_id: str) -> None:
    publishing.delivery_poll(delivery_id=delivery_id)


@shared_task(ignore_result=True)
def dispatch() -> dict[str, int]:
    counts = dispatcher.dispatch()
    heartbeats.record_dispatcher()
    return counts


@shared_task(ignore_result=True)
def dispatch_due(at: str) -> int:
    """A wake-up armed for the instant `at` (posts.wakeups); losing one only delays posts
    until the next tick."""
    return dispatcher.dispatch_due(at=datetime.fromisoformat(at))


@shared_task(ignore_result=True)
def purge_idempotency_records() -> int:
    cutoff = timezone.now() - settings.CRIER_IDEMPOTENCY_TTL - timedelta(hours=1)
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted
