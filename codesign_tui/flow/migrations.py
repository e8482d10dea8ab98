"""Carrying answers given under an older version of a flow forward, by the flow's own `migrations:`, and
checking that those migrations name what exists and lead to the flow's version."""

from __future__ import annotations

import copy
from dataclasses import field
from typing import Any, Callable

from ..records import record
from .model import Flow, Migration, Place
from .problems import Problem, Problems, did_you_mean
from .visible import answer_label, visible


@record(frozen=True)
class Carried:
    """One answer a migration changed: the question it answers now, the id it had in the file, the answer
    before and after, and what was done to it (renamed, mapped, fields, dropped, default), in order."""

    question: str
    was: str
    before: Any
    after: Any
    how: tuple[str, ...]


@record
class Migrated:
    """Answers carried from version `start` to version `to`: the answers, those kept aside and the drafts
    under their new ids, the answers a migration dropped (kept aside, never brought back), and each change."""

    start: str
    to: str
    answers: dict[str, Any]
    set_aside: dict[str, Any] = field(default_factory=dict)
    drafts: dict[str, Any] = field(default_factory=dict)
    cursor: str = ""
    dropped: dict[str, Any] = field(default_factory=dict)
    carried: tuple[Carried, ...] = ()


def chain(flow: Flow, version: str) -> list[Migration] | None:
    """The steps that lead from `version` to the flow's own, in order; [] when it is the flow's own, None when
    no chain of the flow's migrations leads from it."""
    by_start: dict[str, Migration] = {}
    for migration in flow.migrations:
        by_start.setdefault(migration.start, migration)
    steps: list[Migration] = []
    current = version
    while current != flow.version:
        step: Migration | None = by_start.get(current)
        if step is None or step in steps:
            return None
        steps.append(step)
        current = step.to
    return steps


def migrate(flow: Flow, version: str, answers: dict[str, Any], set_aside: dict[str, Any] | None = None,
            drafts: dict[str, Any] | None = None, cursor: str = "") -> Migrated | None:
    """The answers given under `version`, carried to the flow's version by its migrations; None when there is
    nothing to carry (the same version) or no chain leads from that version."""
    steps = chain(flow, version)
    if not steps:
        return None
    values = copy.deepcopy(dict(answers))
    origin = {key: key for key in values}
    first = {key: copy.deepcopy(value) for key, value in values.items()}
    how: dict[str, list[str]] = {}
    dropped: dict[str, Any] = {}
    kept = copy.deepcopy(dict(set_aside or {}))
    drafts = dict(drafts or {})
    for step in steps:
        values, origin, how = _step(step, values, origin, how, dropped)
        kept, _, _ = _step(step, kept, {key: key for key in kept}, {}, {})
        # a draft was typed, never sent: it stays, under the question's new id (a dropped question is asked again)
        drafts = {step.rename_question.get(key, key): value for key, value in drafts.items()}
        cursor = "" if cursor in step.drop else step.rename_question.get(cursor, cursor)
    carried = []
    for key, done in how.items():
        was = origin.get(key, key)
        if "dropped" in done:
            carried.append(Carried(key, was, first.get(was), None, tuple(done)))
        elif done and (key != was or values.get(key) != first.get(was) or "default" in done):
            carried.append(Carried(key, was, first.get(was), values.get(key), tuple(done)))
    order = flow.order
    carried.sort(key=lambda c: order.get(c.question, len(order)))
    return Migrated(version, flow.version, values, kept, drafts, cursor, dropped, tuple(carried))


