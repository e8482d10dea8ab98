"""The plan: rendered Markdown with its table of contents, and exports that never overwrite unasked."""

from __future__ import annotations

import asyncio
import copy
from pathlib import Path
from typing import TYPE_CHECKING

from textual import getters, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Header, MarkdownViewer, Tree

from ...flow.answers import AnswersFile
from ...flow.conversation import Conversation, with_format_suffix
from ...flow.engine import Session
from ...flow.model import Flow
from ...files import ExportError
from ...flow.visible import visible
from ..app import CodesignApp
from ..widgets.dialogs import ConfirmDialog, ExportDialog
from ..widgets.footer import Footer

if TYPE_CHECKING:  # the plan's rendering is loaded when a plan is first made
    from ...plan.save import PlanFile

STAYS = 24 * 60 * 60  # seconds: a message that stays until it is clicked away
FORMATS = {"md": "Markdown", "html": "a web page (HTML)", "docx": "a Word document", "json": "JSON data",
           "text": "plain text, to paste into a board paper"}


def export_plan(fmt: str, flow: Flow, session: Session, meta: AnswersFile, public: bool = False,
                summary: bool = False, document: str | None = None) -> PlanFile:
    """The plan (or its one-page summary, or another `document` such as the conflicts record) in one of the
    export formats; ExportError says what is wrong when it cannot be made."""
    from ...plan.save import make_plan
    from ...plan.word import MissingExtra, install_command

    try:
        return make_plan(fmt, flow, session.result(so_far=True), meta, public=public, summary=summary,
                         document=document)
    except MissingExtra:
        # said in the app's own keys, not the command line's options
        raise ExportError("Word export needs python-docx, which is not installed here. Install it with:\n"
                          f"  {install_command()}\n"
                          "then press w again. Or press m for Markdown or h for a web page, which need"
                          " nothing more.") from None


DRAWING = "# Your plan\n\nDrawing the plan from your answers…"


