"""TextBox: a one-line text box whose text never holds a control character, so nothing typed, pasted or put
in it (a saved draft, an answer) can reach the terminal as a command; FieldBox, the same for a register form's
field, wrapping what is typed so that it can be read whole."""

from __future__ import annotations

from textual.widgets.text_area import EditResult, Location
from textual.events import Key, Paste
from textual.message import Message
from textual.widgets import Input, TextArea

from ...flow.visible import visible


class TextBox(Input):
    """Textual's Input, with what comes into it made visible on the way in (`visible`, the one sanitiser the
    rest of the app uses): ESC is kept as the two characters ``^[``, U+202E as ``\\u202e``. An Input draws
    its text as it holds it, so a pasted or saved ``ESC ] 2 ; …`` retitled the terminal (and wrote the
    clipboard with OSC 52) at every blink of the cursor. Cleaned as it comes in rather than as it is drawn,
    what the box shows is what is sent and saved, and the cursor stays where the text is."""

    def replace(self, text: str, start: int, end: int) -> None:
        # every edit passes here: a key typed, a paste, insert_text_at_cursor
        super().replace(visible(text), start, end)

    def validate_value(self, value: str) -> str:
        # and a value put in whole (a draft, an answer given before)
        return visible(value)

    def on_paste(self, event: Paste) -> None:
        # in place of Input's, which kept the first line of a paste and silently dropped the rest
        event.stop()
        event.prevent_default()
        self.paste(event.text)

    def paste(self, text: str) -> None:
        """Put pasted text in at the cursor, whole: lines are joined into one, and the person is told, as
        the box holds one line."""
        lines = [line for line in text.splitlines() if line.strip()]
        joined = " ".join(line.strip() for line in lines) if len(lines) > 1 else "".join(lines)
        selection = self.selection
        if selection.is_empty:
            self.insert_text_at_cursor(joined)
        else:
            self.replace(joined, *selection)
        if len(lines) > 1:
            self.notify(f"The {len(lines):,} lines pasted are joined into one, with a space between each, as"
                        " this box holds one line.", title="Pasted", markup=False)


def _one_line(text: str) -> str:
    """Typed or pasted text for a box that holds one line: line breaks as spaces, controls shown visibly."""
    return visible(" ".join(text.splitlines()) if ("\n" in text or "\r" in text) else text)


class FieldBox(TextArea):
    """A register form's text box that wraps what is typed onto as many lines as it needs (up to a few, then
    it scrolls), so that a long answer such as "What is the interest?" can be read whole while it is typed:
    at 80x24 a one-line box showed only the end of it. It holds one line of text as TextBox does (Enter is
    sent on as the form's next step, line breaks in a paste become spaces, controls are shown visibly), and
    its text is `value`, as an Input's is."""

    DEFAULT_CSS = """
    FieldBox { height: auto; max-height: 4; width: 1fr; padding: 0; }
    """

    class Submitted(Message):
        """Enter in the box: the form moves on, as it does for an Input."""

        def __init__(self, box: FieldBox) -> None:
            super().__init__()
            self.box = box

        @property
        def control(self) -> FieldBox:
            return self.box

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id, soft_wrap=True, compact=True, show_line_numbers=False, tab_behavior="focus",
                         highlight_cursor_line=False)

    @property
    def value(self) -> str:
        return self.text

    @value.setter
    def value(self, value: str) -> None:
        self.load_text(_one_line(str(value)))
        self.move_cursor(self.document.end)

    def insert(self, text: str, location: Location | None = None, *,
               maintain_selection_offset: bool = True) -> EditResult:
        return super().insert(_one_line(text), location, maintain_selection_offset=maintain_selection_offset)

    def replace(self, insert: str, start: Location, end: Location, *,
                maintain_selection_offset: bool = True) -> EditResult:
        # every edit typed or pasted passes here (TextArea's keyboard and paste both replace the selection)
        return super().replace(_one_line(insert), start, end, maintain_selection_offset=maintain_selection_offset)

    def on_key(self, event: Key) -> None:
        if event.key == "enter":  # runs before TextArea's own key handling, which would start a new line
            event.stop()
            event.prevent_default()
            self.post_message(self.Submitted(self))
