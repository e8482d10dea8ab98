"""The full-screen app driven as a person would, through Textual's Pilot."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from textual.widgets import Button, Input, MarkdownViewer, OptionList, Static

from codesign_tui.resources import shipped_flows
from codesign_tui.sessions import SessionStore
from codesign_tui.tui.app import make_app
from codesign_tui.tui.screens.conversation import ConversationScreen
from codesign_tui.tui.screens.home import HomeScreen
from codesign_tui.tui.screens.plan import PlanScreen
from codesign_tui.tui.screens.review import ReviewScreen
from codesign_tui.tui.widgets.side_panel import SidePanel
from codesign_tui.tui.widgets.text_box import FieldBox
from codesign_tui.tui.widgets.turns import AnswerTurn, AskedTurn, NoteTurn, QuestionTurn, Transcript


def turns(app, kind) -> list:
    """Every turn of this kind in the transcript, those settled into lines as well as the widgets."""
    return [turn for turn in app.screen.query_one(Transcript).turns() if isinstance(turn, kind)]


def current(app) -> str | None:
    screen = app.screen
    assert isinstance(screen, ConversationScreen)
    question = screen.session.current
    return question.id if question else None


async def type_reply(pilot, text: str) -> None:
    composer = pilot.app.screen.query_one("#composer", Input)
    composer.focus()
    await pilot.pause()
    composer.value = text
    await pilot.press("enter")
    await pilot.pause()


async def press(pilot, *keys: str) -> None:
    """Press each key as a person would, letting the app catch up after each."""
    for key in keys:
        await pilot.press(key)
        await pilot.pause()


async def add_interest(pilot, form, **values: str) -> None:
    """Fill in the register form, a text box or a choice for each field given, and add the record."""
    for field_id, value in values.items():
        form.query_one(f"#field-{field_id}").value = value
    await pilot.click("#record-add")
    await pilot.pause()


def saved_file(app) -> dict:
    [path] = (Path.cwd() / "codesign-data" / "sessions").glob("*.session.yaml")
    assert path.stat().st_mode & 0o777 == 0o600
    return yaml.safe_load(path.read_text())


async def test_home_lists_flows_and_opens_one_by_keyboard(appendix2):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        assert isinstance(app.screen, HomeScreen)
        flows = app.screen.query_one("#flows", OptionList)
        assert flows.option_count == len(shipped_flows())
        assert "28 questions" in str(flows.get_option_at_index(0).prompt)  # 3.1 asks which rules apply
        await pilot.press("down", "enter")  # the appendix2 flow, second in the list
        await pilot.pause()
        await pilot.press(*"Library review", "enter")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ConversationScreen)
        assert app.screen.flow.id == "appendix2"
        assert app.screen.session.project == "Library review"


async def test_whole_appendix2_by_number_keys_to_an_exported_plan(tmp_path):
    app = make_app(flow=_flow("appendix2"))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert current(app) == "space_to_shape"
        for key in "13122211":  # yes, wicked, no money... see below
            await pilot.press(key)
            await pilot.pause()
        session = app.screen.session
        assert session.is_complete
        assert session.answers == {"space_to_shape": "yes", "problem_type": "wicked",
                                   "time_for_relationships": "yes", "budget": "partly",
                                   "senior_buy_in": "partly", "learning_culture": "partly",
                                   "shared_delivery": "yes", "shared_power": "yes"}
        # the file holds the answers; how many are answered is worked out from them, never written as a claim
        assert saved_file(app)["answers"] == session.answers and "complete" not in saved_file(app)["session"]
        assert any("Recommendation: Co-design" in str(n.render()) for n in turns(app, NoteTurn))
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert isinstance(app.screen, PlanScreen)
        await app.screen.workers.wait_for_complete()
        await pilot.pause()
        assert "Co-design" in app.screen.query_one(MarkdownViewer).document.source
        await pilot.press("m")
        await pilot.pause()
        export_input = app.screen.query_one("#export-path", Input)
        # the name in the box, the folder (the current one) above it
        assert export_input.value.endswith(".md") and "/" not in export_input.value
        said = str(app.screen.query_one("#export-folder").render())
        assert said.endswith(f"in this folder:\n{tmp_path}")
        export_input.value = str(tmp_path / "plan.md")
        await pilot.press("enter")
        await pilot.pause()
        assert (tmp_path / "plan.md").read_text().startswith("# ")
        # a second export to the same name asks before replacing
        await pilot.press("m")
        await pilot.pause()
        app.screen.query_one("#export-path", Input).value = str(tmp_path / "plan.md")
        (tmp_path / "plan.md").write_text("keep me")
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("enter")  # the dialog's default button is "Keep it"
        await pilot.pause()
        assert (tmp_path / "plan.md").read_text() == "keep me"


async def test_one_count_of_questions_on_the_home_screen_the_title_bar_and_in_plain_mode(engagement):
    """The engine counts the questions once (the most the path can hold); every front end shows that."""
    import io

    from codesign_tui.flow.catalogue import minutes
    from codesign_tui.flow.engine import longest_path
    from codesign_tui.plain import converse

    most, exact = longest_path(engagement, {})
    assert not exact and most == len(engagement.questions)  # one branch can still add a question
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        home = str(app.screen.query_one("#flows", OptionList).get_option_at_index(0).prompt)
        assert f"Up to {most} questions, about {minutes(most)} minutes" in home
        # a flow every path of which asks the same questions says so without "up to", as its title bar does
        fixed = str(app.screen.query_one("#flows", OptionList).get_option_at_index(1).prompt)
        assert "\n8 questions, about 3 minutes." in fixed
        await pilot.press("enter")  # engagement-plan, first in the list
        await pilot.pause()
        await pilot.press("enter")  # no name: the dialog lets the person skip
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ConversationScreen)
        assert app.screen.sub_title == f"0 of up to {most} answered"
        session = app.screen.session
        assert len(session.path) < most  # the path so far is shorter: the count is not the path's length
    out = io.StringIO()
    converse(engagement, io.StringIO("\n\nquit\n"), out, Path.cwd())
    assert f"Up to {most} questions, about {minutes(most)} minutes." in out.getvalue()
    assert f"(0 of up to {most} answered)" in out.getvalue()


async def test_at_80_columns_the_header_shortens_the_title_not_the_count():
    app = make_app(flow=_flow("conflicts-of-interest"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert screen.sub_title == f"{screen.session.progress()} answered"
        assert screen.title.endswith("…") and screen.flow.title.startswith(screen.title[:-1])
        assert len(screen.title) + len(" — ") + len(screen.sub_title) <= 80 - 20
        await pilot.resize_terminal(160, 50)
        await pilot.pause()
        assert screen.title == screen.flow.title  # room for the whole title again


async def test_typed_replies_as_people_type_them():
    app = make_app(flow=_flow("appendix2"))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await type_reply(pilot, "y")
        await type_reply(pilot, "Wicked")
        await type_reply(pilot, "partly")
        await type_reply(pilot, "2")
        await type_reply(pilot, "maybe")
        assert "not one of the answers" in str(app.screen.query_one("#reply-hint").render())
        assert current(app) == "senior_buy_in"
        turn = app.screen.query(QuestionTurn).last()
        assert not turn.guidance_open
        await type_reply(pilot, "?")
        assert turn.guidance_open
        await type_reply(pilot, "back")
        assert current(app) == "budget"
        await type_reply(pilot, "")  # keep the answer and step forward
        assert current(app) == "senior_buy_in"
        assert app.screen.session.answers["space_to_shape"] == "yes"
        assert app.screen.session.answers["problem_type"] == "wicked"


async def test_why_we_ask_opens_with_f1_or_a_click_and_folds_again():
    app = make_app(flow=_flow("appendix2"))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        turn = app.screen.query(QuestionTurn).last()
        guidance = turn.question.guidance.split(".")[0]

        def shown() -> str:
            return " ".join(str(w.render()) for w in turn.query(Static) if w.display and w.region.height)

        assert "▶ Why we ask (F1)" in shown() and guidance not in shown()
        await pilot.press("f1")
        await pilot.pause()
        assert turn.guidance_open and "▼ Why we ask (F1)" in shown() and guidance in shown()
        await pilot.press("f1")
        await pilot.pause()
        assert not turn.guidance_open and guidance not in shown()
        # a click on the words "Why we ask" (the press focuses the transcript, whose border moves the turns a
        # column to the right before the release: a click on the line's first column would miss)
        await pilot.click(turn.query_one(".guidance"), offset=(4, 0))
        await pilot.pause()
        assert turn.guidance_open and guidance in shown()
        await pilot.click(turn.query_one(".guidance"), offset=(4, 0))
        await pilot.pause()
        assert not turn.guidance_open and guidance not in shown()
        await pilot.press("1")  # the next question's guidance starts folded
        await pilot.pause()
        assert not app.screen.query(QuestionTurn).last().guidance_open


async def test_changing_an_answer_sets_later_ones_aside_then_restores_them():
    app = make_app(flow=_flow("conflicts-of-interest"))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        await pilot.press("1")  # policy
        await pilot.press("1")  # same policy: yes
        await pilot.pause()
        await type_reply(pilot, "1, 2, 3, 4, 5")
        await pilot.press("1")  # interests known: yes -> the register
        await pilot.pause()
        assert current(app) == "interests"
        form = screen.query_one("#record-form")
        await add_interest(pilot, form, name="Sam Jones", role="Trustee", organisation="Example CVS",
                           interest_type="financial", description="Trustee of a bidder",
                           management="withdraw_from_item")
        assert len(form.records) == 1
        await pilot.click("#record-done")
        await pilot.pause()
        assert screen.session.answers["interests"][0]["name"] == "Sam Jones"
        # go back to "interests known" through the transcript and change it
        await pilot.press("escape")  # to the transcript: the last answer is chosen
        await pilot.pause()
        transcript = screen.query_one(Transcript)
        assert screen.focused is transcript and transcript.chosen.question.id == "interests"
        await pilot.press("up", "enter")
        await pilot.pause()
        assert current(app) == "interests_known"
        await pilot.press("2")  # none declared yet
        await pilot.pause()
        notes = [str(n.render()) for n in turns(app, NoteTurn)]
        assert any("Set aside" in n and "interest" in n for n in notes)
        assert "interests" in screen.session.set_aside
        assert "interests" not in screen.session.result().answers
        # and back again: the register returns untouched
        [turn] = [t for t in screen.query(AnswerTurn) if t.question.id == "interests_known"]  # to click
        await pilot.click(turn)  # a click on an answer changes it too
        await pilot.pause()
        await pilot.press("1")
        await pilot.pause()
        assert any("Brought back" in str(n.render()) for n in turns(app, NoteTurn))
        assert screen.session.active["interests"][0]["name"] == "Sam Jones"


async def test_a_number_pressed_while_choosing_an_earlier_answer_answers_nothing():
    """Found typing "x, Esc, 1" in one burst: the 1 answered the question asked when Escape's move to the
    transcript had happened before it was read, and was typed into the reply box when it had not. A number
    pressed in the transcript now answers nothing and says how to answer; back at the question it answers."""
    app = make_app(flow=_flow("appendix2"))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        await pilot.press("1")
        await pilot.pause()
        asked = current(app)
        await pilot.press("escape")
        await pilot.pause()
        assert screen.focused is screen.query_one(Transcript)
        await pilot.press("2")
        await pilot.pause()
        assert current(app) == asked and asked not in screen.session.answers
        assert str(screen.query_one("#reply-hint", Static).content) == ConversationScreen.NUMBER_WHILE_CHOOSING
        await pilot.press("escape", "2")
        await pilot.pause()
        assert screen.session.answers[asked] == screen.flow.question(asked).options[1].value
        assert str(screen.query_one("#reply-hint", Static).content) != ConversationScreen.NUMBER_WHILE_CHOOSING


async def test_review_lists_every_answer_and_jumps_back_to_one():
    app = make_app(flow=_flow("appendix2"))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        for key in "1312":
            await pilot.press(key)
            await pilot.pause()
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        table = app.screen.query_one("#review-table")
        assert table.row_count == 8
        await pilot.press("down", "enter")  # the second row: problem_type
        await pilot.pause()
        assert isinstance(app.screen, ConversationScreen)
        assert current(app) == "problem_type"
        await pilot.press("1")  # a proven solution: the work now calls for consult
        await pilot.pause()
        assert current(app) == "senior_buy_in"  # carries on from the first unanswered question
        assert app.screen.session.result(so_far=True).calls_for.id == "consult"


async def test_damaged_session_file_is_set_aside_and_home_still_opens():
    folder = Path.cwd() / "codesign-data" / "sessions"
    folder.mkdir(parents=True)
    (folder / "20260101-000000-abcdef.session.yaml").write_text("flow: [unclosed\n")
    (folder / "20260101-000001-abcdef.session.yaml").write_bytes(b"\xff\xfe\x00garbage")
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        damaged = str(app.screen.query_one("#damaged").render())
        assert "20260101-000000-abcdef.session.yaml could not be read" in damaged
        assert "20260101-000001-abcdef.session.yaml" in damaged
    assert sorted(p.name for p in folder.iterdir()) == [
        "20260101-000000-abcdef.session.yaml.damaged", "20260101-000001-abcdef.session.yaml.damaged"]


async def test_resume_restores_transcript_and_place():
    store = SessionStore()
    app = make_app(flow=_flow("appendix2"), store=store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        for key in "121":
            await pilot.press(key)
            await pilot.pause()
    app = make_app(resume="", store=store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ConversationScreen)
        assert current(app) == "budget"
        assert [t.question.id for t in turns(app, AnswerTurn)] == [
            "space_to_shape", "problem_type", "time_for_relationships"]


async def test_quitting_mid_flow_says_how_to_resume():
    app = make_app(flow=_flow("appendix2"))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("1")
        await pilot.pause()
        session_id = app.screen.session.name
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert f"codesign --resume {session_id}" in app.farewell and "1 of 8" in app.farewell


async def test_in_a_browser_tab_ctrl_q_asks_first_and_says_where_the_answers_go(tmp_path):
    from codesign_tui.tui.widgets.dialogs import ConfirmDialog

    app = make_app(flow=_flow("appendix2"), store=SessionStore(tmp_path / "sessions"), collect=tmp_path / "in",
                   served=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("1")
        await pilot.pause()
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        assert "kept only while this tab's app runs" in app.screen.question
        assert "finished answers go to the trainer" in app.screen.question
        await pilot.press("escape")  # stay
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmDialog) and app.is_running
        await pilot.press("ctrl+q")
        await pilot.pause()
        await pilot.click("#yes")
        await pilot.pause()
    assert app.farewell and "1 of 8" in app.farewell


async def test_at_80x24_the_side_panel_folds_and_the_reply_box_shows():
    app = make_app(flow=_flow("engagement-plan"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert not screen.query_one(SidePanel).display or screen.query_one(SidePanel).region.width == 0
        composer = screen.query_one("#composer", Input)
        assert composer.region.bottom <= 23 and composer.region.height >= 1
        assert screen.query(QuestionTurn).last().region.height > 0
        await pilot.press("f2")
        await pilot.pause()
    app = make_app(flow=_flow("engagement-plan"))
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        assert app.screen.query_one(SidePanel).region.width > 0


async def test_every_footer_action_is_in_the_command_palette():
    from codesign_tui.tui.commands import ActionsProvider

    app = make_app(flow=_flow("appendix2"))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        provider = ActionsProvider(app.screen)
        titles = {hit.text async for hit in provider.discover()}
        for binding in ("Why", "Back", "Change", "Review", "Plan", "Panel", "Quit", "High contrast"):
            assert binding in titles
        # nothing generic, and no number keys
        assert not titles & {"Focus Next", "Focus Previous", "Maximize", "Screenshot", "Answer 2"}, titles
        # each key written as people write it, the same way every time
        shown = {str(hit.display) async for hit in provider.discover()}
        assert {"Why  (F1)", "Back  (Ctrl+B)", "Earlier turns  (PageUp)", "High contrast  (F3)"} <= shown, shown

        async def found(words: str) -> list[str]:
            hits = [hit async for hit in provider.search(words)]
            return [hit.text for hit in sorted(hits, key=lambda hit: -hit.score)]

        # the words a person reaches for find the action, from its help where its name does not say them
        assert (await found("save"))[0] == "Plan" and "Plan" in await found("export")
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert "Start or carry on" in [hit.text async for hit in ActionsProvider(app.screen).search("resume")]


async def test_high_contrast_is_remembered():
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("f3")
        await pilot.pause()
        assert app.theme == "codesign-high-contrast"
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert app.theme == "codesign-high-contrast"


async def test_high_contrast_draws_headings_and_text_at_full_strength():
    app = make_app(flow=_flow("appendix2"))
    said: list[str] = []
    notify = app.notify
    app.notify = lambda message, **options: (said.append(message), notify(message, **options))[1]
    async with app.run_test(size=(100, 30)) as pilot:
        await press(pilot, "1", "3")  # into the second section: its heading is a turn of its own
        [heading] = [t for t in turns(app, NoteTurn) if t.has_class("section")][-1:]
        normal = heading.rich_style.color.triplet
        assert normal != (255, 255, 255)  # Textual's text is 87% of the foreground
        edge = app.screen.query_one(SidePanel).styles.border_left[1].rgb
        await press(pilot, "f3")
        assert app.theme == "codesign-high-contrast"
        assert heading.rich_style.color.triplet == (255, 255, 255)
        # the lines that divide the screen are light, not dark grey on black; and the change is said
        assert app.screen.query_one(SidePanel).styles.border_left[1].rgb != edge
        assert min(app.screen.query_one(SidePanel).styles.border_left[1].rgb) >= 160
        assert said and said[-1].startswith("High contrast on")
        # a highlighted choice (black on yellow) keeps its contrast: the text is the theme's, not white
        replies = app.screen.query_one("#quick-replies")
        assert replies.get_component_rich_style("option-list--option-highlighted").color.triplet == (0, 0, 0)
        await press(pilot, "f3")  # back, and remembered as off


def _flow(name: str):
    from codesign_tui.flow.loader import load_flow
    from codesign_tui.resources import flows_dir

    return load_flow(flows_dir() / f"{name}.yaml")


# What a commissioner types or presses at each question of engagement-plan: a digit picks a quick reply,
# anything else is typed into the reply box, None fills in the register of interests.
ENGAGEMENT_REPLIES = {
    "work_summary": "Redesign of carers' support | phase 1",
    "space_to_shape": "1", "problem_type": "3", "time_for_relationships": "yes", "budget": "partly",
    "senior_buy_in": "1", "learning_culture": "Partly", "shared_delivery": "1", "shared_power": "yes",
    "training_topics": "1, 2, 3", "training_who": "1, 2, 3",
    "own_skills": "2", "recompense": "1", "wide_networks": "not sure", "vcse_same_guidance": "1",
    "coi_policy": "3", "same_policy_all_sectors": "no", "coi_principles": "1, 2, 3, 4, 5",
    "interests_known": "1", "interests": None,
    "review_declarations": "1", "minutes_record": "1", "register_keeper": "The commissioning team",
    "regime": "3",  # version 3.1: which rules apply (a contract below its threshold)
    "measures": "1, 2, 5", "measures_agreed_at_start": "1", "measures_coproduced": "2",
    "notes": "Start with the carers' forum.",
}


@pytest.mark.slow
async def test_whole_engagement_plan_conversation_to_an_exported_plan(tmp_path):
    app = make_app(flow=_flow("engagement-plan"))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        asked = []
        while (question := current(app)) is not None:
            assert question not in asked, f"{question} asked twice"
            asked.append(question)
            reply = ENGAGEMENT_REPLIES[question]
            if reply is None:
                await add_interest(pilot, screen.query_one("#record-form"), name="Sam Jones", role="Trustee",
                                   organisation="Carers Together", interest_type="financial",
                                   description="Trustee of a likely bidder", management="discuss_not_decide",
                                   declared_on="31/03/2026", publish="withheld")
                await pilot.click("#record-done")
                await pilot.pause()
            elif reply.isdigit():
                await pilot.press(reply)
                await pilot.pause()
            else:
                await type_reply(pilot, reply)
        assert asked == list(ENGAGEMENT_REPLIES)
        session = screen.session
        assert session.is_complete
        assert session.answers["budget"] == "partly" and session.answers["wide_networks"] == "unsure"
        assert session.answers["training_who"] == ["commissioners", "vcse_partners", "people_with_lived_experience"]
        [interest] = session.answers["interests"]
        assert interest["name"] == "Sam Jones" and interest["declared_on"] == "2026-03-31"
        result = session.result()
        # policy version 3: VCSE partners not held to the same conflicts policy ("no") holds co-design back too
        assert (result.recommendation.id, result.calls_for.id) == ("consult", "co-produce")
        assert list(result.held_back_by) == ["budget", "wide_networks", "same_policy_all_sectors"]
        saved = saved_file(app)
        assert saved["answers"] == session.answers and saved["answers"]["interests"][0]["name"] == "Sam Jones"

        await pilot.press("ctrl+o")
        await pilot.pause()
        assert isinstance(app.screen, PlanScreen)
        await app.screen.workers.wait_for_complete()
        await pilot.pause()
        for key, name in (("m", "plan.md"), ("w", "plan.docx")):
            await pilot.press(key)
            await pilot.pause()
            app.screen.query_one("#export-path", Input).value = str(tmp_path / name)
            await pilot.press("enter")
            await pilot.pause()
            await app.screen.workers.wait_for_complete()
            await pilot.pause()
    plan = (tmp_path / "plan.md").read_text()
    assert plan.startswith("# ")
    assert "We recommend **Consult**" in plan
    assert "| Sam Jones | Trustee | Carers Together |" in plan
    assert "31 March 2026" in plan
    assert "Redesign of carers' support \\| phase 1" in plan  # a typed | does not break the table
    assert "Start with the carers' forum." in plan

    import docx

    document = docx.Document(str(tmp_path / "plan.docx"))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert "Recommendation" in headings and "Register of interests" in headings
    assert any(cell.text == "Sam Jones" for table in document.tables for row in table.rows for cell in row.cells)


@pytest.fixture
def disk(monkeypatch) -> dict:
    """A disk that fills up when the test sets disk["full"]: every save fails until it is unset."""
    import errno

    from codesign_tui import files as export

    real_fsync, state = export.os.fsync, {"full": False}

    def fsync(fd):
        if state["full"]:
            raise OSError(errno.ENOSPC, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(export.os, "fsync", fsync)
    return state


async def test_a_full_disk_mid_conversation_loses_nothing(disk):
    app = make_app(flow=_flow("appendix2"))
    async with app.run_test(size=(100, 30)) as pilot:
        await press(pilot, "1")
        disk["full"] = True
        await press(pilot, "3")
        assert any("Could not save your answers" in n.message and "disk is full" in n.message
                   for n in app._notifications)
        assert app.screen.session.answers == {"space_to_shape": "yes", "problem_type": "wicked"}
        assert saved_file(app)["answers"] == {"space_to_shape": "yes"}  # the last good save is untouched
        disk["full"] = False
        await press(pilot, "2")  # the next answer saves everything kept so far
        assert saved_file(app)["answers"] == {"space_to_shape": "yes", "problem_type": "wicked",
                                              "time_for_relationships": "partly"}
        disk["full"] = True
        await press(pilot, "2", "ctrl+q")  # still full when quitting: the answers are printed, not lost
    assert "could NOT be saved" in app.farewell and "disk is full" in app.farewell
    printed = yaml.safe_load(app.farewell.split("\n\n", 1)[1])
    assert printed["flow"] == "appendix2" and printed["answers"]["budget"] == "partly"


async def test_quitting_saves_once_more_when_the_disk_has_room_again(disk):
    app = make_app(flow=_flow("appendix2"))
    async with app.run_test(size=(100, 30)) as pilot:
        await press(pilot, "1")
        disk["full"] = True
        await press(pilot, "3")
        disk["full"] = False
        await press(pilot, "ctrl+q")
    assert saved_file(app)["answers"] == {"space_to_shape": "yes", "problem_type": "wicked"}
    assert app.farewell.startswith("Your answers are saved (2 of 8 answered)")
    # the command to carry on has a line of its own: an 80-column terminal does not break it in two
    assert "Carry on with:\n  codesign --resume " in app.farewell


async def test_changing_an_answer_says_what_changed_and_how_the_recommendation_moved():
    app = make_app(flow=_flow("appendix2"))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        for key in "13111111":  # open, wicked, everything in place: co-produce
            await pilot.press(key)
            await pilot.pause()
        screen = app.screen
        assert screen.session.result().recommendation.id == "co-produce"
        await screen.edit("space_to_shape")
        await pilot.pause()
        await pilot.press("3")  # mostly decided
        await pilot.pause()
        notes = [str(n.render()) for n in turns(app, NoteTurn)]
        assert any(n.startswith("Your answer to “Can people help shape the question") and
                   n.endswith("is now No, it is mostly decided (it was Yes, it is genuinely open).") for n in notes)
        assert any(n.startswith("The recommendation is now Consult (it was Co-produce). The work calls for Consult")
                   for n in notes)
        # the notes come before the closing summary, not after it
        assert isinstance(screen.query_one(Transcript).children[-1], NoteTurn)
        assert "All questions answered." in str(screen.query_one(Transcript).children[-1].render())


async def test_a_short_conversation_on_a_tall_terminal_starts_at_the_top():
    app = make_app(flow=_flow("appendix2"))
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        transcript = app.screen.query_one(Transcript)
        first = app.screen.query(QuestionTurn).first()
        assert first.region.y - transcript.region.y < 6  # not pushed to the bottom by blank lines
        for key in "1311":
            await pilot.press(key)
            await pilot.pause()
        await pilot.pause()
        # and the way to answer follows the question, not the foot of the terminal
        question = app.screen.query(QuestionTurn).last()
        assert app.screen.query_one("#reply-area").region.y - question.region.bottom <= 2
        assert app.screen.query_one("#reply-area").region.bottom < 40
    app = make_app(flow=_flow("engagement-plan"))
    async with app.run_test(size=(80, 24)) as pilot:  # a long one scrolls to the latest question
        await pilot.pause()
        await type_reply(pilot, "Library review")
        for key in "131111":
            await pilot.press(key)
            await pilot.pause()
        transcript = app.screen.query_one(Transcript)
        assert transcript.max_scroll_y > 0 and transcript.scroll_y == transcript.max_scroll_y
        assert app.screen.query(QuestionTurn).last().region.height > 0


async def test_home_keeps_its_introduction_in_view_at_80x24():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        intro = app.screen.query_one("#home-intro")
        assert intro.region.height > 0 and intro.region.y <= 2
        assert app.screen.focused.id == "flows"  # the flows to start, with no saved sessions


async def test_home_with_a_saved_session_starts_on_it():
    store = SessionStore()
    store.save(store.new(_flow("appendix2"), answers={"space_to_shape": "yes"}))
    app = make_app(store=store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen) and app.screen.focused.id == "saved"
        assert app.screen.query_one("#home-intro").region.y <= 2


async def test_the_arrow_keys_choose_an_answer_even_from_the_reply_box():
    app = make_app(flow=_flow("appendix2"))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await type_reply(pilot, "yes")  # the typing cursor stays in the reply box
        assert app.screen.focused.id == "composer"
        await pilot.press("down", "down", "enter")
        await pilot.pause()
        assert app.screen.session.answers["problem_type"] == "wicked"


async def test_the_plan_has_a_public_version_for_sharing(tmp_path):
    from codesign_tui.flow.answers import check_answers, read_answers
    from codesign_tui.flow.problems import Problems

    flow = _flow("engagement-plan")
    given = read_answers(Path(__file__).parent.parent / "data" / "answers" / "engagement-coproduce.yaml", Problems())
    store = SessionStore()
    saved = store.new(flow, answers=check_answers(flow, given, Problems()))
    store.save(saved)
    app = make_app(resume=saved.name, store=store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+o")
        await pilot.pause()
        await app.screen.workers.wait_for_complete()
        viewer = app.screen.query_one(MarkdownViewer)
        assert "Priya Shah" in viewer.document.source
        await pilot.press("p")
        await app.screen.workers.wait_for_complete()
        await pilot.pause()
        assert "Priya Shah" not in viewer.document.source and "Sam Jones" in viewer.document.source
        assert "public version" in app.screen.sub_title
        await pilot.press("m")
        await pilot.pause()
        proposed = Path(app.screen.query_one("#export-path", Input).value)
        # the public version never proposes the full plan's file name
        assert proposed.name.startswith("engagement-plan-") and proposed.name.endswith("-public.md")
        app.screen.query_one("#export-path", Input).value = str(tmp_path / "public.md")
        await pilot.press("enter")
        await pilot.pause()
        # c: the record of conflicts of interest from the register, in the version shown (issue 28)
        from codesign_tui.tui.widgets.dialogs import ChoiceDialog, ExportDialog

        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceDialog)
        await pilot.click("#choice-md")
        await pilot.pause()
        assert isinstance(app.screen, ExportDialog)
        proposed = Path(app.screen.query_one("#export-path", Input).value)
        assert proposed.name.endswith("-public-conflicts-assessment.md")
        app.screen.query_one("#export-path", Input).value = str(tmp_path / "record.md")
        await pilot.press("enter")
        await pilot.pause()
    exported = (tmp_path / "public.md").read_text()
    assert "Priya Shah" not in exported and "Carers Forum" not in exported  # her organisation would name her
    # never dropped: her entry keeps its role, type and handling (issue 28)
    assert "2 entries in this public version have their details withheld" in exported
    assert "| Details withheld | Lived experience member | Details withheld |" in exported
    record = (tmp_path / "record.md").read_text()
    assert record.startswith("# Conflicts of interest record\n") and "Sam Jones" in record
    assert "Priya Shah" not in record and "Lived experience member" in record


async def test_a_question_keeps_its_number_when_a_branch_skips_another():
    flow = _flow("conflicts-of-interest")
    app = make_app(flow=flow)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("1", "1")
        await pilot.pause()
        await type_reply(pilot, "1, 2, 3, 4, 5")
        await pilot.press("2")  # no interests declared yet: the register is skipped
        await pilot.pause()
        turn = app.screen.query(QuestionTurn).last()
        assert turn.question.id == "review_declarations"
        assert turn.number == flow.order["review_declarations"] + 1  # its number in the flow, not 5
        assert f"{turn.number}." in str(turn.query_one(".prompt").render())


async def test_a_session_of_a_flow_file_of_ones_own_resumes_from_any_folder(tmp_path, monkeypatch):
    from codesign_tui.flow.loader import load_flow

    monkeypatch.chdir(Path(__file__).parent.parent / "data")
    flow = load_flow("branching.yaml")  # named relative to the folder the app was started in
    store = SessionStore(tmp_path / "sessions")
    app = make_app(flow=flow, store=store)
    async with app.run_test(size=(100, 30)) as pilot:
        await press(pilot, "1")
        session_id = app.screen.session.name
    assert Path(store.load(session_id).flow_path).is_absolute()
    monkeypatch.chdir(tmp_path)  # resumed later, from somewhere else
    app = make_app(resume=session_id, store=store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ConversationScreen) and app.screen.flow.id == flow.id
        assert app.screen.session.answers


# -- one home for a person's answers: drafts, answers checked on resume, one window a session --------------

NEAR_THE_END = """\
flow: conflicts-of-interest
answers:
  coi_policy: joint_policy
  same_policy_all_sectors: 'yes'
  coi_principles: [identify, declare, record, manage, manage_not_exclude]
  interests_known: 'yes'
  interests:
  - {name: Sam Jones, role: Trustee, organisation: Example CVS, interest_type: financial,
     description: Trustee of a bidder, management: withdraw_from_item}
  review_declarations: every_meeting
  minutes_record: 'yes'
