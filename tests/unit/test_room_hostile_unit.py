"""Hostile input, third round: the room as a service on a shared network. One client (a prankster, or one.

The tests of it that need no app and no process; tests/process/test_room_hostile.py holds the rest."""

from __future__ import annotations


def test_notices_say_one_line_a_kind_a_second():
    import io

    from codesign_tui.room.door import Notices

    now = [0.0]
    out = io.StringIO()
    notices = Notices(out, clock=lambda: now[0])
    for _ in range(1000):
        notices.say("busy", "turned away\x1b[2J\u202e")
    notices.say("other", "something else")
    now[0] = 1.5
    notices.say("busy", "turned away")
    lines = out.getvalue().splitlines()
    assert lines == ["codesign room: turned away^[[2J\\u202e", "codesign room: something else",
                     "codesign room: turned away (and 999 more like it)"]


def test_the_connection_cap_stays_below_the_open_file_limit():
    from codesign_tui.room.door import Door, connection_cap

    assert connection_cap(256) == 192 and connection_cap(1024) == 768 and connection_cap(20) == 4
    assert connection_cap(None) == 1000 and connection_cap(1_000_000) == 1000
    assert Door(192).per_client == 48
