"""More than one voice: each difference and what it changes, checked against the engine on pairs of answer
sets built from every worked example (the same work answered by a second voice), the common ground, and
`codesign compare` as a command."""

from __future__ import annotations


import pytest

from codesign_tui.flow.answers import AnswersFile
from codesign_tui.flow.engine import evaluate
from codesign_tui.flow.examples import worked_examples
from codesign_tui.flow.loader import load_flow
from codesign_tui.flow.voices import VoicesDiffer, check_alike, compare, voice_names
from codesign_tui.plan.compare import partners_section
from codesign_tui.resources import flows_dir

EXAMPLES = worked_examples(flows_dir())
PAIRS = [(worked, question_id, value) for worked in EXAMPLES
         for question_id in sorted(load_flow(flows_dir() / f"{worked.flow}.yaml").recommendation_reads)
         for value in load_flow(flows_dir() / f"{worked.flow}.yaml").question(question_id).values
         if worked.answers.get(question_id) not in (None, value)]


def _flow(worked):
    return load_flow(flows_dir() / f"{worked.flow}.yaml")


def test_there_are_pairs_from_every_worked_example():
    assert {worked.name for worked, _, _ in PAIRS} == {worked.name for worked in EXAMPLES}


@pytest.mark.parametrize("worked, question_id, value", PAIRS,
                         ids=[f"{w.name}-{q}-{v}" for w, q, v in PAIRS])
def test_what_a_difference_changes_is_what_the_engine_gives_with_that_answer(worked, question_id, value):
    flow = _flow(worked)
    partner = {**worked.answers, question_id: value}
    comparison = compare(flow, [("Commissioner", worked.answers), ("VCSE partner", partner)])
    expected = evaluate(flow, partner)
    first = evaluate(flow, worked.answers)
    # a changed answer can change the path: questions it skips or brings in differ too
    differing = [d for d in comparison.differences if d.question == question_id]
    assert len(differing) == 1
    [change] = differing[0].changes
    assert (change.voice, change.answer) == ("VCSE partner", value)
    assert change.if_confirmed == (expected.if_confirmed.id if expected.if_confirmed else None)
    assert change.recommendation == expected.recommendation.id and change.calls_for == expected.calls_for.id
    assert change.moves == (expected.recommendation.id != first.recommendation.id
                            or expected.calls_for.id != first.calls_for.id)
    assert comparison.voices[1].result.recommendation.id == expected.recommendation.id
    assert question_id not in comparison.agreed
    # the common ground takes the answer that meets fewer requirements, never a bolder one
    if question_id in flow.requirement_reads:
        met = lambda answer: sum(answer in r.accepts for r in flow.requirements if r.question == question_id)  # noqa: E731
        assert met(comparison.common[question_id]) == min(met(value), met(worked.answers[question_id]))


@pytest.mark.parametrize("worked", EXAMPLES, ids=[w.name for w in EXAMPLES])
def test_the_common_ground_never_recommends_more_than_any_voice_that_agrees_on_what_the_work_calls_for(worked):
    flow = _flow(worked)
    voices = [("Commissioner", worked.answers)]
    for question_id in sorted(flow.requirement_reads & set(worked.answers)):
        values = flow.question(question_id).values
        voices.append((f"Voice {question_id}", {**worked.answers, question_id: values[-2]}))
    comparison = compare(flow, voices)
    lowest = min(flow.rank(v.result.recommendation.id) for v in comparison.voices)
    assert flow.rank(comparison.common_result.recommendation.id) <= lowest
    assert set(comparison.settle_first) == {d.question for d in comparison.differences if d.matters}


def test_the_section_in_the_plan_names_voices_and_lists_only_what_moves(appendix2):
    mine = {"space_to_shape": "yes", "problem_type": "wicked", "time_for_relationships": "yes", "budget": "yes",
            "senior_buy_in": "yes", "learning_culture": "yes", "shared_delivery": "yes", "shared_power": "yes"}
    theirs = {**mine, "budget": "partly", "learning_culture": "partly"}  # budget moves it; culture does not
    comparison = compare(appendix2, [("Commissioner", mine), ("VCSE partner", theirs)])
    section = "\n".join(partners_section(comparison))
    assert section.startswith("## Where partners see it differently")
    assert "VCSE partner answered “Partly” to Q4" in section and "falls to Co-design" in section
    assert "1 other difference in the answers changes nothing" in section
    assert "Q6" not in section


def test_voices_are_named_from_the_file_or_by_default():
    givens = [AnswersFile("appendix2", {}, path="mine.yaml"), AnswersFile("appendix2", {}, path="jo.yaml"),
              AnswersFile("appendix2", {}, path="a/p.yaml", voice="VCSE partner"),
              AnswersFile("appendix2", {}, path="b/q.yaml", voice="VCSE partner")]
    assert voice_names(givens) == ["Commissioner", "jo", "VCSE partner (p.yaml)", "VCSE partner (q.yaml)"]


def test_files_of_another_flow_or_another_piece_of_work_are_refused(appendix2):
    with pytest.raises(VoicesDiffer, match="different flows"):
        check_alike(appendix2, [AnswersFile("appendix2", {}), AnswersFile("engagement-plan", {})])
    with pytest.raises(VoicesDiffer, match="different pieces of work"):
        check_alike(appendix2, [AnswersFile("appendix2", {}, project="Carers"),
                                AnswersFile("appendix2", {}, project="Libraries")])
    check_alike(appendix2, [AnswersFile("appendix2", {}, project="Carers' breaks"),
                            AnswersFile("appendix2", {}, project=" carers'  BREAKS")])  # the same, typed otherwise
