"""`record`: `dataclasses.dataclass` for classes that only hold data, at a fraction of its import cost.

The standard decorator reads each class's annotations (matching every one, written as text, against
ClassVar, InitVar and KW_ONLY), then writes each method as source text and compiles it, one compile a
method, when the module is imported: about 0.8 ms a class on the machines we measure, and this package
has some fifty-five, so a fifth of a `codesign render` process went on it. A record shares one equality,
hash, ordering and repr between every record class, reading the fields from a tuple of names, and reads
its fields itself. Its `__init__` is written as dataclasses writes it, but later and together: a class
starts with a stand-in, and the first time any record is made, the `__init__` of every record class
declared so far is written in one source text and compiled once (a compile for each class cost four
times as much), then each class's stand-in is replaced. A class that is never made in a run costs next
to nothing.

Equality, hashing and ordering work as the dataclass's would (fields in order, those with `compare=False`
left out). What `frozen` adds is the hash; a record does not stop a field being set after it is made, so
treat a frozen record as read-only, as before. `dataclasses.fields`, `dataclasses.replace` and
`dataclasses.is_dataclass` work on records as on dataclasses. A class whose annotations name ClassVar,
InitVar or KW_ONLY, or that extends a dataclass that is not a record, is made by dataclasses itself.
"""

from __future__ import annotations

import dataclasses
import re
import threading
from dataclasses import MISSING, Field
from operator import attrgetter
from types import MemberDescriptorType
from typing import Any, Callable, cast, dataclass_transform


@dataclass_transform(field_specifiers=(dataclasses.field, dataclasses.Field))
def record(cls: type | None = None, /, *, frozen: bool = False, order: bool = False) -> Any:
    """Use as `@record` or `@record(frozen=True, order=True)`, with `dataclasses.field` as usual."""

    def wrap(cls: Any) -> Any:  # the class, given its fields and the shared methods below
        fields = _fields(cls)
        if fields is None:  # a kind of class dataclasses knows best: it makes it, __init__ and all
            cls = dataclasses.dataclass(cls, eq=False, repr=False)
            fields = list(dataclasses.fields(cls))
        else:
            _declare(cls, fields)
        compared = tuple(f.name for f in fields if f.compare)
        key = _key(compared)
        cls._record_key = staticmethod(key)
        cls._record_repr = tuple(f.name for f in fields if f.repr)
        cls.__eq__ = _eq
        cls.__repr__ = _repr
        # as a dataclass: hashable by value when frozen, not hashable when its fields may change
        cls.__hash__ = _hash if frozen else None
        if order:
            cls.__lt__, cls.__le__, cls.__gt__, cls.__ge__ = _lt, _le, _gt, _ge
        return cls

    return wrap if cls is None else wrap(cls)


# Annotations (text, as `from __future__ import annotations` leaves them) that are not plain fields.
_SPECIAL = re.compile(r"\b(?:ClassVar|InitVar|KW_ONLY)\b")


def _fields(cls: Any) -> list[Field] | None:
    """The class's fields as dataclasses would find them, its own after its bases'; None when the class
    has annotations that are not plain fields, or a base that is a dataclass but not a record."""
    found: dict[str, Field] = {}
    for base in cls.__mro__[-1:0:-1]:
        inherited = base.__dict__.get("__dataclass_fields__")
        if inherited is not None:
            if "_record_key" not in base.__dict__:
                return None
            found.update(inherited)
    annotations = cls.__dict__.get("__annotations__", {})
    for name, kind in annotations.items():
        if type(kind) is not str or _SPECIAL.search(kind):
            return None
    for name, kind in annotations.items():
        default = getattr(cls, name, MISSING)
        if isinstance(default, Field):
            made = default
            if made.default is MISSING:  # as dataclasses leaves it: the default, or no class attribute
                delattr(cls, name)
            else:
                setattr(cls, name, made.default)
        else:
            if isinstance(default, MemberDescriptorType):
                default = MISSING
            made = cast(Field, dataclasses.field(default=cast(Any, default)))
        made.name, made.type, made._field_type = name, kind, _FIELD  # type: ignore[attr-defined]
        if made.kw_only is MISSING:
            made.kw_only = False
        if made.default.__class__.__hash__ is None:
            raise ValueError(f"mutable default {type(made.default)} for field {name} is not allowed:"
                             " use default_factory")
        found[name] = made
    for name, value in cls.__dict__.items():
        if isinstance(value, Field) and name not in annotations:
            raise TypeError(f"{name!r} is a field but has no type annotation")
    seen_default = False
    for made in found.values():
        if made.init and not made.kw_only:
            if made.default is not MISSING or made.default_factory is not MISSING:
                seen_default = True
            elif seen_default:
                raise TypeError(f"non-default argument {made.name!r} follows default argument")
    return list(found.values())


