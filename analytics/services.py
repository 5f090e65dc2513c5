"""Collecting metrics from the platforms, and reading them back as time series.

The collector (`collect_due`, run by beat) samples each recently published delivery and
each connected account at most once per `CRIER_ANALYTICS_EVERY`, in batches. Platform
failures never stop the run:

| connector raised | collector                                                           |
|------------------|---------------------------------------------------------------------|
| RateLimited      | pause the whole account until `retry_after` (stored), stop there    |
| AuthExpired      | skip the account this run; nothing is marked (publishing reauths)   |
| anything else    | log it on the delivery or account state, go on with the next one    |

No platform call is made inside a transaction; work is claimed with a filtered UPDATE of
`checked_at`, so two overlapping runs never sample the same target twice.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import F, Q, QuerySet

from accounts.models import AccountStatus, SocialAccount
from accounts.platforms import new_connector
from accounts.tokens import credentials_for
from analytics.models import (
    AccountMetricsSnapshot,
    AccountMetricsState,
    DeliveryMetricsState,
    PostMetricsSnapshot,
)
from connectors.base import Connector
from connectors.errors import AuthExpired, ConnectorError, RateLimited
from connectors.registry import CONNECTORS, connector_class
from posts.models import Delivery, Post
from posts.states import DeliveryStatus

logger = logging.getLogger(__name__)

POST_FIELDS = ("impressions", "likes", "comments", "shares", "clicks")
# Used when a platform says "too many requests" without saying for how long.
DEFAULT_PAUSE = timedelta(minutes=15)


def window() -> timedelta:
    """How long after publishing a post is still sampled."""
    return getattr(settings, "CRIER_ANALYTICS_WINDOW", timedelta(days=30))


def every() -> timedelta:
    """The least time between two samples of one post or account."""
    return getattr(settings, "CRIER_ANALYTICS_EVERY", timedelta(hours=6))


def batch() -> int:
    return getattr(settings, "CRIER_ANALYTICS_BATCH", 100)


# --- which platforms offer what -------------------------------------------------------------


def _offers(cls: type[Connector], method: str) -> bool:
    return getattr(cls, method) is not getattr(Connector, method)


def platforms_offering(method: str) -> list[str]:
    """Slugs whose connector overrides `post_metrics` or `account_metrics`."""
    found = []
    for slug in CONNECTORS:
        try:
            cls = connector_class(slug)
        except Exception:  # one platform's import problem must not stop the others
            logger.exception("analytics: connector %s cannot be imported", slug)
            continue
        if _offers(cls, method):
            found.append(slug)
    return found


# --- selection ------------------------------------------------------------------------------


def _live_accounts() -> Q:
    return Q(account__status=AccountStatus.ACTIVE, account__disconnected_at__isnull=True)


def due_deliveries(now: datetime, *, limit: int | None = None) -> QuerySet[Delivery]:
    """Published deliveries of the last `window()` not sampled in the last `every()`, on
    platforms that report post metrics and accounts not paused; least recently sampled
    first."""
    return (
        Delivery.objects.filter(
            _live_accounts(),
            status=DeliveryStatus.PUBLISHED,
            published_at__gte=now - window(),
            account__platform__in=platforms_offering("post_metrics"),
            # A thread item or comment published after its post: the post carries the
            # figures (a comment id is not a post the metrics endpoints know).
            thread_index__isnull=True,
        )
        .exclude(external_id="")
        .exclude(metrics_state__checked_at__gt=now - every())
        .exclude(account__metrics_state__paused_until__gt=now)
        .select_related("account")
        .order_by(F("metrics_state__checked_at").asc(nulls_first=True), "published_at", "pk")[
            : limit or batch()
        ]
    )


def due_accounts(now: datetime, *, limit: int | None = None) -> QuerySet[SocialAccount]:
    """Connected accounts whose follower count is older than `every()`, not paused."""
    return (
        SocialAccount.objects.connected()
        .filter(
            status=AccountStatus.ACTIVE,
            platform__in=platforms_offering("account_metrics"),
        )
        .exclude(metrics_state__checked_at__gt=now - every())
        .exclude(metrics_state__paused_until__gt=now)
        .order_by(F("metrics_state__checked_at").asc(nulls_first=True), "pk")[: limit or batch()]
    )


# --- collection -----------------------------------------------------------------------------


def collect_due(
    now: datetime, *, connector_factory: Callable[[str], Connector] | None = None
) -> dict[str, int]:
    """Sample what is due (at most `batch()` posts and `batch()` accounts); never raises for
    a platform's failure. Returns counts for the logs."""
    factory = connector_factory or new_connector
    counts = {"posts": 0, "accounts": 0, "rate_limited": 0, "auth_expired": 0, "errors": 0}
    by_account: dict[str, list[Delivery]] = defaultdict(list)
    accounts: dict[str, SocialAccount] = {}
    for delivery in due_deliveries(now):
        by_account[delivery.account_id].append(delivery)
        accounts[delivery.account_id] = delivery.account
    follower_due = {account.pk: account for account in due_accounts(now)}
    for account_id in list(by_account) + [pk for pk in follower_due if pk not in by_account]:
        account = accounts.get(account_id) or follower_due[account_id]
        try:
            with factory(account.platform) as connector:
                _collect_account(
                    account,
                    connector,
                    deliveries=by_account.get(account_id, []),
                    followers=account_id in follower_due,
                    now=now,
                    counts=counts,
                )
        except Exception:  # the beat task must go on with the other accounts
            counts["errors"] += 1
            logger.exception("analytics: collecting for account %s failed", account_id)
    return counts


