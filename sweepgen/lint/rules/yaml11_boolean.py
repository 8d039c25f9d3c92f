"""yaml11-boolean (warning): a plain `yes`, `no`, `on`, `off`, `y` or `n`.

YAML 1.2 (sweepgen, editors) reads these as strings; YAML 1.1 readers (PyYAML, so the
generators and scripts around the configs) read them as booleans. Quoting the word, or
writing true or false, makes every reader agree. Not reported where the schema already
reported a problem at the same place.
"""

from __future__ import annotations

from typing import Iterator

from sweepgen.problems import Problem
from sweepgen.yamlsource import Document

from ..registry import WARNING, RuleInfo
from . import DocumentRule, RunState


def check(doc: Document, state: RunState) -> Iterator[Problem]:
    if not doc.yaml11_bools:
        return
    taken = {(p.line, p.column) for p in state.problems if p.path == doc.path}
    for offset in doc.yaml11_bools:
        line, col = doc.position(offset)
        if (line, col) in taken:
            continue
        word = doc.text[offset:offset + 5].split()[0].rstrip(",}]")
        yield Problem(doc.path, line, col, RULE.info.id, RULE.info.level,
                      f"'{word}' is a string in YAML 1.2 but a boolean to YAML 1.1 readers; quote it")


RULE = DocumentRule(RuleInfo("yaml11-boolean", WARNING,
                             "a plain yes/no/on/off/y/n: a string in YAML 1.2, a boolean to YAML 1.1 readers"), check)
