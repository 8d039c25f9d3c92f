"""The expander: validated configs in, matrix entries out. Never prints.

One builder (`build`) makes every job; the five seed-compatible selections differ
only in which entries, sequence-length blocks, search points, concurrencies and
runners they pick. How a job is printed (which keys, in which order) belongs to
the schema version: `sweepgen/matrix_<version>.py` holds that version's `Rules`,
found by the version the documents were detected as. A new version is new schema
files plus such a module.

A multinode search point (v2: prefill and decode workers) is one job serving all
its concurrencies; full-sweep prints single-node jobs first, then multinode ones.
The other selections expand single-node entries only and name the multinode ones
they leave out.
"""

from __future__ import annotations

import difflib
import importlib
import json
from dataclasses import dataclass, fields
from enum import Enum
from functools import cache
from operator import attrgetter
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Mapping, Sequence, TypeVar

from . import checks, defaults, model, schemas
from .model import ConfigSet, Custom, Entry, Job, SearchPoint, SeqLenConfig, Worker

if TYPE_CHECKING:
    from .lint import LintResult

# The seed generator's sequence length for the runner smoke tests and `custom`.
SMOKE_SEQ_LEN = "1k1k"
# full-sweep gives the server this many tokens beyond isl + osl.
FULL_SWEEP_HEADROOM = 200


class ExpandError(Exception):
    """A request the configs cannot satisfy; the message is the seed generator's wording."""

    def __init__(self, message: str, skipped: tuple[Skipped, ...] = ()) -> None:
        super().__init__(message)
        self.skipped = skipped  # entries left out on the way, still worth reporting


class Shape(Enum):
    """Which subcommand produced a job: each prints its keys in its own order."""

    FULL_SWEEP = "full-sweep"
    FULL_SWEEP_TEST = "full-sweep --test-mode"
    TEST_CONFIG = "test-config"
    TEST_CONFIG_TEST = "test-config --test-mode"
    RUNNER_MODEL_SWEEP = "runner-model-sweep"
    RUNNER_SWEEP = "runner-sweep"
    CUSTOM = "custom"


@dataclass(frozen=True)
class Skipped:
    """An entry a selection left out, and why (the seed generator crashed on these)."""

    entry: Entry
    reason: str


@dataclass(frozen=True)
class Selection:
    shape: Shape
    jobs: tuple[Job, ...]
    skipped: tuple[Skipped, ...] = ()


@dataclass(frozen=True)
class Filters:
    """full-sweep's filters: OR within one, AND across them; empty means no filter."""

    model_prefixes: tuple[str, ...] = ()  # matched against the entry key, by prefix
    precisions: tuple[str, ...] = ()
    frameworks: tuple[str, ...] = ()
    runner_types: tuple[str, ...] = ()
    seq_lens: tuple[str, ...] = ()
    # --single-node / --multi-node; neither means both
    single_node: bool = False
    multi_node: bool = False

    def admits(self, entry: Entry) -> bool:
        return ((not self.model_prefixes or entry.key.startswith(self.model_prefixes))
                and (not self.precisions or entry.precision in self.precisions)
                and (not self.frameworks or entry.framework in self.frameworks)
                and (not self.runner_types or entry.runner in self.runner_types))

    def node_kinds(self) -> tuple[bool, ...]:
        """The entry kinds wanted, in output order: single-node (False) first, then multinode (True)."""
        if self.single_node == self.multi_node:
            return (False, True)
        return (self.multi_node,)

    def describe(self) -> str:
        """The seed generator's rendering: python list reprs, e.g. `model-prefix=['gptoss']`."""
        parts = [("model-prefix", self.model_prefixes), ("precision", self.precisions),
                 ("framework", self.frameworks), ("runner-type", self.runner_types), ("seq-lens", self.seq_lens)]
        text = "".join(f" {name}={list(values)!r}" for name, values in parts if values)
        kinds = self.node_kinds()
        if len(kinds) == 1:
            text += " multi-node" if kinds[0] else " single-node"
        return text


