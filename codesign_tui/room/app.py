"""The room's web pages (aiohttp, server-rendered, no script needed): joining, one question a page, checking
answers, the plan and its downloads (the trainer's pages are in trainer.py). A view of the conversation
controller: it draws what the controller describes, and every answer goes through it and is saved by it."""

from __future__ import annotations

import asyncio
import hmac
import re
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import quote

from aiohttp import web
from jinja2 import Environment, FileSystemLoader

from ..flow.answers import AnswerError
from ..flow.conversation import FIRST_QUESTION, Conversation, answer_label, page_words
from ..flow.model import Question
from ..flow.shown import entry_lines
from ..flow.voices import VOICE_MOST, one_line
from .markup import demote, stacked, unboxed
from .forms import Invalid, entry_typed, nothing_sent, read_answer, read_entry, typed
from .door import HEADERS, NOTICES
from .seats import Room, RoomFull, Seat, TooManyDevices, TooManyJoins, client_of

HERE = Path(__file__).parent
SEAT_COOKIE = "room_seat"
FORM_COOKIE = "room_form"
SEAT_DAYS = 14
ROOM: web.AppKey[Room] = web.AppKey("room", Room)
PAGES: web.AppKey[Environment] = web.AppKey("pages", Environment)
ADDRESS: web.AppKey[str] = web.AppKey("address", str)
PROXIED: web.AppKey[bool] = web.AppKey("proxied", bool)
FORMATS = {"md": ("Markdown", "text/markdown"), "docx": ("Word", "application/vnd.openxmlformats-officedocument."
                                                           "wordprocessingml.document"),
           "html": ("web page", "text/html"), "json": ("JSON", "application/json")}
LIVE_SECONDS = 5
LONGEST_URL = 2000  # characters: the room's own addresses are far shorter


def make_app(room: Room, address: str = "", proxied: bool = False) -> web.Application:
    """The room's web application; `address` is where participants open it, shown on the trainer's page;
    `proxied`: reached through a reverse proxy that says who is asking in X-Forwarded-For (--trust-proxy)."""
    app = web.Application(client_max_size=room.limits.request_bytes, middlewares=[guard])
    app[ROOM] = room
    app[ADDRESS] = address
    app[PROXIED] = proxied
    # read once a process: the pages do not change while the room runs
    app[PAGES] = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=True, trim_blocks=True,
                             lstrip_blocks=True, auto_reload=False)
    app[PAGES].globals["voice_most"] = VOICE_MOST
    app.router.add_routes([web.get("/", home), web.post("/join", join), web.post("/return", come_back),
                           web.get("/check", check_page), web.get("/plan", plan_page),
                           web.get("/plan/{fmt}", plan_download),
                           web.get("/room.css", stylesheet), web.get("/room.js", script)])
    for path in ("/question", "/question/{id}"):  # where the seat is, and each question at its own address
        app.router.add_get(path, question_page)
        app.router.add_post(path, question_post)
    from . import panel, trainer, training

    trainer.add_routes(app)  # the trainer's page, the reveal, seats and the report
    training.add_routes(app)  # the scenario, and the trainer's pacing
    panel.add_routes(app)  # the trainer's panel of voices
    app.on_cleanup.append(lambda app: _close(app[ROOM]))
    return app


async def _close(room: Room) -> None:
    room.close()


# -- safety ---------------------------------------------------------------------------------------------

