"""The room (`codesign room`) through aiohttp's test server: joining, answering every kind of question, the seat
that survives, the trainer's page, the reveal, and the limits that keep one server safe for a whole room."""

from __future__ import annotations

import html
import json
import os
import re
import stat
import subprocess
import sys
import zipfile
from io import BytesIO
from pathlib import Path

import pytest
import yaml
from aiohttp import ClientSession, CookieJar
from aiohttp.test_utils import TestServer

from codesign_tui.cohort import build_cohort
from codesign_tui.room.app import make_app
from codesign_tui.room.seats import Limits, Room

APPENDIX2 = {"space_to_shape": "yes", "problem_type": "wicked", "time_for_relationships": "partly", "budget": "yes",
             "senior_buy_in": "yes", "learning_culture": "no", "shared_delivery": "yes", "shared_power": "yes"}


class Person:
    """One participant's browser: their own cookies, the last page they saw and its form token."""

    def __init__(self, server: TestServer):
        self.server = server
        self.http = ClientSession(cookie_jar=CookieJar(unsafe=True))
        self.text = ""
        self.status = 0
        self.path = ""

    async def get(self, path: str) -> str:
        async with self.http.get(self.server.make_url(path)) as response:
            self.status, self.text, self.path = response.status, await response.text(), response.url.path
            self.headers = response.headers
        return self.text

    async def post(self, path: str, data: dict | list, csrf: bool = True) -> str:
        if csrf:
            data = [("csrf", self.csrf), *(data.items() if isinstance(data, dict) else data)]
        async with self.http.post(self.server.make_url(path), data=data) as response:
            self.status, self.text, self.path = response.status, await response.text(), response.url.path
            self.history = response.history
            self.headers = response.headers
        return self.text

    @property
    def csrf(self) -> str:
        found = re.search(r'name="csrf" value="([^"]+)"', self.text)
        if found is None:  # a page without a form still sets the cookie: any page with a form will do
            raise AssertionError("no form on this page")
        return found.group(1)

    @property
    def question(self) -> str | None:
        found = re.search(r'name="question" value="([^"]+)"', self.text)
        return found.group(1) if found else None

    @property
    def errors(self) -> list[str]:
        return [html.unescape(re.sub(r"<[^>]+>", "", e)).strip()
                for e in re.findall(r'class="error-message"[^>]*>(.*?)</p>', self.text)]

    @property
    def title(self) -> str:
        return html.unescape(re.search(r"<title>(.*?)</title>", self.text).group(1))

    async def join(self, name: str = "", **extra) -> str:
        await self.get("/")
        return await self.post("/join", {"name": name, **extra})

    @property
    def version(self) -> str | None:
        found = re.search(r'name="version" value="([^"]+)"', self.text)
        return found.group(1) if found else None

    async def answer(self, value, action: str = "answer", **fields) -> str:
        data = [("question", self.question), ("action", action)]
        if self.version:  # the version of the answer the page was drawn from, as a browser sends it
            data.append(("version", self.version))
        for item in (value if isinstance(value, list) else [value] if value is not None else []):
            data.append(("answer", item))
        data += list(fields.items())
        return await self.post("/question", data)


def make_room(flow, folder: Path, **options) -> Room:
    return Room(flow, folder, **options)


@pytest.fixture
async def open_room(tmp_path):
    """Start a room on a flow; every room and browser is closed at the end."""
    started: list = []

    async def start(flow, folder: Path | None = None, **options):
        room = make_room(flow, folder or tmp_path / "room", **options)
        server = TestServer(make_app(room))
        await server.start_server()
        started.append((server, room))
        return server, room

    people: list[Person] = []

    def person(server) -> Person:
        people.append(Person(server))
        return people[-1]

    start.person = person
    yield start
    for one in people:
        await one.http.close()
    for server, room in started:
        await server.close()
        room.close()


def session_file(folder: Path) -> dict:
    [path] = sorted(folder.glob("*.session.yaml"))
    return yaml.safe_load(path.read_text())


