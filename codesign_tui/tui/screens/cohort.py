"""The room's answers on a projector: the cohort report, refreshed as finished sessions arrive, with nothing
about any recommendation until the room is revealed."""

from __future__ import annotations

from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.reactive import var
from textual.screen import Screen
from textual.widgets import Header, Markdown, MarkdownViewer

from ...flow.examples import WorkedExample
from ...flow.model import Flow
from ...flow.visible import visible
from ..widgets.dialogs import ConfirmDialog
from ..widgets.footer import Footer

REFRESH_SECONDS = 10
REVEAL_QUESTION = ("Show the recommendations{case} to everyone who can see this screen? Once shown they stay"
                   " shown.")


class ReportViewer(MarkdownViewer):
    """The report with its contents: choosing a heading moves the report to it and gives the report the
    keys again, so that PageDown pages the report rather than the contents."""

    @on(Markdown.TableOfContentsSelected)
    def _back_to_the_report(self) -> None:
        self.document.focus(scroll_visible=False)  # focusing would scroll it back to its top


class CohortScreen(Screen):
    """Counts the answers files in the given paths and shows the report; counts again every few seconds.
    Until the room is revealed (by its index, or here with F4 after a question) it shows progress and the
    spread of answers only."""

    BINDINGS = [
        Binding("r", "refresh_report", "Count again", tooltip="Read the answers files again now"),
        Binding("f4", "reveal", "Reveal", tooltip="Show the recommendations (and the case, when comparing with"
                " one) on this screen, after asking"),
        Binding("t", "toggle_toc", "Contents", tooltip="Show or hide the table of contents"),
        Binding("q", "app.quit", "Quit", tooltip="Leave", show=False),  # Ctrl+Q, in the footer, does the same
    ]

    revealed: var[bool] = var(False, init=False)

    def __init__(self, paths: list[Path], flow: Flow | None = None, example: WorkedExample | None = None) -> None:
        super().__init__()
        self.paths = paths
        self.flow = flow
        self.example = example if example is not None and flow is not None and example.flow == flow.id else None
        self.shown = ""
        self.count_sets = 0

    def compose(self) -> ComposeResult:
        yield Header()
        yield ReportViewer(id="cohort", show_table_of_contents=False)
        yield Footer()

    def on_mount(self) -> None:
        self.title = "The room's answers"
        self.query_one(ReportViewer).document.focus()  # PageDown and the arrows page the report from the start
        self.action_refresh_report()
        self.set_interval(REFRESH_SECONDS, self.action_refresh_report)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "reveal":
            return not self.revealed
        return True

    def watch_revealed(self) -> None:
        self.refresh_bindings()
        self._subtitle()

    def action_refresh_report(self) -> None:
        self.count()

    def action_reveal(self) -> None:
        if self.revealed:
            return
        case = " and how the room compares with the case" if self.example is not None else ""
        self.app.push_screen(ConfirmDialog(REVEAL_QUESTION.format(case=case), yes="Reveal", no="Not yet"),
                             self._reveal_if_confirmed)

    def _reveal_if_confirmed(self, confirmed: bool | None) -> None:
        if confirmed and not self.revealed:
            self.revealed = True
            self.count()

    @work(exclusive=True, group="cohort", thread=True)
    def count(self) -> None:
        from ...cohort import build_cohort, render_markdown
        from ...cohort.gather import case_of, revealed

        reveal = self.revealed or revealed(self.paths)
        case = case_of(self.flow, self.example) if self.example is not None and self.flow is not None else None
        cohort = build_cohort(self.paths, flow=self.flow, case=case)
        # a terminal cannot draw the Mermaid chart, and under 140 columns a wide table squeezes its questions
        text = render_markdown(cohort, on_screen=True, narrow=self.app.size.width < 140, reveal=reveal) \
            if cohort.answer_sets else (
            "# Waiting for answers\n\nNo finished answers yet in " + ", ".join(str(p) for p in self.paths)
            + f". This screen counts again every {REFRESH_SECONDS} seconds.")
        self.app.call_from_thread(self.show, text, cohort.answer_sets, reveal)

    async def show(self, text: str, count: int, reveal: bool = False) -> None:
        self.count_sets = count
        if reveal and not self.revealed:  # the room was revealed from the trainer's page
            self.revealed = True
        self._subtitle()
        if text != self.shown:
            self.shown = text
            await self.query_one(ReportViewer).document.update(visible(text, "\n\t"))

    def _subtitle(self) -> None:
        count = self.count_sets
        self.sub_title = f"{count} answer set{'s' * (count != 1)}" + (
            "" if self.revealed else "; recommendations hidden: F4")

    def action_toggle_toc(self) -> None:
        viewer = self.query_one(ReportViewer)
        viewer.show_table_of_contents = not viewer.show_table_of_contents
        if not viewer.show_table_of_contents:
            viewer.document.focus(scroll_visible=False)
