"""The v3 Format: what lint needs is imported at once (runners, layouts, rules); the model and the
selections on first use."""

from __future__ import annotations

from typing import Any, Sequence

from sweepgen.formats.base import ConfigSet, Format, Request, Row, Selection
from sweepgen.records import record


@record(frozen=False)
class V3Format(Format):
    def reference_sets(self, runner_data: Any, path: str) -> dict[str, tuple[frozenset[str], str]]:
        from .runners import reference_sets

        return reference_sets(runner_data, path)

    def layout_problem(self, data: Any, kind: str) -> str | None:
        from .layouts import layout_problem

        return layout_problem(data, kind)

    def load(self, masters: Sequence[tuple[str, Any]], runner: tuple[str, Any] | None) -> ConfigSet:
        from .model import load

        return load(self.name, masters, runner)

    def check_request(self, request: Request) -> None:
        from .select import check_request

        check_request(request)

    def select(self, configs: ConfigSet, request: Request) -> Selection:
        from .select import select

        return select(configs, request)

    def describe(self, request: Request) -> str:
        from .select import describe

        return describe(request)

    def identity(self, row: Row, version: str | None = None) -> str:
        from .rows import identity

        return identity(row, version)
