"""The seed generator's five selections: which entries, blocks, points, concurrencies and runners
each subcommand picks. Never prints.

A multinode search point (v2: prefill and decode workers) is one row serving all its
concurrencies; full-sweep prints single-node rows first, then multinode ones. The other
selections expand single-node entries only and name the multinode ones they leave out.
"""

from __future__ import annotations

import difflib
from dataclasses import fields
from typing import Any, Iterator, TypeVar

from sweepgen import defaults, modelkit
from sweepgen.formats.base import ConfigSet, Group, Request, RequestError, Row, SelectError, Selection, Skipped
from sweepgen.formats.common import seqlen
from sweepgen.formats.common.ladder import ladder

from . import shapes
from .model import Custom, Entry, RunnerConfig, SearchPoint, SeqLenConfig
from .policy import Policy
from .rows import Orders, job
from ...records import record


@record
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

    @classmethod
    def of(cls, request: Request) -> Filters:
        return cls(tuple(request.get("model_prefix") or ()), tuple(request.get("precision") or ()),
                   tuple(request.get("framework") or ()), tuple(request.get("runner_type") or ()),
                   tuple(request.get("seq_lens") or ()), bool(request.get("single_node")),
                   bool(request.get("multi_node")))

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


class Selector:
    """One format's selections: its version, key orders and policy."""

    def __init__(self, version: str, orders: Orders, policy: Policy) -> None:
        self.version = version
        self.orders = orders
        self.policy = policy

    # ------------------------------------------------------------ naming

    def seq_name(self, isl: int, osl: int) -> str:
        return seqlen.name(seqlen.named_pairs(self.version), isl, osl)

    def _wanted(self, names: tuple[str, ...]) -> set[tuple[int, int]] | None:
        known = seqlen.named_pairs(self.version)
        return {known[n] for n in names} if names else None

    def _group(self, isl: int, osl: int, model_prefix: str | None, multinode: bool) -> Group:
        return Group(self.seq_name(isl, osl), model_prefix or "", "multinode" if multinode else "")

    def _row(self, shape: str, origin: Entry | Custom, block: SeqLenConfig | tuple[int, int], point: SearchPoint,
             conc: int | list[int], runner: str, exp_name: str, max_model_len: int, key: str) -> Row:
        isl, osl = (block.isl, block.osl) if isinstance(block, SeqLenConfig) else block
        values = job(origin, isl, osl, point, conc, runner, exp_name, max_model_len)
        return self.orders.row(shape, values, key, self._group(isl, osl, origin.model_prefix, point.multinode))

    # ------------------------------------------------------------ the pieces

    @staticmethod
    def concurrencies(point: SearchPoint, step: int) -> Iterator[int]:
        """A point's conc-list as written; else its ladder."""
        if point.conc_list is not None:
            return iter(point.conc_list)
        assert point.conc_start is not None and point.conc_end is not None  # the schema requires one
        return ladder(point.conc_start, point.conc_end, step)

    @staticmethod
    def widest(block: SeqLenConfig) -> SearchPoint:
        """The first search point with the largest tp (Python's max keeps the first)."""
        return max(block.search_space, key=lambda p: p.tp or 0)

    def _sweep(self, shape: str, entry: Entry, block: SeqLenConfig, point: SearchPoint, step: int, runner: str,
               exp_name: str, max_model_len: int) -> Iterator[Row]:
        """A single-node point's row per concurrency; a multinode point's one row serving them all."""
        concs = self.concurrencies(point, step)
        if point.multinode:
            yield self._row(shape, entry, block, point, list(concs), runner, exp_name, max_model_len, entry.key)
            return
        for conc in concs:
            yield self._row(shape, entry, block, point, conc, runner, exp_name, max_model_len, entry.key)

    def _test_row(self, entry: Entry, block: SeqLenConfig, exp_name: str, max_model_len: int) -> Row:
        """--test-mode's row of a block: the first largest-tp point at its lowest concurrency; for a
        multinode entry, the first point at its lowest concurrency (a list of one)."""
        if entry.multinode:
            point = block.search_space[0]
            conc: int | list[int] = [point.lowest_conc]
        else:
            point = self.widest(block)
            conc = point.lowest_conc
        return self._row(shapes.FULL_SWEEP_TEST, entry, block, point, conc, entry.runner, exp_name, max_model_len,
                         entry.key)

    @staticmethod
    def _step(request: Request) -> int:
        step = int(request.get("step_size") or 2)
        if step < 2:
            raise SelectError(f"step size must be at least 2 (got {step}): the concurrency ladder would never end")
        return step

    # ------------------------------------------------------------ the selections

    def full_sweep(self, configs: ConfigSet, request: Request) -> Selection:
        filters = Filters.of(request)
        step = self._step(request)
        test_mode = bool(request.get("test_mode"))
        runners: RunnerConfig | None = configs.runners
        if filters.runner_types:
            if runners is None:
                raise SelectError("--runner-config is required when --runner-type is specified")
            valid = runners.type_names
            invalid = sorted(set(filters.runner_types) - set(valid))
            if invalid:
                shown = "{" + ", ".join(repr(t) for t in invalid) + "}"
                raise SelectError(f"Invalid runner type(s): {shown}. Valid runner types are: {', '.join(sorted(valid))}")
        wanted = self._wanted(filters.seq_lens)
        out: list[Row] = []
        for multinode in filters.node_kinds():
            for entry in configs.entries:
                if bool(entry.multinode) != multinode or not filters.admits(entry):
                    continue
                for block in entry.seq_len_configs:
                    if wanted and (block.isl, block.osl) not in wanted:
                        continue
                    exp_name = f"{entry.model_prefix}_{self.seq_name(block.isl, block.osl)}"
                    max_model_len = block.isl + block.osl + self.policy.headroom
                    if test_mode:
                        out.append(self._test_row(entry, block, exp_name, max_model_len))
                        continue
                    for point in block.search_space:
                        out.extend(self._sweep(shapes.FULL_SWEEP, entry, block, point, step, entry.runner, exp_name,
                                               max_model_len))
        if not out and self.policy.nothing_matched_fails:
            raise SelectError("No configs found matching filters:" + filters.describe())
        return Selection(out)

    def test_config(self, configs: ConfigSet, request: Request) -> Selection:
        step = self._step(request)
        key: str = request["key"]
        runner_node: str | None = request.get("runner_node")
        test_mode = bool(request.get("test_mode"))
        entry: Entry | None = configs.entry(key)
        if entry is None:
            message = f"Specified key '{key}' does not exist in config files."
            close = difflib.get_close_matches(key, [e.key for e in configs.entries], n=1)
            raise SelectError(message + (f" Did you mean '{close[0]}'?" if close else ""))
        if entry.multinode:
            raise SelectError(f"entry '{key}' is a multinode entry: test-config expands single-node entries only; "
                              f"`full-sweep --multi-node --model-prefix {key}` gives its jobs")
        if runner_node:
            runners = _needs_runners(configs, "test-config --runner-node")
            nodes = runners.nodes(entry.runner) or ()
            if runner_node not in nodes:
                raise SelectError(
                    f"Runner node '{runner_node}' is not compatible with config '{key}' which runs on runner type "
                    f"'{entry.runner}'. Available runner nodes for this config are '{', '.join(nodes)}'.")
        runner = runner_node or entry.runner
        wanted = self._wanted(tuple(request.get("seq_lens") or ()))
        out: list[Row] = []
        for block in entry.seq_len_configs:
            if wanted and (block.isl, block.osl) not in wanted:
                continue
            max_model_len = block.isl + block.osl
            for point in block.search_space:
                if test_mode:
                    out.append(self._row(shapes.TEST_CONFIG_TEST, entry, block, point, point.lowest_conc, runner,
                                         f"{entry.model_prefix}_test", max_model_len, entry.key))
                else:
                    exp_name = f"{entry.model_prefix}_{self.seq_name(block.isl, block.osl)}"
                    out.extend(self._sweep(shapes.TEST_CONFIG, entry, block, point, step, runner, exp_name,
                                           max_model_len))
        return Selection(out)

    def _runner_nodes(self, configs: ConfigSet, runner_type: str, command: str) -> tuple[str, ...]:
        runners = _needs_runners(configs, command)
        nodes = runners.nodes(runner_type)
        if not nodes:
            raise SelectError(f"Runner '{runner_type}' does not exist in runner config '{runners.path}'. "
                              f"Must choose from existing runner types: '{', '.join(runners.type_names)}'.")
        return nodes

    def _smoke(self, shape: str, entries: list[Entry], nodes: tuple[str, ...]) -> tuple[list[Row], list[Skipped]]:
        """One row per entry and node: the entry's smoke block, its widest point, that point's lowest
        concurrency. Multinode entries are left out (a smoke test runs on one node)."""
        smoke = seqlen.named_pairs(self.version).get(self.policy.smoke_seq_len)
        out: list[Row] = []
        skipped: list[Skipped] = []
        for entry in entries:
            if entry.multinode:
                skipped.append(Skipped(entry.key, entry.source, f"entry '{entry.key}' is a multinode entry; {shape} "
                                                                "tests single-node entries only and skipped it"))
                continue
            block = next((b for b in entry.seq_len_configs if (b.isl, b.osl) == smoke), None)
            if block is None:
                skipped.append(Skipped(entry.key, entry.source, f"entry '{entry.key}' has no "
                                                                f"{self.policy.smoke_seq_len} block; {shape} skipped it"))
                continue
            point = self.widest(block)
            for node in nodes:
                out.append(self._row(shape, entry, block, point, point.lowest_conc, node, f"{entry.model_prefix}_test",
                                     block.isl + block.osl, entry.key))
        return out, skipped

    def runner_model_sweep(self, configs: ConfigSet, request: Request) -> Selection:
        runner_type: str = request["runner_type"]
        node_filter: str | None = request.get("runner_node_filter")
        nodes = self._runner_nodes(configs, runner_type, "runner-model-sweep")
        if node_filter:
            nodes = tuple(n for n in nodes if node_filter in n)
            if not nodes:
                raise SelectError(f"No runner nodes found matching filter '{node_filter}' for runner type "
                                  f"'{runner_type}'.")
        chosen = [e for e in configs.entries if e.runner == runner_type]
        out, skipped = self._smoke(shapes.RUNNER_MODEL_SWEEP, chosen, nodes)
        return Selection(out, tuple(skipped))

    def runner_sweep(self, configs: ConfigSet, request: Request) -> Selection:
        runner_type: str = request["runner_type"]
        model_prefix: str = request["model_prefix"]
        precision: str | None = request.get("precision")
        framework: str | None = request.get("framework")
        nodes = self._runner_nodes(configs, runner_type, "runner-sweep")
        chosen = [e for e in configs.entries
                  if e.key.startswith(model_prefix) and e.runner == runner_type
                  and not (precision and e.precision != precision) and not (framework and e.framework != framework)]
        out, skipped = self._smoke(shapes.RUNNER_SWEEP, chosen, nodes)
        if not out:
            message = f"No configs found matching model prefix '{model_prefix}'"
            if precision:
                message += f", precision '{precision}'"
            if framework:
                message += f", framework '{framework}'"
            raise SelectError(message + ".", tuple(skipped))
        return Selection(out, tuple(skipped))

    # the printed field each of custom's flags fills
    _CUSTOM_FLAGS = {"image": "--image", "model": "--model", "precision": "--precision", "framework": "--framework",
                     "model-prefix": "--model-prefix", "runner": "--runner-label", "exp-name": "--exp-name"}

    def _check_custom_row(self, row: Row) -> None:
        """Every value custom was given follows the grammar of the entry field it stands for (in the
        master config) and of its printed field (in the matrix entry): a usage error naming the flag,
        before anything is printed."""
        from sweepgen import checks, schemas
        from sweepgen.rowcheck import checker

        entry = schemas.version(self.version).schema("master-config").get("$defs", {}).get(self.policy.entry_def, {})
        master = schemas.version(self.version).schema_id("master-config")
        printed = checker(self.version).properties_for(row.keys)
        for key, value in zip(row.keys, row.values):
            flag = self._CUSTOM_FLAGS.get(key)
            if flag is None:
                continue
            places = [printed[key]] if key in printed else []
            if key in entry.get("properties", {}):
                uri = f"{master}#/$defs/{self.policy.entry_def}/properties/{key}"
                places.insert(0, (uri, checks.check(self.version, "master-config", uri)))
            for uri, check in places:
                if not check(value):
                    raise RequestError(f"{value!r} is not {schemas.expected_at(uri) or 'valid for ' + key}",
                                       f"'{flag}'")

    def custom(self, configs: ConfigSet, request: Request) -> Selection:
        runner_label: str = request["runner_label"]
        runners = _needs_runners(configs, "custom")
        if not runners.knows(runner_label):
            raise SelectError(f"Unable to find specified runner label '{runner_label}'.")
        if request.get("model_prefix") is None and "model-prefix" in self.orders.keys(shapes.CUSTOM):
            raise SelectError(f"{self.version} jobs name their model-prefix: give custom --model-prefix")
        isl, osl = seqlen.named_pairs(self.version)[self.policy.smoke_seq_len]
        conc = self.policy.custom_conc
        point = self.with_defaults(self.policy.point_def, SearchPoint, tp=self.policy.custom_tp, conc_start=conc,
                                   conc_end=conc)
        given = {f.name: request.get(f.name) for f in fields(Custom) if request.get(f.name) is not None}
        # what an entry would have by default (v2: disagg false), for the fields custom has
        what = self.with_defaults(self.policy.entry_def, Custom, **given)
        row = self._row(shapes.CUSTOM, what, (isl, osl), point, conc, runner_label, request["exp_name"], isl + osl, "")
        self._check_custom_row(row)
        return Selection((row,))

    M = TypeVar("M")

    def with_defaults(self, definition: str, cls: type[M], **values: Any) -> M:
        """A model object from keyword values, its missing fields filled from the schema's defaults
        (those of the master-config definition `definition`)."""
        data = {modelkit.document_name(k): v for k, v in values.items()}
        return modelkit.from_data(cls, defaults.filler(self.version, "master-config", definition)(data))


def _needs_runners(configs: ConfigSet, command: str) -> RunnerConfig:
    runners: RunnerConfig | None = configs.runners
    if runners is None:
        raise SelectError(f"{command} needs a runner config: none was found; give --runner-config")
    return runners
