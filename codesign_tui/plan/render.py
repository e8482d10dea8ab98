"""Rendering a result into a plan: Markdown through Jinja2 templates (a person's own in the sandbox of
plan/sandbox.py), and HTML and JSON from it."""

from __future__ import annotations

import contextvars
import functools
import json
import os
import re
from json.encoder import encode_basestring as _json_string
from pathlib import Path
from typing import Any, Callable

from jinja2 import (BaseLoader, ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, TemplateError,
                    TemplateNotFound, TemplateSyntaxError, nodes, select_autoescape)
from jinja2.compiler import CodeGenerator, Frame
from jinja2.exceptions import SecurityError, UndefinedError
from jinja2.filters import FILTERS as _JINJA_FILTERS
from jinja2.loaders import split_template_path
from jinja2.visitor import NodeTransformer

from ..flow.answers import AnswersFile
from ..flow.dates import long_date
from ..flow.document import Unreadable, read_regular_file
from ..flow.engine import Result
from ..flow.model import Flow
from ..flow.terms import join_words
from ..flow.visible import visible
from . import escape
from .context import build

MAIN = "plan.md.j2"
SUMMARY = "summary.md.j2"  # the one-page summary, which stands alone
PAGE = "plan.html.j2"
FORMATS = ("md", "html", "docx", "json", "text")


class TemplateProblem(TemplateError):
    """A template that cannot be read or rendered; the message names the template, line and cause.
    A TemplateError, so that callers catching Jinja's errors catch it too."""


def render_markdown(flow: Flow, result: Result, meta: AnswersFile | None = None, templates: Path | None = None,
                    *, public: bool = False, front_matter: bool = False, narrow: bool = False,
                    on_screen: bool = False, summary: bool = False, comparison: Any = None,
                    document: str | None = None) -> str:
    """The plan as CommonMark with GitHub tables, one line per paragraph. `on_screen` is for the app's
    viewer, which shows a Mermaid chart as its code: the path taken is a line of text instead. `narrow`
    is for a small screen: wide tables (the levels, the register) become lists. `summary`: the
    one-page summary instead of the whole plan."""
    data = _build(flow, result, meta, public, comparison, document, engine=templates is not None)
    data["narrow"], data["on_screen"] = narrow, on_screen
    return _markdown(data, templates, front_matter, summary)


def _build(flow: Flow, result: Result, meta: AnswersFile | None, public: bool, comparison: Any,
           document: str | None = None, engine: bool = True) -> dict[str, Any]:
    """The templates' context; with other voices' answers (`render --with`), what they change; for a
    `document` other than the plan (`conflicts-assessment`), what it is made from. `engine` False: without the
    engine's result as plain data (`result`), for our own templates, which never read it."""
    data = build(flow, result, meta, public=public, engine=engine)
    data["document"] = document
    if document is not None:
        from .record import conflicts_record

        data["record"] = conflicts_record(flow, result, public=public)
    data["partners"], data["partners_line"] = "", ""
    if comparison is not None:
        from .compare import partners_section, summary_line
        from .escape import md

        data["partners"] = "\n".join(partners_section(comparison)).rstrip() + "\n"
        data["partners_line"] = md(summary_line(comparison))
    return data


def render_html(flow: Flow, result: Result, meta: AnswersFile | None = None, templates: Path | None = None,
                *, public: bool = False, summary: bool = False, comparison: Any = None,
                document: str | None = None) -> str:
    """The plan as one standalone HTML page: its own small stylesheet, nothing fetched from elsewhere."""
    from markupsafe import Markup

    from .html import to_html

    data = _build(flow, result, meta, public, comparison, document, engine=templates is not None)
    markdown = _markdown(data, templates, False, summary)
    body = to_html(markdown, page=True)
    # a control character in a title would reach the browser's tab and any terminal the page is shown on
    title = _first_heading(markdown) if document else data["project"] or data["flow"]["title"]
    page = dict(data, body=Markup(body), title=visible(title))
    return _render(templates, PAGE, page)


def render_json(flow: Flow, result: Result, meta: AnswersFile | None = None, templates: Path | None = None,
                *, public: bool = False, summary: bool = False, comparison: Any = None,
                document: str | None = None) -> str:
    """The engine's result, who and when, and the plan's sections (or the summary's) as Markdown; for a
    `document`, also what it is made from (`record`)."""
    data = _build(flow, result, meta, public, comparison, document)
    out = dict(data["result"])
    # the steps as the plan lists them, in its order and words: those for a level above what the work calls for
    # left out, as in every other format (`planned_actions` keeps every one the answers call for)
    from .context import listed_steps

    if document:
        out.update(document=document, record={k: v for k, v in data["record"].items() if k != "sources"})
    out.update(project=data["project"], prepared_by=data["prepared_by"], date=data["date"], public=public,
               steps=[{"number": n, "text": a["text"], "kind": a["kind"], "questions": a["questions"]}
                      for n, a in enumerate(listed_steps(data), 1)],
               sections=sections(_markdown(data, templates, False, summary)))
    if comparison is not None:
        from .compare import to_json

        out["partners"] = json.loads(to_json(comparison))
    out["drawn_from"] = data["drawn_from"]  # last, as in the plan: what `codesign verify` reads
    return indented_json(out) + "\n"


def indented_json(value: Any) -> str:
    """`json.dumps(value, indent=2, ensure_ascii=False)`, character for character, made faster for the plain
    values a plan's JSON holds (dicts, lists, text, numbers, true, false, null): with an indent, json writes in
    Python a piece at a time, and that took a third of the JSON export. Anything else goes to json.dumps."""
    out: list[str] = []
    try:
        _indented(value, out, "\n")
    except (_NotPlain, RecursionError):  # RecursionError: a value that holds itself, which json refuses in words
        return json.dumps(value, indent=2, ensure_ascii=False)
    return "".join(out)


class _NotPlain(Exception):
    pass


def _json_text(text: str) -> str:
    """`_json_string(text)`, character for character. json's own escape goes a character at a time through text
    that is not all ASCII (a plan holds curly quotes), and took most of the JSON export's time on the plan's
    sections; a long text whose only characters to escape are newlines, tabs, quotes and backslashes (a plan's
    sections) is escaped by replacing each of them in turn instead."""
    if len(text) < 256:
        return _json_string(text)
    try:
        found = set(text.encode("utf-8").translate(None, _NOT_JSON_SPECIAL))
    except UnicodeEncodeError:  # a lone surrogate, which json writes as it is
        return _json_string(text)
    if not found <= _SIMPLE_JSON_SPECIAL:
        return _json_string(text)
    for byte, character, escaped in _SIMPLE_JSON_ESCAPES:  # the backslash first: the others add backslashes
        if byte in found:
            text = text.replace(character, escaped)
    return '"' + text + '"'