session: {}
"""


def hand_written(name: str, text: str) -> Path:
    folder = Path.cwd() / "codesign-data" / "sessions"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.session.yaml"
    path.write_text(text)
    return path


async def test_text_typed_and_not_sent_survives_a_change_elsewhere_going_back_and_quitting():
    path = hand_written("a", NEAR_THE_END)
    app = make_app(resume="a")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert current(app) == "register_keeper"
        composer = app.screen.query_one("#composer", Input)
        composer.focus()
        await pilot.press(*"Alex in the")
        # Esc, choose the last answer, Enter to change it, Enter to keep it: back at the question
        await press(pilot, "escape", "enter")
        assert current(app) == "minutes_record"
        await press(pilot, "enter")
        assert current(app) == "register_keeper"
        assert app.screen.query_one("#composer", Input).value == "Alex in the"
        # Ctrl+B and forward again
        await press(pilot, "ctrl+b")
        assert current(app) == "minutes_record"
        await press(pilot, "enter")
        assert app.screen.query_one("#composer", Input).value == "Alex in the"
        await pilot.press("ctrl+q")
        await pilot.pause()
    saved = yaml.safe_load(path.read_text())
    assert saved["session"]["drafts"] == {"register_keeper": "Alex in the"}
    assert "register_keeper" not in saved["answers"]
    app = make_app(resume="a")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert app.screen.query_one("#composer", Input).value == "Alex in the"
        await type_reply(pilot, "Alex in the governance team")
        assert app.screen.session.answers["register_keeper"] == "Alex in the governance team"
    assert "drafts" not in yaml.safe_load(path.read_text())["session"]


async def test_words_typed_as_the_reply_to_a_choice_and_not_sent_survive_quitting():
    """Found reading the change again: "not su" typed to a choice question, then Ctrl+Q, was lost; only a
    text question's reply was kept as a draft."""
    app = make_app(flow=_flow("appendix2"))
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, "1", *"not su")
        assert current(app) == "problem_type" and app.screen.query_one("#composer", Input).value == "not su"
        name = app.screen.session.name
        await press(pilot, "ctrl+q")
    app = make_app(resume=name)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        composer = app.screen.query_one("#composer", Input)
        assert current(app) == "problem_type" and composer.value == "not su" and app.screen.focused is composer
        await press(pilot, *"re", "enter")  # and it answers once finished and sent
        assert app.screen.session.answers["problem_type"] == "unsure"
        assert "problem_type" not in app.screen.session.drafts


