"""The home screen's list of flows, kept in a cache that an edited flow makes stale.

The tests of it that run the codesign command, a room or a browser; tests/unit/test_catalogue.py holds the rest."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.cold_cache  # its first command must find the cache empty


def test_drawing_the_home_screen_loads_no_flow_code():
    import subprocess
    import sys

    script = ("import sys\n"
              "from codesign_tui.tui.app import make_app\n"
              "app = make_app()\n"
              "assert [e.id for e in app.flows][:3] == ['engagement-plan', 'appendix2', 'conflicts-of-interest']\n"
              "print(sorted(m for m in sys.modules if m.startswith('codesign_tui.flow.')))\n")
    first, second = (subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
                     for _ in range(2))
    # the first start checks the flows against the entries shipped with them, the second reads its cache
    assert first.stdout.strip() == "['codesign_tui.flow.catalogue']"
    assert second.stdout.strip() == "['codesign_tui.flow.catalogue']"
