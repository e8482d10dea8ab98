"""A training session in the room: the worked example's scenario for participants, the trainer's pacing
(hold the room at a question, move everyone on, pause) and a reveal that asks first."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from aiohttp import web

from ..flow.model import Question
from ..records import record


@record
class Pace:
    """How the trainer paces the room: participants may answer up to question `hold` (its number in the
    flow) and wait there; `paused`, everyone waits wherever they are. Off (None on the room) by default."""

    hold: int = 0  # 0: no question limit
    paused: bool = False

    def waits(self, number: int) -> bool:
        """Whether a participant at the question with this number waits."""
        return self.paused or bool(self.hold) and number > self.hold


def add_routes(app: web.Application) -> None:
    app.router.add_get("/scenario", scenario_page)
    app.router.add_post("/trainer/{token}/pace", trainer_pace)
    app.router.add_post("/trainer/{token}/round", trainer_round)
    app.router.add_post("/trainer/{token}/example", trainer_example)


def waiting(room: Any, question: Question | None) -> str:
    """What a participant at `question` is told while the trainer holds the room, or "" to go on."""
    pace = room.pace
    if pace is None or question is None:
        return ""
    if pace.paused:
        return "The trainer has paused the room. Talk about your answers; this page moves on when the room does."
    if pace.waits(room.flow.number(question.id)):
        return (f"The room is waiting at question {pace.hold}. Talk about your answers with your table; this page"
                " moves on when the trainer moves the room on.")
    return ""


async def scenario_page(request: web.Request) -> web.Response:
    """The case the room discusses: its title and scenario alone, never its answers or what they give."""
    from .app import ROOM, page, seat_of

    room = request.app[ROOM]
    example = room.example
    if example is None:
        raise web.HTTPNotFound(reason="No scenario", text="This room is not discussing a worked example.")
    seat = seat_of(request)
    next_page = "/question" if seat is not None and seat.session.current is not None else \
        "/check" if seat is not None else "/"
    return page(request, "scenario.html", f"The scenario: {example.title}", example=example, next_page=next_page)


async def trainer_pace(request: web.Request) -> web.StreamResponse:
    """Hold the room at a question, move everyone on to the next, pause or carry on, or stop pacing."""
    from .trainer import trainer

    room = trainer(request)
    form = await request.post()
    action = str(form.get("action", ""))
    pace = room.pace or Pace()
    numbers = [room.flow.number(q.id) for q in room.flow.questions]
    if action == "hold":
        wanted = str(form.get("hold", ""))
        pace.hold = int(wanted) if wanted.isdigit() and int(wanted) in numbers else numbers[0]
        pace.paused = False
        room.pace = pace
        room.trainer_notes = [("pace", f"The room waits at question {pace.hold}.")]
    elif action == "next" and room.pace is not None:
        later = [n for n in numbers if n > pace.hold]
        pace.hold = later[0] if later else 0
        room.trainer_notes = [("pace", f"The room moves on to question {pace.hold}." if pace.hold else
                               "The room moves on: there is no question after that one, so nobody waits.")]
    elif action == "pause":
        pace.paused = True
        room.pace = pace
        room.trainer_notes = [("pace", "The room is paused: nobody can answer until you carry on.")]
    elif action == "resume" and room.pace is not None:
        pace.paused = False
        room.trainer_notes = [("pace", "The room carries on.")]
    elif action == "off":
        room.pace = None
        room.trainer_notes = [("pace", "Pacing is off: everyone answers at their own speed.")]
    raise web.HTTPSeeOther(f"/trainer/{request.match_info['token']}")


def reveal_confirmed(form: Any) -> bool:
    """A reveal happens only when the trainer has said yes to the question that asks first."""
    return str(form.get("confirm", "")) == "yes"


# -- rounds -----------------------------------------------------------------------------------------------

ROUND = "round-"  # DIR/round-1, DIR/round-2: each round's answers, read by `codesign cohort` as a room is


def round_folder(room: Any, number: int) -> Path:
    return room.folder / f"{ROUND}{number}"


def answers_folder(room: Any) -> Path:
    """Where the current round's answers are: the room folder until a second round starts."""
    return round_folder(room, room.round) if room.round else room.folder


