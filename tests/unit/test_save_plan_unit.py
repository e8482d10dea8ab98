"""One way to save a plan (plan/save.py): a plan that names people in its register is its writer's alone.

The tests of it that need no app and no process; tests/process/test_save_plan.py holds the rest."""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path
import pytest

from test_save_plan import NAMES_NOBODY, NAMES_PEOPLE, mode, pytestmark, saved_session  # noqa: F401  (helpers and fixtures)


@pytest.mark.parametrize("answers, expected", [(NAMES_PEOPLE, 0o600), (NAMES_NOBODY, 0o644)])
def test_plain_mode_saves_a_plan_naming_people_for_its_writer_alone(tmp_path, answers, expected):
    from codesign_tui.cli import main

    name = saved_session(answers)
    stdin, stdout = sys.stdin, sys.stdout
    # Enter keeps each answer given (or passes over an optional question left unanswered), then at the end
    # saves the plan under the name proposed
    sys.stdin, sys.stdout = io.StringIO("\n" * 60), io.StringIO()
    try:
        code = main(["--plain", "--resume", name])
        said = sys.stdout.getvalue()
    finally:
        sys.stdin, sys.stdout = stdin, stdout
    assert code == 0, said
    [path] = Path.cwd().glob("engagement-plan-*.md")
    assert f"The plan is in {path}" in said, said
    assert mode(path) == expected & ~os.umask(os.umask(0))
    assert "Recommendation" in path.read_text()
