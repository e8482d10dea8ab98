"""Saved sessions: one file a session, written after every answer and readable by its owner alone.

A saved session is an answers file plus a `session:` block (where the person was, what they typed and did
not send). Its file name is its identity: nothing inside the file ever builds a path. It is read by the
one reader of answers files, which keeps every place, and checked against the flow whenever it is loaded.
"""

from __future__ import annotations

import datetime as _dt
import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from .files import PRIVATE, ExportError, own_folder, private_folder, write_atomically
from .flow import StoreError  # the package alone: the home screen loads no flow module for it
from .records import record

if TYPE_CHECKING:  # the home screen lists sessions without loading flow code
    from .flow.answers import AnswersFile
    from .flow.conversation import Conversation
    from .flow.engine import Session
    from .flow.model import Flow

SUFFIX = ".session.yaml"


def data_folder() -> Path:
    """The user's data folder for codesign-tui (CODESIGN_DATA_DIR overrides it, for tests and kiosks):
    ~/.local/share/codesign-tui on Linux, ~/Library/Application Support/codesign-tui on macOS and
    %LOCALAPPDATA%\\codesign-tui on Windows. On Windows that folder is inside the user's own profile, which other
    users cannot read by default, and it is never the roaming profile, which would copy named people's
    details to a server."""
    override = os.environ.get("CODESIGN_DATA_DIR")
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_data_dir("codesign-tui", appauthor=False, roaming=False))


def now() -> str:
    return _dt.datetime.now().astimezone().isoformat(timespec="seconds")


def to_yaml(session: Session, updated: str = "") -> str:
    """The session as a hand-readable answers file. Figures that can be worked out (answered, complete)
    are not written: they would only be a claim the next reader has to check."""
    import yaml  # here, not at the top: the home screen with no saved sessions needs no YAML at all

    data = answers_data(session)
    meta: dict[str, Any] = {"id": session.name, "flow_path": session.flow_path, "cursor": session.cursor,
                            "created": session.created, "updated": updated or now()}
    drafts = {key: value for key, value in session.drafts.items() if value not in (None, "", {}, [])}
    if drafts:
        meta["drafts"] = drafts
    if session.plans:
        meta["plans"] = session.plans
    if session.seat:
        meta["seat"] = session.seat
    if session.example:
        meta["example"] = session.example
    data["session"] = meta
    return yaml.dump(data, Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper), sort_keys=False,
                     allow_unicode=True, width=100)


def answers_data(session: Session) -> dict[str, Any]:
    """What every answers file the product writes holds: the flow it was answered under (id, version and
    fingerprint), who and when, the answers, those set aside, and the recommendation last given (written
    only to compare with, when the flow changes)."""
    from .flow.versions import fingerprint

    data: dict[str, Any] = {"flow": session.flow.id, "flow_version": session.flow.version,
                            "flow_fingerprint": fingerprint(session.flow), "project": session.project,
                            "prepared_by": session.prepared_by}
    if session.voice:
        data["voice"] = session.voice
    if session.date:
        data["date"] = session.date
    data["answers"] = session.answers
    if session.unfit:
        data["set_aside"] = {key: _kept_aside(kept) for key, kept in session.unfit.items()}
    result = session.result(so_far=True)
    if result.decided and result.recommendation is not None:
        data["last_recommendation"] = result.recommendation.id
    return data


def _kept_aside(kept: Any) -> dict[str, Any]:
    out = {"answer": kept.answer, "reason": kept.said}
    if kept.dropped_in:
        out["dropped_in"] = kept.dropped_in
    return out


def answers_yaml(data: dict[str, Any]) -> str:
    import yaml

    return yaml.dump(data, Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper), sort_keys=False,
                     allow_unicode=True, width=100)


class NotSaved(ExportError, StoreError):
    """A session (or a file kept with the sessions) that could not be written: the store's error to the
    conversation, a file's error (ExportError) to the commands that write files."""


def session_bytes(session: Session) -> bytes:
    """The session's file as it would be written; NotSaved when it would be larger than the reader
    takes (one limit for both, so that nothing is saved that cannot be read back)."""
    from .flow.document import MAX_BYTES

    data = to_yaml(session).encode("utf-8")
    if len(data) > MAX_BYTES:
        raise NotSaved(f"the session would be {len(data):,} bytes, more than the {MAX_BYTES:,} a saved session"
                          " may hold; shorten the longest answer (what was saved before is kept)")
    return data


@record(frozen=True)
class Damaged:
    """A saved file that could not be read: where it was, where it was moved, and why."""

    name: str
    kept_as: str
    reason: str


