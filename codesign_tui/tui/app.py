"""The Textual app: which screen to open, the high-contrast theme, and leaving with answers safe."""

from __future__ import annotations

import gc
import json
import time
from pathlib import Path

from typing import TYPE_CHECKING

from textual import on
from textual.app import App
from textual.driver import Driver
from textual.binding import Binding
from textual.theme import Theme
from textual.timer import Timer
from textual.widgets import Input, TextArea

from ..flow.catalogue import FlowEntry
from ..portable import when_told_to_end
from ..sessions import ExportError, Sessions, SessionStore, data_folder
from .commands import ActionsProvider, FlowMapProvider

if TYPE_CHECKING:  # the flow code is loaded when a flow is opened, not to draw the home screen
    from ..flow.conversation import Conversation
    from .screens.conversation import ConversationScreen
    from ..flow.engine import Session
    from ..flow.examples import WorkedExample
    from ..flow.model import Flow
    from ..sessions import Resumed
    from .widgets.dialogs import NewPlanDialog

HIGH_CONTRAST = Theme(
    name="codesign-high-contrast", primary="#ffff00", secondary="#00ffff", accent="#ffff00",
    foreground="#ffffff", background="#000000", surface="#000000", panel="#1a1a1a", success="#00ff00",
    warning="#ffff00", error="#ff5555", dark=True,
    # text at full strength (white on black, black on yellow), quieter text (counts, levels not reached, hints)
    # at 85%, rather than Textual's 87% and 60%, which left section headings and counts grey
    variables={"footer-key-foreground": "#ffff00", "input-selection-background": "#ffff00 40%",
               "text": "auto 100%", "text-muted": "auto 85%", "foreground-muted": "#d7d7d7",
               # the lines that divide the screen (the side panel's edge, under a section's heading)
               "panel-lighten-2": "#a8a8a8"},
)
NORMAL_THEME = "textual-dark"
# What is typed and not sent goes to disk once typing pauses this long (seconds), so that it survives a kill or
# a crash; a closed window or a shutdown saves it at once (CodesignApp.hung_up)
DRAFT_PAUSE = 2.0


def settings_path() -> Path:
    return data_folder() / "settings.json"


