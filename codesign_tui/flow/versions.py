"""Which flow a file was answered under: a flow's fingerprint, the copies of it kept beside saved sessions,
the released versions kept beside the flow, and the flow a file names by its version and fingerprint.

A flow's canonical JSON is the flow written back in its own format after loading, every include written in,
without places or self-tests, keys sorted: the same flow gives the same bytes wherever its files are. Its
SHA-256, in hex, is the fingerprint a saved session records. A kept copy is that JSON in a file named by the
fingerprint; it is itself a flow file (JSON is YAML), read by the one loader and checked against its name.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

from .model import Flow, Migration, Option, Question, RecordField, Section

if TYPE_CHECKING:
    from .answers import AnswersFile

RELEASED = "released"  # beside a flow: released/VERSION/ID.yaml, the flow as it was released at VERSION
_FINGERPRINT = re.compile(r"^[0-9a-f]{64}$")


# -- the canonical form ------------------------------------------------------------------------------------

def flow_data(flow: Flow) -> dict[str, Any]:
    """The flow in its own format, includes written in: what decides and what is asked, without places."""
    data: dict[str, Any] = {"id": flow.id, "title": flow.title, "version": flow.version, "summary": flow.summary}
    if flow.audience:
        data["audience"] = flow.audience
    data["wording"] = {"calls_for": flow.calls_for_words, "supports": flow.supports_words}
    data["sources"] = [_some(id=s.id, title=s.title, url=s.url) for s in flow.sources]
    data["levels"] = [_some(id=l.id, label=l.label, summary=l.summary) for l in flow.levels]
    data["calls_for"] = [_some(id=r.id, level=r.level, when=_text(r.when), because=r.because, cite=r.cite)
                         for r in flow.calls_for]
    requirements: dict[str, list[dict[str, Any]]] = {}
    for r in flow.requirements:
        requirements.setdefault(r.level, []).append(
            _some(question=r.question, accepts=list(r.accepts), because=r.because, cite=r.cite, when=_text(r.when)))
    data["requirements"] = requirements
    data["flags"] = [_some(id=f.id, when=_text(f.when), text=f.text, cite=f.cite,
                           also=[{"when": _text(a.when), "text": a.text} for a in f.also]) for f in flow.flags]
    data["reading"] = [_some(title=r.title, url=r.url, about=r.about) for r in flow.reading]
    data["terms"] = [{"term": t.term, "meaning": t.meaning} for t in flow.terms]
    data["sections"] = [_section(s) for s in flow.sections]
    if flow.migrations:
        data["migrations"] = [_migration(m) for m in flow.migrations]
    return data


def canonical_json(flow: Flow) -> bytes:
    return json.dumps(flow_data(flow), sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def fingerprint(flow: Flow) -> str:
    """The SHA-256 of the flow's canonical JSON, as hex; worked out once for each loaded flow."""
    known = getattr(flow, "_fingerprint", None)
    if known is None:
        known = hashlib.sha256(canonical_json(flow)).hexdigest()
        flow._fingerprint = known  # type: ignore[attr-defined]
    return known


def answers_fingerprint(flow_id: str, answers: dict[str, Any]) -> str:
    """The SHA-256 (hex) of the answers a plan was drawn from, as canonical JSON with the flow's id: the answers
    on the path, register entries and all, so that a plan names the very answers it follows from. Left out of a
    public plan: with the register's names withheld, it would let anyone test a guessed name."""
    data = {"flow": flow_id, "answers": answers}
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _some(**values: Any) -> dict[str, Any]:
    """The fields given, without those left empty (as the flow's author would have written them)."""
    return {key: value for key, value in values.items() if value not in ("", None, [], {})}


def _text(condition: Any) -> str | None:
    return condition.text if condition is not None else None


def _options(options: Iterable[Option]) -> list[dict[str, Any]]:
    return [_some(value=o.value, label=o.label, explanation=o.explanation) for o in options]


def _field(spec: RecordField) -> dict[str, Any]:
    out = _some(id=spec.id, prompt=spec.prompt, kind=spec.kind, short=spec.short, public=spec.public,
                table=None if spec.table else False)
    out["required"] = spec.required
    if spec.kind in ("single", "yes_partly_no_unsure"):
        out["options"] = _options(spec.options)
    return out


