"""The full-screen app under stress: keys in bursts faster than the screen changes, never crashing it or
answering the wrong question."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
import yaml
from textual import events
from textual.widgets import Input, Static

from codesign_tui.flow.conversation import Conversation
from codesign_tui.sessions import SessionStore
from codesign_tui.tui.app import make_app
from codesign_tui.tui.screens.conversation import ConversationScreen
from codesign_tui.tui.widgets.turns import AnswerTurn, Transcript, answer_label
from codesign_tui.tui.widgets.text_box import FieldBox

from test_tui import _flow, current, press


def send_burst(app, keys: list[str]) -> list[events.Key]:
    """Every key posted before the app handles the first, as a terminal delivers one large write (Pilot's
    press waits for each key to be handled)."""
    sent = []
    for key in keys:
        character = {"enter": "\r", "space": " ", "backspace": "\x7f", "tab": "\t", "escape": "\x1b"}.get(
            key, key if len(key) == 1 else None)
        event = events.Key(key, character)
        sent.append(event)
        app.post_message(event)
    return sent


async def settle(pilot, seen: list, sent: list[events.Key]) -> None:
    """Wait until the app has handled every key sent and everything they set off: all the keys seen, no
    change of question under way, and no message handled for a few pauses running."""
    ids = {id(key) for key in sent}
    for _ in range(20_000):
        if ids <= {id(message) for message in seen}:
            break
        await pilot.pause()
    def handled() -> int:  # Callback: what a pause itself asks for
        return sum(1 for message in seen if not isinstance(message, events.Callback))

    still, count = 0, handled()
    while still < 5:
        await pilot.pause()
        screen = pilot.app.screen
        changing = getattr(screen, "changing", None)  # a change of question under way
        busy = changing is not None and changing.locked()
        still = 0 if busy or handled() != count else still + 1
        count = handled()


# mostly what answers (numbers and Enter), with what moves about, goes back, changes an earlier answer and
# types a reply; weighted so that most of the burst answers questions rather than typing into the reply box
BURST_KEYS = [*"1234567891234123", *["enter"] * 8, "up", "down", "space", "backspace", "tab", "escape",
              "ctrl+b", *"yes no", ","]


@pytest.mark.parametrize("flow_name, seed", [("appendix2", 1), ("engagement-plan", 2),
                                             ("conflicts-of-interest", 3)])
async def test_a_burst_of_two_thousand_keys_to_a_resumed_session(flow_name, seed, monkeypatch):
    """From an attack: 'Enter 1' sent as one write crashed the app (a question turn reused before its parts
    were mounted), and a key handled for a question already answered answered the next one. 2,000 seeded
    random keys, all sent before the first is handled: the app lives, and every answer it took was given
    to the question on screen, from a key handled while that question was on screen."""
    store = SessionStore()
    app = make_app(flow=_flow(flow_name), store=store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await press(pilot, *("Library", "enter") if flow_name == "engagement-plan" else "1")
        assert len(app.screen.session.answers) == 1
        name = app.screen.session.name
        await press(pilot, "ctrl+q")

    # every answer the conversation takes, with the question on screen as it is taken
    taken: list[tuple[str, str | None, object]] = []
    answer = Conversation.answer

    def watched(self, value):
        screen = app.screen
        shown = screen.shown.id if isinstance(screen, ConversationScreen) and screen.shown else None
        taken.append((self.session.current.id, shown, value))
        return answer(self, value)

    monkeypatch.setattr(Conversation, "answer", watched)
    seen: list = []
    app = make_app(resume=name, store=store)
    async with app.run_test(size=(100, 30), message_hook=seen.append) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ConversationScreen)
        keys = random.Random(seed).choices(BURST_KEYS, k=2000)
        sent = send_burst(app, keys)
        await settle(pilot, seen, sent)
        assert app.is_running and isinstance(app.screen, ConversationScreen)
        session = app.screen.session
        assert taken, "the burst answered nothing: it did not test what it means to"
        # each answer went to the question on screen, and came from a key handled while it was there
        meant = {(m.question.id, type(m).__name__) for m in seen if getattr(m, "question", None) is not None
                 and type(m).__name__ in ("Chosen", "Picked", "Sent", "Finished", "Done", "Pressed")}
        asked = {question for question, _ in meant}
        for question, shown, _ in taken:
            assert question == shown, f"{question} was answered while {shown} was on screen"
            assert question in asked, f"{question} was answered by no key handled for it"
        # what the screen shows is what the session holds
        drawn = {turn.question.id: str(turn.made_of[1]) for turn in app.screen.query_one(Transcript).turns()
                 if isinstance(turn, AnswerTurn)}
        flow = app.screen.flow
        for question_id, label in drawn.items():
            assert label == answer_label(flow.question(question_id), session.answers[question_id])
        answers = dict(session.answers)
        await press(pilot, "ctrl+q")
    # saved as held, and resumed without an answer set aside as not fitting its question
    saved = yaml.safe_load(next((Path.cwd() / "codesign-data" / "sessions").glob("*.session.yaml")).read_text())
    assert (saved.get("answers") or {}) == answers
    app = make_app(resume=name, store=store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ConversationScreen)
        assert app.screen.checked == [] and dict(app.screen.session.answers) == answers


async def test_enter_then_a_number_in_one_burst_answers_two_questions_or_says_why_not():
    """`Enter 1` on the first question: the first answered by Enter; the 1 answers the second question only
    if it was handled once that question was on screen, and otherwise the hint says a key was not used.
    Never the first question's answer given to the second."""
    app = make_app(flow=_flow("appendix2"))
    seen: list = []
    async with app.run_test(size=(100, 30), message_hook=seen.append) as pilot:
        await pilot.pause()
        assert current(app) == "space_to_shape"
        for keys in (["enter", "1"] * 3, ["enter", "enter"], ["1", "1", "1"], ["enter", "1"]):
            before = dict(app.screen.session.answers)
            sent = send_burst(app, keys)
            await settle(pilot, seen, sent)
            answers = app.screen.session.answers
            new = [q for q in answers if q not in before]
            assert new, keys
            flow = app.screen.flow
            for question_id in new:
                assert answers[question_id] in flow.question(question_id).values
            hint = app.screen.query_one("#reply-hint", Static)
            if len(new) < len(keys):
                assert "did not answer it" in str(hint.content), (keys, new)


