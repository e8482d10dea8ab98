"""Every distinct combination of the answers the rules read, and what each leads to."""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import field
from typing import Any, Iterator

from ..records import record
from .engine import decide, floor_of, walk
from .expressions import Expression
from .model import Flow

MAX_PATHS = 400_000  # tries, after alike answers are merged


@record
class PathReport:
    """How many combinations lead to each level, and which levels and rules none can reach."""

    questions: list[str]
    total: int = 0
    by_level: Counter = field(default_factory=Counter)
    by_rule: Counter = field(default_factory=Counter)
    by_floor: Counter = field(default_factory=Counter)  # combinations a floor raised, by floor id
    too_many: int = 0  # the number of combinations when there were too many to try

    def unreachable_levels(self, flow: Flow) -> list[str]:
        return [level.id for level in flow.levels if not self.by_level[level.id]]

    def unreachable_rules(self, flow: Flow) -> list[str]:
        return [rule.id for rule in flow.calls_for if not self.by_rule[rule.id]]


def rule_questions(flow: Flow) -> list[str]:
    """The questions the rules read, in flow order."""
    return [q.id for q in flow.questions if q.id in flow.recommendation_reads]


def _domain(flow: Flow, question_id: str) -> list[Any]:
    """Every answer a choice question can be given; passing over it is left out."""
    answers = flow.question(question_id).possible_answers(limit=1 << 62)
    return [answer for answer in answers if answer is not None] if answers is not None else []


def combinations(flow: Flow) -> Iterator[dict[str, Any]]:
    """Each distinct set of answers to the rule questions that can happen: answers to questions that
    the path skips are dropped, and duplicates that leaves behind are not repeated."""
    questions = rule_questions(flow)
    domains = [_domain(flow, q) for q in questions]
    simple = all(q.when is None for q in flow.questions) and all(
        s.when is None and not s.next for s in flow.sections)
    seen: set[tuple] = set()
    for combo in itertools.product(*domains):
        given = dict(zip(questions, combo))
        answers = given if simple else _first_time_on_path(flow, given, seen)
        if answers is not None:
            yield answers


def _first_time_on_path(flow: Flow, answers: dict[str, Any], seen: set[tuple]) -> dict[str, Any] | None:
    """The answers the path keeps (those to skipped questions dropped), or None when that set was seen."""
    on_path = {q.id for q in walk(flow, answers)}
    answers = {k: v for k, v in answers.items() if k in on_path}
    key = tuple((k, tuple(v) if isinstance(v, list) else v) for k, v in answers.items())
    if key in seen:
        return None
    seen.add(key)
    return answers


def count_combinations(flow: Flow) -> int:
    total = 1
    for question in rule_questions(flow):
        total *= max(len(_domain(flow, question)), 1)
    return total


def _steering(flow: Flow) -> list[Expression]:
    """Every expression that can change the path or the level the work calls for."""
    conditions = [rule.when for rule in flow.calls_for] + [r.when for r in flow.requirements] + [
        floor.when for floor in flow.floors]
    for section in flow.sections:
        conditions += [section.when, *(branch.when for branch in section.next),
                       *(question.when for question in section.questions)]
    return [c.expression for c in conditions if c is not None]


def _comparisons(question_id: str, steering: list[Expression]) -> list[frozenset[str]] | None:
    """The sets of values that each expression compares this question with (`q == 'a'` gives {a},
    `q in ['a', 'b']` gives {a, b}); None when it is read any other way, so its answers cannot be merged."""
    sets: list[frozenset[str]] = []
    for expression in steering:
        reads = [node for node in expression.node.walk() if node.op == "name" and node.value == question_id]
        compared = 0
        for node in expression.node.walk():
            if node.op in ("==", "!=", "in", "not in") and node.args[0].op == "name" \
                    and node.args[0].value == question_id:
                other = node.args[1]
                values = [other] if node.op in ("==", "!=") else list(other.args) if other.op == "list" else []
                if values and all(v.op == "string" for v in values):
                    sets.append(frozenset(v.value for v in values))
                    compared += 1
            elif node.op in ("==", "!=") and node.args[1].op == "name" and node.args[1].value == question_id \
                    and node.args[0].op == "string":
                sets.append(frozenset([node.args[0].value]))
                compared += 1
        if compared != len(reads):
            return None
    return sets


