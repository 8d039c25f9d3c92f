"""Loading YAML text into a positioned node tree, and every hazard of doing so.

The C parser (ruamel.yaml.clib, libyaml) delivers events with marks; this module
builds its own light nodes from them without recursion, so nesting depth, aliases,
several documents and huge files are problems with a position instead of crashes.
Scalars are resolved by the YAML 1.2 core schema. Positions are character offsets,
turned into 1-based line and column only when a problem is reported.
"""

from __future__ import annotations

import bisect
import os
import re
import stat
from dataclasses import field
from pathlib import Path
from typing import Any, Iterator

from .problems import Problem
from .records import record

MAX_BYTES = 32 * 1024 * 1024
MAX_DEPTH = 64

MAP, SEQ, SCALAR, ALIAS = "map", "seq", "scalar", "alias"

_INT = re.compile(r"[-+]?[0-9]+\Z")
_OCT = re.compile(r"0o[0-7]+\Z")
_HEX = re.compile(r"0x[0-9a-fA-F]+\Z")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?\Z")
_INF = re.compile(r"[-+]?\.(inf|Inf|INF)\Z")
_NAN = re.compile(r"\.(nan|NaN|NAN)\Z")
_NULLS = frozenset(("", "~", "null", "Null", "NULL"))
_TRUE = frozenset(("true", "True", "TRUE"))
_FALSE = frozenset(("false", "False", "FALSE"))
# Plain scalars that YAML 1.1 readers (PyYAML, the seed generator) take as booleans.
YAML11_BOOLS = frozenset(
    w for base in ("yes", "no", "on", "off", "y", "n") for w in (base, base.capitalize(), base.upper())
)
# Plain scalars that may be numbers of another value to YAML 1.1 readers (checked by yaml11_number):
# underscores (1_024), a leading zero (010, octal), 0b binary, 0o (a string in YAML 1.1), sexagesimal (1:20)
_MAYBE_YAML11_NUMBER = re.compile(r"[-+]?(?:[0-9][0-9_]*_[0-9_]*|0[0-9_]+|0b[01_]+|0o[0-7]+|[0-9][0-9_]*(?::[0-5]?[0-9])+"
                                  r"|[0-9][0-9_]*\.[0-9_]*_[0-9_]*|0x[0-9a-fA-F_]*_[0-9a-fA-F_]*)\Z")

_CORE = "tag:yaml.org,2002:"


class Node:
    """One YAML node: a mapping, sequence, scalar or (refused) alias."""

    __slots__ = ("kind", "value", "start", "end", "style", "anchor", "raw", "_index")

    def __init__(self, kind: str, value: Any, start: int, end: int, style: str | None = None,
                 anchor: str | None = None, raw: str | None = None) -> None:
        self.kind = kind
        # map: list of (key node, value node); seq: list of nodes; scalar: resolved value
        self.value = value
        self.start = start
        self.end = end
        self.style = style
        self.anchor = anchor
        self.raw = raw
        self._index: dict[str, tuple[Node, Node]] | None = None

    def item(self, key: str) -> tuple[Node, Node] | None:
        """(key node, value node) of a mapping's key as the plain data spells it (the first, if
        repeated); None when absent or not a mapping. Indexed on first use: positioning many
        problems in one large mapping stays linear."""
        if self.kind != MAP:
            return None
        index = self._index
        if index is None:
            index = {}
            for k, v in self.value:
                if k.kind == SCALAR:
                    index.setdefault(key_text(k.value), (k, v))
            self._index = index
        return index.get(key)

    def get(self, key: Any) -> Node | None:
        found = self.item(key_text(key))
        return found[1] if found is not None and found[0].value == key else None

    def key_node(self, key: Any) -> Node | None:
        found = self.item(key_text(key))
        return found[0] if found is not None and found[0].value == key else None


