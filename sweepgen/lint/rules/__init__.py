"""The lint rules written in Python that every format has, one module each.

Each module defines `RULE`, a `DocumentRule`: its registry definition and a check that
reads one loaded master config (with the state of the run, for rules across files)
and yields positioned problems. A format's own Python rules live in
`sweepgen/formats/<version>/rules/` and work on plain data (`formats.PythonRule`).
"""

from __future__ import annotations

from dataclasses import field
from typing import Any, Callable, Iterator

from sweepgen.problems import Problem
from sweepgen.records import record
from sweepgen.yamlsource import Document

from ..registry import RuleInfo


@record(frozen=False)
class RunState:
    """What the rules of one lint run share: the documents seen so far, by whatever they keep."""

    seen: dict[str, Any] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)  # the problems found so far in the document


@record
class DocumentRule:
    info: RuleInfo
    check: Callable[[Document, RunState], Iterator[Problem]]


def _all() -> tuple[DocumentRule, ...]:
    from . import cross_file_duplicates, yaml11_boolean, yaml11_number

    return (yaml11_boolean.RULE, yaml11_number.RULE, cross_file_duplicates.RULE)


ALL: tuple[DocumentRule, ...] = _all()
