"""The v3 model: frozen dataclasses built from validated, defaults-filled documents (FORMAT-v3 2, 3).

An entry is single-node or multinode (`multinode`); its `scenarios` hold fixed-seq-len blocks
(isl, osl, search-space) and agentic-coding blocks (search-space, dram-utilization). One `Point`
class holds every point kind: a single-node point has `tp` (and pp, dcp-size, pcp-size, ep,
dp-attn), a multinode point `prefill` and `decode` workers; agentic points add kv-offloading and
its backend. Defaults (pp, dcp-size, pcp-size, ep, dp-attn, spec-decoding, disagg, a multinode
agentic point's kv-offloading) come from the schema, filled before the model is built. Where the
generator treats an explicit null like an absent value (a single-node point's `ep: null`,
`dp-attn: null`), the null is dropped and the schema's default filled in its place.

A point's `router` and `kv-p2p-transfer` are inherited from the entry only when the point does not
write the key at all: a point's `router: null` means no router (FORMAT-v3 4.7), so the model keeps
which keys each point wrote.
"""

from __future__ import annotations

from dataclasses import field
from functools import cache
from typing import Any, Mapping, Sequence

from sweepgen import defaults
from sweepgen.formats.base import ConfigSet
from sweepgen.load import LoadError
from sweepgen.modelkit import OUTSIDE, WRITTEN, ModelError, from_data, written_as_data
from sweepgen.records import record

# a single-node point's fields whose explicit null the generator reads as "absent" (its default)
_NULL_IS_DEFAULT = ("ep", "dp-attn")


@record
class Worker:
    """A prefill or decode worker of a multinode point: printed with its keys in the file's order,
    the defaults the schema filled (pp, dcp-size, pcp-size) after them."""

    written: tuple[str, ...] = field(metadata=WRITTEN)
    num_worker: int
    tp: int
    ep: int
    dp_attn: bool
    pp: int
    dcp_size: int
    pcp_size: int
    hardware: str | None = None
    additional_settings: tuple[str, ...] | None = None

    def plain(self) -> dict[str, Any]:
        """The worker as a row prints it."""
        return written_as_data(self)


@record(kw_only=True)
class Point:
    """One search point: single-node (tp, ...) or multinode (prefill, decode); fixed or agentic."""

    written: tuple[str, ...] = field(default=(), metadata=WRITTEN)
    tp: int | None = None
    pp: int | None = None
    dcp_size: int | None = None
    pcp_size: int | None = None
    ep: int | None = None
    dp_attn: bool | None = None
    prefill: Worker | None = None
    decode: Worker | None = None
    spec_decoding: str
    conc_start: int | None = None
    conc_end: int | None = None
    conc_list: tuple[int, ...] | None = None
    router: dict[str, Any] | None = None
    kv_p2p_transfer: str | None = None
    kv_offloading: str | None = None
    kv_offload_backend: dict[str, Any] | None = None

    @property
    def writes_conc_list(self) -> bool:
        """The point has a conc-list key (test-config reads it even when empty or null)."""
        return "conc-list" in self.written

    def router_of(self, entry: Entry) -> dict[str, Any] | None:
        return self.router if "router" in self.written else entry.router

    def transfer_of(self, entry: Entry) -> str | None:
        return self.kv_p2p_transfer if "kv-p2p-transfer" in self.written else entry.kv_p2p_transfer


@record
class FixedBlock:
    isl: int
    osl: int
    search_space: tuple[Point, ...]


@record
class AgenticBlock:
    search_space: tuple[Point, ...]
    dram_utilization: float | None = None


@record
class Scenarios:
    fixed_seq_len: tuple[FixedBlock, ...] = ()
    agentic_coding: tuple[AgenticBlock, ...] = ()


@record
class Entry:
    key: str = field(metadata=OUTSIDE)
    source: str = field(metadata=OUTSIDE)  # the file that defines it
    image: str
    model: str
    model_prefix: str
    precision: str
    framework: str
    runner: str
    multinode: bool
    disagg: bool
    scenarios: Scenarios
    router: dict[str, Any] | None = None
    kv_p2p_transfer: str | None = None

    @property
    def fixed(self) -> tuple[FixedBlock, ...]:
        return self.scenarios.fixed_seq_len or ()

    @property
    def agentic(self) -> tuple[AgenticBlock, ...]:
        return self.scenarios.agentic_coding or ()


@record
class Hardware:
    available_cpu_dram_mib: int
    gpus_per_node: int


@record
class RunnerConfig:
    """runners.yaml: labels (a label -> its nodes, in file order) and hardware facts per key."""

    path: str
    labels: Mapping[str, tuple[str, ...]]
    hardware: Mapping[str, Hardware]

    def nodes(self, label: str) -> tuple[str, ...]:
        return self.labels.get(label, ())

    def knows(self, name: str) -> bool:
        """A label or a node of one."""
        return name in self.labels or any(name in nodes for nodes in self.labels.values())


