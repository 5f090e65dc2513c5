"""Downloading a file from a URL the caller gave, without letting it reach Crier's own
network (SSRF): every hop, redirects included, is checked before it is requested."""

from __future__ import annotations

import socket
import time
from pathlib import PurePosixPath
from typing import IO
from urllib.parse import unquote, urljoin, urlsplit, urlunsplit

import httpx
from django.conf import settings

from config.netguard import BlockedURL, check_url
from connectors.http import USER_AGENT

MAX_REDIRECTS = 5
CHUNK = 64 * 1024


class FetchFailed(Exception):
    """The file could not be fetched; the message says why, for the caller."""


def check_source(url: str) -> None:
    """Refuse URLs Crier must not call (also used when the request is accepted)."""
    try:
        check_url(url, allow_private=settings.CRIER_ALLOW_PRIVATE_URLS)
    except BlockedURL as exc:
        raise FetchFailed(str(exc)) from exc
    except ValueError as exc:  # urlsplit: a port out of range, a malformed IPv6 host
        raise FetchFailed(f"The URL is not valid: {exc}") from exc


def fetch(url: str, target: IO[bytes], *, max_bytes: int) -> str:
    """Write the body at `url` to `target`; returns the file name the URL suggests.

    Redirects are followed by hand so each new location is checked; the whole download
    has one deadline, so a server that trickles bytes cannot hold a worker forever.
    """
    deadline = time.monotonic() + settings.CRIER_MEDIA_FETCH_TIMEOUT
    timeout = httpx.Timeout(30.0, connect=10.0)
    with httpx.Client(
        timeout=timeout, follow_redirects=False, headers={"User-Agent": USER_AGENT}
    ) as client:
        for _ in range(MAX_REDIRECTS + 1):
            pinned, headers, extensions = _pinned(url)
            try:
                with client.stream(
                    "GET", pinned, headers=headers, extensions=extensions
                ) as response:
                    if response.is_redirect:
                        url = urljoin(url, response.headers["location"])
                        continue
                    if response.status_code != 200:
                        raise FetchFailed(f"{url} answered HTTP {response.status_code}.")
                    _copy(response, target, max_bytes=max_bytes, deadline=deadline)
                    return _file_name(url)
            except (httpx.HTTPError, httpx.InvalidURL) as exc:
                raise FetchFailed(f"{url} could not be fetched: {exc}") from exc
    raise FetchFailed(f"More than {MAX_REDIRECTS} redirects.")


def _pinned(url: str) -> tuple[str, dict[str, str], dict[str, str]]:
    """`url` rewritten to one checked address of its host, with the Host header and TLS
    server name of the original: the address connected to is the address checked, so a
    DNS answer that changes between the check and the connection (rebinding) cannot
    lead anywhere else."""
    check_source(url)
    if settings.CRIER_ALLOW_PRIVATE_URLS:
        return url, {}, {}
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        *_, sockaddr = socket.getaddrinfo(parts.hostname, port, proto=socket.IPPROTO_TCP)[0]
    except (OSError, UnicodeError) as exc:
        raise FetchFailed(f"The host {parts.hostname} cannot be resolved.") from exc
    address = str(sockaddr[0]).split("%", 1)[0]
    host = f"[{address}]" if ":" in address else address
    pinned = urlunsplit(parts._replace(netloc=f"{host}:{port}"))
    check_source(pinned)
    netloc = parts.netloc.rsplit("@", 1)[-1]  # never forward credentials in the URL
    return pinned, {"Host": netloc}, {"sni_hostname": parts.hostname}


def _copy(response: httpx.Response, target: IO[bytes], *, max_bytes: int, deadline: float) -> None:
    announced = response.headers.get("content-length", "")
    if announced.isdigit() and int(announced) > max_bytes:
        raise FetchFailed(f"The file is {announced} bytes; the limit is {max_bytes} bytes.")
    received = 0
    for chunk in response.iter_bytes(CHUNK):
        received += len(chunk)
        if received > max_bytes:
            raise FetchFailed(f"The file is larger than the limit of {max_bytes} bytes.")
        if time.monotonic() > deadline:
            raise FetchFailed(
                f"The download took longer than {settings.CRIER_MEDIA_FETCH_TIMEOUT} seconds."
            )
        target.write(chunk)
    target.flush()


def _file_name(url: str) -> str:
    return PurePosixPath(unquote(urlsplit(url).path)).name
