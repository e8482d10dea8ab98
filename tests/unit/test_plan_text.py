"""The plan as plain text (`--format text`), for a board paper's template or an email: no markup, steps
numbered, boxes in words, and the same words as the web page."""

from __future__ import annotations

import collections
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from codesign_tui.flow.answers import check_answers, read_answers
from codesign_tui.flow.engine import evaluate
from codesign_tui.flow.loader import load_flow
from codesign_tui.flow.problems import Problems
from codesign_tui.plan.render import render
from codesign_tui.plan.text import to_text
from codesign_tui.resources import flows_dir

ANSWERS = Path(__file__).parent.parent / "data" / "answers"
CASES = [("engagement-plan", "engagement-interests.yaml"), ("engagement-plan", "engagement-hostile.yaml"),
         ("appendix2", "appendix2-consult-held-back.yaml"), ("conflicts-of-interest", "conflicts-nothing-in-place.yaml")]


def plan(flow_id: str, answers: str, fmt: str, **options) -> str:
    flow = load_flow(flows_dir() / f"{flow_id}.yaml")
    problems = Problems()
    given = read_answers(ANSWERS / answers, problems)
    result = evaluate(flow, check_answers(flow, given, problems))
    return render(fmt, flow, result, given, **options).decode("utf-8")


class _Words(HTMLParser):
    def __init__(self):
        super().__init__()
        self.words: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        self.hidden += tag in ("head", "style", "title")

    def handle_endtag(self, tag):
        self.hidden -= tag in ("head", "style", "title")

    def handle_data(self, data):
        if not self.hidden:
            self.words.append(data)


def words(text: str) -> collections.Counter:
    return collections.Counter(w.lower() for w in re.findall(r"[A-Za-z0-9£’'-]*[A-Za-z0-9£]", text))


@pytest.mark.parametrize("flow_id, answers", CASES)
def test_the_text_says_what_the_web_page_says_and_only_that(flow_id, answers):
    page = _Words()
    page.feed(plan(flow_id, answers, "html"))
    on_page, in_text = words(" ".join(page.words)), words(plan(flow_id, answers, "text"))
    assert not on_page - in_text  # nothing is lost
    extra = set(in_text - on_page)
    # what text adds: a checklist's boxes in words, list numbers, and a table's headings beside each cell
    assert extra <= set(on_page) | {"to", "do", "done"} | {str(n) for n in range(1, 100)}, extra


@pytest.mark.parametrize("flow_id, answers", [case for case in CASES if "hostile" not in case[1]])
def test_the_text_has_no_markup(flow_id, answers):
    text = plan(flow_id, answers, "text")
    for markup in ("**", "[ ]", "[x]", "](", "(#", "`", "<br", "<span", "```", "| ", "&amp;", "\\"):
        assert markup not in text, markup
    assert not re.search(r"^#+ ", text, re.M)
    assert all(len(line) <= 80 or " " not in line.strip() for line in text.splitlines())


def test_steps_are_numbered_one_two_three_and_boxes_are_words():
    text = to_text("Steps:\n\n1. First\n1. Second\n1. Third\n\n- [ ] Ask them\n- [x] Asked\n")
    assert "1. First\n2. Second\n3. Third" in text
    assert "- To do: Ask them\n- Done: Asked" in text


def test_headings_are_underlined_and_a_mermaid_path_is_words():
    text = to_text("# Plan\n\n## Summary\n\nWords [a link](https://example.org).\n\n```mermaid\nflowchart LR\n"
                   '  a["Start"] --> b["Register"]\n```\n')
    assert text.startswith("Plan\n====\n\nSummary\n-------\n\nWords a link.\n")
    assert "Start → Register" in text and "https" not in text


def test_a_wide_table_becomes_a_block_of_heading_value_lines():
    text = to_text("| Name | What the interest is |\n|---|---|\n| Sam | " + "word " * 30 + "|\n")
    assert "Name: Sam\nWhat the interest is: word word" in text


def test_what_a_person_typed_is_kept_as_they_typed_it_markup_characters_and_all():
    text = plan("engagement-plan", "engagement-hostile.yaml", "text")
    assert "`code` **bold**" in text  # in Markdown it is escaped; as text it is the person's own words
