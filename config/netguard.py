"""Outbound URL guard: Crier never calls into its own network on a user's behalf (SSRF).

Used for webhook targets (Crier's own and the webhook connector's) and fetched media. The
host is resolved once and every address it resolves to must be public; the request then
goes to one of those checked addresses (`pin`), never to a fresh lookup of the name, so a
DNS answer that changes between the check and the connection (rebinding) leads nowhere
else. Callers pin again on every redirect. Pure Python: connectors import it too.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

_DEFAULT_PORTS = {"http": 80, "https": 443}


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
    """What to hand httpx: `client.request(method, p.url, headers=p.headers,
    extensions=p.extensions)`.

    `url` names the checked address instead of the host; `headers` restore the original
    Host (without any credentials from the URL) and `extensions` the TLS server name, so
    the server, its virtual host and its certificate are checked as if the name had been
    used. Unpinned (private targets allowed) the URL is the original and both are empty.
    """

    url: str
    headers: dict[str, str] = field(default_factory=dict)
    extensions: dict[str, str] = field(default_factory=dict)


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
    """Check `url` and return it pinned to one of its host's checked addresses.

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
    addresses = [
        ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0]) for *_, sockaddr in resolved
    ]
    if not addresses:
        raise UnresolvableHost(host)
    for address in addresses:
        if not _is_public(address):
            raise PrivateAddress(host, address)
    first = str(addresses[0])
    port = f":{parts.port}" if parts.port is not None else ""
    userinfo = parts.netloc.rpartition("@")[0]  # kept for httpx to send as Basic auth
    netloc = f"[{first}]" if ":" in first else first
    netloc = f"{userinfo}@{netloc}{port}" if userinfo else f"{netloc}{port}"
    headers = {"Host": (f"[{name}]" if ":" in name else name) + port}
    if parts.scheme == "https":
        # httpx pools connections by address: one opened (and its certificate checked) for
        # this name must not carry a request for another name on the same address.
        headers["Connection"] = "close"
    return Pinned(
        url=urlunsplit(parts._replace(netloc=netloc)),
        headers=headers,
        extensions={"sni_hostname": name},
    )


def check_url(url: str, *, allow_private: bool) -> None:
    """Raise BlockedURL unless `url` is http(s) and its host resolves only to public addresses."""
    pin(url, allow_private=allow_private)
