"""The x-sweepgen-* keyword vocabulary, implemented once for every schema version.

Each keyword is a jsonschema keyword function. Other tools ignore these keywords,
so the published schemas stay valid JSON Schema; `schema/README.md` documents them.

Keywords that look beyond one document (x-sweepgen-ref) read the documents they
refer to from a context variable that `lint` sets for the duration of a run.
"""

from __future__ import annotations

import re
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, Iterator, Sequence

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError


def _error(message: str, path: Sequence[Any] = ()) -> ValidationError:
    # jsonschema is imported only when a document is invalid: the fast check needs no errors
    from jsonschema.exceptions import ValidationError

    return ValidationError(message, path=path)

# document kind -> (names that x-sweepgen-ref may match, the file they come from);
# an absent kind means that document was not found and the rule is skipped
REFERENCE_SETS: ContextVar[dict[str, tuple[frozenset[str], str]]] = ContextVar("sweepgen_reference_sets", default={})


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def power_of_two(validator: Any, enabled: Any, instance: Any, schema: dict[str, Any]) -> Iterator[ValidationError]:
    if enabled and _is_int(instance) and instance > 0 and instance & (instance - 1):
        lower = 1 << (instance.bit_length() - 1)
        yield _error(f"{instance} is not a power of two (nearest: {lower} or {lower * 2})")


def less_or_equal(validator: Any, spec: dict[str, Any], instance: Any, schema: dict[str, Any]) -> Iterator[ValidationError]:
    if not isinstance(instance, dict):
        return
    lower, upper = spec["lower"], spec["upper"]
    lo, hi = instance.get(lower), instance.get(upper)
    if isinstance(lo, int) and isinstance(hi, int) and _is_int(lo) and _is_int(hi) and lo > hi:
        yield _error(f"{lower} {lo} is greater than {upper} {hi}", path=[upper])


def combination(validator: Any, spec: dict[str, Any], instance: Any, schema: dict[str, Any]) -> Iterator[ValidationError]:
    if not isinstance(instance, dict):
        return
    names = spec["properties"]
    values = [instance.get(n) for n in names]
    if not all(_is_int(v) for v in values):
        return
    allowed = spec["allowed"]
    if values in list(allowed.values()):
        return
    shown = ", ".join(f"{label} ({'/'.join(str(x) for x in pair)})" for label, pair in allowed.items())
    got = ", ".join(f"{n}={v}" for n, v in zip(names, values))
    yield _error(f"{got} is not a legal {'/'.join(names)} pair: expected one of {shown}", path=[names[0]])


def divisible(validator: Any, spec: dict[str, Any], instance: Any, schema: dict[str, Any]) -> Iterator[ValidationError]:
    """Property `dividend` is a multiple of property `divisor` (its `default` when absent), when both are integers."""
    if not isinstance(instance, dict):
        return
    dividend, divisor = spec["dividend"], spec["divisor"]
    top = instance.get(dividend)
    bottom = instance.get(divisor, spec.get("default"))
    if isinstance(top, int) and isinstance(bottom, int) and _is_int(top) and _is_int(bottom) and bottom > 0 \
            and top % bottom:
        yield _error(f"{dividend} {top} is not divisible by {divisor} {bottom}",
                     path=[divisor] if divisor in instance else [dividend])


def reference(validator: Any, spec: dict[str, Any], instance: Any, schema: dict[str, Any]) -> Iterator[ValidationError]:
    if not isinstance(instance, str):
        return
    found = REFERENCE_SETS.get().get(spec["document"])
    if found is None or instance in found[0]:
        return
    yield _error(f"'{instance}' is not {spec.get('what', 'declared')} in {found[1]}")


def key_prefix(validator: Any, spec: dict[str, Any], instance: Any, schema: dict[str, Any]) -> Iterator[ValidationError]:
    if not isinstance(instance, dict):
        return
    template = spec["template"]
    for key, entry in instance.items():
        if not isinstance(entry, dict):
            continue
        try:
            prefix = template.format_map(_Fields(entry))
        except _Missing:
            continue
        key = str(key)
        if key.startswith(prefix):
            continue
        field, implied = _culprit(template, entry, key)
        if field is None:
            error = _error(f"entry key '{key}' does not start with '{prefix}' (its {_field_list(template)}); "
                           f"check the key", path=[key])
        else:
            # the field the key disagrees with: the real mistake was `model-prefix: dsr1-fp8`
            shown = _FIELD.sub(r"<\1>", template)
            error = _error(f"{field} '{entry[field]}' does not match entry key '{key}', which gives "
                           f"'{implied}' (convention: the key starts with '{shown}')", path=[key, field])
            error.sweepgen_position = "value"
        yield error


_FIELD = re.compile(r"\{([^{}]+)\}")


def _field_list(template: str) -> str:
    return " and ".join(_FIELD.findall(template))


def _culprit(template: str, entry: dict[str, Any], key: str) -> tuple[str | None, str]:
    """The first template field that, alone replaced by a wildcard, lets the key match, and the
    value the key gives it; (None, "") when no single field explains the mismatch."""
    names = _FIELD.findall(template)
    for name in names:
        pattern = "^" + "".join(
            "(?P<x>.+?)" if part == name else re.escape(str(entry[part])) if i % 2 else re.escape(part)
            for i, part in enumerate(_FIELD.split(template)))
        found = re.match(pattern, key)
        if found and found.group("x") != entry[name]:
            return name, found.group("x")
    return None, ""


class _Missing(Exception):
    pass


class _Fields(dict[str, str]):
    """str.format_map view of an entry that refuses missing or non-string fields."""

    def __init__(self, entry: dict[str, Any]) -> None:
        super().__init__()
        self.entry = entry

    def __missing__(self, name: str) -> str:
        value = self.entry.get(name)
        if not isinstance(value, str):
            raise _Missing(name)
        return value


def _annotation(validator: Any, value: Any, instance: Any, schema: dict[str, Any]) -> Iterator[ValidationError]:
    return iter(())


KEYWORDS = {
    "x-sweepgen-power-of-two": power_of_two,
    "x-sweepgen-less-or-equal": less_or_equal,
    "x-sweepgen-combination": combination,
    "x-sweepgen-divisible": divisible,
    "x-sweepgen-ref": reference,
    "x-sweepgen-key-prefix": key_prefix,
    # annotations only: read by the engine and the reporters, never failing by themselves
    "x-sweepgen-version": _annotation,
    "x-sweepgen-rule": _annotation,
    "x-sweepgen-expected": _annotation,
    "x-sweepgen-level": _annotation,
    "x-sweepgen-message": _annotation,
}
