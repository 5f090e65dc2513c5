"""Downloading a file from a URL the caller gave, without letting it reach Crier's own
network (SSRF): every connection, redirects included, passes the egress guard
(core.netguard), and the whole download has one deadline and a size cap."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import IO
from urllib.parse import unquote, urljoin, urlsplit

import httpx
from django.conf import settings

from connectors.http import USER_AGENT
from core import netguard
from core.netguard import BlockedURL

MAX_REDIRECTS = 5


class FetchFailed(Exception):
    """The file could not be fetched; the message says why, for the caller."""


def check_source(url: str) -> None:
    """Refuse URLs Crier must not call, when the request is accepted (a clear 4xx)."""
    try:
        netguard.check_url(url)
    except BlockedURL as exc:
        raise FetchFailed(str(exc)) from exc
    except ValueError as exc:  # urlsplit: a port out of range, a malformed IPv6 host
        raise FetchFailed(f"The URL is not valid: {exc}") from exc


def fetch(url: str, target: IO[bytes], *, max_bytes: int) -> str:
    """Write the body at `url` to `target`; returns the file name the URL suggests.

    Redirects are followed by hand (each new location is checked as it connects); the
    whole download has one deadline, so a server that trickles bytes cannot hold a worker
    forever, and stops past `max_bytes` decoded.
    """
    with (
        netguard.client(
            guarded=True,
            timeout=httpx.Timeout(30.0, connect=10.0),
            headers={"User-Agent": USER_AGENT},
        ) as client,
        netguard.deadline(settings.CRIER_MEDIA_FETCH_TIMEOUT),
    ):
        for _ in range(MAX_REDIRECTS + 1):
            try:
                with client.stream("GET", url) as response:
                    if response.is_redirect:
                        url = urljoin(url, response.headers["location"])
                        continue
                    if response.status_code != 200:
                        raise FetchFailed(f"{url} answered HTTP {response.status_code}.")
                    _copy(response, target, max_bytes=max_bytes)
                    return _file_name(url)
            except BlockedURL as exc:
                raise FetchFailed(str(exc)) from exc
            except httpx.TimeoutException as exc:
                # The deadline may be the caller's, shorter than CRIER_MEDIA_FETCH_TIMEOUT.
                raise FetchFailed(f"{url} could not be fetched in time: {exc}") from exc
            except (httpx.HTTPError, httpx.InvalidURL) as exc:
                raise FetchFailed(f"{url} could not be fetched: {exc}") from exc
    raise FetchFailed(f"More than {MAX_REDIRECTS} redirects.")


def _copy(response: httpx.Response, target: IO[bytes], *, max_bytes: int) -> None:
    announced = response.headers.get("content-length", "")
    if announced.isdigit() and int(announced) > max_bytes:
        raise FetchFailed(f"The file is {announced} bytes; the limit is {max_bytes} bytes.")
    received = 0
    for chunk in netguard.iter_body(response):
        received += len(chunk)
        if received > max_bytes:
            raise FetchFailed(f"The file is larger than the limit of {max_bytes} bytes.")
        target.write(chunk)
    target.flush()


def _file_name(url: str) -> str:
    return PurePosixPath(unquote(urlsplit(url).path)).name
