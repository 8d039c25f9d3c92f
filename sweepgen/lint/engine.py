"""The lint engine: files in, problems out. Never prints, never exits.

Version-blind: each master config's version comes from the schema registry (its
modeline, else its shape), and what is particular to a version comes from its Format:
the names the runner config declares (for the schema's cross-document references),
the format's own Python rules, how it reads YAML 1.1 numbers, layouts it recognises
but does not read.
"""

from __future__ import annotations

import os
import shlex
from dataclasses import field
from pathlib import Path
from typing import Any

from .. import fastcheck, schemas
from ..discovery import find_runner_config, is_runner_config
from ..formats import Finding, Format, RuleContext
from ..keywords import REFERENCE_SETS
from ..problems import Problem, sort_problems
from ..records import record
from ..yamlsource import Document, load_path, locate
from . import rules as generic_rules


@record(frozen=False)
class FileReport:
    path: str
    kind: str  # "master-config" or "runner-config"
    version: str | None  # None when the file could not be read as YAML


@record(frozen=False)
class LintResult:
    problems: list[Problem]
    files: list[FileReport]
    notes: list[str] = field(default_factory=list)
    documents: dict[str, Document] = field(default_factory=dict)
    runner_config: str | None = None

    @property
    def errors(self) -> int:
        return sum(1 for p in self.problems if p.level == "error")

    @property
    def warnings(self) -> int:
        return sum(1 for p in self.problems if p.level == "warning")

    def failed(self, strict: bool = False) -> bool:
        return self.errors > 0 or (strict and self.warnings > 0)


def display_path(path: Path) -> str:
    """Repository-relative (cwd-relative) when possible, as annotations need; a symbolic link is
    named as itself, not as what it points to."""
    absolute = Path(os.path.abspath(path))
    for base in (Path(os.path.abspath(Path.cwd())), Path.cwd().resolve()):
        try:
            return str(absolute.relative_to(base))
        except ValueError:
            continue
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _format(version: schemas.Version | None) -> Format | None:
    from .. import formats

    if version is None:
        return None
    try:
        return formats.get(version.name)
    except KeyError:
        return None


STDIN = Path("-")  # among the files: the master config read from standard input


def lint_files(
    files: list[Path],
    runner_config: str | None = None,
    schema_version: str = "auto",
    runner_search: bool = True,
    stdin: tuple[str, bytes] | None = None,
) -> LintResult:
    """Lint master configs (and the runner config they refer to); all problems, sorted.

    stdin: (the name to report it under, its bytes) for the master config given as `-` among
    the files; a runner config is then searched beside that name."""
    problems: list[Problem] = []
    reports: list[FileReport] = []
    notes: list[str] = []
    documents: dict[str, Document] = {}
    forced = None if schema_version == "auto" else schemas.version(schema_version)

    searched = [Path(stdin[0]) if f == STDIN and stdin is not None else f for f in files]
    runner_path = find_runner_config(runner_config, searched) if runner_search else (
        Path(runner_config) if runner_config else None)
    masters = [f for f in files if f == STDIN or not is_runner_config(f)]
    runner_files = [f for f in files if is_runner_config(f)]
    if runner_path is not None and all(runner_path.resolve() != f.resolve() for f in runner_files if f.exists()):
        runner_files.insert(0, runner_path)

    master_docs = [_load_stdin(*stdin) if mf == STDIN and stdin is not None else load_path(mf, display_path(mf))
                   for mf in masters]
    master_versions = [forced or schemas.named(d.text) or schemas.recognized(d.data) if d.usable else None
                       for d in master_docs]
    for d, v in zip(master_docs, master_versions):
        if d.usable and v is None:  # no config at all: one problem, and nothing of its values shown
            d.problems.append(d.problem(0, "unknown-format", schemas.unrecognized_message()))
    served = max((v for v in master_versions if v is not None), key=lambda v: v.number, default=None)

    references: dict[str, tuple[frozenset[str], str]] | None = None
    runner_doc: Document | None = None
    for rf in runner_files:
        doc = load_path(rf, display_path(rf))
        version, foreign = None, False
        if doc.usable:
            version = forced or _runner_version(doc, served)
            fmt = _format(version)
            if fmt is not None and "runner-config" in fmt.yaml11_numbers:
                doc.read_yaml11_numbers()
            layout = fmt.layout_problem(doc.data, "runner-config") if fmt is not None else None
            if layout is not None:
                problems.append(doc.problem(0, "unknown-format", layout))
            elif not fastcheck.accepts(version.name, "runner-config", doc.data):
                newer = _newer_runner_version(doc, version)
                if newer is not None:  # a whole file of another version: one problem, not one per field
                    problems.append(doc.problem(0, "unknown-format", (
                        f"a {newer.name} runner config, but the master configs it serves are {version.name}: "
                        f"migrate them (`sweepgen migrate --to {newer.name}`) or give a {version.name} runner config")))
                    version, foreign = newer, True
                else:
                    problems.extend(_validate(doc, version.name, "runner-config"))
        documents[doc.path] = doc
        problems.extend(doc.problems)
        reports.append(FileReport(doc.path, "runner-config", version.name if version else None))
        if runner_path is not None and rf.resolve() == runner_path.resolve() and doc.usable and not foreign:
            runner_doc = doc
            fmt = _format(version)
            references = fmt.reference_sets(doc.data, doc.path) if fmt is not None else {}
    if runner_path is None:
        notes.append("no runner config found: the rules that read it were skipped (give --runner-config)")
    elif references is None:
        notes.append(f"runner config {display_path(runner_path)} could not be read: the rules that read it "
                     "were skipped")

    master_data = {d.path: d.data for d, v in zip(master_docs, master_versions) if v is not None}
    token = REFERENCE_SETS.set(references or {})
    try:
        state = generic_rules.RunState()
        newest = schemas.latest()
        for doc, version in zip(master_docs, master_versions):
            documents[doc.path] = doc
            problems.extend(doc.problems)
            if version is not None:
                found = _master_problems(doc, version, _format(version), master_data, runner_doc)
                problems.extend(found)
                state.problems = [*doc.problems, *found]
                for rule in generic_rules.ALL:
                    problems.extend(rule.check(doc, state))
                shape = version if forced is None else schemas.detect(doc.data)
                if shape.number < newest.number and not (stdin is not None and doc.path == stdin[0]):
                    notes.append(f"{doc.path} is in the {shape.name} format (the latest is {newest.name}); "
                                 f"`sweepgen migrate --to {newest.name} --config-files {shlex.quote(doc.path)}` "
                                 f"upgrades it in place")
            reports.append(FileReport(doc.path, "master-config", version.name if version else None))
    finally:
        REFERENCE_SETS.reset(token)
    return LintResult(sort_problems(problems), reports, notes, documents,
                      display_path(runner_path) if runner_path else None)


