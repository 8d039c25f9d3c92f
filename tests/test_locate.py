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
