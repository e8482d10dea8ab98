"""The typed model of a flow: questions, options, sections, levels, rules, actions, flags and examples."""

from __future__ import annotations

import itertools
from dataclasses import field
from typing import Any

from ..records import record
from .dates import long_date
from .expressions import Expression
from .format import YES_PARTLY_NO_UNSURE


@record(frozen=True)
class Place:
    """Where something was written: file, line and column (from 1), where it ends, and how a scalar
    was quoted."""

    path: str
    line: int
    column: int
    style: str = ""
    end_line: int = 0
    end_column: int = 0

    def locate(self, value: str, offset: int, lines: list[str] | None) -> "Place":
        """The place of character `offset` of this scalar's value, found by walking the source: quotes,
        escapes, folded lines and block indentation all move it."""
        if not lines or self.line > len(lines):
            return self
        # an escape takes at most a few source characters per character of the value
        source = _source_chars(self, lines, limit=8 * (offset + 1) + 1000)
        position = 0
        for char in value[:offset + 1]:
            found = _find(source, position, char)
            if found is None:
                return self
            position = found + 1
        if offset >= len(value):
            last = source[position - 1] if position else source[0] if source else None
            if last is None:
                return self
            return Place(self.path, last[1], last[2] + 1, self.style)
        _, line, column = source[position - 1]
        return Place(self.path, line, column, self.style)


def _source_chars(place: Place, lines: list[str], limit: int) -> list[tuple[str, int, int]]:
    """The first `limit` or so characters a scalar was written with, each with its line and column,
    quotes and block headers left out."""
    chars: list[tuple[str, int, int]] = []
    end_line = place.end_line or place.line
    for number in range(place.line, min(end_line, len(lines)) + 1):
        text = lines[number - 1]
        start = place.column - 1 if number == place.line else 0
        stop = place.end_column - 1 if number == end_line and place.end_line else len(text)
        for index in range(start, min(stop, len(text), start + limit)):
            chars.append((text[index], number, index + 1))
        chars.append(("\n", number, len(text) + 1))
        if len(chars) > limit:
            break
    if place.style in ("'", '"') and chars:
        chars = chars[1:]
    elif place.style in ("|", ">") and chars:
        first_break = next((i for i, c in enumerate(chars) if c[0] == "\n"), len(chars))
        chars = chars[first_break + 1:]
    return chars


def _find(source: list[tuple[str, int, int]], start: int, char: str) -> int | None:
    for index in range(start, min(start + 400, len(source))):
        got = source[index][0]
        if got == char or (char == " " and got == "\n") or (char == "\n" and got == "\n"):
            return index
    return None


NOWHERE = Place("<built-in>", 1, 1)
END = "end"  # where a section's branch goes (goto: end) to finish the flow


@record(frozen=True)
class Condition:
    """An expression written in a flow, with where it was written."""

    expression: Expression
    place: Place

    def __call__(self, answers: dict[str, Any]) -> bool:
        return self.expression(answers)

    @property
    def text(self) -> str:
        return self.expression.text


@record(frozen=True)
class Option:
    value: str
    label: str
    explanation: str = ""
    place: Place = NOWHERE
    places: dict[str, Place] = field(default_factory=dict, compare=False, repr=False)


DEFAULT_LABELS = {"yes": "Yes", "partly": "Partly", "no": "No", "unsure": "Not sure"}


def default_options() -> tuple[Option, ...]:
    return tuple(Option(value, DEFAULT_LABELS[value]) for value in YES_PARTLY_NO_UNSURE)


@record(frozen=True)
class Action:
    kind: str
    text: str
    on: tuple[str, ...] = ()
    when: Condition | None = None
    key: str = ""  # actions that share a key say the same thing: the plan lists them once
    together: str = ""  # the text the plan lists when more than one action with this key is called for
    place: Place = NOWHERE
    places: dict[str, Place] = field(default_factory=dict, compare=False, repr=False)


@record(frozen=True)
class RecordField:
    id: str
    prompt: str
    kind: str = "text"
    required: bool = True
    options: tuple[Option, ...] = ()
    place: Place = NOWHERE
    places: dict[str, Place] = field(default_factory=dict, compare=False, repr=False)
    short: str = ""  # the column heading in the plan's register; the prompt's first sentence without it
    # in a public version: "" shown as given; "withheld" replaced by "Details withheld" in an entry not
    # published; "never" left out of every public output
    public: str = ""
    table: bool = True  # a column of the plan's register table (the record documents show every field)

    def option(self, value: str) -> Option | None:
        return next((o for o in self.options if o.value == value), None)


