"""Cut a platform's OpenAPI description down to the operations Crier calls.

The vendored copies under tests/contracts/ are this script's output, so the contract
tests read a few hundred kilobytes instead of whole descriptions. Run from the worktree:

    python -m tests.contracts.trim_openapi FULL.json OUT.json "POST /2/tweets" ...

Kept: `openapi`, `info`, `servers`, the named operations (whole, with their path-level
parameters), `components.securitySchemes` and every component they reach through `$ref`
or a discriminator's mapping.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from tests.contracts.walk import references


def _named(node: dict) -> set[str]:
    found = {node["$ref"]} if isinstance(node.get("$ref"), str) else set()
    # A discriminator's mapping names schemas by reference too.
    mapping = node.get("discriminator", {}).get("mapping", {})
    return found | {ref for ref in mapping.values() if isinstance(ref, str)}


def _refs(node: Any) -> set[str]:
    return references(node, _named)


def _pointer(document: dict, ref: str) -> Any:
    node: Any = document
    for part in ref.removeprefix("#/").split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def trim(spec: dict, operations: list[str]) -> dict:
    paths: dict[str, dict] = {}
    for operation in operations:
        method, path = operation.split(" ", 1)
        item = spec["paths"][path]
        kept = paths.setdefault(path, {k: v for k, v in item.items() if k == "parameters"})
        kept[method.lower()] = item[method.lower()]
    components: dict[str, dict] = {
        "securitySchemes": spec.get("components", {}).get("securitySchemes", {})
    }
    pending = _refs(paths)
    seen: set[str] = set()
    while pending:
        ref = pending.pop()
        if ref in seen or not ref.startswith("#/components/"):
            continue
        seen.add(ref)
        _, _, kind, name = ref.split("/", 3)
        target = _pointer(spec, ref)
        components.setdefault(kind, {})[name] = target
        pending |= _refs(target)
    for kind in components:
        components[kind] = dict(sorted(components[kind].items()))
    return {
        "openapi": spec["openapi"],
        "info": spec["info"],
        "servers": spec.get("servers", []),
        "paths": dict(sorted(paths.items())),
        "components": components,
    }


if __name__ == "__main__":
    source, target, *wanted = sys.argv[1:]
    with open(source, encoding="utf-8") as handle:
        full = json.load(handle)
    with open(target, "w", encoding="utf-8") as handle:
        json.dump(trim(full, wanted), handle, indent=1, sort_keys=False)
        handle.write("\n")
