"""A long conversation: turns a few back settle into lines (PastTurns), and look and answer as they did."""

from __future__ import annotations

import re
from contextlib import asynccontextmanager

import pytest
from textual.widgets import Input

from codesign_tui.tui.app import make_app
from codesign_tui.tui.screens.conversation import ConversationScreen
from codesign_tui.tui.widgets.footer import Footer
from codesign_tui.tui.widgets.turns import AnswerTurn, AskedTurn, LightTurn, NoteTurn, PastTurns, Transcript


async def answer(pilot, count: int) -> None:
    """Answer the next `count` questions of the engagement plan as a hurried person would: the first choice,
    the first two ticks, a few words, and no register of interests."""
    screen = pilot.app.screen
    assert isinstance(screen, ConversationScreen)
    for _ in range(count):
        question = screen.session.current
        if question.id == "interests_known":
            keys = ["2"]
        elif question.kind in ("single", "yes_partly_no_unsure"):
            keys = ["1"]
        else:
            composer = screen.query_one("#composer", Input)
            composer.focus()
            await pilot.pause()
            keys = [*("1, 2" if question.kind == "multiple" else "A few words"), "enter"]
        for key in keys:
            await pilot.press(key)
            await pilot.pause()
        assert screen.session.current is not question


@asynccontextmanager
async def conversation(flow, answered: int, size: tuple[int, int] = (100, 30)):
    """The app `answered` questions into the flow (as `answer` answers them), and its transcript."""
    app = make_app(flow=flow)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await answer(pilot, answered)
        yield app, pilot, transcript(app)


def screenshot(app) -> str:
    """The screen as SVG. Its id is a checksum of how the lines were cut into pieces of one style, which
    differs between lines kept and lines drawn afresh though every character and colour is the same."""
    return re.sub(r"terminal-\d+", "terminal", app.export_screenshot())


def transcript(app) -> Transcript:
    return app.screen.query_one(Transcript)


