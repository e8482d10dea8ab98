"""Every combination of answers tried one by one, where that takes a minute or more: a large shipped flow's
counts against the engine's own counting, a new version of appendix2 against its released one, and the written
policy over every combination of the engagement plan's added questions. A tier of their own, so that
`pytest tests/unit` stays the quick check; the whole suite runs these too."""

from __future__ import annotations

import itertools
from collections import Counter

import pytest

from codesign_tui.flow.engine import decide, shortfalls, walk
from codesign_tui.flow.loader import load_flow
from codesign_tui.flow.pathdiff import diff
from codesign_tui.flow.result import decision
from codesign_tui.resources import find_flow, shipped_flows

from test_paths import counts_as_one_by_one, every_answer_set
from test_policy import BASE, ENGAGEMENT_EXTRA, POLICIES, RECOMPENSE, YPNU, got, spec


@pytest.mark.slow(20)
def test_counting_alike_answers_once_gives_the_same_counts_for_grant_design():
    # each of its 1,081,344 distinct sets of answers decided on its own (listed without walking all 7,864,320
    # combinations: tests/unit/test_paths.py checks that listing against combinations() on the smaller flows)
    counts_as_one_by_one(load_flow(next(p for p in shipped_flows() if p.stem == "grant-design")), every_answer_set)


@pytest.mark.slow(5)
def test_the_shipped_appendix2_from_2_0_matches_trying_each_combination():
    shipped = find_flow("appendix2")
    old, new = load_flow(shipped.parent / "released" / "2.0" / "appendix2.yaml"), load_flow(shipped)
    report = diff(old, new)
    # one by one with the engine's own decide() and shortfalls() (evaluate() would take minutes here)
    by_level, by_held = Counter(), Counter()
    questions = report.questions
    domains = [old.question(q).values for q in questions]
    for combo in itertools.product(*domains):
        answers = dict(zip(questions, combo))
        sides = []
        for flow in (old, new):
            active = {q.id: answers[q.id] for q in walk(flow, answers) if q.id in answers}
            _rule, calls_for, _supported, recommendation = decide(flow, active)
            held = tuple(dict.fromkeys(s.question for s in shortfalls(flow, active, calls_for)))
            assert decision(flow, active) == (recommendation, held)
            sides.append((recommendation.id, held))
        by_level[(sides[0][0], sides[1][0])] += 1
        by_held[(sides[0][1], sides[1][1])] += 1
    assert +report.by_recommendation == +by_level
    assert +report.by_held_back == +by_held
    # version 3 adds two requirements to co-design: some combinations move down to consult, none up
    assert {key for key, _ in report.recommendation_changes} == {("co-design", "consult")}


@pytest.mark.slow
def test_engagement_plan_every_combination_of_its_added_questions(engagement):
    # every combination of the five added questions, each with a spread of appendix2's answers: the
    # question open or not or unsure, the problem wicked, proven or unsure, delivery shared or not, and
    # the conditions all yes, all partly or all unsure
    for extra in itertools.product(YPNU, RECOMPENSE, YPNU, POLICIES, YPNU):
        for space, problem, delivery, level in itertools.product(
                ["yes", "no", "unsure"], ["wicked", "existing_solution", "unsure"], ["yes", "no"],
                ["yes", "partly", "unsure"]):
            answers = {**BASE, "space_to_shape": space, "problem_type": problem, "shared_delivery": delivery,
                       "time_for_relationships": level, "budget": level, "senior_buy_in": level,
                       **dict(zip(ENGAGEMENT_EXTRA, extra)), "interests_known": "none_yet"}
            assert got(engagement, answers) == spec(answers, engagement=True), answers
