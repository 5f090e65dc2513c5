"""Publishing deliveries: claim them, make one platform call each, record what happened.

The deliveries of one message (a batch from the dispatcher, or one) are claimed in one
transaction, their attempts stored, their calls made side by side, and their outcomes
recorded in one transaction, each by its own guarded transition. The irreversible calls
run outside any transaction, after their attempts are stored and, for each group of calls
that get threads together, a committed mark that they are leaving (`call_started_at`: the
sweeper sends again a call cut off before it), and their outcomes are recorded before
anything else happens. Retries go back through the database (`retrying`
+ `due_at`), so they survive a broker or worker loss and show in the API while they wait.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import partial
from typing import Any, TypeVar

import redis
from celery.utils.time import get_exponential_backoff_interval
from django.conf import settings
from django.db import Error, connection, transaction
from django.db.models import Exists, F, Field, Max, OuterRef, prefetch_related_objects
from django.utils import timezone

from accounts import platforms, tokens
from connectors.base import Connector, Content, Credentials, Published
from connectors.errors import (
    AuthExpired,
    ConnectorError,
    NothingToRefresh,
    PermanentError,
    RateLimited,
    RefreshRefused,
    TransientError,
)
from core import fastpaths
from posts import content, quotas, statements
from posts.models import Attempt, Delivery, PostMedia, media_prefetch
from posts.outcomes import (
    AttemptResult,
    Move,
    ambiguous_attempt,
    once_more_if_the_connection_broke,
    record,
    transition,
)
from posts.states import DeliveryStatus as S

logger = logging.getLogger(__name__)
WORKER_NAME = socket.gethostname()
QUOTA_STORE_DOWN_WAIT = 5.0  # seconds before trying again when Redis does not answer
T = TypeVar("T")


@dataclass
class _Call:
    """One platform call for a delivery: `send` with the account's credentials."""

    delivery: Delivery
    connector: Connector
    credentials: Credentials
    send: Callable[[Credentials], Any] | None = None  # a publish call's, once its content is built
    attempt: Attempt | None = None  # stored before a publish call goes out

    def sender(self) -> Callable[[Credentials], Any]:
        assert self.send is not None, "a call is made only once it has its content"
        return self.send


def claim_for_publishing(delivery_ids: Sequence[str]) -> list[Delivery]:
    """queued → publishing, once: those a duplicate or late message finds moved already
    are left alone. Returns the claimed rows as the claim left them, with post, job (its
    kind and status, for after_terminal: not the bulk body) and account."""
    now = timezone.now()
    lease = now + settings.CRIER_PUBLISH_LEASE
    if connection.vendor == "postgresql" and fastpaths.enabled("claim_statement"):
        deliveries = statements.claim(delivery_ids, lease=lease, now=now)
    else:
        deliveries = _claim_with_the_orm(delivery_ids, lease=lease, now=now)
    # What media_wait and the content read: every link of the batch, in one query.
    with_media = [delivery.post for delivery in deliveries if delivery.post_has_media]
    prefetch_related_objects(with_media, media_prefetch())
    return deliveries


def _claim_with_the_orm(
    delivery_ids: Sequence[str], *, lease: datetime, now: datetime
) -> list[Delivery]:
    with transaction.atomic():
        deliveries = list(
            Delivery.objects.in_states(delivery_ids, [S.QUEUED])
            .select_related("post__job", "account")
            .defer("post__job__request", "post__job__payload")
            # Whether the post has media, so a batch without any reads no links at all.
            .annotate(post_has_media=Exists(PostMedia.objects.filter(post=OuterRef("post"))))
            .select_for_update(of=("self",))
            .order_by("pk")  # one locking order: redelivered batches wait, never deadlock
        )
        if deliveries:
            Delivery.objects.filter(pk__in=[d.pk for d in deliveries]).update(
                status=S.PUBLISHING,
                attempts=F("attempts") + 1,
                lease_expires_at=lease,
                call_started_at=None,
                updated_at=now,
            )
    for delivery in deliveries:
        delivery.status, delivery.attempts = S.PUBLISHING, delivery.attempts + 1
        delivery.lease_expires_at, delivery.updated_at = lease, now
        delivery.call_started_at = None
    return deliveries


