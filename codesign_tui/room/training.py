"""A training session in the room: the worked example's scenario for participants, the trainer's pacing
(hold the room at a question, move everyone on, pause) and a reveal that asks first."""

from __future__ import annotations

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
    from .app import trainer

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
