"""Publishing one delivery: claim it, make one platform call, record what happened.

The irreversible call runs outside any transaction, and its outcome is recorded before
anything else happens. Retries go back through the database (`retrying` + `due_at`), so
they survive a broker or worker loss and show in the API while they wait.
"""

from __future__ import annotations

import logging
import socket
from collections.abc import Callable
from datetime import timedelta

import redis
from celery.utils.time import get_exponential_backoff_interval
from django.conf import settings
from django.db.models import F, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts import tokens
from connectors.base import Connector, Content, Credentials, Published
from connectors.errors import (
    AuthExpired,
    ConnectorError,
    PermanentError,
    RateLimited,
    RefreshRefused,
    TransientError,
)
from posts import content, quotas
from posts.models import Attempt, Delivery
from posts.outcomes import AttemptResult, transition
from posts.states import DeliveryStatus as S

logger = logging.getLogger(__name__)
WORKER_NAME = socket.gethostname()
QUOTA_STORE_DOWN_WAIT = 5.0  # seconds before trying again when Redis does not answer


def claim_for_publishing(delivery_id: str) -> bool:
    """queued → publishing, once: a duplicate or late message matches no row."""
    now = timezone.now()
    return bool(
        Delivery.objects.one_in_states(delivery_id, [S.QUEUED]).update(
            status=S.PUBLISHING,
            attempts=F("attempts") + 1,
            lease_expires_at=now + settings.CRIER_PUBLISH_LEASE,
            updated_at=now,
        )
    )


def delivery_publish(*, delivery_id: str) -> None:
    if not claim_for_publishing(delivery_id):
        logger.info("delivery not queued; message ignored", extra={"delivery_id": delivery_id})
        return
    delivery = (
        Delivery.objects.select_related("post__job", "account")
        # The job only for its kind and status (after_terminal): not the bulk body.
        .defer("post__job__request", "post__job__payload")
        .get(pk=delivery_id)
    )
    account = delivery.account
    if not account.can_publish:
        _fail(
            delivery,
            "account_unavailable",
            f"Account {account.pk} is {account.status}: reconnect it, then retry the post.",
        )
        return
    if not _media_ready(delivery):
        return
    connector = content.connector_for(account.platform)
    try:
        wait = quotas.wait_for_capacity(
            platform=account.platform, account_id=account.pk, limits=connector.limits
        )
    except redis.RedisError:
        logger.warning("quota store unreachable; will retry", extra={"delivery_id": delivery_id})
        wait = QUOTA_STORE_DOWN_WAIT
    if wait:
        # Not an attempt: nothing was sent. Give the slot back and come back later.
        transition(
            delivery.pk,
            S.RETRYING,
            expected=S.PUBLISHING,
            attempts=F("attempts") - 1,
            due_at=timezone.now() + timedelta(seconds=wait),
            lease_expires_at=None,
        )
        return
    _attempt(delivery, connector, tokens.credentials_for(account))


def _media_ready(delivery: Delivery) -> bool:
    """False when the post's media is still being uploaded (the delivery waits in
    `retrying`, which is not an attempt: nothing was sent) or never came (it fails)."""
    try:
        content.media_wait(delivery)
    except PermanentError as exc:
        _fail(delivery, exc.code or "media_missing", exc.message, exc)
        return False
    except TransientError as exc:
        transition(
            delivery.pk,
            S.RETRYING,
            expected=S.PUBLISHING,
            attempts=F("attempts") - 1,
            due_at=timezone.now() + timedelta(seconds=exc.retry_after or 1),
            lease_expires_at=None,
            error_code=exc.code or "media_pending",
            error_message=exc.message,
        )
        return False
    return True


def _attempt(delivery: Delivery, connector: Connector, credentials: Credentials) -> None:
    # Numbers keep growing across manual retries, which reset `delivery.attempts` (the
    # count that the attempt limit applies to); only this delivery's worker writes here.
    # The next number is computed by the INSERT itself.
    last = Attempt.objects.filter(delivery=delivery.pk).order_by("-number").values("number")[:1]
    attempt = Attempt.objects.create(
        delivery=delivery,
        number=Coalesce(Subquery(last), Value(0)) + 1,
        started_at=timezone.now(),
        worker=WORKER_NAME,
    )
    try:
        published = _publish_refreshing_once(delivery, connector, credentials)
    except RefreshRefused as exc:
        tokens.mark_needs_reauth(delivery.account, exc)
        _fail(
            delivery,
            "needs_reauth",
            f"The {delivery.account.platform} account needs to be reconnected: {exc.message}",
            exc,
            attempt=AttemptResult(attempt, Attempt.Outcome.AUTH_EXPIRED, exc),
        )
    except PermanentError as exc:
        _fail(
            delivery,
            exc.code or "rejected",
            exc.message,
            exc,
            attempt=AttemptResult(attempt, Attempt.Outcome.FAILED, exc),
        )
    except TransientError as exc:
        _after_transient(delivery, connector, attempt, exc)
    except AuthExpired as exc:  # still refused after a fresh token
        _fail(
            delivery,
            "auth_expired",
            exc.message,
            exc,
            attempt=AttemptResult(attempt, Attempt.Outcome.AUTH_EXPIRED, exc),
        )
    except Exception as exc:
        # Not a platform answer (a bug, a lost Redis or database): the call may or may not
        # have gone out, so it is handled like an ambiguous transient failure.
        logger.exception("unexpected error while publishing", extra={"delivery_id": delivery.pk})
        unexpected = TransientError(
            f"Crier hit an internal error ({type(exc).__name__}) during the call",
            code="internal_error",
            ambiguous=True,
        )
        _after_transient(delivery, connector, attempt, unexpected)
    else:
        _record_success(delivery, attempt, published)


