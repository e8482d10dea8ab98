"""The app tier's snapshots hold still: a text box's cursor is drawn shown and never blinks, so what a snapshot
records does not depend on how busy the machine is. Textual blinks it every half second after focus, and under
load the picture was taken after the first blink (the register form at 160x50 failed so, with the cursor
hidden)."""

from __future__ import annotations

import pytest
from textual.widgets import Input


@pytest.fixture
def snap_compare(snap_compare, monkeypatch):
    # Textual's blink timer calls this every half second; a changed name fails here, loudly
    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)
    return snap_compare
