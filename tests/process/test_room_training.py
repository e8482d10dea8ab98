"""A training session in the room (issue 29): a room from a worked example (its scenario first and one link
away, its answers never shown), seat numbers every report names people by, the trainer's pacing (hold,
move on, pause) and a reveal that asks first, after which the trainer's report compares the room with the
case."""

from __future__ import annotations

import html
import re
import json

import yaml

from codesign_tui.plan.handout import examples_by_name
from codesign_tui.resources import flows_dir

from test_room import APPENDIX2, open_room  # noqa: F401  (the fixture)

OLDHAM = examples_by_name(flows_dir())["point-oldham"]
LEVELS = ("Inform and check back", "Consult", "Co-design", "Co-produce")


async def example_room(open_room, appendix2, **options):  # noqa: F811
    server, room = await open_room(appendix2, facilitate=True, **options)
    room.example = OLDHAM
    return server, room


async def finished_in_example_room(open_room, appendix2):  # noqa: F811
    """A room about point-oldham where Ann has answered every question and is on her plan's page."""
    server, room = await example_room(open_room, appendix2)
    ann = open_room.person(server)
    await ann.join("Ann")
    await ann.get("/question")
    for value in APPENDIX2.values():
        await ann.answer(value)
    await ann.get("/plan")
    return server, room, ann


async def test_a_room_from_a_worked_example_shows_its_scenario_first_and_never_its_answers(open_room, appendix2):  # noqa: F811
    server, room = await example_room(open_room, appendix2)
    ann = open_room.person(server)
    await ann.join("Ann")
    assert ann.path == "/scenario" and OLDHAM.title in html.unescape(ann.text) and "parent carer forum" in ann.text
    assert 'href="/question"' in ann.text
    for secret in (OLDHAM.note[:60], "Our assumption", "Not sure", *LEVELS):
        assert secret not in ann.text
    await ann.get("/question")
    assert ann.question == "space_to_shape" and '<a href="/scenario">The scenario</a>' in ann.text
    for value in APPENDIX2.values():
        assert '<a href="/scenario">The scenario</a>' in ann.text  # one link away on every question page
        await ann.answer(value)
    for path in ("/check", "/plan"):
        await ann.get(path)
        assert not any(level in ann.text for level in LEVELS), path
    nobody = open_room.person(server)
    await nobody.get("/scenario")  # the scenario is no secret: it is on the handout too
    assert nobody.status == 200 and 'href="/"' in nobody.text


async def test_the_scenario_page_is_not_there_in_a_room_without_an_example(open_room, appendix2):  # noqa: F811
    server, _ = await open_room(appendix2)
    ann = open_room.person(server)
    await ann.get("/scenario")
    assert ann.status == 404


async def test_each_seat_gets_a_number_kept_in_its_file_and_never_given_twice(open_room, appendix2, tmp_path):  # noqa: F811
    server, room = await open_room(appendix2)
    people = [open_room.person(server) for _ in range(3)]
    for number, person in enumerate(people, 1):
        await person.join(f"Person {number}")
    numbers = {seat.name: seat.session.seat for seat in room.seats.values()}
    assert numbers == {"Person 1": 1, "Person 2": 2, "Person 3": 3}
    files = {yaml.safe_load(p.read_text())["prepared_by"]: yaml.safe_load(p.read_text())["session"]["seat"]
             for p in (tmp_path / "room").glob("*.session.yaml")}
    assert files == numbers
    third = next(name for name, seat in room.seats.items() if seat.session.seat == 3)
    room.free(third)
    late = open_room.person(server)
    await late.join("Late")
    assert next(s.session.seat for s in room.seats.values() if s.name == "Late") == 4


async def test_the_trainer_holds_the_room_moves_it_on_and_pauses_it(open_room, appendix2):  # noqa: F811
    server, room = await open_room(appendix2)
    trainer = open_room.person(server)
    await trainer.get(f"/trainer/{room.trainer_token}")
    assert "Off: everyone answers at their own speed." in trainer.text
    await trainer.post(f"/trainer/{room.trainer_token}/pace", {"action": "hold", "hold": "2"})
    assert "The room waits at question 2" in trainer.text
    ann = open_room.person(server)
    await ann.join("Ann")
    await ann.answer("yes")
    form_token = ann.csrf
    await ann.answer("wicked")
    assert ann.path == "/question/time_for_relationships" and "Wait here" in ann.text and "waiting at question 2" in ann.text
    assert "data-follow" in ann.text and 'http-equiv="refresh"' in ann.text  # follows with and without script
    assert ann.question is None  # no form to answer question 3 with
    # a page from before the hold cannot answer past it either: what was sent is kept as a draft, not an answer
    await ann.post("/question", [("csrf", form_token), ("question", "time_for_relationships"), ("action", "answer"),
                                 ("answer", "yes")], csrf=False)
    seat = next(iter(room.seats.values()))
    assert "time_for_relationships" not in seat.session.answers and "Wait here" in ann.text
    await trainer.get(f"/trainer/{room.trainer_token}")
    await trainer.post(f"/trainer/{room.trainer_token}/pace", {"action": "next"})
    assert "moves on to question 3" in trainer.text
    await ann.get("/question")
    assert ann.question == "time_for_relationships"
    await ann.answer("yes")
    assert "waiting at question 3" in ann.text
    await trainer.get(f"/trainer/{room.trainer_token}")
    await trainer.post(f"/trainer/{room.trainer_token}/pace", {"action": "pause"})
    bo = open_room.person(server)
    await bo.join("Bo")
    assert "paused the room" in bo.text and bo.question is None  # wherever they are
    await trainer.get(f"/trainer/{room.trainer_token}")
    await trainer.post(f"/trainer/{room.trainer_token}/pace", {"action": "off"})
    await bo.get("/question")
    await ann.get("/question")
    assert bo.question == "space_to_shape" and ann.question == "budget"


