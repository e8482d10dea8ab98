"""Worked examples from the framework's case studies, and facilitator mode for a room.

The tests of it that need no app and no process; tests/app/test_examples_and_facilitator.py holds the rest."""

from __future__ import annotations

import pytest

from codesign_tui.flow.engine import evaluate
from codesign_tui.flow.loader import load_flow
from codesign_tui.resources import flows_dir
from test_examples_and_facilitator import EXPECTED, examples  # noqa: F401  (helpers and fixtures)


def test_the_five_case_studies_are_shipped():
    assert set(examples()) == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_example_gives_its_recommendation(name):
    worked = examples()[name]
    flow = load_flow(flows_dir() / f"{worked.flow}.yaml")
    result = evaluate(flow, worked.answers)
    assert result.complete
    assert (result.recommendation.id, result.held_back_by) == EXPECTED[name]
    assert worked.scenario and worked.note and worked.source


def test_point_oldham_says_what_the_budget_would_reach_once_confirmed():
    worked = examples()["point-oldham"]
    result = evaluate(load_flow(flows_dir() / "appendix2.yaml"), worked.answers)
    assert result.if_confirmed.id == "co-produce" and [i.question for i in result.to_confirm] == ["budget"]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_example_marks_what_the_case_does_not_say_as_an_assumption(name):
    """Issue 22: every fact in a note traceable to its case study or stated as an assumption."""
    note = examples()[name].note
    assert "assum" in note or "our reading" in note
    for unsupported in ("ran for years", "leans on individual relationships", "national SEND rules fix"):
        assert unsupported not in note
