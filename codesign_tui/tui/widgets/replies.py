"""Ways to answer: quick replies for a choice, a checklist, and a small form for one record at a time."""

from __future__ import annotations

from typing import Any, Callable

from rich.table import Table
from rich.text import Text
from textual import on
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.events import DescendantFocus, Key, Paste
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Button, Input, OptionList, Select, Static
from textual.widgets.option_list import Option as ListOption

from ...flow.conversation import DONE_WORDS
from ...flow.model import Question
from ...flow.replies import EntryError, read_entry
from ...flow.shown import entry_line
from ...flow.visible import visible
from .text_box import FieldBox, TextBox


def option_prompt(number: int, label: str, explanation: str, box: str = "") -> Table:
    """An option as a list shows it: its number in a column of its own, and its label with the explanation
    under it in the next, so that a line that wraps starts under the words above it, not at the margin.
    `box` ("[✓]" or "[ ]") goes in front, for a checklist."""
    text = Text(visible(label))
    if explanation:
        text.append("\n" + visible(explanation, "\n"), style="dim")
    grid = Table.grid(padding=(0, 1))
    cells: list[Text] = []
    if box:
        grid.add_column(no_wrap=True)
        cells.append(Text(box, style="bold" if "✓" in box else ""))
    grid.add_column(no_wrap=True)
    grid.add_column(ratio=1)
    grid.add_row(*cells, Text(f"{number} ", style="bold"), text)
    return grid


def hand_to_composer(widget: HandsOnTyping, event: Key | None, text: str) -> None:
    """Typing that belongs in the reply box, from a list that had the focus: into the box, and the focus
    with it (a paste, with `event` None, goes in as the box takes a paste). Keys typed quickly can still reach
    the list before the focus has moved; the list marks itself handing over (`widget.handing`) so that they
    follow, numbers included, until it has the focus again. Put straight into the box, not said in a message:
    the keys typed after it, which go to the box once it has the focus, must land after it."""
    composer = widget.composer
    composer.focus()
    if event is None:
        composer.paste(text)
    else:
        composer.insert_text_at_cursor(text)
    widget.handing = True
    if event is not None:
        event.stop()
        event.prevent_default()


class HandsOnTyping:
    """For a list of answers: what is typed or pasted into it is a reply, and goes on to the reply box
    (hand_to_composer); `handing` says it has begun to, until the list has the focus again."""

    handing = False
    composer: TextBox  # the reply box, handed to the list by the screen that builds it

    def on_focus(self) -> None:
        self.handing = False

    def on_paste(self, event: Paste) -> None:
        # pasted text is a typed reply: the reply box reads it whole ("2 and 4")
        hand_to_composer(self, None, event.text)
        event.stop()


class QuickReplies(HandsOnTyping, OptionList):
    """The options of a choice, numbered: press a number (the screen's binding), or move and press Enter,
    or click. One list serves one choice question after another, so the focus stays where it is."""

    class Chosen(Message):
        """An option chosen (Enter or a click), with the question the list was showing when it was: keys
        typed quickly can reach the list after that question was answered, and the screen must not take
        them as an answer to the next one."""

        def __init__(self, question: Question, value: str) -> None:
            super().__init__()
            self.question = question
            self.value = value

    def __init__(self, question: Question, composer: TextBox, current: Any = None,
                 words: Callable[[str], str] = str) -> None:
        super().__init__(id="quick-replies")
        self.composer = composer
        self._offered: list[tuple[str, str, str]] | None = None  # the options as drawn
        self.show(question, current, words)

    def show(self, question: Question, current: Any = None, words: Callable[[str], str] = str) -> None:
        """Offer this question's options, the current answer (if any) highlighted; `words` spells out the
        abbreviations the person meets here for the first time."""
        offered = [(o.value, words(o.label), words(o.explanation)) for o in question.options]
        if offered != self._offered:
            # consecutive questions often offer the same answers (yes, partly, no, not sure): kept as drawn
            self.set_options(ListOption(option_prompt(n, label, explanation), id=value)
                             for n, (value, label, explanation) in enumerate(offered, 1))
            self._offered = offered
        self.question = question
        values = question.values
        self.highlighted = values.index(current) if current in values else 0

    def action_select(self) -> None:
        # what OptionList does for Enter and a click, with the question it was for
        if self.highlighted is not None and self.highlighted < len(self.question.options):
            self.post_message(self.Chosen(self.question, self.question.values[self.highlighted]))

    def on_key(self, event: Key) -> None:
        # Typing a word is a reply too: hand the keystroke to the reply box. Every printable key but a
        # number goes, spaces included, so that a reply typed quickly arrives whole.
        if event.is_printable and event.character and (self.handing or not event.character.isdigit()):
            hand_to_composer(self, event, event.character)


