"""A plan or report as the room's pages show it (room/markup.py)."""

from __future__ import annotations

from codesign_tui.plan.html import to_html
from codesign_tui.room.markup import stacked


def test_a_columns_alignment_is_a_class_the_rooms_rules_allow_not_a_style():
    """Found in a trial: the trainer's report table set its number columns with style="text-align:right",
    which the room's Content-Security-Policy (style-src 'self') refuses: the browser dropped it and logged an
    error. Each alignment is a class the room's stylesheet sets; the cells keep their column's label."""
    page = stacked(to_html("| Level | Count |\n|:--|--:|\n| Consult | 3 |\n"))
    assert "style=" not in page
    assert '<th class="align-right">Count</th>' in page
    assert '<td class="align-right" data-label="Count">3</td>' in page
    assert '<td class="align-left" data-label="Level">Consult</td>' in page
