"""Templates: a user's own replace ours file by file, run in a sandbox, and a mistake in one is named.

The tests of it that need no app and no process; tests/process/test_plan_templates.py holds the rest."""

from __future__ import annotations

import pytest

from codesign_tui.plan.render import TemplateProblem, render_markdown
from codesign_tui.resources import templates_dir
from test_plan_support import session
from test_plan_templates import ROOT  # noqa: F401  (helpers and fixtures)


def test_user_templates_escape_html_in_the_page(tmp_path):
    (tmp_path / "plan.html.j2").write_text("<title>{{ title }}</title>{{ body }}")
    flow, result, meta = session("engagement-hostile")
    from codesign_tui.plan.render import render_html

    page = render_html(flow, result, meta, tmp_path)
    assert page.startswith("<title># Not a heading | not | a table &lt;script&gt;")


def test_the_render_function_raises_template_problem(tmp_path):
    (tmp_path / "plan.md.j2").write_text("{{ nothing }}")
    flow, result, meta = session("appendix2-codesign")
    with pytest.raises(TemplateProblem, match="plan.md.j2:1: 'nothing' is undefined"):
        render_markdown(flow, result, meta, tmp_path)


def test_every_shipped_template_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text()
    for template in sorted(templates_dir().glob("*.j2")):
        assert f"`{template.name}`" in readme, template.name
