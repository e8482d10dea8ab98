"""A posted form read as an answer to one question, with an error for each field that does not fit, worded
as the GOV.UK Design System words them: say what to do, name the field."""

from __future__ import annotations

from typing import Any

from multidict import MultiMapping

from ..flow.model import Question
from ..flow.replies import EntryError, ReplyError, read_entry as entry_of, read_sent
from .seats import Limits


# a posted form, as aiohttp reads it: a field may come more than once (the ticks of a multiple choice)
Form = MultiMapping[Any]


class Invalid(Exception):
    """What was posted does not fit: errors as (field id, message) pairs, in the order of the page."""

    def __init__(self, errors: list[tuple[str, str]]):
        super().__init__("; ".join(message for _, message in errors))
        self.errors = errors


def text(form: Form, key: str) -> str:
    value = form.get(key, "")
    value = value if isinstance(value, str) else ""
    return value.replace("\r\n", "\n").strip()


def read_answer(question: Question, form: Form, limits: Limits) -> Any:
    """The answer a question's form holds (flow.replies.read_sent), ready for Conversation.answer; Invalid
    when it does not fit."""
    sent = [v for v in form.getall("answer", []) if isinstance(v, str)] if question.kind == "multiple" else \
        text(form, "answer")
    try:
        return read_sent(question, sent, limits.text)
    except ReplyError as error:
        raise Invalid([("answer", str(error))]) from None


def read_entry(question: Question, form: Form, limits: Limits, number: int) -> dict[str, Any] | None:
    """One register entry from the form's blank entry (flow.replies.read_entry): None when nothing was filled
    in; Invalid naming each field at fault."""
    try:
        return entry_of(question, {spec.id: text(form, f"entry-{spec.id}") for spec in question.fields},
                        number, limits.text)
    except EntryError as error:
        raise Invalid([(f"entry-{spec.id}", message) for spec, message in error.problems]) from None


def typed(question: Question, form: Form, limits: Limits) -> Any:
    """What was typed or chosen and not sent, kept as a draft so that it is there after a reload."""
    if question.kind == "multiple":
        return [v for v in form.getall("answer", []) if isinstance(v, str)][: len(question.values)]
    if question.kind == "record":
        return None  # the register keeps its own draft (entries so far and the half-filled entry)
    return text(form, "answer")[: limits.text]


def entry_typed(question: Question, form: Form, limits: Limits) -> dict[str, str]:
    return {spec.id: value[: limits.text] for spec in question.fields
            if (value := text(form, f"entry-{spec.id}"))}


def nothing_sent(question: Question, form: Form) -> bool:
    """Whether a form for a question that is not a register was sent with nothing typed or chosen."""
    if question.kind == "record":
        return False
    return not any(isinstance(v, str) and v.strip() for v in form.getall("answer", []))
