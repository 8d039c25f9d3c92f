"""Upgrading configs to a newer format version, byte-exact.

What a step does is declared by the newer version's Format (`formats.Migration`: steps for
master configs and for the runner config), so this module is a generic engine over a few
kinds of step, each made of splices into the original text:

- AddEntryField: one line, `name: value`, right after the line of the field the step names,
  with that field's indentation and line ending, in every entry lacking it;
- NestEntryField: the field's key becomes the new keys, one per line (`seq-len-configs:` ->
  `scenarios:` / `fixed-seq-len:`), and every line of its value is indented one step more,
  as a person would re-indent it (comments inside the value too, blank lines untouched);
- NestDocument: a new top-level key before the first one, and every line of the document
  from there to its last value indented one step.

A `yaml-language-server` modeline that names the old version's schema is pointed at the new
one, since a stale modeline would make editors reject the new layout. No other byte changes.

A migration is verified before anyone may write it: the new text must parse, hold the old
data moved exactly as the steps say, and have no error as the target version. Then the
caller writes it atomically.
"""

from __future__ import annotations

from dataclasses import field
from pathlib import Path
from typing import Any

from . import formats, schemas
from .discovery import is_runner_config
from .records import record
from .edit import FileEdit, display_path
from .formats import AddEntryField, MigrationStep, NestDocument, NestEntryField
from .problems import Problem, sort_problems
from .scalar_style import render
from .validation import validate
from .yamlsource import MAP, SEQ, Document, Node, load_path, load_string

MASTER, RUNNER = "master-config", "runner-config"


class MigrateError(Exception):
    """A file that cannot or must not be migrated; the message is one line for the user,
    and `problems` the lint problems (at the file's own lines) that stand in the way."""

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


@record
class Step:
    """One version upgrade of one document kind, as the newer version's Format declares it."""

    source: str
    target: str
    changes: tuple[MigrationStep, ...]


@record
class Splice:
    """One change of the text before a round: characters start..end replaced by text; entry and
    summary say what it does, for the report (empty for the indentation of nested lines)."""

    start: int
    end: int
    text: str
    entry: str = ""
    summary: str = ""  # what it does, a verb first: `add `multinode: false` to {count}`


@record
class Round:
    """The splices of one step, at offsets of the text before it, and the text after it."""

    splices: list[Splice]
    before: str
    after: str


@record(frozen=False)
class Migration:
    """The planned migration of one file: its text before and after, and what was done."""

    path: Path
    kind: str
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
        """Each change (`add `multinode: false` to {count}`) and the entries it was made in, in file order."""
        out: dict[str, list[str]] = {}
        for splice in (s for r in self.rounds for s in r.splices if s.summary):
            out.setdefault(splice.summary, []).append(splice.entry)
        return out

    def as_edit(self) -> FileEdit:
        """The same change as a FileEdit, for its diff and its bytes."""
        return FileEdit(self.path, self.display, self.before, self.after)


def steps_to(target: str, kind: str) -> list[Step]:
    """Every step of one document kind from the oldest version up to target, oldest first."""
    chain: list[Step] = []
    goal = schemas.version(target).number
    for name in formats.names():
        fmt = formats.get(name)
        if fmt.number > goal or fmt.migration is None:
            continue
        chain.append(Step(fmt.migration.source, name,
                          fmt.migration.master if kind == MASTER else fmt.migration.runner))
    return chain


def plan(path: Path, target: str) -> Migration:
    """The migration of one file to target, verified; raises MigrateError when it cannot be made."""
    kind = RUNNER if is_runner_config(path) else MASTER
    doc = _load(path)
    source = schemas.detect(doc.data) if kind == MASTER else _runner_source(doc)
    if source.number > schemas.version(target).number:
        raise MigrateError(f"{doc.path} is in the {source.name} format, newer than {target}; "
                           f"sweepgen migrates forward only")
    steps = steps_to(target, kind)  # each step leaves alone what is already migrated (a half-migrated file)
    # Steps apply one after another, each to the text the previous one made, so that a
    # later step may place its field after a field an earlier step added.
    current = doc
    rounds: list[Round] = []
    for step in steps:
        splices: list[Splice] = []
        for change in step.changes:
            splices.extend(_splices(current, change))
        if splices:
            splices.sort(key=lambda s: (s.start, s.end))
            rounds.append(Round(splices, current.text, _apply(current.text, splices)))
            current = load_string(rounds[-1].after, doc.path)
            _check_parses(current)
    after = _modeline(current.text, [s.source for s in steps], target)
    migration = Migration(path, kind, doc, after, source.name, target, rounds)
    if migration.changed:
        _verify(migration, steps)
    return migration


