"""Typed models from documents: frozen dataclasses built from validated, defaults-filled data.

A format's model module declares its dataclasses; `from_data` builds them. A document
key is its attribute name with `_` written `-` (`conc_start` reads `conc-start`), so
each field is spelled once, in the format's model. Values are taken as they are: the
schema has already checked them and filled their defaults; a dataclass default
(`None`) marks a field that a shape does not have (a point gives `conc-list` or
`conc-start`/`conc-end`).
"""

from __future__ import annotations

from dataclasses import MISSING, fields, is_dataclass
from functools import cache
from types import NoneType, UnionType
from typing import Any, Callable, TypeVar, get_args, get_origin, get_type_hints

from . import records

T = TypeVar("T")

# set on fields that do not come from the document's mapping (an entry's key, its file)
OUTSIDE = {"outside": True}
# set on a field that holds the document keys of the mapping, as written (in file order)
WRITTEN = {"outside": True, "written": True}


def document_name(attribute: str) -> str:
    return attribute.replace("_", "-")


def attribute_name(key: str) -> str:
    return key.replace("-", "_")


# a document's key order -> the getter of those attributes (objects of one file share a few orders)
_WRITTEN_GETTERS: dict[tuple[str, ...], Callable[[Any], tuple[Any, ...]]] = {}


def written_as_data(obj: Any) -> dict[str, Any]:
    """A model object as its document wrote it: the keys of its WRITTEN field, in their order,
    with their (filled) values; tuples are lists again."""
    keys: tuple[str, ...] = obj.written
    getter = _WRITTEN_GETTERS.get(keys)
    if getter is None:
        getter = _WRITTEN_GETTERS[keys] = records.getter([attribute_name(key) for key in keys])
    return {key: list(value) if isinstance(value, tuple) else value for key, value in zip(keys, getter(obj))}


class ModelError(Exception):
    """A validated document lacks a field the model needs: the schema and the model disagree."""


def _converter(hint: Any) -> Callable[[Any], Any] | None:
    """How a document value becomes the field's value: nested dataclasses built, lists made tuples."""
    if get_origin(hint) is UnionType:  # `X | None`: the value is there, so it is an X
        hint = next(a for a in get_args(hint) if a is not NoneType)
    args = get_args(hint)
    if get_origin(hint) is tuple and len(args) == 2 and args[1] is Ellipsis:
        item = args[0]
        if not (isinstance(item, type) and is_dataclass(item)):
            return tuple

        def items(values: list[Any]) -> tuple[Any, ...]:
            return tuple(from_data(item, value) for value in values)
        return items
    if isinstance(hint, type) and is_dataclass(hint):
        cls = hint

        def one(value: dict[str, Any]) -> Any:
            return from_data(cls, value)
        return one
    return None


@cache
def _reader(cls: type) -> tuple[tuple[str, str, Callable[[Any], Any] | None, bool], ...]:
    """(attribute, document key, converter, required) for each field of cls read from a mapping."""
    hints = get_type_hints(cls)
    out = []
    for f in fields(cls):
        if f.metadata.get("outside"):
            continue
        required = f.default is MISSING and f.default_factory is MISSING
        out.append((f.name, document_name(f.name), _converter(hints[f.name]), required))
    return tuple(out)


@cache
def _written_field(cls: type) -> str | None:
    return next((f.name for f in fields(cls) if f.metadata.get("written")), None)


def from_data(cls: type[T], data: dict[str, Any], **outside: Any) -> T:
    """An instance of cls from a validated mapping (plus the fields that come from elsewhere)."""
    values = dict(outside)
    written = _written_field(cls)  # type: ignore[arg-type]  # classes are hashable; mypy's Hashable check is not
    if written is not None:
        values[written] = tuple(data)
    for attribute, key, convert, required in _reader(cls):  # type: ignore[arg-type]
        if key in data:
            value = data[key]
            values[attribute] = convert(value) if convert is not None and value is not None else value
        elif required:
            raise ModelError(f"'{key}' is missing from a validated {cls.__name__}: the schema and the model disagree")
    return cls(**values)
