"""Messages shared between screens and widgets."""

from __future__ import annotations

from textual.message import Message


class EditAnswer(Message):
    """A person asked to change the answer to a question."""

    def __init__(self, question_id: str) -> None:
        super().__init__()
        self.question_id = question_id
