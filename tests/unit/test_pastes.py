"""PasteSplitter: a terminal's input split into keys and whole pastes, however the reads cut it."""

from __future__ import annotations

import pytest

from codesign_tui.tui.pastes import PasteSplitter

PASTE = "\x1b[200~Summary of work\x1b[31m red\r2\r\rTAIL\r\x1b[201~"


def split(*reads: str) -> list[tuple[str, str]]:
    splitter = PasteSplitter()
    pieces = [piece for data in reads for piece in splitter.feed(data)]
    return pieces + splitter.flush()


def joined(pieces: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Pieces of one kind in a row taken together (how reads cut the keys does not matter to the parser)."""
    out: list[tuple[str, str]] = []
    for kind, text in pieces:
        if out and out[-1][0] == kind == "keys":
            out[-1] = (kind, out[-1][1] + text)
        else:
            out.append((kind, text))
    return out


def test_an_esc_inside_a_paste_is_text_and_so_are_its_line_breaks():
    assert split("ab" + PASTE + "\x11") == [
        ("keys", "ab"), ("paste", "Summary of work\x1b[31m red\r2\r\rTAIL\r"), ("keys", "\x11")]


@pytest.mark.parametrize("cut", range(1, len("ab" + PASTE + "cd")))
def test_a_read_cut_anywhere_gives_the_same_pieces(cut):
    whole = "ab" + PASTE + "cd"
    assert joined(split(whole[:cut], whole[cut:])) == [
        ("keys", "ab"), ("paste", "Summary of work\x1b[31m red\r2\r\rTAIL\r"), ("keys", "cd")]


def test_one_character_a_read():
    assert joined(split(*("x" + PASTE))) == [("keys", "x"), ("paste", "Summary of work\x1b[31m red\r2\r\rTAIL\r")]


def test_an_escape_key_on_its_own_waits_only_until_nothing_more_comes():
    splitter = PasteSplitter()
    assert splitter.feed("\x1b") == []  # it may be the start of a paste
    assert splitter.holding
    assert splitter.flush() == [("escape", "")]
    assert not splitter.holding


def test_keys_that_only_look_like_a_paste_start_go_on_as_keys():
    assert joined(split("\x1b[2", "0A", "\x1b[A")) == [("keys", "\x1b[20A\x1b[A")]


def test_nul_is_taken_out_of_a_paste_and_an_empty_paste_is_a_paste():
    assert split("\x1b[200~a\x00b\x1b[201~\x1b[200~\x1b[201~") == [("paste", "ab"), ("paste", "")]


def test_a_paste_not_yet_ended_is_kept_for_the_next_read():
    splitter = PasteSplitter()
    assert splitter.feed("\x1b[200~one\x1b") == []
    assert splitter.flush() == []  # not keys: still inside the paste
    assert splitter.feed("\x1b[201~") == [("paste", "one\x1b")]


@pytest.mark.parametrize("reads, keys", [
    (("x\x1b1\x1b2\x1b3",), "x<esc>1<esc>2<esc>3"),
    (("x\x1b", "1\x1b", "2\x1b", "3"), "x<esc>1<esc>2<esc>3"),
    (("x\x1b\x1b1\x1b", "2\x1b3"), "x<esc><esc>1<esc>2<esc>3"),
])
def test_escape_then_a_digit_read_together_is_escape_and_the_digit_not_alt_digit(reads, keys):
    """From a flood: Escape then 1 in one read came out of Textual's parser as Alt+1, which it types as "¡"."""
    assert "".join(text if kind == "keys" else "<esc>" for kind, text in split(*reads)) == keys


def test_other_escape_sequences_still_go_to_the_parser_whole():
    assert joined(split("\x1b[A\x1bOP\x1b[1;5C")) == [("keys", "\x1b[A\x1bOP\x1b[1;5C")]
