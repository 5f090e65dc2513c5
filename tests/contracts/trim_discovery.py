"""Cut a Google API discovery document down to the methods Crier calls.

The vendored tests/contracts/youtube/discovery.json is this script's output:

    python -m tests.contracts.trim_discovery FULL.json OUT.json videos.insert videos.list ...

Kept: the document's identity (name, version, revision, rootUrl, servicePath, baseUrl),
`auth`, the global `parameters`, the named methods (as `resources.<r>.methods.<m>`) and
every schema they reach through `$ref`.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from tests.contracts.walk import references

IDENTITY = ("kind", "name", "version", "revision", "rootUrl", "servicePath", "baseUrl")


def _refs(node: Any) -> set[str]:
    return references(
        node, lambda obj: {obj["$ref"]} if isinstance(obj.get("$ref"), str) else set()
    )


def trim(document: dict, methods: list[str]) -> dict:
    resources: dict[str, dict] = {}
    for dotted in methods:
        resource, method = dotted.split(".")
        kept = resources.setdefault(resource, {"methods": {}})
        kept["methods"][method] = document["resources"][resource]["methods"][method]
    schemas: dict[str, Any] = {}
    pending = _refs(resources)
    while pending:
        name = pending.pop()
        if name not in schemas:
            schemas[name] = document["schemas"][name]
            pending |= _refs(schemas[name])
    return {
        **{key: document[key] for key in IDENTITY if key in document},
        "auth": document["auth"],
        "parameters": document["parameters"],
        "resources": resources,
        "schemas": dict(sorted(schemas.items())),
    }


if __name__ == "__main__":
    source, target, *wanted = sys.argv[1:]
    with open(source, encoding="utf-8") as handle:
        full = json.load(handle)
    with open(target, "w", encoding="utf-8") as handle:
        json.dump(trim(full, wanted), handle, indent=1)
        handle.write("\n")
