"""The one way out: Crier never calls into its own network on a user's behalf (SSRF), and
never reads more of a reply, or for longer, than the purpose needs.

`client()` builds every outbound httpx client. A guarded client connects through
`EgressBackend`, which resolves the host once when the connection is opened, checks every
address it resolves to (only globally routable ones pass, see `is_global_address`) and
connects to a checked address, never to a second lookup: a DNS answer that changes between
the check and the connection (rebinding) leads nowhere else. Every connection passes, so a
redirect, a PDS endpoint from a DID document or an API root from a `Link` header needs no
check of its own. TLS and the Host header keep the name (httpcore sends the original host
as SNI and checks the certificate against it). `check_url` is the cheap pre-check for
validation errors (a clear 4xx when a URL is stored); the connect-time check is the guard.

Every client, guarded or not, reads through streams bound to the `deadline()` in force, and
`read_capped` stops a body at a decoded size: a slow drip stops at the deadline and a
compression bomb at the cap. The policy (`configure`) comes from Django settings
(config.apps); this module imports no Django, so connectors use it freely.
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
import threading
import time
import weakref
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from http.cookiejar import CookieJar, DefaultCookiePolicy
from typing import Any
from urllib.parse import urlsplit

import httpcore
import httpx

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_DEFAULT_PORTS = {"http": 80, "https": 443}
# Decoded bytes per step of a body read (iter_body), whatever the compression ratio.
DECODED_PIECE = 64 * 1024
# The encodings iter_body decodes (httpx would also ask for br and zstd when installed).
ACCEPTED_ENCODINGS = "gzip, deflate"
# Addresses tried per connection: each one that does not answer costs a connect timeout, and
# a webhook delivery is claimed for three timeouts (webhooks.services), so two at most: the
# dual-stack case (IPv6 unreachable, IPv4 fine) and one spare of a round-robin host.
MAX_ADDRESSES = 2

# The IANA special-purpose registries' verdicts ("Globally Reachable"), most specific entry
# winning: IPv4 (iana-ipv4-special-registry) and IPv6 (iana-ipv6-special-registry, updated
# 2024-10-22), transcribed 2026-12 beside tests/test_netguard.py's table. "N/A" entries
# (6to4 relay anycast, ORCHID) count as not reachable; 6to4, Teredo and NAT64 addresses
# are judged by the IPv4 addresses they carry instead. Python's `is_global` follows these
# registries only since 3.12.4/3.11.10 (gh-113171), so the verdicts are Crier's own.
_SPECIAL_PURPOSE: tuple[tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, bool], ...] = tuple(
    (ipaddress.ip_network(block), reachable)
    for block, reachable in (
        ("0.0.0.0/8", False),
        ("10.0.0.0/8", False),
        ("100.64.0.0/10", False),
        ("127.0.0.0/8", False),
        ("169.254.0.0/16", False),
        ("172.16.0.0/12", False),
        # 192.0.0.0/24 is "not usable unless by virtue of a more specific reservation", and
        # the reachable ones in it (PCP and TURN anycast) are nothing a user's URL needs.
        ("192.0.0.0/24", False),
        ("192.0.2.0/24", False),
        ("192.31.196.0/24", True),  # AS112-v4
        ("192.52.193.0/24", True),  # AMT
        ("192.88.99.0/24", False),  # deprecated 6to4 relay anycast: N/A
        ("192.168.0.0/16", False),
        ("192.175.48.0/24", True),  # Direct Delegation AS112 Service
        ("198.18.0.0/15", False),
        ("198.51.100.0/24", False),
        ("203.0.113.0/24", False),
        ("224.0.0.0/4", False),  # multicast (its own registry)
        ("240.0.0.0/4", False),
        ("255.255.255.255/32", False),
        ("::1/128", False),
        ("::/128", False),
        ("::ffff:0:0/96", False),  # IPv4-mapped: judged by the IPv4 address it carries
        ("64:ff9b::/96", True),  # NAT64 well-known prefix: judged by its IPv4 address
        ("64:ff9b:1::/48", False),  # local-use NAT64
        ("100::/64", False),
        ("2001::/23", False),
        ("2001::/32", False),  # Teredo: N/A, judged by its server and client addresses
        ("2001:1::1/128", True),
        ("2001:1::2/128", True),
        ("2001:1::3/128", True),
        ("2001:2::/48", False),
        ("2001:3::/32", True),
        ("2001:4:112::/48", True),
        ("2001:10::/28", False),  # deprecated ORCHID: N/A
        ("2001:20::/28", True),
        ("2001:30::/28", True),
        ("2001:db8::/32", False),
        ("2002::/16", False),  # 6to4: N/A, judged by the IPv4 address it carries
        ("2620:4f:8000::/48", True),
        ("3fff::/20", False),
        ("5f00::/16", False),
        ("fc00::/7", False),
        ("fe80::/10", False),
        ("fec0::/10", False),  # deprecated site-local (RFC 3879), not in the registry
        ("ff00::/8", False),  # multicast
    )
)
# IANA hands out IPv6 unicast space only from here; the rest is reserved or special.
_GLOBAL_UNICAST = ipaddress.IPv6Network("2000::/3")
# The well-known NAT64 prefix carries the IPv4 address in its last 32 bits (RFC 6052). The
# local-use 64:ff9b:1::/48 may embed it anywhere its operator chose: refused, as listed.
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")  # deprecated ::a.b.c.d


class BlockedURL(ValueError):
    """The URL is not one Crier may call; the message says why, for the API caller."""


class UnresolvableHost(BlockedURL):
    """DNS gave no answer: nothing was sent, and asking again later may work."""

    def __init__(self, host: str) -> None:
        super().__init__(f"The host {host} cannot be resolved.")
        self.host = host


class PrivateAddress(BlockedURL):
    """The host resolves to an address inside a network Crier must not call."""

    def __init__(self, host: str, address: IPAddress) -> None:
        super().__init__(
            f"The host {host} resolves to {address}, a private or reserved address; "
            "Crier does not call those."
        )
        self.host = host
        self.address = address


class ReplyTooLarge(Exception):
    """A reply's decoded body passed the cap for its purpose; reading stopped there."""

    def __init__(self, host: str, max_bytes: int) -> None:
        super().__init__(f"The reply from {host} is larger than {max_bytes} bytes.")
        self.host = host
        self.max_bytes = max_bytes


