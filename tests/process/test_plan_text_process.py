"""The plan as plain text (`--format text`), for a board paper's template or an email: no markup, steps.

The tests of it that run the codesign command, a room or a browser; tests/unit/test_plan_text.py holds the rest."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from test_plan_text import ANSWERS  # noqa: F401  (helpers and fixtures)


def test_the_command_writes_text_and_names_it_txt(tmp_path):
    run = subprocess.run([sys.executable, "-m", "codesign_tui", "render", "appendix2", "--answers",
                          str(ANSWERS / "appendix2-codesign.yaml"), "--format", "text", "-o", str(tmp_path / "plan.txt")],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "plan.txt").read_text(encoding="utf-8").startswith("Neighbourhood mental health support\n===")
    from codesign_tui.flow.conversation import with_format_suffix

    assert with_format_suffix(Path("carers-plan"), "text").name == "carers-plan.txt"
