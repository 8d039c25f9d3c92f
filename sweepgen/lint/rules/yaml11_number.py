"""yaml11-number (warning): a plain scalar that YAML 1.1 readers take as another number.

`010` is 10 to YAML 1.2 readers (sweepgen, editors) but 8 (octal) to YAML 1.1 readers
(PyYAML, so the generators and scripts around the configs); `1_024` is a string to YAML
1.2 but 1024 to YAML 1.1; `0o20` is 16 to YAML 1.2 but a string to YAML 1.1; `1:20` is a
string to YAML 1.2 but 80 (sexagesimal) to YAML 1.1. Writing the plain decimal number
(or quoting a string) makes every reader agree. A format that reads a document kind with
YAML 1.1 numbers on purpose (v3's runners.yaml) has no such warnings there.
"""

from __future__ import annotations

import re
from typing import Any, Iterator

from sweepgen.problems import Problem
from sweepgen.yamlsource import Document, resolve_plain, yaml11_value

from ..registry import WARNING, RuleInfo
from . import DocumentRule, RunState

_TOKEN = re.compile(r"[^\s,\]\}#]+")


def _reading(value: Any) -> str:
    if isinstance(value, str):
        return f"the string '{value}'"
    return f"the number {value}"


def _advice(text: str, v12: Any, v11: Any) -> str:
    numbers = [v for v in (v12, v11) if not isinstance(v, str)]
    if len(numbers) == 2:
        return f"write {v12} or {v11}, without the leading zero or base prefix"
    if numbers:
        return f"write {numbers[0]}, or quote it if it is meant as text"
    return "quote it"


def check(doc: Document, state: RunState) -> Iterator[Problem]:
    for offset in doc.yaml11_numbers:
        found = _TOKEN.match(doc.text, offset)
        if found is None:
            continue
        text = found.group(0)
        v11 = yaml11_value(text)
        v12 = resolve_plain(text)
        line, col = doc.position(offset)
        yield Problem(doc.path, line, col, RULE.info.id, RULE.info.level,
                      f"'{text}' is {_reading(v12)} to YAML 1.2 readers (sweepgen, editors) but {_reading(v11)} "
                      f"to YAML 1.1 readers (PyYAML, the generators); {_advice(text, v12, v11)}")


RULE = DocumentRule(RuleInfo("yaml11-number", WARNING,
                             "a plain number YAML 1.1 readers take as another value (010, 1_024, 0o20, 1:20)"), check)
