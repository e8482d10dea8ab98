"""`record`: `dataclasses.dataclass` for classes that only hold data, at a fraction of its import cost.

The standard decorator writes each class's methods as source text and compiles it when the module is
imported: about 0.8 ms a class on the machines we measure, and this package has some forty, so a fifth
of a `codesign render` process went on it. A record lets dataclasses write `__init__` alone (one
compile, about 0.2 ms) and shares one equality, hash, ordering and repr between every record class,
reading the fields from a tuple of names. Equality, hashing and ordering work as the dataclass's would
(fields in order, those with `compare=False` left out). What `frozen` adds is the hash; a record does
not stop a field being set after it is made, so treat a frozen record as read-only, as before.
"""

from __future__ import annotations

import dataclasses
from operator import attrgetter
from typing import Any, Callable, TypeVar, dataclass_transform

T = TypeVar("T")


@dataclass_transform(field_specifiers=(dataclasses.field, dataclasses.Field))
def record(cls: type[T] | None = None, /, *, frozen: bool = False, order: bool = False) -> Any:
    """Use as `@record` or `@record(frozen=True, order=True)`, with `dataclasses.field` as usual."""

    def wrap(cls: type[T]) -> type[T]:
        cls = dataclasses.dataclass(cls, eq=False, repr=False)
        fields = dataclasses.fields(cls)
        compared = tuple(f.name for f in fields if f.compare)
        key = _key(compared)
        cls._record_key = staticmethod(key)  # type: ignore[attr-defined]
        cls._record_repr = tuple(f.name for f in fields if f.repr)  # type: ignore[attr-defined]
        cls.__eq__ = _eq  # type: ignore[method-assign]
        cls.__repr__ = _repr  # type: ignore[method-assign]
        # as a dataclass: hashable by value when frozen, not hashable when its fields may change
        cls.__hash__ = _hash if frozen else None  # type: ignore[assignment,method-assign]
        if order:
            cls.__lt__, cls.__le__, cls.__gt__, cls.__ge__ = _lt, _le, _gt, _ge  # type: ignore[method-assign]
        return cls

    return wrap if cls is None else wrap(cls)


def _key(names: tuple[str, ...]) -> Callable[[Any], tuple]:
    if not names:
        return lambda obj: ()
    if len(names) == 1:
        one = attrgetter(names[0])
        return lambda obj: (one(obj),)
    return attrgetter(*names)


def _eq(self: Any, other: Any) -> Any:
    if other.__class__ is not self.__class__:
        return NotImplemented
    return self._record_key(self) == other._record_key(other)


def _hash(self: Any) -> int:
    return hash(self._record_key(self))


def _repr(self: Any) -> str:
    inside = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._record_repr)
    return f"{self.__class__.__qualname__}({inside})"


def _compare(operation: Callable[[tuple, tuple], bool]) -> Callable[[Any, Any], Any]:
    def method(self: Any, other: Any) -> Any:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return operation(self._record_key(self), other._record_key(other))
    return method


_lt = _compare(lambda a, b: a < b)
_le = _compare(lambda a, b: a <= b)
_gt = _compare(lambda a, b: a > b)
_ge = _compare(lambda a, b: a >= b)
