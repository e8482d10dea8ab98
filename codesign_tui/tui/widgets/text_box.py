"""TextBox: a one-line text box whose text never holds a control character, so nothing typed, pasted or put
in it (a saved draft, an answer) can reach the terminal as a command."""

from __future__ import annotations

from textual.events import Paste
from textual.widgets import Input

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
                        " this box holds one line.", title="Pasted")
