"""What a set of answers gives: the Result, said once for the plan, the app and the cohort alike. Beside
the levels it holds the path taken, what each answer allows, the what-ifs, what holds the recommendation
back, and the one definition of complete. The parts a count of a room never reads (actions, flags, the
what-ifs) are worked out the first time they are asked for."""

from __future__ import annotations

from dataclasses import field
from functools import cached_property
from typing import Any, Iterable, Mapping

from ..records import record
from .model import CallsFor, Floor, Flow, Level, Question, Requirement


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
class PlannedAction:
    """What the plan lists: one action, or several that say the same thing (the same `key` in the flow,
    or the same words) listed once, with every question that called for it."""

    kind: str
    text: str
    questions: tuple[str, ...]


@record(frozen=True)
class RaisedFlag:
    id: str
    text: str
    cite: str = ""
    # a flag whose condition asks any(REGISTER, ...): the register, and the places (from 0) of the entries
    # that meet it, so that the warning can say whom it is about
    register: str = ""
    entries: tuple[int, ...] = ()


@record(frozen=True)
class HeldBackAnswer:
    """An answer keeping the conditions below what the work calls for: the answers that would do, the
    requirements' reasons and sources, and the level the conditions would support with it changed alone
    (None when that alone would not raise them)."""

    question: str
    answer: Any
    needs: tuple[str, ...]
    because: tuple[str, ...]
    cites: tuple[str, ...]
    unlocks: str | None = None


@record(frozen=True)
class Allowance:
    """How far up the ladder one answer lets the work go, whatever the other answers: the highest level
    whose requirements (and those of every level below) it meets, and the next level up with the answers
    that level's requirement accepts (no next level when it meets them all)."""

    enough_for: str | None
    next_level: str | None = None
    next_accepts: tuple[str, ...] = ()


@record(frozen=True)
class WhatIf:
    """Other answers to one question that would change what the work calls for, all to `level`."""

    level: str
    answers: tuple[str, ...]


@record(frozen=True)
class ToConfirm:
    """A "Not sure" answer the recommendation rests on, or that stands between it and `if_confirmed`: the
    answers that would confirm it (keep the recommendation, or reach `if_confirmed`), and the other answers
    that would lower the recommendation, with the level each would give (`if_not`, lowest first)."""

    question: str
    needs: tuple[str, ...]
    if_not: tuple[WhatIf, ...] = ()


@record(frozen=True)
class Reason:
    """An answer on the path that the recommendation reads, and what it does: whether it holds the
    recommendation back, what it allows (for a question the requirements read) and the what-ifs (for a
    choice the calls_for rules read: an empty tuple when no other answer would change the level). An
    unanswered or skipped question allows nothing and has no what-ifs yet."""

    question: str
    held_back: bool
    allows: Allowance | None = None
    what_ifs: tuple[WhatIf, ...] | None = None


@record(frozen=True)
class Rung:
    """A level of the ladder and what this result says of it."""

    level: Level
    recommended: bool
    called_for: bool
    supported: bool


@record(frozen=True)
class SectionTaken:
    """A section on the path: its questions asked, and how many of those have an answer."""

    section: str
    asked: int
    answered: int


def is_complete(path: Iterable[Question], answers: Mapping[str, Any]) -> bool:
    """The one definition of complete: every required question on the path has an answer (a skipped
    question counts as answered; an optional one left unanswered does not hold it up)."""
    return not any(q.required for q in path if q.id not in answers)


@record(frozen=True)
class Levels:
    """The three levels a flow with levels always gives: what the work calls for, what the conditions
    support, and the recommendation (the lower of the two, or a floor's)."""

    calls_for: Level
    supported: Level
    recommendation: Level


