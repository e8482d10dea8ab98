"""Templates: a user's own replace ours file by file, run in a sandbox, and a mistake in one is named.

The tests of it that need no app and no process; tests/process/test_plan_templates.py holds the rest."""

from __future__ import annotations

import pytest

from jinja2 import Environment

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


# -- our templates outside the sandbox, a person's inside it ----------------------------------------

def _through_the_sandbox(monkeypatch):
    """From here on, our own templates render in the sandbox, as they all did before."""
    from codesign_tui.plan import render

    monkeypatch.setattr(render, "_ENVIRONMENTS", {"": render._make_environment(None, sandboxed=True)})


@pytest.mark.parametrize("fmt", ["md", "html", "json", "text"])
def test_our_templates_make_the_same_plans_outside_the_sandbox_as_in_it(monkeypatch, fmt):
    from codesign_tui.plan.render import _Ours, _environment, render
    from codesign_tui.plan.sandbox import _Sandbox
    from test_plan import VARIANTS

    variants = [(name, options) for name, options in VARIANTS.values()]
    variants += [("engagement-coproduce", {"document": "conflicts-assessment"}),
                 ("engagement-hostile", {"public": True, "summary": True})]
    if fmt != "md":
        variants = [(name, {k: v for k, v in options.items() if k != "front_matter"}) for name, options in variants]
    assert type(_environment(None)) is _Ours
    ours = [render(fmt, *session(name), **options) for name, options in variants]
    _through_the_sandbox(monkeypatch)
    assert type(_environment(None)) is _Sandbox
    sandboxed = [render(fmt, *session(name), **options) for name, options in variants]
    for (name, options), mine, theirs in zip(variants, ours, sandboxed):
        assert mine == theirs, (name, options)


def test_the_golden_plans_come_from_our_templates_outside_the_sandbox():
    from codesign_tui.plan.render import _Ours, _environment
    from test_plan import GOLDEN, VARIANTS, plan

    assert type(_environment(None)) is _Ours
    for golden, (name, options) in VARIANTS.items():
        assert plan(name, **options) == (GOLDEN / f"{golden}.md").read_text(encoding="utf-8"), golden


@pytest.mark.parametrize("template", [
    "{{ flow.__class__ }}",
    "{{ ''.__class__.__mro__ }}",
    "{{ range.__self__ }}",
])
def test_a_templates_folder_still_renders_in_the_sandbox(tmp_path, template):
    from codesign_tui.plan.render import _environment
    from codesign_tui.plan.sandbox import _Sandbox

    (tmp_path / "plan.md.j2").write_text(template)
    flow, result, meta = session("appendix2-codesign")
    assert type(_environment(tmp_path)) is _Sandbox
    with pytest.raises(TemplateProblem, match="plan.md.j2:1: .*(sandbox|Python's internals|undefined)"):
        render_markdown(flow, result, meta, tmp_path)


def test_a_folder_replacing_one_partial_puts_our_other_templates_in_the_sandbox_too(tmp_path):
    from codesign_tui.plan.render import MAX_STEPS, TemplateProblem as Problem

    # only why.md.j2 is the person's; plan.md.j2, which includes it, is ours, and still counts the loops
    (tmp_path / "why.md.j2").write_text("{% for i in range(1000) %}{% for j in range(2000) %}{% endfor %}{% endfor %}")
    flow, result, meta = session("appendix2-codesign")
    with pytest.raises(Problem, match=f"more than {MAX_STEPS:,} times"):
        render_markdown(flow, result, meta, tmp_path)
    (tmp_path / "why.md.j2").write_text("{{ flow.sections.__class__ }}")
    with pytest.raises(Problem, match="why.md.j2:1"):
        render_markdown(flow, result, meta, tmp_path)


