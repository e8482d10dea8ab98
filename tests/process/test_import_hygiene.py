"""The domain core and the headless commands never load Textual: they stay quick and testable alone."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CORE = sorted((ROOT / "codesign_tui" / "flow").glob("*.py")) + sorted((ROOT / "codesign_tui" / "plan").glob("*.py"))
ANSWERS = Path(__file__).parent.parent / "data" / "answers" / "appendix2-codesign.yaml"

# runs the command as `codesign ARGS` would, then says which of the packages named were loaded
COMMAND_PROBE = """
import sys, runpy
sys.argv = ["codesign", *{args!r}]
try:
    runpy.run_module("codesign_tui", run_name="__main__")
except SystemExit:
    pass
loaded = sorted(m for m in sys.modules if m.split(".")[0] in {packages!r})
print("{label}:", ",".join(loaded) or "none", file=sys.stderr)
"""
PROBE = COMMAND_PROBE.replace("{packages!r}", repr(("textual",))).replace("{label}", "TEXTUAL")


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


def test_the_probe_would_see_textual_if_it_were_loaded():
    # guards the test above against passing because the probe cannot see anything
    code = PROBE.format(args=["flows"]).replace("loaded =", "import textual.app\nloaded =")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert "TEXTUAL: textual" in run.stderr


def lint_imports(root: Path) -> subprocess.CompletedProcess:
    """import-linter's check of the contracts in pyproject.toml, on the package under `root`."""
    command = "from importlinter.cli import lint_imports_command; lint_imports_command()"
    return subprocess.run([sys.executable, "-c", command], capture_output=True, text=True, cwd=root,
                          timeout=300, env={**__import__("os").environ, "PYTHONPATH": str(root)})


def test_the_layers_hold():
    run = lint_imports(ROOT)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert "0 broken" in run.stdout


@pytest.mark.parametrize("where, line, contract", [
    ("flow/engine.py", "from ..plan import render", "The engine and the conversation know no plan"),
    ("flow/conversation.py", "from .. import sessions", "The engine and the conversation know no plan"),
    ("flow/conversation.py", "from ..files import ExportError", "The engine and the conversation know no plan"),
    ("flow/catalogue.py", "from ..files import write_atomically", "The engine and the conversation know no plan"),
    ("sessions.py", "import textual", "never load the full-screen app"),
    ("cohort/report.py", "from ..tui import app", "never load the full-screen app"),
    ("sessions.py", "from .plan import render", "Saving a session is not rendering a plan"),
    ("room/app.py", "import textual", "The room is a web view of the conversation"),
    ("room/seats.py", "from ..tui import app", "The room is a web view of the conversation"),
])
def test_a_forbidden_import_breaks_a_contract(tmp_path, where, line, contract):
    import shutil

    shutil.copytree(ROOT / "codesign_tui", tmp_path / "codesign_tui",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    module = tmp_path / "codesign_tui" / where
    module.write_text(module.read_text() + f"\n\ndef _sneaked_in():\n    {line}\n")
    run = lint_imports(tmp_path)
    assert run.returncode != 0
    assert f"{contract}" in run.stdout and "BROKEN" in run.stdout, run.stdout[-3000:]


# python-docx is a core dependency, but only writing a Word file loads it (with lxml): start-up stays as it was
DOCX_PROBE = COMMAND_PROBE.replace("{packages!r}", repr(("docx", "lxml"))).replace("{label}", "DOCX")

APP_PROBE = """
import asyncio, sys
from codesign_tui.flow.loader import load_flow
from codesign_tui.resources import flows_dir
from codesign_tui.tui.app import make_app

async def start():
    app = make_app(flow=load_flow(flows_dir() / "appendix2.yaml"))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("2")
        await pilot.pause()
        print("SCREEN:", type(app.screen).__name__, file=sys.stderr)

asyncio.run(start())
loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("docx", "lxml"))
print("DOCX:", ",".join(loaded) or "none", file=sys.stderr)
"""


def _probe(code: str, tmp_path: Path) -> str:
    env = {**__import__("os").environ, "CODESIGN_DATA_DIR": str(tmp_path / "data"),
           "CODESIGN_CACHE_DIR": str(tmp_path / "cache")}
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120,
                         env=env)
    return run.stderr


