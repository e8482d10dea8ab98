"""Rendering a result into a plan: Markdown through sandboxed Jinja2 templates, and HTML and JSON from it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable

from jinja2 import (BaseLoader, ChoiceLoader, FileSystemLoader, StrictUndefined, TemplateError,
                    TemplateNotFound, TemplateSyntaxError, select_autoescape)
from jinja2.environment import TemplateModule
from jinja2.exceptions import SecurityError, UndefinedError
from jinja2.runtime import LoopContext
from jinja2.sandbox import ImmutableSandboxedEnvironment

from ..flow.answers import AnswersFile
from ..flow.engine import Result
from ..flow.model import Flow
from . import escape
from .context import build

MAIN = "plan.md.j2"
PAGE = "plan.html.j2"
FORMATS = ("md", "html", "docx", "json")


class TemplateProblem(TemplateError):
    """A template that cannot be read or rendered; the message names the template, line and cause.
    A TemplateError, so that callers catching Jinja's errors catch it too."""


def render_markdown(flow: Flow, result: Result, meta: AnswersFile | None = None, templates: Path | None = None,
                    *, public: bool = False, front_matter: bool = False, narrow: bool = False,
                    on_screen: bool = False) -> str:
    """The plan as CommonMark with GitHub tables, one line per paragraph. `on_screen` is for the app's
    viewer, which shows a Mermaid chart as its code: the path taken is a line of text instead. `narrow`
    is for a small screen: wide tables (the levels, the register) become lists."""
    data = build(flow, result, meta, public=public)
    data["narrow"], data["on_screen"] = narrow, on_screen
    return _markdown(data, templates, front_matter)


def render_html(flow: Flow, result: Result, meta: AnswersFile | None = None, templates: Path | None = None,
                *, public: bool = False) -> str:
    """The plan as one standalone HTML page: its own small stylesheet, nothing fetched from elsewhere."""
    from markupsafe import Markup

    from .html import to_html

    data = build(flow, result, meta, public=public)
    body = to_html(_markdown(data, templates, False))
    page = dict(data, body=Markup(body), title=data["project"] or data["flow"]["title"])
    return _render(templates, PAGE, page)


def render_json(flow: Flow, result: Result, meta: AnswersFile | None = None, templates: Path | None = None,
                *, public: bool = False) -> str:
    """The engine's result, who and when, and the plan's sections as Markdown."""
    data = build(flow, result, meta, public=public)
    out = dict(data["result"])
    out.update(project=data["project"], prepared_by=data["prepared_by"], date=data["date"], public=public,
               sections=sections(_markdown(data, templates, False)))
    return json.dumps(out, indent=2, ensure_ascii=False) + "\n"


def render(format: str, flow: Flow, result: Result, meta: AnswersFile | None = None,
           templates: Path | None = None, *, public: bool = False, front_matter: bool = False) -> bytes:
    """The plan in one of FORMATS, ready to write to a file. Raises TemplateProblem, and for docx
    MissingExtra when python-docx is not installed."""
    if format == "md":
        return render_markdown(flow, result, meta, templates, public=public,
                               front_matter=front_matter).encode("utf-8")
    if format == "html":
        return render_html(flow, result, meta, templates, public=public).encode("utf-8")
    if format == "json":
        return render_json(flow, result, meta, templates, public=public).encode("utf-8")
    if format == "docx":
        from .word import to_docx

        data = build(flow, result, meta, public=public)
        return to_docx(_markdown(data, templates, False), title=data["project"] or data["flow"]["title"],
                       author=data["prepared_by"], date=data["date"], subject=data["flow"]["title"])
    raise ValueError(f"unknown format {format!r}; the formats are {', '.join(FORMATS)}")


def sections(markdown: str) -> list[dict[str, str]]:
    """The plan cut at its second-level headings: the title block, then one entry per heading."""
    from markdown_it import MarkdownIt

    lines = markdown.splitlines(keepends=True)
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


def _markdown(data: dict[str, Any], templates: Path | None, front_matter: bool) -> str:
    return tidy(_render(templates, MAIN, dict(data, front_matter=front_matter)))


def tidy(text: str) -> str:
    """One blank line between blocks and none at the ends, so that templates can be laid out for
    people to read rather than to get every newline right."""
    if " \n" in text or "\t\n" in text:
        text = "\n".join(line.rstrip(" \t") for line in text.split("\n"))
    # str.replace runs in C and beats a regex here, even when it takes a few passes
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text.strip() + "\n"


# -- the template environment ---------------------------------------------------------------------

_ENVIRONMENTS: dict[str, Any] = {}


def _render(templates: Path | None, name: str, data: dict[str, Any]) -> str:
    environment = _environment(templates)
    try:
        return environment.get_template(name).render(data)
    except TemplateError as error:
        raise TemplateProblem(describe(error)) from None


def _environment(templates: Path | None) -> Any:
    key = str(Path(templates).resolve()) if templates else ""
    environment = _ENVIRONMENTS.get(key)
    if environment is None:
        environment = _ENVIRONMENTS[key] = _make_environment(templates)
    return environment


