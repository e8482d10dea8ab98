"""Worked examples from the framework's case studies, and facilitator mode for a room.

The tests of it that run the codesign command, a room or a browser; tests/app/test_examples_and_facilitator.py holds the rest."""

from __future__ import annotations

import subprocess
import sys

from commands import codesign
from test_examples_and_facilitator import EXPECTED  # noqa: F401  (helpers and fixtures)


def test_examples_command_lists_them_without_results_unless_asked(appendix2):
    """The list may be on a projector before a session: each case's result only with --results."""
    for results in (False, True):
        run = subprocess.run([sys.executable, "-m", "codesign_tui", "examples", *(["--results"] if results else [])],
                             capture_output=True, text=True, timeout=60)
        assert run.returncode == 0
        rows = {line.split()[0]: line for line in run.stdout.splitlines()[1:-1]}
        assert set(rows) == set(EXPECTED)
        assert ("recommendation" in run.stdout.splitlines()[0]) is results
        for name, (level, held) in EXPECTED.items():
            label = appendix2.level(level).label
            assert (f"  {label}  " in rows[name]) is results, rows[name]
            if results:  # the level a case is held back from, where its conditions hold it back
                column = rows[name].split(f"  {label}  ", 1)[1].split()[0]
                assert (column == "Co-produce") if held else (column == "-"), rows[name]


def test_an_unknown_example_names_the_known_ones():
    run = subprocess.run([sys.executable, "-m", "codesign_tui", "example", "point-oldam"], capture_output=True,
                         text=True, timeout=60)
    assert run.returncode == 2
    assert "did you mean 'point-oldham'?" in run.stderr and "bolton-co-design-toolkit" in run.stderr


def test_render_takes_a_worked_examples_name_and_its_plan_says_it_is_one():
    """Found in a trial: `codesign render appendix2 --answers point-oldham` said there was no such file, though
    `compare` takes an example's name. `render` takes one too, and the plan is the case's, saying it is a worked
    example; a name that is neither a file nor an example is still an error."""
    run = codesign("render", "appendix2", "--answers", "point-oldham")
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("# POINT Oldham's parent carer forum\n")
    assert "- A worked example: the answers began as this tool's reading of a case study (`point-oldham`)" in run.stdout
    summary = codesign("render", "appendix2", "--answers", "point-oldham", "--summary")
    assert summary.returncode == 0 and "A worked example, for training" in summary.stdout
    missing = codesign("render", "appendix2", "--answers", "no-such-example")
    assert missing.returncode == 2 and "no such file" in missing.stderr