@record
class Result:
    """What a set of answers gives: the recommendation, why, what holds it back and what to do."""

    flow: Flow
    answers: dict[str, Any]  # the answers on the path
    complete: bool
    calls_for: Level | None = None
    calls_for_rule: CallsFor | None = None
    supported: Level | None = None
    recommendation: Level | None = None
    shortfalls: list[Shortfall] = field(default_factory=list)
    set_aside: dict[str, Any] = field(default_factory=dict)
    # questions on the path, not answered yet, that the rules deciding each level read (flow order)
    calls_for_pending: list[str] = field(default_factory=list)
    support_pending: list[str] = field(default_factory=list)
    path: list[Question] = field(default_factory=list, repr=False)  # the questions asked, in order
    unanswered: list[str] = field(default_factory=list)  # on the path with no answer (skipped is answered)
    so_far: bool = False  # a live view: an unanswered question holds nothing back yet
    floor: Floor | None = None  # the floor that applies, whether or not it raised anything

    @property
    def levels(self) -> Levels:
        """The three levels, for code that only runs on a flow with levels (a flow without them has no
        recommendation: asking this of it is a mistake in the code, said as a ValueError)."""
        if self.calls_for is None or self.supported is None or self.recommendation is None:
            raise ValueError(f"flow {self.flow.id!r} has no levels, so no recommendation")
        return Levels(self.calls_for, self.supported, self.recommendation)

    @property
    def floored(self) -> bool:
        """Whether a floor raised the recommendation above what the rules and conditions alone give."""
        if self.floor is None or self.recommendation is None or self.calls_for is None or self.supported is None:
            return False
        flow = self.flow
        rule_level = self.calls_for_rule.level if self.calls_for_rule else flow.levels[-1].id
        alone = min(flow.rank(rule_level), flow.rank(self.supported.id))
        return flow.rank(self.recommendation.id) > alone

    @property
    def decided(self) -> bool:
        """Whether every answer that the recommendation depends on is in."""
        return not (self.calls_for_pending or self.support_pending)

    @property
    def pending(self) -> list[str]:
        """The unanswered questions the recommendation still depends on, in flow order."""
        order = self.flow.order
        return sorted({*self.calls_for_pending, *self.support_pending}, key=order.__getitem__)

    @property
    def held_back_by(self) -> list[str]:
        """The questions holding the recommendation below what the work calls for, in flow order."""
        return list(dict.fromkeys(s.question for s in self.shortfalls))

    @property
    def next_rung(self) -> Level | None:
        """The level one above what the conditions support, when the work calls for more than that."""
        if self.supported is None or self.calls_for is None:
            return None
        rank = self.flow.rank(self.supported.id)
        return self.flow.levels[rank + 1] if rank < self.flow.rank(self.calls_for.id) else None

    @property
    def first_step(self) -> list[Unlock]:
        """The answers that hold the recommendation below the next rung, each with the answers that would
        reach it: changing these, and only these, raises it one level (the answers held back for higher
        levels matter only after)."""
        rung = self.next_rung
        if rung is None:
            return []
        rank = self.flow.rank(rung.id)
        return [Unlock(q, self.answers.get(q), accepted_up_to(self.flow, q, rank), rung.id)
                for q in dict.fromkeys(s.question for s in self.shortfalls if s.level == rung.id)]

    @property
    def first_step_apart(self) -> bool:
        """Whether the first step is worth saying on its own: only some of the answers held back keep the
        recommendation below the next level up (when it is all of them, or the next level is the one called
        for, it is what would have to change anyway)."""
        return 0 < len(self.first_step) < len(self.held_back_by)

    @cached_property
    def answers_fingerprint(self) -> str:
        """The fingerprint of these answers (versions.answers_fingerprint), worked out once for a result, as
        everything else here that follows from its answers: every plan and format drawn from it names it, and
        writing the answers as canonical JSON to hash them took a twentieth of drawing a plan."""
        from .versions import answers_fingerprint

        return answers_fingerprint(self.flow.id, self.answers)

    @cached_property
    def if_confirmed(self) -> Level | None:
        """The level the answers would reach if every "Not sure" answer to a question a requirement reads
        met that requirement (what the work calls for unchanged); None when that is no higher than the
        recommendation, or the recommendation is not decided yet."""
        if not self.flow.levels or not self.decided or self.recommendation is None:
            return None
        level = confirmed_level(self.flow, self.answers)
        return level if self.flow.rank(level.id) > self.flow.rank(self.recommendation.id) else None

    @cached_property
    def to_confirm(self) -> list[ToConfirm]:
        """What to find out, in question order: the questions the rules for what the work calls for read,
        answered "Not sure", when the recommendation or `if_confirmed` is a level at which "Not sure" is
        never in place (the level rests on them); and the questions answered "Not sure" that fail a
        requirement of a level above the recommendation, up to and including `if_confirmed`."""
        flow, active = self.flow, self.answers
        if not flow.levels or not self.decided or self.recommendation is None:
            return []
        low, high = flow.rank(self.recommendation.id), flow.rank((self.if_confirmed or self.recommendation).id)
        listed = set()
        if high >= flow.first_sure_rank:
            listed |= {q for q in flow.calls_for_reads if active.get(q) == NOT_SURE}
        listed |= {r.question for r in flow.requirements if active.get(r.question) == NOT_SURE
                   and low < flow.rank(r.level) <= high and not r.met(active)}
        target = self.if_confirmed or self.recommendation
        items = []
        for question in sorted(listed, key=flow.order.__getitem__):
            values = [v for v in flow.question(question).values if v != NOT_SURE]
            needs = tuple(v for v in values
                          if flow.rank(confirmed_level(flow, dict(active, **{question: v})).id) >= flow.rank(target.id))
            lower: dict[str, list[str]] = {}
            for value in values:
                if value in needs:
                    continue
                level = decide(flow, dict(active, **{question: value}))[3]
                if flow.rank(level.id) < low:
                    lower.setdefault(level.id, []).append(value)
            items.append(ToConfirm(question, needs, tuple(
                WhatIf(level, tuple(vals)) for level, vals in sorted(lower.items(), key=lambda kv: flow.rank(kv[0])))))
        return items

    @property
    def level_summary(self) -> str:
        """What the recommended level means for this work: its `held_back_summary` when the conditions hold
        it below what the work calls for and it has one, else its summary."""
        level = self.recommendation
        if level is None:
            return ""
        if self.conditions == "less" and level.held_back_summary:
            return level.held_back_summary
        return level.summary

    @property
    def conditions(self) -> str:
        """"match" when the conditions support just what the work calls for, "more" when they would
        support more, "less" when they fall short; "" for a flow without levels."""
        if self.calls_for is None or self.supported is None:
            return ""
        called, supported = self.flow.rank(self.calls_for.id), self.flow.rank(self.supported.id)
        return "match" if called == supported else "more" if supported > called else "less"

    @cached_property
    def ladder(self) -> list[Rung]:
        """Every level, lowest first, marked recommended, called for and supported. A mark is given only
        once every answer it depends on is in, so a draft claims nothing too early."""
        calls_known, support_known = not self.calls_for_pending, not self.support_pending
        recommended = self.recommendation if calls_known and support_known else None
        calls_for = self.calls_for if calls_known else None
        supported = self.supported if support_known else None
        mark = lambda level, other: other is not None and level.id == other.id  # noqa: E731
        return [Rung(level, mark(level, recommended), mark(level, calls_for), mark(level, supported))
                for level in self.flow.levels]

    @cached_property
    def sections(self) -> list[SectionTaken]:
        """The sections on the path, in the order they are asked."""
        counts: dict[str, list[int]] = {}
        for question in self.path:
            asked_answered = counts.setdefault(question.section_id, [0, 0])
            asked_answered[0] += 1
            asked_answered[1] += question.id in self.answers
        return [SectionTaken(section, asked, answered) for section, (asked, answered) in counts.items()]

    @cached_property
    def actions(self) -> list[ActionItem]:
        return [ActionItem(question.id, action.kind, action.text, self.answers[question.id])
                for question, action in self._raised]

    @cached_property
    def planned_actions(self) -> list[PlannedAction]:
        """The actions as the plan lists them, in the order they were called for: those that share a key
        or the same words (whatever the case, spacing and closing stop) once, under the first one's kind,
        with the key's `together` text when more than one of them is called for."""
        entries: list[list[Any]] = []  # [first action, together text, keyed actions, question ids]
        found: dict[str, list[Any]] = {}  # "key:…" and "text:…" -> its entry
        for question, action in self._raised:
            names = [f"key:{action.key}"] * bool(action.key)
            names.append("text:" + " ".join(action.text.casefold().split()).rstrip("."))
            entry = next((found[name] for name in names if name in found), None)
            if entry is None:
                entry = [action, "", 0, []]
                entries.append(entry)
            for name in names:
                found.setdefault(name, entry)
            entry[1] = entry[1] or action.together
            entry[2] += bool(action.key)  # `together` is for more than one action of the key
            if question.id not in entry[3]:
                entry[3].append(question.id)
        return [PlannedAction(first.kind, together if count > 1 and together else first.text, tuple(questions))
                for first, together, count, questions in entries]

    @cached_property
    def _raised(self) -> list[tuple[Question, Any]]:
        """Each question on the path with each of its actions that its answer calls for."""
        out = []
        active = self.answers
        for question in self.path:
            if question.id not in active:
                continue
            answer = active[question.id]
            chosen = answer if isinstance(answer, list) else [answer]
            for action in question.actions:
                if (action.on and any(value in action.on for value in chosen)) or \
                        (action.when is not None and action.when(active)):
                    out.append((question, action))
        return out

    @cached_property
    def flags(self) -> list[RaisedFlag]:
        flow, active = self.flow, self.answers
        on_path = {q.id for q in self.path}
        # live, a flag waits until every question it reads is answered, so a draft raises no false alarm
        return [RaisedFlag(f.id, " ".join([f.text, *(a.text for a in f.also if a.when(active))]), f.cite,
                           *f.when.expression.entries(active))
                for f in flow.flags if f.when(active)
                and not (self.so_far and any(flow.has_question(n) and n not in active and n in on_path
                                             for n in f.when.expression.names))]

    @cached_property
    def _changes(self) -> dict[str, tuple[tuple[str, ...], str | None]]:
        """For each question in `held_back_by`: the answers that meet every requirement up to the level
        the work calls for, and the higher level the conditions would support with it changed to the
        first of them (None when that would not raise them)."""
        flow, active, changes = self.flow, self.answers, {}
        for question in self.held_back_by:  # none without levels
            levels = self.levels
            needs = accepted_up_to(flow, question, flow.rank(levels.calls_for.id))
            trial = dict(active, **{question: meeting(flow, question, needs)}) if needs else active
            level = supported_level(flow, trial, self.so_far)
            changes[question] = needs, level.id if flow.rank(level.id) > flow.rank(levels.supported.id) else None
        return changes

    @cached_property
    def unlocks(self) -> list[Unlock]:
        """The held-back answers that, changed alone, would raise what the conditions support."""
        return [Unlock(question, self.answers.get(question), needs, level)
                for question, (needs, level) in self._changes.items() if level]

    @cached_property
    def held_back(self) -> list[HeldBackAnswer]:
        """What holds the recommendation back, once what the work calls for is known (nothing before):
        each answer with what it needs, why, and what changing it alone would unlock."""
        if self.calls_for_pending:
            return []
        items = []
        for question, (needs, level) in self._changes.items():
            shortfalls = [s for s in self.shortfalls if s.question == question]
            items.append(HeldBackAnswer(
                question, self.answers.get(question), needs,
                tuple(dict.fromkeys(s.because for s in shortfalls if s.because)),
                tuple(dict.fromkeys(s.cite for s in shortfalls if s.cite)), level))
        return items

    @cached_property
    def unlocks_all(self) -> Level | None:
        """The level the conditions would support with every held-back answer changed; None when
        nothing holds the recommendation back. Unlike each change alone, a question not answered yet
        counts against it, even in a draft."""
        if not self.held_back:
            return None
        trial = dict(self.answers)
        for item in self.held_back:
            if item.needs:
                trial[item.question] = meeting(self.flow, item.question, item.needs)
        return supported_level(self.flow, trial)

    @cached_property
    def why(self) -> list[Reason]:
        """Each question on the path that the recommendation reads, in order, and what its answer does."""
        flow = self.flow
        if not flow.levels:
            return []
        held = {item.question for item in self.held_back}
        reasons = []
        for question in self.path:
            if question.id not in flow.recommendation_reads:
                continue
            answered = self.answers.get(question.id) is not None
            reasons.append(Reason(question.id, question.id in held,
                                  self._allowance(question) if answered else None,
                                  self._what_ifs(question) if answered else None))
        return reasons

    def _allowance(self, question: Question) -> Allowance | None:
        requirements = [r for r in self.flow.requirements if r.question == question.id]
        if not requirements:
            return None
        enough = None
        for level in self.flow.levels:
            failed = next((r for r in requirements if r.level == level.id and not r.met(self.answers)), None)
            if failed is not None:
                return Allowance(enough, failed.level, failed.accepts)
            enough = level.id
        return Allowance(enough)

    def _what_ifs(self, question: Question) -> tuple[WhatIf, ...] | None:
        flow = self.flow
        if question.id not in flow.calls_for_reads or question.kind not in ("single", "yes_partly_no_unsure"):
            return None
        current = self.calls_for.id if self.calls_for else None
        given = self.answers.get(question.id)
        by_level: dict[str, list[str]] = {}
        for option in question.options:
            if option.value == given:
                continue
            level = calls_for_level(flow, dict(self.answers, **{question.id: option.value}))[1]
            if level.id != current:
                by_level.setdefault(level.id, []).append(option.value)
        return tuple(WhatIf(level, tuple(values))
                     for level, values in sorted(by_level.items(), key=lambda kv: flow.rank(kv[0])))

    def to_dict(self) -> dict[str, Any]:
        from .versions import fingerprint

        level = lambda l: l.id if l else None  # noqa: E731
        rule = self.calls_for_rule
        return {
            "flow": self.flow.id,
            "flow_version": self.flow.version,
            "flow_fingerprint": fingerprint(self.flow),
            "complete": self.complete,
            "recommendation": level(self.recommendation),
            "calls_for": level(self.calls_for),
            "supported": level(self.supported),
            "levels": [lv.id for lv in self.flow.levels],
            "rule": {"id": rule.id, "level": rule.level, "because": rule.because, "cite": rule.cite}
            if rule else None,
            "held_back_by": self.held_back_by,
            "if_confirmed": level(self.if_confirmed),
            "floor": self.floor.level if self.floor else None,
            "floored_by": self.floor.id if self.floor else None,
            "floored": self.floored,
            "to_confirm": [item.question for item in self.to_confirm],
            "decided": self.decided,
            "calls_for_pending": self.calls_for_pending,
            "support_pending": self.support_pending,
            "unanswered": self.unanswered,
            "shortfalls": [vars_of(s) for s in self.shortfalls],
            "unlocks": [vars_of(u) for u in self.unlocks],
            "unlocks_all": level(self.unlocks_all),
            "first_step": [vars_of(u) for u in self.first_step],
            "what_ifs": {r.question: [vars_of(w) for w in r.what_ifs] for r in self.why if r.what_ifs is not None},
            "actions": [vars_of(a) for a in self.actions],  # each as its question calls for it
            "planned_actions": [vars_of(a) for a in self.planned_actions],  # as the plan lists them, merged
            "flags": [vars_of(f) for f in self.flags],
            "path": [q.id for q in self.path],
            "answers": self.answers,
            "set_aside": self.set_aside,
        }


