"""Parsed flows kept between runs, so that a command need not read and check the same YAML every time.

Reading the engagement-plan flow (three files and its worked examples) and checking it took a quarter of a
`codesign render` command's own time. A flow that loaded without errors is kept, as plain JSON data (the
model's records, its expressions as the text they were written in), in our cache folder (CODESIGN_CACHE_DIR,
or the user's cache folder), in a folder only this user can open. An entry is found by the SHA-256 of the
flow file's bytes, the loader's version, the shape of the model and the names the file was reached by
(places in messages are shown relative to the current folder); it is used only when every file the flow was
read from (the files it includes, its tests file, or that there was none) is byte for byte as it was, and
only after its own checksum and every record in it are found sound. Anything else (a changed file, an entry
damaged, cut short or written by a different version, a folder that is not the user's alone) is ignored: the
flow is read from its YAML and the entry written again. The flow's fingerprint (flow/versions.py) is kept
with it, and used while the code that worked it out is byte for byte the same.
"""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import hashlib
import json
import os
from pathlib import Path
from typing import Any, Iterator

from .expressions import Expression
from .model import (Action, Branch, CallsFor, Condition, Example, Flag, FlagAddition, Floor, Flow, Level, Migration,
                    Option, Place, Question, Reading, RecordField, Requirement, Section, Source, Term)

ENTRIES = 100  # flows kept; older entries are removed beyond this
_RECORDS = (Place, Condition, Option, Action, RecordField, Question, Branch, Section, Source, Level, CallsFor,
            Floor, Requirement, FlagAddition, Flag, Term, Reading, Example, Migration, Flow)
_CLASSES = {cls.__name__: cls for cls in _RECORDS}
_FIELDS = {cls: tuple(f.name for f in dataclasses.fields(cls)) for cls in _RECORDS}
_EXAMPLES = 2 + _FIELDS[Flow].index("examples")  # where a flow's worked examples are in its entry

# What the loader read while it loaded a flow: [name as given, the file it is, its SHA-256], with "" for a
# link that must still lead to the same file, and None for a file that must still not exist (a tests file).
_READ: contextvars.ContextVar[list[list[Any]] | None] = contextvars.ContextVar("flow_files_read", default=None)


class Unkept(Exception):
    """A value the cache cannot hold, or an entry it cannot trust."""


def reading(path: Path, raw: bytes) -> None:
    """The loader read `raw` from `path` (while a flow is being recorded)."""
    seen = _READ.get()
    if seen is not None:
        seen.append([str(path), os.path.realpath(path), hashlib.sha256(raw).hexdigest()])


def linked(named: Path, target: Path) -> None:
    """An include named `named`, which leads to `target`."""
    seen = _READ.get()
    if seen is not None:
        seen.append([str(named), str(target), ""])


def absent(path: Path) -> None:
    """A file the loader looked for and did not find (a flow's tests file)."""
    seen = _READ.get()
    if seen is not None:
        seen.append([str(path), "", None])


@contextlib.contextmanager
def recording() -> Iterator[list[list[Any]]]:
    """The files read while loading a flow, as `reading`, `linked` and `absent` report them."""
    seen: list[list[Any]] = []
    token = _READ.set(seen)
    try:
        yield seen
    finally:
        _READ.reset(token)


def folder() -> Path | None:
    """The cache folder for flows, made if need be; None when there is none this user alone can use."""
    from .catalogue import cache_folder

    return cache_folder("flows")


def key(path: Path, raw: bytes, version: int) -> str:
    """The name of a flow's entry."""
    from .problems import display_path

    try:
        here = os.getcwd()
    except OSError:
        here = ""
    parts = [str(version), _schema(), here, str(path), os.path.abspath(path), display_path(path),
             hashlib.sha256(raw).hexdigest()]
    return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogateescape")).hexdigest()