def _load_stdin(name: str, raw: bytes) -> Document:
    from ..yamlsource import MAX_BYTES, decode, parse

    if len(raw) > MAX_BYTES:
        doc = Document(name, "", usable=False)
        doc.add(0, "file-too-large", f"standard input is over the limit of {MAX_BYTES} bytes")
        return doc
    doc = decode(raw, name)
    if doc.usable:
        parse(doc)
    return doc


def _master_problems(doc: Document, version: schemas.Version, fmt: Format | None, masters: dict[str, Any],
                     runner: Document | None) -> list[Problem]:
    """The schema's problems of one master config, then its format's Python rules."""
    if fmt is not None:
        if "master-config" in fmt.yaml11_numbers:
            doc.read_yaml11_numbers()
        layout = fmt.layout_problem(doc.data, "master-config")
        if layout is not None:
            return [doc.problem(0, "unknown-format", layout)]
    out: list[Problem] = []
    if not fastcheck.accepts(version.name, "master-config", doc.data):
        out.extend(_validate(doc, version.name, "master-config"))
    if fmt is not None and fmt.rules:
        context = RuleContext(doc.path, doc.data, masters, runner.data if runner is not None else None,
                              runner.path if runner is not None else None)
        findings = [finding for rule in fmt.rules for finding in rule.check(context)]
        out.extend(place(doc, findings))
    return out


def place(doc: Document, findings: list[Finding]) -> list[Problem]:
    """Format rules' findings at their nodes: the key of the path, or the value (the nearest
    existing node when the path goes further than the document), all found in one pass."""
    if not findings:
        return []
    offsets = locate(doc, [tuple(f.path) for f in findings])
    out = []
    for finding in findings:
        key_offset, value_offset = offsets[tuple(finding.path)]
        offset = key_offset if finding.at == "key" and key_offset is not None else value_offset
        out.append(doc.problem(offset, finding.rule, finding.message, finding.level))
    return out


def _validate(doc: Document, version_name: str, kind: str) -> list[Problem]:
    # the explaining validator (and jsonschema) is imported only for a document that fails
    from ..validation import validate

    return validate(doc, version_name, kind)


def _runner_version(doc: Document, served: schemas.Version | None) -> schemas.Version:
    """Runner configs carry no version marker: the version of the master configs they serve
    when its runner schema has one, else the newest version whose runner schema accepts it."""
    candidates = [v for v in schemas.versions() if v.has("runner-config")]
    if served is not None and served in candidates:
        return served
    return next((v for v in reversed(candidates) if _runner_accepted(doc, v)), candidates[0])


def _newer_runner_version(doc: Document, version: schemas.Version) -> schemas.Version | None:
    """The newest version after `version` whose runner schema accepts the file as it reads it."""
    newer = [v for v in schemas.versions() if v.has("runner-config") and v.number > version.number]
    return next((v for v in reversed(newer) if _runner_accepted(doc, v)), None)


def _runner_accepted(doc: Document, version: schemas.Version) -> bool:
    data = _as_read_by(doc, _format(version)).data
    return fastcheck.accepts(version.name, "runner-config", data) or \
        schemas.validator(version.name, "runner-config").is_valid(data)


def _as_read_by(doc: Document, fmt: Format | None) -> Document:
    """The runner config as a format reads it (a copy with YAML 1.1 numbers when the format's owners
    write them), so that a version is tried on the values it would see."""
    if fmt is None or "runner-config" not in fmt.yaml11_numbers or not doc.yaml11_numbers:
        return doc
    copy = Document(doc.path, doc.text, bom=doc.bom, yaml11_numbers=list(doc.yaml11_numbers))
    copy.data = doc.data
    copy.read_yaml11_numbers()
    return copy