def build(origin: Entry | Custom, isl: int, osl: int, point: SearchPoint, *, conc: int | tuple[int, ...],
          runner: str, exp_name: str, max_model_len: int) -> Job:
    """The one builder of matrix jobs: what runs (an entry, or custom's flags), where, and how."""
    return Job(image=origin.image, model=origin.model, model_prefix=origin.model_prefix,
               precision=origin.precision, framework=origin.framework, runner=runner, isl=isl, osl=osl,
               tp=point.tp, ep=point.ep, dp_attn=point.dp_attn, conc=conc, max_model_len=max_model_len,
               exp_name=exp_name, spec_decoding=point.spec_decoding, disagg=origin.disagg,
               prefill=point.prefill, decode=point.decode)


# ---------------------------------------------------------------- output rules per version

@dataclass(frozen=True)
class _Closed:
    """A closed object schema of independent properties: each property can be checked on its own."""

    required: frozenset[str]
    properties: dict[str, tuple[str, checks.Check]]  # name -> (subschema URI, yes/no check of it)


class EntryChecker:
    """Validates printed entries against the version's matrix-entry schema.

    When the schema is a closed object of independent properties, entries are
    checked one property value at a time, and a value already seen valid is not
    checked again: the same verdict as validating the whole entry, about thirty
    times faster on a large sweep. The schema may also choose between such
    objects with an `if` that only asks which keys are present (`required`) and
    `then`/`else` references within the document (v2: single-node or multinode
    job): the `if` depends on the key set alone, so each distinct key tuple picks
    its branch once. Values are checked by `checks` (compiled, no jsonschema).
    Any other schema (or any failure) goes through the full validator, which
    also writes the message.
    """

    _PLAIN = frozenset({"$schema", "$id", "$comment", "$defs", "title", "description", "examples",
                        "x-sweepgen-version", "type", "properties", "required", "additionalProperties"})
    _CHOICE = frozenset({"$schema", "$id", "$comment", "$defs", "title", "description", "examples",
                         "x-sweepgen-version", "if", "then", "else"})

    def __init__(self, version: str) -> None:
        self.version = version
        self.schema = schemas.version(version).schema("matrix-entry")
        self.base = schemas.version(version).schema_id("matrix-entry")
        self._closed: dict[str, _Closed | None] = {}  # JSON pointer -> its closed object, if it is one
        self._branch: dict[tuple[str, ...], _Closed | None] = {}  # key tuple -> the object that checks it
        self.seen: set[tuple[str, Any]] = set()  # (property subschema URI, (type, value)) found valid

    def first_problem(self, entries: list[dict[str, Any]]) -> tuple[int, str] | None:
        """(index, description) of the first invalid entry, or None when all are valid."""
        if self._all_valid_by_property(entries):
            return None
        for i, entry in enumerate(entries):
            problem = self.problem(entry)
            if problem is not None:
                return i, problem
        return None

    def problem(self, entry: dict[str, Any]) -> str | None:
        """None when the entry is valid, else a one-line description of its first fault."""
        from jsonschema.exceptions import best_match

        error = best_match(schemas.validator(self.version, "matrix-entry").iter_errors(entry))
        if error is None:
            return None
        where = "".join(f"[{p!r}]" for p in error.absolute_path)
        # the schema's own description of a value beats a regular expression
        expected = error.schema.get("x-sweepgen-expected") if isinstance(error.schema, dict) else None
        message = f"{error.instance!r} is not {expected}" if expected else error.message
        return f"{where}: {message}" if where else message

    def _pointer_schema(self, pointer: str) -> Any:
        node: Any = self.schema
        for part in filter(None, pointer.split("/")):
            part = part.replace("~1", "/").replace("~0", "~")
            if not isinstance(node, dict) or part not in node:
                return None
            node = node[part]
        return node

    def _closed_at(self, pointer: str) -> _Closed | None:
        if pointer not in self._closed:
            schema = self._pointer_schema(pointer)
            closed = None
            if (isinstance(schema, dict) and set(schema) <= self._PLAIN and schema.get("type") == "object"
                    and schema.get("additionalProperties") is False):
                closed = _Closed(frozenset(schema.get("required", ())), {
                    name: (uri := f"{self.base}#{pointer}/properties/{_escape(name)}",
                           checks.check(self.version, "matrix-entry", uri))
                    for name in schema.get("properties", {})})
            self._closed[pointer] = closed
        return self._closed[pointer]

    def _branch_for(self, keys: tuple[str, ...]) -> _Closed | None:
        """The closed object an entry with these keys is checked against, or None (full validator)."""
        if keys in self._branch:
            return self._branch[keys]
        pointer = ""
        for _ in range(8):  # a chain of choices, never a cycle
            schema = self._pointer_schema(pointer)
            if not (isinstance(schema, dict) and set(schema) <= self._CHOICE and "if" in schema):
                break
            test, then, other = schema["if"], schema.get("then"), schema.get("else")
            if not (isinstance(test, dict) and set(test) == {"required"} and isinstance(test["required"], list)):
                self._branch[keys] = None
                return None
            chosen = then if set(test["required"]) <= set(keys) else other
            ref = chosen.get("$ref") if isinstance(chosen, dict) and set(chosen) == {"$ref"} else None
            if not (isinstance(ref, str) and ref.startswith("#/")):
                self._branch[keys] = None
                return None
            pointer = ref[1:]
        closed = self._closed_at(pointer)
        self._branch[keys] = closed
        return closed

    def _all_valid_by_property(self, entries: list[dict[str, Any]]) -> bool:
        shapes = set(map(tuple, entries))  # the key tuples: one per output shape
        groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        if len(shapes) == 1:
            groups[shapes.pop()] = entries
        else:
            for entry in entries:
                groups.setdefault(tuple(entry), []).append(entry)
        for keys, group in groups.items():
            closed = self._branch_for(keys)
            if closed is None or not (closed.required <= set(keys) <= closed.properties.keys()):
                return False
            # columns of values, transposed in C: the check costs little more than the distinct values
            for name, column in zip(keys, zip(*map(dict.values, group))):
                if not self._column_valid(closed.properties[name], column):
                    return False
        return True

    def _column_valid(self, prop: tuple[str, Any], column: tuple[Any, ...]) -> bool:
        uri, check = prop
        kinds = set(map(type, column))
        try:  # the type is part of the token: True == 1, but only one is a valid integer
            if len(kinds) == 1:
                kind = kinds.pop()
                distinct = {(kind, v): v for v in set(column)}
            else:
                distinct = {token: token[1] for token in zip(map(type, column), column)}
        except TypeError:  # lists and mappings: compare them by their repr, which tells true from 1
            distinct = {(type(v), repr(v)): v for v in column}
        for token, value in distinct.items():
            if (uri, token) not in self.seen:
                if not check(value):
                    return False
                self.seen.add((uri, token))
        return True