_FIELD = dataclasses._FIELD  # type: ignore[attr-defined]  # what dataclasses.fields() lists


@dataclasses.dataclass(eq=False, repr=False)
class _Params:
    """Only for its __dataclass_params__: those of a class made as dataclass(eq=False, repr=False)."""


_PARAMS = _Params.__dataclass_params__  # type: ignore[attr-defined]

# Classes declared whose __init__ is not yet written, and the lock for writing them.
_waiting: list[tuple[Any, list[Field]]] = []
_writing = threading.RLock()


def _declare(cls: Any, fields: list[Field]) -> None:
    """Mark the class as dataclasses would, and give it a stand-in __init__ until its own is written."""
    cls.__dataclass_fields__ = {f.name: f for f in fields}
    cls.__dataclass_params__ = _PARAMS
    if "__match_args__" not in cls.__dict__:
        setattr(cls, "__match_args__", tuple(f.name for f in fields if f.init and not f.kw_only))

    def __init__(*args: Any, **kwargs: Any) -> None:  # the instance is args[0]: a field may be called self
        _write_waiting()
        written = cls.__dict__["__init__"]
        if written is __init__:
            raise RuntimeError(f"no __init__ was written for {cls.__qualname__}")
        written(*args, **kwargs)

    __init__.__qualname__ = f"{cls.__qualname__}.__init__"
    __init__.__module__ = cls.__module__
    with _writing:
        cls.__init__ = __init__
        _waiting.append((cls, fields))


def _write_waiting() -> None:
    """Write the __init__ of every class waiting, in one source text compiled once."""
    with _writing:
        if not _waiting:
            return
        texts, values = [], {"__record_missing__": _HAS_DEFAULT_FACTORY}
        for number, (cls, fields) in enumerate(_waiting):
            texts.append(_init_text(number, cls, fields, values))
        namespace: dict[str, Any] = {"__builtins__": __builtins__, **values}
        exec("".join(texts), namespace)  # noqa: S102 - text written here, from field names alone
        for number, (cls, fields) in enumerate(_waiting):
            init = namespace[f"__record_init_{number}"]
            init.__qualname__ = f"{cls.__qualname__}.__init__"
            init.__module__ = cls.__module__
            init.__annotations__ = {**{f.name: f.type for f in fields if f.init}, "return": None}
            cls.__init__ = init
        _waiting.clear()


_HAS_DEFAULT_FACTORY = dataclasses._HAS_DEFAULT_FACTORY  # type: ignore[attr-defined]


def _init_text(number: int, cls: Any, fields: list[Field], values: dict[str, Any]) -> str:
    """The source of one class's __init__, as dataclasses writes it (for a class that is not frozen and
    has no slots); the defaults and factories it names are added to `values`."""
    self = "__record_self__" if any(f.name == "self" for f in fields) else "self"
    positional: list[str] = []
    keywords: list[str] = []
    body: list[str] = []
    for index, made in enumerate(fields):
        name, default = made.name, f"__record_{number}_{index}__"
        if made.default_factory is not MISSING:
            values[default] = made.default_factory
            if made.init:
                parameter = f"{name}=__record_missing__"
                body.append(f"  {self}.{name} = {default}() if {name} is __record_missing__ else {name}\n")
            else:
                body.append(f"  {self}.{name} = {default}()\n")
        elif made.init:
            if made.default is MISSING:
                parameter = name
            else:
                values[default] = made.default
                parameter = f"{name}={default}"
            body.append(f"  {self}.{name} = {name}\n")
        # a field not in __init__ with a plain default is read from the class, as from a dataclass
        if made.init:
            (keywords if made.kw_only else positional).append(parameter)
    if hasattr(cls, "__post_init__"):
        body.append(f"  {self}.__post_init__()\n")
    parameters = ", ".join([self, *positional, *(["*", *keywords] if keywords else [])])
    return f"def __record_init_{number}({parameters}):\n" + ("".join(body) or "  pass\n")


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