@record
class Listed:
    """A saved session as the list of sessions shows it: its file and what it holds, worked out from the
    answers against the flow (never taken from figures in the file)."""

    name: str
    given: AnswersFile
    answered: int = 0
    progress: str = ""  # "3 of up to 26": the engine's count (Progress)
    complete: bool = False
    usable: bool = True  # false when its flow cannot be found

    @property
    def state(self) -> str:
        if not self.usable:
            return f"{self.answered} answers; its flow cannot be found"
        return "finished" if self.complete else f"{self.progress} answered"

    @property
    def flow(self) -> str:
        return self.given.flow

    @property
    def project(self) -> str:
        return self.given.project

    @property
    def updated(self) -> str:
        return self.given.updated


class SessionOpen(Exception):
    """The session is open in another window: its lock is held by another process."""


class SessionLock:
    """Holds one session for one process. The operating system lets go when the process ends, however it
    ends, so a killed app never leaves a session locked (`portable.hold`: flock, or msvcrt on Windows)."""

    def __init__(self, path: Path):
        from .portable import LOCK_FLAGS, hold

        self.path = path
        if path.is_symlink() or (path.exists() and not path.is_file()):
            raise ExportError(f"cannot hold the session: {path} should be an ordinary file; remove it and try"
                              " again")
        try:
            self.handle: int | None = os.open(path, LOCK_FLAGS, PRIVATE)
        except OSError as error:
            raise ExportError(f"cannot hold the session: {path}: {error.strerror or error}") from None
        try:
            hold(self.handle)
        except OSError:
            os.close(self.handle)
            self.handle = None
            raise SessionOpen(path.name) from None

    def release(self) -> None:
        if self.handle is not None:
            from .portable import let_go

            let_go(self.handle)
            self.handle = None


def when(stamp: str) -> str:
    """A saved time as people read it ("02 Dec 2026 12:21"), the same on the home screen and in
    `codesign sessions`."""
    try:
        moment = _dt.datetime.fromisoformat(stamp)
    except ValueError:
        return stamp or "unknown time"
    return moment.strftime("%d %b %Y %H:%M")


