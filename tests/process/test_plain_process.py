"""The plain line-by-line conversation: typed replies, going back, stopping, and the files it leaves.

The tests of it that run the codesign command, a room or a browser; tests/unit/test_plain.py holds the rest."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
import yaml

from test_plain import NO_NAMES  # noqa: F401  (helpers and fixtures)


def test_piped_into_the_command(tmp_path):
    replies = "\n".join(NO_NAMES + ["no", "existing", "yes", "yes", "yes", "yes", "no", "no", ""]) + "\n"
    run = subprocess.run([sys.executable, "-m", "codesign_tui", "--plain", "appendix2"], input=replies,
                         capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Recommendation: Inform and check back." in run.stdout  # decided, and a proven answer exists
    assert len(list(tmp_path.glob("appendix2-20*.md"))) == 1


def test_resume_in_plain_mode_carries_on(tmp_path):
    run = subprocess.run([sys.executable, "-m", "codesign_tui", "--plain", "appendix2"], input="\n\nyes\nwicked\n",
                         capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert run.returncode == 1 and "--resume" in run.stdout
    run = subprocess.run([sys.executable, "-m", "codesign_tui", "--plain", "--resume"],
                         input="\n".join(["yes"] * 6) + "\n", capture_output=True, text=True, cwd=tmp_path,
                         timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Question 3 (2 of 8 answered)" in run.stdout and "Question 1 (" not in run.stdout
    assert "Recommendation: Co-produce." in run.stdout


def test_a_session_of_ones_own_flow_file_resumes_in_plain_mode(tmp_path):
    flow = tmp_path / "flows" / "mine.yaml"
    flow.parent.mkdir()
    flow.write_text((Path(__file__).parent.parent / "data" / "branching.yaml").read_text())
    run = subprocess.run([sys.executable, "-m", "codesign_tui", "--plain", "flows/mine.yaml"], input="\n\n1\n",
                         capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert "--resume" in run.stdout, run.stdout + run.stderr
    [saved] = (Path(os.environ["CODESIGN_DATA_DIR"]) / "sessions").glob("*.session.yaml")
    assert yaml.safe_load(saved.read_text())["session"]["flow_path"] == str(flow.resolve())
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    run = subprocess.run([sys.executable, "-m", "codesign_tui", "--plain", "--resume"], input="",
                         capture_output=True, text=True, cwd=elsewhere, timeout=120)
    assert "cannot" not in run.stderr and "no flow called" not in run.stderr, run.stderr
    assert "Question 2 (1 of up to 7 answered)" in run.stdout, run.stdout
