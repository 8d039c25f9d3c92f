"""Sequence-length names: the isl/osl pairs a format names (1k1k, 8k1k, ...), read from its schema."""

from __future__ import annotations

from functools import cache
from typing import Any, Iterable


@cache
def named_pairs(version: str) -> dict[str, tuple[int, int]]:
    """The named isl/osl pairs of a version: its master-config schema's `x-sweepgen-combination`
    whose rule is `seq-len` (in the schema's order)."""
    from sweepgen import schemas

    found = _find_combination(schemas.version(version).schema("master-config"), "seq-len")
    return {name: (int(pair[0]), int(pair[1])) for name, pair in (found or {}).items()}


def _find_combination(node: Any, rule: str) -> dict[str, Any] | None:
    if isinstance(node, dict):
        spec = node.get("x-sweepgen-combination")
        if isinstance(spec, dict) and spec.get("rule") == rule:
            return dict(spec["allowed"])
        children: Iterable[Any] = node.values()
    elif isinstance(node, list):
        children = node
    else:
        return None
    for child in children:
        found = _find_combination(child, rule)
        if found is not None:
            return found
    return None


def name(named: dict[str, tuple[int, int]], isl: int, osl: int) -> str:
    """The pair's name, else `<isl>_<osl>`."""
    for label, pair in named.items():
        if pair == (isl, osl):
            return label
    return f"{isl}_{osl}"