@record(frozen=True)
class Question:
    id: str
    prompt: str
    kind: str
    section_id: str
    guidance: str = ""
    cite: str = ""
    required: bool = True
    when: Condition | None = None
    options: tuple[Option, ...] = ()
    fields: tuple[RecordField, ...] = ()
    actions: tuple[Action, ...] = ()
    discussion: tuple[str, ...] = ()
    place: Place = NOWHERE
    places: dict[str, Place] = field(default_factory=dict, compare=False, repr=False)

    @property
    def is_choice(self) -> bool:
        return self.kind in ("single", "multiple", "yes_partly_no_unsure")

    @property
    def values(self) -> tuple[str, ...]:
        return tuple(option.value for option in self.options)

    def possible_answers(self, limit: int) -> list[Any] | None:
        """Every answer this question can be given (None for passing over an optional one), or None when
        there are more than `limit` or they cannot be listed (text, numbers, dates, records)."""
        if not self.is_choice:
            return None
        values = self.values
        if self.kind == "multiple":
            if 2 ** len(values) > limit:
                return None
            answers: list[Any] = [list(c) for r in range(len(values) + 1)
                                  for c in itertools.combinations(values, r)]
        else:
            answers = list(values)
        return answers if self.required else [*answers, None]

    def option(self, value: str) -> Option | None:
        return next((o for o in self.options if o.value == value), None)

    def field(self, field_id: str) -> RecordField | None:
        return next((f for f in self.fields if f.id == field_id), None)

    def label(self, value: Any) -> str:
        """An answer as a person reads it, the same in the conversation, the plan and the room: the one
        labeller (ticks none chosen, a register with nothing recorded, a date in words)."""
        if value is None:
            return "(not answered)"
        if isinstance(value, list) and self.kind == "multiple":
            # labels often hold commas of their own, so a semicolon keeps them apart
            return "; ".join(self.label(v) for v in value) or "None chosen"
        if isinstance(value, list):
            return f"{len(value)} recorded" if value else "None"
        if self.kind == "date":
            return long_date(value)
        option = self.option(value)
        return option.label if option else str(value)


@record(frozen=True)
class Branch:
    goto: str
    when: Condition | None = None
    place: Place = NOWHERE
    places: dict[str, Place] = field(default_factory=dict, compare=False, repr=False)


@record(frozen=True)
class Section:
    id: str
    title: str
    questions: tuple[Question, ...]
    intro: str = ""
    when: Condition | None = None
    next: tuple[Branch, ...] = ()
    place: Place = NOWHERE
    places: dict[str, Place] = field(default_factory=dict, compare=False, repr=False)
    origin: str = ""  # the flow id the section was written in


@record(frozen=True)
class Source:
    id: str
    title: str
    url: str = ""


@record(frozen=True)
class Level:
    id: str
    label: str
    summary: str = ""
    place: Place = NOWHERE
    places: dict[str, Place] = field(default_factory=dict, compare=False, repr=False)
    # what the level means when the conditions hold the work below what it calls for ("" for the summary)
    held_back_summary: str = ""


@record(frozen=True)
class CallsFor:
    id: str
    level: str
    because: str
    when: Condition | None = None
    cite: str = ""
    place: Place = NOWHERE
    places: dict[str, Place] = field(default_factory=dict, compare=False, repr=False)


@record(frozen=True)
class Floor(CallsFor):
    """A level that a condition makes the lowest both what the work calls for and the recommendation may be
    (a statutory duty to consult: at least Consult, whatever else the answers say). Read and written as a
    calls_for rule is; a kind of its own so that nothing takes one for the other."""


@record(frozen=True)
class Requirement:
    level: str
    question: str
    accepts: tuple[str, ...]
    because: str
    cite: str = ""
    place: Place = NOWHERE
    places: dict[str, Place] = field(default_factory=dict, compare=False, repr=False)
    when: Condition | None = None  # the requirement applies only when this holds

    def met(self, answers: dict[str, Any]) -> bool:
        """Whether these answers meet the requirement: it does not apply, or the answer is accepted (for a
        multiple-choice question, every option in `accepts` is chosen)."""
        answer = answers.get(self.question)
        if isinstance(answer, list):
            held = all(value in answer for value in self.accepts)
        else:
            held = answer in self.accepts
        return held or (self.when is not None and not self.when(answers))


@record(frozen=True)
class FlagAddition:
    """A sentence a raised flag adds when its own condition also holds (what a regime adds to the steps)."""

    when: Condition
    text: str


@record(frozen=True)
class Flag:
    id: str
    when: Condition
    text: str
    cite: str = ""
    place: Place = NOWHERE
    places: dict[str, Place] = field(default_factory=dict, compare=False, repr=False)
    also: tuple[FlagAddition, ...] = ()


@record(frozen=True)
class Term:
    """An abbreviation and what it stands for."""

    term: str
    meaning: str


@record(frozen=True)
class Reading:
    title: str
    url: str = ""
    about: str = ""


@record(frozen=True)
class Example:
    name: str
    answers: dict[str, Any]
    expect: dict[str, Any]
    place: Place = NOWHERE
    places: dict[str, Place] = field(default_factory=dict, compare=False, repr=False)
    answer_places: dict[str, Place] = field(default_factory=dict)


