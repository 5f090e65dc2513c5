"""The committed generated client is what `make client` makes from today's `/api/schema/`."""

from __future__ import annotations

import filecmp
import importlib.util
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("regenerate", REPO / "clients/python/regenerate.py")
regenerate = importlib.util.module_from_spec(spec)
spec.loader.exec_module(regenerate)


def differences(left: Path, right: Path) -> list[str]:
    """Paths (relative) that are missing on one side or differ, caches left out."""
    found: list[str] = []
    pending = [filecmp.dircmp(left, right, ignore=["__pycache__"])]
    while pending:
        comparison = pending.pop()
        where = Path(comparison.left).relative_to(left)
        found += [str(where / name) for name in comparison.left_only + comparison.right_only]
        _, mismatch, errors = filecmp.cmpfiles(
            comparison.left, comparison.right, comparison.common_files, shallow=False
        )
        found += [str(where / name) for name in mismatch + errors]
        pending.extend(comparison.subdirs.values())
    return sorted(found)


def test_the_committed_schema_and_client_match_what_make_client_generates(tmp_path):
    schema_text = regenerate.render(regenerate.native_schema(regenerate.full_schema()))
    assert schema_text == regenerate.SCHEMA.read_text(), "the API changed: run `make client`"
    regenerate.generate(schema_text, tmp_path / "generated")
    stale = differences(regenerate.PACKAGE, tmp_path / "generated")
    assert stale == [], f"generated code differs from `make client`'s: {stale}"


def test_the_native_schema_leaves_the_dialects_out():
    native = regenerate.native_schema(regenerate.full_schema())
    assert "/api/v1/posts/schedule/publish" in native["paths"]
    assert "/api/v1/create-post" not in native["paths"]  # Publora's
    assert not any(path.startswith("/public/v1/") for path in native["paths"])  # Postiz's
    tags = {tag for ops in native["paths"].values() for op in ops.values() for tag in op["tags"]}
    assert not any(tag.startswith("dialect: ") for tag in tags)
