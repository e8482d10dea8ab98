"""A floor on the recommendation: a condition (a statutory duty to consult) sets the lowest level both what
the work calls for and the recommendation may be, with the requirements still reported; counted by `paths`,
checked by `validate`, said in the plan."""

from __future__ import annotations

from pathlib import Path

import pytest

from codesign_tui.flow.engine import evaluate
from codesign_tui.flow.loader import load_flow
from codesign_tui.flow.validate import validate_paths
from codesign_tui.resources import flows_dir

DUTY = """  - id: statutory_duty
    title: A duty to consult
    questions:
      - id: statutory_duty
        prompt: Does a law or statutory guidance require you to consult on this work?
        kind: yes_partly_no_unsure
        cite: r5
"""
FLOOR = """floors:
  - id: duty-to-consult
    level: consult
    when: "statutory_duty == 'yes'"
    because: a statutory duty to consult means asking for people's views
    cite: r5
"""


def adapted(tmp_path: Path, floor: str = FLOOR) -> Path:
    """appendix2 as a council's policy officer adapts it: one question more, and a floor."""
    text = (flows_dir() / "appendix2.yaml").read_text(encoding="utf-8")
    text = text.replace("id: appendix2", "id: adapted", 1).replace("\nsections:\n", "\n" + floor + "sections:\n" + DUTY, 1)
    text = text[:text.index("\nmigrations:")] if "\nmigrations:" in text else text
    text = text[:text.index("\nexamples:")] + "\n" if "\nexamples:" in text else text
    path = tmp_path / "adapted.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_leaders_no_with_a_duty_is_consult_and_still_names_what_holds_it_back(tmp_path):
    flow = load_flow(adapted(tmp_path))
    answers = {"statutory_duty": "yes", "space_to_shape": "yes", "problem_type": "wicked",
               "time_for_relationships": "yes", "budget": "yes", "senior_buy_in": "no", "learning_culture": "yes",
               "shared_delivery": "no", "shared_power": "yes"}
    result = evaluate(flow, answers)
    assert result.recommendation.id == "consult" and result.supported.id == "inform"
    assert result.floored and result.held_back_by == ["senior_buy_in"]
    data = result.to_dict()
    assert (data["floor"], data["floored_by"], data["floored"]) == ("consult", "duty-to-consult", True)
    without = evaluate(flow, {**answers, "statutory_duty": "no"})
    assert without.recommendation.id == "inform" and not without.floored and without.to_dict()["floor"] is None
    # a floor that applies but raises nothing is named, not claimed
    open_work = evaluate(flow, {**answers, "senior_buy_in": "yes"})
    assert open_work.floor is not None and not open_work.floored


@pytest.mark.parametrize("floor, message", [
    (FLOOR.replace("level: consult", "level: consul"), "floor 'duty-to-consult' sets level 'consul', which is not a level"),
    (FLOOR.replace("statutory_duty == 'yes'", "statutory_duty == yes"), "'yes' is not a question id"),
    (FLOOR.replace("statutory_duty == 'yes'", "statutory_duty == 'maybe'"), "'maybe' is not an answer of"),
])
def test_validate_checks_a_floors_level_and_condition(tmp_path, floor, message):
    problems = validate_paths([adapted(tmp_path, floor)]).problems
    assert any(message in p.message for p in problems.errors), problems.format()


def test_the_map_shows_the_floor(tmp_path):
    from codesign_tui.flow.outline import outline
    from codesign_tui.plan.flowmap import as_html, as_mermaid, as_text

    flow_map = outline(load_flow(adapted(tmp_path)))
    assert "- at least Consult, when Q1 is “Yes”: a statutory duty" in " ".join(as_text(flow_map).split())
    assert "(floor duty-to-consult)" in as_html(flow_map) and "-.-> l1" in as_mermaid(flow_map)
