"""Reading a room's answers files and saved sessions from files and folders, counting each one that fits
its flow and listing every other file with the reason it was skipped."""

from __future__ import annotations

import contextlib
import errno
import gc
import os
from pathlib import Path
from typing import Callable, Iterable, Iterator

from ..flow.answers import AnswersFile, check_answers, fit_answers, read_answers
from ..flow.engine import evaluate
from ..flow.model import Flow
from ..flow.problems import FlowError, Problems, display_path
from .model import Case, Cohort, Skipped, Tally

SUFFIXES = (".yaml", ".yml")
ROOM_INDEX = ".room.json"  # a room's index (room/seats.py), which says whether the room was revealed
ROUND = "round-"  # a round of a room: DIR/round-1, DIR/round-2, each read as a room is


def case_of(flow: Flow, example) -> Case:
    """A worked example (flow/examples.py) as a case to compare a room with: its answers checked against the
    flow as any answers are (what no longer fits is left out) and what the engine gives for them."""
    answers = fit_answers(flow, AnswersFile(flow.id, dict(example.answers))).answers
    return Case(example.name, example.title, answers, evaluate(flow, answers))


def revealed(paths: Iterable[Path | str]) -> bool:
    """Whether the recommendation may be shown for these answers: each path is a room (or a round of one,
    DIR/round-N) whose index says it was revealed. Anything else (a folder of collected answers, a file)
    waits for the trainer to reveal it. An index that cannot be read reveals nothing."""
    found = False
    for path in map(Path, paths):
        index, number = path / ROOM_INDEX, 0
        if not index.is_file() and path.name.startswith(ROUND) and path.name[len(ROUND):].isdigit():
            index, number = path.parent / ROOM_INDEX, int(path.name[len(ROUND):])
        data = _room_index(index)
        if data is None:
            return False
        if number:
            rounds = data.get("rounds")
            state = next((r for r in rounds if isinstance(r, dict) and r.get("number") == number), None) \
                if isinstance(rounds, list) else None
            if not (state and state.get("revealed") is True):
                return False
        elif data.get("revealed") is not True:
            return False
        found = True
    return found


