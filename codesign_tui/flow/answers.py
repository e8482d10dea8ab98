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
        self.entry: int | None = None  # which entry of a register the problem is in, counting from 1


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


DATE_FORMATS = ("%d/%m/%Y", "%d %b %Y", "%d %B %Y", "%d-%m-%Y", "%d.%m.%Y")


def read_date(text: str) -> str:
    """A date as YYYY-MM-DD, from YYYY-MM-DD or the day-first ways people write dates in the UK:
    31/03/2026, 1 Dec 2026, 1 December 2026 (ValueError for anything else)."""
    text = " ".join(text.strip().replace(",", " ").split())
    try:
        return _dt.date.fromisoformat(text).isoformat()
    except ValueError:
        pass
    for pattern in DATE_FORMATS:
        try:
            return _dt.datetime.strptime(text, pattern).date().isoformat()
        except ValueError:
            continue
    raise ValueError(f"{text!r} is not a date")


def _date(what: str, question_id: str, value: Any) -> str:
    value = _word(value)
    try:
        return read_date(str(value))
    except ValueError:
        raise AnswerError(question_id, f"{what}: {value!r} is not a date; write it as 31/03/2026, 31 March 2026 or"
                          " 2026-03-31") from None


# one answer's text: far more than anyone types, far less than the MAX_BYTES a saved session may hold
LONGEST_TEXT = 1_000_000


def _text(what: str, question_id: str, value: Any) -> str:
    value = _word(value)
    if not isinstance(value, str):
        raise AnswerError(question_id, f"{what} should be text")
    if len(value) > LONGEST_TEXT:
        raise AnswerError(question_id, f"{what} is {len(value):,} characters long; keep it to {LONGEST_TEXT:,} or"
                          " fewer (a saved session holds 16 MB)")
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
    """An answers file as read, before it is checked against a flow: which flow, the answers, what the plan
    needs to say who and when, and (in a saved session) where the person was and what they had typed."""

    flow: str
    answers: dict[str, Any]
    project: str = ""
    prepared_by: str = ""
    date: str = ""
    path: str = ""
    places: dict[str, tuple[int, int]] = field(default_factory=dict)
    session_id: str = ""  # a saved or collected session's id: the same id in two files is one person
    flow_path: str = ""
    cursor: str = ""
    created: str = ""
    updated: str = ""
    drafts: dict[str, Any] = field(default_factory=dict)
    set_aside: dict[str, "SetAside"] = field(default_factory=dict)
    voice: str = ""  # whose view these answers give ("VCSE partner"); "" is the commissioner's own
    flow_version: str = ""  # the version of the flow it was answered under, when it says
    flow_fingerprint: str = ""  # and that flow's fingerprint (flow/versions.py)
    last_recommendation: str = ""  # the level last recommended: only ever compared, never used
    plans: list[dict[str, Any]] = field(default_factory=list)  # plans saved from the session: file, version, ...
    seat: int = 0  # in a room, the seat's number: how reports name a person without naming them
    example: str = ""  # the worked example a session was started from ("" for one the person started)


@record(frozen=True)
class SetAside:
    """An answer kept but not loaded, because it does not fit the flow as the flow is now."""

    answer: Any
    reason: str
    hint: str = ""  # what might have been meant, such as "did you mean 'budget'?"
    entry: int = 0  # in a register, the entry at fault (from 1)
    dropped_in: str = ""  # the version whose migration dropped it: it is never brought back

    @property
    def said(self) -> str:
        return self.reason + (f" ({self.hint})" if self.hint else "")


def read_answers(path: Path, problems: Problems) -> AnswersFile | None:
    """Read an answers file (or a saved session) without checking it against a flow. Every place is kept,
    so that a problem found later can point at it."""
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
    given = AnswersFile(text("flow"), answers, text("project"), text("prepared_by"), date, document.name, places,
                        voice=" ".join(text("voice").split()))
    given.flow_version, given.flow_fingerprint = text("flow_version"), text("flow_fingerprint")
    given.last_recommendation = text("last_recommendation")
    _read_set_aside(read, fields.get("set_aside"), given)
    session = fields.get("session")
    if isinstance(session, yaml.MappingNode):
        meta = {str(k.value): v for k, v in session.value if isinstance(k, yaml.ScalarNode)}
        # derived figures (answered, total, complete) may be in older files: they are never read
        word = lambda key: str(to_python(meta[key])) if isinstance(meta.get(key), yaml.ScalarNode) \
            and to_python(meta[key]) is not None else ""  # noqa: E731
        given.session_id, given.flow_path, given.cursor = word("id"), word("flow_path"), word("cursor")
        given.created, given.updated = word("created"), word("updated")
        seat = word("seat")
        given.seat = int(seat) if seat.isdigit() and len(seat) < 7 else 0
        given.example = word("example")
        drafts = to_python(meta["drafts"]) if "drafts" in meta else None
        if isinstance(drafts, dict):
            given.drafts = {str(key): value for key, value in drafts.items()}
        plans = to_python(meta["plans"]) if "plans" in meta else None
        if isinstance(plans, list):
            given.plans = [plan for plan in plans if isinstance(plan, dict)]
    return given


def _read_set_aside(read: Reader, node: Any, given: AnswersFile) -> None:
    if node is None or (isinstance(node, yaml.ScalarNode) and node.value == ""):
        return
    if not isinstance(node, yaml.MappingNode):
        read.error(node, "set_aside should map question ids to the answer kept and the reason")
        return
    for key_node, value_node in node.value:
        value = to_python(value_node)
        if isinstance(value, dict) and "answer" in value:
            given.set_aside[str(to_python(key_node))] = SetAside(value["answer"], str(value.get("reason") or ""),
                                                                 dropped_in=str(value.get("dropped_in") or ""))
        else:
            read.error(value_node, "a set-aside answer should have `answer:` and `reason:`")