class PlanScreen(Screen):
    """Shows the plan and exports it."""

    app = getters.app(CodesignApp)

    # on a narrow screen the contents, opened with t, may take more of the width, so that headings are whole
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (140, "-wide")]

    BINDINGS = [
        Binding("escape", "close", "Back", tooltip="Back to the conversation"),
        # plain letters: nothing here takes typing, and a browser keeps most Ctrl keys for itself
        # one Save key in the footer (it asks which format); each format's own key works too, and all of
        # them are in the command palette
        Binding("s", "save", "Save",
                tooltip="Save or export the plan: Markdown, Word, a web page, plain text or JSON"),
        Binding("m", "export('md')", "Markdown", tooltip="Save the plan as a Markdown file", show=False),
        Binding("w", "export('docx')", "Word", tooltip="Save the plan as a Word document", show=False),
        Binding("h", "export('html')", "Web page", tooltip="Save the plan as one HTML file", show=False),
        Binding("j", "export('json')", "JSON", tooltip="Save the result as JSON data", show=False),
        # x for text: t (contents) and p (public) are taken
        Binding("x", "export('text')", "Text",
                tooltip="Save the plan as plain text, to paste into a board paper's template or an email",
                show=False),
        Binding("t", "toggle_toc", "Contents", tooltip="Show or hide the table of contents"),
        Binding("p", "toggle_public", "Public",
                tooltip="Withhold the name, organisation and description of each register entry not published,"
                        " here and in exports"),
        Binding("c", "conflicts_record", "Conflicts record",
                tooltip="Save the record of conflicts of interest the rules in force ask for, made from the"
                        " register (the conflicts assessment of a covered procurement, for one)", show=False),
        Binding("o", "toggle_summary", "One page",
                tooltip="Show the one-page summary, or the whole plan again; exports follow what is shown"),
    ]

    def __init__(self, flow: Flow, session: Session, meta: AnswersFile, reveal: bool = True) -> None:
        super().__init__()
        self.flow = flow
        self.session = session
        self.plan_meta = meta  # who and when; dated when the session began, so the same answers give the same plan
        self.reveal = reveal
        self.public = False  # the public version: the details of register entries not published withheld
        self.summary = False  # the one-page summary instead of the whole plan, here and in exports
        self.saved_as = ""  # the file last saved from here, named in the title bar

    def meta(self) -> AnswersFile:
        return self.plan_meta

    def compose(self) -> ComposeResult:
        yield Header()
        # something at once: a long plan takes a second or two to draw, and the screen was blank meanwhile
        yield MarkdownViewer(DRAWING, id="plan", show_table_of_contents=True)
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Your plan"
        # on a narrow terminal the plan needs the room; the contents are a keypress away
        self.query_one(MarkdownViewer).show_table_of_contents = self.app.size.width >= 140
        self.render_plan()

    def show_state(self) -> None:
        state = "complete" if self.session.is_complete else f"draft: {self.session.progress()} answered"
        self.sub_title = (state + (" · one-page summary" if self.summary else "")
                          + (" · public version (details of entries not published withheld)" if self.public else "")
                          + (f" · saved as {self.saved_as}" if self.saved_as else ""))

    @work(exclusive=True, group="render")
    async def render_plan(self) -> None:
        from ...plan.render import render_markdown

        from jinja2 import TemplateError

        try:
            # a draft's unanswered questions hold nothing back; the plan lists them as still to answer
            # in a thread, so that the screen shows and answers keys while the plan is drawn
            text = await asyncio.to_thread(render_markdown, self.flow, self.session.result(so_far=True),
                                           self.meta(), public=self.public, narrow=self.app.size.width < 140,
                                           on_screen=True, summary=self.summary)
        except TemplateError as error:
            text = f"# The plan could not be drawn\n\nThe plan template has a problem: {error}"
            self.notify("The plan template has a problem; see the message.", severity="error", markup=False)
        viewer = self.query_one(MarkdownViewer)
        await viewer.document.update(visible(text, "\n\t"))
        self.fit_contents(viewer)
        self.show_state()
        viewer.focus()

    def fit_contents(self, viewer: MarkdownViewer) -> None:
        """The contents as wide as their longest heading, so that no heading is cut where there is room (the
        stylesheet keeps them to 40% of the screen); measured once the headings are known, since an
        automatic width is worked out before they arrive."""
        from rich.cells import cell_len

        headings = viewer.document.table_of_contents
        if headings:
            # each level is indented by the tree's guides, then a numeral and a space before the heading
            longest = max(4 * level + cell_len(name) for level, name, _ in headings)
            viewer.table_of_contents.styles.width = max(34, longest + 3)  # the padding, and a scroll bar

    def action_close(self) -> None:
        self.dismiss()

    def action_toggle_toc(self) -> None:
        viewer = self.query_one(MarkdownViewer)
        # the part of the plan being read stays in view: the plan's width changes, its lines wrap afresh,
        # and the same scroll offset would land somewhere else
        top = viewer.scroll_offset.y
        reading = next((block for block in viewer.document.children
                        if block.virtual_region.bottom > top), None)
        viewer.show_table_of_contents = not viewer.show_table_of_contents
        if reading is not None and top > 0:
            self.call_after_refresh(viewer.scroll_to_widget, reading, animate=False, top=True)
        # the keys go where the eye goes: into the contents when they open, back to the plan when they close
        if viewer.show_table_of_contents:
            viewer.table_of_contents.query_one(Tree).focus()
        else:
            viewer.focus()

    def action_toggle_public(self) -> None:
        self.public = not self.public
        self.notify("Public version: each register entry not published keeps its role, type and handling, and its"
                    " other details are withheld, here and in every export." if self.public else "Full version:"
                    " every entry in the"
                    " register is shown, here and in every export.", title="Plan", markup=False)
        self.render_plan()

    def action_save(self) -> None:
        from ..widgets.dialogs import ChoiceDialog

        def chosen(fmt: str | None) -> None:
            if fmt in FORMATS:
                self.action_export(fmt)

        self.app.push_screen(ChoiceDialog("Save the plan as:", [
            ("md", "Markdown (m)"), ("docx", "Word (w)"), ("html", "Web page (h)"), ("text", "Text (x)"),
            ("json", "JSON (j)")]), chosen)

    def action_toggle_summary(self) -> None:
        self.summary = not self.summary
        self.render_plan()

    def file_name(self, fmt: str, document: str | None = None) -> str:
        return Conversation(self.session).plan_file_name(fmt, self.public, summary=self.summary, document=document)

    def action_conflicts_record(self) -> None:
        from ...plan.record import NoRegister, register_question
        from ..widgets.dialogs import ChoiceDialog

        try:
            register_question(self.flow)
        except NoRegister:
            self.notify("This flow has no register of interests, so there is no conflicts record to make.",
                        title="Conflicts record", timeout=8, markup=False)
            return

        def chosen(fmt: str | None) -> None:
            if fmt in FORMATS:
                self.action_export(fmt, "conflicts-assessment")

        self.app.push_screen(ChoiceDialog("Save the conflicts record as:", [
            ("docx", "Word"), ("md", "Markdown"), ("html", "Web page"), ("json", "JSON")]), chosen)

    def action_export(self, fmt: str, document: str | None = None) -> None:
        if self.app.is_web:
            self.deliver(fmt, document)
            return
        # the folder last saved to for this session, so that several saves are not typed again each time
        folder = self.app.plan_folders.get(self.session.name, Path.cwd())
        proposed = folder / self.file_name(fmt, document)

        def chosen(path: Path | None) -> None:
            if path is None:
                self.notify("The plan was not saved.", title="Not saved", timeout=5, markup=False)
                return
            path = with_format_suffix(path, fmt)
            if not path.parent.exists():
                def create(yes: bool | None) -> None:
                    if not yes:
                        self.notify(visible(f"The plan was not saved: the folder {path.parent} was not made."),
                                    title="Not saved", timeout=STAYS, markup=False)
                        return
                    try:
                        path.parent.mkdir(parents=True)
                    except OSError as error:
                        self.notify(visible(f"The folder {path.parent} could not be made: {error.strerror}."),
                                    title="Not saved", severity="error", timeout=STAYS, markup=False)
                        return
                    chosen(path)
                # making the folder is what the person asked for by typing it: Enter does it
                self.app.push_screen(ConfirmDialog(f"There is no folder {path.parent}. Make it, and save the plan"
                                                   " there?", "Make it", "Cancel", default="yes"), create)
                return
            if path.exists():
                def replace(yes: bool | None) -> None:
                    if yes:
                        self.write(fmt, path, force=True, document=document)
                    else:
                        self.notify(visible(f"The plan was not saved: {path.name} was kept as it was."),
                                    title="Not saved", timeout=STAYS, markup=False)
                self.app.push_screen(ConfirmDialog(f"{path} already exists. Replace it?", "Replace", "Keep it"),
                                     replace)
            else:
                self.write(fmt, path, force=False, document=document)

        self.app.push_screen(ExportDialog(FORMATS[fmt], proposed), chosen)

    def write(self, fmt: str, path: Path, force: bool, document: str | None = None) -> None:
        from ...plan.save import save_plan

        try:
            plan = export_plan(fmt, self.flow, self.session, self.meta(), self.public, self.summary, document)
            path = save_plan(path, plan, force=force)
        except ExportError as error:  # stays until dismissed: it may hold a command to copy
            self.notify(visible(str(error), keep="\n"), title="Not saved", severity="error", timeout=STAYS,
                        markup=False)
            return
        self.app.exported.append(path)
        self.app.plan_folders[self.session.name] = path.parent
        self.app.exported_answers = copy.deepcopy(self.session.answers)
        if document is None and self.app.current is not None and self.app.current.session is self.session:
            self.app.current.plan_saved(path)  # so that a later change to the flow can say it is out of date
        # the name and its folder on lines of their own, so that a narrow screen shows the whole name; briefly,
        # as it covers part of the plan on a small screen, while the title bar keeps the name
        self.notify(visible(f"{path.name}\nin the folder {path.parent}", keep="\n"), title="Plan saved", timeout=5,
                    markup=False)
        self.saved_as = visible(path.name)
        self.show_state()

    def deliver(self, fmt: str, document: str | None = None) -> None:
        import io

        try:
            plan = export_plan(fmt, self.flow, self.session, self.meta(), self.public, self.summary, document)
        except ExportError as error:
            self.notify(visible(str(error), keep="\n"), title="Not saved", severity="error", timeout=STAYS,
                        markup=False)
            return
        name = self.file_name(fmt, document)
        self.app.deliver_binary(io.BytesIO(plan.data), save_filename=name)