def vars_of(item: Any) -> dict[str, Any]:
    return {key: (list(value) if isinstance(value, tuple) else value) for key, value in vars(item).items()}


# -- the ladder ------------------------------------------------------------------------------------------

NOT_SURE = "unsure"  # the answer "Not sure" (or "Not decided yet"), whatever its label


def confirmed_level(flow: Flow, active: dict[str, Any]) -> Level:
    """The recommendation if every "Not sure" answer met the requirements that read it: the lower of what
    the work calls for (unchanged) and the level the conditions would then support."""
    floor = floor_of(flow, active) if flow.floors else None
    calls_for = _raised(flow, calls_for_level(flow, active)[1], floor)
    failing = {r.level for r in flow.requirements
               if not r.met(active) and active.get(r.question) != NOT_SURE}
    best = flow.levels[0]
    for level in flow.levels:
        if level.id in failing:
            break
        best = level
    return _raised(flow, calls_for if flow.rank(calls_for.id) <= flow.rank(best.id) else best, floor)


def calls_for_level(flow: Flow, active: dict[str, Any]) -> tuple[CallsFor | None, Level]:
    """The first calls_for rule that holds, and the level the work calls for (the top one when none)."""
    rule = next((r for r in flow.calls_for if r.when is None or r.when(active)), None)
    return rule, flow.level(rule.level) if rule else flow.levels[-1]