@dataclass(frozen=True)
class Policy:
    """What a guarded client may reach beyond globally routable addresses.

    `allow_private` admits every address (CRIER_ALLOW_PRIVATE_URLS: tests, demos).
    `media_origins` are the (host, port) pairs where Crier serves its own media: inside
    `own_media()` (a connector downloading a file to upload it) they are reached as named,
    whatever they resolve to; a URL a user gives never is.
    """

    allow_private: bool = False
    media_origins: frozenset[tuple[str, int]] = frozenset()


_policy = Policy()
_own_media: ContextVar[bool] = ContextVar("egress_own_media", default=False)


def configure(*, allow_private: bool, media_urls: Iterable[str] = ()) -> None:
    """Set the policy every guarded client follows from now on (config.apps calls this)."""
    global _policy
    origins = set()
    for url in media_urls:
        parts = urlsplit(url)
        if parts.hostname and parts.scheme in _DEFAULT_PORTS:
            origins.add((parts.hostname.lower(), parts.port or _DEFAULT_PORTS[parts.scheme]))
    _policy = Policy(allow_private=allow_private, media_origins=frozenset(origins))


def policy() -> Policy:
    return _policy


@contextmanager
def own_media() -> Iterator[None]:
    """Connections inside fetch Crier's own media: its media origins are admitted as named."""
    token = _own_media.set(True)
    try:
        yield
    finally:
        _own_media.reset(token)


def is_global_address(address: IPAddress) -> bool:
    """Whether `address` is globally routable, after unwrapping an IPv4 carried in IPv6.

    The most specific entry of the special-purpose registries decides; an IPv6 address
    outside them must also be global unicast (2000::/3). An IPv6 address carrying IPv4
    ones (mapped, compatible, 6to4, NAT64, Teredo) passes only when each of those does.
    """
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            return all(is_global_address(inner) for inner in embedded)
    entries = [(net, ok) for net, ok in _SPECIAL_PURPOSE if address in net]
    if entries:
        return max(entries, key=lambda entry: entry[0].prefixlen)[1]
    return isinstance(address, ipaddress.IPv4Address) or address in _GLOBAL_UNICAST


def _embedded_ipv4(address: ipaddress.IPv6Address) -> tuple[ipaddress.IPv4Address, ...] | None:
    if address.ipv4_mapped:
        return (address.ipv4_mapped,)
    if address.sixtofour:
        return (address.sixtofour,)
    if address.teredo:
        return address.teredo  # (server, client), the client's bits un-inverted
    if address in _NAT64:
        return (ipaddress.IPv4Address(int(address) & 0xFFFFFFFF),)
    if address in _IPV4_COMPATIBLE and int(address) > 1:  # :: and ::1 are judged as they are
        return (ipaddress.IPv4Address(int(address)),)
    return None


def resolve(host: str, port: int) -> list[IPAddress]:
    """The addresses `host` resolves to, each once, in DNS order; all checked.

    Raises UnresolvableHost when DNS has no answer, PrivateAddress when any address is not
    globally routable (one bad address in a round-robin answer refuses the host: a
    rebinding server would hand it out next).
    """
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        literal = None  # a name: DNS says
    addresses = [literal] if literal is not None else _lookup(host, port)
    for address in addresses:
        if not is_global_address(address):
            raise PrivateAddress(host, address)
    return addresses