class QuestionButton(Button):
    """A button drawn for one question, such as Done or Skip: a press says which question it was for, as keys
    do (see QuickReplies.Chosen), and a new button is drawn for the next question."""

    def __init__(self, label: str, question: Question, **kwargs: Any) -> None:
        super().__init__(label, **kwargs)
        self.question = question


class Composer(TextBox):
    """The reply box. A lone number typed into it answers a choice straight away, as in the list above.

    What it sends says which question was on screen when the key was handled (`question`, which the screen
    sets as it shows a question's way of answering): keys typed faster than the screen changes may be handled
    here after that question was answered. `choices` is the list of answers shown above it, if any, set by
    the screen too: the arrows move in it, and numbers tick a checklist's options."""

    question: Question | None = None
    choices: QuickReplies | Checklist | None = None

    class Picked(Message):
        def __init__(self, number: int, question: Question | None) -> None:
            super().__init__()
            self.number = number
            self.question = question

    class Sent(Input.Submitted):
        """Enter in the reply box: what was typed, and the question it was typed for."""

        def __init__(self, input: Input, value: str, question: Question | None) -> None:
            super().__init__(input, value)
            self.question = question

    async def action_submit(self) -> None:
        self.post_message(self.Sent(self, self.value, self.question))
        # emptied at once, so that keys typed after Enter start the next reply rather than run on from this
        # one; the screen puts a reply it does not take back (ConversationScreen.put_back)
        self.value = ""

    async def on_key(self, event: Key) -> None:
        # runs before Input's own key handling (the class nearest in line first); a key taken here stops it,
        # any other goes on to Input as it is
        if event.key in ("up", "down") and not self.value:
            # the arrows choose among the answers above, wherever the typing cursor is
            options = self.choices
            if options is not None:
                event.stop()
                event.prevent_default()
                options.focus()
                options.action_cursor_down() if event.key == "down" else options.action_cursor_up()
                return
        if event.key == "enter":
            # sent here, in turn with the keys before and after it: as a binding, Enter would be run only once
            # it had passed up to the app, after the keys typed behind it were already in the box
            event.stop()
            event.prevent_default()
            await self.action_submit()
            return
        question = self.question
        if (not self.value and event.character and event.character in "123456789" and question is not None
                and question.kind in ("single", "yes_partly_no_unsure")):
            event.stop()
            event.prevent_default()
            self.post_message(self.Picked(int(event.character), question))
            return
        if (event.character and event.character.isdigit() and question is not None and question.kind == "multiple"
                and not any(c.isalpha() for c in self.value)):
            # a number ticks, wherever the focus was left (the reply box, after a list answered in words):
            # only a reply with a word already in it ("2 and 4") takes numbers as typing
            found = self.choices
            if isinstance(found, Checklist) and found.tick_number(event.character):
                event.stop()
                event.prevent_default()
                found.focus()
                return


