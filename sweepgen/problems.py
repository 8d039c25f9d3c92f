"""The one record every check produces: a problem at a file position."""

from __future__ import annotations

from .records import record


ERROR = "error"
WARNING = "warning"
INFO = "info"


@record(order=True)
class Problem:
    path: str
    line: int
    column: int
    rule: str
    level: str
    message: str

    def text(self) -> str:
        """The one-line form every text report uses: `path:line:col: level: message [rule]`."""
        return f"{self.path}:{self.line}:{self.column}: {self.level}: {self.message} [{self.rule}]"

    def as_dict(self) -> dict[str, object]:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "rule": self.rule,
            "level": self.level,
            "message": self.message,
        }


def sort_problems(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.path, p.line, p.column, p.rule, p.message))