def delivery_publish(*, delivery_id: str) -> None:
    deliveries_publish(delivery_ids=[delivery_id])


def deliveries_publish(*, delivery_ids: Sequence[str]) -> None:
    """Publish the deliveries of one message; those no longer queued are skipped."""
    deliveries = claim_for_publishing(delivery_ids)
    if len(deliveries) < len(delivery_ids):
        claimed = {delivery.pk for delivery in deliveries}
        logger.info(
            "deliveries not queued; message ignored for them",
            extra={"delivery_ids": [pk for pk in delivery_ids if pk not in claimed]},
        )
    publish_claimed(deliveries)


def publish_claimed(deliveries: list[Delivery]) -> None:
    """Make the calls of deliveries this worker claimed together and record their outcomes."""
    calls, unsent = _prepare(deliveries)
    record(unsent)  # before the calls, as if they had come alone
    if not calls:
        return
    _start_attempts(calls)
    results = _publish(calls)
    now = timezone.now()  # one time for the batch's answers: fewer values to write
    moves = [_outcome(call, result, now) for call, result in zip(calls, results, strict=True)]
    recorded = _record_calls(moves)
    if late := [m for m, ok in zip(moves, recorded, strict=True) if not ok and _definite(m)]:
        _settle_late_answers(late)


def _definite(move: Move) -> bool:
    """An answer that says what the call did: a success (the post is up, or the platform
    took it and is finishing it), or an error of a call that did not act (not one whose
    attempt is logged `unknown`)."""
    if move.target in (S.PUBLISHED, S.PROCESSING):
        return True
    attempt = move.attempt
    return (
        move.target in (S.RETRYING, S.FAILED)
        and attempt is not None
        and attempt.outcome != Attempt.Outcome.UNKNOWN
    )


def _settle_late_answers(moves: list[Move]) -> None:
    """Answers whose claim the sweeper took over while their call ran. A delivery it made
    `unknown` takes the answer after all (published, processing, retrying or failed): it
    settles what the sweeper left to an operator. Only while the row still carries this
    call's start mark: after an operator's retry another call may have left, and a call
    this claim never made says nothing of it. Any other answer (the delivery retrying with
    the same key, or claimed again) stays in the attempt log."""
    made = [
        (move, started)
        for move in moves
        if move.delivery is not None and (started := move.delivery.call_started_at) is not None
    ]
    settled = record(
        [
            replace(move, expected=S.UNKNOWN, lease=None, attempt=None, call=started)
            for move, started in made
        ]
    )
    for (move, _), ok in zip(made, settled, strict=True):
        if not ok:
            logger.warning(
                "late answer recorded only in the attempt log",
                extra={"delivery_id": move.delivery_id, "state": move.target},
            )


def _record_calls(moves: list[Move]) -> list[bool]:
    """`record`, once more on a new connection if the database connection broke: the
    outcomes of a whole batch ride on this transaction, and left to the sweeper they would
    all become `unknown` where the platform cannot deduplicate. A repeat is harmless: each
    move is checked again against its row."""
    return once_more_if_the_connection_broke(partial(record, moves), "recording the outcomes")


def _prepare(deliveries: list[Delivery]) -> tuple[list[_Call], list[Move]]:
    """What to send for each claimed delivery, or why it is not sent now."""
    unsent: list[Move] = []
    ready: list[tuple[Delivery, Connector]] = []
    for delivery in deliveries:
        account = delivery.account
        if not account.can_publish:
            unsent.append(
                _fail(
                    delivery,
                    "account_unavailable",
                    f"Account {account.pk} is {account.status}: reconnect it, then retry the post.",
                )
            )
        elif (waiting := _media_wait(delivery)) is not None:
            unsent.append(waiting)
        else:
            ready.append((delivery, platforms.connector_for(account.platform)))
    calls = []
    for (delivery, connector), seconds in zip(ready, _quota_waits(ready), strict=True):
        if seconds:
            # Not an attempt: nothing was sent. Give the slot back and come back later.
            unsent.append(
                _move(
                    delivery,
                    S.RETRYING,
                    attempts=delivery.attempts - 1,
                    due_at=timezone.now() + timedelta(seconds=seconds),
                    lease_expires_at=None,
                )
            )
        else:
            calls.append(_Call(delivery, connector, tokens.credentials_for(delivery.account)))
    return calls, unsent