def _runner_source(doc: Document) -> schemas.Version:
    """A runner config names no version: the newest whose runner schema accepts it, else the oldest."""
    candidates = [v for v in schemas.versions() if v.has(RUNNER)]
    for v in reversed(candidates):
        if schemas.validator(v.name, RUNNER).is_valid(doc.data):
            return v
    return candidates[0]


def _load(path: Path) -> Document:
    doc = load_path(path, display_path(path))
    errors = [p for p in doc.problems if p.level == "error"]
    if not doc.usable or doc.root is None or errors:
        first = errors[0] if errors else None
        where = f"{doc.path}:{first.line}:{first.column}: {first.message}" if first else f"{doc.path}: unreadable"
        raise MigrateError(f"cannot migrate {where}")
    if doc.root.kind != MAP:
        raise MigrateError(f"cannot migrate {doc.path}: the top level is not a mapping")
    if doc.root.style == "flow":
        raise MigrateError(f"cannot migrate {doc.path}: the file is one flow mapping ({{...}}); "
                           f"migrate adds lines to block mappings only")
    return doc


# ---------------------------------------------------------------- the steps, as splices

def _splices(doc: Document, change: MigrationStep) -> list[Splice]:
    if isinstance(change, AddEntryField):
        return _add_entry_field(doc, change)
    if isinstance(change, NestEntryField):
        return _nest_entry_field(doc, change)
    return _nest_document(doc, change)


def _entries(doc: Document) -> list[tuple[str, Node]]:
    return [(str(k.value), v) for k, v in doc.root.value] if doc.root is not None else []


def _column(text: str, offset: int) -> int:
    return offset - _line_start(text, offset)


def _refuse_flow(doc: Document, entry: Node, name: str, what: str) -> None:
    if entry.style == "flow":
        line, col = doc.position(entry.start)
        raise MigrateError(f"cannot migrate {doc.path}:{line}:{col}: entry '{name}' is a flow mapping "
                           f"({{...}}); migrate adds lines to block mappings only: rewrite it in block "
                           f"style, or {what} by hand")


def _add_entry_field(doc: Document, added: AddEntryField) -> list[Splice]:
    out: list[Splice] = []
    for name, entry in _entries(doc):
        if entry.kind != MAP or entry.key_node(added.name) is not None:
            continue
        _refuse_flow(doc, entry, name, f"add {_rendered(added)} to it")
        out.append(_insertion_after(doc, entry, name, added))
    return out


def _rendered(added: AddEntryField) -> str:
    return f"{added.name}: {render(added.value, None, False)}"


def _line_start(text: str, offset: int) -> int:
    return text.rfind("\n", 0, offset) + 1


def _own_line_indent(doc: Document, key: Node, entry: str, what: str) -> str:
    """The spaces before a key that starts its own line; MigrateError otherwise."""
    indent = doc.text[_line_start(doc.text, key.start):key.start]
    if indent.strip(" "):
        line, col = doc.position(key.start)
        raise MigrateError(f"cannot migrate {doc.path}:{line}:{col}: '{key.value}' of entry '{entry}' "
                           f"does not start its own line; {what} by hand")
    return indent


def _insertion_after(doc: Document, entry: Node, name: str, added: AddEntryField) -> Splice:
    anchor_key = entry.key_node(added.after)
    anchor = entry.get(added.after)
    if anchor_key is None or anchor is None:
        line, col = doc.position(entry.start)
        raise MigrateError(f"cannot migrate {doc.path}:{line}:{col}: entry '{name}' has no '{added.after}', "
                           f"after which {added.name} goes; add it first (sweepgen lint {doc.path})")
    text = doc.text
    written = _rendered(added)
    indent = _own_line_indent(doc, anchor_key, name, f"add {written}")
    summary = f"add `{written}` to {{count}}"
    # A value that ends with its line break (a block scalar) is followed directly by the next line.
    end = anchor.end
    if end > 0 and text[end - 1] == "\n":
        return Splice(end, end, f"{indent}{written}{_eol(text, end - 1)}", name, summary)
    newline = text.find("\n", end)
    if newline < 0:  # the last line of a file without a final line break
        return Splice(len(text), len(text), f"{_eol(text, -1)}{indent}{written}", name, summary)
    return Splice(newline + 1, newline + 1, f"{indent}{written}{_eol(text, newline)}", name, summary)