def _question(q: Question) -> dict[str, Any]:
    out = _some(id=q.id, prompt=q.prompt, kind=q.kind, guidance=q.guidance, cite=q.cite, when=_text(q.when))
    out["required"] = q.required
    if q.kind in ("single", "multiple", "yes_partly_no_unsure"):
        out["options"] = _options(q.options)
    if q.kind == "record":
        out["fields"] = [_field(f) for f in q.fields]
    if q.actions:
        out["actions"] = [_some(kind=a.kind, text=a.text, on=list(a.on), when=_text(a.when), key=a.key,
                                together=a.together) for a in q.actions]
    if q.discussion:
        out["discussion"] = list(q.discussion)
    return out


def _section(s: Section) -> dict[str, Any]:
    out = _some(id=s.id, title=s.title, intro=s.intro, when=_text(s.when))
    if s.next:
        out["next"] = [_some(when=_text(b.when), goto=b.goto) for b in s.next]
    out["questions"] = [_question(q) for q in s.questions]
    return out


def _migration(m: Migration) -> dict[str, Any]:
    out = _some(rename_question=m.rename_question, map_option=m.map_option, rename_field=m.rename_field,
                map_field_value=m.map_field_value, drop=list(m.drop), default=m.default)
    return {"from": m.start, "to": m.to, **out}


# -- kept copies -------------------------------------------------------------------------------------------

def kept_name(flow_id: str, print_: str) -> str:
    return f"{flow_id}-{print_}.json"


def kept_text(flow: Flow) -> str:
    """What a kept copy of the flow holds (its canonical JSON); sessions.keep_flow writes it."""
    return json.dumps(flow_data(flow), indent=1, ensure_ascii=False) + "\n"


def kept(folders: Iterable[Path], flow_id: str, print_: str) -> Flow | None:
    """The flow kept under this fingerprint in one of `folders`, read and checked to be that very flow; None
    when no folder holds a good copy."""
    if not _FINGERPRINT.match(print_ or "") or not re.match(r"^[A-Za-z][A-Za-z0-9_-]*$", flow_id or ""):
        return None
    for folder in folders:
        path = Path(folder) / kept_name(flow_id, print_)
        flow = _quiet_load(path) if path.is_file() else None
        if flow is not None and fingerprint(flow) == print_:
            return flow
    return None


def released(flow: Flow, version: str) -> Flow | None:
    """The flow as it was released at `version`, kept beside it (released/VERSION/ID.yaml), or None."""
    if not (flow.file or flow.path) or not version or version == flow.version or "/" in version or "\\" in version \
            or version.startswith("."):
        return None
    path = Path(flow.file or flow.path).resolve().parent / RELEASED / version / f"{flow.id}.yaml"
    return _quiet_load(path) if path.is_file() else None


def released_versions(flow: Flow) -> list[str]:
    """The versions released of this flow and kept beside it, by name."""
    if not (flow.file or flow.path):
        return []
    folder = Path(flow.file or flow.path).resolve().parent / RELEASED
    try:
        return sorted(p.name for p in folder.iterdir() if (p / f"{flow.id}.yaml").is_file())
    except OSError:
        return []


_LOADED: dict[tuple[str, int, int], Flow | None] = {}


def _quiet_load(path: Path) -> Flow | None:
    """A flow file, loaded once per process while it is unchanged; None when it has errors or cannot be read."""
    from .loader import load_flow
    from .problems import FlowError

    try:
        info = os.stat(path)
    except OSError:
        return None
    key = (str(path), info.st_size, info.st_mtime_ns)
    if key not in _LOADED:
        try:
            _LOADED[key] = load_flow(path)
        except (FlowError, OSError):
            _LOADED[key] = None
    return _LOADED[key]


# -- the flow a file was answered under --------------------------------------------------------------------

def recorded_version(flow: Flow, given: AnswersFile) -> str:
    """The version of `flow` a file was answered under: the one it records; without one, a shipped flow's
    first recorded version (every file written before files recorded it), else the flow as it is now."""
    if given.flow_version:
        return given.flow_version
    if given.flow_fingerprint and given.flow_fingerprint == fingerprint(flow):
        return flow.version
    from ..resources import UNVERSIONED, is_shipped

    return UNVERSIONED if is_shipped(flow.file or flow.path) and not given.flow_fingerprint else flow.version


def answered_under(flow: Flow, given: AnswersFile, folders: Iterable[Path] = ()) -> Flow | None:
    """The very flow a file was answered under: `flow` itself when it is that flow, else a copy kept in one of
    `folders` (by fingerprint), else the version released beside it; None when none of them is to be found."""
    if given.flow_fingerprint:
        if given.flow_fingerprint == fingerprint(flow):
            return flow
        found = kept(folders, flow.id, given.flow_fingerprint)
        if found is not None:
            return found
    version = recorded_version(flow, given)
    if version == flow.version:
        return flow if not given.flow_fingerprint else None
    return released(flow, version)


