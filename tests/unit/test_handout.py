"""`codesign handout`: the scenario and every question with its answers to tick, its discussion prompts and
room to write; the answer key with the case's answers, its reasons and its recommendation."""

from __future__ import annotations

import dataclasses
import shutil

import pytest

from codesign_tui.flow.examples import worked_examples
from codesign_tui.flow.loader import load_flow
from codesign_tui.flow.validate import validate_paths
from codesign_tui.plan.handout import to_markdown
from codesign_tui.resources import flows_dir

EXAMPLES = {example.name: example for example in worked_examples(flows_dir())}


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_a_handout_has_the_scenario_and_every_question_with_its_answers_and_prompts(name):
    example = EXAMPLES[name]
    flow = load_flow(flows_dir() / f"{example.flow}.yaml")
    sheet = to_markdown(flow, example)
    assert "## The scenario" in sheet and example.scenario.split()[0] in sheet
    for question in flow.questions:
        assert f"### {flow.number(question.id)}. " in sheet
        for option in question.options:
            assert f"- [ ] {option.label}" in sheet.replace("\\", "")
        for prompt in question.discussion:
            assert prompt in sheet.replace("\\", "")
    assert "[x]" not in sheet and "The case's answer" not in sheet  # nothing given away on the sheet itself
    assert sheet.count("Why:") == len(flow.questions)


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_the_key_ticks_the_cases_answers_and_ends_with_its_recommendation(name):
    example = EXAMPLES[name]
    flow = load_flow(flows_dir() / f"{example.flow}.yaml")
    key = to_markdown(flow, example, key=True).replace("\\", "")
    for question_id, answer in example.answers.items():
        if flow.has_question(question_id) and flow.question(question_id).options and isinstance(answer, str):
            assert f"- [x] {flow.question(question_id).label(answer)}" in key
    assert "## What the case gives" in key
    assert f"The recommendation is **{flow.level(example.check.expect['recommendation']).label}**" in key


def test_the_key_gives_the_cases_reason_for_each_answer_where_the_example_has_one(appendix2):
    example = dataclasses.replace(EXAMPLES["point-oldham"], reasons={"budget": "The case says nothing about money."})
    key = to_markdown(appendix2, example, key=True)
    assert "**The case's answer:** Not sure. The case says nothing about money." in key


def test_an_unknown_question_in_an_examples_reasons_is_an_error(tmp_path):
    shutil.copy(flows_dir() / "appendix2.yaml", tmp_path / "appendix2.yaml")
    (tmp_path / "examples").mkdir()
    text = (flows_dir() / "examples" / "point-oldham.yaml").read_text(encoding="utf-8")
    text = text.replace("\n  budget: The case never", "\n  budjet: The case never")  # a misspelt question id
    assert "budjet:" in text
    (tmp_path / "examples" / "point-oldham.yaml").write_text(text, encoding="utf-8")
    problems = validate_paths([tmp_path / "appendix2.yaml"]).problems
    assert [(p.message, p.hint) for p in problems.errors] == [
        ("example 'point-oldham': a reason for 'budjet', which is not a question of 'appendix2'", "did you mean 'budget'?")]