def load(version: str, masters: Sequence[tuple[str, Any]], runner: tuple[str, Any] | None) -> ConfigSet:
    entries: list[Entry] = []
    try:
        for path, data in masters:
            for key, value in data.items():
                entries.append(from_data(Entry, _nulls_as_absent(version, value), key=str(key), source=path))
        runners = runner_config(runner[1], runner[0]) if runner is not None else None
    except ModelError as exc:
        # the schema and the model disagree (a default the model needs is missing): not the user's fault
        raise LoadError(f"{version} configs cannot be expanded: {exc}") from None
    return ConfigSet(version, tuple(entries), runners, runner[0] if runner is not None else None)


def runner_config(data: dict[str, Any], path: str) -> RunnerConfig:
    labels = {str(label): tuple(nodes) for label, nodes in (data.get("labels") or {}).items()}
    hardware = {str(key): from_data(Hardware, value) for key, value in (data.get("hardware") or {}).items()}
    return RunnerConfig(path, labels, hardware)


def _nulls_as_absent(version: str, entry: Any) -> Any:
    """The entry with a single-node point's null ep / dp-attn replaced by the schema's default
    (the entry itself, unchanged, in every real config: they write no nulls)."""
    if not isinstance(entry, dict) or entry.get("multinode"):
        return entry
    scenarios = entry.get("scenarios") or {}
    points = [p for blocks in scenarios.values() for block in blocks or () for p in block.get("search-space") or ()]
    if not any(p.get(name, 0) is None for p in points for name in _NULL_IS_DEFAULT):
        return entry
    cleaned = {**entry, "scenarios": {
        kind: [{**block, "search-space": [{k: v for k, v in p.items() if not (k in _NULL_IS_DEFAULT and v is None)}
                                          for p in block.get("search-space") or ()]} for block in blocks]
        if blocks is not None else None for kind, blocks in scenarios.items()}}
    return defaults.fill(version, "master-config", {"_": cleaned})["_"]


# ---------------------------------------------------------------- the schema's defaults, for rows made without a document

@cache
def point_defaults(version: str = "v3") -> dict[str, Any]:
    """What v3 fills into a single-node fixed point that writes nothing but tp and a concurrency:
    the values a row prints for the fields such a point leaves out (pp, dcp-size, pcp-size, ep,
    dp-attn, spec-decoding)."""
    return _filled_point(version, multinode=False)


@cache
def worker_defaults(version: str = "v3") -> dict[str, Any]:
    """What v3 fills into a worker that writes only its required fields (pp, dcp-size, pcp-size)."""
    point = _filled_point(version, multinode=True)
    bare = _bare_worker()
    return {k: v for k, v in point["prefill"].items() if k not in bare}


def _bare_worker() -> dict[str, Any]:
    return {"num-worker": 1, "tp": 1, "ep": 1, "dp-attn": False}


def _bare_entry(multinode: bool, point: dict[str, Any]) -> dict[str, Any]:
    return {"image": "x", "model": "x", "model-prefix": "x", "precision": "x", "framework": "x", "runner": "x",
            "multinode": multinode, "scenarios": {"fixed-seq-len": [{"isl": 1, "osl": 1, "search-space": [point]}]}}


def _filled_point(version: str, multinode: bool) -> dict[str, Any]:
    point: dict[str, Any] = {"conc-list": [1]}
    point.update({"prefill": _bare_worker(), "decode": _bare_worker()} if multinode else {"tp": 1})
    filled = defaults.fill(version, "master-config", {"x": _bare_entry(multinode, point)})["x"]
    out: dict[str, Any] = filled["scenarios"]["fixed-seq-len"][0]["search-space"][0]
    return {k: v for k, v in out.items() if k not in point or k in ("prefill", "decode")}


def custom_entry(version: str, image: str, model: str, model_prefix: str, precision: str, framework: str,
                 runner: str, isl: int, osl: int, tp: int, conc: int) -> tuple[Entry, Point]:
    """custom's job as an entry of one point, every field it does not give the schema's default."""
    point = {"tp": tp, "conc-start": conc, "conc-end": conc}
    data = {"image": image, "model": model, "model-prefix": model_prefix, "precision": precision,
            "framework": framework, "runner": runner, "multinode": False,
            "scenarios": {"fixed-seq-len": [{"isl": isl, "osl": osl, "search-space": [point]}]}}
    entry = from_data(Entry, defaults.fill(version, "master-config", {"custom": data})["custom"], key="",
                      source="")
    return entry, entry.fixed[0].search_space[0]
