"""OAuth 2.0 token-endpoint rules shared by the connectors that refresh tokens (RFC 6749)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import httpx

from connectors.base import Connector, Credentials
from connectors.errors import ConnectorError, RefreshRefused, TransientError
from connectors.http import json_object, platform_error


def app_credentials(connector: Connector, *, secret_required: bool = True) -> tuple[str, str]:
    """Crier's client id and secret on the connector's platform, for refresh(), which
    receives no OAuthApp: its configuration carries them (CRIER_OAUTH_<PLATFORM>_CLIENT_ID
    / _CLIENT_SECRET)."""
    prefix = f"CRIER_OAUTH_{connector.platform.upper()}"
    client_id, client_secret = connector.config.client_id, connector.config.client_secret
    if not client_id or (secret_required and not client_secret):
        missing = (
            f"{prefix}_CLIENT_ID and {prefix}_CLIENT_SECRET are not set"
            if secret_required
            else f"{prefix}_CLIENT_ID is not set"
        )
        raise TransientError(
            f"Cannot refresh {connector.display_name} tokens: {missing}.",
            ambiguous=False,
            code="not_configured",
        )
    return client_id, client_secret


def token_refused(response: httpx.Response) -> bool:
    """RFC 6749 §5.2 answers a refused grant with 400 or 401; any other client error from
    the token endpoint is a refusal too. 408, 429 and 5xx are passing failures."""
    status = response.status_code
    return 400 <= status < 500 and status not in (408, 429)


def raise_if_refused(
    response: httpx.Response,
    error: type[ConnectorError] = RefreshRefused,
    *,
    refused: Callable[[httpx.Response], bool] = token_refused,
) -> None:
    """A token endpoint's refusal as `error` (RefreshRefused for a refresh, PermanentError
    for a code exchange), with the platform's own code and reason."""
    if refused(response):
        code, message = platform_error(response)
        raise error(
            message, code=code, platform_response=response.text, status=response.status_code
        )


def refreshed_tokens(
    unreadable: Callable[[httpx.Response, str], TransientError],
    response: httpx.Response,
    credentials: Credentials,
) -> Credentials:
    """`credentials` with a token answer's access token and expiry. A refresh token the
    answer leaves out is kept: rotating platforms send a new one, others (Google) none."""
    data = json_object(response)
    access_token = data.get("access_token")
    if not isinstance(access_token, str) or not access_token:
        raise unreadable(response, "a token answer without access_token")
    expires_in = data.get("expires_in")
    return replace(
        credentials,
        access_token=access_token,
        refresh_token=data.get("refresh_token") or credentials.refresh_token,
        expires_at=(
            datetime.now(UTC) + timedelta(seconds=expires_in)
            if isinstance(expires_in, (int, float))
            else None
        ),
    )