@web.middleware
async def guard(request: web.Request, handler: Any) -> web.StreamResponse:
    """Every response carries the security headers, an error included; every form needs its token, stays
    within limits and arrives in time; nothing a client sends ends in a traceback."""
    unsaved: list[Seat] = []
    try:
        if len(request.raw_path) > LONGEST_URL:
            raise web.HTTPRequestURITooLong(reason="That address is too long",
                                            text="Check the address: the room's addresses are short.")
        if request.method == "POST":
            await _check_form(request)
        try:
            response = await handler(request)
        finally:
            if request.method == "POST":  # every change is in its file before the reply says it is
                unsaved = await request.app[ROOM].settle()
        response = await _saved_or_said(request, unsaved) or response
    except web.HTTPRequestEntityTooLarge:
        response = problem(request, 413, "Too much was sent", "That was more than one page of answers can hold."
                           " Shorten your answer and try again.")
    except web.HTTPException as error:
        if error.status >= 400 and error.status != 405:
            response = problem(request, error.status, error.reason, error.text or "")
            if error.status == 408:  # what is still trickling in is not waited for
                response.force_close()
        else:
            said = await _saved_or_said(request, unsaved)
            if said is None:
                raise
            response = said
    except (asyncio.CancelledError, ConnectionError):
        raise
    except Exception as error:  # a mistake of ours: the person sees a page, the terminal one short line
        NOTICES.say(f"error:{type(error).__name__}", f"{request.method} {request.path}: {type(error).__name__}:"
                    f" {error}")
        response = problem(request, 500, "Something went wrong", "Nothing you typed was lost. Go back and try"
                           " again; if it happens again, tell the trainer.")
    response.headers.update(HEADERS)
    return response


async def _check_form(request: web.Request) -> None:
    room = request.app[ROOM]
    try:
        # aiohttp bounds how long a connection may sit idle, not how long a body may trickle in
        form = await asyncio.wait_for(request.post(), room.limits.body_seconds)
    except asyncio.TimeoutError:
        raise web.HTTPRequestTimeout(reason="That took too long to arrive",
                                     text="Your connection may be slow: send the page again.") from None
    except (UnicodeDecodeError, LookupError, ValueError, AssertionError):
        # a body that is not UTF-8, a charset no one has heard of, a multipart body that does not parse
        raise web.HTTPBadRequest(reason="That form could not be read",
                                 text="Go back to the page and send it again.") from None
    if len(form) > room.limits.fields:
        raise web.HTTPRequestEntityTooLarge(max_size=room.limits.request_bytes, actual_size=0)
    if any(not isinstance(value, str) for value in form.values()):  # the room takes no files
        raise web.HTTPBadRequest(reason="That form could not be read",
                                 text="The room's pages send text only. Go back to the page and send it again.")
    sent, kept = form.get("csrf"), request.cookies.get(FORM_COOKIE)
    if not isinstance(sent, str) or not kept or not hmac.compare_digest(sent.encode(), kept.encode()):
        raise web.HTTPForbidden(reason="This form has expired",
                                text="Go back to the start of the room and try again. Your answers so far are kept.")


async def _saved_or_said(request: web.Request, unsaved: list[Seat]) -> web.Response | None:
    """When the answer a participant just sent could not be written (the disk is full): in place of the next
    question, an error page (507) that says so and holds what they sent, so that nothing typed is lost. The
    room keeps the answer and writes it again with the next change. A join keeps its own page: it carries the
    new seat's cookie, and the seat's first page says the save failed."""
    seat = seat_of(request)
    if seat is None or seat not in unsaved or not request.path.startswith("/question"):
        return None
    seat.notes = [note for note in seat.notes if note[0] != "error"]  # this page says it
    form = await request.post()
    question = seat.conversation.shown(str(form.get("question") or request.match_info.get("id") or ""))
    sent = what_was_sent(question, form, request.app[ROOM].limits) if question is not None else []
    return page(request, "unsaved.html", "Your answer could not be saved", status=507, sent=sent,
                number=seat.conversation.number(question) if question is not None else None, carry_on=where(seat))


def what_was_sent(question: Question, form: Any, limits: Any) -> list[tuple[str, str]]:
    """A question's form as the person filled it, in words: (what it asked, what they gave)."""
    if question.kind == "record":
        return [(spec.prompt, value) for spec in question.fields
                if (value := entry_typed(question, form, limits).get(spec.id))]
    given = typed(question, form, limits)
    said = question.label(given) if given and question.options else given
    return [(question.prompt, said)] if said else []


def problem(request: web.Request, status: int, heading: str, text: str) -> web.Response:
    return page(request, "problem.html", heading, status=status, heading=heading, text=text)


# -- pages ----------------------------------------------------------------------------------------------