async def test_a_participant_joins_answers_every_question_and_gets_the_plan(open_room, appendix2, tmp_path):
    server, room = await open_room(appendix2)
    ann = open_room.person(server)
    await ann.get("/")
    assert "VCSE (voluntary, community and social enterprise)" in ann.text
    await ann.post("/join", {"name": "Ann"})
    assert ann.path.startswith("/question/") and ann.question == "space_to_shape"
    first = appendix2.section(appendix2.question("space_to_shape").section_id)
    assert first.intro and f'<p class="intro">{html.escape(first.intro)}</p>' in ann.text
    assert '<html lang="en-GB">' in ann.text and ann.title.startswith(appendix2.question("space_to_shape").prompt)
    assert "Your seat code:" in ann.text
    folder = tmp_path / "room"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    [path] = folder.glob("*.session.yaml")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert session_file(folder)["prepared_by"] == "Ann" and session_file(folder)["answers"] == {}
    for number, (question, value) in enumerate(APPENDIX2.items(), 1):
        assert ann.question == question
        await ann.answer(value)
        # written after every answer, finished or not
        assert session_file(folder)["answers"] == dict(list(APPENDIX2.items())[:number])
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert ann.path == "/check" and "You have answered every question" in ann.text
    await ann.get("/plan")
    expected = room.seats[path.name.removesuffix(".session.yaml")].session.result().recommendation.label
    assert f"Recommendation: {expected}" in ann.text
    assert len(list(folder.glob("*.session.yaml"))) == 1


async def test_every_download_arrives_as_a_file(open_room, appendix2):
    server, _ = await open_room(appendix2)
    ann = open_room.person(server)
    await ann.join("Ann")
    for value in APPENDIX2.values():
        await ann.answer(value)
    await ann.get("/plan")
    for fmt in ("md", "html", "json", "docx"):
        assert f'href="/plan/{fmt}"' in ann.text
        async with ann.http.get(server.make_url(f"/plan/{fmt}")) as response:
            body = await response.read()
            assert response.status == 200
            assert re.fullmatch(rf'attachment; filename="appendix2-\d{{4}}-\d\d-\d\d\.{fmt}"',
                                response.headers["Content-Disposition"])
        if fmt == "json":
            assert json.loads(body)["prepared_by"] == "Ann"
        elif fmt == "docx":
            assert zipfile.ZipFile(BytesIO(body)).namelist()
        else:
            assert "Ann" in body.decode()


async def test_two_participants_see_only_their_own_answers(open_room, appendix2, tmp_path):
    server, room = await open_room(appendix2)
    ann, bo = open_room.person(server), open_room.person(server)
    await ann.join("Ann")
    await bo.join("Bo")
    await ann.answer("yes")
    await bo.answer("no")
    await ann.answer("wicked")
    await ann.get("/check")
    assert "Ann" in ann.text and "Bo" not in ann.text
    assert ann.text.count('class="summary-answer">Yes, it is genuinely open<') == 1
    assert "No, it is mostly decided" not in ann.text.split("</fieldset>")[-1]
    await bo.get("/check")
    assert bo.text.count('class="summary-answer">No, it is mostly decided<') == 1
    assert 'summary-answer">Yes' not in bo.text and "Ann" not in bo.text
    files = {session_file_named(p)["prepared_by"]: session_file_named(p)["answers"]
             for p in (tmp_path / "room").glob("*.session.yaml")}
    assert files == {"Ann": {"space_to_shape": "yes", "problem_type": "wicked"}, "Bo": {"space_to_shape": "no"}}


def session_file_named(path: Path) -> dict:
    return yaml.safe_load(path.read_text())


async def test_a_reload_a_new_tab_and_another_device_come_back_to_the_same_question(open_room, appendix2):
    server, room = await open_room(appendix2)
    ann = open_room.person(server)
    await ann.join("Ann")
    code = re.search(r'class="code">([A-Z0-9]{6})<', ann.text).group(1)
    await ann.answer("yes")
    await ann.answer("wicked")
    await ann.get("/")  # a reload, or the room's address typed again
    assert ann.path.startswith("/question/") and ann.question == "time_for_relationships"
    phone = open_room.person(server)
    await phone.get("/")
    assert 'action="/join"' in phone.text  # a stranger to the room
    await phone.post("/return", {"code": code.lower()})
    assert phone.path.startswith("/question/") and phone.question == "time_for_relationships"
    await phone.get("/check")
    assert 'summary-answer">A hard problem we struggle to define or solve<' in phone.text
    stranger = open_room.person(server)
    await stranger.get("/")
    await stranger.post("/return", {"code": "AAAAAA"})
    assert stranger.status == 400 and stranger.errors == [
        "Error: Enter the seat code shown on your earlier page, for example K7M2QD"]


async def test_a_room_stopped_and_started_again_keeps_its_seats_and_its_trainer_address(open_room, appendix2,
                                                                                         tmp_path):
    server, room = await open_room(appendix2)
    ann = open_room.person(server)
    await ann.join("Ann")
    await ann.answer("yes")
    cookies = ann.http.cookie_jar.filter_cookies(server.make_url("/"))
    token = room.trainer_token
    await server.close()
    room.close()
    again, room_again = await open_room(appendix2, tmp_path / "room")
    assert room_again.trainer_token == token
    back = open_room.person(again)
    back.http.cookie_jar.update_cookies({key: morsel.value for key, morsel in cookies.items()},
                                        again.make_url("/"))
    await back.get("/")
    assert back.path.startswith("/question/") and back.question == "problem_type"