@pytest.mark.parametrize("args", [
    ["--help"],
    ["flows"],
    ["render", "appendix2", "--answers", str(ANSWERS), "--format", "md"],
    ["render", "appendix2", "--answers", str(ANSWERS), "--format", "html"],
    ["render", "appendix2", "--answers", str(ANSWERS), "--format", "json", "--summary"],
])
def test_the_command_loads_python_docx_only_to_write_word(args, tmp_path):
    stderr = _probe(DOCX_PROBE.format(args=args), tmp_path)
    assert "DOCX: none" in stderr, stderr[-2000:]


def test_writing_word_does_load_python_docx(tmp_path):
    # guards the test above: the probe sees python-docx when it is loaded
    args = ["render", "appendix2", "--answers", str(ANSWERS), "--format", "docx", "-o", str(tmp_path / "p.docx")]
    stderr = _probe(DOCX_PROBE.format(args=args), tmp_path)
    assert "DOCX: docx" in stderr and (tmp_path / "p.docx").stat().st_size > 0, stderr[-2000:]


def test_the_app_starts_and_answers_without_loading_python_docx(tmp_path):
    stderr = _probe(APP_PROBE, tmp_path)
    assert "SCREEN:" in stderr and "DOCX: none" in stderr, stderr[-2000:]


OURS_PROBE = COMMAND_PROBE.replace("{packages!r}", repr(("codesign_tui", "difflib"))).replace("{label}", "LOADED")
CARRIED = Path(__file__).parent.parent / "data" / "answers" / "engagement-coproduce.yaml"  # an older version's
# what drawing a plan has no use for, once the flow is kept (the first run reads and checks it): the
# conversation's code, the flow checker and the near-miss finder that only a mistake in a flow needs
NOT_FOR_RENDER = {"codesign_tui.flow.conversation", "codesign_tui.flow.lint", "difflib"}


def test_render_loads_only_what_drawing_a_plan_needs(tmp_path):
    # a file answered under an older version of the flow: render says what was carried over, a line an answer,
    # with the conversation's wording (flow/migrations.py), but needs none of the conversation's own code
    args = ["render", "engagement-plan", "--answers", str(CARRIED), "-o", str(tmp_path / "plan.md")]
    _probe(OURS_PROBE.format(args=args), tmp_path)  # reads, checks and keeps the flow
    stderr = _probe(OURS_PROBE.format(args=args), tmp_path)
    loaded = stderr.split("LOADED:")[-1].strip().split(",")
    assert "carried over to version" in stderr and (tmp_path / "plan.md").stat().st_size > 0, stderr[-2000:]
    assert "codesign_tui.flow.migrations" in loaded and not NOT_FOR_RENDER & set(loaded), loaded


def test_the_probe_sees_what_a_mistake_loads(tmp_path):
    # guards the test above: a flow with a mistake in it is checked, and the checker and near-miss finder load
    flow = tmp_path / "broken.yaml"
    text = (ROOT / "flows" / "conflicts-of-interest.yaml").read_text(encoding="utf-8")
    flow.write_text(text.replace("goto: register", "goto: registre", 1), encoding="utf-8")
    stderr = _probe(OURS_PROBE.format(args=["validate", str(flow)]), tmp_path)
    loaded = stderr.split("LOADED:")[-1].strip().split(",")
    assert {"codesign_tui.flow.lint", "difflib"} <= set(loaded), stderr[-2000:]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the user's cache folder is found without"
                    " platformdirs on Linux alone")
def test_render_finds_the_cache_folder_on_linux_without_platformdirs(tmp_path):
    probe = COMMAND_PROBE.replace("{packages!r}", repr(("platformdirs",))).replace("{label}", "DIRS")
    args = ["render", "appendix2", "--answers", str(ANSWERS), "-o", str(tmp_path / "plan.md")]
    env = {key: value for key, value in __import__("os").environ.items() if key != "CODESIGN_CACHE_DIR"}
    env.update(XDG_CACHE_HOME=str(tmp_path / "cache"), CODESIGN_DATA_DIR=str(tmp_path / "data"))
    run = subprocess.run([sys.executable, "-c", probe.format(args=args)], capture_output=True, text=True, cwd=ROOT,
                         timeout=120, env=env)
    assert "DIRS: none" in run.stderr, run.stderr[-2000:]
    assert (tmp_path / "cache" / "codesign-tui" / "templates").is_dir()  # the cache is used, where it belongs