def _quota_waits(ready: list[tuple[Delivery, Connector]]) -> list[float]:
    """The seconds each call must wait for its platform quota (0: it may go now), taken
    for the batch at once."""
    needs = [
        quotas.Need(delivery.account.platform, delivery.account_id, connector.limits)
        for delivery, connector in ready
    ]
    try:
        return quotas.waits_for_capacity(needs)
    except redis.RedisError:
        logger.warning(
            "quota store unreachable; will retry",
            extra={"delivery_ids": [delivery.pk for delivery, _ in ready]},
        )
        return [QUOTA_STORE_DOWN_WAIT] * len(ready)


def _media_wait(delivery: Delivery) -> Move | None:
    """None when the post's media is all there; else the delivery waits in `retrying`
    (not an attempt: nothing was sent) while it is being uploaded, or fails if it never came."""
    try:
        content.media_wait(delivery)
    except PermanentError as exc:
        return _fail(delivery, exc.code or "media_missing", exc.message, exc)
    except TransientError as exc:
        return _move(
            delivery,
            S.RETRYING,
            attempts=delivery.attempts - 1,
            due_at=timezone.now() + timedelta(seconds=exc.retry_after or 1),
            lease_expires_at=None,
            error_code=exc.code or "media_pending",
            error_message=exc.message,
        )
    return None


def _start_attempts(calls: list[_Call]) -> None:
    """Store an attempt for each call before any goes out: the sweeper closes one without an
    outcome as a call cut off (`unknown`, or `retry` if it never left). Numbers keep
    growing across manual retries, which reset `delivery.attempts` (the count the attempt
    limit applies to); only the worker that claimed a delivery writes its attempts."""
    now = timezone.now()
    attempts = [
        Attempt(delivery=call.delivery, number=0, started_at=now, worker=WORKER_NAME)
        for call in calls
    ]
    if (
        fastpaths.enabled("attempts_statement")
        and connection.features.can_return_rows_from_bulk_insert
    ):
        statements.start_attempts(attempts)
    else:
        ids = [call.delivery.pk for call in calls]
        last = dict(
            Attempt.objects.filter(delivery__in=ids)
            .values("delivery")
            .annotate(last=Max("number"))
            .values_list("delivery", "last")
        )
        for attempt in attempts:
            attempt.number = last.get(attempt.delivery_id, 0) + 1
        attempts = Attempt.objects.bulk_create(attempts)
    for call, attempt in zip(calls, attempts, strict=True):
        call.attempt = attempt


def _publish(calls: list[_Call]) -> list[Published | Exception]:
    """Each call's answer, or the error it raised (building the content is part of it)."""
    results: dict[int, Published | Exception] = {}
    for i, call in enumerate(calls):
        built = _caught(partial(content.content_for, call.delivery))
        if isinstance(built, Exception):
            results[i] = built
        else:
            call.send = partial(call.connector.publish, built)
    sendable = [i for i in range(len(calls)) if i not in results]
    claim = _Claim([call.delivery for call in calls])
    sent = _publish_refreshing_once([calls[i] for i in sendable], claim)
    results.update(zip(sendable, sent, strict=True))
    return [results[i] for i in range(len(calls))]


