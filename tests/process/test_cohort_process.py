"""Comparing a room: counts on a hand-made set of answers files with known spreads, skipped bad files, the.

The tests of it that run the codesign command, a room or a browser; tests/unit/test_cohort.py holds the rest."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import pytest

from commands import ROOT, codesign
from test_cohort import BAD, PROBE, ROOM, UNFIT


def test_cli_writes_the_report_and_lists_skips_on_stderr():
    run = codesign("cohort", str(ROOM), str(BAD), "--flow", "engagement-plan")
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("# How the room answered\n")
    assert "Counted 6 answer sets; skipped 7 files" in run.stderr
    assert "Traceback" not in run.stderr


def test_cli_json():
    run = codesign("cohort", str(ROOM), "--format", "json")
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["flows"][0]["answer_sets"] == 6
    assert run.stderr == ""


def test_cli_writes_a_file_and_never_replaces_one_without_force(tmp_path):
    out = tmp_path / "room.md"
    first = codesign("cohort", str(ROOM), "-o", str(out))
    assert first.returncode == 0 and first.stdout == "" and f"Wrote {out}" in first.stderr
    out.write_text("kept")
    again = codesign("cohort", str(ROOM), "-o", str(out))
    assert again.returncode == 2 and "already exists" in again.stderr and out.read_text() == "kept"
    forced = codesign("cohort", str(ROOM), "-o", str(out), "--force")
    assert forced.returncode == 0 and out.read_text().startswith("# How the room answered")
    assert not [p.name for p in tmp_path.iterdir() if p.name != "room.md"]


def test_cli_with_nothing_to_count_exits_2_and_says_why():
    run = codesign("cohort", str(BAD), "--flow", "engagement-plan")
    assert run.returncode == 2
    assert run.stdout == ""
    assert "no answer sets could be counted from 7 files for flow 'engagement-plan'" in run.stderr
    assert "empty.yaml: skipped: line 1: the answers file is empty" in run.stderr
    assert "Traceback" not in run.stderr


@pytest.mark.parametrize("args, message", [
    (["cohort", str(ROOM), "--flow", "no-such-flow"], "no flow called 'no-such-flow'"),
    (["cohort"], "the following arguments are required: PATH"),
    (["cohort", str(ROOM), "--format", "docx"], "invalid choice: 'docx'"),
])
def test_cli_usage_errors_exit_2_without_a_traceback(args, message):
    run = codesign(*args)
    assert run.returncode == 2
    assert message in run.stderr
    assert "Traceback" not in run.stderr


def test_cli_reports_on_a_flow_given_as_a_file(tmp_path):
    flow = tmp_path / "mini.yaml"
    flow.write_text((ROOT / "tests" / "data" / "branching.yaml").read_text())
    flow_id = next(line.split(":", 1)[1].strip() for line in flow.read_text().splitlines()
                   if line.startswith("id:"))
    answers = tmp_path / "room" / "one.yaml"
    answers.parent.mkdir()
    answers.write_text(f"flow: {flow_id}\nanswers: {{open: partly}}\n")
    run = codesign("cohort", str(answers.parent), "--flow", str(flow), "--format", "json")
    assert run.returncode == 0, run.stderr
    (counted,) = json.loads(run.stdout)["flows"]
    assert counted["flow"] == flow_id
    assert counted["questions"][0]["answers"][1] == {
        "value": "partly", "label": "Partly", "count": 1, "share": 1.0}
    # without --flow the id is looked up among the shipped flows only
    alone = codesign("cohort", str(answers.parent))
    assert alone.returncode == 2 and "which is not a shipped flow" in alone.stderr


def test_cohort_never_imports_textual():
    run = subprocess.run([sys.executable, "-c", PROBE.format(room=str(ROOM))], capture_output=True, text=True,
                         cwd=ROOT, timeout=120)
    assert "TEXTUAL: none" in run.stderr, run.stderr[-2000:]
    for path in sorted((ROOT / "codesign_tui" / "cohort").glob("*.py")):
        tree = ast.parse(path.read_text(), str(path))
        names = [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
        names += [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
        assert not [name for name in names if name.split(".")[0] == "textual"], path


def test_cli_names_each_answer_set_aside_on_stderr():
    run = codesign("cohort", str(UNFIT), "--flow", "engagement-plan")
    assert run.returncode == 0, run.stderr
    assert "not-an-option.yaml:4:11: warning: budget: 'maybe' is not one of the answers" in run.stderr
    assert "unknown-id.yaml:4:3: warning: 'budgett' is not a question of flow 'engagement-plan'" in run.stderr
    assert "set aside" in run.stderr
    # the report names them per question (issue 29), where "1 partial" alone said nothing
    assert "1 answer not counted: 'maybe' is not an answer." in run.stdout
    assert "- **“budgett”** 1 answer not counted: not a question of this flow." in run.stdout
