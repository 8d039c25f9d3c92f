"""Upgrading master configs to a newer schema version, byte-exact.

What a step adds is declared by the newer version's schema (`x-sweepgen-migrate`), so
this module is a generic engine: for each entry that lacks a field the step adds, it
inserts one line, `name: value`, right after the line of the field the step names,
with that field's indentation and line ending. A `yaml-language-server` modeline that
names the old version's master-config schema is pointed at the new one, since a stale
modeline would make editors reject the new field. No other byte changes.

A migration is verified before anyone may write it: the new text must parse, hold the
old data plus exactly the added fields (in the declared place), and have no error as
the target version. Then the caller writes it atomically.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import schemas
from .edit import FileEdit, display_path
from .problems import Problem, sort_problems
from .scalar_style import render
from .validation import validate
from .yamlsource import MAP, Document, Node, load_path, load_string



class MigrateError(Exception):
    """A file that cannot or must not be migrated; the message is one line for the user,
    and `problems` the lint problems (at the file's own lines) that stand in the way."""

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


@dataclass(frozen=True)
class AddField:
    """A field a step adds to every entry that lacks it, after the field `after`."""

    name: str
    value: Any
    after: str


@dataclass(frozen=True)
class Step:
    """One version upgrade, as the newer version's master-config schema declares it."""

    source: str
    target: str
    entry_fields: tuple[AddField, ...]


@dataclass(frozen=True)
class Insertion:
    """One added line: where it goes in the old text, its source, its entry and what it adds."""

    offset: int
    text: str
    entry: str
    added: str  # `name: value` as written


@dataclass(frozen=True)
class Round:
    """The insertions of one step, at offsets of the text before it, and the text after it."""

    insertions: list[Insertion]
    after: str


@dataclass
class Migration:
    """The planned migration of one file: its text before and after, and what was added."""

    path: Path
    before: Document
    after: str
    source: str
    target: str
    rounds: list[Round] = field(default_factory=list)

    @property
    def display(self) -> str:
        return self.before.path

    @property
    def changed(self) -> bool:
        return self.after != self.before.text

    def added(self) -> dict[str, list[str]]:
        """Each added `name: value` and the entries it was added to, in file order."""
        out: dict[str, list[str]] = {}
        for insertion in (i for r in self.rounds for i in r.insertions):
            out.setdefault(insertion.added, []).append(insertion.entry)
        return out

    def as_edit(self) -> FileEdit:
        """The same change as a FileEdit, for its diff and its bytes."""
        return FileEdit(self.path, self.display, self.before, self.after)


def steps_to(target: str) -> list[Step]:
    """Every step from the oldest version up to target, oldest first."""
    chain: list[Step] = []
    for version in schemas.versions():
        if version.number > schemas.version(target).number:
            break
        declared = version.schema("master-config").get("x-sweepgen-migrate")
        if declared is None:
            continue
        fields = tuple(AddField(f["name"], f["value"], f["after"]) for f in declared.get("add-entry-fields", []))
        chain.append(Step(declared["from"], version.name, fields))
    return chain


def plan(path: Path, target: str) -> Migration:
    """The migration of one file to target, verified; raises MigrateError when it cannot be made."""
    doc = _load(path)
    source = schemas.detect(doc.data)
    if source.number > schemas.version(target).number:
        raise MigrateError(f"{doc.path} is in the {source.name} format, newer than {target}; "
                           f"sweepgen migrates forward only")
    steps = steps_to(target)
    # Steps apply one after another, each to the text the previous one made, so that a
    # later step may place its field after a field an earlier step added.
    current = doc
    rounds: list[Round] = []
    for step in steps:
        insertions = sorted(_entry_insertions(current, step), key=lambda i: i.offset)
        if insertions:
            rounds.append(Round(insertions, _splice(current.text, insertions)))
            current = load_string(rounds[-1].after, doc.path)
            _check_parses(current)
    after = _modeline(current.text, [s.source for s in steps], target)
    migration = Migration(path, doc, after, source.name, target, rounds)
    if migration.changed:
        _verify(migration, steps)
    return migration


def _load(path: Path) -> Document:
    doc = load_path(path, display_path(path))
    errors = [p for p in doc.problems if p.level == "error"]
    if not doc.usable or doc.root is None or errors:
        first = errors[0] if errors else None
        where = f"{doc.path}:{first.line}:{first.column}: {first.message}" if first else f"{doc.path}: unreadable"
        raise MigrateError(f"cannot migrate {where}")
    if doc.root.kind != MAP:
        raise MigrateError(f"cannot migrate {doc.path}: the top level is not a mapping of entries")
    if doc.root.style == "flow":
        raise MigrateError(f"cannot migrate {doc.path}: the file is one flow mapping ({{...}}); "
                           f"migrate adds lines to block mappings only")
    return doc


def _entry_insertions(doc: Document, step: Step) -> list[Insertion]:
    out: list[Insertion] = []
    for key_node, entry in doc.root.value if doc.root is not None else []:
        missing = [f for f in step.entry_fields if entry.kind == MAP and entry.key_node(f.name) is None]
        if not missing:
            continue
        name = str(key_node.value)
        line, col = doc.position(entry.start)
        if entry.style == "flow":
            raise MigrateError(f"cannot migrate {doc.path}:{line}:{col}: entry '{name}' is a flow mapping "
                               f"({{...}}); migrate adds lines to block mappings only: rewrite it in block "
                               f"style, or add {_rendered(missing[0])} to it by hand")
        for added in missing:
            out.append(_insertion_after(doc, entry, name, added))
    return out


def _rendered(added: AddField) -> str:
    return f"{added.name}: {render(added.value, None, False)}"


def _insertion_after(doc: Document, entry: Node, name: str, added: AddField) -> Insertion:
    anchor_key = entry.key_node(added.after)
    anchor = entry.get(added.after)
    if anchor_key is None or anchor is None:
        line, col = doc.position(entry.start)
        raise MigrateError(f"cannot migrate {doc.path}:{line}:{col}: entry '{name}' has no '{added.after}', "
                           f"after which {added.name} goes; add it first (sweepgen lint {doc.path})")
    text = doc.text
    line_start = text.rfind("\n", 0, anchor_key.start) + 1
    indent = text[line_start:anchor_key.start]
    if indent.strip(" "):
        line, col = doc.position(anchor_key.start)
        raise MigrateError(f"cannot migrate {doc.path}:{line}:{col}: '{added.after}' of entry '{name}' "
                           f"does not start its own line; add {_rendered(added)} by hand")
    # A value that ends with its line break (a block scalar) is followed directly by the next line.
    end = anchor.end
    written = _rendered(added)
    if end > 0 and text[end - 1] == "\n":
        return Insertion(end, f"{indent}{written}{_eol(text, end - 1)}", name, written)
    newline = text.find("\n", end)
    if newline < 0:  # the last line of a file without a final line break
        return Insertion(len(text), f"{_eol(text, -1)}{indent}{written}", name, written)
    return Insertion(newline + 1, f"{indent}{written}{_eol(text, newline)}", name, written)


def _eol(text: str, newline: int) -> str:
    """The line ending at the LF at `newline` (CRLF or LF); for -1, the file's first one."""
    if newline < 0:
        newline = text.find("\n")
        if newline < 0:
            return "\n"
    return "\r\n" if newline > 0 and text[newline - 1] == "\r" else "\n"


def _splice(text: str, insertions: list[Insertion]) -> str:
    """text with each insertion put in at its offset; insertions sorted by offset."""
    cuts = [0, *(i.offset for i in insertions)]
    return "".join(text[a:b] + i.text for a, b, i in zip(cuts, cuts[1:], insertions)) + text[cuts[-1]:]


def _modeline(text: str, sources: list[str], target: str) -> str:
    """Point a modeline naming a migrated version's master-config schema at the target's."""
    def repoint(match: re.Match[str]) -> str:
        if match.group(2) not in sources:
            return match.group(0)
        return match.group(0)[:match.start(2) - match.start(0)] + target + match.group(3)

    return schemas.MODELINE.sub(repoint, text, count=1)


def _check_parses(doc: Document) -> None:
    if not doc.usable or any(p.level == "error" for p in doc.problems):
        raise MigrateError(f"{doc.path}: the migrated text does not parse; nothing was written "
                           f"(please report this as a sweepgen bug)")


def _verify(migration: Migration, steps: list[Step]) -> None:
    """The new text must parse, hold the old data plus the added fields, and lint clean as the target."""
    before = migration.before
    after = load_string(migration.after, before.path)
    _check_parses(after)
    expected = _expected_data(before.data, steps)
    if expected != after.data or not _same_order(expected, after.data):
        raise MigrateError(f"{before.path}: the migrated data is not the old data plus the added fields; "
                           f"nothing was written (please report this as a sweepgen bug)")
    errors = [p for p in validate(after, migration.target, "master-config") if p.level == "error"]
    if errors:
        shown = sort_problems([_original_position(p, migration.rounds) for p in errors])
        raise MigrateError(f"{before.path} would not lint clean as {migration.target} after the migration "
                           f"({len(errors)} error{'s' if len(errors) != 1 else ''} above, at the lines of "
                           f"the file as it is now); fix them and run again; nothing was written", shown)


def _expected_data(data: dict[str, Any], steps: list[Step]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, entry in data.items():
        for step in steps:
            if not isinstance(entry, dict):
                break
            for added in step.entry_fields:
                if added.name in entry:
                    continue
                rebuilt: dict[str, Any] = {}
                for k, v in entry.items():
                    rebuilt[k] = v
                    if k == added.after:
                        rebuilt[added.name] = added.value
                entry = rebuilt
        out[key] = entry
    return out


def _same_order(a: Any, b: Any) -> bool:
    if isinstance(a, dict) and isinstance(b, dict):
        return list(a) == list(b) and all(_same_order(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return all(_same_order(x, y) for x, y in zip(a, b))
    return True


def _original_position(p: Problem, rounds: list[Round]) -> Problem:
    """A problem of the migrated text at the line it has in the file as it is now.

    Every insertion adds one line; a problem on an added line is shown on the line above it.
    """
    line = p.line
    for r in reversed(rounds):
        added_lines = []
        shift = 0
        for insertion in r.insertions:
            content = insertion.offset + shift + (len(insertion.text) - len(insertion.text.lstrip("\r\n")))
            added_lines.append(r.after.count("\n", 0, content) + 1)
            shift += len(insertion.text)
        line -= sum(1 for added in added_lines if added <= line)
    return Problem(p.path, max(line, 1), p.column, p.rule, p.level, p.message)