class _StopAccount(Exception):
    """No more calls for this account in this run."""


def _collect_account(
    account: SocialAccount,
    connector: Connector,
    *,
    deliveries: Iterable[Delivery],
    followers: bool,
    now: datetime,
    counts: dict[str, int],
) -> None:
    credentials = credentials_for(account)
    try:
        for delivery in deliveries:
            if not _claim_delivery(delivery, now):
                continue  # another run took it
            try:
                metrics = _ask(account, connector.post_metrics, delivery.external_id, credentials)
            except ConnectorError as exc:
                if isinstance(exc, (RateLimited, AuthExpired)):
                    # Not the post's fault: it stays due for the next run after the pause.
                    DeliveryMetricsState.objects.filter(pk=delivery.pk).update(checked_at=None)
                _handle(account, exc, now, counts)  # raises _StopAccount when it must
                DeliveryMetricsState.objects.filter(pk=delivery.pk).update(
                    error_code=(exc.code or type(exc).__name__)[:64],
                    error_message=exc.message[:500],
                )
                continue
            if metrics is None:
                continue
            PostMetricsSnapshot.objects.create(
                workspace_id=delivery.workspace_id,
                delivery=delivery,
                taken_at=now,
                impressions=metrics.impressions,
                likes=metrics.likes,
                comments=metrics.comments,
                shares=metrics.shares,
                clicks=metrics.clicks,
                extra=dict(metrics.extra),
            )
            DeliveryMetricsState.objects.filter(pk=delivery.pk).update(
                error_code="", error_message=""
            )
            counts["posts"] += 1
        if followers and _claim_account(account, now):
            try:
                result = _ask(account, connector.account_metrics, credentials)
            except ConnectorError as exc:
                if isinstance(exc, (RateLimited, AuthExpired)):
                    AccountMetricsState.objects.filter(pk=account.pk).update(checked_at=None)
                _handle(account, exc, now, counts)
                AccountMetricsState.objects.filter(pk=account.pk).update(
                    error_code=(exc.code or type(exc).__name__)[:64],
                    error_message=exc.message[:500],
                )
                return
            if result is not None:
                AccountMetricsSnapshot.objects.create(
                    workspace_id=account.workspace_id,
                    account=account,
                    taken_at=now,
                    followers=result.followers,
                )
                AccountMetricsState.objects.filter(pk=account.pk).update(
                    error_code="", error_message=""
                )
                counts["accounts"] += 1
    except _StopAccount:
        return


