"""Small dialogs: a file name to export to, and a yes/no question."""

from __future__ import annotations

from pathlib import Path

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from ...flow.visible import visible
from .early import KeptUntilReady
from .text_box import TextBox


class ConfirmDialog(ModalScreen[bool]):
    """Asks a yes/no question; Escape means no. The focus starts on the safe answer where "yes" replaces or
    deletes something; where "yes" is what the person has just asked for (make the folder to save into), on
    that (`default="yes"`), so that Enter does what they asked."""

    DEFAULT_CSS = """
    ConfirmDialog { align: center middle; }
    ConfirmDialog > Vertical { width: 60; max-width: 90%; height: auto; border: thick $accent;
                               background: $surface; padding: 1 2; }
    ConfirmDialog .buttons { height: auto; margin-top: 1; }
    ConfirmDialog Button { margin-right: 2; }
    """
    # The safe answer has the focus and is the last button: Tab or Right, pressed to reach it, stays on it rather
    # than wrapping round to the answer that replaces or deletes (Shift+Tab, Left or a click reach that one).
    BINDINGS = [Binding("escape", "no", "No"),
                Binding("tab", "stay_on_the_safe_answer", show=False),
                Binding("left", "move(-1)", show=False),
                Binding("right", "move(1)", show=False)]

    def __init__(self, question: str, yes: str = "Yes", no: str = "No", default: str = "no") -> None:
        super().__init__()
        self.question = question
        self.yes, self.no = yes, no
        self.default = default

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(visible(self.question, "\n"), markup=False)
            with Vertical(classes="buttons"):
                yield Button(self.yes, id="yes", variant="warning")
                yield Button(self.no, id="no", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#yes" if self.default == "yes" else "#no", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_no(self) -> None:
        self.dismiss(False)

    def action_move(self, step: int) -> None:
        """Left and Right go to the button on that side, and stop at either end (a trial pressed Right on "Keep
        it", which wrapped round to "Replace", then Enter, and a saved plan was replaced)."""
        buttons = list(self.query(Button))
        if self.focused in buttons:
            buttons[max(0, min(len(buttons) - 1, buttons.index(self.focused) + step))].focus()

    def action_stay_on_the_safe_answer(self) -> None:
        if self.default == "yes" or self.focused is not self.query_one("#no", Button):
            self.focus_next()


class ChoiceDialog(ModalScreen[str | None]):
    """Asks which of a few things to do; Escape chooses none of them. A choice whose label ends in a letter
    in brackets ("Word (w)") is also chosen by pressing that letter."""

    DEFAULT_CSS = """
    ChoiceDialog { align: center middle; }
    ChoiceDialog > Vertical { width: 72; max-width: 95%; height: auto; border: thick $accent;
                              background: $surface; padding: 1 2; }
    ChoiceDialog .buttons { height: auto; margin-top: 1; }
    ChoiceDialog Button { width: 100%; content-align: left middle; text-align: left; }
    """
    # one choice a line: in a row, the fifth of the plan's formats (JSON) was beyond the dialog's edge at 80
    # columns; the arrows move between them as Tab does
    BINDINGS = [Binding("escape", "none", "Cancel"),
                Binding("down", "app.focus_next", "Next", show=False),
                Binding("up", "app.focus_previous", "Previous", show=False)]

    def __init__(self, question: str, choices: list[tuple[str, str]]) -> None:
        super().__init__()
        self.question = question
        self.choices = choices
        self.letters = {label[-2].casefold(): key for key, label in choices
                        if len(label) > 3 and label[-3] == "(" and label[-1] == ")"}

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.question, markup=False)
            with Vertical(classes="buttons"):
                for key, label in self.choices:
                    yield Button(label, id=f"choice-{key}", compact=True)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss((event.button.id or "").removeprefix("choice-"))

    def on_key(self, event: events.Key) -> None:
        if event.character and event.character.casefold() in self.letters:
            event.stop()
            self.dismiss(self.letters[event.character.casefold()])

    def action_none(self) -> None:
        self.dismiss(None)


