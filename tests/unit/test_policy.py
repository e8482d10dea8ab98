"""The Appendix 2 policy, version 3, as issue 22 states it, against what the YAML rules give: the engine's
result for every combination, `if_confirmed` and `to_confirm` written straight from the issue, and the JSON
of `codesign render FLOW --answers FILE --format json` for the cases the issue names."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from collections import Counter

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from codesign_tui.flow.engine import evaluate

YPNU = ["yes", "partly", "no", "unsure"]
PROBLEM = ["existing_solution", "partly_known", "wicked", "unsure"]
POLICIES = ["nhs_policy", "council_policy", "joint_policy", "organisation_own", "none_yet", "unsure"]
ONE_POLICY = {"nhs_policy", "council_policy", "joint_policy"}  # one policy for every partner
RECOMPENSE = ["yes", "partly", "no", "not_needed", "unsure"]
LADDER = ["inform", "consult", "co-design", "co-produce"]
QUESTIONS = ["space_to_shape", "problem_type", "time_for_relationships", "budget", "senior_buy_in",
             "learning_culture", "shared_delivery", "shared_power"]
CALLS_FOR_QUESTIONS = ["space_to_shape", "problem_type", "shared_delivery"]
# in the engagement plan's question order
ENGAGEMENT_EXTRA = ["own_skills", "recompense", "wide_networks", "coi_policy", "same_policy_all_sectors"]

BASE = {"space_to_shape": "yes", "problem_type": "wicked", "time_for_relationships": "yes", "budget": "yes",
        "senior_buy_in": "yes", "learning_culture": "yes", "shared_delivery": "yes", "shared_power": "yes"}
ENGAGEMENT_BASE = {"own_skills": "yes", "recompense": "yes", "wide_networks": "yes", "coi_policy": "joint_policy",
                   "same_policy_all_sectors": "yes"}


def requirements(answers: dict[str, str], engagement: bool) -> dict[str, dict[str, set[str]]]:
    """The requirements of each level for these answers, written straight from the issue."""
    some, full = {"yes", "partly"}, {"yes"}
    levels = {
        "inform": {},
        "consult": {"senior_buy_in": {"yes", "partly", "unsure"}},
        "co-design": {"time_for_relationships": some, "budget": some, "senior_buy_in": some,
                      "learning_culture": some},
        "co-produce": {"time_for_relationships": full, "budget": full, "senior_buy_in": full,
                       "learning_culture": some, "shared_power": full},
    }
    if answers["senior_buy_in"] != "yes":  # advice leaders have committed to act on is co-design
        levels["co-design"]["shared_power"] = some
    if engagement:
        levels["co-design"].update(own_skills=some, recompense={"yes", "partly", "not_needed"},
                                   coi_policy=ONE_POLICY, same_policy_all_sectors=full)
        levels["co-produce"].update(recompense={"yes", "not_needed"}, own_skills=some, wide_networks=some,
                                    coi_policy=ONE_POLICY, same_policy_all_sectors=full)
    return levels


def calls_for_of(a: dict[str, str]) -> str:
    if a["space_to_shape"] == "no" and a["problem_type"] == "existing_solution":
        return "inform"
    if a["space_to_shape"] == "no" or a["problem_type"] == "existing_solution":
        return "consult"
    if a["shared_delivery"] == "yes" and a["space_to_shape"] in ("yes", "partly") \
            and a["problem_type"] in ("wicked", "partly_known"):
        return "co-produce"
    return "co-design"


def supported_of(a: dict[str, str], needs: dict[str, dict[str, set[str]]], confirmed: bool = False) -> str:
    """The highest level whose needs, and those below, hold; `confirmed`: a "Not sure" meets any need."""
    supported = "inform"
    for level in LADDER[1:]:
        if not all(a[q] in accepted or (confirmed and a[q] == "unsure") for q, accepted in needs[level].items()):
            break
        supported = level
    return supported


def spec(answers: dict[str, str], engagement: bool = False) -> dict:
    """The policy written straight from the issue, independently of the YAML."""
    a = answers
    calls_for = calls_for_of(a)
    needs = requirements(a, engagement)
    supported = supported_of(a, needs)
    recommendation = min(calls_for, supported, key=LADDER.index)
    rank = LADDER.index
    above = LADDER[rank(recommendation) + 1:rank(calls_for) + 1]
    order = QUESTIONS + (ENGAGEMENT_EXTRA if engagement else [])
    held = [q for q in order if any(q in needs[level] and a[q] not in needs[level][q] for level in above)]
    # if_confirmed: every "Not sure" to a question a requirement reads meets it; calls_for unchanged
    reach = min(calls_for, supported_of(a, needs, confirmed=True), key=rank)
    if_confirmed = reach if rank(reach) > rank(recommendation) else None
    top = if_confirmed or recommendation
    to_confirm = {q for q in CALLS_FOR_QUESTIONS if a[q] == "unsure"} if rank(top) >= rank("co-design") else set()
    if if_confirmed:
        to_confirm |= {q for level in LADDER[rank(recommendation) + 1:rank(if_confirmed) + 1]
                       for q, accepted in needs[level].items() if a[q] == "unsure" and "unsure" not in accepted}
    return {"calls_for": calls_for, "supported": supported, "recommendation": recommendation,
            "held_back_by": held, "if_confirmed": if_confirmed,
            "to_confirm": [q for q in order if q in to_confirm]}


def got(flow, answers):
    result = evaluate(flow, answers)
    return {"calls_for": result.calls_for.id, "supported": result.supported.id,
            "recommendation": result.recommendation.id, "held_back_by": result.held_back_by,
            "if_confirmed": result.if_confirmed.id if result.if_confirmed else None,
            "to_confirm": [item.question for item in result.to_confirm]}


# Each rule of the policy in the issue, with the answers that exercise it.
ROWS = [
    ("inform when the decision is made and a proven answer exists",
     {"space_to_shape": "no", "problem_type": "existing_solution"},
     {"calls_for": "inform", "recommendation": "inform", "held_back_by": []}),
    ("consult when space_to_shape is no", {"space_to_shape": "no"},
     {"calls_for": "consult", "recommendation": "consult", "held_back_by": []}),
    ("consult when a proven solution exists", {"problem_type": "existing_solution"},
     {"calls_for": "consult", "recommendation": "consult", "held_back_by": []}),
    ("consult is no floor: leaders who will not act give inform",
     {"space_to_shape": "no", "senior_buy_in": "no", "budget": "no", "time_for_relationships": "no"},
     {"calls_for": "consult", "supported": "inform", "recommendation": "inform", "held_back_by": ["senior_buy_in"]}),
    ("co-produce: open, wicked, shared delivery and power, everything in place", {},
     {"calls_for": "co-produce", "supported": "co-produce", "recommendation": "co-produce"}),
    ("co-produce when partly open", {"space_to_shape": "partly"},
     {"calls_for": "co-produce", "recommendation": "co-produce"}),
    ("co-produce when the problem is partly known", {"problem_type": "partly_known"},
     {"calls_for": "co-produce", "recommendation": "co-produce"}),
    ("co-design when space is unsure", {"space_to_shape": "unsure"},
     {"calls_for": "co-design", "recommendation": "co-design", "to_confirm": ["space_to_shape"]}),
    ("co-design when the problem type is unsure", {"problem_type": "unsure"},
     {"calls_for": "co-design", "to_confirm": ["problem_type"]}),
    ("co-design when delivery is only partly shared", {"shared_delivery": "partly"}, {"calls_for": "co-design"}),
    ("co-produce needs shared power yes", {"shared_power": "partly"},
     {"supported": "co-design", "recommendation": "co-design", "held_back_by": ["shared_power"]}),
    ("co-produce needs time yes: partly gives co-design", {"time_for_relationships": "partly"},
     {"supported": "co-design", "recommendation": "co-design", "held_back_by": ["time_for_relationships"]}),
    ("unsure budget is not in place: consult, co-produce if confirmed", {"budget": "unsure"},
     {"supported": "consult", "recommendation": "consult", "held_back_by": ["budget"],
      "if_confirmed": "co-produce", "to_confirm": ["budget"]}),
    ("co-produce needs senior buy-in yes", {"senior_buy_in": "partly"},
     {"supported": "co-design", "held_back_by": ["senior_buy_in"]}),
    ("co-produce accepts learning culture partly", {"learning_culture": "partly"},
     {"supported": "co-produce", "recommendation": "co-produce", "held_back_by": []}),
    ("learning culture unsure: consult now (version 3), co-produce if confirmed", {"learning_culture": "unsure"},
     {"supported": "consult", "held_back_by": ["learning_culture"], "if_confirmed": "co-produce",
      "to_confirm": ["learning_culture"]}),
    ("co-design needs a culture that accepts testing (version 3)",
     {"shared_delivery": "no", "learning_culture": "no"},
     {"calls_for": "co-design", "supported": "consult", "recommendation": "consult",
      "held_back_by": ["learning_culture"]}),
    ("advice with leaders fully committed is co-design (version 3)",
     {"shared_delivery": "no", "shared_power": "no"},
     {"calls_for": "co-design", "recommendation": "co-design", "held_back_by": []}),
    ("advice with leaders partly committed is consultation (version 3)",
     {"shared_delivery": "no", "shared_power": "no", "senior_buy_in": "partly"},
     {"calls_for": "co-design", "recommendation": "consult", "held_back_by": ["shared_power"]}),
    ("some shared decisions with leaders partly committed is co-design (version 3)",
     {"shared_delivery": "no", "shared_power": "partly", "senior_buy_in": "partly"},
     {"recommendation": "co-design", "held_back_by": []}),
    ("co-design needs time yes or partly", {"time_for_relationships": "no"},
     {"supported": "consult", "recommendation": "consult", "held_back_by": ["time_for_relationships"],
      "if_confirmed": None, "to_confirm": []}),
    ("co-design refuses unsure conditions, and says what confirming them would reach",
     {"space_to_shape": "partly", "shared_delivery": "no", "time_for_relationships": "unsure", "budget": "unsure",
      "senior_buy_in": "unsure"},
     {"calls_for": "co-design", "supported": "consult", "recommendation": "consult",
      "held_back_by": ["time_for_relationships", "budget", "senior_buy_in"], "if_confirmed": "co-design",
      "to_confirm": ["time_for_relationships", "budget", "senior_buy_in"]}),
    ("a No beside a Not sure: nothing to confirm", {"budget": "unsure", "time_for_relationships": "no"},
     {"recommendation": "consult", "if_confirmed": None, "to_confirm": []}),
    ("held back by lists every failing condition in flow order",
     {"learning_culture": "no", "budget": "partly", "time_for_relationships": "no", "shared_power": "no"},
     {"recommendation": "consult",
      "held_back_by": ["time_for_relationships", "budget", "learning_culture", "shared_power"]}),
    ("a co-design call is not held back by power when leaders fully commit",
     {"shared_delivery": "partly", "learning_culture": "partly", "shared_power": "no"},
     {"calls_for": "co-design", "recommendation": "co-design", "held_back_by": []}),
]


@pytest.mark.parametrize("changes, expected", [(c, e) for _, c, e in ROWS], ids=[r[0] for r in ROWS])
def test_policy_rows(appendix2, changes, expected):
    answers = {**BASE, **changes}
    result = got(appendix2, answers)
    for key, value in expected.items():
        assert result[key] == value, key
    assert result == spec(answers)


def every_combination():
    domains = [PROBLEM if q == "problem_type" else YPNU for q in QUESTIONS]
    return (dict(zip(QUESTIONS, combo)) for combo in itertools.product(*domains))


def test_every_combination_matches_the_written_policy(appendix2):
    mismatches = [answers for answers in every_combination() if got(appendix2, answers) != spec(answers)]
    assert not mismatches[:3]


def test_the_counts_the_issue_gives(appendix2):
    """Issue 22: 44,352 consult, 19,456 inform, 1,720 co-design, 8 co-produce; 8,000 with if_confirmed."""
    levels, moves = Counter(), Counter()
    for answers in every_combination():
        result = evaluate(appendix2, answers)
        levels[result.recommendation.id] += 1
        if result.if_confirmed:
            moves[(result.recommendation.id, result.if_confirmed.id)] += 1
    assert levels == {"consult": 44_352, "inform": 19_456, "co-design": 1_720, "co-produce": 8}
    assert moves == {("consult", "co-design"): 7_816, ("consult", "co-produce"): 176,
                     ("co-design", "co-produce"): 8}


def test_every_level_has_answers_that_lead_to_it(appendix2):
    reached = {evaluate(appendix2, answers).recommendation.id for answers in every_combination()}
    assert reached == set(LADDER)


# -- the engagement plan: appendix2 plus its own requirements --------------------------------------

ENGAGEMENT_ROWS = [
    ("everything in place: co-produce", {}, {"recommendation": "co-produce", "held_back_by": []}),
    ("nobody paid, no skills, no policy: consult, two levels below",
     {"recompense": "no", "own_skills": "no", "coi_policy": "none_yet"},
     {"calls_for": "co-produce", "supported": "consult", "recommendation": "consult",
      "held_back_by": ["own_skills", "recompense", "coi_policy"]}),
    ("payment partly in place: co-design", {"recompense": "partly"},
     {"supported": "co-design", "recommendation": "co-design", "held_back_by": ["recompense"]}),
    ("already funded to take part: no payment needed, co-produce (version 3)", {"recompense": "not_needed"},
     {"recommendation": "co-produce", "held_back_by": []}),
    ("payment unsure: consult", {"recompense": "unsure"},
     {"supported": "consult", "held_back_by": ["recompense"], "if_confirmed": "co-produce",
      "to_confirm": ["recompense"]}),
    ("skills partly built are enough", {"own_skills": "partly"}, {"recommendation": "co-produce"}),
    ("skills unsure hold co-design back too (version 3)", {"own_skills": "unsure"},
     {"supported": "consult", "held_back_by": ["own_skills"], "if_confirmed": "co-produce"}),
    ("a policy not known holds co-design back (version 3)", {"coi_policy": "unsure"},
     {"supported": "consult", "held_back_by": ["coi_policy"]}),
    ("each organisation's own policy no longer counts (version 3)", {"coi_policy": "organisation_own"},
     {"recommendation": "consult", "held_back_by": ["coi_policy"]}),
    ("VCSE partners partly held to the same policy: consult (version 3)", {"same_policy_all_sectors": "partly"},
     {"recommendation": "consult", "held_back_by": ["same_policy_all_sectors"]}),
    ("the usual groups only: co-design (version 3)", {"wide_networks": "no"},
     {"recommendation": "co-design", "held_back_by": ["wide_networks"]}),
    ("appendix2's shortfalls come first, then the plan's, in question order",
     {"budget": "partly", "recompense": "partly", "own_skills": "no", "shared_power": "no",
      "wide_networks": "partly"},
     {"recommendation": "consult", "held_back_by": ["budget", "shared_power", "own_skills", "recompense"]}),
    ("a co-design call is held back by payment, skills and policy",
     {"shared_delivery": "no", "recompense": "no", "own_skills": "no", "coi_policy": "none_yet",
      "wide_networks": "no"},
     {"calls_for": "co-design", "recommendation": "consult", "held_back_by": ["own_skills", "recompense",
                                                                               "coi_policy"]}),
]


@pytest.mark.parametrize("changes, expected", [(c, e) for _, c, e in ENGAGEMENT_ROWS],
                         ids=[r[0] for r in ENGAGEMENT_ROWS])
def test_engagement_rows(engagement, changes, expected):
    answers = {**BASE, **ENGAGEMENT_BASE, "interests_known": "none_yet", **changes}
    result = got(engagement, answers)
    for key, value in expected.items():
        assert result[key] == value, key
    assert result == spec(answers, engagement=True)


complete_answers = st.fixed_dictionaries({
    q: st.sampled_from(PROBLEM if q == "problem_type" else YPNU) for q in QUESTIONS})


@settings(max_examples=300, deadline=None)
@given(complete_answers)
def test_one_recommendation_never_above_what_the_work_calls_for(appendix2, answers):
    result = evaluate(appendix2, answers)
    assert result.complete
    assert result.recommendation.id in LADDER
    assert LADDER.index(result.recommendation.id) <= LADDER.index(result.calls_for.id)
    assert LADDER.index(result.recommendation.id) <= LADDER.index(result.supported.id)
    assert result.recommendation.id in (result.calls_for.id, result.supported.id)
    assert (result.recommendation.id == result.calls_for.id) == (not result.held_back_by)


@settings(max_examples=200, deadline=None)
@given(complete_answers, st.sampled_from(["time_for_relationships", "budget", "senior_buy_in",
                                          "learning_culture", "shared_power"]))
def test_improving_a_condition_never_lowers_the_recommendation(appendix2, answers, question):
    better = {**answers, question: "yes"}
    before, after = evaluate(appendix2, answers), evaluate(appendix2, better)
    assert LADDER.index(after.recommendation.id) >= LADDER.index(before.recommendation.id)


@settings(max_examples=200, deadline=None)
@given(complete_answers)
def test_engagement_plan_keeps_the_appendix2_policy_when_its_own_answers_are_in_place(
        appendix2, engagement, answers):
    full = {**answers, **ENGAGEMENT_BASE, "interests_known": "none_yet"}
    a, e = evaluate(appendix2, answers), evaluate(engagement, full)
    assert (e.recommendation.id, e.calls_for.id, e.supported.id, e.held_back_by) == \
        (a.recommendation.id, a.calls_for.id, a.supported.id, a.held_back_by)


# -- actions ---------------------------------------------------------------------------------------

def test_actions_follow_unsure_partly_and_no(appendix2):
    answers = {**BASE, "space_to_shape": "unsure", "budget": "no", "senior_buy_in": "partly",
               "learning_culture": "unsure"}
    result = evaluate(appendix2, answers)
    kinds = {(a.question, a.kind) for a in result.actions}
    assert ("space_to_shape", "find_out") in kinds
    assert ("learning_culture", "find_out") in kinds
    assert ("budget", "to_unlock") in kinds
    assert ("senior_buy_in", "to_unlock") in kinds
    assert not any(a.question == "time_for_relationships" for a in result.actions)


def test_inform_has_its_own_action(appendix2):
    inform = evaluate(appendix2, {**BASE, "space_to_shape": "no", "problem_type": "existing_solution"})
    consult = evaluate(appendix2, {**BASE, "space_to_shape": "no"})
    told = [a.text for a in inform.actions if a.question == "space_to_shape"]
    assert any("check back" in text for text in told)
    assert not any("check back" in a.text for a in consult.actions)


@pytest.mark.parametrize("question", QUESTIONS)
def test_every_unsure_answer_gives_a_find_out_action(appendix2, question):
    result = evaluate(appendix2, {**BASE, question: "unsure"})
    assert any(a.question == question and a.kind == "find_out" for a in result.actions)


@pytest.mark.parametrize("question", ["time_for_relationships", "budget", "senior_buy_in", "learning_culture",
                                      "shared_power"])
@pytest.mark.parametrize("answer", ["partly", "no"])
def test_every_partly_or_no_condition_gives_a_to_unlock_action(appendix2, question, answer):
    result = evaluate(appendix2, {**BASE, question: answer})
    assert any(a.question == question and a.kind == "to_unlock" for a in result.actions)


def test_the_budget_question_no_longer_asks_about_paying_people(appendix2, engagement):
    assert "time" not in appendix2.question("budget").prompt
    assert "paid for the time" in engagement.question("recompense").prompt
    both = evaluate(engagement, {**BASE, **ENGAGEMENT_BASE, "interests_known": "none_yet", "budget": "partly",
                                 "recompense": "partly"})
    unlock = [a.text for a in both.actions if a.kind == "to_unlock"]
    assert sum("paying people" in text or "payment for people" in text.lower() for text in unlock) == 1


# -- the contract: the JSON of `codesign render` ---------------------------------------------------

def render_json(tmp_path, flow: str, answers: dict) -> dict:
    path = tmp_path / "answers.yaml"
    path.write_text(yaml.safe_dump({"flow": flow, "answers": answers}))
    run = subprocess.run([sys.executable, "-m", "codesign_tui", "render", flow, "--answers", str(path),
                          "--format", "json"], capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


CONTRACT = [
    ("appendix2", {q: "unsure" for q in QUESTIONS},
     {"recommendation": "consult", "calls_for": "co-design", "supported": "consult",
      "held_back_by": ["time_for_relationships", "budget", "senior_buy_in", "learning_culture", "shared_power"],
      "if_confirmed": "co-design", "to_confirm": QUESTIONS}),
    ("appendix2", {**BASE, "space_to_shape": "no", "time_for_relationships": "no", "budget": "no",
                   "senior_buy_in": "no"},
     {"recommendation": "inform", "calls_for": "consult", "supported": "inform", "held_back_by": ["senior_buy_in"],
      "if_confirmed": None, "to_confirm": []}),
    ("appendix2", {**BASE, "space_to_shape": "no", "problem_type": "existing_solution"},
     {"recommendation": "inform", "calls_for": "inform", "supported": "co-produce", "held_back_by": []}),
    ("appendix2", {**BASE, "space_to_shape": "partly", "problem_type": "partly_known"},
     {"recommendation": "co-produce", "calls_for": "co-produce", "supported": "co-produce", "held_back_by": []}),
    ("appendix2", {**BASE, "shared_power": "no"},
     {"recommendation": "co-design", "calls_for": "co-produce", "supported": "co-design",
      "held_back_by": ["shared_power"]}),
    ("appendix2", {**BASE, "budget": "unsure", "senior_buy_in": "unsure"},
     {"recommendation": "consult", "calls_for": "co-produce", "supported": "consult",
      "held_back_by": ["budget", "senior_buy_in"], "if_confirmed": "co-produce",
      "to_confirm": ["budget", "senior_buy_in"]}),
    ("engagement-plan", {**BASE, **ENGAGEMENT_BASE, "recompense": "no", "own_skills": "no",
                         "coi_policy": "none_yet"},
     {"recommendation": "consult", "calls_for": "co-produce", "supported": "consult",
      "held_back_by": ["own_skills", "recompense", "coi_policy"], "if_confirmed": None, "to_confirm": []}),
    ("engagement-plan", {**BASE, **ENGAGEMENT_BASE, "recompense": "not_needed", "shared_delivery": "no",
                         "shared_power": "no"},
     {"recommendation": "co-design", "calls_for": "co-design", "held_back_by": []}),
]


def test_answers_saved_under_version_1_resume_with_the_new_question_asked(appendix2, engagement):
    from codesign_tui.flow.engine import Session

    version_1 = {q: a for q, a in BASE.items() if q != "shared_power"}
    session = Session(appendix2, version_1)
    assert session.current.id == "shared_power" and not session.is_complete
    session.answer("shared_power", "yes")
    assert session.is_complete and session.result().recommendation.id == "co-produce"
    # in the engagement plan the new question comes straight after appendix2's others
    assert Session(engagement, {"work_summary": "x", **version_1}).current.id == "shared_power"


@pytest.mark.parametrize("changes, reason, not_reason", [
    ({"space_to_shape": "no"}, "Most of the answer is already fixed", "proven answer"),
    ({"problem_type": "existing_solution"}, "A proven answer already exists", "already fixed"),
])
def test_a_consult_reason_names_the_one_answer_that_gave_it(appendix2, changes, reason, not_reason):
    """With only one of the two answers that point to Consult, the reason given is that one's alone."""
    result = evaluate(appendix2, {**BASE, **changes})
    assert result.calls_for.id == "consult"
    assert reason in result.calls_for_rule.because and not_reason not in result.calls_for_rule.because


