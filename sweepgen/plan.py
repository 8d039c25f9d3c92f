"""`plan`: full-sweep's entries as named matrices, one per sequence length and model.

Naming (stable, so workflows can reference matrices statically):

- a group is every full-sweep job with one sequence length and one model-prefix,
  single-node and multinode jobs apart; its name is `<seq-len>-<model-prefix>`
  (`1k1k-dsr1`; an unnamed pair is `<isl>_<osl>`), with `-multinode` appended for
  multinode jobs (`1k1k-dsr1-multinode`), lowercased, each run of characters
  outside `[a-z0-9_-]` replaced by `-`; jobs whose names come out equal share the
  group (a single-node and a multinode group never do: that is an error);
- groups come in the order of their first job in full-sweep's output;
- a group of more than max-jobs jobs is split into balanced contiguous shards
  `<name>-1`, `<name>-2`, ... (sizes differ by at most one); with `slots=N` every
  group is exactly `<name>-1` ... `<name>-N`, the unused ones empty.

Nothing is dropped or repeated: the matrices together are full-sweep's output.
"""

from __future__ import annotations

import json
import math
import re
import zlib
from dataclasses import dataclass
from typing import Any, Callable, Iterator, Sequence

from .model import Job

# GitHub Actions runs at most 256 jobs from one matrix.
MAX_JOBS = 256
# One job output holds at most 1 MB; a matrix must stay well below it.
MATRIX_BYTES_LIMIT = 900_000


# the outputs written beside the matrices
RESERVED = ("names", "total")
# appended to the name of a group of multinode jobs
MULTINODE_SUFFIX = "-multinode"


class PlanError(Exception):
    """The entries cannot be planned within the limits asked for."""


@dataclass(frozen=True)
class Matrix:
    name: str
    group: str
    seq_len: str
    model_prefixes: tuple[str, ...]
    multinode: bool
    shard: int  # 1-based
    shards: int
    count: int
    size: int  # bytes of its JSON
    packed: bytes  # its JSON, encoded once and kept compressed until printed or written

    @property
    def json(self) -> str:
        return zlib.decompress(self.packed).decode("ascii")

    @classmethod
    def of(cls, text: str, **fields: Any) -> Matrix:
        # the JSON is ASCII (json.dumps escapes the rest); a large plan's matrices together are
        # several times its input, so they wait compressed (level 1: fast, and JSON of
        # repeated entries shrinks tens of times)
        data = text.encode("ascii")
        return cls(size=len(data), packed=zlib.compress(data, 1), **fields)


@dataclass(frozen=True)
class Plan:
    matrices: tuple[Matrix, ...]

    @property
    def total(self) -> int:
        return sum(m.count for m in self.matrices)

    @property
    def names(self) -> list[str]:
        return [m.name for m in self.matrices]

    def to_json(self) -> str:
        """json.dumps of {name: entries}, from the matrices' own serializations."""
        return "".join(self.json_pieces())

    def json_pieces(self) -> Iterator[str]:
        """to_json in pieces, for printing a large plan without one string of all of it."""
        yield "{"
        for i, m in enumerate(self.matrices):
            yield f"{', ' if i else ''}{json.dumps(m.name)}: "
            yield m.json
        yield "}"


def sanitize(text: str) -> str:
    # '.' and other characters become '_', never '-': a shard suffix is '-N', and model-prefix
    # glm5.1 must not be named like shard 1 of glm5
    return re.sub(r"[^a-z0-9-]+", "_", text.lower())


def balanced(count: int, parts: int) -> list[tuple[int, int]]:
    """(start, stop) of `parts` contiguous slices of `count` items, sizes differing by at most one."""
    base, extra = divmod(count, parts)
    out = []
    start = 0
    for i in range(parts):
        stop = start + base + (1 if i < extra else 0)
        out.append((start, stop))
        start = stop
    return out


@dataclass
class _Group:
    name: str
    seq_len: str
    multinode: bool
    prefixes: list[str]
    jobs: list[Job]


