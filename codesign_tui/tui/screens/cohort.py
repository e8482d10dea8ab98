"""The room's answers on a projector: the cohort report, refreshed as finished sessions arrive."""

from __future__ import annotations

from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Header, MarkdownViewer

from ...flow.model import Flow
from ...flow.visible import visible
from ..widgets.footer import Footer

REFRESH_SECONDS = 10


class CohortScreen(Screen):
    """Counts the answers files in the given paths and shows the report; counts again every few seconds."""

    BINDINGS = [
        Binding("r", "refresh_report", "Count again", tooltip="Read the answers files again now"),
        Binding("t", "toggle_toc", "Contents", tooltip="Show or hide the table of contents"),
        Binding("q", "app.quit", "Quit", tooltip="Leave", show=False),  # Ctrl+Q, in the footer, does the same
    ]

    def __init__(self, paths: list[Path], flow: Flow | None = None) -> None:
        super().__init__()
        self.paths = paths
        self.flow = flow
        self.shown = ""

    def compose(self) -> ComposeResult:
        yield Header()
        yield MarkdownViewer(id="cohort", show_table_of_contents=False)
        yield Footer()

    def on_mount(self) -> None:
        self.title = "The room's answers"
        self.action_refresh_report()
        self.set_interval(REFRESH_SECONDS, self.action_refresh_report)

    def action_refresh_report(self) -> None:
        self.count()

    @work(exclusive=True, group="cohort", thread=True)
    def count(self) -> None:
        from ...cohort import build_cohort, render_markdown

        cohort = build_cohort(self.paths, flow=self.flow)
        # a terminal cannot draw the Mermaid chart, and under 140 columns a wide table squeezes its questions
        text = render_markdown(cohort, on_screen=True, narrow=self.app.size.width < 140) if cohort.answer_sets else (
            "# Waiting for answers\n\nNo finished answers yet in " + ", ".join(str(p) for p in self.paths)
            + f". This screen counts again every {REFRESH_SECONDS} seconds.")
        self.app.call_from_thread(self.show, text, cohort.answer_sets)

    async def show(self, text: str, count: int) -> None:
        self.sub_title = f"{count} answer set{'s' * (count != 1)}"
        if text != self.shown:
            self.shown = text
            await self.query_one(MarkdownViewer).document.update(visible(text, "\n\t"))

    def action_toggle_toc(self) -> None:
        viewer = self.query_one(MarkdownViewer)
        viewer.show_table_of_contents = not viewer.show_table_of_contents
