"""What a driver reads, split by PasteSplitter (tui/pastes.py) and handed to the app as Textual's events: the one
step shared by the terminal's driver (tui/terminal.py) and the browser tabs' (tui/web.py)."""

from __future__ import annotations

from typing import Iterable, Iterator

from textual import events
from textual.message import Message
# Textual's own key parser (private module; see tui/terminal.py for why a paste is split off before it)
from textual._xterm_parser import XTermParser


def read_events(pieces: Iterable[tuple[str, str]], parser: XTermParser) -> Iterator[Message]:
    """The events for PasteSplitter's pieces: a paste as one Paste event, ESC and line breaks included as
    text; an Escape that came just before a digit as an Escape key of its own; other keys through the parser."""
    for kind, text in pieces:
        if kind == "paste":
            yield events.Paste(text)
        elif kind == "escape":
            yield events.Key("escape", "\x1b")
        else:
            yield from parser.feed(text)
