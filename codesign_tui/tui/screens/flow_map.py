"""The map of the flow being answered, from the command palette: every section and question in order, where
the conversation turns, and how the decision is made (the same text as `codesign map FLOW`)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.events import Resize
from textual.screen import Screen
from textual.widgets import Header, Static

from ...flow.model import Flow
from ...flow.outline import FlowMap, outline
from ...flow.visible import visible
from ...plan.flowmap import as_text
from ..widgets.footer import Footer


class FlowMapScreen(Screen[None]):
    """Shows the map; Esc goes back to where the person was."""

    DEFAULT_CSS = """
    FlowMapScreen #map-hint { color: $text-muted; padding: 0 1; }
    FlowMapScreen #map-text { padding: 0 1; }
    """
    BINDINGS = [Binding("escape", "close", "Back", tooltip="Close the map")]

    def __init__(self, flow: Flow) -> None:
        super().__init__()
        self.flow = flow
        self.map: FlowMap | None = None  # worked out in a thread: which levels and rules answers reach is
        # counted over every combination of answers (ten seconds for engagement-plan), and the app stays live
        self.width = 0  # the width the map was last drawn to

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(visible(f"For a page to print or show on a projector: codesign map {self.flow.id}"
                             " --format html -o map.html"), id="map-hint", markup=False)
        with VerticalScroll(id="map-scroll"):
            yield Static("Drawing the map of this flow: every combination of answers is tried, to mark what none"
                         " reaches…", id="map-text", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.title = visible(f"Map of {self.flow.title}")
        self.query_one("#map-scroll").focus()
        self.run_worker(self.work_out, thread=True, exclusive=True)

    def work_out(self) -> None:
        flow_map = outline(self.flow)
        self.app.call_from_thread(self.drawn, flow_map)

    def drawn(self, flow_map: FlowMap) -> None:
        if not self.is_attached:  # closed before the map was worked out
            return
        self.map = flow_map
        self.draw(self.size.width)

    def on_resize(self, event: Resize) -> None:
        self.draw(event.size.width)

    def draw(self, width: int) -> None:
        """The map wrapped to the screen (the scroll bar and the padding left aside), once for each width."""
        width = max(40, width - 4)
        if self.map is not None and width != self.width:
            self.width = width
            self.query_one("#map-text", Static).update(visible(as_text(self.map, width), "\n"))

    def action_close(self) -> None:
        self.dismiss(None)
