"""`record`: a dataclass whose comparison, hashing and repr are shared methods, not generated ones.

`dataclasses.dataclass` compiles every method it writes (`exec` of generated source): six for a
frozen class, ten with `order=True`. sweepgen declares some forty such classes on the path of every
command, and compiling their methods was a tenth of a full-sweep's start-up. A `record` is the same
dataclass (`fields`, `replace`, `is_dataclass`, field metadata, `kw_only` and defaults all work)
with only `__init__` generated; `__eq__`, `__hash__`, `__repr__`, the order methods and a frozen
record's attribute guards are the functions below, which read the fields through one
`operator.attrgetter` per class and behave as the generated ones do.
"""

from __future__ import annotations

import dataclasses
from operator import attrgetter
from typing import Any, Callable, TypeVar, dataclass_transform, overload

T = TypeVar("T")

_VALUES = "__record_values__"  # attrgetter of the compared fields: instance -> tuple


def _values(obj: Any) -> tuple[Any, ...]:
    return obj.__class__.__record_values__(obj)


def _eq(self: Any, other: Any) -> Any:
    if other.__class__ is self.__class__:
        return _values(self) == _values(other)
    return NotImplemented


def _hash(self: Any) -> int:
    return hash(_values(self))


def _repr(self: Any) -> str:
    cls = self.__class__
    shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in cls.__record_repr__)
    return f"{cls.__qualname__}({shown})"


def _order(compare: Callable[[tuple[Any, ...], tuple[Any, ...]], bool], name: str) -> Callable[[Any, Any], Any]:
    def method(self: Any, other: Any) -> Any:
        if other.__class__ is self.__class__:
            return compare(_values(self), _values(other))
        return NotImplemented
    method.__name__ = name
    return method


_ORDER = {
    "__lt__": _order(lambda a, b: a < b, "__lt__"),
    "__le__": _order(lambda a, b: a <= b, "__le__"),
    "__gt__": _order(lambda a, b: a > b, "__gt__"),
    "__ge__": _order(lambda a, b: a >= b, "__ge__"),
}


def _set_once(self: Any, name: str, value: Any) -> None:
    if name in self.__dict__ or name not in self.__class__.__record_fields__:
        raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")
    object.__setattr__(self, name, value)


def _no_delete(self: Any, name: str) -> None:
    raise dataclasses.FrozenInstanceError(f"cannot delete field {name!r}")


def getter(names: tuple[str, ...] | list[str]) -> Callable[[Any], tuple[Any, ...]]:
    """The attributes `names` of an object, as a tuple, in one call (an attrgetter, whatever the count)."""
    if len(names) == 1:  # attrgetter of one name returns the value itself, not a tuple
        one = attrgetter(names[0])
        return lambda obj: (one(obj),)
    if not names:
        return lambda obj: ()
    return attrgetter(*names)


@overload
def record(cls: type[T], /) -> type[T]: ...


@overload
def record(*, frozen: bool = True, order: bool = False, kw_only: bool = False,
           eq: bool = True) -> Callable[[type[T]], type[T]]: ...


@dataclass_transform(frozen_default=True, field_specifiers=(dataclasses.field, dataclasses.Field))
def record(cls: type[T] | None = None, /, *, frozen: bool = True, order: bool = False,
           kw_only: bool = False, eq: bool = True) -> Any:
    """Declare a record: `@record` (frozen), `@record(frozen=False)`, `@record(order=True)`;
    `eq=False` keeps identity equality and hashing, as for dataclass.

    Equality compares the fields (those with `compare=True`) of two instances of the same class;
    a frozen record hashes them; repr shows the fields with `repr=True`; `order=True` orders
    instances of one class by their fields' tuple. Methods a class defines itself are kept.
    """

    def wrap(cls: type[T]) -> type[T]:
        own = set(cls.__dict__)
        if cls.__dict__.get("__hash__", 0) is None and "__eq__" in own:
            own.discard("__hash__")  # Python's implicit None beside an own __eq__, which dataclass replaces
        # frozen without dataclass's frozen: its generated __init__ assigns each field once through
        # the shared _set_once, which refuses any later assignment (and deletion), as frozen does
        made: Any = dataclasses.dataclass(cls, eq=False, repr=False, kw_only=kw_only)
        fields = dataclasses.fields(made)
        made.__record_fields__ = frozenset(f.name for f in fields)
        compared = tuple(f.name for f in fields if f.compare)
        setattr(made, _VALUES, staticmethod(getter(compared)))
        setattr(made, "__record_repr__", tuple(f.name for f in fields if f.repr))
        methods: dict[str, Any] = {"__repr__": _repr}
        if frozen:
            methods.update({"__setattr__": _set_once, "__delattr__": _no_delete})
        if eq:  # as dataclass: a frozen record hashes its fields; a mutable one is unhashable
            methods.update({"__eq__": _eq, "__hash__": _hash if frozen else None})
        if order:
            methods.update(_ORDER)
        for name, method in methods.items():
            if name not in own:
                setattr(made, name, method)
        return made

    return wrap if cls is None else wrap(cls)