async def screens_of_a_long_conversation(engagement, size, live: int) -> tuple[list[str], int, int]:
    """Screenshots after 20 answers, at the latest turn, at the top and half way; and how many turns were
    kept as lines, and how many widgets the transcript held."""
    Transcript.LIVE = live
    app = make_app(flow=engagement)
    shots = []
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await answer(pilot, 20)
        shots.append(screenshot(app))
        scroll = transcript(app)
        for y in (0, scroll.max_scroll_y // 2):
            scroll.scroll_to(y=y, animate=False, immediate=True)
            await pilot.pause()
            shots.append(screenshot(app))
        return shots, len(scroll.past.turns), len(scroll.children)


@pytest.mark.slow
@pytest.mark.parametrize("size", [(80, 24), (160, 50)])
async def test_turns_settled_into_lines_look_as_their_widgets_did(engagement, size, monkeypatch):
    monkeypatch.setattr(Transcript, "LIVE", Transcript.LIVE)
    settled, kept, widgets = await screens_of_a_long_conversation(engagement, size, Transcript.LIVE)
    # PastTurns, the live turns, and those of the last answer (answer, question, notes), which settle next time
    assert kept > 20 and widgets <= Transcript.LIVE + 5
    every, none_kept, all_widgets = await screens_of_a_long_conversation(engagement, size, 10_000)
    assert none_kept == 0 and all_widgets > 40
    for position, (one, other) in enumerate(zip(settled, every)):
        assert one == other, f"screen {position} differs"


@pytest.mark.parametrize("settle", [True, False])
async def test_a_click_on_an_early_answer_after_reading_back_changes_it(engagement, settle, monkeypatch):
    """Whether the early turns are lines or widgets. Reading back with PageUp once let the next change of the
    transcript's size (the border a click's press gives it) throw it back to the latest turn, so the click
    landed on whatever had scrolled under it."""
    if not settle:
        monkeypatch.setattr(Transcript, "LIVE", 10_000)
    async with conversation(engagement, 16) as (app, pilot, scroll):
        await pilot.press(*["pageup"] * 10)  # back to the start
        assert scroll.scroll_y == 0 and bool(scroll.past.turns) is settle
        first = next(turn for turn in scroll.turns() if isinstance(turn, AnswerTurn))
        if settle:
            top, _, left, _, made_of = next(t for t in scroll.past.turns if issubclass(t[3], AnswerTurn))
            assert scroll.past.answer_at(left, top) is made_of[0] is first.question
            assert scroll.past.answer_at(0, top) is None  # beside the answer, not on it
            # the press focuses the transcript, whose border narrows it so that the lines no longer fit: they
            # wait for the button to come up, and the click changes the answer under it
            await pilot.click(PastTurns, offset=(left + 1, top))
        else:
            target = scroll.query(AnswerTurn).first()
            await pilot.mouse_down(target, offset=(1, 0))
            await pilot.pause()
            assert scroll.scroll_y == 0  # the press narrowed the transcript and left it where it was
            await pilot.mouse_up(target, offset=(1, 0))
            await pilot.click(target, offset=(1, 0))
        await pilot.pause()
        assert app.screen.session.current.id == first.question.id == "work_summary"
        assert app.screen.session.answers["work_summary"] == "A few words"  # asked again, kept till changed


async def test_a_press_on_a_settled_answer_let_go_elsewhere_changes_nothing(engagement):
    async with conversation(engagement, 16) as (app, pilot, scroll):
        asking = app.screen.session.current.id
        await pilot.press(*["pageup"] * 10)
        top, _, left, _, _ = next(t for t in scroll.past.turns if issubclass(t[3], AnswerTurn))
        await pilot.mouse_down(PastTurns, offset=(left + 1, top))
        await pilot.pause()
        assert scroll.past.turns  # held while the button is down, though the focus narrowed the transcript
        await pilot.mouse_up(PastTurns, offset=(0, top + 2))
        await pilot.pause()
        assert app.screen.session.current.id == asking
        assert not scroll.past.turns and app.screen.focused is scroll  # widgets again, to choose from


async def test_the_transcript_gives_its_turns_back_as_widgets_to_choose_from(engagement):
    async with conversation(engagement, 16) as (app, pilot, scroll):
        before = [str(turn.render()) for turn in scroll.turns() if isinstance(turn, LightTurn)]
        assert scroll.past.turns and len(before) > len(scroll.children)
        await pilot.press("escape")  # to the transcript: its border narrows it, and the lines no longer fit
        await pilot.pause()
        assert not scroll.past.turns
        assert [str(turn.render()) for turn in scroll.children if isinstance(turn, LightTurn)] == before
        await pilot.press(*["up"] * 20)
        assert scroll.chosen.question.id == "work_summary"
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.session.current.id == "work_summary"


async def test_a_new_theme_or_width_gives_the_turns_back_and_they_settle_again(engagement):
    async with conversation(engagement, 16) as (app, pilot, scroll):
        kept = len(scroll.past.turns)
        assert kept
        await pilot.press("f3")  # high contrast: the lines kept were drawn in the other colours
        await pilot.pause()
        assert not scroll.past.turns and all(isinstance(t, LightTurn) for t in scroll.children[1:kept + 1])
        thawed = len(scroll.children)
        assert thawed > kept
        await answer(pilot, 1)
        assert scroll.past.turns and len(scroll.children) < thawed - kept / 2  # settled again
        await pilot.resize_terminal(120, 30)
        await pilot.pause()
        assert not scroll.past.turns
        thawed = len(scroll.children)
        await answer(pilot, 1)
        assert scroll.past.turns and len(scroll.children) < thawed - kept / 2


async def test_the_footer_is_redrawn_only_when_its_keys_change(engagement):
    """Textual's footer rebuilds its keys whenever the focus moves, at nearly every answer."""
    app = make_app(flow=engagement)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await answer(pilot, 10)
        assert app.screen.session.current.id == "training_who"
        app.screen.query_one("#composer", Input).focus()
        await pilot.pause()
        footer = app.screen.query_one(Footer)
        keys = list(footer.children)
        assert app.screen.focused.id == "composer"
        # from the reply box (a reply in words; numbers alone would tick in the list) to a list of choices:
        # the same keys
        await pilot.press(*"commissioners, senior leaders", "enter")
        assert app.screen.session.current.id == "own_skills" and app.screen.focused.id == "quick-replies"
        assert list(footer.children) == keys
        await pilot.press("escape")  # to the transcript, where Enter changes an answer
        await pilot.pause()
        assert list(footer.children) != keys
        assert any("Change it" in str(key.render()) for key in footer.children)


async def test_an_answer_chosen_with_the_arrows_shows_its_question_too(engagement):
    """From a trial: moving up through the answers put each at the top edge, its question out of view."""
    app = make_app(flow=engagement)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await answer(pilot, 19)
        await pilot.press("escape")
        await pilot.pause()
        scroll = transcript(app)
        for _ in range(6):
            await pilot.press("up")
            await pilot.pause()
            chosen = scroll.chosen
            [asked] = [t for t in scroll.query(AskedTurn) if t.question is chosen.question]
            for turn in (asked, chosen):
                assert scroll.region.y <= turn.region.y and turn.region.bottom <= scroll.region.bottom, \
                    f"{turn.question.id} is not all in view"


async def test_changing_an_early_answer_keeps_the_warnings_and_the_settling_said_along_the_way(engagement):
    """From a trial: after changing (or keeping) an earlier answer, the transcript drawn again had lost the
    "Settled: …" note and the warnings the later answers had raised."""
    app = make_app(flow=engagement)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await answer(pilot, 19)

        def notes() -> list[str]:
            return [str(turn.render()) for turn in transcript(app).turns() if isinstance(turn, NoteTurn)]

        said = notes()
        assert any(note.startswith("Settled:") for note in said)
        assert sum(note.startswith("Warning:") for note in said) == 2
        await pilot.press("escape", *["up"] * 20, "enter")  # back to the first answer
        await pilot.pause()
        assert app.screen.session.current.id == "work_summary"
        await pilot.press("enter")  # kept as it was: on to where the person was
        await pilot.pause()
        assert app.screen.session.current.id == "review_declarations"
        assert notes() == said


async def test_page_up_and_down_move_the_choice_by_a_page_while_choosing(engagement):
    """From a trial: after Esc, PageUp only scrolled the view, and the next Up jumped back to the latest
    answer; reaching an early answer took twenty presses of Up."""
    async with conversation(engagement, 19, size=(80, 24)) as (app, pilot, scroll):
        await pilot.press("escape")
        await pilot.pause()
        order = [turn.question.id for turn in scroll.answers()]
        assert scroll.chosen.question.id == order[-1]
        await pilot.press("pageup")
        await pilot.pause()
        first_page = order.index(scroll.chosen.question.id)
        assert 0 < first_page < len(order) - 1  # a screenful back (at 80x24, an answer or two), not all the way
        chosen = scroll.chosen
        assert scroll.region.y <= chosen.region.y and chosen.region.bottom <= scroll.region.bottom  # in view
        await pilot.press("up")  # the arrows carry on from there
        await pilot.pause()
        assert order.index(scroll.chosen.question.id) == first_page - 1
        await pilot.press(*["pageup"] * 10)
        await pilot.pause()
        assert scroll.chosen.question.id == order[0]
        await pilot.press("pagedown")
        await pilot.pause()
        assert 0 < order.index(scroll.chosen.question.id) < len(order) - 1
        chosen = scroll.chosen.question.id
        await pilot.press("enter")  # and Enter changes the answer chosen
        await pilot.pause()
        assert app.screen.session.current.id == chosen
