"""Exactly one beat is the rule (docs/deploy.md); two at once must still never post twice.

Two dispatcher processes run the beat's task side by side, released together, in small
batches while deliveries keep falling due, to a platform without idempotency keys: the
platform (the simulator) must count each delivery once.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.pipeline.harness import REPO, all_terminal, child_env, status_counts, wait_until
from tests.pipeline.test_chaos import stored_posts
from tests.pipeline.test_workers import sandbox_account

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

# One beat tick (posts.tasks.dispatch) after another until nothing is due or left queued,
# started when the `go` file appears so both processes begin at the same moment.
TICKER = """
import json, sys, time
from pathlib import Path
import django
django.setup()
from posts.models import Delivery
from posts.tasks import dispatch
go, deadline = Path(sys.argv[1]), time.monotonic() + 120
while not go.exists() and time.monotonic() < deadline:
    time.sleep(0.01)
claimed = ticks = 0
while time.monotonic() < deadline:
    claimed += dispatch.apply().get()["claimed"]
    ticks += 1
    if not Delivery.objects.filter(status__in=["scheduled", "retrying"]).exists():
        break
    time.sleep(0.02)
print(json.dumps({"claimed": claimed, "ticks": ticks}))
"""


def test_two_dispatchers_at_once_publish_each_delivery_once(owner, simulator, processes, tmp_path):
    accounts = [
        sandbox_account(owner.workspace, simulator, f"plain-{n}", platform="sandbox_plain")
        for n in range(2)
    ]
    # 200 deliveries, falling due over about two seconds, so both tickers keep finding work.
    start = timezone.now() + timedelta(seconds=3)
    delivery_ids = [
        delivery_id
        for group in range(10)
        for delivery_id in stored_posts(
            owner, accounts, 10, when=start + timedelta(milliseconds=200 * group), text=f"g{group}"
        )
    ]
    assert len(delivery_ids) == 200
    processes.worker("w1", queues="publish")

    go = tmp_path / "go"
    env = child_env(**processes.env, CRIER_DISPATCH_BATCH=5, CRIER_PUBLISH_BATCH=5)
    tickers = [
        subprocess.Popen(
            [sys.executable, "-c", TICKER, str(go)],
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    go.touch()
    results = []
    for ticker in tickers:
        out, err = ticker.communicate(timeout=180)
        assert ticker.returncode == 0, err[-3000:]
        results.append(json.loads(out.strip().splitlines()[-1]))

    # Each claim went to one dispatcher only, and both took part in the race.
    assert sum(result["claimed"] for result in results) == 200, results
    assert all(result["claimed"] > 0 for result in results), results

    wait_until(
        lambda: all_terminal(delivery_ids),
        120,
        lambda: f"not all terminal: {status_counts(delivery_ids)}\n{processes.log('w1')[-2000:]}",
    )
    assert status_counts(delivery_ids) == {"published": 200}
    stats = simulator.simulator.stats()
    assert stats["requests"] == 200  # one platform call per delivery, none repeated
    assert stats["posts"] == 200
    assert stats["duplicate_content"] == []