def floor_of(flow: Flow, active: dict[str, Any]) -> Floor | None:
    """The floor that applies: of those whose condition holds, the one setting the highest level (the first
    written, of equals); None when none applies."""
    found = [floor for floor in flow.floors if flow.has_level(floor.level)
             and (floor.when is None or floor.when(active))]
    return max(found, key=lambda floor: flow.rank(floor.level), default=None)


def _raised(flow: Flow, level: Level, floor: Floor | None) -> Level:
    return flow.level(floor.level) if floor is not None and flow.rank(floor.level) > flow.rank(level.id) else level


def decide(flow: Flow, active: dict[str, Any], so_far: bool = False
           ) -> tuple[CallsFor | None, Level, Level, Level]:
    """The rule that fired, the level the work calls for, the level supported, and the recommendation.
    With `so_far`, unanswered questions do not count against what the conditions support. A floor that
    applies raises both what the work calls for and the recommendation to at least its level; what the
    conditions support is left as it is, so what holds the work back is still reported."""
    rule, calls_for = calls_for_level(flow, active)
    floor = floor_of(flow, active) if flow.floors else None
    calls_for = _raised(flow, calls_for, floor)
    supported = supported_level(flow, active, so_far)
    recommendation = calls_for if flow.rank(calls_for.id) <= flow.rank(supported.id) else supported
    return rule, calls_for, supported, _raised(flow, recommendation, floor)