async def test_a_reply_typed_ahead_goes_to_the_next_question_and_a_refused_one_stays():
    """Typed faster than the screen changes, 'Library', Enter, 'not sure' reaches the reply box of the next
    question rather than running on into the first reply or being lost as the box is emptied for the next
    question; a reply the question does not take goes back into the box to be mended."""
    app = make_app(flow=_flow("engagement-plan"))
    seen: list = []
    async with app.run_test(size=(100, 30), message_hook=seen.append) as pilot:
        await pilot.pause()
        assert current(app) == "work_summary"
        sent = send_burst(app, [*"Library", "enter", *"not sure"])
        await settle(pilot, seen, sent)
        assert app.screen.session.answers["work_summary"] == "Library"
        assert current(app) == "space_to_shape"
        assert app.screen.query_one("#composer", Input).value == "not sure"
        await press(pilot, "enter")
        assert app.screen.session.answers["space_to_shape"] == "unsure"
        # "the big one" is no answer to the next question: it stays in the box, with what to do
        assert current(app) == "problem_type"
        sent = send_burst(app, [*"the big one", "enter"])
        await settle(pilot, seen, sent)
        assert current(app) == "problem_type"
        assert app.screen.query_one("#composer", Input).value == "the big one"
        assert str(app.screen.query_one("#reply-hint", Static).content)


# -- what is typed, pasted or saved never reaches the terminal raw -------------------------------------------

TITLE = "\x1b]0;PWN0\x1b\\"          # OSC 0: the window's title and icon
TITLE2 = "\x1b]2;PWN2\x07"           # OSC 2: the window's title, ended by BEL
CLIPBOARD = "\x1b]52;c;cm0gLXJmIH4=\x1b\\"  # OSC 52: writes "rm -rf ~" to the clipboard


def drawn(widget) -> str:
    """Every character the widget draws, as the terminal would receive it."""
    return "".join(segment.text for y in range(widget.size.height) for segment in widget.render_line(y))


def raw(text: str) -> bool:
    return any(character in text for character in "\x1b\x07\x9b\u202e\u200b")


def saved_drafts() -> dict:
    [path] = (Path.cwd() / "codesign-data" / "sessions").glob("*.session.yaml")
    return (yaml.safe_load(path.read_text()).get("session") or {}).get("drafts") or {}