def read_settings() -> dict:
    try:
        data = json.loads(settings_path().read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


class CodesignApp(App):
    """codesign: talk through a flow and take away a plan."""

    CSS_PATH = "app.tcss"
    TITLE = "codesign"
    COMMANDS = {ActionsProvider, FlowMapProvider}  # the app's own actions and the flow's map, nothing generic
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", tooltip="Leave; your answers are already saved", priority=True),
        Binding("f3", "toggle_contrast", "High contrast", tooltip="Switch high contrast on or off (remembered)",
                show=False),
    ]

    def __init__(self, flows: list[FlowEntry], store: SessionStore, start: Flow | None = None,
                 resume: str | None = None, facilitate: bool = False, example: WorkedExample | None = None,
                 collect: Path | None = None, cohort: list[Path] | None = None, ask_names: bool = False,
                 served: bool = False, voice: str = "") -> None:
        super().__init__()
        self.voice = voice  # a plan started as a partner (`codesign FLOW --voice "VCSE partner"`)
        self.ask_names = ask_names  # a flow started straight away still asks what the plan needs
        self.served = served  # a browser tab's app: its saved sessions end with the tab
        self.leaving = False
        self.cohort_paths = cohort
        self.example = example
        self.collect_dir = collect
        self.flows = flows
        self.loaded: dict[str, Flow] = {_key(start.path): start} if start is not None and start.path else {}
        self.store = store
        self.sessions = Sessions(store)  # started, resumed, ended, handed in: decided there, drawn here
        self.start = start
        self.resume_id = resume
        self.facilitate = facilitate
        self.current: Conversation | None = None
        self.opened: ConversationScreen | None = None  # the conversation screen last opened
        self.farewell = ""
        self.exported: list[Path] = []
        self.plan_folders: dict[str, Path] = {}  # the folder each session last saved its plan to
        self.exported_answers: dict | None = None  # the answers as they were when a plan was last saved
        self.typed_at = 0.0  # when a box last changed (time.monotonic)
        self.draft_timer: Timer | None = None
        self.take_back_signals = lambda: None

    def get_driver_class(self) -> type[Driver]:
        """Textual's driver for this terminal; for a POSIX terminal, one that takes a paste whole as text (an
        ESC in a paste reached the app as keys, see tui/terminal.py), and the same for Textual's web driver,
        which textual-serve names in TEXTUAL_DRIVER for the browser tabs of `codesign serve` (tui/web.py).
        Any other driver (Windows', or another named in TEXTUAL_DRIVER) is used as it is."""
        driver = super().get_driver_class()
        picked = (driver.__module__, driver.__name__)
        if picked == ("textual.drivers.linux_driver", "LinuxDriver"):
            from .terminal import WholePastesDriver

            return WholePastesDriver
        if picked == ("textual.drivers.web_driver", "WebDriver"):
            from .web import WholePastesWebDriver

            return WholePastesWebDriver
        return driver

    def on_mount(self) -> None:
        if not self.served:  # a browser tab's app ends with its server instead (served.end_with_the_server)
            self.take_back_signals = when_told_to_end(self.hung_up)
        self.register_theme(HIGH_CONTRAST)
        self.theme = HIGH_CONTRAST.name if read_settings().get("high_contrast") else NORMAL_THEME
        if self.cohort_paths is not None:
            from .screens.cohort import CohortScreen

            self.push_screen(CohortScreen(self.cohort_paths, self.start, self.example))
        elif self.resume_id is not None:
            self.resume(self.resume_id, first=True)
        elif self.start is not None and self.ask_names and self.example is None:
            self.name_then_start(self.start)
        elif self.start is not None:
            self.start_flow(self.start)
        else:
            self.show_home()

    def show_home(self) -> None:
        from .screens.home import HomeScreen

        saved, damaged = self.sessions.listed(lambda given: self.load(given.flow, given.flow_path))
        self.push_screen(HomeScreen(self.flows, saved, damaged))

    def load(self, flow_id: str, path: str = "") -> Flow | None:
        """The flow file at `path`, or else the listed flow `flow_id`, read once per run; None when it
        cannot be read any more."""
        from ..flow.loader import load_flow
        from ..flow.problems import FlowError

        if not path:
            entry = next((e for e in self.flows if e.id == flow_id), None)
            if entry is None:
                return None
            path = entry.path
        key = _key(path)
        if key not in self.loaded:
            try:
                self.loaded[key] = load_flow(path)
            except (FlowError, OSError):
                return None
        return self.loaded[key]

    def name_then_start(self, flow: Flow, skip: str = "Skip") -> NewPlanDialog:
        """Ask what the plan needs (what the work is called, who prepares it), then start; both can be left
        blank. The conversation is opened first, under the question, so that whatever is typed as the
        question closes reaches the first question rather than the screen beneath. "Skip" starts without
        the names; "Cancel" (from the home screen) goes back."""
        from .screens.conversation import ConversationScreen
        from .widgets.dialogs import NewPlanDialog

        conversation = self.start_flow(flow)
        session = conversation.session

        def named(names: tuple[str, str] | None) -> None:
            if names is None and skip == "Cancel":
                self.current = None
                self.sessions.let_go(session)
                self.pop_screen()
                return
            session.project, session.prepared_by = names or ("", "")
            for screen in self.screen_stack:  # the work's name in the title bar from the first question
                if isinstance(screen, ConversationScreen):
                    screen.fit_title()

        dialog = NewPlanDialog(flow.title, flow.id, skip=skip)
        self.push_screen(dialog, named)
        return dialog

    def start_flow(self, flow: Flow, project: str = "", prepared_by: str = "") -> Conversation:
        from ..resources import own_flow_path

        example = self.example.name if self.example is not None and self.example.flow == flow.id else ""
        if self.example is not None and not project:
            project = self.example.title
        # a flow file of one's own is found again by its full path when the session is resumed
        session = self.sessions.start(flow, own_flow_path(flow.path), project=project, prepared_by=prepared_by,
                                      voice=self.voice, example=example)
        return self.open_conversation(session)

    def resume(self, name: str, first: bool = False) -> ConversationScreen | None:
        """Open a saved session (the person's latest when no name), every answer checked against its flow as
        the flow is now: the conversation opened, if it was (not when the session cannot be read, or is open
        elsewhere)."""
        from ..flow.conversation import checked_notes
        from ..sessions import CannotResume

        try:
            resumed = self.sessions.resume(name, lambda given: self.load(given.flow, given.flow_path))
        except CannotResume as problem:
            self.notify(f"Sorry: {problem}.", severity="error" if problem.damaged else "warning", timeout=10,
                        markup=False)
            if first:
                self.show_home()
            return None
        if resumed.elsewhere:
            self.open_elsewhere(resumed, first)
            return None
        self.open_conversation(resumed.session, notes=checked_notes(resumed.session, resumed.brought_back))
        return self.opened

    def open_elsewhere(self, resumed: Resumed, first: bool) -> None:
        """The session is open in another window: never write over it; offer a copy or a look."""
        from ..sessions import ELSEWHERE
        from .widgets.dialogs import ChoiceDialog

        def chosen(choice: str | None) -> None:
            if choice == "copy":
                self.open_conversation(self.sessions.copy(resumed))
            elif choice == "view":
                from ..flow.conversation import Conversation
                from .screens.plan import PlanScreen

                if first:
                    self.show_home()  # what closing the plan comes back to
                session = resumed.session
                self.push_screen(PlanScreen(session.flow, session, Conversation(session).plan_meta()))
            elif first:
                self.show_home()

        self.push_screen(ChoiceDialog(
            f"This session {ELSEWHERE} You can carry on in a copy of it (saved as a new session), or look at its plan as it"
            " was last saved.",
            [("copy", "Carry on in a copy"), ("view", "Look at its plan"), ("cancel", "Cancel")]), chosen)

    def open_conversation(self, session: Session, notes: list[str] | None = None) -> Conversation:
        """Talk through `session` (held for this process by `sessions`); `notes` (what checking it against
        its flow found) head the transcript."""
        from .screens.conversation import ConversationScreen

        flow = session.flow
        example = self.example if self.example is not None and self.example.flow == flow.id else None
        screen = ConversationScreen(flow, session, self.store, facilitate=self.facilitate, example=example,
                                    checked=notes)
        self.current = screen.conversation
        self.opened = screen
        self.push_screen(screen)
        return screen.conversation

    def collect(self, session: Session) -> None:
        """Hand a finished session's answers to the trainer's folder, under a name no one else has."""
        if self.collect_dir is None:
            return
        try:
            self.sessions.hand_in(session, self.collect_dir)
        except ExportError as error:
            self.notify(f"Your answers could not be handed in: {error}", severity="error", timeout=10, markup=False)

    def action_toggle_contrast(self) -> None:
        high = self.theme != HIGH_CONTRAST.name
        self.theme = HIGH_CONTRAST.name if high else NORMAL_THEME
        settings = read_settings()
        settings["high_contrast"] = high
        try:
            from ..files import write_atomically

            from ..files import PRIVATE, private_folder

            private_folder(settings_path().parent)
            write_atomically(settings_path(), json.dumps(settings).encode(), force=True, mode=PRIVATE)
        except (OSError, Exception):  # noqa: BLE001 - a setting that cannot be kept is not worth a crash
            self.notify(f"High contrast is {'on' if high else 'off'} for now but could not be remembered.",
                        severity="warning", markup=False)
            return
        # said, as the change is not always plain to see (and by a screen reader not at all)
        self.notify("High contrast on; F3 switches it off." if high else "High contrast off; F3 switches it on.",
                    timeout=3, markup=False)

    def on_unmount(self) -> None:
        self.take_back_signals()

    @on(Input.Changed)
    @on(TextArea.Changed)
    def _typing(self) -> None:
        """A box changed: what is typed and not sent is saved once typing pauses."""
        self.typed_at = time.monotonic()
        if self.draft_timer is None:
            self.draft_timer = self.set_timer(DRAFT_PAUSE, self._typing_paused)

    def _typing_paused(self) -> None:
        waited = time.monotonic() - self.typed_at
        if waited < DRAFT_PAUSE:  # typed again since the timer was set: wait for the pause
            self.draft_timer = self.set_timer(DRAFT_PAUSE - waited, self._typing_paused)
            return
        self.draft_timer = None
        if self.current is not None:
            screens = self.keep_typed()
            if self.sessions.keep(self.current) and self.current.save_error is not None:
                for screen in screens:
                    screen.after_save()  # says the answers could not be saved

    def keep_typed(self) -> list[ConversationScreen]:
        """What is typed and not sent on each conversation screen, kept in its session as a draft (not
        saved); the screens."""
        from .screens.conversation import ConversationScreen

        screens = [screen for screen in self.screen_stack if isinstance(screen, ConversationScreen)]
        for screen in screens:
            screen.keep_draft()
        return screens

    def hung_up(self) -> None:
        """The terminal is gone (its window closed: SIGHUP) or the process was told to end (SIGTERM): keep
        what was typed and not sent, as Ctrl+Q does but without waiting or asking, as nothing can be shown
        any more; then leave."""
        if self.current is not None and self.keep_new_plan():
            self.keep_typed()
            self.sessions.end(self.current)
        self.exit()

    def keep_new_plan(self) -> bool:
        """Quitting while naming a new plan keeps what was typed, as a session to carry on with; False when
        nothing was typed, and there is nothing to keep."""
        from .widgets.dialogs import NewPlanDialog

        dialog = self.screen
        if self.current is None or not isinstance(dialog, NewPlanDialog):
            return True
        if not any(dialog.typed()):
            return False
        self.current.session.project, self.current.session.prepared_by = dialog.typed()
        return True

    async def action_quit(self) -> None:
        from .screens.conversation import ConversationScreen
        from .widgets.dialogs import ConfirmDialog

        if self.served and not self.leaving:
            # in a browser, Ctrl+Q ends the tab's app and the answers kept with it: ask first, and say so
            if isinstance(self.screen, ConfirmDialog):
                return
            finished = self.current is not None and self.current.session.finished
            where = ("Your finished answers have gone to the trainer." if finished and self.collect_dir else
                     "Your answers are kept only while this tab's app runs: leaving ends them"
                     + (" (finished answers go to the trainer)." if self.collect_dir else "."))

            async def chosen(leave: bool | None) -> None:
                if leave:
                    self.leaving = True
                    await self.action_quit()

            self.push_screen(ConfirmDialog(f"Leave the app? {where}", yes="Leave", no="Stay"), chosen)
            return
        if not self.keep_new_plan() and self.current is not None:  # a plan not even named: nothing to keep
            self.sessions.let_go(self.current.session)
            self.current = None
        conversation = self.current
        if conversation is not None:
            for screen in self.screen_stack:
                if isinstance(screen, ConversationScreen):
                    await screen.settle()  # an answer typed just before Ctrl+Q is given first
            self.keep_typed()  # what is typed and not sent is kept too
            self.sessions.end(conversation)  # saved when it holds anything given, and let go
            name = conversation.session.name
            self.farewell = conversation.farewell(f"codesign --resume {name}")
            if conversation.save_error is None and conversation.session.finished:
                exported = "".join(f"\n  {path}" for path in dict.fromkeys(self.exported))
                again = "open the session again and press Ctrl+O, then s."
                if not exported:
                    self.farewell += f"\nThe plan was not saved to a file this time; to save it, {again}"
                elif self.exported_answers != conversation.session.answers:
                    self.farewell += (f"\nThe plan was saved as:{exported}\nbefore your last changes; to save it"
                                      f" with them, {again}")
                else:
                    self.farewell += f"\nThe plan was saved as:{exported}"
        self.exit(message=self.farewell or None)


