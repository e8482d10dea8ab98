"""The snapshots' cursor holds still (tests/app/conftest.py): checked, as it is what keeps them from depending
on the machine's load."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Input


class OneBox(App):
    def compose(self) -> ComposeResult:
        yield Input(id="box")


async def test_a_focused_box_keeps_its_cursor_shown_past_many_blinks(snap_compare):
    app = OneBox()
    async with app.run_test() as pilot:  # no snapshot here: the fixture is asked for its stillness
        box = app.query_one("#box", Input)
        box.focus()
        await pilot.pause()
        box._blink_timer._callback()  # type: ignore[union-attr]  # what one blink of the timer does
        assert box._cursor_visible
