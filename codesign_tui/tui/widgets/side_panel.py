"""The side panel: where you are in the sections, and the ladder as the answers come in."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.style import Style
from rich.text import Text
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from ...flow.engine import Session
from ...flow.model import Flow
from ...flow.visible import visible

if TYPE_CHECKING:
    from ...flow.conversation import Conversation


def progress_text(session: Session) -> SectionsProgress:
    """The sections, each with its mark, its title (which may wrap) and its count in a column of its own, so
    that "4/4 done" is never split across two lines."""
    current = session.current
    rows = []
    for section, done, total in session.section_progress():
        if current is not None and current.section_id == section.id:
            mark, state = "▸", "now"
        elif done == total:
            mark, state = "✓", "done"
        else:
            mark, state = "·", "to do"
        rows.append((mark, visible(section.title), f"{done}/{total} {state}"))
    return SectionsProgress(rows)


class SectionsProgress:
    """The sections in three columns, drawn as a Rich grid (`Table.grid`) drew them: the marks, the titles
    taking the width left over and wrapping, the counts (dim) never wrapping. A grid measures every cell
    again at each answer, about a sixth of the time an answer took; this lays the same lines out directly."""

    def __init__(self, rows: list[tuple[str, str, str]]) -> None:
        self.rows = rows

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield Text("Sections", style="bold")
        if not self.rows:
            return
        marks = max(cell_len(mark) for mark, _, _ in self.rows)
        counts = max(cell_len(count) for _, _, count in self.rows)
        longest = max(cell_len(title) for _, title, _ in self.rows)
        # a column and a space between columns, as the grid's padding of one gave
        titles = max(min(longest, options.max_width - marks - counts - 2), 1)
        dim = Style(dim=True)
        for mark, title, count in self.rows:
            lines = Text(title).wrap(console, titles, overflow="ellipsis")
            for number, line in enumerate(lines):
                line.truncate(titles, overflow="ellipsis", pad=True)
                yield Text.assemble(mark.ljust(marks) if number == 0 else " " * marks, " ", line, " ",
                                    ((count if number == 0 else "").ljust(counts), dim))


def _hang(line: str, width: int | None) -> str:
    """A line that starts with a mark ("◆ What the work calls for: shown once …"), wrapped to `width` so that
    its later lines start under its words, not under the mark; as it is when the width is not known yet."""
    if not width or len(line) <= width:
        return line
    import textwrap

    mark, _, words = line.partition(" ")
    indent = " " * (len(mark) + 1)
    return "\n".join(textwrap.wrap(words, width, initial_indent=mark + " ", subsequent_indent=indent,
                                    break_on_hyphens=False))


def ladder_text(session: Session, hidden: bool = False, width: int | None = None) -> Content:
    flow = session.flow
    if not flow.levels:
        return Content("")
    if hidden:
        return Content.from_markup("[b]Ladder[/b]\nHidden until the facilitator reveals it.")
    result = session.result(so_far=True)
    if not flow.recommendation_reads & set(result.answers):
        return Content.from_markup("[b]Ladder[/b]\nThe ladder fills in as you answer the questions that"
                                   " decide it.")
    lines = [Content.from_markup("[b]Ladder[/b]")]
    # each level's marks beside it, in fixed places, and what each mark means under the ladder in words
    # capitalised as the lines under them are ("◆ What the work calls for: shown once …")
    marks = (("★", "recommended", "The recommendation"), ("◆", "called_for", f"What {flow.calls_for_words}"),
             ("✓", "supported", f"What {flow.supports_words}"))
    shown: set[str] = set()
    for rung in reversed(result.ladder):  # each mark only once the answers it depends on are in
        on = [mark for mark, attribute, _ in marks if getattr(rung, attribute)]
        shown.update(on)
        places = " ".join(mark if mark in on else " " for mark, _, _ in marks)
        style = "b" if on else "dim"
        lines.append(Content.from_markup(f"$places [{style}]$label[/{style}]", places=places,
                                         label=visible(rung.level.label)))
    if shown:
        lines += [Content("")] + [Content(_hang(visible(f"{mark} {meaning}"), width))
                                  for mark, _, meaning in marks if mark in shown]
    if result.calls_for_pending:
        lines.append(Content(_hang(visible(f"◆ What {flow.calls_for_words}: shown once"
                                           f" {_answers(flow, result.calls_for_pending)}"), width)))
    if result.support_pending:
        lines.append(Content(_hang(visible(f"✓ What {flow.supports_words}: shown once"
                                           f" {_answers(flow, result.support_pending)}"), width)))
    if result.held_back:
        lines.append(Content.from_markup("[b]Held back by[/b]"))
        for held in result.held_back:
            question = flow.question(held.question)
            lines.append(Content(_hang(visible(f"✗ {question.prompt} ({question.label(held.answer)})"), width)))
    elif result.decided and result.recommendation:
        lines.append(Content("Nothing holds it back."))
    return Content("\n").join(lines)


def _answers(flow: Flow, pending: list[str]) -> str:
    """ "question 8 is answered", "questions 7 and 8 are answered": by their numbers, which the person sees
    beside each question, rather than a count that reads as the very next answers."""
    numbers = [str(flow.number(q)) for q in pending]
    if len(numbers) == 1:
        return f"question {numbers[0]} is answered"
    listed = ", ".join(numbers[:-1]) + f" and {numbers[-1]}"
    return f"questions {listed} are answered"


class SidePanel(VerticalScroll):
    """Progress through the sections and the live ladder; folds away on narrow terminals."""

    def __init__(self, conversation: Conversation) -> None:
        super().__init__(id="side-panel")
        self.conversation = conversation  # the ladder shows once it may show the recommendation (`revealed`)

    def compose(self):
        yield Static(id="progress")
        yield Static(id="ladder")

    def on_mount(self) -> None:
        self.refresh_panel()

    def refresh_panel(self) -> None:
        session = self.conversation.session
        _show(self.query_one("#progress", Static), progress_text(session))
        ladder = self.query_one("#ladder", Static)
        _show(ladder, ladder_text(session, not self.conversation.revealed, ladder.size.width))

    def on_resize(self) -> None:
        self.refresh_panel()  # the ladder's marked lines are wrapped to its width


def _show(static: Static, content: Content | SectionsProgress) -> None:
    # most answers leave the ladder as it was: only a change is drawn again (and laid out)
    shown = static.content
    if not (isinstance(shown, Content) and isinstance(content, Content) and shown.is_same(content)):
        static.update(content)
