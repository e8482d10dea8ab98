"""Running a flow: the Session (questions, answers, going back, set-aside answers) and its Result."""

from __future__ import annotations

from dataclasses import field
from typing import Any

from ..records import record
from .answers import AnswerError, check_answer
from .lint import END
from .model import CallsFor, Flow, Level, Question, Requirement, Section


@record(frozen=True)
class Shortfall:
    """An answer that fails a requirement of a level."""

    question: str
    answer: Any
    level: str
    accepts: tuple[str, ...]
    because: str
    cite: str = ""


@record(frozen=True)
class Unlock:
    """What changing one held-back answer would do: the level the conditions would then support."""

    question: str
    answer: Any
    needs: tuple[str, ...]
    unlocks: str


@record(frozen=True)
class ActionItem:
    question: str
    kind: str
    text: str
    answer: Any


@record(frozen=True)
class RaisedFlag:
    id: str
    text: str
    cite: str = ""


@record
class Result:
    """What a set of answers gives: the recommendation, why, what holds it back and what to do."""

    flow: Flow
    answers: dict[str, Any]
    complete: bool
    calls_for: Level | None = None
    calls_for_rule: CallsFor | None = None
    supported: Level | None = None
    recommendation: Level | None = None
    shortfalls: list[Shortfall] = field(default_factory=list)
    unlocks: list[Unlock] = field(default_factory=list)
    actions: list[ActionItem] = field(default_factory=list)
    flags: list[RaisedFlag] = field(default_factory=list)
    set_aside: dict[str, Any] = field(default_factory=dict)
    # questions on the path, not answered yet, that the rules deciding each level read (flow order)
    calls_for_pending: list[str] = field(default_factory=list)
    support_pending: list[str] = field(default_factory=list)

    @property
    def decided(self) -> bool:
        """Whether every answer that the recommendation depends on is in."""
        return not (self.calls_for_pending or self.support_pending)

    @property
    def held_back_by(self) -> list[str]:
        """The questions holding the recommendation below what the work calls for, in flow order."""
        return list(dict.fromkeys(s.question for s in self.shortfalls))

    def to_dict(self) -> dict[str, Any]:
        level = lambda l: l.id if l else None  # noqa: E731
        rule = self.calls_for_rule
        return {
            "flow": self.flow.id,
            "flow_version": self.flow.version,
            "complete": self.complete,
            "recommendation": level(self.recommendation),
            "calls_for": level(self.calls_for),
            "supported": level(self.supported),
            "levels": [lv.id for lv in self.flow.levels],
            "rule": {"id": rule.id, "level": rule.level, "because": rule.because, "cite": rule.cite}
            if rule else None,
            "held_back_by": self.held_back_by,
            "decided": self.decided,
            "calls_for_pending": self.calls_for_pending,
            "support_pending": self.support_pending,
            "shortfalls": [vars_of(s) for s in self.shortfalls],
            "unlocks": [vars_of(u) for u in self.unlocks],
            "actions": [vars_of(a) for a in self.actions],
            "flags": [vars_of(f) for f in self.flags],
            "answers": self.answers,
            "set_aside": self.set_aside,
        }


def vars_of(item: Any) -> dict[str, Any]:
    return {key: (list(value) if isinstance(value, tuple) else value) for key, value in vars(item).items()}


def walk(flow: Flow, answers: dict[str, Any]) -> list[Question]:
    """The questions asked for these answers, in order. Conditions read only answers given earlier on
    the path, so an answer whose question no longer applies cannot steer the conversation."""
    path: list[Question] = []
    seen: dict[str, Any] = {}
    visited: set[str] = set()
    index = 0
    sections = flow.sections
    positions = {s.id: i for i, s in enumerate(sections)}
    while 0 <= index < len(sections):
        section = sections[index]
        if section.id in visited:  # lint forbids cycles; never loop on a flow that slipped through
            break
        visited.add(section.id)
        if section.when is not None and not section.when(seen):
            index += 1
            continue
        for question in section.questions:
            if question.when is None or question.when(seen):
                path.append(question)
                if question.id in answers:
                    seen[question.id] = answers[question.id]
        target = _next_section(section, seen)
        if target is None:
            index += 1
        elif target == END:
            break
        else:
            index = positions[target]
    return path


