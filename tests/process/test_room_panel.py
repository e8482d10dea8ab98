"""A panel in the room (issue 31, item 4): the trainer groups three to six seats as voices on one piece of work;
the trainer's page shows each question where their answers differ, as they answer, and what each voice's answers
lead to only with the round's reveal."""

from __future__ import annotations

import html
import json

import yaml

from codesign_tui.flow.voices import compare
from codesign_tui.plan.compare import change_words

from test_room import APPENDIX2, open_room  # noqa: F401  (the fixture)

LEVELS = ("Inform and check back", "Consult", "Co-design", "Co-produce")
# the commissioner's answers (Co-produce), a VCSE partner's (budget Partly: Co-design) and lived experience's
# (space to shape No: Consult)
MINE = {**APPENDIX2, "time_for_relationships": "yes", "learning_culture": "yes"}
ANSWERS = {"Ann": MINE, "Bo": {**MINE, "budget": "partly"}, "Cy": {**MINE, "space_to_shape": "no"}}


async def panel_room(open_room, appendix2, answers=ANSWERS, **options):  # noqa: F811
    server, room = await open_room(appendix2, facilitate=True, **options)
    people = {}
    for name, given in answers.items():
        person = open_room.person(server)
        await person.join(name)
        for value in given.values():
            await person.answer(value)
        people[name] = person
    trainer = open_room.person(server)
    await trainer.get(f"/trainer/{room.trainer_token}")
    return server, room, trainer, people


def seat_names(room) -> dict[str, str]:
    return {seat.name: name for name, seat in room.seats.items()}


async def test_a_panel_shows_where_its_answers_differ_and_the_recommendations_only_after_the_reveal(
        open_room, appendix2, tmp_path):  # noqa: F811
    from codesign_tui.room.seats import Room

    server, room, trainer, people = await panel_room(open_room, appendix2)
    assert "A panel of voices" in trainer.text and 'name="voice-1" maxlength="40" value="Ann"' in trainer.text
    names = seat_names(room)
    await trainer.post(f"/trainer/{room.trainer_token}/panel", [
        ("seat", names["Ann"]), ("seat", names["Bo"]), ("seat", names["Cy"]), ("action", "make"),
        ("voice-1", "Commissioner"), ("voice-2", "VCSE partner"), ("voice-3", "")])  # blank: the person's name
    page = html.unescape(trainer.text)
    assert "The panel has 3 voices: Commissioner, VCSE partner, Cy." in page
    section = page[page.index("Where the panel's answers differ"):page.index("The room's answers so far")]
    budget, space = appendix2.question("budget"), appendix2.question("space_to_shape")
    assert f"Question {appendix2.number('budget')}: {budget.prompt}" in section
    assert f"Question {appendix2.number('space_to_shape')}: {space.prompt}" in section
    assert f'<td data-label="Answer">{budget.label("partly")}</td>' in section
    assert f'<td data-label="Answer">{space.label("no")}</td>' in section
    assert "6 questions answered alike by the whole panel so far" in section
    # before the reveal the page (perhaps on a projector) names no recommendation, nor what a difference changes
    assert not any(level in page for level in LEVELS) and "the recommendation stays" not in page
    assert "show here when you reveal the recommendations" in section

    await trainer.post(f"/trainer/{room.trainer_token}/reveal", {"confirm": "yes"})
    page = html.unescape(trainer.text)
    section = page[page.index("Where the panel's answers differ"):page.index("The room's answers so far")]
    # what each difference changes: the engine's comparison, worded by plan/compare.py
    comparison = compare(appendix2, [("Commissioner", ANSWERS["Ann"]), ("VCSE partner", ANSWERS["Bo"]),
                                     ("Cy", ANSWERS["Cy"])])
    expected = [change_words(comparison, d, c, named=False) for d in comparison.differences for c in d.changes]
    assert len(expected) == 2 and all(words in section for words in expected)
    for voice in comparison.voices:
        assert (f'<td data-label="Voice">{voice.name}</td><td data-label="Recommendation">'
                f'{voice.result.levels.recommendation.label}</td>') in section
    assert [voice.result.levels.recommendation.label for voice in comparison.voices] == [
        "Co-produce", "Co-design", "Consult"]
    held = comparison.common_result.levels.recommendation.label
    assert f"On what everyone agrees, the recommendation is <strong>{held}</strong>" in section

    # the room's index keeps the panel: a room started again shows it
    await server.close()
    room.close()
    assert json.loads((tmp_path / "room" / ".room.json").read_text())["panel"] == [
        {"seat": 1, "voice": "Commissioner"}, {"seat": 2, "voice": "VCSE partner"}, {"seat": 3, "voice": "Cy"}]
    again = Room(appendix2, tmp_path / "room", facilitate=True)
    try:
        assert [(m.seat, m.voice) for m in again.panel] == [(1, "Commissioner"), (2, "VCSE partner"), (3, "Cy")]
    finally:
        again.close()