def _classes(flow: Flow, question_id: str, steering: list[Expression]) -> list[tuple[Any, int]]:
    """The answers to a question that the rules can tell apart, each with how many answers it stands
    for. Two answers are alike when every expression compares the question with a set of values that
    holds both or neither, and every requirement on it accepts both or neither: then every rule treats
    them the same."""
    question = flow.question(question_id)
    if question.kind == "multiple" or not question.is_choice:
        return [(value, 1) for value in _domain(flow, question_id)]
    compared = _comparisons(question_id, steering)
    if compared is None:
        return [(value, 1) for value in question.values]
    accepts = [set(r.accepts) for r in flow.requirements if r.question == question_id]
    groups: dict[tuple, list[str]] = {}
    for value in question.values:
        key = tuple(value in values for values in compared) + tuple(value in a for a in accepts)
        groups.setdefault(key, []).append(value)
    return [(values[0], len(values)) for values in groups.values()]


def explore(flow: Flow, limit: int = MAX_PATHS) -> PathReport:
    """How many combinations of answers lead to each level. Answers the rules cannot tell apart are
    tried once and counted for all of them, so a flow whose rules read many questions is still counted
    exactly."""
    report = PathReport(rule_questions(flow))
    if not flow.levels:
        return report
    steering = _steering(flow)
    classes = [_classes(flow, q, steering) for q in report.questions]
    tries = 1
    for options in classes:
        tries *= max(len(options), 1)
    if tries > limit:
        report.too_many = count_combinations(flow)
        return report
    for answers, weight in _kept(flow, report.questions, classes):
        rule, _calls_for, supported, recommendation = decide(flow, answers)
        report.total += weight
        report.by_level[recommendation.id] += weight
        if rule:
            report.by_rule[rule.id] += weight
        if flow.floors:
            floor = floor_of(flow, answers)
            alone = min(flow.rank(rule.level if rule else flow.levels[-1].id), flow.rank(supported.id))
            if floor is not None and flow.rank(recommendation.id) > alone:
                report.by_floor[floor.id] += weight
    return report


def _kept(flow: Flow, questions: list[str], classes: list[list[tuple[Any, int]]]
          ) -> Iterator[tuple[dict[str, Any], int]]:
    """Each distinct set of answers, one from each question's classes, that a path keeps (answers to the
    questions it skips dropped), with how many combinations it stands for. A path depends only on the answers
    that steer it (`flow.path_reads`), so it is walked once for each choice of those, and the other questions
    on it take every choice of theirs: no walk, and nothing to remember, for each of the rest."""
    if not all(classes):  # a question with no answers to list: no combination to try
        return
    steering = [i for i, question in enumerate(questions) if question in flow.path_reads]
    seen: set[tuple] = set()
    for steered in itertools.product(*(range(len(classes[i])) for i in steering)):
        chosen = dict(zip(steering, steered))
        on_path = {q.id for q in walk(flow, {questions[i]: classes[i][c][0] for i, c in chosen.items()})}
        key = tuple((i, c) for i, c in chosen.items() if questions[i] in on_path)
        if key in seen:
            continue
        seen.add(key)
        kept = [i for i, question in enumerate(questions) if question in on_path]
        rest = [i for i in kept if i not in chosen]
        for others in itertools.product(*(range(len(classes[i])) for i in rest)):
            chosen.update(zip(rest, others))
            weight = 1
            answers: dict[str, Any] = {}
            for i in kept:
                value, alike = classes[i][chosen[i]]
                answers[questions[i]] = value
                weight *= alike
            yield answers, weight


def catching_rules(flow: Flow, rule_id: str, limit: int = MAX_PATHS) -> list[str]:
    """The earlier rules that decide every combination of answers in which rule `rule_id`'s condition holds,
    in the flow's order: why no answers reach it (a rule caught by one before it)."""
    rule = next(r for r in flow.calls_for if r.id == rule_id)
    if rule.when is None:
        return [r.id for r in flow.calls_for[:flow.calls_for.index(rule)] if r.when is None][:1]
    steering = _steering(flow)
    questions = rule_questions(flow)
    classes = [_classes(flow, q, steering) for q in questions]
    tries = 1
    for options in classes:
        tries *= max(len(options), 1)
    if tries > limit:
        return []
    caught: dict[str, None] = {}
    for combo in itertools.product(*classes):
        answers = {q: value for q, (value, _) in zip(questions, combo)}
        if rule.when(answers):
            firing = next((r for r in flow.calls_for if r.when is None or r.when(answers)), None)
            if firing is not None and firing.id != rule_id:
                caught[firing.id] = None
    order = [r.id for r in flow.calls_for]
    return sorted(caught, key=order.index)
