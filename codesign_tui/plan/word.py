"""A Word document from the plan's Markdown, through python-docx: Word's own styles (Title, Heading 1 to 3,
List Bullet, Table Grid), A4 or US Letter, the project and page numbers in the header and footer, and
tables that read on paper: rows never split, header rows repeated, and a wide table (the register of
interests) as one small table per entry."""

from __future__ import annotations

import datetime as _dt
import io
import re
import shlex
import sys
from typing import Any

from ..flow.visible import visible
from . import MissingExtra  # noqa: F401  (raised here; importers have long found it here)
from .escape import mermaid_steps
from .escape import url as web_address

# a ticked box is U+2611, never the crossed U+2612 that many readers take for "no"
BOXES = {"[ ] ": "\u2610 ", "[x] ": "\u2611 ", "[X] ": "\u2611 "}
LINK_COLOUR = "0B4F9C"
PAPERS = ("a4", "letter")
# a table with more columns than this is written as one small two-column table per row: eight columns
# across a portrait page break words in the middle
WIDEST_TABLE = 4
# the heading of the plan's last lines (templates/drawn-from.md.j2), set in small print of this size
SMALL_PRINT_HEADING = "Drawn from"
SMALL_PRINT_POINTS = 6.5
PROPERTY_LIMIT = 255  # Word's limit on a document property such as the title
HEADER_LIMIT = 120
# what XML 1.0 cannot hold: python-docx refuses it, so it is shown as a terminal would (^A, ^[)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def install_command() -> str:
    return f"{shlex.quote(sys.executable)} -m pip install 'python-docx>=1.2'"


def xml_safe(text: str) -> str:
    """`text` with the characters XML cannot hold shown visibly instead."""
    return _NOT_XML.sub(lambda m: visible(m.group()) if m.group() < "\x20" else "\ufffd", text)


def one_line(text: str, limit: int) -> str:
    """Text for a document property or the page header: on one line, XML-safe, at most `limit` long."""
    text = " ".join(visible(xml_safe(text or "")).split())
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "\u2026"


