"""A room's answers to one flow, counted: the spread of recommendations and answers, how divided the room
was on each question, what held the recommendation back, and the notes people wrote."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import field
from fractions import Fraction
from typing import Any

from ..flow.engine import Result
from ..flow.model import Flow, Level, Question
from ..records import record

MEASURE = ("How divided a question was: the share of people who did not give the most common answer, so"
           " 0% means everyone agreed; for a question where people could tick several answers, it is worked"
           " out for each answer (ticked or not) and averaged.")


@record(frozen=True)
class Skipped:
    """A file that was not counted, and why, in words that say what to fix."""

    path: str
    reason: str


@record(frozen=True)
class Count:
    """How many people gave one answer, and their share of those who answered the question."""

    value: str
    label: str
    count: int
    share: Fraction


@record(frozen=True)
class LevelCount:
    """One level of the ladder: how many answer sets it was recommended for, called for and supported by."""

    level: Level
    recommended: int
    calls_for: int
    supported: int
    share: Fraction  # of the answer sets that reached a recommendation
    # of those recommended this level, how many would reach each higher level with their "Not sure"
    # answers confirmed (the engine's if_confirmed), by level id
    if_confirmed: dict[str, int] = field(default_factory=dict)


@record(frozen=True)
class HeldBack:
    """A question whose answer held the recommendation below what the work called for, and how often."""

    question: Question
    count: int
    share: Fraction  # of the answer sets that reached a recommendation
    answers: tuple[Count, ...]  # the answers that held it back; shares are of `count`


@record(frozen=True)
class QuestionSpread:
    """How the room answered one question: each answer's count, and how divided the room was."""

    question: Question
    asked: int  # answer sets whose path reached this question
    answered: int
    counts: tuple[Count, ...]
    disagreement: Fraction
    records: int = 0  # record questions: the records given in all (names are never kept)

    @property
    def most_common(self) -> tuple[Count, ...]:
        top = max((c.count for c in self.counts), default=0)
        return tuple(c for c in self.counts if c.count == top and top)


@record(frozen=True)
class Note:
    text: str
    count: int


@record(frozen=True)
class NoteGroup:
    """The free text written for one question, the same words given once with how many wrote them."""

    question: Question
    notes: tuple[Note, ...]


@record
class FlowCohort:
    """Every counted answer set for one flow."""

    flow: Flow
    answer_sets: int
    complete: int
    decided: int  # answer sets that answered every question the recommendation reads
    levels: tuple[LevelCount, ...]
    held_back: tuple[HeldBack, ...]  # most common first
    questions: tuple[QuestionSpread, ...]  # most divided first
    not_answered: tuple[Question, ...]  # choice and record questions nobody answered
    notes: tuple[NoteGroup, ...]


@record
class Cohort:
    """What `build_cohort` found: one FlowCohort per flow answered (most answer sets first), and the files
    it could not count."""

    flows: list[FlowCohort] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    set_aside: list[Any] = field(default_factory=list)  # problems (warnings): answers counted without, and why
    files: int = 0

    @property
    def answer_sets(self) -> int:
        return sum(f.answer_sets for f in self.flows)


def disagreement(question: Question, counts: Counter, answered: int) -> Fraction:
    """How divided the room was, as described in MEASURE: 0 when everyone agreed."""
    if not answered:
        return Fraction(0)
    if question.kind == "multiple":
        if not question.options:
            return Fraction(0)
        shares = (Fraction(counts[value], answered) for value in question.values)
        return sum((min(share, 1 - share) for share in shares), Fraction(0)) / len(question.options)
    return 1 - Fraction(max(counts.values()), answered)


def record_label(count: int) -> str:
    return "none" if count == 0 else "1 record" if count == 1 else f"{count} records"