def session_file(name: str, answers: dict, drafts: dict) -> None:
    folder = Path.cwd() / "codesign-data" / "sessions"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.session.yaml").write_text(yaml.safe_dump(
        {"flow": "conflicts-of-interest", "answers": answers, "session": {"drafts": drafts}}))


BEFORE_THE_REGISTER = {"coi_policy": "joint_policy", "same_policy_all_sectors": "yes",
                       "coi_principles": ["identify", "declare", "record", "manage", "manage_not_exclude"],
                       "interests_known": "yes"}


async def test_a_saved_draft_holding_osc_sequences_is_shown_visibly_and_saved_cleaned():
    """From an attack: a saved draft holding OSC 0, 2 and 52 retitled the terminal and wrote its clipboard on
    --resume, again at every blink of the cursor. Resumed, each kind of draft (a typed reply to a text and to
    a choice question, a register entry and the entries added before it) shows its escapes as ^[, and
    the file is written back cleaned, drafts of other questions too."""
    typed = f"Alex{TITLE} in{TITLE2} the{CLIPBOARD} team"
    cases = [
        ("text", {**BEFORE_THE_REGISTER, "interests": [], "review_declarations": "every_meeting",
                  "minutes_record": "yes"}, {"register_keeper": typed}),
        ("choice", {"coi_policy": "joint_policy"}, {"same_policy_all_sectors": f"not{TITLE} su",
                                                     "register_keeper": typed}),
        ("register", BEFORE_THE_REGISTER, {"interests": {
            "records": [{"name": f"Sam{CLIPBOARD}", "role": "Trustee", "organisation": "Example CVS",
                         "interest_type": "financial", "description": f"Bidder{TITLE}",
                         "management": "withdraw_from_item"}],
            "entry": {"name": f"Jo{TITLE2}", "role": f"Chair{CLIPBOARD}"}}}),
    ]
    for name, answers, drafts in cases:
        session_file(name, answers, drafts)
        app = make_app(resume=name)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            screen = app.screen
            boxes = [*screen.query(Input), *screen.query(FieldBox)]
            values = " ".join(box.value for box in boxes)
            assert "^[]0;PWN0^[\\" in values or "^[]2;PWN2^G" in values, (name, values)
            for box in boxes:
                assert not raw(box.value) and not raw(drawn(box)), (name, box.id, box.value)
            if name == "register":
                summary = screen.query_one("#record-summary", Static)
                assert "Sam^[]52;" in drawn(summary) and not raw(drawn(summary))
            await press(pilot, "ctrl+q")
        kept = saved_drafts()
        assert kept and not raw(repr(kept).encode().decode("unicode_escape")), (name, kept)
        assert "^[" in repr(kept)
        for path in (Path.cwd() / "codesign-data" / "sessions").glob("*.session.yaml"):
            path.unlink()


async def test_typed_and_pasted_escapes_are_text_in_the_reply_box_and_the_register_form():
    """ESC typed or pasted into the reply box or a field of the register form is kept as ^[ (and U+202E as
    \\u202e), shown so, sent so: never drawn raw."""
    from textual.events import Paste

    session_file("form", BEFORE_THE_REGISTER, {})
    app = make_app(resume="form")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert current(app) == "interests"
        field = app.screen.query_one("#field-name", FieldBox)
        field.focus()
        await pilot.pause()
        field.post_message(Paste(f"A{TITLE2}{CLIPBOARD} tail"))
        await pilot.press("x")
        await pilot.pause()
        assert field.value.startswith("A^[]2;PWN2^G^[]52;c;") and not raw(drawn(field))
        composer = app.screen.query_one("#composer", Input)
        composer.focus()
        await pilot.pause()
        composer.post_message(Paste(f"Sam\u202e\u200b{TITLE}"))
        await pilot.pause()
        assert composer.value == "Sam\\u202e\\u200b^[]0;PWN0^[\\" and not raw(drawn(composer))
        composer.value = f"put in{CLIPBOARD}"
        assert composer.value == "put in^[]52;c;cm0gLXJmIH4=^[\\"


