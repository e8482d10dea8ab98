"""`codesign handout`: the scenario and every question with its answers to tick, its discussion prompts and.

The tests of it that run the codesign command, a room or a browser; tests/unit/test_handout.py holds the rest."""

from __future__ import annotations

import subprocess
import sys


def test_the_command_writes_each_format_and_asks_for_an_example_for_a_key(tmp_path):
    for fmt in ("md", "html", "docx", "text"):
        out = tmp_path / f"sheet.{fmt}"
        run = subprocess.run([sys.executable, "-m", "codesign_tui", "handout", "point-oldham", "--format", fmt, "-o",
                              str(out)], capture_output=True, text=True, timeout=120)
        assert run.returncode == 0, run.stderr
        assert out.stat().st_size > 0
    run = subprocess.run([sys.executable, "-m", "codesign_tui", "handout", "appendix2", "--key"], capture_output=True,
                         text=True, timeout=120)
    assert run.returncode == 2 and "an answer key needs a worked example" in run.stderr
    run = subprocess.run([sys.executable, "-m", "codesign_tui", "handout", "appendix2"], capture_output=True,
                         text=True, timeout=120)
    assert run.returncode == 0 and "### 8. " in run.stdout
