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


@record(frozen=True)
class NotCounted:
    """The answers to one question that were set aside rather than counted, each reason once with how many
    answers it set aside ("'maybe' is not an answer", 1)."""

    question_id: str
    prompt: str  # the question's prompt, or the id as written when the flow has no such question
    count: int
    reasons: tuple[tuple[str, int], ...]


@record(frozen=True)
class Case:
    """A worked example's answers, to compare a room with: the answers that fit the flow, and what they give."""

    name: str
    title: str
    answers: dict[str, Any]
    result: Result


@record(frozen=True)
class CaseQuestion:
    """How the room answered one question the case answered: how many gave the case's answer, and the rest."""

    question: Question
    answer: Any  # the case's answer, in stored form
    label: str
    answered: int  # people who answered the question
    matched: int  # of them, those who gave the case's answer
    rest: tuple[Count, ...]  # every other answer given, with its count; shares are of `answered`

    @property
    def share(self) -> Fraction:
        return Fraction(self.matched, self.answered) if self.answered else Fraction(0)


@record(frozen=True)
class SeatComparison:
    """One answer set against the case and the room, by its seat number (never a name)."""

    seat: int
    with_case: int  # choice questions both the case and this seat answered
    from_case: int  # of them, those answered differently
    with_room: int  # choice questions this seat answered
    from_room: int  # of them, those where the seat did not give the room's most common answer
    recommendation: Level | None  # None until the answer set reaches one
    reached_case: bool


@record
class CaseComparison:
    """The room against a worked example: per question, per seat, and the share reaching its recommendation."""

    case: Case
    questions: tuple[CaseQuestion, ...]  # the flow's order
    not_asked: tuple[Question, ...]  # answered in the room, not on the case's path
    decided: int  # answer sets that reached a recommendation
    reached: int  # of them, those reaching the case's
    seats: tuple[SeatComparison, ...]  # by seat number
    furthest_from_case: tuple[SeatComparison, ...]
    furthest_from_room: tuple[SeatComparison, ...]

    @property
    def recommendation(self) -> Level | None:
        return self.case.result.recommendation if self.case.result.decided else None

    @property
    def share(self) -> Fraction:
        return Fraction(self.reached, self.decided) if self.decided else Fraction(0)


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
    not_counted: tuple[NotCounted, ...] = ()  # answers set aside, by question in the flow's order
    case: CaseComparison | None = None  # with a worked example to compare with


@record
class Cohort:
    """What `build_cohort` found: one FlowCohort per flow answered (most answer sets first), and the files
    it could not count."""

    flows: list[FlowCohort] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    set_aside: list[Any] = field(default_factory=list)  # problems (warnings): answers counted without, and why
    files: int = 0
    rounds: list[str] = field(default_factory=list)  # a room of rounds given by its folder: which round was read

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


