"""The words for what "Not sure" answers would reach once confirmed: the engine decides `if_confirmed` and
`to_confirm` once (result.py); the plan, the summary, the app, plain mode, the room and the cohort report
all say it with these words."""

from __future__ import annotations

from typing import Any, Iterable

from .model import Flow
from .terms import join_words

IF_ALL = "if all of these are confirmed"


def confirm_lead(result: Any) -> str:
    """ "Consult for now; Co-design if all of these are confirmed." or, when the recommendation itself
    rests on answers not yet confirmed, "Co-design, if all of these are confirmed." ("" when nothing is
    to confirm)."""
    if not result.to_confirm or result.recommendation is None:
        return ""
    if result.if_confirmed is not None:
        return f"{result.recommendation.label} for now; {result.if_confirmed.label} {IF_ALL}."
    return f"{result.recommendation.label}, {IF_ALL}."


def needs_words(flow: Flow, question_id: str, values: Iterable[str]) -> str:
    """ "“Yes” or “Partly”": the answers one question needs, by their labels, quoted as the plan quotes
    answers."""
    question = flow.question(question_id)
    return join_words((f"“{question.label(v)}”" for v in values), "or")


def confirm_item(flow: Flow, item: Any) -> str:
    """One question to confirm: its prompt, the answer it needs, and what a lower answer would give."""
    return f"{flow.question(item.question).prompt.rstrip()} {confirm_needs(flow, item)}"


def confirm_needs(flow: Flow, item: Any) -> str:
    """ "Needs “Yes” or “Partly”. If the answer is “No”, it would be Inform and check back." """
    question = flow.question(item.question)
    values = [v for v in question.values if v != "unsure"]
    if list(item.needs) == values:
        text = "Any answer keeps this level; it still decides what the work calls for."
    else:
        text = f"Needs {needs_words(flow, item.question, item.needs)}."
    for lower in item.if_not:
        text += (f" If the answer is {needs_words(flow, item.question, lower.answers)}, it would be"
                 f" {flow.level(lower.level).label}.")
    return text


def confirm_lines(flow: Flow, result: Any) -> list[str]:
    """The lead, then one line per question to confirm; empty when nothing is to confirm."""
    lead = confirm_lead(result)
    return [lead, *(confirm_item(flow, item) for item in result.to_confirm)] if lead else []


def count_words(label: str, count: int, confirmed: dict[str, int], flow: Flow) -> str:
    """ "12 Consult, of which 5 Co-design if confirmed": a level's count in a cohort, and how many of those
    answer sets would reach each higher level if their "Not sure" answers were confirmed."""
    text = f"{count:,} {label}"
    parts = [f"{n:,} {flow.level(level).label} if confirmed" for level, n in
             sorted(confirmed.items(), key=lambda kv: flow.rank(kv[0])) if n]
    return text + (", of which " + join_words(parts, "and") if parts else "")
