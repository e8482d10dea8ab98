"""Home: the flows to start, the saved sessions to carry on with, and a way out."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import events, getters, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option

from ...flow.catalogue import FlowEntry, how_long
from ...flow.visible import visible
from ...sessions import Damaged, Listed, when
from ..app import CodesignApp
from ..widgets.footer import Footer

if TYPE_CHECKING:
    from ..widgets.dialogs import NewPlanDialog
    from .conversation import ConversationScreen



class HomeScreen(Screen):
    """Where every run starts unless a flow is named on the command line."""

    app = getters.app(CodesignApp)

    # the list to start from is focused in on_mount, without scrolling the introduction away; Textual's own
    # first focus would land on the scrolling column first, and each move of the focus restyles the screen
    AUTO_FOCUS = ""

    BINDINGS = [
        Binding("enter", "open", "Start or carry on", show=False,
                tooltip="Start the highlighted flow, or resume the highlighted saved session"),
        Binding("delete,d", "delete", "Delete saved", tooltip="Delete the highlighted saved session"),
        Binding("q", "app.quit", "Quit", tooltip="Leave codesign", show=False),
    ]

    def __init__(self, flows: list[FlowEntry], saved: list[Listed], damaged: list[Damaged]) -> None:
        super().__init__()
        self.flows = flows
        self.saved = saved
        self.damaged = damaged
        # keys typed behind the Enter that chose a flow: kept until its naming dialog is there, then handed to it
        self.handing_to: list[tuple[str, str | None]] | NewPlanDialog | ConversationScreen | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        # the screen scrolls itself (Textual's screens do): a scrolling column inside it drew and laid out
        # the whole page a second time before the first frame, a seventh of the start-up
        yield Static("Work through a decision from the Greater Manchester (GM) VCSE Commissioning Framework"
                     " (VCSE: voluntary, community and social enterprise), such as whether to"
                     " consult, co-design or co-produce, and take away a plan. Choose a flow"
                     " to start, or carry on with a saved session. Use the arrow keys and Enter, or click.",
                     id="home-intro", markup=False)
        # someone coming back most likely wants to carry on, so their sessions come first
        if self.saved:
            yield Static("Carry on where you left off", classes="home-heading", id="saved-heading")
            yield OptionList(*[self._saved_option(s) for s in self.saved], id="saved")
        yield Static("Start a new plan", classes="home-heading")
        options: list[Option | None] = []
        for flow in self.flows:
            options += [self._flow_option(flow), None]
        yield OptionList(*options[:-1], id="flows")
        if not self.saved:
            yield Static("Carry on where you left off", classes="home-heading", id="saved-heading")
            yield OptionList(id="saved")
        yield Static("", id="saved-empty", markup=False)
        if self.damaged:
            lines = [visible(f"{d.name} could not be read ({d.reason}); it was kept as {d.kept_as}.")
                     for d in self.damaged]
            yield Static("\n".join(lines), id="damaged", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.title = "codesign"
        self.sub_title = "Greater Manchester VCSE Commissioning Framework"
        self._show_saved()
        # the introduction stays in view: focusing the list would scroll it away on a short terminal
        self.query_one("#saved" if self.saved else "#flows", OptionList).focus(scroll_visible=False)
        for damaged in self.damaged:
            self.notify(visible(f"{damaged.name} was damaged and has been set aside."), severity="warning",
                        timeout=8, markup=False)

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "delete":
            return bool(self.saved)
        return True

    def _flow_option(self, flow: FlowEntry) -> Option:
        # the explanation starts at the margin, as its wrapped lines do, rather than indented above them
        text = Content.from_markup("[b]$title[/b]\n$length $summary", title=visible(flow.title),
                                   length=how_long(flow.questions, flow.exact), summary=visible(flow.summary))
        return Option(text, id=f"flow:{flow.id}")

    def _saved_option(self, saved: Listed) -> Option:
        flow = next((f for f in self.flows if f.id == saved.flow), None)
        title = flow.title if flow else saved.flow
        # tell sessions of the same flow apart: the name given, or else the first thing typed
        answers = saved.given.answers
        typed = next((answers[q] for q in (flow.text_questions if flow else ())
                      if isinstance(answers.get(q), str) and answers[q]), "")
        about = saved.project or typed
        name = f" · {about[:60]}{'…' if len(about) > 60 else ''}" if about else ""
        state = saved.state
        text = Content.from_markup("[b]$title[/b]$name\n$state · saved $when", title=visible(title),
                                   name=visible(name),
                                   state=state, when=when(saved.updated))
        return Option(text, id=f"saved:{saved.name}")

    def _show_saved(self) -> None:
        has = bool(self.saved)
        self.query_one("#saved", OptionList).display = has
        self.query_one("#saved-empty", Static).update("" if has else "No saved sessions yet.")

    def on_screen_resume(self) -> None:
        self.handing_to = None  # back from the dialog (Cancel): keys are the home screen's again

    def on_key(self, event: events.Key) -> None:
        """Keys typed behind the Enter that chooses a flow belong to its naming dialog (or, for a saved session,
        to its first question): they reach this screen before the list's message that the option was chosen,
        and went to this screen's bindings (a q quit) or nowhere. From that Enter on they are kept, in order,
        and handed on once the dialog or the conversation is there."""
        if self.handing_to is not None:
            event.stop()
            event.prevent_default()
            if isinstance(self.handing_to, list):
                self.handing_to.append((event.key, event.character))
            else:
                self.handing_to.typed_early(event.key, event.character)
        elif event.key == "enter":
            focused = self.focused
            if isinstance(focused, OptionList) and focused.highlighted is not None:
                self.handing_to = []  # the Enter itself goes on to the list, which says what was chosen

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.choose(event.option.id or "")

    def choose(self, option_id: str) -> None:
        """Start the flow, or carry on with the saved session, that the option names."""
        kind, _, key = option_id.partition(":")
        early, self.handing_to = self.handing_to if isinstance(self.handing_to, list) else [], None
        if kind == "flow":
            entry = next(f for f in self.flows if f.id == key)
            flow = self.app.load(entry.id)
            if flow is None:
                self.notify(visible(f"Sorry: {entry.path} can no longer be read; run codesign validate"
                                    " to see why."),
                            severity="error", timeout=10, markup=False)
                return
            self.handing_to = dialog = self.app.name_then_start(flow, skip="Cancel")
            for typed in early:
                dialog.typed_early(*typed)
        elif kind == "saved":
            opened = self.app.resume(key)
            if opened is not None:
                self.handing_to = opened
                for typed in early:
                    opened.typed_early(*typed)

    def action_open(self) -> None:
        focused = self.focused
        if isinstance(focused, OptionList):
            focused.action_select()

    def action_delete(self) -> None:
        saved_list = self.query_one("#saved", OptionList)
        if self.focused is not saved_list or saved_list.highlighted is None:
            self.notify("Highlight a saved session first (Tab moves to the list).", markup=False)
            return
        option = saved_list.get_option_at_index(saved_list.highlighted)
        session_id = (option.id or "").partition(":")[2]

        def confirmed(yes: bool | None) -> None:
            if yes and self.app.sessions.delete(session_id):
                self.saved = [s for s in self.saved if s.name != session_id]
                saved_list.remove_option(option.id or "")
                self._show_saved()
                self.refresh_bindings()
                self.notify("Deleted.", markup=False)

        from ..widgets.dialogs import ConfirmDialog  # only when asked: building its classes is 2 ms of a start

        self.app.push_screen(ConfirmDialog("Delete this saved session? Its answers, including any names in a"
                                           " register of interests, are removed for good.", "Delete", "Keep"),
                             confirmed)
