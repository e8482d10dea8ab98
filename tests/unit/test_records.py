"""`record` behaves as the dataclass it stands in for: construction, equality, hashing, order and repr."""

from __future__ import annotations

import dataclasses
import inspect
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

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


def _both(body: dict, bases: tuple = ()) -> tuple[type, type]:
    """The same class made by `record` and by `dataclass` (eq=False, repr=False, as a record's fields are)."""
    ours = record(type("Made", bases[:1], dict(body)))
    theirs = dataclass(eq=False, repr=False)(type("Made", bases[1:], dict(body)))
    return ours, theirs


def _described(cls: type) -> list[tuple]:
    return [(f.name, f.type, f.default, f.default_factory, f.init, f.repr, f.compare, f.kw_only)
            for f in dataclasses.fields(cls)]


BODIES = {
    "plain": {"__annotations__": {"a": "int", "b": "str"}},
    "defaults and a factory": {"__annotations__": {"a": "int", "b": "int", "c": "list"}, "b": 5,
                               "c": field(default_factory=list)},
    "fields not in __init__": {"__annotations__": {"a": "int", "b": "int", "c": "dict", "d": "int"},
                               "b": field(default=7, init=False), "c": field(default_factory=dict, init=False),
                               "d": field(default=1)},
    "keyword only": {"__annotations__": {"a": "int", "b": "int", "c": "int"}, "b": field(kw_only=True),
                     "c": 3},
    "a field called self": {"__annotations__": {"self": "int", "other": "int"}, "other": 2},
    "no fields": {},
}


@pytest.mark.parametrize("name", BODIES)
def test_fields_constructor_and_replace_are_the_dataclass_s(name):
    ours, theirs = _both(BODIES[name])
    assert _described(ours) == _described(theirs)
    assert ours.__match_args__ == theirs.__match_args__
    assert inspect.signature(ours(**_arguments(theirs)).__init__) == \
        inspect.signature(theirs(**_arguments(theirs)).__init__)
    made, made_too = ours(**_arguments(theirs)), theirs(**_arguments(theirs))
    assert vars(made) == vars(made_too)
    assert vars(dataclasses.replace(made)) == vars(dataclasses.replace(made_too))
    assert dataclasses.is_dataclass(ours) and dataclasses.asdict(made) == dataclasses.asdict(made_too)
    for attribute in ("a", "b", "c", "d"):  # a default not given to __init__ is read from the class, as there
        assert getattr(ours, attribute, None) == getattr(theirs, attribute, None)


def _arguments(cls: type) -> dict:
    return {f.name: len(f.name) for f in dataclasses.fields(cls) if f.init and f.default is dataclasses.MISSING
            and f.default_factory is dataclasses.MISSING}


def test_a_record_extends_a_record_as_a_dataclass_extends_a_dataclass():
    base, data_base = _both({"__annotations__": {"a": "int", "b": "int"}, "b": 2})
    ours = record(type("Sub", (base,), {"__annotations__": {"c": "int", "a": "int"}, "c": 3, "a": 1}))
    theirs = dataclass(eq=False, repr=False)(type("Sub", (data_base,),
                                                   {"__annotations__": {"c": "int", "a": "int"}, "c": 3, "a": 1}))
    assert _described(ours) == _described(theirs)
    assert vars(ours()) == vars(theirs()) == {"a": 1, "b": 2, "c": 3}
    assert ours() == ours() and ours(5) != ours()


@pytest.mark.parametrize("body, error", [
    ({"__annotations__": {"a": "int", "b": "int"}, "a": 1}, TypeError),  # no default after a default
    ({"__annotations__": {"a": "list"}, "a": []}, ValueError),  # a mutable default
    ({"__annotations__": {"a": "int"}, "b": field(default=1)}, TypeError),  # a field with no annotation
])
def test_a_class_dataclasses_refuses_is_refused_when_declared(body, error):
    with pytest.raises(error):
        dataclass(type("Made", (), dict(body)))
    with pytest.raises(error):
        record(type("Made", (), dict(body)))


@record
class Limited:
    a: int
    limit: ClassVar[int] = 3


def test_class_variables_are_left_to_dataclasses():
    assert [f.name for f in dataclasses.fields(Limited)] == ["a"] and Limited(1).limit == 3
    assert Limited(1) == Limited(1) and repr(Limited(1)) == "Limited(a=1)"


def test_every_waiting_init_is_written_at_once_when_the_first_record_is_made():
    first = record(type("First", (), {"__annotations__": {"a": "int"}}))
    second = record(type("Second", (), {"__annotations__": {"b": "int"}, "b": 2}))
    assert "args" in inspect.signature(second.__init__).parameters  # a stand-in until a record is made
    assert first(1).a == 1
    assert list(inspect.signature(second.__init__).parameters) == ["self", "b"] and second().b == 2


def test_every_record_of_the_engine_and_the_plan_is_made_by_record_itself():
    # a class handed on to dataclasses (an annotation naming ClassVar, say) would cost its import time again
    import importlib
    import pkgutil

    import codesign_tui
    from codesign_tui import records

    made = []
    for package in ("flow", "plan", "cohort"):
        path = [str(Path(codesign_tui.__file__).parent / package)]
        for module in pkgutil.iter_modules(path, f"codesign_tui.{package}."):
            for value in vars(importlib.import_module(module.name)).values():
                if isinstance(value, type) and "_record_key" in value.__dict__:
                    made.append(value)
    assert len(made) > 50
    assert [cls.__qualname__ for cls in made if cls.__dataclass_params__ is not records._PARAMS] == []
    assert Limited.__dataclass_params__ is not records._PARAMS  # the test would see one handed on