class Checklist(HandsOnTyping, OptionList):
    """The options of a multiple choice, each with a box that shows "[✓]" when ticked and "[ ]" when not
    (in words, not colour alone). Space, an option's number or a click ticks; Enter finishes. Built on
    an option list rather than Textual's selection list, whose long options are cut short."""

    BINDINGS = [
        Binding("space", "tick", "Tick", tooltip="Tick or untick the highlighted option"),
        Binding("enter", "finish", "Done", tooltip="Answer with the ticked options"),
    ]

    class Finished(Message):
        def __init__(self, values: list[str], question: Question) -> None:
            super().__init__()
            self.values = values
            self.question = question  # the question ticked for (see QuickReplies.Chosen)

    def __init__(self, question: Question, composer: TextBox, current: list[str] | None = None,
                 words: Callable[[str], str] = str) -> None:
        super().__init__(id="checklist")
        self.composer = composer
        self.show(question, current, words)

    def show(self, question: Question, current: list[str] | None = None, words: Callable[[str], str] = str) -> None:
        """Offer this question's options, those in the current answer (if any) ticked; `words` spells out
        the abbreviations the person meets here for the first time."""
        self.question = question
        self._ticked = set(current or []) & set(question.values)
        # a list of numbers being typed here ("2, 5 "), and the options it ticked, until a key ends it
        self._typed = ""
        self._typed_ticks: list[str] = []
        self.handing = False
        # each option's words as first shown, kept so that ticking it redraws the same words
        self.shown_words = [(words(o.label), words(o.explanation)) for o in question.options]
        self.set_options(ListOption(self._prompt(n, o), id=o.value) for n, o in enumerate(question.options, 1))
        self.highlighted = 0

    @property
    def selected(self) -> list[str]:
        """The ticked values, in the flow's order."""
        return [value for value in self.question.values if value in self._ticked]

    def _prompt(self, number: int, option: Any) -> Table:
        return option_prompt(number, *self.shown_words[number - 1], box="[✓]" if option.value in self._ticked else "[ ]")

    def toggle(self, value: str) -> None:
        self._ticked ^= {value}
        index = self.question.values.index(value)
        self.replace_option_prompt_at_index(index, self._prompt(index + 1, self.question.options[index]))

    def tick_number(self, character: str, typed: str = "", ticks: list[str] | None = None) -> bool:
        """Tick (or untick) the option with this number, as part of a list of numbers being typed; False
        when the character is not an option's number."""
        if not (character.isdigit() and 1 <= int(character) <= self.option_count):
            return False
        self.highlighted = int(character) - 1
        value = self.question.values[int(character) - 1]
        self.toggle(value)
        self._typed, self._typed_ticks = typed + character, [*(ticks or []), value]
        return True

    def action_tick(self) -> None:
        if self.highlighted is not None:
            self.toggle(self.question.values[self.highlighted])

    def action_finish(self) -> None:
        self.post_message(self.Finished(self.selected, self.question))

    def action_select(self) -> None:
        # what OptionList does for a click on an option: here, a click ticks it
        self.action_tick()

    def on_key(self, event: Key) -> None:
        character = event.character or ""
        # numbers typed as a list ("1, 2" or "1 2") tick each: the comma and the space between them are part
        # of the list, not a tick of the highlighted option (which unticked the number just ticked)
        if self.handing and event.is_printable and character:  # typed on before the focus has moved
            hand_to_composer(self, event, character)
            return
        typed, self._typed = self._typed, ""
        ticks, self._typed_ticks = self._typed_ticks, []
        if self.tick_number(character, typed, ticks):
            event.stop()
            event.prevent_default()
        elif character == "," or (character == " " and typed):
            self._typed, self._typed_ticks = typed + character, ticks
            event.stop()
            event.prevent_default()
        elif character.isalpha() or (character == " " and self.composer.value):
            # a word being typed goes to the reply box; a space on its own still ticks an option. A word in
            # the middle of a list of numbers ("2, 5 and 6") takes the list with it: the reply box reads the
            # whole of it, and the boxes the numbers ticked are unticked, so the reply is in one place
            for value in reversed(ticks):
                self.toggle(value)
            hand_to_composer(self, event, typed + character)



