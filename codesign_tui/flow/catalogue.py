"""The shipped flows in brief, for the home screen, kept in a small cache between runs.

Listing five flows meant reading and checking every one of them (with the YAML and model code that
takes) before the first screen could be drawn: about a tenth of the start-up time. The cache keeps
each flow's id, title, summary and questions, keyed by the size and modification time of the flow file
and of every file it includes, so an edited flow is read afresh. A flow with errors is left off the
list, as before. Without a usable cache folder every start reads the flows, as it used to.

The shipped flows also come with their entries worked out (`flows/catalogue.json`, written by
`python -m codesign_tui.flow.catalogue`), each with a SHA-256 of the flow and of every file it includes: the
first start checks those instead of reading the YAML and checking the flows (about 70 ms, a fifth of a start).
A flow edited since is read as before; tests/unit/test_catalogue.py keeps the shipped file up to date.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, NamedTuple

VERSION = 3  # 2: questions are the longest path's, not every question in the flow; 3: and whether exact
SHIPPED = "catalogue.json"  # beside the shipped flows: their entries, worked out before they were shipped


class FlowEntry(NamedTuple):
    """A flow as the home screen lists it."""

    id: str
    title: str
    summary: str
    questions: int  # at most, on the longest path
    exact: bool  # every path asks that many
    text_questions: tuple[str, ...]  # free-text questions, whose answers name a saved session
    path: str


def minutes(questions: int) -> int:
    """About how long that many questions take: 25 seconds each, from trying the shipped flows."""
    return max(1, round(questions * 25 / 60))


def how_long(questions: int, exact: bool) -> str:
    """ "Up to 27 questions, about 11 minutes.": what the home screen and plain mode say before starting."""
    return f"{'' if exact else 'Up to '}{questions} questions, about {minutes(questions)} minutes."


def cache_file() -> Path | None:
    """Where the catalogue is kept: CODESIGN_CACHE_DIR, or the user's cache folder."""
    override = os.environ.get("CODESIGN_CACHE_DIR")
    if override:
        return Path(override) / "catalogue.json"
    folder = _linux_cache_folder()
    if folder is None:
        try:
            from platformdirs import user_cache_dir
        except ImportError:
            return None
        folder = user_cache_dir("codesign-tui", appauthor=False)
    return Path(folder) / "catalogue.json"


def _linux_cache_folder() -> str | None:
    """The user's cache folder as platformdirs finds it on Linux, in the two cases where every version we
    allow (3.6 to 4.x) finds it alike: $XDG_CACHE_HOME/codesign-tui when that is an absolute path, and
    ~/.cache/codesign-tui when XDG_CACHE_HOME is unset or empty and HOME is an absolute path. Importing
    platformdirs took two percent of a `codesign render` command. Anything else (another system, Android, a
    relative path): None, and platformdirs decides. tests/unit/test_catalogue.py holds the two to the same."""
    import sys

    if not sys.platform.startswith("linux") or "ANDROID_DATA" in os.environ or "ANDROID_ROOT" in os.environ:
        return None
    given = os.environ.get("XDG_CACHE_HOME", "")
    if given:
        return os.path.join(given, "codesign-tui") if given.startswith("/") else None
    home = os.environ.get("HOME", "")
    return os.path.join(os.path.expanduser("~/.cache"), "codesign-tui") if home.startswith("/") else None


def cache_folder(name: str) -> Path | None:
    """A folder of the cache beside the catalogue (compiled templates, kept flows), made if need be; None when
    there is no cache folder this user alone can use: someone else's folder, or one others can open, is
    neither trusted nor written to."""
    from ..portable import only_mine

    where = cache_file()
    if where is None:
        return None
    place = where.parent / name
    try:
        place.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not only_mine(place.stat()):
            return None
    except (OSError, RuntimeError):
        return None
    return place


