"""`codesign map`: the whole flow as text, Mermaid and a web page, its conditions in words, and the parts no.

The tests of it that run the codesign command, a room or a browser; tests/unit/test_flow_map.py holds the rest."""

from __future__ import annotations

import subprocess
import sys


def test_the_command_writes_each_format(tmp_path):
    for fmt, start in (("text", "Map of the flow “When is it right"), ("mermaid", "flowchart TD"),
                       ("html", "<!DOCTYPE html>")):
        run = subprocess.run([sys.executable, "-m", "codesign_tui", "map", "appendix2", "--format", fmt, "-o",
                              str(tmp_path / f"map.{fmt}")], capture_output=True, text=True, timeout=120)
        assert run.returncode == 0, run.stderr
        assert (tmp_path / f"map.{fmt}").read_text(encoding="utf-8").startswith(start)
    run = subprocess.run([sys.executable, "-m", "codesign_tui", "map", "no-such-flow"], capture_output=True,
                         text=True, timeout=120)
    assert run.returncode == 2 and "no flow called 'no-such-flow'" in run.stderr
