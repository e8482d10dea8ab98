"""The turns of the conversation: the app's questions, the person's answers, and notes between them."""

from __future__ import annotations

from typing import Callable, cast

from textual.binding import Binding
from textual.events import Click
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.reactive import reactive
from textual.widgets import Static

from ...flow.conversation import answer_label  # noqa: F401 - the review screen takes it from here
from ...flow.model import Question
from ...flow.visible import visible
from ..messages import EditAnswer


class Fold(Static):
    """A title line that opens to show more under it ("▶ Why we ask (F1)"), as a Collapsible does. What it
    opens to is built only when first opened: most questions are answered without it, and a folded
    Collapsible is four widgets, restyled and laid out again at every answer. A click opens or folds it;
    it is no Tab stop (F1 or "?" opens the guidance), so that the way from the transcript to the reply box
    stays short."""

    opened: reactive[bool] = reactive(False, init=False)

    def __init__(self, title: str, body: str, opened: bool = False, classes: str = "") -> None:
        super().__init__(classes=f"fold {classes}".strip(), markup=False)
        self.title = title
        self.body = body
        self.shown: Static | None = None  # what it opens to, once built
        self.set_reactive(Fold.opened, opened)

    def render(self) -> Content:
        return Content.assemble("▼ " if self.opened else "▶ ", self.title)

    def on_mount(self) -> None:
        if self.opened:
            self.watch_opened(True)

    def on_click(self, event: Click) -> None:
        event.stop()
        self.toggle()

    def toggle(self) -> None:
        self.opened = not self.opened

    async def show(self, title: str, body: str, opened: bool) -> None:
        """Fold over something else, as a new Fold would: opened or folded, its body built only if opened."""
        self.title, self.body = title, body
        if self.shown is not None:
            if opened:
                self.shown.update(body)
            else:
                await self.shown.remove()
                self.shown = None
        self.opened = opened
        self.refresh()

    def watch_opened(self, opened: bool) -> None:
        if self.shown is None and opened and self.parent is not None:
            self.shown = Static(self.body, markup=False, classes="fold-body")
            self.parent.mount(self.shown, after=self)
        elif self.shown is not None:
            self.shown.display = opened


class QuestionTurn(Vertical):
    """The app asks: the question, with why we ask folded under it. Once answered, an AskedTurn is put before
    it in the transcript, the question alone, so that the transcript reads more easily; and this turn asks
    the next question."""

    def __init__(self, question: Question, number: int, citation: str, discussion: bool = False,
                 settled: bool = False, words: Callable[[str], str] = str,
                 folded_words: Callable[[str], str] = str) -> None:
        super().__init__(classes="turn question-turn")
        self.question = question
        self.number = number
        self.citation = citation
        self.discussion = discussion
        self.settled = settled
        # the flow's words as shown here, abbreviations spelt out where the person first meets them
        self.prompt = words(question.prompt)
        self.guidance = folded_words(question.guidance)

    def compose(self):
        yield Static(prompt_content(self.number, self.prompt), classes="prompt")
        if not self.settled:
            yield from self.parts()

    def parts(self) -> list[Static]:
        """What goes under the prompt: whether the question may be skipped, and the folds."""
        parts: list[Static] = []
        if not self.question.required:
            parts.append(Static("Optional: press Enter on an empty reply to skip it.", classes="hint"))
        if self.guidance:
            body = self.guidance + (f"\n\nSource: {self.citation}" if self.citation else "")
            parts.append(Fold("Why we ask (F1)", visible(body, "\n"), classes="guidance"))
        if self.discussion and self.question.discussion:
            parts.append(Fold("For the room to discuss",
                              "\n".join(f"• {visible(line)}" for line in self.question.discussion),
                              opened=True, classes="discussion"))
        return parts

    async def ask(self, question: Question, number: int, citation: str, words: Callable[[str], str] = str,
                  folded_words: Callable[[str], str] = str) -> None:
        """Ask the next question in this turn, drawn as a new QuestionTurn would be. Each answer then mounts
        and removes fewer widgets: the turn, its prompt and the folds it shares with the next question stay."""
        self.question, self.number, self.citation = question, number, citation
        self.prompt = words(question.prompt)
        self.guidance = folded_words(question.guidance)
        prompt, *old = self.children
        cast(Static, prompt).update(prompt_content(self.number, self.prompt))
        if self.settled:
            return
        old = [part for part in old if not part.has_class("fold-body")]
        new = self.parts()
        if [part.classes for part in old] != [part.classes for part in new]:
            await self.remove_children(list(self.children)[1:])
            await self.mount_all(new)
            return
        for was, part in zip(old, new):
            if isinstance(was, Fold) and isinstance(part, Fold):
                await was.show(part.title, part.body, part.opened)

    @property
    def guidance_open(self) -> bool:
        return any(fold.opened for fold in self.query(".guidance").results(Fold))

    def toggle_guidance(self) -> bool:
        """Open or fold the guidance; False when this question has none."""
        for fold in self.query(".guidance").results(Fold):
            fold.toggle()
            return True
        return False


