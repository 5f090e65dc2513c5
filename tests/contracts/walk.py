"""The one tree walk the description scripts share: every reference a JSON document makes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def references(node: Any, named: Callable[[dict], set[str]]) -> set[str]:
    """What `named` finds in each object of the tree (each format names its references
    its own way: `$ref`, lexicon `ref`/`refs`, discriminator mappings)."""
    if isinstance(node, dict):
        found = set(named(node))
        for value in node.values():
            found |= references(value, named)
        return found
    if isinstance(node, list):
        return set().union(*(references(value, named) for value in node)) if node else set()
    return set()
