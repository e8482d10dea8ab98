"""The conversation: one question at a time, answers in the transcript, the ladder alongside."""

from __future__ import annotations

import asyncio
from typing import Any

from textual import events, getters, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widgets import Button, Header, Static

from ...flow.answers import AnswerError
from ...flow.conversation import Conversation, Note, Reply, Step, answer_label
from ...flow.engine import Session
from ...flow.examples import WorkedExample
from ...flow.model import Flow, Question, Section
from ...flow.visible import cut, visible
from ...sessions import SessionStore
from ..app import CodesignApp
from ..messages import EditAnswer
from ..widgets.early import KeptUntilReady
from ..widgets.footer import Footer
from ..widgets.letting_go import remove
from ..widgets.replies import Checklist, Composer, QuestionButton, QuickReplies, RecordForm
from ..widgets.side_panel import SidePanel
from ..widgets.turns import AnswerTurn, AskedTurn, NoteTurn, QuestionTurn, Transcript


class ConversationScreen(KeptUntilReady, Screen):
    """Talks a person through one flow, saving after every answer."""

    # the side panel folds away on a narrow terminal, the register form grows on a tall one. Only this screen
    # changes with the terminal's size: on the others a change of class would restyle every widget for nothing
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (40, "-tall")]

    # the way to answer takes the focus as each question is shown (show_reply_area); Textual's own first focus
    # went to the transcript first, whose focus border made the whole screen be laid out and restyled again
    AUTO_FOCUS = ""

    BINDINGS = [
        Binding("f1", "why", "Why", tooltip="Show or hide why we ask this question"),
        Binding("ctrl+b", "back", "Back", tooltip="Go back to the previous question"),
        Binding("escape", "edit_answers", "Change",
                tooltip="Move to your answers in the transcript; Enter on one changes it"),
        Binding("ctrl+r", "review", "Review", tooltip="See every answer in one table"),
        Binding("ctrl+o", "plan", "Plan", tooltip="See the plan so far, and save or export it"),
        Binding("f2", "toggle_panel", "Panel", tooltip="Show or hide the side panel: sections and the ladder", show=False),
        Binding("f4", "reveal", "Reveal", tooltip="Show the room the recommendation and the ladder, after asking"),
        Binding("f5", "case_answer", "The case's answer",
                tooltip="Show the worked example's answer to this question, and why the case gives it"),
        Binding("f6", "scenario", "Scenario", tooltip="Read the worked example's scenario again"),
        # a number answers a choice wherever the focus is, even between one question and the next
        *[Binding(str(n), f"pick({n})", f"Answer {n}", show=False) for n in range(1, 10)],
        # the transcript scrolls by page wherever the focus is (the reply list would take the keys otherwise)
        Binding("pageup", "scroll_transcript(-1)", "Earlier turns", show=False, priority=True),
        Binding("pagedown", "scroll_transcript(1)", "Later turns", show=False, priority=True),
    ]

    app = getters.app(CodesignApp)
    composer = getters.query_one("#composer", Composer)
    transcript = getters.query_one(Transcript)

    def __init__(self, flow: Flow, session: Session, store: SessionStore | None, facilitate: bool = False,
                 example: WorkedExample | None = None, checked: list[str] | None = None) -> None:
        super().__init__()
        self.checked = checked or []  # what checking a resumed session against its flow found
        self.example = example
        self.flow = flow
        self.session = session
        # a facilitator's room answers first: the example's answer is shown when asked for (F5), not chosen
        self.conversation = Conversation(session, store, proposed=example.answers if example else None,
                                         offer=not facilitate, revealed=not facilitate)
        self.facilitate = facilitate
        self.confirming_none = False
        self._put_away = ""  # the reply box's instruction, while an earlier answer is being chosen
        self.shown: Question | None = None  # the question whose way of answering is on screen
        # Every change of question (an answer, back, a change of an earlier answer) holds this, so that one
        # change is drawn whole before the next begins: keys typed in one burst used to start a second while
        # the first was still mounting its widgets, and the app crashed. What a key answers is checked once
        # it holds it (`still_asked`): a key handled for a question since answered is not used
        self.changing = asyncio.Lock()
        self.unused = 0  # keys not used since the question last changed, for the hint
        self.typing_on = False  # while a typed reply is taken: what is typed after it is for the next question

    @property
    def revealed(self) -> bool:
        """Whether the recommendation may show: the conversation's to say (a facilitator's room, before F4)."""
        return self.conversation.revealed

    # -- layout -------------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="body"):
            with Vertical(id="main"):
                yield Transcript(id="transcript")
                yield Vertical(id="reply-area")
                # what to do once every question is answered: built with the screen (a first button costs
                # Textual a pass over its styles, which the last answer would otherwise wait for)
                with Horizontal(id="finished", classes="buttons") as finished:
                    finished.display = False
                    yield Button("Review answers", id="go-review")
                    yield Button("See the plan", id="go-plan", variant="primary")
                yield Static("", id="reply-hint", markup=False)
                yield Composer(id="composer", placeholder="Type a reply and press Enter", compact=True,
                               select_on_focus=False)
            yield SidePanel(self.conversation)
        yield Footer(short={"case_answer": "Case's answer"}, spared=("back", "review", "scenario"))

    async def on_mount(self) -> None:
        self.fit_title()
        async with self.changing:
            await self.rebuild()
        self.ready()  # keys typed before now go to the way to answer, which has the focus
        if self.example is not None and self.conversation.current is not None and not self.session.answers:
            # a worked example starts with its case study, read before the first question
            from ..widgets.dialogs import ScenarioDialog

            self.app.push_screen(ScenarioDialog(self.example.title, self.example.scenario))

    def action_scroll_transcript(self, pages: int) -> None:
        transcript = self.transcript
        if self.focused is transcript:  # choosing an earlier answer: the choice moves by a page
            transcript.release_anchor()
            transcript.choose_page(pages)
        elif pages < 0:
            # reading back: the transcript no longer holds to the latest turn (released, not dropped: a change
            # of its size, such as the border it gains when a click focuses it, must not throw the person
            # back to the foot; scrolling back down to the foot holds it there again)
            transcript.release_anchor()
            transcript.scroll_page_up(animate=False)
        else:
            transcript.scroll_page_down(animate=False)

    # -- drawing ------------------------------------------------------------------------------------

    def _question_turn(self, question: Question, settled: bool = False) -> QuestionTurn:
        return QuestionTurn(question, self.conversation.number(question), self.conversation.why_folded(question),
                            discussion=self.facilitate, settled=settled, words=self.conversation.words)

    def _section_note(self, section: Section) -> NoteTurn:
        words = self.conversation.words
        return NoteTurn(words(section.title) + (f"\n{words(section.intro)}" if section.intro else ""), "section")

    @staticmethod
    def _notes(said: tuple[Note, ...] | list[Note]) -> list[NoteTurn]:
        """Notes as the conversation said them: a changed answer's note reads as ordinary text, a moved
        recommendation as good news, a warning as one."""
        styles = {"changed": "note", "level": "restored", "flag": "set-aside"}
        return [NoteTurn(text, styles.get(kind, kind)) for kind, text in said]

    async def rebuild(self, said: tuple[Note, ...] = ()) -> None:
        """Draw the whole transcript as the conversation gives it (Conversation.transcript), after the worked
        example's scenario and what checking a resumed session found."""
        transcript = self.transcript
        await transcript.clear()
        turns: list[Any] = []
        if self.example is not None:
            turns.append(NoteTurn(f"Worked example: {self.example.title}\n{self.example.scenario}\n\n"
                                  + self._example_note(), "scenario"))
        turns += [NoteTurn(note, "set-aside") for note in self.checked]
        for turn in self.conversation.transcript(said):
            if turn.note is not None:
                turns += self._notes([turn.note])
            elif turn.row is None:
                turns.append(self._finished_note())
            elif turn.kind == "section":
                turns.append(self._section_note(turn.row.section))
            elif turn.kind == "asked":
                turns += [AskedTurn(turn.row.question, turn.row.number, self.conversation.words(turn.row.prompt)),
                          AnswerTurn(turn.row.question, turn.row.answer)]
            else:
                turns.append(self._question_turn(turn.row.question))
        await transcript.mount_all(turns)
        await self.refresh_status()

    async def advance(self, step: Step) -> None:
        """After an answer: add it and the next question, or redraw when the path changed behind us."""
        question = step.question
        current = self.conversation.current
        transcript = self.transcript
        last = transcript.asking()
        answered = self.conversation.followed(step)  # else, after a jump back, the answers in between change
        if last is None or last.question.id != question.id or answered is None:
            await self.rebuild(step.notes)
        else:
            # the question answered settles to its prompt alone, in a light widget of its own; the notes
            # go where rebuild() would put them, before a new section's heading. The turn that asked it
            # asks the next question (fewer widgets to mount and remove than a new turn). Turns a few back
            # settle into lines, so the transcript holds the same few widgets however long it grows
            await transcript.settle()
            turns: list[Any] = [AskedTurn(question, last.number, last.prompt),
                                AnswerTurn(question, answered.answer),
                                *self._notes(step.notes)]
            if current is not None:
                if current.section_id != question.section_id:
                    turns.append(self._section_note(self.flow.section(current.section_id)))
                await transcript.mount_all(turns, before=last)
                await last.ask(current, self.conversation.number(current), self.conversation.why_folded(current),
                               words=self.conversation.words)
            else:
                turns.append(self._finished_note())
                await transcript.mount_all(turns, after=last)
                await remove(transcript, [last])
            await self.refresh_status()

    def _example_note(self) -> str:
        if self.facilitate:
            return ("The room answers each question first; F5 shows the case's answer and why, when you ask for"
                    " it. F6 shows this scenario again.")
        from ..widgets.dialogs import PROPOSED

        return PROPOSED + " F5 says why the case answers so; F6 shows this scenario again."

    def _finished_note(self) -> NoteTurn:
        said = self.conversation.finished()
        lines = ["All questions answered."]
        if said.recommendation:
            lines.append(f"Recommendation: {said.recommendation}. {said.levels}")
        if self.example is not None and self.revealed:
            differ = self.conversation.departures()
            if differ:  # the case's own account follows the example's answers, not these: say where they part
                lines.append(f"Your answers differ from the example's: {differ}."
                             + ("" if self.facilitate else
                                f" The case's own account, with the example's answers: {self.example.note}"))
            elif not self.facilitate:
                lines.append(f"What the case shows: {self.example.note}")
            if self.facilitate:
                # the case's reasoning, question by question, is on F5: the end keeps to a few lines, so
                # the recommendation's own lines stay on screen
                lines.append("Why the case answers each question so: go back to it (Esc) and press F5.")
        lines.append("Press Ctrl+R to review your answers or Ctrl+O to see the plan." if self.revealed else
                     "Press F4 to reveal the recommendation to the room, then Ctrl+O to see the plan.")
        return NoteTurn("\n".join(lines), "finished")

    def fit_title(self) -> None:
        """The work's name (where given) and the flow's title, and how far the person is, in the header. When
        they do not all fit, the flow's title goes first, then the word "answered", and the work's name is
        cut only when it cannot fit alone: it is what tells two plans apart. (The header's icon and margins
        take about 20 columns.)"""
        progress = self.conversation.progress()
        count = f"{progress} answered"

        def room(count: str) -> int:
            return self.app.size.width - 20 - len(" — ") - len(count)

        project = visible(" ".join(self.session.project.split()))
        title = visible(self.flow.title)
        if not project:
            title = cut(title, room(count))
        elif len(f"{project} · {title}") <= room(count):
            title = f"{project} · {title}"
        elif room(count) - len(f"{project} · ") >= 12:  # enough of the flow's title to tell what it is
            title = cut(f"{project} · {title}", room(count))
        elif len(project) <= room(count):
            title = project
        else:
            count = progress
            title = cut(project, room(count))
        self.title = title
        self.sub_title = count

    async def refresh_status(self) -> None:
        self.fit_title()
        self.query_one(SidePanel).refresh_panel()
        await self.show_reply_area()
        # the way to answer may take more or less room than the last one: the transcript fits itself again,
        # and follows the new question even if the person had scrolled up to read
        self.call_after_refresh(self.transcript.follow)

    def on_resize(self) -> None:
        self.fit_title()
        self._panel_fits()
        self.call_after_refresh(self.transcript.fit)

    async def show_reply_area(self) -> None:
        """The way to answer the current question. New widgets are mounted and focused before the old
        ones go, and one quick-reply list serves consecutive choices, so the focus never falls back on
        the transcript in between (which would restyle every turn in it)."""
        area = self.query_one("#reply-area", Vertical)
        old = list(area.children)
        composer = self.composer
        self.hint("")
        self.unused = 0
        question = self.shown = composer.question = self.conversation.current
        # typed after Enter, while the reply was being taken: the start of the next reply, kept
        ahead = composer.value if self.typing_on else ""
        composer.value = ""
        finished = self.query_one("#finished")
        finished.display = question is None
        if question is None:
            composer.placeholder = "All done: type review or plan, or use the buttons"
            composer.value = ahead
            self.set_focus(composer if ahead else self.query_one("#go-plan", Button))
            await remove(area, old)
            composer.choices = None
            return
        view = self.conversation.view(question)
        current = view.existing
        if view.offered:
            self.hint(f"The example answers: {answer_label(question, current)}. Press Enter to accept it,"
                      " or choose another.")
        area.set_class(question.kind == "record", "-record")
        words = self.conversation.words  # options are read after their question: spelt out where first met
        # the same way of answering as the question before: the new options offered in place. Decided before
        # any new list is built, as building one reads its options (spelling out what is met first) and
        # the person would then see the list in place without those words spelt out
        same = {"single": "quick-replies", "yes_partly_no_unsure": "quick-replies",
                "multiple": "checklist"}.get(question.kind)
        typed = ahead or (view.typed if question.is_choice else "")
        if same and old and old[0].id == same and hasattr(old[0], "show"):
            old[0].show(question, current, words)
            if typed:  # a reply typed to this choice and not sent comes back, in the reply box
                composer.value = typed
                self.set_focus(composer)
            elif self.focused is not composer:
                self.set_focus(old[0])
            # the buttons are drawn afresh: each is for one question (a press queued for the last must
            # not answer this one)
            await remove(area, old[1:])
            await area.mount_all(self.buttons(question))
            return
        widgets: list[Any] = []
        focus: Any = composer
        if question.kind in ("single", "yes_partly_no_unsure"):
            composer.placeholder = "Press a number or type a reply (? why, back)"
            focus = QuickReplies(question, composer, current, words)
            widgets.append(focus)
        elif question.kind == "multiple":
            focus = Checklist(question, composer, current, words)
            widgets.append(focus)
            composer.placeholder = "Tick with Space or an option's number, then Enter"
        elif question.kind == "record":
            focus = RecordForm(question, view.records, entry=view.entry, words=words)
            widgets.append(focus)
            composer.placeholder = "Use the form above; type done when there are no more"
        else:
            # what was typed and not sent comes back before the answer already given
            composer.value = view.value if isinstance(view.value, str) else ""
            composer.placeholder = ("Type a date such as 2026-03-31" if question.kind == "date"
                                    else "Type your answer and press Enter")
        widgets += self.buttons(question)
        if {w.id for w in old} & {w.id for w in widgets}:
            await remove(area, old)
            old = []
        if widgets:
            await area.mount_all(widgets)
        composer.choices = focus if isinstance(focus, (QuickReplies, Checklist)) else None
        if isinstance(focus, RecordForm):
            focus = focus.first_box() or focus
        if typed:  # a reply typed to this choice and not sent (or typed ahead) comes back, in the reply box
            composer.value = typed
            focus = composer
        # at once, not after the next refresh as widget.focus() does: the old way of answering goes next, and
        # had it still the focus, the focus would fall back on the transcript (restyling every turn in it)
        self.set_focus(focus)
        await remove(area, old)

    @staticmethod
    def buttons(question: Question) -> list[Horizontal]:
        """The buttons under the way to answer this question, each knowing the question it is for."""
        rows = []
        if question.kind == "multiple":
            rows.append(Horizontal(QuestionButton("Done", question, id="checklist-done", variant="primary",
                                                  compact=True), id="checklist-buttons", classes="buttons"))
        if not question.required and question.kind != "record":
            # someone using only a mouse can pass over what needs typing
            rows.append(Horizontal(QuestionButton("Skip this one", question, id="skip", compact=True),
                                   id="skip-buttons", classes="buttons"))
        return rows

    def hint(self, text: str) -> None:
        hint = self.query_one("#reply-hint", Static)
        if hint.content != text:  # most answers leave it empty: nothing to lay out again
            hint.update(text)
        hint.display = bool(text)

    # -- answering ----------------------------------------------------------------------------------

    def still_asked(self, meant: Question | None, typed: str = "") -> bool:
        """Whether the question a key was handled for is still the one asked. Keys typed faster than the
        screen changes can reach a list or the reply box after their question was answered (the burst
        "Enter 1" sent two answers to one question before); such a key answers nothing, and the person is
        told, rather than its answer going to the question that followed. A reply `typed` for it is not lost:
        it goes back into the reply box, to be sent again or changed."""
        if meant is not None and meant is self.conversation.current and meant is self.shown:
            return True
        self.unused += 1
        kept = ""
        if typed.strip():
            self.put_back(typed)
            kept = " What was typed is in the reply box."
        self.hint(f"{self.unused} key{'s' if self.unused > 1 else ''} typed as the question changed"
                  f" did not answer it: check this question, then answer it.{kept}")
        return False

    async def submit(self, value: Any, meant: Question | None) -> None:
        """Answer `meant`, the question the answer was given for, if it is still the one asked."""
        async with self.changing:
            if self.still_asked(meant):
                await self._submit(value)

    async def _submit(self, value: Any) -> None:
        """Answer the question asked with `value` (with `changing` held)."""
        self.confirming_none = False
        if self.conversation.current is not None:
            await self.draw(self.conversation.give(Reply("answer", value)))

    async def settle(self, most: float = 5.0) -> None:
        """Take in first what was typed before now: the keys typed just before Ctrl+Q. Ctrl+Q runs in the
        app's turn, while a number typed into the reply box is a key in the box's own turn, which posts a
        message that bubbles up to this screen through each container in between; so the app saved and left
        before the answer was given. Each widget from the focused one up to this screen has its waiting
        messages handled, twice over (the second time for what the first posted), then any change of
        question under way finishes. At most `most` seconds, so that leaving never hangs."""
        async def handled(node: DOMNode) -> None:
            reached = asyncio.Event()
            node.call_later(reached.set)  # after the messages already waiting for `node`
            await reached.wait()

        chain: list[DOMNode] = []
        for node in (self.focused or self).ancestors_with_self:
            chain.append(node)
            if node is self:
                break
        try:
            async with asyncio.timeout(most):
                for _ in range(2):
                    for node in chain:
                        await handled(node)
                async with self.changing:
                    pass
        except TimeoutError:
            pass

    def typed(self) -> Any:
        """What is typed for the question on screen and not sent (a choice's too: "not su"); None when that
        is not the question asked."""
        question = self.shown
        if question is None or question.id != getattr(self.conversation.current, "id", None):
            return None
        if question.kind != "record":
            return self.composer.value
        return self.query(RecordForm).first().draft() if self.query(RecordForm) else None

    def keep_draft(self) -> None:
        """Keep what is typed for the question on screen and not sent, so it is there when the person comes
        back to that question (after a change elsewhere, after going back, after quitting)."""
        if (typed := self.typed()) is not None and self.shown is not None:
            self.conversation.keep_typed(self.shown, typed)

    def save(self) -> None:
        """Keep the draft on screen and save now (on leaving the screen or the app)."""
        self.keep_draft()
        self.conversation.save()
        self.after_save()

    def after_save(self) -> None:
        error = self.conversation.save_error
        if error is not None:
            self.notify(f"Could not save your answers: {error}. They are kept here, and saving is tried"
                        " again after your next answer and when you quit.", severity="error", timeout=10, markup=False)
        self.app.collect(self.session)

    @on(QuickReplies.Chosen)
    async def _quick_reply(self, event: QuickReplies.Chosen) -> None:
        event.stop()
        await self.submit(event.value, event.question)

    @on(Composer.Picked)
    async def _picked(self, event: Composer.Picked) -> None:
        await self.pick(event.number, event.question)

    @on(Checklist.Finished)
    async def _checklist_done(self, event: Checklist.Finished) -> None:
        async with self.changing:
            if self.still_asked(event.question):
                await self.finish_checklist(event.values)

    async def finish_checklist(self, values: list[str]) -> None:
        """Nothing ticked is a real answer ("none"), so it takes a second Enter to give it (with `changing`
        held)."""
        if not values and not self.confirming_none:
            self.confirming_none = True
            self.hint("Nothing is ticked. Tick with Space (or press an option's number), or press Enter again"
                      " to answer 'none of these'.")
            return
        self.confirming_none = False
        await self._submit(values)

    @on(RecordForm.Done)
    async def _records_done(self, event: RecordForm.Done) -> None:
        await self.submit(event.records, event.question)

    @on(Button.Pressed, "#checklist-done")
    async def _checklist_button(self, event: Button.Pressed) -> None:
        async with self.changing:
            checklists = self.query(Checklist)
            if checklists and self.still_asked(getattr(event.button, "question", None)):
                await self.finish_checklist(list(checklists.first().selected))

    @on(Button.Pressed, "#skip")
    async def _skip(self, event: Button.Pressed) -> None:
        await self.submit(None, getattr(event.button, "question", None))

    @on(Button.Pressed, "#go-review")
    def _go_review(self) -> None:
        self.action_review()

    @on(Button.Pressed, "#go-plan")
    def _go_plan(self) -> None:
        self.action_plan()

    @on(Composer.Sent, "#composer")
    async def _typed(self, event: Composer.Sent) -> None:
        event.stop()
        async with self.changing:
            finished = self.shown is None and self.conversation.current is None  # review or plan may be typed
            if not finished and not self.still_asked(event.question, event.value):
                return
            # the reply box emptied itself as it sent the reply (Composer.action_submit): what is in it now
            # was typed after Enter, for the question that follows, and stays there
            self.typing_on = True
            try:
                used = await self.reply(event.value)
            finally:
                self.typing_on = False
            if not used:
                self.put_back(event.value)

    def put_back(self, typed: str) -> None:
        """A reply not taken goes back into the reply box, before anything typed since."""
        if not typed:
            return
        composer = self.composer
        composer.value = typed + (" " + composer.value if composer.value.strip() else "")
        composer.cursor_position = len(composer.value)

    async def reply(self, text: str) -> bool:
        """A typed reply, done as the conversation reads it (with `changing` held); False when it is not
        taken, so that it goes back into the reply box to be mended."""
        question, word = self.conversation.current, text.strip().casefold()
        if question is not None and question.kind == "multiple" and not word:
            # Enter in an empty reply box answers with what is ticked, as Enter in the list does
            await self.finish_checklist(list(self.query_one(Checklist).selected))
        elif question is None and word in ("review", "plan"):
            self.action_review() if word == "review" else self.action_plan()
        else:
            return await self.draw(self.conversation.respond(text, typed=self.typed()))
        return True

    async def draw(self, said: Reply) -> bool:
        """What a reply did (Conversation.respond), drawn; False when it was not taken."""
        if said.kind == "why":
            self.action_why()
        elif said.kind == "back" and said.message:
            self.hint(said.message)
        elif said.kind == "back":
            await self.rebuild()
        elif said.step is not None:
            self.confirming_none = False
            self.after_save()
            # the answer, the next question, the reply area and the side panel change together: one layout
            with self.app.batch_update():
                await self.advance(said.step)
        elif said.kind == "done":
            self.query_one(RecordForm).finish()
        else:  # once every question is answered, only review and plan are taken, and nothing needs saying
            if self.conversation.current is not None:
                self.hint(said.message)
            return False
        return True

    # -- actions ------------------------------------------------------------------------------------

    def action_pick(self, number: int) -> None:
        # as a number typed in the reply box does: for the question on screen now, answered in this screen's
        # turn with every other answer (a binding's action runs in the app's)
        if self.focused is self.transcript:  # choosing an earlier answer: a number typed after Esc answers nothing
            return self.hint(self.NUMBER_WHILE_CHOOSING)
        self.post_message(Composer.Picked(number, self.shown))

    async def pick(self, number: int, meant: Question | None) -> None:
        """A number pressed while `meant` was on screen: its option, if `meant` is a choice still asked."""
        if meant is not None and meant.kind in ("single", "yes_partly_no_unsure") and number <= len(meant.options):
            await self.submit(meant.options[number - 1].value, meant)

    def action_why(self) -> None:
        turn = self.transcript.asking()
        if turn is None or not turn.toggle_guidance():
            self.hint(self.conversation.why())

    async def action_back(self) -> None:
        async with self.changing:
            await self.draw(self.conversation.respond("back", typed=self.typed()))

    CHOOSING = "Use the arrow keys to choose an answer and press Enter to change it; Esc to return to the question."
    NUMBER_WHILE_CHOOSING = "A number answers the question being asked: press Esc to return to it first."

    def action_edit_answers(self) -> None:
        transcript = self.transcript
        if self.focused is transcript:
            self.composer.focus()
        elif transcript.answers():
            transcript.focus()

    @on(events.DescendantFocus)
    def _choosing(self, event: events.DescendantFocus) -> None:
        """Choosing an earlier answer (Esc, or a click in the transcript) has one instruction, the hint's: the
        reply box's own words about answering the question are put away until the choosing ends."""
        if isinstance(event.widget, Transcript):
            composer = self.composer
            if composer.placeholder:
                self._put_away = composer.placeholder
                composer.placeholder = ""
            self.hint(self.CHOOSING)

    @on(events.DescendantBlur)
    def _chosen_or_not(self, event: events.DescendantBlur) -> None:
        if isinstance(event.widget, Transcript):
            composer = self.composer
            if self._put_away and not composer.placeholder:
                composer.placeholder = self._put_away
            self._put_away = ""
            if self.query_one("#reply-hint", Static).content in (self.CHOOSING, self.NUMBER_WHILE_CHOOSING):
                self.hint("")

    @on(EditAnswer)
    async def _edit(self, event: EditAnswer) -> None:
        await self.edit(event.question_id)

    async def edit(self, question_id: str) -> None:
        async with self.changing:
            self.keep_draft()
            try:
                self.conversation.edit(question_id)
            except AnswerError:
                self.hint("That question no longer applies to your answers.")
                return
            await self.rebuild()
            self.hint("Change the answer, or press Enter to keep it. The conversation then carries on.")

    def action_review(self) -> None:
        from .review import ReviewScreen

        async def chosen(question_id: str | None) -> None:
            if question_id:
                await self.edit(question_id)

        self.app.push_screen(ReviewScreen(self.conversation), chosen)

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "reveal":
            return self.facilitate and not self.revealed
        if action == "scenario":
            return self.example is not None
        if action == "case_answer":
            return self.example is not None and self._asked() is not None
        if action == "why":  # about the question being asked: not while an earlier answer is being chosen
            return not isinstance(self.focused, Transcript)
        return True

    def action_plan(self) -> None:
        from .plan import PlanScreen

        if not self.revealed:
            self.hint("The recommendation is hidden while the room discusses. Press F4 to reveal it first.")
            return
        self.app.push_screen(PlanScreen(self.flow, self.session, self.conversation.plan_meta(),
                                        reveal=self.revealed))

    # the side panel's narrowest (34 columns, app.tcss) and the conversation's beside it: shown by F2 on a
    # narrower screen, the panel kept its width and squeezed the conversation until little but the panel showed
    NARROWEST_WITH_PANEL = 34 + 44

    def action_toggle_panel(self) -> None:
        panel = self.query_one(SidePanel)
        if not panel.display and self.size.width < self.NARROWEST_WITH_PANEL:
            self.notify(f"The side panel needs a window {self.NARROWEST_WITH_PANEL} columns wide, beside the"
                        f" conversation; this one is {self.size.width}. Widen the window to see it.",
                        title="Side panel", markup=False)
            return
        panel.display = not panel.display

    def _panel_fits(self) -> None:
        """A panel shown with F2 goes back to the stylesheet's say (folded on a narrow screen) once the
        window is too narrow for it beside the conversation."""
        panel = self.query_one(SidePanel)
        if self.size.width < self.NARROWEST_WITH_PANEL and panel.styles.has_rule("display"):
            panel.styles.clear_rule("display")

    def _asked(self) -> Question | None:
        """The question the case's answer is for: the one being asked, else the earlier one being chosen."""
        if isinstance(self.focused, Transcript) and self.focused.chosen is not None:
            return self.focused.chosen.question
        return self.conversation.current

    def action_scenario(self) -> None:
        if self.example is None:
            return
        from ..widgets.dialogs import ScenarioDialog

        self.app.push_screen(ScenarioDialog(self.example.title, self.example.scenario, note="", button="Back"))

    def action_case_answer(self) -> None:
        """The case's answer to this question, with why the case gives it: asked for, never offered first."""
        question = self._asked()
        if self.example is None or question is None:
            return
        from ..widgets.dialogs import ScenarioDialog

        reason = self.example.reasons.get(question.id, "")
        self.app.push_screen(ScenarioDialog(
            self.example.title, self.conversation.case_said(question) + (f"\n\n{reason}" if reason else ""),
            note="", button="Back",
            heading=f"The case's answer to question {self.conversation.number(question)}"))

    def action_reveal(self) -> None:
        """F4 asks first: a reveal pressed by accident at question 2 of 8 would spoil the room's discussion."""
        if self.revealed:
            return
        from ..widgets.dialogs import ConfirmDialog

        async def confirmed(yes: bool | None) -> None:
            if yes:
                await self.reveal()

        self.app.push_screen(ConfirmDialog("Show the room the recommendation and the ladder? Once shown, they"
                                           " stay shown.", yes="Reveal", no="Not yet"), confirmed)

    async def reveal(self) -> None:
        self.conversation.revealed = True
        panel = self.query_one(SidePanel)
        panel.display = True
        self.refresh_bindings()
        async with self.changing:
            if self.conversation.current is None:
                await self.rebuild()
            else:
                panel.refresh_panel()
        self.notify("The recommendation is now showing in the side panel.", title="Revealed", markup=False)
