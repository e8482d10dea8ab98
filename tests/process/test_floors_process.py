"""A floor on the recommendation: a condition (a statutory duty to consult) sets the lowest level both what.

The tests of it that run the codesign command, a room or a browser; tests/unit/test_floors.py holds the rest."""

from __future__ import annotations

import json
import subprocess
import sys
import yaml

from codesign_tui.flow.loader import load_flow
from codesign_tui.flow.paths import explore
from test_floors import adapted  # noqa: F401  (helpers and fixtures)


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
