"""The typed model: frozen dataclasses built from validated, defaults-filled documents.

A document key is its attribute name with `_` written `-` (`conc_start` reads
`conc-start`), so each field is spelled once, here. Values are taken as they are:
the schema has already checked them and filled their defaults; a dataclass default
(`None`) marks a field that a schema version or a shape does not have (v1 has no
`multinode`; a v2 multinode point has `prefill` instead of `tp`; a point gives
`conc-list` or `conc-start`/`conc-end`).
"""

from __future__ import annotations

from dataclasses import MISSING, dataclass, field, fields, is_dataclass
from functools import cache
from types import NoneType, UnionType
from typing import Any, Callable, TypeVar, get_args, get_origin, get_type_hints

T = TypeVar("T")

# set on fields that do not come from the document's mapping (an entry's key, its file)
OUTSIDE = {"outside": True}
# set on a field that holds the document keys of the mapping, as written (in file order)
WRITTEN = {"outside": True, "written": True}


def document_name(attribute: str) -> str:
    return attribute.replace("_", "-")


def attribute_name(key: str) -> str:
    return key.replace("-", "_")


class ModelError(Exception):
    """A validated document lacks a field the model needs: the schema and the model disagree."""


@dataclass(frozen=True)
class Worker:
    """One kind of worker of a multinode deployment (v2): printed with exactly the keys written."""

    written: tuple[str, ...] = field(metadata=WRITTEN)
    num_worker: int
    tp: int
    ep: int
    dp_attn: bool
    additional_settings: tuple[str, ...] | None = None


@dataclass(frozen=True, kw_only=True)
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


@dataclass(frozen=True)
class SeqLenConfig:
    isl: int
    osl: int
    search_space: tuple[SearchPoint, ...]


@dataclass(frozen=True)
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


@dataclass(frozen=True)
class Custom:
    """What `custom` is given on the command line instead of an entry."""

    image: str
    model: str
    precision: str
    framework: str
    model_prefix: str | None = None
    disagg: bool | None = None


@dataclass(frozen=True)
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


@dataclass(frozen=True, kw_only=True, slots=True)  # tens of thousands of them: no __dict__ each
class Job:
    """One matrix entry before printing; the version's output rules choose and order the keys.

    A single-node job has one concurrency; a multinode job (prefill and decode workers
    instead of tp, ep, dp-attn) serves every concurrency of its search point.
    """

    image: str
    model: str
    model_prefix: str | None
    precision: str
    framework: str
    runner: str
    isl: int
    osl: int
    conc: int | tuple[int, ...]
    max_model_len: int
    exp_name: str
    tp: int | None = None
    ep: int | None = None
    dp_attn: bool | None = None
    spec_decoding: str | None = None
    disagg: bool | None = None
    prefill: Worker | None = None
    decode: Worker | None = None


@dataclass(frozen=True)
class ConfigSet:
    """Every entry of the master configs (file order, then entry order) and the runner config."""

    version: str
    entries: tuple[Entry, ...]
    runners: RunnerConfig | None

    def entry(self, key: str) -> Entry | None:
        for e in self.entries:
            if e.key == key:
                return e
        return None


def _converter(hint: Any) -> Callable[[Any], Any] | None:
    """How a document value becomes the field's value: nested dataclasses built, lists made tuples."""
    if get_origin(hint) is UnionType:  # `X | None`: the value is there, so it is an X
        hint = next(a for a in get_args(hint) if a is not NoneType)
    args = get_args(hint)
    if get_origin(hint) is tuple and len(args) == 2 and args[1] is Ellipsis:
        item = args[0]
        if not (isinstance(item, type) and is_dataclass(item)):
            return tuple

        def items(values: list[Any]) -> tuple[Any, ...]:
            return tuple(from_data(item, value) for value in values)
        return items
    if isinstance(hint, type) and is_dataclass(hint):
        cls = hint

        def one(value: dict[str, Any]) -> Any:
            return from_data(cls, value)
        return one
    return None


@cache
def _reader(cls: type) -> tuple[tuple[str, str, Callable[[Any], Any] | None, bool], ...]:
    """(attribute, document key, converter, required) for each field of cls read from a mapping."""
    hints = get_type_hints(cls)
    out = []
    for f in fields(cls):
        if f.metadata.get("outside"):
            continue
        required = f.default is MISSING and f.default_factory is MISSING
        out.append((f.name, document_name(f.name), _converter(hints[f.name]), required))
    return tuple(out)


@cache
def _written_field(cls: type) -> str | None:
    return next((f.name for f in fields(cls) if f.metadata.get("written")), None)


def from_data(cls: type[T], data: dict[str, Any], **outside: Any) -> T:
    """An instance of cls from a validated mapping (plus the fields that come from elsewhere)."""
    values = dict(outside)
    written = _written_field(cls)  # type: ignore[arg-type]  # classes are hashable; mypy's Hashable check is not
    if written is not None:
        values[written] = tuple(data)
    for attribute, key, convert, required in _reader(cls):  # type: ignore[arg-type]
        if key in data:
            value = data[key]
            values[attribute] = convert(value) if convert is not None and value is not None else value
        elif required:
            raise ModelError(f"'{key}' is missing from a validated {cls.__name__}: the schema and the model disagree")
    return cls(**values)


def entries(data: dict[str, Any], source: str) -> list[Entry]:
    return [from_data(Entry, value, key=str(key), source=source) for key, value in data.items()]


def runner_config(data: dict[str, Any], path: str) -> RunnerConfig:
    return RunnerConfig(path, tuple((str(name), tuple(nodes)) for name, nodes in data.items()))
