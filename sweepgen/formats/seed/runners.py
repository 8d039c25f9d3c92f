"""The flat runner config of the seed family: runner type -> its nodes."""

from __future__ import annotations

from typing import Any


def runner_names(data: Any) -> frozenset[str]:
    """Runner types and runner nodes (the names an entry's runner may use)."""
    names: set[str] = set()
    if isinstance(data, dict):
        for key, nodes in data.items():
            names.add(str(key))
            if isinstance(nodes, list):
                names.update(n for n in nodes if isinstance(n, str))
    return frozenset(names)