async def test_a_half_filled_register_entry_is_there_after_changing_an_earlier_answer():
    app = make_app(flow=_flow("conflicts-of-interest"))
    async with app.run_test(size=(100, 30)) as pilot:
        await press(pilot, "1", "1")
        await type_reply(pilot, "1, 2, 3, 4, 5")
        await press(pilot, "1")
        assert current(app) == "interests"
        form = app.screen.query_one("#record-form")
        form.query_one("#field-name", FieldBox).value = "Sam Jones"
        form.query_one("#field-role", FieldBox).value = "Trustee"
        await press(pilot, "escape", "enter")  # change "interests known"...
        assert current(app) == "interests_known"
        await press(pilot, "enter")  # ...and keep it
        assert current(app) == "interests"
        form = app.screen.query_one("#record-form")
        assert form.query_one("#field-name", FieldBox).value == "Sam Jones"
        assert form.query_one("#field-role", FieldBox).value == "Trustee"
        assert "interests" not in app.screen.session.answers  # a draft is never an answer


async def test_resume_sets_aside_an_answer_that_no_longer_fits_and_says_so():
    path = hand_written("a", """\
flow: appendix2
answers:
  space_to_shape: banana
  problem_type: wicked
session: {}
""")
    app = make_app(resume="a")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert current(app) == "space_to_shape"  # asked again, not counted as answered
        said = " ".join(str(n.render()) for n in turns(app, NoteTurn))
        assert "no longer fits the flow" in said and "'banana' is not one of the answers" in said
        assert [t.question.id for t in turns(app, AnswerTurn)] == []
        await press(pilot, "1")
    saved = yaml.safe_load(path.read_text())
    assert saved["answers"]["space_to_shape"] == "yes" and "set_aside" not in saved


