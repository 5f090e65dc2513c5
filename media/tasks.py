"""Celery entry points on the `media` queue (CPU-bound work); each calls one service."""

from __future__ import annotations

from celery import shared_task

from media import services

# A message is gone only once its work is recorded; every service here is a no-op when
# repeated (it acts only on an asset still in the status it expects).
_reliable_task = shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)


@_reliable_task
def fetch_from_url(media_id: str) -> None:
    services.media_fetch(media_id=media_id)


@_reliable_task
def make_renditions(media_id: str) -> None:
    services.media_make_renditions(media_id=media_id)


@shared_task(ignore_result=True)
def sweep() -> dict[str, int]:
    return services.media_sweep()
