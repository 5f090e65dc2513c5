"""The raw Celery baseline: one task per post making the sandbox connector's HTTP call.

No Crier bookkeeping at all (no database, no quota, no attempt log): only the broker, the
worker pool and the same shared httpx client the connectors use. `bench/fanout.py` runs it
with the same worker layout as Crier, so the ratio of the two is Crier's own cost.
"""

from __future__ import annotations

import os

from celery import Celery

from connectors.http import build_client

QUEUE = "raw"

app = Celery("crier_raw", broker=os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0"))
# The reliability settings Crier's tasks use, so both sides pay for acks the same way.
app.conf.update(
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    task_ignore_result=True,
    worker_prefetch_multiplier=1,
    task_default_queue=QUEUE,
    broker_connection_retry_on_startup=True,
)
_client = build_client(timeout=30)


@app.task(name="bench.raw_publish")
def raw_publish(url: str, token: str, idempotency_key: str, text: str) -> None:
    response = _client.post(
        url,
        headers={"Authorization": f"Bearer {token}", "Idempotency-Key": idempotency_key},
        json={"text": text, "media": [], "thread": []},
    )
    response.raise_for_status()
