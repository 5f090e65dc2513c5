"""The fake platform's behaviour and memory, apart from HTTP; safe across threads.

Each method takes one request's facts and returns a `Reply`; one lock guards all state so
concurrent requests with the same idempotency key create exactly one post.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import random
import secrets
import threading
import uuid
from collections import Counter, defaultdict, deque
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from connectors.simulator.faults import DEFAULT_CHAOS, DEFAULT_HANG_SECONDS, clean_settings

ALL = "*"
REQUEST_LOG_LIMIT = 10_000  # newest requests kept for /_admin/requests; counters stay exact
TOKEN_LIFETIME = 3600
LIST_LIMIT, MAX_LIST_LIMIT = 20, 100  # posts one GET of an account's posts answers


@dataclass(frozen=True)
class Reply:
    status: int
    body: Any
    headers: Mapping[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds to hold the answer: latency, or a hang after acting


@dataclass
class _Post:
    id: str
    url: str
    account: str
    idempotency_key: str | None
    text: str
    media: list[dict[str, Any]]
    thread: list[str]
    reply_to: str | None
    received_at: str
    polls_left: int

    def content(self) -> tuple[Any, ...]:
        return (self.text, self.media, self.thread, self.reply_to)

    def public(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "url": self.url,
            "state": "processing" if self.polls_left > 0 else "published",
            "account": self.account,
            "idempotency_key": self.idempotency_key,
            "text": self.text,
            "media": self.media,
            "thread": self.thread,
            "reply_to": self.reply_to,
            "received_at": self.received_at,
        }


@dataclass(frozen=True)
class _Grant:
    account: str
    challenge: str
    redirect_uri: str


def _s256(verifier: str) -> str:
    """RFC 7636 S256, as a platform computes it to check the client's verifier."""
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


@dataclass
class _Tokens:
    access_token: str
    refresh_token: str


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def _error(status: int, error: str, message: str, **headers: str) -> Reply:
    return Reply(status, {"error": error, "message": message}, headers)


