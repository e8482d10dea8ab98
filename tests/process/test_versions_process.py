"""Flows that change: the fingerprint and kept copies of a flow, its released versions, its migrations (applied.

The tests of it that run the codesign command, a room or a browser; tests/unit/test_versions.py holds the rest."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from codesign_tui.flow.engine import Session
from codesign_tui.flow.loader import load_flow
from codesign_tui.flow.validate import validate_paths
from codesign_tui.flow.versions import fingerprint
from codesign_tui.resources import flows_dir
from codesign_tui.sessions import SessionStore
from commands import codesign
from test_versions import BAD, DATA, EXPECTED, OLD_SESSIONS, TRIAL, given_of, trial_session  # noqa: F401  (trial_session is a fixture)


def run(*args: str, **kwargs):
    """The command run from the test's own folder."""
    return codesign(*args, cwd=Path.cwd(), **kwargs)


def test_render_json_names_the_flow_it_decided_under(tmp_path):
    done = run("render", "appendix2", "--answers", str(DATA / "answers" / "appendix2-codesign.yaml"), "--format",
               "json")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["flow"] == "appendix2" and out["flow_version"] == load_flow(flows_dir() / "appendix2.yaml").version
    assert out["flow_fingerprint"] == fingerprint(load_flow(flows_dir() / "appendix2.yaml"))


def test_validate_names_each_broken_migration_at_its_line_and_column(tmp_path):
    (tmp_path / "bad.yaml").write_text(BAD)
    found = {(p.line, p.column): p.message for p in validate_paths([tmp_path / "bad.yaml"]).problems.errors}
    assert found[(26, 9)].startswith("the migrations do not reach version '2.0': this one goes to '1.2'")
    assert found[(27, 31)] == "rename_question: version '2.0' has no question 'monney'"
    assert found[(29, 21)].startswith("map_option: 'shrt' is not an option of question 'time'")
    assert found[(32, 22)].startswith("rename_field: 'postion' is not a field of 'people'")
    assert found[(35, 28)].startswith("map_field_value: 'elect' is not an option of field 'position'")
    assert found[(37, 13)].startswith("default: time: 'forever' is not one of the answers")
    assert run("validate", str(tmp_path / "bad.yaml")).returncode == 2


def test_render_as_answered_decides_under_the_flow_as_it_was(tmp_path):
    path = trial_session(tmp_path / "data", answers={"shape": "open", "budget": "yes", "time": "months"})
    now = run("render", str(TRIAL), "--answers", str(path), "--format", "json", "--partial")
    assert now.returncode == 0, now.stderr
    assert json.loads(now.stdout)["recommendation"] == "low"
    assert "is carried over to version 2.0 of the flow as short (it was months)" in now.stderr
    then = run("render", str(TRIAL), "--answers", str(path), "--format", "json", "--partial", "--as-answered")
    assert then.returncode == 0, then.stderr
    out = json.loads(then.stdout)
    assert (out["flow_version"], out["recommendation"], out["calls_for"], out["supported"]) == (
        "1.0", "high", "high", "high")
    assert out["answers"]["budget"] == "yes" and "carried" not in then.stderr
    (tmp_path / "data" / "lost.yaml").write_text("flow: trial\nflow_version: '0.5'\nanswers: {}\n")
    lost = run("render", str(TRIAL), "--answers", str(tmp_path / "data" / "lost.yaml"), "--as-answered")
    assert lost.returncode == 2 and "version 0.5) is not kept here" in lost.stderr and "Traceback" not in lost.stderr


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_session_saved_under_2_0_is_decided_as_it_was_and_read_now_with_every_answer(name):
    expected = EXPECTED[name]
    path = OLD_SESSIONS / name
    then = run("render", expected["flow"], "--answers", str(path), "--format", "json", "--as-answered")
    assert then.returncode == 0, then.stderr
    out = json.loads(then.stdout)
    assert out["flow_version"] == "2.0"
    for key in ("recommendation", "calls_for", "supported", "held_back_by"):
        assert out[key] == expected[key], key
    # under the flow as it is now, every answer is used or carried forward; none is set aside
    flow = load_flow(flows_dir() / f"{expected['flow']}.yaml")
    session, _ = Session.from_file(flow, given_of(path))
    carried = {c.was for c in session.migrated.carried} if session.migrated else set()
    assert set(expected["answers"]) <= set(session.answers) | carried
    assert not [key for key, kept in session.unfit.items() if not kept.dropped_in]


def test_migrate_rewrites_in_place_keeps_the_original_and_says_what_changed(tmp_path):
    path = trial_session(tmp_path / "room")
    original = path.read_bytes()
    dry = run("migrate", "--flow", str(TRIAL), "--dry-run", str(path))
    assert dry.returncode == 0, dry.stderr
    assert "would be carried from version 1.0 to 2.0 (5 changes)" in dry.stdout
    assert path.read_bytes() == original and len(list(path.parent.iterdir())) == 1
    done = run("migrate", "--flow", str(TRIAL), str(path))
    assert done.returncode == 0, done.stderr
    backup = path.with_name(path.name + ".v1.0.bak")
    assert backup.read_bytes() == original
    saved = yaml.safe_load(path.read_text())
    assert saved["flow_version"] == "2.0" and saved["answers"]["money"] == "yes"
    assert saved["session"]["id"] == "20261201-120000-aaaaaa" and saved["session"]["drafts"] == {"notes": "half typed"}
    assert saved["last_recommendation"] == "low"
    again = run("migrate", "--flow", str(TRIAL), str(path))
    assert again.returncode == 0 and "already at version 2.0" in again.stdout
    (tmp_path / "room" / "broken.yaml").write_text("flow: [\n")
    bad = run("migrate", "--flow", str(TRIAL), str(path), str(tmp_path / "room" / "broken.yaml"))
    assert bad.returncode == 2 and "broken.yaml:" in bad.stderr and "Traceback" not in bad.stderr
    (tmp_path / "room" / "broken.yaml").unlink()
    # the kept original is passed over by the cohort report and by the list of sessions
    report = run("cohort", "--flow", str(TRIAL), "--format", "json", str(tmp_path / "room"))
    assert report.returncode == 0, report.stderr
    assert ".bak" not in report.stdout + report.stderr
    assert SessionStore(tmp_path / "room").names() == ["20261201-120000-aaaaaa"]


def test_migrate_carries_a_hand_written_answers_file_and_leaves_no_session_block(tmp_path):
    path = tmp_path / "answers.yaml"
    path.write_text("flow: trial\nflow_version: '1.0'\nanswers:\n  shape: fixed\n  budget: 'no'\n")
    done = run("migrate", "--flow", str(TRIAL), str(path))
    assert done.returncode == 0, done.stderr
    saved = yaml.safe_load(path.read_text())
    assert saved["answers"] == {"shape": "fixed", "money": "no", "online": "no"} and "session" not in saved


def test_cohort_counts_a_session_of_ones_own_flow_under_the_flow_it_recorded(tmp_path):
    own = tmp_path / "mine" / "trial.yaml"
    own.parent.mkdir()
    own.write_text(TRIAL.read_text())
    flow = load_flow(own)
    store = SessionStore(tmp_path / "data" / "sessions")
    session = store.new(flow)
    session.answer("shape", "open")
    store.save(session)
    own.unlink()  # the flow file is gone; its kept copy remains beside the sessions
    report = run("cohort", "--format", "json", str(tmp_path / "data" / "sessions"))
    assert report.returncode == 0, report.stderr
    [counted] = json.loads(report.stdout)["flows"]
    assert counted["flow"] == "trial" and counted["answer_sets"] == 1
