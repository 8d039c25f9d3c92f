"""The v3 runner config, `{labels: {label: [node, ...]}, hardware: {key: {...}}}`: the names other
documents refer to."""

from __future__ import annotations

from typing import Any


def reference_sets(data: Any, path: str) -> dict[str, tuple[frozenset[str], str]]:
    """runner-labels (the labels), runner-nodes (every node of every label), runner-hardware (the
    hardware keys), each with the file they come from."""
    labels = data.get("labels") if isinstance(data, dict) else None
    hardware = data.get("hardware") if isinstance(data, dict) else None
    names = frozenset(str(k) for k in labels) if isinstance(labels, dict) else frozenset()
    nodes = frozenset(n for v in labels.values() if isinstance(v, list) for n in v if isinstance(n, str)) \
        if isinstance(labels, dict) else frozenset()
    keys = frozenset(str(k) for k in hardware) if isinstance(hardware, dict) else frozenset()
    return {"runner-labels": (names, path), "runner-nodes": (nodes, path), "runner-hardware": (keys, path)}