# the bytes json escapes (controls, quote, backslash); of them, those _json_text escapes by replacing
_NOT_JSON_SPECIAL = bytes(b for b in range(256) if not (b < 0x20 or b in b'"\\'))
_SIMPLE_JSON_ESCAPES = ((ord("\\"), "\\", "\\\\"), (ord('"'), '"', '\\"'), (ord("\n"), "\n", "\\n"), (ord("\t"), "\t", "\\t"))
_SIMPLE_JSON_SPECIAL = frozenset(byte for byte, _, _ in _SIMPLE_JSON_ESCAPES)


def _indented(value: Any, out: list[str], newline: str) -> None:
    kind = type(value)
    if kind is str:
        out.append(_json_text(value))
    elif value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif kind is int:
        out.append(int.__repr__(value))
    elif kind is float:
        out.append(float.__repr__(value) if value == value and value not in (_INFINITY, -_INFINITY)
                   else "NaN" if value != value else "Infinity" if value > 0 else "-Infinity")
    elif kind is list or kind is tuple:
        if not value:
            out.append("[]")
            return
        inner = newline + "  "
        out.append("[")
        lead = inner
        for item in value:
            out.append(lead)
            _indented(item, out, inner)
            lead = "," + inner
        out.append(newline + "]")
    elif kind is dict:
        if not value:
            out.append("{}")
            return
        inner = newline + "  "
        out.append("{")
        lead = inner
        for key, item in value.items():
            if type(key) is not str:
                raise _NotPlain  # json's own way of writing a number, true or null as a key
            out.append(lead + _json_string(key) + ": ")
            _indented(item, out, inner)
            lead = "," + inner
        out.append(newline + "}")
    else:  # anything json's `default` would be asked about, or a subclass of the plain types
        raise _NotPlain


_INFINITY = float("inf")


def render(format: str, flow: Flow, result: Result, meta: AnswersFile | None = None,
           templates: Path | None = None, *, public: bool = False, front_matter: bool = False,
           paper: str = "a4", summary: bool = False, comparison: Any = None, document: str | None = None) -> bytes:
    """The plan in one of FORMATS, ready to write to a file (a Word document on `paper`, "a4" or
    "letter"). Raises TemplateProblem, and for docx MissingExtra when python-docx is not installed."""
    if format == "md":
        return render_markdown(flow, result, meta, templates, public=public, front_matter=front_matter,
                               summary=summary, comparison=comparison, document=document).encode("utf-8")
    if format == "html":
        return render_html(flow, result, meta, templates, public=public, summary=summary,
                           comparison=comparison, document=document).encode("utf-8")
    if format == "json":
        return render_json(flow, result, meta, templates, public=public, summary=summary,
                           comparison=comparison, document=document).encode("utf-8")
    if format == "text":
        from .text import to_text

        return to_text(render_markdown(flow, result, meta, templates, public=public, summary=summary,
                                       comparison=comparison, document=document)).encode("utf-8")
    if format == "docx":
        from .word import to_docx

        data = _build(flow, result, meta, public, comparison, document, engine=templates is not None)
        markdown = _markdown(data, templates, False, summary)
        title = _first_heading(markdown) if document else data["project"] or data["flow"]["title"]
        return to_docx(markdown, title=title, author=data["prepared_by"], date=data["date"],
                       subject=data["flow"]["title"], paper=paper)
    raise ValueError(f"unknown format {format!r}; the formats are {', '.join(FORMATS)}")


def _first_heading(markdown: str) -> str:
    """A document's title: its first line, without the heading mark."""
    return markdown.split("\n", 1)[0].lstrip("#").strip()


def sections(markdown: str) -> list[dict[str, str]]:
    """The plan cut at its second-level headings: the title block, then one entry per heading."""
    lines = markdown.splitlines(keepends=True)
    starts = _second_level_headings(markdown)
    if starts is None:  # a plan whose shape a line at a time cannot settle: as a CommonMark reader sees it
        from markdown_it import MarkdownIt

        tokens = MarkdownIt("commonmark").enable("table").parse(markdown)
        starts = [(t.map[0], tokens[i + 1].content) for i, t in enumerate(tokens)
                  if t.type == "heading_open" and t.tag == "h2" and t.map]
    cuts = [(0, "")] + starts + [(len(lines), None)]
    out = []
    for (start, title), (end, _) in zip(cuts, cuts[1:]):
        text = "".join(lines[start:end]).strip()
        if title == "" and not text:
            continue
        out.append({"id": escape.anchor(title) if title else "title", "title": title or "",
                    "markdown": text + "\n"})
    return out


# Finding a plan's second-level headings a line at a time, as markdown-it finds them (its parse took three
# quarters of the JSON export's time). A line can only be such a heading, or hide one, in a few ways; a plan
# with a line that could be any of them in a way this does not follow exactly is left to markdown-it.
# (The patterns are compiled when a plan is first cut, not when the module is imported: `codesign render` of
# Markdown never uses them.)
_MARKERS = "[ \t>*+\\-0-9.)]*"  # what may stand before a block's start inside a list item or a quote


@functools.lru_cache(maxsize=None)
def _line_patterns() -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(pattern) for pattern in (
        "[\r\0\x0b\x0c\x1c-\x1f\x85\u2028\u2029]",  # lines split or read differently
        _MARKERS + "##(?:[ \t]|$)",  # could be a heading
        _MARKERS + "(?:```|~~~)",  # could be a fence
        _MARKERS + "<",  # could be HTML
        "[ \t>*+0-9.)-]*-[ \t>*+0-9.)-]*$",  # could be an underline: "---" under a paragraph is a heading
        " {0,3}##(?=[ \t]|$)",  # a heading
        "(`{3,}|~{3,})(.*)",  # a fence
        "[ \t|:-]*-[ \t|:-]*$",  # could be a delimiter row: under a line, it makes that line a table's header
        _MARKERS + "(?:##(?:[ \t]|$)|```|~~~|<)",  # could be a heading, a fence or HTML: one of the three above
    ))
# the characters odd_breaks matches, each looked for on its own
_ODD_BREAKS = "\r\0\x0b\x0c\x1c\x1d\x1e\x1f\x85\u2028\u2029"
# the characters a line must start with for any of the patterns the loop in _second_level_headings tries to match
_MAY_MATTER = frozenset(" \t>*+-0123456789.)#`~<")
_TRIMMED = " \t\xa0\u1680\u202f\u205f\u3000\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"