def _next_section(section: Section, answers: dict[str, Any]) -> str | None:
    for branch in section.next:
        if branch.when is None or branch.when(answers):
            return branch.goto
    return None


def evaluate(flow: Flow, answers: dict[str, Any], path: list[Question] | None = None,
             so_far: bool = False) -> Result:
    """The result of a set of answers: only answers to questions on the path count. With `so_far`
    (a live view while answering), an unanswered question holds nothing back yet."""
    path = walk(flow, answers) if path is None else path
    on_path = {q.id for q in path}
    active = {qid: answers[qid] for qid in (q.id for q in path) if qid in answers}
    set_aside = {qid: value for qid, value in answers.items() if qid not in on_path}
    complete = all(q.id in answers or not q.required for q in path)
    result = Result(flow, active, complete, set_aside=set_aside)
    if flow.levels:
        _decide(flow, active, result, so_far)
        unanswered = [q.id for q in path if q.id not in active]
        result.calls_for_pending = [q for q in unanswered if q in flow.calls_for_reads]
        result.support_pending = [q for q in unanswered if q in flow.requirement_reads]
    result.actions = _actions(path, active)
    # live, a flag waits until every question it reads is answered, so a draft raises no false alarm
    result.flags = [RaisedFlag(f.id, f.text, f.cite) for f in flow.flags if f.when(active)
                    and not (so_far and any(flow.has_question(n) and n not in active and n in on_path
                                            for n in f.when.expression.names))]
    return result


def decide(flow: Flow, active: dict[str, Any], so_far: bool = False
           ) -> tuple[CallsFor | None, Level, Level, Level]:
    """The rule that fired, the level the work calls for, the level supported, and the recommendation.
    With `so_far`, unanswered questions do not count against what the conditions support."""
    rule = next((r for r in flow.calls_for if r.when is None or r.when(active)), None)
    calls_for = flow.level(rule.level) if rule else flow.levels[-1]
    supported = supported_level(flow, active, so_far)
    recommendation = calls_for if flow.rank(calls_for.id) <= flow.rank(supported.id) else supported
    return rule, calls_for, supported, recommendation


def _decide(flow: Flow, active: dict[str, Any], result: Result, so_far: bool = False) -> None:
    rule, calls_for, supported, result.recommendation = decide(flow, active, so_far)
    result.calls_for, result.calls_for_rule, result.supported = calls_for, rule, supported
    limit = flow.rank(calls_for.id)
    shortfalls = [_shortfall(r, active) for r in flow.requirements
                  if flow.rank(r.level) <= limit and not r.met(active)
                  and not (so_far and r.question not in active)]
    shortfalls.sort(key=lambda s: (flow.order[s.question], flow.rank(s.level)))
    result.shortfalls = shortfalls
    current = flow.rank(supported.id)
    for question in result.held_back_by:
        needs = accepted_up_to(flow, question, limit)
        trial = dict(active, **{question: needs[0]}) if needs else active
        unlocked = supported_level(flow, trial, so_far)
        if flow.rank(unlocked.id) > current:
            result.unlocks.append(Unlock(question, active.get(question), needs, unlocked.id))


def _shortfall(requirement: Requirement, active: dict[str, Any]) -> Shortfall:
    return Shortfall(requirement.question, active.get(requirement.question), requirement.level,
                     requirement.accepts, requirement.because, requirement.cite)


def accepted_up_to(flow: Flow, question: str, limit: int) -> tuple[str, ...]:
    """The answers to `question` that meet every requirement up to the level at rank `limit`."""
    accepted = [set(r.accepts) for r in flow.requirements
                if r.question == question and flow.rank(r.level) <= limit]
    values = flow.question(question).values
    return tuple(v for v in values if all(v in a for a in accepted))


def supported_level(flow: Flow, active: dict[str, Any], so_far: bool = False) -> Level:
    """The highest level whose requirements, and those of every level below it, all hold. With
    `so_far`, a question not answered yet does not count against a level."""
    failing = {r.level for r in flow.requirements if not r.met(active)
               and not (so_far and r.question not in active)}
    best = None
    for level in flow.levels:
        if level.id in failing:
            break
        best = level
    return best if best is not None else flow.levels[0]


