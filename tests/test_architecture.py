"""docs/architecture.md states the layers the import-linter contract in pyproject.toml enforces."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _contract_layers() -> list[list[str]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    (layers,) = [c["layers"] for c in config["contracts"] if c["type"] == "layers"]
    return [[name.strip() for name in layer.split("|")] for layer in layers]


def _documented_layers() -> list[list[str]]:
    text = (ROOT / "docs" / "architecture.md").read_text()
    chain = re.search(r"Imports point one way, from the top: (.*?)\. An app", text, re.S)
    assert chain, "docs/architecture.md lost its sentence on the layers"
    return [re.findall(r"`(\w+)`", step) for step in " ".join(chain[1].split()).split("→")]


def test_the_documented_layers_are_the_enforced_ones() -> None:
    assert _documented_layers() == _contract_layers()


def test_every_top_level_package_is_under_the_contracts() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    packages = {
        path.parent.name
        for path in ROOT.glob("*/__init__.py")
        if path.parent.name not in {"tests", "bench", "clients", "docs", "docker"}
    }
    assert packages == set(config["root_packages"])