def _escape(name: str) -> str:
    return name.replace("~", "~0").replace("/", "~1")


Getter = tuple[tuple[str, ...], Callable[[Job], tuple[Any, ...]]]


class Rules:
    """A version's output rules: the key order of each shape. Subclass for more.

    orders: the key order of a single-node job of each shape; multinode: the key
    order of a multinode job (any shape), for versions that have them; point_def:
    the master-config `$defs` name of a single-node search point (custom's job
    takes its defaults from there); entry_def: that of an entry.
    """

    def __init__(self, version: str, orders: Mapping[Shape, tuple[str, ...]], *,
                 multinode: tuple[str, ...] | None = None, point_def: str = "search-point",
                 entry_def: str = "entry") -> None:
        self.version = version
        self.point_def = point_def
        self.entry_def = entry_def
        self._orders = {shape: self._pairs(shape.value, orders[shape]) for shape in Shape}
        # render's fast path: the keys, and one C-level getter of the values in that order
        self._getters: dict[Shape, Getter] = {shape: self._getter(pairs) for shape, pairs in self._orders.items()}
        self._multinode: Getter | None = self._getter(self._pairs("multinode", multinode)) if multinode else None
        self._checker: EntryChecker | None = None

    def _pairs(self, what: str, order: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
        attributes = {f.name for f in fields(Job)}
        pairs = tuple((key, model.attribute_name(key)) for key in order)
        unknown = [key for key, attribute in pairs if attribute not in attributes]
        if unknown or len(set(order)) != len(order):
            raise ValueError(f"{self.version} {what}: bad key order {order} (unknown: {unknown})")
        return pairs

    @staticmethod
    def _getter(pairs: tuple[tuple[str, str], ...]) -> Getter:
        return tuple(k for k, _ in pairs), attrgetter(*(a for _, a in pairs))

    def order(self, shape: Shape, job: Job) -> tuple[tuple[str, str], ...]:
        """(printed key, Job attribute) pairs in printing order (override with render)."""
        return self._orders[shape]

    def render_keys(self, shape: Shape) -> tuple[str, ...]:
        """The printed keys of a single-node job of this shape."""
        return self._getters[shape][0]

    def concurrencies(self, point: SearchPoint, step: int) -> Iterator[int]:
        """A point's conc-list as written; else conc-start, times step each time, clamped to
        conc-end, which always ends the ladder."""
        if point.conc_list is not None:
            yield from point.conc_list
            return
        conc, end = point.conc_start, point.conc_end
        assert conc is not None and end is not None  # the schema requires a range or a list
        if conc > end:
            return
        while True:
            yield conc
            if conc == end:
                return
            conc = min(conc * step, end)

    def render(self, job: Job, shape: Shape) -> dict[str, Any]:
        if job.prefill is not None:
            if self._multinode is None:
                raise ExpandError(f"schema version {self.version} has no multinode jobs")
            keys, values = self._multinode
            return dict(zip(keys, map(_plain, values(job))))
        keys, values = self._getters[shape]
        return dict(zip(keys, values(job)))

    @property
    def checker(self) -> EntryChecker:
        if self._checker is None:
            self._checker = EntryChecker(self.version)
        return self._checker


def _plain(value: Any) -> Any:
    """A job value as JSON: tuples become lists; a worker block, the keys its config gave."""
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, Worker):
        return {key: _plain(getattr(value, model.attribute_name(key))) for key in value.written}
    return value


