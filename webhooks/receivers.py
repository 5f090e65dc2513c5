"""Events from the apps below webhooks, which announce them as signals (one-way layers).

Each receiver runs in the sender's transaction, so the event exists exactly when the
change does; `WebhooksConfig.ready()` connects them.
"""

from __future__ import annotations

from typing import Any

from accounts.models import SocialAccount
from webhooks.models import Event
from webhooks.services import emit


def on_account_needs_reauth(sender: Any, *, account: SocialAccount, reason: str, **_: Any) -> None:
    emit(
        workspace_id=account.workspace_id,
        event=Event.ACCOUNT_NEEDS_REAUTH,
        data={
            "account_id": account.pk,
            "platform": account.platform,
            "username": account.username,
            "reason": reason,
        },
    )


def on_quota_warning(
    sender: Any, *, workspace_id: str, quota: str, used: int, limit: int, **_: Any
) -> None:
    emit(
        workspace_id=workspace_id,
        event=Event.QUOTA_WARNING,
        data={"quota": quota, "used": used, "limit": limit},
    )