def make_plan(jobs: list[Job], encode: Callable[[Sequence[Job]], str], seq_len_names: Sequence[str],
              max_jobs: int = MAX_JOBS, slots: int | None = None) -> Plan:
    """Group full-sweep's jobs (with their sequence-length names) into matrices; encode gives
    the printed JSON list of some jobs, and each matrix is encoded once, as it is cut.

    The jobs list is emptied once grouped, so that each group's jobs are freed as soon as its
    matrices are encoded (a large plan then never holds every job and all its JSON at once).
    """
    if max_jobs < 1:
        raise PlanError("max-jobs must be at least 1")
    if slots is not None and slots < 1:
        raise PlanError("slots must be at least 1")
    groups: dict[str, _Group] = {}
    # (seq-len, model-prefix, multinode) -> its group, named once
    by_pair: dict[tuple[str, str, bool], _Group] = {}
    for job, seq in zip(jobs, seq_len_names, strict=True):
        pair = (seq, job.model_prefix or "", job.prefill is not None)
        group = by_pair.get(pair)
        if group is None:
            name = sanitize(f"{pair[0]}-{pair[1]}{MULTINODE_SUFFIX if pair[2] else ''}")
            group = groups.get(name)
            if group is None:
                group = groups[name] = _Group(name, seq, pair[2], [], [])
            elif group.multinode != pair[2]:
                raise PlanError(f"single-node and multinode jobs would share the matrix '{name}' "
                                f"(model-prefix '{pair[1]}'); rename a model-prefix")
            group.prefixes.append(pair[1])
            by_pair[pair] = group
        group.jobs.append(job)

    jobs.clear()
    matrices: list[Matrix] = []
    for group in groups.values():
        count = len(group.jobs)
        needed = math.ceil(count / max_jobs)
        if slots is not None and needed > slots:
            raise PlanError(
                f"group '{group.name}' has {count} jobs: {slots} slot{'s' if slots != 1 else ''} of at most "
                f"{max_jobs} jobs hold {slots * max_jobs}; it needs --slots {needed} "
                f"or --max-jobs {math.ceil(count / slots)}")
        parts = slots if slots is not None else needed
        cuts = balanced(count, needed) + [(count, count)] * (parts - needed)
        for i, (start, stop) in enumerate(cuts, 1):
            name = group.name if parts == 1 and slots is None else f"{group.name}-{i}"
            chosen = group.jobs[start:stop]
            matrices.append(Matrix.of(encode(chosen), name=name, group=group.name, seq_len=group.seq_len,
                                      model_prefixes=tuple(group.prefixes), multinode=group.multinode,
                                      shard=i, shards=parts, count=len(chosen)))
        group.jobs.clear()  # encoded: only the matrices' JSON is kept

    seen = set(RESERVED)
    for m in matrices:
        if m.name in seen:
            raise PlanError(f"two outputs would both be named '{m.name}' (a shard name equals a group name); "
                            "rename a model-prefix")
        seen.add(m.name)
    for m in matrices:
        if m.size > MATRIX_BYTES_LIMIT:
            raise PlanError(f"matrix '{m.name}' is {m.size} bytes of JSON, over the {MATRIX_BYTES_LIMIT}-byte limit "
                            f"(a job output holds at most 1 MB); lower --max-jobs")
    return Plan(tuple(matrices))


def summary(plan: Plan) -> str:
    """A markdown table of the matrices for $GITHUB_STEP_SUMMARY."""
    lines = [f"## sweepgen plan: {plan.total} jobs in {len(plan.matrices)} matrices", "",
             "| matrix | jobs | model | seq-len | shards |", "|---|---:|---|---|---|"]
    for m in plan.matrices:
        lines.append(f"| `{m.name}` | {m.count} | {', '.join(m.model_prefixes)} | {m.seq_len} "
                     f"| {m.shard}/{m.shards} |")
    return "\n".join(lines) + "\n"


def outputs(plan: Plan) -> dict[str, str]:
    """The step outputs: each matrix, `names` (a JSON list) and `total`."""
    out = {m.name: m.json for m in plan.matrices}
    out["names"] = json.dumps(plan.names)
    out["total"] = str(plan.total)
    return out
