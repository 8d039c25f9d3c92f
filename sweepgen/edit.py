"""Byte-exact edits of config files: splice new scalars into the original text.

An edit never loads and dumps a file. It finds each target scalar's character span
in the parsed node tree, replaces exactly those characters, and then the guard
(`new_problems`) lints the result: the plain data of that lint's parse must differ from
before in the targeted values only, and the edit may not add a lint problem. Only then
may the caller write it, atomically.

Cost: one parse of the file (with its node tree) and one lint of the edited text; the
original is linted too only when the edited text has problems to compare with it.
"""

from __future__ import annotations

import bisect
import difflib
import json
import tempfile
from collections import Counter
from dataclasses import field
from pathlib import Path
from typing import Any, Literal

from .address import Step, format_address
from .problems import Problem
from .scalar_style import DOUBLE, SINGLE, reads_differently_as_plain, render
from . import yamlsource
from .yamlsource import ALIAS, MAP, SCALAR, SEQ, Document, Node, iter_scalars, load_path, load_string, parse
from .records import record

MERGE_KEY = "<<"


class EditError(Exception):
    """An edit that cannot or must not be made; the message is one line for the user."""


@record
class Target:
    """One value to set: where (steps from the root), what to call it, and the new value."""

    steps: tuple[Step, ...]
    label: str
    value: Any


@record
class Change:
    """One scalar replaced: its span in the text before, its old and new value and source."""

    target: Target
    line: int
    start: int
    end: int
    old: Any
    old_text: str
    new_text: str

    @property
    def old_one_line(self) -> str:
        """The old source text; for a value folded over several lines, its one-line form."""
        return self.old_text if "\n" not in self.old_text else render(self.old, None, in_flow=False)


@record(frozen=False)
class FileEdit:
    """The planned edit of one file: its text before and after and what changed."""

    path: Path
    display: str
    before: Document
    after: str
    changes: list[Change] = field(default_factory=list)
    unchanged: list[Change] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.after != self.before.text

    def diff(self) -> str:
        """The unified diff of the edit, with a/ and b/ headers as git writes them."""
        lines = unified_diff(_lines(self.before.text), _lines(self.after),
                             f"a/{self.display}", f"b/{self.display}")
        out = []
        for line in lines:
            out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
        return "".join(out)

    def encoded(self) -> bytes:
        return self.after.encode("utf-8")

    @property
    def before_bytes(self) -> bytes:
        """The bytes the edit was planned on (the file as it was read)."""
        return self.before.text.encode("utf-8")

    def still_current(self) -> bool:
        """The file on disk still holds the text this edit was planned on (no one saved it since)."""
        try:
            return self.path.read_bytes() == self.before_bytes
        except OSError:
            return False


