"""The side panel's list of sections draws the same lines as the Rich grid it replaces (which was slow)."""

from __future__ import annotations

import pytest
from rich.console import Console, Group
from rich.segment import Segment
from rich.style import Style
from rich.table import Table
from rich.text import Text

from codesign_tui.flow.loader import load_flow
from codesign_tui.resources import flows_dir, shipped_flows
from codesign_tui.tui.widgets.side_panel import SectionsProgress


def grid(rows: list[tuple[str, str, str]]) -> Group:
    table = Table.grid(padding=(0, 1))
    table.add_column(no_wrap=True)
    table.add_column(ratio=1)
    table.add_column(no_wrap=True, style="dim")
    for mark, title, count in rows:
        table.add_row(mark, Text(title), count)
    return Group(Text("Sections", style="bold"), table)


def lines(renderable, width: int) -> list[list[Segment]]:
    console = Console(width=width, color_system="truecolor", force_terminal=True)
    drawn = console.render_lines(renderable, console.options.update_width(width), pad=True)
    return [list(Segment.simplify(Segment(s.text, s.style or Style()) for s in line)) for line in drawn]


@pytest.mark.parametrize("name", [path.stem for path in shipped_flows()] + ["long words"])
def test_the_sections_are_drawn_as_the_rich_grid_drew_them(name):
    if name == "long words":
        titles = ["Conflict-of-interest rules and a very-long-hyphenated-word-indeed", "x", "Anything else"]
    else:
        titles = [section.title for section in load_flow(flows_dir() / f"{name}.yaml").sections]
    counts = ["0/1 now", "12/12 done", "3/10 to do"]
    rows = [("▸✓·"[n % 3], title, counts[n % 3]) for n, title in enumerate(titles)]
    for width in range(20, 90):  # the panel is at least 34 columns wide, its text at least 29
        assert lines(SectionsProgress(rows), width) == lines(grid(rows), width), width
