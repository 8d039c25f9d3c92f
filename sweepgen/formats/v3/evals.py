"""The eval pass over v3 rows (FORMAT-v3 4.9): which jobs also run evals, as the generator marks them.

- `mark`: every row gets `run-eval` (fixed rows have the key in place; agentic rows get it last).
  Single-node fixed rows at the eval sequence length with conc >= the policy's minimum are grouped
  (policy.evals.single_node_group); per group, every row at its highest or its "median" distinct
  conc is marked. Multinode fixed rows at that sequence length with an eligible conc are grouped
  by every field but the policy's ignored ones; per group the row with the highest eligible conc
  (the first on ties) is marked and gets `eval-conc`. With agentic rows included (--evals-only,
  --all-evals): single-node agentic rows grouped by policy.evals.agentic_group, the highest conc
  marked; multinode agentic rows as multinode fixed rows.
- `mark_all` (--all-evals) then marks every single-node agentic row and every single-node fixed
  row at the eval sequence length, and merges the multinode rows of one topology (fixed at that
  sequence length, and agentic) into the first of them, conc the sorted union: merged fixed rows
  get `eval-all-concs` (and lose `eval-conc`), merged agentic rows `eval-conc`, the union's max.
- `only`: keep the marked rows, each with `eval-only: true` appended.

Rows that run evals move to their plan group's eval kind ("eval", "multinode-eval").
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any, Hashable, Sequence

from sweepgen.formats.base import Group, Row

from .policy import POLICY, Policy
from .rows import CONC, EVAL_ALL_CONCS, EVAL_CONC, EVAL_ONLY, RUN_EVAL, agentic, keys, multinode_kind


_INDEXES: dict[int, tuple[tuple[str, ...], dict[str, int]]] = {}


def _index(names: tuple[str, ...]) -> dict[str, int]:
    """Key -> position in one key order; looked up by identity (rows of one shape share their keys
    tuple, and hashing a tuple of twenty strings per lookup is the pass's main cost)."""
    found = _INDEXES.get(id(names))
    if found is None or found[0] is not names:
        found = _INDEXES[id(names)] = (names, {name: i for i, name in enumerate(names)})
    return found[1]


def _get(row: Row, name: str) -> Any:
    i = _index(row.keys).get(name)
    return row.values[i] if i is not None else None


def _concs(row: Row) -> list[int]:
    conc = _get(row, CONC)
    return list(conc) if isinstance(conc, list) else [conc]


class _Topologies:
    """A multinode row's every field but concurrency, naming and eval marks, nested values compared
    structurally (mappings whatever their key order), as one canonical JSON text: rows are checked
    against the matrix-entry schema, so a field has one JSON type in every row and JSON equality is
    the generator's Python equality."""

    def __init__(self, ignored: tuple[str, ...]) -> None:
        self.ignored = frozenset(ignored)
        self._encode = json.JSONEncoder(sort_keys=True, separators=(",", ":")).encode

    def __call__(self, row: Row) -> Hashable:
        ignored = self.ignored
        text: str = self._encode({k: v for k, v in zip(row.keys, row.values) if k not in ignored})
        return text


def _with(row: Row, changes: dict[str, Any], drop: tuple[str, ...] = ()) -> Row:
    """The row with some values replaced (in place) or appended (at the end, in the order given)."""
    index = _index(row.keys)
    values = list(row.values)
    tail: list[str] = []
    for name, value in changes.items():
        i = index.get(name)
        if i is None:
            tail.append(name)
            values.append(value)
        else:
            values[i] = value
    names = row.keys + tuple(tail)
    if drop:
        kept = [i for i, n in enumerate(names) if n not in drop]
        names, values = tuple(names[i] for i in kept), [values[i] for i in kept]
    return Row(row.key, row.group, keys(names), tuple(values))


def mark(rows: Sequence[Row], include_agentic: bool, policy: Policy = POLICY) -> list[Row]:
    rules = policy.evals
    target = policy.seq_lens[rules.seq_len]
    topology = _Topologies(rules.multinode_ignored)
    chosen: set[int] = set()
    eval_conc: dict[int, int] = {}

    def eligible(row: Row) -> list[int]:
        return sorted(c for c in _concs(row) if c >= rules.min_conc)

    single: dict[tuple[Any, ...], list[tuple[int, int]]] = defaultdict(list)
    multi: dict[Hashable, list[tuple[int, int]]] = defaultdict(list)
    for i, row in enumerate(rows):
        index = _index(row.keys)
        at_isl, at_osl = index.get("isl"), index.get("osl")
        if at_isl is None or at_osl is None or (row.values[at_isl], row.values[at_osl]) != target:
            continue
        found = eligible(row)
        if not found:
            continue
        if "tp" in index:
            values = row.values
            single[tuple(values[index[f]] for f in rules.single_node_group)].append((i, values[index[CONC]]))
        elif "prefill" in index:
            multi[topology(row)].append((i, found[-1]))
    for members in single.values():
        concs = sorted({c for _, c in members})
        wanted = {concs[-1], concs[len(concs) // 2]}
        chosen.update(i for i, c in members if c in wanted)
    _highest(multi.values(), chosen, eval_conc)

    if include_agentic:
        agentic_single: dict[tuple[Any, ...], list[tuple[int, int]]] = defaultdict(list)
        agentic_multi: dict[Hashable, list[tuple[int, int]]] = defaultdict(list)
        for i, row in enumerate(rows):
            if not agentic(row):
                continue
            if multinode_kind(row):
                found = eligible(row)
                if found:
                    agentic_multi[topology(row)].append((i, found[-1]))
                continue
            agentic_single[tuple(_get(row, f) for f in rules.agentic_group)].append((i, max(_concs(row))))
        for members in agentic_single.values():
            chosen.add(max(members, key=lambda m: m[1])[0])
        _highest(agentic_multi.values(), chosen, eval_conc)

    out = []
    for i, row in enumerate(rows):
        run_eval = i in chosen
        if i not in eval_conc and _index(row.keys).get(RUN_EVAL) is not None and _get(row, RUN_EVAL) is run_eval:
            out.append(row)  # a fixed row that stays unmarked: nothing to change
            continue
        changes: dict[str, Any] = {RUN_EVAL: run_eval}
        if i in eval_conc:
            changes[EVAL_CONC] = eval_conc[i]
        out.append(_with(row, changes))
    return out


def _highest(groups: Any, chosen: set[int], eval_conc: dict[int, int]) -> None:
    """Per group of (row index, its highest eligible conc): the first row with the highest."""
    for members in groups:
        best, conc = max(members, key=lambda m: m[1])
        chosen.add(best)
        eval_conc[best] = conc


def mark_all(rows: Sequence[Row], policy: Policy = POLICY) -> list[Row]:
    target = policy.seq_lens[policy.evals.seq_len]
    topology_of = _Topologies(policy.evals.multinode_ignored)
    out: list[Row] = []
    merged_into: dict[Hashable, int] = {}  # topology -> index in out (fixed and agentic never share one)
    for row in rows:
        is_agentic = agentic(row)
        if not is_agentic and (_get(row, "isl"), _get(row, "osl")) != target:
            out.append(row)
            continue
        if not multinode_kind(row):
            out.append(_with(row, {RUN_EVAL: True}))
            continue
        topology = topology_of(row)
        concs = _concs(row)
        at = merged_into.get(topology)
        if at is not None:
            union = sorted(set(_concs(out[at]) + concs))
            out[at] = _with(out[at], {CONC: union, EVAL_CONC: max(union)} if is_agentic else {CONC: union})
            continue
        merged_into[topology] = len(out)
        union = sorted(set(concs))
        if is_agentic:
            out.append(_with(row, {CONC: union, RUN_EVAL: True, EVAL_CONC: max(union)}))
        else:
            out.append(_with(row, {CONC: union, RUN_EVAL: True, EVAL_ALL_CONCS: True}, drop=(EVAL_CONC,)))
    return out


def only(rows: Sequence[Row]) -> list[Row]:
    return [_with(row, {EVAL_ONLY: True}) for row in rows if _get(row, RUN_EVAL) is True]


def regroup(rows: Sequence[Row], policy: Policy = POLICY) -> list[Row]:
    """Rows that run evals into their eval plan group; the others stay."""
    out = []
    for row in rows:
        if _get(row, RUN_EVAL) is True:
            group = row.group
            row = Row(row.key, Group(group.scenario, group.model, policy.kind(multinode_kind(row), True)),
                      row.keys, row.values)
        out.append(row)
    return out
