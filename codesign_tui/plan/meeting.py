"""`codesign meeting`: a sheet for the chair of one meeting: declarations first, then for each agenda item
whose registered interests it touches, how each is to be handled and the sentence for the minutes. The
agenda is a text file (one item a line) or YAML (items with optional `concerns:`); the words are in
`templates/meeting.md.j2`."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..flow.engine import Result
from ..flow.model import Flow
from ..records import record
from .register import cell
from .record import register_question

MAX_AGENDA_BYTES = 256 * 1024  # an agenda is a page or two; this leaves room and bounds the work
MAX_ITEMS = 500
TEMPLATE = "meeting.md.j2"


class AgendaError(Exception):
    """An agenda that cannot be read: the message is `file:line: what is wrong`."""


@record(frozen=True)
class AgendaItem:
    title: str
    concerns: tuple[str, ...] = ()
    line: int = 0


def read_agenda(path: Path) -> list[AgendaItem]:
    """The items of an agenda file: YAML when it ends .yaml or .yml, else one item a line (blank lines and
    lines starting # left out; a leading number or dash is dropped)."""
    from ..flow.document import Unreadable, read_regular_file

    try:
        raw = read_regular_file(path, MAX_AGENDA_BYTES, "an agenda")
    except Unreadable as refused:
        raise AgendaError(f"{path}:1: {refused.message}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[:error.start].count(b"\n") + 1
        raise AgendaError(f"{path}:{line}: this is not UTF-8 text; save the agenda as UTF-8") from None
    items = _yaml_items(path, text) if path.suffix.lower() in (".yaml", ".yml") else _text_items(path, text)
    if not items:
        raise AgendaError(f"{path}:1: the agenda has no items; write one item a line")
    if len(items) > MAX_ITEMS:
        raise AgendaError(f"{path}:{items[MAX_ITEMS].line}: more than {MAX_ITEMS} items; split the agenda")
    return items


_NUMBERED = re.compile(r"^\s*(?:[-*•]|\(?\d+[.)]|\d+\s*[:-])\s*")


def _text_items(path: Path, text: str) -> list[AgendaItem]:
    items = []
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if any(ord(c) < 32 and c != "\t" for c in stripped):
            raise AgendaError(f"{path}:{number}: a control character in this line; write plain text")
        title = _NUMBERED.sub("", stripped).strip()
        if not title:
            raise AgendaError(f"{path}:{number}: this line has a number but no item")
        items.append(AgendaItem(title, (), number))
        if len(items) > MAX_ITEMS:
            break
    return items


def _yaml_items(path: Path, text: str) -> list[AgendaItem]:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        root = yaml.compose(text, Loader=loader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        raise AgendaError(f"{path}:{line}: this is not valid YAML ({getattr(error, 'problem', None) or error})"
                          ) from None
    if root is None:
        return []
    where = lambda node: node.start_mark.line + 1  # noqa: E731
    if isinstance(root, yaml.MappingNode):
        keys = {k.value: v for k, v in root.value if isinstance(k, yaml.ScalarNode)}
        if set(keys) - {"items", "meeting", "date"}:
            extra = next(k for k in keys if k not in ("items", "meeting", "date"))
            raise AgendaError(f"{path}:{where(root)}: unknown key {extra!r}; an agenda has `items:` (and may"
                              " have `meeting:` and `date:`)")
        if "items" not in keys:
            raise AgendaError(f"{path}:{where(root)}: an agenda in YAML needs `items:`, a list of the items")
        root = keys["items"]
    if not isinstance(root, yaml.SequenceNode):
        raise AgendaError(f"{path}:{where(root)}: the items should be a list, one item after each `- `")
    items = []
    for node in root.value[:MAX_ITEMS + 1]:
        if isinstance(node, yaml.ScalarNode):
            if not node.value.strip():
                raise AgendaError(f"{path}:{where(node)}: an empty item; write what the item is about")
            items.append(AgendaItem(node.value.strip(), (), where(node)))
            continue
        if not isinstance(node, yaml.MappingNode):
            raise AgendaError(f"{path}:{where(node)}: an item is a line of text, or `item:` with optional"
                              " `concerns:`")
        fields = {}
        for key, value in node.value:
            name = key.value if isinstance(key, yaml.ScalarNode) else ""
            if name not in ("item", "title", "concerns"):
                raise AgendaError(f"{path}:{where(key)}: unknown key {name!r} in an item; use `item:` and"
                                  " `concerns:`")
            fields[name] = value
        title_node = fields.get("item", fields.get("title"))
        if not isinstance(title_node, yaml.ScalarNode) or not title_node.value.strip():
            raise AgendaError(f"{path}:{where(node)}: this item has no `item:` saying what it is about")
        concerns: list[str] = []
        given = fields.get("concerns")
        if isinstance(given, yaml.ScalarNode):
            concerns = [given.value.strip()] if given.value.strip() else []
        elif isinstance(given, yaml.SequenceNode):
            for entry in given.value:
                if not isinstance(entry, yaml.ScalarNode) or not entry.value.strip():
                    raise AgendaError(f"{path}:{where(entry)}: each of `concerns:` is the name of an"
                                      " organisation or a person")
                concerns.append(entry.value.strip())
        elif given is not None:
            raise AgendaError(f"{path}:{where(given)}: `concerns:` is a list of organisations or people")
        items.append(AgendaItem(title_node.value.strip(), tuple(concerns), where(node)))
    return items


def _mentions(text: str, name: str) -> bool:
    """Whether `name` appears in `text` as whole words, whatever the case."""
    name = " ".join(name.split())
    if len(name) < 2:
        return False
    return re.search(r"(?<!\w)" + re.escape(name.casefold()) + r"(?!\w)", " ".join(text.split()).casefold()) is not None


def sheet(flow: Flow, result: Result, agenda: list[AgendaItem]) -> dict[str, Any]:
    """The data of the meeting sheet: every registered interest, and each item with those it touches (an
    organisation or person named in the item or in its `concerns:`)."""
    question = register_question(flow)
    entries = []
    for index, entry in enumerate(result.answers.get(question.id) or []):
        if not isinstance(entry, dict):
            continue
        def shown(field_id: str) -> str:
            spec = question.field(field_id)
            return cell(spec, entry.get(field_id)) if spec else ""
        entries.append({"number": index + 1, "name": str(entry.get("name") or f"Entry {index + 1}"),
                        "organisation": str(entry.get("organisation") or ""), "role": str(entry.get("role") or ""),
                        "type": shown("interest_type"), "description": str(entry.get("description") or ""),
                        "management": str(entry.get("management") or ""), "handling": shown("management"),
                        "may_bid": entry.get("may_bid") in ("yes", "unsure")})
    items = []
    for number, item in enumerate(agenda, 1):
        text = " ".join((item.title, *item.concerns))
        touched = []
        for entry in entries:
            names = [n for n in (entry["name"], entry["organisation"]) if n]
            why = [n for n in names if _mentions(text, n)
                   or any(_mentions(n, c) for c in item.concerns)]
            if why:
                touched.append(dict(entry, because=why))
        items.append({"number": number, "title": item.title, "concerns": list(item.concerns), "touched": touched})
    return {"entries": entries, "items": items}


def to_markdown(flow: Flow, result: Result, meta: Any, agenda: list[AgendaItem], templates: Path | None = None) -> str:
    from .context import build
    from .render import _render, tidy

    data = build(flow, result, meta)
    data["sheet"] = sheet(flow, result, agenda)
    return tidy(_render(templates, TEMPLATE, data))


def render_sheet(fmt: str, flow: Flow, result: Result, meta: Any, agenda: list[AgendaItem],
                 paper: str = "a4") -> bytes:
    markdown = to_markdown(flow, result, meta, agenda)
    title = markdown.split("\n", 1)[0].lstrip("#").strip()
    if fmt == "md":
        return markdown.encode("utf-8")
    if fmt == "text":
        from .text import to_text

        return to_text(markdown).encode("utf-8")
    if fmt == "html":
        from markupsafe import Markup

        from ..flow.visible import visible
        from .html import to_html
        from .render import PAGE, _render

        return _render(None, PAGE, {"body": Markup(to_html(markdown)), "title": visible(title), "date": ""}
                       ).encode("utf-8")
    if fmt == "docx":
        from .word import to_docx

        return to_docx(markdown, title=title, author=getattr(meta, "prepared_by", "") or "",
                       date=getattr(meta, "date", "") or "", subject=flow.title, paper=paper)
    raise ValueError(f"unknown format {fmt!r}")
