"""Wake-ups: a delayed message that runs the claim at the instant deliveries fall due.

The beat tick alone leaves a post up to CRIER_DISPATCH_INTERVAL late. Whoever sets a due
time within CRIER_WAKEUP_HORIZON arms a wake-up for it (once the transaction commits);
each tick arms those it sees falling due before the next tick, with the claim query it
runs anyway (posts.dispatch.claim_due). The wake-up only runs that same claim, so the
database still decides who publishes what: a duplicate, late or redelivered wake-up finds
nothing to claim, and a lost one leaves the delivery to the next tick.

An idle Crier sends none and runs no query for them.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

# Due times are rounded up to this step, so deliveries due a few milliseconds apart (a
# batch of retries with jitter) share one message; none is claimed before its time.
STEP = 0.1  # seconds
# Instants this process has sent a wake-up for, kept until they pass: a job of 1,000 posts
# due at one second, or ticks seeing the same delivery twice, send one message per process.
# So a wake-up the broker lost is not armed again by this process: the tick after its
# instant claims those deliveries, up to an interval late, as before wake-ups.
_armed: dict[float, bool] = {}
_armed_lock = threading.Lock()


def arm(due: Iterable[datetime | None]) -> None:
    """Wake-ups for the due times within the horizon, sent after the transaction commits
    (at once outside one). Times already past wake the claim now."""
    horizon = settings.CRIER_WAKEUP_HORIZON
    if horizon <= 0:
        return
    latest = (timezone.now() + timedelta(seconds=horizon)).timestamp()
    instants = {_step_up(when.timestamp()) for when in due if when is not None}
    if soon := sorted(instant for instant in instants if instant <= latest):
        transaction.on_commit(lambda: _send_new(soon), robust=True)


def _step_up(timestamp: float) -> float:
    return round(math.ceil(round(timestamp / STEP, 6)) * STEP, 3)


def _send_new(instants: list[float]) -> None:
    with _armed_lock:
        for instant in [instant for instant in _armed if instant < time.time() - 1]:
            del _armed[instant]
        new = [instant for instant in instants if instant not in _armed]
    for instant in new:
        send(datetime.fromtimestamp(instant, tz=UTC))
        with _armed_lock:  # only once sent: a message the broker refused is armed again
            _armed[instant] = True


def send(at: datetime) -> None:
    """One wake-up message for `at`, dropped by the worker if it comes much later (the tick
    has taken over by then)."""
    from posts.tasks import dispatch_due

    if dispatch_due.app.conf.task_always_eager:
        return  # tests that run tasks in-process drive the dispatcher themselves
    interval = timedelta(seconds=settings.CRIER_DISPATCH_INTERVAL)
    dispatch_due.apply_async((at.isoformat(),), eta=at, expires=at + 2 * interval)