class SessionStore:
    """The folder of saved sessions: the one writer and reader of session files."""

    def __init__(self, folder: Path | None = None, kept: Path | None = None):
        # the user's data folder, when the sessions are in it: kept the user's alone too (a folder others can
        # write to lets them move the sessions folder aside and put their own in its place)
        self.home = None if folder else data_folder()
        self.folder = folder or data_folder() / "sessions"
        # the flows the sessions were answered under, one copy a fingerprint (flow/versions.py)
        self.kept = kept or self.folder.parent / "flows"
        self.kept_prints: set[str] = set()
        self.locks: dict[str, SessionLock] = {}
        # deferred writes (defer, flush): the latest bytes of each file, written at the next flush, one
        # write at a time for each file however many threads flush at once
        self.deferred = False
        self.waiting: dict[Path, bytes] = {}
        self.writing: dict[Path, threading.Lock] = {}

    def new(self, flow: Flow, flow_path: str = "", **about: Any) -> Session:
        """A new session under a name no other file has."""
        from .flow.engine import Session

        stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        # os.urandom is what the secrets module's token_hex reads; importing that module (and hashlib with
        # it) cost the start-up 1.4 ms
        name = f"{stamp}-{os.urandom(3).hex()}"
        while (self.folder / f"{name}{SUFFIX}").exists():
            name = f"{stamp}-{os.urandom(3).hex()}"
        return Session(flow, name=name, created=now(), flow_path=flow_path, **about)

    def copy(self, session: Session) -> Session:
        """A new session holding the same answers and drafts, saved into a file of its own."""
        return self.new(session.flow, session.flow_path, answers=session.answers, project=session.project,
                        prepared_by=session.prepared_by, drafts=session.drafts, unfit=session.unfit,
                        voice=session.voice, example=session.example)

    def path(self, name: str) -> Path:
        if not name or "/" in name or "\\" in name or name.startswith(".") or "\0" in name:
            raise KeyError(name)
        return self.folder / f"{name}{SUFFIX}"

    def own_folders(self) -> None:
        """The data folder and the sessions folder, each the user's alone (made, or tightened to 0700);
        ExportError when one belongs to someone else."""
        if self.home is not None:
            own_folder(self.home)
        own_folder(self.folder, "sessions folder")

    def text(self, session: Session) -> str:
        """The session as its file holds it (what `save` writes), for printing when it cannot be saved."""
        return to_yaml(session)

    def save(self, session: Session) -> Path:
        """Write the session into its own file, atomically, readable by its owner alone (or, while writes
        are deferred, hold it for the next flush); NotSaved when it cannot."""
        path = self.path(session.name)
        self.write(path, session_bytes(session))
        self.keep(session.flow)
        return path

    def write(self, path: Path, data: bytes) -> None:
        """Write a file of the sessions folder (a session, or a room's index) as a session is written: at
        once, or at the next flush while writes are deferred. NotSaved when it cannot be."""
        if self.deferred:
            self.waiting[path] = data
            return
        try:
            self.own_folders()
            write_atomically(path, data, force=True, mode=PRIVATE)
        except NotSaved:
            raise
        except ExportError as error:
            raise NotSaved(str(error)) from None

    def defer(self) -> None:
        """Hold every write from now on until `flush`: the room writes what one page changed together, in
        worker threads, before the page replies (writing a file safely waits for the disk)."""
        self.deferred = True

    def held(self) -> list[Path]:
        """The files waiting to be written."""
        return list(self.waiting)

    def write_held(self, path: Path) -> tuple[Path, StoreError] | None:
        """Write the latest bytes waiting for `path` (none when another flush wrote them first); the file
        and why, when it could not be written. Safe from several threads: one write a file at a time, and
        the later snapshot always lands last."""
        with self.writing.setdefault(path, threading.Lock()):
            data = self.waiting.pop(path, None)
            if data is None:
                return None
            try:
                self.own_folders()
                write_atomically(path, data, force=True, mode=PRIVATE)
            except ExportError as error:
                return path, NotSaved(str(error))
        return None

    def flush(self) -> list[tuple[Path, StoreError]]:
        """Write everything waiting, here and now; each file that could not be written, with why."""
        return [failed for path in self.held() if (failed := self.write_held(path)) is not None]

    def drop(self, name: str) -> None:
        """Forget a write waiting for the session `name` (the trainer freed its seat)."""
        self.waiting.pop(self.path(name), None)

    def put_aside(self, session: Session, ending: str) -> Path:
        """Keep the session as NAME.session.yaml + `ending`, out of every list and report, and remove its
        file; what it holds is never deleted. NotSaved when it cannot be."""
        self.drop(session.name)
        path = self.path(session.name)
        kept = path.with_name(path.name + ending)
        try:
            write_atomically(kept, to_yaml(session).encode("utf-8"), force=True, mode=PRIVATE)
            path.unlink(missing_ok=True)
        except ExportError as error:
            raise NotSaved(str(error)) from None
        except OSError as error:
            raise NotSaved(f"cannot remove {path}: {error.strerror or error}") from None
        return kept

    def keep(self, flow: Flow) -> None:
        """Keep a copy of the flow the sessions are answered under, once a fingerprint; a copy that cannot be
        written never stops an answer being saved (the flow's released versions remain)."""
        from .flow.versions import fingerprint

        printed = fingerprint(flow)
        if printed in self.kept_prints:
            return
        try:
            keep_flow(flow, self.kept)
        except OSError:
            return
        self.kept_prints.add(printed)

    def load(self, name: str) -> AnswersFile:
        """The saved session called `name`, read and checked for shape (not yet against its flow); KeyError
        when there is none, DamagedSession (after moving it aside) when it cannot be read."""
        from .flow.answers import read_answers
        from .flow.problems import Problems

        path = self.path(name)
        if not path.is_file():
            raise KeyError(name)
        problems = Problems()
        given = read_answers(path, problems)
        if given is None or problems.errors:
            first = problems.errors[0] if problems.errors else None
            reason = f"line {first.line}: {first.message}" if first else "it is not a saved session"
            raise DamagedSession(self._set_aside(path, reason))
        return given

    def open(self, flow: Flow, name: str, given: AnswersFile | None = None) -> tuple[Session, tuple[str, ...]]:
        """The saved session, its answers checked against `flow` as it is now (see Session.from_file), and
        the ids of answers brought back."""
        from .flow.engine import Session
        from .flow.versions import flow_change

        given = given or self.load(name)
        session, brought_back = Session.from_file(flow, given, name=name)
        session.change = flow_change(flow, given, session, [self.kept])
        return session, brought_back

    def lock(self, name: str) -> None:
        """Hold this session for this process; SessionOpen when another process holds it."""
        if name in self.locks:
            return
        self.own_folders()
        self.locks[name] = SessionLock(self.folder / f".{name}.lock")

    def unlock(self, name: str) -> None:
        held = self.locks.pop(name, None)
        if held is not None:
            held.release()

    def names(self) -> list[str]:
        if not self.folder.is_dir():
            return []
        return sorted(p.name[: -len(SUFFIX)] for p in self.folder.glob(f"*{SUFFIX}") if not p.name.startswith("."))

    def all(self) -> tuple[list[Listed], list[Damaged]]:
        """Every readable session, newest first, and the damaged ones, each moved aside once."""
        good: list[Listed] = []
        damaged: list[Damaged] = []
        for name in self.names():
            try:
                good.append(Listed(name, self.load(name)))
            except DamagedSession as problem:
                damaged.append(problem.damaged)
            except KeyError:
                continue
        good.sort(key=lambda s: (s.updated, s.name), reverse=True)
        return good, damaged

    def latest(self) -> str | None:
        """The session last worked on that the person started themselves: one started from a worked
        example (its file says which) is someone else's case, opened to learn from, never the work to carry
        on with."""
        good, _ = self.all()
        own = [listed for listed in good if not listed.given.example]
        return own[0].name if own else None

    def delete(self, name: str) -> bool:
        try:
            self.path(name).unlink()
            return True
        except (FileNotFoundError, KeyError):
            return False

    def _set_aside(self, path: Path, reason: str) -> Damaged:
        kept = path.with_name(path.name + ".damaged")
        number = 2
        while kept.exists():
            kept = path.with_name(f"{path.name}.damaged-{number}")
            number += 1
        try:
            os.replace(path, kept)
        except OSError:
            kept = path
        return Damaged(path.name, str(kept), reason)


