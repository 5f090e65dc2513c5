from __future__ import annotations

from celery import shared_task
from django.conf import settings

from accounts import tokens


@shared_task(ignore_result=True)
def refresh_expiring_tokens() -> dict[str, int]:
    return tokens.refresh_expiring(within=settings.CRIER_REFRESH_AHEAD)
