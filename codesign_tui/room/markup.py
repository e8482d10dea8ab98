"""A plan or a report as a room's page shows it: its Markdown made into the page's HTML, fitted to the room's
pages (one top heading, to-do boxes as marks, tables a phone can read, no inline styles)."""

from __future__ import annotations

import html
import re


def demote(markdown: str) -> str:
    """Headings one level down, so that the page keeps its one top heading."""
    return re.sub(r"^(#{1,5}) ", r"#\1 ", markdown, flags=re.M)


def unboxed(page: str) -> str:
    """The plan's to-do boxes as marks: a disabled checkbox without a label is a form field a screen reader
    announces and cannot explain."""
    return re.sub(r'<input class="task-list-item-checkbox"[^>]*>', '<span class="box" aria-hidden="true">☐</span>',
                  page)


def stacked(page: str) -> str:
    """Each data cell of a page's tables labelled with its column's heading (data-label), so that on a
    narrow screen each row can be shown as a stack of labelled lines instead of a table wider than the
    screen."""
    def one_table(match: re.Match[str]) -> str:
        table = match.group(0)
        head = re.search(r"<thead>(.*?)</thead>", table, flags=re.S)
        if head is None:
            return table
        labels = [html.unescape(re.sub(r"<[^>]+>", "", cell)).strip()
                  for cell in re.findall(r"<th[^>]*>(.*?)</th>", head.group(1), flags=re.S)]

        def one_row(row: re.Match[str]) -> str:
            cells = iter(labels)
            return re.sub(r"<td([^>]*)>", lambda cell: f'<td{cell.group(1)} data-label="'
                          f'{html.escape(next(cells, ""), quote=True)}">', row.group(0))

        body_start = table.find("<tbody>")
        if body_start < 0:
            return table
        return table[:body_start] + re.sub(r"<tr>.*?</tr>", one_row, table[body_start:], flags=re.S)

    page = re.sub(r"<table[^>]*>.*?</table>", lambda table: _stack_class(one_table(table)), page, flags=re.S)
    # a column's alignment as a class: the pages' rules (Content-Security-Policy style-src 'self') refuse the
    # style attribute Markdown tables are written with, and a browser then dropped it and logged an error
    return re.sub(r' style="text-align:(left|right|center)"', r' class="align-\1"', page)


def _stack_class(table: str) -> str:
    head, rest = table.split(">", 1)
    if 'class="' in head:
        return head.replace('class="', 'class="stack ', 1) + ">" + rest
    return head + ' class="stack">' + rest
