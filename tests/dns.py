"""Fake DNS answers for the SSRF guard's callers: the suite never uses the real resolver."""

from __future__ import annotations

import ipaddress
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


class FakeNetwork:
    """Fake DNS plus a socket layer that sends every connection to a loopback server.

    `answer(name, *addresses)` sets what a name resolves to; `route(address, port)` makes
    connections to `address` land on the loopback `port` (a server of the test), and
    any other address but loopback fails as an unreachable host does. `connected` lists the
    addresses connections were asked for, in order: a guard that refuses leaves it empty.
    Nothing leaves 127.0.0.1.
    """

    def __init__(self, monkeypatch) -> None:
        import httpcore

        self.answers: dict[str, list[str]] = {}
        self.routes: dict[str, int] = {}
        self.connected: list[str] = []
        connect_tcp = httpcore.SyncBackend.connect_tcp

        def getaddrinfo(host, port, *args, **kwargs):
            if _is_address(host):  # as the system resolver does
                return addrinfo(port, host)
            if host not in self.answers:
                raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
            return addrinfo(port, *self.answers[host])

        def fake_connect(backend, host, port, timeout=None, *args, **kwargs):
            self.connected.append(host)
            if _is_address(host) and ipaddress.ip_address(host).is_loopback:
                return connect_tcp(backend, host, port, timeout, *args, **kwargs)
            if host not in self.routes:
                raise httpcore.ConnectError(f"[Errno 113] No route to host {host}")
            return connect_tcp(backend, "127.0.0.1", self.routes[host], timeout, *args, **kwargs)

        monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
        monkeypatch.setattr(httpcore.SyncBackend, "connect_tcp", fake_connect)

    def answer(self, name: str, *addresses: str) -> None:
        self.answers[name] = list(addresses)

    def route(self, address: str, port: int) -> None:
        self.routes[address] = port


def _is_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True
