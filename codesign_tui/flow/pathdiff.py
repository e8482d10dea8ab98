"""What an edit to a flow does to its decisions: every combination of the answers that the rules of either
version read, carried from the old version to the new by the new one's migrations, counted by the
recommendation under each and by what holds it back under each."""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import field
from typing import Any, Iterator

from ..records import record
from .answers import AnswerError, check_answer
from .engine import walk
from .result import decision
from .expressions import Expression
from .migrations import DROPPED, _carry_question, chain, migrate
from .model import Flow
from .paths import MAX_PATHS, _comparisons, _domain, _steering, rule_questions

EXAMPLES = 3  # example combinations kept for each change


class _Absent:
    """A side of a pair without an answer: the flow has no such question, or does not offer that answer."""

    def __init__(self, name: str):
        self.name = name

    def __repr__(self) -> str:
        return self.name


MISSING = _Absent("MISSING")  # the flow has no such question (new in the new flow, or dropped from it)
NOT_OFFERED = _Absent("NOT_OFFERED")  # the flow has the question but not this answer


@record(frozen=True)
class Pair:
    """One answer as each version sees it: given under the old flow, and as its migrations carry it."""

    old: Any
    new: Any


@record
class Asked:
    """A question the rules of either version read: its id in each (None where that version lacks it),
    and its answers grouped into classes that every rule of both versions treats alike."""

    id: str  # as the new flow calls it, where it has it
    old_id: str | None
    new_id: str | None
    classes: list[list[Pair]]  # each class: its members, the first standing for them all


@record(frozen=True)
class Side:
    """What one version makes of a combination: its recommendation and the questions holding it back (in the
    new flow's ids), or no recommendation when it does not offer an answer the combination gives."""

    recommendation: str | None
    held_back_by: tuple[str, ...] = ()


@record
class FlowDiff:
    """Combinations of answers counted by old → new recommendation and by old → new held_back_by, with up to
    three examples of each change (a combination: question id → answer as given under the old flow, or as
    the new flow offers it)."""

    old_id: str
    old_version: str
    new_id: str
    new_version: str
    questions: list[str]
    total: int = 0
    changing: int = 0  # combinations whose recommendation or held_back_by changes (the rows of --csv)
    by_recommendation: Counter = field(default_factory=Counter)  # (old, new) -> combinations
    by_held_back: Counter = field(default_factory=Counter)  # ((old ids), (new ids)) -> combinations
    examples: dict = field(default_factory=dict)  # (old, new) -> [combination, ...]
    held_examples: dict = field(default_factory=dict)
    too_many: int = 0  # the number of combinations, when there were too many to try

    @property
    def recommendation_changes(self) -> list[tuple[tuple[Any, Any], int]]:
        return [(key, count) for key, count in self.by_recommendation.most_common() if key[0] != key[1]]

    @property
    def held_back_changes(self) -> list[tuple[tuple[Any, Any], int]]:
        return [(key, count) for key, count in self.by_held_back.most_common() if key[0] != key[1]]

    @property
    def changed(self) -> bool:
        return bool(self.recommendation_changes or self.held_back_changes)

    @property
    def moved(self) -> int:
        """Combinations whose recommendation changes."""
        return sum(count for _, count in self.recommendation_changes)


# -- the questions and their answers, as both versions see them ------------------------------------------

class _Carry:
    """How the new flow's migrations carry an old answer: the question's new id and the answer it becomes."""

    def __init__(self, old: Flow, new: Flow):
        self.old, self.new = old, new
        steps = chain(new, old.version) if old.id == new.id and old.version != new.version else None
        self.steps = tuple(steps or ())
        # what a migration writes in for a question an old answer set cannot have
        self.defaults = migrate(new, old.version, {}).answers if self.steps else {}

    def question(self, old_id: str) -> str | None:
        carried = _carry_question(self.steps, old_id)
        return None if carried is DROPPED or not self.new.has_question(carried) else carried

    def answer(self, old_id: str, value: Any) -> tuple[str | None, Any]:
        """The question and the answer a migration makes of one old answer (NOT_OFFERED when it does not fit)."""
        target = self.question(old_id)
        if target is None:
            return None, MISSING
        if self.steps:
            value = migrate(self.new, self.old.version, {old_id: value}).answers.get(target)  # type: ignore[union-attr]
        try:
            return target, check_answer(self.new.question(target), value)
        except AnswerError:
            return target, NOT_OFFERED


