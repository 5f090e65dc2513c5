"""Crier's settings with the bench URLconf (adds the bare baseline endpoint)."""

from __future__ import annotations

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.api_urls"