async def test_a_session_open_in_another_window_is_offered_as_a_copy():
    from codesign_tui.tui.widgets.dialogs import ChoiceDialog

    path = hand_written("a", NEAR_THE_END)
    before = path.read_bytes()
    elsewhere = SessionStore()
    elsewhere.lock("a")
    try:
        app = make_app(resume="a")
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, ChoiceDialog)
            await pilot.click("#choice-copy")
            await pilot.pause()
            assert isinstance(app.screen, ConversationScreen) and app.screen.session.name != "a"
            await type_reply(pilot, "Alex")
        assert path.read_bytes() == before
        [copy] = [p for p in path.parent.glob("*.session.yaml") if p != path]
        assert yaml.safe_load(copy.read_text())["answers"]["register_keeper"] == "Alex"
    finally:
        elsewhere.unlock("a")


async def test_quitting_while_naming_a_new_plan_keeps_the_name():
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await press(pilot, "down", "enter")  # appendix2
        await pilot.press(*"Library review")
        await pilot.press("ctrl+q")
        await pilot.pause()
    [path] = (Path.cwd() / "codesign-data" / "sessions").glob("*.session.yaml")
    assert yaml.safe_load(path.read_text())["project"] == "Library review"
    assert "codesign --resume" in app.farewell
    app = make_app(resume="")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ConversationScreen) and app.screen.session.project == "Library review"


async def test_the_conversation_says_when_the_recommendation_is_settled_at_80_columns():
    app = make_app(flow=_flow("appendix2"))
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, "1", "3", "1")  # open, wicked, time: not settled yet
        notes = [str(n.render()) for n in turns(app, NoteTurn)]
        assert not any(n.startswith("Settled") for n in notes)
        await press(pilot, "3", "1", "1", "1", "1")  # no money: settled once every answer it reads is in
        notes = [str(n.render()) for n in turns(app, NoteTurn)]
        settled = [n for n in notes if n.startswith("Settled:")]
        assert len(settled) == 1
        result = app.screen.session.result()
        assert settled[0].startswith(f"Settled: {result.recommendation.label}.")
        assert "Held back by your answer to “Do you have money" in settled[0]


async def test_a_facilitator_room_does_not_hear_the_recommendation_before_the_reveal():
    app = make_app(flow=_flow("appendix2"), facilitate=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await press(pilot, *"1313111")
        notes = " ".join(str(n.render()) for n in turns(app, NoteTurn))
        assert "Settled" not in notes and "Co-design" not in notes


async def test_enter_in_the_date_of_a_register_entry_goes_on_to_the_publication_question():
    app = make_app(flow=_flow("conflicts-of-interest"))
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, "1", "1")
        await type_reply(pilot, "1, 2, 3, 4, 5")
        await press(pilot, "1")
        form = app.screen.query_one("#record-form")
        for field_id, value in dict(name="Sam Jones", role="Trustee", organisation="Example CVS",
                                    interest_type="financial", description="Trustee of a bidder",
                                    management="withdraw_from_item").items():
            form.query_one(f"#field-{field_id}").value = value
        form.query_one("#field-declared_on", Input).focus()
        await pilot.press(*"1 Dec 2026")
        await press(pilot, "enter")
        assert form.records == []  # not added yet: whether it is published comes next (version 2.1)
        assert app.screen.focused.id == "field-publish"
        form.query_one("#field-publish").value = "yes"
        await pilot.click("#record-add")
        await pilot.pause()
        assert form.records[0]["declared_on"] == "2026-12-01" and form.records[0]["publish"] == "yes"