def _eol(text: str, newline: int) -> str:
    """The line ending at the LF at `newline` (CRLF or LF); for -1, the file's first one."""
    if newline < 0:
        newline = text.find("\n")
        if newline < 0:
            return "\n"
    return "\r\n" if newline > 0 and text[newline - 1] == "\r" else "\n"


def _last_content(node: Node) -> int:
    """The offset just past the last character that belongs to a node's value (a block
    collection's end mark lies at the next token, past trailing comments and blank lines)."""
    end = node.start
    todo = [node]
    while todo:
        n = todo.pop()
        if n.kind == MAP:
            if n.style == "flow":
                end = max(end, n.end)
            else:
                for k, v in n.value:
                    todo.extend((k, v))
        elif n.kind == SEQ:
            if n.style == "flow":
                end = max(end, n.end)
            else:
                todo.extend(n.value)
        else:
            end = max(end, n.end)
    return end


def _indent_lines(text: str, first: int, last: int, unit: str) -> list[Splice]:
    """unit added at the start of every non-blank line that starts in first..last."""
    out = []
    start = first
    while start <= last and start < len(text):
        stop = text.find("\n", start)
        line = text[start:stop if stop >= 0 else len(text)]
        if line.strip(" \r\t"):
            out.append(Splice(start, start, unit))
        if stop < 0:
            break
        start = stop + 1
    return out


def _nest_entry_field(doc: Document, nest: NestEntryField) -> list[Splice]:
    out: list[Splice] = []
    text = doc.text
    summary = f"move `{nest.name}` under `{'.'.join(nest.into[:-1])}` as `{nest.into[-1]}` in {{count}}"
    for entry_key, entry in doc.root.value if doc.root is not None else []:
        name = str(entry_key.value)
        if entry.kind != MAP:
            continue
        key, value = entry.key_node(nest.name), entry.get(nest.name)
        if key is None or value is None:
            continue
        what = f"move {nest.name} under {'.'.join(nest.into[:-1])}"
        _refuse_flow(doc, entry, name, what)
        if entry.key_node(nest.into[0]) is not None:
            line, col = doc.position(key.start)
            raise MigrateError(f"cannot migrate {doc.path}:{line}:{col}: entry '{name}' has both "
                               f"'{nest.name}' and '{nest.into[0]}'; merge them by hand")
        indent = _own_line_indent(doc, key, name, what)
        unit = " " * max(len(indent) - _column(text, entry_key.start), 1)
        eol = _eol(text, text.find("\n", key.start))
        head = "".join(f"{k}:{eol}{indent}{unit * (i + 1)}" for i, k in enumerate(nest.into[:-1]))
        out.append(Splice(key.start, key.end, head + nest.into[-1], name, summary))
        line_end = text.find("\n", key.end)
        if line_end >= 0:
            out.extend(_indent_lines(text, line_end + 1, _last_content(value) - 1,
                                     unit * (len(nest.into) - 1)))
    return out


def _nest_document(doc: Document, nest: NestDocument) -> list[Splice]:
    root = doc.root
    if root is None or not root.value or root.kind != MAP:
        return []
    if root.key_node(nest.key) is not None:  # already nested
        return []
    first_key = root.value[0][0]
    text = doc.text
    start = _line_start(text, first_key.start)
    if text[start:first_key.start].strip(" "):
        return []
    unit = _document_unit(root, text)
    eol = _eol(text, text.find("\n"))
    out = [Splice(start, start, f"{nest.key}:{eol}", "", f"put the document under `{nest.key}`")]  # no {count}
    out.extend(_indent_lines(text, start, _last_content(root) - 1, unit))
    return out


def _document_unit(root: Node, text: str) -> str:
    """The indentation step of a block document: its first nested key's, else two spaces."""
    for _, value in root.value:
        if value.kind == MAP and value.style != "flow" and value.value:
            key = value.value[0][0]
            width = key.start - _line_start(text, key.start)
            if width > 0:
                return " " * width
    return "  "


def _apply(text: str, splices: list[Splice]) -> str:
    """text with each splice made; splices sorted by offset, never overlapping."""
    out = []
    at = 0
    for s in splices:
        out.append(text[at:s.start])
        out.append(s.text)
        at = s.end
    out.append(text[at:])
    return "".join(out)


