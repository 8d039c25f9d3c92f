"""What every config format provides, and what generic code receives from it.

A `Format` is one version of the master-config format (its schema folder plus its
Python): how it reads its runner config, its Python lint rules, its model, the
command-line options it takes, its selections (which subcommands it serves and the
rows each makes), its policies and its migration from the previous version.

Generic code (lint, render, plan, diff, export, migrate, the CLI) sees only what is
defined here: a `ConfigSet` whose entries have a key and a source file, `Row`s that
carry their printed mapping, entry key and plan group, and `Option`s.
"""

from __future__ import annotations

from dataclasses import field
from typing import TYPE_CHECKING, Any, Callable, Iterator, Mapping, Sequence
from ..records import record

if TYPE_CHECKING:
    from sweepgen.lint.registry import RuleInfo


class SelectError(Exception):
    """A request the configs cannot satisfy; the message is one line, in the generator's wording."""

    def __init__(self, message: str, skipped: tuple[Skipped, ...] = ()) -> None:
        super().__init__(message)
        self.skipped = skipped  # entries left out on the way, still worth reporting


class RequestError(Exception):
    """A command line that does not fit the configs' format: a usage error (exit 2)."""

    def __init__(self, message: str, option: str | None = None) -> None:
        super().__init__(message)
        self.option = option


@record(order=True)
class Group:
    """Where plan puts a row: one matrix per (scenario, model, kind), e.g. ("1k1k", "dsr1", "")
    or ("agentic", "dsv4", "multinode"). The matrix name joins the non-empty parts with '-'."""

    scenario: str
    model: str
    kind: str = ""

    @property
    def label(self) -> str:
        return "-".join(p for p in (self.scenario, self.model, self.kind) if p)

    def describe(self) -> str:
        """`the multinode jobs of model 'dsr1' at 1k1k`."""
        return f"the {self.kind + ' ' if self.kind else ''}jobs of model '{self.model}' at {self.scenario}"


class Row:
    """One printed job: its mapping (keys and values, JSON-ready), the entry key that made
    it ("" for a job given on the command line) and its plan group.

    Rows of one shape share their keys tuple; a large sweep holds tens of thousands, so a
    row is four references, and the mapping is built only when asked for.
    """

    __slots__ = ("key", "group", "keys", "values")

    def __init__(self, key: str, group: Group, keys: tuple[str, ...], values: tuple[Any, ...]) -> None:
        self.key = key
        self.group = group
        self.keys = keys
        self.values = values

    def data(self) -> dict[str, Any]:
        return dict(zip(self.keys, self.values))

    def get(self, name: str, default: Any = None) -> Any:
        try:
            return self.values[self.keys.index(name)]
        except ValueError:
            return default

    def __repr__(self) -> str:
        return f"Row({self.key!r}, {self.group!r}, {self.data()!r})"


@record
class Skipped:
    """An entry a selection left out, and why."""

    key: str
    source: str  # the file that defines it
    reason: str


@record
class Selection:
    rows: Sequence[Row]
    skipped: tuple[Skipped, ...] = ()


@record
class Option:
    """A command-line option a format takes: where it applies, what it means, its values.

    kind: "flag" (a boolean switch), "value" (one string), "values" (space-separated
    strings), "int" (one integer), "ints" (space-separated integers). applies: "entry",
    "point", "row" (what it filters or changes) or "run" (how the command runs).
    """

    flag: str
    kind: str
    help: str
    applies: str
    commands: tuple[str, ...]
    choices: tuple[str, ...] = ()
    default: Any = None
    minimum: int | None = None
    required_in: tuple[str, ...] = ()  # commands in which the option is required
    excludes: tuple[str, ...] = ()  # flags it may not be given with
    metavar: str | None = None
    completes: str | None = None  # what a shell completes its values with: "entry-key" (the configs' keys)

    @property
    def dest(self) -> str:
        return self.flag.lstrip("-").replace("-", "_")


@record
class Request:
    """What the command line asks of a format's selection: every option of the format for
    the command (its default when not given), and which ones were given."""

    command: str
    values: Mapping[str, Any]
    given: frozenset[str] = frozenset()

    def __getitem__(self, dest: str) -> Any:
        return self.values[dest]

    def get(self, dest: str, default: Any = None) -> Any:
        return self.values.get(dest, default)


class HasKey:
    """What generic code reads of a format's entry."""

    key: str
    source: str