class _Claim:
    """Deliveries this worker claimed together, and the lease they share (the claim gave
    them one). Each write here is conditioned on a row still carrying that lease: once the
    sweeper has taken a delivery over (and another worker perhaps claimed it again), this
    worker neither calls the platform for it nor, through `Move.lease`, records on it.
    While the calls run the lease is renewed, so a long upload is not taken for a dead
    worker; a dead worker stops renewing and the sweeper takes over when the lease ends."""

    def __init__(self, deliveries: list[Delivery]):
        self.deliveries = deliveries
        lease = deliveries[0].lease_expires_at
        assert lease is not None  # the claim gave every delivery of it this lease
        self.lease = lease
        self.renew_every = settings.CRIER_PUBLISH_LEASE.total_seconds() / 4
        self.keep_alive()  # the preparation may have used a quarter of the lease already

    def _held(self, ids: Sequence[str]):
        return Delivery.objects.filter(pk__in=ids, status=S.PUBLISHING, lease_expires_at=self.lease)

    def start(self, ids: Sequence[str]) -> set[str]:
        """Commit, in one UPDATE, that the calls of these deliveries are about to leave:
        the sweeper marks `unknown` only a call that may have left. Returns the ids still
        held, whose calls may go. When the database cannot say so, none goes: the sweeper
        would take one that left for one that did not."""
        now = timezone.now()
        try:
            held = _mark_started(ids, lease=self.lease, now=now)
        except Error as exc:
            _reconnect_later()
            logger.warning(
                "calls not made: their start was not recorded", extra={"delivery_ids": ids}
            )
            raise TransientError(
                "Crier could not record that the call was starting, so it did not make it.",
                ambiguous=False,
                code="start_not_recorded",
            ) from exc
        for delivery in self.deliveries:
            if delivery.pk in held:
                delivery.call_started_at = now  # the mark a late answer must find to settle
        return held

    def keep_alive(self) -> None:
        """Renew the lease of every delivery of the claim still held once a quarter of it
        has passed: all of them, since an answer waits for the others to be recorded."""
        now = timezone.now()
        if now < self.lease - settings.CRIER_PUBLISH_LEASE * 3 / 4:
            return
        lease = now + settings.CRIER_PUBLISH_LEASE
        ids = [delivery.pk for delivery in self.deliveries]
        try:
            with transaction.atomic():
                renewed = self._held(ids).update(lease_expires_at=lease)
                held = (
                    set(ids)
                    if renewed == len(ids)
                    else set(
                        Delivery.objects.filter(pk__in=ids, lease_expires_at=lease).values_list(
                            "pk", flat=True
                        )
                    )
                )
        except Error:
            _reconnect_later()
            logger.warning("publish lease not renewed", extra={"delivery_ids": ids}, exc_info=True)
            return  # tried again at the next wait, on a new connection
        for delivery in self.deliveries:
            if delivery.pk in held:
                delivery.lease_expires_at = lease
        self.deliveries = [delivery for delivery in self.deliveries if delivery.pk in held]
        self.lease = lease


def _mark_started(ids: Sequence[str], *, lease: datetime, now: datetime) -> set[str]:
    """`call_started_at = now` on those of `ids` still publishing under `lease`, which has
    not run out: one UPDATE that returns them. Written as SQL because it runs for each
    group of calls that gets threads, often a few calls: the ORM's UPDATE (and a second
    query for which were held) cost ~0.2 ms of CPU per group (docs/performance.md). The
    status is wrapped as in `DeliveryQuerySet.in_states`, so the plan is an id lookup.
    SQLite before 3.35 (Django takes 3.31) has no RETURNING: the marked rows are read."""
    names = (Delivery._meta.db_table, "id", "status", "lease_expires_at", "call_started_at")
    table, pk, status, held, mark = map(connection.ops.quote_name, names)  # columns by name
    listed = ", ".join(["%s"] * len(ids))
    update = (
        f"UPDATE {table} SET {mark} = %s WHERE {pk} IN ({listed}) "  # noqa: S608
        f"AND COALESCE({status}, '') = %s AND {held} = %s AND {held} > %s"
    )
    at, lease_value = _db_value("call_started_at", now), _db_value("lease_expires_at", lease)
    returning = connection.features.can_return_columns_from_insert
    with connection.cursor() as cursor:
        cursor.execute(
            f"{update} RETURNING {pk}" if returning else update,
            [at, *ids, S.PUBLISHING, lease_value, at],
        )
        if not returning:
            marked = f"SELECT {pk} FROM {table} WHERE {pk} IN ({listed}) AND {mark} = %s"  # noqa: S608
            cursor.execute(marked, [*ids, at])
        return {row[0] for row in cursor.fetchall()}


def _db_value(name: str, value: datetime) -> Any:
    field = Delivery._meta.get_field(name)
    assert isinstance(field, Field)
    return field.get_db_prep_save(value, connection)


def _reconnect_later() -> None:
    """After a database error, the next statement opens a new connection (a broken one
    would refuse every statement of the batch); not inside a caller's transaction."""
    if not connection.in_atomic_block:
        connection.close()


