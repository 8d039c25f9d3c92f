"""The selections of v3 configs: which entries, blocks, points, concurrencies and runners each
subcommand picks (FORMAT-v3 4.2, 4.3, 4.10), then the eval pass (4.9). Never prints.

full-sweep and test-config are the current generator's; their quirks are kept on purpose (the
concurrency filters differ per point kind; test-config reads a point's conc-list whenever the
key is written; its node filter also matches the runner label itself). runner-model-sweep,
runner-sweep and custom are sweepgen's smoke jobs in v3 terms (`_smoke`, `custom`).
"""

from __future__ import annotations

import fnmatch
from typing import Any, Iterator

from sweepgen.formats.base import ConfigSet, Request, RequestError, Row, SelectError, Selection, Skipped
from sweepgen.formats.common.ladder import ladder
from sweepgen.records import record

from . import dram, evals
from .model import AgenticBlock, Entry, FixedBlock, Point, RunnerConfig
from .policy import POLICY, Policy
from .rows import AGENTIC, FIXED, Builder


# ---------------------------------------------------------------- the request

@record
class Filters:
    """full-sweep's (and test-config's) options; empty or None means no filter."""

    model_prefixes: tuple[str, ...] = ()  # matched against the entry key, by prefix
    precisions: tuple[str, ...] = ()
    frameworks: tuple[str, ...] = ()
    runner_types: tuple[str, ...] = ()
    seq_lens: tuple[str, ...] = ()
    scenarios: tuple[str, ...] = ()
    step: int = POLICY.step_size
    min_conc: int | None = None
    max_conc: int | None = None
    max_tp: int | None = None
    max_ep: int | None = None
    single_node: bool = True  # neither flag given means both
    multi_node: bool = True
    node_filter: str | None = None
    no_evals: bool = False
    evals_only: bool = False
    all_evals: bool = False
    concs: tuple[int, ...] = ()  # test-config --conc

    @classmethod
    def of(cls, request: Request) -> Filters:
        single, multi = bool(request.get("single_node")), bool(request.get("multi_node"))
        if not single and not multi:
            single = multi = True
        return cls(tuple(request.get("model_prefix") or ()), tuple(request.get("precision") or ()),
                   tuple(request.get("framework") or ()), tuple(request.get("runner_type") or ()),
                   tuple(request.get("seq_lens") or ()), tuple(request.get("scenario_type") or ()),
                   int(request.get("step_size") or POLICY.step_size), request.get("min_conc"), request.get("max_conc"),
                   request.get("max_tp"), request.get("max_ep"), single, multi, request.get("runner_node_filter"),
                   bool(request.get("no_evals")), bool(request.get("evals_only")), bool(request.get("all_evals")),
                   tuple(request.get("conc") or ()))

    def admits(self, entry: Entry) -> bool:
        return ((not self.model_prefixes or entry.key.startswith(self.model_prefixes))
                and (not self.precisions or entry.precision in self.precisions)
                and (not self.frameworks or entry.framework in self.frameworks)
                and (not self.runner_types or entry.runner in self.runner_types))

    def kind_wanted(self, entry: Entry) -> bool:
        return self.multi_node if entry.multinode else self.single_node

    def scenario_wanted(self, scenario: str) -> bool:
        return not self.scenarios or scenario in self.scenarios

    def pairs(self, policy: Policy) -> set[tuple[int, int]] | None:
        return {policy.seq_lens[name] for name in self.seq_lens} if self.seq_lens else None

    def describe(self) -> str:
        """The filters as the seed's error named them: ` model-prefix=['dsr1'] ...`."""
        parts = [("model-prefix", self.model_prefixes), ("precision", self.precisions),
                 ("framework", self.frameworks), ("runner-type", self.runner_types), ("seq-lens", self.seq_lens),
                 ("scenario-type", self.scenarios)]
        text = "".join(f" {name}={list(values)!r}" for name, values in parts if values)
        if self.single_node != self.multi_node:
            text += " single-node" if self.single_node else " multi-node"
        for name, value in (("min-conc", self.min_conc), ("max-conc", self.max_conc), ("max-tp", self.max_tp),
                            ("max-ep", self.max_ep), ("runner-node-filter", self.node_filter)):
            if value is not None:
                text += f" {name}={value}"
        return text


