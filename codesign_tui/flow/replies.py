"""Reading a typed reply the way a person means it: "y", "Yes", "partly", "2", "1, 3"."""

from __future__ import annotations

import re
from typing import Any, Mapping

from .answers import AnswerError, check_record, read_date
from .model import Option, Question, RecordField


DATE_HINT = "Write the date as 31/03/2026, 31 March 2026 or 2026-03-31."


class ReplyError(ValueError):
    """A reply that fits none of the options, or more than one; the message says what would."""


def _match(text: str, options: tuple[Option, ...]) -> Option:
    word = text.strip().strip(".!").casefold()
    if not word:
        raise ReplyError("type a number or an answer")
    if word.isdigit():
        number = int(word)
        if 1 <= number <= len(options):
            return options[number - 1]
        raise ReplyError(f"choose a number from 1 to {len(options)}")
    for option in options:
        if word in (option.value.casefold(), option.label.casefold()):
            return option
    # "y" and "n" are yes and no, as at any yes/no prompt, though "Not sure" also starts with n
    if word in ("y", "n"):
        plain = next((o for o in options if o.value == ("yes" if word == "y" else "no")), None)
        if plain is not None:
            return plain
    # a short reply is the start of an answer: "y" is yes; but "no" is not the start of "Not sure"
    starts = [o for o in options if any(_begins(text, word) for text in (o.value.casefold(), o.label.casefold()))]
    if len(starts) == 1:
        return starts[0]
    # "not sure" and "don't know" both mean the unsure answer where a flow offers one
    if word in ("not sure", "dont know", "don't know", "idk") and any(o.value == "unsure" for o in options):
        return next(o for o in options if o.value == "unsure")
    if len(starts) > 1:
        raise ReplyError("that could be " + " or ".join(repr(o.label) for o in starts) + "; type more of it")
    # words from the middle of an answer: "hard problem" for "A hard problem we struggle to solve"
    inside = [o for o in options if len(word) >= 4 and word in o.label.casefold()]
    if len(inside) == 1:
        return inside[0]
    # an answer said with its reason: "no, mostly decided" is "no"
    head = word.split(",", 1)[0].strip()
    if head and head != word:
        try:
            return _match(head, options)
        except ReplyError:
            pass
    raise ReplyError("that is not one of the answers: " + ", ".join(
        f"{n} {o.label}" for n, o in enumerate(options, 1)))


def _begins(text: str, word: str) -> bool:
    """Whether a reply starts this answer in a way a person would mean: one letter, or three or more, or a
    whole word of it."""
    if not text.startswith(word):
        return False
    rest = text[len(word):]
    return len(word) == 1 or len(word) >= 3 or not rest or not rest[0].isalpha()


def read_choice(question: Question | object, text: str, options: tuple[Option, ...] | None = None) -> str:
    """The option value a reply means, for a single choice."""
    return _match(text, options if options is not None else question.options).value  # type: ignore[union-attr]


def read_choices(question: Question, text: str) -> list[str]:
    """The option values a reply means, for a multiple choice: numbers or words separated by commas
    or spaces; "none" for none."""
    if text.strip().casefold() in ("none", "nothing", "-"):
        return []
    parts = [p for p in re.split(r"[,;]|\s+(?:and\s+)?", text) if p.strip()]
    if len(parts) > 1 and not all(p.strip().isdigit() for p in parts):
        # words with spaces, such as "return on investment": try the whole of each comma part first
        parts = [p for p in re.split(r"[,;]", text) if p.strip()]
    chosen = [value for part in parts for value in _each(part, question.options)]
    return [o.value for o in question.options if o.value in chosen]


def _each(part: str, options: tuple[Option, ...]) -> list[str]:
    """The options one comma part of a reply names: itself when it names one ("Training and development"),
    else each side of its "and" or "&" ("email and post", the end of "email, post and meetings")."""
    try:
        return [_match(part, options).value]
    except ReplyError:
        sides = [side for side in re.split(r"\s+and\s+|\s*&\s*", part.strip()) if side.strip()]
        if len(sides) < 2:
            raise
        return [_match(side, options).value for side in sides]