def _publish_refreshing_once(calls: list[_Call], claim: _Claim) -> list[Published | Exception]:
    """Each call with the stored token, side by side (they wait on the network, and their
    leases started together); one refused with AuthExpired once more, with a refreshed
    token, under the same claim. The refresh reads and writes the database, so it runs on
    this thread, whose connection the worker looks after: the call threads only make
    HTTP calls."""
    results = _side_by_side(
        [(call.delivery.pk, partial(call.sender(), call.credentials)) for call in calls], claim
    )
    again: dict[int, Callable[[], Published]] = {}
    for i, (call, result) in enumerate(zip(calls, results, strict=True)):
        if isinstance(result, AuthExpired) and not isinstance(result, RefreshRefused):
            fresh = _caught(partial(_refreshed, call, result))
            if isinstance(fresh, Exception):
                results[i] = fresh
            else:
                again[i] = partial(call.sender(), fresh)
    if again:
        retried = _side_by_side([(calls[i].delivery.pk, f) for i, f in again.items()], claim)
        for i, result in zip(again, retried, strict=True):
            results[i] = result
    return results


def _refreshed(call: _Call, refused: AuthExpired) -> Credentials:
    try:
        return tokens.refresh_credentials(
            call.delivery.account, call.connector, stale=call.credentials
        )
    except NothingToRefresh as exc:
        # No refresh was tried: the platform's refusal of the stored token is the reason.
        raise NothingToRefresh(
            refused.message,
            code=refused.code,
            platform_response=refused.platform_response,
            status=refused.status,
        ) from exc


def _caught(function: Callable[[], T]) -> T | Exception:
    try:
        return function()
    except Exception as exc:
        return exc


# Threads for the platform calls of every batch of this process, started as needed and
# kept (a start costs ~1 ms under load). Not more: more calls at once gain nothing on a
# CPU-bound worker and cost CPU, since httpcore's connection pool scans every waiting
# request and every connection on each request and response (docs/performance.md).
CALL_THREADS = 32
_calls = ThreadPoolExecutor(max_workers=CALL_THREADS, thread_name_prefix="publish-call")
# A batch hands a call to the pool only once it holds a free thread for it, so a call
# handed over starts at once: its marker (`_Claim.start`) is written just before it
# leaves, and one still waiting for a thread when the worker dies has none.
_free_call_threads = threading.Semaphore(CALL_THREADS)
_taking = threading.Lock()
# Calls worth starting together, and how long a batch may hold threads it took while it
# waits for more: a start statement per call cost ~0.2 ms of CPU, the wait ~10 ms of a
# call thread that would be waiting for the CPU anyway when threads are scarce.
GATHER = 8
GATHER_SECONDS = 0.02


def _side_by_side(calls: list[tuple[str, Callable[[], T]]], claim: _Claim) -> list[T | Exception]:
    """Run each delivery's call in the call threads, each group that gets threads together
    once `claim.start` has cleared it: a call it does not clear is not made, and all of a
    group get the error it raises. This thread keeps the claim alive while it waits.
    Results in order."""
    results: dict[int, T | Exception] = {}
    running: dict[int, Future] = {}
    deadline = time.monotonic() + settings.CRIER_HTTP_TIMEOUT
    waiting = list(range(len(calls)))
    while waiting:
        threads = _free_threads(len(waiting), deadline, claim)
        if not threads:
            results.update((i, _worker_busy()) for i in waiting)
            break
        group, waiting = waiting[:threads], waiting[threads:]
        held = _caught(partial(claim.start, [calls[i][0] for i in group]))
        going = [i for i in group if not isinstance(held, Exception) and calls[i][0] in held]
        _release_threads(threads - len(going))
        if len(going) < len(group):
            refusal = held if isinstance(held, Exception) else _claim_lost()
            results.update((i, refusal) for i in group if i not in going)
        running.update((i, _submit(calls[i][1])) for i in going)
    pending = set(running.values())
    while pending:
        pending = wait(pending, timeout=claim.renew_every).not_done
        claim.keep_alive()
    results.update((i, future.result()) for i, future in running.items())
    return [results[i] for i in range(len(calls))]


