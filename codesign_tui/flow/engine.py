"""Running a flow: the path a set of answers takes, its Result (flow/result.py), and the Session
(questions, answers, going back, set-aside answers)."""

from __future__ import annotations

import itertools
from typing import Any

from ..records import record
from .answers import AnswerError, AnswersFile, SetAside, check_answer, fit_answers
from .model import END, Flow, Question, Section
from .result import (  # noqa: F401 - Result and the ladder's arithmetic, as the engine has always offered them
    ActionItem, RaisedFlag, Result, Shortfall, Unlock, accepted_up_to, decide, floor_of, is_complete, shortfalls,
    supported_level)


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
    active: dict[str, Any] = {}
    missing: list[Question] = []
    for question in path:
        if question.id in answers:
            active[question.id] = answers[question.id]
        else:
            missing.append(question)
    set_aside = {qid: value for qid, value in answers.items() if qid not in active} \
        if len(active) < len(answers) else {}
    unanswered = [q.id for q in missing]
    # only the questions without an answer can leave the path unfinished
    result = Result(flow, active, is_complete(missing, active), set_aside=set_aside, path=path,
                    unanswered=unanswered, so_far=so_far)
    if flow.levels:
        result.calls_for_rule, result.calls_for, result.supported, result.recommendation = \
            decide(flow, active, so_far)
        result.floor = floor_of(flow, active) if flow.floors else None
        result.shortfalls = shortfalls(flow, active, result.calls_for, so_far)
        result.calls_for_pending = [q for q in unanswered if q in flow.calls_for_reads]
        result.support_pending = [q for q in unanswered if q in flow.requirement_reads
                                   and _support_may_read(flow, q, active)]
    return result


def _support_may_read(flow: Flow, question: str, active: dict[str, Any]) -> bool:
    """Whether what the conditions support may still depend on this unanswered question: a requirement on
    it applies, or may once other answers are in, or whether one applies hangs on it. A question whose every
    requirement is ruled out by answers given (the record a regime asks for, when the regime is another) is
    not waited for."""
    for requirement in flow.requirements:
        names = requirement.when.expression.names if requirement.when is not None else ()
        if question in names:
            return True
        if requirement.question != question:
            continue
        if requirement.when is None or requirement.when(active) or any(
                flow.has_question(name) and name not in active for name in names):
            return True
    return False


MOST_TRIES = 4096  # combinations of the answers that steer the path, tried to find its longest


@record(frozen=True)
class Progress:
    """How far a person is: questions answered on the path, out of the most questions the path can hold
    with the answers given so far. `exact` when no answer still to be given can change that number. The
    one count of questions: the home screen, the title bar, plain mode and the room all show this."""

    answered: int
    total: int
    exact: bool

    def __str__(self) -> str:
        return f"{self.answered} of {'' if self.exact else 'up to '}{self.total}"


def longest_path(flow: Flow, answers: dict[str, Any]) -> tuple[int, bool]:
    """The most questions the path can hold, trying every answer to the questions that steer it and are
    not yet answered; and whether that is the only length left. Where those answers cannot be listed
    (free text, numbers) or are too many to try, every question in the flow is the bound."""
    steering = [q for q in flow.questions if q.id in flow.path_reads and q.id not in answers]
    domains = [domain for q in steering if (domain := q.possible_answers(MOST_TRIES)) is not None]
    tries = 1
    for domain in domains:
        tries *= len(domain)
    if len(domains) < len(steering) or tries > MOST_TRIES:  # a question whose answers cannot all be tried
        return len(flow.questions), False
    lengths = {len(walk(flow, {**answers, **dict(zip((q.id for q in steering), combo))}))
               for combo in itertools.product(*domains)}
    return max(lengths), len(lengths) == 1


@record(frozen=True)
class Change:
    """What an answer changed elsewhere: answers set aside because their questions no longer apply,
    and answers restored because their questions apply again."""

    set_aside: tuple[str, ...] = ()
    restored: tuple[str, ...] = ()