def _second_level_headings(markdown: str) -> list[tuple[int, str]] | None:
    """The line number and text of each second-level heading (`## Title`), or None when a line could be one,
    or could hide one, in a way only a full CommonMark parse settles: a heading or fence that does not follow a
    blank line at the top level, a heading or fence inside a list item or quote, indented code, HTML, a line
    of dashes under a paragraph (a heading too), or a character that breaks lines differently."""
    (odd_breaks, could_be_heading, could_be_fence, could_be_html, could_be_underline, heading, fence_start,
     could_be_delimiter_row, could_be_any) = _line_patterns()
    # as odd_breaks.search(markdown), a character at a time (the expression's search took half of this function)
    if any(map(markdown.__contains__, _ODD_BREAKS)):
        return None
    starts: list[tuple[int, str]] = []
    fence = ""  # inside a fenced block: the run of backticks or tildes that closes it
    blank = True  # the line before is blank (or there is none)
    lines = markdown.split("\n")
    for number, line in enumerate(lines):
        if fence:
            inside = line.lstrip(" ")
            if len(line) - len(inside) <= 3 and inside.startswith(fence) and not inside.rstrip(" \t").strip(fence[0]):
                fence = ""
            blank = False
            continue
        if not line.strip(" \t"):
            blank = True
            continue
        if line[0] not in _MAY_MATTER:  # most lines: none of the patterns below can match one starting so
            blank = False
            continue
        if not could_be_any.match(line):  # most others (a list item, say): neither a heading, a fence nor HTML
            if not blank and could_be_underline.match(line):
                return None
            blank = False
            continue
        if could_be_heading.match(line) or could_be_fence.match(line):
            if number + 1 < len(lines) and could_be_delimiter_row.match(lines[number + 1]):
                return None
        if could_be_heading.match(line):
            found = heading.match(line)
            if found is None or not blank:
                return None
            title = _heading_text(line, found.end())
            if title is None:
                return None
            starts.append((number, title))
        elif could_be_fence.match(line):
            opened = fence_start.match(line)
            if opened is None or not blank or (opened.group(1)[0] == "`" and "`" in opened.group(2)):
                return None
            fence = opened.group(1)
        elif could_be_html.match(line) or (not blank and could_be_underline.match(line)):
            return None
        blank = False
    return starts


def _heading_text(line: str, start: int) -> str | None:
    """A heading's text as markdown-it gives it: without the closing run of #s, trimmed; None when the ends hold
    a character whose trimming only markdown-it knows."""
    end = max(len(line.rstrip(" \t")), start)
    hashes = len(line[:end].rstrip("#"))
    if start < hashes < end and line[hashes - 1] in " \t":  # "## Title ##"
        end = hashes
    text = line[start:end].strip(" \t")
    if text and (text[0].isspace() or text[-1].isspace() or text[0] in _TRIMMED or text[-1] in _TRIMMED):
        return None
    return text


def _markdown(data: dict[str, Any], templates: Path | None, front_matter: bool, summary: bool = False) -> str:
    if data.get("document"):
        from .record import DOCUMENTS

        return tidy(_render(templates, DOCUMENTS[data["document"]], dict(data, front_matter=False)))
    if summary and data.get("terms"):
        data = dict(data, terms=_terms_used(data["terms"], _render(templates, SUMMARY, dict(
            data, front_matter=front_matter, terms=[]))))
    return tidy(_render(templates, SUMMARY if summary else MAIN, dict(data, front_matter=front_matter)))


def _terms_used(terms: list[dict[str, str]], text: str) -> list[dict[str, str]]:
    """The abbreviations a text uses, of those the whole plan uses: the one-page summary shows much less
    than the plan, and spells out only what it shows (it spelt out "NHS", which it never used)."""
    return [t for t in terms if re.search(rf"(?<![\w-]){re.escape(t['term'])}(?![\w-])", text)]


def tidy(text: str) -> str:
    """One blank line between blocks and none at the ends, so that templates can be laid out for
    people to read rather than to get every newline right."""
    # One pass over the lines: each without its trailing spaces and tabs, and an empty line kept only after one
    # that is not (a plan holds curly quotes, so it is stored two bytes a character, and each search of it for
    # " \n" or "\n\n\n", or a regular expression's pass, took as long as this whole pass)
    lines = [line.rstrip(" \t") for line in text.split("\n")]
    return "\n".join([line for line, before in zip(lines, ["-", *lines]) if line or before]).strip() + "\n"


# -- the template environment ---------------------------------------------------------------------

_ENVIRONMENTS: dict[str, Any] = {}


# A template's budget for one plan. The shipped templates use a small fraction of each: a plan of the
# largest flow loops a few thousand times and writes some tens of kilobytes.
MAX_STEPS = 1_000_000  # loop iterations, all loops together
MAX_TEXT = 16 * 1024 * 1024  # characters (or items) in any one value a template makes
MAX_OUTPUT = 64 * 1024 * 1024  # characters of the plan
MAX_NUMBER_BITS = 10_000  # a number a template works out (2**100000 has 100,001 bits)
MAX_TEMPLATE_BYTES = 1024 * 1024

_STEPS: contextvars.ContextVar[list[int]] = contextvars.ContextVar("template_steps")


class TemplateBudget(TemplateError):
    """A template that would take more than a plan's share of time or memory."""


def _render(templates: Path | None, name: str, data: dict[str, Any]) -> str:
    environment = _environment(templates)
    token = _STEPS.set([0])
    try:
        if type(environment) is _Ours:
            # our templates write in proportion to the plan's data: joined at once, then measured
            text = "".join(environment.get_template(name).generate(data))
            if len(text) > MAX_OUTPUT:
                raise TemplateBudget(f"the plan would be longer than {MAX_OUTPUT // 1048576} MB of text")
            return text
        pieces: list[str] = []
        size = 0
        add = pieces.append
        for piece in environment.get_template(name).generate(data):
            add(piece)
            size += len(piece)
            if size > MAX_OUTPUT:
                raise TemplateBudget(f"the plan would be longer than {MAX_OUTPUT // 1048576} MB of text")
        return "".join(pieces)
    except TemplateProblem:
        raise
    except TemplateError as error:
        raise TemplateProblem(describe(error)) from None
    except RecursionError as error:
        raise TemplateProblem(describe(error, "a macro, include or extends calls itself without end"
                                              )) from None
    except MemoryError as error:
        raise TemplateProblem(describe(error, "the template needs more memory than a plan may use")) from None
    except Exception as error:  # noqa: BLE001 - 1/0, int('x') and the like: the template's mistake
        raise TemplateProblem(describe(error)) from None
    finally:
        _STEPS.reset(token)