class Tally:
    """Counts answer sets for one flow as they are read, keeping only counts and notes, never the sets."""

    def __init__(self, flow: Flow):
        self.flow = flow
        self.answer_sets = self.complete = self.decided = 0
        self.asked: Counter = Counter()
        self.answered: Counter = Counter()
        self.counts: dict[str, Counter] = defaultdict(Counter)
        self.records: Counter = Counter()
        self.notes: dict[str, Counter] = defaultdict(Counter)
        self.recommended: Counter = Counter()
        self.calls_for: Counter = Counter()
        self.supported: Counter = Counter()
        self.held_back: Counter = Counter()
        self.confirmed: dict[str, Counter] = defaultdict(Counter)
        self.held_answers: dict[str, Counter] = defaultdict(Counter)

    def add(self, result: Result) -> None:
        """Count one answer set from the engine's result for it (`evaluate` of its checked answers)."""
        self.answer_sets += 1
        answers = result.answers
        for question in result.path:
            qid = question.id
            self.asked[qid] += 1
            value = answers.get(qid)
            if value is None:
                continue
            kind = question.kind
            if kind == "text":
                text = value.strip()
                if text:
                    self.answered[qid] += 1
                    self.notes[qid][text] += 1
                continue
            self.answered[qid] += 1
            if kind == "multiple":
                self.counts[qid].update(value)
            elif kind == "record":
                self.counts[qid][len(value)] += 1
                self.records[qid] += len(value)
            else:
                self.counts[qid][value] += 1
        self.complete += result.complete
        # a set counts for the recommendation once it has answered every question the recommendation reads
        if result.decided and result.recommendation is not None:
            self.decided += 1
            self.recommended[result.recommendation.id] += 1
            self.calls_for[result.calls_for.id] += 1
            self.supported[result.supported.id] += 1
            if result.if_confirmed is not None:
                self.confirmed[result.recommendation.id][result.if_confirmed.id] += 1
            for qid in result.held_back_by:
                self.held_back[qid] += 1
                self.held_answers[qid][answers.get(qid)] += 1

    def finish(self) -> FlowCohort:
        flow = self.flow
        decided = self.decided
        share = lambda n, d: Fraction(n, d) if d else Fraction(0)  # noqa: E731
        levels = tuple(LevelCount(level, self.recommended[level.id], self.calls_for[level.id],
                                  self.supported[level.id], share(self.recommended[level.id], decided),
                                  dict(self.confirmed[level.id]))
                       for level in flow.levels)
        held = []
        for qid, count in self.held_back.items():
            question = flow.question(qid)
            answers = self._counts(question, self.held_answers[qid], count, keep_zeros=False)
            held.append(HeldBack(question, count, share(count, decided), answers))
        held.sort(key=lambda h: (-h.count, flow.order[h.question.id]))
        spreads, nobody, notes = [], [], []
        for question in flow.questions:
            qid = question.id
            if question.kind == "text":
                if self.notes[qid]:
                    ordered = sorted(self.notes[qid].items(), key=lambda item: (-item[1], item[0]))
                    notes.append(NoteGroup(question, tuple(Note(text, n) for text, n in ordered)))
                continue
            answered = self.answered[qid]
            if not answered:
                nobody.append(question)
                continue
            counts = self.counts[qid]
            spreads.append(QuestionSpread(question, self.asked[qid], answered,
                                          self._counts(question, counts, answered),
                                          disagreement(question, counts, answered), self.records[qid]))
        spreads.sort(key=lambda s: (-s.disagreement, flow.order[s.question.id]))
        return FlowCohort(flow, self.answer_sets, self.complete, decided, levels, tuple(held),
                          tuple(spreads), tuple(nobody), tuple(notes))

    @staticmethod
    def _counts(question: Question, counts: Counter, total: int, keep_zeros: bool = True) -> tuple[Count, ...]:
        """Each answer with its count: a choice question's options in the flow's order (with those nobody
        chose, to show the whole scale), record counts from fewest, dates in date order."""
        def count(value: Any, label: str) -> Count:
            share = Fraction(counts[value], total) if total else Fraction(0)
            return Count(str(value), label, counts[value], share)
        if question.is_choice:
            items = [count(o.value, o.label) for o in question.options]
        elif question.kind == "record":
            items = [count(n, record_label(n)) for n in sorted(counts)]
        else:
            items = [count(value, question.label(value)) for value in sorted(counts, key=str)]
        return tuple(item for item in items if keep_zeros or item.count)