def _actions(path: list[Question], active: dict[str, Any]) -> list[ActionItem]:
    out = []
    for question in path:
        if question.id not in active:
            continue
        answer = active[question.id]
        chosen = answer if isinstance(answer, list) else [answer]
        for action in question.actions:
            if (action.on and any(value in action.on for value in chosen)) or \
                    (action.when is not None and action.when(active)):
                out.append(ActionItem(question.id, action.kind, action.text, answer))
    return out


@record(frozen=True)
class Change:
    """What an answer changed elsewhere: answers set aside because their questions no longer apply,
    and answers restored because their questions apply again."""

    set_aside: tuple[str, ...] = ()
    restored: tuple[str, ...] = ()


class Session:
    """One person working through a flow. Every answer ever given is kept; only those on the current
    path count, so changing an earlier answer sets later ones aside rather than losing them."""

    def __init__(self, flow: Flow, answers: dict[str, Any] | None = None):
        self.flow = flow
        self.answers: dict[str, Any] = dict(answers or {})
        self._cursor: str | None = None
        self._path = walk(flow, self.answers)

    @property
    def path(self) -> list[Question]:
        return list(self._path)

    @property
    def current(self) -> Question | None:
        """The question being asked: the one stepped back to, or else the first unanswered."""
        if self._cursor is not None and any(q.id == self._cursor for q in self._path):
            return self.flow.question(self._cursor)
        return next((q for q in self._path if q.id not in self.answers), None)

    @property
    def is_complete(self) -> bool:
        return all(q.id in self.answers for q in self._path)

    @property
    def active(self) -> dict[str, Any]:
        return {q.id: self.answers[q.id] for q in self._path if q.id in self.answers}

    @property
    def set_aside(self) -> dict[str, Any]:
        on_path = {q.id for q in self._path}
        return {qid: value for qid, value in self.answers.items() if qid not in on_path}

    def progress(self) -> tuple[int, int]:
        """Questions answered and questions on the path as far as the answers so far tell."""
        return sum(1 for q in self._path if q.id in self.answers), len(self._path)

    def section_progress(self) -> list[tuple[Section, int, int]]:
        counts: dict[str, list[int]] = {}
        for question in self._path:
            done_total = counts.setdefault(question.section_id, [0, 0])
            done_total[1] += 1
            done_total[0] += question.id in self.answers
        return [(s, *counts[s.id]) for s in self.flow.sections if s.id in counts]

    def answer(self, question_id: str, value: Any) -> Change:
        """Answer (or change the answer to) a question on the path; raises AnswerError when the value
        does not fit the question."""
        if not any(q.id == question_id for q in self._path):
            raise AnswerError(question_id, f"{question_id!r} is not asked with the answers given so far")
        question = self.flow.question(question_id)
        value = check_answer(question, value)
        before = {q.id for q in self._path}
        self.answers[question_id] = value
        self._path = walk(self.flow, self.answers)
        after = {q.id for q in self._path}
        answered = set(self.answers)
        following = self._following(question_id)
        self._cursor = following.id if following is not None and following.id in self.answers else None
        order = self.flow.order
        return Change(tuple(sorted((before - after) & answered, key=order.__getitem__)),
                      tuple(sorted((after - before) & answered - {question_id}, key=order.__getitem__)))

    def skip(self, question_id: str) -> Change:
        """Pass over an optional question."""
        return self.answer(question_id, None)

    def _following(self, question_id: str) -> Question | None:
        ids = [q.id for q in self._path]
        if question_id not in ids:
            return None
        index = ids.index(question_id)
        return self._path[index + 1] if index + 1 < len(ids) else None

    def back(self) -> Question | None:
        """Step back to the question before the current one (or the last one, when finished)."""
        current = self.current
        ids = [q.id for q in self._path]
        index = ids.index(current.id) if current is not None else len(ids)
        if index == 0:
            return current
        self._cursor = ids[index - 1]
        return self.current

    def go_to(self, question_id: str) -> Question:
        """Revisit any question on the path, to change its answer."""
        if not any(q.id == question_id for q in self._path):
            raise AnswerError(question_id, f"{question_id!r} is not asked with the answers given so far")
        self._cursor = question_id
        return self.flow.question(question_id)

    def resume(self) -> Question | None:
        """Carry on from the first unanswered question."""
        self._cursor = None
        return self.current

    def result(self, so_far: bool = False) -> Result:
        """The result of the answers on the path; `so_far` leaves unanswered questions out of it."""
        return evaluate(self.flow, self.answers, self._path, so_far)
