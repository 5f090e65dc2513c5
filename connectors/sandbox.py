"""The sandbox platform: Crier's local simulator (`python -m connectors.simulator`).

It speaks like a typical OAuth platform with idempotency keys, so demos, tests and
benchmarks exercise the whole pipeline without a real network account.
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial
from urllib.parse import quote, urlencode

import httpx

from connectors.base import (
    AccountProfile,
    Connector,
    ConnectorConfig,
    Content,
    Credentials,
    OAuthApp,
    PlatformLimits,
    Published,
    RateLimit,
    RecentPost,
)
from connectors.errors import NothingToRefresh, PermanentError, RefreshRefused
from connectors.http import json_object, platform_error, raise_for_platform_status, send, unreadable
from connectors.oauth import refreshed_tokens

DEFAULT_SIMULATOR_URL = "http://127.0.0.1:8025"


class SandboxConnector(Connector):
    platform = "sandbox"
    display_name = "Sandbox"
    connection = "oauth"  # the simulator is an OAuth provider with PKCE too
    idempotent = True  # the simulator replays the first answer for a repeated Idempotency-Key
    # Generous on purpose: the sandbox stands in for any platform in demos.
    limits = PlatformLimits(
        max_chars=500,
        max_images=4,
        max_videos=1,
        allow_mixed_media=False,
        image_types=frozenset({"image/jpeg", "image/png", "image/gif", "image/webp"}),
        video_types=frozenset({"video/mp4", "video/quicktime", "video/webm"}),
        max_image_bytes=20_000_000,
        max_video_bytes=500_000_000,
        max_thread_items=25,
        per_account_rate=RateLimit(requests=600, per_seconds=60),
    )

    def publish(self, content: Content, credentials: Credentials) -> Published:
        response = send(
            self.client,
            "POST",
            _posts_url(self.config, credentials),
            headers={**_auth_header(credentials), **self._idempotency_header(content)},
            json={
                "text": content.text,
                "media": [{"url": item.url, "alt_text": item.alt_text} for item in content.media],
                "thread": list(content.thread),
                "reply_to": content.reply_to,
            },
        )
        raise_for_platform_status(response)
        return _published(response)

    def _idempotency_header(self, content: Content) -> dict[str, str]:
        return {"Idempotency-Key": content.idempotency_key}

    def poll(
        self, handle: str, credentials: Credentials, content: Content | None = None
    ) -> Published:
        response = send(
            self.client,
            "GET",
            f"{_posts_url(self.config, credentials)}/{quote(handle, safe='')}",
            headers=_auth_header(credentials),
        )
        raise_for_platform_status(response)
        return _published(response)

    def recent_posts(self, credentials: Credentials, *, limit: int) -> list[RecentPost]:
        response = send(
            self.client,
            "GET",
            _posts_url(self.config, credentials),
            headers=_auth_header(credentials),
            params={"limit": limit},
        )
        raise_for_platform_status(response)
        posts = json_object(response).get("data")
        return [
            RecentPost(external_id=post["id"], url=str(post.get("url") or ""))
            for post in (posts if isinstance(posts, list) else [])[:limit]
            if isinstance(post, dict) and isinstance(post.get("id"), str) and post["id"]
        ]

    def refresh(self, credentials: Credentials) -> Credentials:
        if not credentials.refresh_token:
            raise NothingToRefresh(
                "No refresh token is stored; reconnect the account.", code="no_refresh_token"
            )
        response = send(
            self.client,
            "POST",
            f"{_base_url(self.config, credentials)}/oauth/token",
            json={
                "grant_type": "refresh_token",
                "refresh_token": credentials.refresh_token,
                "account": credentials.external_id,
            },
        )
        if response.status_code in (400, 401):
            # RFC 6749 §5.2: the token endpoint answers 400/401 when it refuses the grant.
            code, message = platform_error(response)
            raise RefreshRefused(
                message, code=code, platform_response=response.text, status=response.status_code
            )
        raise_for_platform_status(response)
        return refreshed_tokens(_unreadable, response, credentials)

    def authorization_url(self, app: OAuthApp, *, state: str, code_challenge: str) -> str:
        query = urlencode(
            {
                "response_type": "code",
                "client_id": app.client_id,
                "redirect_uri": app.redirect_uri,
                "state": state,
                "code_challenge": code_challenge,
                "code_challenge_method": "S256",
            }
        )
        return f"{_base_url(self.config, None)}/oauth/authorize?{query}"

    def exchange_code(
        self, app: OAuthApp, *, code: str, code_verifier: str
    ) -> tuple[Credentials, AccountProfile]:
        base = _base_url(self.config, None)
        response = send(
            self.client,
            "POST",
            f"{base}/oauth/token",
            json={
                "grant_type": "authorization_code",
                "code": code,
                "code_verifier": code_verifier,
                "redirect_uri": app.redirect_uri,
                "client_id": app.client_id,
                "client_secret": app.client_secret,
            },
        )
        if response.status_code in (400, 401):
            code_name, message = platform_error(response)
            raise PermanentError(message, code=code_name, platform_response=response.text)
        raise_for_platform_status(response)
        unnamed = Credentials(external_id="", access_token="", extra={"base_url": base})
        tokens = refreshed_tokens(_unreadable, response, unnamed)
        me = send(self.client, "GET", f"{base}/me", headers=_auth_header(tokens))
        raise_for_platform_status(me)
        profile = json_object(me)
        account_id = str(profile.get("id") or "")
        if not account_id:
            raise _unreadable(me, "a profile without id")
        return replace(tokens, external_id=account_id), AccountProfile(
            external_id=account_id,
            username=str(profile.get("username") or ""),
            display_name=str(profile.get("name") or ""),
        )


def _base_url(config: ConnectorConfig, credentials: Credentials | None) -> str:
    base = (
        (credentials.extra.get("base_url") if credentials else None)
        or config.api_url
        or DEFAULT_SIMULATOR_URL
    )
    return str(base).rstrip("/")


def _posts_url(config: ConnectorConfig, credentials: Credentials) -> str:
    base = _base_url(config, credentials)
    return f"{base}/accounts/{quote(credentials.external_id, safe='')}/posts"


def _auth_header(credentials: Credentials) -> dict[str, str]:
    return {"Authorization": f"Bearer {credentials.access_token}"}


def _published(response: httpx.Response) -> Published:
    data = json_object(response)
    post_id = data.get("id")
    state = data.get("state") or ("processing" if response.status_code == 202 else "published")
    if not isinstance(post_id, str) or not post_id or state not in ("published", "processing"):
        # A 2xx means the platform acted; without a readable id we cannot prove what it
        # did, and a retry with the same idempotency key will tell.
        raise _unreadable(response, "a post without a readable id and state")
    return Published(
        state="processing" if state == "processing" else "published",
        external_id=post_id,
        url=data.get("url"),
        handle=post_id if state == "processing" else None,
    )


class PlainSandboxConnector(SandboxConnector):
    """The simulator playing a platform with no idempotency key and no lookup.

    A call that may have acted (a timeout, a worker lost mid-call) cannot be retried safely
    here, so Crier reports it as `unknown`: this is how that path is demonstrated and tested.
    """

    platform = "sandbox_plain"
    display_name = "Sandbox (no idempotency)"
    idempotent = False

    def _idempotency_header(self, content: Content) -> dict[str, str]:
        return {}


_unreadable = partial(unreadable, "Sandbox")
