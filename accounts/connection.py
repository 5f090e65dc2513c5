"""Connecting social accounts: OAuth (authorization URL, callback) and token platforms.

The platform-specific halves live in each connector (`authorization_url`, `exchange_code`,
`connect`); this module keeps the state, the app credentials and the stored account.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.auth import ApiContext
from accounts.models import AccountStatus, OAuthState, SocialAccount
from accounts.quotas import account_connect_check
from connectors.base import AccountProfile, Connector, Credentials, OAuthApp
from core.errors import Unprocessable

STATE_LIFETIME = timedelta(minutes=10)


class ConnectionRefused(Exception):
    """The state is forged, spent or expired, or the platform said no; safe to show."""


def oauth_app(platform: str) -> OAuthApp:
    """Crier's app on the platform, from CRIER_OAUTH_<PLATFORM>_CLIENT_ID / _CLIENT_SECRET."""
    app = settings.CRIER_OAUTH_APPS.get(platform)
    if not app:
        prefix = f"CRIER_OAUTH_{platform.upper()}"
        raise Unprocessable(
            f"{platform} is not configured on this Crier: set {prefix}_CLIENT_ID and "
            f"{prefix}_CLIENT_SECRET."
        )
    return OAuthApp(
        client_id=app["client_id"],
        client_secret=app["client_secret"],
        redirect_uri=f"{settings.CRIER_PUBLIC_URL}/api/v1/accounts/callback/{platform}",
    )


def _pkce_pair() -> tuple[str, str]:
    """RFC 7636 S256: the challenge is the unpadded base64url SHA-256 of the verifier."""
    verifier = secrets.token_urlsafe(64)
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def oauth_start(*, context: ApiContext, connector: Connector) -> str:
    """A fresh authorization URL for the caller's workspace."""
    app = oauth_app(connector.platform)
    state = secrets.token_urlsafe(32)
    verifier, challenge = _pkce_pair()
    OAuthState.objects.create(
        workspace=context.workspace,
        member=context.member,
        platform=connector.platform,
        state_hash=OAuthState.hash_state(state),
        secrets={"code_verifier": verifier},
        expires_at=timezone.now() + STATE_LIFETIME,
    )
    return connector.authorization_url(app, state=state, code_challenge=challenge)


def oauth_finish(*, connector: Connector, state: str, code: str) -> SocialAccount:
    """Spend the state once, trade the code for tokens, store the account."""
    pending = (
        OAuthState.objects.usable()
        .filter(state_hash=OAuthState.hash_state(state), platform=connector.platform)
        .first()
    )
    # The conditional update makes a replayed callback lose even when two race.
    if pending is None or not OAuthState.objects.usable().filter(pk=pending.pk).update(
        used_at=timezone.now()
    ):
        raise ConnectionRefused(
            "This connection link is invalid, expired or already used: start again."
        )
    credentials, profile = connector.exchange_code(
        oauth_app(connector.platform), code=code, code_verifier=pending.secrets["code_verifier"]
    )
    return account_store(
        workspace_id=pending.workspace_id,
        platform=connector.platform,
        credentials=credentials,
        profile=profile,
    )


def token_connect(*, context: ApiContext, connector: Connector, fields: dict) -> SocialAccount:
    credentials, profile = connector.connect(fields)
    return account_store(
        workspace_id=context.workspace.pk,
        platform=connector.platform,
        credentials=credentials,
        profile=profile,
    )


def account_store(
    *, workspace_id: str, platform: str, credentials: Credentials, profile: AccountProfile
) -> SocialAccount:
    """Create or reconnect the account; keep a refresh token the platform did not replace.

    A new connection must fit the workspace's account limit (402 otherwise).
    """
    with transaction.atomic():
        account_connect_check(
            workspace_id=workspace_id, platform=platform, external_id=profile.external_id
        )
        account, created = SocialAccount.objects.select_for_update().get_or_create(
            workspace_id=workspace_id, platform=platform, external_id=profile.external_id
        )
        previous = {} if created else account.credentials
        account.credentials = {
            "access_token": credentials.access_token,
            "refresh_token": credentials.refresh_token or previous.get("refresh_token"),
            "extra": {**previous.get("extra", {}), **credentials.extra},
        }
        account.token_expires_at = credentials.expires_at
        account.username = profile.username
        account.display_name = profile.display_name
        account.avatar_url = profile.avatar_url
        account.status = AccountStatus.ACTIVE
        account.status_reason = ""
        account.disconnected_at = None
        account.save()
    return account
