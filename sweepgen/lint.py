"""The lint engine: files in, problems out. Never prints, never exits."""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import fastcheck, schemas
from .discovery import find_runner_config, is_runner_config
from .keywords import REFERENCE_SETS
from .problems import Problem, sort_problems
from .yamlsource import Document, load_path


@dataclass
class FileReport:
    path: str
    kind: str  # "master-config" or "runner-config"
    version: str | None  # None when the file could not be read as YAML


@dataclass
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


def runner_names(data: Any) -> frozenset[str]:
    """Runner types and runner nodes of a v1-style runner config."""
    names: set[str] = set()
    if isinstance(data, dict):
        for key, nodes in data.items():
            names.add(str(key))
            if isinstance(nodes, list):
                names.update(n for n in nodes if isinstance(n, str))
    return frozenset(names)


def display_path(path: Path) -> str:
    """Repository-relative (cwd-relative) when possible, as annotations need."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def lint_files(
    files: list[Path],
    runner_config: str | None = None,
    schema_version: str = "auto",
    runner_search: bool = True,
) -> LintResult:
    """Lint master configs (and the runner config they refer to); all problems, sorted."""
    problems: list[Problem] = []
    reports: list[FileReport] = []
    notes: list[str] = []
    documents: dict[str, Document] = {}
    forced = None if schema_version == "auto" else schemas.version(schema_version)

    runner_path = find_runner_config(runner_config, files) if runner_search else (
        Path(runner_config) if runner_config else None)
    masters = [f for f in files if not is_runner_config(f)]
    runner_files = [f for f in files if is_runner_config(f)]
    if runner_path is not None and all(runner_path.resolve() != f.resolve() for f in runner_files if f.exists()):
        runner_files.insert(0, runner_path)

    master_docs = [load_path(mf, display_path(mf)) for mf in masters]
    master_versions = [forced or schemas.named(d.text) or schemas.detect(d.data) if d.usable else None
                       for d in master_docs]
    served = max((v for v in master_versions if v is not None), key=lambda v: v.number, default=None)

    names: tuple[frozenset[str], str] | None = None
    for rf in runner_files:
        doc = load_path(rf, display_path(rf))
        documents[doc.path] = doc
        problems.extend(doc.problems)
        version = None
        if doc.usable:
            version = forced or _runner_version(doc, served)
            if not fastcheck.accepts(version.name, "runner-config", doc.data):
                problems.extend(_validate(doc, version.name, "runner-config"))
        reports.append(FileReport(doc.path, "runner-config", version.name if version else None))
        if runner_path is not None and rf.resolve() == runner_path.resolve() and doc.usable:
            names = (runner_names(doc.data), doc.path)
    if runner_path is None:
        notes.append("no runner config found: the unknown-runner rule was skipped")
    elif names is None:
        notes.append(f"runner config {display_path(runner_path)} could not be read: the unknown-runner rule was skipped")

    token = REFERENCE_SETS.set({} if names is None else {"runner-config": names})
    try:
        first_seen: dict[str, tuple[Document, str]] = {}
        newest = schemas.latest()
        for doc, version in zip(master_docs, master_versions):
            documents[doc.path] = doc
            problems.extend(doc.problems)
            if version is not None:
                if not fastcheck.accepts(version.name, "master-config", doc.data):
                    problems.extend(_validate(doc, version.name, "master-config"))
                problems.extend(_yaml11_warnings(doc, problems))
                problems.extend(_cross_file_duplicates(doc, first_seen))
                shape = version if forced is None else schemas.detect(doc.data)
                if shape.number < newest.number:
                    notes.append(f"{doc.path} is in the {shape.name} format (the latest is {newest.name}); "
                                 f"`sweepgen migrate --to {newest.name} --config-files {shlex.quote(doc.path)}` "
                                 f"upgrades it in place")
            reports.append(FileReport(doc.path, "master-config", version.name if version else None))
    finally:
        REFERENCE_SETS.reset(token)
    return LintResult(sort_problems(problems), reports, notes, documents,
                      display_path(runner_path) if runner_path else None)


def _validate(doc: Document, version_name: str, kind: str) -> list[Problem]:
    # the explaining validator (and jsonschema) is imported only for a document that fails
    from .validation import validate

    return validate(doc, version_name, kind)


def _runner_version(doc: Document, served: schemas.Version | None) -> schemas.Version:
    """Runner configs carry no version marker: the version of the master configs they serve
    when its runner schema has one, else the newest version whose runner schema accepts it."""
    candidates = [v for v in schemas.versions() if (v.name, "runner-config") in schemas._documents()]
    if served is not None and served in candidates:
        return served
    for v in reversed(candidates):
        if fastcheck.accepts(v.name, "runner-config", doc.data) or \
                schemas.validator(v.name, "runner-config").is_valid(doc.data):
            return v
    return candidates[0]


def _yaml11_warnings(doc: Document, already: list[Problem]) -> list[Problem]:
    if not doc.yaml11_bools:
        return []
    taken = {(p.line, p.column) for p in already if p.path == doc.path}
    out = []
    for offset in doc.yaml11_bools:
        line, col = doc.position(offset)
        if (line, col) in taken:
            continue
        word = doc.text[offset:offset + 5].split()[0].rstrip(",}]")
        out.append(Problem(doc.path, line, col, "yaml11-boolean", "warning",
                           f"'{word}' is a string in YAML 1.2 but a boolean to YAML 1.1 readers; quote it"))
    return out


def _cross_file_duplicates(doc: Document, first_seen: dict[str, tuple[Document, str]]) -> list[Problem]:
    """Entry keys already defined by an earlier file; positions are looked up only for those."""
    out: list[Problem] = []
    if not isinstance(doc.data, dict):
        return out
    for key in doc.data:
        if key in first_seen:
            other, _ = first_seen[key]
            out.append(doc.problem(_key_offset(doc, key), "duplicate-key",
                                   f"entry '{key}' is already defined in {other.path} at line "
                                   f"{other.position(_key_offset(other, key))[0]}"))
        else:
            first_seen[key] = (doc, key)
    return out


def _key_offset(doc: Document, key: str) -> int:
    key_node, _ = doc.node_at([key])
    return key_node.start if key_node is not None else 0
