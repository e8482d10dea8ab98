"""`codesign render` as a person runs it, with a flow kept between runs (flow/kept.py): the second run takes
the kept flow and writes the same plan; an edited flow, or a damaged entry, is read from its YAML again."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from test_plan_support import ANSWERS

ROOT = Path(__file__).resolve().parents[2]
FLOWS = ROOT / "flows"


pytestmark = pytest.mark.cold_cache  # its first command must find the cache empty


def render(flow: Path, answers: Path, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "codesign_tui", "render", str(flow), "--answers", str(answers)],
                          capture_output=True, text=True, cwd=cwd, timeout=120, env=os.environ.copy())


def kept() -> list[Path]:
    return sorted((Path(os.environ["CODESIGN_CACHE_DIR"]) / "flows").glob("*.json"))


def test_a_kept_flow_makes_the_same_plan_and_an_edited_one_is_read_again(tmp_path):
    folder = tmp_path / "flows"
    folder.mkdir()
    for path in FLOWS.glob("*.yaml"):
        shutil.copy(path, folder / path.name)
    flow = folder / "appendix2.yaml"
    answers = ANSWERS / "appendix2-codesign.yaml"
    first = render(flow, answers, tmp_path)
    assert first.returncode == 0, first.stderr
    [entry] = kept()
    written = entry.stat().st_mtime_ns
    second = render(flow, answers, tmp_path)
    assert second.returncode == 0, second.stderr
    assert second.stdout == first.stdout and second.stderr == first.stderr
    assert entry.stat().st_mtime_ns == written  # taken, not written again
    if os.name == "posix":
        assert (entry.parent.stat().st_mode & 0o777) == 0o700 and (entry.stat().st_mode & 0o777) == 0o600

    entry.write_text("damaged", encoding="utf-8")
    third = render(flow, answers, tmp_path)
    assert third.returncode == 0 and third.stdout == first.stdout
    assert entry.read_text(encoding="utf-8") != "damaged"

    text = flow.read_text(encoding="utf-8")
    title = text.split("\ntitle: ", 1)[1].split("\n", 1)[0]
    flow.write_text(text.replace(f"title: {title}", "title: An edited flow", 1), encoding="utf-8")
    edited = render(flow, answers, tmp_path)
    assert edited.returncode == 0, edited.stderr
    assert "An edited flow" in edited.stdout and "An edited flow" not in first.stdout