def page(request: web.Request, template: str, title: str, status: int = 200, **context: Any) -> web.Response:
    room = request.app[ROOM]
    form_token = request.cookies.get(FORM_COOKIE) or ""
    fresh = not re.fullmatch(r"[A-Za-z0-9_-]{20,64}", form_token)
    if fresh:
        form_token = secrets.token_urlsafe(24)
    context.setdefault("seat", seat_of(request))
    context.setdefault("errors", [])
    context["error_for"] = dict(context["errors"])
    context["words"] = page_words(room.flow)
    text = request.app[PAGES].get_template(template).render(title=title, room=room, flow=room.flow,
                                                               csrf=form_token, **context)
    response = web.Response(text=text, content_type="text/html", status=status)
    if fresh:
        response.set_cookie(FORM_COOKIE, form_token, httponly=True, samesite="Strict", path="/")
    return response


def seat_of(request: web.Request) -> Seat | None:
    """The seat this browser holds, its conversation told whether the trainer has revealed the room."""
    seat = request.app[ROOM].seat(request.cookies.get(SEAT_COOKIE))
    if seat is not None:
        seat.conversation.revealed = request.app[ROOM].revealed
    return seat


def seated(request: web.Request) -> Seat:
    seat = seat_of(request)
    if seat is None:
        raise web.HTTPSeeOther("/")
    return seat


def where(seat: Seat) -> str:
    current = seat.conversation.current
    return address_of(current) if current is not None else "/check"


def address_of(question: Question) -> str:
    """Each question has its own address, so that the browser's Back and Forward move between them."""
    return "/question/" + quote(question.id, safe="")


REFRESH = "X-Room-Refresh"  # sent by room.js when it fetches a page again in the background


def told(request: web.Request, seat: Seat) -> list[tuple[str, str]]:
    """What the seat's next page says, said once, as the conversation lets it (nothing naming the
    recommendation before the reveal). A page fetched again in the background (room.js) leaves them for the
    page the person will read: that fetch may follow the room into a new round, and the page it then loads
    must still say so."""
    notes = seat.notes
    if request.headers.get(REFRESH) != "1":
        seat.notes = []
    return seat.conversation.told(notes)


def give_seat(response: web.StreamResponse, token: str) -> None:
    response.set_cookie(SEAT_COOKIE, token, httponly=True, samesite="Strict", path="/",
                        max_age=SEAT_DAYS * 24 * 3600)


async def stylesheet(request: web.Request) -> web.Response:
    return web.Response(body=(HERE / "static" / "room.css").read_bytes(), content_type="text/css")


async def script(request: web.Request) -> web.Response:
    return web.Response(body=(HERE / "static" / "room.js").read_bytes(), content_type="text/javascript")


def see_other(location: str) -> web.Response:
    return web.Response(status=303, headers={"Location": location})


async def home(request: web.Request) -> web.Response:
    room = request.app[ROOM]
    seat = seat_of(request)
    if seat is not None:
        raise web.HTTPSeeOther(where(seat))
    notes = []
    if room.was_signed_out(request.cookies.get(SEAT_COOKIE)):
        notes = [("signed-out", "The trainer signed your seat out of this browser. If it is yours, ask the"
                                " trainer: come back below with the seat code from your other device.")]
    return page(request, "join.html", "Join the room", errors=[], values={}, notes=notes)


def client(request: web.Request) -> str:
    """Who is asking, for the limits counted by client: the connection's address, or behind a reverse proxy
    the room was told to trust (--trust-proxy), the last address in X-Forwarded-For, the one that proxy added
    (the ones before it are whatever the client sent, so a guesser could name anyone there)."""
    if request.app[PROXIED]:
        forwarded = request.headers.getall("X-Forwarded-For", [])
        last = forwarded[-1].split(",")[-1].strip() if forwarded else ""
        if last:
            return client_of(last)
    return client_of(request.remote)