def _hashable(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def record_label(count: int) -> str:
    return "none" if count == 0 else "1 record" if count == 1 else f"{count} records"


FURTHEST = 3  # seats named as furthest from the case and from the room, and any tied with the last
SHOWN_ANSWER = 40  # characters of a set-aside answer quoted in the report


def not_counted_reason(flow: Flow, key: str, answer: Any, reason: str) -> str:
    """Why an answer was set aside, in a few words a room can read aloud ("'maybe' is not an answer").
    A choice's answer is quoted; anything else (a register's names, a note) never is."""
    if not flow.has_question(key):
        return "not a question of this flow"
    question = flow.question(key)
    if question.is_choice:
        given = answer if isinstance(answer, list) else [answer]
        wrong = [item for item in given if not isinstance(item, str) or item not in question.values]
        if wrong and all(isinstance(item, (str, int, float, bool)) for item in wrong):
            quoted = ", ".join(f"'{_short(str(item))}'" for item in wrong)
            return f"{quoted} {'is not an answer' if len(wrong) == 1 else 'are not answers'}"
    if question.kind in ("record", "text"):
        return "does not fit the question"
    return _short(reason.removeprefix(f"{key}: "), 120)


def _short(text: str, most: int = SHOWN_ANSWER) -> str:
    text = " ".join(text.split())
    return text if len(text) <= most else text[: most - 1] + "…"


def seat_numbers(keys: list[tuple[int, str, str]]) -> list[int]:
    """A stable number for each answer set, from (number recorded in its file or 0, created, file): a
    recorded number is kept (the room's seat number); the rest are numbered after the highest, in the order
    they were started (then by file name), so a set added later never moves the numbers before it. A
    number recorded twice (two rounds' files read together) is kept by the first; the second is numbered
    after the rest."""
    numbers = [0] * len(keys)
    taken: set[int] = set()
    order = sorted(range(len(keys)), key=lambda i: (keys[i][1], keys[i][2]))
    for i in order:
        if keys[i][0] > 0 and keys[i][0] not in taken:
            numbers[i] = keys[i][0]
            taken.add(keys[i][0])
    highest = max(taken, default=0)
    for i in order:
        if not numbers[i]:
            highest += 1
            numbers[i] = highest
    return numbers


def agrees_with_room(question: Question, counts: Counter, answered: int) -> Any:
    """Whether an answer is the room's: one of the most common answers; for a question where people could
    tick several, on the side of at least half the room for every answer (ticked or not)."""
    if question.kind == "multiple":
        def agrees(value: Any) -> bool:
            chosen = set(value)
            return all((2 * counts[option] >= answered) if option in chosen else (2 * counts[option] <= answered)
                       for option in question.values)
        return agrees
    top = max(counts.values(), default=0)
    return lambda value: counts[value] == top


def furthest(seats: list[SeatComparison], distance: Any) -> tuple[SeatComparison, ...]:
    """The seats furthest by `distance` (at least one difference), most first, then by seat number; the
    first FURTHEST and any tied with the last of them."""
    ranked = sorted((s for s in seats if distance(s) > 0), key=lambda s: (-distance(s), s.seat))
    if len(ranked) <= FURTHEST:
        return tuple(ranked)
    last = distance(ranked[FURTHEST - 1])
    return tuple(s for i, s in enumerate(ranked) if i < FURTHEST or distance(s) == last)


class Tally:
    """Counts answer sets for one flow as they are read, keeping only counts and notes, never the sets;
    with a case to compare with, each set's choices too (a few answers a person), numbered, never named."""

    def __init__(self, flow: Flow, case: Case | None = None):
        self.flow = flow
        self.case = case
        self.not_counted: dict[str, Counter] = defaultdict(Counter)
        self.seats: list[tuple[tuple[int, str, str], dict[str, Any], str | None]] = []
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

    def add(self, result: Result, seat: tuple[int, str, str] = (0, "", ""),
            set_aside: dict[str, Any] | None = None) -> None:
        """Count one answer set from the engine's result for it (`evaluate` of its checked answers). `seat`
        numbers it (see seat_numbers); `set_aside` is what fitting its answers to the flow left out
        (question id -> SetAside), counted and named per question."""
        self.answer_sets += 1
        answers = result.answers
        for key, kept in (set_aside or {}).items():
            self.not_counted[key][not_counted_reason(self.flow, key, kept.answer, kept.reason)] += 1
        if self.case is not None:
            chosen = {q.id: answers[q.id] for q in result.path if q.is_choice and answers.get(q.id) is not None}
            level = result.recommendation.id if result.decided and result.recommendation is not None else None
            self.seats.append((seat, chosen, level))
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
            levels = result.levels
            self.decided += 1
            self.recommended[levels.recommendation.id] += 1
            self.calls_for[levels.calls_for.id] += 1
            self.supported[levels.supported.id] += 1
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
                          tuple(spreads), tuple(nobody), tuple(notes), self._not_counted(),
                          self._against_case() if self.case is not None else None)

    def _not_counted(self) -> tuple[NotCounted, ...]:
        flow = self.flow
        found = []
        for key, reasons in self.not_counted.items():
            prompt = flow.question(key).prompt if flow.has_question(key) else key
            ordered = tuple(sorted(reasons.items(), key=lambda item: (-item[1], item[0])))
            found.append(NotCounted(key, prompt, sum(reasons.values()), ordered))
        # the flow's order; ids the flow does not have after its questions, by id
        found.sort(key=lambda n: (flow.order.get(n.question_id, len(flow.order)), n.question_id))
        return tuple(found)

    def _against_case(self) -> CaseComparison:
        """The room against the case: computed here once; reports only say it."""
        flow, case = self.flow, self.case
        assert case is not None
        numbers = seat_numbers([key for key, _, _ in self.seats])
        room = {qid: agrees_with_room(flow.question(qid), self.counts[qid], self.answered[qid])
                for qid in self.counts if flow.question(qid).is_choice}
        case_level = case.result.recommendation.id if case.result.decided and case.result.recommendation else None
        compared = {q.id: case.answers[q.id] for q in case.result.path
                    if q.is_choice and case.answers.get(q.id) is not None}
        seats = []
        for number, (_, chosen, level) in zip(numbers, self.seats):
            with_case = [qid for qid in chosen if qid in compared]
            seats.append(SeatComparison(
                number, len(with_case), sum(chosen[qid] != compared[qid] for qid in with_case),
                len(chosen), sum(not room[qid](value) for qid, value in chosen.items()),
                flow.level(level) if level else None, level is not None and level == case_level))
        seats.sort(key=lambda s: s.seat)
        questions = []
        for qid, answer in compared.items():
            question = flow.question(qid)
            given = Counter(_hashable(chosen[qid]) for _, chosen, _ in self.seats if qid in chosen)
            answered = sum(given.values())
            matched = given.pop(_hashable(answer), 0)
            if question.kind == "multiple":
                rest = sorted(given.items(), key=lambda item: (-item[1], item[0]))
            else:
                rest = [(value, given[value]) for value in question.values if given[value]]
            questions.append(CaseQuestion(question, answer, question.label(answer), answered, matched, tuple(
                Count(", ".join(value) if isinstance(value, tuple) else str(value),
                      question.label(list(value) if isinstance(value, tuple) else value), count,
                      Fraction(count, answered)) for value, count in rest)))
        not_asked = tuple(q for q in flow.questions if q.is_choice and q.id in self.counts and q.id not in compared)
        decided = [s for s in seats if s.recommendation is not None]
        return CaseComparison(case, tuple(questions), not_asked, len(decided),
                              sum(s.reached_case for s in decided), tuple(seats),
                              furthest(seats, lambda s: s.from_case), furthest(seats, lambda s: s.from_room))

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