def check_request(request: Request, policy: Policy = POLICY) -> None:
    """The generator's argparse errors: an unknown --seq-lens name, --min-conc above --max-conc."""
    bad = [n for n in request.get("seq_lens") or () if n not in policy.seq_lens]
    if bad:
        raise RequestError(f"invalid choice: {bad[0]}. (choose from {', '.join(policy.seq_lens)})", "'--seq-lens'")
    low, high = request.get("min_conc"), request.get("max_conc")
    if low is not None and high is not None and low > high:
        raise RequestError("--min-conc must be less than or equal to --max-conc", "'--min-conc'")


def describe(request: Request) -> str:
    return Filters.of(request).describe()


def select(configs: ConfigSet, request: Request) -> Selection:
    command = request.command
    if command in ("full-sweep", "plan", "diff"):
        filters = Filters.of(request)
        return Selection(_eval_pass(full_sweep(configs, filters), filters))
    if command == "test-config":
        filters = Filters.of(request)
        return Selection(_eval_pass(test_config(configs, request["config_keys"], filters), filters))
    if command in ("runner-model-sweep", "runner-sweep"):
        return smoke(configs, request)
    if command == "custom":
        return custom(configs, request)
    raise SelectError(f"{command} does not expand v3 configs")


def _eval_pass(rows: list[Row], filters: Filters, policy: Policy = POLICY) -> list[Row]:
    if not filters.no_evals:
        rows = evals.mark(rows, filters.evals_only or filters.all_evals, policy)
        if filters.all_evals:
            rows = evals.mark_all(rows, policy)
    if filters.evals_only or filters.all_evals:
        rows = evals.only(rows)
    if not filters.no_evals:
        rows = evals.regroup(rows, policy)
    return rows


def _runners(configs: ConfigSet, why: str) -> RunnerConfig:
    runners: RunnerConfig | None = configs.runners
    if runners is None:
        raise SelectError(f"{why} needs a runner config: none was found; give --runner-config")
    return runners


# ---------------------------------------------------------------- concurrencies

def _listed(point: Point) -> list[int] | None:
    """A point's non-empty conc-list (the generator's truthiness: an empty list means the range)."""
    return list(point.conc_list) if point.conc_list else None


def _ladder(point: Point, step: int) -> list[int]:
    assert point.conc_start is not None and point.conc_end is not None  # the schema: a range or a list
    return list(ladder(point.conc_start, point.conc_end, step))


def _single_fixed_concs(point: Point, f: Filters) -> list[int] | None:
    """4.3, single-node fixed points: None when the point is skipped."""
    low, high = f.min_conc, f.max_conc
    listed = _listed(point)
    if listed is not None:
        if low is not None:
            if low <= 0:
                return None
            listed = [c for c in listed if c >= low]
            if not listed:
                return None
        if high is not None:
            if high <= 0:
                return None
            listed = [c for c in listed if c <= high] or [high]
        return listed
    assert point.conc_start is not None and point.conc_end is not None
    start, end = point.conc_start, point.conc_end
    if low is not None:
        if low <= 0 or end < low:
            return None
        start = max(start, low)
    if high is not None:
        if high <= 0:
            return None
        if start > high:
            start = end = high
        else:
            end = min(end, high)
    return list(ladder(start, end, f.step))


def _multi_fixed_concs(point: Point, f: Filters) -> list[int] | None:
    """4.3, multinode fixed points (either form): None when the point is skipped."""
    concs = _listed(point) or _ladder(point, f.step)
    if f.min_conc is not None:
        if f.min_conc <= 0:
            return None
        concs = [c for c in concs if c >= f.min_conc]
        if not concs:
            return None
    if f.max_conc is not None:
        kept = [c for c in concs if c <= f.max_conc]
        if not kept:
            if f.max_conc <= 0:
                return None
            kept = [f.max_conc]
        concs = kept
    return concs


def _agentic_concs(point: Point, f: Filters) -> list[int]:
    """4.3, agentic points: values within [min, max]; nothing synthesised."""
    concs = _listed(point) or _ladder(point, f.step)
    if f.min_conc is not None:
        concs = [c for c in concs if c >= f.min_conc]
    if f.max_conc is not None:
        concs = [c for c in concs if c <= f.max_conc]
    return concs


# ---------------------------------------------------------------- the pieces of a row

def _workers(point: Point) -> tuple[dict[str, Any], dict[str, Any]]:
    assert point.prefill is not None and point.decode is not None
    return point.prefill.plain(), point.decode.plain()


