"""`visible`: text from a file or a person made safe to print on a terminal, its control characters shown.

A terminal obeys what it is sent: ESC starts a sequence that can retitle the window, clear the screen or
move the cursor, a C1 control such as U+009B does the same in one character, and a bidi override (U+202E)
makes the rest of a line read backwards. Anything a flow, an answers file, a saved session or a reply
holds goes through `visible` before it reaches a terminal, so that such characters are shown, never obeyed.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .model import Question

# C0 controls and DEL, C1 controls, the characters that change the direction or the lines of text, and those
# that take no room at all (zero-width space, word joiner, byte-order mark), which can hide words inside a
# reply. The zero-width joiner and non-joiner stay: scripts such as Persian and Urdu, and emoji, need them
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200b\u200e\u200f\u2028\u2029\u202a-\u202e\u2060\u2066-\u2069"
                     "\ufeff]")


def _shown(char: str) -> str:
    code = ord(char)
    if code < 0x20:
        return "^" + chr(code + 64)  # ESC as ^[, NUL as ^@, as terminals and editors show them
    if code == 0x7F:
        return "^?"
    return f"\\u{code:04x}"


_SHOWN = {chr(code): _shown(chr(code)) for code in [*range(0x20), *range(0x7F, 0xA0), 0x061C, 0x200B, 0x200E,
                                                      0x200F, 0x2028, 0x2029, *range(0x202A, 0x202F), 0x2060,
                                                      *range(0x2066, 0x206A), 0xFEFF]}


def visible(text: str, keep: str = "") -> str:
    """`text` with every control character and bidi override written out visibly (ESC as ``^[``, U+202E
    as ``\\u202e``). Characters in `keep` (say "\\n\\t" for a multi-line answer) pass through as they are."""
    if not isinstance(text, str):
        text = str(text)
    if _UNSAFE.search(text) is None:
        return text
    return _UNSAFE.sub(lambda match: match.group() if match.group() in keep else _SHOWN[match.group()], text)


def cut(text: str, width: int) -> str:
    """`text` as it fits `width` characters: whole, or cut with an ellipsis at the end."""
    return text if len(text) <= width else text[:max(width - 1, 0)].rstrip() + "…"


def answer_label(question: Question, value: Any) -> str:
    """An answer as every front end shows it: a question passed over reads "Skipped", and control characters
    are shown rather than obeyed (a saved answer holding ESC ] 0 ; ... would retitle the terminal)."""
    return "Skipped" if value is None else visible(question.label(value), "\n")
