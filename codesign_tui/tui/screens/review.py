"""Review: every answer in one table, each row a way back to change it."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from ...flow.conversation import Conversation
from ...flow.visible import visible
from ..widgets.footer import Footer
from ..widgets.turns import cut_short, more_kept

# A cell shows at most this much of an answer: a pasted document would otherwise be one row screens high
LONGEST_IN_A_CELL = 300
MOST_LINES_IN_A_CELL = 8


class ReviewScreen(Screen[str | None]):
    """Shows the answers; Enter on a row goes back to that question."""

    BINDINGS = [
        Binding("escape", "close", "Back to the conversation", tooltip="Close the review"),
        Binding("ctrl+o", "plan", "Plan", tooltip="See the plan, and save or export it"),
    ]

    def __init__(self, conversation: Conversation) -> None:
        super().__init__()
        self.conversation = conversation

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(f"{self.conversation.progress()} questions answered. Choose a row and press Enter (or click it) to"
                     " change that answer.", id="review-intro", markup=False)
        yield DataTable(id="review-table", cursor_type="row", zebra_stripes=True)
        set_aside = self.conversation.session.set_aside
        if set_aside:
            names = visible("; ".join(self.conversation.flow.question(q).prompt for q in set_aside))
            yield Static(f"Set aside, as they no longer apply: {names}", id="review-set-aside", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Review your answers"
        table = self.query_one(DataTable)
        # the answer matters most, so it always fits; the question takes what is left
        width = self.app.size.width
        answer_width = max(16, min(36, width // 3))
        table.add_column("#", width=3)
        table.add_column("Question", width=max(20, width - answer_width - 12))
        table.add_column("Answer", width=answer_width)
        for row in self.conversation.rows():
            # rows grow to fit, so a long question or answer wraps rather than being cut off
            # Text, not str: the table reads a str as markup, and a reply holding "[/]" must show as typed
            table.add_row(str(row.number), Text(visible(row.prompt, "\n")), Text(answer_cell(row.answer)) if
                          row.answered else "(not answered yet)", key=row.id, height=None)
        table.focus()

    # Only while this screen is the one shown: keys typed in a burst can reach it as the app quits (Textual
    # runs a key's binding once the key has passed up to the app, on whatever screen is shown by then), and
    # dismissing a screen already taken off the stack crashed the app on its way out
    @on(DataTable.RowSelected)
    def _chosen(self, event: DataTable.RowSelected) -> None:
        if self.is_current:
            self.dismiss(event.row_key.value)

    def action_close(self) -> None:
        if self.is_current:
            self.dismiss(None)

    def action_plan(self) -> None:
        self.dismiss(None)
        self.app.call_later(self.app.screen.run_action, "plan")


def answer_cell(answer: str) -> str:
    """An answer as its cell shows it, control characters made visible: whole, or its start and how much
    more is kept."""
    shown, more = cut_short(answer, LONGEST_IN_A_CELL, MOST_LINES_IN_A_CELL)
    return visible(f"{shown} {more_kept(more)}" if more else answer, "\n")