def _environment(templates: Path | None) -> Any:
    """Our own templates render in an ordinary Jinja environment (they are our code; answers reach them only
    as values); any template a person gives (`--templates`, a file or a folder, even one that stands in for
    only some of ours) puts every template of that plan in the sandbox, with its limits."""
    key = os.path.abspath(templates) if templates else ""
    environment = _ENVIRONMENTS.get(key)
    if environment is None:
        environment = _ENVIRONMENTS[key] = _make_environment(templates)
    return environment


def _make_environment(templates: Path | None, sandboxed: bool | None = None) -> Any:
    """The environment for `templates` (None: ours alone). `sandboxed` is for tests, which render ours
    through both to hold them to the same plans; by default, the sandbox exactly when a person's templates
    are in play."""
    from ..resources import templates_dir

    if sandboxed is None:
        sandboxed = templates is not None
    ours = _Folder(str(templates_dir()))
    if templates is None:
        loader: Any = ours if sandboxed else _Bundled(str(templates_dir()))
    else:
        path = Path(templates)
        if path.is_dir():
            loader = ChoiceLoader([_Folder(str(path)), ours])
        elif os.path.lexists(path):  # a file, or something that is not, which reading it will name
            loader = ChoiceLoader([_OneFile(path, ours), ours])
        else:
            raise TemplateProblem(f"{visible(str(path))}: no such template file or folder")
    if sandboxed:
        from .sandbox import _budgeted, _Sandbox
    # auto_reload off: a process reads each template once, instead of checking every file it includes
    # on disk again at every plan (13 stats a plan, a tenth of the time of drawing it)
    environment = (_Sandbox if sandboxed else _Ours)(
        loader=loader, bytecode_cache=_bytecode_cache("plan" if sandboxed else "ours"), auto_reload=False,
        undefined=StrictUndefined, keep_trailing_newline=True, trim_blocks=True,
        lstrip_blocks=True, autoescape=select_autoescape(enabled_extensions=("html.j2",), default=False,
                                                         default_for_string=False),
        finalize=_finalize)
    if sandboxed:
        # Jinja's own filters can be asked for sizes (`center(10**9)`) or make large values; ours below
        # make text in proportion to what they are given
        environment.filters.update({name: _budgeted(function) for name, function in environment.filters.items()})
    environment.filters.update(
        md=escape.md, paragraphs=escape.paragraphs, url=escape.url, anchor=escape.anchor,
        mermaid=escape.mermaid, yaml=escape.yaml_string, long_date=long_date, quoted=_quoted,
        join_words=join_words, step_number=_step_number, lower_first=_lower_first, upper_first=_upper_first, cells=_cells,
        either=_either, level=_level, cite=_cite, effect=_effect)
    return environment


def _finalize(value: Any) -> Any:
    return "" if value is None else value


class _FastCode(CodeGenerator):
    """Compiles templates, ours and a user's alike, so that they hand up fewer, longer pieces.

    A plan is a few hundred lines made of some thousand pieces, each passed up through every template that
    includes the one that made it: the two methods below hand up fewer, longer pieces (a quarter of the
    time of drawing a plan went on handing them up). What each template writes is unchanged."""

    def visit_Output(self, node: nodes.Output, frame: Frame) -> None:
        """A run of text and {{ values }} with nothing between them handed up as one piece, not one each."""
        if frame.buffer is not None or frame.require_output_check or len(node.nodes) < 2:
            super().visit_Output(node, frame)
            return
        finalize = self._make_finalize()
        body: list[Any] = []
        for child in node.nodes:  # as Jinja does: constant text joined when the template is compiled
            try:
                if not (finalize.const or isinstance(child, nodes.TemplateData)):
                    raise nodes.Impossible()
                const = self._output_child_to_const(child, frame, finalize)
            except (nodes.Impossible, Exception):
                body.append(child)
                continue
            if body and isinstance(body[-1], list):
                body[-1].append(const)
            else:
                body.append([const])
        if len(body) == 1:
            super().visit_Output(node, frame)
            return
        self.writeline("yield concat((")
        self.indent()
        for item in body:
            if isinstance(item, list):
                self.writeline(self._output_const_repr(item) + ",")
            else:
                self.newline(item)  # the template's line, for a message about a mistake in this value
                self._output_child_pre(item, frame, finalize)
                self.visit(item, frame)
                self._output_child_post(item, frame, finalize)
                self.write(",")
        self.outdent()
        self.writeline("))")

    def visit_Include(self, node: nodes.Include, frame: Frame) -> None:
        """An included template's pieces handed up with `yield from`, rather than a loop taking each in turn."""
        if frame.buffer is not None or not node.with_context or node.ignore_missing or self.environment.is_async:
            super().visit_Include(node, frame)
            return
        function = "get_or_select_template"
        if isinstance(node.template, nodes.Const):
            if isinstance(node.template.value, str):
                function = "get_template"
            elif isinstance(node.template.value, (tuple, list)):
                function = "select_template"
        elif isinstance(node.template, (nodes.Tuple, nodes.List)):
            function = "select_template"
        self.writeline(f"template = environment.{function}(", node)
        self.visit(node.template, frame)
        self.write(f", {self.name!r})")
        self.writeline("gen = template.root_render_func(template.new_context(context.get_all(), True,"
                       f" {self.dump_local_context(frame)}))")
        self.writeline("try:")
        self.indent()
        self.writeline("yield from gen")
        self.outdent()
        self.writeline("finally: gen.close()")


