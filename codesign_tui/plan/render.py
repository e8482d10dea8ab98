"""Rendering a result into a plan: the context templates see, Markdown through Jinja2, and JSON."""

from __future__ import annotations

import datetime as _dt
import json
import re
from pathlib import Path
from typing import Any

from ..flow.answers import AnswersFile
from ..flow.engine import Result
from ..flow.model import Flow

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&])")


def md(text: Any) -> str:
    """User or flow text made safe inside a Markdown paragraph or table cell: on one line, with every
    character that could start markup escaped."""
    flat = " ".join(str(text).split())
    escaped = _MD_SPECIAL.sub(r"\\\1", flat)
    # what would start a heading, list, rule or quote at the start of a line or list item
    escaped = re.sub(r"^(\d{1,9})([.)])(?=\s|$)", r"\1\\\2", escaped)
    return re.sub(r"^([-+=#])(?=[\s#=+-]|$)", r"\\\1", escaped)


def context(flow: Flow, result: Result, meta: AnswersFile | None = None) -> dict[str, Any]:
    """The plain data a template receives (documented in the README for template authors)."""
    meta = meta or AnswersFile(flow.id, result.answers)
    level = lambda lv: {"id": lv.id, "label": lv.label, "summary": lv.summary} if lv else None  # noqa: E731
    questions = []
    for question in flow.questions:
        if question.id not in result.answers:
            continue
        value = result.answers[question.id]
        questions.append({
            "id": question.id, "prompt": question.prompt, "kind": question.kind, "answer": value,
            "answer_label": question.label(value), "cite": question.cite,
            "section": flow.section(question.section_id).title,
            "fields": [{"id": f.id, "prompt": f.prompt} for f in question.fields],
        })
    return {
        "flow": {"id": flow.id, "title": flow.title, "version": flow.version, "summary": flow.summary,
                 "levels": [level(lv) for lv in flow.levels],
                 "sources": [{"id": s.id, "title": s.title, "url": s.url} for s in flow.sources],
                 "reading": [{"title": r.title, "url": r.url, "about": r.about} for r in flow.reading]},
        "project": meta.project,
        "prepared_by": meta.prepared_by,
        "date": meta.date or _dt.date.today().isoformat(),
        "result": result.to_dict(),
        "recommendation": level(result.recommendation),
        "calls_for": level(result.calls_for),
        "supported": level(result.supported),
        "questions": questions,
        "labels": {q.id: q.prompt for q in flow.questions},
    }


def render_markdown(flow: Flow, result: Result, meta: AnswersFile | None = None,
                    templates: Path | None = None) -> str:
    from jinja2 import FileSystemLoader, StrictUndefined
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    from ..resources import templates_dir

    folders = [str(templates)] if templates else []
    folders.append(str(templates_dir()))
    environment = ImmutableSandboxedEnvironment(
        loader=FileSystemLoader(folders), undefined=StrictUndefined, autoescape=False,
        keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True)
    environment.filters["md"] = md
    template = environment.get_template("plan.md.j2")
    return template.render(context(flow, result, meta))


def render_json(flow: Flow, result: Result, meta: AnswersFile | None = None) -> str:
    data = result.to_dict()
    data["project"] = meta.project if meta else ""
    data["prepared_by"] = meta.prepared_by if meta else ""
    data["date"] = (meta.date if meta and meta.date else _dt.date.today().isoformat())
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