def _free_threads(wanted: int, deadline: float, claim: _Claim) -> int:
    """Take up to `wanted` call threads: at least one, waiting for it until `deadline`
    (keeping the claim alive), then every other one free now and, while threads are
    scarce, those that free up within GATHER_SECONDS, up to GATHER. 0 when none came in
    time: a call that waited for a thread longer than a call may take is not made.

    One batch of the process takes threads at a time (`_taking`): the threads that free up
    go to it together and its calls start as one group, one start statement for them,
    instead of each of the waiting batches taking them one by one. The lock serves waiters
    in no order: a batch that keeps losing it until its deadline is refused `worker_busy`
    (not sent, retried), as one that found no thread."""
    if not _wait_for(_taking, deadline, claim):
        return 0
    try:
        if not _wait_for(_free_call_threads, deadline, claim):
            return 0
        taken = 1
        enough = min(wanted, GATHER)
        until = min(deadline, time.monotonic() + GATHER_SECONDS)
        while taken < wanted:
            if _free_call_threads.acquire(blocking=False):
                taken += 1
                continue
            remaining = until - time.monotonic()
            if taken >= enough or remaining <= 0:
                break
            if not _free_call_threads.acquire(timeout=remaining):
                break
            taken += 1
        return taken
    finally:
        _taking.release()


def _wait_for(lock: threading.Lock | threading.Semaphore, deadline: float, claim: _Claim) -> bool:
    """Acquire `lock` by `deadline`, keeping the claim alive meanwhile; False if too late."""
    while (remaining := deadline - time.monotonic()) >= 0:
        if lock.acquire(timeout=min(remaining, claim.renew_every)):
            return True
        claim.keep_alive()
    return False


def _release_threads(count: int) -> None:
    for _ in range(count):
        _free_call_threads.release()


def _submit(function: Callable[[], T]) -> Future:
    """The call handed to its thread; a pool that refuses (the process is exiting) gives
    its thread back and the call is not made."""
    try:
        return _calls.submit(_releasing_thread, function)
    except RuntimeError:
        _release_threads(1)
        refused: Future = Future()
        refused.set_result(
            TransientError(
                "The worker was stopping; the call was not sent.",
                ambiguous=False,
                code="worker_stopping",
            )
        )
        return refused


def _releasing_thread(function: Callable[[], T]) -> T | Exception:
    try:
        return _caught(function)
    finally:
        _free_call_threads.release()


def _claim_lost() -> TransientError:
    """The delivery's lease ran out before its call: the sweeper takes it (or took it, and
    another worker may hold it now), so this worker does not call."""
    return TransientError(
        "The worker's hold on this delivery ran out before the call; it was not sent.",
        ambiguous=False,
        code="claim_lost",
    )


def _worker_busy() -> TransientError:
    """Like a request that found no free connection, it was not sent."""
    return TransientError(
        "The worker was too busy to make the call in time; it was not sent.",
        ambiguous=False,
        code="worker_busy",
    )


def _may_have_posted(delivery: Delivery, result: AttemptResult | None) -> int | None:
    """This attempt, if its call may have acted, or an earlier one of this round."""
    if result is not None and result.outcome == Attempt.Outcome.UNKNOWN:
        return result.attempt.number
    return ambiguous_attempt(delivery, besides=result.attempt if result is not None else None)


def _unknown_after(delivery: Delivery, failure: Move, posted: int) -> Move:
    """A failure that cannot be the last word: an operator must look at the account (a
    platform refusing a duplicate, for one, says the post is already there)."""
    return _move(
        delivery,
        S.UNKNOWN,
        attempt=failure.attempt,
        lease_expires_at=None,
        due_at=None,
        error_code="outcome_unknown",
        error_message=f"{failure.changes['error_message']} But attempt {posted} got no clear "
        f"answer from {delivery.account.platform} and may have posted it. Check the account, "
        "then mark it published or failed, or retry it.",
        error_response=failure.changes["error_response"],
    )