def _ask(account: SocialAccount, method: Callable[..., Any], *args: Any) -> Any:
    """One connector call; an unexpected exception becomes a ConnectorError to be logged."""
    try:
        return method(*args)
    except ConnectorError:
        raise
    except Exception as exc:
        logger.exception("analytics: %s connector failed unexpectedly", account.platform)
        raise ConnectorError(f"Unexpected {type(exc).__name__}", code="internal_error") from exc


def _handle(account: SocialAccount, exc: ConnectorError, now: datetime, counts: dict) -> None:
    """Log the failure; pause the account on a rate limit. Raises _StopAccount when the
    account must not be asked again in this run."""
    if isinstance(exc, RateLimited):
        counts["rate_limited"] += 1
        wait = timedelta(seconds=exc.retry_after) if exc.retry_after else DEFAULT_PAUSE
        AccountMetricsState.objects.update_or_create(
            account=account,
            defaults={
                "paused_until": now + wait,
                "error_code": (exc.code or "rate_limited")[:64],
                "error_message": exc.message[:500],
            },
        )
        logger.warning(
            "analytics: %s rate-limited account %s until %s",
            account.platform,
            account.pk,
            now + wait,
        )
        raise _StopAccount
    if isinstance(exc, AuthExpired):
        # Publishing refreshes tokens and flags accounts; metrics only wait for it.
        counts["auth_expired"] += 1
        logger.info("analytics: %s token of account %s expired", account.platform, account.pk)
        raise _StopAccount
    counts["errors"] += 1
    logger.warning(
        "analytics: %s metrics for account %s failed: %s",
        account.platform,
        account.pk,
        exc.message,
    )


def _claim_delivery(delivery: Delivery, now: datetime) -> bool:
    DeliveryMetricsState.objects.get_or_create(delivery=delivery)
    return bool(
        DeliveryMetricsState.objects.filter(pk=delivery.pk)
        .filter(Q(checked_at__isnull=True) | Q(checked_at__lte=now - every()))
        .update(checked_at=now)
    )


def _claim_account(account: SocialAccount, now: datetime) -> bool:
    AccountMetricsState.objects.get_or_create(account=account)
    return bool(
        AccountMetricsState.objects.filter(pk=account.pk)
        .filter(Q(checked_at__isnull=True) | Q(checked_at__lte=now - every()))
        .filter(Q(paused_until__isnull=True) | Q(paused_until__lte=now))
        .update(checked_at=now)
    )


# --- series ---------------------------------------------------------------------------------


def post_series(post: Post) -> list[dict]:
    """Every snapshot of the post's deliveries, oldest first: one point per delivery and
    sample, with the account it was taken for; metrics a platform does not offer are None."""
    snapshots = (
        PostMetricsSnapshot.objects.filter(delivery__post=post)
        .select_related("delivery__account")
        .order_by("taken_at", "delivery_id")
    )
    return [
        {
            "taken_at": snapshot.taken_at.isoformat(),
            "delivery_id": snapshot.delivery_id,
            "account_id": snapshot.delivery.account_id,
            "platform": snapshot.delivery.account.platform,
            **{name: getattr(snapshot, name) for name in POST_FIELDS},
            "extra": snapshot.extra or {},
        }
        for snapshot in snapshots
    ]


def account_series(
    account: SocialAccount, since: datetime | None = None, until: datetime | None = None
) -> list[dict]:
    """The account's follower counts, oldest first, within [since, until] when given."""
    snapshots = AccountMetricsSnapshot.objects.filter(account=account)
    if since is not None:
        snapshots = snapshots.filter(taken_at__gte=since)
    if until is not None:
        snapshots = snapshots.filter(taken_at__lte=until)
    return [
        {"taken_at": snapshot.taken_at.isoformat(), "followers": snapshot.followers}
        for snapshot in snapshots.order_by("taken_at", "pk")
    ]