def _room_index(index: Path) -> dict | None:
    """A room's index as data, or None when it cannot be read (bounded: an index is a few kilobytes)."""
    import json

    try:
        with open(index, "rb") as file:
            data = json.loads(file.read(1_000_000).decode("utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def current_round(folder: Path) -> tuple[Path, list[int]] | None:
    """A room folder whose trainer started a second round: its current round's folder (DIR/round-N, as the
    room's index says, or the highest-numbered one when the index cannot be read) and every round's number.
    None for any other path. Reading the whole folder would count each seat once a round."""
    try:
        numbers = sorted(int(entry.name[len(ROUND):]) for entry in os.scandir(folder)
                         if entry.name.startswith(ROUND) and entry.name[len(ROUND):].isdigit()
                         and len(entry.name) < len(ROUND) + 7 and entry.is_dir())
    except OSError:
        return None
    if not numbers:
        return None
    number = (_room_index(folder / ROOM_INDEX) or {}).get("round")
    if not (isinstance(number, int) and number in numbers):
        number = numbers[-1]
    return folder / f"{ROUND}{number}", numbers


def build_cohort(paths: Iterable[Path | str], flow: Flow | None = None,
                 find_flow: Callable[[str], Flow] | None = None, case: Case | None = None) -> Cohort:
    """Count every answers file (or saved session) in `paths`, files or folders read recursively.

    Without `flow`, each flow the files answer is counted separately, the flow found by its id among the
    shipped flows (or by `find_flow`, which raises LookupError for an id it does not know). With `flow`,
    only its answer sets count and files for any other flow are skipped. A file that cannot be counted is
    listed in `skipped` with the reason; it never stops the others. With `case` (and its `flow`), the room
    is compared with it too (FlowCohort.case).
    """
    cohort = Cohort()
    tallies: dict[str, Tally] = {}
    if case is not None:
        if flow is None:
            raise ValueError("comparing with a case needs its flow")
        tallies[flow.id] = Tally(flow, case)
    read = []
    for path in map(Path, paths):
        rounds = current_round(path)
        if rounds is not None:  # a room of rounds: its current round, as the trainer's page reports it
            path, numbers = rounds
            earlier = [n for n in numbers if str(n) != path.name[len(ROUND):]]
            cohort.rounds.append(
                f"{display_path(path.parent)} is a room of {len(numbers)} rounds: this report reads the current"
                f" one, {display_path(path)}, alone (each seat answered once a round)"
                + (f"; give {display_path(path.parent / f'{ROUND}{earlier[0]}')} for"
                   f" round {earlier[0]}." if earlier else "."))
        read.append(path)
    paths = read
    flows = _FlowFinder(flow, find_flow or _shipped_flow)
    sessions: dict[tuple[str, str], str] = {}  # (flow, session id) -> the file counted for it
    with _no_cycle_collection():
        for path, reason in _files(paths):
            cohort.files += 1
            if not reason:
                try:
                    reason = _count(path, flows, tallies, sessions, cohort.set_aside)
                except Exception as error:  # noqa: BLE001 - one unreadable file must never stop the report
                    reason = f"could not be read ({type(error).__name__}: {error})"
            if reason:
                cohort.skipped.append(Skipped(display_path(path), reason))
    cohort.flows = sorted((tally.finish() for tally in tallies.values() if tally.answer_sets),
                          key=lambda f: (-f.answer_sets, f.flow.id))
    return cohort


def _count(path: Path, flows: "_FlowFinder", tallies: dict[str, Tally], sessions: dict[tuple[str, str], str],
           set_aside: list) -> str:
    """Count one file, or say why it cannot be counted."""
    problems = Problems()
    given = read_answers(path, problems)
    if given is None or problems.errors:
        return _first(problems, "it is not an answers file")
    flow, why_not = flows.get(given.flow)
    key = flow.id if flow is not None else ""
    if flow is None and flows.only is None and given.flow_fingerprint:
        # a flow of one's own: the very flow the session recorded, kept beside it or in the data folder
        flow = _kept_flow(path, given)
        if flow is None:
            return why_not
        key = f"{flow.id} {given.flow_fingerprint}"
    if flow is None:
        return why_not
    if given.session_id:
        # a saved session copied beside its collected file, say: one person, counted once
        first = sessions.setdefault((flow.id, given.session_id), display_path(path))
        if first != display_path(path):
            return f"the same session ({given.session_id}) as {first}, which is counted"
    # A blank answer is a question not answered yet, not a mistake: partial answer sets count.
    given.answers = {key: value for key, value in given.answers.items() if value is not None}
    fitted = fit_answers(flow, given) if given.flow == flow.id else None
    answers = check_answers(flow, given, problems, partial=True, fitted=fitted)
    if problems.errors:
        return _first(problems, "its answers do not fit the flow")
    if given.answers and not answers and problems.warnings:
        return _first(problems, "none of its answers fit the flow", "warning")
    set_aside.extend(problems.warnings)  # answers that do not fit are left out of the count, and named
    tally = tallies.get(key)
    if tally is None:
        tally = tallies[key] = Tally(flow)
    # a seat's place in the numbering is needed only to compare seats with a case
    seat = (given.seat, given.created, str(path)) if tally.case is not None else (0, "", "")
    tally.add(evaluate(flow, answers), seat, fitted.set_aside if fitted is not None else None)
    return ""


@contextlib.contextmanager
def _no_cycle_collection():
    """Counting makes many short-lived objects (each file's YAML nodes) and no reference cycles, so the
    cycle collector only slows it down, as in the flow loader (by about 10% on 10,000 files). The switch is
    process-wide, so an app counting in a worker thread collects its cycles once the count is done."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _first(problems: Problems, fallback: str, severity: str = "error") -> str:
    found = [p for p in problems.items if p.severity == severity]
    if not found:
        return fallback
    first = found[0]
    text = (f"{fallback}: " if severity != "error" else "") + f"line {first.line}: {first.message}" + (
        f" ({first.hint})" if first.hint else "")
    more = problems.count(severity) - 1  # those past the first few hundred are counted, not listed
    return text + (f"; and {more:,} more problem{'s' if more > 1 else ''}" if more else "")


class _FlowFinder:
    """The flow for each id, loaded once; an id that cannot be used gives the reason instead."""

    def __init__(self, only: Flow | None, find: Callable[[str], Flow]):
        self.only = only
        self.find = find
        self.found: dict[str, tuple[Flow | None, str]] = {}

    def get(self, flow_id: str) -> tuple[Flow | None, str]:
        if self.only is not None:
            if flow_id == self.only.id:
                return self.only, ""
            return None, f"answers flow {flow_id!r}, not {self.only.id!r}"
        if flow_id not in self.found:
            self.found[flow_id] = self._load(flow_id)
        return self.found[flow_id]

    def _load(self, flow_id: str) -> tuple[Flow | None, str]:
        try:
            return self.find(flow_id), ""
        except LookupError:
            return None, (f"answers flow {flow_id!r}, which is not a shipped flow; give its flow file"
                          " with --flow PATH")
        except FlowError as error:
            count = len(error.problems.errors)
            return None, (f"answers flow {flow_id!r}, whose flow file has {count} problem"
                          f"{'s' if count != 1 else ''}; run `codesign validate` on it")


def _kept_flow(path: Path, given) -> Flow | None:
    """The flow a file recorded by its fingerprint, kept beside it (a room's folder), beside the folder of
    saved sessions it is in, or in the data folder; only a kept copy named by its fingerprint is read."""
    from ..flow.versions import kept
    from ..sessions import data_folder

    folder = path.resolve().parent
    return kept([folder / ".flows", folder.parent / "flows", data_folder() / "flows"], given.flow,
                given.flow_fingerprint)


def _shipped_flow(flow_id: str) -> Flow:
    """A shipped flow by id. Only ids are looked up: a path written in someone's answers file is never
    opened as a flow."""
    from ..flow.loader import load_flow
    from ..resources import shipped_flows

    for path in shipped_flows():
        if path.stem == flow_id:
            return load_flow(path)
    raise LookupError(flow_id)


def _files(paths: Iterable[Path | str]) -> Iterator[tuple[Path, str]]:
    """Each file to read, once, with a reason when it is to be skipped unread. A file named on the command
    line is always read; in a folder only .yaml and .yml files are, and hidden files and folders (such as
    a half-written `.name.part`) are passed over. A folder reached a second time (a link back to a folder
    above it, say) is read once."""
    seen: set[tuple[int, int]] = set()
    folders: set[tuple[int, int]] = set()

    def once(stat: os.stat_result) -> bool:
        key = (stat.st_dev, stat.st_ino)  # the same file reached twice, by any name
        if key in seen:
            return False
        seen.add(key)
        return True

    for path in map(Path, paths):
        try:
            stat = path.stat()
        except OSError as error:
            yield path, _why_not(error, "no such file or folder")
            continue
        if path.is_dir():
            yield from _walk(path, once, folders)
        elif once(stat):
            yield path, "" if path.is_file() else "not an ordinary file"


def _why_not(error: OSError, fallback: str) -> str:
    if error.errno == errno.ELOOP:
        return "a loop of symbolic links; nothing to read"
    if error.errno == errno.ENOENT:
        return fallback
    return f"cannot read it: {error.strerror or error}"


def _walk(folder: Path, once: Callable[[os.stat_result], bool],
          folders: set[tuple[int, int]]) -> Iterator[tuple[Path, str]]:
    """The files below `folder`, in name order, folders after the files beside them; each folder once,
    by a loop of its own: a deep tree does not reach Python's recursion limit."""
    pending = [folder]
    while pending:
        current = pending.pop()
        try:
            status = current.stat()
        except OSError as error:
            yield current, _why_not(error, "no such folder")
            continue
        key = (status.st_dev, status.st_ino)
        if key in folders:
            if current != folder:
                yield current, "a link to a folder already read (a loop); read once"
            continue
        folders.add(key)
        try:
            with os.scandir(current) as scan:
                entries = sorted(scan, key=lambda e: e.name)
        except OSError as error:
            yield current, f"cannot read the folder: {error.strerror or error}"
            continue
        below = []
        for entry in entries:
            # hidden files (a half-written file, a room's index and kept flows) and the originals `codesign
            # migrate` keeps (NAME.v2.0.bak) are passed over without a word
            if entry.name.startswith(".") or entry.name.endswith(".bak"):
                continue
            path = Path(entry.path)
            try:
                if entry.is_dir():
                    below.append(path)
                    continue
                stat = entry.stat()
            except OSError as error:
                yield path, _why_not(error, "no such file")
                continue
            if not once(stat):
                continue
            if not entry.name.lower().endswith(SUFFIXES):
                yield path, "not a .yaml or .yml file"
            elif not entry.is_file():
                yield path, "not an ordinary file"
            else:
                yield path, ""
        pending.extend(reversed(below))