def _outcome(call: _Call, result: Published | Exception, now: datetime) -> Move:
    """The transition a call's answer (or error) leads to."""
    delivery, attempt = call.delivery, call.attempt
    assert attempt is not None  # _start_attempts stored one for every call before it went out
    if isinstance(result, Published):
        return _success(delivery, attempt, result, now)
    if isinstance(result, RefreshRefused):
        tokens.mark_needs_reauth(delivery.account, result)
        return _fail(
            delivery,
            "needs_reauth",
            f"The {delivery.account.platform} account needs to be reconnected: {result.message}",
            result,
            attempt=AttemptResult(attempt, Attempt.Outcome.AUTH_EXPIRED, result),
        )
    if isinstance(result, PermanentError):
        return _fail(
            delivery,
            result.code or "rejected",
            result.message,
            result,
            attempt=AttemptResult(attempt, Attempt.Outcome.FAILED, result),
        )
    if isinstance(result, TransientError):
        return _after_transient(delivery, call.connector, attempt, result)
    if isinstance(result, AuthExpired):  # still refused after a fresh token
        return _fail(
            delivery,
            "auth_expired",
            result.message,
            result,
            attempt=AttemptResult(attempt, Attempt.Outcome.AUTH_EXPIRED, result),
        )
    # Not a platform answer (a bug, a lost Redis or database): the call may or may not
    # have gone out, so it is handled like an ambiguous transient failure.
    logger.error(
        "unexpected error while publishing", exc_info=result, extra={"delivery_id": delivery.pk}
    )
    unexpected = TransientError(
        f"Crier hit an internal error ({type(result).__name__}) during the call",
        code="internal_error",
        ambiguous=True,
    )
    return _after_transient(delivery, call.connector, attempt, unexpected)


def _move(
    delivery: Delivery, target: str, *, attempt: AttemptResult | None = None, **changes
) -> Move:
    """From `publishing`, which the claim moved it to, while the claim's lease holds. Only
    the claimant changes `attempts` there, so `changes` can be plain values computed from
    the row (`attempts - 1`)."""
    return Move(
        delivery.pk, target, S.PUBLISHING, delivery, attempt, changes, delivery.lease_expires_at
    )


def _success(delivery: Delivery, attempt: Attempt, published: Published, now: datetime) -> Move:
    if published.state == "processing":
        return _move(
            delivery,
            S.PROCESSING,
            attempt=AttemptResult(attempt, Attempt.Outcome.PROCESSING),
            processing_handle=published.handle or "",
            external_id=published.external_id or "",
            due_at=now + settings.CRIER_POLL_INTERVAL,
            lease_expires_at=now + settings.CRIER_PROCESSING_TIMEOUT,
            error_code="",  # what the sweeper wrote, if this answer settles its `unknown`
            error_message="",
            error_response="",
        )
    return _move(
        delivery,
        S.PUBLISHED,
        attempt=AttemptResult(attempt, Attempt.Outcome.PUBLISHED),
        external_id=published.external_id or "",
        external_url=published.url or "",
        published_at=now,
        due_at=None,
        lease_expires_at=None,
        error_code="",
        error_message="",
        error_response="",
    )


def _after_transient(
    delivery: Delivery, connector: Connector, attempt: Attempt, exc: TransientError
) -> Move:
    if exc.ambiguous and not connector.idempotent:
        return _move(
            delivery,
            S.UNKNOWN,
            attempt=AttemptResult(attempt, Attempt.Outcome.UNKNOWN, exc),
            lease_expires_at=None,
            error_code="outcome_unknown",
            error_message=f"{delivery.account.platform} did not confirm the post "
            f"({exc.message}); it may have gone out. Check the account, then mark it "
            "published or failed, or retry it.",
            error_response=exc.platform_response or "",
        )
    if exc.ambiguous:  # it may have acted: the retry's key dedupes, the log says so
        outcome = Attempt.Outcome.UNKNOWN
    elif isinstance(exc, RateLimited):
        outcome = Attempt.Outcome.RATE_LIMITED
    else:
        outcome = Attempt.Outcome.RETRY
    if delivery.attempts >= settings.CRIER_MAX_ATTEMPTS:
        return _fail(
            delivery,
            exc.code or "gave_up",
            f"Gave up after {delivery.attempts} attempts: {exc.message}",
            exc,
            attempt=AttemptResult(attempt, outcome, exc),
        )
    delay = retry_delay(delivery.attempts, exc.retry_after)
    return _move(
        delivery,
        S.RETRYING,
        attempt=AttemptResult(attempt, outcome, exc),
        due_at=timezone.now() + timedelta(seconds=delay),
        lease_expires_at=None,
        error_code=exc.code or type(exc).__name__,
        error_message=f"{exc.message} (attempt {delivery.attempts}; retrying in {delay:.0f}s)",
        error_response=exc.platform_response or "",
    )


