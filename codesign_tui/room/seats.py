"""A room's seats: one saved session a participant, the secret that brings each person back to theirs, the
short seat code for another device (good for one return), the trainer's token, the one reveal for the whole
room, and the counts that keep one client on the network from spoiling the room for the rest."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import ipaddress
import json
import os
import secrets
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from ..files import ExportError, own_folder
from ..flow.conversation import Conversation, checked_notes, recommendation_notes
from ..flow.model import Flow
from ..flow.store import StoreError
from ..flow.voices import voice_of
from ..records import record
from ..sessions import SUFFIX, CannotResume, NotSaved, Sessions, SessionStore

if TYPE_CHECKING:  # the trainer's pacing is loaded with the room's pages (it needs aiohttp)
    from ..flow.examples import WorkedExample
    from .training import Pace

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
    wrong_tries: int = 20  # wrong seat codes or passphrases in a minute from one client, before it waits
    code_tries: int = 5  # wrong passphrases with one seat's code in a minute, before that seat's code waits
    joins: int = 5  # seats one client may take in ten minutes (a browser holding a seat gets no second)
    devices: int = 5  # browsers holding one seat at once
    header_seconds: float = 15  # to send a request's headers (and to keep an idle connection open)
    body_seconds: float = 20  # to send a request's body, however slowly it trickles in
    connections: int = 0  # open at once; 0: worked out from the process's open-file limit


WINDOW = 60  # seconds over which wrong tries are counted
SIGNED_OUT_KEPT = 2000  # secrets the trainer ended, kept in the index to say so to their browsers
JOIN_WINDOW = 600  # seconds over which a client's joins are counted
CLIENTS = 10_000  # addresses remembered at once: counting never grows without bound


class Counts:
    """When something happened, by client (or by seat code), over a window of time; bounded in memory."""

    def __init__(self, window: float, clock: Callable[[], float]):
        self.window = window
        self.clock = clock
        self.times: dict[str, list[float]] = {}

    def count(self, key: str) -> int:
        now = self.clock()
        kept = [when for when in self.times.get(key, []) if now - when < self.window]
        if kept:
            self.times[key] = kept
        else:
            self.times.pop(key, None)
        return len(kept)

    def kept(self, now: float) -> dict[str, list[float]]:
        """What is still counted, for the room's index: each time as seconds since the epoch (`now`, the
        wall clock, is when this clock reads its own now), so that a restart carries the count on."""
        here = self.clock()
        return {key: [round(now - (here - when), 3) for when in times if here - when < self.window]
                for key, times in self.times.items() if times and here - times[-1] < self.window}

    def bring_back(self, kept: Any, now: float) -> None:
        """Counts as `kept` wrote them, read from an index that may be damaged: what does not fit is left out."""
        if not isinstance(kept, dict):
            return
        here = self.clock()
        for key, times in list(kept.items())[:CLIENTS]:
            if isinstance(key, str) and isinstance(times, list):
                ago = [now - t for t in times[:100] if isinstance(t, (int, float)) and 0 <= now - t < self.window]
                if ago:
                    self.times[key[:64]] = sorted(here - a for a in ago)

    def add(self, key: str) -> None:
        if len(self.times) >= CLIENTS:
            now = self.clock()
            self.times = {k: v for k, v in self.times.items() if v and now - v[-1] < self.window}
            while len(self.times) >= CLIENTS:  # still full: the longest quiet goes first
                self.times.pop(min(self.times, key=lambda k: self.times[k][-1]))
        self.times.setdefault(key, []).append(self.clock())


def client_of(remote: str | None) -> str:
    """Who is asking, for counting: the address, or for IPv6 its /64 network (one machine can take any
    address in it)."""
    try:
        address = ipaddress.ip_address(remote or "")
    except ValueError:
        return str(remote or "unknown")[:64]
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


class RoomFull(Exception):
    """Every seat is taken."""


class TooManyJoins(Exception):
    """This client has taken as many seats as one client may, for now."""


class TooManyDevices(Exception):
    """The seat is open in as many browsers as one seat may be."""


class RoomFolderRefused(ExportError):
    """The room folder cannot be trusted (others can write to it, or its files are not the user's) or holds
    a room of another flow; the message says what to do."""


class Seat:
    """One participant: their conversation (which saves their session file after every answer), the code
    that brings them back from another device, and what to tell them on their next page."""

    def __init__(self, conversation: Conversation, code: str, tokens: list[str] | None = None):
        self.conversation = conversation
        self.code = code  # good for one return, then replaced; never kept once the room closes
        self.tokens = tokens or []  # digests of the seat's secrets, never the secrets themselves
        self.notes: list[tuple[str, str]] = []

    @property
    def code_hint(self) -> str:
        """What the trainer's (projected) page shows of the code: enough to tell seats apart, too little
        to come back with."""
        return self.code[:2] + "····"

    @property
    def session(self):
        return self.conversation.session

    @property
    def name(self) -> str:
        """What the trainer sees: the name the person chose, else their seat code."""
        return self.session.prepared_by or f"Seat {self.code_hint}"


class RoomStore(SessionStore):
    """The room folder's sessions, their writes deferred for as long as the room runs: what a page changed is
    held (the latest snapshot of each file) and written by worker threads before the page replies, since
    writing a file safely waits for the disk and the server keeps serving the rest of the room meanwhile."""

    def __init__(self, folder: Path):
        super().__init__(folder, kept=folder / KEPT)
        self.defer()

    async def flush_async(self) -> list[tuple[Path, StoreError]]:
        """Write everything waiting, each file in a worker thread; the files that could not be written."""
        results = await asyncio.gather(*(asyncio.to_thread(self.write_held, path) for path in self.held()))
        return [failed for failed in results if failed is not None]

    def flush_now(self) -> None:
        """Write everything waiting, here and now (when the room closes, or a round starts)."""
        for _, error in self.flush():
            print(f"codesign room: {error}", file=sys.stderr)

    def moved(self, folder: Path) -> RoomStore:
        """The store for another of the room's folders (a new round's): the writes waiting and the locks
        held (the room folder's, for as long as the room runs) go with it."""
        store = RoomStore(folder)
        store.waiting.update(self.waiting)
        self.waiting.clear()
        store.locks.update(self.locks)
        self.locks.clear()
        return store


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class Room:
    """Everyone in one room: the sessions in `folder` (one file a participant, 0600, in a 0700 folder) and
    the index that ties each seat's secret to its file. Nothing a participant types names a file."""

    def __init__(self, flow: Flow, folder: Path, flow_path: str = "", facilitate: bool = False,
                 passphrase: str = "", limits: Limits | None = None, clock: Callable[[], float] = time.monotonic,
                 voices: bool = False):
        self.flow = flow
        self.flow_path = flow_path
        self.folder = room_folder(Path(folder))
        self.store = RoomStore(self.folder)
        self.store.lock("room")  # SessionOpen when another room is using this folder
        self.facilitate = facilitate
        self.passphrase = passphrase
        self.voices = voices  # whether joining asks whose view a person gives (codesign room --voices)
        self.limits = limits or Limits()
        self.seats: dict[str, Seat] = {}  # by session name
        self.trainer_token = secrets.token_urlsafe(24)
        self.revealed = not facilitate
        self.clock = clock
        # wrong seat codes or passphrases by client, and wrong passphrases by seat code: never for the whole
        # room, so that one client guessing keeps nobody else out
        self.misses = Counts(WINDOW, clock)
        self.code_misses = Counts(WINDOW, clock)
        self.joins = Counts(JOIN_WINDOW, clock)
        self.signed_out: set[str] = set()  # digests of secrets the trainer ended, to say so to their browser
        self.damaged: list[str] = []  # seats whose files could not be read, said when the room starts
        self.trainer_notes: list[tuple[str, str]] = []  # what the trainer's next page says
        self.trainer_code = ""  # a signed-out seat's new code, shown to the trainer once, folded away
        self.next_seat = 1  # seat numbers are never given twice, even to a seat freed and taken again
        self.example: WorkedExample | None = None  # the worked example the room discusses (room/training.py), if any
        self.pace: Pace | None = None  # the trainer's pacing of the room (room/training.py), off until set
        self.round = 0  # the round answered now (DIR/round-N), 0 until the trainer starts a second one
        self.rounds: dict[int, bool] = {}  # every round before this one: whether it was revealed
        self.panel: list = []  # the seats the trainer grouped as voices on one piece of work (room/panel.py)
        try:
            self.store.keep(flow)
            self._load()
        except BaseException:
            self.store.unlock("room")
            raise

    # -- seats ----------------------------------------------------------------------------------------

    def join(self, display_name: str = "", client: str = "", voice: str = "") -> tuple[str, Seat]:
        """A new seat and the secret that holds it; RoomFull when every seat is taken, TooManyJoins when this
        client has taken its share of seats for now."""
        if len(self.seats) >= self.limits.participants:
            raise RoomFull
        if self.joins.count(client) >= self.limits.joins:
            raise TooManyJoins
        session = self.sessions.start(self.flow, self.flow_path, hold=False,
                                      prepared_by=display_name.strip()[: self.limits.name], seat=self._seat_number(),
                                      voice=voice_of(voice) if self.voices else "")
        token = secrets.token_urlsafe(32)
        seat = Seat(Conversation(session, self.store), self._fresh_code(), [digest(token)])
        seat.conversation.save()
        self.seats[session.name] = seat
        self.joins.add(client)
        self.save_index()
        return token, seat

    def _seat_number(self) -> int:
        """The next seat number: how every report names this person (their name stays on the trainer's page)."""
        number = max([self.next_seat, *(seat.session.seat + 1 for seat in self.seats.values())])
        self.next_seat = number + 1
        return number

    def _fresh_code(self) -> str:
        codes = {seat.code for seat in self.seats.values()}
        code = _code()
        while code in codes:
            code = _code()
        return code

    def seat(self, token: str | None) -> Seat | None:
        if not token:
            return None
        wanted = digest(token)
        for seat in self.seats.values():
            if any(hmac.compare_digest(wanted, known) for known in seat.tokens):
                return seat
        return None

    def was_signed_out(self, token: str | None) -> bool:
        """Whether this browser's seat was ended by the trainer (so its page can say so)."""
        return bool(token) and digest(str(token)) in self.signed_out

    def find(self, code: str) -> Seat | None:
        code = code.strip().upper().replace(" ", "").replace("-", "")
        return next((s for s in self.seats.values() if hmac.compare_digest(s.code, code)), None)

    def come_back(self, seat: Seat) -> str:
        """A new secret for this seat (another device, or a browser that lost its cookie). The code that
        brought it is used up: the seat gets a new one, shown on its owner's pages. TooManyDevices when the
        seat is open in as many browsers as it may be: no browser is ever pushed out to make room."""
        if len(seat.tokens) >= self.limits.devices:
            raise TooManyDevices
        token = secrets.token_urlsafe(32)
        seat.tokens = [*seat.tokens, digest(token)]
        seat.code = self._fresh_code()
        self.save_index()
        return token

    def free(self, name: str) -> Path | None:
        """The trainer frees a seat: its browsers and code stop working, and its file is kept aside
        (NAME.session.yaml.freed, never deleted) where the room's report no longer counts it."""
        seat = self.seats.pop(name, None)
        if seat is None:
            return None
        self.signed_out.update(seat.tokens)
        kept: Path | None = None
        try:
            kept = self.store.put_aside(seat.session, ".freed")
        except NotSaved as error:
            print(f"codesign room: {error}", file=sys.stderr)
        self.save_index()
        return kept

    def sign_out(self, name: str) -> Seat | None:
        """The trainer ends a seat's cookies (a lost or shared laptop): every browser holding it is told
        so; its owner comes back with the seat's new code."""
        seat = self.seats.get(name)
        if seat is None:
            return None
        self.signed_out.update(seat.tokens)
        seat.tokens = []
        seat.code = self._fresh_code()
        self.save_index()
        return seat

    def too_many_tries(self, client: str = "", code: str = "") -> bool:
        """Whether this client (or this seat's code) should wait: a seat code is short, so wrong tries are
        counted by who is trying and for which seat, never for the whole room."""
        if self.misses.count(client) >= self.limits.wrong_tries:
            return True
        return bool(code) and self.code_misses.count(code) >= self.limits.code_tries

    def missed(self, client: str = "", code: str = "") -> None:
        self.misses.add(client)
        if code:
            self.code_misses.add(code)
        self.save_index()  # a restart does not lift a wait

    def is_trainer(self, token: str) -> bool:
        return hmac.compare_digest(token.encode("utf-8"), self.trainer_token.encode("utf-8"))

    def reveal(self) -> None:
        """Reveal the recommendations of this round (the whole room, until a second round starts)."""
        self.revealed = True
        self.save_index()

    def check_passphrase(self, given: str) -> bool:
        if not self.passphrase:
            return True
        return hmac.compare_digest(given.encode("utf-8"), self.passphrase.encode("utf-8"))

    # -- the index ------------------------------------------------------------------------------------

    def index_data(self) -> bytes:
        # seat codes are never written: they expire with the room that gave them
        data = {"flow": self.flow.id, "trainer": self.trainer_token, "revealed": self.revealed,
                "next_seat": self.next_seat, **self._rounds_data(),
                **({"example": self.example.name} if self.example is not None else {}),
                **({"panel": [{"seat": m.seat, "voice": m.voice} for m in self.panel]} if self.panel else {}),
                "seats": [{"session": name, "tokens": seat.tokens} for name, seat in self.seats.items()],
                # wrong tries and joins by client, and the secrets the trainer ended, so that stopping and
                # starting the room lifts no wait and its pages still say a seat was signed out (wrong tries
                # by seat code are not kept: the codes themselves are new after a restart)
                **self._counts_data()}
        return json.dumps(data, indent=1).encode("utf-8")

    def _counts_data(self) -> dict:
        now = time.time()
        data: dict[str, Any] = {"wrong_tries": self.misses.kept(now), "joins": self.joins.kept(now),
                                "signed_out": sorted(self.signed_out)[-SIGNED_OUT_KEPT:]}
        return {key: value for key, value in data.items() if value}

    def _rounds_data(self) -> dict:
        if not self.round:
            return {}
        rounds = [{"number": n, "revealed": revealed} for n, revealed in sorted(self.rounds.items())]
        return {"round": self.round, "rounds": rounds + [{"number": self.round, "revealed": self.revealed}]}

    @property
    def sessions(self) -> Sessions:
        """The participants' sessions' lives (started, opened again), in this round's folder."""
        return Sessions(self.store)

    def save_index(self) -> None:
        self.store.write(self.folder / INDEX, self.index_data())  # with the room's next write

    async def settle(self) -> list[Seat]:
        """Write every change waiting; a participant whose file could not be written is told on their next
        page, and the conversation keeps trying at every answer. The index is tried again at the next
        change, as a session is, so that a seat outlives a disk that was full for a moment. The seats whose
        answers could not be written."""
        unsaved: list[Seat] = []
        for path, error in await self.store.flush_async():
            seat = self.seats.get(path.name.removesuffix(SUFFIX))
            if seat is not None and path.name.endswith(SUFFIX):
                unsaved.append(seat)
                seat.conversation.save_failed(str(error))
                # the participant is told what to do; the folder's name is for the trainer's terminal alone
                seat.notes.append(("error", "Your answers could not be saved just now: tell the trainer."
                                            " They are kept here and saved again with your next answer."))
            elif path.name == INDEX:
                self.save_index()
            print(f"codesign room: {error}", file=sys.stderr)
        return unsaved

    def _load(self) -> None:
        """Carry on a room that was stopped: the same trainer address, the same seats, every answer. The
        index is trusted only when it is the user's own and nobody else can write to it; a folder of
        another flow's room is refused rather than quietly started again."""
        path = self.folder / INDEX
        try:
            trusted(path, "the room's index")
            raw = path.read_bytes()
        except FileNotFoundError:
            return
        except OSError as error:
            raise RoomFolderRefused(f"cannot read {path}: {error.strerror or error}") from None
        try:
            data = json.loads(raw.decode("utf-8"))
        except ValueError:
            raise RoomFolderRefused(f"{path} is damaged (not a room's index); move it aside to start a new room"
                                    " in this folder") from None
        if not isinstance(data, dict):
            raise RoomFolderRefused(f"{path} is damaged (not a room's index); move it aside to start a new room"
                                    " in this folder")
        if data.get("flow") != self.flow.id:
            from ..flow.visible import visible

            raise RoomFolderRefused(f"{self.folder} holds a room of the flow '{visible(str(data.get('flow')))}',"
                                    f" not '{self.flow.id}': start the room with that flow, or give another --dir")
        self.trainer_token = str(data.get("trainer") or self.trainer_token)
        self.revealed = bool(data.get("revealed")) or not self.facilitate
        number = data.get("round")
        if isinstance(number, int) and 0 < number < 10_000:  # a room of rounds: the current one's folder
            from .training import use_round

            self.rounds = {r["number"]: r.get("revealed") is True for r in data.get("rounds") or []
                           if isinstance(r, dict) and isinstance(r.get("number"), int) and r["number"] < number}
            use_round(self, number)
        if isinstance(data.get("example"), str):  # chosen on the trainer's page, or given when it started
            from .training import examples_for

            self.example = examples_for(self).get(data["example"])
        if data.get("panel"):  # grouped on the trainer's page: seats by number, which every round keeps
            from .panel import members_from

            self.panel = members_from(data["panel"])
        now = time.time()
        self.misses.bring_back(data.get("wrong_tries"), now)
        self.joins.bring_back(data.get("joins"), now)
        ended = data.get("signed_out")
        if isinstance(ended, list):
            self.signed_out.update(d for d in ended[:SIGNED_OUT_KEPT] if isinstance(d, str) and len(d) == 64)
        next_seat = data.get("next_seat")
        self.next_seat = next_seat if isinstance(next_seat, int) and 0 < next_seat < 1_000_000 else 1
        for item in data.get("seats") or []:
            try:
                name = str(item["session"])
                trusted(self.store.path(name), "a participant's answers")
                # held by the room's own lock on its folder, not one a session
                resumed = self.sessions.resume(name, lambda given: self.flow, hold=False)
                session, brought_back = resumed.session, resumed.brought_back
                seat = Seat(Conversation(session, self.store), "", [str(t) for t in item.get("tokens") or []])
                # what checking the answers against the flow found (answers carried from an older version of
                # it, a recommendation that moved) is said on the participant's next page
                # (the recommendation's own note as "level": a room before its reveal does not show it)
                seat.notes = [("checked", note) for note in checked_notes(session, brought_back, recommendation=False)]
                seat.notes += [("level", note) for note in recommendation_notes(session)]
            except CannotResume as problem:
                if problem.damaged is not None:  # set aside; said when the room starts
                    self.damaged.append(str(problem))
                continue
            except (KeyError, TypeError, AttributeError, FileNotFoundError):  # a seat whose file is gone
                continue
            # codes do not outlive the room that gave them (a code seen on a projector yesterday opens
            # nothing today): each seat gets a new one, shown on its owner's next page
            seat.code = self._fresh_code()
            self.seats[session.name] = seat
        for seat in self.seats.values():
            if not seat.session.seat:  # a seat from before rooms numbered them
                seat.session.seat = self._seat_number()
                seat.conversation.save()
        self.save_index()

    def close(self) -> None:
        self.store.flush_now()
        self.store.unlock("room")


def trusted(path: Path, what: str) -> None:
    """Refuse a file in the room folder that another user owns or can write to: what it says would be
    believed (a planted index would open someone's seat). FileNotFoundError when there is none."""
    from ..portable import only_mine

    status = os.lstat(path)
    if not os.path.isfile(path) or os.path.islink(path):
        raise RoomFolderRefused(f"{path} ({what}) is not an ordinary file: move it aside and start the room"
                                " again")
    if not only_mine(status, files=True):
        raise RoomFolderRefused(f"{path} ({what}) is not yours alone (another user owns it or can change it):"
                                " check who put it there, move it aside and start the room again")


def room_folder(folder: Path) -> Path:
    """The room folder, readable by the user alone: made 0700, an existing one tightened to 0700, or refused
    with a clear message when it belongs to someone else or cannot be tightened."""
    try:
        return own_folder(folder, "room folder")
    except ExportError as error:
        raise RoomFolderRefused(f"{error}: give a folder of your own with --dir") from None


def _code() -> str:
    return "".join(secrets.choice(CODE_LETTERS) for _ in range(CODE_LENGTH))
