"""Prometheus metrics read from the source of truth at scrape time.

Figures come from the database (and the broker's queue lengths), not from per-process
counters, so they are right however many web and worker processes and hosts run.
A scrape costs a few aggregate queries; the attempt histogram scans the attempts table.
"""

from __future__ import annotations

from collections.abc import Iterator

import redis
from django.conf import settings
from django.db.models import Count, Min, Q, Sum
from django.utils import timezone
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from prometheus_client.registry import Collector

from posts.models import Attempt, Delivery
from posts.states import DeliveryStatus
from webhooks.models import WebhookDelivery

DURATION_BUCKETS = (0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)
QUEUES = ("publish", "default", "media")


def _histogram(name: str, doc: str, field: str, scale: float, rows) -> HistogramMetricFamily:
    """A histogram from one aggregate query: cumulative counts per bucket, plus sum."""
    aggregates = {
        f"le_{index}": Count("pk", filter=Q(**{f"{field}__lte": bound * scale}))
        for index, bound in enumerate(DURATION_BUCKETS)
    }
    totals = rows.aggregate(total=Count("pk"), total_sum=Sum(field), **aggregates)
    buckets = [(str(bound), totals[f"le_{index}"]) for index, bound in enumerate(DURATION_BUCKETS)]
    buckets.append(("+Inf", totals["total"]))
    return HistogramMetricFamily(
        name, doc, buckets=buckets, sum_value=(totals["total_sum"] or 0) / scale
    )


class PipelineCollector(Collector):
    def collect(self) -> Iterator[Metric]:
        deliveries = GaugeMetricFamily("crier_deliveries", "Deliveries by state.", labels=["state"])
        found = dict(Delivery.objects.values_list("status").annotate(n=Count("pk")))
        for state in DeliveryStatus.values:
            deliveries.add_metric([state], found.get(state, 0))
        yield deliveries

        attempts = CounterMetricFamily(
            "crier_publish_attempts", "Platform calls by outcome.", labels=["outcome"]
        )
        outcomes = dict(Attempt.objects.values_list("outcome").annotate(n=Count("pk")))
        for outcome in Attempt.Outcome.values:
            attempts.add_metric([outcome], outcomes.get(outcome, 0))
        yield attempts

        yield _histogram(
            "crier_publish_duration_seconds",
            "Duration of one platform call.",
            "duration_ms",
            1000,
            Attempt.objects.exclude(duration_ms=None),
        )

        now = timezone.now()
        oldest = Delivery.objects.filter(
            status__in=[DeliveryStatus.SCHEDULED, DeliveryStatus.RETRYING], due_at__lte=now
        ).aggregate(oldest=Min("due_at"))["oldest"]
        yield GaugeMetricFamily(
            "crier_scheduling_lag_seconds",
            "How long the oldest due delivery has waited to be claimed (0: none waiting).",
            value=(now - oldest).total_seconds() if oldest else 0.0,
        )
        yield GaugeMetricFamily(
            "crier_overdue_deliveries",
            "Deliveries flagged overdue and still not out.",
            value=Delivery.objects.pending().filter(overdue_at__isnull=False).count(),
        )
        yield GaugeMetricFamily(
            "crier_webhooks_pending",
            "Webhook deliveries waiting for a (re)try.",
            value=WebhookDelivery.objects.filter(status=WebhookDelivery.Status.PENDING).count(),
        )
        yield from self._queue_depths()

    def _queue_depths(self) -> Iterator[Metric]:
        if not settings.CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
            return  # other brokers expose their own queue metrics
        depth = GaugeMetricFamily(
            "crier_queue_depth", "Messages waiting in each broker queue.", labels=["queue"]
        )
        try:
            client = redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_timeout=2)
            for queue in QUEUES:
                depth.add_metric([queue], client.llen(queue))
        except redis.RedisError:
            return
        yield depth
