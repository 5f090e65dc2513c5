"""Prometheus metrics read from the database at scrape time, at a cost that does not grow
with history.

Figures come from the database (and the broker's queue lengths), not from per-process
counters, so they are right however many web and worker processes and hosts run. No scrape
query reads history, so a scrape costs the same at 10 rows as at 10 million:

- `crier_deliveries{state}` counts unsettled states only (draft to retrying, and unknown,
  which waits for an operator) through `delivery_unsettled_idx`, a partial index holding
  just those rows. Published, failed and cancelled deliveries are history: their rate is
  `crier_publish_attempts_total`.
- `crier_publish_attempts_total{outcome}` and `crier_publish_duration_seconds` are running
  totals in `MetricCounter`, added to by one upsert per batch of finished attempts, sent
  after the batch's transaction commits so no publish transaction waits on a counter row.
  They only grow; they start from zero when this arrives (Prometheus reads that as a
  counter reset), and a worker killed between a commit and its upsert loses that batch.
- The lag, overdue and webhook gauges read due or pending rows through partial indexes.
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import cast

import redis
from django.conf import settings
from django.db import connection
from django.db.models import Count, Min
from django.utils import timezone
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from prometheus_client.registry import Collector

from posts.models import Attempt, Delivery, MetricCounter
from posts.states import PENDING, UNSETTLED, DeliveryStatus
from webhooks.models import WebhookDelivery

DURATION_BUCKETS = (0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)
QUEUES = ("publish", "default", "media")
# MetricCounter names. Each duration bucket counts the attempts that fell in it alone; the
# scrape adds them up into Prometheus's cumulative buckets.
ATTEMPTS = "attempts:"
DURATION_BUCKET = "duration_le:"
DURATION_SUM_MS = "duration_sum_ms"


def _bucket_name(duration_ms: int) -> str:
    index = bisect.bisect_left(DURATION_BUCKETS, duration_ms / 1000)
    return DURATION_BUCKET + (
        str(DURATION_BUCKETS[index]) if index < len(DURATION_BUCKETS) else "+Inf"
    )


def attempt_counters_add(attempts: Iterable[Attempt]) -> None:
    """Add finished attempts to the running totals, in one statement. Call it after they
    are committed: its row locks then last for this statement only."""
    deltas: Counter[str] = Counter()
    for attempt in attempts:
        deltas[ATTEMPTS + attempt.outcome] += 1
        if attempt.duration_ms is not None:
            deltas[_bucket_name(attempt.duration_ms)] += 1
            deltas[DURATION_SUM_MS] += attempt.duration_ms
    if not deltas:
        return
    # An upsert that adds (bulk_create's update_conflicts can only overwrite). Rows in name
    # order: concurrent statements lock them in the same order, so they never deadlock.
    table = connection.ops.quote_name(MetricCounter._meta.db_table)
    rows = sorted(deltas.items())
    values = ", ".join(["(%s, %s)"] * len(rows))
    upsert = (
        f"INSERT INTO {table} (name, value) VALUES {values} "  # noqa: S608 - no input in it
        f"ON CONFLICT (name) DO UPDATE SET value = {table}.value + EXCLUDED.value"
    )
    with connection.cursor() as cursor:
        cursor.execute(upsert, [value for row in rows for value in row])


def _duration_histogram(totals: dict[str, int]) -> HistogramMetricFamily:
    buckets, cumulative = [], 0
    for bound in [*map(str, DURATION_BUCKETS), "+Inf"]:
        cumulative += totals.get(DURATION_BUCKET + bound, 0)
        buckets.append((bound, cumulative))
    return HistogramMetricFamily(
        "crier_publish_duration_seconds",
        "Duration of one platform call.",
        buckets=buckets,
        sum_value=totals.get(DURATION_SUM_MS, 0) / 1000,
    )


class PipelineCollector(Collector):
    def collect(self) -> Iterator[Metric]:
        deliveries = GaugeMetricFamily(
            "crier_deliveries", "Deliveries not yet settled, by state.", labels=["state"]
        )
        found = dict(
            Delivery.objects.filter(status__in=UNSETTLED)
            .order_by()
            .values_list("status")
            .annotate(n=Count("pk"))
        )
        for state in UNSETTLED:
            deliveries.add_metric([state], found.get(state, 0))
        yield deliveries

        totals = dict(MetricCounter.objects.values_list("name", "value"))
        attempts = CounterMetricFamily(
            "crier_publish_attempts", "Platform calls by outcome.", labels=["outcome"]
        )
        for outcome in Attempt.Outcome.values:
            attempts.add_metric([outcome], totals.get(ATTEMPTS + outcome, 0))
        yield attempts
        yield _duration_histogram(totals)

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
            # UNSETTLED spelled as the partial index spells it, so the index can serve.
            value=Delivery.objects.filter(status__in=UNSETTLED, overdue_at__isnull=False)
            .filter(status__in=PENDING)
            .count(),
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
                # redis-py types replies as maybe awaitable; this client is synchronous.
                depth.add_metric([queue], cast(int, client.llen(queue)))
        except redis.RedisError:
            return
        yield depth
