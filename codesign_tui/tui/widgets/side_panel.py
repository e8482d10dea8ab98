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
    answered = set(result.answers)
    if not (flow.calls_for_reads | flow.requirement_reads) & answered:
        return Content.from_markup("[b]Ladder[/b]\nThe ladder fills in as you answer the questions that"
                                   " decide it.")
    # a mark is shown only once every answer it depends on is in, so nothing is claimed too early
    calls_known = not result.calls_for_pending
    support_known = not result.support_pending
    lines = [Content.from_markup("[b]Ladder[/b]")]
    for level in reversed(flow.levels):
        marks = []
        if calls_known and support_known and result.recommendation and level.id == result.recommendation.id:
            marks.append("★ recommended")
        if calls_known and result.calls_for and level.id == result.calls_for.id:
            marks.append(f"◆ {visible(flow.calls_for_words)}")
        if support_known and result.supported and level.id == result.supported.id:
            marks.append(f"✓ {visible(flow.supports_words)}")
        style = "b" if marks else "dim"
        lines.append(Content.from_markup(f"[{style}]$label[/{style}]", label=visible(level.label)))
        for mark in marks:
            lines.append(Content(f"   {mark}"))
    if not calls_known:
        lines.append(Content(visible(f"◆ What {flow.calls_for_words}: shown after"
                                     f" {_answers(result.calls_for_pending)}")))
    if not support_known:
        lines.append(Content(visible(f"✓ What {flow.supports_words}: shown after"
                                     f" {_answers(result.support_pending)}")))
    held = result.held_back_by if calls_known else []
    if held:
        lines.append(Content.from_markup("[b]Held back by[/b]"))
        for question_id in held:
            question = flow.question(question_id)
            answer = question.label(result.answers.get(question_id))
            lines.append(Content(visible(f"✗ {question.prompt} ({answer})")))
    elif calls_known and support_known and result.recommendation:
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
        self.query_one("#progress", Static).update(progress_text(self.session))
        self.query_one("#ladder", Static).update(ladder_text(self.session, self.hide_ladder))
