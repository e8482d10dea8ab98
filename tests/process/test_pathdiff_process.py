"""What an edit to a flow does (`paths --diff`): the counts, and the very combinations that change, must be.

The tests of it that run the codesign command, a room or a browser; tests/unit/test_pathdiff.py holds the rest."""

from __future__ import annotations

import pytest
import yaml

from codesign_tui.flow.loader import load_flow
from codesign_tui.flow.pathdiff import diff
from test_cli import assert_no_traceback, codesign
from test_pathdiff import EDIT, EDIT_OLD  # noqa: F401  (helpers and fixtures)


def test_paths_diff_exits_0_when_nothing_changes_and_1_when_something_does(tmp_path):
    same = codesign("paths", "--diff", str(EDIT), str(EDIT))
    assert same.returncode == 0, same.stderr
    assert "Recommendation: 0 combinations change" in same.stdout
    loosened = tmp_path / "edit.yaml"
    loosened.write_text(EDIT.read_text().replace("accepts: [staff, partners]", "accepts: [staff]"))
    run = codesign("paths", "--diff", str(EDIT), str(loosened))
    assert run.returncode == 1, run.stderr
    assert "middle → high" in run.stdout and "e.g. scope=open" in run.stdout
    from_version = codesign("paths", str(EDIT), "--diff-from", "1.0")
    assert from_version.returncode == 1
    assert "edit 1.0 → edit 2.0" in from_version.stdout and "(asked again)" in from_version.stdout


@pytest.mark.parametrize("args, says", [
    (["--diff-from", "9.9"], "no version '9.9'"),
    (["--diff", "nowhere.yaml", str(EDIT)], "nowhere.yaml"),
    (["--sessions", "x.yaml"], "--sessions goes with --diff"),
])
def test_paths_diff_errors_exit_2(args, says):
    run = codesign("paths", *([str(EDIT)] if args[0] != "--diff" else []), *args)
    assert run.returncode == 2
    assert says in run.stderr
    assert_no_traceback(run)


def test_paths_diff_csv_lists_every_changed_combination_with_cells_a_spreadsheet_shows(tmp_path):
    run = codesign("paths", str(EDIT), "--diff-from", "1.0", "--csv")
    assert run.returncode == 1
    lines = run.stdout.splitlines()
    assert lines[0] == "scope,duty,money,help,time,old_recommendation,new_recommendation,old_held_back_by,new_held_back_by"
    report = diff(load_flow(EDIT_OLD), load_flow(EDIT))
    assert len(lines) - 1 == report.changing
    # an answer a spreadsheet would run as a formula is written with a leading apostrophe
    import csv
    import io

    from test_hostile_files import CSV_FLOW

    (tmp_path / "old.yaml").write_text(CSV_FLOW)
    (tmp_path / "new.yaml").write_text(CSV_FLOW.replace("level: low", "level: high"))
    run = codesign("paths", "--diff", str(tmp_path / "old.yaml"), str(tmp_path / "new.yaml"), "--csv")
    assert run.returncode == 1, run.stderr
    cells = [cell for row in csv.reader(io.StringIO(run.stdout)) for cell in row]
    assert "'=HYPERLINK(1)" in cells
    assert not any(cell[:1] in "=+-@" for cell in cells if cell)


def test_sessions_say_whose_plan_an_edit_moves(tmp_path):
    def person(name, project, **answers):
        (tmp_path / f"{name}.yaml").write_text(yaml.safe_dump(
            {"flow": "edit", "flow_version": "1.0", "project": project, "prepared_by": name, "answers": answers}))

    person("ali", "Youth service redesign", scope="open", duty="no", money="unsure", help=["staff"], timing="years")
    person("bea", "Library hours", scope="some", duty="no", money="yes", help=["staff"], timing="weeks")
    person("cat", "Park cafe", scope="open", duty="no", money="yes", help=["staff", "partners"], timing="never")
    (tmp_path / "other.yaml").write_text(yaml.safe_dump({"flow": "appendix2", "answers": {}}))
    run = codesign("paths", str(EDIT), "--diff-from", "1.0", "--sessions", str(tmp_path))
    assert run.returncode == 1, run.stderr
    lines = {line.strip().split(":")[0].rsplit("/", 1)[-1]: line for line in run.stdout.splitlines()
             if line.startswith("  ") and ".yaml" in line}
    assert "Youth service redesign, prepared by ali: Low → Middle" in lines["ali.yaml"]
    assert "Library hours, prepared by bea: Middle (unchanged)" in lines["bea.yaml"]
    assert "Park cafe, prepared by cat: Middle → not decided; to answer (again): time" in lines["cat.yaml"]
    assert "skipped" in lines["other.yaml"] and "'appendix2'" in lines["other.yaml"]
