"""The model of the seed family: frozen dataclasses built from validated, defaults-filled documents.

Fields that only v2 has (`multinode`, `disagg`, a point's `conc-list`, `spec-decoding`,
`prefill`, `decode`) are None in a v1 document; a v2 multinode point has `prefill` and
`decode` instead of `tp`; a point gives `conc-list` or `conc-start`/`conc-end`.
"""

from __future__ import annotations

from dataclasses import field
from typing import Any

from sweepgen.modelkit import OUTSIDE, WRITTEN, from_data, written_as_data
from sweepgen.records import record


@record
class Worker:
    """One kind of worker of a multinode deployment (v2): printed with exactly the keys written."""

    written: tuple[str, ...] = field(metadata=WRITTEN)
    num_worker: int
    tp: int
    ep: int
    dp_attn: bool
    additional_settings: tuple[str, ...] | None = None

    def plain(self) -> dict[str, Any]:
        """The worker as printed: the keys its config gave, in its order."""
        return written_as_data(self)


@record(kw_only=True)
class SearchPoint:
    """A search point: single-node (tp, ep, dp-attn) or, in v2, multinode (prefill, decode)."""

    tp: int | None = None
    ep: int | None = None
    dp_attn: bool | None = None
    conc_start: int | None = None
    conc_end: int | None = None
    conc_list: tuple[int, ...] | None = None
    spec_decoding: str | None = None
    prefill: Worker | None = None
    decode: Worker | None = None

    @property
    def multinode(self) -> bool:
        return self.prefill is not None

    @property
    def lowest_conc(self) -> int:
        if self.conc_list is not None:
            return min(self.conc_list)
        assert self.conc_start is not None  # the schema requires a range or a list
        return self.conc_start


@record
class SeqLenConfig:
    isl: int
    osl: int
    search_space: tuple[SearchPoint, ...]


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
    seq_len_configs: tuple[SeqLenConfig, ...]
    multinode: bool | None = None
    disagg: bool | None = None


@record
class Custom:
    """What `custom` is given on the command line instead of an entry."""

    image: str
    model: str
    precision: str
    framework: str
    model_prefix: str | None = None
    disagg: bool | None = None


@record
class RunnerConfig:
    path: str
    types: tuple[tuple[str, tuple[str, ...]], ...]  # runner type -> its nodes, in file order

    def nodes(self, runner_type: str) -> tuple[str, ...] | None:
        for name, nodes in self.types:
            if name == runner_type:
                return nodes
        return None

    @property
    def type_names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.types)

    def knows(self, label: str) -> bool:
        """A runner type or a runner node."""
        return any(label == name or label in nodes for name, nodes in self.types)


def entries(data: dict[str, Any], source: str) -> list[Entry]:
    return [from_data(Entry, value, key=str(key), source=source) for key, value in data.items()]


def runner_config(data: dict[str, Any], path: str) -> RunnerConfig:
    return RunnerConfig(path, tuple((str(name), tuple(nodes)) for name, nodes in data.items()))