def retry_delay(attempts: int, retry_after: float | None) -> float:
    """Exponential backoff with full jitter, never sooner than the platform's Retry-After."""
    backoff = get_exponential_backoff_interval(
        factor=settings.CRIER_RETRY_BASE,
        retries=attempts - 1,
        maximum=settings.CRIER_RETRY_MAX,
        full_jitter=True,
    )
    return max(float(backoff), retry_after or 0.0, 1.0)


def _fail(
    delivery: Delivery,
    code: str,
    message: str,
    exc: ConnectorError | None = None,
    *,
    attempt: AttemptResult | None = None,
) -> Move:
    """To `failed`; to `unknown` instead while an attempt of this round may have posted."""
    failure = _move(
        delivery,
        S.FAILED,
        attempt=attempt,
        due_at=None,
        lease_expires_at=None,
        error_code=code[:64],
        error_message=message,
        error_response=(exc.platform_response if exc else "") or "",
    )
    if (posted := _may_have_posted(delivery, attempt)) is not None:
        return _unknown_after(delivery, failure, posted)
    return failure


def delivery_poll(*, delivery_id: str) -> None:
    """Ask the platform whether an accepted post is finished. Safe to repeat any time."""
    delivery = (
        Delivery.objects.select_related("post", "account")
        .in_states([delivery_id], [S.PROCESSING])
        .first()
    )
    if delivery is None:
        return
    connector = platforms.connector_for(delivery.account.platform)
    now = timezone.now()
    post_content = _content_for_poll(delivery)
    poll = _Call(
        delivery,
        connector,
        tokens.credentials_for(delivery.account),
        send=lambda credentials: connector.poll(
            delivery.processing_handle, credentials, content=post_content
        ),
    )
    try:
        result = _polled(poll)
    except RefreshRefused as exc:
        tokens.mark_needs_reauth(delivery.account, exc)
        _fail_processing(
            delivery,
            "needs_reauth",
            f"The {delivery.account.platform} account needs to be reconnected before Crier "
            f"can finish the post it accepted: {exc.message}",
            exc.platform_response,
        )
        return
    except (TransientError, AuthExpired) as exc:
        logger.info(
            "poll will be repeated", extra={"delivery_id": delivery_id, "error": exc.message}
        )
        result = None
    except PermanentError as exc:
        _fail_processing(
            delivery, exc.code or "processing_failed", exc.message, exc.platform_response
        )
        return
    if result is not None and result.state == "published":
        transition(
            delivery.pk,
            S.PUBLISHED,
            expected=S.PROCESSING,
            external_id=result.external_id or delivery.external_id,
            external_url=result.url or "",
            published_at=now,
            due_at=None,
            lease_expires_at=None,
        )
    elif delivery.lease_expires_at and now >= delivery.lease_expires_at:
        _fail_processing(
            delivery,
            "processing_timeout",
            f"{delivery.account.platform} accepted the post but did not finish processing "
            f"it within {settings.CRIER_PROCESSING_TIMEOUT}.",
        )


def _polled(poll: _Call) -> Published:
    """The platform's answer, asked once more with a refreshed token if it refused the
    stored one."""
    try:
        return poll.sender()(poll.credentials)
    except AuthExpired as refused:
        if isinstance(refused, RefreshRefused):
            raise
        return poll.sender()(_refreshed(poll, refused))


def _fail_processing(
    delivery: Delivery, code: str, message: str, platform_response: str | None = None
) -> None:
    transition(
        delivery.pk,
        S.FAILED,
        expected=S.PROCESSING,
        due_at=None,
        lease_expires_at=None,
        error_code=code,
        error_message=message,
        error_response=platform_response or "",
    )


def _content_for_poll(delivery: Delivery) -> Content | None:
    """The post as publish() sent it, for the steps a connector takes once processing is
    done. Media deleted or re-converted since is no reason to stop asking: the connector
    gets None and says itself whether it needed the content."""
    try:
        return content.content_for(delivery)
    except ConnectorError as exc:
        logger.info(
            "polling without the post's content",
            extra={"delivery_id": delivery.pk, "error": exc.message},
        )
        return None
