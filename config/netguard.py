"""Outbound URL guard: Crier never calls into its own network on a user's behalf (SSRF).

Used for webhook targets (Crier's own and the webhook connector's) and fetched media. The
host is resolved once and every address it resolves to must be public; the request then
goes to those checked addresses (`pin`), never to a fresh lookup of the name, so a DNS
answer that changes between the check and the connection (rebinding) leads nowhere else.
`send_pinned` tries them in the order DNS gave, moving on only when a connection cannot be
made (as curl and browsers do for a dual-stack or round-robin host). Callers pin again on
every redirect. Pure Python and httpx, no Django: connectors import it too.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx

_DEFAULT_PORTS = {"http": 80, "https": 443}
# Addresses tried per request: each one that does not answer costs a connect timeout, and a
# webhook delivery is claimed for three timeouts (webhooks.services), so two at most: the
# dual-stack case (IPv6 unreachable, IPv4 fine) and one spare of a round-robin host.
MAX_ADDRESSES = 2


class BlockedURL(ValueError):
    """The URL is not one Crier may call; the message says why, for the API caller."""


class UnresolvableHost(BlockedURL):
    """DNS gave no answer: nothing was sent, and asking again later may work."""

    def __init__(self, host: str) -> None:
        super().__init__(f"The host {host} cannot be resolved.")
        self.host = host


class PrivateAddress(BlockedURL):
    """The host resolves to an address inside a network Crier must not call."""

    def __init__(self, host: str, address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> None:
        super().__init__(
            f"The host {host} resolves to {address}, a private or reserved address; "
            "Crier does not call those."
        )
        self.host = host
        self.address = address


@dataclass(frozen=True)
class Pinned:
    """What to hand `send_pinned` (or httpx, for the first address only).

    `url` names the first checked address instead of the host, `fallback_urls` the next
    ones (up to MAX_ADDRESSES in all) in the order DNS gave them; `headers` restore the
    original Host (without any credentials from the URL) and `extensions` the TLS server
    name, so the server, its virtual host and its certificate are checked as if the name
    had been used. Unpinned (private targets allowed) the URL is the original, with no
    fallbacks, headers or extensions.
    """

    url: str
    headers: dict[str, str] = field(default_factory=dict)
    extensions: dict[str, str] = field(default_factory=dict)
    fallback_urls: tuple[str, ...] = ()

    @property
    def urls(self) -> tuple[str, ...]:
        return (self.url, *self.fallback_urls)


def _is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return not (
        address.is_private
        or address.is_loopback
        or address.is_link_local  # includes 169.254.169.254, the cloud metadata service
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
    )


def pin(url: str, *, allow_private: bool) -> Pinned:
    """Check `url` and return it pinned to its host's checked addresses, in DNS order.

    Raises BlockedURL unless `url` is http(s) with a host name, UnresolvableHost when DNS
    has no answer, PrivateAddress when any address the host resolves to is not public.
    With `allow_private` nothing is resolved and the URL is returned as it is. A port out
    of range or a malformed IPv6 host raises ValueError, as `urlsplit` does.
    """
    parts = urlsplit(url)
    if parts.scheme not in _DEFAULT_PORTS or not parts.hostname:
        raise BlockedURL("Only http and https URLs with a host name are allowed.")
    if allow_private:
        return Pinned(url)
    host = parts.hostname
    try:
        # The name as DNS, TLS and the Host header carry it (IDNA for a non-ASCII name).
        name = host if host.isascii() else host.encode("idna").decode("ascii")
        resolved = socket.getaddrinfo(
            name, parts.port or _DEFAULT_PORTS[parts.scheme], proto=socket.IPPROTO_TCP
        )
    except (socket.gaierror, UnicodeError) as exc:
        raise UnresolvableHost(host) from exc
    # One entry per address (getaddrinfo may repeat one), in the order it gave.
    addresses = list(
        dict.fromkeys(
            ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0]) for *_, sockaddr in resolved
        )
    )
    if not addresses:
        raise UnresolvableHost(host)
    for address in addresses:
        if not _is_public(address):
            raise PrivateAddress(host, address)
    port = f":{parts.port}" if parts.port is not None else ""
    userinfo = parts.netloc.rpartition("@")[0]  # kept for httpx to send as Basic auth

    def url_for(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str:
        netloc = f"[{address}]" if address.version == 6 else str(address)
        netloc = f"{userinfo}@{netloc}{port}" if userinfo else f"{netloc}{port}"
        return urlunsplit(parts._replace(netloc=netloc))

    headers = {"Host": (f"[{name}]" if ":" in name else name) + port}
    if parts.scheme == "https":
        # httpx pools connections by address: one opened (and its certificate checked) for
        # this name must not carry a request for another name on the same address.
        headers["Connection"] = "close"
    first, *others = addresses
    return Pinned(
        url=url_for(first),
        headers=headers,
        extensions={"sni_hostname": name},
        fallback_urls=tuple(url_for(address) for address in others[: MAX_ADDRESSES - 1]),
    )


def send_pinned(
    client: httpx.Client,
    method: str,
    pinned: Pinned,
    *,
    headers: dict[str, str] | None = None,
    extensions: dict[str, Any] | None = None,
    stream: bool = False,
    **kwargs: Any,
) -> httpx.Response:
    """Send one request to the first of `pinned`'s addresses that accepts a connection.

    Other keyword arguments go to `client.build_request` (content, json, params); the
    pinned Host header and TLS name win over `headers` and `extensions`. With `stream`
    the caller reads and closes the response. Only httpx.ConnectError and ConnectTimeout
    move on to the next address: the request never left, so it cannot arrive twice; any
    other error, once it may have been received, is raised at once. When no address
    connects, the last connection error is raised.
    """

    def attempt(url: str) -> httpx.Response:
        # A fresh request per address: a request once sent is not meant to be sent again.
        request = client.build_request(
            method,
            url,
            headers={**(headers or {}), **pinned.headers},
            extensions={**(extensions or {}), **pinned.extensions},
            **kwargs,
        )
        return client.send(request, stream=stream)

    *earlier, last = pinned.urls
    for url in earlier:
        try:
            return attempt(url)
        except (httpx.ConnectError, httpx.ConnectTimeout):
            continue  # nothing reached this address; the next one may answer
    return attempt(last)


def check_url(url: str, *, allow_private: bool) -> None:
    """Raise BlockedURL unless `url` is http(s) and its host resolves only to public addresses."""
    pin(url, allow_private=allow_private)