@cache
def rules_for(version: str) -> Rules:
    try:
        module = importlib.import_module(f"sweepgen.matrix_{version}")
    except ModuleNotFoundError:
        raise ExpandError(f"the expander does not support schema version {version} yet") from None
    rules: Rules = module.RULES
    return rules


def render(selection: Selection, version: str) -> list[dict[str, Any]]:
    """The printed entries, each validated against the version's matrix-entry schema."""
    rules = rules_for(version)
    out = [rules.render(job, selection.shape) for job in selection.jobs]
    _check_rendered(rules, out, 0)
    return out


def check_rendered(selection: Selection, version: str, chunk: int = 4096) -> None:
    """Validate every entry the selection prints against the version's matrix-entry schema,
    a chunk at a time, keeping none: the printing that follows never starts on bad output."""
    rules = rules_for(version)
    jobs, shape = selection.jobs, selection.shape
    for start in range(0, len(jobs), chunk):
        _check_rendered(rules, [rules.render(job, shape) for job in jobs[start:start + chunk]], start)


def encoder(version: str, shape: Shape) -> Callable[[Sequence[Job]], str]:
    """json.dumps of the printed entries of some jobs (checked beforehand by check_rendered)."""
    rules = rules_for(version)
    dumps = _entry_dumps()

    def encode(jobs: Sequence[Job]) -> str:
        return "[" + ", ".join([dumps(rules.render(job, shape)) for job in jobs]) + "]"
    return encode


def iter_json(selection: Selection, version: str, start: int = 0, stop: int | None = None,
              chunk: int = 2048) -> Iterator[str]:
    """The printed JSON list of selection.jobs[start:stop], in pieces of up to `chunk` entries:
    what json.dumps of the whole list prints, never held as one string."""
    encode = encoder(version, selection.shape)
    jobs = selection.jobs[start:stop]
    if not jobs:
        yield "[]"
        return
    for first in range(0, len(jobs), chunk):
        piece = encode(jobs[first:first + chunk])
        yield ("[" if first == 0 else ", ") + piece[1:-1] + ("]" if first + chunk >= len(jobs) else "")


def _entry_dumps() -> Callable[[dict[str, Any]], str]:
    """json.dumps of one entry (default separators, ASCII), by the C encoder directly when
    CPython has it: a third faster than json.dumps over tens of thousands of entries."""
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:  # pragma: no cover - a Python without the C accelerator
        return json.dumps
    encode = make(None, json.JSONEncoder().default, json.encoder.encode_basestring_ascii, None,
                  ": ", ", ", False, False, True)
    return lambda entry: "".join(encode(entry, 0))


def _check_rendered(rules: Rules, entries: list[dict[str, Any]], offset: int) -> None:
    problem = rules.checker.first_problem(entries)
    if problem is not None:
        raise ExpandError(f"generated entry {offset + problem[0]} does not match the {rules.version} "
                          f"matrix-entry schema: {problem[1]}")


