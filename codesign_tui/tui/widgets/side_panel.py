"""The side panel: where you are in the sections, and the ladder as the answers come in."""

from __future__ import annotations

from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from ...flow.engine import Session
from ...flow.visible import visible


def progress_text(session: Session) -> Content:
    current = session.current
    lines = [Content.from_markup("[b]Sections[/b]")]
    for section, done, total in session.section_progress():
        if current is not None and current.section_id == section.id:
            mark, state = "▸", "now"
        elif done == total:
            mark, state = "✓", "done"
        else:
            mark, state = "·", "to do"
        lines.append(Content.from_markup(f"{mark} $title [dim]$done/$total $state[/dim]", title=visible(section.title),
                                         done=str(done), total=str(total), state=state))
    return Content("\n").join(lines)


def ladder_text(session: Session, hidden: bool = False) -> Content:
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
    for rung in reversed(result.ladder):  # each mark only once the answers it depends on are in
        marks = [mark for mark, shown in (("★ recommended", rung.recommended),
                                          (f"◆ {visible(flow.calls_for_words)}", rung.called_for),
                                          (f"✓ {visible(flow.supports_words)}", rung.supported)) if shown]
        style = "b" if marks else "dim"
        lines.append(Content.from_markup(f"[{style}]$label[/{style}]", label=visible(rung.level.label)))
        for mark in marks:
            lines.append(Content(f"   {mark}"))
    if result.calls_for_pending:
        lines.append(Content(visible(f"◆ What {flow.calls_for_words}: shown after"
                                     f" {_answers(result.calls_for_pending)}")))
    if result.support_pending:
        lines.append(Content(visible(f"✓ What {flow.supports_words}: shown after"
                                     f" {_answers(result.support_pending)}")))
    if result.held_back:
        lines.append(Content.from_markup("[b]Held back by[/b]"))
        for held in result.held_back:
            question = flow.question(held.question)
            lines.append(Content(visible(f"✗ {question.prompt} ({question.label(held.answer)})")))
    elif result.decided and result.recommendation:
        lines.append(Content("Nothing holds it back."))
    return Content("\n").join(lines)


def _answers(pending: list[str]) -> str:
    return "1 more answer" if len(pending) == 1 else f"{len(pending)} more answers"


class SidePanel(VerticalScroll):
    """Progress through the sections and the live ladder; folds away on narrow terminals."""

    def __init__(self, session: Session, hide_ladder: bool = False) -> None:
        super().__init__(id="side-panel")
        self.session = session
        self.hide_ladder = hide_ladder

    def compose(self):
        yield Static(id="progress")
        yield Static(id="ladder")

    def on_mount(self) -> None:
        self.refresh_panel()

    def refresh_panel(self) -> None:
        _show(self.query_one("#progress", Static), progress_text(self.session))
        _show(self.query_one("#ladder", Static), ladder_text(self.session, self.hide_ladder))


def _show(static: Static, content: Content) -> None:
    # most answers leave the ladder as it was: only a change is drawn again (and laid out)
    shown = static.content
    if not (isinstance(shown, Content) and shown.is_same(content)):
        static.update(content)