class _OursCode(_FastCode):
    """Compiles our own templates (never a person's: the sandbox reads every attribute through its checks) so
    that reading a value costs no call: `q.prompt` on a plain dict is the dict's item, as `_Ours.getattr` would
    give it, looked up in place; anything else still goes through `_Ours.getattr`. And a value is written as
    `_finalize` would write it (nothing for None) without calling it. A plan reads some seven hundred values and
    writes some five hundred; the calls took a tenth of the time of drawing it. What each template writes is
    unchanged."""

    def blockvisit(self, body: Any, frame: Frame) -> None:
        """A template's whole text gathered in a list and handed up once, as one piece: a plan was some three
        hundred pieces, each handed up through the templates that include the one that wrote it."""
        if not (frame.rootlevel and frame.buffer is None and frame.block is None and not frame.require_output_check
                and not self.environment.is_async):
            super().blockvisit(body, frame)
            return
        self.buffer(frame)
        super().blockvisit(body, frame)
        self.writeline(f"yield concat({frame.buffer})")
        frame.buffer = None

    def visit_Getattr(self, node: nodes.Getattr, frame: Frame) -> None:
        if self.environment.is_async or node.attr[:1] == "_":
            super().visit_Getattr(node, frame)
            return
        # the object is worked out once, into a name of its own (an attribute of an attribute reuses the name
        # only after the inner one has been read)
        attr = repr(node.attr)
        self.write("(_got[" + attr + "] if type(_got := ")
        self.visit(node.node, frame)
        if node.attr in _LOOP_ATTRIBUTES:  # `loop.index` and the like: the loop's own property, read in place
            self.write(f") is dict and {attr} in _got else _got.{node.attr} if type(_got) is LoopContext"
                       f" else environment.getattr(_got, {attr}))")
        else:
            self.write(f") is dict and {attr} in _got else environment.getattr(_got, {attr}))")

    def visit_Filter(self, node: nodes.Filter, frame: Frame) -> None:
        """`x | md` on text calls the cached escape itself (a plan escapes some five hundred values); `list`,
        `join`, and `map`, `select`, `reject`, `selectattr` and `rejectattr` in the forms our templates use, are
        worked out by one call each (_mapped, _plucked, _kept) rather than through Jinja's wrappers and a
        filter's or test's lookup for every item, and give a list where Jinja's give a generator; anything
        else, the filter as ever."""
        value = node.node
        if (value is None or node.dyn_args is not None or node.dyn_kwargs is not None
                or self.environment.is_async or frame.eval_ctx.volatile or frame.eval_ctx.autoescape
                or node.name not in _SHORT_FILTERS
                or self.environment.filters.get(node.name) is not _SHORT_FILTERS[node.name]
                or not getattr(self, "_filter_" + node.name)(node, value, frame)):
            super().visit_Filter(node, frame)

    def _filter_md(self, node: nodes.Filter, value: nodes.Expr, frame: Frame) -> bool:
        if node.args or node.kwargs:
            return False
        self.write("(environment.md_text(_text) if type(_text := ")
        self.visit(value, frame)
        self.write(f") is str else {self.filters['md']}(_text))")
        return True

    def _filter_list(self, node: nodes.Filter, value: nodes.Expr, frame: Frame) -> bool:
        if node.args or node.kwargs:
            return False
        self.write("list(")
        self.visit(value, frame)
        self.write(")")
        return True

    def _filter_join(self, node: nodes.Filter, value: nodes.Expr, frame: Frame) -> bool:
        """`x | join(", ")`: as Jinja joins outside autoescaping (`str(d).join(map(str, value))`)."""
        if node.kwargs or len(node.args) > 1:
            return False
        self.write("str(")
        if node.args:
            self.visit(node.args[0], frame)
        else:
            self.write('""')
        self.write(").join(map(str, ")
        self.visit(value, frame)
        self.write("))")
        return True

    def _filter_map(self, node: nodes.Filter, value: nodes.Expr, frame: Frame) -> bool:
        if not node.args and len(node.kwargs) == 1 and node.kwargs[0].key == "attribute":
            attribute = node.kwargs[0].value
            if not (isinstance(attribute, nodes.Const) and _plain_attribute(attribute.value)):
                return False
            self.write("environment.plucked(")
            self.visit(value, frame)
            self.write(f", environment, {attribute.value!r})")
            return True
        if node.kwargs or not node.args or not isinstance(node.args[0], nodes.Const):
            return False
        name = node.args[0].value
        if not (type(name) is str and _plain_function(self.environment.filters.get(name))):
            return False
        self.write("environment.mapped(")
        self.visit(value, frame)
        self.write(f", environment.filters[{name!r}]")
        for argument in node.args[1:]:
            self.write(", ")
            self.visit(argument, frame)
        self.write(")")
        return True

    def _kept(self, node: nodes.Filter, value: nodes.Expr, frame: Frame, keep: bool, by_attribute: bool) -> bool:
        """select, reject (`by_attribute` False), selectattr and rejectattr (True), with a test of ours or
        Jinja's that needs nothing but its arguments, or none (the item's truth)."""
        args = list(node.args)
        if node.kwargs or len(args) < by_attribute:
            return False
        attribute = args.pop(0) if by_attribute else None
        if attribute is not None and not (isinstance(attribute, nodes.Const) and _plain_attribute(attribute.value)):
            return False
        test = args.pop(0) if args else None
        if test is not None and not (isinstance(test, nodes.Const) and type(test.value) is str
                                     and _plain_function(self.environment.tests.get(test.value))):
            return False
        self.write("environment.kept(")
        self.visit(value, frame)
        self.write(f", environment, {attribute.value if attribute is not None else None!r}, "
                   f"{'environment.tests[' + repr(test.value) + ']' if test is not None else 'None'}, {keep}, (")
        for argument in args:
            self.visit(argument, frame)
            self.write(", ")
        self.write("))")
        return True

    def _filter_select(self, node: nodes.Filter, value: nodes.Expr, frame: Frame) -> bool:
        return self._kept(node, value, frame, True, False)

    def _filter_reject(self, node: nodes.Filter, value: nodes.Expr, frame: Frame) -> bool:
        return self._kept(node, value, frame, False, False)

    def _filter_selectattr(self, node: nodes.Filter, value: nodes.Expr, frame: Frame) -> bool:
        return self._kept(node, value, frame, True, True)

    def _filter_rejectattr(self, node: nodes.Filter, value: nodes.Expr, frame: Frame) -> bool:
        return self._kept(node, value, frame, False, True)

    def visit_Call(self, node: nodes.Call, frame: Frame, forward_caller: bool = False) -> None:
        """A call of one of the template's own macros with all its arguments, by position (`name(step)`), calls
        the macro's function itself, as Macro.__call__ would after working out its arguments (a plan calls a
        dozen; each call took some two and a half microseconds that way); any other call, as ever."""
        if (forward_caller or node.kwargs or node.dyn_args is not None or node.dyn_kwargs is not None
                or self.environment.is_async or self.environment.sandboxed):
            super().visit_Call(node, frame, forward_caller=forward_caller)
            return
        count = len(node.args)
        self.write("(_macro._func(")
        for argument in node.args:
            self.visit(argument, frame)
            self.write(", ")
        self.write(") if type(_macro := ")
        self.visit(node.node, frame)
        self.write(f") is Macro and _macro._argument_count == {count} and not (_macro.caller or _macro.catch_kwargs"
                   " or _macro.catch_varargs or _macro._default_autoescape) else ")
        # else as Jinja calls it (the callee worked out once, above)
        extra = {**({"_loop_vars": "_loop_vars"} if frame.loop_frame else {}),
                 **({"_block_vars": "_block_vars"} if frame.block_frame else {})}
        self.write("context.call(_macro")
        self.signature(node, frame, extra or None)
        self.write("))")

    def _gives_text(self, node: nodes.Expr, frame: Frame) -> bool:
        """Whether a value is written as it is: text from one of our filters that always give text (`x | md`),
        which `str` and `_finalize` would leave as it is (a plan writes some five hundred)."""
        return (isinstance(node, nodes.Filter) and node.node is not None and not frame.eval_ctx.volatile
                and not frame.eval_ctx.autoescape and not self.environment.is_async
                and _TEXT_FILTERS.get(node.name, _TEXT_FILTERS) is self.environment.filters.get(node.name))

    def _output_child_pre(self, node: nodes.Expr, frame: Frame, finalize: Any) -> None:
        if self._gives_text(node, frame):
            return
        if finalize.src != "environment.finalize(" or self.environment.finalize is not _finalize:
            super()._output_child_pre(node, frame, finalize)
            return
        if frame.eval_ctx.volatile:
            self.write("(escape if context.eval_ctx.autoescape else str)(")
        elif frame.eval_ctx.autoescape:
            self.write("escape(")
        else:
            self.write("str(")
        self.write("_shown if (_shown := ")

    def _output_child_post(self, node: nodes.Expr, frame: Frame, finalize: Any) -> None:
        if self._gives_text(node, frame):
            return
        if finalize.src != "environment.finalize(" or self.environment.finalize is not _finalize:
            super()._output_child_post(node, frame, finalize)
            return
        self.write(') is not None else "")')


