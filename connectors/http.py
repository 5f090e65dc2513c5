"""The one way connectors talk HTTP: a shared client factory and the error mapping.

Nothing here sleeps or retries: a connector makes one attempt per call and the task that
called it decides when to try again (backoff, jitter and `Retry-After` live there).
"""

from __future__ import annotations

import logging
import math
import re
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC
from email.utils import parsedate_to_datetime
from importlib import metadata
from typing import Any
from urllib.parse import urlsplit

import httpx

from connectors.errors import (
    AuthExpired,
    ConnectorError,
    PermanentError,
    RateLimited,
    TransientError,
    excerpt,
    redact,
)
from core import netguard

CONNECT_TIMEOUT = 10.0
DEFAULT_TIMEOUT = 30.0
# What one answer may weigh once decoded: API answers are small JSON, error bodies are kept
# only as a short excerpt. A reply past the cap stops being read there (core.netguard).
API_MAX_BYTES = 4 * 1024 * 1024
ERROR_MAX_BYTES = 64 * 1024
# The slowest upload an exchange's deadline allows for (bytes per second): a 300 MB video
# gets some 50 minutes on top of the base, a JSON call none.
MIN_UPLOAD_RATE = 100_000
# Keep-alive slots equal to connections: httpcore 1.0.9 may close a "surplus idle"
# connection already handed to another thread's request, which then fails with EBADF or
# hangs to its read timeout (https://github.com/encode/httpcore/issues/1110). With as
# many keep-alive slots as connections, nothing is ever surplus.
POOL_LIMITS = httpx.Limits(max_connections=100, max_keepalive_connections=100)
# Below this a reset header holds seconds to wait, above it a Unix timestamp (platforms
# disagree: GitHub and X send epochs, Reddit sends seconds).
_EPOCH_THRESHOLD = 1_000_000_000

# The request never reached the platform: safe to retry on any platform.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.ProxyError)
# Built wrong on our side: sending it again cannot help.
_UNSENDABLE = (httpx.UnsupportedProtocol, httpx.LocalProtocolError)

ErrorTable = Mapping[str, type[ConnectorError]]


def _version() -> str:
    try:
        return metadata.version("crier")
    except metadata.PackageNotFoundError:  # running from a checkout that was never installed
        return "0+unknown"


USER_AGENT = f"Crier/{_version()}"


