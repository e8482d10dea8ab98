"""Making text safe where it lands in a plan: Markdown paragraphs and table cells, link targets, anchors,
Mermaid labels and YAML front matter."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any
from urllib.parse import quote, urlsplit


# Every ASCII punctuation character that can start or end inline markup in CommonMark or GitHub's
# extensions ($ is GitHub's maths, ~ its strikethrough) gets a backslash, which always makes it literal;
# control characters go.
_ESCAPES = {ord(c): "\\" + c for c in "\\`*_[]<>|~&$"}
_ESCAPES.update({c: None for c in (*range(0x00, 0x09), 0x0b, 0x0c, *range(0x0e, 0x20), 0x7f)})
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_ORDERED = re.compile(r"^(\d{1,9})([.)])(?=\s|$)")
_BLOCK_START = re.compile(r"^([-+=#])(?=[\s#=+-]|$)")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_STARTS = frozenset("-+=#0123456789")


def md(text: Any) -> str:
    """User or flow text made safe inside a Markdown paragraph, list item or table cell: on one line,
    with every character that could start markup escaped, so it cannot change the document's shape."""
    if text is None:
        return ""
    return md_text(text if type(text) is str else str(text))


@lru_cache(maxsize=4096)  # a flow's own text comes back in every plan rendered from it
def md_text(text: str) -> str:
    """`md` of a str (what compiled templates of ours call straight away when they have one)."""
    escaped = " ".join(text.translate(_ESCAPES).split())
    if escaped and escaped[0] in _STARTS:
        # what would start a heading, list, rule or quote at the start of a line or of a list item
        escaped = _BLOCK_START.sub(r"\\\1", _ORDERED.sub(r"\1\\\2", escaped))
    return escaped


def paragraphs(text: Any) -> list[str]:
    """Free text split where its writer left a blank line, each part made safe with `md`."""
    if text is None:
        return []
    parts = _BLANK_LINE.split(str(text).replace("\r\n", "\n").replace("\r", "\n"))
    return [escaped for escaped in (md(part) for part in parts) if escaped]


def url(target: Any) -> str:
    """A link target that is a plain web address, percent-encoded so it cannot end the link early;
    anything else (javascript:, data:, a relative path) gives "" and the caller shows no link."""
    return _url(str(target or "").strip())


@lru_cache(maxsize=1024)  # a flow's sources and reading come back in every plan rendered from it
def _url(text: str) -> str:
    try:
        parts = urlsplit(text)
    except ValueError:
        return ""
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return ""
    return quote(text, safe="/:?#[]@!$&'*+,;=%-._~")


_SLUG_DROP = re.compile(r"[^\w\- ]", re.UNICODE)


def anchor(title: Any) -> str:
    """The anchor GitHub, GitLab and most static-site tools give a heading with this text."""
    return _anchor(str(title))


@lru_cache(maxsize=1024)  # a flow's section titles come back in every plan rendered from it
def _anchor(title: str) -> str:
    return _SLUG_DROP.sub("", title.strip().lower()).replace(" ", "-")


_MERMAID = {'"': "#quot;", "#": "#35;", "<": "#lt;", ">": "#gt;", "&": "#amp;", "`": "#96;",
            "[": "#91;", "]": "#93;", "{": "#123;", "}": "#125;", "|": "#124;"}
_MERMAID_SPECIAL = re.compile("[" + re.escape("".join(_MERMAID)) + "]")


def mermaid(text: Any) -> str:
    """Text for a quoted Mermaid node label: one line, and no character Mermaid reads as syntax."""
    return _mermaid(str(text or ""))


@lru_cache(maxsize=1024)  # the sections of the path taken: a flow's own titles
def _mermaid(text: str) -> str:
    flat = " ".join(_CONTROL.sub("", str(text or "")).split())
    return _MERMAID_SPECIAL.sub(lambda m: _MERMAID[m.group()], flat)


_LABEL = re.compile(r'\["((?:[^"\\]|\\.)*)"\]')
_ENTITY = re.compile(r"#(\d+|quot|lt|gt|amp);")
_NAMED = {"quot": '"', "lt": "<", "gt": ">", "amp": "&"}


def mermaid_steps(code: str) -> list[str]:
    """The labels of a Mermaid flowchart's nodes, in the order written: the path in plain words, for
    readers (a printed page, Word) that cannot draw the chart."""
    def unescape(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in _NAMED:
            return _NAMED[name]
        # a number past Unicode's last character (#1114112;), or a long run of digits, is no character
        return chr(int(name)) if len(name) <= 7 and int(name) <= 0x10FFFF else "\ufffd"
    return [_ENTITY.sub(unescape, label) for label in _LABEL.findall(code)]


def yaml_string(text: Any) -> str:
    """A YAML scalar that reads back as exactly this string (a JSON string is valid YAML)."""
    return json.dumps("" if text is None else str(text), ensure_ascii=False)
