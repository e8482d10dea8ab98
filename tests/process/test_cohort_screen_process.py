"""`codesign cohort --show` on a projector (issue 29, item 5): progress and the spread of answers, nothing.

The tests of it that run the codesign command, a room or a browser; tests/app/test_cohort_screen.py holds the rest."""

from __future__ import annotations

import json

from codesign_tui.cohort.gather import ROOM_INDEX, revealed
from codesign_tui.room import seats
from test_cohort_screen import ROOM  # noqa: F401  (helpers and fixtures)


def test_revealed_reads_a_rooms_index_and_its_rounds(tmp_path):
    assert seats.INDEX == ROOM_INDEX
    room = tmp_path / "room"
    (room / "round-1").mkdir(parents=True)
    (room / "round-2").mkdir()
    assert not revealed([room]) and not revealed([room / "round-1"])
    (room / ROOM_INDEX).write_text(json.dumps({"revealed": False, "rounds": [
        {"number": 1, "revealed": True}, {"number": 2, "revealed": False}]}))
    assert revealed([room / "round-1"]) and not revealed([room / "round-2"]) and not revealed([room])
    assert not revealed([room / "round-1", room / "round-2"])  # every path read must be revealed
    (room / ROOM_INDEX).write_text("{damaged")
    assert not revealed([room / "round-1"])
    assert not revealed([ROOM])  # a folder of answers, no room: the trainer reveals it