@record(frozen=False)
class Document:
    """A loaded file: its text, its root node and plain value, and load problems."""

    path: str
    text: str
    _root: Node | None = None
    data: Any = None
    problems: list[Problem] = field(default_factory=list)
    # offsets of plain scalars that YAML 1.1 readers take as booleans, or as other numbers
    yaml11_bools: list[int] = field(default_factory=list)
    yaml11_numbers: list[int] = field(default_factory=list)
    # plain scalars are read as YAML 1.1 numbers (2_063_837 is an integer); see read_yaml11_numbers
    numbers11: bool = False
    _line_starts: list[int] | None = None
    _entry_starts: list[int] | None = None
    bom: bool = False
    usable: bool = True
    # whether _root is built: the fast load keeps plain values only, and the node tree (for
    # positions and edits) is built from the text on first use
    _nodes: bool = False

    @property
    def root(self) -> Node | None:
        if not self._nodes:
            self._nodes = True
            if self.usable and self.text:
                scratch = Document(self.path, self.text, bom=self.bom, numbers11=self.numbers11)
                parse(scratch, nodes=True)
                self._root = scratch._root
        return self._root

    @root.setter
    def root(self, node: Node | None) -> None:
        self._root = node
        self._nodes = True

    def read_yaml11_numbers(self) -> None:
        """Read the document again with YAML 1.1's numbers (2_063_837 is 2063837, 010 is 8), as the
        generators' PyYAML reads it: for files whose owners write YAML 1.1 numbers on purpose."""
        if self.numbers11 or not self.yaml11_numbers or not self.usable:
            return
        again = Document(self.path, self.text, bom=self.bom, numbers11=True)
        parse(again, nodes=self._nodes)
        self.data, self.problems, self.yaml11_bools = again.data, again.problems, again.yaml11_bools
        self.yaml11_numbers, self.numbers11, self.usable = [], True, again.usable
        if self._nodes:
            self._root = again._root

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a character offset in the text."""
        if self._line_starts is None:
            starts = [0]
            find = self.text.find
            i = find("\n")
            while i >= 0:
                starts.append(i + 1)
                i = find("\n", i + 1)
            self._line_starts = starts
        line = bisect.bisect_right(self._line_starts, offset) - 1
        return line + 1, offset - self._line_starts[line] + 1

    def problem(self, offset: int, rule: str, message: str, level: str = "error") -> Problem:
        line, col = self.position(offset)
        return Problem(self.path, line, col, rule, level, message)

    def add(self, offset: int, rule: str, message: str, level: str = "error") -> None:
        self.problems.append(self.problem(offset, rule, message, level))

    def node_at(self, path: Iterator[Any] | tuple[Any, ...] | list[Any]) -> tuple[Node | None, Node | None]:
        """The (key node, value node) at a JSON path; key node is None for list items and the root."""
        node = self.root
        key_node: Node | None = None
        for step in path:
            if node is None:
                return None, None
            if node.kind == MAP:
                found = node.item(step) if isinstance(step, str) else None
                if found is None:
                    return key_node, node
                key_node, node = found
            elif node.kind == SEQ and isinstance(step, int) and 0 <= step < len(node.value):
                key_node, node = None, node.value[step]
            else:
                return key_node, node
        return key_node, node


def key_text(value: Any) -> str:
    """A mapping key as the plain data spells it (non-string keys by their YAML text)."""
    return value if isinstance(value, str) else _scalar_str(value)


def _scalar_str(value: Any) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    return str(value)


def resolve_plain(text: str) -> Any:
    """Resolve a plain scalar by the YAML 1.2 core schema."""
    if text in _NULLS:
        return None
    first = text[0]
    if first in "0123456789-+.":
        if _INT.match(text):
            return int(text)
        if _FLOAT.match(text):
            return float(text)
        if _OCT.match(text):
            return int(text[2:], 8)
        if _HEX.match(text):
            return int(text[2:], 16)
        if _INF.match(text):
            return float("-inf") if first == "-" else float("inf")
        if _NAN.match(text):
            return float("nan")
        return text
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    return text


SAME = object()  # yaml11_value: YAML 1.1 reads the scalar as YAML 1.2 does


def yaml11_value(text: str) -> Any:
    """What a YAML 1.1 reader (PyYAML) makes of a plain scalar that looks like a number, when it
    differs from YAML 1.2's reading (`1_024` -> 1024, `010` -> 8, `0o20` -> the string '0o20');
    SAME otherwise."""
    if not _MAYBE_YAML11_NUMBER.match(text):
        return SAME
    body = text.lstrip("+-").replace("_", "")
    value: Any
    try:
        if body.startswith("0o"):
            value = text  # no such form in YAML 1.1: a string
        elif ":" in body:
            value = 0
            for part in body.split(":"):
                value = value * 60 + int(part)
        elif body.startswith("0b"):
            value = int(body[2:], 2)
        elif body.startswith("0x"):
            value = int(body[2:], 16)
        elif "." in body:
            value = float(body)
        elif len(body) > 1 and body[0] == "0":
            value = int(body, 8)
        else:
            value = int(body)
    except ValueError:
        return SAME
    if not isinstance(value, str) and text[0] == "-":
        value = -value
    plain = resolve_plain(text)
    if plain.__class__ is value.__class__ and plain == value:
        return SAME
    return value


def _resolve_tagged(tag: str, text: str) -> tuple[Any, str | None]:
    """A scalar with an explicit core tag; returns (value, error message or None)."""
    name = tag[len(_CORE):] if tag.startswith(_CORE) else None
    if name == "str":
        return text, None
    if name in ("int", "float", "bool", "null"):
        value: Any = resolve_plain(text)
        kinds: dict[str, type | tuple[type, ...]] = {
            "int": int, "float": (int, float), "bool": bool, "null": type(None)}
        matches = isinstance(value, kinds[name]) and not (name != "bool" and isinstance(value, bool))
        if matches:
            return (float(value) if name == "float" else value), None
        return text, f"'{text}' is not a valid !!{name}"
    return text, f"unsupported tag '{tag}': only plain YAML values are allowed"


def outside_repository(path: Path) -> Path | None:
    """Where a symbolic link (or a path through one) leads when that is outside the git work tree
    that holds the link, else None. A file in no work tree may lead anywhere."""
    absolute = Path(os.path.abspath(path))
    resolved = absolute.resolve()
    if resolved == absolute:
        return None
    for folder in absolute.parents:
        if (folder / ".git").exists():
            top = folder.resolve()
            return None if resolved == top or top in resolved.parents else resolved
    return None


def read_text(path: str | Path, display: str | None = None) -> Document:
    """Read and decode a file; a problem (not an exception) for anything unreadable, and for a
    symbolic link that leads out of the repository (its content is never read or shown)."""
    shown = display if display is not None else str(path)
    doc = Document(shown, "")
    try:
        p = Path(path)
        target = outside_repository(p)
        if target is not None:
            doc.usable = False
            doc.problems.append(Problem(shown, 1, 1, "unreadable", "error",
                                        "is a symbolic link to a file outside the repository; sweepgen reads "
                                        "only files inside it"))
            return doc
        info = p.stat()
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError(str(p))
        if not stat.S_ISREG(info.st_mode):  # a FIFO or a device would block or never end
            doc.usable = False
            doc.problems.append(Problem(shown, 1, 1, "unreadable", "error", "not a regular file"))
            return doc
        if info.st_size > MAX_BYTES:
            doc.usable = False
            doc.add(0, "file-too-large", f"file is {info.st_size} bytes; the limit is {MAX_BYTES} bytes")
            return doc
        with p.open("rb") as handle:
            raw = handle.read(info.st_size + 1)
            if len(raw) > info.st_size:  # it grew after stat: read on, up to just past the limit
                raw += handle.read(MAX_BYTES + 1 - len(raw))
        if len(raw) > MAX_BYTES:
            doc.usable = False
            doc.add(0, "file-too-large", f"file is over the limit of {MAX_BYTES} bytes")
            return doc
    except IsADirectoryError:
        doc.usable = False
        doc.problems.append(Problem(shown, 1, 1, "unreadable", "error", "is a directory, not a file"))
        return doc
    except OSError as exc:
        doc.usable = False
        doc.problems.append(Problem(shown, 1, 1, "unreadable", "error", f"cannot read file: {exc.strerror or exc}"))
        return doc
    return decode(raw, shown)


def decode(raw: bytes, path: str) -> Document:
    doc = Document(path, "")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        good = raw[: exc.start].decode("utf-8", "replace")
        doc.text = good
        line = good.count("\n") + 1
        col = len(good) - (good.rfind("\n") + 1) + 1
        doc.usable = False
        doc.problems.append(Problem(path, line, col, "encoding", "error",
                                    f"byte 0x{raw[exc.start]:02x} is not valid UTF-8; save the file as UTF-8"))
        return doc
    doc.text = text
    doc.bom = text.startswith("\ufeff")
    return doc


def load_path(path: str | Path, display: str | None = None) -> Document:
    doc = read_text(path, display)
    if doc.usable:
        parse(doc)
    return doc


def load_string(text: str, path: str = "<string>") -> Document:
    doc = Document(path, text, bom=text.startswith("\ufeff"))
    parse(doc)
    return doc


# C0 controls other than tab/LF/CR, DEL, C1 controls, and the non-characters: never valid YAML
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff]")


def _control_char(text: str) -> int:
    found = _CONTROL.search(text)
    return found.start() if found else -1


class _NeedNodes(Exception):
    """The fast load met something (a duplicate or collection key) that needs node positions."""


def parse(doc: Document, nodes: bool = False) -> None:
    """Parse doc.text into doc.data (and doc.root with nodes=True, else lazily on first use);
    every fault becomes a problem on doc."""
    text = doc.text
    if not text.strip().lstrip("\ufeff").strip():
        doc.usable = False
        doc.add(0, "empty", "file is empty: expected a mapping of entries")
        return
    bad = _control_char(text)
    if bad >= 0:
        doc.usable = False
        doc.add(bad, "syntax", f"control character U+{ord(text[bad]):04X} is not allowed in YAML")
        return
    base = 1 if doc.bom else 0
    parser = None
    try:
        try:
            parser = _open_events(text[base:] if base else text)
            _build(doc, parser, base, nodes)
        except _NeedNodes:
            _close_events(parser)
            parser = None
            del doc.problems[:], doc.yaml11_bools[:], doc.yaml11_numbers[:]
            parser = _open_events(text[base:] if base else text)
            _build(doc, parser, base, True)
    except Exception as exc:  # libyaml scanner/parser errors carry marks
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        what = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        context = getattr(exc, "context", None)
        message = f"{context}: {what}" if context else str(what)
        offset = _offset_of(text[base:], mark) + base
        if offset < len(text) and text[offset] == "\t" and "tab" not in message:
            message += " (a tab; YAML indentation must use spaces)"

        doc.usable = False
        doc.root = None
        doc.data = None
        doc.add(offset, "syntax", f"YAML syntax error: {message}")
    finally:
        if parser is not None:
            _close_events(parser)


def _offset_of(text: str, mark: Any) -> int:
    if mark is None:
        return 0
    line, col = getattr(mark, "line", 0), getattr(mark, "column", 0)
    pos = 0
    for _ in range(line):
        nxt = text.find("\n", pos)
        if nxt < 0:
            break
        pos = nxt + 1
    return min(pos + col, len(text))


# libyaml's events as tuples. _ruamel_yaml's CParser makes every event by calling, positionally,
# the event classes its module imported from ruamel.yaml.events; each construction runs a chain of
# Python __init__s, a third of the time of a large parse. While sweepgen reads events those names
# are the factories below, which keep the arguments as they come: a scalar is a plain tuple
# (anchor, tag, implicit, value, start mark, end mark, style), a collection start (anchor, tag,
# implicit, start mark, end mark, flow style), an end (start mark, end mark), an alias (anchor,
# start mark, end mark), a document start (start mark, end mark, ...). Should an installed
# ruamel.yaml.clib not call them so (checked once, on a probe read both ways), nothing is swapped:
# its own events are read and their fields taken into the same tuples.


def _kind(name: str) -> type[tuple[Any, ...]]:
    """A kind of event: a tuple subclass, told apart by its class."""
    return type(name, (tuple,), {"__slots__": ()})


_MapStart, _SeqStart, _MapEnd, _SeqEnd = _kind("_MapStart"), _kind("_SeqStart"), _kind("_MapEnd"), _kind("_SeqEnd")
_Alias, _DocStart, _StreamEnd = _kind("_Alias"), _kind("_DocStart"), _kind("_StreamEnd")
_Other = _kind("_Other")  # stream start, document end

_KINDS: dict[str, tuple[Any, tuple[str, ...]]] = {
    # event class -> (our kind, the fields our tuple keeps, in order)
    "ScalarEvent": (tuple, ("anchor", "ctag", "implicit", "value", "start_mark", "end_mark", "style")),
    "MappingStartEvent": (_MapStart, ("anchor", "ctag", "implicit", "start_mark", "end_mark", "flow_style")),
    "SequenceStartEvent": (_SeqStart, ("anchor", "ctag", "implicit", "start_mark", "end_mark", "flow_style")),
    "MappingEndEvent": (_MapEnd, ("start_mark", "end_mark")),
    "SequenceEndEvent": (_SeqEnd, ("start_mark", "end_mark")),
    "AliasEvent": (_Alias, ("anchor", "start_mark", "end_mark")),
    "DocumentStartEvent": (_DocStart, ("start_mark", "end_mark")),
    "StreamEndEvent": (_StreamEnd, ("start_mark", "end_mark")),
    "DocumentEndEvent": (_Other, ("start_mark", "end_mark")),
    "StreamStartEvent": (_Other, ("start_mark", "end_mark")),
}


def _direct(kind: Any) -> Any:
    if kind is tuple:
        return lambda *args: args
    return lambda *args: kind(args)


def _as_tuple(event: Any) -> Any:
    """One of ruamel's own events as the tuple _direct's factory would have made."""
    kind, names = _KINDS[event.__class__.__name__]
    return kind(getattr(event, name) for name in names)


class _Converting:
    """A CParser whose events are converted one by one (when the factories cannot be used)."""

    def __init__(self, parser: Any) -> None:
        self.parser = parser

    def get_event(self) -> Any:
        return _as_tuple(self.parser.get_event())

    def dispose(self) -> None:
        self.parser.dispose()


_FACTORIES = {name: _direct(kind) for name, (kind, _) in _KINDS.items()}
_events_state: dict[str, Any] = {}  # "direct" (whether the factories read right), "originals", "depth"


def _direct_ok() -> bool:
    """Whether this installation's CParser makes its events through the swapped factories, in the
    fields' order (a probe, once per process)."""
    ok = _events_state.get("direct")
    if ok is None:
        import _ruamel_yaml

        _events_state["originals"] = {name: getattr(_ruamel_yaml, name) for name in _KINDS}
        ok = _events_state["direct"] = _probe(_ruamel_yaml, _FACTORIES)
    return bool(ok)