PROPOSED = "At each question the example's answer is chosen for you: press Enter to accept it, or choose another."


class ScenarioDialog(ModalScreen[None]):
    """A worked example's case study, read before its first question and again whenever asked for; or, with
    `heading`, one of the case's answers and why (the facilitator's F5)."""

    DEFAULT_CSS = """
    ScenarioDialog { align: center middle; }
    ScenarioDialog > Vertical { width: 90; max-width: 100%; height: auto; max-height: 100%;
                                border: thick $accent; background: $surface; padding: 0 1; }
    ScenarioDialog VerticalScroll { height: auto; max-height: 1fr; }
    ScenarioDialog .buttons { height: auto; margin-top: 1; }
    ScenarioDialog .title { text-style: bold; margin: 1 0; }
    """
    BINDINGS = [Binding("escape", "start", "Close")]

    def __init__(self, title: str, scenario: str, note: str = PROPOSED, button: str = "Start",
                 heading: str = "") -> None:
        super().__init__()
        self.case_title = title
        self.scenario = scenario
        self.note = note
        self.button = button
        self.heading = heading or f"Worked example: {title}"

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(visible(self.heading), classes="title", markup=False)
            with VerticalScroll(can_focus=True):
                yield Static(visible(self.scenario, "\n") + (f"\n\n{visible(self.note)}" if self.note else ""),
                             markup=False)
            with Vertical(classes="buttons"):
                yield Button(self.button, id="start", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#start", Button).focus()

    @on(Button.Pressed, "#start")
    def action_start(self) -> None:
        self.dismiss(None)


class ExportDialog(ModalScreen[Path | None]):
    """Asks where to save an export, proposing a name in the current folder."""

    DEFAULT_CSS = """
    ExportDialog { align: center middle; }
    ExportDialog > Vertical { width: 100; max-width: 100%; height: auto; border: thick $accent;
                              background: $surface; padding: 1 2; }
    ExportDialog Input { margin: 0 0 1 0; }
    ExportDialog #export-folder { margin-bottom: 1; }
    ExportDialog .buttons { height: auto; }
    ExportDialog Button { margin-right: 2; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, what: str, proposed: Path) -> None:
        super().__init__()
        self.what = what
        self.proposed = proposed

    def compose(self) -> ComposeResult:
        # the folder on a line of its own and the name in the box, so that a long folder never hides the name
        with Vertical():
            yield Static(visible(f"Save the plan as {self.what} in this folder:\n{self.proposed.parent}", "\n"),
                         markup=False, id="export-folder")
            yield Static("File name (or another folder and name):", markup=False)
            yield TextBox(self.proposed.name, id="export-path", select_on_focus=False)
            with Vertical(classes="buttons"):
                yield Button("Save", id="save", variant="primary")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    @on(Button.Pressed, "#save")
    def _save(self) -> None:
        text = self.query_one(Input).value.strip()
        self.dismiss(self.proposed.parent / Path(text).expanduser() if text else None)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class PassingInput(TextBox):
    """A text box in which Enter and Tab hand on whatever is typed after them. Keys typed quickly all reach
    the box that had the focus when they arrived, before Enter or Tab has moved the focus on or closed the
    dialog: from Enter or Tab on, they belong where it leads, and the dialog passes them there."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.handing_on = False  # Enter was pressed here, and the focus has not come back since

    async def on_key(self, event: events.Key) -> None:
        if self.handing_on:
            event.stop()
            event.prevent_default()
            self.post_message(self.HandedOn(self, event.key, event.character))
        elif event.key == "enter":
            # submitted here and now, not when the key reaches the app's bindings, so that the keys
            # behind it are handed on too
            event.stop()
            event.prevent_default()
            self.handing_on = True
            await self.action_submit()
        elif event.key in ("tab", "shift+tab"):
            # moved on here and now, not when the key reaches the screen's bindings, for the same reason
            event.stop()
            event.prevent_default()
            self.handing_on = True
            self.screen.focus_next() if event.key == "tab" else self.screen.focus_previous()

    def on_focus(self) -> None:
        self.handing_on = False

    class HandedOn(Message):
        def __init__(self, box: PassingInput, key: str, character: str | None) -> None:
            super().__init__()
            self.box, self.key, self.character = box, key, character


class NewPlanDialog(KeptUntilReady, ModalScreen[tuple[str, str] | None]):
    """Names a new plan: what the work is called and who prepares it, both optional."""

    DEFAULT_CSS = """
    NewPlanDialog { align: center middle; }
    NewPlanDialog > Vertical { width: 76; max-width: 95%; height: auto; border: thick $accent;
                               background: $surface; padding: 1 2; }
    NewPlanDialog Input { margin-bottom: 1; }
    NewPlanDialog .buttons { height: auto; }
    NewPlanDialog Button { margin-right: 2; }
    """
    BINDINGS = [Binding("escape", "escape", "Skip or cancel")]

    def __init__(self, title: str, flow_id: str = "", skip: str = "Cancel") -> None:
        super().__init__()
        self.flow_title = title
        self.flow_id = flow_id
        self.skip = skip  # "Skip" where there is nothing to go back to
        self.closing = False  # answered: what reaches it from now on is for the screen beneath
        self.moved_on = False  # Enter in the name has moved on to who prepares the plan
        self.pending: list[tuple[str, str | None]] = []  # keys typed after an Enter, until it has taken effect

    def typed(self) -> tuple[str, str]:
        """The name and author as typed so far."""
        return (self.query_one("#project", Input).value.strip(),
                self.query_one("#prepared-by", Input).value.strip())

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(f"{visible(self.flow_title)}\n\nBoth are optional; they go at the top of the plan.",
                         markup=False)
            yield Static("What is the piece of work called?", markup=False)
            yield PassingInput(placeholder="for example: Young people's mental health offer", id="project")
            yield Static("Who is preparing the plan?", markup=False)
            yield PassingInput(placeholder="your name or team", id="prepared-by")
            with Vertical(classes="buttons"):
                yield Button("Start", id="start", variant="primary")
                yield Button(f"{self.skip} (Esc)", id="cancel")

    def on_mount(self) -> None:
        self.set_focus(self.query_one("#project", Input))  # at once, so that what was typed early follows it
        self.ready()

    @on(PassingInput.HandedOn)
    def _hand_on(self, event: PassingInput.HandedOn) -> None:
        """A key typed after Enter: to the next box once the focus is there, to the first question once the
        dialog has closed; until then, kept in order."""
        if self.closing or (self.moved_on and event.box.id == "project") or self.focused is not event.box:
            self.app.post_message(events.Key(event.key, event.character))
        else:
            self.pending.append((event.key, event.character))

    def _pass_pending(self) -> None:
        # posted after the move of focus (or the closing) that they wait for, so they arrive after it
        for key, character in self.pending:
            self.app.post_message(events.Key(key, character))
        self.pending.clear()

    @on(Input.Submitted, "#project")
    def _next(self) -> None:
        self.moved_on = True
        self.query_one("#prepared-by", Input).focus()
        self._pass_pending()

    @on(Input.Submitted, "#prepared-by")
    @on(Button.Pressed, "#start")
    def _start(self) -> None:
        if self.closing:
            return
        self.closing = True
        self.dismiss(self.typed())
        self._pass_pending()

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        if not self.closing:
            self.closing = True
            self.dismiss(None)

    def action_escape(self) -> None:
        """Esc where the conversation starts anyway ("Skip") keeps whatever has been typed, rather than
        throwing it away unasked; from the home screen ("Cancel") it goes back, as the button says."""
        if self.skip == "Skip" and any(self.typed()):
            self._start()
        else:
            self.action_cancel()
