"""What an answer may show of a value that can carry a credential."""

from __future__ import annotations

from urllib.parse import urlsplit


def url_shown(url: str) -> str:
    """The host of `url`, the only part any API dialect shows of a URL that may carry a
    credential: Zapier and Make hooks hold their token in the path or query, and any URL
    may hold `user:password@`. Empty when the URL has no host."""
    try:
        return urlsplit(url).hostname or ""
    except ValueError:  # a malformed IPv6 host or port: nothing worth showing
        return ""
