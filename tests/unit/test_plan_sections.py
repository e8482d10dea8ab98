"""The JSON export's sections: the plan cut at its second-level headings, found a line at a time exactly where
markdown-it finds them, or left to markdown-it when a line could mean something only a full parse settles."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from codesign_tui.plan.render import _second_level_headings, render_markdown, sections
from test_plan_support import ANSWERS, session

PARSER = MarkdownIt("commonmark").enable("table")


def parsed(markdown: str) -> list[tuple[int, str]]:
    """The second-level headings as markdown-it reads them: the line each starts on, and its text."""
    tokens = PARSER.parse(markdown)
    return [(t.map[0], tokens[i + 1].content) for i, t in enumerate(tokens)
            if t.type == "heading_open" and t.tag == "h2" and t.map]


# lines that are, hide, or only look like second-level headings: in lists, quotes, fences, code, HTML and tables,
# under paragraphs (setext), with closing #s, tabs and Unicode spaces
LINES = ["", "", "", "## Title", "##", "## A ##", "##  B  #", "## C \\#", "   ## D", "    ## E", "\t## F", "### G",
         "# H", "text", "more text", "- item", "- ## item", "1. item", "  continued", "> quote", "> ## q", ">", "---",
         "- - -", "***", "===", "```", "```mermaid", "````", "~~~", "~~~ x", "  ```", "```a`b", "| a | b |",
         "|---|---|", "---|---", "a | b", "<div>", "<!--", "-->", "  <p>", "## x | y", "- [ ] task", "2026-10-01", "-",
         "--", "## ", "##\tT", "## T\t#", "## \u00a0x", "## x\u3000", "## é", "[ref]: /url", "    code", "\\## not",
         "## #", "## ##", "1) ## n", "+ x", "* y", "## a\u2028b", "a\rb", "## x\x1f"]


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(LINES), min_size=1, max_size=14), st.booleans())
def test_headings_found_a_line_at_a_time_are_where_markdown_it_finds_them(lines, ends_with_newline):
    markdown = "\n".join(lines) + ("\n" if ends_with_newline else "")
    found = _second_level_headings(markdown)
    if found is not None:
        assert found == parsed(markdown)


@pytest.mark.parametrize("markdown", [
    "# Plan\n\nIntro\n\n## Why\n\nBecause.\n\n## Next ##\n\n```mermaid\n## not a heading\n```\n\n## Appendix\n",
    "## One\n\n~~~~\n~~~\n## inside\n~~~~\n\n##\n\n## Two #\n",
])
def test_a_plan_shaped_document_is_cut_without_markdown_it(markdown):
    assert _second_level_headings(markdown) == parsed(markdown)


@pytest.mark.parametrize("markdown", [
    "Paragraph\n---\n",  # a setext heading
    "1.  item\n\n    ## in the item\n",  # indented as code would be, but inside a list item: a heading
    "> ## quoted\n",
    "<!--\n\n## inside a comment\n-->\n",
    "## a | b\n|---|---|\n",  # a table's header row
    "text\n## right after a paragraph\n",
    "    ## code\n",
])
def test_a_line_only_a_full_parse_settles_is_left_to_markdown_it(markdown):
    assert _second_level_headings(markdown) is None
    assert [s["title"] for s in sections(markdown) if s["id"] != "title"] == [title for _, title in parsed(markdown)]


@pytest.mark.parametrize("name", sorted(p.stem for p in ANSWERS.glob("*.yaml")))
@pytest.mark.parametrize("options", [{}, {"summary": True}, {"public": True}, {"narrow": True}])
def test_every_sample_plan_is_cut_a_line_at_a_time_as_markdown_it_cuts_it(name, options):
    flow, result, given_answers = session(name)
    markdown = render_markdown(flow, result, given_answers, **options)
    found = _second_level_headings(markdown)
    assert found is not None, "the plan's shape made the JSON export parse it in full"
    assert found == parsed(markdown)
