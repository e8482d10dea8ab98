"""The domain core and the headless commands never load Textual: they stay quick and testable alone."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORE = sorted((ROOT / "codesign_tui" / "flow").glob("*.py")) + sorted((ROOT / "codesign_tui" / "plan").glob("*.py"))
ANSWERS = Path(__file__).parent / "data" / "answers" / "appendix2-codesign.yaml"

PROBE = """
import sys, runpy
sys.argv = ["codesign", *{args!r}]
try:
    runpy.run_module("codesign_tui", run_name="__main__")
except SystemExit:
    pass
loaded = sorted(m for m in sys.modules if m == "textual" or m.startswith("textual."))
print("TEXTUAL:", ",".join(loaded) or "none", file=sys.stderr)
"""


@pytest.mark.parametrize("args", [
    ["validate"],
    ["render", "appendix2", "--answers", str(ANSWERS), "--format", "json"],
    ["render", "appendix2", "--answers", str(ANSWERS), "--format", "md"],
    ["flows"],
    ["paths", "appendix2"],
])
def test_headless_commands_never_import_textual(args):
    run = subprocess.run([sys.executable, "-c", PROBE.format(args=args)], capture_output=True, text=True,
                         cwd=ROOT, timeout=120)
    assert "TEXTUAL: none" in run.stderr, run.stderr[-2000:]


@pytest.mark.parametrize("path", CORE, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_core_modules_do_not_import_textual(path):
    tree = ast.parse(path.read_text(), str(path))
    imported = [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names]
    imported += [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
    assert not [name for name in imported if name.split(".")[0] == "textual"]


def test_the_probe_would_see_textual_if_it_were_loaded():
    # guards the test above against passing because the probe cannot see anything
    code = PROBE.format(args=["flows"]).replace("loaded =", "import textual.app\nloaded =")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert "TEXTUAL: textual" in run.stderr