async def test_a_flow_started_straight_away_asks_what_the_plan_needs_and_can_skip_it():
    app = make_app(flow=_flow("appendix2"), ask_names=True)  # as `codesign appendix2` builds it
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press(*"Library review", "enter", *"Jo Bloggs", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ConversationScreen)
        assert (app.screen.session.project, app.screen.session.prepared_by) == ("Library review", "Jo Bloggs")
        # the work's name leads the title bar from the first question (shortened, not the count, to fit)
        assert app.screen.title.startswith("Library review · When is it right")
        assert app.screen.sub_title == "0 of 8 answered"
    app = make_app(flow=_flow("appendix2"), ask_names=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.click("#cancel")  # "Skip"
        await pilot.pause()
        assert isinstance(app.screen, ConversationScreen) and app.screen.session.project == ""


async def test_escape_in_the_naming_question_keeps_what_was_typed_or_goes_back_as_its_button_says():
    from codesign_tui.tui.screens.home import HomeScreen
    from codesign_tui.tui.widgets.dialogs import NewPlanDialog

    # started straight away: Esc skips, but a name already typed is kept, not thrown away unasked
    app = make_app(flow=_flow("appendix2"), ask_names=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "(Esc)" in str(app.screen.query_one("#cancel").label)
        await pilot.press(*"Library review", "escape")
        await pilot.pause()
        assert isinstance(app.screen, ConversationScreen)
        assert (app.screen.session.project, app.screen.session.prepared_by) == ("Library review", "")
    app = make_app(flow=_flow("appendix2"), ask_names=True)
    async with app.run_test(size=(80, 24)) as pilot:  # nothing typed: a plain skip
        await press(pilot, "escape")
        assert isinstance(app.screen, ConversationScreen) and app.screen.session.project == ""
    # from the home screen the button is Cancel, and Esc goes back to the list of flows
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, "enter")
        assert isinstance(app.screen, NewPlanDialog)
        await pilot.press(*"Library review", "escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen) and app.current is None


async def test_an_abbreviation_is_spelt_out_where_the_person_first_meets_it():
    flow = _flow("engagement-plan")
    [vcse] = [t for t in flow.terms if t.term == "VCSE"]
    given = yaml.safe_load((Path(__file__).parent.parent / "data" / "answers" / "engagement-coproduce.yaml").read_text())
    order = flow.order
    kept = {k: v for k, v in given["answers"].items() if order[k] <= order["same_policy_all_sectors"]}
    store = SessionStore()
    store.save(store.new(flow, answers=kept))
    app = make_app(resume="", store=store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        # answered questions are drawn as AskedTurn (the prompt alone), the one being asked as QuestionTurn
        prompts = {t.question.id: str((t if isinstance(t, AskedTurn) else t.query_one(".prompt")).render())
                   for t in [*turns(app, AskedTurn), *app.screen.query(QuestionTurn)]}
        # the first prompt that uses it spells it out; the next one does not
        assert f"VCSE ({vcse.meaning}) partners" in prompts["vcse_same_guidance"]
        assert "VCSE partners" in prompts["same_policy_all_sectors"]
        assert vcse.meaning not in prompts["same_policy_all_sectors"]
    # the glossary itself: first use spelt out, later ones left short, and drawn again from the top afresh
    from codesign_tui.flow.conversation import Conversation
    from codesign_tui.flow.engine import Session

    conversation = Conversation(Session(flow))
    first, second = conversation.words("VCSE partners"), conversation.words("VCSE partners")
    assert first == f"VCSE ({vcse.meaning}) partners" and second == "VCSE partners"
    assert conversation.words_folded("Ask VCSE groups") == "Ask VCSE groups"  # already met
    conversation.read_afresh()
    assert conversation.words("VCSE partners") == first


async def test_a_choice_in_the_register_form_says_what_it_means():
    flow = _flow("conflicts-of-interest")
    app = make_app(flow=flow)
    async with app.run_test(size=(100, 30)) as pilot:
        await press(pilot, "1", "1")
        await type_reply(pilot, "1, 2, 3, 4, 5")
        await press(pilot, "1")
        form = app.screen.query_one("#record-form")
        shown = form.query_one("#explain-interest_type")
        assert not shown.display
        form.query_one("#field-interest_type").value = "indirect"
        await pilot.pause()
        meaning = flow.question("interests").fields[3].option("indirect").explanation
        assert shown.display and str(shown.render()) == meaning


async def test_choosing_an_earlier_answer_gives_one_instruction_and_puts_it_away_after():
    app = make_app(flow=_flow("appendix2"))
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, "1", "3")
        screen = app.screen
        composer = screen.query_one("#composer", Input)
        hint = screen.query_one("#reply-hint", Static)
        asking = composer.placeholder
        assert asking and not hint.display

        def footer() -> set[str]:
            return {str(key.render()).strip() for key in screen.query("FooterKey")}

        assert "f1 Why" in footer()
        await press(pilot, "escape")
        assert isinstance(screen.focused, Transcript)
        # the hint says how to choose; the reply box does not also say how to answer the question
        assert hint.display and "arrow keys" in str(hint.render()) and composer.placeholder == ""
        # the footer's keys are for choosing: Enter changes it, Esc returns, F1 (about the question) is put away
        assert {"⏎ Change it", "esc Return"} <= footer() and "f1 Why" not in footer()
        await press(pilot, "escape")  # back to the question
        assert screen.focused is not screen.query_one(Transcript)
        assert composer.placeholder == asking and not hint.display and "f1 Why" in footer()
        # leaving by a click on the reply box does the same
        await press(pilot, "escape")
        assert composer.placeholder == ""
        await pilot.click("#composer")
        await pilot.pause()
        assert composer.placeholder == asking and not hint.display


@pytest.mark.parametrize("where", ["conversation", "facilitated", "plan", "choosing", "home"])
async def test_every_key_in_the_footer_fits_at_80_columns(where):
    app = make_app(flow=None if where == "home" else _flow("appendix2"), facilitate=where == "facilitated")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        if where == "plan":
            await press(pilot, *"1311111", "1", "ctrl+o")
        if where == "choosing":  # Esc: choosing an earlier answer to change
            await press(pilot, "1", "3", "escape")
            assert isinstance(app.screen.focused, Transcript)
        keys = list(app.screen.query("FooterKey"))
        assert len(keys) >= (2 if where == "home" else 5)
        right = min((k.region.x for k in app.screen.query("FooterLabel, CommandPaletteKey")), default=80)
        for key in keys:
            label = str(key.render()).strip()
            assert key.region.right <= min(80, right), f"{label!r} is cut at 80 columns"
            assert key.region.width >= len(label), label


async def test_the_farewell_says_whether_the_saved_plan_has_the_latest_answers(tmp_path):
    async def finish_and_save(app, pilot, change_after: bool) -> None:
        await press(pilot, *"13111111", "ctrl+o", "m")
        app.screen.query_one("#export-path", Input).value = str(tmp_path / f"plan-{change_after}.md")
        await press(pilot, "enter", "escape")  # saved; back to the conversation
        if change_after:
            await press(pilot, "escape", "enter", "2")  # the last answer, changed
        await press(pilot, "ctrl+q")

    app = make_app(flow=_flow("appendix2"))
    async with app.run_test(size=(100, 30)) as pilot:
        await finish_and_save(app, pilot, change_after=False)
    assert app.farewell.endswith(f"The plan was saved as:\n  {tmp_path / 'plan-False.md'}")
    app = make_app(flow=_flow("appendix2"))
    async with app.run_test(size=(100, 30)) as pilot:
        await finish_and_save(app, pilot, change_after=True)
    assert f"{tmp_path / 'plan-True.md'}\nbefore your last changes; to save it with them" in app.farewell
    app = make_app(flow=_flow("appendix2"))
    async with app.run_test(size=(100, 30)) as pilot:
        await press(pilot, *"13111111", "ctrl+q")
    assert "The plan was not saved to a file this time; to save it, open the session again" in app.farewell


async def test_save_in_the_plan_asks_which_format(tmp_path):
    from codesign_tui.tui.widgets.dialogs import ChoiceDialog, ExportDialog

    app = make_app(flow=_flow("appendix2"))
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, *"13111111", "ctrl+o", "s")
        assert isinstance(app.screen, ChoiceDialog)
        await pilot.click("#choice-md")
        await pilot.pause()
        assert isinstance(app.screen, ExportDialog)
        app.screen.query_one("#export-path", Input).value = str(tmp_path / "plan.md")
        await press(pilot, "enter")
        # the notice goes after a few seconds; the title bar keeps the name of the file saved
        assert isinstance(app.screen, PlanScreen) and app.screen.sub_title.endswith("· saved as plan.md")
    assert (tmp_path / "plan.md").read_text().startswith("#")


async def test_every_format_in_the_save_question_is_on_screen_at_80_columns_and_the_arrows_reach_it():
    """Found in a trial: the five formats sat in one row, and the fifth, JSON (j), was beyond the dialog's
    edge at 80 columns. One a line, each is drawn whole inside the dialog, and Down reaches the last."""
    from codesign_tui.tui.widgets.dialogs import ChoiceDialog, ExportDialog

    app = make_app(flow=_flow("appendix2"))
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, *"13111111", "ctrl+o", "s")
        dialog = app.screen
        assert isinstance(dialog, ChoiceDialog)
        inside = dialog.query_one("Vertical").content_region
        buttons = list(dialog.query(Button))
        assert [str(b.label) for b in buttons] == ["Markdown (m)", "Word (w)", "Web page (h)", "Text (x)", "JSON (j)"]
        for button in buttons:
            region = button.region
            assert region.width >= len(str(button.label)) and inside.contains_region(region), (button, region)
        await press(pilot, "down", "down", "down", "down")
        assert app.focused is buttons[-1]
        await press(pilot, "enter")
        assert isinstance(app.screen, ExportDialog)
        assert app.screen.query_one("#export-path", Input).value.endswith(".json")


async def test_a_name_typed_without_an_ending_gets_the_formats_and_a_new_folder_is_made_when_asked(tmp_path):
    """From a trial: 'carers-plan' was saved with no .md, and a folder not made yet gave only an error."""
    from codesign_tui.tui.widgets.dialogs import ConfirmDialog

    app = make_app(flow=_flow("appendix2"))
    async with app.run_test(size=(100, 30)) as pilot:
        await press(pilot, *"13111111", "ctrl+o", "m")
        app.screen.query_one("#export-path", Input).value = str(tmp_path / "new" / "carers-plan")
        await press(pilot, "enter")
        assert isinstance(app.screen, ConfirmDialog) and "There is no folder" in str(app.screen.question)
        await pilot.click("#yes")
        await pilot.pause()
        assert isinstance(app.screen, PlanScreen)
    assert (tmp_path / "new" / "carers-plan.md").read_text().startswith("# ")
    assert not (tmp_path / "new" / "carers-plan").exists()