def _ep_dp(point: Point, ep: int | None) -> tuple[int, bool]:
    """The ep and dp-attn a single-node row prints: the point's, or for a null the schema's default."""
    if ep is not None and point.dp_attn is not None:
        return ep, point.dp_attn
    from .model import point_defaults

    fallback = point_defaults()
    return (ep if ep is not None else fallback["ep"],
            point.dp_attn if point.dp_attn is not None else fallback["dp-attn"])


def dram_gb(entry: Entry, block: AgenticBlock, point: Point, configs: ConfigSet, policy: Policy = POLICY) -> int:
    """4.6: the point's total-cpu-dram-gb on its entry's runner label (G1-G3 as SelectError)."""
    if point.kv_offloading != "dram":
        return 0
    runners = _runners(configs, "a kv-offloading: dram point")
    hardware = runners.hardware.get(entry.runner)
    if hardware is None:
        raise SelectError(dram.missing_hardware(entry.runner, "available-cpu-dram-mib", runners.hardware))
    if block.dram_utilization is None:
        raise SelectError(f"entry '{entry.key}': a kv-offloading: dram point needs its block's dram-utilization")
    try:
        if point.prefill is not None:
            worker = point.prefill
            gpus = dram.replica_gpus(worker.tp, worker.pp, worker.pcp_size, hardware.gpus_per_node)
        else:
            assert point.tp is not None and point.pp is not None and point.pcp_size is not None
            gpus = dram.single_node_gpus(point.tp, point.pp, point.pcp_size, hardware.gpus_per_node, entry.runner)
    except dram.FitError as exc:
        raise SelectError(str(exc)) from None
    return dram.total_cpu_dram_gb(hardware.available_cpu_dram_mib, block.dram_utilization, gpus,
                                  hardware.gpus_per_node, policy)


def _check_transfer(entry: Entry, point: Point, transfer: str | None) -> None:
    """G5: a disaggregated multinode row needs a kv-p2p-transfer (a point's null hides the entry's)."""
    if entry.disagg and transfer is None:
        raise SelectError(f"entry '{entry.key}': disagg=true requires kv-p2p-transfer, and a point's "
                          "`kv-p2p-transfer: null` leaves its jobs without one")


# ---------------------------------------------------------------- full-sweep

def full_sweep(configs: ConfigSet, f: Filters, policy: Policy = POLICY) -> list[Row]:
    if f.runner_types:
        runners = _runners(configs, "--runner-type")
        valid = set(runners.labels)
        invalid = sorted(set(f.runner_types) - valid)
        if invalid:
            shown = "{" + ", ".join(repr(t) for t in invalid) + "}"
            raise SelectError(f"Invalid runner type(s): {shown}. Valid runner types are: {', '.join(sorted(valid))}")
    pairs = f.pairs(policy)
    out: list[Row] = []
    for entry in configs.entries:
        if not f.admits(entry):
            continue
        nodes: tuple[str, ...] = (entry.runner,)
        if f.node_filter:
            nodes = tuple(n for n in _runners(configs, "--runner-node-filter").nodes(entry.runner)
                          if f.node_filter in n)
            if not nodes:
                continue
        build = Builder(entry, policy)
        if f.scenario_wanted(FIXED) and f.kind_wanted(entry):
            for block in entry.fixed:
                if pairs is not None and (block.isl, block.osl) not in pairs:
                    continue
                out.extend(_fixed_sweep(build, block, nodes, f))
        if f.scenario_wanted(AGENTIC) and f.kind_wanted(entry):
            for agentic in entry.agentic:
                for point in agentic.search_space:
                    gb = dram_gb(entry, agentic, point, configs, policy)
                    out.extend(_agentic_rows(build, point, _agentic_concs(point, f), nodes, gb, policy))
    return out


def _fixed_sweep(build: Builder, block: FixedBlock, nodes: tuple[str, ...], f: Filters) -> Iterator[Row]:
    entry = build.entry
    name, group = build.fixed_name(block.isl, block.osl), build.fixed_group(block.isl, block.osl)
    for point in block.search_space:
        tail = build.components(point, False)
        if entry.multinode:
            concs = _multi_fixed_concs(point, f)
            if concs is None:
                continue
            _check_transfer(entry, point, point.transfer_of(entry))
            workers = _workers(point)
            for node in nodes:
                yield build.fixed_multi(block.isl, block.osl, point, workers, concs, node, name, group, tail)
            continue
        assert point.tp is not None
        ep = point.ep
        if f.max_tp is not None and (f.max_tp <= 0 or point.tp > f.max_tp):
            continue
        if f.max_ep is not None:
            if f.max_ep <= 0:
                continue
            if ep is not None and ep > f.max_ep:
                ep = f.max_ep
        single = _single_fixed_concs(point, f)
        if single is None:
            continue
        ep_, dp = _ep_dp(point, ep)
        for conc in single:
            for node in nodes:
                yield build.fixed_single(block.isl, block.osl, point, ep_, dp, conc, node, name, group, tail)


