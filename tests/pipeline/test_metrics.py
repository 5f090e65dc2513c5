from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from posts import dispatch, publishing
from posts.models import Attempt, MetricCounter
from tests.pipeline.test_chaos import stored_posts
from tests.pipeline.test_workers import sandbox_account

pytestmark = pytest.mark.django_db(transaction=True)


def scrape() -> dict[tuple[str, tuple], float]:
    response = Client().get("/metrics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    samples = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def test_metrics_parse_and_move_with_a_real_publish(owner, simulator, broker):
    account = sandbox_account(owner.workspace, simulator, "measured")
    (delivery_id,) = stored_posts(owner, [account], 1)
    before = scrape()
    assert before[("crier_deliveries", (("state", "scheduled"),))] == 1
    assert before[("crier_scheduling_lag_seconds", ())] >= 0

    dispatch.claim_due(now=timezone.now(), batch_size=10)
    assert scrape()[("crier_queue_depth", (("queue", "publish"),))] == 1
    publishing.delivery_publish(delivery_id=delivery_id)
    after = scrape()

    # Settled deliveries are history, left out so a scrape never counts them.
    assert ("crier_deliveries", (("state", "published"),)) not in after
    assert after[("crier_deliveries", (("state", "scheduled"),))] == 0
    published = ("crier_publish_attempts_total", (("outcome", "published"),))
    assert after[published] == before.get(published, 0) + 1
    assert after[("crier_publish_duration_seconds_count", ())] == 1
    assert after[("crier_publish_duration_seconds_bucket", (("le", "+Inf"),))] == 1
    assert after[("crier_scheduling_lag_seconds", ())] == 0


def test_metrics_can_require_a_token(settings, db):
    settings.CRIER_METRICS_TOKEN = "scrape-secret-1234"
    assert Client().get("/metrics").status_code == 401
    authorized = Client().get("/metrics", HTTP_AUTHORIZATION="Bearer scrape-secret-1234")
    assert authorized.status_code == 200


def test_attempt_counters_keep_their_totals_when_attempt_history_is_deleted(
    owner, simulator, broker
):
    account = sandbox_account(owner.workspace, simulator, "pruned")
    (delivery_id,) = stored_posts(owner, [account], 1)
    dispatch.claim_due(now=timezone.now(), batch_size=10)
    publishing.delivery_publish(delivery_id=delivery_id)
    published = ("crier_publish_attempts_total", (("outcome", "published"),))
    before = scrape()

    Attempt.objects.all().delete()  # an operator prunes the attempt log
    after = scrape()
    assert after[published] == before[published] >= 1
    assert after[("crier_publish_duration_seconds_count", ())] == 1


@pytest.mark.parametrize("remote_addr", ["127.0.0.1", "127.8.9.10", "::1", "::ffff:127.0.0.1"])
def test_metrics_without_a_token_answer_loopback_clients(db, remote_addr):
    assert Client(REMOTE_ADDR=remote_addr).get("/metrics").status_code == 200


@pytest.mark.parametrize("remote_addr", ["10.0.0.5", "203.0.113.9", "2001:db8::1", ""])
def test_metrics_without_a_token_refuse_other_clients_whatever_they_forward(db, remote_addr):
    response = Client(REMOTE_ADDR=remote_addr).get(
        "/metrics", HTTP_X_FORWARDED_FOR="127.0.0.1", HTTP_X_REAL_IP="127.0.0.1"
    )
    assert response.status_code == 403
    assert "CRIER_METRICS_TOKEN" in response.json()["errors"][0]


def test_metrics_with_a_token_answer_any_client_that_presents_it(settings, db):
    settings.CRIER_METRICS_TOKEN = "scrape-secret-1234"
    remote = Client(REMOTE_ADDR="203.0.113.9")
    assert remote.get("/metrics").status_code == 401
    assert remote.get("/metrics", HTTP_AUTHORIZATION="Bearer scrape-secret-1234").status_code == 200


# MetricCounter holds one row per counter name and label: read whole, it stays a few rows.
SMALL_TABLES = {MetricCounter._meta.db_table}


def _partial_indexes() -> set[str]:
    return {
        index.name
        for model in apps.get_models()
        for index in model._meta.indexes
        if index.condition is not None
    }


def _unbounded_reads_sqlite(sql: str, partial: set[str]) -> Iterator[str]:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql)
        steps = [row[-1] for row in cursor.fetchall()]
    for step in steps:
        # SEARCH: an index lookup on a condition. SCAN: every row of the table or index.
        scan = re.match(r"SCAN (\w+)(?: USING (?:COVERING )?INDEX (\w+))?", step)
        if scan and scan[1] not in SMALL_TABLES and scan[2] not in partial:
            yield step


def _unbounded_reads_postgresql(sql: str, partial: set[str]) -> Iterator[str]:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # empty test tables favour seq scans
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql)
        (plan,) = cursor.fetchone()
    plan = json.loads(plan) if isinstance(plan, str) else plan
    nodes = [plan[0]["Plan"]]
    while nodes:
        node = nodes.pop()
        nodes += node.get("Plans", [])
        if node.get("Relation Name") in SMALL_TABLES:
            continue
        if node["Node Type"] == "Seq Scan":
            yield f"Seq Scan on {node['Relation Name']}"
        elif "Index Cond" not in node and node.get("Index Name", "") not in partial | {""}:
            yield f"{node['Node Type']} of all of {node['Index Name']}"


def test_a_scrape_reads_no_table_whole_only_index_lookups_and_partial_indexes(db):
    """A scrape costs the same at 10 rows as at 10 million: every query it sends is an
    index lookup or reads a partial index (rows of unsettled or pending work only)."""
    unbounded_reads = {
        "sqlite": _unbounded_reads_sqlite,
        "postgresql": _unbounded_reads_postgresql,
    }[connection.vendor]
    with CaptureQueriesContext(connection) as scrape_queries:
        assert Client().get("/metrics").status_code == 200
    statements = [q["sql"] for q in scrape_queries.captured_queries]
    assert any("posts_delivery" in sql for sql in statements)
    assert not any("posts_attempt" in sql for sql in statements)
    partial = _partial_indexes()
    found = {sql: list(unbounded_reads(sql, partial)) for sql in statements}
    assert {sql: reads for sql, reads in found.items() if reads} == {}
