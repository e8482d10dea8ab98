"""The record of conflicts of interest each regime needs, made from a register: the conflicts assessment of a
covered procurement, the conflicts part of a Provider Selection Regime decision record, or otherwise a record
of conflicts of interest. Plain data for `templates/conflicts-assessment.md.j2`, which holds the words."""

from __future__ import annotations

from typing import Any

from ..flow.engine import Result
from ..flow.model import Flow, Question
from .register import NOT_RECORDED, WITHHELD, cell, names_register, never_public, public_record, published

DOCUMENTS = {"conflicts-assessment": "conflicts-assessment.md.j2"}
REGIME_QUESTION = "regime"  # the question that says which rules apply (conflicts-of-interest 2.1 and later)
# the fields the law does not ask for but good practice does, labelled as ours in the record
OURS = ("agreed_by", "last_reviewed", "next_review")


class NoRegister(ValueError):
    """The flow has no register of interests, so there is nothing to make the record from."""


def register_question(flow: Flow) -> Question:
    """The flow's register of interests: the first record question that names people."""
    found = next((q for q in flow.questions if names_register(q)), None)
    if found is None:
        raise NoRegister(f"the flow {flow.id!r} has no register of interests, so it has no conflicts record to"
                         " make; the conflicts-of-interest and engagement-plan flows have one")
    return found


def conflicts_record(flow: Flow, result: Result, *, public: bool) -> dict[str, Any]:
    """Which rules apply, and each entry of the register as the record lists it (withheld as in the public
    plan when `public`)."""
    question = register_question(flow)
    regime = result.answers.get(REGIME_QUESTION) if flow.has_question(REGIME_QUESTION) else None
    label = flow.question(REGIME_QUESTION).label(regime) if regime else ""
    never = never_public(question) if public else set()
    entries = []
    for index, record in enumerate(result.answers.get(question.id) or []):
        if not isinstance(record, dict):
            continue
        shown = public_record(question, record) if public else record
        name = shown.get("name") or NOT_RECORDED
        details, ours = [], []
        for spec in question.fields:
            if spec.id in ("name", "management") or spec.id in never or (spec.public == "never"
                                                                          and published(record)):
                continue
            value = cell(spec, shown.get(spec.id))
            if spec.id in OURS:
                ours.append({"label": spec.short or spec.prompt, "value": value})
            else:
                details.append({"label": spec.short or spec.prompt, "value": value})
        kind = record.get("interest_type")
        entries.append({
            "number": index + 1, "name": name, "withheld": public and not published(record),
            "directness": "Indirect" if kind == "indirect" else "Direct" if kind else NOT_RECORDED,
            "details": details, "ours": ours,
            "handling": cell(question.field("management"), record.get("management"))
            if question.field("management") else NOT_RECORDED,
            "may_bid": record.get("may_bid") in ("yes", "unsure"),
        })
    return {"regime": regime or "", "regime_label": label, "register": question.id,
            "register_prompt": question.prompt, "register_title": flow.section(question.section_id).title, "entries": entries, "public": public, "withheld_text": WITHHELD,
            "bidders": [e["number"] for e in entries if e["may_bid"]],
            "sources": {s.id: {"title": s.title, "url": s.url} for s in flow.sources}}
