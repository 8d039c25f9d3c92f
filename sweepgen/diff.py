"""`sweepgen diff`: the configs at two revisions, expanded and compared job by job. Never prints.

A side is a git revision or the working tree. Its master and runner configs are the
same repository-relative files on both sides; a file one side lacks is that side's
empty file (noted, not an error). A revision's files are written to a scratch folder
under their own relative names and linted there, so problems keep their positions;
their paths are then shown as `configs/x.yaml@REV`.

Both sides are expanded with full-sweep's semantics and filters, and jobs are compared
by identity: every field of the printed matrix entry (canonical JSON; the format's
`identity`), counted as a multiset, so that identical jobs made twice stay two. Each
row carries the entry key that makes it; occurrences are paired first within one key,
then across keys (an entry renamed keeps its jobs unchanged).
"""

from __future__ import annotations

import json
import os
from collections import defaultdict, deque
from dataclasses import replace
from pathlib import Path
from typing import Any, Callable, Hashable, Iterable, Mapping, Sequence, TypeVar

from . import load
from .discovery import CONFIG_SUFFIXES, RUNNER_NAMES, is_runner_config, repo_configs_dir
from .formats import ConfigSet, Format, Request, Row
from .gitrev import SYMLINK_MODE, Repository
from .lint import FileReport, LintResult, display_path, lint_files
from .problems import sort_problems
from .records import record

T = TypeVar("T", bound=Hashable)


class DiffError(Exception):
    """A comparison that cannot be made; the message is one line."""


class SideLintError(DiffError):
    """One side's configs fail lint; `result` holds the problems, paths as the user reads them."""

    def __init__(self, side: Side, result: LintResult) -> None:
        count = f"{result.errors} lint error{'s' if result.errors != 1 else ''}"
        super().__init__(f"the {side.role} configs ({side.label}) have {count}; nothing was compared")
        self.side = side
        self.result = result


# ---------------------------------------------------------------- the two sides and their files

@record
class Side:
    role: str  # "base" or "head"
    rev: str | None  # as the user wrote it; None is the working tree
    commit: str | None

    @property
    def label(self) -> str:
        return self.rev if self.rev is not None else "the working tree"

    @property
    def short(self) -> str:
        return self.rev if self.rev is not None else "working tree"

    @property
    def where(self) -> str:
        return f"at {self.rev}" if self.rev is not None else "in the working tree"


def side(repo: Repository, role: str, rev: str | None) -> Side:
    return Side(role, rev, repo.commit(rev) if rev is not None else None)


@record
class FileSet:
    """One side's files, repository-relative: master configs in order, the runner config, and
    what the comparison names but this side lacks (compared as empty)."""

    masters: tuple[str, ...]
    runner: str | None
    missing: tuple[str, ...]  # master configs
    missing_runner: str | None


def repo_path(repo: Repository, name: str, cwd: Path) -> str:
    """A path as the user typed it (relative to cwd), relative to the repository's top level."""
    candidates = (Path(os.path.abspath(cwd / name)), (cwd / name).resolve())
    for candidate in candidates:
        try:
            relative = candidate.relative_to(repo.root).as_posix()
        except ValueError:
            continue
        return "" if relative == "." else relative
    raise DiffError(f"{name} is outside the git repository {repo.root}: diff reads files at revisions")


class _Tree:
    """What one side holds at a repository-relative path."""

    def __init__(self, repo: Repository, at: Side) -> None:
        self.repo = repo
        self.at = at

    def kind(self, path: str) -> str | None:
        """'file', 'folder' or None."""
        if self.at.commit is None:
            local = self.repo.root / path
            return "folder" if local.is_dir() else "file" if local.is_file() else None
        if not path:
            return "folder"
        item = self.repo.item(self.at.commit, path)
        if item is None:
            return None
        if item.mode == SYMLINK_MODE:
            raise DiffError(f"{path} is a symbolic link {self.at.where}; name the file it points to")
        return {"blob": "file", "tree": "folder"}.get(item.kind)

    def yaml_files(self, folder: str) -> list[str]:
        """The YAML files directly inside folder, by name (as discovery lists a folder)."""
        prefix = f"{folder}/" if folder else ""
        if self.at.commit is None:
            names = [p.name for p in (self.repo.root / folder).iterdir()
                     if p.suffix in CONFIG_SUFFIXES and p.is_file()]
        else:
            names = [i.path.rsplit("/", 1)[-1] for i in self.repo.children(self.at.commit, folder)
                     if i.kind == "blob" and i.mode != SYMLINK_MODE and Path(i.path).suffix in CONFIG_SUFFIXES]
        return [prefix + n for n in sorted(names)]


