"""An account's tokens: reading and storing them, refreshing them, and giving up on them.

Refresh rules (LESSONS 5): refresh ahead of expiry and once on a 401; only a refusal from
the token endpoint (RefreshRefused) means the account needs reconnecting — a network error
changes nothing. Refreshes of one account are serialised across workers, since refresh
tokens rotate and a second refresh with a spent token would be refused.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from functools import cache

import redis
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import AccountStatus, SocialAccount
from accounts.platforms import new_connector
from accounts.signals import account_needs_reauth
from connectors.base import Connector, Credentials
from connectors.errors import NothingToRefresh, RefreshRefused, TransientError

logger = logging.getLogger(__name__)


def credentials_for(account: SocialAccount) -> Credentials:
    stored = account.credentials or {}
    return Credentials(
        external_id=account.external_id,
        access_token=stored.get("access_token", ""),
        refresh_token=stored.get("refresh_token"),
        expires_at=account.token_expires_at,
        extra=stored.get("extra", {}),
    )


def store_credentials(account: SocialAccount, credentials: Credentials) -> None:
    account.credentials = {
        "access_token": credentials.access_token,
        "refresh_token": credentials.refresh_token,
        "extra": dict(credentials.extra),
    }
    account.token_expires_at = credentials.expires_at
    account.save(update_fields=["credentials", "token_expires_at", "updated_at"])


@cache
def _redis(url: str) -> redis.Redis:
    return redis.Redis.from_url(url)


@contextmanager
def account_lock(account_id: str, timeout: float = 60) -> Iterator[None]:
    lock = _redis(settings.REDIS_URL).lock(
        f"crier:account-lock:{account_id}", timeout=timeout, blocking_timeout=timeout
    )
    with lock:
        yield


def refresh_credentials(
    account: SocialAccount, connector: Connector, *, stale: Credentials
) -> Credentials:
    """Refresh under the account's lock; if another worker already did, use its tokens."""
    with account_lock(account.pk):
        account.refresh_from_db(fields=["credentials", "token_expires_at"])
        current = credentials_for(account)
        if current.access_token != stale.access_token:
            return current
        fresh = connector.refresh(current)
        store_credentials(account, fresh)
        return fresh


def mark_needs_reauth(account: SocialAccount, exc: RefreshRefused) -> None:
    """The platform refused the refresh (or, without a refresh flow, the stored credentials):
    flag the account once and tell the integrators."""
    if isinstance(exc, NothingToRefresh):
        reason = f"The platform refused the stored credentials: {exc.message}"[:500]
    else:
        reason = f"The platform refused to refresh the token: {exc.message}"[:500]
    with transaction.atomic():
        flagged = SocialAccount.objects.filter(pk=account.pk, status=AccountStatus.ACTIVE).update(
            status=AccountStatus.NEEDS_REAUTH, status_reason=reason, updated_at=timezone.now()
        )
        if flagged:
            # webhooks turns it into the `account.needs_reauth` event, in this transaction.
            account_needs_reauth.send(sender=SocialAccount, account=account, reason=reason)


def refresh_expiring(*, within: timedelta) -> dict[str, int]:
    """Refresh every active account whose token expires within `within`."""
    counts = {"refreshed": 0, "needs_reauth": 0, "postponed": 0}
    soon = timezone.now() + within
    expiring = SocialAccount.objects.connected().filter(
        status=AccountStatus.ACTIVE, token_expires_at__lte=soon
    )
    for account in expiring:
        if not account.credentials.get("refresh_token"):
            continue  # platforms without refresh tokens are reconnected by a person
        connector = new_connector(account.platform)
        try:
            refresh_credentials(account, connector, stale=credentials_for(account))
            counts["refreshed"] += 1
        except RefreshRefused as exc:
            mark_needs_reauth(account, exc)
            counts["needs_reauth"] += 1
        except TransientError as exc:
            logger.warning(
                "token refresh postponed", extra={"account_id": account.pk, "error": exc.message}
            )
            counts["postponed"] += 1
        finally:
            connector.close()
    return counts