async def join(request: web.Request) -> web.StreamResponse:
    room = request.app[ROOM]
    held = seat_of(request)
    if held is not None:  # a browser already holding a seat gets that seat, not a second
        held.notes = [("seat", "You already have a seat in this room: here it is.")]
        return see_other(where(held))
    form = await request.post()
    name = str(form.get("name", "")).strip()
    errors = []
    if room.passphrase and room.too_many_tries(client(request)):
        return wait_a_minute(request)
    if not room.check_passphrase(str(form.get("passphrase", ""))):
        room.missed(client(request))
        errors.append(("passphrase", "Enter the passphrase the trainer gave the room"))
    if len(name) > room.limits.name:
        errors.append(("name", f"Keep your name to {room.limits.name} characters or fewer"))
    voice = one_line(form.get("voice", "")) if room.voices else ""
    if len(voice) > VOICE_MOST:
        errors.append(("voice", f"Keep whose view you give to {VOICE_MOST} characters or fewer"))
    if errors:
        return page(request, "join.html", "Error: Join the room", status=400, errors=errors,
                    values={"name": name, "voice": voice})
    try:
        token, seat = room.join(name, client(request), voice)
    except RoomFull:
        return problem(request, 503, "The room is full", f"All {room.limits.participants} seats are taken."
                       " Ask the trainer to make room.")
    except TooManyJoins:
        return problem(request, 429, "Too many seats taken from here",
                       "This computer has taken several seats in the last few minutes. If you have lost yours,"
                       " come back with its seat code, or ask the trainer.")
    seat.notes = [("seat", f"Your seat code is {seat.code}. Write it down: with it you can come back to your"
                           " answers from another device, once; you then get a new code.")]
    response = see_other("/scenario" if room.example is not None else "/question")
    give_seat(response, token)
    return response


async def come_back(request: web.Request) -> web.StreamResponse:
    room = request.app[ROOM]
    form = await request.post()
    code = str(form.get("code", ""))[:20]
    who = client(request)
    errors = []
    if room.too_many_tries(who):
        return wait_a_minute(request)
    found = room.find(code)
    if found is not None and room.too_many_tries(code=found.code):
        return wait_a_minute(request)
    if not room.check_passphrase(str(form.get("return_passphrase", ""))):
        errors.append(("return_passphrase", "Enter the passphrase the trainer gave the room"))
    elif found is None:
        errors.append(("code", "Enter the seat code shown on your earlier page, for example K7M2QD"))
    if errors:
        room.missed(who, found.code if found is not None else "")
        return page(request, "join.html", "Error: Join the room", status=400, errors=errors, values={"code": code})
    assert found is not None
    try:
        token = room.come_back(found)
    except TooManyDevices:
        return problem(request, 409, "This seat is open on too many devices",
                       f"A seat can be open in {room.limits.devices} browsers at once. Ask the trainer to sign"
                       " the seat out of its browsers, then come back with its new code.")
    found.notes = [("seat", f"Welcome back. That seat code is now used up: your new one is {found.code}.")]
    response = see_other(where(found))
    give_seat(response, token)
    return response


def wait_a_minute(request: web.Request) -> web.Response:
    return problem(request, 429, "Too many tries", "Too many wrong seat codes or passphrases were tried from here"
                   " just now. Wait a minute, then try again.")


# -- questions ------------------------------------------------------------------------------------------

def show_question(request: web.Request, seat: Seat, question: Question, errors: list[tuple[str, str]] | None = None,
                  values: Any = None, entry: dict[str, str] | None = None) -> web.Response:
    conversation = seat.conversation
    view = conversation.view(question)
    values = view.value if values is None and question.kind != "record" else values
    chosen = values if isinstance(values, list) else [values] if values is not None else []
    return page(request, "question.html", ("Error: " if errors else "") + question.prompt, status=400 if errors else 200,
                question=question, number=view.number, section=view.section, errors=errors or [],
                intro=view.section.intro if view.opens_section else "", citation=view.citation,
                value=values if isinstance(values, str) else "", chosen=[str(c) for c in chosen],
                records=[entry_lines(question, r) for r in view.records], entry=view.entry if entry is None else entry,
                notes=told(request, seat), changing=view.changing, progress=view.progress,
                turns=[row for row in conversation.rows(question) if row.answered],
                facilitate=request.app[ROOM].facilitate, entries_left=request.app[ROOM].limits.entries
                - len(view.records), version=conversation.version(question), address=address_of(question))


