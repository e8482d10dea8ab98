"""Hostile input, third round, outside the room: session and answers files whose aliases expand far past
their size are refused at a place before anything is built, and what plain mode saves is always what it
can read back (one limit for the writer and the reader). Each command runs as a child process under a
memory limit and a time guard, as in test_hostile.py.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

from test_hostile import GOOD_ANSWERS, ROOT, codesign, refused

import subprocess
import sys

from test_hostile import TIMEOUT, _limits


def alias_bomb(path: Path, repeats: int = 2000, size: int = 200_000) -> Path:
    """An answers file of a few hundred kilobytes that names one long text `repeats` times."""
    text = GOOD_ANSWERS.read_text(encoding="utf-8")
    text += "session:\n  id: bomb\n  drafts:\n    anchor: &big \"" + "a" * size + "\"\n    many: ["
    text += ", ".join(["*big"] * repeats) + "]\n"
    path.write_text(text, encoding="utf-8")
    return path


def test_an_answers_file_whose_aliases_expand_past_the_limit_is_refused_at_the_anchor(tmp_path: Path):
    path = alias_bomb(tmp_path / "bomb.yaml")
    assert path.stat().st_size < 250_000
    line = next(number for number, text in enumerate(path.read_text().splitlines(), 1) if "&big" in text)
    out = refused(codesign("render", "appendix2", "--answers", str(path)),
                  f"bomb.yaml:{line}:13: error: aliases repeat what is anchored here so often that the file"
                  " would hold ")
    import re

    # 2,000 copies of a 200,000-character text: at least 400 million characters, counted before any is built
    assert int(re.search(r"would hold ([\d,]+) characters", out)[1].replace(",", "")) >= 400_000_000
    assert "template" not in out


def test_a_saved_session_whose_aliases_expand_is_set_aside_with_its_place(tmp_path: Path):
    sessions = tmp_path / "data" / "sessions"
    sessions.mkdir(parents=True)
    alias_bomb(sessions / "20260101-000000-abcdef.session.yaml")
    run = subprocess.run([sys.executable, "-m", "codesign_tui", "sessions"], cwd=ROOT, capture_output=True,
                         text=True, timeout=TIMEOUT, stdin=subprocess.DEVNULL, preexec_fn=_limits,
                         env={**os.environ, "CODESIGN_DATA_DIR": str(tmp_path / "data")})
    out = run.stdout + run.stderr
    assert "Traceback" not in out and "aliases repeat what is anchored here" in out, out[-2000:]
    assert not list(sessions.glob("*.session.yaml"))  # moved aside, and nothing huge written anywhere
    assert all(p.stat().st_size < 300_000 for p in sessions.iterdir())


def test_plain_mode_refuses_a_reply_it_could_not_read_back(tmp_path: Path):
    """A 17 MB reply is more than a session file may hold: plain mode says so (piped, it stops there and
    names the line), and the session it saves is one that resumes."""
    data = tmp_path / "data"
    reply = tmp_path / "reply.txt"
    reply.write_text("Big project\n" + "z" * 17_000_000 + "\nAnn\nquit\n", encoding="utf-8")
    with reply.open("rb") as stdin:
        run = subprocess.run([sys.executable, "-m", "codesign_tui", "--plain", "appendix2"], cwd=ROOT,
                             capture_output=True, timeout=TIMEOUT, stdin=stdin, preexec_fn=_limits,
                             env={**os.environ, "CODESIGN_DATA_DIR": str(data), "COLUMNS": "100"})
    out = (run.stdout + run.stderr).decode("utf-8", "replace")
    assert "Traceback" not in out and len(out) < 100_000, out[-2000:]
    assert "That reply is 17,000,000 characters long; keep it to 1,000,000 or fewer" in out
    assert run.returncode == 2 and "line 2 of the input" in out  # piped: a line that does not fit stops the run
    [saved] = (data / "sessions").glob("*.session.yaml")
    assert yaml.safe_load(saved.read_text())["project"] == "Big project"
    resumed = subprocess.run([sys.executable, "-m", "codesign_tui", "--plain", "--resume"], cwd=ROOT,
                             capture_output=True, text=True, timeout=TIMEOUT, input="quit\n",
                             preexec_fn=_limits, env={**os.environ, "CODESIGN_DATA_DIR": str(data)})
    assert "Traceback" not in resumed.stdout + resumed.stderr and "damaged" not in resumed.stdout + resumed.stderr
    assert list((data / "sessions").glob("*.session.yaml")) == [saved]


# -- smaller: CSV cells, the save question, -o -, notices ---------------------------------------------------

CSV_FLOW = """id: csvflow
title: CSV
version: "1.0"
summary: Cells a spreadsheet would run.
levels:
  - id: low
  - id: high
