"""Outbound URL guard: Crier never calls into its own network on a user's behalf (SSRF).

Used for webhook targets and fetched media. The host is resolved and every address it
resolves to must be public; callers re-check on every redirect.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit


class BlockedURL(ValueError):
    """The URL is not one Crier may call; the message says why, for the API caller."""


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


def check_url(url: str, *, allow_private: bool) -> None:
    """Raise BlockedURL unless `url` is http(s) and its host resolves only to public addresses."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BlockedURL("Only http and https URLs with a host name are allowed.")
    if allow_private:
        return
    try:
        resolved = socket.getaddrinfo(parts.hostname, parts.port or 443, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as exc:
        raise BlockedURL(f"The host {parts.hostname} cannot be resolved.") from exc
    for *_, sockaddr in resolved:
        address = ipaddress.ip_address(sockaddr[0].split("%", 1)[0])
        if not _is_public(address):
            raise BlockedURL(
                f"The host {parts.hostname} resolves to {address}, a private or reserved "
                "address; Crier does not call those."
            )