async def test_after_the_confirmed_reveal_the_trainer_sees_the_room_against_the_case(open_room, appendix2):  # noqa: F811
    server, room = await example_room(open_room, appendix2)
    for number in range(3):
        person = open_room.person(server)
        await person.join(f"Person {number}")
        await person.get("/question")
        for value in APPENDIX2.values():
            await person.answer(value)
    trainer = open_room.person(server)
    await trainer.get(f"/trainer/{room.trainer_token}")
    assert "<strong>3</strong> finished" in trainer.text
    assert "the case" not in trainer.text and not any(level in trainer.text for level in LEVELS)
    await trainer.post(f"/trainer/{room.trainer_token}/reveal", {})
    assert "Reveal the recommendations?" in trainer.text and "compares with the case" in trainer.text
    await trainer.post(f"/trainer/{room.trainer_token}/reveal", {"confirm": "yes"})
    assert room.revealed
    assert "The room against the case: POINT Oldham" in html.unescape(trainer.text)
    assert "reached the case" in trainer.text and "Furthest from the case: seats 1, 2 and 3" in trainer.text


async def test_a_new_round_keeps_the_seats_and_gives_each_round_its_folder_and_its_reveal(open_room, appendix2,  # noqa: F811
                                                                                          tmp_path):
    from codesign_tui.cohort import build_cohort
    from codesign_tui.cohort.gather import revealed
    from codesign_tui.room.seats import Room

    server, room = await example_room(open_room, appendix2)
    ann, bo = open_room.person(server), open_room.person(server)
    for person, name in ((ann, "Ann"), (bo, "Bo")):
        await person.join(name)
        await person.get("/question")
        for value in APPENDIX2.values():
            await person.answer(value)
    trainer = open_room.person(server)
    await trainer.get(f"/trainer/{room.trainer_token}")
    await trainer.post(f"/trainer/{room.trainer_token}/reveal", {"confirm": "yes"})
    await trainer.post(f"/trainer/{room.trainer_token}/round", {})
    assert "Start a new round?" in trainer.text and room.round == 0  # it asks first
    await trainer.post(f"/trainer/{room.trainer_token}/round", {"confirm": "yes"})
    folder = tmp_path / "room"
    assert room.round == 2 and not room.revealed and "Round 2 has started" in trainer.text
    assert "The room against the case" not in trainer.text and "Consult" not in trainer.text
    assert not list(folder.glob("*.session.yaml"))
    assert build_cohort([folder / "round-1"]).answer_sets == 2 and build_cohort([folder / "round-2"]).answer_sets == 2
    assert revealed([folder / "round-1"]) and not revealed([folder / "round-2"])
    await ann.get("/question")  # the same seat, the questions from the start
    assert ann.question == "space_to_shape" and "Round 2 has started" in ann.text
    await ann.answer("no")
    seats = {s.name: s.session.seat for s in room.seats.values()}
    assert seats == {"Ann": 1, "Bo": 2}
    files = [yaml.safe_load(p.read_text()) for p in (folder / "round-2").glob("*.session.yaml")]
    assert sorted((f["prepared_by"], f["session"]["seat"], f["answers"]) for f in files) == [
        ("Ann", 1, {"space_to_shape": "no"}), ("Bo", 2, {})]
    # the room stopped and started again carries on in round 2
    await server.close()
    room.close()
    again = Room(appendix2, folder, facilitate=True)
    try:
        assert again.round == 2 and again.rounds == {1: True} and not again.revealed
        assert {s.session.seat: s.session.answers for s in again.seats.values()} == {
            1: {"space_to_shape": "no"}, 2: {}}
    finally:
        again.close()