async def test_the_panel_follows_the_answers_live(open_room, appendix2):  # noqa: F811
    answers = {"Ann": {}, "Bo": {}, "Cy": {}}
    server, room, trainer, people = await panel_room(open_room, appendix2, answers)
    await trainer.post(f"/trainer/{room.trainer_token}/panel", [("seat", n) for n in seat_names(room).values()])
    assert "No differences yet." in trainer.text
    for name in ("Ann", "Bo"):
        await people[name].get("/question")
        await people[name].answer("yes")
    await people["Cy"].get("/question")
    await people["Cy"].answer("no")
    await trainer.get(f"/trainer/{room.trainer_token}")
    assert "No differences yet." not in trainer.text and "Question 1:" in trainer.text
    await people["Ann"].answer("wicked")  # one voice ahead: not a difference until another answers it
    await trainer.get(f"/trainer/{room.trainer_token}")
    assert "Question 2:" not in trainer.text and "1 answered by some of the panel, not yet all" in trainer.text
    await trainer.post(f"/trainer/{room.trainer_token}/panel", {"action": "end"})
    assert "The panel has ended" in trainer.text and "Where the panel's answers differ" not in trainer.text
    assert room.panel == []


async def test_a_panel_of_fewer_than_three_or_more_than_six_is_refused_with_a_clear_message(open_room, appendix2):  # noqa: F811
    from codesign_tui.room.seats import Limits

    answers = {f"P{n}": {} for n in range(7)}
    server, room, trainer, _ = await panel_room(open_room, appendix2, answers, limits=Limits(joins=10))
    names = list(seat_names(room).values())
    await trainer.post(f"/trainer/{room.trainer_token}/panel", [("seat", n) for n in names[:2]])
    assert "A panel has three to six voices: you chose 2." in trainer.text and room.panel == []
    await trainer.post(f"/trainer/{room.trainer_token}/panel", [("seat", n) for n in names])
    assert "A panel has three to six voices: you chose 7." in trainer.text and room.panel == []
    await trainer.post(f"/trainer/{room.trainer_token}/panel", [*(("seat", n) for n in names[:3]),
                                                                ("voice-1", "Partner"), ("voice-2", "partner")])
    assert "both called Partner" in trainer.text and room.panel == []
    await trainer.post(f"/trainer/{room.trainer_token}/panel", [("seat", n) for n in names[:6]])
    assert len(room.panel) == 6 and "The panel has 6 voices" in trainer.text


async def test_a_panel_form_without_its_token_changes_nothing(open_room, appendix2):  # noqa: F811
    server, room, trainer, _ = await panel_room(open_room, appendix2)
    await trainer.post(f"/trainer/{room.trainer_token}/panel", [("seat", n) for n in seat_names(room).values()],
                       csrf=False)
    assert trainer.status == 403 and room.panel == []


async def test_a_new_round_keeps_the_panel_and_a_freed_seat_leaves_it(open_room, appendix2):  # noqa: F811
    server, room, trainer, people = await panel_room(open_room, appendix2)
    names = seat_names(room)
    await trainer.post(f"/trainer/{room.trainer_token}/panel", [("seat", n) for n in names.values()])
    await trainer.post(f"/trainer/{room.trainer_token}/round", {"confirm": "yes"})
    assert room.round == 2 and [m.voice for m in room.panel] == ["Ann", "Bo", "Cy"]
    assert "The panel: Ann (seat 1); Bo (seat 2); Cy (seat 3)." in html.unescape(trainer.text)
    assert "No differences yet." in trainer.text  # round 2's answers, none yet
    await people["Cy"].get("/question")
    await people["Cy"].answer("no")
    await people["Ann"].get("/question")
    await people["Ann"].answer("yes")
    await trainer.get(f"/trainer/{room.trainer_token}")
    assert "Question 1:" in trainer.text
    room.free(seat_names(room)["Cy"])
    await trainer.get(f"/trainer/{room.trainer_token}")
    assert "Cy left the room, so is no longer compared." in trainer.text and "Question 1:" not in trainer.text


async def test_a_room_that_asks_for_voices_keeps_each_ones_view_on_its_plan(open_room, appendix2, tmp_path):  # noqa: F811
    """Issue 31, item 1 in the room: `codesign room --voices` asks each person who joins whose view they give;
    the session keeps it, the plan says it, and the panel takes it as the voice's name. A room without the
    option asks nothing and keeps nothing posted."""
    server, room = await open_room(appendix2, voices=True)
    ann = open_room.person(server)
    await ann.get("/")
    assert 'name="voice"' in ann.text and "Whose view are you giving?" in ann.text
    await ann.post("/join", {"name": "Ann", "voice": "  VCSE   partner "})
    [path] = (tmp_path / "room").glob("*.session.yaml")
    assert yaml.safe_load(path.read_text())["voice"] == "VCSE partner"
    for value in APPENDIX2.values():
        await ann.answer(value)
    async with ann.http.get(server.make_url("/plan/md")) as response:
        assert "Answered as: VCSE partner" in await response.text()
    trainer = open_room.person(server)
    await trainer.get(f"/trainer/{room.trainer_token}")
    assert 'value="VCSE partner"' in trainer.text  # the panel's form names the seat by its voice
    bea = open_room.person(server)
    await bea.get("/")
    await bea.post("/join", {"name": "Bea", "voice": "x" * 81})
    assert bea.status == 400 and "Keep whose view you give to 80 characters or fewer" in bea.text
    assert 'value="' + "x" * 81 + '"' in bea.text  # what was typed is kept

    server, room = await open_room(appendix2, tmp_path / "other")
    cy = open_room.person(server)
    await cy.get("/")
    assert 'name="voice"' not in cy.text
    await cy.post("/join", {"name": "Cy", "voice": "VCSE partner"})
    [path] = (tmp_path / "other").glob("*.session.yaml")
    assert "voice" not in yaml.safe_load(path.read_text())
