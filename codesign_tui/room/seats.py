"""A room's seats: one saved session a participant, the secret that brings each person back to theirs, the
short seat code for another device, the trainer's token and the one reveal for the whole room."""

from __future__ import annotations

import asyncio
import hashlib
import sys
import hmac
import json
import secrets
import time
from pathlib import Path
from typing import Callable

from ..files import PRIVATE, ExportError, private_folder, write_atomically
from ..flow.conversation import Conversation, checked_notes
from ..flow.model import Flow
from ..records import record
from ..sessions import SUFFIX, DamagedSession, SessionStore, to_yaml

# no 0/O, 1/I/L: read aloud or copied from a phone without doubt
CODE_LETTERS = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
INDEX = ".room.json"  # hidden, so `codesign cohort DIR` passes it over
KEPT = ".flows"  # the flows the room's sessions were answered under, one copy a fingerprint; hidden too


@record(frozen=True)
class Limits:
    """What one request and one room may hold: enough for a training room, too little to harm the server."""

    request_bytes: int = 64 * 1024
    fields: int = 200
    entries: int = 50  # register entries in one answer
    text: int = 4000  # characters in one answer or field
    participants: int = 60
    name: int = 40
    wrong_tries: int = 20  # wrong seat codes or passphrases in a minute, for the whole room, before a pause


class RoomFull(Exception):
    """Every seat is taken."""


class Seat:
    """One participant: their conversation (which saves their session file after every answer), the code
    that brings them back from another device, and what to tell them on their next page."""

    def __init__(self, conversation: Conversation, code: str, tokens: list[str] | None = None):
        self.conversation = conversation
        self.code = code
        self.tokens = tokens or []  # digests of the seat's secrets, never the secrets themselves
        self.notes: list[tuple[str, str]] = []

    @property
    def session(self):
        return self.conversation.session

    @property
    def name(self) -> str:
        """What the trainer sees: the name the person chose, else their seat code."""
        return self.session.prepared_by or f"Seat {self.code}"