def _step(step: Migration, values: dict[str, Any], origin: dict[str, str], how: dict[str, list[str]],
          dropped: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str], dict[str, list[str]]]:
    for key in step.drop:
        if key in values:
            dropped[key] = values.pop(key)
            how.setdefault(key, []).append("dropped")
    renamed: dict[str, Any] = {}
    new_how: dict[str, list[str]] = {k: v for k, v in how.items() if k not in values}  # the dropped stay
    new_origin: dict[str, str] = {k: origin.get(k, k) for k in new_how}
    for key, value in values.items():
        target = step.rename_question.get(key, key)
        if target in renamed:  # two answers for one question: the second stays under its own id, set aside
            target = key
        renamed[target] = value
        new_origin[target] = origin.get(key, key)
        new_how[target] = list(how.get(key, [])) + (["renamed"] if target != key else [])
    values, origin, how = renamed, new_origin, new_how
    for question, mapping in step.map_option.items():
        if question in values:
            before = values[question]
            if isinstance(before, list):
                after = list(dict.fromkeys(mapping.get(_said(v), v) if isinstance(_said(v), str) else v
                                           for v in before))
            else:
                after = mapping.get(_said(before), before) if isinstance(_said(before), str) else before
            if after != before:
                values[question] = after
                how.setdefault(question, []).append("mapped")
    for question, fields in step.rename_field.items():
        entries = values.get(question)
        if isinstance(entries, list) and fields:
            after = [{fields.get(k, k): v for k, v in e.items()} if isinstance(e, dict) else e for e in entries]
            if after != entries:
                values[question] = after
                how.setdefault(question, []).append("fields")
    for question, by_field in step.map_field_value.items():
        entries = values.get(question)
        if not isinstance(entries, list):
            continue
        after = []
        for entry in entries:
            if isinstance(entry, dict):
                entry = {k: by_field[k].get(_said(v), v) if k in by_field and isinstance(_said(v), str) else v
                         for k, v in entry.items()}
            after.append(entry)
        if after != entries:
            values[question] = after
            how.setdefault(question, []).append("fields")
    for question, value in step.default.items():
        if question not in values:
            values[question] = copy.deepcopy(value)
            origin[question] = question
            how.setdefault(question, []).append("default")
    return values, origin, how


# -- checking --------------------------------------------------------------------------------------------

DROPPED = object()


def check_migrations(flow: Flow, problems: Problems) -> None:
    """A problem for each migration that would not do what it says: a chain that does not reach the flow's
    version, and a question, field or value that the version a step goes to does not have (each carried
    through the later steps to the flow as it is)."""
    steps = flow.migrations
    seen: dict[str, Migration] = {}
    for index, step in enumerate(steps):
        here = step.places.get("from", step.place)
        if step.start in seen:
            _add(problems, here, f"there are two migrations from version {step.start!r} (the first on line"
                 f" {seen[step.start].place.line})")
        seen.setdefault(step.start, step)
        if step.start == step.to:
            _add(problems, here, f"this migration goes from version {step.start!r} to itself")
        following = steps[index + 1].start if index + 1 < len(steps) else flow.version
        if step.to != following:
            after = (f"the next starts from {following!r}" if index + 1 < len(steps)
                     else f"no migration follows it to the flow's version {flow.version!r}")
            _add(problems, step.places.get("to", here), f"the migrations do not reach version {flow.version!r}:"
                 f" this one goes to {step.to!r}, but {after}")
        _check_targets(flow, steps, index, problems)


def check_sources(flow: Flow, problems: Problems, older: Callable[[str], Flow | None]) -> None:
    """A problem for each old id or value in a migration that the version it starts from never had, for each
    version `older` can find (the flow's released versions)."""
    for step in flow.migrations:
        old = older(step.start)
        if old is not None:
            _check_sources(old, step, problems)