async def question_page(request: web.Request) -> web.StreamResponse:
    seat = seated(request)
    wanted = request.match_info.get("id") or request.query.get("change")
    if not wanted:
        raise web.HTTPSeeOther(where(seat))
    if "id" not in request.match_info:  # the older address of a change link
        raise web.HTTPSeeOther("/question/" + quote(wanted, safe=""))
    # an earlier answer (a change link, or the browser's Back) is only shown; the answer changes when the form
    # is sent, so a page opened by mistake changes nothing
    question = seat.conversation.shown(wanted)
    if question is None:
        if not seat.conversation.applies(wanted):
            seat.notes = [("stale", "That question does not apply to your answers as they are now. Here is where"
                                    " you are.")]
        raise web.HTTPSeeOther(where(seat))
    if question is seat.conversation.current:
        from .training import waiting

        held = waiting(request.app[ROOM], question)
        if held:
            return page(request, "wait.html", "Wait here", waiting=held, live=LIVE_SECONDS)
    return show_question(request, seat, question)


def out_of_date(request: web.Request, seat: Seat, question: Question, sent: str) -> web.Response:
    """A form drawn from an answer that has changed since (in another tab or window): nothing is changed,
    and what was typed on it is shown so that it is not lost."""
    return page(request, "stale.html", "This page is out of date", status=409, question=question,
                number=seat.conversation.number(question), address=address_of(question), sent=sent,
                carry_on=where(seat))


async def question_post(request: web.Request) -> web.StreamResponse:
    room = request.app[ROOM]
    seat = seated(request)
    conversation = seat.conversation
    form = await request.post()
    action = str(form.get("action", "answer"))
    question = conversation.shown(str(form.get("question") or request.match_info.get("id") or ""))
    if question is None:
        # a page from before that no longer fits at all (a question not asked now)
        seat.notes = [("stale", "That page was out of date, so nothing was changed. Here is where you are.")]
        raise web.HTTPSeeOther(where(seat))
    version = form.get("version")
    if isinstance(version, str) and version and version != conversation.version(question):
        return out_of_date(request, seat, question, typed(question, form, room.limits)
                           if question.kind in ("text", "date") else "")
    from .training import waiting

    if question is conversation.current and waiting(room, question):
        # the trainer holds the room: what was typed is kept, nothing answered
        if question.kind != "record":
            conversation.keep_draft(question.id, typed(question, form, room.limits))
        conversation.save()
        raise web.HTTPSeeOther(address_of(question))
    records = conversation.view(question).records
    if action == "back":  # an earlier answer shown is left as it was; from the one asked, what was typed is kept
        draft = {"records": records, "entry": entry_typed(question, form, room.limits)} \
            if question.kind == "record" else typed(question, form, room.limits)
        if question is conversation.current and not conversation.leave(draft):
            seat.notes = [("first", FIRST_QUESTION)]
        raise web.HTTPSeeOther(where(seat))
    if question is not conversation.current:
        question = conversation.edit(question.id)  # keeping or changing it then returns to where they were
    if question.kind == "record":
        return register_post(request, seat, question, form, action, records)
    try:
        if not question.required and (action == "skip" or action == "answer" and nothing_sent(question, form)):
            step = conversation.skip()  # an optional question left empty is skipped, as the page says it may be
        elif action == "none" and question.kind == "multiple":
            step = conversation.answer([])
        else:
            step = conversation.answer(read_answer(question, form, room.limits))
    except Invalid as invalid:
        kept = typed(question, form, room.limits)
        conversation.keep_typed(question, kept, save=True)
        return show_question(request, seat, question, invalid.errors, values=kept)
    except AnswerError as error:
        return show_question(request, seat, question, [("answer", error.message)])
    seat.notes = list(step.notes)
    raise web.HTTPSeeOther(where(seat))