class Session:
    """One person working through a flow: the one home of their answers. Every answer ever given is kept;
    only those on the current path count, so changing an earlier answer sets later ones aside rather than
    losing them. It also holds what the plan needs to say who and when, where the person is, what they typed
    and did not send (drafts, never answers), and answers kept from a file that no longer fit the flow."""

    def __init__(self, flow: Flow, answers: dict[str, Any] | None = None, *, name: str = "",
                 project: str = "", prepared_by: str = "", created: str = "", date: str = "",
                 flow_path: str = "", drafts: dict[str, Any] | None = None,
                 unfit: dict[str, SetAside] | None = None, voice: str = "", seat: int = 0,
                 example: str = ""):
        self.flow = flow
        self.seat = seat  # in a room, the seat's number, kept in its file so every report numbers it the same
        self.answers: dict[str, Any] = dict(answers or {})
        self.name = name  # its file's name in the store: the session's identity
        self.project, self.prepared_by, self.created, self.date = project, prepared_by, created, date
        self.flow_path = flow_path
        self.voice = voice  # whose view the answers give ("VCSE partner"); "" is the commissioner's own
        self.example = example  # the worked example it was started from, if it was: not the person's own work
        self.drafts: dict[str, Any] = dict(drafts or {})
        self.unfit: dict[str, SetAside] = dict(unfit or {})
        self.migrated: Any = None  # how answers from an older version of the flow were carried (Migrated)
        self.change: Any = None  # what a change to the flow did to the recommendation (FlowChange), on opening
        self.plans: list[dict[str, Any]] = []  # the plans saved from this session: file, version, fingerprint
        self._cursor: str | None = None
        self._path = walk(flow, self.answers)
        self._results: dict[bool, Result] = {}  # answers change only through answer(), which clears it
        self._most: tuple[int, bool] | None = None  # and this

    @classmethod
    def from_file(cls, flow: Flow, given: AnswersFile, name: str = "") -> tuple["Session", tuple[str, ...]]:
        """The session an answers file or saved session holds, every answer checked against the flow as it
        is now: what does not fit is kept aside with the reason (`unfit`), never loaded. Also returns the
        ids of answers set aside earlier that fit again and are brought back."""
        fitted = fit_answers(flow, given)
        drafts = fitted.drafts if fitted.drafts is not None else given.drafts
        cursor = fitted.cursor if fitted.cursor is not None else given.cursor
        session = cls(flow, fitted.answers, name=name, project=given.project, prepared_by=given.prepared_by,
                      created=given.created, date=given.date, flow_path=given.flow_path,
                      drafts=drafts, unfit=fitted.set_aside, voice=given.voice, seat=given.seat,
                      example=given.example)
        session.migrated = fitted.migrated
        session.plans = list(given.plans)
        if cursor and any(q.id == cursor for q in session._path):
            session._cursor = cursor
        return session, fitted.brought_back

    @property
    def cursor(self) -> str | None:
        """The question stepped back to, if any (kept in the saved session)."""
        return self._cursor

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
        """Every required question on the path answered: the engine's one definition (Result.complete)."""
        return is_complete(self._path, self.answers)

    @property
    def finished(self) -> bool:
        """Nothing left to ask: every question on the path answered or passed over."""
        return self.current is None

    @property
    def active(self) -> dict[str, Any]:
        return {q.id: self.answers[q.id] for q in self._path if q.id in self.answers}

    @property
    def set_aside(self) -> dict[str, Any]:
        on_path = {q.id for q in self._path}
        return {qid: value for qid, value in self.answers.items() if qid not in on_path}

    def progress(self) -> Progress:
        """Questions answered on the path, out of the most the path can hold (see Progress)."""
        if self._most is None:
            self._most = longest_path(self.flow, self.answers)
        total, exact = self._most
        return Progress(sum(1 for q in self._path if q.id in self.answers), total, exact)

    def section_progress(self) -> list[tuple[Section, int, int]]:
        counts: dict[str, list[int]] = {}
        for question in self._path:
            done_total = counts.setdefault(question.section_id, [0, 0])
            done_total[1] += 1
            done_total[0] += question.id in self.answers
        return [(s, counts[s.id][0], counts[s.id][1]) for s in self.flow.sections if s.id in counts]

    def answer(self, question_id: str, value: Any) -> Change:
        """Answer (or change the answer to) a question on the path; raises AnswerError when the value
        does not fit the question."""
        if not any(q.id == question_id for q in self._path):
            raise AnswerError(question_id, f"{question_id!r} is not asked with the answers given so far")
        question = self.flow.question(question_id)
        value = check_answer(question, value)
        before = {q.id for q in self._path}
        self.answers[question_id] = value
        self._results.clear()
        self._most = None
        self.drafts.pop(question_id, None)  # sent: no longer a draft
        self.unfit.pop(question_id, None)
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
        """The result of the answers on the path; `so_far` leaves unanswered questions out of it. Worked
        out once for each state of the answers: the conversation, the side panel and the plan all ask."""
        if so_far not in self._results:
            self._results[so_far] = evaluate(self.flow, self.answers, self._path, so_far)
        return self._results[so_far]