def to_docx(markdown: str, *, title: str = "", author: str = "", date: str = "", subject: str = "",
            paper: str = "a4") -> bytes:
    try:
        import docx
    except ImportError:
        raise MissingExtra("Word export needs python-docx, which is not installed here. Install it with:\n"
                           f"  {install_command()}\n"
                           "or choose --format md or html, which need nothing more.") from None
    from markdown_it import MarkdownIt

    if paper not in PAPERS:
        raise ValueError(f"unknown paper {paper!r}; the sizes are {', '.join(PAPERS)}")
    document = docx.Document()
    properties = document.core_properties
    author = one_line(author, PROPERTY_LIMIT)
    properties.title, properties.author = one_line(title, PROPERTY_LIMIT), author
    properties.subject = one_line(subject, PROPERTY_LIMIT)
    properties.last_modified_by, properties.comments = author, "Written with codesign-tui"
    try:
        when = _dt.datetime.fromisoformat(date) if date else None
    except ValueError:
        when = None
    if when is not None:
        properties.created = properties.modified = when
    _page(document, paper, one_line(title, HEADER_LIMIT))
    tokens = MarkdownIt("commonmark", {"html": False}).enable("table").parse(xml_safe(markdown))
    blocks = _Blocks(document)
    _Writer(blocks).write(tokens)
    blocks.flush()
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _page(document: Any, paper: str, title: str) -> None:
    """The paper, margins, header (the project) and footer (page N of M); headings kept with what follows."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Inches, Mm, Pt

    section = document.sections[0]
    section.page_width, section.page_height = ((Mm(210), Mm(297)) if paper == "a4"
                                               else (Inches(8.5), Inches(11)))
    section.left_margin = section.right_margin = Mm(20)
    section.top_margin = section.bottom_margin = Mm(20)
    header = section.header.paragraphs[0]
    header.text = title
    header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("Page ")
    _field(footer, "PAGE")
    footer.add_run(" of ")
    _field(footer, "NUMPAGES")
    for name in ("Title", "Heading 1", "Heading 2", "Heading 3", "Heading 4"):
        style = document.styles[name].paragraph_format
        style.keep_with_next = True
        style.keep_together = True
    # python-docx's own template has a 28-point title and two lines' space above each heading: roomy
    # enough to push a one-page summary over the page (6 points above a section's heading: at 10, a tender's
    # summary with three long answers holding it back ran its last lines onto page 2)
    document.styles["Title"].font.size = Pt(22)
    document.styles["Heading 1"].paragraph_format.space_before = Pt(6)
    # and 10 points after every paragraph at 1.15 lines; 4 points at Word's own 1.08 keeps the summary that
    # opens a plan, under its title block, on the first page
    normal = document.styles["Normal"].paragraph_format
    normal.space_after, normal.line_spacing = Pt(4), 1.08


def _field(paragraph: Any, instruction: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    words = OxmlElement("w:t")
    words.text = "1"
    run.append(words)
    field.append(run)
    paragraph._p.append(field)


def _row_rules(row: Any, *, header: bool = False, keep_with_next: bool = False) -> None:
    """A table row that never splits across pages; a header row repeats on each page."""
    from docx.oxml import OxmlElement

    properties = row._tr.get_or_add_trPr()
    properties.append(OxmlElement("w:cantSplit"))
    if header:
        properties.append(OxmlElement("w:tblHeader"))
    if keep_with_next:  # Word keeps a row with the next when a paragraph in it is kept with the next
        row.cells[0].paragraphs[0].paragraph_format.keep_with_next = True


class _Blocks:
    """Where the writer adds paragraphs, headings and tables. python-docx adds each block by searching the
    document's whole body for its end (and a table by searching every paragraph for the page's width), so a
    register of thousands of entries took time growing with the square of its size. Blocks are added to a
    small body of their own and moved to the document's end in batches, the width worked out once, so the
    time grows in step with the plan."""

    BATCH = 64

    def __init__(self, document: Any):
        from docx.document import _Body
        from docx.oxml import OxmlElement

        self.document = document
        self.styles = document.styles
        section = document.sections[-1]
        self.width = section.page_width - section.left_margin - section.right_margin
        self.body = document.element.body
        self.end = self.body.sectPr  # the section's properties stay last
        self.scratch = OxmlElement("w:body")
        self.blocks = _Body(self.scratch, document)

    def add_paragraph(self, text: str = "", style: Any = None) -> Any:
        paragraph = self.blocks.add_paragraph(text, style)
        self._added()
        return paragraph

    def add_heading(self, text: str = "", level: int = 1) -> Any:
        return self.add_paragraph(text, "Title" if level == 0 else f"Heading {level}")

    def add_table(self, rows: int, cols: int) -> Any:
        table = self.blocks.add_table(rows, cols, self.width)
        self._added()
        return table

    def add_copy(self, model: Any) -> Any:
        """A copy of a table already written (its element), added as the next block: a Table to fill in."""
        import copy

        from docx.table import Table

        element = copy.deepcopy(model)
        self.scratch.append(element)
        self._added()
        return Table(element, self.blocks)

    def _added(self) -> None:
        if len(self.scratch) >= self.BATCH:
            self.flush()

    def flush(self) -> None:
        for block in list(self.scratch):
            if self.end is not None:
                self.end.addprevious(block)
            else:
                self.body.append(block)


class _Writer:
    """Walks markdown-it's tokens and builds the document as it goes."""

    def __init__(self, document: Any):
        self.document = document
        self.lists: list[str] = []  # "bullet" or "number", innermost last
        self.quote = 0
        self.item_start = False
        self.table_style: str | None = None
        self.new_page = False  # after the summary's rule: the next paragraph starts a page
        self.number = ""  # the number of the ordered list item being written
        self.in_box: list[Any] = []  # the paragraphs of the warning box (a block quote) being written
        self.small_print = False  # under the plan's last heading, "Drawn from"

    @staticmethod
    def shrink(paragraph: Any) -> None:
        from docx.shared import Pt

        paragraph.paragraph_format.space_before = Pt(2)
        paragraph.paragraph_format.space_after = Pt(1)
        for run in paragraph.runs:
            run.font.size = Pt(SMALL_PRINT_POINTS)

    def write(self, tokens: list[Any]) -> None:
        index = 0
        while index < len(tokens):
            index = self.token(tokens, index) + 1

    def token(self, tokens: list[Any], index: int) -> int:
        token = tokens[index]
        kind = token.type
        if kind == "heading_open":
            # the plan's one `#` is the document's Title; `##` is Heading 1, and so on
            paragraph = self.document.add_heading(level=min(int(token.tag[1:]) - 1, 9))
            self.start_page(paragraph)
            self.inline(paragraph, tokens[index + 1].children or [])
            # the plan's last lines, the flow and answers it was drawn from by fingerprint, are for `codesign
            # verify` rather than the reader: small print, so that the one-page summary that ends with them
            # keeps to its page
            self.small_print = tokens[index + 1].content == SMALL_PRINT_HEADING
            if self.small_print:
                self.shrink(paragraph)
            return index + 2
        if kind == "paragraph_open" and self.quote:
            return self.quoted(tokens, index)
        if kind == "paragraph_open" and self.item_start and self.lists and self.lists[-1] == "number":
            return self.numbered(tokens, index)
        if kind == "paragraph_open":
            children = tokens[index + 1].children or []
            # a checklist's box is its item's mark: no bullet beside it as well
            boxed = self.item_start and bool(children) and children[0].type == "text" \
                and children[0].content.startswith(tuple(BOXES))
            paragraph = self.document.add_paragraph(style=self.paragraph_style(continued=boxed))
            if boxed:  # its wrapped lines start under the words, not under the box
                from docx.shared import Mm

                paragraph.paragraph_format.left_indent = Mm(6.35 * min(len(self.lists), 3) + 5)
                paragraph.paragraph_format.first_line_indent = Mm(-5)
            self.start_page(paragraph)
            self.inline(paragraph, children, boxes=self.item_start)
            if self.small_print:
                self.shrink(paragraph)
            follows = tokens[index + 3].type if index + 3 < len(tokens) else ""
            if not self.lists and (tokens[index + 1].content.endswith((":", ":**")) or follows == "fence"):
                # it introduces what follows (a list, or a chart such as the path taken): on the same page
                paragraph.paragraph_format.keep_with_next = True
            self.item_start = False
            return index + 2
        if kind in ("bullet_list_open", "ordered_list_open"):
            self.lists.append("bullet" if kind == "bullet_list_open" else "number")
        elif kind in ("bullet_list_close", "ordered_list_close"):
            self.lists.pop()
        elif kind == "list_item_open":
            self.item_start = True
            self.number = token.info or ""  # an ordered item's own number, as the Markdown gives it
        elif kind == "blockquote_open":
            self.quote += 1
        elif kind == "blockquote_close":
            self.quote -= 1
            if self.in_box:  # the box's last paragraph ends it: kept together, not with what follows
                self.in_box[-1].paragraph_format.keep_with_next = False
                self.in_box = []
        elif kind == "table_open":
            return self.add_table(tokens, index)
        elif kind in ("fence", "code_block"):
            self.code(token)
        elif kind == "hr":  # the rule after the plan's one-page summary: the full plan starts a new page,
            self.new_page = True  # its first heading marked to begin one (a page break of its own could
            # spill onto a page of its own when the summary fills page 1)
        elif kind == "html_block":  # not produced with html off; kept as text if a template adds it
            self.document.add_paragraph(token.content.strip())
        return index

    def numbered(self, tokens: list[Any], index: int) -> int:
        """A numbered step: its number written as text, as the Markdown numbers it, so that the full plan's
        steps go on from the summary's and read the same pasted elsewhere (Word's own numbering would run on
        across lists, or start again at 1); its wrapped lines start under its words."""
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn
        from docx.shared import Mm

        depth = min(len(self.lists), 3)
        paragraph = self.document.add_paragraph(style="List Number" if depth == 1 else f"List Number {depth}")
        numbering = OxmlElement("w:numPr")  # numId 0: the style's automatic number switched off
        for name, value in (("w:ilvl", "0"), ("w:numId", "0")):
            element = OxmlElement(name)
            element.set(qn("w:val"), value)
            numbering.append(element)
        paragraph._p.get_or_add_pPr().append(numbering)
        paragraph.paragraph_format.left_indent = Mm(6.35 * (depth - 1) + 8)
        paragraph.paragraph_format.first_line_indent = Mm(-8)
        self.start_page(paragraph)
        paragraph.add_run(f"{self.number}.\t")
        self.inline(paragraph, tokens[index + 1].children or [])
        self.item_start = False
        return index + 2

    def quoted(self, tokens: list[Any], index: int) -> int:
        """A paragraph of a warning box (a block quote, "Check:" and its list): every paragraph indented alike
        with a rule down its left side, kept together and with the next, so that "Check:" never ends a page
        apart from its items."""
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn
        from docx.shared import Mm

        paragraph = self.document.add_paragraph()
        properties = paragraph._p.get_or_add_pPr()
        borders = OxmlElement("w:pBdr")
        left = OxmlElement("w:left")
        for name, value in (("w:val", "single"), ("w:sz", "18"), ("w:space", "8"), ("w:color", "B10E1E")):
            left.set(qn(name), value)
        borders.append(left)
        properties.append(borders)
        layout = paragraph.paragraph_format
        layout.left_indent = Mm(6)
        layout.keep_with_next = layout.keep_together = True
        self.start_page(paragraph)
        if self.item_start and self.lists:
            marker = f"{self.number}. " if self.lists[-1] == "number" else "\u2022 "
            paragraph.add_run(marker)
        self.inline(paragraph, tokens[index + 1].children or [], boxes=self.item_start)
        self.item_start = False
        self.in_box.append(paragraph)
        return index + 2

    def start_page(self, paragraph: Any) -> None:
        if self.new_page:
            paragraph.paragraph_format.page_break_before = True
            self.new_page = False

    def paragraph_style(self, continued: bool = False) -> str | None:
        if self.lists:
            depth = min(len(self.lists), 3)
            name = "List Bullet" if self.lists[-1] == "bullet" else "List Number"
            if continued or not self.item_start:
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
        if not rows:
            return index
        width = max(len(row) for row in rows)
        if width > WIDEST_TABLE and len(rows) > 1 and rows[0][0][0]:
            # the first entry is built; the entries after it are copies of it with their own values, as building
            # each row, cell and rule through python-docx took most of a long register's time
            model = None
            for row in rows[1:]:
                model = self.entry(rows[0], row, model)
            return index
        table = self.new_table(width)
        widths = _column_widths(rows, width)
        if widths:
            table.autofit = False
            for column, measure in zip(table.columns, widths):  # the grid, which LibreOffice reads
                column.width = measure
        for number, row in enumerate(rows):
            # row by row, each row's cells once: table.cell(r, c) walks the whole table every time
            added = table.add_row()
            for column, (cell, (header, children)) in enumerate(zip(added.cells, row)):
                if widths:
                    cell.width = widths[column]
                self.inline(cell.paragraphs[0], children, bold=header)
            _row_rules(added, header=number == 0 and row[0][0])
        self.document.add_paragraph()
        return index

    def new_table(self, width: int) -> Any:
        table = self.document.add_table(rows=0, cols=width)
        if self.table_style is None:  # looked up once: python-docx looks a style up by walking them all
            table.style = self.document.styles["Table Grid"]
            self.table_style = table._tbl.tblPr.style
        else:
            table._tbl.tblPr.style = self.table_style
        return table

    def entry(self, headings: list[tuple[bool, list[Any]]], row: list[tuple[bool, list[Any]]],
              model: Any = None) -> Any:
        """One row of a wide table as a small table of its own: each heading beside its value, kept on
        one page. Given the table element of an entry before it with as many rows (`model`), a copy of that
        with this row's values; returns the element the next entry may copy."""
        from docx.oxml.ns import qn
        from docx.shared import Mm
        from docx.table import _Cell

        last = min(len(headings), len(row)) - 1
        if model is not None and len(model.tr_lst) == last + 1:
            table = self.document.add_copy(model)
            rules = qn("w:pPr")
            for number, (tr, (_, value)) in enumerate(zip(table._tbl.tr_lst, row)):
                paragraph = _Cell(tr.tc_lst[1], table).paragraphs[0]
                for child in list(paragraph._p):  # the model's value goes; its paragraph's rules stay
                    if child.tag != rules:
                        paragraph._p.remove(child)
                self.inline(paragraph, value, bold=number == 0)
            self.document.add_paragraph()
            return model
        table = self.new_table(2)
        table.autofit = False
        table.columns[0].width, table.columns[1].width = Mm(55), Mm(115)
        for number, ((_, heading), (_, value)) in enumerate(zip(headings, row)):
            added = table.add_row()
            name, text = added.cells
            self.inline(name.paragraphs[0], heading, bold=True)
            self.inline(text.paragraphs[0], value, bold=number == 0)
            _row_rules(added, keep_with_next=number < last)
        self.document.add_paragraph()  # apart, or Word joins the tables into one
        return table._tbl

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
        if state["bold"]:  # set only when on: each setting adds XML to the run
            run.bold = True
        if state["italic"]:
            run.italic = True
        if state["strike"]:
            run.font.strike = True
        if state["code"]:
            run.font.name = "Consolas"