def _schema() -> str:
    """The model's records and their fields, and the package's version: an entry written for another shape of
    the model is not found."""
    from .. import __version__

    return __version__ + ";" + ";".join(f"{cls.__name__}:{','.join(names)}" for cls, names in _FIELDS.items())


def load(place: Path, name: str, examples: bool = True) -> Flow | None:
    """The flow kept under `name`, when the entry is sound and every file it was read from is unchanged.
    Without `examples`, its worked examples are left unread (a third of the time): for a command that never
    runs them, such as `render` (they were checked when the flow was first read, and passed)."""
    try:
        text = (place / f"{name}.json").read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    try:
        digest, _, body = text.partition("\n")
        if hashlib.sha256(body.encode("utf-8")).hexdigest() != digest:
            raise Unkept("the entry is damaged")
        entry = json.loads(body)
        if not isinstance(entry, dict) or set(entry) != {"files", "paths", "flow", "fingerprint"} or \
                not isinstance(entry["files"], list) or not isinstance(entry["paths"], list) or \
                not all(type(path) is str for path in entry["paths"]):
            raise Unkept("not an entry")
        if not all(_unchanged(file) for file in entry["files"]):
            return None
        encoded = entry["flow"]
        if not examples and type(encoded) is list and len(encoded) > _EXAMPLES and encoded[:2] == ["r", "Flow"]:
            encoded = [*encoded[:_EXAMPLES], ["t"], *encoded[_EXAMPLES + 1:]]
        flow = _Decoder(entry["paths"]).decode(encoded)
        if type(flow) is not Flow:
            raise Unkept("not a flow")
        made_by, fingerprint = entry["fingerprint"]
        if type(fingerprint) is str and len(fingerprint) == 64 and made_by and made_by == _fingerprinter():
            # what flow/versions.py would work out again (a tenth of this command's own time), by the same code
            flow._fingerprint = fingerprint  # type: ignore[attr-defined]
        return flow
    except (Unkept, ValueError, TypeError, KeyError, IndexError, AttributeError, RecursionError):
        return None
    except Exception:  # noqa: BLE001 - an expression that no longer parses, say: read the YAML instead
        return None


def keep(place: Path, name: str, flow: Flow, files: list[list[Any]]) -> None:
    """Keep a flow that loaded without errors; quietly nothing when it cannot be kept."""
    try:
        paths: dict[str, int] = {}
        encoded = _encode(flow, paths)
        from .versions import fingerprint

        made_by = _fingerprinter()
        body = json.dumps({"files": files, "paths": list(paths), "flow": encoded,
                           "fingerprint": [made_by, fingerprint(flow) if made_by else ""]},
                          ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    except (Unkept, ValueError, TypeError, RecursionError):
        return
    data = (hashlib.sha256(body.encode("utf-8")).hexdigest() + "\n" + body).encode("utf-8")
    import tempfile

    temporary = ""
    try:
        _prune(place)
        handle, temporary = tempfile.mkstemp(dir=place, prefix=".", suffix=".tmp")  # new, and the user's alone
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, place / f"{name}.json")
    except OSError:
        if temporary:
            with contextlib.suppress(OSError):
                os.unlink(temporary)


def _fingerprinter() -> str:
    """The SHA-256 of flow/versions.py, which works out a flow's fingerprint from the model alone: a fingerprint
    kept with a flow is used only while that code is byte for byte the code that worked it out ("" when it
    cannot be read, and then none is kept)."""
    from . import versions

    try:
        return hashlib.sha256(Path(versions.__file__).read_bytes()).hexdigest()
    except (OSError, TypeError):
        return ""


def _unchanged(file: Any) -> bool:
    if not isinstance(file, list) or len(file) != 3 or not isinstance(file[0], str):
        raise Unkept("not a file")
    named, real, sha = file
    if sha is None:  # a file that was not there
        return not os.path.lexists(named)
    if not isinstance(real, str) or not isinstance(sha, str) or os.path.realpath(named) != real:
        return False
    if sha == "":  # a link, still to the same file
        return True
    from .document import MAX_BYTES, Unreadable, read_regular_file

    try:
        return hashlib.sha256(read_regular_file(Path(real), MAX_BYTES)).hexdigest() == sha
    except Unreadable:
        return False


