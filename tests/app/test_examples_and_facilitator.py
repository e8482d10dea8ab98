"""Worked examples from the framework's case studies, and facilitator mode for a room."""

from __future__ import annotations

from pathlib import Path


from codesign_tui.flow.examples import worked_examples
from codesign_tui.flow.loader import load_flow
from codesign_tui.flow.problems import Problems
from codesign_tui.resources import flows_dir
from codesign_tui.tui.app import make_app
from codesign_tui.tui.screens.conversation import ConversationScreen
from codesign_tui.tui.screens.plan import PlanScreen
from codesign_tui.tui.widgets.turns import Fold, NoteTurn, QuestionTurn

from test_cohort_screen import counted

# Our reading of each case study, and what the appendix2 policy then recommends.
EXPECTED = {
    "bolton-co-design-toolkit": ("co-design", []),
    "point-oldham": ("consult", ["budget"]),
    "gm-learning-disability-strategy": ("co-produce", []),
    "whole-school-mental-health": ("consult", []),
    "gm-cancer-champions": ("co-design", []),  # the framework's one case it calls co-designed
    # the same case as point-oldham from the families' side (More than one voice)
    "point-oldham-parent-carers": ("consult", ["budget", "senior_buy_in", "learning_culture"]),
}


def examples():
    problems = Problems()
    found = {e.name: e for e in worked_examples(flows_dir(), problems)}
    assert not problems.items, problems.format()
    return found


async def test_an_example_proposes_its_answers_and_enter_accepts_them():
    worked = examples()["point-oldham"]
    flow = load_flow(flows_dir() / "appendix2.yaml")
    app = make_app(flow=flow, example=worked)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        # the case study comes first, on a page of its own; Start (or Enter) goes on to the questions
        from codesign_tui.tui.widgets.dialogs import ScenarioDialog

        assert isinstance(app.screen, ScenarioDialog) and "parent carer forum" in app.screen.scenario
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ConversationScreen)
        scenario = str(screen.query(NoteTurn).first().render())
        assert "POINT Oldham" in scenario and "parent carer forum" in scenario
        assert "The example answers: Partly, some things are fixed" in str(screen.query_one("#reply-hint").render())
        await pilot.press("enter")  # accept the proposed answer
        await pilot.pause()
        await pilot.press("4")  # change one: the problem type is "not sure"
        await pilot.pause()
        for _ in range(6):
            await pilot.press("enter")
            await pilot.pause()
        answers = screen.session.answers
        assert answers == {**worked.answers, "problem_type": "unsure"}
        assert screen.session.is_complete
        # the case's own account follows the example's answers: the note says where these part from them
        closing = str(screen.query(NoteTurn).last().render())
        problem = flow.question("problem_type")
        assert (f"Your answers differ from the example's: question 2, {problem.label('unsure')} where the example"
                f" says {problem.label(worked.answers['problem_type'])}.") in " ".join(closing.split())
        assert "The case's own account, with the example's answers:" in closing


async def test_an_example_answered_as_the_case_was_ends_on_what_the_case_shows():
    worked = examples()["point-oldham"]
    app = make_app(flow=load_flow(flows_dir() / "appendix2.yaml"), example=worked)
    async with app.run_test(size=(100, 30)) as pilot:
        for _ in range(9):  # Start, then accept each of the eight
            await pilot.press("enter")
            await pilot.pause()
        screen = app.screen
        assert screen.session.is_complete and screen.session.answers == worked.answers
        closing = str(screen.query(NoteTurn).last().render())
        assert "What the case shows:" in closing and "differ" not in closing


