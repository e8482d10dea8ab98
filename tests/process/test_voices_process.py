"""More than one voice: each difference and what it changes, checked against the engine on pairs of answer.

The tests of it that run the codesign command, a room or a browser; tests/unit/test_voices.py holds the rest."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from test_voices import EXAMPLES  # noqa: F401  (helpers and fixtures)


def test_the_command_compares_in_every_format(tmp_path):
    example = next(w for w in EXAMPLES if w.flow == "appendix2")
    mine, theirs = tmp_path / "mine.yaml", tmp_path / "theirs.yaml"
    import yaml

    mine.write_text(yaml.safe_dump({"flow": "appendix2", "answers": example.answers}), encoding="utf-8")
    changed = {**example.answers, "budget": "no"}
    theirs.write_text(yaml.safe_dump({"flow": "appendix2", "voice": "Parent carers", "answers": changed}),
                      encoding="utf-8")
    for fmt in ("md", "html", "json", "text", "docx"):
        out = tmp_path / f"compare.{fmt}"
        run = subprocess.run([sys.executable, "-m", "codesign_tui", "compare", str(mine), str(theirs), "--format", fmt,
                              "-o", str(out)], capture_output=True, text=True, timeout=120)
        assert run.returncode == 0, run.stderr
        assert out.stat().st_size > 0
    data = json.loads((tmp_path / "compare.json").read_text(encoding="utf-8"))
    assert [v["name"] for v in data["voices"]] == ["Commissioner", "Parent carers"]
    assert [d["question"] for d in data["differences"]] == ["budget"]
    run = subprocess.run([sys.executable, "-m", "codesign_tui", "compare", str(mine)], capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 2 and "at least two" in run.stderr


def test_render_with_a_partner_adds_the_section_after_the_summary_and_says_so_in_it(tmp_path):
    import yaml

    mine = {"space_to_shape": "yes", "problem_type": "wicked", "time_for_relationships": "yes", "budget": "yes",
            "senior_buy_in": "yes", "learning_culture": "yes", "shared_delivery": "yes", "shared_power": "yes"}
    (tmp_path / "mine.yaml").write_text(yaml.safe_dump({"flow": "appendix2", "answers": mine}), encoding="utf-8")
    (tmp_path / "Jo Bloggs.yaml").write_text(yaml.safe_dump({"flow": "appendix2", "answers": {**mine, "budget": "no"}}),
                                             encoding="utf-8")
    for public in (False, True):
        run = subprocess.run([sys.executable, "-m", "codesign_tui", "render", "appendix2", "--answers",
                              str(tmp_path / "mine.yaml"), "--with", str(tmp_path / "Jo Bloggs.yaml"),
                              *(["--public"] if public else [])], capture_output=True, text=True, timeout=120)
        assert run.returncode == 0, run.stderr
        summary, _, rest = run.stdout.partition("\n---\n")
        assert "differ on 1 question in a way that changes the recommendation" in summary
        assert rest.lstrip().startswith("## Where partners see it differently")
        assert ("Voice 2 answered “No” to Q4" if public else "Jo Bloggs answered “No” to Q4") in rest
        assert ("Jo Bloggs" in run.stdout) is not public  # a public plan names voices, never people


def test_a_plan_started_as_a_partner_says_so_in_its_file_its_plan_and_a_comparison(tmp_path):
    import os

    import yaml

    run = subprocess.run([sys.executable, "-m", "codesign_tui", "--plain", "appendix2", "--voice", "VCSE  partner"],
                         input="Short breaks\n\nyes\nwicked\nyes\npartly\nyes\nyes\nyes\nyes\n\n", capture_output=True,
                         text=True, timeout=120, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    [saved] = (Path(os.environ["CODESIGN_DATA_DIR"]) / "sessions").glob("*.session.yaml")
    assert yaml.safe_load(saved.read_text())["voice"] == "VCSE partner"
    [plan] = tmp_path.glob("appendix2-short-breaks-*.md")
    assert "- Answered as: VCSE partner, not as the commissioner" in plan.read_text(encoding="utf-8")
    mine = tmp_path / "mine.yaml"
    mine.write_text(yaml.safe_dump({"flow": "appendix2", "project": "Short breaks", "answers": {
        "space_to_shape": "yes", "problem_type": "wicked", "time_for_relationships": "yes", "budget": "yes",
        "senior_buy_in": "yes", "learning_culture": "yes", "shared_delivery": "yes", "shared_power": "yes"}}),
        encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "codesign_tui", "compare", str(mine), str(saved), "--format", "json"],
                         capture_output=True, text=True, timeout=120)
    assert [v["name"] for v in json.loads(out.stdout)["voices"]] == ["Commissioner", "VCSE partner"]


def test_the_two_voice_worked_example_parts_on_what_the_budget_would_make_it(appendix2):
    """POINT Oldham from the council's side and from the families': both Consult for now; once the budget is
    known, Co-produce in one view and still Consult in the other, because of leaders and the culture."""
    run = subprocess.run([sys.executable, "-m", "codesign_tui", "compare", "point-oldham", "point-oldham-parent-carers",
                          "--format", "json"], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    assert [(v["name"], v["recommendation"]) for v in data["voices"]] == [("Commissioner", "consult"),
                                                                         ("Parent carers (POINT)", "consult")]
    changes = {d["question"]: d["changes"][0] for d in data["differences"]}
    assert set(changes) == {"senior_buy_in", "learning_culture"}
    assert not any(c["moves"] for c in changes.values()) and all(c["confirm_moves"] for c in changes.values())
    assert changes["learning_culture"]["if_confirmed"] is None  # no higher than Consult once confirmed
    note = EXAMPLES[[e.name for e in EXAMPLES].index("point-oldham-parent-carers")].note
    assert "our reading" in note and "assumption" in note


def test_a_comparison_of_worked_examples_reads_on_its_own_as_a_board_paper(appendix2):
    """Looked at as a Word page: the title names the case (a worked example has no `project:`), the question
    numbers in "Held back by" are spelt out, and the common ground is a sentence, not a bare level."""
    run = subprocess.run([sys.executable, "-m", "codesign_tui", "compare", "point-oldham", "point-oldham-parent-carers",
                          "--format", "md"], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("# Where the voices differ: POINT Oldham's parent carer forum\n")
    budget = appendix2.question("budget").prompt
    assert f"What holds a recommendation back is the answer to:\n\n- Q4 “{budget}”\n" in run.stdout
    assert "## A recommendation that holds on what everyone agrees\n\nOn what everyone agrees, the recommendation is" \
           " Consult. Where" in run.stdout