def _prune(place: Path) -> None:
    with os.scandir(place) as scan:
        entries = [entry for entry in scan if entry.name.endswith(".json") and entry.is_file()]
    if len(entries) < ENTRIES:
        return
    entries.sort(key=lambda entry: entry.stat().st_mtime, reverse=True)
    for entry in entries[ENTRIES // 2:]:
        with contextlib.suppress(OSError):
            os.unlink(entry.path)


# A value as JSON: text, numbers, true/false and null as themselves; everything else a list whose first item
# says what it is: ["t", ...] a tuple, ["l", ...] a list, ["d", key, value, ...] a dict (keys need not be
# text), ["e", text] an expression, ["p", path, line, column, style, end line, end column] a place (its path
# a number in the entry's list of paths: a flow has thousands of places in a few files), ["r", name, field,
# ...] another of the model's records.

def _encode(value: Any, paths: dict[str, int]) -> Any:
    kind = type(value)
    if value is None or kind is str or kind is bool or kind is int or kind is float:
        return value
    if kind is tuple:
        return ["t", *[_encode(item, paths) for item in value]]
    if kind is list:
        return ["l", *[_encode(item, paths) for item in value]]
    if kind is dict:
        out: list[Any] = ["d"]
        for item_key, item in value.items():
            out.append(_encode(item_key, paths))
            out.append(_encode(item, paths))
        return out
    if kind is Expression:
        return ["e", value.text]
    if kind is Place:
        number = paths.setdefault(value.path, len(paths))
        return ["p", number, value.line, value.column, value.style, value.end_line, value.end_column]
    names = _FIELDS.get(kind)
    if names is None:
        raise Unkept(f"a {kind.__name__} in a flow")
    return ["r", kind.__name__, *[_encode(getattr(value, name), paths) for name in names]]


class _Decoder:
    """Turns an entry's JSON back into the model, refusing anything that is not what _encode writes."""

    def __init__(self, paths: list[str]):
        self.paths = paths
        self.expressions: dict[str, Expression] = {}

    def decode(self, value: Any) -> Any:
        kind = type(value)
        if value is None or kind is str or kind is bool or kind is int or kind is float:
            return value
        if kind is not list or not value:
            raise Unkept("not a value")
        tag = value[0]
        decode = self.decode
        if tag == "p":
            _, number, line, column, style, end_line, end_column = value
            if not (type(line) is int and type(column) is int and type(style) is str and type(end_line) is int
                    and type(end_column) is int):
                raise Unkept("not a place")
            return Place(self.paths[number], line, column, style, end_line, end_column)
        if tag == "r":
            cls = _CLASSES[value[1]]
            if len(value) - 2 != len(_FIELDS[cls]):
                raise Unkept(f"a {cls.__name__} with other fields")
            return cls(*[item if type(item) is not list else decode(item) for item in value[2:]])
        if tag == "t":
            return tuple([item if type(item) is not list else decode(item) for item in value[1:]])
        if tag == "l":
            return [item if type(item) is not list else decode(item) for item in value[1:]]
        if tag == "d":
            if len(value) % 2 != 1:
                raise Unkept("a dict cut short")
            keys, items = value[1::2], value[2::2]
            return {key if type(key) is str else decode(key): item if type(item) is not list else decode(item)
                    for key, item in zip(keys, items)}
        if tag == "e" and len(value) == 2 and type(value[1]) is str:
            text = value[1]
            found = self.expressions.get(text)
            if found is None:
                found = self.expressions[text] = Expression.parse(text)
            return found
        raise Unkept("not a value")
