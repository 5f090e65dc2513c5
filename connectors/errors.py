"""What a connector raises: each class tells the caller what to do next.

| error            | the platform acted?           | caller                                   |
|------------------|-------------------------------|------------------------------------------|
| TransientError   | maybe (`ambiguous`) or no     | retry later; if ambiguous, only when the |
|                  |                               | connector is idempotent                  |
| RateLimited      | no                            | retry after `retry_after`                |
| AuthExpired      | no                            | refresh once, then retry                 |
| RefreshRefused   | no                            | mark the account needs_reauth            |
| NothingToRefresh | no                            | the same, for the platform's own refusal |
| PermanentError   | no                            | fail the delivery, show `message`        |

Secrets never reach an error: messages and response excerpts pass through `redact()`.
"""

from __future__ import annotations

import copyreg
import re
from typing import Any

EXCERPT_LIMIT = 1000
REDACTED = "[REDACTED]"
MIN_SECRET_LENGTH = 8

# A credential is at least 8 token characters, so prose such as "bearer is" survives.
_AUTH_SCHEME = re.compile(r"\b(Bearer(?:-API)?|Basic)(\s+)[\w.~+/=:-]{8,}", re.IGNORECASE)
# Token-bearing keys in form bodies and query strings (`access_token=…`: the Graph API puts
# it in the query), JSON or repr keys (`"access_token": "…"`) and quoted values
# (`token: "…"`). A bare `name: value` is prose ("access token: Session has expired"), so
# it is left readable.
_SECRET_KEYS = r"(?:access_token|refresh_token|id_token|client_secret|api_key|password|token)"  # noqa: S105 (a pattern of key names)
_SECRET_FIELD = re.compile(
    rf"""(?<![A-Za-z0-9])(?P<prefix>
        {_SECRET_KEYS}\s*=\s*["']?
      | (?P<quote>["']){_SECRET_KEYS}(?P=quote)\s*:\s*["']?
      | {_SECRET_KEYS}["']?\s*:\s*["']
    )[^"'&\s,;}}]+""",
    re.IGNORECASE | re.VERBOSE,
)


def redact(text: str, secrets: tuple[str, ...] = ()) -> str:
    """Hide credentials in `text`: auth headers, token fields and any literal `secrets`."""
    for secret in secrets:
        # A very short "secret" would shred ordinary words; real tokens are long.
        if secret and len(secret) >= MIN_SECRET_LENGTH:
            text = text.replace(secret, REDACTED)
    text = _AUTH_SCHEME.sub(rf"\1\2{REDACTED}", text)
    return _SECRET_FIELD.sub(rf"\g<prefix>{REDACTED}", text)


def storable(text: str) -> str:
    """`text` without NUL characters, which PostgreSQL text columns refuse: a reply that
    holds one (a binary body, a stream of zeros) must not make its outcome unrecordable."""
    return text.replace("\x00", "\ufffd")


def excerpt(text: str, secrets: tuple[str, ...] = ()) -> str:
    """A redacted slice of a platform response, at most EXCERPT_LIMIT characters."""
    text = storable(redact(text, secrets))
    if len(text) <= EXCERPT_LIMIT:
        return text
    return text[: EXCERPT_LIMIT - 1] + "…"


class ConnectorError(Exception):
    """Base of everything a connector raises for a failed call."""

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        platform_response: str | None = None,
        status: int | None = None,
    ) -> None:
        self.message = storable(redact(message))
        self.code = code
        self.status = status  # the HTTP status, when the platform answered
        self.platform_response = excerpt(platform_response) if platform_response else None
        super().__init__(self.message)

    def __reduce__(self) -> tuple[Any, ...]:
        # Exception's default pickling replays `args` only and would lose the keyword-only
        # attributes; Celery and multiprocessing pickle errors across processes.
        # copyreg.__newobj__ is there at run time; typeshed leaves it out.
        return (copyreg.__newobj__, (type(self), self.message), self.__dict__)  # type: ignore[attr-defined]

    def __repr__(self) -> str:
        details = "".join(
            f", {name}={value!r}"
            for name, value in vars(self).items()
            if name not in ("message", "platform_response")
        )
        return f"{type(self).__name__}({self.message!r}{details})"


class TransientError(ConnectorError):
    """A passing failure worth retrying later.

    `ambiguous=True`: the request reached the platform and it may have acted (read timeout,
    500/502/504, connection dropped mid-response); retry only when the connector is
    idempotent, otherwise the outcome is unknown. `ambiguous=False`: the platform certainly
    did not act (connection refused, connect timeout, 503, 429).
    """

    def __init__(
        self,
        message: str,
        *,
        ambiguous: bool,
        retry_after: float | None = None,
        code: str | None = None,
        platform_response: str | None = None,
        status: int | None = None,
    ) -> None:
        self.ambiguous = ambiguous
        self.retry_after = retry_after
        super().__init__(message, code=code, platform_response=platform_response, status=status)


class RateLimited(TransientError):
    """The platform refused the call for now (429); it did not act."""

    def __init__(
        self,
        message: str,
        *,
        retry_after: float | None = None,
        code: str | None = None,
        platform_response: str | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(
            message,
            ambiguous=False,
            retry_after=retry_after,
            code=code,
            platform_response=platform_response,
            status=status,
        )


class AuthExpired(ConnectorError):
    """The access token is expired or invalid: refresh once, then retry."""


class RefreshRefused(AuthExpired):
    """The token endpoint refused the refresh (or the platform has none): reconnect needed.

    Only this error may flag an account `needs_reauth`; a network failure during refresh
    is a TransientError.
    """


class NothingToRefresh(RefreshRefused):
    """No refresh was tried: the platform has no refresh flow (bot tokens, application
    passwords, webhook secrets). The caller keeps the platform's own refusal of the stored
    credentials as the reason, not a refresh that never happened."""


class PermanentError(ConnectorError):
    """The platform rejected the request; retrying the same request cannot succeed."""
