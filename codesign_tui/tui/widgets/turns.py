"""The turns of the conversation: the app's questions, the person's answers, and notes between them."""

from __future__ import annotations

from typing import Any, Callable, cast

from rich.segment import Segment
from textual.binding import Binding
from textual.events import Click, MouseDown, MouseEvent, MouseMove, MouseUp
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.dom import DOMNode
from textual.geometry import Region
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Static

from ...flow.conversation import answer_label  # noqa: F401 - the review screen takes it from here
from ...flow.model import Question
from ...flow.visible import visible
from ..messages import EditAnswer
from .letting_go import remove


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
                if isinstance(self.shown.parent, Widget):
                    await remove(self.shown.parent, [self.shown])
                self.shown = None
        self.opened = opened
        self.refresh()

    def watch_opened(self, opened: bool) -> None:
        if self.shown is None and opened and isinstance(self.parent, Widget):
            self.shown = Static(self.body, markup=False, classes="fold-body")
            self.parent.mount(self.shown, after=self)
        elif self.shown is not None:
            self.shown.display = opened


class QuestionTurn(Vertical):
    """The app asks: the question, with why we ask folded under it. Once answered, an AskedTurn is put before
    it in the transcript, the question alone, so that the transcript reads more easily; and this turn asks
    the next question."""

    def __init__(self, question: Question, number: int, why: str = "", discussion: bool = False,
                 settled: bool = False, words: Callable[[str], str] = str) -> None:
        super().__init__(classes="turn question-turn")
        self.question = question
        self.number = number
        self.discussion = discussion
        self.settled = settled
        # the flow's words as shown here, abbreviations spelt out where the person first meets them
        self.prompt = words(question.prompt)
        self.guidance = why  # why we ask and the source, as the fold shows it (Conversation.why_folded)

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
            parts.append(Fold("Why we ask (F1)", visible(self.guidance, "\n"), classes="guidance"))
        if self.discussion and self.question.discussion:
            parts.append(Fold("For the room to discuss",
                              "\n".join(f"• {visible(line)}" for line in self.question.discussion),
                              opened=True, classes="discussion"))
        return parts

    async def ask(self, question: Question, number: int, why: str = "", words: Callable[[str], str] = str) -> None:
        """Ask the next question in this turn, drawn as a new QuestionTurn would be. Each answer then mounts
        and removes fewer widgets: the turn, its prompt and the folds it shares with the next question stay."""
        self.question, self.number = question, number
        self.prompt = words(question.prompt)
        self.guidance = why
        if not self.children:
            return  # not composed yet: compose() draws the question just set
        prompt, *old = self.children
        cast(Static, prompt).update(prompt_content(self.number, self.prompt))
        if self.settled:
            return
        old = [part for part in old if not part.has_class("fold-body")]
        new = self.parts()
        if [part.classes for part in old] != [part.classes for part in new]:
            await remove(self, list(self.children)[1:])
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


class LightTurn(Static):
    """A turn that is one widget and never changes once drawn, so that a few turns back it can be kept as the
    lines it drew (PastTurns) and drawn again from what it was made of (`made_of`, its class's arguments)."""

    question: Question | None = None

    def __init__(self, content: Any, classes: str, made_of: tuple, markup: bool = True) -> None:
        super().__init__(content, classes=classes, markup=markup)
        self.made_of = made_of


class AskedTurn(LightTurn):
    """A question already answered, drawn as a question turn settles: its prompt alone. One light widget
    rather than a container and its parts, so that a long transcript stays quick to lay out."""

    def __init__(self, question: Question, number: int, prompt: str) -> None:
        super().__init__(prompt_content(number, prompt), "turn question-turn", (question, number, prompt))
        self.question = question
        self.number = number
        self.prompt = prompt  # as the person read it, abbreviations spelt out where they first met them


# The most of an answer the transcript shows: a 1 MB answer (a pasted document) was wrapped again in full at
# every resize, 3.8 s of CPU each (benchmarks/bench_tui.py --resize); 2,000 characters fill a 100x30 screen
LONGEST_SHOWN = 2_000
MOST_LINES_SHOWN = 40


