"""What the v3 rules walk: a master config's entries, blocks and points, with their document paths.

Rules run on documents the schema may have rejected, so every step checks the shape it expects
and skips what it does not find (the schema has already reported it).
"""

from __future__ import annotations

from typing import Any, Iterator, TypeGuard

from sweepgen.records import record

FIXED, AGENTIC = "fixed-seq-len", "agentic-coding"


@record
class Point:
    key: str  # the entry key
    entry: dict[str, Any]
    scenario: str  # FIXED or AGENTIC
    block: dict[str, Any]
    data: dict[str, Any]
    path: tuple[Any, ...]  # of the point in the document

    @property
    def block_path(self) -> tuple[Any, ...]:
        return self.path[:-2]


def entries(data: Any) -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(data, dict):
        for key, entry in data.items():
            if isinstance(entry, dict):
                yield str(key), entry


def blocks(key: str, entry: dict[str, Any], scenario: str) -> Iterator[tuple[dict[str, Any], tuple[Any, ...]]]:
    scenarios = entry.get("scenarios")
    found = scenarios.get(scenario) if isinstance(scenarios, dict) else None
    if isinstance(found, list):
        for i, block in enumerate(found):
            if isinstance(block, dict):
                yield block, (key, "scenarios", scenario, i)


# the points of the document the rules are looking at: each rule walks them, so they are found once
# (the document itself is held, so that its id cannot be reused while it is the cached one)
_last: list[Any] = [None, ()]


def points(data: Any, scenarios: tuple[str, ...] = (FIXED, AGENTIC)) -> Iterator[Point]:
    """Every point of every entry (fixed-seq-len first), in document order within each."""
    if _last[0] is not data:
        _last[:] = [data, tuple(_points(data))]
    for point in _last[1]:
        if point.scenario in scenarios:
            yield point


def _points(data: Any) -> Iterator[Point]:
    scenarios = (FIXED, AGENTIC)
    for key, entry in entries(data):
        for scenario in scenarios:
            for block, where in blocks(key, entry, scenario):
                space = block.get("search-space")
                if isinstance(space, list):
                    for j, point in enumerate(space):
                        if isinstance(point, dict):
                            yield Point(key, entry, scenario, block, point, (*where, "search-space", j))


def is_int(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def has_value(mapping: dict[str, Any], field: str) -> bool:
    return mapping.get(field) is not None


def shape(point: dict[str, Any]) -> str | None:
    """"single-node" (tp), "multinode" (prefill and decode) or None (neither or both: the schema's R6)."""
    single = has_value(point, "tp")
    multi = "prefill" in point or "decode" in point
    if single and not multi:
        return "single-node"
    if not single and "prefill" in point and "decode" in point:
        return "multinode"
    return None


def labels_of(runner: Any) -> dict[str, list[str]] | None:
    """The runner config's labels (label -> its node names), None when it has none to read."""
    labels = runner.get("labels") if isinstance(runner, dict) else None
    if not isinstance(labels, dict):
        return None
    return {str(k): [n for n in v if isinstance(n, str)] if isinstance(v, list) else [] for k, v in labels.items()}


def hardware_of(runner: Any) -> dict[str, Any] | None:
    """The runner config's hardware mapping ({} when it has none), None when the runner config is unreadable."""
    if not isinstance(runner, dict) or not isinstance(runner.get("labels"), dict):
        return None
    hardware = runner.get("hardware", {})
    return {str(k): v for k, v in hardware.items()} if isinstance(hardware, dict) else None


def file_name(path: str | None) -> str:
    return path or "the runner config"
