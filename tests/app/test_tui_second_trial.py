"""The full-screen app after a second trial (issue 26), through Pilot: numbers tick in a tick-box question
wherever the focus was left, a changed answer is said after Ctrl+B as after Esc, and at 80x24 the header
keeps the work's name."""

from __future__ import annotations

from textual.widgets import Input

from codesign_tui.tui.app import make_app
from codesign_tui.tui.widgets.turns import NoteTurn

from test_tui import _flow, current, engagement_before, press


async def test_a_number_ticks_in_a_tick_box_list_after_a_list_answered_in_words():
    """From a trial: after a tick-box question answered in words, the next one's numbers went into the reply
    box ("123", then "Sorry: choose a number from 1 to 5") instead of ticking."""
    app, _ = engagement_before("training_topics")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        topics = list(app.screen.flow.question("training_topics").values)
        await press(pilot, *"1 and 2", "enter")  # in words: the reply box keeps the focus
        assert app.screen.session.answers["training_topics"] == topics[:2]
        assert current(app) == "training_who"
        composer = app.screen.query_one("#composer", Input)
        who = list(app.screen.flow.question("training_who").values)
        await press(pilot, "1", "3")
        assert composer.value == "" and app.screen.query_one("#checklist").selected == [who[0], who[2]]
        await press(pilot, "enter")
        assert app.screen.session.answers["training_who"] == [who[0], who[2]]


async def test_numbers_in_a_reply_with_a_word_are_still_typing():
    app, _ = engagement_before("training_topics")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        topics = list(app.screen.flow.question("training_topics").values)
        app.screen.query_one("#composer", Input).focus()
        await pilot.pause()
        await press(pilot, *"1 and 3", "enter")  # begun with a number in the reply box, then a word: read whole
        assert app.screen.session.answers["training_topics"] == [topics[0], topics[2]]
        who = list(app.screen.flow.question("training_who").values)
        await press(pilot, *"2 and 4", "enter")
        assert app.screen.session.answers["training_who"] == [who[1], who[3]]


async def test_changing_an_answer_after_ctrl_b_says_what_changed():
    app = make_app(flow=_flow("appendix2"))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await press(pilot, "1", "1")
        assert current(app) == "time_for_relationships"
        await press(pilot, "ctrl+b")
        assert current(app) == "problem_type"
        await press(pilot, "2")
        flow = app.screen.flow
        problem = flow.question("problem_type")
        said = " ".join(" ".join(str(turn.render()).split()) for turn in app.screen.query(NoteTurn))
        assert (f"Your answer to “{problem.prompt.rstrip('?')}” is now {problem.options[1].label} (it was"
                f" {problem.options[0].label})." in said)