def cut_short(label: str, longest: int = LONGEST_SHOWN, most_lines: int = MOST_LINES_SHOWN) -> tuple[str, int]:
    """The start of an answer to show, cut at a space near `longest` characters or after `most_lines` lines,
    and how many characters are left out (0: it shows whole)."""
    cut = len(label)
    if cut > longest:
        cut = label.rfind(" ", longest // 2, longest)
        cut = cut if cut > 0 else longest
    lines = label.count("\n", 0, cut)
    if lines >= most_lines:
        cut = [index for index, char in enumerate(label[:cut]) if char == "\n"][most_lines - 1]
    return label[:cut], len(label) - cut


def more_kept(more: int) -> str:
    """What a cut answer says about the rest."""
    return f"… and {more:,} more characters, kept whole in your answer and the plan"


def answer_content(label: str) -> Content:
    """An answer as the transcript shows it: whole, or its start and how much more there is, said plainly."""
    shown, more = cut_short(label)
    if not more:
        return Content.from_markup("$label", label=visible(label, "\n"))
    return Content.from_markup("$label [dim]$more[/dim]", label=visible(shown, "\n"), more=more_kept(more))


class AnswerTurn(LightTurn):
    """The person's answer. Click it, or choose it in the transcript and press Enter, to change it."""

    TIP = "Click to change this answer"
    question: Question  # an answer is always to a question

    def __init__(self, question: Question, label: str) -> None:
        super().__init__(answer_content(label), "turn answer-turn", (question, label))
        self.question = question
        self.tooltip = self.TIP


class PastTurns(Widget):
    """The earlier turns of a long conversation, kept as the lines they drew on screen, in one widget.

    Textual lays out every widget in the transcript again at each answer, so with a widget for each question
    and each answer, answering grew slower and the app heavier as the conversation went on. Once a turn is a
    few turns back (`Transcript.settle`) its lines are kept here and its widget goes: the transcript looks the
    same, and an answer costs the same at question 50 as at question 5. A click on an answer here changes it,
    as a click on the answer itself does. When the lines would no longer be right (the transcript's width or
    the theme changed), the turns become widgets again (`thaw`) and settle afresh after the next answer."""

    DEFAULT_CSS = "PastTurns { height: auto; }"

    def __init__(self) -> None:
        super().__init__()
        # each line: None for a blank line, or where it starts, what was drawn there and how wide it is. Kept
        # as pieces of text rather than Textual's Strip, which carries caches of its own (and those of every
        # way the screen has cut it) that a line drawn once in a while does not need. Blanks are drawn in
        # this widget's own background, which is the transcript's
        self.lines: list[tuple[int, list[Segment], int] | None] = []
        self.width_drawn = 0
        self.turns: list[tuple[int, int, int, type[LightTurn], tuple]] = []  # (top, bottom, x, kind, made_of)
        self.pressed: Question | bool | None = None  # while a mouse button is down on it: the answer, or False

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self.call_later(self.thaw))

    # -- drawing ------------------------------------------------------------------------------------

    def get_content_height(self, container: Any, viewport: Any, width: int) -> int:
        return len(self.lines)

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        line = self.lines[y] if 0 <= y < len(self.lines) else None
        blank = self.rich_style
        if line is None:
            return Strip.blank(width, blank)
        x, segments, length = line
        pad = width - x - length
        strip = Strip([*([Segment(" " * x, blank)] if x else []), *segments,
                       *([Segment(" " * pad, blank)] if pad > 0 else [])])
        # narrower than drawn only for a moment (the turns are given back), or while a press waits for its release
        return strip if strip.cell_length == width else strip.crop(0, width)

    def take(self, turns: list[LightTurn], left: int, width: int) -> bool:
        """Keep the lines these turns drew, in order after the ones kept already (`left` and `width`: where the
        transcript's turns start on screen, and how wide they may be); False, keeping nothing, when they would
        not fit the lines kept (a width that changed) or one of them is not laid out.

        The space between two turns is the larger of the margins that meet there. Only turns with no margin
        below are kept, so the space above each is its own top margin, and the turn after the last one kept
        stands where it stood."""
        if self.lines and width != self.width_drawn:
            return False
        added: list[tuple[int, list[Segment], int] | None] = []
        kept: list[tuple[int, int, int, type[LightTurn], tuple]] = []
        top = len(self.lines)
        for turn in turns:
            region = turn.region
            margin = turn.styles.margin
            x = region.x - left
            if not region or margin.bottom or x < 0 or x + region.width > width:
                break
            added += [None] * margin.top
            start = top + len(added)
            added += [(x, list(strip), strip.cell_length)
                      for strip in turn.render_lines(Region(0, 0, region.width, region.height))]
            kept.append((start, top + len(added), x, type(turn), turn.made_of))
        if len(kept) != len(turns):
            return False
        self.lines += added
        self.turns += kept
        self.width_drawn = width
        self.refresh(layout=True)
        return True

    async def thaw(self) -> None:
        """Give the turns kept here back to the transcript as widgets, in their place."""
        if not self.turns or not isinstance(self.parent, Widget):
            return
        widgets = self.again()
        self.clear()
        await self.parent.mount_all(widgets, after=self)

    def clear(self) -> None:
        self.lines, self.turns = [], []
        self.refresh(layout=True)

    def again(self) -> list[LightTurn]:
        """The turns kept here, drawn afresh as widgets (not mounted)."""
        return [kind(*made_of) for _, _, _, kind, made_of in self.turns]

    def _out_of_date(self) -> bool:
        """Whether the lines kept no longer fit the width they are drawn at."""
        return bool(self.turns) and self.size.width != self.width_drawn

    def on_resize(self) -> None:
        if self._out_of_date() and self.pressed is None:
            self.call_later(self.thaw)

    # -- the answers in it --------------------------------------------------------------------------

    def answer_at(self, x: int, y: int) -> Question | None:
        """The question of the answer drawn at this offset, if an answer is drawn there."""
        for top, bottom, left, kind, made_of in self.turns:
            if top <= y < bottom and issubclass(kind, AnswerTurn):
                line = self.lines[y]
                if line is not None and left <= x < left + line[2]:
                    return made_of[0]
        return None

    def _answer_under(self, event: MouseEvent) -> Question | None:
        offset = event.get_content_offset(self)
        return self.answer_at(offset.x, offset.y) if offset is not None else None

    # A press focuses the transcript, whose border then narrows it, and lines that no longer fit become widgets
    # again: a click whose press and release met different widgets would not count. So the lines stay until
    # the button comes up, and a press and release on the same answer changes it, as a click on it would.
    def on_mouse_down(self, event: MouseDown) -> None:
        self.pressed = self._answer_under(event) or False
        self.capture_mouse()

    def on_mouse_up(self, event: MouseUp) -> None:
        self.release_mouse()
        pressed, self.pressed = self.pressed, None
        if pressed and self._answer_under(event) is pressed:
            event.stop()
            self.post_message(EditAnswer(pressed.id))
        elif self._out_of_date():
            self.call_later(self.thaw)

    def on_mouse_move(self, event: MouseMove) -> None:
        self.tooltip = AnswerTurn.TIP if self._answer_under(event) is not None else None


