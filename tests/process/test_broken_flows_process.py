"""A corpus of broken flows: each must be reported with the right message at the right line and column.

The tests of it that run the codesign command, a room or a browser; tests/unit/test_broken_flows.py holds the rest."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
import pytest

from test_broken_flows import BROKEN, HOSTILE, _codesign, read_case  # noqa: F401  (helpers and fixtures)


@pytest.mark.parametrize("name", ["deep-nesting", "deep-nesting-in-example"])
def test_hostile_file_gives_no_traceback_from_the_command(name: str, tmp_path: Path):
    path = tmp_path / f"{name}.yaml"
    HOSTILE[name][0](path)
    result = _codesign("validate", str(path))
    assert "Traceback" not in result.stderr, result.stderr[-2000:]
    assert result.returncode == 2, result.stdout + result.stderr[-2000:]
    assert f"{name}.yaml:" in result.stdout


def test_validate_command_reports_each_broken_file_and_exits_2():
    chosen = [BROKEN / "duplicate-key.yaml", BROKEN / "goto-unknown-section.yaml"]
    result = _codesign("validate", *map(str, chosen))
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    for path in chosen:
        expected = read_case(path).main
        lines = [line for line in result.stdout.splitlines()
                 if f"{expected.file}:{expected.line}:{expected.column}: error: " in line]
        assert lines and expected.message in lines[0], result.stdout
    # no example can run while the flow has errors: "0 of 0 examples passed" read as if there were none
    assert result.stdout.splitlines()[-1].endswith("2 errors, 0 warnings; examples not run until the errors are"
                                                   " fixed"), result.stdout


def test_validate_command_passes_the_shipped_flows():
    result = _codesign("validate")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    assert "no errors" in result.stdout


def test_an_unknown_option_beside_a_flow_gets_the_whole_commands_usage(tmp_path):
    result = subprocess.run([sys.executable, "-m", "codesign_tui", "engagement-plan", "--bogus"],
                            capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert result.returncode == 2
    assert "unrecognised arguments: --bogus" in result.stderr
    assert "codesign COMMAND ..." in result.stderr and "Traceback" not in result.stderr


def test_a_duplicated_id_is_listed_first_with_the_errors_that_may_follow_from_it():
    path = BROKEN / "duplicate-question-id-knock-on.yaml"
    result = _codesign("validate", str(path))
    errors = [line for line in result.stdout.splitlines() if ": error: " in line]
    assert "duplicate question id 'budget'" in errors[0], result.stdout  # though it is on a later line
    assert "1 error below (line 12) may follow from this one" in result.stdout
    assert "which is not in the flow" in errors[1]
