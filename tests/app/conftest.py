"""The app tier's snapshots hold still: a text box's cursor is drawn shown and never blinks, so what a snapshot
records does not depend on how busy the machine is. Textual blinks it every half second after focus, and under
load the picture was taken after the first blink (the register form at 160x50 failed so, with the cursor
hidden). The register form's wrapping boxes are TextAreas, which blink through a method of their own (the form
at 100x30 failed so under load too)."""

from __future__ import annotations

import pytest
from textual.widgets import Input, TextArea


@pytest.fixture
def snap_compare(snap_compare, monkeypatch):
    # Textual's blink timer calls this every half second; a changed name fails here, loudly
    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)
    monkeypatch.setattr(TextArea, "_toggle_cursor_blink_visible", lambda self: None)
    return snap_compare