def _probe(module: Any, factories: dict[str, Any]) -> bool:
    """Whether the direct factories keep what the event classes would: a probe document read both
    ways gives the same kinds and the same fields (marks by offset)."""
    text = "&a k: !t 'v'\nq: [*a, {x: 1}]\n"

    def read(direct: bool) -> list[Any]:
        saved = {name: getattr(module, name) for name in factories}
        if direct:
            for name, factory in factories.items():
                setattr(module, name, factory)
        parser = module.CParser(text)
        got: list[Any] = []
        try:
            while len(got) < 40:
                event = parser.get_event()
                if not direct:
                    event = _as_tuple(event)
                got.append(event)
                if event.__class__ is _StreamEnd:
                    break
        finally:
            parser.dispose()
            for name, original in saved.items():
                setattr(module, name, original)
        return [(e.__class__, tuple(f.index if name.endswith("_mark") else f
                                    for name, f in zip(_KINDS_BY_TYPE[e.__class__], e))) for e in got]

    try:
        return read(True) == read(False)
    except Exception:
        return False


_KINDS_BY_TYPE = {kind: names for kind, names in _KINDS.values()}


def _open_events(text: str) -> Any:
    """A parser of text whose events are the tuples above, until _close_events."""
    import _ruamel_yaml

    if not _direct_ok():
        return _Converting(_ruamel_yaml.CParser(text))
    if not _events_state.get("depth"):
        for name, factory in _FACTORIES.items():
            setattr(_ruamel_yaml, name, factory)
    _events_state["depth"] = _events_state.get("depth", 0) + 1
    try:
        return _ruamel_yaml.CParser(text)
    except BaseException:
        _release_events()
        raise


