"""A register: the answers to a `record` question, such as declared interests, as a table; and who may
be named in public."""

from __future__ import annotations

from typing import Any

from ..flow.model import Flow, Question, RecordField
from .escape import long_date

# By convention a register's person's name is the field `name` and their consent to publication the field
# `consent_to_publish` (answered `yes` to publish); `--public` leaves out, whole, every entry naming a
# person without that consent: a role, an organisation or a description can identify someone as surely as
# their name.
NAME_FIELD = "name"
CONSENT_FIELD = "consent_to_publish"
NOT_RECORDED = "Not recorded"


def register_table(question: Question, records: list[dict[str, Any]], *, public: bool,
                   as_of: str) -> dict[str, Any]:
    """The columns, rows of cell text and a key to the choices used, for the register template. In the
    public version, entries without consent to publication are left out and counted in `withheld`."""
    names = {f.id for f in question.fields}
    columns = [{"id": f.id, "title": heading(f)} for f in question.fields]
    rows, used = [], {}
    withheld = 0
    for record in records:
        if public and NAME_FIELD in names and record.get(CONSENT_FIELD) != "yes":
            withheld += 1
            continue
        cells = []
        for spec in question.fields:
            value = record.get(spec.id)
            if value is None or value == "":
                cells.append(NOT_RECORDED)
            elif spec.options:
                option = spec.option(value)
                cells.append(option.label if option else str(value))
                if option and option.explanation and (spec.id, option.value) not in used:
                    used[spec.id, option.value] = {"field": heading(spec), "label": option.label,
                                                   "explanation": option.explanation}
            elif spec.kind == "date":
                cells.append(long_date(value))
            else:
                cells.append(str(value))
        rows.append(cells)
    order = {(f.id, o.value): (i, j) for i, f in enumerate(question.fields) for j, o in enumerate(f.options)}
    key = [used[k] for k in sorted(used, key=order.__getitem__)]
    return {"columns": columns, "rows": rows, "count": len(rows), "withheld": withheld, "key": key,
            "as_of": as_of, "public": public}


def heading(spec: RecordField) -> str:
    """A field's column heading: its `short` label, or else its prompt's first sentence."""
    if spec.short:
        return spec.short
    prompt = spec.prompt
    for stop in ("? ", ". "):
        if stop in prompt:
            return prompt[:prompt.index(stop) + 1].rstrip(".")
    return prompt.rstrip(".")


def public_answers(flow: Flow, answers: dict[str, Any]) -> dict[str, Any]:
    """The answers without the register entries of people who did not agree to publication."""
    out = dict(answers)
    for question_id, value in answers.items():
        if not flow.has_question(question_id) or not isinstance(value, list):
            continue
        question = flow.question(question_id)
        if question.kind != "record" or question.field(NAME_FIELD) is None:
            continue
        out[question_id] = [r for r in value if r.get(CONSENT_FIELD) == "yes"]
    return out


def names_people(flow: Flow, answers: dict[str, Any], *, public: bool) -> bool:
    """Whether a plan of these answers names people in a register: then its file is the writer's alone
    (0600). The public version leaves out everyone who did not agree, so it may be shared."""
    if public:
        return False
    return any(flow.has_question(question_id) and flow.question(question_id).kind == "record"
               and isinstance(value, list) and value for question_id, value in answers.items())
