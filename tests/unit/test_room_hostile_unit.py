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


def test_counts_kept_in_the_index_come_back_on_another_clock_and_junk_is_left_out():
    from codesign_tui.room.seats import Counts

    before = [1000.0]
    counts = Counts(60, lambda: before[0])
    for when in (950.0, 990.0, 995.0):
        before[0] = when
        counts.add("10.0.0.66")
    before[0] = 1000.0
    kept = counts.kept(now=1_700_000_000.0)  # the wall clock when this clock reads 1000
    assert kept == {"10.0.0.66": [1_699_999_950.0, 1_699_999_990.0, 1_699_999_995.0]}
    after = [5.0]  # a new process: its own clock, 5 s of wall time later
    again = Counts(60, lambda: after[0])
    again.bring_back({**kept, "bad": "x", 7: [1], "old": [1_600_000_000.0], "future": [1_800_000_000.0]},
                     now=1_700_000_005.0)
    assert list(again.times) == ["10.0.0.66"] and again.count("10.0.0.66") == 3
    after[0] = 5.0 + 10  # 65 s after the first try: it has left the window
    assert again.count("10.0.0.66") == 2
    again.bring_back("not a mapping", now=0)
    assert again.count("10.0.0.66") == 2