def _modeline(text: str, sources: list[str], target: str) -> str:
    """Point a modeline naming a migrated version's schema at the target's."""
    def repoint(match: Any) -> str:
        if match.group(2) not in sources:
            return str(match.group(0))
        return str(match.group(0)[:match.start(2) - match.start(0)] + target + match.group(3))

    return schemas.MODELINE.sub(repoint, text, count=1)


def _check_parses(doc: Document) -> None:
    if not doc.usable or any(p.level == "error" for p in doc.problems):
        raise MigrateError(f"{doc.path}: the migrated text does not parse; nothing was written "
                           f"(please report this as a sweepgen bug)")


# ---------------------------------------------------------------- verification

def _verify(migration: Migration, steps: list[Step]) -> None:
    """The new text must parse, hold the old data moved as the steps say, and lint clean as the target."""
    before = migration.before
    after = load_string(migration.after, before.path)
    _check_parses(after)
    expected = before.data
    for step in steps:
        for change in step.changes:
            expected = _expected_data(expected, change)
    if expected != after.data or not _same_order(expected, after.data):
        raise MigrateError(f"{before.path}: the migrated data is not the old data changed as the steps say; "
                           f"nothing was written (please report this as a sweepgen bug)")
    errors = [p for p in validate(after, migration.target, migration.kind) if p.level == "error"]
    if errors:
        shown = sort_problems([_original_position(p, migration.rounds) for p in errors])
        raise MigrateError(f"{before.path} would not lint clean as {migration.target} after the migration "
                           f"({len(errors)} error{'s' if len(errors) != 1 else ''} above, at the lines of "
                           f"the file as it is now); fix them and run again; nothing was written", shown)


def _expected_data(data: Any, change: MigrationStep) -> Any:
    if isinstance(change, NestDocument):
        if isinstance(data, dict) and change.key not in data:
            return {change.key: data}
        return data
    if not isinstance(data, dict):
        return data
    out: dict[str, Any] = {}
    for key, entry in data.items():
        if isinstance(entry, dict):
            entry = _changed_entry(entry, change)
        out[key] = entry
    return out


def _changed_entry(entry: dict[str, Any], change: MigrationStep) -> dict[str, Any]:
    if isinstance(change, AddEntryField):
        if change.name in entry:
            return entry
        rebuilt: dict[str, Any] = {}
        for k, v in entry.items():
            rebuilt[k] = v
            if k == change.after:
                rebuilt[change.name] = change.value
        return rebuilt
    if isinstance(change, NestEntryField) and change.name in entry:
        rebuilt = {}
        for k, v in entry.items():
            if k != change.name:
                rebuilt[k] = v
                continue
            nested: Any = v
            for name in reversed(change.into):
                nested = {name: nested}
            rebuilt.update(nested)
        return rebuilt
    return entry


def _same_order(a: Any, b: Any) -> bool:
    if isinstance(a, dict) and isinstance(b, dict):
        return list(a) == list(b) and all(_same_order(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return all(_same_order(x, y) for x, y in zip(a, b))
    return True


def _original_position(p: Problem, rounds: list[Round]) -> Problem:
    """A problem of the migrated text at the line and column it has in the file as it is now.

    A problem on a line a step added is shown on the line above it; one on a re-indented line at
    the column it had before.
    """
    line, column = p.line, p.column
    for r in reversed(rounds):
        after_starts = _line_starts(r.after)
        offset = after_starts[min(line, len(after_starts)) - 1] + column - 1
        shift = 0
        original = offset
        for s in r.splices:
            new_start = s.start + shift
            if offset < new_start:
                break
            new_end = new_start + len(s.text)
            if offset < new_end:  # inside text a step wrote: where it was written (an added line: the line above)
                original = s.start - 1 if s.start == s.end and s.start > 0 else s.start
                break
            shift += len(s.text) - (s.end - s.start)
            original = offset - shift
        else:
            original = offset - shift
        line, column = Document("", r.before).position(max(0, min(original, len(r.before))))
    return Problem(p.path, max(line, 1), column, p.rule, p.level, p.message)


def _line_starts(text: str) -> list[int]:
    starts = [0]
    i = text.find("\n")
    while i >= 0:
        starts.append(i + 1)
        i = text.find("\n", i + 1)
    return starts