async def test_the_save_question_takes_the_letter_each_choice_shows(tmp_path):
    from codesign_tui.tui.widgets.dialogs import ChoiceDialog, ExportDialog

    app = make_app(flow=_flow("appendix2"))
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, *"13111111", "ctrl+o", "s")
        assert isinstance(app.screen, ChoiceDialog)
        await press(pilot, "w")  # "Word (w)"
        assert isinstance(app.screen, ExportDialog)
        assert app.screen.query_one("#export-path", Input).value.endswith(".docx")


async def test_the_save_question_offers_plain_text_under_x_and_it_pastes_cleanly(tmp_path):
    """Board papers are often templates that take plain text: x (t and p are taken on the plan screen) saves
    the plan with no Markdown, and the same steps as every other format."""
    from codesign_tui.tui.widgets.dialogs import ChoiceDialog, ExportDialog

    app = make_app(flow=_flow("appendix2"))
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, *"13122211", "ctrl+o", "s")  # some answers hold it back: steps to list
        assert isinstance(app.screen, ChoiceDialog)
        assert "Text (x)" in [str(b.label) for b in app.screen.query(Button)]
        await press(pilot, "x")
        assert isinstance(app.screen, ExportDialog)
        proposed = app.screen.query_one("#export-path", Input).value
        assert proposed.endswith(".txt") and not proposed.endswith(".text.txt")
        app.screen.query_one("#export-path", Input).value = str(tmp_path / "board-paper")
        await press(pilot, "enter")
        assert isinstance(app.screen, PlanScreen) and app.screen.sub_title.endswith("· saved as board-paper.txt")
    text = (tmp_path / "board-paper.txt").read_text(encoding="utf-8")
    assert text.splitlines()[1].startswith("===")  # the title underlined
    assert "**" not in text and "[ ]" not in text and "](#" not in text and "|---" not in text
    assert "\n1. " in text  # steps numbered


async def test_word_export_without_python_docx_names_the_key_and_the_command_and_stays(tmp_path, monkeypatch):
    import sys

    from codesign_tui.plan.word import install_command
    from codesign_tui.tui.screens.plan import STAYS

    app = make_app(flow=_flow("appendix2"))
    said: list[tuple[str, dict]] = []
    notify = app.notify
    monkeypatch.setattr(app, "notify", lambda message, **options: (said.append((message, options)),
                                                                   notify(message, **options))[1])
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        for key in "13122211":
            await pilot.press(key)
            await pilot.pause()
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert isinstance(app.screen, PlanScreen)
        await app.screen.workers.wait_for_complete()
        monkeypatch.setitem(sys.modules, "docx", None)  # as if python-docx were not installed
        await pilot.press("w")
        await pilot.pause()
        app.screen.query_one("#export-path", Input).value = str(tmp_path / "plan.docx")
        await pilot.press("enter")
        await pilot.pause()
        await app.screen.workers.wait_for_complete()
        await pilot.pause()
    [(message, options)] = [(m, o) for m, o in said if o.get("title") == "Not saved"]
    assert install_command() in message
    assert "press w again" in message and "press m for Markdown or h for a web page" in message
    assert "--format" not in message  # the command line's options mean nothing in the app
    assert options["timeout"] == STAYS and STAYS >= 60 * 60
    assert not (tmp_path / "plan.docx").exists()


async def test_o_on_the_plan_shows_the_one_page_summary_and_exports_it(tmp_path):
    app = make_app(flow=_flow("appendix2"))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        for key in "13122211":
            await pilot.press(key)
            await pilot.pause()
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert isinstance(app.screen, PlanScreen)
        await app.screen.workers.wait_for_complete()
        viewer = app.screen.query_one(MarkdownViewer)
        assert "## Appendix" in viewer.document.source
        await pilot.press("o")
        await app.screen.workers.wait_for_complete()
        await pilot.pause()
        assert "## Appendix" not in viewer.document.source and "## Next steps" in viewer.document.source
        assert "one-page summary" in app.screen.sub_title
        await pilot.press("m")
        await pilot.pause()
        export_input = app.screen.query_one("#export-path", Input)
        assert export_input.value.endswith("-summary.md")
        export_input.value = str(tmp_path / "summary.md")
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("o")  # and back to the whole plan
        await app.screen.workers.wait_for_complete()
        await pilot.pause()
        assert "## Appendix" in viewer.document.source
    assert (tmp_path / "summary.md").read_text().startswith("# ")
    # Co-design, below the Co-produce the work calls for: the reasons are said to be Co-produce's
    assert "## Why the work calls for Co-produce" in (tmp_path / "summary.md").read_text()


async def test_tab_in_replace_it_never_lands_on_replace():
    from codesign_tui.tui.widgets.dialogs import ConfirmDialog

    chosen: list[bool | None] = []
    app = make_app(flow=_flow("appendix2"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.push_screen(ConfirmDialog("plan.md already exists. Replace it?", "Replace", "Keep it"), chosen.append)
        await pilot.pause()
        assert app.screen.focused.id == "no"
        await press(pilot, "tab", "tab")  # reaching for "Keep it"
        assert app.screen.focused.id == "no"
        await press(pilot, "enter")
        assert chosen == [False]
        app.push_screen(ConfirmDialog("plan.md already exists. Replace it?", "Replace", "Keep it"), chosen.append)
        await pilot.pause()
        await press(pilot, "shift+tab")  # the other answer is still a key away
        assert app.screen.focused.id == "yes"
        await press(pilot, "tab")
        assert app.screen.focused.id == "no"


async def test_a_warning_an_answer_raises_is_said_in_the_conversation():
    flow = _flow("conflicts-of-interest")
    [flag] = [f for f in flow.flags if f.id == "financial-interest-deciding"]
    app = make_app(flow=flow)
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, "1", "1")
        await type_reply(pilot, "1, 2, 3, 4, 5")
        await press(pilot, "1")
        form = app.screen.query_one("#record-form")
        await add_interest(pilot, form, name="Dr A. Patel", role="Clinical lead", organisation="Example Trust",
                           interest_type="financial", description="Shares in a bidder",
                           management="note_and_participate")
        await pilot.click("#record-done")
        await pilot.pause()
        notes = [str(n.render()) for n in turns(app, NoteTurn)]
        # and says whom it is about (issue 28)
        assert f"Warning: {flag.text} About: Dr A. Patel (Example Trust)." in notes


async def open_register(pilot) -> object:
    """conflicts-of-interest, as far as its register of interests."""
    await press(pilot, "1", "1")
    await type_reply(pilot, "1, 2, 3, 4, 5")
    await press(pilot, "1")
    return pilot.app.screen.query_one("#record-form")


async def test_the_register_form_at_80_columns_shows_whole_labels_and_explains_under_the_box():
    app = make_app(flow=_flow("conflicts-of-interest"))
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_register(pilot)
        for label in form.query(".field-label"):
            text = str(label.render())
            assert label.size.width >= len(text), f"{text!r} is squeezed into a column"
        form.query_one("#field-interest_type").value = "financial"
        await pilot.pause()
        explanation, box = form.query_one("#explain-interest_type"), form.query_one("#field-interest_type")
        assert explanation.region.x == box.region.x  # under the box, not in the labels' column
    async with make_app(flow=_flow("conflicts-of-interest")).run_test(size=(160, 50)) as pilot:
        form = await open_register(pilot)
        form.query_one("#field-interest_type").value = "financial"
        await pilot.pause()
        label = form.query(".field-label").first()
        explanation, box = form.query_one("#explain-interest_type"), form.query_one("#field-interest_type")
        assert label.region.y == form.query_one("#field-name").region.y  # side by side where there is room
        assert explanation.region.x == box.region.x > label.region.right - 1


async def test_done_typed_in_the_date_of_a_register_entry_finishes_the_form():
    app = make_app(flow=_flow("conflicts-of-interest"))
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_register(pilot)
        # half an entry: done says what it still needs, and how to finish without it
        form.query_one("#field-name", FieldBox).value = "Sam Jones"
        form.query_one("#field-declared_on", Input).focus()
        await pilot.press(*"done", "enter")
        await pilot.pause()
        said = str(form.query_one("#record-error").render())
        assert "Still to fill in: Role; Type; Interest; Handling." in said
        assert "empty the boxes to finish without this entry" in said
        assert current(app) == "interests"
        # the whole entry: done adds it and finishes the register
        for field_id, value in dict(role="Trustee", organisation="Example CVS", interest_type="financial",
                                    description="Trustee of a bidder", management="withdraw_from_item").items():
            form.query_one(f"#field-{field_id}").value = value
        form.query_one("#field-declared_on", Input).focus()
        await pilot.press(*"done", "enter")
        await pilot.pause()
        assert current(app) == "review_declarations"
        [entry] = app.screen.session.answers["interests"]
        assert entry["name"] == "Sam Jones" and "declared_on" not in entry


async def test_the_register_form_lists_each_entry_with_its_type_and_handling():
    app = make_app(flow=_flow("conflicts-of-interest"))
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_register(pilot)
        await add_interest(pilot, form, name="Sam Jones", role="Trustee", organisation="Example CVS",
                           interest_type="financial", description="Trustee of a bidder",
                           management="withdraw_from_item")
        summary = str(form.query_one("#record-summary").render())
        assert "1. Sam Jones, Trustee · Type: Financial · Handling: Step out for that item" in summary


async def test_the_register_form_keeps_the_first_label_in_view_names_done_truly_and_asks_before_removing():
    """From a trial at 80x24: the Name label was scrolled away, Done said "none to record" with an entry
    filled in, and Remove the last was one Tab and Enter away from deleting an entry."""
    from codesign_tui.tui.widgets.dialogs import ConfirmDialog

    app = make_app(flow=_flow("conflicts-of-interest"))
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_register(pilot)
        fields = form.query_one("#record-fields")
        first_label = form.query(".field-label").first()

        async def label_in_view() -> bool:
            await pilot.pause()
            return fields.region.y <= first_label.region.y < fields.region.bottom

        assert await label_in_view()
        done = form.query_one("#record-done")
        assert str(done.label) == "Done: none to record"
        form.query_one("#field-name", FieldBox).value = "Sam Jones"
        await pilot.pause()
        assert str(done.label) == "Add it and finish"
        await add_interest(pilot, form, role="Trustee", organisation="Example CVS", interest_type="financial",
                           description="Trustee of a bidder", management="withdraw_from_item")
        assert len(form.records) == 1 and await label_in_view()  # back at the top for the next entry
        assert str(done.label) == "Done (1 recorded)"
        await pilot.click("#record-remove")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog) and "Sam Jones" in str(app.screen.question)
        await pilot.press("enter")  # the safe answer has the focus
        await pilot.pause()
        assert len(form.records) == 1
        await pilot.click("#record-remove")
        await pilot.pause()
        await pilot.click("#yes")
        await pilot.pause()
        assert form.records == []