def _lines(text: str) -> list[str]:
    """Lines split at LF only, ends kept: CR stays part of a CRLF line, U+2028 is not a break."""
    parts = text.split("\n")
    lines = [p + "\n" for p in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


# ---- the diff -------------------------------------------------------------------------------
#
# difflib.unified_diff matches the two files as wholes: on a large config with many similar lines
# (`    osl: 1024`) it takes seconds, and past 200 lines its popularity heuristic (autojunk) shows
# unchanged lines as changed. Here small files get difflib's matching without that heuristic.
# Large ones are matched in stretches: the common head and tail first, then the lines that occur
# once in both texts (the patience idea), and difflib matches only the stretches between those.
# For the edits sweepgen makes (scalars replaced, lines added) the hunks are the ones difflib
# prints for the whole files without autojunk; the format is unified_diff's.

_SMALL = 400  # lines per side that difflib matches directly


def unified_diff(a: list[str], b: list[str], fromfile: str, tofile: str, n: int = 3) -> list[str]:
    """Lines of a unified diff as difflib.unified_diff writes them (headers, ranges, 3 lines of
    context), in time near linear for texts that are mostly alike."""
    matcher = _Matched(_opcodes(a, b))
    out: list[str] = []
    for group in matcher.get_grouped_opcodes(n):
        if not out:
            out += [f"--- {fromfile}\n", f"+++ {tofile}\n"]
        first, last = group[0], group[-1]
        out.append(f"@@ -{_range(first[1], last[2])} +{_range(first[3], last[4])} @@\n")
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                out += [" " + line for line in a[i1:i2]]
                continue
            if tag in ("replace", "delete"):
                out += ["-" + line for line in a[i1:i2]]
            if tag in ("replace", "insert"):
                out += ["+" + line for line in b[j1:j2]]
    return out


def _range(start: int, stop: int) -> str:
    """A hunk's `start,length` as difflib writes it (1-based; `start` alone for one line)."""
    length = stop - start
    if length == 1:
        return str(start + 1)
    return f"{start if length == 0 else start + 1},{length}"


Opcode = tuple[Literal["replace", "delete", "insert", "equal"], int, int, int, int]


class _Matched(difflib.SequenceMatcher[str]):
    """A SequenceMatcher that already knows its opcodes: difflib groups them into hunks."""

    def __init__(self, codes: list[Opcode]) -> None:
        super().__init__(None, [], [])
        self._codes = codes

    def get_opcodes(self) -> list[Opcode]:
        return list(self._codes)


def _opcodes(a: list[str], b: list[str]) -> list[Opcode]:
    if len(a) <= _SMALL and len(b) <= _SMALL:
        return difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    blocks: list[tuple[int, int, int]] = []
    todo = [(0, len(a), 0, len(b))]
    while todo:
        alo, ahi, blo, bhi = todo.pop()
        while alo < ahi and blo < bhi and a[alo] == b[blo]:  # common head
            blocks.append((alo, blo, 1))
            alo, blo = alo + 1, blo + 1
        tail = 0
        while alo < ahi - tail and blo < bhi - tail and a[ahi - 1 - tail] == b[bhi - 1 - tail]:
            tail += 1
        if tail:
            blocks.append((ahi - tail, bhi - tail, tail))
            ahi, bhi = ahi - tail, bhi - tail
        if alo == ahi or blo == bhi:
            continue
        anchors = [] if ahi - alo <= _SMALL and bhi - blo <= _SMALL else _unique_anchors(a, alo, ahi, b, blo, bhi)
        if not anchors:
            matcher = difflib.SequenceMatcher(None, a[alo:ahi], b[blo:bhi], autojunk=False)
            blocks.extend((alo + i, blo + j, size) for i, j, size in matcher.get_matching_blocks() if size)
            continue
        # each anchor is a match; the stretches between anchors are matched on their own
        prev_a, prev_b = alo, blo
        for i, j in anchors:
            blocks.append((i, j, 1))
            todo.append((prev_a, i, prev_b, j))
            prev_a, prev_b = i + 1, j + 1
        todo.append((prev_a, ahi, prev_b, bhi))
    blocks.sort()
    merged: list[list[int]] = []
    for i, j, size in blocks:
        if merged and merged[-1][0] + merged[-1][2] == i and merged[-1][1] + merged[-1][2] == j:
            merged[-1][2] += size
        else:
            merged.append([i, j, size])
    codes: list[Opcode] = []
    i = j = 0
    for ai, bj, size in [*merged, [len(a), len(b), 0]]:
        if i < ai or j < bj:
            codes.append(("replace" if i < ai and j < bj else "delete" if i < ai else "insert", i, ai, j, bj))
        i, j = ai + size, bj + size
        if size:
            codes.append(("equal", ai, i, bj, j))
    return codes


def _unique_anchors(a: list[str], alo: int, ahi: int, b: list[str], blo: int, bhi: int) -> list[tuple[int, int]]:
    """Pairs (i, j) of lines that occur once in a[alo:ahi] and once in b[blo:bhi], the longest
    chain of them in the same order in both (patience sorting)."""
    count_a = Counter(a[alo:ahi])
    count_b = Counter(b[blo:bhi])
    where_b = {line: j for j, line in enumerate(b[blo:bhi], blo) if count_b[line] == 1}
    pairs = [(i, where_b[line]) for i, line in enumerate(a[alo:ahi], alo)
             if count_a[line] == 1 and line in where_b]
    # longest increasing subsequence of the b positions
    tops: list[int] = []  # b position at the top of each pile
    top_index: list[int] = []  # which pair is at the top of each pile
    back: list[int] = []
    for k, (_, j) in enumerate(pairs):
        pile = bisect.bisect_left(tops, j)
        if pile == len(tops):
            tops.append(j)
            top_index.append(k)
        else:
            tops[pile] = j
            top_index[pile] = k
        back.append(top_index[pile - 1] if pile else -1)
    chain: list[tuple[int, int]] = []
    k = top_index[-1] if top_index else -1
    while k >= 0:
        chain.append(pairs[k])
        k = back[k]
    return chain[::-1]


def display_path(path: Path) -> str:
    from .lint import display_path as shown

    return shown(path)


def load_for_edit(path: Path) -> Document:
    """The parsed file (its values; the node tree is built when an edit needs it, see `_Roots`),
    or an EditError naming the first reason it cannot be edited."""
    doc = load_path(path, display_path(path))
    if not doc.usable or doc.data is None:
        first = doc.problems[0] if doc.problems else None
        where = f"{doc.path}:{first.line}:{first.column}: {first.message}" if first else f"{doc.path}: unreadable"
        raise EditError(f"cannot edit {where}")
    if not isinstance(doc.data, dict):
        raise EditError(f"cannot edit {doc.path}: the top level is not a mapping of entries")
    return doc


class _Roots:
    """The node trees an edit walks, as cheap as they can be had.

    A node tree costs about twice the plain parse of a large file, and an edit needs the nodes
    of the entries it changes only. In a block mapping whose top-level keys each start a line,
    every entry's lines are parsed on their own, and only for the entries named; such a tree is
    used only when its values are the ones the whole file's parse gave that entry. Anything
    else (a load problem such as an anchor or a duplicate key, a flow mapping, a key the lines
    do not show) gets the whole document's tree, with its exact refusals and suggestions.
    """

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.entries: dict[str, Node | None] = {}

    def root_for(self, key: Step) -> Node:
        """A mapping node holding the entry `key` (the whole document's root when need be)."""
        doc = self.doc
        if not isinstance(key, str) or doc.problems or not isinstance(doc.data, dict) or key not in doc.data:
            return self.full()
        if key not in self.entries:
            self.entries[key] = self._entry(key)
        return self.entries[key] or self.full()

    def full(self) -> Node:
        root = self.doc.root
        assert root is not None
        return root

    def _entry(self, key: str) -> Node | None:
        found = yamlsource.entry_part(self.doc, key, nodes=True)
        return found[0].root if found is not None else None


def key_text(node: Node) -> str:
    """A mapping key as the plain data spells it."""
    return yamlsource.key_text(node.value)


def entry_keys(doc: Document) -> list[str]:
    return list(doc.data) if isinstance(doc.data, dict) else []


def suggest(word: str, candidates: list[str]) -> str:
    """'; did you mean ...?' with the closest candidates, or nothing."""
    close = difflib.get_close_matches(word, candidates, n=3, cutoff=0.6)
    if not close:
        return ""
    # Keys of one config look alike; name only those about as close as the best one.
    ratios = [difflib.SequenceMatcher(None, word, c).ratio() for c in close]
    close = [c for c, r in zip(close, ratios) if r >= ratios[0] - 0.1]
    return "; did you mean " + " or ".join(f"'{c}'" for c in close) + "?"


@record
class Located:
    node: Node
    in_flow: bool


Index = dict[int, dict[str, list[tuple[Node, Node]]]]


def _pairs(node: Node, key: str, index: Index | None) -> list[tuple[Node, Node]]:
    """The (key, value) pairs of a mapping node whose key is spelled `key`; with an index,
    each mapping is scanned once for all the targets of an edit (--from may name thousands)."""
    if index is None:
        return [(k, v) for k, v in node.value if k.kind == SCALAR and key_text(k) == key]
    by_key = index.get(id(node))
    if by_key is None:
        by_key = index[id(node)] = {}
        for k, v in node.value:
            if k.kind == SCALAR:
                by_key.setdefault(key_text(k), []).append((k, v))
    return by_key.get(key, [])


def locate(doc: Document, steps: tuple[Step, ...], index: Index | None = None, roots: _Roots | None = None) -> Located:
    """The node at steps, or an EditError naming the first step that cannot be taken.

    Anchors on the way are refused: an alias elsewhere would share the change.
    """
    node = roots.root_for(steps[0]) if roots is not None and steps else doc.root
    assert node is not None
    in_flow = False
    for depth, step in enumerate(steps):
        here = format_address(steps[:depth]) or doc.path
        _refuse_shared(doc, node, steps[:depth])
        if node.kind == MAP:
            if isinstance(step, int):
                raise EditError(f"{here} is a mapping, not a list: write .key instead of [{step}]")
            found = _pairs(node, step, index)
            if not found:
                raise EditError(_missing_key(doc, node, steps, depth))
            if len(found) > 1:
                lines = ", ".join(str(doc.position(k.start)[0]) for k, _ in found)
                raise EditError(f"key '{step}' appears {len(found)} times in {here} (lines {lines}); "
                                f"remove the duplicate first")
            in_flow = in_flow or node.style == "flow"
            node = found[0][1]
        elif node.kind == SEQ:
            if not isinstance(step, int):
                raise EditError(f"{here} is a list, not a mapping: write [N] instead of .{step}")
            if step >= len(node.value):
                count = len(node.value)
                raise EditError(f"{format_address(steps[:depth + 1])} does not exist: "
                                f"{here} has {count} item{'s' if count != 1 else ''}")
            in_flow = in_flow or node.style == "flow"
            node = node.value[step]
        else:
            raise EditError(f"{here} is a single value; it has no {format_address((step,)).lstrip('.')}")
    _refuse_shared(doc, node, steps)
    return Located(node, in_flow)


def _refuse_shared(doc: Document, node: Node, steps: tuple[Step, ...]) -> None:
    where = format_address(steps) or doc.path
    line = doc.position(node.start)[0]
    if node.kind == ALIAS:
        raise EditError(f"{where} (line {line}) is an alias (*{node.anchor}) of a value defined elsewhere; "
                        f"sweepgen edits only values written out in full")
    if node.anchor is not None:
        raise EditError(f"{where} (line {line}) carries the anchor &{node.anchor}: aliases of it would change "
                        f"too; sweepgen edits only values written out in full")


def _missing_key(doc: Document, node: Node, steps: tuple[Step, ...], depth: int) -> str:
    step = str(steps[depth])
    keys = [key_text(k) for k, _ in node.value if k.kind == SCALAR]
    if depth == 0:
        return f"no entry '{step}' in {doc.path}{suggest(step, keys)}"
    here = format_address(steps[:depth])
    if MERGE_KEY in keys:
        return (f"{here} has no '{step}' of its own: it would come from a merge key (<<); "
                f"sweepgen edits only values written out in full")
    hint = suggest(step, keys)
    if not hint and depth == len(steps) - 1:
        hint = "; sweepgen changes values that exist and adds none"
    return f"no key '{step}' in {here}{hint}"


def _check_scalar(doc: Document, node: Node, steps: tuple[Step, ...]) -> None:
    label = format_address(steps)
    line = doc.position(node.start)[0]
    if node.kind == MAP:
        raise EditError(f"{label} (line {line}) is a mapping; only single values can be set")
    if node.kind == SEQ:
        raise EditError(f"{label} (line {line}) is a list; only single values can be set")
    if node.style in ("|", ">"):
        raise EditError(f"{label} (line {line}) is a block scalar ({node.style}); edit it by hand")
    if doc.text.startswith("!", node.start):
        raise EditError(f"{label} (line {line}) has an explicit tag; edit it by hand")


same = yamlsource.same


def preferred_quote(doc: Document) -> str:
    """The quote the file already uses most (double when it uses none), for values that need one."""
    assert doc.root is not None
    counts = Counter(n.style for n in iter_scalars(doc.root) if n.style in (SINGLE, DOUBLE))
    return SINGLE if counts[SINGLE] > counts[DOUBLE] else DOUBLE


def plan(path: Path, doc: Document, targets: list[Target]) -> FileEdit:
    """Splice every target into the text of path; nothing is parsed or written. The guard
    (`new_problems`) verifies the result."""
    edit = FileEdit(path, doc.path, doc, doc.text)
    quote: str | None = None
    spans: set[int] = set()
    index: Index = {}
    roots = _Roots(doc)
    for target in targets:
        located = locate(doc, target.steps, index, roots)
        node = located.node
        _check_scalar(doc, node, target.steps)
        if node.start in spans:
            continue  # the same value named twice
        spans.add(node.start)
        old_text = doc.text[node.start:node.end]
        line = doc.position(node.start)[0]
        if same(node.value, target.value):
            edit.unchanged.append(Change(target, line, node.start, node.end, node.value, old_text, old_text))
            continue
        if quote is None and isinstance(target.value, str) and node.style is None \
                and reads_differently_as_plain(target.value, located.in_flow):
            quote = preferred_quote(doc)  # a walk over every scalar: only when a plain value needs quotes
        new_text = render(target.value, node.style, located.in_flow, quote or DOUBLE)
        edit.changes.append(Change(target, line, node.start, node.end, node.value, old_text, new_text))
    edit.changes.sort(key=lambda c: c.start)
    edit.after = splice(doc.text, edit.changes)
    return edit


def splice(text: str, changes: list[Change]) -> str:
    """text with each change's span replaced by its new source; changes sorted, not overlapping."""
    pieces = []
    at = 0
    for c in changes:
        pieces.append(text[at:c.start])
        pieces.append(c.new_text)
        at = c.end
    pieces.append(text[at:])
    return "".join(pieces)


def verify(before: Document, after: Document | str, changes: list[Change]) -> Document:
    """The edited text (parsed, or parsed here from text) must hold before's data with exactly
    the targeted values replaced."""
    if isinstance(after, str):
        after = load_string(after, before.path)
    if not after.usable or after.data is None:  # (not after.root: that would build its node tree)
        raise EditError(f"{before.path}: the edited text does not parse; nothing was written "
                        f"(please report this as a sweepgen bug)")
    wanted = {c.target.steps: c.target.value for c in changes}
    on_a_path = {steps[:i] for steps in wanted for i in range(len(steps))}
    todo: list[tuple[Any, Any, tuple[Step, ...]]] = [(before.data, after.data, ())]
    while todo:
        old, new, steps = todo.pop()
        if steps not in wanted and steps not in on_a_path and (dumped := _dumped(old)) is not None \
                and dumped == _dumped(new):
            continue  # no target inside, and equal (in C, and as strictly as same()): done
        if steps in wanted:
            if not same(new, wanted.pop(steps)):
                raise EditError(f"{before.path}: {format_address(steps)} did not read back as the value "
                                f"set; nothing was written (please report this as a sweepgen bug)")
            continue
        if type(old) is not type(new) or (isinstance(old, (dict, list)) and len(old) != len(new)):
            raise EditError(f"{before.path}: the edit changed {format_address(steps) or 'the document'} "
                            f"too; nothing was written (please report this as a sweepgen bug)")
        if isinstance(old, dict):
            if list(old) != list(new):
                raise EditError(f"{before.path}: the edit changed the keys of "
                                f"{format_address(steps) or 'the document'}; nothing was written")
            todo.extend((old[k], new[k], (*steps, k)) for k in old)
        elif isinstance(old, list):
            todo.extend((o, n, (*steps, i)) for i, (o, n) in enumerate(zip(old, new)))
        elif not same(old, new):
            raise EditError(f"{before.path}: the edit changed {format_address(steps)} too; nothing was written")
    if wanted:
        raise EditError(f"{before.path}: {format_address(next(iter(wanted)))} is not where it was; nothing was written")
    return after


def _dumped(value: Any) -> str | None:
    """JSON text of loaded data: equal texts are equal values of equal types in equal key order
    (1, 1.0 and true differ); None for what JSON cannot hold, which is then compared by same()."""
    try:
        return json.dumps(value)
    except (TypeError, ValueError):
        return None


# ---- the lint guard -------------------------------------------------------------------------

def new_problems(edit: FileEdit) -> list[Problem]:
    """Lint problems the edit would add; empty means the edit does not make the file worse.

    The rule: every problem of the edited text (errors and warnings alike) must already be
    a problem of the original, with the same rule, level and message at the same line and
    column. On the edited lines the column is not compared, since a longer or shorter value
    moves what follows it; lines below a scalar that spanned several lines are compared
    at their old line numbers. So a clean file stays clean, and a file that was already
    broken (an older or newer format, say) may be edited as long as nothing is added.

    First the data of the edited text (as the lint parsed it) is verified: an EditError when
    anything but the targeted values differs. The original is linted only when the edited
    text has problems: without any, nothing can have been added.
    """
    from .discovery import find_runner_config, is_runner_config
    from .lint import lint_files

    path = edit.path
    runner = find_runner_config(None, [path])
    is_runner = is_runner_config(path)
    shared = None if is_runner or runner is None else str(runner)
    with tempfile.TemporaryDirectory(prefix="sweepgen-edit-") as folder:
        copy = Path(folder) / path.name
        copy.write_bytes(edit.encoded())
        copy_shown = display_path(copy)
        try:
            after = lint_files([copy], shared, runner_search=is_runner)
        except Exception as exc:  # a lint bug must not let an unchecked edit through
            raise _lint_failed(edit, exc) from exc
        parsed = after.documents.get(copy_shown)
        if parsed is None or parsed.text != edit.after or getattr(parsed, "numbers11", False):
            parsed = load_string(edit.after, edit.before.path)  # read as before was read
        verify(edit.before, parsed, edit.changes)
        if not after.problems:
            return []
        try:
            before = lint_files([path], shared, runner_search=is_runner)
        except Exception as exc:
            raise _lint_failed(edit, exc) from exc
        ranges = _edited_lines(edit)
        old_keys = Counter(_problem_key(p, edit.display, ranges, before=True) for p in before.problems)
        added = []
        for p in after.problems:
            key = _problem_key(p, copy_shown, ranges, before=False)
            if old_keys[key] > 0:
                old_keys[key] -= 1
            else:
                added.append(Problem(edit.display if p.path == copy_shown else p.path,
                                     p.line, p.column, p.rule, p.level, p.message))
    return added


def _lint_failed(edit: FileEdit, exc: Exception) -> EditError:
    return EditError(f"{edit.display}: could not lint the edit ({type(exc).__name__}: {exc}); "
                     f"nothing was written")


@record
class _LineRange:
    before_first: int
    before_last: int
    after_first: int
    after_last: int


def _edited_lines(edit: FileEdit) -> list[_LineRange]:
    out = []
    shift = 0  # lines added so far (negative: removed)
    for c in edit.changes:
        b1, b2 = edit.before.position(c.start)[0], edit.before.position(c.end)[0]
        a1 = b1 + shift
        a2 = a1 + c.new_text.count("\n")
        out.append(_LineRange(b1, b2, a1, a2))
        shift += (a2 - a1) - (b2 - b1)
    return out


def _problem_key(p: Problem, edited_path: str, ranges: list[_LineRange], before: bool) -> tuple[Any, ...]:
    if p.path != edited_path:
        return ("other", p.path, p.line, p.column, p.rule, p.level, p.message)
    line, shift = p.line, 0
    for i, r in enumerate(ranges):
        first, last = (r.before_first, r.before_last) if before else (r.after_first, r.after_last)
        if first <= line <= last:
            return ("edited", i, line - first, p.rule, p.level, p.message)
        if line > last and not before:
            shift += (r.before_last - r.before_first) - (r.after_last - r.after_first)
    return ("line", line + shift, p.column, p.rule, p.level, p.message)


# ---- bump-image and set ----------------------------------------------------------------------

def same_image(a: str, b: str) -> bool:
    """`registry#path:tag` (the enroot spelling) names the same image as `registry/path:tag`."""
    return a.replace("#", "/", 1) == b.replace("#", "/", 1)


def check_image(image: str) -> None:
    """The image grammar of the schemas (the newest version's `$defs/image`, the one lint applies);
    EditError when image does not follow it."""
    from . import fastcheck, schemas

    version_name, grammar = schemas.definition("image")
    try:  # the compiled check: jsonschema (and its import) only for an image it does not accept
        accepted = fastcheck.check_at(f"{schemas.version(version_name).schema_id('master-config')}#/$defs/image")(image)
    except (fastcheck.Unsupported, KeyError):
        accepted = False
    if not accepted and not schemas.subschema_validator(version_name, "master-config", "image").is_valid(image):
        expected = grammar.get("x-sweepgen-expected") or "a container image reference"
        raise EditError(f"{_shown(image)} is not a valid image: expected {expected}")


def _shown(value: str) -> str:
    """A value quoted for a one-line message: repr's escapes for anything that is not printable
    (a newline, a bidirectional override), so the message stays one line that reads as it is."""
    if value.isprintable() and "'" not in value:
        return f"'{value}'"
    return repr(value)


def bump_targets(docs: list[Document], keys: list[str] | None, old_image: str | None,
                 new_image: str) -> dict[str, list[Target]]:
    """Per file, the image values to set: the entries named, or those whose image is old_image."""
    per_file: dict[str, list[Target]] = {d.path: [] for d in docs}
    if keys is not None:
        for key in keys:
            for d in entry_holders(docs, key):
                per_file[d.path].append(Target((key, "image"), key, new_image))
        return per_file
    assert old_image is not None
    for d in docs:
        for key, entry in d.data.items():
            image = entry.get("image") if isinstance(entry, dict) else None
            if isinstance(image, str) and same_image(image, old_image):
                per_file[d.path].append(Target((key, "image"), key, new_image))
    return per_file


def images_equal_to(docs: list[Document], image: str) -> int:
    """How many entries already have exactly this image."""
    count = 0
    for d in docs:
        for entry in d.data.values():
            count += isinstance(entry, dict) and isinstance(entry.get("image"), str) and entry["image"] == image
    return count


def entry_holders(docs: list[Document], key: str, address: str | None = None) -> list[Document]:
    """The files that define entry key; EditError with the closest keys when none does.

    With the address as typed, a bare key that stops at a dot inside a real entry key
    (`kimik2.5-fp4-b300-vllm.image` read as `kimik2`) gets the bracketed spelling as its hint.
    """
    holders = [d for d in docs if key in entry_keys(d)]
    if not holders:
        every = [k for d in docs for k in entry_keys(d)]
        where = docs[0].path if len(docs) == 1 else f"{len(docs)} files"
        dotted = [k for k in every if "." in k and address is not None and address.startswith(k + ".")]
        if dotted:
            longest = max(dotted, key=len)
            rest = address[len(longest):] if address is not None else ""
            raise EditError(f"no entry '{key}' in {where}; a key with dots is written in brackets: "
                            f"{format_address((longest,))}{rest}")
        raise EditError(f"no entry '{key}' in {where}{suggest(key, every)}")
    return holders


def parse_value(text: str) -> Any:
    """A command-line VALUE read as one YAML scalar, resolved as the loader resolves the file."""
    if not text.strip():
        raise EditError("VALUE is empty: write null for no value, or '\"\"' for an empty string")
    doc = load_string(text, "VALUE")
    if doc.problems or doc.root is None:
        first = doc.problems[0].message if doc.problems else "not a YAML value"
        raise EditError(f"VALUE {text!r} is not a single YAML value: {first}")
    if doc.root.kind != SCALAR:
        raise EditError(f"VALUE {text!r} is a {'mapping' if doc.root.kind == MAP else 'list'}; "
                        f"only single values can be set")
    if doc.root.style in ("|", ">"):
        raise EditError(f"VALUE {text!r} is a block scalar; only single-line values can be set")
    return doc.root.value
