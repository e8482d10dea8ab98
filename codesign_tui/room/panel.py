"""A panel in the room (issue 31): three to six seats the trainer groups as voices on one piece of work, and
where their answers differ, shown on the trainer's page as they answer. The engine compares them
(flow/voices.py); plan/compare.py words it; the recommendations wait for the round's reveal."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from ..records import record

SMALLEST, LARGEST = 3, 6


@record(frozen=True)
class Member:
    """One voice on the panel: a seat, by the number every round keeps, and the name the panel knows it by."""

    seat: int
    voice: str


def add_routes(app: web.Application) -> None:
    app.router.add_post("/trainer/{token}/panel", trainer_panel)


def default_voice(seat: Any) -> str:
    """A seat's voice until the trainer names it: the one its session names, else the participant's name."""
    return seat.session.voice or seat.name


def members_from(data: Any) -> list[Member]:
    """The panel kept in the room's index; anything that is not one is passed over."""
    if not isinstance(data, list):
        return []
    return [Member(item["seat"], item["voice"][:200]) for item in data if isinstance(item, dict)
            and isinstance(item.get("seat"), int) and isinstance(item.get("voice"), str) and item["voice"].strip()]


def seated_members(room: Any) -> list[tuple[Member, Any]]:
    """The panel's members who still have a seat in the room (a freed seat leaves it), each with its seat."""
    by_number = {seat.session.seat: seat for seat in room.seats.values()}
    return [(member, by_number[member.seat]) for member in room.panel if member.seat in by_number]


def panel_view(room: Any) -> dict[str, Any] | None:
    """What the trainer's page shows of the panel, worked out by the engine and worded by plan/compare.py."""
    if not room.panel:
        return None
    from ..flow.voices import compare
    from ..plan.compare import panel_view as words

    present = seated_members(room)
    view: dict[str, Any] = {"voices": [(m.voice, seat.session.seat, seat.session.finished) for m, seat in present],
                            "left": [m for m in room.panel if m not in [p for p, _ in present]]}
    if len(present) < 2:
        return view | {"differences": None}
    comparison = compare(room.flow, [(member.voice, dict(seat.session.answers)) for member, seat in present])
    return view | words(comparison, room.revealed)


def chosen(room: Any, form: Any) -> tuple[list[Member], str]:
    """The panel the trainer's form asks for, in seat-number order, or why it cannot be made."""
    by_name = room.seats
    picked = sorted((by_name[name] for name in dict.fromkeys(str(v) for v in form.getall("seat", []))
                     if name in by_name), key=lambda seat: seat.session.seat)
    if not SMALLEST <= len(picked) <= LARGEST:
        return [], (f"A panel has three to six voices: you chose {len(picked)}. Tick three to six seats, then"
                    " make the panel again.")
    members = []
    for seat in picked:
        typed = " ".join(str(form.get(f"voice-{seat.session.seat}", "")).split())[: room.limits.name]
        members.append(Member(seat.session.seat, typed or default_voice(seat)))
    names = [member.voice.casefold() for member in members]
    twice = sorted({member.voice for member in members if names.count(member.voice.casefold()) > 1})
    if twice:
        return [], (f"Two voices on the panel are both called {twice[0]}: give each voice its own name, so the"
                    " page can tell their answers apart.")
    return members, ""


async def trainer_panel(request: web.Request) -> web.StreamResponse:
    """Make a panel of the seats the trainer ticked, or end it. Kept in the room's index, so a room started
    again keeps it, and kept across rounds (a seat keeps its number)."""
    from .trainer import trainer

    room = trainer(request)
    form = await request.post()
    if str(form.get("action", "")) == "end":
        room.panel = []
        room.save_index()
        room.trainer_notes = [("panel", "The panel has ended. Everyone's answers are kept as they were.")]
    else:
        members, refused = chosen(room, form)
        if refused:
            room.trainer_notes = [("panel-error", refused)]
        else:
            room.panel = members
            room.save_index()
            room.trainer_notes = [("panel", f"The panel has {len(members)} voices: "
                                            + ", ".join(m.voice for m in members) + ". Where their answers differ"
                                            " shows below as they answer.")]
    raise web.HTTPSeeOther(f"/trainer/{request.match_info['token']}#panel-title")
