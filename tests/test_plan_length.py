"""A plan a board can read: every worked example's full plan opens with the one-page summary in every format,
and reads in at most 1,200 words before its appendix; the reasons say each answer and its effect, and leave
each question's guidance to the appendix, where it is said once."""

from __future__ import annotations

import io
import re

import pytest
from docx import Document

from codesign_tui.flow.answers import AnswersFile
from codesign_tui.flow.engine import evaluate
from codesign_tui.flow.examples import worked_examples
from codesign_tui.flow.loader import load_flow
from codesign_tui.plan.render import render, render_html, render_markdown
from codesign_tui.resources import flows_dir
from test_plan_support import parser, session

WORD_BUDGET = 1200
EXAMPLES = {example.name: example for example in worked_examples(flows_dir())}
_WORD = re.compile(r"\w+(?:['’.-]\w+)*")


def words(text: str) -> int:
    return len(_WORD.findall(text))


def read_text(markdown: str) -> str:
    """What a reader reads of a plan's Markdown: the text of its headings, paragraphs, lists and tables,
    without the markup or the addresses of links."""
    parts = []
    for token in parser().parse(markdown):
        if token.type == "inline":
            parts.append("".join(c.content for c in token.children or [] if c.type in ("text", "code_inline")))
        elif token.type == "fence":
            parts.append(token.content)
    return "\n".join(parts)


def before_appendix(markdown: str) -> str:
    head, found, _ = markdown.partition("\n## Appendix\n")
    assert found, "the plan has an appendix"
    return head


def example_plan(name: str, format: str = "md") -> tuple[object, object, str | bytes]:
    example = EXAMPLES[name]
    flow = load_flow(flows_dir() / f"{example.flow}.yaml")
    meta = AnswersFile(flow.id, dict(example.answers), project=example.title, date="2026-12-01")
    result = evaluate(flow, dict(example.answers))
    assert result.complete and result.recommendation is not None
    if format == "md":
        return flow, result, render_markdown(flow, result, meta)
    if format == "html":
        return flow, result, render_html(flow, result, meta)
    return flow, result, render(format, flow, result, meta)


def test_there_are_worked_examples_to_count():
    assert len(EXAMPLES) >= 4


def test_the_word_count_counts_what_a_reader_reads():
    assert words(read_text("## Why\n\n- **Is there time?** Yes. ([Appendix 2.1](https://example.org/a-b-c))\n")) == 7
    assert words("Recommendation 5, Appendix 2.1 (c); don’t") == 6


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_the_full_plan_reads_in_at_most_1200_words_before_the_appendix(name):
    _, _, text = example_plan(name)
    count = words(read_text(before_appendix(text)))
    assert 300 < count <= WORD_BUDGET, f"{name}: {count} words before the appendix"


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_the_word_document_reads_in_at_most_1200_words_before_the_appendix(name):
    _, _, data = example_plan(name, "docx")
    document = Document(io.BytesIO(data))
    text = []
    for paragraph in document.paragraphs:
        if paragraph.style.name == "Heading 1" and paragraph.text == "Appendix":
            break
        text.append(paragraph.text)
    else:
        raise AssertionError("the Word plan has an appendix")
    # the ladder is the one table before the appendix
    ladder = document.tables[0]
    text += [cell.text for row in ladder.rows for cell in row.cells]
    assert 300 < words("\n".join(text)) <= WORD_BUDGET


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_the_reasons_give_the_answer_and_its_effect_and_the_guidance_is_said_once_in_the_appendix(name):
    flow, result, text = example_plan(name)
    head, appendix = before_appendix(text), text.partition("\n## Appendix\n")[2]
    why = head.split("\n## Why\n", 1)[1].split("\n## ", 1)[0]
    for reason in result.why:
        question = flow.question(reason.question)
        number = flow.order[question.id] + 1  # the number it has in the app and the appendix's table
        line = next(item for item in why.splitlines() if item.startswith(f"- **{number}. {question.prompt}**"))
        assert question.label(result.answers[question.id]) in line
        assert re.search(r"(instead|Enough for|enough for|would change)", line), line
        assert re.search(r"\((Recommendation \d|GM VCSE)[^)]*\)", line), "each reason cites its section"
        if question.guidance:
            first = question.guidance.split(". ")[0]
            assert first not in head, f"the guidance of {question.id} is repeated before the appendix"
            assert appendix.count(first) == 1, f"the guidance of {question.id} is said once in the appendix"


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_the_plan_still_explains_the_recommendation_why_and_what_would_have_to_change(name):
    flow, result, text = example_plan(name)
    head = before_appendix(text)
    headings = [line for line in head.splitlines() if line.startswith("## ")]
    assert headings[:3] == ["## Summary", "## Recommendation", "## Why"]
    assert f"We recommend **{result.recommendation.label}**" in head
    if result.held_back_by:
        assert "### What would have to change" in head
        for question_id in result.held_back_by:
            assert flow.question(question_id).prompt in head.split("### What would have to change", 1)[1]


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_every_format_opens_with_the_one_page_summary(name):
    flow, result, text = example_plan(name)
    summary = render_markdown(flow, result, AnswersFile(flow.id, dict(result.answers), project=EXAMPLES[name].title,
                                                        date="2026-12-01"), summary=True)
    first_h2 = next(line for line in text.splitlines() if line.startswith("## "))
    assert first_h2 == "## Summary"
    opening = text.split("## Summary\n\n", 1)[1].split("\n---\n", 1)[0]
    # the same recommendation and next steps as the summary on its own
    assert opening.split("\n\n", 1)[0] == summary.split("## Recommendation\n\n", 1)[1].split("\n\n", 1)[0]
    steps = [line for line in summary.splitlines() if line.startswith("1. ")]
    assert steps == [line for line in opening.splitlines() if line.startswith("1. ")]
    assert bool(steps) == bool(result.planned_actions)
    _, _, page = example_plan(name, "html")
    headings = re.findall(r"<h2[^>]*>(.*?)</h2>", page)
    assert headings[:2] == ["Summary", "Recommendation"]
    assert page.index("<hr") < page.index(">Recommendation</h2>")
    _, _, data = example_plan(name, "docx")
    document = Document(io.BytesIO(data))
    body = document.paragraphs
    first = [i for i, p in enumerate(body) if p.style.name.startswith("Heading")][:2]
    assert [body[i].text for i in first] == ["Summary", "Recommendation"]
    # the full plan starts on a new page: its first heading, and only that, begins one (a paragraph of its
    # own holding a page break would make a blank page when the summary fills page 1)
    starts = [i for i, p in enumerate(body) if p.paragraph_format.page_break_before]
    assert starts == [first[1]] and not any('w:type="page"' in p._p.xml for p in body)


@pytest.mark.parametrize("name", ["engagement-coproduce", "conflicts-nothing-in-place", "procurement-barriers",
                                  "grants-core-heavy"])
def test_every_flow_s_plan_opens_with_the_summary(name):
    flow, result, meta = session(name)
    text = render_markdown(flow, result, meta)
    assert next(line for line in text.splitlines() if line.startswith("## ")) == "## Summary"
    assert "\n---\n" in text.split("\n## Appendix\n")[0]