calls_for:
  - id: formula
    level: low
    when: "budget == '=HYPERLINK(1)'"
    because: A formula.
  - id: any
    level: high
    because: Always.
sections:
  - id: first
    title: First
    questions:
      - id: budget
        prompt: Is there a budget?
        kind: single
        options:
          - value: "=HYPERLINK(1)"
            label: Formula
          - value: "-2+3"
            label: Minus
          - value: "@SUM(1)"
            label: At
          - value: "+1"
            label: Plus
"""


def test_paths_csv_writes_no_cell_a_spreadsheet_would_run(tmp_path: Path):
    import csv
    import io

    path = tmp_path / "csvflow.yaml"
    path.write_text(CSV_FLOW, encoding="utf-8")
    run = codesign("paths", str(path), "--csv")
    assert run.returncode == 0, run.stderr
    cells = [cell for row in csv.reader(io.StringIO(run.stdout)) for cell in row]
    assert "'=HYPERLINK(1)" in cells and "'-2+3" in cells and "'@SUM(1)" in cells and "'+1" in cells
    assert not any(cell[:1] in "=+-@" for cell in cells if cell)


def _to_the_save_question(appendix2, tmp_path: Path, last: str) -> tuple[str, list[Path]]:
    import io

    from codesign_tui.plain import converse
    from codesign_tui.sessions import SessionStore

    store = SessionStore(tmp_path / "sessions")
    replies = ["", "", "1", "3", "1", "1", "1", "1", "1", "1"] + ([last] if last is not None else [])
    out = io.StringIO()
    converse(appendix2, io.StringIO("".join(r + "\n" for r in replies)), out, tmp_path / "plans", store=store)
    return out.getvalue(), sorted((tmp_path / "plans").glob("*")) if (tmp_path / "plans").exists() else []


@pytest.mark.parametrize("command", ["render", "cohort"])
def test_dash_o_dash_is_standard_output(tmp_path: Path, command: str):
    args = (["render", "appendix2", "--answers", str(GOOD_ANSWERS)] if command == "render"
            else ["cohort", str(GOOD_ANSWERS)])
    run = subprocess.run([sys.executable, "-m", "codesign_tui", *args, "-o", "-"], cwd=tmp_path,
                         capture_output=True, text=True, timeout=TIMEOUT, stdin=subprocess.DEVNULL,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert run.returncode == 0, run.stderr
    assert not (tmp_path / "-").exists() and run.stdout.startswith("#")


@pytest.mark.slow(35)
def test_plain_resume_of_a_hundred_thousand_unknown_ids_lists_two_hundred(tmp_path: Path):
    sessions = tmp_path / "data" / "sessions"
    sessions.mkdir(parents=True)
    (sessions / "20260101-000000-abcdef.session.yaml").write_text(
        "flow: appendix2\nanswers:\n" + "".join(f"  unknown_{n}: yes\n" for n in range(100_000))
        + "session:\n  id: 20260101-000000-abcdef\n")
    run = subprocess.run([sys.executable, "-m", "codesign_tui", "--plain", "--resume"], cwd=ROOT,
                         capture_output=True, text=True, timeout=TIMEOUT, input="quit\n",
                         preexec_fn=_limits, env={**os.environ, "CODESIGN_DATA_DIR": str(tmp_path / "data")})
    out = run.stdout + run.stderr
    assert "Traceback" not in out and out.count("no longer fits the flow") == 200, out[-2000:]
    assert "99,800 more answers are kept aside in the file and not used" in out
