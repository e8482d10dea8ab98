"""Shared by the plan tests (it holds no tests itself): rendering an answers file, and reading a plan
back with markdown-it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from markdown_it import MarkdownIt

from codesign_tui.flow.answers import check_answers, read_answers
from codesign_tui.flow.engine import evaluate
from codesign_tui.flow.loader import load_flow
from codesign_tui.flow.problems import Problems
from codesign_tui.resources import flows_dir

DATA = Path(__file__).parent.parent / "data"
ANSWERS = DATA / "answers"
GOLDEN = DATA / "golden"
_FLOWS: dict[str, object] = {}


def flow_named(flow_id: str):
    if flow_id not in _FLOWS:
        _FLOWS[flow_id] = load_flow(flows_dir() / f"{flow_id}.yaml")
    return _FLOWS[flow_id]


def session(name: str):
    """The flow, result and answers file for tests/data/answers/NAME.yaml."""
    problems = Problems()
    given = read_answers(ANSWERS / f"{name}.yaml", problems)
    assert given is not None and not problems.errors, problems.format()
    flow = flow_named(given.flow)
    answers = check_answers(flow, given, problems)
    assert not problems.errors, problems.format()
    return flow, evaluate(flow, answers), given


@dataclass
class Shape:
    """What a Markdown document is made of, as a CommonMark + GFM-tables reader sees it."""

    headings: list[tuple[int, str]] = field(default_factory=list)
    tables: list[list[list[str]]] = field(default_factory=list)  # rows of cell texts, header first
    links: list[str] = field(default_factory=list)
    html: list[str] = field(default_factory=list)
    fences: list[str] = field(default_factory=list)
    images: int = 0
    multi_line_paragraphs: list[str] = field(default_factory=list)
    inline_kinds: set[str] = field(default_factory=set)


def parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": True}).enable("table")


def text_of(children) -> str:
    return "".join(c.content if c.type in ("text", "code_inline") else "\n" if "break" in c.type else ""
                   for c in children or [])


def shape(markdown: str) -> Shape:
    tokens = parser().parse(markdown)
    out = Shape()
    row: list[str] | None = None
    for index, token in enumerate(tokens):
        if token.type == "heading_open":
            out.headings.append((int(token.tag[1]), text_of(tokens[index + 1].children)))
        elif token.type == "table_open":
            out.tables.append([])
        elif token.type == "tr_open":
            row = []
            out.tables[-1].append(row)
        elif token.type in ("th_open", "td_open"):
            row.append(text_of(tokens[index + 1].children))
        elif token.type == "html_block":
            out.html.append(token.content)
        elif token.type == "fence":
            out.fences.append(token.info)
        elif token.type == "paragraph_open":
            children = tokens[index + 1].children or []
            if any(c.type in ("softbreak", "hardbreak") for c in children):
                out.multi_line_paragraphs.append(tokens[index + 1].content)
        if token.type == "inline":
            for child in token.children or []:
                out.inline_kinds.add(child.type)
                if child.type == "link_open":
                    out.links.append(child.attrs.get("href", ""))
                elif child.type == "html_inline":
                    out.html.append(child.content)
                elif child.type == "image":
                    out.images += 1
    return out
