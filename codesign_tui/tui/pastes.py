"""PasteSplitter: what a terminal sends, split into the keys typed and the text pasted (bracketed paste), so that a
paste reaches the app whole, as text, whatever it holds."""

from __future__ import annotations

import re

PASTE_START = "\x1b[200~"
PASTE_END = "\x1b[201~"


# Escape pressed and then a digit, read together: Textual's parser takes them as one key, Alt+digit, and types the
# character macOS gives Option+digit (ESC 1 is "¡", ESC 2 "™"), which went into the reply and its draft
_ESCAPES_BEFORE_A_DIGIT = re.compile("(\x1b+)(?=[0-9])")


def _keys(text: str) -> list[tuple[str, str]]:
    """Keys for the parser, with each Escape that comes just before a digit an Escape of its own."""
    pieces: list[tuple[str, str]] = []
    for number, part in enumerate(_ESCAPES_BEFORE_A_DIGIT.split(text)):
        if number % 2:
            pieces.extend(("escape", "") for _ in part)
        elif part:
            pieces.append(("keys", part))
    return pieces


def _held_back(text: str, marker: str) -> int:
    """How many characters at the end of `text` could be the start of `marker`, cut by the end of a read."""
    for size in range(min(len(marker) - 1, len(text)), 0, -1):
        if marker.startswith(text[-size:]):
            return size
    return 0


class PasteSplitter:
    """Reads what the terminal sends, a piece at a time, and hands back ("keys", text), ("paste", text) and
    ("escape", "") in the order they came. Textual's own parser takes a paste in as it reads keys, so an ESC
    inside one began an escape sequence there: what followed it (up to 32 characters, or the paste's end) came
    out as keystrokes, Enter among them, which answered the question with the paste's own line breaks. Split off
    before the parser, a paste is never read as keys, and an ESC in it is text (the box it goes into shows it
    visibly, as ^[). An Escape followed at once by a digit is an Escape and the digit (see _keys).

    A read can end part-way through a paste's start or end marker: those characters wait for the next read
    (`feed`), or for `flush` when nothing more comes, so that an Escape key pressed on its own still goes."""

    def __init__(self) -> None:
        self.pasting = False
        self._pasted: list[str] = []
        self._held = ""

    @property
    def holding(self) -> bool:
        """Characters wait that may be the start of a paste's start marker."""
        return bool(self._held) and not self.pasting

    def feed(self, data: str) -> list[tuple[str, str]]:
        """The keys and pastes that `data`, read after what came before, completes."""
        pieces: list[tuple[str, str]] = []
        text, self._held = self._held + data, ""
        while text:
            marker = PASTE_END if self.pasting else PASTE_START
            found = text.find(marker)
            if found == -1:
                held = _held_back(text, marker)
                text, self._held = text[:len(text) - held], text[len(text) - held:]
                if self.pasting:
                    self._pasted.append(text)
                else:
                    pieces.extend(_keys(text))
                break
            if self.pasting:
                self._pasted.append(text[:found])
                # NUL taken out as Textual's parser does (a NUL in a paste stops some widgets short)
                pieces.append(("paste", "".join(self._pasted).replace("\x00", "")))
                self._pasted.clear()
            else:
                pieces.extend(_keys(text[:found]))
            self.pasting = not self.pasting
            text = text[found + len(marker):]
        return pieces

    def flush(self) -> list[tuple[str, str]]:
        """Nothing more came: characters held back in case they began a paste were keys (an Escape, which
        goes as one at once: the parser would wait again to see whether a key followed it)."""
        if not self.holding:
            return []
        held, self._held = self._held, ""
        return [("escape", "")] if held == "\x1b" else _keys(held)
