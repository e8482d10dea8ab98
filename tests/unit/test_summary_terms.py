"""The one-page summary spells out the abbreviations it uses, and only those (issue 26: it spelt out "NHS",
which it never used, because it listed every abbreviation of the whole plan)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from codesign_tui.cli import _load
from codesign_tui.flow.answers import read_answers
from codesign_tui.flow.engine import evaluate
from codesign_tui.flow.problems import Problems
from codesign_tui.plan.render import render_markdown

ANSWERS = Path(__file__).parent.parent / "data" / "answers"


@pytest.mark.parametrize("name", ["engagement-coproduce", "engagement-interests", "appendix2-codesign"])
def test_the_summary_spells_out_only_the_abbreviations_it_uses(name):
    given = read_answers(ANSWERS / f"{name}.yaml", Problems())
    flow = _load(given.flow)
    result = evaluate(flow, given.answers)
    whole = render_markdown(flow, result, given)
    summary = render_markdown(flow, result, given, summary=True)
    listed = re.findall(r"^- (\S+) means ", summary, flags=re.M)
    rest = re.sub(r"^- \S+ means .*$", "", summary, flags=re.M)
    for term in listed:
        assert re.search(rf"(?<![\w-]){re.escape(term)}(?![\w-])", rest), f"{term} is spelt out but not used"
    in_plan = [t.term for t in flow.terms if re.search(rf"(?<![\w-]){re.escape(t.term)}(?![\w-])", whole)]
    for term in in_plan:  # and each it uses is spelt out
        if re.search(rf"(?<![\w-]){re.escape(term)}(?![\w-])", rest):
            assert term in listed, f"{term} is used in the summary but not spelt out"


def test_the_engagement_summary_no_longer_lists_the_whole_plans_abbreviations():
    given = read_answers(ANSWERS / "engagement-coproduce.yaml", Problems())
    flow = _load(given.flow)
    summary = render_markdown(flow, evaluate(flow, given.answers), given, summary=True)
    assert "- NHS means National Health Service." in summary  # "NHS Greater Manchester" prepared it
    # the summary says what the work is ("About this work": "... the VCSE groups that run it, and GP
    # practices"), so it spells out VCSE and GP, and no abbreviation of the plan's other parts
    assert "- GP means" in summary and "CVS means" not in summary and "ICB means" not in summary