def _close_events(parser: Any) -> None:
    try:
        parser.dispose()
    except Exception:  # pragma: no cover - dispose is best effort
        pass
    if not isinstance(parser, _Converting):
        _release_events()


def _release_events() -> None:
    depth = _events_state["depth"] = _events_state["depth"] - 1
    if depth == 0:
        import _ruamel_yaml

        for name, original in _events_state["originals"].items():
            setattr(_ruamel_yaml, name, original)


def _build(doc: Document, parser: Any, base: int, nodes: bool) -> None:
    """Parser events to plain values, iteratively; with nodes, the positioned node tree too.

    Without nodes this is the hot path of every command: no per-node objects, and anything
    whose report needs other nodes' positions (a duplicate key, a collection as a key) raises
    _NeedNodes, for parse() to start again with nodes.
    """
    scalar_event, alias_event = tuple, _Alias
    map_start, seq_start = _MapStart, _SeqStart
    map_end, seq_end = _MapEnd, _SeqEnd
    doc_start, stream_end = _DocStart, _StreamEnd
    get_event = parser.get_event
    cache = _PLAIN_CACHE
    yaml11 = doc.yaml11_bools
    numbers11 = _YAML11_NUMBERS  # text -> its YAML 1.1 value, for the texts read differently
    numbers11_at = doc.yaml11_numbers
    as11 = doc.numbers11
    no_key = _NO_KEY
    documents = 0
    # frames: [container, is a mapping, pending key or no_key]; with nodes, a parallel stack
    # of [node, pending key node]
    stack: list[list[Any]] = []
    node_stack: list[list[Any]] = []
    done = False
    plain: Any
    node: Node | None = None
    while True:
        event = get_event()
        cls = event.__class__
        if cls is scalar_event:
            anchor, tag, implicit, text, start_mark, end_mark, style = event
            if tag is not None and tag.__class__ is not str:
                tag = str(tag)
            style = style or None
            if style is None and (tag is None or tag == "!") and implicit[0]:
                try:
                    plain = cache[text]
                except KeyError:
                    plain = cache[text] = resolve_plain(text)
                    other = yaml11_value(text)
                    if other is not SAME:
                        numbers11[text] = other
                if plain.__class__ is str and text in YAML11_BOOLS:
                    yaml11.append(start_mark.index + base)
                elif text in numbers11:
                    if as11:
                        plain = numbers11[text]
                    else:
                        numbers11_at.append(start_mark.index + base)
            elif tag is not None and tag != "!":
                plain, err = _resolve_tagged(tag, text)
                if err:
                    doc.add(start_mark.index + base, "tag", err)
            else:
                plain = text
            if anchor is not None:
                doc.add(start_mark.index + base, "anchor",
                        f"anchor '&{anchor}' is not allowed: write values out in full")
            if nodes:
                node = Node(SCALAR, plain, start_mark.index + base, end_mark.index + base,
                            style, anchor, text)
        elif cls is map_start or cls is seq_start:
            anchor, tag, _, start_mark, _, flow_style = event
            start = start_mark.index + base
            if anchor is not None:
                doc.add(start, "anchor", f"anchor '&{anchor}' is not allowed: write values out in full")
            if tag is not None and tag.__class__ is not str:
                tag = str(tag)
            if tag is not None and tag not in ("!", _CORE + "map", _CORE + "seq"):
                doc.add(start, "tag", f"unsupported tag '{tag}': only plain YAML values are allowed")
            if len(stack) >= MAX_DEPTH:
                doc.usable = False
                doc.data = None
                doc.root = None
                doc.add(start, "too-deep", f"nesting deeper than {MAX_DEPTH} levels")
                return
            if not nodes and stack and stack[-1][1] and stack[-1][2] is no_key:
                raise _NeedNodes  # a collection as a mapping key
            is_map = cls is map_start
            stack.append([{} if is_map else [], is_map, no_key])
            if nodes:
                flow = "flow" if flow_style else None
                node_stack.append([Node(MAP if is_map else SEQ, [], start, start, flow, anchor), None])
            continue
        elif cls is map_end or cls is seq_end:
            plain = stack.pop()[0]
            if nodes:
                node = node_stack.pop()[0]
                node.end = event[1].index + base
        elif cls is alias_event:
            anchor, start_mark, end_mark = event
            start = start_mark.index + base
            doc.add(start, "alias", f"alias '*{anchor}' is not allowed: write values out in full")
            plain = None
            if nodes:
                node = Node(ALIAS, None, start, end_mark.index + base, None, anchor)
        elif cls is doc_start:
            documents += 1
            if documents > 1:
                doc.add(event[0].index + base, "multiple-documents",
                        "a config file holds one YAML document; found another one here")
                doc.usable = False
                doc.data = None
                doc.root = None
                return
            continue
        elif cls is stream_end:
            break
        else:  # StreamStart, DocumentEnd
            continue

        if not stack:
            doc.data = plain
            if nodes:
                doc.root = node
            done = True
            continue
        frame = stack[-1]
        if not frame[1]:
            frame[0].append(plain)
            if nodes:
                node_stack[-1][0].value.append(node)
        elif frame[2] is no_key:
            frame[2] = plain
            if nodes:
                node_stack[-1][1] = node
        else:
            key = frame[2]
            frame[2] = no_key
            if nodes:
                parent, key_node = node_stack[-1]
                node_stack[-1][1] = None
                parent.value.append((key_node, node))
                if key_node.kind is not SCALAR:
                    doc.add(key_node.start, "key-type", "a mapping key must be a plain string, not a collection")
                    continue
            if key.__class__ is not str:
                key = _scalar_str(key)
            mapping = frame[0]
            if key in mapping:
                if not nodes:
                    raise _NeedNodes  # the report names the first occurrence's line
                _duplicate(doc, parent, key_node, key)
                continue
            mapping[key] = plain
    if not done:
        doc.usable = False
        doc.add(0, "empty", "file holds no YAML document: expected a mapping of entries")


