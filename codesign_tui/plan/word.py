"""A Word document from the plan's Markdown: real headings, lists and tables, through python-docx (the
optional `docx` extra)."""

from __future__ import annotations

import datetime as _dt
import io
import shlex
import sys
from typing import Any

from .escape import mermaid_steps
from .escape import url as web_address

BOXES = {"[ ] ": "\u2610 ", "[x] ": "\u2612 ", "[X] ": "\u2612 "}
LINK_COLOUR = "0B4F9C"


class MissingExtra(Exception):
    """python-docx is not installed; the message gives the command that installs it."""


def install_command() -> str:
    return f"{shlex.quote(sys.executable)} -m pip install 'python-docx>=1.1'"


def to_docx(markdown: str, *, title: str = "", author: str = "", date: str = "", subject: str = "") -> bytes:
    try:
        import docx
    except ImportError:
        raise MissingExtra("Word export needs python-docx, which is not installed here. Install it with:\n"
                           f"  {install_command()}\n"
                           "or choose --format md or html, which need nothing more.") from None
    from markdown_it import MarkdownIt

    document = docx.Document()
    properties = document.core_properties
    properties.title, properties.author, properties.subject = title, author, subject
    properties.last_modified_by, properties.comments = author, "Written with codesign-tui"
    try:
        when = _dt.datetime.fromisoformat(date) if date else None
    except ValueError:
        when = None
    if when is not None:
        properties.created = properties.modified = when
    tokens = MarkdownIt("commonmark", {"html": False}).enable("table").parse(markdown)
    _Writer(document).write(tokens)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


class _Writer:
    """Walks markdown-it's tokens and builds the document as it goes."""

    def __init__(self, document: Any):
        self.document = document
        self.lists: list[str] = []  # "bullet" or "number", innermost last
        self.quote = 0
        self.item_start = False
        self.table: list[list[tuple[bool, list[Any]]]] | None = None

    def write(self, tokens: list[Any]) -> None:
        index = 0
        while index < len(tokens):
            index = self.token(tokens, index) + 1

    def token(self, tokens: list[Any], index: int) -> int:
        token = tokens[index]
        kind = token.type
        if kind == "heading_open":
            paragraph = self.document.add_heading(level=min(int(token.tag[1:]), 9))
            self.inline(paragraph, tokens[index + 1].children or [])
            return index + 2
        if kind == "paragraph_open":
            paragraph = self.document.add_paragraph(style=self.paragraph_style())
            self.inline(paragraph, tokens[index + 1].children or [], boxes=self.item_start)
            self.item_start = False
            return index + 2
        if kind in ("bullet_list_open", "ordered_list_open"):
            self.lists.append("bullet" if kind == "bullet_list_open" else "number")
        elif kind in ("bullet_list_close", "ordered_list_close"):
            self.lists.pop()
        elif kind == "list_item_open":
            self.item_start = True
        elif kind == "blockquote_open":
            self.quote += 1
        elif kind == "blockquote_close":
            self.quote -= 1
        elif kind == "table_open":
            return self.add_table(tokens, index)
        elif kind in ("fence", "code_block"):
            self.code(token)
        elif kind == "html_block":  # not produced with html off; kept as text if a template adds it
            self.document.add_paragraph(token.content.strip())
        return index

    def paragraph_style(self) -> str | None:
        if self.lists:
            depth = min(len(self.lists), 3)
            name = "List Bullet" if self.lists[-1] == "bullet" else "List Number"
            if not self.item_start:
                return "List Continue" if depth == 1 else f"List Continue {depth}"
            return name if depth == 1 else f"{name} {depth}"
        return "Intense Quote" if self.quote else None

    def code(self, token: Any) -> None:
        if token.info.strip() == "mermaid":
            steps = mermaid_steps(token.content)
            if steps:
                self.document.add_paragraph(" \u2192 ".join(steps))
                return
        for line in token.content.rstrip("\n").split("\n"):
            run = self.document.add_paragraph().add_run(line)
            run.font.name = "Consolas"

    def add_table(self, tokens: list[Any], index: int) -> int:
        rows: list[list[tuple[bool, list[Any]]]] = []
        while tokens[index].type != "table_close":
            token = tokens[index]
            if token.type == "tr_open":
                rows.append([])
            elif token.type in ("th_open", "td_open"):
                rows[-1].append((token.type == "th_open", tokens[index + 1].children or []))
            index += 1
        if rows:
            width = max(len(row) for row in rows)
            table = self.document.add_table(rows=len(rows), cols=width)
            table.style = self.document.styles["Table Grid"]
            for r, row in enumerate(rows):
                for c, (header, children) in enumerate(row):
                    paragraph = table.cell(r, c).paragraphs[0]
                    self.inline(paragraph, children, bold=header)
            self.document.add_paragraph()
        return index

    def inline(self, paragraph: Any, children: list[Any], *, boxes: bool = False, bold: bool = False) -> None:
        """Runs for one line of inline Markdown: bold, italic, code, links, and a task box at the start."""
        state = {"bold": bold, "italic": False, "code": False, "strike": False}
        href = ""
        first = True
        for child in children:
            kind = child.type
            if kind in ("text", "code_inline"):
                text = child.content
                if first and boxes:
                    for box, mark in BOXES.items():
                        if text.startswith(box):
                            text = mark + text[len(box):]
                            break
                self.run(paragraph, text, dict(state, code=kind == "code_inline"), href)
            elif kind in ("softbreak",):
                self.run(paragraph, " ", state, href)
            elif kind == "hardbreak":
                paragraph.add_run().add_break()
            elif kind in ("strong_open", "strong_close"):
                state["bold"] = kind == "strong_open" or bold
            elif kind in ("em_open", "em_close"):
                state["italic"] = kind == "em_open"
            elif kind in ("s_open", "s_close"):
                state["strike"] = kind == "s_open"
            elif kind == "link_open":
                href = web_address(child.attrs.get("href", ""))
            elif kind == "link_close":
                href = ""
            elif kind == "image":
                self.run(paragraph, child.content, state, href)
            first = False

    def run(self, paragraph: Any, text: str, state: dict[str, bool], href: str) -> None:
        if not text:
            return
        if href:
            _hyperlink(paragraph, href, text, state)
            return
        run = paragraph.add_run(text)
        run.bold = state["bold"] or None
        run.italic = state["italic"] or None
        if state["strike"]:
            run.font.strike = True
        if state["code"]:
            run.font.name = "Consolas"


def _hyperlink(paragraph: Any, href: str, text: str, state: dict[str, bool]) -> None:
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    relationship = paragraph.part.relate_to(href, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), relationship)
    run = OxmlElement("w:r")
    properties = OxmlElement("w:rPr")
    # the schema's order: b, i, strike, color, u
    for name, on in (("w:b", state["bold"]), ("w:i", state["italic"]), ("w:strike", state["strike"])):
        if on:
            properties.append(OxmlElement(name))
    colour = OxmlElement("w:color")
    colour.set(qn("w:val"), LINK_COLOUR)
    properties.append(colour)
    underline = OxmlElement("w:u")
    underline.set(qn("w:val"), "single")
    properties.append(underline)
    run.append(properties)
    words = OxmlElement("w:t")
    words.text = text
    words.set(qn("xml:space"), "preserve")
    run.append(words)
    link.append(run)
    paragraph._p.append(link)
