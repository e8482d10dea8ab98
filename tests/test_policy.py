"""The appendix2 policy, as the issue states it, against what the YAML rules give."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codesign_tui.flow.engine import evaluate

YPNU = ["yes", "partly", "no", "unsure"]
PROBLEM = ["existing_solution", "partly_known", "wicked", "unsure"]
CONDITIONS = ["time_for_relationships", "budget", "senior_buy_in", "learning_culture"]
LADDER = ["consult", "co-design", "co-produce"]

BASE = {"space_to_shape": "yes", "problem_type": "wicked", "time_for_relationships": "yes", "budget": "yes",
        "senior_buy_in": "yes", "learning_culture": "yes", "shared_delivery": "yes"}


def spec(answers: dict[str, str]) -> dict:
    """The policy written straight from the issue, independently of the YAML."""
    a = answers
    if a["space_to_shape"] == "no" or a["problem_type"] == "existing_solution":
        calls_for = "consult"
    elif a["space_to_shape"] == "yes" and a["problem_type"] == "wicked" and a["shared_delivery"] == "yes":
        calls_for = "co-produce"
    else:
        calls_for = "co-design"
    codesign_ok = all(a[q] != "no" for q in ("time_for_relationships", "budget", "senior_buy_in"))
    coproduce_ok = all(a[q] == "yes" for q in ("time_for_relationships", "budget", "senior_buy_in")) \
        and a["learning_culture"] in ("yes", "partly")
    supported = "co-produce" if codesign_ok and coproduce_ok else "co-design" if codesign_ok else "consult"
    recommendation = min(calls_for, supported, key=LADDER.index)

    def fails(question: str, level: str) -> bool:
        if level == "co-design":
            return question != "learning_culture" and a[question] == "no"
        if question == "learning_culture":
            return a[question] not in ("yes", "partly")
        return a[question] != "yes"

    levels_needed = LADDER[1:LADDER.index(calls_for) + 1]
    held = [q for q in CONDITIONS if any(fails(q, level) for level in levels_needed)]
    return {"calls_for": calls_for, "supported": supported, "recommendation": recommendation,
            "held_back_by": held}


def got(flow, answers):
    result = evaluate(flow, answers)
    return {"calls_for": result.calls_for.id, "supported": result.supported.id,
            "recommendation": result.recommendation.id, "held_back_by": result.held_back_by}


# Each row of the policy in the issue, with the answers that exercise it.
ROWS = [
    ("consult when space_to_shape is no", {"space_to_shape": "no"},
     {"calls_for": "consult", "recommendation": "consult", "held_back_by": []}),
    ("consult when a proven solution exists", {"problem_type": "existing_solution"},
     {"calls_for": "consult", "recommendation": "consult", "held_back_by": []}),
    ("consult even when nothing is in place", {"space_to_shape": "no", "budget": "no", "time_for_relationships": "no"},
     {"calls_for": "consult", "supported": "consult", "recommendation": "consult", "held_back_by": []}),
    ("co-produce: open, wicked, shared delivery, everything in place", {},
     {"calls_for": "co-produce", "supported": "co-produce", "recommendation": "co-produce"}),
    ("co-design when space is only partly open", {"space_to_shape": "partly"},
     {"calls_for": "co-design", "recommendation": "co-design"}),
    ("co-design when space is unsure", {"space_to_shape": "unsure"}, {"calls_for": "co-design"}),
    ("co-design when the problem is partly known", {"problem_type": "partly_known"}, {"calls_for": "co-design"}),
    ("co-design when the problem type is unsure", {"problem_type": "unsure"}, {"calls_for": "co-design"}),
    ("co-design when delivery is only partly shared", {"shared_delivery": "partly"}, {"calls_for": "co-design"}),
    ("co-design when delivery is not shared", {"shared_delivery": "no"}, {"calls_for": "co-design"}),
    ("co-produce needs time yes: partly gives co-design", {"time_for_relationships": "partly"},
     {"supported": "co-design", "recommendation": "co-design", "held_back_by": ["time_for_relationships"]}),
    ("co-produce needs budget yes: unsure gives co-design", {"budget": "unsure"},
     {"supported": "co-design", "recommendation": "co-design", "held_back_by": ["budget"]}),
    ("co-produce needs senior buy-in yes", {"senior_buy_in": "partly"},
     {"supported": "co-design", "held_back_by": ["senior_buy_in"]}),
    ("co-produce accepts learning culture partly", {"learning_culture": "partly"},
     {"supported": "co-produce", "recommendation": "co-produce", "held_back_by": []}),
    ("co-produce refuses learning culture unsure", {"learning_culture": "unsure"},
     {"supported": "co-design", "held_back_by": ["learning_culture"]}),
    ("co-produce refuses learning culture no, co-design does not mind", {"learning_culture": "no"},
     {"supported": "co-design", "recommendation": "co-design", "held_back_by": ["learning_culture"]}),
    ("co-design needs time not no", {"time_for_relationships": "no"},
     {"supported": "consult", "recommendation": "consult", "held_back_by": ["time_for_relationships"]}),
    ("co-design needs budget not no", {"budget": "no", "space_to_shape": "partly"},
     {"calls_for": "co-design", "supported": "consult", "recommendation": "consult", "held_back_by": ["budget"]}),
    ("co-design needs senior buy-in not no", {"senior_buy_in": "no", "shared_delivery": "no"},
     {"calls_for": "co-design", "supported": "consult", "held_back_by": ["senior_buy_in"]}),
    ("co-design accepts unsure conditions", {"space_to_shape": "partly", "time_for_relationships": "unsure",
                                             "budget": "unsure", "senior_buy_in": "unsure"},
     {"calls_for": "co-design", "supported": "co-design", "recommendation": "co-design", "held_back_by": []}),
    ("held back by lists every failing condition in flow order",
     {"learning_culture": "no", "budget": "partly", "time_for_relationships": "no"},
     {"recommendation": "consult", "held_back_by": ["time_for_relationships", "budget", "learning_culture"]}),
    ("a co-design call is not held back by learning culture",
     {"problem_type": "partly_known", "learning_culture": "no"},
     {"calls_for": "co-design", "recommendation": "co-design", "held_back_by": []}),
]


@pytest.mark.parametrize("changes, expected", [(c, e) for _, c, e in ROWS], ids=[r[0] for r in ROWS])
def test_policy_rows(appendix2, changes, expected):
    answers = {**BASE, **changes}
    result = got(appendix2, answers)
    for key, value in expected.items():
        assert result[key] == value, key
    assert result == spec(answers)


def test_every_combination_matches_the_written_policy(appendix2):
    questions = list(BASE)
    domains = [PROBLEM if q == "problem_type" else YPNU for q in questions]
    mismatches = []
    for combo in itertools.product(*domains):
        answers = dict(zip(questions, combo))
        if got(appendix2, answers) != spec(answers):
            mismatches.append(answers)
    assert not mismatches[:3]


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


@pytest.mark.parametrize("question", list(BASE))
def test_every_unsure_answer_gives_a_find_out_action(appendix2, question):
    result = evaluate(appendix2, {**BASE, question: "unsure"})
    assert any(a.question == question and a.kind == "find_out" for a in result.actions)


@pytest.mark.parametrize("question", CONDITIONS)
@pytest.mark.parametrize("answer", ["partly", "no"])
def test_every_partly_or_no_condition_gives_a_to_unlock_action(appendix2, question, answer):
    result = evaluate(appendix2, {**BASE, question: answer})
    assert any(a.question == question and a.kind == "to_unlock" for a in result.actions)


complete_answers = st.fixed_dictionaries({
    q: st.sampled_from(PROBLEM if q == "problem_type" else YPNU) for q in BASE})


@settings(max_examples=300, deadline=None)
@given(complete_answers)
def test_one_recommendation_never_above_what_the_work_calls_for(appendix2, answers):
    result = evaluate(appendix2, answers)
    assert result.complete
    assert result.recommendation is not None
    assert result.recommendation.id in LADDER
    assert LADDER.index(result.recommendation.id) <= LADDER.index(result.calls_for.id)
    assert LADDER.index(result.recommendation.id) <= LADDER.index(result.supported.id)
    assert result.recommendation.id in (result.calls_for.id, result.supported.id)
    assert (result.recommendation.id == result.calls_for.id) == (not result.held_back_by)


@settings(max_examples=200, deadline=None)
@given(complete_answers, st.sampled_from(CONDITIONS))
def test_improving_a_condition_never_lowers_the_recommendation(appendix2, answers, question):
    better = {**answers, question: "yes"}
    before, after = evaluate(appendix2, answers), evaluate(appendix2, better)
    assert LADDER.index(after.recommendation.id) >= LADDER.index(before.recommendation.id)


@settings(max_examples=200, deadline=None)
@given(complete_answers)
def test_engagement_plan_keeps_the_appendix2_policy(appendix2, engagement, answers):
    full = {**answers, "interests_known": "none_yet"}
    a, e = evaluate(appendix2, answers), evaluate(engagement, full)
    assert (e.recommendation.id, e.calls_for.id, e.supported.id, e.held_back_by) == \
        (a.recommendation.id, a.calls_for.id, a.supported.id, a.held_back_by)