async def test_the_trainer_chooses_a_worked_example_on_the_room_page_before_anyone_answers(open_room, appendix2,  # noqa: F811
                                                                                           tmp_path):
    from codesign_tui.room.seats import Room

    server, room = await open_room(appendix2, facilitate=True)
    early = open_room.person(server)
    await early.join("Early")  # seated before the choice: told on the next page
    trainer = open_room.person(server)
    await trainer.get(f"/trainer/{room.trainer_token}")
    assert "Have the room discuss a worked example" in trainer.text
    assert f'<option value="point-oldham">{OLDHAM.title}</option>' in html.unescape(trainer.text)
    await trainer.post(f"/trainer/{room.trainer_token}/example", {"example": "point-oldham"})
    assert room.example is not None and room.example.name == "point-oldham"
    assert "participants read its scenario first" in trainer.text
    for secret in ("Our assumption", *LEVELS):  # the page may be projected: the case's answers stay hidden
        assert secret not in trainer.text
    late = open_room.person(server)
    await late.join("Late")
    assert late.path == "/scenario" and "parent carer forum" in late.text
    await early.get("/question")
    assert "read its scenario" in html.unescape(early.text) and '<a href="/scenario">The scenario</a>' in early.text
    await early.answer("yes")
    await trainer.get(f"/trainer/{room.trainer_token}")
    assert "Discuss another example" not in trainer.text  # someone has answered: the case is fixed
    await trainer.post(f"/trainer/{room.trainer_token}/example", {"example": "bolton-co-design-toolkit"})
    assert room.example.name == "point-oldham" and "start a new round" in trainer.text
    room.close()  # the choice outlives the room: its index keeps it
    assert json.loads((tmp_path / "room" / ".room.json").read_text())["example"] == "point-oldham"
    again = Room(appendix2, tmp_path / "room", facilitate=True)
    try:
        assert again.example is not None and again.example.name == "point-oldham"
    finally:
        again.close()


async def test_a_room_folder_of_rounds_is_reported_as_its_current_round(open_room, appendix2, tmp_path):  # noqa: F811
    from codesign_tui.cohort import build_cohort, render_json, render_markdown

    server, room = await example_room(open_room, appendix2)
    people = [open_room.person(server) for _ in range(3)]
    for number, person in enumerate(people):
        await person.join(f"Person {number}")
        await person.get("/question")
        for value in APPENDIX2.values():
            await person.answer(value)
    trainer = open_room.person(server)
    await trainer.get(f"/trainer/{room.trainer_token}")
    await trainer.post(f"/trainer/{room.trainer_token}/round", {"confirm": "yes"})
    await people[0].get("/question")
    await people[0].answer("no")
    await room.settle()
    folder = tmp_path / "room"
    cohort = build_cohort([folder])
    # each seat once: round 2's three answer sets, not round 1's and round 2's together
    assert cohort.answer_sets == 3 and cohort.files == 3
    assert next(q for q in cohort.flows[0].questions if q.question.id == "space_to_shape").answered == 1
    report = render_markdown(cohort)
    assert "is a room of 2 rounds: this report reads the current one" in report and "round-2" in report
    assert "round-1 for round 1" in report
    assert json.loads(render_json(cohort))["rounds"] == cohort.rounds
    assert build_cohort([folder / "round-1"]).answer_sets == 3 and not build_cohort([folder / "round-1"]).rounds


async def test_a_background_refresh_leaves_the_new_round_note_for_the_page_the_person_reads(open_room, appendix2):  # noqa: F811
    server, room, ann = await finished_in_example_room(open_room, appendix2)
    trainer = open_room.person(server)
    await trainer.get(f"/trainer/{room.trainer_token}")
    await trainer.post(f"/trainer/{room.trainer_token}/round", {"confirm": "yes"})
    # the waiting plan page fetches itself again (room.js), follows the room into round 2, then reloads
    async with ann.http.get(server.make_url("/plan"), headers={"X-Room-Refresh": "1"}) as response:
        fetched = await response.text()
    assert response.url.path.startswith("/question/") and "data-follow" not in fetched
    await ann.get(str(response.url.path))  # the reload: the page the person reads
    assert "Round 2 has started" in ann.text
    await ann.get(str(response.url.path))  # and said once
    assert "Round 2 has started" not in ann.text


async def test_after_the_reveal_each_answer_is_beside_the_cases_with_its_reasoning(open_room, appendix2):  # noqa: F811
    """Issue 29, item 6 in the room: the case's answer to each question, with the case's reasoning, is shown
    after the round's reveal (never before), each difference marked."""
    server, room, ann = await finished_in_example_room(open_room, appendix2)
    assert "beside the case" not in ann.text and OLDHAM.reasons["budget"][:40] not in html.unescape(ann.text)
    room.reveal()
    await ann.get("/plan")
    page = html.unescape(ann.text)
    assert "Your answers beside the case's" in page
    rows = re.findall(r"<tr( class=\"differs\")?><th scope=\"row\">(.*?)</th><td[^>]*>(.*?)</td><td[^>]*>(.*?)</td>"
                      r"<td[^>]*>(.*?)</td>", page, flags=re.S)
    assert [prompt for _, prompt, *_ in rows] == [appendix2.question(q).prompt for q in OLDHAM.answers]
    for (differs, prompt, yours, theirs, reason), question_id in zip(rows, OLDHAM.answers):
        assert bool(differs) == (APPENDIX2[question_id] != OLDHAM.answers[question_id]), prompt
        assert reason == OLDHAM.reasons[question_id]
    assert sum(1 for row in rows if row[0]) == sum(APPENDIX2[q] != OLDHAM.answers[q] for q in OLDHAM.answers)