class Simulator:
    """Accounts, posts, tokens and faults of one fake platform."""

    def __init__(self, defaults: Mapping[str, Any] | None = None, *, seed: int | None = None):
        # Defaults (from the command line) apply to every account and survive a reset.
        self._defaults = {
            name: value
            for name, value in clean_settings(defaults or {}).items()
            if value is not None
        }
        self._random = random.Random(seed)
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        """Forget posts, tokens, counters and faults set at runtime."""
        with self._lock:
            self._settings: defaultdict[str, dict[str, Any]] = defaultdict(dict)
            # A copy: `fail` queues are consumed in place.
            self._settings[ALL].update(copy.deepcopy(self._defaults))
            self._posts: list[_Post] = []
            self._by_id: dict[str, _Post] = {}
            self._by_key: dict[tuple[str, str], _Post] = {}
            self._tokens: dict[str, _Tokens] = {}
            self._codes: dict[str, _Grant] = {}
            # Accounts that refreshed since `*` expire_token was set: no longer expired.
            self._refreshed: set[str] = set()
            self._counts: Counter[str] = Counter()
            self._by_key_counts: defaultdict[str, Counter[str]] = defaultdict(Counter)
            self._by_account_counts: defaultdict[str, Counter[str]] = defaultdict(Counter)
            self._log: deque[dict[str, Any]] = deque(maxlen=REQUEST_LOG_LIMIT)

    # -- admin ---------------------------------------------------------------------------

    def configure(self, account: str, settings: Mapping[str, Any]) -> dict[str, Any]:
        """Merge fault settings for `account` (or `*`); a None value removes a setting."""
        cleaned = clean_settings(settings)
        with self._lock:
            current = self._settings[account]
            for name, value in cleaned.items():
                if value is None:
                    current.pop(name, None)
                else:
                    current[name] = value
            if account == ALL and cleaned.get("expire_token"):
                self._refreshed.clear()
            return self._settings_view()

    def settings(self) -> dict[str, Any]:
        with self._lock:
            return self._settings_view()

    def feed(self, account: str | None = None) -> list[dict[str, Any]]:
        """Posts created, oldest first."""
        with self._lock:
            return [post.public() for post in self._posts if account in (None, post.account)]

    def stats(self) -> dict[str, Any]:
        """Counters that prove "nothing lost, nothing doubled"."""
        with self._lock:
            contents = Counter((post.account, post.text) for post in self._posts)
            return {
                "requests": self._counts["publish_requests"],
                "posts": len(self._posts),
                "polls": self._counts["polls"],
                "refreshes": self._counts["refreshes"],
                "by_idempotency_key": {
                    key: dict(counts) for key, counts in self._by_key_counts.items()
                },
                "duplicates": sorted(
                    key for key, counts in self._by_key_counts.items() if counts["posts"] > 1
                ),
                # Keyless posts escape the idempotency rule, so doubles hide there.
                "unkeyed_posts": sum(post.idempotency_key is None for post in self._posts),
                # Same text twice on one account: a double even if the keys differed.
                "duplicate_content": [
                    {"account": account, "text": text, "posts": count}
                    for (account, text), count in contents.items()
                    if count > 1
                ],
                "by_account": {
                    account: dict(counts) for account, counts in self._by_account_counts.items()
                },
            }

    def record(self, method: str, path: str, status: int, **facts: Any) -> None:
        with self._lock:
            self._log.append(
                {"at": _now(), "method": method, "path": path, "status": status, **facts}
            )

    def requests(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._log)

    # -- platform API --------------------------------------------------------------------

    def publish(
        self,
        *,
        account: str,
        token: str | None,
        idempotency_key: str | None,
        body: Any,
        base_url: str,
    ) -> Reply:
        with self._lock:
            self._counts["publish_requests"] += 1
            self._by_account_counts[account]["requests"] += 1
            if idempotency_key:
                self._by_key_counts[idempotency_key]["requests"] += 1
            latency = self._setting(account, "latency_ms", 0.0) / 1000
            reply = self._publish(account, token, idempotency_key, body, base_url)
            return replace(reply, delay=reply.delay + latency)

    def get_post(self, *, account: str, token: str | None, post_id: str) -> Reply:
        with self._lock:
            self._counts["polls"] += 1
            latency = self._setting(account, "latency_ms", 0.0) / 1000
            reply = self._auth_failure(account, token) or self._poll(account, post_id)
            return replace(reply, delay=latency)

    def list_posts(self, *, account: str, token: str | None, limit: str) -> Reply:
        """The account's posts, newest first: `{"data": [post, ...]}`."""
        if limit and not (limit.isdigit() and 1 <= int(limit) <= MAX_LIST_LIMIT):
            return _error(400, "invalid_request", f"limit must be 1 to {MAX_LIST_LIMIT}.")
        with self._lock:
            latency = self._setting(account, "latency_ms", 0.0) / 1000
            failure = self._auth_failure(account, token)
            if failure is not None:
                return replace(failure, delay=latency)
            own = [post.public() for post in reversed(self._posts) if post.account == account]
            return Reply(200, {"data": own[: int(limit or LIST_LIMIT)]}, delay=latency)

    def authorize(self, query: Mapping[str, str]) -> Reply:
        """The consent screen, already clicked: redirect back with a code (or a refusal).

        `account` picks which simulated account grants access; `deny=1` plays a user who
        refuses.
        """
        redirect_uri, state = query.get("redirect_uri"), query.get("state")
        challenge = query.get("code_challenge")
        if not (redirect_uri and state and challenge and query.get("client_id")):
            return _error(
                400, "invalid_request", "Send client_id, redirect_uri, state and code_challenge."
            )
        if query.get("code_challenge_method") != "S256":
            return _error(400, "invalid_request", "Only code_challenge_method=S256 is supported.")
        if query.get("deny"):
            answer = {
                "error": "access_denied",
                "error_description": "The user said no.",
                "state": state,
            }
        else:
            code = secrets.token_urlsafe(16)
            with self._lock:
                self._codes[code] = _Grant(
                    query.get("account", "connected"), challenge, redirect_uri
                )
            answer = {"code": code, "state": state}
        return Reply(302, {}, headers={"Location": f"{redirect_uri}?{urlencode(answer)}"})

    def token(self, body: Any) -> Reply:
        """The token endpoint: authorization codes (with PKCE) and refresh tokens."""
        if isinstance(body, dict) and body.get("grant_type") == "authorization_code":
            return self._exchange(body)
        return self.refresh(body)

    def me(self, token: str | None) -> Reply:
        with self._lock:
            account = next(
                (name for name, issued in self._tokens.items() if issued.access_token == token),
                None,
            )
        if account is None:
            return _error(401, "invalid_token", "Unknown access token.")
        return Reply(
            200, {"id": account, "username": f"sim_{account}", "name": f"Simulated {account}"}
        )

    def _exchange(self, body: dict[str, Any]) -> Reply:
        with self._lock:
            grant = self._codes.pop(str(body.get("code")), None)
            verifier = str(body.get("code_verifier") or "")
            if (
                grant is None
                or grant.redirect_uri != body.get("redirect_uri")
                or _s256(verifier) != grant.challenge
            ):
                return _error(
                    400, "invalid_grant", "The code is unknown, spent, or its verifier is wrong."
                )
            tokens = _Tokens(secrets.token_urlsafe(24), secrets.token_urlsafe(24))
            self._tokens[grant.account] = tokens
            return Reply(
                200,
                {
                    "access_token": tokens.access_token,
                    "refresh_token": tokens.refresh_token,
                    "token_type": "Bearer",
                    "expires_in": TOKEN_LIFETIME,
                },
            )

    def refresh(self, body: Any) -> Reply:
        with self._lock:
            self._counts["refreshes"] += 1
            if not (
                isinstance(body, dict)
                and body.get("grant_type") == "refresh_token"
                and isinstance(body.get("refresh_token"), str)
                and body["refresh_token"]
                and isinstance(body.get("account"), str)
            ):
                return Reply(
                    400,
                    {
                        "error": "invalid_request",
                        "error_description": "Send grant_type=refresh_token, refresh_token "
                        "and account.",
                    },
                )
            account = body["account"]
            latency = self._setting(account, "latency_ms", 0.0) / 1000
            issued = self._tokens.get(account)
            if self._setting(account, "refuse_refresh", False):
                reason = "The refresh token was revoked by the user."
            elif issued and body["refresh_token"] != issued.refresh_token:
                # Refresh tokens rotate: the previous one is spent, as on most platforms.
                reason = "The refresh token is not the current one."
            else:
                reason = ""
            if reason:
                return Reply(
                    400, {"error": "invalid_grant", "error_description": reason}, delay=latency
                )
            tokens = _Tokens(secrets.token_urlsafe(24), secrets.token_urlsafe(24))
            self._tokens[account] = tokens
            self._settings[account].pop("expire_token", None)
            self._refreshed.add(account)
            return Reply(
                200,
                {
                    "access_token": tokens.access_token,
                    "refresh_token": tokens.refresh_token,
                    "token_type": "Bearer",
                    "expires_in": TOKEN_LIFETIME,
                },
                delay=latency,
            )

    # -- internals (the lock is held) ----------------------------------------------------

    def _publish(
        self,
        account: str,
        token: str | None,
        idempotency_key: str | None,
        body: Any,
        base_url: str,
    ) -> Reply:
        failure = self._auth_failure(account, token)
        if failure is not None:
            return failure
        fault = self._next_fault(account)
        acts = fault is not None and bool(fault.get("timeout") or fault.get("act"))
        if fault is not None and not acts:
            return _fault_reply(fault)
        reject = self._setting(account, "reject", False)
        if reject:
            message = reject if isinstance(reject, str) else "The platform rejected this post."
            return _error(400, "rejected", message)
        content = _content(body)
        if isinstance(content, str):
            return _error(400, "invalid_request", content)
        reply_to = content[3]
        if reply_to is not None and getattr(self._by_id.get(reply_to), "account", None) != account:
            return _error(404, "not_found", f"No post {reply_to} on account {account} to reply to.")
        post = self._by_key.get((account, idempotency_key)) if idempotency_key else None
        if post is not None and post.content() != content:
            return _error(
                422,
                "idempotency_key_reused",
                "This Idempotency-Key was already used with different content.",
            )
        if post is None:
            post = self._create(account, idempotency_key, content, base_url)
            status = 202 if post.polls_left else 201
        else:
            status = 200  # a replay: the first answer's post, nothing new created
        if fault is not None and fault.get("status"):
            return _fault_reply(fault)
        hang = 0.0
        if fault is not None:  # a timeout: the post exists, the answer comes too late
            hang = fault.get(
                "hang_seconds", self._setting(account, "hang_seconds", DEFAULT_HANG_SECONDS)
            )
        return Reply(status, post.public(), delay=hang)

    def _poll(self, account: str, post_id: str) -> Reply:
        post = self._by_id.get(post_id)
        if post is None or post.account != account:
            return _error(404, "not_found", f"No post {post_id} on account {account}.")
        reply = Reply(200, post.public())
        post.polls_left = max(0, post.polls_left - 1)
        return reply

    def _create(
        self, account: str, idempotency_key: str | None, content: tuple[Any, ...], base_url: str
    ) -> _Post:
        text, media, thread, reply_to = content
        post_id = uuid.uuid4().hex[:16]
        post = _Post(
            id=post_id,
            url=f"{base_url}/accounts/{account}/posts/{post_id}",
            account=account,
            idempotency_key=idempotency_key,
            text=text,
            media=media,
            thread=thread,
            reply_to=reply_to,
            received_at=_now(),
            polls_left=int(self._setting(account, "processing_polls", 0)),
        )
        self._posts.append(post)
        self._by_id[post_id] = post
        self._by_account_counts[account]["posts"] += 1
        if idempotency_key:
            self._by_key[(account, idempotency_key)] = post
            self._by_key_counts[idempotency_key]["posts"] += 1
        return post

    def _auth_failure(self, account: str, token: str | None) -> Reply | None:
        if not token:
            return _error(401, "missing_token", "Send Authorization: Bearer <token>.")
        if self._expired(account):
            return _error(401, "token_expired", "The access token has expired.")
        issued = self._tokens.get(account)
        if issued and token != issued.access_token:
            return _error(401, "invalid_token", "The access token was replaced by a refresh.")
        return None

    def _expired(self, account: str) -> bool:
        own = self._settings[account].get("expire_token")
        if own is not None:
            return own
        return bool(self._settings[ALL].get("expire_token")) and account not in self._refreshed

    def _next_fault(self, account: str) -> dict[str, Any] | None:
        for scope in (account, ALL):
            queue = self._settings[scope].get("fail")
            if queue:
                fault = queue.pop(0)
                if not queue:
                    del self._settings[scope]["fail"]
                return fault
        rate = self._setting(account, "chaos_rate", 0.0)
        if rate and self._random.random() < rate:
            return dict(self._random.choice(self._setting(account, "chaos", DEFAULT_CHAOS)))
        return None

    def _setting(self, account: str, name: str, default: Any) -> Any:
        for scope in (account, ALL):
            value = self._settings[scope].get(name)
            if value is not None:
                return value
        return default

    def _settings_view(self) -> dict[str, Any]:
        return {scope: dict(values) for scope, values in self._settings.items() if values}