async def test_facilitator_mode_hides_the_recommendation_until_revealed():
    flow = load_flow(flows_dir() / "appendix2.yaml")
    app = make_app(flow=flow, facilitate=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        turn = screen.query(QuestionTurn).last()
        room = turn.query_one(".discussion", Fold)
        assert room.opened  # open from the start, for the room to read
        assert "already been decided" in str(turn.query_one(".fold-body").render())
        for key in "13111111":
            await pilot.press(key)
            await pilot.pause()
        assert screen.session.is_complete
        ladder = str(screen.query_one("#ladder").render())
        assert "Hidden until the facilitator reveals it" in ladder and "Co-produce" not in ladder
        assert "Recommendation" not in str(screen.query(NoteTurn).last().render())
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert not isinstance(app.screen, PlanScreen)
        assert "F4" in str(screen.query_one("#reply-hint").render())
        await pilot.press("f4")
        await pilot.pause()
        await pilot.click("#yes")  # F4 asks first (issue 29)
        await pilot.pause()
        ladder = str(screen.query_one("#ladder").render())
        assert "★ ◆ ✓ Co-produce" in ladder and "★ The recommendation" in ladder
        assert "Recommendation: Co-produce" in str(screen.query(NoteTurn).last().render())
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert isinstance(app.screen, PlanScreen)


async def test_without_facilitator_mode_there_is_no_discussion_or_reveal():
    flow = load_flow(flows_dir() / "appendix2.yaml")
    app = make_app(flow=flow)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert not app.screen.query(".discussion")
        assert app.screen.check_action("reveal", ()) is False  # hidden from the footer and the palette


async def test_cohort_screen_counts_the_room_and_counts_again_as_answers_arrive(tmp_path):
    import shutil

    from textual.widgets import MarkdownViewer

    from codesign_tui.tui.screens.cohort import CohortScreen

    room = Path(__file__).parent.parent / "data" / "cohort" / "room"
    folder = tmp_path / "collected"
    folder.mkdir()
    app = make_app(cohort=[folder])
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CohortScreen)
        await counted(pilot)
        assert "Waiting for answers" in screen.query_one(MarkdownViewer).document.source
        for answers in sorted(room.glob("*.yaml")):
            shutil.copy(answers, folder / answers.name)
        await pilot.press("r")
        await counted(pilot)  # the count started again cancels the one before: the last one
        source = screen.query_one(MarkdownViewer).document.source
        assert "Waiting for answers" not in source and "answer set" in source
        assert screen.sub_title.startswith(f"{len(list(room.glob('*.yaml')))} answer set")
        # on a projector: no Mermaid source printed as text, the divided questions listed rather than squeezed
        # into a 120-column table, and one Quit in the footer
        assert "pie showData" not in source and "```mermaid" not in source
        assert "| # | Question |" not in source and "% divided" in source
        labels = [str(key.render()).strip() for key in screen.query("FooterKey")]
        assert sum("Quit" in label for label in labels) == 1, labels


async def test_a_worked_example_at_80x24_scrolls_by_page_and_follows_each_new_question():
    from codesign_tui.tui.widgets.turns import Transcript

    worked = examples()["point-oldham"]
    app = make_app(flow=load_flow(flows_dir() / "appendix2.yaml"), example=worked)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("enter")  # Start, after the case study
        for _ in range(3):
            await pilot.press("enter")  # accept the example's answers
            await pilot.pause()
        transcript = app.screen.query_one(Transcript)
        assert transcript.max_scroll_y > 0 and transcript.scroll_y == transcript.max_scroll_y
        await pilot.press("pageup")
        await pilot.pause()
        assert transcript.scroll_y < transcript.max_scroll_y  # PageUp works from the reply list
        await pilot.press("enter")
        await pilot.pause()
        await pilot.pause()
        # the new question comes into view even though the person had scrolled up
        assert transcript.scroll_y == transcript.max_scroll_y
        assert app.screen.query(QuestionTurn).last().region.height > 0


async def test_the_footer_of_a_worked_example_fits_80_columns_with_quit_and_the_case_keys():
    """Found in a trial: at 80 columns a worked example's two keys (F5, F6) pushed the footer past the
    width, and "f5 The case's answ" was cut there, Quit and the scenario gone. The footer now leaves out the
    palette's key, shortens the case's name and leaves Back out (typed "back" and the palette still reach
    it) until the keys fit; at 160 columns every key is there under its whole name."""
    worked = examples()["point-oldham"]

    def drawn(screen) -> list[tuple[str, int]]:
        keys = [key for key in screen.query("FooterKey") if key.display]
        return [(str(key.render()).strip(), key.outer_size.width) for key in keys]

    for size, every in (((80, 24), False), ((160, 50), True)):
        app = make_app(flow=load_flow(flows_dir() / "appendix2.yaml"), example=worked)
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            await pilot.press("enter")  # Start, after the case study
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, ConversationScreen)
            keys = drawn(screen)
            labels = [label for label, _ in keys]
            assert sum(width for _, width in keys) <= size[0], keys
            for label in ("Why", "Change", "Plan", "Scenario", "Quit"):
                assert any(label in shown for shown in labels), (label, labels)
            assert any(("The case's answer" if every else "Case's answer") in shown for shown in labels), labels
            assert any("Back" in shown for shown in labels) is every, labels
            assert any("palette" in shown for shown in labels) is every, labels
            assert screen.check_action("back", ()) and screen.check_action("case_answer", ())