def decision(flow: Flow, active: dict[str, Any]) -> tuple[Level, tuple[str, ...]]:
    """The recommendation and the questions holding it back (`held_back_by`) for a finished set of answers,
    as decide() and shortfalls() give them, each requirement checked once: what `paths --diff` asks of every
    combination of answers."""
    failing = [r for r in flow.requirements_in_order if not r.met(active)]
    _rule, calls_for = calls_for_level(flow, active)
    floor = floor_of(flow, active) if flow.floors else None
    calls_for = _raised(flow, calls_for, floor)
    failing_levels = {r.level for r in failing}
    supported = flow.levels[0]
    for level in flow.levels:
        if level.id in failing_levels:
            break
        supported = level
    rank = flow.rank
    recommendation = calls_for if rank(calls_for.id) <= rank(supported.id) else supported
    limit = rank(calls_for.id)
    held = tuple(dict.fromkeys(r.question for r in failing if rank(r.level) <= limit))
    return _raised(flow, recommendation, floor), held


def shortfalls(flow: Flow, active: dict[str, Any], calls_for: Level, so_far: bool = False) -> list[Shortfall]:
    """Every requirement up to the level called for that an answer fails, in flow order then level."""
    limit = flow.rank(calls_for.id)
    return [_shortfall(r, active) for r in flow.requirements_in_order
            if flow.rank(r.level) <= limit and not r.met(active)
            and not (so_far and r.question not in active)]


def _shortfall(requirement: Requirement, active: dict[str, Any]) -> Shortfall:
    return Shortfall(requirement.question, active.get(requirement.question), requirement.level,
                     requirement.accepts, requirement.because, requirement.cite)


def accepted_up_to(flow: Flow, question: str, limit: int) -> tuple[str, ...]:
    """The answers to `question` that meet every requirement up to the level at rank `limit`; for a
    multiple-choice question, the options that must all be chosen."""
    accepted = [set(r.accepts) for r in flow.requirements
                if r.question == question and flow.rank(r.level) <= limit]
    values = flow.question(question).values
    if flow.question(question).kind == "multiple":
        return tuple(v for v in values if any(v in a for a in accepted))
    return tuple(v for v in values if all(v in a for a in accepted))


def meeting(flow: Flow, question: str, needs: tuple[str, ...]) -> Any:
    """The answer that meets what `accepted_up_to` gave: its first answer, or for a multiple-choice
    question all of them."""
    if flow.question(question).kind == "multiple":
        return list(needs)
    return needs[0]


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
