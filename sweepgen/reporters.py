"""Rendering lint results: text, json and GitHub annotations. Returns strings; the CLI prints."""

from __future__ import annotations

import json
from typing import Callable

from .lint import LintResult
from .problems import Problem


def _summary_line(result: LintResult) -> str:
    def plural(n: int, word: str) -> str:
        return f"{n} {word}{'' if n == 1 else 's'}"

    files = ", ".join(f"{f.path} ({f.kind} {f.version or '?'})" for f in result.files)
    return f"{plural(result.errors, 'error')}, {plural(result.warnings, 'warning')} in {plural(len(result.files), 'file')}: {files}"


def text(result: LintResult) -> str:
    lines = [p.text() for p in result.problems]
    return "\n".join(lines) + ("\n" if lines else "")


def json_report(result: LintResult) -> str:
    payload = {
        "problems": [p.as_dict() for p in result.problems],
        "summary": {
            "errors": result.errors,
            "warnings": result.warnings,
            "files": [{"path": f.path, "kind": f.kind, "version": f.version} for f in result.files],
            "runner_config": result.runner_config,
            "notes": result.notes,
        },
    }
    return json.dumps(payload, indent=2) + "\n"


def escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def annotation(p: Problem) -> str:
    command = "error" if p.level == "error" else ("warning" if p.level == "warning" else "notice")
    props = ",".join(f"{k}={escape_property(v)}" for k, v in (
        ("file", p.path), ("line", str(p.line)), ("col", str(p.column)), ("title", f"sweepgen {p.rule}")))
    return f"::{command} {props}::{escape_data(p.message)}"


def github(result: LintResult) -> str:
    lines = [annotation(p) for p in result.problems]
    return "\n".join(lines) + ("\n" if lines else "")


def markdown_table(result: LintResult) -> str:
    """The full problem list for $GITHUB_STEP_SUMMARY (annotations show only ~10 per level)."""
    head = ["## sweepgen lint", "", _summary_line(result), ""]
    for note in result.notes:
        head.append(f"> {note}")
    if result.notes:
        head.append("")
    if not result.problems:
        return "\n".join(head + ["No problems found.", ""])
    rows = ["| file | line | col | level | rule | message |", "|---|---|---|---|---|---|"]
    for p in result.problems:
        msg = p.message.replace("|", "\\|").replace("\n", " ")
        rows.append(f"| `{p.path}` | {p.line} | {p.column} | {p.level} | `{p.rule}` | {msg} |")
    return "\n".join(head + rows + [""])


FORMATS: dict[str, Callable[[LintResult], str]] = {
    "text": text,
    "json": json_report,
    "github": github,
}

summary_line = _summary_line