def _stamp(path: str) -> list[int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return [info.st_size, info.st_mtime_ns]


def catalogue(paths: list[Path], cache: Path | None = None) -> list[FlowEntry]:
    """An entry for each flow in `paths` that loads without errors, from the cache where it is fresh."""
    known = _read(cache) if cache is not None else {}
    entries: list[FlowEntry] = []
    changed = False
    for path in paths:
        key = str(path)
        hit = known.get(key)
        if hit is None or any(_stamp(name) != stamp for name, stamp in hit["files"].items()):
            hit = _shipped(path) or _describe(path)
            known[key] = hit
            changed = True
        if hit["entry"] is not None:
            entry = hit["entry"]
            entries.append(FlowEntry(entry["id"], entry["title"], entry["summary"], entry["questions"],
                                     entry["exact"], tuple(entry["text_questions"]), key))
    if changed and cache is not None:
        _write(cache, {k: v for k, v in known.items() if k in {str(p) for p in paths}})
    return entries


def _describe(path: Path) -> dict[str, Any]:
    """Read and check one flow; what the cache keeps of it."""
    from .engine import longest_path
    from .lint import lint
    from .loader import read_flow
    from .problems import Problems

    problems = Problems()
    flow = read_flow(path, problems)
    if flow is not None and not problems.errors:
        lint(flow, problems)
    files = {str(path)} | ({s.place.path for s in flow.sections if s.place.path} if flow is not None else set())
    stamps = {name: _stamp(name) for name in sorted(files)}
    if flow is None or problems.errors:
        return {"files": stamps, "entry": None}
    most, exact = longest_path(flow, {})
    return {"files": stamps, "entry": {
        "id": flow.id, "title": flow.title, "summary": flow.summary, "questions": most, "exact": exact,
        "text_questions": [q.id for q in flow.questions if q.kind == "text"]}}


def _shipped(path: Path) -> dict[str, Any] | None:
    """What the cache keeps of a flow, from the entries shipped beside it, when the flow and every file it
    includes are byte for byte as they were shipped; None otherwise."""
    import hashlib

    folder = Path(path).parent
    try:
        data = json.loads((folder / SHIPPED).read_text(encoding="utf-8"))
        hit = data["flows"][Path(path).name] if data.get("version") == VERSION else None
        if not isinstance(hit, dict) or not isinstance(hit.get("sha256"), dict) or not _valid(
                {"files": hit["sha256"], "entry": hit.get("entry")}):
            return None
        for name, digest in hit["sha256"].items():
            if hashlib.sha256((folder / name).read_bytes()).hexdigest() != digest:
                return None
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    return {"files": {str(folder / name): _stamp(str(folder / name)) for name in sorted(hit["sha256"])},
            "entry": hit["entry"]}


def shipped_listing(paths: list[Path]) -> dict[str, Any]:
    """The entries to ship beside the flows in `paths` (all in one folder), each with the SHA-256 of the
    files it was worked out from."""
    import hashlib

    flows = {}
    for path in paths:
        described = _describe(path)
        flows[path.name] = {
            "sha256": {os.path.relpath(name, path.parent): hashlib.sha256(Path(name).read_bytes()).hexdigest()
                       for name in sorted(described["files"])},
            "entry": described["entry"]}
    return {"version": VERSION, "flows": flows}


def _read(cache: Path) -> dict[str, Any]:
    try:
        data = json.loads(cache.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("version") != VERSION or not isinstance(data.get("flows"), dict):
        return {}
    return {key: value for key, value in data["flows"].items() if _valid(value)}


def _valid(value: Any) -> bool:
    """A cache entry of the shape `_describe` writes; anything else is read afresh."""
    if not isinstance(value, dict) or not isinstance(value.get("files"), dict) or "entry" not in value:
        return False
    entry = value["entry"]
    return entry is None or (isinstance(entry, dict) and all(isinstance(entry.get(k), str) for k in
                                                             ("id", "title", "summary"))
                             and isinstance(entry.get("questions"), int) and isinstance(entry.get("exact"), bool)
                             and isinstance(entry.get("text_questions"), list))


def _write(cache: Path, flows: dict[str, Any]) -> None:
    """Write the cache whole or not at all (a temporary file beside it, moved into place); a cache that cannot
    be written is no cache, and the next start reads the flows again. A torn one is read as damaged and
    rebuilt, so it needs no more care than this (nor the session files' writer in files.py)."""
    import tempfile

    temporary = ""
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{cache.name}.", suffix=".part", dir=cache.parent)
        with os.fdopen(handle, "wb") as out:
            out.write(json.dumps({"version": VERSION, "flows": flows}).encode("utf-8"))
        os.replace(temporary, cache)
    except OSError:
        if temporary:
            try:
                os.unlink(temporary)
            except OSError:
                pass


if __name__ == "__main__":
    # python -m codesign_tui.flow.catalogue: write the shipped flows' entries beside them, after editing a flow
    from ..resources import flows_dir, shipped_flows

    target = flows_dir() / SHIPPED
    target.write_text(json.dumps(shipped_listing(shipped_flows()), indent=1, ensure_ascii=False) + "\n",
                      encoding="utf-8")
    print(f"wrote {target}")
