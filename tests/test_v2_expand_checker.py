"""The printed-entry check (value by value, each distinct value once) agrees with the full validator on v2's
two entry shapes, however an entry is broken."""

from __future__ import annotations

import copy
import random
from typing import Any, Iterator

from test_v2_expand import MULTI, SINGLE

WRONG: list[Any] = [0, -1, 1.0, True, False, "", "x", "bad image", None, [], [0], [1, "2"], {}, {"a": 1}]


def _mutations(entry: dict[str, Any], rng: random.Random) -> Iterator[dict[str, Any]]:
    for key in entry:
        yield {k: v for k, v in entry.items() if k != key}  # a key missing
        for wrong in WRONG:
            yield {**entry, key: copy.deepcopy(wrong)}
        value = entry[key]
        if isinstance(value, dict):  # a worker block
            for inner in value:
                yield {**entry, key: {k: v for k, v in value.items() if k != inner}}
                for wrong in rng.sample(WRONG, 5):
                    yield {**entry, key: {**value, inner: copy.deepcopy(wrong)}}
            yield {**entry, key: {**value, "extra": 1}}
            yield {**entry, key: {**value, "additional-settings": ["NO SPACES=1"]}}
            yield {**entry, key: {**value, "additional-settings": ("A=1",)}}  # a tuple is not a JSON array
        if isinstance(value, list):
            yield {**entry, key: [*value, 0]}
            yield {**entry, key: [*value, True]}
            yield {**entry, key: tuple(value)}
    yield {**entry, "extra": 1}
    yield {**entry, "prefill": {"num-worker": 1, "tp": 1, "ep": 1, "dp-attn": False}}  # the other shape's key
    yield {k: v for k, v in entry.items() if k != "prefill"}


def _rows(entries: list[dict[str, Any]]) -> list[Any]:
    from sweepgen.formats import Group, Row

    return [Row("", Group("", ""), tuple(e), tuple(e.values())) for e in entries]


def test_checker_agrees_with_the_validator() -> None:
    from sweepgen import schemas
    from sweepgen.rowcheck import EntryChecker

    rng = random.Random(8)
    validator = schemas.validator("v2", "matrix-entry")
    valid = [copy.deepcopy(e) for e in SINGLE + MULTI]
    warm = EntryChecker("v2")
    assert warm.first_problem(_rows(valid)) is None  # its cache now holds every valid value
    checked = 0
    for base in valid:
        for mutated in _mutations(base, rng):
            expected_valid = validator.is_valid(mutated)
            for checker in (warm, EntryChecker("v2")):
                # first, so that the full validator stops at it when it explains
                problem = checker.first_problem(_rows([mutated, *valid]))
                assert (problem is None) == expected_valid, (mutated, problem)
                assert problem is None or problem[0] == 0
            checked += 1
    assert checked > 1000