def test_guidance_people_asked_for(appendix2, conflicts):
    """From trying the app: a yardstick for time, a section that says it is about conflicts of interest,
    and where a trustee of a charity that could bid records their interest."""
    time = appendix2.question("time_for_relationships").guidance
    assert all(word in time for word in ("months", "weeks", "days", "yardstick"))
    # and beside each answer, where a person choosing sees it without opening the guidance
    said = {o.value: o.explanation for o in appendix2.question("time_for_relationships").options}
    assert "months" in said["yes"] and "weeks" in said["partly"] and "days" in said["no"]
    first = conflicts.sections[0]
    assert "conflict" in first.title.lower() and "conflicts of interest" in first.intro
    # version 2.1 asks last which rules apply, in words that say it is about conflicts of interest
    assert conflicts.sections[-1].id == "rules" and "conflicts of interest" in conflicts.sections[-1].intro
    kind = next(f for f in conflicts.question("interests").fields if f.id == "interest_type")
    assert "trustee" in kind.option("financial").explanation


def test_what_to_confirm_is_said_in_the_issues_words(appendix2):
    """Issue 22: "if all of these are confirmed", the answer each needs, and what a No would make it."""
    from codesign_tui.flow.confirming import confirm_lines

    lines = confirm_lines(appendix2, evaluate(appendix2, {**BASE, "shared_delivery": "no", "shared_power": "partly",
                                                          "budget": "unsure", "senior_buy_in": "unsure"}))
    assert lines[0] == "Consult for now; Co-design if all of these are confirmed."
    assert lines[1].endswith("Needs “Yes” or “Partly”.")  # the budget: a No keeps Consult
    # leaders' No would take the recommendation down to Inform
    assert lines[2].endswith("Needs “Yes” or “Partly”. If the answer is “No”, it would be Inform and check back.")
    assert confirm_lines(appendix2, evaluate(appendix2, {**BASE, "budget": "unsure"}))[:2] == [
        "Consult for now; Co-produce if all of these are confirmed.",
        "Do you have money for facilitation, a place to meet, and people's expenses? Needs “Yes”."]
    assert confirm_lines(appendix2, evaluate(appendix2, BASE)) == []
