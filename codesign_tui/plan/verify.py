"""Checking a plan against the answers it says it was drawn from: the flow it names found by its fingerprint,
the plan drawn again from the answers in the same format, and the parts that carry the decision compared
(the recommendation with what the work calls for, what holds it back, the answers table, and the flow and
answers it names). It shows that a plan follows from these answers under that flow; nothing in it shows who
wrote the answers (there is no signature)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Iterable

from ..records import record

# the parts of a plan that carry the decision, by their headings (any case): the summary at the top of a full
# plan, the recommendation (what the work calls for is said there), what would have to change, and the
# appendix's answers table. A template that renames one of these must rename it here too.
DECIDING = ("summary", "recommendation", "what would have to change", "questions and answers")
FORMATS = ("md", "html", "docx", "json", "text")

_FLOW = re.compile(r"Flow: ([A-Za-z][A-Za-z0-9_-]*), version (\S+?), fingerprint ([0-9a-f]{64})")
_ANSWERS = re.compile(r"Answers: fingerprint ([0-9a-f]{64})")
_JSON_FIELDS = ("flow", "flow_version", "flow_fingerprint", "complete", "recommendation", "calls_for", "supported",
                "held_back_by", "floor", "answers")


class CannotTell(Exception):
    """The plan cannot be checked: unreadable, naming no flow, or a flow that is not kept here."""


@record(frozen=True)
class DrawnFrom:
    flow: str
    version: str
    flow_fingerprint: str
    answers_fingerprint: str | None  # None in a public plan


@record(frozen=True)
class Block:
    level: int  # a heading's level (1 to 6), or 0 for text
    text: str


@record
class Verdict:
    """What verify found: whether the decision-bearing content matches, the first difference, and the first
    difference elsewhere in the plan (which does not stop it matching)."""

    matches: bool
    flow: Any
    how_found: str  # "as it is now", "a copy kept beside the answers", "released version 2.0"
    difference: str = ""
    elsewhere: str = ""
    public: bool = False
    summary: bool = False


# -- reading a plan in each format ---------------------------------------------------------------------------

def guess_format(path: Path, data: bytes) -> str:
    suffix = path.suffix.lower().lstrip(".")
    if suffix in ("md", "markdown"):
        return "md"
    if suffix in ("html", "htm"):
        return "html"
    if suffix == "docx" or data[:2] == b"PK":
        return "docx"
    if suffix == "json" or data.lstrip()[:1] == b"{":
        return "json"
    if suffix in ("txt", "text"):
        return "text"
    head = data[:4096].decode("utf-8", "replace").lstrip().lower()
    if head.startswith("<!doctype html") or head.startswith("<html"):
        return "html"
    return "md"


def _words(text: str) -> str:
    return " ".join(text.split())


def blocks(data: bytes, format: str) -> list[Block]:
    """The plan as headings and blocks of text, in order, whatever its format; markup dropped, spaces
    collapsed, so that two plans drawn the same way read the same."""
    if format == "docx":
        return _docx_blocks(data)
    text = data.decode("utf-8")
    if format == "html":
        return _html_blocks(text)
    if format == "text":
        return _text_blocks(text)
    if format == "json":
        sections = json.loads(text).get("sections") or []
        return _markdown_blocks("\n\n".join(str(s.get("markdown", "")) for s in sections if isinstance(s, dict)))
    return _markdown_blocks(text)


def _markdown_blocks(text: str) -> list[Block]:
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"]).parse(text)
    out: list[Block] = []
    row: list[str] | None = None
    heading = 0
    for token in tokens:
        if token.type == "heading_open":
            heading = int(token.tag[1:])
        elif token.type == "heading_close":
            heading = 0
        elif token.type == "tr_open":
            row = []
        elif token.type == "tr_close" and row is not None:
            out.append(Block(0, " | ".join(row)))
            row = None
        elif token.type == "inline":
            words = _words("".join(c.content if c.type not in ("softbreak", "hardbreak") else " "
                                   for c in token.children or []))
            if row is not None:
                row.append(words)
            else:
                out.append(Block(heading, words))
        elif token.type in ("fence", "code_block"):
            out.append(Block(0, _words(token.content)))
    return out


def _html_blocks(text: str) -> list[Block]:
    from html.parser import HTMLParser

    out: list[Block] = []

    class Reader(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.parts: list[str] = []
            self.cells: list[str] | None = None
            self.level = 0
            self.hidden = 0

        def flush(self) -> None:
            words = _words("".join(self.parts))
            self.parts = []
            if words:
                out.append(Block(self.level, words))

        def handle_starttag(self, tag: str, attrs: Any) -> None:
            if tag in ("style", "script", "title", "head"):
                self.hidden += 1
            elif tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
                self.flush()
                self.level = int(tag[1])
            elif tag in ("p", "li", "pre", "blockquote"):
                self.flush()
            elif tag == "tr":
                self.cells = []
            elif tag in ("td", "th"):
                self.parts = []

        def handle_endtag(self, tag: str) -> None:
            if tag in ("style", "script", "title", "head"):
                self.hidden = max(0, self.hidden - 1)
            elif tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
                self.flush()
                self.level = 0
            elif tag in ("td", "th") and self.cells is not None:
                self.cells.append(_words("".join(self.parts)))
                self.parts = []
            elif tag == "tr" and self.cells is not None:
                out.append(Block(0, " | ".join(self.cells)))
                self.cells = None
            elif tag in ("p", "li", "pre", "blockquote", "ul", "ol"):
                self.flush()

        def handle_data(self, data: str) -> None:
            if not self.hidden:
                self.parts.append(data)

    reader = Reader()
    reader.feed(text)
    reader.close()
    reader.flush()
    return out


def _text_blocks(text: str) -> list[Block]:
    """Plain text as `render --format text` writes it: a heading is underlined with = or - (levels 1 and 2)
    or written in capitals on a line of its own (level 3); every other line is a block."""
    lines = text.split("\n")
    out: list[Block] = []
    index = 0
    while index < len(lines):
        line = lines[index].strip()
        below = lines[index + 1].strip() if index + 1 < len(lines) else ""
        if line and below and set(below) in ({"="}, {"-"}) and len(below) == min(len(line), 80):
            out.append(Block(1 if below[0] == "=" else 2, _words(line)))
            index += 2
            continue
        before = lines[index - 1].strip() if index else ""
        if line and line == line.upper() and any(c.isalpha() for c in line) and not before and not below:
            out.append(Block(3, _words(line)))
        elif line:
            out.append(Block(0, _words(line)))
        index += 1
    return out


def _docx_blocks(data: bytes) -> list[Block]:
    import io

    try:
        import docx
    except ImportError:
        raise CannotTell("reading a Word plan needs python-docx, which is not installed here") from None
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as error:  # noqa: BLE001 - any damaged file: say so, never a traceback
        raise CannotTell(f"it is not a Word document that can be read ({type(error).__name__})") from None
    out: list[Block] = []
    body = document.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraph = Paragraph(child, document)
            words = _words(paragraph.text)
            style = paragraph.style.name if paragraph.style is not None else ""
            level = 1 if style == "Title" else int(style.split()[-1]) + 1 if style.startswith("Heading ") \
                and style.split()[-1].isdigit() else 0
            if words:
                out.append(Block(level, words))
        elif tag == "tbl":
            for row in Table(child, document).rows:
                texts: dict[Any, str] = {}
                for cell in row.cells:  # a merged cell once
                    texts.setdefault(cell._tc, _words(cell.text))
                out.append(Block(0, " | ".join(texts.values())))
    return out


def drawn_from(data: bytes, format: str, plan_blocks: list[Block]) -> DrawnFrom | None:
    """The flow and answers a plan names, from its last lines (or the JSON's `drawn_from`)."""
    if format == "json":
        found = json.loads(data.decode("utf-8")).get("drawn_from")
        if not isinstance(found, dict) or not all(isinstance(found.get(k), str) for k in
                                                  ("flow", "version", "flow_fingerprint")):
            return None
        answers = found.get("answers_fingerprint")
        return DrawnFrom(found["flow"], found["version"], found["flow_fingerprint"],
                         answers if isinstance(answers, str) else None)
    text = " ".join(block.text for block in plan_blocks)
    flows = list(_FLOW.finditer(text))
    if not flows:
        return None
    last = flows[-1]
    answers = list(_ANSWERS.finditer(text, last.end()))
    return DrawnFrom(last.group(1), last.group(2), last.group(3), answers[0].group(1) if answers else None)


# -- comparing -------------------------------------------------------------------------------------------------

def segments(plan_blocks: list[Block]) -> list[tuple[str, list[str]]]:
    """The plan cut at its second- and third-level headings: (heading, its text blocks), in order; the part
    before the first such heading is called ""."""
    out: list[tuple[str, list[str]]] = [("", [])]
    for block in plan_blocks:
        if block.level in (2, 3):
            out.append((block.text, []))
        elif block.level == 0 or block.level > 3:
            out[-1][1].append(block.text)
    return out


def _deciding(name: str) -> bool:
    return name.casefold() in DECIDING


def first_difference(given: list[Block], expected: list[Block]) -> tuple[str, str]:
    """The first difference in the parts that carry the decision, and the first anywhere else ("" for none)."""
    have = segments(given)
    want = segments(expected)
    have_by_name: dict[str, list[str]] = {}
    for name, texts in have:
        have_by_name.setdefault(name.casefold(), texts)
    want_names = {name.casefold() for name, _ in want}
    deciding, elsewhere = "", ""
    for name, texts in want:
        key = name.casefold()
        found = have_by_name.get(key)
        if found is None:
            said = f"the plan has no part headed “{name}”, which these answers give" if name else \
                "the plan's opening differs"
        else:
            said = _compare(name, found, texts)
        if not said:
            continue
        if _deciding(name) and not deciding:
            deciding = said
        elif not _deciding(name) and not elsewhere:
            elsewhere = said
    for name, _ in have:
        if name.casefold() not in want_names and _deciding(name) and not deciding:
            deciding = f"the plan has a part headed “{name}”, which these answers do not give"
    return deciding, elsewhere


def _compare(name: str, found: list[str], wanted: list[str]) -> str:
    where = f"in “{name}”" if name else "at the top"
    for index, (have, want) in enumerate(zip(found, wanted)):
        if have != want:
            return f"{where}, the plan says “{_short(have)}” where these answers give “{_short(want)}”"
    if len(found) > len(wanted):
        return f"{where}, the plan says more: “{_short(found[len(wanted)])}”"
    if len(found) < len(wanted):
        return f"{where}, the plan leaves out “{_short(wanted[len(found)])}”"
    return ""


def _short(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def _json_difference(given: dict[str, Any], expected: dict[str, Any]) -> str:
    for key in _JSON_FIELDS:
        if given.get(key) != expected.get(key):
            return (f"its “{key}” is {json.dumps(given.get(key), ensure_ascii=False)[:160]} where these answers"
                    f" give {json.dumps(expected.get(key), ensure_ascii=False)[:160]}")
    return ""


# -- the whole check --------------------------------------------------------------------------------------------

def verify(plan_path: Path, answers_path: Path, *, flow_file: Path | None = None,
           folders: Iterable[Path] = (), templates: Path | None = None, format: str | None = None) -> Verdict:
    """Draw the plan again from the answers under the flow it names and compare. Raises CannotTell."""
    from ..flow.answers import check_answers, read_answers
    from ..flow.document import Unreadable, read_regular_file, MAX_BYTES
    from ..flow.engine import evaluate
    from ..flow.problems import Problems
    from ..flow.versions import answers_fingerprint, fingerprint
    from .render import TemplateProblem, render

    try:
        data = read_regular_file(plan_path, MAX_BYTES)
    except Unreadable as error:
        raise CannotTell(f"{plan_path}: {error}") from None
    format = format or guess_format(plan_path, data)
    try:
        plan_blocks = blocks(data, format)
        named = drawn_from(data, format, plan_blocks)
    except (UnicodeDecodeError, json.JSONDecodeError, AttributeError):
        raise CannotTell(f"{plan_path}: not a plan in {format} that can be read") from None
    if named is None:
        raise CannotTell(f"{plan_path}: the plan does not say which flow and answers it was drawn from (plans"
                         " written before this check existed do not)")
    flow, how = _find_flow(named, flow_file, folders)
    problems = Problems()
    given = read_answers(answers_path, problems)
    if given is None or problems.errors:
        raise CannotTell(problems.format() or f"{answers_path}: not an answers file")
    if given.flow != flow.id:
        return Verdict(False, flow, how, f"these answers are for the flow {given.flow!r}; the plan was drawn under"
                                         f" {flow.id!r}")
    answers = check_answers(flow, given, problems, partial=True)
    if problems.errors:
        raise CannotTell(f"{answers_path}: its answers do not fit {flow.id} {flow.version}:\n{problems.format()}")
    public = named.answers_fingerprint is None
    summary = format != "json" and not any(s.casefold() == "questions and answers" for s, _ in segments(plan_blocks))
    if format == "json":
        summary = not any(isinstance(s, dict) and str(s.get("title", "")).casefold() == "appendix"
                          for s in json.loads(data.decode("utf-8")).get("sections") or [])
    complete = evaluate(flow, answers).complete
    tries = [not complete, complete]  # drawn as render draws it, then as the app does (answers so far)
    verdict = None
    for so_far in tries:
        result = evaluate(flow, answers, so_far=so_far)
        try:
            expected = render(format, flow, result, given, templates, public=public, summary=summary)
        except TemplateProblem as error:
            raise CannotTell(f"template problem: {error}") from None
        deciding, elsewhere = first_difference(plan_blocks, blocks(expected, format))
        if format == "json" and not deciding:
            deciding = _json_difference(json.loads(data.decode("utf-8")), json.loads(expected.decode("utf-8")))
        if not deciding and named.version != flow.version:
            deciding = f"the plan names version {named.version}, but its fingerprint is that of version {flow.version}"
        if not deciding and not public and named.answers_fingerprint != answers_fingerprint(flow.id, result.answers):
            deciding = ("the plan names other answers: its answers' fingerprint is not that of these answers (they"
                        " differ from those it was drawn from)")
        verdict = Verdict(not deciding, flow, how, deciding, elsewhere, public, summary)
        if verdict.matches:
            return verdict
    assert verdict is not None
    return verdict


def _find_flow(named: DrawnFrom, flow_file: Path | None, folders: Iterable[Path]) -> tuple[Any, str]:
    """The very flow the plan names, by its fingerprint: the flow as it is now, a copy kept beside the answers
    or the saved sessions, or a released version kept beside the flow."""
    from ..flow.loader import load_flow
    from ..flow.problems import FlowError
    from ..flow.versions import fingerprint, kept, released, released_versions
    from ..resources import find_flow

    try:
        current = load_flow(flow_file if flow_file is not None else find_flow(named.flow))
    except LookupError:
        current = None
    except (FlowError, OSError) as error:
        raise CannotTell(f"the flow {named.flow!r} cannot be read: {error}") from None
    if current is not None and current.id != named.flow:
        raise CannotTell(f"the plan was drawn under the flow {named.flow!r}, and the flow given is {current.id!r}")
    if current is not None and fingerprint(current) == named.flow_fingerprint:
        return current, "the flow as it is now"
    found = kept(list(folders), named.flow, named.flow_fingerprint)
    if found is not None:
        return found, "a copy of it kept beside the answers"
    for version in [named.version, *(released_versions(current) if current is not None else [])]:
        old = released(current, version) if current is not None else None
        if old is not None and fingerprint(old) == named.flow_fingerprint:
            return old, f"released version {old.version}, kept beside the flow"
    if current is None:
        raise CannotTell(f"no flow {named.flow!r} is here to draw the plan again; give its file with --flow")
    raise CannotTell(f"the flow the plan names ({named.flow} version {named.version}, fingerprint"
                     f" {named.flow_fingerprint[:12]}…) is not kept here: not the flow as it is now (version"
                     f" {current.version}), a copy beside the answers, nor a released version; the plan was drawn"
                     " under a flow edited since, or its fingerprint was changed")