class RecordForm(Vertical):
    """One record at a time, such as one declared interest, with "add another" and "done"."""

    class Done(Message):
        def __init__(self, records: list[dict[str, Any]], question: Question) -> None:
            super().__init__()
            self.records = records
            self.question = question  # the question recorded for (see QuickReplies.Chosen)

    def __init__(self, question: Question, current: list[dict[str, Any]] | None = None,
                 entry: dict[str, Any] | None = None, words: Callable[[str], str] = str) -> None:
        super().__init__(id="record-form")
        self.question = question
        self.words = words  # the flow's words as shown, abbreviations spelt out the first time
        self.records: list[dict[str, Any]] = list(current or [])
        self.entry = dict(entry or {})  # a half-filled entry from a draft, put back in the fields

    def first_box(self) -> Widget | None:
        """The first box to type in, where the focus goes as the form is shown and after each entry."""
        boxes = self.query("#record-fields Input, #record-fields FieldBox")
        return boxes.first() if boxes else None

    def on_descendant_focus(self, event: DescendantFocus) -> None:
        # at the first box, its label in view too, not only the box (on a narrow screen the label is above it)
        first = self.query("#record-fields Input, #record-fields FieldBox, #record-fields Select").first()
        if event.widget is first:
            self.call_after_refresh(self.query_one("#record-fields", VerticalScroll).scroll_home, animate=False)

    def on_mount(self) -> None:
        for spec in self.question.fields:
            value = self.entry.get(spec.id)
            if value in (None, ""):
                continue
            widget = self.query_one(f"#field-{spec.id}")
            if isinstance(widget, Select):
                if any(o.value == value for o in spec.options):
                    widget.value = value
            elif isinstance(widget, (Input, FieldBox)):
                widget.value = str(value)

    def draft(self) -> dict[str, Any]:
        """What is typed and not yet sent: entries added but not finished with Done, and the entry being
        filled in."""
        draft: dict[str, Any] = {}
        if self.records:
            draft["records"] = list(self.records)
        entry = self._values()
        if entry:
            draft["entry"] = entry
        return draft

    def compose(self):
        words = self.words
        yield Static(self._summary(), id="record-summary", markup=False)
        with VerticalScroll(id="record-fields"):
            for spec in self.question.fields:
                label = words(spec.prompt) + ("" if spec.required else " (optional)")
                # the label beside its box on a wide screen and above it on a narrow one; what a choice means
                # goes under the box itself, never in the labels' column
                with Horizontal(classes="field-row"):
                    yield Static(visible(label), classes="field-label", markup=False)
                    with Vertical(classes="field-box"):
                        if spec.options:
                            yield Select([(visible(words(o.label)), o.value) for o in spec.options],
                                         id=f"field-{spec.id}", prompt="Choose…", allow_blank=True, compact=True)
                        elif spec.kind == "date":
                            yield TextBox(placeholder="for example 31/03/2026", id=f"field-{spec.id}", compact=True,
                                          select_on_focus=False)
                        else:  # wraps what is typed, so that a long answer can be read as it is typed
                            yield FieldBox(id=f"field-{spec.id}")
                        if any(o.explanation for o in spec.options):
                            # what the choice means, under it once made: a bare label can mislead
                            yield Static("", id=f"explain-{spec.id}", classes="field-explanation", markup=False)
        yield Static("", id="record-error", markup=False)
        with Horizontal(classes="buttons"):
            yield Button("Add this one", id="record-add", variant="primary", compact=True)
            yield Button(self._done_label(), id="record-done", compact=True)
            yield Button("Remove the last", id="record-remove", disabled=not self.records, compact=True)

    def _summary(self) -> str:
        if not self.records:
            return "Nothing recorded yet. Fill in the form and add each one, then choose Done (or type done)."
        lines = [f"{n}. {entry_line(self.question, record)}" for n, record in enumerate(self.records, 1)]
        if len(lines) > 3:  # the latest ones; the count says how many in all
            lines = ["…", *lines[-2:]]
        return f"Recorded so far ({len(self.records)}):\n" + "\n".join(visible(line) for line in lines)

    def _done_label(self) -> str:
        filling = any(self._values().values()) if self.is_mounted else bool(self.entry)
        if filling:
            return "Add it and finish"  # Done adds the entry being filled in first
        return f"Done ({len(self.records)} recorded)" if self.records else "Done: none to record"

    def _values(self) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for spec in self.question.fields:
            widget = self.query_one(f"#field-{spec.id}")
            if isinstance(widget, Select):
                if widget.value is not Select.NULL:
                    values[spec.id] = widget.value
            elif isinstance(widget, (Input, FieldBox)) and widget.value.strip():
                values[spec.id] = widget.value.strip()
        return values

    def _refresh(self) -> None:
        self.query_one("#record-summary", Static).update(self._summary())
        self.query_one("#record-done", Button).label = self._done_label()
        self.query_one("#record-remove", Button).disabled = not self.records

    def add(self, finishing: bool = False) -> bool:
        """Add the entry filled in; False, with what it still needs said under the form, when it cannot be.
        `finishing`: on the way to Done, so the message also says how to finish without it."""
        values = self._values()
        error = self.query_one("#record-error", Static)
        then = (" Fill in what it needs and choose Done again, or empty the boxes to finish without this entry."
                if finishing else "")
        try:
            record = read_entry(self.question, values, len(self.records) + 1, blank=True) or {}
        except EntryError as problem:
            missing = [spec.short or spec.prompt for spec in problem.missing]
            error.update(visible("Not added yet. Still to fill in: " + "; ".join(missing) + "." + then if missing
                                 else f"Not added yet: {problem}.{then}"))
            return False
        self.records.append(record)
        error.update("")
        for widget in self.query("#record-fields Input, #record-fields FieldBox"):
            widget.value = ""  # type: ignore[attr-defined]
        for select in self.query(Select):
            select.clear()
        self._refresh()
        first = self.first_box()
        if first is not None:
            first.focus()
        return True

    def finish(self) -> None:
        """Done: a record filled in but not yet added is added first, so nothing typed is lost."""
        if any(self._values().values()) and not self.add(finishing=True):
            return
        self.post_message(self.Done(list(self.records), self.question))

    @on(Select.Changed)
    def _explain_choice(self, event: Select.Changed) -> None:
        spec = next((f for f in self.question.fields if f"field-{f.id}" == event.select.id), None)
        if spec is None:
            return
        shown = self.query(f"#explain-{spec.id}").only_one(Static) if self.query(f"#explain-{spec.id}") else None
        if shown is not None:
            option = spec.option(str(event.value)) if event.value is not Select.NULL else None
            shown.update(visible(self.words(option.explanation)) if option and option.explanation else "")
            shown.display = bool(option and option.explanation)

    @on(Button.Pressed, "#record-add")
    def _add_pressed(self) -> None:
        self.add()

    @on(Input.Submitted)
    @on(FieldBox.Submitted)
    def _field_submitted(self, event: Input.Submitted | FieldBox.Submitted) -> None:
        event.stop()
        box = event.input if isinstance(event, Input.Submitted) else event.box
        said = box.value.strip().casefold()
        field_id = (box.id or "").removeprefix("field-")
        spec = self.question.field(field_id)
        # "done" means no more to add, as the hints say: typed into an otherwise empty form, or into a date
        # (which it cannot be). An entry filled in above it is added first, or the form says what it still needs.
        alone = list(self._values()) == [field_id]
        if said in DONE_WORDS and (alone or (spec is not None and spec.kind == "date")):
            box.value = ""
            self.finish()
            return
        # Enter moves on through the form, choices included (a choice after the last text box, such as
        # consent to publish, must not be passed over); on the form's last field it adds the record
        fields = [w for w in self.query("#record-fields *") if isinstance(w, (Input, FieldBox, Select))]
        if box is fields[-1]:
            self.add()
        else:
            self.screen.focus_next()

    @on(Input.Changed)
    @on(FieldBox.Changed)
    @on(Select.Changed)
    def _typed(self, event: Message) -> None:
        self.query_one("#record-done", Button).label = self._done_label()
        if isinstance(event, FieldBox.Changed) and event.text_area.has_focus:
            # a box that grew as its text wrapped: all of it in view, not only its first line
            self.call_after_refresh(event.text_area.scroll_visible, animate=False)

    @on(Button.Pressed, "#record-remove")
    def _remove_pressed(self) -> None:
        """Removing an entry is asked first, the safe answer focused: it is one Tab and Enter away."""
        if not self.records:
            return
        from .dialogs import ConfirmDialog

        def removed(sure: bool | None) -> None:
            if sure and self.records:
                self.records.pop()
                self._refresh()

        last = visible(entry_line(self.question, self.records[-1]))
        self.app.push_screen(ConfirmDialog(f"Remove the last entry ({last})?", yes="Remove it", no="Keep it"),
                             removed)

    @on(Button.Pressed, "#record-done")
    def _done_pressed(self) -> None:
        self.finish()
