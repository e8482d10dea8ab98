"""A floor on the recommendation: a condition (a statutory duty to consult) sets the lowest level both what
the work calls for and the recommendation may be, with the requirements still reported; counted by `paths`,
checked by `validate`, said in the plan."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from codesign_tui.flow.engine import evaluate
from codesign_tui.flow.loader import load_flow
from codesign_tui.flow.paths import explore
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


def test_the_floor_raises_exactly_the_combinations_below_it(tmp_path, appendix2):
    flow = load_flow(adapted(tmp_path))
    before, after = explore(appendix2), explore(flow)
    # the duty question has four answers: with three of them nothing changes; with "Yes" each Inform is Consult
    assert after.total == 4 * before.total
    assert after.by_level["inform"] == 3 * before.by_level["inform"]
    assert after.by_level["consult"] == 4 * before.by_level["consult"] + before.by_level["inform"]
    assert after.by_level["co-design"] == 4 * before.by_level["co-design"]
    assert after.by_floor["duty-to-consult"] == before.by_level["inform"]
    run = subprocess.run([sys.executable, "-m", "codesign_tui", "paths", str(tmp_path / "adapted.yaml")],
                         capture_output=True, text=True, timeout=120)
    assert f"floor duty-to-consult raised {before.by_level['inform']:,} combinations to at least Consult" in run.stdout


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


def test_the_plan_says_the_floor_and_what_would_otherwise_hold(tmp_path):
    path = adapted(tmp_path)
    answers = tmp_path / "answers.yaml"
    answers.write_text(yaml.safe_dump({"flow": "adapted", "answers": {
        "statutory_duty": "yes", "space_to_shape": "yes", "problem_type": "wicked", "time_for_relationships": "yes",
        "budget": "yes", "senior_buy_in": "no", "learning_culture": "yes", "shared_delivery": "no",
        "shared_power": "yes"}}), encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "codesign_tui", "render", str(path), "--answers", str(answers)],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert ("We recommend **Consult**" in run.stdout and "A statutory duty to consult means asking for people's"
            " views: at least **Consult**, though “Are senior leaders committed to genuine involvement and to acting"
            " on what comes out of it?” would otherwise allow only **Inform and check back**." in run.stdout)
    out = subprocess.run([sys.executable, "-m", "codesign_tui", "render", str(path), "--answers", str(answers),
                          "--format", "json"], capture_output=True, text=True, timeout=120)
    assert json.loads(out.stdout)["floored_by"] == "duty-to-consult"


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
