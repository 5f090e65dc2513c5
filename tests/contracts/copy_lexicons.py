"""Copy the Bluesky lexicons Crier calls, and every lexicon they refer to, out of a checkout
of bluesky-social/atproto into tests/contracts/bluesky/lexicons/<nsid>.json:

    python tests/contracts/copy_lexicons.py ATPROTO_CHECKOUT/lexicons OUT_DIR nsid ...

Files are copied unchanged; only the set of files is chosen.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from typing import Any


def _refs(node: Any) -> set[str]:
    """NSIDs named by `ref`/`refs` (a "#def" alone stays in its own file)."""
    if isinstance(node, dict):
        named = [node["ref"]] if isinstance(node.get("ref"), str) else []
        named += [ref for ref in node.get("refs", []) if isinstance(ref, str)]
        found = {ref.split("#")[0] for ref in named if not ref.startswith("#")}
        for value in node.values():
            found |= _refs(value)
        return found
    if isinstance(node, list):
        return set().union(*(_refs(value) for value in node)) if node else set()
    return set()


def copy(source: Path, target: Path, wanted: list[str]) -> list[str]:
    target.mkdir(parents=True, exist_ok=True)
    pending, done = set(wanted), set()
    while pending:
        nsid = pending.pop()
        if nsid in done:
            continue
        done.add(nsid)
        path = source.joinpath(*nsid.split(".")).with_suffix(".json")
        shutil.copyfile(path, target / f"{nsid}.json")
        pending |= _refs(json.loads(path.read_text(encoding="utf-8")))
    return sorted(done)


if __name__ == "__main__":
    source, target, *nsids = sys.argv[1:]
    print("\n".join(copy(Path(source), Path(target), nsids)))