def describe(listed: Listed, flow: Flow | None) -> Listed:
    """Fill in what the session holds, worked out from its answers against its flow."""
    if flow is None or flow.id != listed.given.flow:
        listed.usable = False
        listed.answered = sum(1 for value in listed.given.answers.values() if value is not None)
        return listed
    from .flow.engine import Session

    session, _ = Session.from_file(flow, listed.given, listed.name)
    progress = session.progress()
    listed.answered, listed.progress = progress.answered, str(progress)
    listed.complete = session.is_complete
    return listed


class DamagedSession(Exception):
    def __init__(self, damaged: Damaged):
        super().__init__(f"{damaged.name} is damaged ({damaged.reason}); it was kept as {damaged.kept_as}")
        self.damaged = damaged


def keep_flow(flow: Flow, folder: Path) -> Path:
    """Write the flow's canonical JSON into `folder` under its fingerprint, once: a copy already there is the
    same flow and is left alone. OSError when it cannot be written."""
    from .flow.versions import fingerprint, kept_name, kept_text

    path = folder / kept_name(flow.id, fingerprint(flow))
    if path.is_file():
        return path
    try:
        private_folder(folder)
        write_atomically(path, kept_text(flow).encode("utf-8"), force=True, mode=PRIVATE)
    except ExportError as error:
        raise OSError(str(error)) from None
    return path


# -- a session's life: started, resumed (or found open elsewhere), ended, handed in ------------------------

class CannotResume(Exception):
    """Why a saved session cannot be carried on with, in words a person reads. `damaged` when its file
    could not be read: it has been set aside, and the message says where."""

    def __init__(self, message: str, damaged: Damaged | None = None):
        super().__init__(message)
        self.damaged = damaged


@record
class Resumed:
    """A saved session opened again, its answers checked against its flow as the flow is now: the ids of
    answers brought back, and whether another window holds it (then it is never written here: carry on
    in a copy, or look at it)."""

    session: Session
    brought_back: tuple[str, ...] = ()
    elsewhere: bool = False


ELSEWHERE = "is open in another window, so this one will not change it."  # after "This session"


