from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from posts import dispatch, publishing
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

    assert after[("crier_deliveries", (("state", "published"),))] == 1
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
