"""The `codesign` command as a user runs it: a separate process, exit codes, and what it prints."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import jsonschema
import pytest
import yaml

from codesign_tui.flow.document import FlowLoader
from commands import codesign

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).parent.parent / "data"
ANSWERS = DATA / "answers" / "appendix2-codesign.yaml"


def assert_no_traceback(run: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in run.stderr + run.stdout


def test_flows_lists_the_shipped_flows_with_question_counts():
    run = codesign("flows")
    assert run.returncode == 0
    lines = run.stdout.splitlines()
    assert lines[0].split() == ["id", "title", "questions"]
    rows = {line.split()[0]: int(line.split()[-1]) for line in lines[1:]}
    assert rows["appendix2"] == 8
    assert {"appendix2", "conflicts-of-interest", "engagement-plan"} <= set(rows)
    assert rows["engagement-plan"] > rows["appendix2"] + rows["conflicts-of-interest"]


def test_validate_passes_on_the_shipped_flows():
    run = codesign("validate")
    assert run.returncode == 0, run.stdout
    assert "flows checked: no errors" in run.stdout
    assert_no_traceback(run)


def test_validate_reports_a_failing_example_with_its_place(tmp_path):
    text = (ROOT / "flows" / "appendix2.yaml").read_text()
    broken = text.replace("recommendation: co-produce", "recommendation: consult", 1)
    assert broken != text
    (tmp_path / "appendix2.yaml").write_text(broken)
    run = codesign("validate", str(tmp_path / "appendix2.yaml"))
    assert run.returncode == 2
    line = broken[:broken.index("recommendation: consult", text.index("recommendation: co-produce"))].count("\n") + 1
    assert f"appendix2.yaml:{line}:" in run.stdout
    assert "expected recommendation consult, but the flow gives co-produce" in run.stdout


def test_validate_runs_a_sibling_tests_file(tmp_path):
    (tmp_path / "mini.yaml").write_text((DATA / "branching.yaml").read_text())
    (tmp_path / "mini.tests.yaml").write_text(
        "examples:\n  - name: closed\n    answers: {open: no, records: []}\n"
        "    expect: {recommendation: high}\n")
    run = codesign("validate", str(tmp_path))
    assert run.returncode == 2
    assert "mini.tests.yaml:4:" in run.stdout and "expected recommendation high, but the flow gives low" in run.stdout


def test_schema_is_valid_and_accepts_the_shipped_flows():
    run = codesign("schema")
    assert run.returncode == 0
    schema = json.loads(run.stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    for path in sorted((ROOT / "flows").glob("*.yaml")):
        if path.name.endswith(".tests.yaml"):
            continue
        data = yaml.load(path.read_text(), Loader=FlowLoader)  # YAML 1.2 words, as editors read them
        errors = [e.message for e in validator.iter_errors(data)]
        assert not errors, (path.name, errors[:3])
    assert list(validator.iter_errors({"id": "x", "title": "t", "version": "1", "summary": "s",
                                        "sections": [], "promt": 1}))


def test_render_json_has_the_promised_fields():
    run = codesign("render", "appendix2", "--answers", str(ANSWERS), "--format", "json")
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    assert data["flow"] == "appendix2"
    assert data["recommendation"] == "co-design"
    assert data["calls_for"] == "co-produce"
    assert data["held_back_by"] == ["time_for_relationships", "shared_power"]
    assert data["if_confirmed"] is None and data["to_confirm"] == []
    assert data["answers"]["space_to_shape"] == "yes"
    assert {a["kind"] for a in data["actions"]} == {"to_unlock"}


def test_render_markdown_states_the_recommendation():
    run = codesign("render", "appendix2", "--answers", str(ANSWERS), "--format", "md")
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("# Neighbourhood mental health support\n")
    assert "**Co-design**" in run.stdout


def test_render_writes_a_file_and_never_overwrites_without_force(tmp_path):
    out = tmp_path / "plan.json"
    run = codesign("render", "appendix2", "--answers", str(ANSWERS), "--format", "json", "-o", str(out))
    assert run.returncode == 0 and json.loads(out.read_text())["flow"] == "appendix2"
    out.write_text("mine")
    run = codesign("render", "appendix2", "--answers", str(ANSWERS), "-o", str(out))
    assert run.returncode == 2 and "already exists" in run.stderr and "--force" in run.stderr
    assert out.read_text() == "mine"
    run = codesign("render", "appendix2", "--answers", str(ANSWERS), "-o", str(out), "--force")
    assert run.returncode == 0 and out.read_text().startswith("# ")
    assert [p.name for p in tmp_path.iterdir()] == ["plan.json"]  # no temporary file left behind


def test_render_to_a_missing_folder_is_a_clear_error(tmp_path):
    run = codesign("render", "appendix2", "--answers", str(ANSWERS), "-o", str(tmp_path / "nope" / "p.md"))
    assert run.returncode == 2
    assert "does not exist" in run.stderr
    assert_no_traceback(run)


def test_render_with_a_bad_answer_names_id_and_values_and_sets_it_aside(tmp_path):
    answers = tmp_path / "a.yaml"
    answers.write_text("flow: appendix2\nanswers:\n  budget: lots\n")
    run = codesign("render", "appendix2", "--answers", str(answers), "--partial")
    assert run.returncode == 0, run.stderr
    assert "a.yaml:3:11: warning: budget: 'lots' is not one of the answers (yes, partly, no, unsure)" in run.stderr
    assert "set aside" in run.stderr and "lots" not in run.stdout
    assert_no_traceback(run)
    run = codesign("render", "appendix2", "--answers", str(answers))  # a whole plan still needs every answer
    assert run.returncode == 2 and "missing an answer to 'space_to_shape'" in run.stderr


def test_render_partial_needs_the_flag(tmp_path):
    answers = tmp_path / "a.yaml"
    answers.write_text("flow: appendix2\nanswers:\n  budget: yes\n")
    assert codesign("render", "appendix2", "--answers", str(answers)).returncode == 2
    run = codesign("render", "appendix2", "--answers", str(answers), "--partial", "--format", "json")
    assert run.returncode == 0 and json.loads(run.stdout)["complete"] is False


def test_unknown_flow_lists_the_known_ones():
    run = codesign("render", "apendix2", "--answers", str(ANSWERS))
    assert run.returncode == 2
    assert "no flow called 'apendix2'" in run.stderr and "appendix2" in run.stderr


def test_missing_answers_file_is_a_clear_error(tmp_path):
    run = codesign("render", "appendix2", "--answers", str(tmp_path / "none.yaml"))
    assert run.returncode == 2 and "cannot read the file" in run.stderr
    assert_no_traceback(run)


def test_paths_counts_every_combination():
    run = codesign("paths", "appendix2")
    assert run.returncode == 0
    assert "65,536 combinations" in run.stdout
    counts = {line.split()[0]: int(line.split()[1].replace(",", "")) for line in run.stdout.splitlines()[1:5]}
    assert sum(counts.values()) == 65536
    assert all(counts[level] > 0 for level in ("inform", "consult", "co-design", "co-produce"))
    # open or partly open, wicked or part known (4), shared delivery and power, the three conditions yes,
    # culture yes or partly (2)
    assert counts["co-produce"] == 8
    assert "warning" not in run.stdout


def test_paths_reaches_every_level_of_the_engagement_plan():
    run = codesign("paths", "engagement-plan")
    assert run.returncode == 0, run.stderr
    # appendix2's 4**8 combinations times own_skills (4), recompense (5), wide_networks (4), coi_policy (6) and
    # same_policy_all_sectors (4): the questions the rules read since policy version 3
    assert "125,829,120 combinations" in run.stdout
    counts = {line.split()[0]: int(line.split()[1].replace(",", "")) for line in run.stdout.splitlines()[1:5]}
    assert sum(counts.values()) == 125_829_120
    assert all(counts[level] > 0 for level in ("inform", "consult", "co-design", "co-produce"))
    # appendix2's 8 ways to co-produce, times own_skills yes or partly, recompense yes or not needed, wide
    # networks yes or partly, the 3 policies for every partner, and the same policy for every sector
    assert counts["co-produce"] == 192
    assert "warning" not in run.stdout


def test_paths_csv_lists_each_combination_once():
    run = codesign("paths", "appendix2", "--csv")
    rows = run.stdout.splitlines()
    assert rows[0].startswith("space_to_shape,problem_type,")
    assert len(rows) == 65536 + 1 and len(set(rows)) == len(rows)
    assert sum(row.split(",")[-2] == "co-produce" for row in rows[1:]) == 8


def test_paths_warns_about_a_level_no_answers_reach(tmp_path):
    text = (DATA / "branching.yaml").read_text().replace("level: low\n    when: \"open == 'no'\"",
                                                         "level: low\n    when: \"open == 'no' and false\"")
    (tmp_path / "f.yaml").write_text(text)
    run = codesign("paths", str(tmp_path / "f.yaml"))
    assert "no combination of answers reaches rule 'closed'" in run.stdout


def test_python_dash_m_and_version():
    run = codesign("--version")
    assert run.returncode == 0 and run.stdout.startswith("codesign ")


def test_help_lists_the_commands():
    run = codesign("--help")
    assert run.returncode == 0
    for command in ("flows", "validate", "schema", "paths", "render"):
        assert command in run.stdout


@pytest.mark.parametrize("args", [["render"], ["paths"], ["frobnicate", "--x"]])
def test_usage_errors_exit_2_without_traceback(args):
    run = codesign(*args)
    assert run.returncode == 2
    assert_no_traceback(run)


def test_a_commands_help_starts_with_its_own_usage_line():
    """From a trial: `codesign example --help` began with codesign's own three-line usage, run into the
    command's ("codesign COMMAND ... example")."""
    for command, expected in (("example", "usage: codesign example [-h] [--facilitate] name"),
                              ("sessions", "usage: codesign sessions [-h]")):
        run = codesign(command, "--help")
        assert run.returncode == 0
        assert run.stdout.splitlines()[0].startswith(expected), run.stdout


