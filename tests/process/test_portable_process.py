"""What differs between systems (codesign_tui/portable.py): the lock's Windows branch against a fake of.

The tests of it that run the codesign command, a room or a browser; tests/unit/test_portable.py holds the rest."""

from __future__ import annotations

import os
import subprocess
import sys

from codesign_tui import portable


def test_on_posix_a_process_is_alive_until_it_ends_and_a_zombie_counts_as_ended():
    assert portable.process_alive(os.getpid())
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    os.waitid(os.P_PID, child.pid, os.WEXITED | os.WNOWAIT)  # ended, not yet reaped: a zombie
    assert not portable.process_alive(child.pid)
    child.wait()
    assert not portable.process_alive(child.pid)
