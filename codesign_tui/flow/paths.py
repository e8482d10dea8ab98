"""Every distinct combination of the answers the rules read, and what each leads to."""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import field
from typing import Any, Iterator

from ..records import record
from .engine import decide, walk
from .model import Flow

MAX_PATHS = 250_000


@record
class PathReport:
    """How many combinations lead to each level, and which levels and rules none can reach."""

    questions: list[str]
    total: int = 0
    by_level: Counter = field(default_factory=Counter)
    by_rule: Counter = field(default_factory=Counter)
    too_many: int = 0  # the number of combinations when there were too many to try

    def unreachable_levels(self, flow: Flow) -> list[str]:
        return [level.id for level in flow.levels if not self.by_level[level.id]]

    def unreachable_rules(self, flow: Flow) -> list[str]:
        return [rule.id for rule in flow.calls_for if not self.by_rule[rule.id]]


def rule_questions(flow: Flow) -> list[str]:
    """The questions the rules read, in flow order."""
    return [q.id for q in flow.questions if q.id in flow.recommendation_reads]


def _domain(flow: Flow, question_id: str) -> list[Any]:
    question = flow.question(question_id)
    if question.kind == "multiple":
        values = question.values
        return [list(c) for r in range(len(values) + 1) for c in itertools.combinations(values, r)]
    if question.is_choice:
        return list(question.values)
    return []


def combinations(flow: Flow) -> Iterator[dict[str, Any]]:
    """Each distinct set of answers to the rule questions that can happen: answers to questions that
    the path skips are dropped, and duplicates that leaves behind are not repeated."""
    questions = rule_questions(flow)
    domains = [_domain(flow, q) for q in questions]
    simple = all(q.when is None for q in flow.questions) and all(
        s.when is None and not s.next for s in flow.sections)
    seen: set[tuple] = set()
    for combo in itertools.product(*domains):
        answers = dict(zip(questions, combo))
        if not simple:
            on_path = {q.id for q in walk(flow, answers)}
            answers = {k: v for k, v in answers.items() if k in on_path}
            key = tuple((k, tuple(v) if isinstance(v, list) else v) for k, v in answers.items())
            if key in seen:
                continue
            seen.add(key)
        yield answers


def count_combinations(flow: Flow) -> int:
    total = 1
    for question in rule_questions(flow):
        total *= max(len(_domain(flow, question)), 1)
    return total


def explore(flow: Flow, limit: int = MAX_PATHS) -> PathReport:
    report = PathReport(rule_questions(flow))
    if not flow.levels:
        return report
    possible = count_combinations(flow)
    if possible > limit:
        report.too_many = possible
        return report
    for answers in combinations(flow):
        rule, _calls_for, _supported, recommendation = decide(flow, answers)
        report.total += 1
        report.by_level[recommendation.id] += 1
        if rule:
            report.by_rule[rule.id] += 1
    return report
