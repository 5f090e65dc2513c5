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

from posts.models import Delivery
from tests.pipeline.harness import REPO, all_terminal, child_env, status_counts, wait_until
from tests.pipeline.test_chaos import stored_posts
from tests.pipeline.test_workers import sandbox_account

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

# One beat tick (posts.tasks.dispatch) after another until nothing is due or left queued.
# Each says it is loaded (the `ready` file it is given), then starts when the `go` file
# appears, so both processes begin at the same moment however long their start-up took.
TICKER = """
import json, sys, time
from pathlib import Path
import django
django.setup()
from posts.models import Delivery
from posts.tasks import dispatch
Path(sys.argv[2]).touch()
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
    # 200 deliveries in 10 groups, stored far ahead; made due once both tickers are loaded.
    later = timezone.now() + timedelta(hours=1)
    groups = [
        stored_posts(owner, accounts, 10, when=later, text=f"g{group}") for group in range(10)
    ]
    delivery_ids = [delivery_id for group in groups for delivery_id in group]
    assert len(delivery_ids) == 200
    processes.worker("w1", queues="publish")

    go = tmp_path / "go"
    ready = [tmp_path / f"ready-{n}" for n in range(2)]
    env = child_env(**processes.env, CRIER_DISPATCH_BATCH=5, CRIER_PUBLISH_BATCH=5)
    tickers = [
        subprocess.Popen(
            [sys.executable, "-c", TICKER, str(go), str(marker)],
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for marker in ready
    ]
    wait_until(lambda: all(marker.exists() for marker in ready), 120, "tickers not loaded")
    # Falling due over about two seconds from now, so both tickers keep finding work.
    start = timezone.now() + timedelta(milliseconds=500)
    for n, group in enumerate(groups):
        when = start + timedelta(milliseconds=200 * n)
        Delivery.objects.filter(pk__in=group).update(scheduled_at=when, due_at=when)
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
