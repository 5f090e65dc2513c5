"""requirements.lock and the pyproject.toml files agree: every requirement of Crier (runtime,
test and bench extras) and of its Python client (clients/python, with its `mcp` extra) is
pinned, each pin satisfies its range, and each pin carries hashes.
When this fails, `make lock` rewrites the lock."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
# "name==version ; marker \" opens an entry; its "--hash=" lines follow.
PIN = re.compile(
    r"^(?P<name>[A-Za-z0-9._-]+)==(?P<version>\S+)(?:\s*;\s*(?P<marker>[^\\]+?))?\s*\\?$"
)


PROJECTS = {
    "crier": ROOT / "pyproject.toml",
    "crier-client": ROOT / "clients/python/pyproject.toml",
}


def project(name: str = "crier") -> dict:
    return tomllib.loads(PROJECTS[name].read_text())["project"]


def lock_entries() -> dict[str, list[dict]]:
    """Canonical name -> its pins (several when a marker splits them, e.g. by Python)."""
    entries: dict[str, list[dict]] = {}
    current: dict | None = None
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        stripped = line.strip()
        if stripped.startswith("--hash=sha256:"):
            assert current is not None, line
            current["hashes"] += 1
            continue
        if not stripped or stripped.startswith("#"):
            continue
        match = PIN.match(stripped)
        assert match, f"requirements.lock: not a hashed pin: {line!r}"
        current = {**match.groupdict(), "hashes": 0}
        entries.setdefault(canonicalize_name(match["name"]), []).append(current)
    return entries


def requirements() -> list[tuple[str, Requirement]]:
    declared = []
    for name in PROJECTS:
        declared += [(name, Requirement(text)) for text in project(name)["dependencies"]]
        for extra, texts in project(name)["optional-dependencies"].items():
            declared += [(f"{name}[{extra}]", Requirement(text)) for text in texts]
    return declared


def test_the_lock_covers_every_extra_of_the_project():
    assert set(project()["optional-dependencies"]) == {"test", "bench"}
    assert set(project("crier-client")["optional-dependencies"]) == {"mcp"}
    header = (ROOT / "requirements.lock").read_text()
    assert "--all-extras" in header and "--generate-hashes" in header
    assert "clients/python/pyproject.toml" in header


@pytest.mark.parametrize(
    ("extra", "requirement"), requirements(), ids=lambda value: str(value).split(";")[0]
)
def test_each_requirement_is_pinned_within_its_range(extra, requirement):
    pins = lock_entries().get(canonicalize_name(requirement.name))
    assert pins, f"{requirement} ({extra}) is not in requirements.lock: run make lock"
    for pin in pins:
        assert requirement.specifier.contains(Version(pin["version"]), prereleases=True), (
            f"requirements.lock pins {requirement.name}=={pin['version']} outside "
            f"{requirement} ({extra}): run make lock"
        )


def test_every_pin_carries_its_hashes():
    entries = lock_entries()
    assert len(entries) > 50  # the parser read the file, not a header
    unhashed = [pin["name"] for pins in entries.values() for pin in pins if not pin["hashes"]]
    assert not unhashed
