"""Every platform Crier can publish to, by slug.

One literal dict, no discovery: a misnamed class fails the registry test instead of
silently vanishing. Modules are imported on first use, so one platform's import problem
cannot take the others down.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from connectors.base import Connector

CONNECTORS: dict[str, str] = {
    "sandbox": "connectors.sandbox.SandboxConnector",
    "sandbox_plain": "connectors.sandbox.PlainSandboxConnector",
    "linkedin": "connectors.linkedin.LinkedInConnector",
    "facebook": "connectors.facebook.FacebookConnector",
    "instagram": "connectors.instagram.InstagramConnector",
    "pinterest": "connectors.pinterest.PinterestConnector",
    "x": "connectors.x.XConnector",
    "bluesky": "connectors.bluesky.BlueskyConnector",
    "mastodon": "connectors.mastodon.MastodonConnector",
    "threads": "connectors.threads.ThreadsConnector",
    "tiktok": "connectors.tiktok.TikTokConnector",
    "youtube": "connectors.youtube.YouTubeConnector",
    "telegram": "connectors.telegram.TelegramConnector",
    "wordpress": "connectors.wordpress.WordPressConnector",
    "webhook": "connectors.webhook.WebhookConnector",
    "manual": "connectors.manual.ManualConnector",
}


class UnknownPlatform(LookupError):
    """No connector is registered under this slug."""

    def __init__(self, slug: str) -> None:
        self.slug = slug
        super().__init__(f"Unknown platform {slug!r}; known: {', '.join(sorted(CONNECTORS))}.")


def connector_class(slug: str) -> type[Connector]:
    try:
        path = CONNECTORS[slug]
    except KeyError:
        raise UnknownPlatform(slug) from None
    module_name, _, class_name = path.rpartition(".")
    return getattr(import_module(module_name), class_name)


def get_connector(slug: str, **kwargs: Any) -> Connector:
    """A ready connector; `kwargs` go to its constructor (timeout, transport)."""
    return connector_class(slug)(**kwargs)


def platform_choices() -> list[tuple[str, str]]:
    """(slug, display name) pairs for a model field's `choices`."""
    return [(slug, connector_class(slug).display_name) for slug in CONNECTORS]
