"""Abbreviations spelt out the first time a person meets them: the flows' `terms:`, and the function the
conversation (the app, plain mode and the room) calls on each text it shows."""

from __future__ import annotations

import re

import pytest

from codesign_tui.flow.loader import load_flow
from codesign_tui.flow.model import Term
from codesign_tui.flow.terms import Glossary, spell_out_first
from codesign_tui.resources import shipped_flows

TERMS = (Term("VCSE", "voluntary, community and social enterprise"), Term("GM", "Greater Manchester"))
NAMES = {"POINT"}  # a charity's name, not an abbreviation


@pytest.mark.parametrize("text, before, expected, after", [
    ("Ask VCSE partners.", set(), "Ask VCSE (voluntary, community and social enterprise) partners.", {"VCSE"}),
    ("Ask VCSE partners.", {"VCSE"}, "Ask VCSE partners.", {"VCSE"}),
    ("VCSE and VCSE again.", set(), "VCSE (voluntary, community and social enterprise) and VCSE again.", {"VCSE"}),
    ("A GM-wide contract for VCSE groups.", set(),
     "A GM (Greater Manchester)-wide contract for VCSE (voluntary, community and social enterprise) groups.",
     {"GM", "VCSE"}),
    ("voluntary, community and social enterprise (VCSE) partners", set(),
     "voluntary, community and social enterprise (VCSE) partners", {"VCSE"}),
    ("Charities and other (VCSE) groups", set(), "Charities and other (VCSE) groups", {"VCSE"}),
    ("No abbreviations here, nor in VCSEs or GMT.", set(), "No abbreviations here, nor in VCSEs or GMT.", set()),
])
def test_the_first_use_is_spelt_out_once(text, before, expected, after):
    explained = set(before)
    assert spell_out_first(text, TERMS, explained) == expected
    assert explained == after


def test_a_glossary_remembers_what_it_has_explained_across_texts(engagement):
    glossary = Glossary(engagement)
    first = glossary.explain("Will VCSE partners get the same advice?")
    assert first == "Will VCSE (voluntary, community and social enterprise) partners get the same advice?"
    assert glossary.explain("Will VCSE partners get the same advice?") == "Will VCSE partners get the same advice?"
    resumed = Glossary(engagement, explained={"VCSE"})  # a resumed conversation passes on what it showed
    assert resumed.explain("VCSE partners") == "VCSE partners"


def test_an_including_flow_has_the_terms_of_the_flows_it_includes(engagement):
    terms = {t.term: t.meaning for t in engagement.terms}
    assert {"VCSE", "ICB", "CVS", "SEND", "GP"} <= set(terms)
    assert len(engagement.terms) == len(terms)  # one entry each


def words_people_read(flow) -> list[str]:
    texts = [flow.title, flow.summary, flow.audience]
    texts += [level.summary for level in flow.levels] + [rule.because for rule in flow.calls_for]
    texts += [r.because for r in flow.requirements] + [f.text for f in flow.flags]
    for section in flow.sections:
        texts += [section.title, section.intro]
        for question in section.questions:
            texts += [question.prompt, question.guidance, *question.discussion]
            texts += [o.label for o in question.options] + [o.explanation for o in question.options]
            texts += [a.text for a in question.actions]
            for field in question.fields:
                texts += [field.prompt] + [o.label for o in field.options] + [o.explanation for o in field.options]
    return texts


@pytest.mark.parametrize("path", shipped_flows(), ids=lambda p: p.stem)
def test_every_abbreviation_a_flow_shows_is_one_of_its_terms(path):
    flow = load_flow(path)
    declared = {t.term for t in flow.terms}
    used = {word for text in words_people_read(flow) for word in re.findall(r"\b[A-Z]{2,}\b", text)}
    assert used - NAMES <= declared


def test_a_term_needs_its_meaning(tmp_path):
    from codesign_tui.flow.loader import read_flow
    from codesign_tui.flow.problems import Problems

    text = (shipped_flows()[0].parent / "appendix2.yaml").read_text()
    broken = text.replace("    meaning: Greater Manchester\n", "", 1)
    path = tmp_path / "f.yaml"
    path.write_text(broken)
    problems = Problems()
    read_flow(path, problems)
    [error] = problems.errors
    line = broken.splitlines().index("  - term: GM") + 1
    assert (error.line, error.column) == (line, 5) and "meaning" in error.message


def test_the_schema_has_terms_and_conditional_requirements():
    from codesign_tui.flow.format import json_schema

    definitions = json_schema()["$defs"]
    assert "terms" in definitions["flow"]["properties"]
    assert set(definitions["term"]["required"]) == {"term", "meaning"}
    assert "when" in definitions["requirement"]["properties"]


def test_a_plan_spells_out_the_terms_its_flow_declares(appendix2):
    """The plan's list of abbreviations comes from the flow's `terms:`, as the conversation's do: a term the
    flow declares (SEND here, from a project's name) is spelt out; one it does not declare is not."""
    from codesign_tui.flow.answers import AnswersFile
    from codesign_tui.flow.engine import evaluate
    from codesign_tui.plan.render import render_markdown

    answers = {"space_to_shape": "yes", "problem_type": "wicked", "time_for_relationships": "yes", "budget": "yes",
               "senior_buy_in": "yes", "learning_culture": "yes", "shared_delivery": "yes", "shared_power": "yes"}
    meta = AnswersFile(appendix2.id, answers, project="SEND transport review (XYZ)")
    text = render_markdown(appendix2, evaluate(appendix2, answers), meta)
    send = next(t for t in appendix2.terms if t.term == "SEND")
    assert f"- SEND means {send.meaning}." in text
    assert "XYZ means" not in text