def prompt_content(number: int, prompt: str) -> Content:
    return Content.from_markup("[b]$number.[/b] $prompt", number=str(number), prompt=visible(prompt, "\n"))


class AskedTurn(Static):
    """A question already answered, drawn as a question turn settles: its prompt alone. One light widget
    rather than a container and its parts, so that a long transcript stays quick to lay out."""

    def __init__(self, question: Question, number: int, prompt: str) -> None:
        super().__init__(prompt_content(number, prompt), classes="turn question-turn")
        self.question = question
        self.number = number
        self.prompt = prompt  # as the person read it, abbreviations spelt out where they first met them


class AnswerTurn(Static):
    """The person's answer. Click it, or choose it in the transcript and press Enter, to change it."""

    def __init__(self, question: Question, label: str) -> None:
        super().__init__(Content.from_markup("$label", label=visible(label, "\n")), classes="turn answer-turn")
        self.question = question
        self.tooltip = "Click to change this answer"



class Transcript(VerticalScroll, can_focus=True):
    """The conversation so far. It is one stop for Tab: inside it, the arrow keys choose an answer and
    Enter changes it."""

    BINDINGS = [
        Binding("up", "choose(-1)", "Earlier answer", show=False),
        Binding("down", "choose(1)", "Later answer", show=False),
        Binding("enter", "change", "Change this answer", tooltip="Go back to this question and answer again"),
    ]

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.chosen: AnswerTurn | None = None

    # While the turns fit, the transcript is only as tall as they are, so the way to answer sits right
    # under the question instead of at the foot of a tall terminal (class -fits); once they overflow,
    # it takes the height left and stays scrolled to the latest turn (anchored). Anchored while short,
    # Textual would push the turns to the bottom, below a screen of blank lines.
    def watch_virtual_size(self) -> None:
        self.fit()

    def on_resize(self) -> None:
        self.fit()

    def fit(self) -> None:
        """Choose between fitting the turns and filling the height, from the room the column has left."""
        column = self.parent
        if column is None or not column.size.height:
            return
        others = sum(child.outer_size.height for child in column.children if child is not self and child.display)
        room = column.content_size.height - others - self.styles.gutter.height
        fits = self.virtual_size.height <= room
        if fits != self.has_class("-fits"):
            self.set_class(fits, "-fits")
        if fits == self.is_anchored:
            self.anchor(not fits)

    def follow(self) -> None:
        """After an answer: fit again, and keep to the latest turn even after the person scrolled up (which
        lets go of Textual's anchor)."""
        self.fit()
        if not self.has_class("-fits"):
            self.anchor()
            self.scroll_end(animate=False, immediate=True)

    def asking(self) -> QuestionTurn | None:
        """The turn of the question being asked: the last question turn, found from the end (the turns
        before it are answered questions, not asked again)."""
        for turn in reversed(self.children):
            if isinstance(turn, QuestionTurn):
                return turn
        return None

    def answers(self) -> list[AnswerTurn]:
        return list(self.query(AnswerTurn))

    def choose(self, turn: AnswerTurn | None, scroll: bool = True) -> None:
        if self.chosen is not None:
            self.chosen.remove_class("-chosen")
        self.chosen = turn
        if turn is not None:
            turn.add_class("-chosen")
            if scroll:
                turn.scroll_visible(animate=False)

    def on_focus(self) -> None:
        answers = self.answers()
        if self.chosen not in answers:
            # no scrolling here: focus can come from a click, which must land where it was aimed
            self.choose(answers[-1] if answers else None, scroll=False)

    def on_blur(self) -> None:
        self.choose(None)

    def action_choose(self, step: int) -> None:
        answers = self.answers()
        if not answers:
            return
        index = answers.index(self.chosen) + step if self.chosen in answers else len(answers) - 1
        self.choose(answers[max(0, min(index, len(answers) - 1))])

    def on_click(self, event: Click) -> None:
        # a focusable container receives the clicks on its children; find the answer that was clicked
        widget = event.widget
        while widget is not None and widget is not self and not isinstance(widget, AnswerTurn):
            widget = widget.parent
        if isinstance(widget, AnswerTurn):
            self.choose(widget, scroll=False)
            self.post_message(EditAnswer(widget.question.id))

    def action_change(self) -> None:
        if self.chosen is not None:
            self.post_message(EditAnswer(self.chosen.question.id))


class NoteTurn(Static):
    """A short note from the app: a section starting, answers set aside, or something to fix."""

    def __init__(self, text: str, kind: str = "note") -> None:
        super().__init__(visible(text, "\n"), classes=f"turn note-turn {kind}", markup=False)
