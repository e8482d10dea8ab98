"""Nothing from a file or a person reaches a terminal raw: control characters and bidi overrides are shown."""

from __future__ import annotations


import pytest

from codesign_tui.flow.visible import visible

RAW = ["\x1b", "\x07", "\x9b", "\u202e", "\x00", "\x7f", "\u2066"]


@pytest.mark.parametrize(("text", "shown"), [
    ("\x1b]0;pwned\x07", "^[]0;pwned^G"),
    ("\x9b2J", "\\u009b2J"),
    ("abc\u202edef", "abc\\u202edef"),
    ("nul\x00del\x7f", "nul^@del^?"),
    ("two\nlines\tand a tab", "two^Jlines^Iand a tab"),
    ("plain text, café ✓", "plain text, café ✓"),
    ("hid\u200bden\u2060 words\ufeff", "hid\\u200bden\\u2060 words\\ufeff"),
    ("کتاب\u200cها 👩\u200d💻", "کتاب\u200cها 👩\u200d💻"),  # joiners that scripts and emoji need stay
])
def test_visible_shows_controls_instead_of_sending_them(text, shown):
    assert visible(text) == shown


def test_visible_keeps_what_the_caller_allows():
    assert visible("one\ntwo\tthree\x1b", keep="\n\t") == "one\ntwo\tthree^["


def test_nothing_raw_survives_visible():
    every = "".join(chr(code) for code in range(0x20)) + "".join(chr(c) for c in range(0x7F, 0xA0)) + \
        "\u061c\u200e\u200f\u2028\u2029\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
    shown = visible(every)
    assert not any(char in shown for char in every), repr(shown)


FLOW = '''id: escapes
title: "Escapes \\e]0;pwned\\a"
version: "1"
summary: A flow whose text holds escape sequences.
sections:
  - id: first
    title: "First \\u202e section"
    questions:
      - id: note
        prompt: "Say something \\e[2J\\u009b"
        kind: text
      - id: done
        prompt: Done?
        kind: yes_partly_no_unsure
'''


def test_every_message_the_app_pops_up_is_shown_as_written_not_read_as_markup():
    """Textual reads a notification as markup unless told not to, and a message quoting a folder such as
    "notes [/] 2026" stopped the app with a markup error (tests/app/test_save_plan_app.py). Every call of
    `notify` in the package says `markup=False`, so a message can quote what a person typed or named."""
    import ast
    from pathlib import Path

    package = Path(__file__).resolve().parents[2] / "codesign_tui"
    found, reading_markup = 0, []
    for path in sorted(package.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "notify":
                found += 1
                said = {keyword.arg: keyword.value for keyword in node.keywords}
                if not (isinstance(said.get("markup"), ast.Constant) and said["markup"].value is False):
                    reading_markup.append(f"{path.relative_to(package)}:{node.lineno}")
    assert found > 10  # the search finds the app's messages at all
    assert reading_markup == []
