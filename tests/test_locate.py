"""yamlsource.locate (one streaming pass, no node tree) finds every path where the node tree does,
the deepest existing node for a path that goes further, over real and hand-written files."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

from conftest import CORPUS, ROOT

FILES = sorted((ROOT / "tests" / "v3_cases").glob("*.yaml")) + sorted((ROOT / "tests" / "v2_cases").glob("*.yaml")) \
    + sorted(CORPUS.glob("*/*.yaml")) + [ROOT / "tests" / "lint_cases" / "valid.yaml"]
TRICKY = """\
"quoted key": {a: [1, {b: 2}], 'c d': x}
1: one
true: yes-key
plain:
  - - nested
    - [x, {y: z}]
  - |
    block
  - ~
"""


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            out += _paths(item, prefix + (key,))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            out += _paths(item, prefix + (i,))
    return out


@pytest.mark.parametrize("path", FILES + [None], ids=lambda p: p.name if p else "tricky")
def test_locate_agrees_with_the_node_tree(path: Path | None) -> None:
    from sweepgen.yamlsource import _locate_in_tree, load_path, load_string, locate

    def load() -> Any:
        return load_string(TRICKY, "t.yaml") if path is None else load_path(path)

    doc = load()
    if doc.problems or not doc.usable:
        pytest.skip("a file with load problems is located in its tree")
    rng = random.Random(str(path))
    every = _paths(doc.data)
    wanted = rng.sample(every, min(2000, len(every)))
    wanted += [p + ("no-such-key", 0) for p in rng.sample(every, min(50, len(every)))] + [("no-such-entry",)]
    streamed = locate(doc, wanted)
    assert not doc._nodes  # no node tree was built
    assert streamed == _locate_in_tree(load(), wanted)


SLICED = [
    "\ufeffa:\n  x: 1\n  y: [1, 2]\nb:\n  x: 2\n",                       # a BOM before the first entry
    "a:\r\n  x: 1\r\n# a comment at column 0\r\nb:\r\n  x: [3,\r\n    4]\r\n",  # CRLF, a comment
    "%YAML 1.2\n---\na:\n  x: 1\nb: {x: 2}\n...\n",                         # directive and markers
    "a: [1,\n2]\nb:\n  x: 2\n",                                              # a flow list back at column 0
    "a: 'one\ntwo'\nb:\n  x: 2\n",                                           # a quoted scalar back at column 0
]


@pytest.mark.parametrize("text", SLICED, ids=range(len(SLICED)))
def test_locate_per_entry_agrees_with_the_node_tree(text: str) -> None:
    """A few paths under few entries are located in those entries' own lines; where the lines do not
    give the entry's values, in the whole file."""
    from sweepgen.yamlsource import _locate_in_tree, load_string, locate

    doc = load_string(text, "t.yaml")
    assert not doc.problems
    for key in doc.data:
        wanted = [p for p in _paths(doc.data[key], (key,))] + [(key, "no-such-key")]
        assert locate(load_string(text, "t.yaml"), wanted) == _locate_in_tree(load_string(text, "t.yaml"), wanted)


def test_an_entry_is_parsed_from_its_own_lines_only_when_they_give_its_values() -> None:
    from sweepgen.yamlsource import entry_part, load_string

    doc = load_string("a:\n  x: 1\nb:\n  x: [3,\n    4]\n", "t.yaml")
    part, start = entry_part(doc, "b")  # type: ignore[misc]
    assert (part.text, start, part.data) == ("b:\n  x: [3,\n    4]\n", 10, {"b": {"x": [3, 4]}})
    # a flow list that goes back to column 0 looks like a new entry: the lines are not the entry
    assert entry_part(load_string("a: [1,\n2]\nb:\n  x: 2\n", "t.yaml"), "a") is None
    assert entry_part(load_string("a: {x: 1}\n", "t.yaml"), "nope") is None


def test_few_problems_in_a_large_file_are_located_from_their_entries(monkeypatch: pytest.MonkeyPatch) -> None:
    from sweepgen import yamlsource

    text = "".join(f"e{i}:\n  image: a/b:{i}\n  list: [1, 2]\n" for i in range(200))
    doc = yamlsource.load_string(text, "t.yaml")
    parsed: list[int] = []
    real = yamlsource._stream_locate
    monkeypatch.setattr(yamlsource, "_stream_locate", lambda d, p: parsed.append(len(d.text)) or real(d, p))
    found = yamlsource.locate(doc, [("e7", "list", 1), ("e150", "image")])
    assert found == {("e7", "list", 1): (None, text.index("[1, 2]", text.index("e7:")) + 4),
                     ("e150", "image"): (text.index("image", text.index("e150:")),
                                         text.index("a/b:150"))}
    assert parsed == [len("e7:\n  image: a/b:7\n  list: [1, 2]\n"), len("e150:\n  image: a/b:150\n  list: [1, 2]\n")]
