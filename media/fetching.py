"""Downloading a file from a URL the caller gave, without letting it reach Crier's own
network (SSRF): every hop, redirects included, is checked before it is requested."""

from __future__ import annotations

import time
from pathlib import PurePosixPath
from typing import IO
from urllib.parse import unquote, urljoin, urlsplit

import httpx
from django.conf import settings

from config.netguard import BlockedURL, Pinned, pin, send_pinned
from connectors.http import USER_AGENT

MAX_REDIRECTS = 5
CHUNK = 64 * 1024


class FetchFailed(Exception):
    """The file could not be fetched; the message says why, for the caller."""


def check_source(url: str) -> None:
    """Refuse URLs Crier must not call (also used when the request is accepted)."""
    _pinned(url)


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
            pinned = _pinned(url)
            try:
                response = send_pinned(client, "GET", pinned, stream=True)
                try:
                    if response.is_redirect:
                        url = urljoin(url, response.headers["location"])
                        continue
                    if response.status_code != 200:
                        raise FetchFailed(f"{url} answered HTTP {response.status_code}.")
                    _copy(response, target, max_bytes=max_bytes, deadline=deadline)
                    return _file_name(url)
                finally:
                    response.close()
            except (httpx.HTTPError, httpx.InvalidURL) as exc:
                raise FetchFailed(f"{url} could not be fetched: {exc}") from exc
    raise FetchFailed(f"More than {MAX_REDIRECTS} redirects.")


def _pinned(url: str) -> Pinned:
    """`url` rewritten to the checked addresses of its host, with the Host header and TLS
    server name of the original (see `config.netguard.pin`): the address connected to is
    an address checked, so DNS rebinding cannot lead anywhere else."""
    try:
        return pin(url, allow_private=settings.CRIER_ALLOW_PRIVATE_URLS)
    except BlockedURL as exc:
        raise FetchFailed(str(exc)) from exc
    except ValueError as exc:  # urlsplit: a port out of range, a malformed IPv6 host
        raise FetchFailed(f"The URL is not valid: {exc}") from exc


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
