"""The workspace's plan limit on connected accounts; refusals are 402 `{"errors": [...]}`.

(Posts per month are counted by planning/quotas.py, which raises the same `QuotaExceeded`.)
"""

from __future__ import annotations

from django.conf import settings
from rest_framework import status
from rest_framework.exceptions import APIException

from accounts.models import SocialAccount, Workspace
from accounts.signals import quota_warning


class QuotaExceeded(APIException):
    status_code = status.HTTP_402_PAYMENT_REQUIRED
    default_detail = "A plan limit of this workspace is reached."
    default_code = "quota_exceeded"


def account_connect_check(*, workspace_id: str, platform: str, external_id: str) -> None:
    """402 when connecting this channel would exceed the workspace's account limit.

    Call it inside the transaction that stores the account: the workspace row stays locked
    until then, so concurrent connections are counted one after the other. Reconnecting a
    channel that is already connected never counts.
    """
    workspace = Workspace.objects.select_for_update().get(pk=workspace_id)
    if workspace.max_accounts is None:
        return
    connected = SocialAccount.objects.filter(workspace_id=workspace_id).connected()
    if connected.filter(platform=platform, external_id=external_id).exists():
        return
    count = connected.count()
    if count >= workspace.max_accounts:
        raise QuotaExceeded(
            f"Connected account limit reached: {count} of {workspace.max_accounts}. "
            "Disconnect an account or upgrade the plan."
        )
    if count + 1 >= workspace.max_accounts * settings.CRIER_QUOTA_WARN_RATIO:
        # webhooks turns it into the `quota.warning` event, in this transaction.
        quota_warning.send(
            sender=Workspace,
            workspace_id=workspace_id,
            quota="accounts",
            used=count + 1,
            limit=workspace.max_accounts,
        )