def test_our_compiled_templates_are_kept_apart_from_the_sandboxs(tmp_path, monkeypatch):
    """Code compiled without the sandbox's checks is never loaded into the sandbox: the two are cached
    under different names."""
    from codesign_tui.plan import render

    monkeypatch.setenv("CODESIGN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(render, "_ENVIRONMENTS", {})
    flow, result, meta = session("appendix2-codesign")
    ours = render.render_markdown(flow, result, meta)
    cached = sorted(p.name for p in (tmp_path / "cache" / "templates").iterdir())
    assert cached and all(name.startswith(f"ours{render.COMPILER}-") for name in cached)
    user = tmp_path / "mine"
    user.mkdir()
    (user / "title.md.j2").write_text((templates_dir() / "title.md.j2").read_text())  # ours, as the person's
    assert render.render_markdown(flow, result, meta, user) == ours
    names = sorted(p.name for p in (tmp_path / "cache" / "templates").iterdir())
    assert any(name.startswith(f"plan{render.COMPILER}-") for name in names)
    assert len([n for n in names if n.startswith("ours")]) == len(cached)


@pytest.fixture
def our_templates_copied(tmp_path, monkeypatch):
    """Our templates in a folder of the test's own, standing in for the installed ones."""
    import shutil

    from codesign_tui import resources
    from codesign_tui.plan import render

    folder = tmp_path / "installed-templates"
    shutil.copytree(templates_dir(), folder)
    monkeypatch.setattr(resources, "templates_dir", lambda: folder)
    monkeypatch.setattr(render, "_ENVIRONMENTS", {})
    return folder


def test_our_templates_are_loaded_from_one_bundle_kept_while_none_changes(our_templates_copied, monkeypatch):
    import os
    from pathlib import Path

    from codesign_tui.plan import render

    flow, result, meta = session("appendix2-codesign")
    first = render.render_markdown(flow, result, meta)
    bundles = list(Path(render._environment(None).bytecode_cache.directory).glob("*bundle*"))
    assert [b.name.startswith(f"ours{render.COMPILER}-") for b in bundles] == [True]
    made = bundles[0].stat().st_mtime_ns

    # a new process (a fresh environment) takes the bundle: nothing compiled
    monkeypatch.setattr(render, "_ENVIRONMENTS", {})
    compiled = []

    def compile(self, *args, **kwargs):
        compiled.append(args)
        return Environment.compile(self, *args, **kwargs)

    monkeypatch.setattr(render._Ours, "compile", compile)
    assert render.render_markdown(flow, result, meta) == first
    assert compiled == [] and bundles[0].stat().st_mtime_ns == made

    # one template edited: the bundle is made again, with the edit
    title = our_templates_copied / "title.md.j2"
    title.write_text("Edited title\n\n" + title.read_text())
    stat = title.stat()
    os.utime(title, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    monkeypatch.setattr(render, "_ENVIRONMENTS", {})
    edited = render.render_markdown(flow, result, meta)
    assert edited.startswith("Edited title") and compiled


def test_a_damaged_bundle_is_made_again(our_templates_copied, monkeypatch):
    from pathlib import Path

    from codesign_tui.plan import render

    flow, result, meta = session("appendix2-codesign")
    first = render.render_markdown(flow, result, meta)
    [bundle] = Path(render._environment(None).bytecode_cache.directory).glob("*bundle*")
    for damage in (b"", b"not marshal", bundle.read_bytes()[:1000]):
        bundle.write_bytes(damage)
        monkeypatch.setattr(render, "_ENVIRONMENTS", {})
        assert render.render_markdown(flow, result, meta) == first
        assert bundle.read_bytes() != damage


def test_our_templates_are_compiled_with_the_templates_they_include_written_in():
    """An include of ours costs nothing at each plan: the included template is part of the compiled code. A
    person's templates (the sandbox) still include as Jinja does."""
    from codesign_tui.plan import render

    source = (templates_dir() / "plan.md.j2").read_text(encoding="utf-8")
    ours = render._make_environment(None).compile(source, "plan.md.j2", raw=True)
    sandboxed = render._make_environment(None, sandboxed=True).compile(source, "plan.md.j2", raw=True)
    assert "get_template" not in ours and "## Appendix" in ours  # appendix.md.j2's text, written in
    assert "get_template" in sandboxed and "## Appendix" not in sandboxed


def test_an_edit_to_an_included_template_shows_when_the_bundle_cannot_be_used(our_templates_copied, monkeypatch):
    """Without the bundle (one of ours could not be compiled), each template is compiled afresh rather than taken
    from a cache checked against its own text alone: plan.md.j2 holds title.md.j2, which is edited here."""
    import os

    from codesign_tui.plan import render

    monkeypatch.setattr(render, "_bundle", lambda environment, loader: None)
    flow, result, meta = session("appendix2-codesign")
    assert not render.render_markdown(flow, result, meta).startswith("Edited title")
    title = our_templates_copied / "title.md.j2"
    title.write_text("Edited title\n\n" + title.read_text())
    stat = title.stat()
    os.utime(title, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    monkeypatch.setattr(render, "_ENVIRONMENTS", {})
    assert render.render_markdown(flow, result, meta).startswith("Edited title")


def test_a_template_of_ours_that_includes_itself_is_a_template_problem(our_templates_copied, monkeypatch):
    """Written in only once: a template that includes itself is left to include, and ends as any runaway does."""
    from codesign_tui.plan import render

    (our_templates_copied / "title.md.j2").write_text('{% include "title.md.j2" %}')
    flow, result, meta = session("appendix2-codesign")
    with pytest.raises(render.TemplateProblem, match="calls itself without end"):
        render.render_markdown(flow, result, meta)


SHORTENED = {  # a filter our compiled templates work out in one call -> what it must give, as in the sandbox
    '{{ items | map(attribute="a") | list }}': "environment.plucked(",
    '{{ nothing | map(attribute="a") | list }}': "environment.plucked(",
    '{{ words | map("upper_first") | join(", ") }}': "environment.mapped(",
    '{{ words | map("join_words", "or") | list }}': "environment.mapped(",
    '{{ items | selectattr("a") | list }}': "environment.kept(",
    '{{ items | rejectattr("a", "in", [1, 3]) | list }}': "environment.kept(",
    '{{ numbers | select(">", 1) | list | length }}': "environment.kept(",
    '{{ numbers | reject("equalto", 2) | list }}': "environment.kept(",
    '{{ numbers | select | list }}': "environment.kept(",
    '{{ nothing | select | list }}': "environment.kept(",
    '{{ numbers | join }}|{{ numbers | join(" and ") }}': "str(' and ').join(",
    '{{ (numbers | map("string") | list) ~ (items | map(attribute="a") | map("string") | join) }}': "environment.plucked(",
}


@pytest.mark.parametrize("source", sorted(SHORTENED))
def test_the_filters_our_templates_work_out_in_one_call_give_what_jinjas_give(source):
    from codesign_tui.plan import render

    data = {"items": [{"a": 1}, {"a": 0}, {"a": 3}, {"a": ""}], "nothing": None, "words": [["x", "y"], "b"],
            "numbers": [0, 1, 2, 3]}
    data["words"] = ["apple", "", "pear"] if "upper_first" in source else [["x", "y"], ["z"]]
    ours = render._make_environment(None)
    assert SHORTENED[source] in ours.compile(source, raw=True)
    assert ours.from_string(source).render(data) == \
        render._make_environment(None, sandboxed=True).from_string(source).render(data)


MACROS = (  # calls of a template's own macros: by position with every argument (called straight), and every other way
    '{% macro m(a, b) %}<{{ a }}|{{ b }}>{% endmacro %}{{ m(1, 2) }}{% for x in [3, 4] %}{{ m(x, loop.index) }}{% endfor %}',
    '{% macro m(a, b=5) %}<{{ a }}|{{ b }}>{% endmacro %}{{ m(1) }}{{ m(1, b=2) }}{{ m(a=7) }}',
    '{% macro m(a) %}<{{ a }}{{ varargs }}{{ kwargs }}>{% endmacro %}{{ m(1, 2) }}{{ m(1) }}{{ m(1, 2, x=3) }}',
    '{% macro m(a) %}<{{ a }}:{{ caller() }}>{% endmacro %}{% call m(1) %}inside{% endcall %}',
    '{% macro m(a) %}<{{ a }}>{% endmacro %}{% macro n(b) %}[{{ m(b) }}]{% endmacro %}{{ n(m(2)) }}{{ "{:,}".format(1234) }}',
)


@pytest.mark.parametrize("source", MACROS)
def test_our_templates_call_their_own_macros_straight_and_give_what_jinja_gives(source):
    from codesign_tui.plan import render

    ours = render._make_environment(None)
    assert "_macro._func(" in ours.compile(source, raw=True)
    assert ours.from_string(source).render() == \
        render._make_environment(None, sandboxed=True).from_string(source).render()


def test_the_engines_result_is_made_for_a_persons_templates_and_the_json_not_for_ours(tmp_path, monkeypatch):
    """`result` (the engine's result as plain data) is in the context of a person's templates, as the README says,
    and in the JSON export; our own templates never read it, and it is not made for them."""
    import json

    from codesign_tui.plan import context
    from codesign_tui.plan.render import render

    flow, result, meta = session("appendix2-codesign")
    made = []
    real = type(result).to_dict
    monkeypatch.setattr(type(result), "to_dict", lambda self: made.append(1) or real(self))
    for fmt in ("md", "html", "text"):
        render(fmt, flow, result, meta)
    assert made == []
    assert json.loads(render("json", flow, result, meta))["recommendation"] == result.recommendation.id and made
    (tmp_path / "title.md.j2").write_text("# {{ result.recommendation }} ({{ result.answers | length }} answers)\n")
    assert render_markdown(flow, result, meta, tmp_path).startswith(
        f"# {result.recommendation.id} ({len(result.answers)} answers)")
    assert "result" in context.build(flow, result, meta) and "result" not in context.build(flow, result, meta,
                                                                                         engine=False)