_NO_KEY = object()


# plain scalar text -> resolved value; scalars repeat a lot (keys, small numbers)
_PLAIN_CACHE: dict[str, Any] = {}
_YAML11_NUMBERS: dict[str, Any] = {}


def _duplicate(doc: Document, parent: Node, key_node: Node, key: str) -> None:
    first = next((k for k, _ in parent.value[:-1] if k.kind == SCALAR and key_text(k.value) == key), None)
    where = f" (first at line {doc.position(first.start)[0]})" if first is not None else ""
    doc.add(key_node.start, "duplicate-key", f"duplicate key '{key}'{where}")


def iter_scalars(node: Node) -> Iterator[Node]:
    """Every scalar node below node, in document order (no recursion)."""
    todo = [node]
    while todo:
        n = todo.pop()
        if n.kind == SCALAR:
            yield n
        elif n.kind == SEQ:
            todo.extend(reversed(n.value))
        elif n.kind == MAP:
            for k, v in reversed(n.value):
                todo.append(v)
                todo.append(k)


# the start of a line that starts a top-level key of a block mapping (no indent, comment,
# directive or document marker)
_TOP_LEVEL = re.compile(r"^\ufeff?(?=[^ \t\r\n#%])(?!---|\.\.\.)", re.MULTILINE)


