"""Writing answers back out as an answers file that `codesign render` and people can read."""

from __future__ import annotations

from typing import Any

import yaml

from .model import Flow


def dump_answers(flow: Flow, answers: dict[str, Any], **meta: str) -> str:
    """An answers file for these answers, in flow order; answers set aside are kept too, after the rest,
    so that nothing a person typed is lost."""
    ordered = {q.id: answers[q.id] for q in flow.questions if q.id in answers}
    data: dict[str, Any] = {"flow": flow.id}
    data.update({key: value for key, value in meta.items() if value})
    data["answers"] = ordered
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
