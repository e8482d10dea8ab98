"""Markdown as plain text, for pasting into a board paper's template, an email or any box that takes text:
paragraphs wrapped between words, headings underlined, steps numbered 1, 2, 3, a checklist's boxes as words
("To do:"), tables as aligned columns (or a line per cell when too wide), and no markup or link targets."""

from __future__ import annotations

import textwrap
from typing import Any

from .escape import mermaid_steps

WIDTH = 80
BOXES = {"[ ] ": "To do: ", "[x] ": "Done: ", "[X] ": "Done: "}


def to_text(markdown: str, width: int = WIDTH) -> str:
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    parser.enable(["table", "strikethrough"])
    writer = _Writer(width)
    writer.walk(parser.parse(markdown))
    return "\n".join(writer.lines).strip("\n") + "\n"


def _inline(token: Any) -> str:
    """The words of an inline token: markup dropped, links as their words, line breaks as spaces."""
    parts = []
    for child in token.children or []:
        if child.type in ("text", "code_inline", "html_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":
            parts.append(child.content)
    return "".join(parts)


class _Writer:
    def __init__(self, width: int):
        self.width = width
        self.lines: list[str] = []
        self.lists: list[list[int]] = []  # per open list: [kind (0 bullet, 1 number), next number]
        self.marker = ""  # the pending marker of a list item's first paragraph
        self.quote = 0

    def blank(self) -> None:
        if self.lines and self.lines[-1] != "":
            self.lines.append("")

    def indent(self) -> str:
        return "  " * self.quote + "   " * max(len(self.lists) - 1, 0)

    def paragraph(self, text: str) -> None:
        indent = self.indent()
        marker, self.marker = self.marker, ""
        if marker:
            for box, words in BOXES.items():
                if text.startswith(box):
                    text = words + text[len(box):]
                    break
        first = indent + marker
        rest = indent + " " * len(marker) if marker else indent
        if not marker and self.lists:  # a later paragraph of an item sits under its words
            first = rest = indent + "   "
        self.lines.append(textwrap.fill(" ".join(text.split()), self.width, initial_indent=first,
                                        subsequent_indent=rest, break_long_words=False,
                                        break_on_hyphens=False) or first.rstrip())
        if not self.lists:
            self.lines.append("")

    def walk(self, tokens: list[Any]) -> None:
        index = 0
        while index < len(tokens):
            token = tokens[index]
            kind = token.type
            if kind == "heading_open":
                text = " ".join(_inline(tokens[index + 1]).split())
                level = int(token.tag[1:])
                self.blank()
                if level == 1:
                    self.lines += [text, "=" * min(len(text), self.width)]
                elif level == 2:
                    self.lines += [text, "-" * min(len(text), self.width)]
                else:
                    self.lines.append(text.upper())
                self.lines.append("")
                index += 3
                continue
            if kind == "paragraph_open":
                self.paragraph(_inline(tokens[index + 1]))
                index += 3
                continue
            if kind in ("bullet_list_open", "ordered_list_open"):
                if not self.lists:
                    self.blank()
                start = int(token.attrGet("start") or 1) if kind == "ordered_list_open" else 0
                self.lists.append([kind == "ordered_list_open", start])
            elif kind in ("bullet_list_close", "ordered_list_close"):
                self.lists.pop()
                if not self.lists:
                    self.blank()
            elif kind == "list_item_open":
                numbered, number = self.lists[-1]
                self.marker = f"{number}. " if numbered else "- "
                if numbered:
                    self.lists[-1][1] += 1
            elif kind == "blockquote_open":
                self.quote += 1
            elif kind == "blockquote_close":
                self.quote -= 1
            elif kind == "hr":
                self.blank()
            elif kind in ("fence", "code_block"):
                steps = mermaid_steps(token.content) if token.info.strip() == "mermaid" else []
                if steps:
                    self.paragraph(" → ".join(steps))
                else:
                    self.blank()
                    self.lines += [self.indent() + "    " + line for line in token.content.rstrip("\n").split("\n")]
                    self.lines.append("")
            elif kind == "table_open":
                index = self.table(tokens, index)
            index += 1

    def table(self, tokens: list[Any], index: int) -> int:
        rows: list[list[str]] = []
        while tokens[index].type != "table_close":
            token = tokens[index]
            if token.type == "tr_open":
                rows.append([])
            elif token.type == "inline":
                rows[-1].append(" ".join(_inline(token).split()))
            index += 1
        if not rows:
            return index
        header, body = rows[0], rows[1:]
        widths = [max(len(row[column]) if column < len(row) else 0 for row in rows) for column in range(len(header))]
        self.blank()
        indent = self.indent()
        if len(indent) + sum(widths) + 2 * (len(widths) - 1) <= self.width:
            def line(cells: list[str]) -> str:
                return indent + "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(cells)).rstrip()
            self.lines += [line(header), indent + "  ".join("-" * w for w in widths)]
            self.lines += [line(row) for row in body]
        else:  # too wide for columns: each row a block of "Heading: value" lines
            for row in body:
                for column, cell in enumerate(row):
                    if cell:
                        label = header[column] if column < len(header) else ""
                        text = f"{label}: {cell}" if label else cell
                        self.lines.append(textwrap.fill(text, self.width, initial_indent=indent,
                                                        subsequent_indent=indent + "  ", break_long_words=False,
                                                        break_on_hyphens=False))
                self.lines.append("")
        self.blank()
        return index