# ---------------------------------------------------------------- sequence lengths

@cache
def seq_lens(version: str) -> dict[str, tuple[int, int]]:
    """The named isl/osl pairs, read from the schema (`x-sweepgen-combination`, rule seq-len)."""
    found = _find_combination(version_schema(version), "seq-len")
    return {name: (int(pair[0]), int(pair[1])) for name, pair in (found or {}).items()}


def version_schema(version: str) -> dict[str, Any]:
    return schemas.version(version).schema("master-config")


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


def seq_len_name(version: str, isl: int, osl: int) -> str:
    for name, pair in seq_lens(version).items():
        if pair == (isl, osl):
            return name
    return f"{isl}_{osl}"


def _seq_filter(version: str, names: tuple[str, ...]) -> set[tuple[int, int]] | None:
    known = seq_lens(version)
    return {known[n] for n in names} if names else None


# ---------------------------------------------------------------- the selections

def _widest(block: SeqLenConfig) -> SearchPoint:
    """The first search point with the largest tp (Python's max keeps the first)."""
    return max(block.search_space, key=lambda p: p.tp or 0)


def _sweep(configs: ConfigSet, origin: Entry, block: SeqLenConfig, point: SearchPoint, step: int,
           runner: str, exp_name: str, max_model_len: int) -> Iterator[Job]:
    """A single-node point's job per concurrency; a multinode point's one job serving them all."""
    concs = rules_for(configs.version).concurrencies(point, step)
    if point.multinode:
        yield build(origin, block.isl, block.osl, point, conc=tuple(concs), runner=runner, exp_name=exp_name,
                    max_model_len=max_model_len)
        return
    for conc in concs:
        yield build(origin, block.isl, block.osl, point, conc=conc, runner=runner, exp_name=exp_name,
                    max_model_len=max_model_len)


def _test_job(origin: Entry, block: SeqLenConfig, runner: str, exp_name: str, max_model_len: int) -> Job:
    """--test-mode's job of a block: the first largest-tp point at its lowest concurrency; for a
    multinode entry, the first point at its lowest concurrency (a list of one)."""
    if origin.multinode:
        point = block.search_space[0]
        conc: int | tuple[int, ...] = (point.lowest_conc,)
    else:
        point = _widest(block)
        conc = point.lowest_conc
    return build(origin, block.isl, block.osl, point, conc=conc, runner=runner, exp_name=exp_name,
                 max_model_len=max_model_len)


def _check_step(step: int) -> None:
    if step < 2:
        raise ExpandError(f"step size must be at least 2 (got {step}): the concurrency ladder would never end")


def full_sweep(configs: ConfigSet, filters: Filters, step: int = 2, test_mode: bool = False) -> Selection:
    _check_step(step)
    if filters.runner_types:
        if configs.runners is None:
            raise ExpandError("--runner-config is required when --runner-type is specified")
        valid = configs.runners.type_names
        invalid = sorted(set(filters.runner_types) - set(valid))
        if invalid:
            shown = "{" + ", ".join(repr(t) for t in invalid) + "}"
            raise ExpandError(f"Invalid runner type(s): {shown}. Valid runner types are: {', '.join(sorted(valid))}")
    wanted = _seq_filter(configs.version, filters.seq_lens)
    jobs: list[Job] = []
    for multinode in filters.node_kinds():
        for entry in configs.entries:
            if bool(entry.multinode) != multinode or not filters.admits(entry):
                continue
            for block in entry.seq_len_configs:
                if wanted and (block.isl, block.osl) not in wanted:
                    continue
                exp_name = f"{entry.model_prefix}_{seq_len_name(configs.version, block.isl, block.osl)}"
                max_model_len = block.isl + block.osl + FULL_SWEEP_HEADROOM
                if test_mode:
                    jobs.append(_test_job(entry, block, entry.runner, exp_name, max_model_len))
                    continue
                for point in block.search_space:
                    jobs.extend(_sweep(configs, entry, block, point, step, entry.runner, exp_name, max_model_len))
    if not jobs:
        raise ExpandError("No configs found matching filters:" + filters.describe())
    return Selection(Shape.FULL_SWEEP_TEST if test_mode else Shape.FULL_SWEEP, tuple(jobs))