async def test_a_second_room_cannot_use_the_same_folder(open_room, appendix2, tmp_path):
    from codesign_tui.sessions import SessionOpen

    await open_room(appendix2)
    with pytest.raises(SessionOpen):
        Room(appendix2, tmp_path / "room")


async def test_a_choice_not_made_says_so_and_keeps_the_question(open_room, appendix2):
    server, _ = await open_room(appendix2)
    ann = open_room.person(server)
    await ann.join()
    await ann.answer(None)
    assert ann.status == 400 and ann.question == "space_to_shape"
    assert ann.title.startswith("Error: ")
    assert '<a href="#answer">Select an answer</a>' in ann.text and 'id="answer"' in ann.text
    await ann.answer("maybe")
    assert ann.errors == ["Error: Select one of the answers shown"]


async def test_back_then_keeping_an_answer_carries_on(open_room, appendix2):
    server, _ = await open_room(appendix2)
    ann = open_room.person(server)
    await ann.join()
    assert 'value="back"' not in ann.text  # the first question offers no question before it (a trial found one)
    await ann.answer("yes")
    assert ">Back to the question before</button>" in ann.text
    await ann.answer(None, action="back")
    assert ann.question == "space_to_shape" and 'value="yes" checked' in ann.text
    await ann.answer(None, action="back")
    assert "This is the first question." in ann.text
    await ann.answer("yes")
    assert ann.question == "problem_type"


async def test_changing_an_earlier_answer_sets_later_ones_aside_and_returns_to_where_one_was(open_room, branching,
                                                                                            tmp_path):
    server, _ = await open_room(branching)
    ann = open_room.person(server)
    await ann.join()
    await ann.answer("yes")  # open
    await ann.answer(None, action="skip")  # detail (optional)
    await ann.answer("yes")  # money
    assert ann.question == "people"
    # the engine's count, as the app's title bar and plain mode say it
    assert "3 of up to 7 questions answered" in ann.text
    await ann.get("/question?change=open")
    assert ann.question == "open" and "You are changing an earlier answer" in ann.text
    assert session_file(tmp_path / "room")["session"].get("cursor") is None  # looking changes nothing
    await ann.answer("no")
    assert "Your answer to “Is it open” is now No (it was Yes)." in html.unescape(ann.text)
    assert "Set aside, as they no longer apply" in html.unescape(ann.text)
    assert ann.question == "records"
    assert "1 of 2 questions answered" in ann.text  # no answer left can change the path now
    await ann.get("/question?change=open")
    await ann.answer("yes")
    assert "Brought back, as they apply again" in html.unescape(ann.text)
    assert ann.question == "people"
    assert session_file(tmp_path / "room")["answers"] == {"open": "yes", "detail": None, "money": "yes"}


async def test_leaving_an_earlier_answer_as_it_was_changes_nothing(open_room, appendix2, tmp_path):
    server, _ = await open_room(appendix2)
    ann = open_room.person(server)
    await ann.join()
    await ann.answer("yes")
    await ann.answer("wicked")
    await ann.get("/question?change=space_to_shape")
    await ann.answer(None, action="back")
    assert ann.question == "time_for_relationships"
    # and after a try that did not fit, too
    await ann.get("/question?change=space_to_shape")
    await ann.answer("perhaps")
    assert ann.status == 400 and ann.question == "space_to_shape" and "Leave it as it was" in ann.text
    await ann.answer(None, action="back")
    assert ann.question == "time_for_relationships"
    assert session_file(tmp_path / "room")["answers"] == {"space_to_shape": "yes", "problem_type": "wicked"}


async def test_a_form_from_an_old_page_changes_nothing(open_room, appendix2, tmp_path):
    server, _ = await open_room(appendix2)
    ann = open_room.person(server)
    await ann.join()
    await ann.answer("yes")
    await ann.post("/question", {"question": "budget", "answer": "no"})  # not asked yet
    assert "That page was out of date" in ann.text and ann.question == "problem_type"
    assert session_file(tmp_path / "room")["answers"] == {"space_to_shape": "yes"}