def register_post(request: web.Request, seat: Seat, question: Question, form: Any, action: str,
                  records: list[dict[str, Any]]) -> web.Response:
    """The register of interests: add an entry, remove one, or save the list and carry on."""
    limits = request.app[ROOM].limits
    conversation = seat.conversation
    if action.startswith("remove-"):
        index = int(action.removeprefix("remove-")) if action.removeprefix("remove-").isdigit() else -1
        if 0 <= index < len(records):
            records.pop(index)
            seat.notes = [("removed", f"Entry {index + 1} removed.")]
        conversation.keep_draft(question.id, {"records": records}, save=True)
        raise web.HTTPSeeOther(address_of(question))
    typed_entry = entry_typed(question, form, limits)
    try:
        entry = read_entry(question, form, limits, len(records) + 1)
        if entry is not None and len(records) >= limits.entries:
            raise Invalid([(f"entry-{question.fields[0].id}", f"A register here holds up to {limits.entries}"
                                                              " entries; keep the rest in your own register")])
    except Invalid as invalid:
        conversation.keep_draft(question.id, {"records": records, "entry": typed_entry}, save=True)
        return show_question(request, seat, question, invalid.errors, entry=typed_entry)
    if entry is not None:
        records.append(entry)
    if action == "add":
        conversation.keep_draft(question.id, {"records": records}, save=True)
        seat.notes = [("added", f"Entry {len(records)} added. Add another, or save and continue.")]
        raise web.HTTPSeeOther(address_of(question))
    seat.notes = list(conversation.answer(records).notes)
    raise web.HTTPSeeOther(where(seat))


# -- checking and the plan ------------------------------------------------------------------------------

async def check_page(request: web.Request) -> web.Response:
    seat = seated(request)
    return page(request, "check.html", "Check your answers", rows=seat.conversation.rows(), notes=told(request, seat),
                finished=seat.conversation.current is None, progress=seat.conversation.progress())


async def plan_page(request: web.Request) -> web.StreamResponse:
    room = request.app[ROOM]
    seat = seated(request)
    session = seat.session
    if not session.finished:
        raise web.HTTPSeeOther(where(seat))
    result = session.result()
    plan = ""
    if room.revealed:
        from ..plan.html import to_html
        from ..plan.render import render_markdown

        markdown = render_markdown(room.flow, result, seat.conversation.plan_meta())
        plan = stacked(unboxed(to_html(demote(markdown))))
    from ..plan.register import names_register

    return page(request, "plan.html", "Your plan", result=result, plan=plan, formats=available_formats(),
                case=beside_the_case(room, seat) if room.revealed else [],
                register=any(names_register(q) for q in room.flow.questions),
                live=LIVE_SECONDS if not room.revealed else 0,
                said=seat.conversation.finished())


def beside_the_case(room: Room, seat: Seat) -> list[dict[str, Any]]:
    """After the reveal, in a room about a worked example: each answer beside the case's, with the case's
    reasoning for it (from the example file), the differences marked."""
    example = room.example
    if example is None:
        return []
    case = Conversation(seat.session, proposed=dict(example.answers), offer=False)  # reads, never saves
    return [{"prompt": question.prompt, "case": answer_label(question, theirs),
             "yours": answer_label(question, given) if given is not None else "Not answered",
             "reason": example.reasons.get(question.id, ""), "differs": given != theirs}
            for question, theirs, given in case.beside_the_case()]


def available_formats() -> list[tuple[str, str]]:
    import importlib.util

    word = importlib.util.find_spec("docx") is not None
    return [(fmt, name) for fmt, (name, _) in FORMATS.items() if word or fmt != "docx"]


async def plan_download(request: web.Request) -> web.StreamResponse:
    room = request.app[ROOM]
    seat = seated(request)
    fmt = request.match_info["fmt"]
    if fmt not in dict(available_formats()):
        raise web.HTTPNotFound(reason="No such download", text="The plan comes as Markdown, Word, a web page or JSON.")
    if not seat.session.finished or not room.revealed:
        raise web.HTTPSeeOther("/plan")
    from ..plan.record import DOCUMENTS, NoRegister, register_question
    from ..plan.save import make_plan

    # ?version=public: the public version; ?document=conflicts-assessment: the conflicts record
    public = request.query.get("version") == "public"
    document = request.query.get("document") or None
    if document is not None:
        try:
            if document not in DOCUMENTS:
                raise NoRegister("no such document")
            register_question(room.flow)
        except NoRegister:
            raise web.HTTPNotFound(reason="No such download", text="This flow has no such document.") from None
    result, meta = seat.session.result(), seat.conversation.plan_meta()
    plan = await asyncio.to_thread(lambda: make_plan(fmt, room.flow, result, meta, public=public, document=document))
    name = seat.conversation.plan_file_name(fmt, public, document=document)
    # not cached (as no page of the room is), so a plan naming people is not kept for the next person
    return web.Response(body=plan.data, content_type=FORMATS[fmt][1],
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})