def _plain_attribute(name: Any) -> bool:
    """An attribute `map`, `selectattr` and `rejectattr` look up as one key (no dots, not a number)."""
    return type(name) is str and "." not in name and not name.isdigit()


def _plain_function(function: Any) -> bool:
    """A filter or test that is given only the value and its arguments (not the context or environment)."""
    from jinja2.utils import _PassArg

    return function is not None and _PassArg.from_obj(function) is None


def _mapped(value: Any, function: Callable[..., Any], *args: Any) -> list[Any]:
    """`value | map("filter", *args)`, as a list."""
    return [function(item, *args) for item in value] if value else []


def _plucked(value: Any, environment: Any, attribute: str) -> list[Any]:
    """`value | map(attribute="name")`, as a list: each item's key, or what Jinja's getitem finds."""
    if not value:
        return []
    getitem = environment.getitem
    return [item[attribute] if type(item) is dict and attribute in item else getitem(item, attribute)
            for item in value]


def _kept(value: Any, environment: Any, attribute: str | None, test: Callable[..., Any] | None, keep: bool,
          args: tuple[Any, ...]) -> list[Any]:
    """select/reject(test, *args) and selectattr/rejectattr(attribute, test, *args), as a list: the items whose
    test (or, without one, whose own truth) is `keep`."""
    if not value:
        return []
    getitem = environment.getitem
    kept = []
    for item in value:
        looked = item if attribute is None else item[attribute] if type(item) is dict and attribute in item \
            else getitem(item, attribute)
        if bool(test(looked, *args) if test is not None else looked) is keep:
            kept.append(item)
    return kept


# what a template may read of a loop (`loop.index`): a LoopContext's properties, which _OursCode reads in place
_LOOP_ATTRIBUTES = frozenset(("index", "index0", "revindex", "revindex0", "first", "last", "length", "depth",
                              "depth0", "previtem", "nextitem"))


class _Inlined(NodeTransformer):
    """Our own templates with each `{% include "x.md.j2" %}` of another of ours replaced, when they are compiled,
    by that template's body in a scope of its own: what it writes and what it sees are as an include's (the
    includer's variables; its own `set`s stay its own), without an include's cost at every plan (a template
    looked up, a context made, every name it reads resolved again: some seven microseconds each, a dozen a
    plan). A template that includes itself, by any path, is left to include."""

    def __init__(self, environment: Any, names: tuple[str, ...]):
        self.environment, self.names = environment, names

    def visit_Include(self, node: nodes.Include) -> Any:
        name = node.template.value if isinstance(node.template, nodes.Const) else None
        if (type(name) is not str or not node.with_context or node.ignore_missing or name in self.names
                or not (name.endswith(".md.j2") and self.names[-1].endswith(".md.j2"))):
            return node
        source, filename, _ = self.environment.loader.get_source(self.environment, name)
        body = Environment._parse(self.environment, source, name, filename).body  # without _Ours's inlining
        return nodes.Scope(_Inlined(self.environment, (*self.names, name)).body(body), lineno=node.lineno)

    def body(self, body: list[Any]) -> list[Any]:
        """A template's body with its includes of ours inlined."""
        return [self.visit(child) for child in body]


# The version of the code _FastCode, _OursCode and _BudgetedCode write: part of each cached template's name, so that a
# template compiled by an earlier version is compiled again rather than run as it was
COMPILER = 9
CACHE_ENTRIES = 200  # compiled templates kept; a user's templates in many folders would add up
BUNDLE = "ours{compiler}-{jinja}-bundle.marshal"  # our own templates, compiled, in one file (_Bundled)


def _bytecode_cache(kind: str = "plan") -> Any:
    """Compiled templates kept between runs: compiling them took most of a `codesign render` command's
    own time. They are kept in our cache folder (CODESIGN_CACHE_DIR, or the user's cache folder), in a
    folder only this user can read, and pruned to the newest CACHE_ENTRIES; entries are keyed by template
    file and checked against the template's text, so an edited template is compiled afresh. Without a
    usable cache folder there is simply no cache. `kind` is part of each entry's name: "plan" for templates
    compiled for the sandbox, "ours" for our own compiled without it, which the sandbox must never load."""
    from jinja2 import FileSystemBytecodeCache

    from ..flow.catalogue import cache_folder

    folder = cache_folder("templates")  # None for a folder others can write to: no code is loaded from it
    if folder is None:
        return None
    try:
        _prune(folder)
        # the name says which compiler made an entry: ours (COMPILER, raised whenever _BudgetedCode writes
        # different code), with this version of Jinja
        import jinja2

        return FileSystemBytecodeCache(str(folder), pattern=f"{kind}{COMPILER}-{jinja2.__version__}-%s.cache")
    except (OSError, RuntimeError):
        return None


