"""The parser's events as tuples: the same documents as with ruamel's event classes, and nothing left
changed in _ruamel_yaml once a parse ends, however it ends."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import _ruamel_yaml
import pytest
import ruamel.yaml.events as real_events

from sweepgen import yamlsource
from sweepgen.yamlsource import MAP, SEQ, Node, load_path, load_string, parse

DATA = Path(__file__).parent
SAMPLES = sorted(DATA.glob("**/*.yaml"))[:60] + sorted((DATA.parent / "configs").glob("*.yaml"))

HOSTILE = [
    "a: 1\nb: [x, 'y', \"z\"]\nc: {d: e}\n",
    "a: &x 1\nb: *x\n",  # anchor and alias: problems
    "a: !!str 1\nb: !custom 2\n",  # tags
    "a: 1\na: 2\n",  # a duplicate key: parsed again with nodes
    "? [a]\n: 1\n",  # a collection as a key
    "a: [1, 2\n",  # a syntax error mid-stream
    "--- 1\n--- 2\n",  # two documents
    "\ufeffa: yes\nb: 010\n",  # BOM, YAML 1.1 bool and number
    "a:\n  - b: |\n      text\n    c: >-\n      folded\n",
]


def _classes() -> dict[str, Any]:
    return {name: getattr(_ruamel_yaml, name) for name in yamlsource._KINDS}


def _tree(node: Node | None) -> Any:
    if node is None:
        return None
    if node.kind == MAP:
        value: Any = [(_tree(k), _tree(v)) for k, v in node.value]
    elif node.kind == SEQ:
        value = [_tree(v) for v in node.value]
    else:
        value = repr(node.value)
    return (node.kind, value, node.start, node.end, node.style, node.anchor)


def _read(text: str) -> Any:
    plain = load_string(text)
    full = load_string(text)
    if full.usable:
        full.root = None
        parse(full, nodes=True)
    return (repr(plain.data), [repr(p) for p in plain.problems], plain.yaml11_bools, plain.yaml11_numbers,
            _tree(full.root), [repr(p) for p in full.problems])


def _use_fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    """From here on, as where the factories cannot be used: ruamel's own events, converted."""
    monkeypatch.setattr(yamlsource, "_events_state", {})
    monkeypatch.setattr(yamlsource, "_probe", lambda module, factories: False)


class _Unswappable:
    """A C parser module that makes its events with the classes it was built with, whatever its
    names are set to: the probe must then refuse the factories."""

    def __init__(self) -> None:
        for name in yamlsource._KINDS:
            setattr(self, name, getattr(real_events, name))

    @staticmethod
    def CParser(text: str) -> Any:  # noqa: N802 - the name the module has
        return _ruamel_yaml.CParser(text)


def test_this_installation_reads_events_directly() -> None:
    assert yamlsource._direct_ok()
    assert yamlsource._FACTORIES["ScalarEvent"](None, None, (True, False), "v", None, None, "") == \
        (None, None, (True, False), "v", None, None, "")
    assert yamlsource._probe(_ruamel_yaml, yamlsource._FACTORIES)


def test_the_probe_refuses_a_parser_that_ignores_the_factories() -> None:
    assert not yamlsource._probe(_Unswappable(), yamlsource._FACTORIES)
    swapped_order = dict(yamlsource._FACTORIES, ScalarEvent=lambda *args: args[::-1])
    assert not yamlsource._probe(_ruamel_yaml, swapped_order)


@pytest.mark.parametrize("text", HOSTILE)
def test_the_event_classes_are_restored_after_every_parse(text: str) -> None:
    before = _classes()
    _read(text)
    assert _classes() == before == {name: getattr(real_events, name) for name in yamlsource._KINDS}
    assert yamlsource._events_state.get("depth") == 0


def test_ruamels_own_loader_reads_after_a_parse() -> None:
    from ruamel.yaml import YAML

    _read(HOSTILE[0])
    assert YAML(typ="safe", pure=False).load("a: [1, {b: c}]\n") == {"a": [1, {"b": "c"}]}


def test_the_fallback_reads_every_document_alike(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = HOSTILE + [p.read_text(encoding="utf-8", errors="replace") for p in SAMPLES]
    direct = [_read(t) for t in texts]
    _use_fallback(monkeypatch)
    assert [_read(t) for t in texts] == direct
    assert yamlsource._events_state["direct"] is False
    parser = yamlsource._open_events("a: 1\n")
    assert isinstance(parser, yamlsource._Converting)
    yamlsource._close_events(parser)
    assert _classes() == {name: getattr(real_events, name) for name in yamlsource._KINDS}


def test_located_problems_read_alike_with_the_fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    path = DATA.parent / "configs" / "nvidia-master.yaml"
    doc = load_path(path)
    assert doc.usable
    keys = list(doc.data)[:3]
    paths = [(k,) for k in keys] + [(keys[0], "image"), (keys[-1], "no-such-key")]
    direct = yamlsource._stream_locate(doc, paths)
    _use_fallback(monkeypatch)
    assert yamlsource._stream_locate(doc, paths) == direct
    key_offset, value_offset = direct[(keys[0], "image")]
    assert doc.text[key_offset:].startswith("image:")
    assert direct[(keys[-1], "no-such-key")] == direct[(keys[-1],)]