async def test_an_older_page_in_a_second_tab_says_it_is_out_of_date_and_overwrites_nothing(open_room, branching,
                                                                                           tmp_path):
    server, _ = await open_room(branching)
    ann = open_room.person(server)
    await ann.join()
    await ann.answer("yes")  # open
    await ann.get("/question/open")
    first_tab = ann.text  # the first tab shows "Is it open?" answered Yes
    await ann.answer("partly")  # the second tab changes it, and goes on to "How open?"
    await ann.answer("Half open, to begin with")
    assert session_file(tmp_path / "room")["answers"] == {"open": "partly", "detail": "Half open, to begin with"}
    ann.text = first_tab
    await ann.answer("no")  # the first tab, drawn when the answer was Yes
    assert ann.status == 409 and ann.title.startswith("This page is out of date")
    assert "Your answer to question 1 was changed in another tab or window" in html.unescape(ann.text)
    assert session_file(tmp_path / "room")["answers"] == {"open": "partly", "detail": "Half open, to begin with"}
    # a text typed on an older page is shown back, not lost, and not saved over the newer answer
    await ann.get("/question/detail")
    second_tab = ann.text
    await ann.answer("Wide open")
    ann.text = second_tab
    await ann.answer("Open to everyone in the borough")
    assert ann.status == 409 and "Open to everyone in the borough" in ann.text
    assert session_file(tmp_path / "room")["answers"]["detail"] == "Wide open"
    # the page as it is now works
    await ann.get("/question/detail")
    await ann.answer("Open to everyone in the borough")
    assert session_file(tmp_path / "room")["answers"]["detail"] == "Open to everyone in the borough"


async def test_a_stale_remove_button_on_the_register_removes_nothing(open_room, branching, tmp_path):
    server, _ = await open_room(branching)
    ann = open_room.person(server)
    await ann.join()
    for value in ("yes", None, "yes", "yes", ["email"], "No"):
        await ann.answer(value, action="skip" if value is None else "answer")
    assert ann.question == "records"
    await ann.answer(None, action="add", **{"entry-name": "Dee", "entry-type": "paid"})
    await ann.answer(None, action="add", **{"entry-name": "Eli", "entry-type": "unpaid"})
    older = ann.text
    await ann.answer(None, action="remove-0")  # Dee goes; Eli is entry 1 now
    ann.text = older
    await ann.answer(None, action="remove-1")  # the older page's "Remove entry 2" meant Eli
    assert ann.status == 409
    await ann.get("/question/records")
    assert "Eli" in ann.text and "Dee" not in ann.text


async def test_an_optional_text_question_left_empty_is_skipped(open_room, branching, tmp_path):
    server, _ = await open_room(branching)
    ann = open_room.person(server)
    await ann.join()
    await ann.answer("yes")
    assert ann.question == "detail" and "Optional: you can skip it." in ann.text
    await ann.answer("   ")  # "Save and continue" with nothing typed
    assert ann.status == 200 and ann.question == "money" and not ann.errors
    assert session_file(tmp_path / "room")["answers"] == {"open": "yes", "detail": None}
    # a required one still asks for an answer
    await ann.answer(None)
    assert ann.status == 400 and ann.errors == ["Error: Select an answer"]


async def test_every_kind_of_question_and_the_register_as_a_repeatable_form(open_room, branching, tmp_path):
    server, room = await open_room(branching)
    ann = open_room.person(server)
    await ann.join()
    assert 'type="radio"' in ann.text and "<fieldset" in ann.text and "<legend" in ann.text
    await ann.answer("partly")
    assert ann.question == "detail" and "<textarea" in ann.text and "Skip this question" in ann.text
    await ann.answer("Fairly open")
    await ann.answer("no")  # money
    await ann.answer("yes")  # people
    assert ann.question == "channels" and 'type="checkbox"' in ann.text
    await ann.answer([])
    assert ann.errors == ["Error: Select at least one answer, or choose “None of these”"]
    await ann.answer(["post", "email"])
    assert ann.question == "records" and "No entries yet." in ann.text
    # a half-filled entry: errors name each field, and it is kept as a draft in the file
    await ann.answer(None, action="add", **{"entry-name": "Dee", "entry-on": "31/13/2026"})
    assert ann.status == 400
    assert ann.errors == ["Error: Select “Type”", "Error: Enter a real date for “When”, for example 31/03/2026"]
    assert '<a href="#entry-type">' in ann.text and 'value="Dee"' in ann.text
    assert session_file(tmp_path / "room")["session"]["drafts"]["records"]["entry"] == {"name": "Dee",
                                                                                     "on": "31/13/2026"}
    await ann.get("/question")  # a reload keeps what was typed
    assert 'value="Dee"' in ann.text
    await ann.answer(None, action="add", **{"entry-name": "Dee", "entry-type": "paid", "entry-on": "31/03/2026"})
    assert "Entry 1 added" in ann.text and "Remove entry 1" in ann.text
    await ann.answer(None, action="add", **{"entry-name": "Eli", "entry-type": "unpaid"})
    await ann.answer(None, action="remove-0")
    assert "Entry 1 removed" in ann.text and "Eli" in ann.text and "Dee" not in ann.text
    await ann.answer(None, **{"entry-name": "Fay", "entry-type": "paid"})  # save and continue adds it first
    assert ann.path == "/check"
    answers = session_file(tmp_path / "room")["answers"]
    assert answers["channels"] == ["email", "post"] and answers["detail"] == "Fairly open"
    assert answers["records"] == [{"name": "Eli", "type": "unpaid"}, {"name": "Fay", "type": "paid"}]
    assert "drafts" not in session_file(tmp_path / "room")["session"]