def _key(path: str) -> str:
    return str(Path(path).resolve())


_IMPORTS_SET_ASIDE = False


def _set_imports_aside() -> None:
    """Take what the imports made (Python's, Textual's and our modules: code, classes, their tables) out of
    the garbage collector's sight, once a process: it lives as long as the process, yet a full collection
    went through all of it again every few answers (9 collections of up to 95 ms in a 50-question flow,
    683 ms in all; 402 ms with this). `gc.freeze()` is Python's own way to say so; the collector stays on for
    everything made afterwards. Nothing is garbage at this point (a `gc.collect()` here finds none)."""
    global _IMPORTS_SET_ASIDE
    if not _IMPORTS_SET_ASIDE:
        _IMPORTS_SET_ASIDE = True
        gc.freeze()


def make_app(flow: Flow | None = None, resume: str | None = None, facilitate: bool = False,
             store: SessionStore | None = None, example: WorkedExample | None = None,
             collect: Path | None = None, cohort: list[Path] | None = None, ask_names: bool = False,
             served: bool = False, voice: str = "") -> CodesignApp:
    """The app as the `codesign` command and the tests build it."""
    from ..flow.catalogue import cache_file, catalogue
    from ..resources import shipped_flows

    _set_imports_aside()

    flows = catalogue(shipped_flows(), cache_file())
    order = {"engagement-plan": 0, "appendix2": 1, "conflicts-of-interest": 2}
    flows.sort(key=lambda f: (order.get(f.id, 9), f.title))
    return CodesignApp(flows, store or SessionStore(), start=flow, resume=resume, facilitate=facilitate,
                       example=example, collect=collect, cohort=cohort, ask_names=ask_names, served=served,
                       voice=voice)
