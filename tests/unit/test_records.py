"""`record` behaves as the dataclass it stands in for: construction, equality, hashing, order and repr."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from codesign_tui.records import record


@record(frozen=True, order=True)
class Point:
    x: int
    y: int = 0
    note: dict = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True, order=True)
class DataPoint:
    x: int
    y: int = 0
    note: dict = field(default_factory=dict, compare=False, repr=False)


@record
class Bag:
    items: list = field(default_factory=list)

    def __post_init__(self) -> None:
        self.size = len(self.items)


def test_construction_defaults_and_post_init_as_a_dataclass():
    assert (Point(1).x, Point(1).y, Point(1, 2).y, Point(x=3, y=4).y) == (1, 0, 2, 4)
    assert Point(1).note == {} and Point(1).note is not Point(1).note
    assert Bag([1, 2]).size == 2 and Bag().items == []
    with pytest.raises(TypeError):
        Point()
    with pytest.raises(TypeError):
        Point(1, 2, {}, 4)


@pytest.mark.parametrize("a, b", [((1, 2), (1, 2)), ((1, 2), (1, 3)), ((2, 0), (1, 9)), ((0, 5), (0, 4))])
def test_equality_hash_and_order_match_the_dataclass(a, b):
    ours, theirs = (Point(*a, note={"n": 1}), Point(*b)), (DataPoint(*a, note={"n": 1}), DataPoint(*b))
    assert (ours[0] == ours[1]) == (theirs[0] == theirs[1])
    assert (ours[0] < ours[1], ours[0] <= ours[1], ours[0] > ours[1], ours[0] >= ours[1]) == \
        (theirs[0] < theirs[1], theirs[0] <= theirs[1], theirs[0] > theirs[1], theirs[0] >= theirs[1])
    assert (hash(ours[0]) == hash(ours[1])) == (ours[0] == ours[1])  # `note` is left out, as compare=False


def test_other_classes_are_never_equal_and_unfrozen_records_are_unhashable():
    assert Point(1) != DataPoint(1) and Point(1) != (1, 0)
    with pytest.raises(TypeError):
        Point(1) < DataPoint(2)
    with pytest.raises(TypeError):
        hash(Bag())
    assert Bag([1]) == Bag([1]) and Bag([1]) != Bag([2])


def test_repr_names_the_fields_shown():
    assert repr(Point(1, 2, {"hidden": True})) == "Point(x=1, y=2)"
    assert repr(Bag([1])) == "Bag(items=[1])"