def _agentic_rows(build: Builder, point: Point, concs: list[int], nodes: tuple[str, ...], gb: int,
                  policy: Policy) -> Iterator[Row]:
    """Single-node: conc-major, node-minor; multinode: node-major, then chunks of the concurrencies."""
    if not concs:
        return
    entry = build.entry
    tail = build.components(point, True)
    if entry.multinode:
        _check_transfer(entry, point, point.transfer_of(entry))
        workers = _workers(point)
        size = policy.multinode_agentic_concs_per_row
        for node in nodes:
            for first in range(0, len(concs), size):
                yield build.agentic_multi(point, workers, concs[first:first + size], node, gb, tail)
        return
    ep, dp = _ep_dp(point, point.ep)
    for conc in concs:
        for node in nodes:
            yield build.agentic_single(point, ep, dp, conc, node, gb, tail)


# ---------------------------------------------------------------- test-config

def expand_keys(patterns: tuple[str, ...], available: list[str]) -> list[str]:
    """--config-keys: exact keys and fnmatch globs (with * or ?), de-duplicated in first-seen order."""
    chosen: dict[str, None] = {}
    listing = f"Available keys: {', '.join(sorted(available))}"
    for pattern in patterns:
        if "*" in pattern or "?" in pattern:
            matches = fnmatch.filter(available, pattern)
            if not matches:
                raise SelectError(f"Pattern '{pattern}' matched no config keys. {listing}")
            chosen.update(dict.fromkeys(matches))
        elif pattern not in available:
            raise SelectError(f"Config key(s) not found: {pattern}. {listing}")
        else:
            chosen.setdefault(pattern, None)
    return list(chosen)


def _test_nodes(entry: Entry, configs: ConfigSet, node_filter: str | None) -> tuple[str, ...]:
    """test-config's runners: the label itself when it contains the filter, then its matching nodes."""
    if not node_filter:
        return (entry.runner,)
    candidates = [entry.runner] if node_filter in entry.runner else []
    candidates += _runners(configs, "--runner-node-filter").nodes(entry.runner)
    return tuple(dict.fromkeys(n for n in candidates if node_filter in n))


def test_config(configs: ConfigSet, patterns: tuple[str, ...], f: Filters, policy: Policy = POLICY) -> list[Row]:
    by_key = {e.key: e for e in configs.entries}
    pairs = f.pairs(policy)
    wanted = set(f.concs)
    out: list[Row] = []
    for key in expand_keys(tuple(patterns), list(by_key)):
        entry = by_key[key]
        nodes = _test_nodes(entry, configs, f.node_filter)
        if not nodes:
            continue
        build = Builder(entry, policy)
        if f.scenario_wanted(FIXED):
            for block in entry.fixed:
                if pairs is not None and (block.isl, block.osl) not in pairs:
                    continue
                out.extend(_fixed_test(build, block, nodes, wanted, policy))
        if f.scenario_wanted(AGENTIC):
            for agentic in entry.agentic:
                for point in agentic.search_space:
                    gb = dram_gb(entry, agentic, point, configs, policy)
                    concs = _listed(point) or _ladder(point, policy.step_size)
                    if wanted:
                        concs = [c for c in concs if c in wanted]
                    out.extend(_agentic_rows(build, point, concs, nodes, gb, policy))
    return out


def _fixed_test(build: Builder, block: FixedBlock, nodes: tuple[str, ...], wanted: set[int],
                policy: Policy) -> Iterator[Row]:
    entry = build.entry
    name, group = build.fixed_name(block.isl, block.osl), build.fixed_group(block.isl, block.osl)
    for point in block.search_space:
        if point.writes_conc_list:  # test-config reads a written conc-list even when it is empty
            if point.conc_list is None:
                raise SelectError(f"entry '{entry.key}': test-config cannot expand a point whose conc-list is null")
            concs = list(point.conc_list)
        else:
            concs = _ladder(point, policy.step_size)
        if wanted:
            concs = [c for c in concs if c in wanted]
            if not concs:
                continue
        tail = build.components(point, False)
        if entry.multinode:
            _check_transfer(entry, point, point.transfer_of(entry))
            workers = _workers(point)
            for node in nodes:
                yield build.fixed_multi(block.isl, block.osl, point, workers, concs, node, name, group, tail)
            continue
        ep, dp = _ep_dp(point, point.ep)
        for conc in concs:
            for node in nodes:
                yield build.fixed_single(block.isl, block.osl, point, ep, dp, conc, node, name, group, tail)