async def test_at_80_columns_the_header_keeps_the_works_name():
    name = "Short breaks for unpaid carers across Bolton"  # 44 characters
    app = make_app(flow=_flow("appendix2"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        screen.session.project = name
        screen.fit_title()
        await pilot.pause()
        assert screen.title == name and "…" not in screen.title
        # wider, the flow's title comes back beside it
        await pilot.resize_terminal(160, 50)
        await pilot.pause()
        assert screen.title == f"{name} · {screen.flow.title}"
        assert screen.sub_title.endswith(" answered")


async def test_the_plan_screen_shows_something_at_once_while_the_plan_is_drawn(monkeypatch):
    """From a trial: the plan screen was blank for 1.8 s (160x50) before the plan appeared."""
    import threading

    from textual.widgets import MarkdownViewer

    import codesign_tui.plan.render as rendering
    from codesign_tui.tui.screens.plan import PlanScreen

    drawing, go_on = threading.Event(), threading.Event()
    real = rendering.render_markdown

    def slow(*args, **kwargs):  # a long plan: drawing takes a while
        drawing.set()
        go_on.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(rendering, "render_markdown", slow)
    app = make_app(flow=_flow("appendix2"))
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        await press(pilot, "1", "1")
        await press(pilot, "ctrl+o")
        screen = app.screen
        assert isinstance(screen, PlanScreen)
        while not drawing.is_set():
            await pilot.pause()
        await pilot.pause()
        # while the plan is drawn, the screen says so (and answers keys), rather than showing nothing
        viewer = screen.query_one(MarkdownViewer)
        assert "Drawing the plan from your answers" in viewer.document.source
        go_on.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "Drawing the plan" not in viewer.document.source and "## " in viewer.document.source


async def test_going_back_does_not_spell_out_an_abbreviation_a_second_time():
    """From a trial: "VCSE" was spelt out at question 11 (an option) and again at question 15, after Ctrl+B
    had drawn the transcript again (the options of question 11 are not drawn again)."""
    from test_tui import QuestionTurn

    app, vcse = engagement_before("training_topics")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await press(pilot, "1", "enter")
        await press(pilot, "2", "enter")  # question 11's options spelt VCSE out
        await press(pilot, "1", "1", "1")
        assert current(app) == "vcse_same_guidance"
        await press(pilot, "ctrl+b", "1")
        assert current(app) == "vcse_same_guidance"
        prompt = str(app.screen.query(QuestionTurn).last().query_one(".prompt").render())
        assert "VCSE partners" in prompt and vcse.meaning not in prompt


async def test_at_80x24_a_long_interest_wraps_in_its_box_and_is_read_whole():
    """From a trial: at 80x24 the register's one-line "What is the interest?" box showed only the end of what
    was typed. The form's text boxes wrap: every word typed is on screen, in a box of several lines kept in
    view, and the entry added (and the draft kept) is the text as typed, on one line."""
    from test_stress import BEFORE_THE_REGISTER, drawn, saved_drafts, session_file

    session_file("long-interest", BEFORE_THE_REGISTER, {})
    typed = ("Her partner chairs the board of Example CVS, which is bidding to deliver the service; she also"
             " volunteers there on Saturdays")
    app = make_app(resume="long-interest")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        form = app.screen.query_one("#record-form")
        for field_id, value in (("name", "Sam Jones"), ("role", "Trustee")):
            form.query_one(f"#field-{field_id}").value = value
        form.query_one("#field-interest_type").value = "indirect"
        box = form.query_one("#field-description")
        box.focus()
        await pilot.pause()
        await press(pilot, *typed)
        assert box.value == typed and box.size.height >= 2
        shown = " ".join(drawn(box).split())
        assert shown == typed  # all of it, wrapped: nothing scrolled out of the box
        assert box.region.y >= form.query_one("#record-fields").region.y and \
            box.region.bottom <= form.query_one("#record-fields").region.bottom  # the whole box in view
        await press(pilot, "ctrl+q")
    assert saved_drafts()["interests"]["entry"]["description"] == typed


async def test_f2_never_squeezes_the_conversation_on_a_narrow_screen():
    """From a trial: F2 at 80x24 was reported to squeeze the conversation until little but the side panel's
    ladder showed. Not seen at 80x24 itself (the conversation keeps 44 columns there), but on any narrower
    window the panel kept its 34 columns: at 45 the conversation was 3 columns wide. F2 now shows the panel
    only where both fit, says so where they do not, and a panel shown folds away when the window narrows."""
    from codesign_tui.tui.widgets.side_panel import SidePanel

    app, _ = engagement_before("training_topics")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        panel, main = screen.query_one(SidePanel), screen.query_one("#main")
        assert panel.region.width == 0
        await press(pilot, "f2")
        assert panel.region.width >= 34 and main.region.width >= 44
        for width in (60, 45):
            await pilot.resize_terminal(width, 24)
            await pilot.pause()
            assert panel.region.width == 0 and main.region.width == width, width
        await press(pilot, "f2")
        assert panel.region.width == 0 and main.region.width == 45
        assert any("needs a window 78 columns wide" in n.message for n in app._notifications)
        await pilot.resize_terminal(160, 50)
        await pilot.pause()
        assert panel.region.width > 0  # a wide window shows it, as it always has