async def test_a_choice_typed_and_not_sent_is_kept_as_a_draft_when_going_back(open_room, branching, tmp_path):
    server, _ = await open_room(branching)
    ann = open_room.person(server)
    await ann.join()
    await ann.answer("yes")
    await ann.answer(None, action="back", answer="Half written")  # typed into the text box, then Back
    assert session_file(tmp_path / "room")["session"]["drafts"] == {"detail": "Half written"}
    await ann.answer("yes")
    assert ann.question == "detail" and "Half written</textarea>" in ann.text


async def test_the_room_folder_is_read_by_codesign_cohort_and_render(open_room, appendix2, tmp_path):
    server, _ = await open_room(appendix2)
    ann, bo = open_room.person(server), open_room.person(server)
    await ann.join("Ann")
    for value in APPENDIX2.values():
        await ann.answer(value)
    await bo.join("Bo")
    await bo.answer("no")
    folder = tmp_path / "room"
    assert build_cohort([folder], flow=None).answer_sets == 2  # the unfinished one counts as the report counts it
    run = subprocess.run([sys.executable, "-m", "codesign_tui", "cohort", str(folder)], capture_output=True,
                         text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "2 answer sets" in run.stdout and "1 complete" in run.stdout, run.stdout[:800]
    finished = next(p for p in folder.glob("*.session.yaml") if "Ann" in p.read_text())
    run = subprocess.run([sys.executable, "-m", "codesign_tui", "render", "appendix2", "--answers", str(finished)],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0 and "Ann" in run.stdout, run.stderr


async def test_the_trainer_sees_who_joined_how_far_each_got_and_who_finished(open_room, appendix2):
    server, room = await open_room(appendix2)
    ann, bo, cy = (open_room.person(server) for _ in range(3))
    await ann.join("Ann")
    for value in APPENDIX2.values():
        await ann.answer(value)
    await bo.join("Bo")
    await bo.answer("yes")
    await cy.join("")
    al = open_room.person(server)  # joins last, and gets further than Bo
    await al.join("Al")
    await al.answer("yes")
    await al.answer("wicked")
    trainer = open_room.person(server)
    await trainer.get(f"/trainer/{room.trainer_token}")
    assert trainer.status == 200
    # who is part-way through, as well as who has joined and who has finished
    assert ("<strong>4</strong> joined · <strong>2</strong> in progress · <strong>1</strong> finished"
            in trainer.text)
    cells = (r'<tr><td data-label="Seat number">(.*?)</td><td data-label="Who">(.*?)</td>'
             r'<td data-label="Seat code">(.*?)</td><td data-label="Answered">(.*?)</td>')
    rows = re.findall(cells + r'<td data-label="Finished">(.*?)</td>', trainer.text)
    seat = next(s for s in room.seats.values() if not s.session.prepared_by)
    # the trainer's page is often projected: it shows only enough of a code to tell seats apart; the rows are
    # listed by name (not in the order people joined), or by how far each has got, or by seat number; each
    # seat's number, given in the order people joined, is the one every report names it by (issue 29)
    assert [(r[0], r[1], r[3], r[4]) for r in rows] == [
        ("4", "Al", "2 of 8", "Not yet"), ("1", "Ann", "8 of 8", "Yes"), ("2", "Bo", "1 of 8", "Not yet"),
        ("3", f"Seat {seat.code[:2]}····", "0 of 8", "Not yet")]
    assert all(r[2].endswith("····") for r in rows)
    assert not any(s.code in trainer.text for s in room.seats.values())
    assert "data-live" in trainer.text and 'src="/room.js"' in trainer.text
    # the address in pieces a narrow screen may put on two lines, the port never broken
    assert (f'Participants open <strong class="address-text"><span class="whole">http://</span><wbr><span'
            f' class="may-break">{server.host}</span><wbr><span class="whole">:{server.port}/</span></strong>'
            in trainer.text)
    await trainer.get(f"/trainer/{room.trainer_token}?order=progress")
    rows = re.findall(cells, trainer.text)
    assert [r[1] for r in rows] == ["Ann", "Al", "Bo", f"Seat {seat.code[:2]}····"]
    assert "Listed by how far each has got." in trainer.text and '<a href="?order=name">' in trainer.text
    await trainer.get(f"/trainer/{room.trainer_token}?order=number")
    assert [r[0] for r in re.findall(cells, trainer.text)] == ["1", "2", "3", "4"]
    assert "Listed by seat number." in trainer.text
    assert "How the room answered" in trainer.text and "pie showData" not in trainer.text
    async with trainer.http.get(server.make_url(f"/trainer/{room.trainer_token}/report.md")) as response:
        report = await response.text()
        assert response.headers["Content-Disposition"].startswith("attachment")
    assert "4 answer sets counted from 4 files" in report and "1 complete" in report
    nosy = open_room.person(server)
    await nosy.get("/trainer/" + room.trainer_token[:-1] + ("A" if room.trainer_token[-1] != "A" else "B"))
    assert nosy.status == 404 and "Ann" not in nosy.text


async def test_in_facilitator_mode_the_recommendation_waits_for_one_reveal_for_the_room(open_room, appendix2):
    server, room = await open_room(appendix2, facilitate=True)
    ann = open_room.person(server)
    await ann.join("Ann")
    for value in APPENDIX2.values():
        await ann.answer(value)
    await ann.get("/plan")
    assert "Recommendation:" not in ann.text and "The trainer will reveal the recommendation" in ann.text
    await ann.get("/plan/md")
    assert ann.path == "/plan"  # no download before the reveal either
    trainer = open_room.person(server)
    await trainer.get(f"/trainer/{room.trainer_token}")
    await trainer.post(f"/trainer/{room.trainer_token}/reveal", {}, csrf=False)
    assert trainer.status == 403 and not room.revealed
    await trainer.get(f"/trainer/{room.trainer_token}")
    assert "### Recommendations" not in trainer.text and "Consult" not in trainer.text
    await trainer.post(f"/trainer/{room.trainer_token}/reveal", {})
    # the reveal asks first (issue 29): a page of its own, so that it works without script
    assert not room.revealed and "Reveal the recommendations?" in trainer.text and "Not yet" in trainer.text
    await trainer.post(f"/trainer/{room.trainer_token}/reveal", {"confirm": "yes"})
    assert room.revealed and "The recommendations are revealed" in trainer.text
    assert "<h3>Recommendations</h3>" in trainer.text or "Recommendations</h" in trainer.text
    await ann.get("/plan")
    assert "Recommendation:" in ann.text


async def said_along_the_way(person, values: dict, change: tuple[str, str]) -> str:
    """Every page a participant sees while answering, then changing one answer from the check page."""
    pages = []
    for value in values.values():
        pages.append(await person.answer(value))
    await person.get("/check")
    pages.append(person.text)
    await person.get(f"/question/{change[0]}")
    pages.append(person.text)
    pages.append(await person.answer(change[1]))
    return html.unescape("\n".join(pages))


async def test_before_the_reveal_no_note_names_the_recommendation(open_room, appendix2, tmp_path):
    # without --facilitate the notes say where the answers settle it and when a change moves it ...
    server, room = await open_room(appendix2, tmp_path / "open")
    ann = open_room.person(server)
    await ann.join("Ann")
    said = await said_along_the_way(ann, APPENDIX2, ("learning_culture", "yes"))
    assert "Settled: " in said and "The recommendation is now " in said
    # ... and with it, none of that shows until the trainer reveals the recommendations
    server, room = await open_room(appendix2, tmp_path / "facilitated", facilitate=True)
    bo = open_room.person(server)
    await bo.join("Bo")
    said = await said_along_the_way(bo, APPENDIX2, ("learning_culture", "yes"))
    assert "Settled" not in said and "recommendation is now" not in said and "Co-produce" not in said
    assert "Your answer to “Is your organisation comfortable trying things out" in said  # the change itself is said
    room.reveal()
    await bo.get("/question/learning_culture")
    assert "The recommendation is now " in html.unescape(await bo.answer("no"))


async def test_security_headers_and_cookies(open_room, appendix2):
    server, _ = await open_room(appendix2)
    ann = open_room.person(server)
    async with ann.http.get(server.make_url("/")) as response:
        policy = response.headers["Content-Security-Policy"]
        assert "default-src 'none'" in policy and "frame-ancestors 'none'" in policy
        assert response.headers["Referrer-Policy"] == "no-referrer"
        form_cookie = response.headers["Set-Cookie"]
        ann.text = await response.text()
    assert "HttpOnly" in form_cookie and "SameSite=Strict" in form_cookie
    async with ann.http.post(server.make_url("/join"), data={"csrf": ann.csrf, "name": "Ann"},
                             allow_redirects=False) as response:
        seat_cookie = response.headers["Set-Cookie"]
    assert seat_cookie.startswith("room_seat=") and "HttpOnly" in seat_cookie and "SameSite=Strict" in seat_cookie
    assert re.search(r"room_seat=[A-Za-z0-9_-]{40,};", seat_cookie)
    await ann.get("/question")
    assert "http://" not in ann.text.replace("http://www.w3.org", "") and "https://" not in ann.text


# -- limits ----------------------------------------------------------------------------------------------

async def test_a_form_without_its_token_is_refused_and_changes_nothing(open_room, appendix2, tmp_path):
    server, room = await open_room(appendix2)
    ann = open_room.person(server)
    await ann.get("/")
    await ann.post("/join", {"name": "Ann"}, csrf=False)
    assert ann.status == 403 and "This form has expired" in ann.text
    await ann.post("/join", {"name": "Ann", "csrf": "x" * 32}, csrf=False)
    assert ann.status == 403
    assert not room.seats and not list((tmp_path / "room").glob("*.session.yaml"))
    await ann.join("Ann")
    await ann.post("/question", {"question": "space_to_shape", "answer": "yes"}, csrf=False)
    assert ann.status == 403 and session_file(tmp_path / "room")["answers"] == {}


async def test_an_oversized_request_is_refused(open_room, appendix2, tmp_path):
    server, room = await open_room(appendix2)
    ann = open_room.person(server)
    await ann.join("Ann")
    await ann.post("/question", {"question": "space_to_shape", "answer": "y" * (room.limits.request_bytes + 1)})
    assert ann.status == 413 and "Too much was sent" in ann.text
    await ann.get("/question")
    await ann.post("/question", [("question", "space_to_shape")] + [(f"f{n}", "") for n in range(300)])
    assert ann.status == 413
    assert session_file(tmp_path / "room")["answers"] == {}


async def test_an_answer_too_long_is_refused_and_kept_as_a_draft(open_room, branching, tmp_path):
    server, room = await open_room(branching, limits=Limits(text=50))
    ann = open_room.person(server)
    await ann.join()
    await ann.answer("yes")
    await ann.answer("z" * 60)
    assert ann.status == 400 and ann.errors == ["Error: Keep your answer to 50 characters or fewer"]
    assert session_file(tmp_path / "room")["session"]["drafts"] == {"detail": "z" * 50}


async def test_a_full_room_turns_the_next_person_away(open_room, appendix2, tmp_path):
    server, room = await open_room(appendix2, limits=Limits(participants=2))
    for name in ("Ann", "Bo"):
        await open_room.person(server).join(name)
    late = open_room.person(server)
    await late.join("Cy")
    assert late.status == 503 and "The room is full" in late.text
    assert len(list((tmp_path / "room").glob("*.session.yaml"))) == 2


async def test_the_register_holds_a_limited_number_of_entries(open_room, branching):
    server, room = await open_room(branching, limits=Limits(entries=1))
    ann = open_room.person(server)
    await ann.join()
    await ann.answer("no")  # straight to the records
    assert ann.question == "records"
    await ann.answer(None, action="add", **{"entry-name": "Dee", "entry-type": "paid"})
    assert "This list is full (1 entries)" in ann.text
    await ann.answer(None, action="add", **{"entry-name": "Eli", "entry-type": "paid"})
    assert ann.status == 400 and "A register here holds up to 1 entries" in ann.text


async def test_a_wrong_passphrase_keeps_the_door_shut(open_room, appendix2, tmp_path):
    server, room = await open_room(appendix2, passphrase="blue heron")
    ann = open_room.person(server)
    await ann.get("/")
    assert 'id="passphrase"' in ann.text
    await ann.join("Ann", passphrase="red heron")
    assert ann.status == 400 and ann.errors == ["Error: Enter the passphrase the trainer gave the room"]
    assert not room.seats
    await ann.join("Ann", passphrase="blue heron")
    assert ann.path.startswith("/question/") and len(room.seats) == 1
    code = next(iter(room.seats.values())).code
    phone = open_room.person(server)
    await phone.get("/")
    await phone.post("/return", {"code": code, "return_passphrase": "nope"})
    assert phone.status == 400 and phone.question is None


# -- the command -----------------------------------------------------------------------------------------

def test_codesign_room_prints_both_addresses_on_stdout_and_warns_on_stderr(tmp_path):
    import signal
    import socket
    import threading
    import time

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen([sys.executable, "-m", "codesign_tui", "room", "appendix2", "--dir",
                                str(tmp_path / "room"), "--host", "0.0.0.0", "--port", str(port)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    # should the addresses never reach stdout, the room is closed after a minute and the test fails, not hangs
    closer = threading.Timer(60, os.killpg, (process.pid, signal.SIGINT))
    closer.start()
    try:
        said = []
        for line in process.stdout:
            said.append(line)
            if line.startswith("Press Ctrl+C"):
                break
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:  # the room is listening: Ctrl+C now closes a running room
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
    finally:
        closer.cancel()
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGINT)
        process.wait(timeout=30)
    text = "".join(said)
    rest, warnings = process.stdout.read(), process.stderr.read()
    # the addresses a trainer copies go to stdout; the warning to stderr, and nothing else there
    assert "Warning: listening on 0.0.0.0" in warnings and "Add --passphrase" in warnings
    assert "Warning" not in text and "http" not in warnings and "Participants" not in warnings
    assert re.search(rf"Participants open: http://[^ ]+:{port}/\n", text)
    assert re.search(rf"Your page \(keep it to yourself\): http://[^ ]+:{port}/trainer/[A-Za-z0-9_-]{{30,}}\n", text)
    assert "0.0.0.0:" not in text.split("Participants open:")[1]
    assert process.returncode == 0 and "The room is closed" in rest


async def test_guessing_seat_codes_pauses_after_a_few_wrong_tries(open_room, appendix2):
    now = [1000.0]
    server, room = await open_room(appendix2, limits=Limits(wrong_tries=3), clock=lambda: now[0])
    ann = open_room.person(server)
    await ann.join("Ann")
    code = next(iter(room.seats.values())).code
    guesser = open_room.person(server)
    await guesser.get("/")
    for _ in range(3):
        await guesser.post("/return", {"code": "AAAAAA"})
        assert guesser.status == 400
    await guesser.post("/return", {"code": code})  # even the right code waits
    assert guesser.status == 429 and "Wait a minute" in guesser.text and guesser.question is None
    now[0] += 61
    await guesser.get("/")
    await guesser.post("/return", {"code": code})
    assert guesser.status == 200 and guesser.question == "space_to_shape"


async def test_a_flow_without_a_register_offers_no_conflicts_record_or_public_version(open_room, appendix2):
    """Issue 28: the public version and the conflicts record are offered where the flow has a register of
    interests; asked for without one, the record is not found."""
    server, _ = await open_room(appendix2)
    ann = open_room.person(server)
    await ann.join("Ann")
    for value in APPENDIX2.values():
        await ann.answer(value)
    await ann.get("/plan")
    assert "document=conflicts-assessment" not in ann.text and "version=public" not in ann.text
    async with ann.http.get(server.make_url("/plan/md?document=conflicts-assessment")) as response:
        assert response.status == 404
    async with ann.http.get(server.make_url("/plan/md?document=other")) as response:
        assert response.status == 404
    async with ann.http.get(server.make_url("/plan/md?version=public")) as response:
        assert response.status == 200
        assert re.fullmatch(r'attachment; filename="appendix2-\d{4}-\d\d-\d\d-public\.md"',
                            response.headers["Content-Disposition"])


async def test_each_page_spells_out_an_abbreviation_where_it_first_uses_it(open_room, tmp_path):
    """The app spells out a flow's abbreviations where a person first meets them; the room's pages showed
    them bare ("VCSE" in a prompt, an option, the guidance and its source). Each page now spells out each
    abbreviation once, at its first use on that page (a participant may open any page first), and the
    answers listed on the check page too."""
    from codesign_tui.flow.loader import load_flow

    text = (Path(__file__).resolve().parents[1] / "data" / "branching.yaml").read_text()
    text = text.replace("sources:\n", "terms:\n  - term: VCSE\n    meaning: voluntary, community and social"
                                      " enterprise\nsources:\n", 1)
    text = text.replace("title: A source", "title: The VCSE source", 1)
    text = text.replace("        prompt: Is it open?\n", "        prompt: Is it open to VCSE groups?\n"
                                                     "        guidance: Ask the VCSE groups first.\n", 1)
    (tmp_path / "branching.yaml").write_text(text)
    flow = load_flow(tmp_path / "branching.yaml")
    server, _ = await open_room(flow)
    ann = open_room.person(server)
    await ann.join("Ann")
    assert ann.question == "open"
    spelt = "VCSE (voluntary, community and social enterprise)"
    assert f"<h1>Is it open to {spelt} groups?</h1>" in ann.text
    assert ann.text.count(spelt) == 1, ann.text  # the guidance and its source, further down, say VCSE bare
    assert "<p>Ask the VCSE groups first.</p>" in ann.text and "Source: The VCSE source" in ann.text
    await ann.answer("no")
    await ann.get("/check")
    assert f"Is it open to {spelt} groups?" in ann.text