class _RedactingFilter(logging.Filter):
    """httpx logs full URLs at INFO; some platforms put tokens in the URL or query."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


_LOG_FILTER = _RedactingFilter()
for _name in ("httpx", "httpcore"):
    logging.getLogger(_name).addFilter(_LOG_FILTER)


def build_client(*, timeout: float = DEFAULT_TIMEOUT, guarded: bool = False) -> httpx.Client:
    """A thread-safe client with Crier's user agent; connect fails faster than read.

    `guarded` for a connector whose hosts a user chooses (core.netguard checks every
    connection); the others call platforms and services the operator configured.
    """
    return netguard.client(
        guarded=guarded,
        timeout=httpx.Timeout(timeout, connect=min(timeout, CONNECT_TIMEOUT)),
        headers={"User-Agent": USER_AGENT},
        limits=POOL_LIMITS,
    )


def send(client: httpx.Client, method: str, url: str, **kwargs: Any) -> httpx.Response:
    """Make exactly one request, read its answer within bounds; typed errors for failures.

    Keyword arguments go to `httpx.Client.build_request` (json, headers, params, extensions).
    The status code is not checked: see `raise_for_platform_status`. The answer is read
    whole only up to API_MAX_BYTES (an error body up to ERROR_MAX_BYTES, cut there) and
    within `exchange_seconds`: a reply past the cap is a PermanentError for a read and an
    ambiguous TransientError for anything that may have acted.
    """
    try:
        request = client.build_request(method, url, **kwargs)
    except httpx.InvalidURL as exc:
        raise PermanentError(f"Invalid platform URL: {exc}", code="invalid_url") from exc
    host = request.url.host
    with _typed_errors(host, method), netguard.deadline(exchange_seconds(client, request)):
        response = client.send(request, stream=True)
        try:
            if response.is_success:
                netguard.read_capped(response, max_bytes=API_MAX_BYTES)
            else:
                netguard.read_capped(response, max_bytes=ERROR_MAX_BYTES, truncate=True)
        finally:
            response.close()
    return response


def exchange_seconds(client: httpx.Client, request: httpx.Request) -> float:
    """The deadline of one whole exchange: twice the read timeout, plus the time the body
    takes at MIN_UPLOAD_RATE (a video upload is slow, and honest)."""
    base = 2 * (client.timeout.read or DEFAULT_TIMEOUT)
    length = request.headers.get("content-length", "")
    return base + (int(length) / MIN_UPLOAD_RATE if length.isdigit() else 0)


def base_url(value: str, *, what: str, keep_path: bool = False) -> str:
    """A user's base URL as `scheme://host[:port]` (and its path with `keep_path`).

    `mastodon.social` gets https://. Refused with a clear PermanentError (code
    `invalid_url`): anything but http(s) with a host, credentials in the URL (they would be
    sent along), a query or fragment (a trailing `?` would turn the path Crier appends into
    a query, letting the caller choose the path) and, without `keep_path`, any path.
    """
    value = value.strip()
    if "://" not in value:
        value = f"https://{value}"
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError as exc:  # a port out of range, a malformed IPv6 host
        raise PermanentError(f"The {what} is not a valid URL: {exc}.", code="invalid_url") from exc
    host = parts.hostname
    if parts.scheme not in ("http", "https") or not host:
        problem = "must be an http(s) address with a host name"
    elif "@" in parts.netloc:
        problem = "must not carry a user name or password"
    elif "?" in value or "#" in value:
        problem = "must not have a query (?) or fragment (#)"
    elif not keep_path and parts.path.strip("/"):
        problem = "must be the server's address only, with no path"
    else:
        problem = ""
    if problem or not host:
        raise PermanentError(f"The {what} {problem}: {value!r}.", code="invalid_url")
    netloc = f"[{host}]" if ":" in host else host
    netloc += f":{port}" if port is not None else ""
    path = parts.path.rstrip("/") if keep_path else ""
    return f"{parts.scheme}://{netloc}{path}"


def same_origin(url: str, base: str) -> bool:
    """Whether `url` has the scheme, host and port of `base` (httpx.URL already gives a
    scheme's default port as None, so `:443` and no port compare equal)."""
    a, b = httpx.URL(url), httpx.URL(base)
    return (a.scheme, a.host, a.port) == (b.scheme, b.host, b.port)


@contextmanager
def _typed_errors(host: str, method: str) -> Iterator[None]:
    """Network failures as the typed errors the task acts on, by whether the request left."""
    try:
        yield
    except netguard.UnresolvableHost as exc:
        raise TransientError(str(exc), ambiguous=False, code="unresolvable_host") from exc
    except netguard.BlockedURL as exc:
        # Refused before any connection: the same answer will come every time.
        raise PermanentError(str(exc), code="private_address") from exc
    except netguard.ReplyTooLarge as exc:
        if method.upper() in ("GET", "HEAD"):
            raise PermanentError(str(exc), code="reply_too_large") from exc
        raise TransientError(
            f"{exc} Reading stopped there; the platform may have acted on the request.",
            ambiguous=True,
            code="reply_too_large",
        ) from exc
    except _NOT_SENT as exc:
        raise TransientError(
            f"Could not reach {host} ({_describe(exc)}); the request was not sent.",
            ambiguous=False,
            code=_snake(type(exc).__name__),
        ) from exc
    except _UNSENDABLE as exc:
        raise PermanentError(
            f"Request to {host} could not be sent ({_describe(exc)}).",
            code=_snake(type(exc).__name__),
        ) from exc
    except httpx.RequestError as exc:
        # ReadTimeout, WriteTimeout, ReadError, WriteError, RemoteProtocolError, and anything
        # unforeseen once the request left: it may have been received, so it may count.
        raise TransientError(
            f"No complete response from {host} ({_describe(exc)}); "
            "the platform may have acted on the request.",
            ambiguous=True,
            code=_snake(type(exc).__name__),
        ) from exc


def raise_for_platform_status(
    response: httpx.Response, *, error_table: ErrorTable | None = None
) -> None:
    """Return on 2xx, else raise the typed error the status (or platform code) calls for.

    `error_table` maps a platform error code (as found by `platform_error`) to an error
    class; it wins over the status-based default. 401 means AuthExpired; an unknown 4xx
    is a PermanentError and never flags the account for reconnection.
    """
    status = response.status_code
    if 200 <= status < 300:
        return
    secrets = _auth_secret(response)
    code, message = platform_error(response)
    error_class = (error_table or {}).get(code or "") or _class_for_status(status)
    arguments: dict[str, Any] = {
        "code": code,
        "platform_response": excerpt(response.text, secrets),
        "status": status,
    }
    if issubclass(error_class, TransientError):
        arguments["retry_after"] = retry_after_seconds(response.headers)
        if not issubclass(error_class, RateLimited):
            # 503 says "unavailable" before doing anything; other 5xx may come after acting.
            arguments["ambiguous"] = status >= 500 and status != 503
    raise error_class(redact(message, secrets), **arguments)


def _class_for_status(status: int) -> type[ConnectorError]:
    if status == 401:
        return AuthExpired
    if status == 429:
        return RateLimited
    if status == 408 or status >= 500:
        return TransientError
    return PermanentError


def platform_error(response: httpx.Response) -> tuple[str | None, str]:
    """The platform's own error code and message, read from the common JSON shapes.

    Covers OAuth (`error`, `error_description`), Graph (`error: {code, message}`), X v1
    (`errors: [{code, message}]`), Telegram (`error_code`, `description`) and RFC 7807
    (`title`, `detail`). Falls back to the status line: a body that is not one of those
    shapes may come from anything at all (a URL a user gave), so none of it is repeated in
    the message; `platform_response` keeps an excerpt for the operator.
    """
    try:
        data = response.json()
    except ValueError:
        data = None
    code = message = None
    if isinstance(data, dict):
        nested = object_or_empty(data.get("error"))
        first = data.get("errors")
        listed = (
            first[0] if isinstance(first, list) and first and isinstance(first[0], dict) else {}
        )
        message = _first_text(
            data.get("error_description"),
            data.get("message"),
            data.get("detail"),
            data.get("description"),
            nested.get("message"),
            listed.get("message"),
            data.get("error"),
            data.get("title"),
        )
        code = _first_text(
            data.get("error"),
            data.get("code"),
            data.get("error_code"),
            nested.get("code"),
            nested.get("type"),
            listed.get("code"),
        )
    if message:
        return code, message
    return code, f"HTTP {response.status_code} {response.reason_phrase}".strip()


def retry_after_seconds(headers: Mapping[str, str], *, now: float | None = None) -> float | None:
    """Seconds to wait, from `Retry-After` (seconds or HTTP-date) or a rate-limit reset."""
    now = time.time() if now is None else now
    headers = {name.lower(): value for name, value in headers.items()}
    value = headers.get("retry-after")
    if value:
        seconds = _finite(value)
        if seconds is not None:
            return max(0.0, seconds)
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            when = None
        if when is not None:
            if when.tzinfo is None:  # "-0000" means UTC with no claimed zone
                when = when.replace(tzinfo=UTC)
            return max(0.0, when.timestamp() - now)
    for name in ("x-ratelimit-reset", "x-rate-limit-reset"):
        reset = _finite(headers.get(name))
        if reset is not None:
            return max(0.0, reset - now if reset > _EPOCH_THRESHOLD else reset)
    return None


def _finite(value: str | None) -> float | None:
    try:
        number = float(value or "")
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _first_text(*values: object) -> str | None:
    for value in values:
        if isinstance(value, (str, int)) and not isinstance(value, bool) and str(value).strip():
            return str(value)
    return None


def _auth_secret(response: httpx.Response) -> tuple[str, ...]:
    """The credential this request carried, so an echo of it in the body is hidden too."""
    try:
        header = response.request.headers.get("authorization", "")
    except RuntimeError:  # a Response built by hand has no request
        return ()
    credential = header.partition(" ")[2].strip()
    return (credential,) if credential else ()


def _describe(exc: Exception) -> str:
    detail = str(exc)
    return f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


# Media up to this size stays in memory while downloaded; larger files spill to disk.
DOWNLOAD_SPOOL_BYTES = 16_000_000
# A download with no size limit of its own gets the deadline of a file this large (Crier's
# default video limit, CRIER_MEDIA_MAX_VIDEO_BYTES).
UNSIZED_DOWNLOAD_BYTES = 512 * 1024 * 1024


def download(
    client: httpx.Client, url: str, *, max_bytes: int | None = None
) -> tempfile.SpooledTemporaryFile[bytes]:
    """Fetch a media file (the URL Crier serves it at) for a platform that wants bytes.

    One attempt, streamed into a spooled temporary file, rewound. A GET publishes nothing,
    so no failure here is ambiguous: network errors, 408, 429 and 5xx are TransientError
    (ambiguous=False), any other status a PermanentError (never AuthExpired: the platform
    token has nothing to do with it). The caller closes the file.
    """
    try:
        request = client.build_request("GET", url)
    except httpx.InvalidURL as exc:
        raise PermanentError(f"Invalid media URL: {exc}", code="invalid_media_url") from exc
    host = request.url.host
    # Handed to the caller open (closed here only on failure), so no `with`.
    spool: tempfile.SpooledTemporaryFile[bytes] = tempfile.SpooledTemporaryFile(  # noqa: SIM115
        max_size=DOWNLOAD_SPOOL_BYTES
    )
    expected = max_bytes if max_bytes is not None else UNSIZED_DOWNLOAD_BYTES
    seconds = exchange_seconds(client, request) + expected / MIN_UPLOAD_RATE
    try:
        with (
            _typed_errors(host, "GET"),
            unambiguous(),
            netguard.own_media(),
            netguard.deadline(seconds),
        ):
            try:
                response = client.send(request, stream=True)
            except _UNSENDABLE as exc:
                raise PermanentError(
                    f"Media request to {host} could not be sent ({_describe(exc)}).",
                    code=_snake(type(exc).__name__),
                ) from exc
            except httpx.RequestError as exc:
                raise TransientError(
                    f"Could not download media from {host} ({_describe(exc)}).",
                    ambiguous=False,
                    code=_snake(type(exc).__name__),
                ) from exc
            try:
                status = response.status_code
                if status >= 400:
                    netguard.read_capped(response, max_bytes=ERROR_MAX_BYTES, truncate=True)
                    message = f"Media download from {host} failed with HTTP {status}."
                    if status in (408, 429) or status >= 500:
                        raise TransientError(
                            message,
                            ambiguous=False,
                            retry_after=retry_after_seconds(response.headers),
                            code="media_unavailable",
                            platform_response=response.text,
                            status=status,
                        )
                    raise PermanentError(
                        message,
                        code="media_unavailable",
                        platform_response=response.text,
                        status=status,
                    )
                size = 0
                for chunk in netguard.iter_body(response):
                    size += len(chunk)
                    if max_bytes is not None and size > max_bytes:
                        raise PermanentError(
                            f"Media from {host} is larger than {max_bytes} bytes.",
                            code="media_too_large",
                        )
                    spool.write(chunk)
            except httpx.RequestError as exc:
                raise TransientError(
                    f"Media download from {host} broke off ({_describe(exc)}).",
                    ambiguous=False,
                    code=_snake(type(exc).__name__),
                ) from exc
            finally:
                response.close()
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    return spool


@contextmanager
def unambiguous() -> Iterator[None]:
    """Calls inside cannot publish anything (uploads, lookups, status checks): a transient
    failure there is never ambiguous, so the caller may retry even without idempotency."""
    try:
        yield
    except TransientError as exc:
        exc.ambiguous = False
        raise


def json_object(response: httpx.Response) -> dict[str, Any]:
    """The body as a JSON object; {} for anything else (an HTML error page, a list)."""
    try:
        data = response.json()
    except ValueError:
        return {}
    return object_or_empty(data)


def object_or_empty(value: object) -> dict[str, Any]:
    """`value` when it is a JSON object, else {}: platforms answer other shapes where an
    object belongs (null, a string, a list)."""
    return value if isinstance(value, dict) else {}


def unreadable(
    platform: str, response: httpx.Response, what: str, *, ambiguous: bool = True
) -> TransientError:
    """An answer that cannot be read. Ambiguous by default: the platform may have acted."""
    return TransientError(
        f"{platform} answered HTTP {response.status_code} with {what}.",
        ambiguous=ambiguous,
        code="malformed_response",
        platform_response=response.text,
        status=response.status_code,
    )
