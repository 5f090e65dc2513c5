"""Connectors as this deployment configured them.

A connector imports no Django and reads no environment: each gets one frozen configuration,
built here from Django settings (CRIER_CONNECTORS, CRIER_OAUTH_APPS, CRIER_HTTP_TIMEOUT), so
`override_settings` reaches every connector the way it reaches the rest of Crier.
"""

from __future__ import annotations

import threading
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

from connectors.base import Connector, ConnectorConfig
from connectors.registry import connector_class, get_connector

_SETTINGS = frozenset({"CRIER_CONNECTORS", "CRIER_OAUTH_APPS", "CRIER_HTTP_TIMEOUT"})

_shared: dict[str, Connector] = {}
_shared_lock = threading.Lock()


def connector_config(platform: str) -> ConnectorConfig:
    app = settings.CRIER_OAUTH_APPS.get(platform, {})
    return connector_class(platform).config_class(
        **settings.CRIER_CONNECTORS.get(platform, {}),
        client_id=app.get("client_id", ""),
        client_secret=app.get("client_secret", ""),
    )


def new_connector(platform: str) -> Connector:
    """A connector with an httpx client of its own: the caller closes it."""
    return get_connector(
        platform, timeout=settings.CRIER_HTTP_TIMEOUT, config=connector_config(platform)
    )


def connector_for(platform: str) -> Connector:
    """One connector (and so one pooled, thread-safe httpx client) per platform and process,
    built once even when every thread of a worker pool asks for it at the same moment (each
    build makes an httpx client and its TLS context: ~10 ms of CPU). Never closed."""
    connector = _shared.get(platform)
    if connector is None:
        with _shared_lock:
            connector = _shared.get(platform)
            if connector is None:
                connector = new_connector(platform)
                _shared[platform] = connector
    return connector


@receiver(setting_changed)
def _connector_setting_changed(*, setting: str, **kwargs: Any) -> None:
    # Settings change only under override_settings (tests): the next call builds anew. The
    # old connectors are dropped, not closed: another thread may still be using one.
    if setting in _SETTINGS:
        with _shared_lock:
            _shared.clear()
