"""Celery entry points of analytics: each calls a service and holds no rules."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from analytics import services


@shared_task(ignore_result=True)
def collect_metrics() -> dict[str, int]:
    return services.collect_due(timezone.now())
