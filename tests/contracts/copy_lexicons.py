"""Copy the Bluesky lexicons Crier calls, and every lexicon they refer to, out of a checkout
of bluesky-social/atproto into tests/contracts/bluesky/lexicons/<nsid>.json:

    python -m tests.contracts.copy_lexicons ATPROTO_CHECKOUT/lexicons OUT_DIR nsid ...

Files are copied unchanged; only the set of files is chosen.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from typing import Any

from tests.contracts.walk import references


def _named(node: dict) -> set[str]:
    """The other lexicon documents an object names (`ref`, `refs`; local `#...` ones aside)."""
    named = [node["ref"]] if isinstance(node.get("ref"), str) else []
    named += [ref for ref in node.get("refs", []) if isinstance(ref, str)]
    return {ref.split("#")[0] for ref in named if not ref.startswith("#")}


def _refs(node: Any) -> set[str]:
    return references(node, _named)


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