@record
class ConfigSet:
    """A format's model of one set of configs: its entries (file order, then entry order)
    and its runner config (the format's own model of it, None when there is none)."""

    version: str
    entries: tuple[Any, ...]
    runners: Any
    runner_path: str | None = None

    def entry(self, key: str) -> Any:
        for e in self.entries:
            if e.key == key:
                return e
        return None


@record
class Finding:
    """What a format's Python rule reports: a place in one document (a path of keys and list
    indexes from its root) and a message; the lint engine turns it into a positioned problem."""

    rule: str
    path: tuple[Any, ...]
    message: str
    level: str = "error"
    at: str = "value"  # "value" or "key": which node of the path the problem points at


@record
class RuleContext:
    """What a format's Python rules may read: one master config's plain data, every master
    config of the run (path -> data, in order) and the runner config's plain data."""

    path: str
    data: Any
    masters: Mapping[str, Any]
    runner: Any = None
    runner_path: str | None = None


@record
class PythonRule:
    """A lint rule written in Python (one module each), run on every master config of its format."""

    info: RuleInfo
    check: Callable[[RuleContext], Iterator[Finding]]


@record
class AddEntryField:
    """Migration step: add `name: value` to every entry that lacks it, on the line after `after`."""

    name: str
    value: Any
    after: str


@record
class NestEntryField:
    """Migration step: put every entry's field `name` under new keys, e.g. `seq-len-configs` ->
    `scenarios: {fixed-seq-len: ...}` (`into`: the new keys, the last one taking the field's value),
    re-indenting its block as a person would."""

    name: str
    into: tuple[str, ...]


@record
class NestDocument:
    """Migration step: put the whole document under one new top-level key (a flat runners.yaml under
    `labels:`)."""

    key: str


MigrationStep = AddEntryField | NestEntryField | NestDocument


@record
class Migration:
    """How a format's documents are made from its predecessor's (`source`), per document kind."""

    source: str
    master: tuple[MigrationStep, ...] = ()
    runner: tuple[MigrationStep, ...] = ()


@record(frozen=False)
class Format:
    """One config version. Subclasses (formats/<version>/) fill in what the version knows."""

    name: str
    options: tuple[Option, ...] = ()
    rules: tuple[PythonRule, ...] = ()
    # YAML 1.1 numbers (2_063_837, 010) read as a YAML 1.1 reader would, per document kind
    yaml11_numbers: frozenset[str] = field(default_factory=frozenset)
    migration: Migration | None = None  # from the previous version
    # whether expanding needs a runner config even when no rule reads it (the generator loaded it always)
    runner_required: bool = False

    @property
    def number(self) -> int:
        return int(self.name.lstrip("v"))

    def commands(self) -> tuple[str, ...]:
        """The subcommands this format's configs can be expanded with."""
        return tuple(dict.fromkeys(c for o in self.options for c in o.commands))

    def options_for(self, command: str) -> tuple[Option, ...]:
        return tuple(o for o in self.options if command in o.commands)

    # ---------------------------------------------------------------- lint

    def reference_sets(self, runner_data: Any, path: str) -> dict[str, tuple[frozenset[str], str]]:
        """The names other documents may refer to (x-sweepgen-ref), read from the runner config."""
        return {}

    def layout_problem(self, data: Any, kind: str) -> str | None:
        """A one-line description when a document of this kind ("master-config" or "runner-config")
        is in a layout this format recognises but does not read (an older draft of it), else None.
        The lint engine then reports that one problem for the file instead of its schema's."""
        return None

    # ---------------------------------------------------------------- expansion

    def load(self, masters: Sequence[tuple[str, Any]], runner: tuple[str, Any] | None) -> ConfigSet:
        """The model of validated, defaults-filled documents: (path, data) of each master config
        in order, and of the runner config."""
        raise NotImplementedError

    def check_request(self, request: Request) -> None:
        """Refuse (RequestError) option values these configs cannot take, e.g. an unknown --seq-lens."""

    def select(self, configs: ConfigSet, request: Request) -> Selection:
        """The rows of one command (SelectError when the request cannot be met)."""
        raise NotImplementedError

    def describe(self, request: Request) -> str:
        """The command line of a request as a reviewer reads it (diff's heading)."""
        return ""

    def identity(self, row: Row, version: str | None = None) -> str:
        """What makes two rows the same job when compared across revisions: by default canonical
        JSON of the row. version: the format that made the row, when it is an older one (diff of
        a base in an older format); a format that knows how its predecessor's rows map to its own
        says what they run in its terms, so that a migrated config changes no job."""
        return canonical(row.data())


def canonical(data: Mapping[str, Any]) -> str:
    import json

    return json.dumps(data, sort_keys=True, separators=(",", ":"))
