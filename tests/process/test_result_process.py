"""The engine says it once: the Result carries the path, what each answer allows, the what-ifs, what holds.

The tests of it that run the codesign command, a room or a browser; tests/unit/test_result.py holds the rest."""

from __future__ import annotations

import json
import pytest
import yaml

from codesign_tui.cohort import build_cohort, render_json as cohort_json
from codesign_tui.flow.engine import evaluate
from codesign_tui.plan.context import build
from codesign_tui.plan.render import render_json, render_markdown
from test_plan_support import flow_named
from test_result import _render_json, _without  # noqa: F401  (helpers and fixtures)


@pytest.mark.parametrize("left, unanswered, complete", [
    # the file has no tender summary, which is optional: the tender is still fully described (version 2.2's
    # questions on conflicts of interest are optional too; which rules apply is carried as not known)
    ("tender_summary", ["tender_summary", "bidders_shaped_spec", "conflicts_record"], True),
    ("payment_model", ["tender_summary", "bidders_shaped_spec", "conflicts_record", "payment_model"],
     False),  # required
])
def test_engine_plan_cohort_and_json_agree_on_complete(left, unanswered, complete, tmp_path):
    path = _without("procurement-fixable", left, tmp_path)
    flow = flow_named("accessible-procurement")
    answers = {k: v for k, v in yaml.safe_load(path.read_text())["answers"].items()}
    answers.setdefault("regime", "unsure")  # as carrying a file from before version 2.2 gives it
    result = evaluate(flow, answers)
    assert result.complete is complete
    assert result.unanswered == unanswered
    context = build(flow, result)
    assert context["complete"] is complete
    assert context["unanswered"] == [flow.question(q).prompt for q in unanswered]
    assert ("**Draft:**" in render_markdown(flow, result)) is not complete
    cohort = build_cohort([path]).flows[0]
    assert (cohort.answer_sets, cohort.complete) == (1, int(complete))
    assert json.loads(cohort_json(build_cohort([path])))["flows"][0]["complete"] == int(complete)
    assert json.loads(render_json(flow, result))["complete"] is complete
    exported = _render_json(path)
    assert exported["complete"] is complete and exported["unanswered"] == unanswered
