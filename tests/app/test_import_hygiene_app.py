"""The domain core and the headless commands never load Textual: they stay quick and testable alone.

The tests of it that drive the full-screen app; tests/process/test_import_hygiene.py holds the rest."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from test_import_hygiene import CORE  # noqa: F401  (helpers and fixtures)


@pytest.mark.parametrize("path", CORE, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_core_modules_do_not_import_textual(path):
    tree = ast.parse(path.read_text(), str(path))
    imported = [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names]
    imported += [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
    assert not [name for name in imported if name.split(".")[0] == "textual"]


WIDGETS = sorted((Path(__file__).resolve().parents[2] / "codesign_tui" / "tui" / "widgets").glob("*.py"))


@pytest.mark.parametrize("path", WIDGETS, ids=lambda p: p.name)
def test_widgets_do_not_look_their_screen_up(path):
    """A widget is handed what it needs, or posts a message, and the screen decides (STYLE.md): none finds the
    screen's other widgets (`self.screen.query_one("#composer")`) or reads its state (`getattr(self.screen,
    "shown")`). Textual's own screen API (focus_next, active_bindings) is not the screen's state."""
    tree = ast.parse(path.read_text(), str(path))
    found = [node.lineno for node in ast.walk(tree)
             if isinstance(node, ast.Attribute) and node.attr in ("query", "query_one", "query_exactly_one",
                                                                   "query_children")
             and isinstance(node.value, ast.Attribute) and node.value.attr == "screen"]
    found += [node.lineno for node in ast.walk(tree)
              if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "getattr"
              and node.args and isinstance(node.args[0], ast.Attribute) and node.args[0].attr == "screen"]
    assert not found, f"{path.name} looks its screen up at lines {found}"
