"""Answers: checking one answer against its question, and reading answers files."""

from __future__ import annotations

import datetime as _dt
from dataclasses import field
from pathlib import Path
from typing import Any

import yaml

from . import format as fmt
from ..records import record
from .document import Reader, read_document, to_python, where
from .model import Flow, Question, RecordField
from .problems import Problem, Problems, did_you_mean


class AnswerError(ValueError):
    """An answer that does not fit its question; the message names the allowed values."""

    def __init__(self, question_id: str, message: str):
        super().__init__(message)
        self.question_id = question_id
        self.message = message


def _word(value: Any) -> Any:
    # YAML read elsewhere may turn yes/no into booleans; people meant the words.
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()[:10]
    return value


def _choice(what: str, question_id: str, value: Any, values: tuple[str, ...]) -> str:
    value = _word(value)
    if isinstance(value, str) and value in values:
        return value
    shown = value if isinstance(value, str) else type(value).__name__
    hint = did_you_mean(shown, values)
    raise AnswerError(question_id, f"{what}: {shown!r} is not one of the answers ({', '.join(values)})"
                      + (f"; {hint}" if hint else ""))


def read_date(text: str) -> str:
    """A date as YYYY-MM-DD, from YYYY-MM-DD or the day-first DD/MM/YYYY people write in the UK."""
    text = text.strip()
    try:
        return _dt.date.fromisoformat(text).isoformat()
    except ValueError:
        return _dt.datetime.strptime(text, "%d/%m/%Y").date().isoformat()


def _date(what: str, question_id: str, value: Any) -> str:
    value = _word(value)
    try:
        return read_date(str(value))
    except ValueError:
        raise AnswerError(question_id, f"{what}: {value!r} is not a date; write it as 31/03/2026 or"
                          " 2026-03-31") from None


def _text(what: str, question_id: str, value: Any) -> str:
    value = _word(value)
    if not isinstance(value, str):
        raise AnswerError(question_id, f"{what} should be text")
    return value


def _field(question: Question, spec: RecordField, value: Any) -> Any:
    what = f"{question.id}.{spec.id}"
    if spec.kind in ("single", "yes_partly_no_unsure"):
        return _choice(what, question.id, value, tuple(o.value for o in spec.options))
    if spec.kind == "date":
        return _date(what, question.id, value)
    return _text(what, question.id, value)


def check_answer(question: Question, value: Any) -> Any:
    """The answer in its stored form, or AnswerError saying what would fit."""
    qid = question.id
    if value is None or (question.kind != "record" and value == "" and question.kind != "text"):
        if question.required:
            raise AnswerError(qid, f"{qid} needs an answer" + (
                f" ({', '.join(question.values)})" if question.is_choice else ""))
        return None
    kind = question.kind
    if kind in ("single", "yes_partly_no_unsure"):
        return _choice(qid, qid, value, question.values)
    if kind == "multiple":
        chosen = value if isinstance(value, list) else [value]
        picked = {_choice(qid, qid, item, question.values) for item in chosen}
        return [v for v in question.values if v in picked]
    if kind == "date":
        return _date(qid, qid, value)
    if kind == "text":
        return _text(qid, qid, value)
    if kind == "record":
        if not isinstance(value, list):
            raise AnswerError(qid, f"{qid} should be a list of records, each with: "
                              + ", ".join(f.id for f in question.fields))
        records = []
        for number, item in enumerate(value, 1):
            try:
                records.append(check_record(question, item, number))
            except AnswerError as error:
                error.entry = number  # so that the problem points at this entry
                raise
        return records
    raise AnswerError(qid, f"{qid} is of an unknown kind {kind!r}")


def check_record(question: Question, item: Any, number: int = 1) -> dict[str, Any]:
    qid = question.id
    if not isinstance(item, dict):
        raise AnswerError(qid, f"{qid} record {number} should be a mapping of fields")
    known = {f.id: f for f in question.fields}
    for key in item:
        if key not in known:
            hint = did_you_mean(key, known)
            raise AnswerError(qid, f"{qid} record {number}: unknown field {key!r}"
                              + (f"; {hint}" if hint else f" (fields: {', '.join(known)})"))
    record: dict[str, Any] = {}
    for spec in question.fields:
        value = item.get(spec.id)
        if value is None or value == "":
            if spec.required:
                raise AnswerError(qid, f"{qid} record {number} is missing {spec.id!r}")
            continue
        record[spec.id] = _field(question, spec, value)
    return record