def _lookup(host: str, port: int) -> list[IPAddress]:
    try:
        name = host if host.isascii() else host.encode("idna").decode("ascii")
        resolved = socket.getaddrinfo(name, port, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as exc:
        raise UnresolvableHost(host) from exc
    addresses = list(
        dict.fromkeys(
            ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0]) for *_, sockaddr in resolved
        )
    )
    if not addresses:
        raise UnresolvableHost(host)
    return addresses


def _admitted_as_named(host: str, port: int) -> bool:
    return _policy.allow_private or (
        _own_media.get() and (host.lower(), port) in _policy.media_origins
    )


def check_url(url: str) -> None:
    """Raise BlockedURL unless `url` is http(s) with a host a guarded client may reach.

    A pre-check, for a clear message when a URL is given; the connection checks again.
    A port out of range or a malformed IPv6 host raises ValueError, as `urlsplit` does.
    """
    parts = urlsplit(url)
    if parts.scheme not in _DEFAULT_PORTS or not parts.hostname:
        raise BlockedURL("Only http and https URLs with a host name are allowed.")
    port = parts.port or _DEFAULT_PORTS[parts.scheme]
    if not _admitted_as_named(parts.hostname, port):
        resolve(parts.hostname, port)


# --- deadlines -----------------------------------------------------------------------------

_deadline: ContextVar[float | None] = ContextVar("egress_deadline", default=None)
_DEADLINE_PASSED = "The overall deadline for this exchange has passed."


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Every network read and write inside ends by `seconds` from now (an earlier deadline
    already in force stays): per-read timeouts alone let a server drip a byte at a time."""
    end = time.monotonic() + seconds
    outer = _deadline.get()
    token = _deadline.set(end if outer is None else min(outer, end))
    try:
        yield
    finally:
        _deadline.reset(token)


def _bounded(timeout: float | None, error: type[Exception]) -> float | None:
    end = _deadline.get()
    if end is None:
        return timeout
    remaining = end - time.monotonic()
    if remaining <= 0:
        raise error(_DEADLINE_PASSED)
    return remaining if timeout is None else min(timeout, remaining)


class _DeadlineStream(httpcore.NetworkStream):
    """A connection whose every read and write ends by the deadline in force."""

    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        bounded = _bounded(timeout, httpcore.ReadTimeout)
        try:
            return self._stream.read(max_bytes, bounded)
        except httpcore.ReadTimeout as exc:
            if bounded != timeout:  # the deadline, not the read timeout, ran out
                raise httpcore.ReadTimeout(_DEADLINE_PASSED) from exc
            raise

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, _bounded(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        timeout = _bounded(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self._stream.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


# --- the guard -----------------------------------------------------------------------------


class EgressBackend(httpcore.NetworkBackend):
    """httpcore's sockets, with the address check (when `guarded`) and the deadline."""

    def __init__(self, *, guarded: bool) -> None:
        self.guarded = guarded
        self._sockets = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        timeout = _bounded(timeout, httpcore.ConnectTimeout)
        if not self.guarded or _admitted_as_named(host, port):
            stream = self._sockets.connect_tcp(host, port, timeout, local_address, socket_options)
            return _DeadlineStream(stream)
        *earlier, last = resolve(host, port)[:MAX_ADDRESSES]
        for address in earlier:
            try:
                stream = self._sockets.connect_tcp(
                    str(address), port, timeout, local_address, socket_options
                )
                return _DeadlineStream(stream)
            except (httpcore.ConnectError, httpcore.ConnectTimeout):
                continue  # nothing reached this address; the next one may answer
        stream = self._sockets.connect_tcp(str(last), port, timeout, local_address, socket_options)
        return _DeadlineStream(stream)

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        raise BlockedURL("Crier does not connect to Unix sockets.")

    def sleep(self, seconds: float) -> None:
        self._sockets.sleep(seconds)