def _publish_refreshing_once(
    delivery: Delivery, connector: Connector, credentials: Credentials
) -> Published:
    post_content = content.content_for(delivery)
    return _refreshing_once(
        delivery, connector, credentials, lambda fresh: connector.publish(post_content, fresh)
    )


def _refreshing_once(
    delivery: Delivery,
    connector: Connector,
    credentials: Credentials,
    call: Callable[[Credentials], Published],
) -> Published:
    """`call` with the stored token; on AuthExpired, once more with a refreshed one."""
    try:
        return call(credentials)
    except RefreshRefused:
        raise
    except AuthExpired:
        fresh = tokens.refresh_credentials(delivery.account, connector, stale=credentials)
        return call(fresh)


def _record_success(delivery: Delivery, attempt: Attempt, published: Published) -> None:
    now = timezone.now()
    if published.state == "processing":
        transition(
            delivery.pk,
            S.PROCESSING,
            expected=S.PUBLISHING,
            attempt=AttemptResult(attempt, Attempt.Outcome.PROCESSING),
            processing_handle=published.handle or "",
            external_id=published.external_id or "",
            due_at=now + settings.CRIER_POLL_INTERVAL,
            lease_expires_at=now + settings.CRIER_PROCESSING_TIMEOUT,
        )
        return
    moved = transition(
        delivery.pk,
        S.PUBLISHED,
        delivery=delivery,
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
    if not moved:
        # The sweeper gave up on this call while it was still running; the post is live.
        logger.warning(
            "late success recorded only in the attempt log",
            extra={"delivery_id": delivery.pk, "external_id": published.external_id},
        )


def _after_transient(
    delivery: Delivery, connector: Connector, attempt: Attempt, exc: TransientError
) -> None:
    if exc.ambiguous and not connector.idempotent:
        transition(
            delivery.pk,
            S.UNKNOWN,
            expected=S.PUBLISHING,
            delivery=delivery,
            attempt=AttemptResult(attempt, Attempt.Outcome.UNKNOWN, exc),
            lease_expires_at=None,
            error_code="outcome_unknown",
            error_message=f"{delivery.account.platform} did not confirm the post "
            f"({exc.message}); it may have gone out. Check the account, then mark it "
            "published or failed, or retry it.",
            error_response=exc.platform_response or "",
        )
        return
    outcome = (
        Attempt.Outcome.RATE_LIMITED if isinstance(exc, RateLimited) else Attempt.Outcome.RETRY
    )
    if delivery.attempts >= settings.CRIER_MAX_ATTEMPTS:
        _fail(
            delivery,
            exc.code or "gave_up",
            f"Gave up after {delivery.attempts} attempts: {exc.message}",
            exc,
            attempt=AttemptResult(attempt, outcome, exc),
        )
        return
    delay = retry_delay(delivery.attempts, exc.retry_after)
    transition(
        delivery.pk,
        S.RETRYING,
        expected=S.PUBLISHING,
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
) -> None:
    transition(
        delivery.pk,
        S.FAILED,
        expected=S.PUBLISHING,
        delivery=delivery,
        attempt=attempt,
        due_at=None,
        lease_expires_at=None,
        error_code=code[:64],
        error_message=message,
        error_response=(exc.platform_response if exc else "") or "",
    )


def delivery_poll(*, delivery_id: str) -> None:
    """Ask the platform whether an accepted post is finished. Safe to repeat any time."""
    delivery = (
        Delivery.objects.select_related("post", "account")
        .one_in_states(delivery_id, [S.PROCESSING])
        .first()
    )
    if delivery is None:
        return
    connector = content.connector_for(delivery.account.platform)
    now = timezone.now()
    post_content = _content_for_poll(delivery)
    try:
        result = _refreshing_once(
            delivery,
            connector,
            tokens.credentials_for(delivery.account),
            lambda credentials: connector.poll(
                delivery.processing_handle, credentials, content=post_content
            ),
        )
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