async def test_a_paste_of_many_lines_into_a_one_line_box_is_kept_whole_and_said():
    """From an attack: 10,000 lines pasted into a free-text reply kept only the first, silently; and a paste
    holding ESC and line breaks arrived mangled and was sent by its own Enter. The lines are joined, the
    person is told, and nothing is sent until they press Enter."""
    from textual.events import Paste

    app = make_app(flow=_flow("engagement-plan"))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert current(app) == "work_summary"
        composer = app.screen.query_one("#composer", Input)
        composer.post_message(Paste("Summary of work\x1b[31m red\n2\n\nTAIL\n"))
        await pilot.pause()
        assert composer.value == "Summary of work^[[31m red 2 TAIL"
        assert current(app) == "work_summary" and "work_summary" not in app.screen.session.answers
        assert any("joined into one" in n.message for n in app._notifications)
        lines = [f"line {n} of the summary" for n in range(10_000)]
        composer.value = ""
        composer.post_message(Paste("\n".join(lines)))
        await pilot.pause()
        assert composer.value == " ".join(lines)
        await press(pilot, "enter")
        assert app.screen.session.answers["work_summary"] == " ".join(lines)
        # into a list, a pasted reply goes to the reply box the same way
        assert current(app) == "space_to_shape"
        app.screen.query_one("#quick-replies").post_message(Paste("not\nsure"))
        await pilot.pause()
        assert composer.value == "not sure" and current(app) == "space_to_shape"


async def test_a_one_megabyte_answer_shows_its_start_in_the_transcript_and_is_kept_whole():
    """From an attack: a 1 MB answer was wrapped again in full at every resize (1.3 to 5.4 s of CPU each;
    measured in benchmarks/bench_tui.py --resize). The transcript shows its first 2,000 characters at most and
    says how much more is kept; the answer itself is kept whole and resumes whole."""
    text = ("Our neighbourhood mental health support, redesigned with the people who use it. " * 12_500).strip()
    app = make_app(flow=_flow("engagement-plan"))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert current(app) == "work_summary"
        app.screen.query_one("#composer", Input).value = text
        await press(pilot, "enter")
        assert app.screen.session.answers["work_summary"] == text
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        turn = next(t for t in app.screen.query_one(Transcript).answers() if t.question.id == "work_summary")
        shown = str(turn.visual)
        assert shown.startswith("Our neighbourhood mental health support") and len(shown) < 2_100
        assert shown.endswith(f"… and {len(text) - shown.index(' …'):,} more characters, kept whole in your"
                              " answer and the plan")
        assert turn.size.height < 40
    saved, _ = app.store.all()
    assert [s.given.answers["work_summary"] for s in saved] == [text]


async def test_the_review_table_shows_the_start_of_a_long_answer_and_markup_as_typed():
    """A 1 MB answer filled one row of the review table, screens high; and a cell's text was read as Rich
    markup, so an answer holding "[/]" or "[bold]" was drawn wrongly or not at all. A cell shows an
    answer's start and how much more is kept, and every character as typed."""
    from textual.widgets import DataTable

    text = ("Support [bold]shaped[/] with [red]people[/red] who use it. " * 12_000).strip()
    app = make_app(flow=_flow("engagement-plan"))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        app.screen.query_one("#composer", Input).value = text
        await press(pilot, "enter")
        assert app.screen.session.answers["work_summary"] == text
        await press(pilot, "ctrl+r")
        table = app.screen.query_one("#review-table", DataTable)
        cell = str(table.get_row("work_summary")[2])
        assert cell.startswith("Support [bold]shaped[/] with [red]people[/red] who use it.")
        kept = len(text) - cell.index(" …")
        assert cell.endswith(f"… and {kept:,} more characters, kept whole in your answer and the plan")
        assert len(cell) < 400
        drawn = "".join(table.render_line(y).text for y in range(table.size.height))
        assert "Support [bold]shaped[/] with" in drawn.replace("  ", "")
        heights = [row.height for row in table.rows.values()]
        assert max(heights) < 20


def test_an_answer_of_many_short_lines_shows_forty_of_them_and_a_short_one_shows_whole():
    from codesign_tui.tui.widgets.turns import answer_content

    shown = str(answer_content("\n".join(f"line {n}" for n in range(10_000))))
    assert shown.count("\n") == 39 and shown.startswith("line 0\nline 1") and "line 40" not in shown
    assert shown.endswith("more characters, kept whole in your answer and the plan")
    assert str(answer_content("Partly\x1b]2;x")) == "Partly^[]2;x"


