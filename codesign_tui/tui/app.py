"""The Textual app: which screen to open, the high-contrast theme, and leaving with answers safe."""

from __future__ import annotations

import json
from pathlib import Path

from typing import TYPE_CHECKING

from textual.app import App
from textual.binding import Binding
from textual.theme import Theme

from ..flow.catalogue import FlowEntry
from ..sessions import DamagedSession, ExportError, SavedSession, SessionStore, data_folder
from .commands import ActionsProvider

if TYPE_CHECKING:  # the flow code is loaded when a flow is opened, not to draw the home screen
    from ..flow.examples import WorkedExample
    from ..flow.model import Flow

HIGH_CONTRAST = Theme(
    name="codesign-high-contrast", primary="#ffff00", secondary="#00ffff", accent="#ffff00",
    foreground="#ffffff", background="#000000", surface="#000000", panel="#1a1a1a", success="#00ff00",
    warning="#ffff00", error="#ff5555", dark=True,
    variables={"footer-key-foreground": "#ffff00", "input-selection-background": "#ffff00 40%"},
)
NORMAL_THEME = "textual-dark"


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
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (40, "-tall")]
    TITLE = "codesign"
    COMMANDS = App.COMMANDS | {ActionsProvider}
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", tooltip="Leave; your answers are already saved", priority=True),
        Binding("f3", "toggle_contrast", "High contrast", tooltip="Switch high contrast on or off (remembered)",
                show=False),
    ]

    def __init__(self, flows: list[FlowEntry], store: SessionStore, start: Flow | None = None,
                 resume: str | None = None, facilitate: bool = False, example: WorkedExample | None = None,
                 collect: Path | None = None, cohort: list[Path] | None = None) -> None:
        super().__init__()
        self.cohort_paths = cohort
        self.example = example
        self.collect_dir = collect
        self.flows = flows
        self.loaded: dict[str, Flow] = {_key(start.path): start} if start is not None and start.path else {}
        self.store = store
        self.start = start
        self.resume_id = resume
        self.facilitate = facilitate
        self.current: SavedSession | None = None
        self.save_error: str | None = None  # why the last save of `current` failed, until one succeeds
        self.farewell = ""
        self.exported: list[Path] = []

    def on_mount(self) -> None:
        self.register_theme(HIGH_CONTRAST)
        self.theme = HIGH_CONTRAST.name if read_settings().get("high_contrast") else NORMAL_THEME
        if self.cohort_paths is not None:
            from .screens.cohort import CohortScreen

            self.push_screen(CohortScreen(self.cohort_paths, self.start))
        elif self.resume_id is not None:
            self.resume(self.resume_id, first=True)
        elif self.start is not None:
            self.start_flow(self.start)
        else:
            self.show_home()

    def show_home(self) -> None:
        from .screens.home import HomeScreen

        saved, damaged = self.store.all()
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

    def flow_for(self, saved: SavedSession) -> Flow | None:
        return self.load(saved.flow, saved.flow_path)

    def start_flow(self, flow: Flow, project: str = "", prepared_by: str = "") -> None:
        from ..resources import own_flow_path

        # a flow file of one's own is found again by its full path when the session is resumed
        saved = self.store.new(flow.id, own_flow_path(flow.path))
        saved.project, saved.prepared_by = project, prepared_by
        if self.example is not None and not project:
            saved.project = self.example.title
        self.open_conversation(flow, saved)

    def resume(self, session_id: str, first: bool = False) -> None:
        try:
            saved = self.store.load(session_id) if session_id else self.store.latest()
        except KeyError:
            saved = None
        except DamagedSession as damaged:
            self.notify(str(damaged), severity="error", timeout=10)
            saved = None
        flow = self.flow_for(saved) if saved else None
        if saved is None or flow is None:
            what = "no saved session to resume" if saved is None else f"the flow {saved.flow!r} is not available"
            self.notify(f"Sorry: {what}.", severity="warning", timeout=8)
            if first:
                self.show_home()
            return
        self.open_conversation(flow, saved)

    def open_conversation(self, flow: Flow, saved: SavedSession) -> None:
        from .screens.conversation import ConversationScreen

        self.current = saved
        example = self.example if self.example is not None and self.example.flow == flow.id else None
        self.push_screen(ConversationScreen(flow, saved, self.store, facilitate=self.facilitate, example=example))

    def collect(self, saved: SavedSession) -> None:
        """Hand a finished session's answers to the trainer's folder, under a name no one else has."""
        if self.collect_dir is None or not saved.complete:
            return
        from ..plan.export import write_atomically

        path = self.collect_dir / f"{saved.flow}-{saved.id}.yaml"
        try:
            write_atomically(path, saved.to_yaml().encode("utf-8"), force=path.exists(), mode=0o600)
        except ExportError as error:
            self.notify(f"Your answers could not be handed in: {error}", severity="error", timeout=10)

    def action_toggle_contrast(self) -> None:
        high = self.theme != HIGH_CONTRAST.name
        self.theme = HIGH_CONTRAST.name if high else NORMAL_THEME
        settings = read_settings()
        settings["high_contrast"] = high
        try:
            from ..plan.export import write_atomically

            settings_path().parent.mkdir(parents=True, exist_ok=True)
            write_atomically(settings_path(), json.dumps(settings).encode(), force=True, mode=0o600)
        except (OSError, Exception):  # noqa: BLE001 - a setting that cannot be kept is not worth a crash
            self.notify("High contrast is on for now but could not be remembered.", severity="warning")

    async def action_quit(self) -> None:
        saved = self.current
        if saved is not None and self.save_error is not None:
            try:
                self.store.save(saved)
                self.save_error = None
            except ExportError as error:
                # The last resort: the answers go to the terminal as an answers file, so nothing is lost.
                self.farewell = (f"Your answers could NOT be saved ({error}). Copy them from here into a file"
                                 f" and open it with: codesign render {saved.flow} --answers FILE --partial\n\n"
                                 + saved.to_yaml())
                self.exit(message=self.farewell)
                return
        if saved is not None and not saved.complete and saved.answered:
            self.farewell = (f"Your answers are saved ({saved.answered} of {saved.total}). Carry on with:"
                             f" codesign --resume {saved.id}")
        elif saved is not None and saved.complete:
            exported = "".join(f"\n  {path}" for path in self.exported)
            self.farewell = (f"Your answers are saved; open them again with: codesign --resume {saved.id}"
                             + (f"\nThe plan was saved as:{exported}" if exported else
                                "\nThe plan was not saved to a file; open the session again and press Ctrl+O."))
        self.exit(message=self.farewell or None)


def _key(path: str) -> str:
    return str(Path(path).resolve())


def make_app(flow: Flow | None = None, resume: str | None = None, facilitate: bool = False,
             store: SessionStore | None = None, example: WorkedExample | None = None,
             collect: Path | None = None, cohort: list[Path] | None = None) -> CodesignApp:
    """The app as the `codesign` command and the tests build it."""
    from ..flow.catalogue import cache_file, catalogue
    from ..resources import shipped_flows

    flows = catalogue(shipped_flows(), cache_file())
    order = {"engagement-plan": 0, "appendix2": 1, "conflicts-of-interest": 2}
    flows.sort(key=lambda f: (order.get(f.id, 9), f.title))
    return CodesignApp(flows, store or SessionStore(), start=flow, resume=resume, facilitate=facilitate,
                       example=example, collect=collect, cohort=cohort)
