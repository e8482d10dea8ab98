"""The domain core and the headless commands never load Textual: they stay quick and testable alone.

The tests of it that drive the full-screen app; tests/process/test_import_hygiene.py holds the rest."""

from __future__ import annotations

import ast
import pytest

from test_import_hygiene import CORE  # noqa: F401  (helpers and fixtures)


@pytest.mark.parametrize("path", CORE, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_core_modules_do_not_import_textual(path):
    tree = ast.parse(path.read_text(), str(path))
    imported = [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names]
    imported += [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
    assert not [name for name in imported if name.split(".")[0] == "textual"]