def same(a: Any, b: Any) -> bool:
    """Equal values of equal types (True is not 1, 1.0 is not 1); NaN equals NaN."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        return a == b or (a != a and b != b)
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return bool(a == b)


def entry_part(doc: Document, key: Any, nodes: bool = False) -> tuple[Document, int] | None:
    """The top-level entry `key` parsed from its own lines, and the offset they start at, when the
    file is a block mapping whose top-level keys each start a line and those lines give exactly
    the values the whole file's parse gave the entry; else None (use the whole document). An entry
    costs its own lines only, whatever the size of the file. With nodes, the part's node tree is
    built and placed at the whole file's offsets."""
    if doc.problems or not doc.usable or not isinstance(doc.data, dict) or key not in doc.data:
        return None
    if doc._entry_starts is None:
        doc._entry_starts = [m.start() for m in _TOP_LEVEL.finditer(doc.text)]
    keys = list(doc.data)
    if len(doc._entry_starts) != len(keys):
        return None
    i = keys.index(key)
    start = doc._entry_starts[i]
    end = doc._entry_starts[i + 1] if i + 1 < len(keys) else len(doc.text)
    part = Document(doc.path, doc.text[start:end], bom=doc.text.startswith("\ufeff", start), numbers11=doc.numbers11)
    parse(part, nodes=nodes)
    if part.problems or not part.usable or not isinstance(part.data, dict) or list(part.data) != [key] \
            or not same(part.data[key], doc.data[key]):
        return None
    if nodes:
        root = part._root
        if root is None or root.kind != MAP or root.style is not None:
            return None
        todo = [root]
        while todo:
            node = todo.pop()
            node.start += start
            node.end += start
            if node.kind == MAP:
                for k, v in node.value:
                    todo += (k, v)
            elif node.kind == SEQ:
                todo += node.value
    return part, start


