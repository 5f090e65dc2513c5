from __future__ import annotations

from celery import shared_task

from webhooks import services


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def send_webhook(delivery_id: int) -> None:
    services.webhook_send(delivery_id=delivery_id)


@shared_task(ignore_result=True)
def dispatch() -> int:
    return services.dispatch_due()