def _make_environment(templates: Path | None) -> Any:
    from ..resources import templates_dir

    ours = FileSystemLoader(str(templates_dir()))
    if templates is None:
        loader: Any = ours
    else:
        path = Path(templates)
        if path.is_dir():
            loader = ChoiceLoader([FileSystemLoader(str(path)), ours])
        elif path.is_file():
            loader = ChoiceLoader([_OneFile(path, ours), ours])
        else:
            raise TemplateProblem(f"{path}: no such template file or folder")
    # auto_reload off: a process reads each template once, instead of checking every file it includes
    # on disk again at every plan (13 stats a plan, a tenth of the time of drawing it)
    environment = _Sandbox(
        loader=loader, bytecode_cache=_bytecode_cache(), auto_reload=False, undefined=StrictUndefined,
        keep_trailing_newline=True, trim_blocks=True,
        lstrip_blocks=True, autoescape=select_autoescape(enabled_extensions=("html.j2",), default=False,
                                                         default_for_string=False),
        finalize=lambda value: "" if value is None else value)
    environment.filters.update(
        md=escape.md, paragraphs=escape.paragraphs, url=escape.url, anchor=escape.anchor,
        mermaid=escape.mermaid, yaml=escape.yaml_string, long_date=escape.long_date, quoted=_quoted,
        join_words=_join_words, lower_first=_lower_first, upper_first=_upper_first, cells=_cells,
        either=_either, level=_level, cite=_cite)
    return environment


def _bytecode_cache() -> Any:
    """Compiled templates kept between runs: compiling them took most of a `codesign render` command's
    own time. Jinja keeps them in a folder of the temporary directory that only this user can read or
    write (it checks); entries are keyed by template file and checked against the template's text, so an
    edited template is compiled afresh. If no such folder can be had, there is simply no cache."""
    from jinja2 import FileSystemBytecodeCache

    try:
        return FileSystemBytecodeCache(pattern="__codesign_tui_sandboxed_%s.cache")
    except (OSError, RuntimeError):
        return None


class _Sandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox, reading keys of plain dicts, and loop and macro-module attributes,
    directly.

    `q.prompt` on a dict makes Jinja try the attribute first, fail with an exception, and only then read
    the key; most of a plan's time went there. A plain dict's key is exactly what the sandbox returns for
    `q["prompt"]` without any check, so returning it at once is as safe. The same holds for the public
    attributes of a `loop` (`loop.index`, `loop.first`) and of an imported macro module (`m.cite`), which
    the sandbox would only check against names starting with "_". Anything else (a dict method such as
    `items`, a name starting with "_", any other object) takes the sandbox's usual path."""

    def getattr(self, obj: Any, attribute: str) -> Any:
        kind = type(obj)
        if attribute[:1] != "_":
            if kind is dict:
                try:
                    return obj[attribute]
                except KeyError:
                    pass
            elif kind is LoopContext or kind is TemplateModule:
                try:
                    return getattr(obj, attribute)
                except AttributeError:
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
        path = self.path
        try:
            source = path.read_text(encoding="utf-8")
            mtime = path.stat().st_mtime
        except (OSError, UnicodeDecodeError) as error:
            raise TemplateProblem(f"{path}: cannot read the template ({error})") from None
        return source, str(path), lambda: path.exists() and path.stat().st_mtime == mtime


def describe(error: BaseException) -> str:
    """A template error as "template, line N: what went wrong", for the person who wrote it."""
    name, line = None, None
    if isinstance(error, TemplateSyntaxError):
        name, line = error.filename or error.name, error.lineno
    else:
        # Jinja rewrites the traceback so that template frames carry the template's file and line
        tb = error.__traceback__
        while tb is not None:
            filename = tb.tb_frame.f_code.co_filename
            if filename.endswith(".j2") or filename.startswith("<template>"):
                name, line = filename, tb.tb_lineno
            tb = tb.tb_next
    message = str(error.message if getattr(error, "message", None) else error) or type(error).__name__
    if isinstance(error, TemplateNotFound):
        message = f"no template called {message!r}"
    elif isinstance(error, UndefinedError):
        if "attribute '_" in message:
            message += " (templates can use the plan's data and filters, not Python's internals)"
    elif isinstance(error, SecurityError):
        message += " (templates run in a sandbox)"
    where = _short_name(name) if name else "template"
    return f"{where}{f', line {line}' if line else ''}: {message}"


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
    return escape.md(_join_words(_quoted(labels), "or"))


def _level(level: Any) -> str:
    """A level's label, in bold."""
    return f"**{escape.md(level['label'])}**"


def _cite(citation: Any) -> str:
    """A source: its full title the first time the plan cites it, the part before the colon after that,
    linked when it has a web address."""
    title = escape.md(citation["title"] if citation["first"] else citation["short_title"])
    target = escape.url(citation["url"])
    text = f"[{title}]({target})" if target else title
    return text + (f" ({escape.md(citation['detail'])})" if citation["detail"] else "")


def _cells(row: Any) -> str:
    """A table row's cells, each made safe with `md`, between the row's pipes."""
    return " | ".join(escape.md(cell) for cell in row)


def _quoted(items: Any) -> list[str]:
    return [f"\u201c{item}\u201d" for item in items]


def _join_words(items: Any, word: str = "and") -> str:
    items = [str(item) for item in items]
    if len(items) <= 2:
        return f" {word} ".join(items)
    return f"{', '.join(items[:-1])} {word} {items[-1]}"


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