def test_config(configs: ConfigSet, key: str, runner_node: str | None = None, seq_len_names: tuple[str, ...] = (),
                step: int = 2, test_mode: bool = False) -> Selection:
    _check_step(step)
    entry = configs.entry(key)
    if entry is None:
        message = f"Specified key '{key}' does not exist in config files."
        close = difflib.get_close_matches(key, [e.key for e in configs.entries], n=1)
        raise ExpandError(message + (f" Did you mean '{close[0]}'?" if close else ""))
    if entry.multinode:
        raise ExpandError(f"entry '{key}' is a multinode entry: test-config expands single-node entries only; "
                          f"`full-sweep --multi-node --model-prefix {key}` gives its jobs")
    if runner_node:
        nodes = (configs.runners.nodes(entry.runner) if configs.runners else None) or ()
        if runner_node not in nodes:
            raise ExpandError(
                f"Runner node '{runner_node}' is not compatible with config '{key}' which runs on runner type "
                f"'{entry.runner}'. Available runner nodes for this config are '{', '.join(nodes)}'.")
    runner = runner_node or entry.runner
    wanted = _seq_filter(configs.version, seq_len_names)
    jobs: list[Job] = []
    for block in entry.seq_len_configs:
        if wanted and (block.isl, block.osl) not in wanted:
            continue
        max_model_len = block.isl + block.osl
        for point in block.search_space:
            if test_mode:
                jobs.append(build(entry, block.isl, block.osl, point, conc=point.lowest_conc, runner=runner,
                                  exp_name=f"{entry.model_prefix}_test", max_model_len=max_model_len))
            else:
                exp_name = f"{entry.model_prefix}_{seq_len_name(configs.version, block.isl, block.osl)}"
                jobs.extend(_sweep(configs, entry, block, point, step, runner, exp_name, max_model_len))
    return Selection(Shape.TEST_CONFIG_TEST if test_mode else Shape.TEST_CONFIG, tuple(jobs))


def _runner_nodes(configs: ConfigSet, runner_type: str) -> tuple[str, ...]:
    nodes = configs.runners.nodes(runner_type) if configs.runners else None
    if not nodes:
        path = configs.runners.path if configs.runners else "(none)"
        kinds = ", ".join(configs.runners.type_names) if configs.runners else ""
        raise ExpandError(f"Runner '{runner_type}' does not exist in runner config '{path}'. "
                          f"Must choose from existing runner types: '{kinds}'.")
    return nodes


def _smoke(configs: ConfigSet, entries: list[Entry], nodes: tuple[str, ...], command: str,
           ) -> tuple[list[Job], list[Skipped]]:
    """One job per entry and node: the entry's 1k1k block, its widest point, that point's lowest
    concurrency. Multinode entries are left out (a smoke test runs on one node)."""
    smoke = seq_lens(configs.version).get(SMOKE_SEQ_LEN)
    jobs: list[Job] = []
    skipped: list[Skipped] = []
    for entry in entries:
        if entry.multinode:
            skipped.append(Skipped(entry, f"entry '{entry.key}' is a multinode entry; {command} tests single-node "
                                          "entries only and skipped it"))
            continue
        block = next((b for b in entry.seq_len_configs if (b.isl, b.osl) == smoke), None)
        if block is None:
            skipped.append(Skipped(entry, f"entry '{entry.key}' has no {SMOKE_SEQ_LEN} block; {command} skipped it"))
            continue
        point = _widest(block)
        for node in nodes:
            jobs.append(build(entry, block.isl, block.osl, point, conc=point.lowest_conc, runner=node,
                              exp_name=f"{entry.model_prefix}_test", max_model_len=block.isl + block.osl))
    return jobs, skipped


def runner_model_sweep(configs: ConfigSet, runner_type: str, node_filter: str | None = None) -> Selection:
    nodes = _runner_nodes(configs, runner_type)
    if node_filter:
        nodes = tuple(n for n in nodes if node_filter in n)
        if not nodes:
            raise ExpandError(f"No runner nodes found matching filter '{node_filter}' for runner type '{runner_type}'.")
    chosen = [e for e in configs.entries if e.runner == runner_type]
    jobs, skipped = _smoke(configs, chosen, nodes, "runner-model-sweep")
    return Selection(Shape.RUNNER_MODEL_SWEEP, tuple(jobs), tuple(skipped))


