"""One way to save a plan (plan/save.py): a plan that names people in its register is its writer's alone.

The tests of it that drive the full-screen app; tests/process/test_save_plan.py holds the rest."""

from __future__ import annotations

from test_save_plan import NAMES_PEOPLE, mode, pytestmark, saved_session  # noqa: F401  (helpers and fixtures)


async def save_as_markdown(pilot, path) -> None:
    """From the conversation: open the plan (Ctrl+O), choose Markdown (m), give `path` and press Enter."""
    from textual.widgets import Input

    from codesign_tui.tui.screens.plan import PlanScreen

    app = pilot.app
    await pilot.pause()
    await pilot.press("ctrl+o")
    await pilot.pause()
    assert isinstance(app.screen, PlanScreen)
    await app.screen.workers.wait_for_complete()
    await pilot.press("m")
    await pilot.pause()
    app.screen.query_one("#export-path", Input).value = str(path)
    await pilot.press("enter")


async def test_the_app_saves_a_plan_naming_people_for_its_writer_alone(tmp_path):
    from codesign_tui.tui.app import make_app

    app = make_app(resume=saved_session(NAMES_PEOPLE))
    async with app.run_test(size=(100, 30)) as pilot:
        await save_as_markdown(pilot, tmp_path / "board")  # no ending typed
        await pilot.pause()
    path = tmp_path / "board.md"  # the format's ending added, as the name proposed would have had
    assert mode(path) == 0o600 and "Helen Ward" in path.read_text()


async def test_a_folder_name_holding_square_brackets_is_said_as_it_is_and_the_app_carries_on(tmp_path):
    """A folder named "notes [/] 2026 [red]draft" crashed the app once the plan was saved there: the message
    saying where was read as markup, and "[/]" closes nothing. It is said as written."""
    from textual.widgets._toast import Toast

    from codesign_tui.tui.app import make_app

    folder = tmp_path / "notes [" / "] 2026 [red]draft"  # said as ".../notes [/] 2026 [red]draft"
    folder.mkdir(parents=True)
    app = make_app(resume=saved_session(NAMES_PEOPLE))
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await save_as_markdown(pilot, folder / "board")
        for _ in range(50):
            toasts = [str(toast.render()) for toast in app.screen.query(Toast)]
            if toasts:
                break
            await pilot.pause()
        assert any("notes [/] 2026 [red]draft" in toast for toast in toasts), toasts
        assert app.is_running
    assert "Helen Ward" in (folder / "board.md").read_text()
