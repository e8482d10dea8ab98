"""`codesign map`: the whole flow as text, Mermaid and a web page, its conditions in words, and the parts no
answers reach marked."""

from __future__ import annotations

import functools
import re
from pathlib import Path

import pytest

from codesign_tui.flow.loader import load_flow
from codesign_tui.flow.outline import outline, say
from codesign_tui.plan.flowmap import as_html, as_mermaid, as_text
from codesign_tui.resources import flows_dir, shipped_flows

DATA = Path(__file__).parent.parent / "data"
SHIPPED = shipped_flows()


@functools.cache
def mapped(path: Path):
    """A shipped flow and its map, worked out once for the tests that only read them (a large flow's map takes
    seconds: it tries the answers that reach each part)."""
    flow = load_flow(path)
    return flow, outline(flow)


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_every_question_rule_and_level_of_a_shipped_flow_is_on_its_map(path):
    flow, flow_map = mapped(path)
    text, page = as_text(flow_map), as_html(flow_map)
    flat = " ".join(text.split())
    for question in flow.questions:
        assert f"Q{flow.number(question.id)} " in text
        assert " ".join(question.prompt.split()) in flat
    for rule in flow.calls_for:
        assert f"(rule {rule.id})" in flat and f"(rule {rule.id})" in page
    for level in flow.levels:
        assert level.label in text and level.label in page
    assert "NEVER REACHED" not in text and "NO ANSWERS" not in text  # the shipped flows have no dead parts


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_the_web_page_stands_alone_and_needs_no_script(path):
    page = as_html(mapped(path)[1])
    assert "<script" not in page
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)  # nothing from other sites
    assert "default-src 'none'" in page and '<html lang="en-GB">' in page
    assert "size: A4 landscape" in page


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_the_mermaid_chart_joins_only_nodes_it_defines(path):
    chart = as_mermaid(mapped(path)[1])
    lines = chart.splitlines()
    assert lines[0] == "flowchart TD"
    defined = {m.group(1) for m in re.finditer(r"^\s*(\w+)[\[(]", chart, re.M)}
    for line in lines:
        if "-->" in line:
            source = line.split("-->")[0].split("[")[0].strip()
            target = line.rsplit(" ", 1)[-1]
            assert source in defined and target in defined, line
        for label in re.findall(r'\["(.*?)"\]', line):
            assert '"' not in label  # a quote would end the label early


def test_conditions_read_in_words_with_the_options_own_labels(appendix2):
    rule = next(r for r in appendix2.calls_for if r.id == "decided-and-proven")
    assert say(appendix2, rule.when) == ("Q1 is “No, it is mostly decided” and Q2 is “A proven solution already"
                                         " exists”")
    shared = next(r for r in appendix2.calls_for if r.id == "shared-delivery")
    assert "Q1 is “Yes, it is genuinely open” or “Partly, some things are fixed”" in say(appendix2, shared.when)
    register = next(s for s in mapped(flows_dir() / "engagement-plan.yaml")[1].sections if any(t.when for t in s.turns))
    assert [(turn.to, turn.when) for turn in register.turns] == [
        ("Register of interests", "Q19 is “Yes, we have declarations to record”"),
        ("Keeping it up to date", "otherwise")]


def test_or_inside_and_keeps_its_brackets(branching):
    from codesign_tui.flow.model import Condition
    from codesign_tui.flow.expressions import Expression

    condition = Condition(Expression.parse("(open == 'yes' or open == 'partly') and money != 'no'"),
                          branching.place)
    assert say(branching, condition).startswith("(Q1 is “Yes” or Q1 is “Partly”) and ")


def test_a_level_and_a_rule_no_answers_reach_are_marked(tmp_path):
    flow_file = tmp_path / "dead.yaml"
    flow_file.write_text((DATA / "branching.yaml").read_text(encoding="utf-8").replace(
        "  - id: open\n    level: high\n", "  - id: open\n    level: low\n"), encoding="utf-8")
    flow_map = outline(load_flow(flow_file))
    text, page = as_text(flow_map), as_html(flow_map)
    assert "  high  [NO ANSWERS LEAD HERE]" in text.splitlines() and "  low" in text.splitlines()
    assert "(no answers lead here)" in page
    assert "classDef unreached" in as_mermaid(flow_map)


def test_a_flow_without_levels_says_it_recommends_none_instead_of_an_empty_decision():
    """The conflicts-of-interest steps decide no level: the map said 'The decision' and 'What each level needs'
    over nothing, and that bold questions are read by a recommendation there is not."""
    from codesign_tui.plan.flowmap import NO_LEVELS

    flow_map = outline(load_flow(flows_dir() / "conflicts-of-interest.yaml"))
    assert not flow_map.levels
    text, page, chart = as_text(flow_map), as_html(flow_map), as_mermaid(flow_map)
    assert " ".join(text.split()).endswith(NO_LEVELS)
    assert "What each level needs" not in text and "* the recommendation reads" not in text
    assert NO_LEVELS in page and "What each level needs" not in page and "<strong>bold</strong>" not in page
    assert "subgraph decision" not in chart
    # a flow with levels keeps its decision
    engagement = mapped(flows_dir() / "engagement-plan.yaml")[1]
    assert NO_LEVELS not in as_html(engagement) and "What each level needs" in as_html(engagement)