def _check_targets(flow: Flow, steps: tuple[Migration, ...], index: int, problems: Problems) -> None:
    step = steps[index]
    later = steps[index + 1:]
    version = flow.version

    def question(qid: str, place: Place, what: str):
        final = _carry_question(later, qid)
        if final is DROPPED:
            return None
        if not flow.has_question(final):
            said = (f"{qid!r} becomes {final!r} by the later migrations, and version {version!r} has no"
                    f" question {final!r}") if final != qid else f"version {version!r} has no question {qid!r}"
            _add(problems, place, f"{what}: {said}", did_you_mean(final, [q.id for q in flow.questions]))
            return None
        return flow.question(final)

    for old, new in step.rename_question.items():
        if old in step.drop:
            _add(problems, step.places.get(f"drop:{old}", step.place), f"{old!r} is both renamed and dropped")
        question(new, step.places.get(f"rename_question={old}", step.place), "rename_question")
    for qid, mapping in step.map_option.items():
        found = question(qid, step.places.get(f"map_option:{qid}", step.place), "map_option")
        if found is None:
            continue
        if not found.is_choice:
            _add(problems, step.places.get(f"map_option:{qid}", step.place),
                 f"map_option: {qid!r} is a {found.kind} question, which has no options")
            continue
        for old, new in mapping.items():
            value = _carry_option(later, qid, new)
            if value not in found.values:
                _add(problems, step.places.get(f"map_option:{qid}={old}", step.place),
                     f"map_option: {new!r} is not an option of question {found.id!r} at version {version!r}"
                     f" (its options: {', '.join(found.values)})", did_you_mean(value, found.values))
    for qid, fields in step.rename_field.items():
        found = question(qid, step.places.get(f"rename_field:{qid}", step.place), "rename_field")
        if found is None:
            continue
        for old, new in fields.items():
            _field(found, later, qid, new, step.places.get(f"rename_field:{qid}={old}", step.place),
                   "rename_field", problems, version)
    for qid, by_field in step.map_field_value.items():
        found = question(qid, step.places.get(f"map_field_value:{qid}", step.place), "map_field_value")
        if found is None:
            continue
        for field_id, mapping in by_field.items():
            spec = _field(found, later, qid, field_id, step.places.get(f"map_field_value:{qid}:{field_id}",
                                                                       step.place), "map_field_value", problems,
                          version)
            if spec is None:
                continue
            values = tuple(o.value for o in spec.options)
            for old, new in mapping.items():
                if new not in values:
                    _add(problems, step.places.get(f"map_field_value:{qid}:{field_id}={old}", step.place),
                         f"map_field_value: {new!r} is not an option of field {spec.id!r} of {found.id!r} at"
                         f" version {version!r}" + (f" (its options: {', '.join(values)})" if values else
                                                    ", which takes no options"), did_you_mean(new, values))
    for qid, value in step.default.items():
        found = question(qid, step.places.get(f"default:{qid}", step.place), "default")
        if found is None:
            continue
        from .answers import AnswerError, check_answer

        try:
            check_answer(found, _carry_option(later, qid, value) if isinstance(value, str) else value)
        except AnswerError as error:
            _add(problems, step.places.get(f"default={qid}", step.place), f"default: {error.message}")


def _field(question, later, qid: str, field_id: str, place: Place, what: str, problems: Problems, version: str):
    if question.kind != "record":
        _add(problems, place, f"{what}: {question.id!r} is a {question.kind} question, which has no fields")
        return None
    final = _carry_field(later, qid, field_id)
    spec = question.field(final)
    if spec is None:
        _add(problems, place, f"{what}: {field_id!r} is not a field of {question.id!r} at version {version!r}",
             did_you_mean(final, [f.id for f in question.fields]))
    return spec