@record(frozen=True)
class Migration:
    """One step of a flow's history: what changed from version `start` to version `to`, so that answers given
    under `start` are carried forward (flow/migrations.py applies and checks it)."""

    start: str
    to: str
    rename_question: dict[str, str] = field(default_factory=dict)
    map_option: dict[str, dict[str, str]] = field(default_factory=dict)
    rename_field: dict[str, dict[str, str]] = field(default_factory=dict)
    map_field_value: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict)
    drop: tuple[str, ...] = ()
    default: dict[str, Any] = field(default_factory=dict)
    to_given: bool = False  # `to:` was written, rather than taken from the next step
    place: Place = NOWHERE
    # where each thing was written: "to", "rename_question:OLD" (the key), "rename_question=OLD" (the value),
    # "map_option:Q", "map_option:Q:OLD", "map_option=Q:OLD", "drop:Q", "default:Q", ...
    places: dict[str, Place] = field(default_factory=dict, compare=False, repr=False)


@record
class Flow:
    """A whole flow, includes resolved, ready for a Session."""

    id: str
    title: str
    version: str
    summary: str
    sections: tuple[Section, ...]
    audience: str = ""
    calls_for_words: str = "the work calls for"
    supports_words: str = "the conditions support"
    sources: tuple[Source, ...] = ()
    levels: tuple[Level, ...] = ()
    calls_for: tuple[CallsFor, ...] = ()
    requirements: tuple[Requirement, ...] = ()
    floors: tuple[Floor, ...] = ()
    flags: tuple[Flag, ...] = ()
    reading: tuple[Reading, ...] = ()
    examples: tuple[Example, ...] = ()
    terms: tuple[Term, ...] = ()
    migrations: tuple[Migration, ...] = ()
    path: str = ""  # as the person named it (relative to the folder they were in), for messages
    place: Place = NOWHERE
    places: dict[str, Place] = field(default_factory=dict, compare=False, repr=False)
    # the file's full path, which stays right when the current folder changes (finding its released versions)
    file: str = field(default="", compare=False, repr=False)

    def __post_init__(self) -> None:
        self.questions: tuple[Question, ...] = tuple(q for s in self.sections for q in s.questions)
        self._questions = {q.id: q for q in self.questions}
        self._sections = {s.id: s for s in self.sections}
        self._section_index = {s.id: i for i, s in reversed(list(enumerate(self.sections)))}
        self._levels = {level.id: i for i, level in enumerate(self.levels)}
        self.order = {q.id: i for i, q in enumerate(self.questions)}
        # the questions the rules read: those deciding what the work calls for, and what it can support
        # (a floor raises what the work calls for, so what it reads counts here too)
        self.calls_for_reads = frozenset(name for rule in (*self.calls_for, *self.floors) if rule.when
                                         for name in rule.when.expression.names)
        # a requirement reads its question, and the answers its `when` reads
        self.requirement_reads = frozenset([r.question for r in self.requirements] + [
            name for r in self.requirements if r.when for name in r.when.expression.names])
        # in the order a result lists what falls short: by question, then by level
        last_question, last_level = len(self.order), len(self._levels)
        self.requirements_in_order = tuple(sorted(self.requirements, key=lambda r: (
            self.order.get(r.question, last_question), self._levels.get(r.level, last_level))))
        # the lowest level at which "Not sure" is never in place: the first with a requirement that does
        # not accept it (past the top when there is none)
        self.first_sure_rank = min((self._levels[r.level] for r in self.requirements
                                    if "unsure" not in r.accepts and r.level in self._levels),
                                   default=len(self.levels))
        # the questions the recommendation reads, either way
        self.recommendation_reads = frozenset(name for name in self.calls_for_reads | self.requirement_reads
                                              if name in self._questions)
        # the questions whose answers can change which questions are asked
        path_conditions = [c for s in self.sections for c in (
            s.when, *(b.when for b in s.next), *(q.when for q in s.questions)) if c is not None]
        self.path_reads = frozenset(name for c in path_conditions for name in c.expression.names
                                    if name in self._questions)

    def question(self, question_id: str) -> Question:
        return self._questions[question_id]

    def number(self, question_id: str) -> int:
        """A question's number: its place in the flow, not on a path, so that it keeps its number when an
        earlier answer skips or brings back others, and "question 7" means the same in the app, plain mode,
        the room, the side panel and the plan."""
        return self.order[question_id] + 1

    def levels_sentence(self, calls_for: Level, supported: Level) -> str:
        """ "The work calls for Co-produce; the conditions support Co-design." in the flow's own words."""
        words = self.calls_for_words
        return f"{words[:1].upper()}{words[1:]} {calls_for.label}; {self.supports_words} {supported.label}."

    def has_question(self, question_id: str) -> bool:
        return question_id in self._questions

    def section(self, section_id: str) -> Section:
        return self._sections[section_id]

    def section_index(self, section_id: str) -> int:
        return self._section_index[section_id]

    def has_section(self, section_id: str) -> bool:
        return section_id in self._sections

    def level(self, level_id: str) -> Level:
        return self.levels[self._levels[level_id]]

    def rank(self, level_id: str) -> int:
        return self._levels[level_id]

    def has_level(self, level_id: str) -> bool:
        return level_id in self._levels

    def source(self, source_id: str) -> Source | None:
        return next((s for s in self.sources if s.id == source_id), None)