def _locate_in_tree(doc: Document, paths: list[tuple[Any, ...]]) -> dict[tuple[Any, ...], tuple[int | None, int]]:
    out: dict[tuple[Any, ...], tuple[int | None, int]] = {}
    for path in paths:
        key_node, value_node = doc.node_at(list(path))
        node = value_node or key_node
        out[path] = (key_node.start if key_node is not None else None, node.start if node is not None else 0)
    return out


def locate(doc: Document, paths: list[tuple[Any, ...]]) -> dict[tuple[Any, ...], tuple[int | None, int]]:
    """(key offset or None, value offset) of the node at each path, or of the deepest node that exists
    along it; found in one streaming pass over the parser's events, building no node tree (positions
    for a few problems in a large, valid file). A document already holding its node tree, or one with
    load problems, is looked up in the tree instead."""
    if doc._nodes or doc.problems or not doc.usable or not doc.text:
        return _locate_in_tree(doc, paths)
    by_entry: dict[Any, list[tuple[Any, ...]]] = {}
    for path in paths:
        by_entry.setdefault(path[0] if path else _NO_KEY, []).append(path)
    if _NO_KEY in by_entry or 4 * len(by_entry) > len(doc.data if isinstance(doc.data, dict) else ()):
        return _stream_locate(doc, paths)
    out: dict[tuple[Any, ...], tuple[int | None, int]] = {}
    rest: list[tuple[Any, ...]] = []
    for key, under in by_entry.items():
        found = entry_part(doc, key)
        if found is None:
            rest.extend(under)
            continue
        part, start = found
        for path, (key_offset, offset) in _stream_locate(part, under).items():
            out[path] = (None if key_offset is None else key_offset + start, offset + start)
    if rest:
        out.update(_stream_locate(doc, rest))
    return out


