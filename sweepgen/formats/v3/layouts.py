"""Older drafts of the scenarios layout that v3 recognises but does not read (FORMAT-v3 8).

- E3a (2026-05 to 2026-07-02): agentic blocks with `duration`, points with `offloading`
  (none, cpu, ssd, lmcache, ...), no kv-offloading, dram-utilization, router or kv-p2p-transfer;
  a flat runners.yaml.
- E3b (2026-07-02 to 07-13): `kv-offload-backend` as a plain string, no router or
  kv-p2p-transfer.
- A flat runners.yaml (runner type -> nodes, the v1/v2 and E3a layout) beside scenario entries.

Such a file gets one problem naming its layout instead of an error for every difference. A file
that mixes a draft's fields with the current format's is linted as v3, so each leftover is
reported at its line.
"""

from __future__ import annotations

from typing import Any, Iterator

from .rules.walk import AGENTIC, blocks, entries, points

# fields only the current layout (E3c) has, anywhere in an entry, block or point
_CURRENT = frozenset(("router", "kv-p2p-transfer"))
_E3B_ON = frozenset(("kv-offloading", "dram-utilization"))


def layout_problem(data: Any, kind: str) -> str | None:
    if kind == "runner-config":
        return _flat_runners(data)
    if kind != "master-config":
        return None
    entry_fields = {f for _, entry in entries(data) for f in entry}
    point_fields = {f for p in points(data) for f in p.data}
    block_fields = {f for key, entry in entries(data) for block, _ in blocks(key, entry, AGENTIC) for f in block}
    current = bool(_CURRENT & (entry_fields | point_fields))
    if current:
        return None
    if "duration" in block_fields or "offloading" in point_fields:
        if not (_E3B_ON & (point_fields | block_fields)):
            return ("an E3a scenarios config (agentic-coding blocks with 'duration', points with 'offloading'; "
                    "InferenceX 2026-05 to 2026-07-02), an older draft of v3 that sweepgen does not read: the "
                    "current layout has 'dram-utilization' blocks and 'kv-offloading' / 'kv-offload-backend' points")
    if any(isinstance(p.data.get("kv-offload-backend"), str) for p in _agentic(data)):
        return ("an E3b scenarios config (kv-offload-backend as a plain string; InferenceX 2026-07-02 to 07-13), an "
                "older draft of v3 that sweepgen does not read: the current layout writes kv-offload-backend as "
                "{name: ..., version: ...}")
    return None


def _agentic(data: Any) -> Iterator[Any]:
    return points(data, (AGENTIC,))


def _flat_runners(data: Any) -> str | None:
    if not isinstance(data, dict) or not data or "labels" in data:
        return None
    if all(isinstance(v, list) for v in data.values()):
        return ("a flat runners.yaml (runner type -> node names, the v1/v2 and E3a layout) beside v3 configs, which "
                "need {labels: {<label>: [<node>, ...]}, hardware: {...}}; `sweepgen migrate --to v3` nests it "
                "under labels")
    return None
