"""duplicate-key across files: an entry key that an earlier master config of the run defines.

The generators merge every master config into one mapping, so a key defined twice is
an error even in two files. Positions are looked up only for the keys reported.
"""

from __future__ import annotations

from typing import Iterator

from sweepgen.problems import Problem
from sweepgen.yamlsource import Document

from ..registry import ERROR, RuleInfo
from . import DocumentRule, RunState


def _key_offset(doc: Document, key: str) -> int:
    key_node, _ = doc.node_at([key])
    return key_node.start if key_node is not None else 0


def check(doc: Document, state: RunState) -> Iterator[Problem]:
    if not isinstance(doc.data, dict):
        return
    first_seen: dict[str, Document] = state.seen.setdefault("entry-keys", {})
    for key in doc.data:
        other = first_seen.get(key)
        if other is not None:
            yield doc.problem(_key_offset(doc, key), RULE.info.id,
                              f"entry '{key}' is already defined in {other.path} at line "
                              f"{other.position(_key_offset(other, key))[0]}")
        else:
            first_seen[key] = doc


RULE = DocumentRule(RuleInfo("duplicate-key", ERROR,
                             "a key repeated in one mapping, or an entry key already defined in an earlier file"),
                    check)