def _prune(folder: Path) -> None:
    with os.scandir(folder) as scan:
        entries = [entry for entry in scan if entry.name.endswith(".cache") and entry.is_file()]
    if len(entries) <= CACHE_ENTRIES:
        return
    entries.sort(key=lambda entry: entry.stat().st_mtime, reverse=True)
    for entry in entries[CACHE_ENTRIES // 2:]:
        try:
            os.unlink(entry.path)
        except OSError:
            pass


class _Ours(Environment):
    """The environment for our own templates alone: no sandbox, no budget, the same plans.

    It reads attributes as the sandbox does (`_Sandbox.getattr`): a plain dict's key first, so that
    `entry.items` is the entry's field called "items" in both, not the dict's method. Nothing a person
    types or a flow holds is ever compiled here: it reaches the templates only as values, and only our
    templates folder is read."""

    code_generator_class = _OursCode

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._loaded: dict[str, Any] = {}
        # attributes of its own, read faster than through the class: what _OursCode's code calls
        self.md_text, self.mapped, self.plucked, self.kept = escape.md_text, _mapped, _plucked, _kept

    def make_globals(self, d: Any) -> Any:
        """A template's globals as one plain dict (the environment's, then its own), not Jinja's ChainMap of the
        two: every include reads them all again, and a ChainMap read a key at a time cost a twentieth of drawing a
        plan. Nothing changes our environment's globals once it is made."""
        return {**self.globals, **(d or {})}

    def get_template(self, name: Any, parent: str | None = None, globals: Any = None) -> Any:
        """A template of ours, read once a process (auto_reload is off): an include is a dictionary's lookup
        rather than a trip through Jinja's shared cache and its lock."""
        if globals is None and type(name) is str and not self.auto_reload:
            if parent is not None:
                name = self.join_path(name, parent)
            known = self._loaded.get(name)
            if known is None:
                known = self._loaded[name] = super().get_template(name)
            return known
        return super().get_template(name, parent, globals)

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        """A template of ours, with the others of ours it includes written into it (_Inlined)."""
        template = super()._parse(source, name, filename)
        if name is None or not isinstance(self.loader, _Bundled):
            return template
        template.body = _Inlined(self, (name,)).body(template.body)
        return template

    def getattr(self, obj: Any, attribute: str) -> Any:
        if attribute[:1] != "_" and type(obj) is dict:
            try:
                return obj[attribute]
            except KeyError:
                pass
        return super().getattr(obj, attribute)


class _OneFile(BaseLoader):
    """A single template file given with --templates: it stands in for our template of the same name,
    or for the plan itself when no template of ours has its name."""

    def __init__(self, path: Path, ours: FileSystemLoader):
        self.path = path
        self.name = path.name if path.name in set(ours.list_templates()) else MAIN

    def get_source(self, environment: Any, template: str) -> tuple[str, str, Callable[[], bool]]:
        if template != self.name:
            raise TemplateNotFound(template)
        return _read_template(self.path), str(self.path), lambda: True


class _Folder(FileSystemLoader):
    """A folder of templates, and nothing outside it: a link in it that leads elsewhere (to /etc/passwd,
    say) is refused, as is anything that is not an ordinary file."""

    def get_source(self, environment: Any, template: str) -> tuple[str, str, Callable[[], bool]]:
        parts = split_template_path(template)  # refuses '..'
        for folder in self.searchpath:
            path = os.path.join(folder, *parts)
            if not os.path.lexists(path):
                continue
            real, inside = os.path.realpath(path), os.path.realpath(folder)
            if os.path.commonpath([real, inside]) != inside:
                raise TemplateProblem(f"{visible(path)}: the template leads outside its folder (through a"
                                      " link); templates must be inside the folder given")
            return _read_template(Path(path)), os.path.normpath(path), lambda: True
        raise TemplateNotFound(template)


class _Bundled(_Folder):
    """Our own templates, compiled together and kept in one file of our cache folder beside the compiled
    templates (BUNDLE), so that a process loads them with one read instead of a file, a checksum and a cache
    entry each (seventeen of them took a twentieth of a `codesign render` command). The file is used while
    every template in the folder has the size, modification time and inode it had when it was made; any
    change, or a file that cannot be read as one, and they are compiled afresh and kept again. Without a
    usable cache folder each template is loaded on its own, as any folder's are."""

    bundle: dict[str, Any] | None = None

    def load(self, environment: Any, name: str, globals: Any = None) -> Any:
        if self.bundle is None:
            self.bundle = _bundle(environment, self) or {}
        code = self.bundle.get(name)
        if code is None:
            # compiled afresh, never from a cached template: each holds the templates it includes (_Inlined), and
            # a cached one is checked against its own text alone (the bundle against every template's)
            source, filename, _ = self.get_source(environment, name)
            code = environment.compile(source, name, filename)
        return environment.template_class.from_code(environment, code, {} if globals is None else globals,
                                                    lambda: True)


def _bundle(environment: Any, loader: _Folder) -> dict[str, Any] | None:
    """Our templates' compiled code by name, from the bundle when it is current, else compiled and kept."""
    import marshal
    from types import CodeType

    cache = environment.bytecode_cache
    if cache is None:
        return None
    where = Path(cache.directory) / BUNDLE.format(compiler=COMPILER, jinja=_jinja_version())
    folder = loader.searchpath[0]
    try:
        with os.scandir(folder) as scan:
            stamp = (os.path.abspath(folder), tuple(sorted(
                (entry.name, info.st_size, info.st_mtime_ns, info.st_ino)
                for entry in scan if entry.name.endswith(".j2") for info in (entry.stat(),))))
    except OSError:
        return None
    try:
        kept_stamp, codes = marshal.loads(where.read_bytes())
        if kept_stamp == stamp and type(codes) is dict and all(type(code) is CodeType for code in codes.values()):
            return codes
    except (OSError, ValueError, EOFError, TypeError):
        pass
    codes = {}
    try:
        for name, *_ in stamp[1]:
            source, filename, _ = loader.get_source(environment, name)
            codes[name] = environment.compile(source, name, filename)
    except TemplateError:
        return None  # a mistake in one of ours: each is loaded on its own, and the one at fault named
    temporary = where.with_name(f".{where.name}.{os.getpid()}")
    try:
        temporary.write_bytes(marshal.dumps((stamp, codes)))
        os.replace(temporary, where)
    except (OSError, ValueError):
        try:
            os.unlink(temporary)
        except OSError:
            pass
    return codes


def _jinja_version() -> str:
    import jinja2

    return jinja2.__version__


def _read_template(path: Path) -> str:
    try:
        return read_regular_file(path, MAX_TEMPLATE_BYTES, "a template").decode("utf-8")
    except Unreadable as refused:
        raise TemplateProblem(f"{visible(str(path))}: {refused.message}") from None
    except UnicodeDecodeError:
        raise TemplateProblem(f"{visible(str(path))}: this is not UTF-8 text; save the template as UTF-8"
                              ) from None


def describe(error: BaseException, message: str = "") -> str:
    """A template error as "template:line: what went wrong", for the person who wrote it."""
    name, line = None, None
    if isinstance(error, TemplateSyntaxError):
        name, line = error.filename or error.name, error.lineno
    else:
        # Jinja rewrites the traceback so that template frames carry the template's file and line; the
        # first frame of a template is where a runaway recursion started
        tb = error.__traceback__
        while tb is not None:
            filename = tb.tb_frame.f_code.co_filename
            if filename.endswith(".j2") or filename.startswith("<template>"):
                name, line = filename, tb.tb_lineno
                if isinstance(error, RecursionError):
                    break
            tb = tb.tb_next
    if not message:
        message = str(getattr(error, "message", None) or error) or type(error).__name__
        if isinstance(error, TemplateNotFound):
            message = f"no template called {message!r}"
        elif isinstance(error, UndefinedError):
            if "attribute '_" in message:
                message += " (templates can use the plan's data and filters, not Python's internals)"
        elif isinstance(error, SecurityError):
            message += " (templates run in a sandbox)"
        elif isinstance(error, ZeroDivisionError):
            message = "division by zero"
        elif not isinstance(error, TemplateError):
            message = f"{message[:200]} ({type(error).__name__})"
    where = _short_name(name) if name else "template"
    return visible(f"{where}{f':{line}' if line else ''}: {message}")


def _short_name(filename: str) -> str:
    from ..resources import templates_dir

    try:
        return str(Path(filename).resolve().relative_to(templates_dir().resolve()))
    except ValueError:
        return filename


# -- filters --------------------------------------------------------------------------------------

# The plan's small recurring pieces, as filters rather than macros: a macro call goes through the
# sandbox's checks each time, and these run a dozen times a plan. macros.md.j2 keeps them as macros for
# templates written against it.

def _either(labels: Any) -> str:
    """ "“Yes”, “Partly” or “Not sure”" """
    return escape.md(join_words(_quoted(labels), "or"))


def _level(level: Any) -> str:
    """A level's label, in bold."""
    return f"**{escape.md(level['label'])}**"


def _cite(citation: Any) -> str:
    """A source: its full title the first time the plan cites it, the part before the colon after that,
    linked when it has a web address."""
    parts = (citation["title"] if citation["first"] else citation["short_title"], citation["url"], citation["detail"])
    try:
        return _cited(*parts)
    except TypeError:  # a part that cannot be a key (a person's template may cite anything): worked out each time
        return _cited.__wrapped__(*parts)


@functools.lru_cache(maxsize=1024)  # a flow's sources, cited in every plan rendered from it
def _cited(title: Any, url: Any, detail: Any) -> str:
    title = escape.md(title)
    target = escape.url(url)
    text = f"[{title}]({target})" if target else title
    return text + (f" ({escape.md(detail)})" if detail else "")


def _effect(reason: Any, calls_for: Any, level: Any = None) -> str:
    """What an answer in the plan's reasons (`why`) does, in words: what the work calls for with it and what
    another answer would call for instead (or that this one keeps the work where it is), then whether it is
    enough for a level and what that level needs. `calls_for` is the flow's wording for "the work calls for";
    `level`, the level the work calls for with the answers given."""
    parts = []
    says = escape.md(calls_for)
    effect = reason["calls_for_effect"]
    if effect:
        instead = [f"with {_either(change['labels'])}, {escape.md(change['level']['label'])} instead"
                   for change in effect["changes"]]
        if instead and level and not effect["caps"] and reason["answered"]:
            # this answer's own effect first, so that a reader does not take the other answer for theirs
            parts.append(f"{_upper_first(says)} {escape.md(level['label'])} with this answer; {'; '.join(instead)}.")
        else:
            parts.extend(f"With {_either(change['labels'])}, {says} {escape.md(change['level']['label'])} instead."
                         for change in effect["changes"])
        if effect["caps"]:
            parts.append(f"So {says} no more than {escape.md(effect['level']['label'])}.")
    need = reason["requirement"]
    if not need or not reason["answered"]:
        pass
    elif reason["held_back"]:
        parts.append(f"Not enough for {escape.md(need['needs']['level']['label'])}: see [what would have to"
                     " change](#what-would-have-to-change).")
    elif not need["needs"]:
        parts.append(f"Enough for {escape.md(need['enough_for']['label'])}.")
    elif need["enough_for"]:
        parts.append(f"Enough for {escape.md(need['enough_for']['label'])}, not for"
                     f" {escape.md(need['needs']['level']['label'])}, which needs {_either(need['needs']['labels'])}.")
    else:
        parts.append(f"Not enough for {escape.md(need['needs']['level']['label'])}, which needs"
                     f" {_either(need['needs']['labels'])}.")
    return " ".join(parts)


def _step_number(text: Any, texts: Any) -> str:
    """The number a step has in a list of steps' texts ("2" for the second)."""
    return str(list(texts).index(text) + 1)


def _cells(row: Any) -> str:
    """A table row's cells, each made safe with `md`, between the row's pipes."""
    md, md_text = escape.md, escape.md_text
    return " | ".join([md_text(cell) if type(cell) is str else md(cell) for cell in row])


def _quoted(items: Any) -> list[str]:
    return [f"\u201c{item}\u201d" for item in items]


def _upper_first(text: Any) -> str:
    """ "the conditions support" as "The conditions support", at the start of a sentence."""
    text = str(text or "")
    return text[:1].upper() + text[1:]


def _lower_first(text: Any) -> str:
    """ "Work with people" as "work with people", after a colon; "VCSE partners" stays as it is."""
    text = str(text or "")
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        return text[0].lower() + text[1:]
    return text



# our filters that always give text (str), whatever they are given: _OursCode writes what they give as it is
_TEXT_FILTERS: dict[str, Any] = {"md": escape.md, "cells": _cells, "cite": _cite, "effect": _effect, "either": _either,
                                 "level": _level, "upper_first": _upper_first, "lower_first": _lower_first}

# the filters _OursCode.visit_Filter writes in a shorter way, each as long as it is the one named here
_SHORT_FILTERS: dict[str, Any] = {"md": escape.md, **{name: _JINJA_FILTERS[name] for name in (
    "list", "join", "map", "select", "reject", "selectattr", "rejectattr")}}