def _fault_reply(fault: Mapping[str, Any]) -> Reply:
    status = fault["status"]
    error = {401: "invalid_token", 429: "rate_limited", 503: "unavailable"}.get(
        status, "server_error" if status >= 500 else "injected_error"
    )
    headers = {"Retry-After": f"{fault['retry_after']:g}"} if "retry_after" in fault else {}
    return _error(status, error, fault.get("message", f"Injected HTTP {status}."), **headers)


def _content(body: Any) -> tuple[str, list[dict[str, Any]], list[str], str | None] | str:
    """(text, media, thread, reply_to) from a publish body, or why it is malformed."""
    if not isinstance(body, dict):
        return "The body must be a JSON object."
    text, media, thread = body.get("text", ""), body.get("media", []), body.get("thread", [])
    reply_to = body.get("reply_to")
    if not isinstance(reply_to, (str, type(None))):
        return "reply_to must be a post id."
    if not isinstance(text, str):
        return "text must be a string."
    if not isinstance(media, list) or not all(
        isinstance(item, dict)
        and isinstance(item.get("url"), str)
        and isinstance(item.get("alt_text"), (str, type(None)))
        for item in media
    ):
        return "media must be a list of {url, alt_text}."
    if not isinstance(thread, list) or not all(isinstance(item, str) for item in thread):
        return "thread must be a list of strings."
    if not text.strip() and not media:
        return "A post needs text or media."
    media = [{"url": item["url"], "alt_text": item.get("alt_text")} for item in media]
    return text, media, thread, reply_to