def read_sent(question: Question, sent: str | list[str], longest: int = 0) -> Any:
    """What a form sent for a question (a choice's value, the values ticked, a date as people write one, text
    of at most `longest` characters) as its answer, ready for Conversation.answer; ReplyError saying what to
    do when it does not fit, worded as the register's fields are (`read_field`)."""
    text = sent.strip() if isinstance(sent, str) else ""
    if question.kind == "multiple":
        ticked = sent if isinstance(sent, list) else [text] if text else []
        if not ticked:
            raise ReplyError("Select at least one answer, or choose “None of these”")
        if any(value not in question.values for value in ticked):
            raise ReplyError("Select from the answers shown")
        return [value for value in question.values if value in ticked]
    if question.is_choice:
        if text not in question.values:
            raise ReplyError("Select one of the answers shown" if text else "Select an answer")
        return text
    if longest and len(text) > longest:
        raise ReplyError(f"Keep your answer to {longest:,} characters or fewer")
    if not text:
        raise ReplyError("Enter a date" if question.kind == "date" else "Enter an answer")
    try:
        return read_date(text) if question.kind == "date" else text
    except ValueError:
        raise ReplyError("Enter a real date, for example 31/03/2026") from None


class EntryError(ValueError):
    """A register entry that does not fit: each field at fault with what to do, as (field, message) pairs in
    the order of the form; `missing` names the required fields left empty."""

    def __init__(self, problems: list[tuple[RecordField, str]], missing: tuple[RecordField, ...] = ()):
        super().__init__("; ".join(message for _, message in problems))
        self.problems, self.missing = problems, missing


def read_field(spec: RecordField, text: str, longest: int = 0) -> Any:
    """One register field's typed text as its value (a choice by its number or words, a date as people write
    one); None when nothing was typed. EntryError saying what to do when it does not fit."""
    text = text.strip()
    prompt = spec.prompt.rstrip("?.")
    if not text:
        if spec.required:
            raise EntryError([(spec, f"{'Select' if spec.options else 'Enter'} “{prompt}”")], (spec,))
        return None
    if longest and len(text) > longest:
        raise EntryError([(spec, f"Keep “{spec.prompt}” to {longest:,} characters or fewer")])
    try:
        if spec.options:
            return read_choice(None, text, spec.options)
        return read_date(text) if spec.kind == "date" else text
    except ReplyError as error:
        raise EntryError([(spec, f"For “{prompt}”, {error}")]) from None
    except ValueError:
        raise EntryError([(spec, f"Enter a real date for “{spec.prompt}”, for example 31/03/2026")]) from None


def field_help(spec: RecordField) -> str:
    """What "?" says in a register field: what each choice means, or how to write the answer."""
    meanings = " ".join(f"{o.label}: {o.explanation}" for o in spec.options if o.explanation)
    if meanings:
        return meanings
    if spec.kind == "date":
        return DATE_HINT
    return "Type it in your own words" + ("." if spec.required else "; press Enter to leave it out.")


def read_entry(question: Question, texts: Mapping[str, str], number: int, longest: int = 0,
               blank: bool = False) -> dict[str, Any] | None:
    """One register entry from the texts typed in its fields, by field id, the same in every front end: None
    when nothing was typed (unless `blank`, when it is read as it is), else the entry checked (the `number`th);
    EntryError naming every field at fault."""
    if not blank and not any(str(texts.get(spec.id, "")).strip() for spec in question.fields):
        return None
    entry: dict[str, Any] = {}
    problems: list[tuple[RecordField, str]] = []
    missing: list[RecordField] = []
    for spec in question.fields:
        try:
            value = read_field(spec, str(texts.get(spec.id, "")), longest)
        except EntryError as error:
            problems += error.problems
            missing += error.missing
            continue
        if value is not None:
            entry[spec.id] = value
    if problems:
        raise EntryError(problems, tuple(missing))
    try:
        return check_record(question, entry, number)
    except AnswerError as error:  # the checks above should have caught it; said rather than lost
        raise EntryError([(question.fields[0], error.message)]) from None
