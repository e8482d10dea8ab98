"""The snapshots' cursor holds still (tests/app/conftest.py): checked, as it is what keeps them from depending
on the machine's load."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Input, TextArea


class OneBox(App):
    def compose(self) -> ComposeResult:
        yield Input(id="box")
        yield TextArea(id="area")


async def test_a_focused_box_keeps_its_cursor_shown_past_many_blinks(snap_compare):
    app = OneBox()
    async with app.run_test() as pilot:  # no snapshot here: the fixture is asked for its stillness
        box = app.query_one("#box", Input)
        box.focus()
        await pilot.pause()
        box._blink_timer._callback()  # type: ignore[union-attr]  # what one blink of the timer does
        assert box._cursor_visible


async def test_a_focused_text_area_keeps_its_cursor_shown_past_many_blinks(snap_compare):
    """The register form's wrapping boxes are TextAreas: their blink is held too."""
    app = OneBox()
    async with app.run_test() as pilot:
        area = app.query_one("#area", TextArea)
        area.focus()
        await pilot.pause()
        for _ in range(3):
            area.blink_timer._callback()  # type: ignore[union-attr]  # what one blink of the timer does
        assert area._cursor_visible