def use_round(room: Any, number: int) -> None:
    """Answer into round `number`'s folder from now on: its own store (kept flow included); the room's
    lock and any writes waiting go with it."""
    from .seats import room_folder

    store = room.store.moved(room_folder(round_folder(room, number)))
    store.keep(room.flow)
    room.store = store
    room.round = number


def start_round(room: Any) -> int:
    """A new round in the same room: the same seats (secrets, codes, numbers and names) each with a fresh,
    empty session in DIR/round-N; the answers so far stay in their round's folder (the first round's are
    moved from the room folder into DIR/round-1). The reveal starts again, for this round. Returns N."""
    from ..flow.conversation import Conversation

    room.store.flush_now()
    if not room.round:  # the first round's files move into a folder of their own
        first = room_folder_of(room, 1)
        for name in list(room.seats):
            path = room.store.path(name)
            if path.exists():
                os.replace(path, first / path.name)
        use_round(room, 1)
    room.rounds[room.round] = room.revealed
    use_round(room, room.round + 1)
    seats = {}
    for seat in room.seats.values():
        old = seat.session
        session = room.sessions.start(room.flow, room.flow_path, hold=False, prepared_by=old.prepared_by,
                                      seat=old.seat)
        seat.conversation = Conversation(session, room.store)
        seat.conversation.save()
        seat.notes = [("round", f"Round {room.round} has started: answer the questions again, as your table"
                                " now sees the case.")]
        seats[session.name] = seat
    room.seats = seats
    room.revealed = not room.facilitate
    room.pace = None
    room.save_index()
    return room.round


def room_folder_of(room: Any, number: int) -> Path:
    from .seats import room_folder

    return room_folder(round_folder(room, number))


async def trainer_round(request: web.Request) -> web.StreamResponse:
    """Start a new round, after asking (a page of its own, so it works without script)."""
    from .app import page
    from .trainer import trainer

    room = trainer(request)
    form = await request.post()
    token = request.match_info["token"]
    if str(form.get("confirm", "")) != "yes":
        return page(request, "round.html", "Start a new round?", token=token, seat=None, wide=True)
    number = start_round(room)
    room.trainer_notes = [("round", f"Round {number} has started. Everyone keeps their seat; the answers of round"
                                    f" {number - 1} are kept in {ROUND}{number - 1}.")]
    raise web.HTTPSeeOther(f"/trainer/{token}")


# -- choosing a worked example on the trainer's page ----------------------------------------------------

def examples_for(room: Any) -> dict[str, Any]:
    """The worked examples that answer the room's flow, by name (flows/examples/)."""
    from ..plan.handout import examples_by_name
    from ..resources import flows_dir

    return {name: example for name, example in examples_by_name(flows_dir()).items() if example.flow == room.flow.id}


def may_choose_example(room: Any) -> bool:
    """A worked example is chosen before anyone in the round has answered: a scenario changed under answers
    already given would make them answers to another case."""
    return not any(seat.session.answers for seat in room.seats.values())


def example_choice(room: Any) -> dict[str, Any]:
    """What the trainer's page needs to offer a worked example for the room."""
    return {"examples": sorted(examples_for(room).values(), key=lambda example: example.title),
            "may_choose_example": may_choose_example(room)}


async def trainer_example(request: web.Request) -> web.StreamResponse:
    """The room discusses the worked example the trainer chose: participants read its scenario first (those
    seated already are told on their next page); kept in the room's index, so a room started again keeps it."""
    from .trainer import trainer

    room = trainer(request)
    form = await request.post()
    chosen = examples_for(room).get(str(form.get("example", "")))
    if chosen is None:
        room.trainer_notes = [("example", "Choose one of the worked examples listed.")]
    elif not may_choose_example(room):
        room.trainer_notes = [("example", "Someone has answered already, so the example stays as it is: start a new"
                                          " round to discuss another.")]
    elif room.example is None or room.example.name != chosen.name:
        room.example = chosen
        room.save_index()
        for seat in room.seats.values():
            seat.notes.append(("scenario", f"The room discusses a worked example, {chosen.title}: read its scenario"
                                           " (the link The scenario) before you answer."))
        room.trainer_notes = [("example", f"The room discusses {chosen.title}: participants read its scenario"
                                          " first. Its answers stay hidden.")]
    raise web.HTTPSeeOther(f"/trainer/{request.match_info['token']}")