def _check_sources(old: Flow, step: Migration, problems: Problems) -> None:
    """The old side of a step, against the version it starts from."""
    def known(qid: str, place: Place, what: str):
        if old.has_question(qid):
            return old.question(qid)
        _add(problems, place, f"{what}: version {step.start!r} has no question {qid!r}",
             did_you_mean(qid, [q.id for q in old.questions]))
        return None

    back = {new: old_id for old_id, new in step.rename_question.items()}
    for qid in step.rename_question:
        known(qid, step.places.get(f"rename_question:{qid}", step.place), "rename_question")
    for qid in step.drop:
        known(qid, step.places.get(f"drop:{qid}", step.place), "drop")
    for qid, mapping in step.map_option.items():
        found = old.question(back.get(qid, qid)) if old.has_question(back.get(qid, qid)) else None
        if found is None:
            continue
        for value in mapping:
            if value not in found.values:
                _add(problems, step.places.get(f"map_option:{qid}:{value}", step.place),
                     f"map_option: {value!r} was not an option of {found.id!r} in version {step.start!r}",
                     did_you_mean(value, found.values))
    for qid, fields in step.rename_field.items():
        found = old.question(back.get(qid, qid)) if old.has_question(back.get(qid, qid)) else None
        if found is None:
            continue
        for field_id in fields:
            if found.field(field_id) is None:
                _add(problems, step.places.get(f"rename_field:{qid}:{field_id}", step.place),
                     f"rename_field: {found.id!r} had no field {field_id!r} in version {step.start!r}",
                     did_you_mean(field_id, [f.id for f in found.fields]))
    for qid, by_field in step.map_field_value.items():
        found = old.question(back.get(qid, qid)) if old.has_question(back.get(qid, qid)) else None
        if found is None:
            continue
        renamed_back = {new: was for was, new in step.rename_field.get(qid, {}).items()}
        for field_id, mapping in by_field.items():
            spec = found.field(renamed_back.get(field_id, field_id))
            if spec is None:
                continue
            values = tuple(o.value for o in spec.options)
            for value in mapping if values else ():
                if value not in values:
                    _add(problems, step.places.get(f"map_field_value:{qid}:{field_id}:{value}", step.place),
                         f"map_field_value: {value!r} was not an option of field {spec.id!r} in version"
                         f" {step.start!r}", did_you_mean(value, values))


def _carry_question(later: tuple[Migration, ...], qid: str) -> Any:
    for step in later:
        if qid in step.drop:
            return DROPPED
        qid = step.rename_question.get(qid, qid)
    return qid


def _carry_option(later: tuple[Migration, ...], qid: str, value: str) -> str:
    for step in later:
        qid = step.rename_question.get(qid, qid)
        value = step.map_option.get(qid, {}).get(value, value)
    return value


def _carry_field(later: tuple[Migration, ...], qid: str, field_id: str) -> str:
    for step in later:
        qid = step.rename_question.get(qid, qid)
        field_id = step.rename_field.get(qid, {}).get(field_id, field_id)
    return field_id


def _add(problems: Problems, place: Place, message: str, hint: str = "") -> None:
    problems.add(Problem(place.path, place.line, place.column, message, "error", hint))


def _said(value: Any) -> Any:
    """A yes or no that YAML read elsewhere turned into true or false, as the word people meant, so that a
    mapping of `no` carries a file written by another YAML library."""
    return "yes" if value is True else "no" if value is False else value


def carried_notes(flow: Flow, migrated: Any) -> list[str]:
    """One sentence for each answer the flow's migrations changed (a Migrated, or None), on opening a file
    answered under an older version of the flow."""
    if migrated is None:
        return []
    out = []
    for carried in migrated.carried:
        named = flow.has_question(carried.question)
        question = flow.question(carried.question) if named else None
        what = f"“{question.prompt.rstrip('.?')}”" if question else repr(carried.question)
        label = (lambda value: answer_label(question, value)) if question else (lambda value: str(value))
        under = f"version {migrated.to} of the flow"
        if "dropped" in carried.how:
            out.append(f"Your answer to {what} ({label(carried.before)}) is not carried over to {under}, so it is"
                       " kept aside in the file and not used." + (" The question is asked again." if named else ""))
        elif carried.how == ("default",):
            out.append(f"{under[:1].upper()}{under[1:]} asks {what}; it is answered {label(carried.after)} for"
                       " you. Change it if that is not right.")
        elif carried.before == carried.after or carried.before is None:
            out.append(f"Your answer to {what} ({label(carried.after)}) is carried over to {under}, where the"
                       " question has a new name.")
        elif isinstance(carried.after, list) and question is not None and question.kind == "record":
            out.append(f"Your entries for {what} are carried over to {under}, which names or records some of"
                       " their details differently.")
        else:
            out.append(f"Your answer to {what} is carried over to {under} as {label(carried.after)} (it was"
                       f" {_old_label(carried.before)}).")
    return [visible(note) for note in out]


def _old_label(value: Any) -> str:
    if isinstance(value, list):
        return "; ".join(str(v) for v in value) or "(none)"
    return str(value)