def shown(prompt) -> str:
    """An option's prompt as text on screen."""
    import io

    from rich.console import Console

    console = Console(width=200, file=io.StringIO(), record=True)
    console.print(prompt)
    return " ".join(console.export_text().split())


def engagement_before(question_id: str):
    """The app resuming the engagement plan at `question_id`, every answer before it as a whole plan has
    it; and the flow's VCSE term."""
    flow = _flow("engagement-plan")
    [vcse] = [t for t in flow.terms if t.term == "VCSE"]
    given = yaml.safe_load((Path(__file__).parent.parent / "data" / "answers" / "engagement-coproduce.yaml").read_text())
    kept = {k: v for k, v in given["answers"].items() if flow.order[k] < flow.order[question_id]}
    store = SessionStore()
    store.save(store.new(flow, answers=kept))
    return make_app(resume="", store=store), vcse


async def test_an_option_spells_out_an_abbreviation_the_first_time_it_is_met():
    app, vcse = engagement_before("training_who")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert current(app) == "training_who"
        checklist = app.screen.query_one("#checklist", OptionList)
        options = [shown(checklist.get_option_at_index(i).prompt) for i in range(checklist.option_count)]
        assert f"VCSE ({vcse.meaning}) partners" in options[1]
        # ticking redraws the option with the same words
        await press(pilot, "2")
        assert shown(checklist.get_option_at_index(1).prompt).startswith(f"[✓] 2 VCSE ({vcse.meaning}) partners")
        await press(pilot, "enter")
        # met once: the next question that uses it keeps it short
        await press(pilot, "1", "1", "1")
        assert current(app) == "vcse_same_guidance"
        prompt = str(app.screen.query(QuestionTurn).last().query_one(".prompt").render())
        assert "VCSE partners" in prompt and vcse.meaning not in prompt


async def test_a_checklist_after_a_checklist_spells_out_its_abbreviations_too():
    """From a trial: answering one tick-box question and going on to the next, the list drawn in place said
    "VCSE partners" unexplained (a list built and thrown away had met the abbreviation first)."""
    app, vcse = engagement_before("training_topics")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert current(app) == "training_topics"
        first = app.screen.query_one("#checklist", OptionList)
        await press(pilot, "1", "enter")
        assert current(app) == "training_who"
        checklist = app.screen.query_one("#checklist", OptionList)
        assert checklist is first  # the same list, its options offered in place
        options = [shown(checklist.get_option_at_index(i).prompt) for i in range(checklist.option_count)]
        assert f"VCSE ({vcse.meaning}) partners" in options[1]


async def test_numbers_typed_as_a_list_in_a_tick_box_question_tick_each_of_them():
    """From a trial: "1, 2" typed into the list ticked 1, then the space unticked it again and 2 was ticked,
    so the answer saved was option 2 alone, with nothing to say so."""
    app, _ = engagement_before("training_topics")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert app.screen.focused.id == "checklist"
        await press(pilot, *"1, 2", "enter")
        topics = list(app.screen.flow.question("training_topics").values)
        assert app.screen.session.answers["training_topics"] == topics[:2]
        assert current(app) == "training_who"
        who = list(app.screen.flow.question("training_who").values)
        await press(pilot, *"2 4", "up", "space", "enter")  # after a move, Space ticks the highlighted option
        assert app.screen.session.answers["training_who"] == [who[1], who[2], who[3]]


async def test_a_list_typed_with_a_word_in_it_is_read_whole_and_enter_answers_with_the_ticks():
    """From a trial: "2, 5 and 6" typed into a tick-box question ticked 2 and 5, sent "and 6" to the reply
    box (refused), and an empty reply box then refused Enter with three boxes ticked."""
    app, _ = engagement_before("training_topics")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        topics = list(app.screen.flow.question("training_topics").values)
        checklist = app.screen.query_one("#checklist")
        await press(pilot, *"1, 3 a")
        composer = app.screen.query_one("#composer", Input)
        # the reply box holds the whole list so far, and the boxes its numbers ticked are unticked again
        assert app.screen.focused is composer and composer.value == "1, 3 a"
        assert checklist.selected == []
        await press(pilot, *"nd 2", "enter")
        assert app.screen.session.answers["training_topics"] == topics[:3]
        assert current(app) == "training_who"
        who = list(app.screen.flow.question("training_who").values)
        # ticked in the list, then Enter in the (empty) reply box: the ticks are the answer
        app.screen.query_one("#checklist").focus()
        await press(pilot, "1", "3")
        app.screen.query_one("#composer", Input).focus()
        await press(pilot, "enter")
        assert app.screen.session.answers["training_who"] == [who[0], who[2]]


def send_at_once(app, text: str) -> None:
    """Keys as a fast typist or a terminal sends them: all queued before the app handles the first (Pilot's
    press waits for each key to be handled, so a move of the focus is always done before the next key)."""
    from textual.events import Key

    for character in text:
        app.post_message(Key("space" if character == " " else character, character))


