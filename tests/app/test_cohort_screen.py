"""`codesign cohort --show` on a projector (issue 29, item 5): progress and the spread of answers, nothing
about any recommendation until the room is revealed (by its index, or with F4 after a question); the
contents beside the report, not over it; a heading chosen moves the report, and PageDown pages it."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import pytest
from textual.widgets import Tree
from textual.worker import WorkerCancelled

from codesign_tui.cohort.gather import ROOM_INDEX
from codesign_tui.flow.loader import load_flow
from codesign_tui.plan.handout import examples_by_name
from codesign_tui.resources import flows_dir
from codesign_tui.tui.app import make_app
from codesign_tui.tui.screens.cohort import CohortScreen, ReportViewer
from codesign_tui.tui.widgets.dialogs import ConfirmDialog

ROOM = Path(__file__).parent.parent / "data" / "cohort" / "case-room"
LEVELS = ("Inform and check back", "Consult", "Co-design", "Co-produce")


async def counted(pilot) -> CohortScreen:
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, CohortScreen)
    # a count started again (the reveal, a resize) cancels the one before it: wait for the last one, which
    # raises if it failed (on a busy machine the cancelled one was still there to wait for, and raised)
    while unfinished := [worker for worker in screen.workers if not worker.is_finished]:
        for worker in unfinished:
            with contextlib.suppress(WorkerCancelled):
                await worker.wait()
    await pilot.pause()
    return screen


def oldham_app():
    appendix2 = load_flow(flows_dir() / "appendix2.yaml")
    return make_app(flow=appendix2, cohort=[ROOM], example=examples_by_name(flows_dir())["point-oldham"])


async def test_nothing_about_any_recommendation_until_the_reveal_is_confirmed():
    app = oldham_app()
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await counted(pilot)
        assert "#### 4. Do you have money" in screen.shown and "'maybe' is not an answer" in screen.shown
        for word in (*LEVELS, "Recommendations", "the case", "Furthest"):
            assert word not in screen.shown
        assert "recommendations hidden: F4" in screen.sub_title
        await pilot.press("f4")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("escape")  # not yet
        await pilot.pause()
        assert app.screen is screen and not screen.revealed and "Consult" not in screen.shown
        await pilot.press("f4")
        await pilot.pause()
        await pilot.click("#yes")
        await counted(pilot)
        assert screen.revealed and "### Recommendations" in screen.shown
        assert "reached the case's, Consult." in screen.shown and "Furthest from the case: seat 3" in screen.shown
        assert "hidden" not in screen.sub_title
        assert not screen.check_action("reveal", ())  # final: nothing left to reveal, F4 leaves the footer


async def test_a_room_revealed_from_its_own_page_shows_the_recommendations_at_once(tmp_path):
    room = tmp_path / "room"
    room.mkdir()
    for path in ROOM.iterdir():
        (room / path.name).write_bytes(path.read_bytes())
    (room / ROOM_INDEX).write_text(json.dumps({"flow": "appendix2", "revealed": True}))
    async with make_app(cohort=[room]).run_test(size=(160, 50)) as pilot:
        screen = await counted(pilot)
        assert screen.revealed and "### Recommendations" in screen.shown


async def test_the_contents_sit_beside_the_report_and_a_heading_moves_it():
    async with make_app(cohort=[ROOM]).run_test(size=(160, 50)) as pilot:
        screen = await counted(pilot)
        viewer = screen.query_one(ReportViewer)
        assert pilot.app.focused is viewer.document
        await pilot.press("pagedown")
        await pilot.pause()
        assert viewer.scroll_y > 0  # PageDown pages the report from the start
        await pilot.press("home")
        await pilot.press("t")
        await pilot.pause()
        assert viewer.table_of_contents.size.width <= 0.35 * 160
        tree = viewer.table_of_contents.query_one(Tree)
        tree.focus()
        await pilot.pause()
        for _ in range(8):
            await pilot.press("down")
        target = tree.cursor_node.data["block_id"]
        await pilot.press("enter")
        await pilot.pause()
        await pilot.wait_for_scheduled_animations()
        await pilot.pause()
        block = viewer.query_one(f"#{target}")
        assert viewer.scroll_y > 0 and 0 <= block.region.y - viewer.region.y <= 2  # the heading at the top
        assert pilot.app.focused is viewer.document  # the report has the keys back
        before = viewer.scroll_y
        await pilot.press("pagedown")
        await pilot.pause()
        assert viewer.scroll_y > before


async def test_reveal_is_in_the_command_palette():
    from codesign_tui.tui.commands import ActionsProvider

    async with make_app(cohort=[ROOM]).run_test(size=(120, 30)) as pilot:
        screen = await counted(pilot)
        provider = ActionsProvider(screen)
        assert "Reveal" in [title for title, *_ in provider._actions()]


@pytest.mark.parametrize("size", [(80, 24), (120, 30)])
async def test_narrow_screens_list_the_questions_without_recommendations(size):
    async with oldham_app().run_test(size=size) as pilot:
        screen = await counted(pilot)
        assert "- **4. Do you have money" in screen.shown and "Consult" not in screen.shown