def test_the_sessions_list_keeps_its_columns_in_line():
    """From a trial: "16 of up to 27 answered" pushed that session's date out of line with the others."""
    from codesign_tui.flow.loader import load_flow
    from codesign_tui.resources import flows_dir
    from codesign_tui.sessions import SessionStore

    store = SessionStore()
    short = load_flow(flows_dir() / "appendix2.yaml")
    long = load_flow(flows_dir() / "engagement-plan.yaml")
    store.save(store.new(short, answers={"space_to_shape": "yes"}))
    given = yaml.safe_load((Path(__file__).parent.parent / "data" / "answers" / "engagement-coproduce.yaml").read_text())
    order = long.order
    store.save(store.new(long, answers={k: v for k, v in given["answers"].items() if order[k] < 16},
                         project="Young people's mental health"))
    run = codesign("sessions")
    assert run.returncode == 0, run.stderr
    rows = [line for line in run.stdout.splitlines() if line.startswith("  ")]
    assert len(rows) == 2 and any("of up to" in row for row in rows), run.stdout
    # the time as the home screen writes it, in line
    dates = [re.search(r"\d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d", row).start() for row in rows]
    assert dates[0] == dates[1], run.stdout


def _question_flow(question: dict) -> dict:
    return {"$schema": "./flow.schema.json", "id": "x", "title": "t", "version": "1", "summary": "s",
            "sections": [{"id": "a", "title": "A", "questions": [{"id": "q", "prompt": "Q?", **question}]}]}
