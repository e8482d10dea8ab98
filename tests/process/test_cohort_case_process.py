"""The room against a worked example (issue 29, item 4): per question how many gave the case's answer and.

The tests of it that run the codesign command, a room or a browser; tests/unit/test_cohort_case.py holds the rest."""

from __future__ import annotations

import json
import pytest

from commands import codesign
from test_cohort_case import ROOM


def test_cli_compares_with_an_example():
    run = codesign("cohort", str(ROOM), "--example", "point-oldham")
    assert run.returncode == 0, run.stderr
    assert "reached the case's, Consult" in run.stdout and "seats 1, 9 and 10" in run.stdout
    assert "Named Person" not in run.stdout + run.stderr
    data = json.loads(codesign("cohort", str(ROOM), "--example", "point-oldham", "--format", "json").stdout)
    assert len(data["flows"][0]["case"]["seats"]) == 20


@pytest.mark.parametrize("args, message", [
    (["--example", "point-oldam"], "no worked example called 'point-oldam'; did you mean 'point-oldham'?"),
    (["--example", "point-oldham", "--flow", "engagement-plan"],
     "the example 'point-oldham' answers the flow 'appendix2', not 'engagement-plan'"),
])
def test_cli_says_what_is_wrong_with_the_example(args, message):
    run = codesign("cohort", str(ROOM), *args)
    assert run.returncode == 2 and message in run.stderr and "Traceback" not in run.stderr
