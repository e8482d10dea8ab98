"""Flows that change: the fingerprint and kept copies of a flow, its released versions, its migrations (applied
and checked), saying when a recommendation moved, `render --as-answered`, `migrate` and the cohort."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from codesign_tui.flow.answers import AnswersFile, fit_answers, read_answers
from codesign_tui.flow.engine import Session, evaluate
from codesign_tui.flow.loader import load_flow
from codesign_tui.flow.problems import Problems
from codesign_tui.flow.validate import validate_paths
from codesign_tui.flow.versions import (answered_under, canonical_json, fingerprint, kept, recorded_version,
                                        released)
from codesign_tui.resources import flows_dir, shipped_flows
from codesign_tui.sessions import SessionStore
from codesign_tui.sessions import keep_flow as keep

DATA = Path(__file__).parent.parent / "data"
TRIAL = DATA / "versioned" / "trial.yaml"
OLD_SESSIONS = DATA / "versions" / "2.0"
EXPECTED = json.loads((DATA / "versions" / "expected-2.0.json").read_text())


def trial_session(folder: Path, name: str = "20261201-120000-aaaaaa", version: str = "1.0", **extra) -> Path:
    """A session of the trial flow saved under an older version, as the app wrote it then."""
    data = {"flow": "trial", "flow_version": version, "project": "Trial work", "prepared_by": "Sam",
            "answers": {"shape": "open", "budget" if version == "1.0" else "money": "yes",
                        "time": "months" if version == "1.0" else "short", "notes": "Keep the library open late",
                        "people": [{"name": "Ann", "role": "member"}, {"name": "Bob", "role": "officer"}]},
            "last_recommendation": "high",
            "session": {"id": name, "flow_path": str(TRIAL.resolve()), "cursor": None,
                        "created": "2026-12-01T12:00:00+00:00", "updated": "2026-12-01T12:30:00+00:00",
                        "drafts": {"notes": "half typed"},
                        "plans": [{"file": "/somewhere/trial-plan.md", "flow_version": version,
                                   "flow_fingerprint": "0" * 64, "recommendation": "high"}]}}
    data.update(extra)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.session.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def given_of(path: Path) -> AnswersFile:
    problems = Problems()
    given = read_answers(path, problems)
    assert given is not None and not problems.errors, problems.format()
    return given


# -- the fingerprint and kept copies -------------------------------------------------------------------------

@pytest.mark.parametrize("path", shipped_flows(), ids=lambda p: p.stem)
def test_a_kept_copy_is_the_same_flow_and_decides_every_example_the_same(path, tmp_path):
    flow = load_flow(path)
    copy = kept([tmp_path], flow.id, fingerprint(keep(flow, tmp_path) and flow))
    assert copy is not None and copy.path != flow.path
    assert canonical_json(copy) == canonical_json(flow) and fingerprint(copy) == fingerprint(flow)
    assert len(flow.examples) > 0
    for example in flow.examples:
        fitted = fit_answers(flow, AnswersFile(flow.id, example.answers)).answers
        mine, theirs = evaluate(flow, fitted).to_dict(), evaluate(copy, fitted).to_dict()
        assert mine == theirs, example.name


def test_a_flow_is_kept_once_a_fingerprint_and_a_copy_that_is_not_that_flow_is_not_used(appendix2, tmp_path):
    path = keep(appendix2, tmp_path)
    stamp = path.stat().st_mtime_ns
    assert keep(appendix2, tmp_path) == path and path.stat().st_mtime_ns == stamp
    assert len(list(tmp_path.iterdir())) == 1
    path.write_text(path.read_text().replace("Co-design", "Co-plan"))  # edited by hand: no longer that flow
    assert kept([tmp_path], appendix2.id, fingerprint(appendix2)) is None
    assert kept([tmp_path], "../appendix2", fingerprint(appendix2)) is None
    assert kept([tmp_path], appendix2.id, "../../etc/passwd") is None


def test_the_fingerprint_changes_with_what_a_flow_says_not_where_it_is(appendix2, tmp_path):
    text = (flows_dir() / "appendix2.yaml").read_text()
    (tmp_path / "moved.yaml").write_text(text)
    assert fingerprint(load_flow(tmp_path / "moved.yaml")) == fingerprint(appendix2)
    (tmp_path / "edited.yaml").write_text(text.replace("Co-design needs at least some time",
                                                       "Co-design needs some time", 1))
    assert fingerprint(load_flow(tmp_path / "edited.yaml")) != fingerprint(appendix2)


@pytest.mark.parametrize("path", shipped_flows(), ids=lambda p: p.stem)
def test_every_shipped_flow_keeps_its_released_versions_and_a_way_from_each(path):
    from codesign_tui.flow.migrations import chain
    from codesign_tui.flow.versions import released_versions

    flow = load_flow(path)
    assert "2.0" in released_versions(flow)
    for version in released_versions(flow):
        old = load_flow(flows_dir() / "released" / version / f"{flow.id}.yaml")
        assert old.id == flow.id and old.version == version
        if version != flow.version:
            assert chain(flow, version) is not None, f"no migrations from {version}"
            assert released(flow, version) is not None


# -- what a file records ---------------------------------------------------------------------------------

def test_a_saved_session_records_its_flow_and_the_recommendation_last_given(appendix2, tmp_path):
    store = SessionStore(tmp_path / "sessions")
    session, _ = Session.from_file(appendix2, given_of(DATA / "answers" / "appendix2-consult-held-back.yaml"),
                                   name="20261201-120000-bbbbbb")
    assert session.result(so_far=True).decided
    store.save(session)
    saved = yaml.safe_load(store.path(session.name).read_text())
    assert saved["flow"] == "appendix2" and saved["flow_version"] == appendix2.version
    assert saved["flow_fingerprint"] == fingerprint(appendix2) and len(saved["flow_fingerprint"]) == 64
    assert saved["last_recommendation"] == session.result(so_far=True).recommendation.id
    assert [p.name for p in (tmp_path / "flows").iterdir()] == [f"appendix2-{fingerprint(appendix2)}.json"]


def test_a_file_without_a_version_is_a_shipped_flows_2_0_and_anyone_elses_flow_as_it_is(appendix2, tmp_path):
    plain = AnswersFile("appendix2", {})
    assert recorded_version(appendix2, plain) == "2.0"
    own = tmp_path / "appendix2.yaml"
    own.write_text((flows_dir() / "appendix2.yaml").read_text().replace(f'version: "{appendix2.version}"',
                                                                        'version: "7.1"'))
    assert recorded_version(load_flow(own), plain) == "7.1"
    assert recorded_version(appendix2, AnswersFile("appendix2", {}, flow_version="1.4")) == "1.4"


# -- migrations ------------------------------------------------------------------------------------------

def test_answers_from_1_0_are_carried_through_the_chain_and_only_what_none_carries_is_set_aside(tmp_path):
    flow = load_flow(TRIAL)
    given = given_of(trial_session(tmp_path, answers={
        "shape": "open", "budget": "yes", "time": "months", "notes": "Keep it open late",
        "people": [{"name": "Ann", "role": "member"}, {"name": "Bob", "role": "officer"}], "colour": "red"}))
    session, _ = Session.from_file(flow, given)
    assert session.answers == {"shape": "open", "money": "yes", "time": "short", "online": "no",
                               "people": [{"name": "Ann", "position": "elected"}, {"name": "Bob", "position": "staff"}]}
    assert set(session.unfit) == {"notes", "colour"}  # dropped by 1.1 -> 2.0; no migration carries colour
    assert session.unfit["notes"].dropped_in == "2.0" and session.unfit["notes"].answer == "Keep it open late"
    assert session.drafts == {"notes": "half typed"}  # typed, never sent: kept for the question asked again
    assert [c.question for c in session.migrated.carried] == ["money", "time", "notes", "online", "people"]


def test_each_changed_answer_is_said_in_one_line(tmp_path):
    from codesign_tui.flow.conversation import carried_notes

    flow = load_flow(TRIAL)
    session, _ = Session.from_file(flow, given_of(trial_session(tmp_path)))
    lines = carried_notes(flow, session.migrated)
    assert len(lines) == 5 and all("\n" not in line for line in lines)
    assert "“How long is there” is carried over to version 2.0 of the flow as short (it was months)" in lines[1]
    assert "“What else should the plan say” (Keep the library open late) is not carried over" in lines[2]
    assert "answered no for you" in lines[3]


def test_a_file_from_the_middle_of_the_chain_takes_only_the_steps_after_it(tmp_path):
    flow = load_flow(TRIAL)
    session, _ = Session.from_file(flow, given_of(trial_session(tmp_path, version="1.1")))
    assert session.answers["money"] == "yes" and session.answers["time"] == "short"
    assert session.migrated.start == "1.1" and {c.question for c in session.migrated.carried} == {
        "notes", "online", "people"}


def test_a_dropped_answer_stays_aside_after_saving_though_it_would_fit(tmp_path):
    flow = load_flow(TRIAL)
    store = SessionStore(tmp_path / "sessions")
    trial_session(tmp_path / "sessions")
    session, _ = store.open(flow, "20261201-120000-aaaaaa")
    store.save(session)
    again, brought_back = store.open(flow, "20261201-120000-aaaaaa")
    assert "notes" not in again.answers and "notes" in again.unfit and brought_back == ()
    assert again.migrated is None and again.change is None  # recorded under 2.0 now: nothing more to say


def test_resuming_after_a_change_says_the_recommendation_moved_and_why_and_names_old_plans(tmp_path):
    from codesign_tui.flow.conversation import checked_notes

    flow = load_flow(TRIAL)
    store = SessionStore(tmp_path / "sessions")
    trial_session(tmp_path / "sessions")
    session, brought_back = store.open(flow, "20261201-120000-aaaaaa")
    assert session.change.before == "High" and session.change.after == "Low"  # 1.0 decided again: High
    notes = checked_notes(session, brought_back)
    moved = next(n for n in notes if "recommendation is now" in n)
    assert moved.startswith("Under the flow's version 2.0 your recommendation is now Low (it was High): High now"
                            " also needs “How long is there” to be long (you said short)")
    assert any("/somewhere/trial-plan.md (under version 1.0) is out of date" in n for n in notes)


def test_a_recommendation_that_did_not_move_is_said_to_be_the_same(tmp_path):
    from codesign_tui.flow.conversation import checked_notes

    flow = load_flow(TRIAL)
    store = SessionStore(tmp_path / "sessions")
    trial_session(tmp_path / "sessions", answers={"shape": "open", "budget": "yes", "time": "years"})
    session, brought_back = store.open(flow, "20261201-120000-aaaaaa")
    assert "Under the flow's version 2.0 your recommendation is still High." in checked_notes(session, brought_back)


# -- checking migrations -----------------------------------------------------------------------------------

BAD = """\
id: trial
title: A trial
version: "2.0"
summary: x
sections:
  - id: main
    title: The work
    questions:
      - id: money
        prompt: Money?
        kind: yes_partly_no_unsure
      - id: time
        prompt: Time?
        kind: single
        options: [short, long]
      - id: people
        prompt: Who?
        kind: record
        fields:
          - id: position
            prompt: Position
            kind: single
            options: [elected, staff]