def _unique(items: Iterable[T]) -> list[T]:
    return list(dict.fromkeys(items))


def select_files(repo: Repository, sides: Sequence[Side], config_files: Sequence[str], runner_config: str | None,
                 cwd: Path) -> list[FileSet]:
    """Each side's files. Folders are listed at each side; a file at one side only is the other
    side's empty file. Without config_files: the configs/ folder discovery finds here."""
    if config_files:
        wanted = [repo_path(repo, name, cwd) for name in config_files]
    else:
        folder = repo_configs_dir(cwd)
        if folder is None:
            raise DiffError("no configs/ or .github/configs/ folder found here or above; name the files to use")
        wanted = [repo_path(repo, str(folder), cwd)]
    trees = [_Tree(repo, s) for s in sides]
    union: list[str] = []
    for path in wanted:
        kinds = [t.kind(path) for t in trees]
        if "folder" in kinds:
            union.extend(sorted({f for t, k in zip(trees, kinds) if k == "folder" for f in t.yaml_files(path)}))
        else:
            union.append(path)
    union = _unique(union)
    masters = [p for p in union if not is_runner_config(Path(p))]
    runner = _runner_path(repo, trees, union, masters, runner_config, cwd)
    out = []
    for tree in trees:
        present = {p for p in (*masters, *([runner] if runner else [])) if tree.kind(p) == "file"}
        here = runner if runner in present else None
        out.append(FileSet(tuple(p for p in masters if p in present), here,
                           tuple(p for p in masters if p not in present), runner if runner and not here else None))
    if not any(f.masters for f in out):
        shown = ", ".join(wanted) or "the repository's top level"
        raise DiffError(f"no master config in {shown} at either side")
    return out


def _runner_path(repo: Repository, trees: Sequence[_Tree], union: Sequence[str], masters: Sequence[str],
                 explicit: str | None, cwd: Path) -> str | None:
    """As lint finds it: --runner-config, else one among the files, else beside the first
    master config, else in the repository's configs folder; on either side."""
    if explicit:
        return repo_path(repo, explicit, cwd)
    among = next((p for p in union if is_runner_config(Path(p))), None)
    if among is not None:
        return among
    folders = [str(Path(masters[0]).parent)] if masters else []
    found = repo_configs_dir(cwd)
    if found is not None:
        folders.append(repo_path(repo, str(found), cwd))
    for folder in folders:
        prefix = "" if folder in ("", ".") else f"{folder}/"
        for name in RUNNER_NAMES:
            if any(t.kind(prefix + name) == "file" for t in trees):
                return prefix + name
    return None


# ---------------------------------------------------------------- reading and linting one side

@record
class Loaded:
    """One side's configs, linted clean and modelled (None when the side has no master config)."""

    side: Side
    configs: ConfigSet | None
    lint: LintResult | None
    format: Format | None = None
    entries: Mapping[str, Any] | None = None  # entry key -> its fields, defaults filled


def materialize(repo: Repository, at: Side, files: FileSet, scratch: Path) -> Path:
    """The folder holding the side's files under their repository-relative names: the working
    tree itself, or scratch with the revision's files written into it."""
    if at.commit is None:
        return repo.root
    for path in (*files.masters, *([files.runner] if files.runner else [])):
        target = scratch / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(repo.read(at.commit, path))
    return scratch


