"""The trainer's pages in the room: who has joined and how far each has got, the room's report, the reveal, and
freeing a seat or signing it out of its browsers."""

from __future__ import annotations

import asyncio
import re

from aiohttp import web

from .app import ADDRESS, LIVE_SECONDS, ROOM, page
from .markup import demote, stacked
from .seats import Room


def add_routes(app: web.Application) -> None:
    app.router.add_get("/trainer/{token}", trainer_page)
    app.router.add_post("/trainer/{token}/reveal", trainer_reveal)
    app.router.add_post("/trainer/{token}/seat", trainer_seat)
    app.router.add_get("/trainer/{token}/report.md", trainer_report)


def trainer(request: web.Request) -> Room:
    room = request.app[ROOM]
    if not room.is_trainer(request.match_info["token"]):
        raise web.HTTPNotFound(reason="Page not found", text="Check the address: the trainer's address is the one"
                               " printed when the room started.")
    return room


ORDERS = {"name": "name", "progress": "how far each has got", "number": "seat number"}


async def trainer_page(request: web.Request) -> web.Response:
    room = trainer(request)
    order = request.query.get("order", "name")
    order = order if order in ORDERS else "name"
    people = []
    for name, seat in room.seats.items():
        progress = seat.session.progress()
        people.append({"number": seat.session.seat, "name": seat.name, "code": seat.code_hint, "progress": str(progress),
                       "answered": progress.answered, "finished": seat.session.finished, "seat": name})
    if order == "progress":  # furthest first: who has finished, then who has answered most
        people.sort(key=lambda p: (not p["finished"], -p["answered"], p["name"].casefold()))
    elif order == "number":  # the number every report names a seat by
        people.sort(key=lambda p: (p["number"], p["seat"]))
    else:
        people.sort(key=lambda p: (p["name"].casefold(), p["seat"]))
    notes, room.trainer_notes = room.trainer_notes, []
    new_code, room.trainer_code = room.trainer_code, ""
    from .training import example_choice

    report = await asyncio.to_thread(cohort_report, room)
    from ..plan.html import to_html
    from .panel import LARGEST, SMALLEST, default_voice, panel_view

    panel = await asyncio.to_thread(panel_view, room)
    chooser = sorted(((seat.session.seat, name, seat.name, default_voice(seat)) for name, seat in room.seats.items()),
                     key=lambda row: row[0])
    in_panel = {member.seat: member.voice for member in room.panel}
    finished = sum(p["finished"] for p in people)
    return page(request, "trainer.html", "The room", people=people, finished=finished,
                in_progress=sum(1 for p in people if p["answered"] and not p["finished"]),
                report=stacked(for_the_page(to_html(demote(report)))) if report else "",
                address=address_parts(request.app[ADDRESS] or f"{request.scheme}://{request.host}"),
                token=request.match_info["token"], order=order, orders=ORDERS, **example_choice(room),
                live=LIVE_SECONDS, seat=None, wide=True, notes=notes, new_code=new_code, panel=panel,
                chooser=chooser, in_panel=in_panel, smallest=SMALLEST, largest=LARGEST)


def address_parts(address: str) -> list[tuple[str, bool]]:
    """The room's address in pieces that a narrow screen may put on separate lines, each piece whole
    where breaking it would misread (a port broken in two reads as another number): (text, may break)."""
    scheme, sep, rest = address.rstrip("/").partition("://")
    if not sep:
        return [(address + "/", True)]
    host, colon, port = rest.rpartition(":") if re.search(r":\d+$", rest) else (rest, "", "")
    parts = [(scheme + "://", False), (host, True)]
    parts.append((colon + port + "/", False) if colon else ("/", False))
    return parts


def for_the_page(page: str) -> str:
    """The report as a web page shows it: the bar column gets a name that screen readers say (the Markdown
    leaves its heading blank), and the chart written for Mermaid, which the table above already shows, goes."""
    page = re.sub(r"<th([^>]*)></th>", r'<th\1><span class="visually-hidden">Share, as a bar</span></th>', page)
    return re.sub(r'<pre><code class="language-mermaid">.*?</code></pre>\n?', "", page, flags=re.S)


def cohort_report(room: Room) -> str:
    """The room's report: nothing about any recommendation (or the case) until the room is revealed; then,
    with a worked example, the room against the case, people named by seat number."""
    from ..cohort import build_cohort, render_markdown
    from ..cohort.gather import case_of

    case = case_of(room.flow, room.example) if room.example is not None and room.revealed else None
    from .training import answers_folder

    cohort = build_cohort([answers_folder(room)], flow=room.flow, case=case)
    return render_markdown(cohort, reveal=room.revealed) if cohort.answer_sets else ""


async def trainer_reveal(request: web.Request) -> web.StreamResponse:
    """The reveal asks first (a page of its own, so it works without script) and is then final."""
    from .training import reveal_confirmed

    room = trainer(request)
    if not room.revealed and not reveal_confirmed(await request.post()):
        return page(request, "reveal.html", "Reveal the recommendations?", token=request.match_info["token"],
                    seat=None, wide=True)
    room.reveal()
    raise web.HTTPSeeOther(f"/trainer/{request.match_info['token']}")


async def trainer_seat(request: web.Request) -> web.StreamResponse:
    """Free a seat (one taken by mistake or in play) or sign it out of its browsers (a lost laptop)."""
    room = trainer(request)
    form = await request.post()
    name, action = str(form.get("seat", "")), str(form.get("action", ""))
    seat = room.seats.get(name)
    if seat is not None and action == "free":
        who = seat.name
        kept = room.free(name)
        where_kept = kept.name if kept else "the room folder"
        room.trainer_notes = [("freed", f"{who}'s seat is free. Their answers are kept in {where_kept}, which"
                                        " the room's report no longer counts.")]
    elif seat is not None and action == "sign-out":
        room.sign_out(name)
        room.trainer_notes = [("signed-out", f"{seat.name} is signed out of every browser. They come back with"
                                             " the seat's new code: give it to them alone.")]
        room.trainer_code = seat.code
    raise web.HTTPSeeOther(f"/trainer/{request.match_info['token']}")


async def trainer_report(request: web.Request) -> web.Response:
    room = trainer(request)
    report = await asyncio.to_thread(cohort_report, room) or "No answers yet.\n"
    return web.Response(text=report, content_type="text/markdown", headers={
        "Content-Disposition": f'attachment; filename="{room.flow.id}-room-report.md"'})