# ---------------------------------------------------------------- the smoke jobs: runner-model-sweep, runner-sweep

def _label_nodes(configs: ConfigSet, label: str, command: str) -> tuple[str, ...]:
    runners = _runners(configs, command)
    nodes = runners.nodes(label)
    if not nodes:
        raise SelectError(f"Runner '{label}' does not exist in runner config '{runners.path}'. "
                          f"Must choose from existing runner types: '{', '.join(runners.labels)}'.")
    return nodes


def smoke(configs: ConfigSet, request: Request, policy: Policy = POLICY) -> Selection:
    """One job per chosen entry and node of --runner-type: the entry's first fixed-seq-len block, its
    first point with the largest tp, at that point's lowest concurrency; exp-name <model-prefix>_test.
    Multinode entries (a smoke test runs on one node) and entries without a fixed-seq-len block
    (agentic only) are skipped, each with the reason."""
    command = request.command
    label: str = request["runner_type"]
    nodes = _label_nodes(configs, label, command)
    if command == "runner-model-sweep":
        node_filter: str | None = request.get("runner_node_filter")
        if node_filter:
            nodes = tuple(n for n in nodes if node_filter in n)
            if not nodes:
                raise SelectError(f"No runner nodes found matching filter '{node_filter}' for runner type "
                                  f"'{label}'.")
        chosen = [e for e in configs.entries if e.runner == label]
    else:
        prefix: str = request["model_prefix"]
        precision, framework = request.get("precision"), request.get("framework")
        chosen = [e for e in configs.entries if e.key.startswith(prefix) and e.runner == label
                  and not (precision and e.precision != precision) and not (framework and e.framework != framework)]
    out: list[Row] = []
    skipped: list[Skipped] = []
    for entry in chosen:
        if entry.multinode:
            skipped.append(Skipped(entry.key, entry.source, f"entry '{entry.key}' is a multinode entry; {command} "
                                                            "tests single-node entries only and skipped it"))
            continue
        block = next((b for b in entry.fixed if b.search_space), None)
        if block is None:
            skipped.append(Skipped(entry.key, entry.source, f"entry '{entry.key}' has no fixed-seq-len search "
                                                            f"point (agentic only); {command} skipped it"))
            continue
        point = max(block.search_space, key=lambda p: p.tp or 0)  # the first with the largest tp
        conc = min(_listed(point) or [point.conc_start or 0])
        build = Builder(entry, policy)
        ep, dp = _ep_dp(point, point.ep)
        name = f"{entry.model_prefix}_{policy.smoke_exp_suffix}"
        tail = build.components(point, False)
        for node in nodes:
            out.append(build.fixed_single(block.isl, block.osl, point, ep, dp, conc, node, name,
                                          build.fixed_group(block.isl, block.osl), tail))
    if not out and command == "runner-sweep":
        message = f"No configs found matching model prefix '{request['model_prefix']}'"
        if request.get("precision"):
            message += f", precision '{request['precision']}'"
        if request.get("framework"):
            message += f", framework '{request['framework']}'"
        raise SelectError(message + ".", tuple(skipped))
    return Selection(out, tuple(skipped))


# ---------------------------------------------------------------- custom

def custom(configs: ConfigSet, request: Request, policy: Policy = POLICY) -> Selection:
    """One single-node fixed job from the flags: the policy's sequence length, tp and conc, every
    other field the schema's default for an entry and a point that do not write it."""
    label: str = request["runner_label"]
    runners = _runners(configs, "custom")
    if not runners.knows(label):
        raise SelectError(f"Unable to find specified runner label '{label}'.")
    from .model import custom_entry

    isl, osl = policy.seq_lens[policy.custom_seq_len]
    entry, point = custom_entry(configs.version, request["image"], request["model"], request["model_prefix"],
                                request["precision"], request["framework"], label, isl, osl, policy.custom_tp,
                                policy.custom_conc)
    build = Builder(entry, policy)
    ep, dp = _ep_dp(point, point.ep)
    row = build.fixed_single(isl, osl, point, ep, dp, policy.custom_conc, label, request["exp_name"],
                             build.fixed_group(isl, osl), build.components(point, False))
    return Selection((Row("", row.group, row.keys, row.values),))