def load_side(repo: Repository, at: Side, files: FileSet, folder: Path) -> Loaded:
    """Lint the side's files (in folder) and build its model; SideLintError on lint errors."""
    if not files.masters:
        return Loaded(at, None, None)
    runner = folder / files.runner if files.runner else None
    result = lint_files([folder / p for p in files.masters], str(runner) if runner else None,
                        runner_search=False)
    if at.commit is not None:
        result = _relabel(result, {display_path(folder / p): f"{display_path(repo.root / p)}@{at.rev}"
                                   for p in (*files.masters, *([files.runner] if files.runner else []))})
    if result.errors:
        raise SideLintError(at, result)
    try:
        fmt, configs = load.load(result, result.runner_config)
    except load.LoadError as exc:
        raise DiffError(f"the {at.role} configs ({at.label}): {exc}") from None
    entries: dict[str, Any] = {}
    for document in load.filled_documents(result):
        if document.kind == "master-config" and isinstance(document.data, dict):
            entries.update((str(k), v) for k, v in document.data.items())
    return Loaded(at, configs, result, fmt, entries)


def _relabel(result: LintResult, names: Mapping[str, str]) -> LintResult:
    """The lint result with scratch paths shown as the revision's files, in messages too."""
    order = sorted(names, key=len, reverse=True)

    def text(value: str) -> str:
        for old in order:
            value = value.replace(old, names[old])
        return value

    problems = [replace(p, path=names.get(p.path, p.path), message=text(p.message)) for p in result.problems]
    return LintResult(sort_problems(problems),
                      [FileReport(names.get(f.path, f.path), f.kind, f.version) for f in result.files],
                      [text(n) for n in result.notes],
                      {names.get(k, k): d for k, d in result.documents.items()},
                      names.get(result.runner_config, result.runner_config) if result.runner_config else None)


# ---------------------------------------------------------------- expanding and comparing

@record
class SideJob:
    row: Row  # carries the entry key that makes it and its plan group
    identity: str  # what makes it the same job at the other side

    @property
    def key(self) -> str:
        return self.row.key

    @property
    def entry(self) -> dict[str, Any]:
        """As full-sweep prints it."""
        return self.row.data()


@record
class Expanded:
    side: Side
    version: str | None
    jobs: tuple[SideJob, ...]
    entries: Mapping[str, Any]  # every entry of the side, filtered or not: key -> its fields


def empty(at: Side) -> Expanded:
    return Expanded(at, None, (), {})


def expand_side(loaded: Loaded, rows: Sequence[Row], judge: Format | None = None) -> Expanded:
    """The side's selected rows, each with what identifies it: by its own format, or by judge
    (the newer format of the two sides) when the sides' formats differ."""
    if loaded.configs is None or loaded.format is None:
        return empty(loaded.side)
    if judge is None or judge is loaded.format:
        own = loaded.format.identity
        jobs = tuple(SideJob(row, own(row)) for row in rows)
    else:
        other, made_by = judge.identity, loaded.format.name
        jobs = tuple(SideJob(row, other(row, made_by)) for row in rows)
    return Expanded(loaded.side, loaded.configs.version, jobs, loaded.entries or {})


@record
class Comparison:
    base: Expanded
    head: Expanded
    added: tuple[SideJob, ...]  # in the head's full-sweep order
    removed: tuple[SideJob, ...]  # in the base's full-sweep order
    unchanged: int

    @property
    def changed_keys(self) -> list[str]:
        return sorted({j.key for j in (*self.added, *self.removed)})


def _pair(base: Sequence[SideJob], head: Sequence[SideJob], by: Callable[[SideJob], Hashable],
          ) -> tuple[list[SideJob], list[SideJob], int]:
    """Pair equal occurrences; the unpaired of each side (in order) and the number paired."""
    pool: dict[Hashable, deque[int]] = defaultdict(deque)
    for i, job in enumerate(base):
        pool[by(job)].append(i)
    head_left = []
    paired = 0
    for job in head:
        queue = pool.get(by(job))
        if queue:
            queue.popleft()
            paired += 1
        else:
            head_left.append(job)
    base_left = [base[i] for i in sorted(i for q in pool.values() for i in q)]
    return base_left, head_left, paired


