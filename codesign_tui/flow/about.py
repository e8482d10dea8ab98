"""Whom a warning is about: the register entries a raised flag names, said the same way in the plan, the
conversation and the records, and without names in a public version."""

from __future__ import annotations

from typing import Any

from .model import Flow, Question

# By convention a register's person is the field `name`, their organisation `organisation` and their part in
# the work `role`; a flow that has none of them is named by entry number alone.
NAME_FIELD = "name"
ORGANISATION_FIELD = "organisation"
ROLE_FIELD = "role"
# a warning about many entries names the first few and counts the rest, which the register lists: a long
# register once made one warning a paragraph of 250 names
ABOUT_MOST = 6
ABOUT_NAMED = 5


def entry_label(question: Question, record: dict[str, Any], index: int, *, public: bool) -> str:
    """An entry as a warning names it: "Sam Jones (Example Community Trust)"; in a public version, by its
    number and role alone ("entry 2 (Lived experience member)"), since names are left out there."""
    return _label(_label_fields(question), record, index, public)


def _label_fields(question: Question) -> tuple[str, str, str]:
    """The register's name, organisation and role fields, each "" when the register has no such field (looked
    up once for a warning about many entries, not three times an entry)."""
    name, organisation, role = (field_id if question.field(field_id) is not None else ""
                                for field_id in (NAME_FIELD, ORGANISATION_FIELD, ROLE_FIELD))
    return name, organisation, role


def _label(fields: tuple[str, str, str], record: dict[str, Any], index: int, public: bool) -> str:
    name_field, organisation_field, role_field = fields
    # only what the label shows is read: a warning about many entries labels each of them
    name = "" if public else _value(record, name_field)
    if not name:
        role = _value(record, role_field)
        return f"entry {index + 1}" + (f" ({role})" if role else "")
    organisation = _value(record, organisation_field)
    return name + (f" ({organisation})" if organisation else "")


def _value(record: dict[str, Any], field_id: str) -> str:
    """A field's text, trimmed ("" for none, or a register without the field)."""
    given = record.get(field_id) if field_id else None
    return str(given).strip() if given not in (None, "") else ""


def flag_about(flow: Flow, answers: dict[str, Any], flag: Any, *, public: bool) -> list[str]:
    """The entries a raised flag is about, as `entry_label` says them (empty for a flag about no register)."""
    register = getattr(flag, "register", "")
    if not register or not flow.has_question(register):
        return []
    records = answers.get(register)
    if not isinstance(records, list):
        return []
    question = flow.question(register)
    fields = _label_fields(question)
    return [_label(fields, records[i], i, public) for i in flag.entries
            if i < len(records) and isinstance(records[i], dict)]


def about_sentence(labels: list[str]) -> str:
    """ "About: Sam Jones (Example Community Trust)." or "About 2 entries: …; …." """
    if not labels:
        return ""
    lead = "About" if len(labels) == 1 else f"About {len(labels)} entries"
    if len(labels) > ABOUT_MOST:
        rest = len(labels) - ABOUT_NAMED
        return f"{lead}: {'; '.join(labels[:ABOUT_NAMED])}; and {rest} more, each listed in the register."
    return f"{lead}: {'; '.join(labels)}."


def flag_text(flow: Flow, answers: dict[str, Any], flag: Any, *, public: bool) -> str:
    """A raised flag's text, with whom it is about when it concerns register entries."""
    about = about_sentence(flag_about(flow, answers, flag, public=public))
    return f"{flag.text} {about}" if about else flag.text