def _frozen(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def asked(old: Flow, new: Flow) -> list[Asked]:
    """The questions the rules of either version read, old flow's order first, with their answers in classes."""
    carry = _Carry(old, new)
    back = {carry.question(q.id): q.id for q in old.questions if carry.question(q.id) is not None}
    pairs: list[tuple[str | None, str | None]] = []
    for old_id in rule_questions(old):
        pairs.append((old_id, carry.question(old_id)))
    taken = {new_id for _, new_id in pairs if new_id is not None}
    for new_id in rule_questions(new):
        if new_id not in taken:
            pairs.append((back.get(new_id), new_id))
    old_steering, new_steering = _steering(old), _steering(new)
    used: set[str] = set()
    out = []
    for old_id, new_id in pairs:
        name = new_id or old_id or ""
        if name in used:  # a dropped question whose id the new flow gives to another
            name = f"{name} (old)"
        used.add(name)
        domain: list[Pair] = []
        if old_id is not None:
            image = set()
            for value in _domain(old, old_id):
                target, carried = carry.answer(old_id, value)
                if new_id is None or target != new_id:
                    carried = MISSING if new_id is None else NOT_OFFERED
                domain.append(Pair(value, carried))
                image.add(_frozen(carried))
            if new_id is not None:
                domain += [Pair(NOT_OFFERED, value) for value in _domain(new, new_id) if _frozen(value) not in image]
        elif new_id in carry.defaults:
            domain = [Pair(MISSING, carry.defaults[new_id])]
        else:
            domain = [Pair(MISSING, value) for value in _domain(new, new_id)]  # type: ignore[arg-type]
        out.append(Asked(name, old_id, new_id, _classes(old, old_id, old_steering, new, new_id, new_steering,
                                                        domain)))
    return out


def _telling(flow: Flow, question_id: str | None, steering: list[Expression]):
    """What tells this question's answers apart in one flow: a key for each answer, or None when every answer
    must be tried on its own (a multiple choice, or an expression that reads it other than by comparing)."""
    if question_id is None:
        return lambda value: ()
    question = flow.question(question_id)
    if question.kind == "multiple" or not question.is_choice:
        return None
    compared = _comparisons(question_id, steering)
    if compared is None:
        return None
    accepts = [set(r.accepts) for r in flow.requirements if r.question == question_id]
    return lambda value: tuple(value in values for values in compared) + tuple(value in a for a in accepts)


def _classes(old: Flow, old_id: str | None, old_steering: list[Expression], new: Flow, new_id: str | None,
             new_steering: list[Expression], domain: list[Pair]) -> list[list[Pair]]:
    """Answers that every expression and requirement of both versions treats alike, grouped: each class is
    tried once and counted for all its members, as `paths` does for one flow."""
    old_key, new_key = _telling(old, old_id, old_steering), _telling(new, new_id, new_steering)
    if old_key is None or new_key is None:
        return [[pair] for pair in domain]
    groups: dict[tuple, list[Pair]] = {}
    for pair in domain:
        key = (pair.old if isinstance(pair.old, _Absent) else old_key(pair.old),
               pair.new if isinstance(pair.new, _Absent) else new_key(pair.new))
        groups.setdefault(key, []).append(pair)
    return list(groups.values())


# -- counting ---------------------------------------------------------------------------------------------

def _simple(flow: Flow) -> bool:
    return all(q.when is None for q in flow.questions) and all(s.when is None and not s.next for s in flow.sections)


def _side(flow: Flow, answers: dict[str, Any], unoffered: set[str], on_path: set[str] | None,
          rename: dict[str, str]) -> Side:
    if unoffered and (on_path is None or unoffered & on_path):
        return Side(None)
    recommendation, held = decision(flow, answers)
    return Side(recommendation.id, tuple(rename.get(q, q) for q in held) if rename else held)


@record
class _Tried:
    """One tried combination: the class chosen for each question, which questions either path asks, how many
    combinations it stands for, and each version's decision."""

    classes: tuple[int, ...]
    kept: tuple[int, ...]
    weight: int
    old: Side
    new: Side


def _tries(old: Flow, new: Flow, questions: list[Asked]) -> Iterator[_Tried]:
    simple = _simple(old) and _simple(new)
    rename = {q.old_id: q.id for q in questions if q.old_id is not None}
    carry = _Carry(old, new)
    for question in old.questions:
        rename.setdefault(question.id, carry.question(question.id) or question.id)
    seen: set[tuple] = set()
    everything = tuple(range(len(questions)))
    old_steers = [i for i, q in enumerate(questions) if q.old_id in old.path_reads]
    new_steers = [i for i, q in enumerate(questions) if q.new_id in new.path_reads]
    old_paths: dict[tuple, set[str]] = {}
    new_paths: dict[tuple, set[str]] = {}
    for chosen in itertools.product(*(range(len(q.classes)) for q in questions)):
        old_answers: dict[str, Any] = {}
        new_answers: dict[str, Any] = {}
        old_unoffered: set[str] = set()
        new_unoffered: set[str] = set()
        for question, index in zip(questions, chosen):
            pair = question.classes[index][0]
            if question.old_id is not None:
                if pair.old is NOT_OFFERED:
                    old_unoffered.add(question.old_id)
                elif pair.old is not MISSING:
                    old_answers[question.old_id] = pair.old
            if question.new_id is not None:
                if pair.new is NOT_OFFERED:
                    new_unoffered.add(question.new_id)
                elif pair.new is not MISSING:
                    new_answers[question.new_id] = pair.new
        if simple:
            kept = everything
            old_path = new_path = None
        else:  # answers a path skips are dropped, and each distinct set counted once
            # a path depends only on the answers that steer it: walked once for each choice of those
            old_key = tuple(chosen[i] for i in old_steers)
            old_path = old_paths.get(old_key)
            if old_path is None:
                old_path = old_paths[old_key] = {q.id for q in walk(old, old_answers)}
            new_key = tuple(chosen[i] for i in new_steers)
            new_path = new_paths.get(new_key)
            if new_path is None:
                new_path = new_paths[new_key] = {q.id for q in walk(new, new_answers)}
            kept = tuple(i for i, q in enumerate(questions) if q.old_id in old_path or q.new_id in new_path)
            key = tuple((i, chosen[i]) for i in kept)
            if key in seen:
                continue
            seen.add(key)
            old_answers = {k: v for k, v in old_answers.items() if k in old_path}
            new_answers = {k: v for k, v in new_answers.items() if k in new_path}
        weight = 1
        for i in kept:
            weight *= len(questions[i].classes[chosen[i]])
        yield _Tried(chosen, kept, weight, _side(old, old_answers, old_unoffered, old_path, rename),
                     _side(new, new_answers, new_unoffered, new_path, {}))


def _tries_needed(questions: list[Asked]) -> int:
    tries = 1
    for question in questions:
        tries *= max(len(question.classes), 1)
    return tries


def count_combinations(questions: list[Asked]) -> int:
    total = 1
    for question in questions:
        total *= max(sum(len(c) for c in question.classes), 1)
    return total


def diff(old: Flow, new: Flow, limit: int = MAX_PATHS) -> FlowDiff:
    """Every combination of the answers that the rules of either version read, counted by what each version
    recommends and what holds it back. Answers that no rule of either version tells apart are tried once and
    counted for all of them, so the count is exact for flows whose rules read many questions."""
    questions = asked(old, new)
    report = FlowDiff(old.id, old.version, new.id, new.version, [q.id for q in questions])
    if not old.levels or not new.levels:
        return report
    if _tries_needed(questions) > limit:
        report.too_many = count_combinations(questions)
        return report
    for tried in _tries(old, new, questions):
        report.total += tried.weight
        if tried.old != tried.new:
            report.changing += tried.weight
        change = (tried.old.recommendation, tried.new.recommendation)
        report.by_recommendation[change] += tried.weight
        if change[0] != change[1]:
            _example(report.examples, change, questions, tried)
        held = (tried.old.held_back_by, tried.new.held_back_by)
        if tried.old.recommendation is None or tried.new.recommendation is None:
            held = (held[0] if tried.old.recommendation else None, held[1] if tried.new.recommendation else None)
        report.by_held_back[held] += tried.weight
        if held[0] != held[1]:
            _example(report.held_examples, held, questions, tried)
    return report


def _example(into: dict, key: Any, questions: list[Asked], tried: _Tried) -> None:
    found = into.setdefault(key, [])
    if len(found) < EXAMPLES:
        found.append({questions[i].id: questions[i].classes[tried.classes[i]][0] for i in tried.kept})


def changed_rows(old: Flow, new: Flow, limit: int = MAX_PATHS) -> Iterator[tuple[dict[str, Pair], Side, Side]]:
    """Every combination whose recommendation or held_back_by changes, one by one (each class's members
    written out), with each version's decision."""
    questions = asked(old, new)
    if _tries_needed(questions) > limit or not old.levels or not new.levels:
        return
    for tried in _tries(old, new, questions):
        if tried.old == tried.new:
            continue
        members = [questions[i].classes[tried.classes[i]] for i in tried.kept]
        for combo in itertools.product(*members):
            yield {questions[i].id: pair for i, pair in zip(tried.kept, combo)}, tried.old, tried.new


def answer_text(value: Any) -> str:
    """An answer as the CSV and the report write it: options by value, several joined with |."""
    if value is MISSING:
        return ""
    if value is NOT_OFFERED:
        return "(not offered)"
    if isinstance(value, list):
        return "|".join(value) or "(none)"
    return "" if value is None else str(value)


def pair_text(pair: Pair) -> str:
    """An answer in an example: as given under the old flow, with what the new one makes of it when that differs."""
    if pair.old is MISSING or pair.old is NOT_OFFERED:
        return answer_text(pair.new) + (" (new)" if pair.old is NOT_OFFERED else "")
    if pair.new is MISSING or pair.new == pair.old:
        return answer_text(pair.old)
    if pair.new is NOT_OFFERED:
        return f"{answer_text(pair.old)} (no longer offered)"
    return f"{answer_text(pair.old)}→{answer_text(pair.new)}"
