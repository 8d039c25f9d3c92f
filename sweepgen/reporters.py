"""Rendering lint results: text, json, GitHub annotations, SARIF and the step summary. Returns
strings; the CLI prints.

Annotations and SARIF name files relative to the repository root ($GITHUB_WORKSPACE, else
the git top level), wherever sweepgen runs, so that they attach to the pull request's diff.
"""

from __future__ import annotations

import html
import json
import os
import re
from functools import cache
from pathlib import Path
from typing import Callable
from urllib.parse import quote

from .lint import LintResult
from .problems import Problem

# ---------------------------------------------------------------- paths


@cache
def repository_root() -> Path | None:
    """$GITHUB_WORKSPACE, else the git top level above the working folder, else None."""
    workspace = os.environ.get("GITHUB_WORKSPACE")
    if workspace:
        return Path(os.path.abspath(workspace))
    here = Path(os.path.abspath(Path.cwd()))
    for folder in (here, *here.parents):
        if (folder / ".git").exists():
            return folder
    return None


def repo_path(path: str) -> str:
    """A problem's path relative to the repository root (POSIX), when the file is inside it;
    diff's `path@REV` keeps its revision."""
    root = repository_root()
    if root is None or path.startswith("<"):
        return path
    name, at, rev = path.partition("@")
    file = path if os.path.exists(path) or not at else name
    suffix = "" if file == path else at + rev
    try:
        return Path(os.path.abspath(file)).relative_to(root).as_posix() + suffix
    except ValueError:
        return path


# ---------------------------------------------------------------- text and json

def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def summary_line(result: LintResult) -> str:
    files = ", ".join(f"{f.path} ({f.kind} {f.version or '?'})" for f in result.files)
    return (f"{plural(result.errors, 'error')}, {plural(result.warnings, 'warning')} in "
            f"{plural(len(result.files), 'file')}: {files}")


_COLORS = {"error": "red", "warning": "yellow", "info": "blue"}


def colored(p: Problem) -> str:
    """Problem.text with the position, level and rule id coloured for a terminal."""
    import click

    where = click.style(f"{p.path}:{p.line}:{p.column}:", bold=True)
    level = click.style(f"{p.level}:", fg=_COLORS.get(p.level, "white"), bold=True)
    return f"{where} {level} {p.message} {click.style(f'[{p.rule}]', dim=True)}"


def text(result: LintResult, color: bool = False) -> str:
    lines = [colored(p) if color else p.text() for p in result.problems]
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


# ---------------------------------------------------------------- GitHub annotations

def escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def annotation(p: Problem) -> str:
    command = "error" if p.level == "error" else ("warning" if p.level == "warning" else "notice")
    props = ",".join(f"{k}={escape_property(v)}" for k, v in (
        ("file", repo_path(p.path)), ("line", str(p.line)), ("col", str(p.column)), ("title", f"sweepgen {p.rule}")))
    return f"::{command} {props}::{escape_data(p.message)}"


def github(result: LintResult) -> str:
    lines = [annotation(p) for p in result.problems]
    return "\n".join(lines) + ("\n" if lines else "")


# ---------------------------------------------------------------- SARIF 2.1.0

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_SARIF_LEVELS = {"error": "error", "warning": "warning", "info": "note"}


def sarif(result: LintResult) -> str:
    """One SARIF 2.1.0 log for GitHub code scanning: the rules from the registry, one result per
    problem with its rule, level, message and repository-relative region."""
    from . import __version__
    from .lint import registry

    rules = registry.rules()
    index = {r.id: i for i, r in enumerate(rules)}
    driver = {
        "name": "sweepgen",
        "version": __version__,
        "rules": [{
            "id": r.id,
            "name": "".join(part.capitalize() for part in re.split(r"[^a-zA-Z0-9]+", r.id)),
            "shortDescription": {"text": r.description},
            "fullDescription": {"text": f"{r.description} (formats: {', '.join(r.formats)})"},
            "defaultConfiguration": {"level": _SARIF_LEVELS.get(r.level, "warning")},
            "properties": {"formats": list(r.formats)},
        } for r in rules],
    }
    results = []
    for p in result.problems:
        item: dict[str, object] = {
            "ruleId": p.rule,
            "level": _SARIF_LEVELS.get(p.level, "warning"),
            "message": {"text": p.message},
            "locations": [{"physicalLocation": {
                "artifactLocation": {"uri": quote(repo_path(p.path)), "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": p.line, "startColumn": p.column},
            }}],
        }
        if p.rule in index:
            item["ruleIndex"] = index[p.rule]
        results.append(item)
    root = repository_root()
    run: dict[str, object] = {"tool": {"driver": driver}, "results": results, "columnKind": "unicodeCodePoints"}
    if root is not None:
        run["originalUriBaseIds"] = {"%SRCROOT%": {"uri": root.as_uri() + "/"}}
    return json.dumps({"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}, indent=2) + "\n"


# ---------------------------------------------------------------- the step summary (markdown)

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]{}()#+!|~>-])")


def markdown_text(value: str) -> str:
    """Text as itself in GitHub markdown: HTML escaped, markdown punctuation backslash-escaped,
    line breaks as spaces (a table cell is one line)."""
    value = " ".join(value.splitlines())
    return _MARKDOWN_SPECIAL.sub(r"\\\1", html.escape(value, quote=False))


def markdown_code(value: str) -> str:
    """Text as a code span in a table cell: shown literally (no HTML, no markdown), pipes escaped."""
    value = " ".join(value.splitlines()).replace("|", "\\|")
    fence = "`"
    while fence in value:
        fence += "`"
    pad = " " if value.startswith("`") or value.endswith("`") else ""
    return f"{fence}{pad}{value}{pad}{fence}"


def _problem_link(p: Problem) -> str | None:
    """The problem's file and line on GitHub, when the run's variables say where that is."""
    server, repo, sha = (os.environ.get(k) for k in ("GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_SHA"))
    path = repo_path(p.path)
    if not (server and repo and sha) or path.startswith(("/", "<")) or "@" in path:
        return None
    return f"{server}/{repo}/blob/{sha}/{quote(path)}#L{p.line}"


def markdown_table(result: LintResult) -> str:
    """The full problem list for $GITHUB_STEP_SUMMARY (annotations show only ~10 per level)."""
    head = ["## sweepgen lint", "", markdown_text(summary_line(result)), ""]
    for note in result.notes:
        head += [f"> {markdown_text(note)}", ""]
    if not result.problems:
        return "\n".join(head + ["No problems found.", ""])
    rows = ["| file | line | col | level | rule | message |", "|---|---|---|---|---|---|"]
    for p in result.problems:
        shown = markdown_code(repo_path(p.path))
        link = _problem_link(p)
        where = f"[{shown}]({link})" if link else shown
        rows.append(f"| {where} | {p.line} | {p.column} | {p.level} | {markdown_code(p.rule)} "
                    f"| {markdown_text(p.message)} |")
    return "\n".join(head + rows + [""])


FORMATS: dict[str, Callable[[LintResult], str]] = {
    "text": text,
    "json": json_report,
    "github": github,
    "sarif": sarif,
}
