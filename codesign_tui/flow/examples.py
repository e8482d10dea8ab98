"""Worked examples: the framework's case studies as answers, with a scenario and what each one shows."""

from __future__ import annotations

from dataclasses import field
from pathlib import Path
from typing import Any

import yaml

from . import format as fmt
from ..records import record
from .document import Reader, read_document, to_python
from .loader import place_of
from .model import Example
from .problems import Problems

FOLDER = "examples"


@record(frozen=True)
class WorkedExample:
    """A case study read as answers to a flow."""

    name: str
    title: str
    flow: str
    scenario: str
    note: str
    source: str
    answers: dict[str, Any]
    check: Example  # the same answers and expectations as a flow self-test
    path: str
    reasons: dict[str, str] = field(default_factory=dict)  # question id -> why the case answers so
    voice: str = ""  # whose view the answers give, when the case has more than one side


def read_worked_example(path: Path, problems: Problems) -> WorkedExample | None:
    document = read_document(path, problems)
    if document is None or document.root is None:
        if document is not None:
            Reader(document, problems).error(None, "the example file is empty")
        return None
    read = Reader(document, problems)
    fields = read.mapping(document.root, "the worked example", fmt.WORKED_EXAMPLE.fields,
                          fmt.WORKED_EXAMPLE.required)
    if fields is None or "answers" not in fields or "flow" not in fields:
        return None
    text = lambda key: read.text(fields.get(key), key) or ""  # noqa: E731
    answers: dict[str, Any] = {}
    places = {}
    node = fields["answers"]
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = str(to_python(key_node))
            answers[key] = to_python(value_node)
            places[key] = place_of(document, value_node)
            places[f"key:{key}"] = place_of(document, key_node)
    else:
        read.error(node, "answers should map question ids to answers")
    expect: dict[str, Any] = {}
    expect_fields = read.mapping(fields["expect"], "expect", fmt.EXPECT.fields) if "expect" in fields else None
    for key, value_node in (expect_fields or {}).items():
        if key in ("held_back_by", "flags", "to_confirm"):
            expect[key] = [value for value, _ in read.words(value_node, key)]
        else:
            expect[key] = read.text(value_node, key)
        places[f"expect:{key}"] = place_of(document, value_node)
    name = text("example")
    check = Example(name, answers, expect, place_of(document, document.root), places)
    reasons: dict[str, str] = {}
    reasons_node = fields.get("reasons")
    if isinstance(reasons_node, yaml.MappingNode):
        for key_node, value_node in reasons_node.value:
            reasons[str(to_python(key_node))] = " ".join((read.text(value_node, "a reason") or "").split())
            places[f"reason:{to_python(key_node)}"] = place_of(document, key_node)
    elif reasons_node is not None:
        read.error(reasons_node, "reasons should map question ids to why the case answers so")
    return WorkedExample(name, text("title"), text("flow"), text("scenario").strip(), text("note").strip(),
                         text("source"), answers, check, document.name, reasons, " ".join(text("voice").split()))


def example_paths(flows_folder: Path) -> list[Path]:
    folder = flows_folder / FOLDER
    return sorted(folder.glob("*.yaml")) if folder.is_dir() else []


def worked_examples(flows_folder: Path, problems: Problems | None = None) -> list[WorkedExample]:
    """Every readable worked example beside these flows (problems collected, never raised)."""
    problems = problems if problems is not None else Problems()
    found = [read_worked_example(path, problems) for path in example_paths(flows_folder)]
    return [example for example in found if example is not None]