def _column_widths(rows: list[list[tuple[bool, list[Any]]]], width: int) -> list[Any]:
    """Columns as wide as what they hold, within the page's 170 mm: the reasons' long questions beside a short
    answer and source read in a few lines, where equal columns made each row a dozen lines tall. Each column
    gets at least 30 mm, and room for its longest word, so that a word ("Recommendation") is never broken."""
    from docx.shared import Mm

    if width < 2:
        return []
    lengths = [0.0] * width
    longest = [0] * width  # characters in each column's longest word
    for row in rows:
        for column, (_, children) in enumerate(row[:width]):
            texts = [c.content for c in children if c.type in ("text", "code_inline")]
            lengths[column] += sum(len(text) for text in texts)
            longest[column] = max([longest[column], *(len(word) for text in texts for word in text.split())])
    damped = [length ** 0.75 for length in lengths]  # a long column need not take all the width
    total = sum(damped) or 1.0
    # mm: 30, or a long word in bold at about 2.3 mm a character, with the cell's margins; never more than
    # an equal share of the page, so that every column fits
    least = [min(max(30.0, 2.3 * characters + 4), 170 / width) if width * 30 <= 170 else 170 / width
             for characters in longest]
    spare = 170 - sum(least)
    return [Mm(room + spare * length / total) for room, length in zip(least, damped)]


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
