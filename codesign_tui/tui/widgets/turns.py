"""The turns of the conversation: the app's questions, the person's answers, and notes between them."""

from __future__ import annotations

from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Collapsible, Static

from ...flow.model import Question
from ..messages import EditAnswer


def answer_label(question: Question, value: object) -> str:
    """An answer as the transcript and review show it."""
    return "Skipped" if value is None else question.label(value)


class QuestionTurn(Vertical):
    """The app asks: the question, with why we ask folded under it."""

    def __init__(self, question: Question, number: int, citation: str, discussion: bool = False) -> None:
        super().__init__(classes="turn question-turn")
        self.question = question
        self.number = number
        self.citation = citation
        self.discussion = discussion

    def compose(self):
        yield Static(Content.from_markup("[b]$number.[/b] $prompt", number=str(self.number),
                                         prompt=self.question.prompt), classes="prompt")
        if not self.question.required:
            yield Static("Optional: press Enter on an empty reply to skip it.", classes="hint")
        if self.question.guidance:
            body = self.question.guidance + (f"\n\nSource: {self.citation}" if self.citation else "")
            with Collapsible(title="Why we ask", collapsed=True, classes="guidance"):
                yield Static(body)
        if self.discussion and self.question.discussion:
            with Collapsible(title="For the room to discuss", collapsed=False, classes="discussion"):
                yield Static("\n".join(f"• {line}" for line in self.question.discussion))

    def toggle_guidance(self) -> bool:
        """Open or fold the guidance; False when this question has none."""
        for collapsible in self.query(".guidance").results(Collapsible):
            collapsible.collapsed = not collapsible.collapsed
            return True
        return False


class AnswerTurn(Static, can_focus=True):
    """The person's answer. Select it (Enter or a click) to change it."""

    BINDINGS = [
        Binding("enter", "edit", "Change this answer", tooltip="Go back to this question and answer again"),
        Binding("up", "neighbour(-1)", "Earlier answer", show=False),
        Binding("down", "neighbour(1)", "Later answer", show=False),
    ]

    def __init__(self, question: Question, label: str) -> None:
        super().__init__(Content.from_markup("$label  [dim](select to change)[/dim]", label=label),
                         classes="turn answer-turn")
        self.question = question
        self.tooltip = "Change this answer"

    def action_edit(self) -> None:
        self.post_message(EditAnswer(self.question.id))

    def on_click(self) -> None:
        self.action_edit()

    def action_neighbour(self, step: int) -> None:
        turns = list(self.screen.query(AnswerTurn))
        index = turns.index(self) + step
        if 0 <= index < len(turns):
            turns[index].focus()
            turns[index].scroll_visible()


class NoteTurn(Static):
    """A short note from the app: a section starting, answers set aside, or something to fix."""

    def __init__(self, text: str, kind: str = "note") -> None:
        super().__init__(text, classes=f"turn note-turn {kind}", markup=False)
