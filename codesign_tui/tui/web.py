"""WholePastesWebDriver: Textual's driver for a browser tab of `codesign serve` (textual-serve names Textual's
WebDriver in TEXTUAL_DRIVER), with pastes split off before its key parser reads them, as tui/terminal.py does for
a terminal. The browser's terminal (xterm.js) sends a paste bracketed, as a terminal does, in the data packets
that the tab's process reads from its standard input."""

from __future__ import annotations

import json
from codecs import getincrementaldecoder

from textual import log
# Textual has no hook for what its parser reads, so the input loop below is Textual's own (textual/drivers/
# web_driver.py, WebDriver.run_input_thread, 8.2) with the paste split in front of the parser. It reads with the
# driver's own reader (the one stop_application_mode closes) and Textual's packet reader; a meta packet goes to
# the public on_meta, as Textual's _on_meta sends it, an "exit" ending the loop.
from textual._xterm_parser import XTermParser
from textual.drivers._byte_stream import ByteStream
from textual.drivers.web_driver import WebDriver

from .pastes import PasteSplitter
from .split_input import read_events


class WholePastesWebDriver(WebDriver):
    """WebDriver whose input loop hands a paste to the app as one Paste event, ESC and line breaks included as
    text, never as keys; and Escape then a digit, read together, as those two keys, not Alt+digit."""

    def run_input_thread(self) -> None:
        input_reader = self._input_reader
        parser = XTermParser()
        pastes = PasteSplitter()
        decode = getincrementaldecoder("utf-8")().decode
        byte_stream = ByteStream()  # the server's packets: "D" what the browser's terminal sent, others meta

        def hand_on(pieces: list[tuple[str, str]]) -> None:
            for event in read_events(pieces, parser):
                self.process_message(event)

        def meta(packet_type: str, payload: bytes) -> bool:
            """Meta information from the server handed on; False when it says the input has ended."""
            found = json.loads(payload)
            kind = found.get("type", {})
            if kind == "exit":
                return False
            if isinstance(kind, str):
                self.on_meta(kind, found)
            else:
                log.error(f"Protocol error: type field value is not a string. Value is {kind!r}")
            return True

        try:
            came = False  # whether anything was read since the reader last waited
            for data in input_reader:
                if data:
                    came = True
                    for packet_type, payload in byte_stream.feed(data):
                        if packet_type == "D":
                            hand_on(pastes.feed(decode(payload)))
                        elif not meta(packet_type, payload):
                            return
                else:
                    # the reader yields nothing after each wait; after a wait in which nothing came, what was
                    # held back in case it began a paste (an Escape key, most likely) goes on as keys
                    if not came:
                        hand_on(pastes.flush())
                    came = False
                for event in parser.tick():
                    self.process_message(event)
        except Exception:
            from traceback import format_exc

            log(format_exc())
        finally:
            input_reader.close()
