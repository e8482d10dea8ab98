"""What a view draws of the conversation: plain descriptions the controller hands the app, plain mode and the
room (the question being asked, each answer on the path), so that none of them reads the session itself."""

from __future__ import annotations

from typing import Any, Literal, Mapping, NamedTuple

from ..records import record
from .model import Question, Section


NoteKind = Literal["changed", "flag", "level", "set-aside", "restored"]


class Note(NamedTuple):
    """What the conversation says before the next question: `changed` (an earlier answer changed), `flag` (a
    warning raised), `level` (where the recommendation settled, or that it moved: never while it is hidden),
    `set-aside` or `restored` (questions that no longer apply, or apply again)."""

    kind: NoteKind
    text: str


@record
class QuestionView:
    """A question as a view shows it: its number and citation, its section (with the section's introduction
    when it opens the section), what it starts with, and how far the person has got."""

    question: Question
    number: int
    citation: str
    section: Section
    opens_section: bool  # the first question of its section on the path: the section's introduction goes with it
    answered: bool  # answered before: Enter (or "Save and continue") keeps the answer
    existing: Any  # the answer given, else a worked example's answer offered, else None
    offered: bool  # `existing` is a worked example's answer, offered to accept
    draft: Any  # typed and not sent
    changing: bool  # an earlier answer, being changed: keeping it returns to where the person was
    progress: str  # "3 of 8" answered
    records: list[dict[str, Any]]  # a register's entries so far: from its draft, else the answer given
    entry: dict[str, Any]  # a register's half-filled entry

    @property
    def value(self) -> Any:
        """What the way of answering starts with: what was typed and not sent, else the answer given."""
        return self.draft if self.draft not in (None, "", [], {}) else self.existing

    @property
    def typed(self) -> str:
        """A reply typed and not sent, as text ("" when the draft is not text)."""
        return self.draft if isinstance(self.draft, str) else ""


@record(frozen=True)
class Row:
    """A question on the path as the check page, the review table and a transcript list it."""

    question: Question
    number: int
    section: Section
    answered: bool
    answer: str  # the answer as every front end labels it ("Skipped" for one passed over)

    @property
    def id(self) -> str:
        return self.question.id

    @property
    def prompt(self) -> str:
        return self.question.prompt


@record(frozen=True)
class Turn:
    """One turn of a transcript drawn from the top: `section` (the heading of `row`'s section), `asked` (`row`
    answered), `question` (`row` being asked, or passed over unanswered), `note` (with the `row` of the answer
    that said it, if any), or `finished` (the end)."""

    kind: Literal["section", "asked", "question", "note", "finished"]
    row: Row | None = None
    note: Note | None = None


def records_draft(draft: Any, answer: Any) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """A register's entries so far and its half-filled entry: from the draft, else the answer given."""
    draft = draft if isinstance(draft, Mapping) else {}
    records = draft.get("records")
    if not isinstance(records, list):
        records = answer if isinstance(answer, list) else []
    entry = draft.get("entry")
    return [dict(r) for r in records if isinstance(r, Mapping)], dict(entry) if isinstance(entry, Mapping) else {}


def entry_lines(question: Question, entry: Mapping[str, Any]) -> list[tuple[str, str]]:
    """A register entry as (field prompt, what was given) pairs, a choice by its label."""
    out = []
    for spec in question.fields:
        if spec.id in entry:
            option = spec.option(entry[spec.id]) if spec.options else None
            out.append((spec.prompt, option.label if option else str(entry[spec.id])))
    return out


def entry_line(question: Question, entry: Mapping[str, Any]) -> str:
    """A register entry in a line: who (its first two text fields), then each required choice by its short
    heading, such as the type of interest and how it is handled."""
    fields = question.fields
    who = [str(entry[f.id]) for f in fields if not f.options and f.kind == "text" and entry.get(f.id)][:2]
    chosen = []
    for spec in fields:
        if spec.options and spec.required and entry.get(spec.id) is not None:
            option = spec.option(entry[spec.id])
            chosen.append(f"{spec.short or spec.prompt}: {option.label if option else entry[spec.id]}")
    return ", ".join(who) + (" · " if who and chosen else "") + " · ".join(chosen)
