"""The typed model: frozen dataclasses built from validated, defaults-filled documents.

A document key is its attribute name with `_` written `-` (`conc_start` reads
`conc-start`), so each field is spelled once, here. Values are taken as they are:
the schema has already checked them and filled their defaults; a dataclass default
(`None`) only marks a field that older schema versions do not have.
"""

from __future__ import annotations

from dataclasses import MISSING, dataclass, field, fields, is_dataclass
from functools import cache
from typing import Any, Callable, ClassVar, TypeVar, get_args, get_origin, get_type_hints

T = TypeVar("T")

# set on fields that do not come from the document's mapping (an entry's key, its file)
OUTSIDE = {"outside": True}


def document_name(attribute: str) -> str:
    return attribute.replace("_", "-")


class ModelError(Exception):
    """A validated document lacks a field the model needs: the schema and the model disagree."""


@dataclass(frozen=True)
class SearchPoint:
    SCHEMA_DEF: ClassVar[str] = "search-point"

    tp: int
    ep: int
    dp_attn: bool
    conc_start: int
    conc_end: int


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


@dataclass(frozen=True)
class Custom:
    """What `custom` is given on the command line instead of an entry."""

    image: str
    model: str
    precision: str
    framework: str
    model_prefix: str | None = None


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


@dataclass(frozen=True)
class Job:
    """One matrix entry before printing; the version's output rules choose and order the keys."""

    image: str
    model: str
    model_prefix: str | None
    precision: str
    framework: str
    runner: str
    isl: int
    osl: int
    tp: int
    ep: int
    dp_attn: bool
    conc: int
    max_model_len: int
    exp_name: str


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


@cache
def _reader(cls: type) -> tuple[tuple[str, str, Callable[[Any], Any] | None, bool], ...]:
    """(attribute, document key, converter, required) for each field of cls read from a mapping."""
    hints = get_type_hints(cls)
    out = []
    for f in fields(cls):
        if f.metadata.get("outside"):
            continue
        hint = hints[f.name]
        convert: Callable[[Any], Any] | None = None
        args = get_args(hint)
        if get_origin(hint) is tuple and len(args) == 2 and args[1] is Ellipsis and is_dataclass(args[0]):
            item = args[0]
            convert = lambda items, item=item: tuple(from_data(item, i) for i in items)  # noqa: E731
        elif isinstance(hint, type) and is_dataclass(hint):
            convert = lambda value, hint=hint: from_data(hint, value)  # noqa: E731
        required = f.default is MISSING and f.default_factory is MISSING
        out.append((f.name, document_name(f.name), convert, required))
    return tuple(out)


def from_data(cls: type[T], data: dict[str, Any], **outside: Any) -> T:
    """An instance of cls from a validated mapping (plus the fields that come from elsewhere)."""
    values = dict(outside)
    for attribute, key, convert, required in _reader(cls):
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
