"""WholePastesDriver: Textual's driver for a POSIX terminal, with pastes split off before its key parser reads them
(see PasteSplitter). Imported only where Textual picked that driver: it needs the terminal modules POSIX has."""

from __future__ import annotations

import os
import selectors
from codecs import getincrementaldecoder

from textual import constants
# Textual has no hook for what its parser reads, so the driver's input loop below is Textual's own
# (textual/drivers/linux_driver.py, LinuxDriver.run_input_thread, 8.2) with the paste split in front of the
# parser; the parser itself is used as it is. Upstream, the parser's bracketed-paste branch reads an ESC in a
# paste as the start of a key sequence (textual/_xterm_parser.py, XTermParser.parse: the characters after an
# ESC are gathered into `sequence`, not the paste buffer, and reissued as keys after 32 characters or at the
# paste's end marker).
from textual._xterm_parser import XTermParser
from textual.drivers.linux_driver import LinuxDriver

from .pastes import PasteSplitter
from .split_input import read_events


class WholePastesDriver(LinuxDriver):
    """LinuxDriver whose input loop hands a paste to the app as one Paste event, ESC and line breaks included
    as text, never as keys; and Escape then a digit, read together, as those two keys, not Alt+digit."""

    def run_input_thread(self) -> None:
        selector = selectors.SelectSelector()
        selector.register(self.fileno, selectors.EVENT_READ)
        parser = XTermParser()
        pastes = PasteSplitter()
        decode = getincrementaldecoder("utf-8")().decode

        def hand_on(pieces: list[tuple[str, str]]) -> None:
            for event in read_events(pieces, parser):
                self.process_message(event)

        def read(ready: list[tuple[selectors.SelectorKey, int]], final: bool = False) -> None:
            for index, (_key, mask) in enumerate(ready):
                if mask & selectors.EVENT_READ:
                    data = decode(os.read(self.fileno, 1024 * 4), final=final and index == len(ready) - 1)
                    if not data:
                        break  # stdin is a pipe that has ended
                    hand_on(pastes.feed(data))
            if not ready:
                # a read that ended part-way into what might have been a paste's start: nothing followed
                hand_on(pastes.flush())
            for event in parser.tick():
                self.process_message(event)

        try:
            while not self.exit_event.is_set():
                # waiting on held-back characters (an Escape key, most likely) no longer than the parser would
                read(selector.select(constants.ESCAPE_DELAY / 2 if pastes.holding else 0.1))
            selector.unregister(self.fileno)
            read(selector.select(0.1), final=True)
        finally:
            selector.close()
            try:
                for _event in parser.feed(""):
                    pass
            except Exception:  # the parser's end-of-input error, which Textual's loop ignores too
                pass
