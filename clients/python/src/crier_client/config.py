"""Where the command line finds Crier: `CRIER_URL` / `CRIER_API_KEY` (and `CRIER_WORKSPACE`),
else the file `crier login` wrote in the user's config dir, readable by the user alone."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

import platformdirs


@dataclass(frozen=True)
class Settings:
    url: str
    api_key: str
    workspace: str | None = None


def config_file() -> Path:
    directory = os.environ.get("CRIER_CONFIG_DIR") or platformdirs.user_config_dir("crier")
    return Path(directory) / "config.json"


def load() -> Settings | None:
    """The environment wins over the file, variable by variable."""
    stored: dict[str, str | None] = {}
    path = config_file()
    if path.is_file():
        stored = json.loads(path.read_text())
    url = os.environ.get("CRIER_URL") or stored.get("url")
    key = os.environ.get("CRIER_API_KEY") or stored.get("api_key")
    if not url or not key:
        return None
    workspace = os.environ.get("CRIER_WORKSPACE") or stored.get("workspace")
    return Settings(url=url, api_key=key, workspace=workspace or None)


def save(settings: Settings) -> Path:
    """Written with mode 0600 from its first byte: the key never sits in a readable file."""
    path = config_file()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)  # an older file keeps its mode through O_CREAT
    with os.fdopen(descriptor, "w") as file:
        json.dump(asdict(settings), file, indent=2)
    return path
