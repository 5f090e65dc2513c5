"""Typed readers for environment variables: every setting of Crier comes from here."""

from __future__ import annotations

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from exc


def env_list(name: str, default: str = "") -> list[str]:
    return comma_list(os.environ.get(name, default))


def comma_list(raw: str) -> list[str]:
    """The non-blank items of a comma-separated value, stripped."""
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_or_file(name: str, directory: Path) -> str:
    """`name` from the environment if set and not blank, else the stripped content of
    `directory/<name in lower case>` if that file exists, else ""."""
    # make run keeps its generated secrets in var/ (config.embedded.ensure_local_secrets):
    # reading them lets manage.py run by hand without passing them. Only read, never
    # created here, so a deployment with neither still fails loudly in settings.
    value = os.environ.get(name, "")
    if value.strip():
        return value
    path = directory / name.lower()
    return path.read_text().strip() if path.is_file() else ""
