"""`record` behaves as the dataclass it replaces: equality, hashing, repr, order, frozen, replace."""

from __future__ import annotations

import dataclasses
from dataclasses import field

import pytest

from sweepgen.records import record


@record(order=True)
class Point:
    x: int
    y: int = 0
    label: str = field(default="", compare=False, repr=False)


@dataclasses.dataclass(frozen=True, order=True)
class DataPoint:
    x: int
    y: int = 0
    label: str = field(default="", compare=False, repr=False)


@record(frozen=False)
class Box:
    items: list[int] = field(default_factory=list)


@record(frozen=False, eq=False)
class Identity:
    name: str


@record(kw_only=True)
class Named:
    name: str
    size: int = 1


@record
class One:
    only: str

    def __repr__(self) -> str:
        return f"<{self.only}>"


def test_equality_and_hash_are_the_compared_fields() -> None:
    assert Point(1, 2, "a") == Point(1, 2, "b")
    assert Point(1, 2) != Point(2, 1)
    assert hash(Point(1, 2, "a")) == hash(Point(1, 2, "b")) == hash(DataPoint(1, 2, "c"))
    assert len({Point(1, 2), Point(1, 2), Point(3)}) == 2
    assert Point(1, 2) != DataPoint(1, 2)  # another class is never equal, as for dataclass
    assert (Point(1) == 1) is False
    assert Point(1).__eq__(1) is NotImplemented


def test_repr_is_dataclass_repr() -> None:
    assert repr(Point(1, 2, "hidden")) == repr(DataPoint(1, 2, "hidden")).replace("DataPoint", "Point")
    assert repr(Point(1, 2)) == "Point(x=1, y=2)"
    assert repr(Box([1])) == "Box(items=[1])"
    assert repr(One("a")) == "<a>"  # a method the class defines is kept


def test_order_is_the_fields_tuple() -> None:
    points = [Point(2, 1), Point(1, 5), Point(1, 2)]
    assert sorted(points) == [Point(1, 2), Point(1, 5), Point(2, 1)]
    assert Point(1, 2) <= Point(1, 2) < Point(1, 3) and Point(2) > Point(1, 9) >= Point(1, 9)
    with pytest.raises(TypeError):
        _ = Point(1) < DataPoint(1)
    with pytest.raises(TypeError):
        _ = Named(name="a") < Named(name="b")  # no order unless asked for


def test_frozen_and_mutable() -> None:
    p = Point(1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.x = 2  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        del p.x  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.other = 1  # type: ignore[attr-defined]
    assert (p.x, p.y, p.label) == (1, 0, "") and vars(p) == {"x": 1, "y": 0, "label": ""}
    box = Box()
    box.items.append(1)
    box.items = [2]
    assert box == Box([2]) and box != Box()
    with pytest.raises(TypeError):
        hash(box)  # a mutable record with equality is unhashable, as for dataclass


def test_identity_equality_when_eq_is_false() -> None:
    a, b = Identity("a"), Identity("a")
    assert a != b and a == a and len({a, b}) == 2


def test_dataclass_functions_work() -> None:
    assert dataclasses.is_dataclass(Point)
    assert [f.name for f in dataclasses.fields(Point)] == ["x", "y", "label"]
    assert dataclasses.replace(Point(1, 2, "a"), y=3) == Point(1, 3)
    assert dataclasses.replace(Point(1, 2, "a"), y=3).label == "a"
    assert Named(name="n") == Named(name="n", size=1)
    with pytest.raises(TypeError):
        Named("n")  # type: ignore[misc]
    assert dataclasses.astuple(Point(1, 2, "a")) == (1, 2, "a")
    assert One("x") == One("x") and hash(One("x")) == hash(("x",))


def test_getter_is_a_tuple_whatever_the_count() -> None:
    from sweepgen.records import getter

    p = Point(1, 2, "a")
    assert getter(("x", "label"))(p) == (1, "a") and getter(["y"])(p) == (2,) and getter(())(p) == ()


def test_an_own_eq_keeps_the_generated_hash_as_dataclass_does() -> None:
    @record
    class Own:
        name: str

        def __eq__(self, other: object) -> bool:
            return isinstance(other, Own) and other.name.lower() == self.name.lower()

    @dataclasses.dataclass(frozen=True)
    class DataOwn:
        name: str

        def __eq__(self, other: object) -> bool:
            return isinstance(other, DataOwn) and other.name.lower() == self.name.lower()

    assert Own("a") == Own("A") and DataOwn("a") == DataOwn("A")
    assert hash(Own("a")) == hash(("a",)) == hash(DataOwn("a"))
