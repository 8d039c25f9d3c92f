"""`plan`: full-sweep's rows as named matrices, one per plan group (scenario, model, kind).

Naming (stable, so workflows can reference matrices statically):

- a group is every row with one plan group, as its format assigns it (v1/v2: the
  sequence length, the model-prefix, and `multinode` for multinode jobs); its name
  joins the group's parts with `-` (`1k1k-dsr1`, `1k1k-dsr1-multinode`), lowercased,
  each run of characters outside `[a-z0-9-]` replaced by `_`; two groups whose names
  come out equal are an error naming both (`glm5.1` and `glm5_1`, `DSR1` and `dsr1`);
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
from typing import Any, Callable, Iterator, Sequence

from .formats.base import Group, Row
from .records import record

# GitHub Actions runs at most 256 jobs from one matrix.
MAX_JOBS = 256
# One job output holds at most 1 MB; a matrix must stay well below it.
MATRIX_BYTES_LIMIT = 900_000


# the outputs written beside the matrices
RESERVED = ("names", "total")


class PlanError(Exception):
    """The entries cannot be planned within the limits asked for."""


@record
class Matrix:
    name: str
    group: Group
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


@record
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


def make_plan(rows: list[Row], encode: Callable[[Sequence[Row]], str], max_jobs: int = MAX_JOBS,
              slots: int | None = None) -> Plan:
    """Group rows by their plan group into matrices; encode gives the printed JSON list of some
    rows, and each matrix is encoded once, as it is cut.

    The rows list is emptied once grouped, so that each group's rows are freed as soon as its
    matrices are encoded (a large plan then never holds every row and all its JSON at once).
    """
    if max_jobs < 1:
        raise PlanError("max-jobs must be at least 1")
    if slots is not None and slots < 1:
        raise PlanError("slots must be at least 1")
    groups: dict[Group, list[Row]] = {}
    for row in rows:
        members = groups.get(row.group)
        if members is None:
            members = groups[row.group] = []
        members.append(row)
    rows.clear()
    named: dict[str, Group] = {}
    for group in groups:
        name = sanitize(group.label)
        other = named.setdefault(name, group)
        if other is not group:
            raise PlanError(f"{other.describe()} and {group.describe()} would share the matrix '{name}' "
                            f"(names are lowercased, each run of characters outside a-z, 0-9 and '-' becomes "
                            f"'_'); rename a model-prefix")

    matrices: list[Matrix] = []
    for group, members in groups.items():
        base = sanitize(group.label)
        count = len(members)
        needed = math.ceil(count / max_jobs)
        if slots is not None and needed > slots:
            raise PlanError(
                f"group '{base}' has {count} jobs: {slots} slot{'s' if slots != 1 else ''} of at most "
                f"{max_jobs} jobs hold {slots * max_jobs}; it needs --slots {needed} "
                f"or --max-jobs {math.ceil(count / slots)}")
        parts = slots if slots is not None else needed
        cuts = balanced(count, needed) + [(count, count)] * (parts - needed)
        for i, (start, stop) in enumerate(cuts, 1):
            name = base if parts == 1 and slots is None else f"{base}-{i}"
            chosen = members[start:stop]
            matrices.append(Matrix.of(encode(chosen), name=name, group=group, shard=i, shards=parts,
                                      count=len(chosen)))
        members.clear()  # encoded: only the matrices' JSON is kept

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
        lines.append(f"| `{m.name}` | {m.count} | {m.group.model} | {m.group.scenario} | {m.shard}/{m.shards} |")
    return "\n".join(lines) + "\n"


def outputs(plan: Plan) -> dict[str, str]:
    """The step outputs: each matrix, `names` (a JSON list) and `total`."""
    out = {m.name: m.json for m in plan.matrices}
    out["names"] = json.dumps(plan.names)
    out["total"] = str(plan.total)
    return out
