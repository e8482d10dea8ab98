"""Hostile input, second round: every command, on any flow, answers file, template or folder, ends with exit 2.

The tests of it that drive the full-screen app; tests/process/test_hostile.py holds the rest."""

from __future__ import annotations

from pathlib import Path

from test_hostile import ESCAPE, GOOD_ANSWERS, RAW, _loop  # noqa: F401  (helpers and fixtures)


async def test_the_cohort_screen_shows_a_room_with_loops(tmp_path: Path):
    """`cohort --show`: the same room in the full-screen report, which used to crash on a loop of links."""
    from textual.widgets import MarkdownViewer

    from codesign_tui.tui.app import make_app
    from codesign_tui.tui.screens.cohort import CohortScreen

    room = tmp_path / "room"
    room.mkdir()
    (room / "answers.yaml").write_text(GOOD_ANSWERS.read_text())
    (room / f"notes{ESCAPE}.yaml").write_text("just: words\n")
    (room / "here").symlink_to(".")
    (room / "again").symlink_to(room)
    _loop(room)
    app = make_app(cohort=[room])
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CohortScreen)
        await screen.workers.wait_for_complete()
        await pilot.pause()
        assert screen.sub_title.startswith("1 answer set")
        source = screen.query_one(MarkdownViewer).document.source
        assert "a loop of symbolic links" in source and "pwned" in source
        assert not RAW.search(source)