@pytest.mark.parametrize("narrow", [False, True])
def test_a_long_register_on_screen_shows_its_first_entries_and_the_saved_plan_all(narrow):
    """From an attack: the plan screen of 10,000 register entries ran out of memory (7.5 GB), as the app's
    viewer makes widgets for every cell, where the saved plan took 3 s and 208 MB. On screen a long register
    shows its first 20 entries and says how many more the saved plan holds; the saved plan has them all
    (measured against `codesign render` in benchmarks/bench_plan_screen.py)."""
    from codesign_tui.flow.engine import Session
    from codesign_tui.plan.render import render_markdown

    flow = _flow("conflicts-of-interest")
    entries = [{"name": f"Person {n}", "role": "Trustee", "organisation": "Example CVS",
                "interest_type": "financial", "description": f"Bidder {n}", "management": "withdraw_from_item"}
               for n in range(1, 251)]
    answers = {**BEFORE_THE_REGISTER, "interests": entries, "review_declarations": "every_meeting",
               "minutes_record": "yes", "register_keeper": "The team", "regime": "unsure"}
    session = Session(flow)
    while session.current is not None:
        session.answer(session.current.id, answers[session.current.id])
    shown = render_markdown(flow, session.result(), on_screen=True, narrow=narrow)
    # each entry's description is in its register row alone (a warning names entries by name and organisation)
    assert "Bidder 20" in shown and "Bidder 21" not in shown
    assert "The first 20 of 250 entries are shown here; the other 230 are in the plan when you save" in shown
    saved = render_markdown(flow, session.result(), narrow=narrow)
    assert "Bidder 250" in saved and "entries are shown here" not in saved


@pytest.mark.parametrize("keys, project, prepared_by", [
    # a name holding q and d, which are the home screen's keys for Quit and Delete
    ([*"Equality duties review"], "Equality duties review", ""),
    ([*"Adult day services", "enter", *"Sam Q", "enter"], "Adult day services", "Sam Q"),
])
async def test_typing_straight_after_choosing_a_flow_names_the_plan(appendix2, keys, project, prepared_by):
    """Found in a trial: what was typed right after Enter on a flow, before the naming dialog was up, was
    lost ("Prepared by" left empty), and a q in it would have quit from the home screen. Sent in one burst
    with the Enter, every key reaches the dialog in order and none acts on the home screen."""
    from codesign_tui.tui.screens.home import HomeScreen
    from codesign_tui.tui.widgets.dialogs import NewPlanDialog

    app = make_app()
    seen: list = []
    async with app.run_test(size=(100, 30), message_hook=seen.append) as pilot:
        assert isinstance(app.screen, HomeScreen)
        sent = send_burst(app, ["down", "enter", *keys])  # the appendix2 flow, second in the list
        await settle(pilot, seen, sent)
        assert app.is_running
        if prepared_by:  # the second Enter started the conversation with both names
            assert isinstance(app.screen, ConversationScreen)
            assert app.screen.flow.id == "appendix2"
            assert (app.screen.session.project, app.screen.session.prepared_by) == (project, prepared_by)
        else:
            assert isinstance(app.screen, NewPlanDialog)
            assert app.screen.typed() == (project, "")


@pytest.mark.parametrize("typed", ["quid dodd", "xyz abc", "ddd dd"])
async def test_typing_straight_after_carrying_on_a_saved_session_reaches_its_question(typed):
    """Found in a trial: what was typed right after Enter on a saved session was lost, whole or but for its last
    letters ("xyz abc" kept "bc"), as the keys reached the home screen, then a conversation not yet ready for
    them. Sent in one burst with the Enter, every key reaches the question the session carries on from, in
    order, and none acts on the home screen (a d there asks to delete, a q quits)."""
    from codesign_tui.tui.screens.home import HomeScreen

    store = SessionStore()
    store.save(store.new(_flow("appendix2"), answers={"space_to_shape": "yes"}))
    app = make_app(store=store)
    seen: list = []
    async with app.run_test(size=(100, 30), message_hook=seen.append) as pilot:
        assert isinstance(app.screen, HomeScreen) and app.screen.focused.id == "saved"
        sent = send_burst(app, ["enter", *typed])
        await settle(pilot, seen, sent)
        assert app.is_running and isinstance(app.screen, ConversationScreen)
        assert current(app) == "problem_type" and app.screen.composer.value == typed
