"""A register: the answers to a `record` question, such as declared interests, as a table; and what its
public version shows."""

from __future__ import annotations

from typing import Any

from ..flow.about import NAME_FIELD
from ..flow.model import Flow, Option, Question, RecordField
from ..flow.dates import long_date

# An entry is published when its field `publish` is `yes` (or, in a flow from before version 2.1 of the
# conflicts flow, `consent_to_publish`). The public version keeps every entry: in one not published, each
# field marked `public: withheld` in the flow (the name, organisation and description) says WITHHELD instead,
# and a field marked `public: never` (why it is withheld) is in no public output at all. A flow whose register
# marks no field gets the same treatment for its `name`, `organisation` and `description` fields.
PUBLISH_FIELD = "publish"
OLD_CONSENT_FIELD = "consent_to_publish"
PUBLISHED = "yes"
WITHHELD = "Details withheld"
NOT_RECORDED = "Not recorded"
_CONVENTIONAL_WITHHELD = ("name", "organisation", "description")


def published(record: dict[str, Any]) -> bool:
    decision = record.get(PUBLISH_FIELD, record.get(OLD_CONSENT_FIELD))
    return decision == PUBLISHED


def withheld_fields(question: Question) -> set[str]:
    """The fields a public version withholds in an entry that is not published."""
    marked = {f.id for f in question.fields if f.public == "withheld"}
    if marked or any(f.public for f in question.fields):
        return marked
    return {f.id for f in question.fields if f.id in _CONVENTIONAL_WITHHELD}


def never_public(question: Question) -> set[str]:
    return {f.id for f in question.fields if f.public == "never"}


def names_register(question: Question) -> bool:
    """Whether the register names people, so that its public version withholds what identifies them."""
    return question.kind == "record" and (question.field(NAME_FIELD) is not None
                                          or any(f.public for f in question.fields))


def public_record(question: Question, record: dict[str, Any]) -> dict[str, Any]:
    """An entry as a public version holds it: never a private field, and what identifies someone replaced by
    WITHHELD when the entry is not published."""
    hidden, never = withheld_fields(question), never_public(question)
    is_published = published(record)
    return {key: (WITHHELD if key in hidden and not is_published else value)
            for key, value in record.items() if key not in never}


def register_table(question: Question, records: list[dict[str, Any]], *, public: bool,
                   as_of: str) -> dict[str, Any]:
    """The columns, rows of cell text and a key to the choices used, for the register template. In the
    public version every entry is kept; one not published has its identifying fields withheld, counted in
    `withheld`."""
    private = public and names_register(question)
    never = never_public(question) if private else set()
    shown = [f for f in question.fields if f.table and f.id not in never]
    columns = [{"id": f.id, "title": heading(f)} for f in shown]
    # each column's options by value, looked up once a table rather than searched once a cell
    columns_and_choices = [(f, _choices(f)) for f in shown]
    rows: list[Any] = []
    used: dict[tuple[str, str], Any] = {}  # (field, option) -> the key's line for that abbreviation
    withheld = 0
    for record in records:
        if private and not published(record):
            withheld += 1
            record = public_record(question, record)
        row = []
        for spec, choices in columns_and_choices:
            value = record.get(spec.id)
            # most cells, as `cell` gives them, without its call: a choice already in the key, typed text, a date,
            # or nothing recorded
            if type(value) is str and value and value != WITHHELD:
                if spec.options:
                    option = choices.get(value)
                    if option is not None and (not option.explanation or (spec.id, option.value) in used):
                        row.append(option.label)
                        continue
                elif spec.kind != "date":
                    row.append(value)
                    continue
                else:
                    row.append(long_date(value))
                    continue
            elif value is None:
                row.append(NOT_RECORDED)
                continue
            row.append(cell(spec, value, used, choices))
        rows.append(row)
    order = {(f.id, o.value): (i, j) for i, f in enumerate(question.fields) for j, o in enumerate(f.options)}
    key = [used[k] for k in sorted(used, key=order.__getitem__)]
    return {"columns": columns, "rows": rows, "count": len(rows), "withheld": withheld, "key": key,
            "as_of": as_of, "public": public}


def _choices(spec: RecordField) -> dict[Any, Option]:
    """A field's options by value (the first, should two share a value, as RecordField.option finds it)."""
    return {option.value: option for option in reversed(spec.options)}


def cell(spec: RecordField, value: Any, used: dict | None = None, choices: dict[Any, Option] | None = None) -> str:
    """A field's value as the register shows it; `used` collects the choices shown, for the key; `choices`, the
    field's options by value (`_choices`), when the caller has them."""
    if value is None or value == "":
        return NOT_RECORDED
    if value == WITHHELD:
        return WITHHELD
    if spec.options:
        option = choices.get(value) if choices is not None and type(value) is str else spec.option(value)
        if used is not None and option and option.explanation and (spec.id, option.value) not in used:
            used[spec.id, option.value] = {"field": heading(spec), "label": option.label,
                                           "explanation": option.explanation}
        return option.label if option else str(value)
    if spec.kind == "date":
        return long_date(value)
    return str(value)


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
    """The answers as a public version holds them: every register entry kept, with what identifies someone
    withheld in each entry not published, and private fields left out."""
    out = dict(answers)
    for question_id, value in answers.items():
        if not flow.has_question(question_id) or not isinstance(value, list):
            continue
        question = flow.question(question_id)
        if not names_register(question):
            continue
        out[question_id] = [public_record(question, r) if isinstance(r, dict) else r for r in value]
    return out


def names_people(flow: Flow, answers: dict[str, Any], *, public: bool) -> bool:
    """Whether a plan of these answers names people in a register: then its file is the writer's alone
    (0600). The public version withholds the details of everyone not published, so it may be shared."""
    if public:
        return False
    return any(flow.has_question(question_id) and flow.question(question_id).kind == "record"
               and isinstance(value, list) and value for question_id, value in answers.items())
