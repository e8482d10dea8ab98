"""Counting the combinations of answers: answers the rules cannot tell apart are tried once and counted
for all, and the counts must equal trying every combination one by one."""

from __future__ import annotations

import itertools
from collections import Counter
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

import pytest

from codesign_tui.flow.engine import decide, walk
from codesign_tui.flow.loader import load_flow
from codesign_tui.flow.paths import _domain, combinations, explore, rule_questions
from codesign_tui.resources import shipped_flows

DATA = Path(__file__).resolve().parents[1] / "data"


def every_answer_set(flow) -> Iterator[dict[str, Any]]:
    """What combinations() gives, each distinct set of answers to the rule questions that a path keeps, listed
    without walking every combination: the path depends only on the answers its conditions read, so those
    are tried in every combination and the path walked once for each; the other questions on that path
    then take every combination of their answers. grant-design has 7,864,320 combinations, 1,081,344 of
    them distinct: this walks 5 paths where combinations() walks 7,864,320 and keeps a set of a million."""
    questions = rule_questions(flow)
    domains = {question: _domain(flow, question) for question in questions}
    conditions = [condition for section in flow.sections for condition in (
        section.when, *(branch.when for branch in section.next), *(q.when for q in section.questions))
        if condition is not None]
    read = {name for condition in conditions for name in condition.expression.names}
    steering = [question for question in questions if question in read]
    seen: set[tuple] = set()
    for combo in itertools.product(*(domains[question] for question in steering)):
        on_path = {q.id for q in walk(flow, dict(zip(steering, combo)))}
        kept = tuple((question, value) for question, value in zip(steering, combo) if question in on_path)
        if kept in seen:
            continue
        seen.add(kept)
        rest = [question for question in questions if question in on_path and question not in read]
        for values in itertools.product(*(domains[question] for question in rest)):
            answers = {**dict(kept), **dict(zip(rest, values))}
            yield {question: answers[question] for question in questions if question in answers}


def one_by_one(flow, answer_sets: Callable[..., Iterable[dict[str, Any]]] = combinations
               ) -> tuple[int, Counter, Counter]:
    levels, rules, total = Counter(), Counter(), 0
    for answers in answer_sets(flow):
        rule, _, _, recommendation = decide(flow, answers)
        total += 1
        levels[recommendation.id] += 1
        if rule:
            rules[rule.id] += 1
    return total, levels, rules


def flow_paths() -> list[Path]:
    """The flows small enough to try one by one in a few seconds (grant-design's million combinations are in
    tests/exhaustive)."""
    return [DATA / "branching.yaml", *(p for p in shipped_flows() if p.stem == "appendix2")]


@pytest.mark.parametrize("path", flow_paths(), ids=lambda p: p.stem)
def test_counting_alike_answers_once_gives_the_same_counts(path):
    counts_as_one_by_one(load_flow(path))


@pytest.mark.parametrize("path", [*flow_paths(), *(p for p in shipped_flows() if p.stem == "conflicts-of-interest")],
                         ids=lambda p: p.stem)
def test_every_answer_set_lists_what_combinations_lists(path):
    # the quicker listing that tests/exhaustive uses for grant-design's million, against the engine's own
    flow = load_flow(path)
    listed = [tuple(answers.items()) for answers in every_answer_set(flow)]
    expected = [tuple(answers.items()) for answers in combinations(flow)]
    assert len(listed) == len(set(listed)) == len(expected)
    assert set(listed) == set(expected)


def counts_as_one_by_one(flow, answer_sets: Callable[..., Iterable[dict[str, Any]]] = combinations) -> None:
    """The engine's counting, answers it cannot tell apart tried once, equals trying every combination
    (each distinct set of answers as `answer_sets` lists them) one by one."""
    report = explore(flow)
    assert not report.too_many
    total, levels, rules = one_by_one(flow, answer_sets)
    assert report.total == total
    assert +report.by_level == +levels
    assert +report.by_rule == +rules


def test_answers_named_in_a_rule_are_never_merged(tmp_path):
    # 'partly' and 'unsure' meet the same requirements, but a rule names 'unsure': they must be counted apart
    text = (DATA / "branching.yaml").read_text().replace(
        "when: \"open == 'no'\"\n    because: Closed.", "when: \"open == 'no' or money == 'unsure'\"\n    because: Closed.")
    (tmp_path / "f.yaml").write_text(text)
    flow = load_flow(tmp_path / "f.yaml")
    total, levels, rules = one_by_one(flow)
    report = explore(flow)
    assert (report.total, +report.by_level, +report.by_rule) == (total, +levels, +rules)
