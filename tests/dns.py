"""Fake DNS answers for the SSRF guard's callers: the suite never uses the real resolver."""

from __future__ import annotations

import socket


def addrinfo(port: int, *addresses: str) -> list[tuple]:
    """What `socket.getaddrinfo` returns for a name with these addresses, in this order."""
    return [
        (
            socket.AF_INET6 if ":" in address else socket.AF_INET,
            socket.SOCK_STREAM,
            6,
            "",
            (address, port),
        )
        for address in addresses
    ]