async def test_a_reply_typed_faster_than_the_focus_moves_arrives_whole():
    """From a trial: "2 and 4" sent in one go ticked 4 in the list while the reply box held "2 and", and
    Enter saved option 2 alone. Keys that reach a list after a word has gone to the reply box follow it."""
    app, _ = engagement_before("coi_principles")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        principles = list(app.screen.flow.question("coi_principles").values)
        assert app.screen.focused.id == "checklist"
        send_at_once(app, "2 and 4")
        await pilot.pause()
        composer = app.screen.query_one("#composer", Input)
        assert composer.value == "2 and 4" and app.screen.query_one("#checklist").selected == []
        await press(pilot, "enter")
        assert app.screen.session.answers["coi_principles"] == [principles[1], principles[3]]
    # a choice: a number inside a typed reply is part of the words, not a pick of that option
    app = make_app(flow=_flow("appendix2"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.screen.focused.id == "quick-replies"
        send_at_once(app, "not 2 sure")
        await pilot.pause()
        assert app.screen.query_one("#composer", Input).value == "not 2 sure"
        assert "space_to_shape" not in app.screen.session.answers
    # pasted into a list, the text goes to the reply box whole
    from textual.events import Paste

    app = make_app(flow=_flow("appendix2"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.screen.query_one("#quick-replies").post_message(Paste("partly, I think"))
        await pilot.pause()
        assert app.screen.query_one("#composer", Input).value == "partly, I think"


async def test_a_wrapped_option_explanation_keeps_its_indent():
    app = make_app(flow=_flow("appendix2"))
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, "1")
        assert current(app) == "problem_type"
        quick = app.screen.query_one("#quick-replies", OptionList)
        lines = [quick.render_line(y).text.rstrip() for y in range(quick.scrollable_content_region.height)]
        third = next(n for n, line in enumerate(lines) if line.lstrip().startswith("3 "))
        column = lines[third].index("A hard problem")  # where the label's words start
        rest = []
        for line in lines[third + 1:]:
            if not line.startswith(" ") or not line.strip():
                break  # the next option, or the list's end
            rest.append(line)
        assert "Causes are tangled" in rest[0] and len(rest) >= 2  # the explanation wraps
        for line in rest:
            assert len(line) - len(line.lstrip()) == column, lines
    # a checklist's options too: after the box and the number
    from codesign_tui.tui.widgets.replies import option_prompt
    import io

    from rich.console import Console

    console = Console(width=40, file=io.StringIO(), record=True)
    console.print(option_prompt(2, "VCSE partners and the people they work with", "", box="[ ]"))
    first, second = console.export_text().rstrip("\n").split("\n")[:2]
    column = first.index("VCSE")
    assert first.startswith("[ ] 2") and len(second) - len(second.lstrip()) == column, (first, second)


async def burst(pilot, *keys: str) -> None:
    """Keys typed faster than the app can follow: all of them sent before it handles the first."""
    from textual import events

    for key in keys:
        character = {"enter": "\r", "space": " "}.get(key, key if len(key) == 1 else None)
        pilot.app.post_message(events.Key(key, character))


async def until(pilot, condition, tries: int = 200) -> None:
    """Let the app catch up until `condition()` holds (or give up, and let the assertions say why)."""
    for _ in range(tries):
        if condition():
            return
        await pilot.pause()


async def test_keys_typed_quickly_through_the_naming_dialog_reach_the_first_question():
    app = make_app(flow=_flow("appendix2"), ask_names=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await burst(pilot, *"Lib", "enter", *"Jo", "enter", "2")
        await until(pilot, lambda: isinstance(app.screen, ConversationScreen) and app.screen.session.answers)
        assert isinstance(app.screen, ConversationScreen)
        session = app.screen.session
        assert (session.project, session.prepared_by) == ("Lib", "Jo")
        assert session.answers == {"space_to_shape": "partly"}
    # Enter, Enter, Enter: the last one answers the first question with its highlighted answer
    app = make_app(flow=_flow("engagement-plan"), ask_names=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await burst(pilot, "enter", "enter", *"My work", "enter")
        await until(pilot, lambda: isinstance(app.screen, ConversationScreen) and app.screen.session.answers)
        assert app.screen.session.answers == {"work_summary": "My work"}


async def test_a_tab_typed_quickly_in_the_naming_dialog_moves_what_follows_to_the_next_box():
    """From a trial: a long name, then Tab straight away, then the author: the author went into the name."""
    app = make_app(flow=_flow("appendix2"), ask_names=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        name = "Redesign of a community mental-health drop-in for young people"
        await burst(pilot, *name, "tab", *"A. Officer", "enter")
        await until(pilot, lambda: isinstance(app.screen, ConversationScreen))
        assert isinstance(app.screen, ConversationScreen)
        session = app.screen.session
        assert (session.project, session.prepared_by) == (name, "A. Officer")


async def test_from_home_a_quick_enter_after_naming_reaches_the_first_question():
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await press(pilot, "down", "enter")  # appendix2
        await burst(pilot, *"Library", "enter", "enter", "enter")
        await until(pilot, lambda: isinstance(app.screen, ConversationScreen) and app.screen.session.answers)
        assert app.screen.session.project == "Library"
        assert app.screen.session.answers == {"space_to_shape": "yes"}


async def test_cancel_in_naming_a_plan_from_home_goes_back_and_keeps_nothing():
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await press(pilot, "down", "enter")
        await pilot.click("#cancel")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen) and app.current is None
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert not list((Path.cwd() / "codesign-data" / "sessions").glob("*.session.yaml"))
    assert not app.farewell


async def test_at_80_columns_the_export_and_the_plan_saved_notice_show_the_whole_file_name(tmp_path):
    folder = tmp_path / "a-rather-long-folder-name" / "for-the-plans-of-the-commissioning-team"
    folder.mkdir(parents=True)
    import os

    os.chdir(folder)
    app = make_app(flow=_flow("appendix2"))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await press(pilot, *"13111111", "ctrl+o")
        await app.screen.workers.wait_for_complete()
        await press(pilot, "m")
        box = app.screen.query_one("#export-path", Input)
        name = box.value
        assert name.startswith("appendix2-") and name.endswith(".md")
        assert box.content_region.width > len(name)  # the whole name in view, not scrolled off
        await press(pilot, "enter")
        assert (folder / name).exists()
        await until(pilot, lambda: app.screen.query("Toast"))
        toast = app.screen.query("Toast").last()
        lines = [toast.render_line(y).text.strip() for y in range(toast.size.height)]
        assert name in lines, lines  # on a line of its own, whole
        assert toast.region.right <= 80


@pytest.mark.parametrize("size", [(160, 50), (80, 24)])
async def test_the_plan_contents_show_every_heading_whole(size):
    app = make_app(flow=_flow("appendix2"))
    async with app.run_test(size=size) as pilot:
        await press(pilot, *"13111111", "ctrl+o")
        await app.screen.workers.wait_for_complete()
        await pilot.pause()
        viewer = app.screen.query_one(MarkdownViewer)
        if size[0] < 140:  # folded away on a narrow screen until t opens them
            assert not viewer.show_table_of_contents
            await press(pilot, "t")
        assert viewer.show_table_of_contents
        tree = viewer.table_of_contents.query_one("Tree")
        longest = max(len(name) for _, name, _ in viewer.document.table_of_contents)
        assert longest > 30  # "When is it right to co-design or co-produce?"
        # nothing to scroll sideways: every heading is whole
        assert tree.virtual_size.width <= tree.scrollable_content_region.width
        lines = [tree.render_line(y).text for y in range(tree.size.height)]
        for _, name, _ in viewer.document.table_of_contents:
            assert any(name in line for line in lines), (name, lines)


async def test_opening_and_closing_the_contents_keeps_the_part_of_the_plan_being_read():
    """From a trial: closing the contents at 80x24 jumped the plan from the register to the answers table."""
    app = make_app(flow=_flow("appendix2"))
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, *"13111111", "ctrl+o")
        await app.screen.workers.wait_for_complete()
        await pilot.pause()
        viewer = app.screen.query_one(MarkdownViewer)
        headings = [block for block in viewer.document.children if block.__class__.__name__.startswith("MarkdownH")]
        reading = headings[len(headings) // 2]
        viewer.scroll_to_widget(reading, animate=False, top=True)
        await pilot.pause()
        assert viewer.scroll_offset.y > 0
        for _ in range(2):  # open, then close
            await press(pilot, "t")
            await pilot.pause()
            # at the top, below its own margin
            assert 0 <= reading.region.y - viewer.region.y <= 3, "the heading being read went out of view"


@pytest.mark.parametrize("size", [(100, 30), (160, 50)])
async def test_the_ladders_wrapped_lines_start_under_the_words_not_the_mark(size):
    app = make_app(flow=_flow("appendix2"))
    async with app.run_test(size=size) as pilot:
        await press(pilot, *"1311")  # the ladder says what it waits for, in lines longer than the panel
        ladder = app.screen.query_one(SidePanel).query_one("#ladder")
        lines = [ladder.render_line(y).text.rstrip() for y in range(ladder.size.height)]
        start = next(n for n, line in enumerate(lines) if line.startswith("◆ What"))
        marked = lines[start:]
        assert len(marked) > 2, lines  # some of them wrap
        for line in marked:
            assert line.startswith(("◆ ", "✓ ", "  ")) and not line.startswith("   "), lines
        # and again after the panel changes width
        await pilot.resize_terminal(size[0] + 20, size[1])
        await pilot.pause()
        lines = [ladder.render_line(y).text.rstrip() for y in range(ladder.size.height)]
        assert all(line.startswith(("◆ ", "✓ ", "  ")) for line in lines[next(
            n for n, line in enumerate(lines) if line.startswith("◆ What")):]), lines


async def test_at_160_columns_the_side_panel_keeps_each_count_whole_and_says_what_the_marks_mean():
    app = make_app(flow=_flow("appendix2"))
    async with app.run_test(size=(160, 50)) as pilot:
        await press(pilot, *"13111111")
        panel = app.screen.query_one(SidePanel)
        progress = panel.query_one("#progress")
        lines = [progress.render_line(y).text.rstrip() for y in range(progress.size.height)]
        counted = [line for line in lines if "/" in line]
        assert len(counted) == 3, lines
        for line in counted:  # the count and its state together at the end of the line, never split
            assert line.endswith(("done", "now", "to do")), lines
        assert any(line.endswith("4/4 done") for line in counted)
        ladder = panel.query_one("#ladder")
        text = [ladder.render_line(y).text.rstrip() for y in range(ladder.size.height)]
        level = app.screen.session.result(so_far=True).calls_for.label
        marked = next(line for line in text if line.endswith(level) and "◆" in line)
        assert marked.index("◆") < marked.index(level)  # the mark on its level's own line
        assert "◆ What the work calls for" in text and "★ The recommendation" in text


async def test_enter_makes_the_folder_asked_for_and_the_next_save_proposes_it(tmp_path):
    """From the second trial: "Make it, and save the plan there? [Make it] [Cancel]" cancelled on Enter, silently,
    and each of seven saves proposed the starting folder again."""
    from codesign_tui.tui.widgets.dialogs import ConfirmDialog

    app = make_app(flow=_flow("appendix2"))
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, *"13111111", "ctrl+o", "m")
        app.screen.query_one("#export-path", Input).value = str(tmp_path / "board" / "plan")
        await press(pilot, "enter")
        assert isinstance(app.screen, ConfirmDialog)
        await press(pilot, "enter")  # the action asked for
        assert isinstance(app.screen, PlanScreen)
        assert (tmp_path / "board" / "plan.md").is_file()
        await press(pilot, "w")
        said = str(app.screen.query_one("#export-folder").render())
        assert said.endswith(f"in this folder:\n{tmp_path / 'board'}")


async def test_a_save_that_ends_without_saving_says_so(tmp_path):
    from codesign_tui.tui.widgets.dialogs import ConfirmDialog

    seen: list = []
    app = make_app(flow=_flow("appendix2"))
    async with app.run_test(size=(100, 30)) as pilot:
        app.notify = lambda message, **kwargs: seen.append((kwargs.get("title"), str(message)))  # type: ignore[method-assign]
        await press(pilot, *"13111111", "ctrl+o", "m")
        app.screen.query_one("#export-path", Input).value = str(tmp_path / "nowhere" / "plan.md")
        await press(pilot, "enter")
        assert isinstance(app.screen, ConfirmDialog)
        await press(pilot, "escape")
        assert seen[-1][0] == "Not saved" and "the folder" in seen[-1][1] and "was not made" in seen[-1][1]
        (tmp_path / "plan.md").write_text("keep me")
        await press(pilot, "m")
        app.screen.query_one("#export-path", Input).value = str(tmp_path / "plan.md")
        await press(pilot, "enter", "enter")  # replacing keeps the safe answer as its default
        assert seen[-1] == ("Not saved", "The plan was not saved: plan.md was kept as it was.")
        await press(pilot, "m", "escape")
        assert seen[-1] == ("Not saved", "The plan was not saved.")
    assert not (tmp_path / "nowhere").exists() and (tmp_path / "plan.md").read_text() == "keep me"


async def test_right_on_the_safe_answer_of_a_dialog_that_replaces_stays_there():
    """From a trial: in "Replace it?", Right on "Keep it" wrapped round to "Replace", and Enter replaced a
    saved Word file. Right and Tab stop at the safe answer, the last; Left reaches the other and stops there."""
    from textual.app import App

    from codesign_tui.tui.widgets.dialogs import ConfirmDialog

    answers: list[bool | None] = []

    class Asking(App):
        def on_mount(self) -> None:
            self.push_screen(ConfirmDialog("board.docx exists. Replace it?", yes="Replace", no="Keep it"),
                             answers.append)

    app = Asking()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.focused is not None and app.focused.id == "no"
        for key in ("right", "tab", "right"):
            await pilot.press(key)
            assert app.focused.id == "no", key
        await pilot.press("left")
        assert app.focused.id == "yes"
        await pilot.press("left")
        assert app.focused.id == "yes"  # no wrapping round at this end either
        await pilot.press("right", "enter")
        await pilot.pause()
    assert answers == [False]