class RoomStore(SessionStore):
    """The room folder's sessions, saved the moment the conversation asks (a snapshot of the answers) and
    written by a worker thread before the page replies: writing a file safely waits for the disk, and the
    server keeps serving the rest of the room meanwhile. The latest snapshot of a file wins; one write at a
    time for each file."""

    def __init__(self, folder: Path):
        super().__init__(folder, kept=folder / KEPT)
        self.pending: dict[Path, bytes] = {}
        self.writing: dict[Path, asyncio.Lock] = {}

    def save(self, session) -> Path:
        path = self.path(session.name)
        self.pending[path] = to_yaml(session).encode("utf-8")
        return path

    def put(self, path: Path, data: bytes) -> None:
        self.pending[path] = data

    async def flush(self) -> list[tuple[Path, ExportError]]:
        """Write everything waiting; the files that could not be written, with why."""
        results = await asyncio.gather(*(self._write(path) for path in list(self.pending)))
        return [failed for failed in results if failed is not None]

    async def _write(self, path: Path) -> tuple[Path, ExportError] | None:
        async with self.writing.setdefault(path, asyncio.Lock()):
            data = self.pending.pop(path, None)
            if data is None:  # written already, by the request that came first
                return None
            try:
                await asyncio.to_thread(write_atomically, path, data, force=True, mode=PRIVATE)
            except ExportError as error:
                return path, error
        return None

    def flush_now(self) -> None:
        """Write everything waiting, here and now (when the room closes)."""
        while self.pending:
            path, data = self.pending.popitem()
            try:
                write_atomically(path, data, force=True, mode=PRIVATE)
            except ExportError as error:
                print(f"codesign room: {error}", file=sys.stderr)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class Room:
    """Everyone in one room: the sessions in `folder` (one file a participant, 0600, in a 0700 folder) and
    the index that ties each seat's secret to its file. Nothing a participant types names a file."""

    def __init__(self, flow: Flow, folder: Path, flow_path: str = "", facilitate: bool = False,
                 passphrase: str = "", limits: Limits | None = None, clock: Callable[[], float] = time.monotonic):
        self.flow = flow
        self.flow_path = flow_path
        self.folder = private_folder(Path(folder))
        self.store = RoomStore(self.folder)
        self.store.lock("room")  # SessionOpen when another room is using this folder
        self.facilitate = facilitate
        self.passphrase = passphrase
        self.limits = limits or Limits()
        self.seats: dict[str, Seat] = {}  # by session name
        self.trainer_token = secrets.token_urlsafe(24)
        self.revealed = not facilitate
        self.clock = clock
        self.misses: list[float] = []  # when a wrong seat code or passphrase was tried
        self.store.keep(flow)
        self._load()

    # -- seats ----------------------------------------------------------------------------------------

    def join(self, display_name: str = "") -> tuple[str, Seat]:
        """A new seat and the secret that holds it; RoomFull when every seat is taken."""
        if len(self.seats) >= self.limits.participants:
            raise RoomFull
        session = self.store.new(self.flow, self.flow_path, prepared_by=display_name.strip()[: self.limits.name])
        codes = {seat.code for seat in self.seats.values()}
        code = _code()
        while code in codes:
            code = _code()
        token = secrets.token_urlsafe(32)
        seat = Seat(Conversation(session, self.store), code, [digest(token)])
        seat.conversation.save()
        self.seats[session.name] = seat
        self.save_index()
        return token, seat

    def seat(self, token: str | None) -> Seat | None:
        if not token:
            return None
        wanted = digest(token)
        for seat in self.seats.values():
            if any(hmac.compare_digest(wanted, known) for known in seat.tokens):
                return seat
        return None

    def come_back(self, code: str) -> tuple[str, Seat] | None:
        """A new secret for the seat with this code (another device, or a browser that lost its cookie)."""
        code = code.strip().upper().replace(" ", "").replace("-", "")
        seat = next((s for s in self.seats.values() if hmac.compare_digest(s.code, code)), None)
        if seat is None:
            return None
        token = secrets.token_urlsafe(32)
        seat.tokens = [*seat.tokens[-4:], digest(token)]  # a handful of devices, not an ever-growing list
        self.save_index()
        return token, seat

    def too_many_tries(self) -> bool:
        """Whether guessing should pause: a seat code is short, so wrong tries are counted for the room."""
        now = self.clock()
        self.misses = [when for when in self.misses if now - when < 60]
        return len(self.misses) >= self.limits.wrong_tries

    def missed(self) -> None:
        self.misses.append(self.clock())

    def is_trainer(self, token: str) -> bool:
        return hmac.compare_digest(token.encode("utf-8"), self.trainer_token.encode("utf-8"))

    def reveal(self) -> None:
        self.revealed = True
        self.save_index()

    def check_passphrase(self, given: str) -> bool:
        if not self.passphrase:
            return True
        return hmac.compare_digest(given.encode("utf-8"), self.passphrase.encode("utf-8"))

    # -- the index ------------------------------------------------------------------------------------

    def save_index(self) -> None:
        data = {"flow": self.flow.id, "trainer": self.trainer_token, "revealed": self.revealed,
                "seats": [{"session": name, "code": seat.code, "tokens": seat.tokens}
                          for name, seat in self.seats.items()]}
        self.store.put(self.folder / INDEX, json.dumps(data, indent=1).encode("utf-8"))

    async def settle(self) -> None:
        """Write every change waiting; a participant whose file could not be written is told on their next
        page, and the conversation keeps trying at every answer."""
        for path, error in await self.store.flush():
            seat = self.seats.get(path.name.removesuffix(SUFFIX))
            if seat is not None and path.name.endswith(SUFFIX):
                seat.conversation.save_error = str(error)
                seat.conversation.store.put(path, to_yaml(seat.session).encode("utf-8"))
                seat.notes.append(("error", f"Your answers could not be saved ({error}). Tell the trainer."))
            else:
                print(f"codesign room: {error}", file=sys.stderr)

    def _load(self) -> None:
        """Carry on a room that was stopped: the same trainer address, the same seats, every answer."""
        path = self.folder / INDEX
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        if not isinstance(data, dict) or data.get("flow") != self.flow.id:
            return
        self.trainer_token = str(data.get("trainer") or self.trainer_token)
        self.revealed = bool(data.get("revealed")) or not self.facilitate
        for item in data.get("seats") or []:
            try:
                session, brought_back = self.store.open(self.flow, str(item["session"]))
                seat = Seat(Conversation(session, self.store), str(item["code"]),
                            [str(t) for t in item.get("tokens") or []])
                # what checking the answers against the flow found (answers carried from an older version of
                # it, a recommendation that moved) is said on the participant's next page
                seat.notes = [("checked", note) for note in checked_notes(session, brought_back)]
                self.seats[session.name] = seat
                if session.migrated is not None or session.change is not None:
                    seat.conversation.save()  # written with the room's next write, or when it closes
            except (KeyError, TypeError, DamagedSession):
                continue

    def close(self) -> None:
        self.store.flush_now()
        self.store.unlock("room")


def _code() -> str:
    return "".join(secrets.choice(CODE_LETTERS) for _ in range(CODE_LENGTH))
