"""The accessible-procurement and grant-design flows: they validate, their rules say what the framework.

The tests of it that run the codesign command, a room or a browser; tests/unit/test_more_flows.py holds the rest."""

from __future__ import annotations

import re
import pytest

from codesign_tui.plan.escape import md
from codesign_tui.resources import flows_dir
from codesign_tui.flow.answers import check_answers, read_answers
from codesign_tui.flow.engine import evaluate
from codesign_tui.flow.loader import load_flow
from codesign_tui.flow.problems import Problems
from commands import codesign
from test_more_flows import ANSWERS, PLANS


def rendered(name: str) -> tuple[str, object]:
    """A worked example's plan as `codesign render` writes it, and the engine's result for its answers."""
    path = ANSWERS / name
    flow_id = "accessible-procurement" if name.startswith("procurement-") else "grant-design"
    run = codesign("render", flow_id, "--answers", str(path), "--format", "md")
    assert run.returncode == 0, run.stderr
    flow = load_flow(flows_dir() / f"{flow_id}.yaml")
    problems = Problems()
    answers = check_answers(flow, read_answers(path, problems), problems)
    assert not problems.items, problems.format()
    return run.stdout, evaluate(flow, answers)


def test_validate_passes_on_both_flows():
    run = codesign("validate", "flows/accessible-procurement.yaml", "flows/grant-design.yaml")
    assert run.returncode == 0, run.stdout + run.stderr
    found = re.search(r"2 flows checked: no errors; (\d+) of (\d+) examples passed", run.stdout)
    assert found, run.stdout
    passed, total = map(int, found.groups())
    assert passed == total >= 10


@pytest.mark.parametrize("name", PLANS)
def test_the_plan_lists_each_barrier_with_its_remedy(name):
    plan, result = rendered(name)
    assert "**Draft:**" not in plan
    from codesign_tui.plan.context import short_prompt

    body = plan[:plan.index("## Appendix")]
    next_steps = plan[plan.index("## What to do next"):plan.index("## Appendix")] if result.held_back_by else ""
    for question in result.held_back_by:
        prompt = md(short_prompt(next(q.prompt for q in result.flow.questions if q.id == question)))
        change = next_steps[next_steps.index("### What would have to change"):]
        assert f"- **{prompt}** You said" in change, question
    # every remedy is a numbered step, once: in the summary's five or in what to do next (these flows' levels
    # read every answer that has a remedy, and every such answer here falls short of the level aimed for)
    steps = re.findall(r"^ *\d+\. (.*)$", body, re.MULTILINE)
    for action in result.planned_actions:
        if action.kind == "to_unlock":
            assert md(action.text) in steps, action.text
    assert len(steps) == len(set(steps))
    for flag in result.flags:
        assert md(flag.text) in plan, flag.id


@pytest.mark.parametrize("name", PLANS)
def test_the_plan_has_no_empty_sections(name):
    plan, _ = rendered(name)
    lines = [line for line in plan.splitlines() if line.strip()]
    for line, following in zip(lines, lines[1:] + ["# end"]):
        if line.startswith("#") and not line.startswith("#!"):
            depth = len(line) - len(line.lstrip("#"))
            following_depth = len(following) - len(following.lstrip("#")) if following.startswith("#") else 99
            assert following_depth > depth, f"nothing under {line!r}"


def test_the_barrier_plan_names_the_remedies_a_commissioner_needs():
    plan, result = rendered("procurement-barriers.yaml")
    assert result.recommendation.id == "not_ready"
    assert "We recommend **Hold the launch**" in plan
    for words in ("at least eight to ten weeks", "three to five years", "neighbourhood or ward lots",
                  "at least half of the fee quarterly in advance", "ethical supply-chain rules",
                  "same terms as the main provider", "independent reader", "Plan a review after award"):
        assert words in plan, words


def test_the_ready_grant_plan_has_nothing_to_change():
    plan, result = rendered("grants-small-ready.yaml")
    assert result.recommendation.id == "ready"
    assert "What would have to change" not in plan
    assert "Keep the application under 1,000 words, and ask for one report at the end of under 1,000 words." in plan


def test_wording_is_checked_like_any_other_field(tmp_path):
    flow = (flows_dir() / "appendix2.yaml").read_text()
    broken = tmp_path / "wording.yaml"
    wording = "\nwording:\n  calls_for: the tender aims for\n  support: x\nsources:"
    broken.write_text(flow.replace("\nsources:", wording, 1))
    run = codesign("validate", str(broken))
    assert run.returncode == 2
    assert re.search(r"wording\.yaml:\d+:3: .*'support'.*did you mean 'supports'", run.stdout + run.stderr)