@record
class Fitted:
    """Answers checked against a flow as it is now: those that fit, and those set aside with the reason."""

    answers: dict[str, Any]
    set_aside: dict[str, SetAside]
    brought_back: tuple[str, ...] = ()
    migrated: Any = None  # a Migrated (flow/migrations.py) when the answers were carried from an older version
    drafts: dict[str, Any] | None = None  # the drafts under the questions' ids now, when migrated
    cursor: str | None = None


def fit_answers(flow: Flow, given: AnswersFile) -> Fitted:
    """Check every answer against the flow. Answers given under an older version of the flow are first carried
    forward by the flow's migrations. An answer that no longer fits (its question is gone, its option is gone,
    it is of the wrong type) is set aside with the reason rather than loaded; an answer set aside earlier that
    fits again is brought back. Nothing is thrown away."""
    migrated = _migrated(flow, given)
    given_answers = migrated.answers if migrated else given.answers
    earlier = dict(given.set_aside)
    if migrated:
        earlier = {key: SetAside(value, earlier[key].reason if key in earlier else "",
                                 dropped_in=earlier[key].dropped_in if key in earlier else "")
                   for key, value in migrated.set_aside.items()}
        for key, value in migrated.dropped.items():
            earlier[key] = SetAside(value, f"version {migrated.to} of the flow does not carry this answer over",
                                    dropped_in=migrated.to)
    answers: dict[str, Any] = {}
    set_aside: dict[str, SetAside] = {}
    for key, value in given_answers.items():
        misfit = _misfit(flow, key, value, answers)
        if misfit:
            set_aside[key] = SetAside(value, *misfit)
    brought_back = []
    for key, kept in earlier.items():
        if key in given_answers:
            continue
        if kept.dropped_in:  # a migration chose not to carry it: kept, never brought back
            set_aside[key] = kept
            continue
        misfit = _misfit(flow, key, kept.answer, answers)
        if misfit:
            set_aside[key] = SetAside(kept.answer, *misfit)
        else:
            brought_back.append(key)
    order = {question.id: number for number, question in enumerate(flow.questions)}
    answers = {key: answers[key] for key in sorted(answers, key=lambda k: order.get(k, len(order)))}
    return Fitted(answers, set_aside, tuple(brought_back), migrated,
                  migrated.drafts if migrated else None, migrated.cursor if migrated else None)


def _migrated(flow: Flow, given: AnswersFile):
    """The answers carried forward, when the file was answered under an older version with a chain of the
    flow's migrations from it; else None."""
    if not flow.migrations or given.flow != flow.id:
        return None
    from .migrations import migrate
    from .versions import recorded_version

    version = recorded_version(flow, given)
    if version == flow.version:
        return None
    return migrate(flow, version, given.answers, {k: v.answer for k, v in given.set_aside.items()},
                   given.drafts, given.cursor)


def _misfit(flow: Flow, key: str, value: Any, into: dict[str, Any]) -> tuple[str, str, int] | None:
    """Why `value` cannot be the answer to `key` and a hint, or None after putting its stored form in `into`."""
    if not flow.has_question(key):
        return f"{key!r} is not a question of flow {flow.id!r}", did_you_mean(key, [q.id for q in flow.questions]), 0
    question = flow.question(key)
    if value is None:  # a question passed over, or a blank line in a hand-written file
        if not question.required:
            into[key] = None
        return None
    try:
        into[key] = check_answer(question, value)
    except AnswerError as error:
        return error.message, "", getattr(error, "entry", 0)
    return None


def check_answers(flow: Flow, given: AnswersFile, problems: Problems, partial: bool = False,
                  unfit: str = "warning", missing: str = "give one, or use --partial",
                  fitted: Fitted | None = None) -> dict[str, Any]:
    """The answers that fit, in stored form. Each answer that does not fit is set aside, with a problem of
    severity `unfit` at its place (an error where the answers are part of the flow, as in its examples); a
    file for another flow, and (unless `partial`) a missing answer, is an error. `fitted` is
    `fit_answers(flow, given)` when the caller has it already (to count what was set aside, say)."""
    from .engine import walk

    def add(key: str, message: str, severity: str = "error", hint: str = "") -> None:
        fallback = given.places.get("answers", (1, 1))
        line, column = given.places.get(key, given.places.get(key.removeprefix("key:"), fallback))
        problems.add(Problem(given.path, line, column, message, severity, hint))

    if given.flow != flow.id:
        add("answers", f"this answers file is for flow {given.flow!r}, not {flow.id!r}")
        return {}
    fitted = fitted or fit_answers(flow, given)
    for key, kept in fitted.set_aside.items():
        if key in given.answers:
            place = key if flow.has_question(key) else f"key:{key}"
            if f"{key}#{kept.entry}" in given.places:  # a register entry points at itself
                place = f"{key}#{kept.entry}"
            add(place, f"{kept.reason}; this answer is set aside, not used" if unfit == "warning" else kept.reason,
                unfit, "" if problems.listing_full(given.path, unfit) else kept.hint)
    if not partial:
        for question in walk(flow, fitted.answers):
            if question.id in fitted.answers or not question.required:
                continue
            allowed = f" ({', '.join(question.values)})" if question.is_choice else ""
            if question.id not in given.answers:
                add("answers", f"missing an answer to {question.id!r}{allowed}; {missing}")
            elif unfit == "warning":  # as an error, the misfit itself was reported
                add(question.id, f"{question.id!r} has no answer that can be used (the one given is set aside);"
                                 f" {missing}")
    return fitted.answers