class PoolPerThread:
    """httpcore connection pools, one per thread that makes requests, behind one client.

    One shared pool costs more CPU than the HTTP exchange it serves once dozens of threads
    use it: httpcore takes the pool's lock twice per request and each time walks every
    connection (an idle check each, a socket poll for the idle ones, a count over them all
    for each idle one), while a pool of one thread holds about one connection per host
    (bench/fanout.py: 32 call threads per worker; docs/performance.md). A thread's pool is
    closed when the thread is gone or the client is dropped (its thread-local data goes,
    and with it what closes the pool), and every pool when the client closes.
    """

    def __init__(self, new_pool: Callable[[], httpcore.ConnectionPool]) -> None:
        self._new_pool = new_pool
        self._local = threading.local()
        self._pools: weakref.WeakSet[httpcore.ConnectionPool] = weakref.WeakSet()
        self._lock = threading.Lock()

    def _pool(self) -> httpcore.ConnectionPool:
        owner = getattr(self._local, "owner", None)
        if owner is None:
            owner = self._local.owner = _PoolOwner(self._new_pool())
            with self._lock:
                self._pools.add(owner.pool)
        return owner.pool

    def handle_request(self, request: httpcore.Request) -> httpcore.Response:
        return self._pool().handle_request(request)

    def close(self) -> None:
        with self._lock:
            pools = list(self._pools)
        for pool in pools:
            pool.close()

    def __enter__(self) -> PoolPerThread:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _PoolOwner:
    """A thread's hold on its pool: once the thread-local data holding it is dropped (the
    thread ended, or the client was let go), the pool closes. Nothing else keeps the pool."""

    def __init__(self, pool: httpcore.ConnectionPool) -> None:
        self.pool = pool
        weakref.finalize(self, pool.close)


class EgressTransport(httpx.HTTPTransport):
    """httpx's transport over `EgressBackend`, a connection pool per thread: no proxy from
    the environment (a proxy would resolve the name itself, past the guard)."""

    def __init__(self, *, guarded: bool, limits: httpx.Limits) -> None:
        super().__init__(trust_env=False, limits=limits)
        # httpx takes no network backend, so its pool is replaced with httpcore's public
        # API: the pools of every thread share one TLS context and one backend.
        ssl_context = httpx.create_ssl_context(trust_env=False)
        backend = EgressBackend(guarded=guarded)
        self._pool = PoolPerThread(  # type: ignore[assignment]  # httpx uses it as a pool
            lambda: httpcore.ConnectionPool(
                ssl_context=ssl_context,
                max_connections=limits.max_connections,
                max_keepalive_connections=limits.max_keepalive_connections,
                keepalive_expiry=limits.keepalive_expiry,
                network_backend=backend,
            )
        )


def client(
    *,
    guarded: bool,
    timeout: httpx.Timeout,
    headers: Mapping[str, str] | None = None,
    limits: httpx.Limits | None = None,
) -> httpx.Client:
    """An httpx client; `guarded` for any host a user chose (and anything it points to).

    It keeps no cookies: one client serves every account of every workspace, so a cookie
    set in the answer to one account's call would go out with the next account's call to
    that host (two workspaces on one Mastodon instance or WordPress site)."""
    return httpx.Client(
        cookies=CookieJar(policy=DefaultCookiePolicy(allowed_domains=[])),
        timeout=timeout,
        headers={"Accept-Encoding": ACCEPTED_ENCODINGS, **(headers or {})},
        follow_redirects=False,
        trust_env=False,
        transport=EgressTransport(guarded=guarded, limits=limits or httpx.Limits()),
    )


def iter_body(response: httpx.Response) -> Iterator[bytes]:
    """A streamed response's body, decoded, in pieces of at most DECODED_PIECE bytes.

    httpx decodes each network read whole, and 64 KiB of gzip can unpack to 64 MiB: here
    zlib is given an output limit, so no step holds more than a piece however dense the
    bomb. Crier asks for gzip and deflate only (ACCEPTED_ENCODINGS); any other encoding is
    a DecodingError.
    """
    encoding = response.headers.get("content-encoding", "identity").strip().lower()
    if encoding == "identity":
        yield from response.iter_raw(DECODED_PIECE)
        return
    if encoding not in ("gzip", "x-gzip", "deflate"):
        raise httpx.DecodingError(f"Unexpected Content-Encoding {encoding!r}.")
    inflater = zlib.decompressobj(zlib.MAX_WBITS | 32)  # +32: a gzip or zlib header
    try:
        for raw in response.iter_raw():
            data = raw
            while data:
                yield inflater.decompress(data, DECODED_PIECE)
                data = inflater.unconsumed_tail
        yield inflater.flush()
    except zlib.error as exc:
        raise httpx.DecodingError(f"The {encoding} body cannot be decoded: {exc}") from exc


def read_capped(response: httpx.Response, *, max_bytes: int, truncate: bool = False) -> bytes:
    """Read a streamed response's decoded body, stopping past `max_bytes`.

    Past the cap: ReplyTooLarge, or with `truncate` the first `max_bytes` (an error body,
    of which only an excerpt is kept). The body stays on the response as
    `response.read()` leaves it, so `.text` and `.json()` work after.
    """
    chunks: list[bytes] = []
    size = 0
    for chunk in iter_body(response):
        size += len(chunk)
        if size > max_bytes:
            response.close()
            if not truncate:
                raise ReplyTooLarge(response.request.url.host, max_bytes)
            chunks.append(chunk[: len(chunk) - (size - max_bytes)])
            break
        chunks.append(chunk)
    body = b"".join(chunks)
    response._content = body  # what Response.read() sets: .text and .json() read it
    return body
