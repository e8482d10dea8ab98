"""The engine says it once: the Result carries the path, what each answer allows, the what-ifs, what holds
the recommendation back and one definition of complete, and the plan, the cohort and the JSON export
read it rather than working it out again."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from codesign_tui.flow.engine import evaluate
from codesign_tui.flow.result import Allowance, HeldBackAnswer, Reason, SectionTaken, WhatIf
from codesign_tui.plan.context import build
from codesign_tui.plan.render import render_markdown
from test_plan_support import ANSWERS, session

ROOT = Path(__file__).resolve().parents[2]
# appendix2-consult-held-back: co-production called for; no budget and no learning culture
HELD_BACK = dict(space_to_shape="yes", problem_type="wicked", time_for_relationships="yes", budget="no",
                 senior_buy_in="yes", learning_culture="no", shared_delivery="yes", shared_power="yes")


def ids(questions):
    return [q.id for q in questions]


def marks(result):
    return [(r.level.id, r.recommended, r.called_for, r.supported) for r in result.ladder]


# --- the path, and complete --------------------------------------------------------------------------

def test_path_sections_and_unanswered_on_a_branching_flow(branching):
    result = evaluate(branching, {"open": "yes", "money": "partly", "people": "yes", "channels": [],
                                  "records": []})
    assert ids(result.path) == ["open", "detail", "money", "people", "channels", "records"]
    assert result.unanswered == ["detail"]
    assert result.sections == [SectionTaken("start", 2, 1), SectionTaken("means", 3, 3),
                               SectionTaken("last", 1, 1)]
    # detail is optional: every required question on the path is answered
    assert result.complete


def test_a_branch_shortens_the_path_and_a_required_question_left_keeps_it_unfinished(branching):
    result = evaluate(branching, {"open": "no"})
    assert ids(result.path) == ["open", "records"]
    assert result.unanswered == ["records"] and not result.complete
    assert result.sections == [SectionTaken("start", 1, 1), SectionTaken("last", 1, 0)]


def test_a_skipped_optional_question_counts_as_answered(branching):
    result = evaluate(branching, {"open": "no", "records": None})
    assert result.unanswered == [] and result.complete


# --- the ladder ---------------------------------------------------------------------------------------

def test_ladder_marks_what_the_result_says(branching):
    result = evaluate(branching, {"open": "yes", "money": "partly", "people": "yes", "channels": [],
                                  "records": []})
    assert marks(result) == [("low", False, False, False), ("middle", True, False, True),
                             ("high", False, True, False)]
    assert result.conditions == "less"
    assert evaluate(branching, {"open": "no", "records": []}).conditions == "match"


def test_a_draft_ladder_claims_no_level_until_its_answers_are_in(appendix2):
    result = evaluate(appendix2, {"space_to_shape": "yes", "budget": "no"}, so_far=True)
    assert result.pending == ["problem_type", "time_for_relationships", "senior_buy_in", "learning_culture",
                              "shared_delivery", "shared_power"]
    assert not any(r.recommended or r.called_for or r.supported for r in result.ladder)
    # once what the work calls for is known, that mark shows while the support is still pending
    result = evaluate(appendix2, {"space_to_shape": "yes", "problem_type": "wicked", "shared_delivery": "yes",
                                  "budget": "no"}, so_far=True)
    assert result.calls_for_pending == [] and result.support_pending
    assert marks(result) == [("inform", False, False, False), ("consult", False, False, False),
                             ("co-design", False, False, False), ("co-produce", False, True, False)]


# --- what holds the recommendation back ---------------------------------------------------------------

def test_held_back_says_what_each_answer_needs_why_and_what_it_unlocks(appendix2):
    result = evaluate(appendix2, HELD_BACK)
    budget, culture = result.held_back
    assert budget == HeldBackAnswer(
        "budget", "no", ("yes",),
        ("Co-design costs money for facilitation, a place to meet and people's expenses; without it, it cannot"
         " be done fairly.",
         "Co-production runs for longer, so facilitation, a place to meet and expenses need a secure budget."),
        ("r5-a2-1 (d)",), unlocks=None)
    # since policy version 3 co-design needs the culture too, so neither alone lifts the conditions
    assert (culture.question, culture.needs, culture.cites, culture.unlocks) == (
        "learning_culture", ("yes", "partly"), ("r5-a2-1 (f)",), None)
    # with the culture partly there, the budget alone unlocks the rest of the way
    budget = evaluate(appendix2, dict(HELD_BACK, learning_culture="partly")).held_back[0]
    assert (budget.question, budget.unlocks) == ("budget", "co-produce")
    assert result.unlocks_all.id == "co-produce"


def test_nothing_is_held_back_before_the_work_is_known(appendix2):
    result = evaluate(appendix2, {"space_to_shape": "yes", "budget": "no"}, so_far=True)
    assert result.held_back_by == ["budget"]  # the shortfall, as the JSON has always listed it
    assert result.held_back == [] and result.unlocks_all is None


def test_nothing_held_back_on_a_ready_grant():
    flow, result, _ = session("grants-small-ready")
    assert result.recommendation.id == "ready" and result.held_back == [] and result.unlocks_all is None


def test_a_grant_missing_a_must_and_more_needs_them_all_changed_to_reach_the_top():
    flow, result, _ = session("grants-core-heavy")
    # a core grant that does not pay full costs is held at the bottom: no single other change lifts it
    assert [(h.question, h.unlocks) for h in result.held_back] == [
        ("core_full_cost", None), ("application_within_guide", None), ("monitoring_within_guide", None),
        ("applications_per_award", None), ("policies_when", None), ("extra_duties", None),
        ("vcse_expertise", None), ("quality_steps", None)]
    assert result.unlocks_all.id == "ready"


# --- what each answer allows, and the what-ifs ---------------------------------------------------------

def test_each_answer_the_recommendation_reads_says_what_it_allows_and_what_would_change(appendix2):
    why = {r.question: r for r in evaluate(appendix2, HELD_BACK).why}
    assert list(why) == ["space_to_shape", "problem_type", "time_for_relationships", "budget", "senior_buy_in",
                         "learning_culture", "shared_delivery", "shared_power"]
    # "Partly" open still calls for co-production now (policy version 2); "Not sure" does not
    assert why["space_to_shape"] == Reason("space_to_shape", False, None, (
        WhatIf("consult", ("no",)), WhatIf("co-design", ("unsure",))))
    assert why["shared_delivery"].what_ifs == (WhatIf("co-design", ("partly", "no", "unsure")),)
    assert why["time_for_relationships"] == Reason("time_for_relationships", False, Allowance("co-produce"))
    assert why["budget"] == Reason("budget", True, Allowance("consult", "co-design", ("yes", "partly")))
    # since policy version 3, co-design needs the culture at least partly there
    assert why["learning_culture"].allows == Allowance("consult", "co-design", ("yes", "partly"))


def test_an_unanswered_question_allows_nothing_yet(appendix2):
    why = {r.question: r for r in evaluate(appendix2, {"space_to_shape": "no"}, so_far=True).why}
    # with the space already closed, no other problem type would change what the work calls for
    assert why["space_to_shape"].what_ifs == (WhatIf("co-design", ("yes", "partly", "unsure")),)
    assert why["problem_type"] == Reason("problem_type", False, None, None)
    assert why["budget"] == Reason("budget", False, None, None)


def test_a_flow_whose_rules_read_no_choice_has_no_what_ifs():
    flow, result, _ = session("procurement-fixable")
    assert all(r.what_ifs is None for r in result.why) and result.to_dict()["what_ifs"] == {}
    why = {r.question: r for r in result.why}
    assert why["application_window"].allows == Allowance("needs_changes", "accessible",
                                                         ("simple_6_plus", "complex_8_plus"))
    assert why["prior_notice"].allows == Allowance("accessible")
    assert "tender_summary" not in why  # the recommendation does not read it


# --- one definition of complete -------------------------------------------------------------------------

def _without(name: str, question: str, tmp_path: Path) -> Path:
    data = yaml.safe_load((ANSWERS / f"{name}.yaml").read_text(encoding="utf-8"))
    data["answers"].pop(question, None)
    path = tmp_path / f"{name}-without-{question}.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def _render_json(path: Path) -> dict:
    run = subprocess.run([sys.executable, "-m", "codesign_tui", "render", "accessible-procurement", "--answers",
                          str(path), "--format", "json", "--partial"], capture_output=True, text=True, cwd=ROOT,
                         timeout=120)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


# --- the plan and the cohort read the result -----------------------------------------------------------

NAMES = sorted(p.stem for p in ANSWERS.glob("*.yaml"))


@pytest.mark.parametrize("name", NAMES)
def test_the_plan_context_is_the_engines_result_in_words(name):
    flow, result, meta = session(name)
    context = build(flow, result, meta)
    level = lambda level_id: level_id and flow.level(level_id).label  # noqa: E731
    why = {item["id"]: item for item in context["why"]}
    # one voice: the engine's reasons, in its order, but for those that bear on no level up to what the work
    # calls for; what-ifs and "enough for" no higher than that level
    ceiling = flow.rank(result.calls_for.id) if result.calls_for else len(flow.levels)
    within = lambda level_id: flow.rank(level_id) <= ceiling  # noqa: E731
    assert list(why) == [r.question for r in result.why if r.question in why]
    for reason in result.why:
        question = flow.question(reason.question)
        bears = reason.allows is None and reason.what_ifs is None or bool(reason.what_ifs) or any(
            r.question == question.id and within(r.level) for r in flow.requirements)
        assert (reason.question in why) is bears, reason.question
        if not bears:
            continue
        item = why[reason.question]
        assert item["held_back"] is reason.held_back
        effect = item["calls_for_effect"]
        if not reason.what_ifs:
            assert effect is None
        else:
            assert [(c["level"]["id"], c["labels"]) for c in effect["changes"]] == [
                (w.level, [question.label(v) for v in w.answers]) for w in reason.what_ifs if within(w.level)]
            assert effect["caps"] is not any(within(w.level) for w in reason.what_ifs)
        requirement = item["requirement"]
        if reason.allows is None or not any(r.question == question.id and within(r.level) for r in flow.requirements):
            assert requirement is None
        else:
            capped = reason.allows.enough_for and (reason.allows.enough_for if within(reason.allows.enough_for)
                                                   else result.calls_for.id)
            assert (requirement["enough_for"] or {}).get("label") == level(capped)
            assert (requirement["needs"] or {}).get("labels") == (
                [question.label(v) for v in reason.allows.next_accepts]
                if reason.allows.next_level and within(reason.allows.next_level) else None)
    assert [(h["id"], h["needs"], h["unlocks"] and h["unlocks"]["id"]) for h in context["held_back"]] == [
        (h.question, [flow.question(h.question).label(v) for v in h.needs], h.unlocks) for h in result.held_back]
    assert (context["unlocks_all"] or {}).get("id") == (result.unlocks_all.id if result.unlocks_all else None)
    assert [(s["id"], s["asked"]) for s in context["path"]] == [
        (s.section, s.asked) for s in result.sections]
    assert context["result"]["what_ifs"] == {
        r.question: [{"level": w.level, "answers": list(w.answers)} for w in r.what_ifs]
        for r in result.why if r.what_ifs is not None}
    assert context["result"]["path"] == ids(result.path)


def test_the_plan_shows_the_engines_what_ifs_not_its_own():
    # a result whose what-if says something the rules never would: the plan repeats it, so it asks no one else
    flow, result, meta = session("appendix2-codesign")
    result.why = [Reason(r.question, r.held_back, r.allows, (WhatIf("consult", ("partly",)),)
                         if r.question == "space_to_shape" else r.what_ifs) for r in result.why]
    why = render_markdown(flow, result, meta).split("## Why")[1].split("\n| 1. ")[1].split("\n")[0]
    assert why.startswith("Can people help shape the question")
    assert "with “Partly, some things are fixed”, Consult instead." in why
    assert "With “No, it is mostly decided”" not in why


@pytest.mark.parametrize("path", ["codesign_tui/plan/context.py", "codesign_tui/cohort/model.py",
                                  "codesign_tui/cohort/gather.py", "codesign_tui/tui/widgets/side_panel.py"])
def test_front_ends_import_none_of_the_engines_arithmetic(path):
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
                and (node.module or "").endswith(("engine", "result", "paths")) for alias in node.names}
    assert not imported & {"decide", "supported_level", "accepted_up_to", "calls_for_level", "shortfalls", "walk",
                           "rule_questions", "is_complete"}


def test_the_side_panel_shows_what_the_engine_holds_back(appendix2):
    from codesign_tui.flow.engine import Session
    from codesign_tui.tui.widgets.side_panel import ladder_text

    early = Session(appendix2, {"space_to_shape": "yes", "budget": "no"})
    assert evaluate(appendix2, early.answers, so_far=True).held_back == []
    assert "Held back by" not in str(ladder_text(early))
    known = Session(appendix2, {"space_to_shape": "yes", "problem_type": "wicked", "shared_delivery": "yes",
                                "budget": "no"})
    text = str(ladder_text(known))
    assert [h.question for h in evaluate(appendix2, known.answers, so_far=True).held_back] == ["budget"]
    budget = appendix2.question("budget").prompt
    assert text.endswith(f"Held back by\n✗ {budget} (No)")
    # what the work calls for is marked; what the conditions support waits for its answers
    # the mark beside its level, and what it means in words under the ladder
    assert "\n  ◆   Co-produce\n" in text and "\n◆ What the work calls for\n" in text
    # by the numbers the person sees beside the questions still to answer, not a count of answers
    pending = evaluate(appendix2, known.answers, so_far=True).support_pending
    numbers = [str(appendix2.order[q] + 1) for q in pending]
    assert len(numbers) == 4
    assert (f"✓ What the conditions support: shown once questions {', '.join(numbers[:3])} and {numbers[3]}"
            " are answered") in text
    assert "\n✓ What the conditions support\n" not in text + "\n"  # its key line: not until it is shown