migrations:
  - from: "1.0"
    to: "1.2"
    rename_question: {budget: monney}
    map_option:
      time: {weeks: shrt}
  - from: "1.1"
    rename_field:
      people: {role: postion}
    map_field_value:
      people:
        position: {member: elect}
    default:
      time: forever
"""


def test_validate_checks_the_old_side_against_the_released_version_and_names_one_with_no_way_forward(tmp_path):
    (tmp_path / "released" / "1.0").mkdir(parents=True)
    (tmp_path / "released" / "1.1").mkdir(parents=True)
    (tmp_path / "released" / "1.0" / "trial.yaml").write_text(
        (DATA / "versioned" / "released" / "1.0" / "trial.yaml").read_text())
    (tmp_path / "released" / "0.9").mkdir()
    (tmp_path / "released" / "0.9" / "trial.yaml").write_text(
        (DATA / "versioned" / "released" / "1.0" / "trial.yaml").read_text().replace('"1.0"', '"0.9"'))
    text = TRIAL.read_text().replace("rename_question: {budget: money}", "rename_question: {budjet: money}")
    text = text.replace("time: {weeks: short, months: short, years: long}", "time: {weekz: short}")
    (tmp_path / "trial.yaml").write_text(text)
    problems = validate_paths([tmp_path / "trial.yaml"]).problems
    messages = [p.message for p in problems.items]
    assert "rename_question: version '1.0' has no question 'budjet'" in messages
    assert "map_option: 'weekz' was not an option of 'time' in version '1.0'" in messages
    assert any(p.severity == "warning" and "version '0.9' of this flow is kept in released/0.9/" in p.message
               for p in problems.items)
    assert validate_paths([TRIAL]).problems.items == []


# -- the command line --------------------------------------------------------------------------------------


def test_answered_under_finds_the_kept_copy_then_the_released_version(tmp_path):
    flow = load_flow(TRIAL)
    old = released(flow, "1.0")
    assert old is not None and old.version == "1.0"
    keep(old, tmp_path)
    given = AnswersFile("trial", {}, flow_version="1.0", flow_fingerprint=fingerprint(old))
    assert answered_under(flow, given, [tmp_path]).path.endswith(".json")
    assert answered_under(flow, given, []).path.endswith("released/1.0/trial.yaml")
    assert answered_under(flow, AnswersFile("trial", {}, flow_version="2.0"), []) is flow