class Transcript(VerticalScroll, can_focus=True):
    """The conversation so far. It is one stop for Tab: inside it, the arrow keys choose an answer and
    Enter changes it."""

    BINDINGS = [
        Binding("up", "choose(-1)", "Earlier answer", show=False),
        Binding("down", "choose(1)", "Later answer", show=False),
        Binding("enter", "change", "Change it", tooltip="Go back to this question and answer it again"),
        # Esc, which brought the person here, takes them back to the question being asked
        Binding("escape", "screen.edit_answers", "Return", tooltip="Back to answering the question being asked"),
    ]

    # how many turns stay widgets at the foot of the transcript; those before them settle into PastTurns
    LIVE = 12

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.chosen: AnswerTurn | None = None
        self.past = PastTurns()

    def compose(self):
        yield self.past

    async def clear(self) -> None:
        """Remove every turn, ready to be drawn again."""
        self.past.clear()
        await remove(self, list(self.children)[1:])

    async def settle(self) -> None:
        """Keep the turns a few back as lines in PastTurns and remove their widgets, so that the transcript
        holds the same few widgets however long the conversation. Only turns laid out at the present width
        settle; the others wait for the next answer."""
        children = list(self.children)
        turns: list[LightTurn] = []
        for child in children[1:len(children) - self.LIVE]:
            if not isinstance(child, LightTurn) or child.mouse_hover or child is self.chosen or not child.region:
                break
            turns.append(child)
        content = self.scrollable_content_region
        if turns and self.past.take(turns, content.x, content.width):
            await remove(self, turns)

    def turns(self) -> list[Widget]:
        """Every turn in order: those kept as lines drawn afresh as widgets (not mounted), then the widgets."""
        return [*self.past.again(), *list(self.children)[1:]]

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
        if not isinstance(column, Widget) or not column.size.height:
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
                # in the middle rather than at an edge, so that the question it answers shows above it
                self.scroll_to_center(turn, animate=False)

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

    def choose_page(self, step: int) -> None:
        """PageUp/PageDown while choosing: the answer about a page earlier (or later), chosen and brought
        into view, rather than a view that leaves the choice where it was."""
        answers = self.answers()
        if not answers:
            return
        chosen = self.chosen if self.chosen in answers else answers[-1]
        target = chosen.virtual_region.y + step * max(self.scrollable_content_region.height, 1)
        if step < 0:
            earlier = [a for a in answers if a.virtual_region.y <= target]
            pick = earlier[-1] if earlier else answers[0]
        else:
            later = [a for a in answers if a.virtual_region.y >= target]
            pick = later[0] if later else answers[-1]
        self.choose(pick)

    def on_click(self, event: Click) -> None:
        # a focusable container receives the clicks on its children; find the answer that was clicked
        widget: DOMNode | None = event.widget
        while widget is not None and widget is not self and not isinstance(widget, AnswerTurn):
            widget = widget.parent
        if isinstance(widget, AnswerTurn):
            self.choose(widget, scroll=False)
            self.post_message(EditAnswer(widget.question.id))

    def action_change(self) -> None:
        if self.chosen is not None:
            self.post_message(EditAnswer(self.chosen.question.id))


class NoteTurn(LightTurn):
    """A short note from the app: a section starting, answers set aside, or something to fix."""

    def __init__(self, text: str, kind: str = "note") -> None:
        super().__init__(visible(text, "\n"), f"turn note-turn {kind}", (text, kind), markup=False)