def changed_since(flow: Flow, given: AnswersFile) -> bool:
    """Whether the flow is not the one the file was answered under (another version, or edited since)."""
    if given.flow_fingerprint:
        return given.flow_fingerprint != fingerprint(flow)
    return recorded_version(flow, given) != flow.version


# -- what a change to the flow did ---------------------------------------------------------------------------

class FlowChange:
    """What opening a file under a flow other than the one it was answered under did: the versions, the
    recommendation then (worked out again under the flow as it was, where that flow is kept, else the level
    the file recorded, only to compare) and now, why it moved, and the plans saved before the change."""

    def __init__(self, then: str, now: str, before: str | None, after: str | None, reasons: list[str],
                 stale_plans: list[dict[str, Any]]):
        self.then, self.now = then, now
        self.before, self.after = before, after  # level labels
        self.reasons = reasons
        self.stale_plans = stale_plans

    @property
    def moved(self) -> bool:
        return self.before is not None and self.after is not None and self.before != self.after


def flow_change(flow: Flow, given: AnswersFile, session: Any, folders: Iterable[Path] = ()) -> FlowChange | None:
    """What changed for this file since it was answered, when the flow is not the one it was answered under;
    None when it is."""
    if given.flow != flow.id or not changed_since(flow, given):
        return None
    from .answers import fit_answers
    from .engine import evaluate

    now = session.result(so_far=True)
    after = now.recommendation.label if now.decided and now.recommendation is not None else None
    then_flow = answered_under(flow, given, folders)
    before: str | None = None
    reasons: list[str] = []
    if then_flow is not None:
        then = evaluate(then_flow, fit_answers(then_flow, given).answers, so_far=True)
        if then.decided and then.recommendation is not None:
            before = then.recommendation.label
            if after is not None and before != after:
                reasons = _why_moved(flow, then, now, session)
    elif given.last_recommendation:
        level = given.last_recommendation
        before = flow.level(level).label if flow.has_level(level) else level
    if before is not None and after is not None and before != after and not reasons and now.held_back_by:
        reasons = ["it is held back by your " + ("answer" if len(now.held_back_by) == 1 else "answers") + " to "
                   + "; ".join(f"“{flow.question(q).prompt.rstrip('.?')}”" for q in now.held_back_by)]
    printed = fingerprint(flow)
    stale = [plan for plan in given.plans if plan.get("flow_fingerprint") != printed]
    version = given.flow_version or recorded_version(flow, given)
    return FlowChange(version, flow.version, before, after, reasons, stale)


def _why_moved(flow: Flow, then: Any, now: Any, session: Any) -> list[str]:
    """Why the recommendation moved: what the work calls for, and what a level needs, compared."""
    reasons = []
    if then.calls_for.label != now.calls_for.label:
        because = now.calls_for_rule.because if now.calls_for_rule else ""
        words = flow.calls_for_words
        reasons.append(f"{words} {now.calls_for.label} now (it was {then.calls_for.label})"
                       + (f": {because.rstrip('.')}" if because else ""))
    renamed = {c.was: c.question for c in (session.migrated.carried if session.migrated else ())}
    had = {(s.level, renamed.get(s.question, s.question)) for s in then.shortfalls}
    for shortfall in now.shortfalls:
        if (shortfall.level, shortfall.question) in had or not flow.has_level(shortfall.level):
            continue
        question = flow.question(shortfall.question)
        needs = " or ".join(question.label(v) for v in shortfall.accepts) or "another answer"
        said = question.label(shortfall.answer) if shortfall.answer is not None else "not answered"
        reasons.append(f"{flow.level(shortfall.level).label} now also needs “{question.prompt.rstrip('.?')}”"
                       f" to be {needs} (you said {said})"
                       + (f": {shortfall.because.rstrip('.')}" if shortfall.because else ""))
    now_has = {(s.level, s.question) for s in now.shortfalls}
    for shortfall in then.shortfalls:
        question_id = renamed.get(shortfall.question, shortfall.question)
        if (shortfall.level, question_id) in now_has or not flow.has_level(shortfall.level):
            continue
        prompt = flow.question(question_id).prompt.rstrip(".?") if flow.has_question(question_id) else question_id
        reasons.append(f"{flow.level(shortfall.level).label} no longer needs a different answer to “{prompt}”")
    return reasons
