"""Templates: a user's own replace ours file by file, run in a sandbox, and a mistake in one is named
with its template and line, never shown as a traceback."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from commands import codesign
from test_plan_support import ANSWERS

ROOT = Path(__file__).resolve().parents[2]
PLAN = ANSWERS / "appendix2-codesign.yaml"



def render_with(tmp_path: Path, name: str, text: str) -> subprocess.CompletedProcess:
    template = tmp_path / name
    template.write_text(text)
    return codesign("render", "appendix2", "--answers", str(PLAN), "--templates", str(template))


ESCAPES = [
    "{{ ''.__class__.__mro__ }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ cycler.__init__.__globals__ }}",
    "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    "{{ lipsum.__globals__['os'] }}",
    "{{ joiner.__init__.__globals__ }}",
    "{{ namespace.__init__.__globals__ }}",
    "{{ self.__init__.__globals__ }}",
    "{{ result.__class__ }}",
    "{{ flow.levels.append(1) }}",
    "{{ answers.update({'x': 1}) }}",
    "{{ ''.format.__globals__ }}",
    "{{ range.__self__ }}",
    "{% include '/etc/passwd' %}",
    "{% include '../../../../../../etc/passwd' %}",
    "{% import '/etc/hostname' as h %}",
]


@pytest.mark.parametrize("attempt", ESCAPES)
def test_a_template_cannot_reach_python_or_the_file_system(tmp_path, attempt):
    run = render_with(tmp_path, "evil.md.j2", f"# Plan\n\n{attempt}\n")
    assert run.returncode == 2, run.stdout[:500]
    assert "Traceback" not in run.stderr
    assert run.stderr.startswith(f"codesign: template problem: {tmp_path / 'evil.md.j2'}")
    assert "uid=" not in run.stdout + run.stderr and "root:" not in run.stdout + run.stderr
    assert not run.stdout


def test_an_undefined_name_is_reported_with_template_line_and_name(tmp_path):
    run = render_with(tmp_path, "plan.md.j2", "# {{ project }}\n\nfine\n\n{{ recomendation.label }}\n")
    assert run.returncode == 2
    assert f"{tmp_path / 'plan.md.j2'}:5: 'recomendation' is undefined" in run.stderr
    assert "Traceback" not in run.stderr


def test_a_syntax_error_is_reported_with_its_line(tmp_path):
    run = render_with(tmp_path, "plan.md.j2", "# x\n{% if project %}\nno end\n")
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert f"{tmp_path / 'plan.md.j2'}:3:" in run.stderr and "endif" in run.stderr


def test_a_mistake_in_one_of_our_partials_names_it(tmp_path):
    (tmp_path / "why.md.j2").write_text("## Why\n\n{% for q in why %}{{ q.no_such_field }}{% endfor %}\n")
    run = codesign("render", "appendix2", "--answers", str(PLAN), "--templates", str(tmp_path))
    assert run.returncode == 2
    assert f"{tmp_path / 'why.md.j2'}:3: 'dict object' has no attribute 'no_such_field'" in run.stderr


def test_a_folder_shadows_only_the_templates_it_has(tmp_path):
    (tmp_path / "recommendation.md.j2").write_text("## Our recommendation\n\n{{ recommendation.label | md }}\n")
    run = codesign("render", "appendix2", "--answers", str(PLAN), "--templates", str(tmp_path))
    assert run.returncode == 0, run.stderr
    assert "## Our recommendation\n\nCo-design\n" in run.stdout
    assert "## Recommendation" not in run.stdout and "## Why" in run.stdout and "## Appendix" in run.stdout


def test_a_file_named_like_a_partial_replaces_that_partial(tmp_path):
    run = render_with(tmp_path, "reading.md.j2", "## Our reading\n\n- ask the team\n")
    assert run.returncode == 0 and "## Our reading" in run.stdout and "## Why" in run.stdout


def test_a_file_with_another_name_replaces_the_whole_plan(tmp_path):
    run = render_with(tmp_path, "short.md.j2", "# {{ project | md }}\n\n{{ recommendation.label | md }}: "
                                               "{% for q in held_back %}{{ q.actions[0].text | md }} {% endfor %}\n")
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("# Neighbourhood mental health support\n\nCo-design: Make more time")


def test_a_missing_templates_path_is_a_clear_error(tmp_path):
    run = codesign("render", "appendix2", "--answers", str(PLAN), "--templates", str(tmp_path / "nope"))
    assert run.returncode == 2 and "no such template file or folder" in run.stderr