def runner_sweep(configs: ConfigSet, runner_type: str, model_prefix: str, precision: str | None = None,
                 framework: str | None = None) -> Selection:
    nodes = _runner_nodes(configs, runner_type)
    chosen = [e for e in configs.entries
              if e.key.startswith(model_prefix) and e.runner == runner_type
              and not (precision and e.precision != precision) and not (framework and e.framework != framework)]
    jobs, skipped = _smoke(configs, chosen, nodes, "runner-sweep")
    if not jobs:
        message = f"No configs found matching model prefix '{model_prefix}'"
        if precision:
            message += f", precision '{precision}'"
        if framework:
            message += f", framework '{framework}'"
        raise ExpandError(message + ".", tuple(skipped))
    return Selection(Shape.RUNNER_SWEEP, tuple(jobs), tuple(skipped))


# `custom`'s fixed job: the seed generator's values; ep and dp-attn are the schema's defaults.
CUSTOM_TP = 8
CUSTOM_CONC = 4


def custom(configs: ConfigSet, runner_label: str, what: Custom, exp_name: str) -> Selection:
    if configs.runners is None or not configs.runners.knows(runner_label):
        raise ExpandError(f"Unable to find specified runner label '{runner_label}'.")
    rules = rules_for(configs.version)
    if what.model_prefix is None and "model-prefix" in rules.render_keys(Shape.CUSTOM):
        raise ExpandError(f"{configs.version} jobs name their model-prefix: give custom --model-prefix")
    isl, osl = seq_lens(configs.version)[SMOKE_SEQ_LEN]
    point = with_defaults(configs.version, rules.point_def, SearchPoint, tp=CUSTOM_TP, conc_start=CUSTOM_CONC,
                          conc_end=CUSTOM_CONC)
    # what an entry would have by default (v2: disagg false), for the fields custom has
    what = with_defaults(configs.version, rules.entry_def, Custom, **{
        f.name: getattr(what, f.name) for f in fields(Custom) if getattr(what, f.name) is not None})
    job = build(what, isl, osl, point, conc=CUSTOM_CONC, runner=runner_label, exp_name=exp_name,
                max_model_len=isl + osl)
    return Selection(Shape.CUSTOM, (job,))


M = TypeVar("M")


def with_defaults(version: str, definition: str, cls: type[M], **values: Any) -> M:
    """A model object from keyword values, its missing fields filled from the schema's defaults
    (those of the master-config definition `definition`)."""
    data = {model.document_name(k): v for k, v in values.items()}
    return model.from_data(cls, defaults.filler(version, "master-config", definition)(data))


# ---------------------------------------------------------------- loading

@dataclass(frozen=True)
class Loaded:
    """A linted document with its schema defaults filled in."""

    path: str
    kind: str
    version: str
    data: Any


def filled_documents(result: LintResult) -> list[Loaded]:
    """Every document the lint run read, defaults filled, master configs first (in order)."""
    out: list[Loaded] = []
    for kind in ("master-config", "runner-config"):
        for report in result.files:
            if report.kind != kind or report.version is None or report.path not in result.documents:
                continue
            data = result.documents[report.path].data
            out.append(Loaded(report.path, kind, report.version, defaults.fill(report.version, kind, data)))
    return out


def load(result: LintResult, runner_path_shown: str | None = None) -> ConfigSet:
    """The typed model of a clean lint run's documents (reusing what lint loaded)."""
    documents = filled_documents(result)
    masters = [d for d in documents if d.kind == "master-config"]
    versions = sorted({d.version for d in masters})
    if len(versions) > 1:
        shown = ", ".join(f"{d.path} is {d.version}" for d in masters)
        raise ExpandError(f"the master configs mix schema versions ({shown}); "
                          f"`sweepgen migrate` brings them to one version")
    if not versions:
        raise ExpandError("no master config among the config files")
    version = versions[0]
    rules_for(version)  # fail early for a version without output rules
    entries: list[Entry] = []
    for d in masters:
        entries.extend(model.entries(d.data, d.path))
    runner = next((d for d in documents if d.kind == "runner-config" and d.path == result.runner_config), None)
    runners = model.runner_config(runner.data, runner_path_shown or runner.path) if runner else None
    return ConfigSet(version, tuple(entries), runners)