@record
class AnswersFile:
    """An answers file as read: which flow, the answers, and what the plan needs to say who and when."""

    flow: str
    answers: dict[str, Any]
    project: str = ""
    prepared_by: str = ""
    date: str = ""
    path: str = ""
    places: dict[str, tuple[int, int]] = field(default_factory=dict)
    session_id: str = ""  # a saved or collected session's id: the same id in two files is one person


def read_answers(path: Path, problems: Problems) -> AnswersFile | None:
    """Read an answers file without checking it against a flow."""
    document = read_document(path, problems, "an answers file")
    if document is None:
        return None
    read = Reader(document, problems)
    if document.root is None:
        read.error(None, "the answers file is empty; it needs `flow:` and `answers:`")
        return None
    fields = read.mapping(document.root, "the answers file", fmt.ANSWERS_FILE.fields, fmt.ANSWERS_FILE.required)
    if fields is None or "flow" not in fields:
        return None
    answers: dict[str, Any] = {}
    places: dict[str, tuple[int, int]] = {"answers": where(fields.get("answers", document.root))}
    node = fields.get("answers")
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = str(to_python(key_node))
            if key in answers:
                read.error(key_node, f"{key!r} is answered twice (first on line {places[key][0]})")
                continue
            answers[key] = to_python(value_node)
            places[key] = where(value_node)
            places[f"key:{key}"] = where(key_node)
            if isinstance(value_node, yaml.SequenceNode):  # a register: each entry at its own line
                for number, item in enumerate(value_node.value, 1):
                    places[f"{key}#{number}"] = where(item)
    elif node is not None and not (isinstance(node, yaml.ScalarNode) and node.value == ""):
        read.error(node, "answers should map question ids to answers")
    text = lambda key: read.text(fields.get(key), key) or ""  # noqa: E731
    date = text("date")
    if date:
        try:
            date = _dt.date.fromisoformat(date).isoformat()
        except ValueError:
            read.error(fields["date"], f"date {date!r} should be written YYYY-MM-DD")
    session = fields.get("session")
    session_id = ""
    if isinstance(session, yaml.MappingNode):
        session_id = next((str(to_python(v)) for k, v in session.value if k.value == "id"), "")
    return AnswersFile(text("flow"), answers, text("project"), text("prepared_by"), date,
                       document.name, places, session_id)


def check_answers(flow: Flow, given: AnswersFile, problems: Problems, partial: bool = False) -> dict[str, Any]:
    """The answers in stored form, adding a problem for each unknown id, wrong value or missing answer."""
    from .engine import walk

    def add(key: str, message: str, hint: str = "") -> None:
        fallback = given.places.get("answers", (1, 1))
        line, column = given.places.get(key, given.places.get(key.removeprefix("key:"), fallback))
        problems.add(Problem(given.path, line, column, message, "error", hint))

    if given.flow != flow.id:
        add("answers", f"this answers file is for flow {given.flow!r}, not {flow.id!r}")
        return {}
    checked: dict[str, Any] = {}
    for key, value in given.answers.items():
        if not flow.has_question(key):
            add(f"key:{key}", f"{key!r} is not a question of flow {flow.id!r}", "" if problems.listing_full(
                given.path) else did_you_mean(key, [q.id for q in flow.questions]))
            continue
        try:
            checked[key] = check_answer(flow.question(key), value)
        except AnswerError as error:
            entry = f"{key}#{getattr(error, 'entry', 0)}"
            add(entry if entry in given.places else key, error.message)
    if not partial:
        for question in walk(flow, checked):
            if question.id not in checked and question.id not in given.answers and question.required:
                allowed = f" ({', '.join(question.values)})" if question.is_choice else ""
                add("answers", f"missing an answer to {question.id!r}{allowed}; give one, or use --partial",
                    "")
    return checked