def compare(base: Expanded, head: Expanded) -> Comparison:
    base_left, head_left, same_key = _pair(base.jobs, head.jobs, lambda j: (j.identity, j.key))
    removed, added, moved = _pair(base_left, head_left, lambda j: j.identity)
    return Comparison(base, head, tuple(added), tuple(removed), same_key + moved)


# ---------------------------------------------------------------- reports

def json_report(result: Comparison) -> str:
    return json.dumps({"added": [j.entry for j in result.added], "removed": [j.entry for j in result.removed],
                       "changed_keys": result.changed_keys, "unchanged": result.unchanged})


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _code(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value)
    text = text.replace("|", "\\|")
    fence = "``" if "`" in text else "`"
    return f"{fence}{text}{fence}" if fence == "`" else f"{fence} {text} {fence}"


def _scalar(value: Any) -> bool:
    return value is None or isinstance(value, (str, int, float, bool))


def entry_change(old: Mapping[str, Any] | None, new: Mapping[str, Any] | None, order: Sequence[str] = ()) -> str:
    """What changed in an entry, for a reviewer: its scalar fields old -> new, its lists and
    mappings by name (fields in the schema's order, then any other in the entries' order)."""
    if old is None:
        return "new entry"
    if new is None:
        return "entry removed"
    parts = []
    for name in _unique([*(n for n in order if n in new or n in old), *new, *old]):
        before, after = old.get(name), new.get(name)
        if before == after and (name in old) == (name in new):
            continue
        if _scalar(before) and _scalar(after):
            parts.append(f"{name} {_code(before)} -> {_code(after)}")
        else:
            parts.append(name)
    return "; ".join(parts)


def markdown(result: Comparison, scope: str | None = None) -> str:
    """A reviewer's summary: totals, then per entry key and per sequence length and model."""
    lines = [f"## sweepgen diff: {result.base.side.short} -> {result.head.side.short}", ""]
    if scope:
        lines += [f"Jobs of `{scope}`.", ""]
    before, after = len(result.base.jobs), len(result.head.jobs)
    if not result.added and not result.removed:
        lines.append(f"No jobs added or removed ({result.unchanged} unchanged).")
        return "\n".join(lines) + "\n"
    lines += [f"**{_plural(len(result.added), 'job')} added, {len(result.removed)} removed, "
              f"{result.unchanged} unchanged** ({before} -> {after} jobs).", ""]

    from . import schemas

    order = schemas.entry_fields(result.head.version) if result.head.version else ()
    added = _count(result.added, lambda j: j.key)
    removed = _count(result.removed, lambda j: j.key)
    lines += ["| entry | added | removed | change |", "|---|---:|---:|---|"]
    for key in result.changed_keys:
        change = entry_change(result.base.entries.get(key), result.head.entries.get(key), order)
        lines.append(f"| {_code(key)} | {added.get(key, 0)} | {removed.get(key, 0)} | {change} |")

    def group(j: SideJob) -> tuple[str, str]:
        return (j.row.group.scenario, j.row.group.model)

    groups = _unique(group(j) for j in (*result.head.jobs, *result.base.jobs))
    counts = {name: _count(jobs, group) for name, jobs in (
        ("before", result.base.jobs), ("after", result.head.jobs), ("added", result.added),
        ("removed", result.removed))}
    lines += ["", "| seq-len | model | before | after | added | removed |", "|---|---|---:|---:|---:|---:|"]
    for g in groups:
        if counts["added"].get(g) or counts["removed"].get(g):
            row = " | ".join(str(counts[c].get(g, 0)) for c in ("before", "after", "added", "removed"))
            lines.append(f"| {g[0]} | {g[1]} | {row} |")
    return "\n".join(lines) + "\n"


def _count(jobs: Iterable[SideJob], by: Callable[[SideJob], Hashable]) -> dict[Hashable, int]:
    out: dict[Hashable, int] = defaultdict(int)
    for j in jobs:
        out[by(j)] += 1
    return out