def _stream_locate(doc: Document, paths: list[tuple[Any, ...]]) -> dict[tuple[Any, ...], tuple[int | None, int]]:
    trie: dict[Any, Any] = {}
    for path in paths:
        node_trie = trie
        for step in path:
            node_trie = node_trie.setdefault(step, {})
    found: dict[tuple[Any, ...], tuple[int | None, int]] = {(): (None, 0)}
    base = 1 if doc.bom else 0
    parser = _open_events(doc.text[base:] if base else doc.text)
    scalar, alias = tuple, _Alias
    starts = (_MapStart, _SeqStart)
    ends = (_MapEnd, _SeqEnd)
    # frames: [is a mapping, its trie (None: nothing wanted below), its path, pending key, its offset, index]
    stack: list[list[Any]] = []
    root_seen = False
    try:
        while True:
            event = parser.get_event()
            cls = event.__class__
            if cls is _StreamEnd:
                break
            if cls in ends:
                stack.pop()
                continue
            if cls is not scalar and cls is not alias and cls not in starts:
                continue
            # the start mark: a scalar's fifth field, an alias's second, a collection's fourth
            offset = event[4 if cls is scalar else 1 if cls is alias else 3].index + base
            if not stack:
                if root_seen:
                    break
                root_seen = True
                found[()] = (None, offset)
                if cls in starts:
                    stack.append([cls is _MapStart, trie, (), _NO_KEY, None, 0])
                continue
            frame = stack[-1]
            if frame[0] and frame[3] is _NO_KEY:  # a mapping key
                if cls is scalar:
                    value = event[3] if event[6] or not event[2][0] else resolve_plain(event[3])
                    frame[3], frame[4] = key_text(value), offset
                else:
                    frame[3], frame[4] = _NO_KEY, offset
                    if cls in starts:
                        stack.append([cls is _MapStart, None, (), _NO_KEY, None, 0])
                continue
            if frame[0]:
                step, key_offset = frame[3], frame[4]
                frame[3] = _NO_KEY
            else:
                step, key_offset = frame[5], None
                frame[5] += 1
            child = frame[1].get(step) if frame[1] is not None else None
            path = frame[2] + (step,) if child is not None else ()
            if child is not None and path not in found:
                found[path] = (key_offset, offset)
            if cls in starts:
                stack.append([cls is _MapStart, child if child else None, path, _NO_KEY, None, 0])
    except Exception:  # pragma: no cover - a document that parsed once parses again
        return _locate_in_tree(doc, paths)
    finally:
        _close_events(parser)
    out = {}
    for path in paths:
        cut = len(path)
        while path[:cut] not in found:
            cut -= 1
        out[path] = found[path[:cut]]
    return out