class Sessions:
    """The one place a session's life is decided, for the app, plain mode and the room alike: a new one
    started and held for this process, a saved one resumed by name or the person's latest (one open in
    another window offered as a copy or a look, a damaged one set aside and said so), one ended (kept when
    it holds anything a person gave), a finished one handed in, and the list of them. Each front end asks
    and draws; none touches the store's files or locks."""

    def __init__(self, store: SessionStore | None = None):
        self.store = store or SessionStore()

    def start(self, flow: Flow, flow_path: str = "", hold: bool = True, **about: Any) -> Session:
        """A new session, under a name no other file has, held for this process (a room holds its whole
        folder instead: `hold=False`). Nothing is written until there is something to keep."""
        session = self.store.new(flow, flow_path, **about)
        if hold:
            self.hold(session)
        return session

    def hold(self, session: Session) -> None:
        try:
            self.store.lock(session.name)
        except (SessionOpen, ExportError):
            pass  # a new session's name is new; a folder that cannot be made is said when saving fails

    def find(self, name: str = "") -> tuple[str, AnswersFile]:
        """The saved session called `name`, or without one the latest the person started themselves (never
        a worked example's); CannotResume, saying why, when there is none or it is damaged (set aside)."""
        wanted = name
        try:
            name = name or self.store.latest() or ""
            if not name:
                raise CannotResume("there is no saved session to resume")
            return name, self.store.load(name)
        except KeyError:
            raise CannotResume(f"there is no saved session {wanted!r}") from None
        except DamagedSession as problem:
            raise CannotResume(str(problem), problem.damaged) from None

    def resume(self, name: str, flow_for: Callable[[AnswersFile], Flow | None], hold: bool = True) -> Resumed:
        """Open a saved session (see `find`) against the flow `flow_for` gives for it, and hold it for this
        process; `elsewhere` when another process holds it. Answers carried from an older version of the
        flow are written back at once, so that the file says what the person is told. CannotResume when it
        cannot be opened."""
        name, given = self.find(name)
        flow = flow_for(given)
        if flow is None:
            raise CannotResume(f"the flow {given.flow!r} is not available")
        session, brought_back = self.store.open(flow, name, given)
        if hold:
            try:
                self.store.lock(name)
            except SessionOpen:
                return Resumed(session, brought_back, elsewhere=True)
            except ExportError as error:
                raise CannotResume(str(error)) from None
        if session.migrated is not None or session.change is not None:
            try:
                self.store.save(session)
            except StoreError:
                pass  # tried again with the next answer, where a failure is said
        return Resumed(session, brought_back)

    def copy(self, resumed: Resumed) -> Session:
        """Carry on with a session open elsewhere in a copy: a new session of its own, held here."""
        session = self.store.copy(resumed.session)
        self.hold(session)
        return session

    def end(self, conversation: Conversation) -> bool:
        """Leave a conversation: saved when it holds anything the person gave (an answer, a draft, a name for
        the work) or was saved before, then let go. False when there was nothing to keep, and no file is
        left behind (a run whose input ended before its first answer is no half-finished session)."""
        kept = self.keep(conversation)
        self.store.unlock(conversation.session.name)
        return kept

    def keep(self, conversation: Conversation) -> bool:
        """Save a conversation when it holds anything the person gave or was saved before (as they type, and
        on leaving); False when there is nothing to keep yet, and nothing is written."""
        session = conversation.session
        kept = worth_keeping(session) or conversation.saved_once or self.store.path(session.name).exists()
        if kept:
            conversation.save()
        return kept

    def let_go(self, session: Session) -> None:
        """Stop holding a session without saving it (a new plan cancelled before it was named)."""
        self.store.unlock(session.name)

    def hand_in(self, session: Session, folder: Path) -> Path | None:
        """A finished session's answers, handed to a trainer's folder under a name no one else has, with the
        flow they were answered under kept beside them (hidden, for `codesign cohort` and --as-answered).
        None when the session is not finished; ExportError when it cannot be written."""
        if not session.is_complete or session.current is not None:
            return None
        path = folder / f"{session.flow.id}-{session.name}.yaml"
        write_atomically(path, to_yaml(session).encode("utf-8"), force=path.exists(), mode=PRIVATE)
        try:
            keep_flow(session.flow, folder / ".flows")
        except OSError:
            pass
        return path

    def listed(self, flow_for: Callable[[AnswersFile], Flow | None]) -> tuple[list[Listed], list[Damaged]]:
        """Every saved session, newest first, each described against its flow (`flow_for`, asked once a
        flow), and the damaged ones, each set aside once."""
        saved, damaged = self.store.all()
        flows: dict[str, Flow | None] = {}
        for item in saved:
            key = f"{item.given.flow_path}\0{item.flow}"
            if key not in flows:
                flows[key] = flow_for(item.given)
            describe(item, flows[key])
        return saved, damaged

    def delete(self, name: str) -> bool:
        return self.store.delete(name)


def worth_keeping(session: Session) -> bool:
    """Whether a session holds anything a person gave: an answer, one set aside, a draft, a name."""
    return bool(session.answers or session.unfit or session.project or session.prepared_by
                or any(value not in (None, "", {}, []) for value in session.drafts.values()))


__all__ = ["CannotResume", "Damaged", "DamagedSession", "ELSEWHERE", "ExportError", "Listed", "NotSaved",
           "Resumed", "SessionOpen", "SessionStore", "Sessions", "data_folder", "describe", "keep_flow", "to_yaml"]
