"""The plan's Markdown as HTML: raw HTML in the source is shown as text, never passed through, and
links go only to web addresses. A checklist's boxes are the marks ☑ and ☐ in words a screen reader says
("Yes", "Not yet"), not greyed-out form controls that a reader can hardly tell apart."""

from __future__ import annotations

import html
from typing import Any, cast

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML

from .escape import anchor, mermaid_steps


TICKED = '<span class="box ticked" role="img" aria-label="Yes">\u2611</span>'
OPEN = '<span class="box open" role="img" aria-label="Not yet">\u2610</span>'


def to_html(markdown: str, *, page: bool = False) -> str:
    """The Markdown as HTML. For a page of its own (`page`: the plan, handout or comparison as a web page),
    each table is in a box that scrolls sideways, named after the heading above it, so that a wide table (the
    register has nine columns) scrolls on a phone rather than the whole page; the room's pages lay out their
    tables themselves."""
    return _parser().render(markdown, {"page": page})


_PARSER: list[MarkdownIt] = []


def _parser() -> MarkdownIt:
    if _PARSER:
        return _PARSER[0]
    parser = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    parser.enable(["table", "strikethrough"])
    try:  # installed with Textual; without them boxes show as "[ ]" and headings have no ids
        from mdit_py_plugins.anchors import anchors_plugin
        from mdit_py_plugins.tasklists import tasklists_plugin
    except ImportError:
        pass
    else:
        parser.use(tasklists_plugin).use(anchors_plugin, min_level=1, max_level=4, slug_func=anchor)
    rules = cast(RendererHTML, parser.renderer).rules  # MarkdownIt's own renderer: this parser is given no other
    default_fence = rules["fence"]

    def fence(renderer: Any, tokens: list[Any], index: int, options: Any, env: Any) -> str:
        token = tokens[index]
        if token.info.strip() == "mermaid":
            steps = mermaid_steps(token.content)
            if steps:
                return f'<p class="path">{" &rarr; ".join(html.escape(step) for step in steps)}</p>\n'
        return default_fence(tokens, index, options, env)

    parser.add_render_rule("fence", fence)
    default_inline = rules.get("html_inline")

    def box(renderer: Any, tokens: list[Any], index: int, options: Any, env: Any) -> str:
        # with raw HTML off, the only inline HTML is the task-list plugin's checkbox
        content = tokens[index].content
        if content.startswith('<input class="task-list-item-checkbox"'):
            return TICKED if 'checked="checked"' in content else OPEN
        return default_inline(tokens, index, options, env) if default_inline else html.escape(content)

    parser.add_render_rule("html_inline", box)

    def table_open(renderer: Any, tokens: list[Any], index: int, options: Any, env: Any) -> str:
        opened = renderer.renderToken(tokens, index, options, env)
        if not env.get("page"):
            return opened
        heading = next((tokens[at + 1].content for at in range(index - 1, -1, -1)
                        if tokens[at].type == "heading_open"), "")
        label = html.escape(f"{heading} (a table: scroll sideways for more)" if heading else "A table: scroll"
                            " sideways for more")
        # focusable, so that it can be scrolled from the keyboard too
        return f'<div class="table-scroll" role="region" aria-label="{label}" tabindex="0">\n{opened}'

    def table_close(renderer: Any, tokens: list[Any], index: int, options: Any, env: Any) -> str:
        closed = renderer.renderToken(tokens, index, options, env)
        return f"{closed}</div>\n" if env.get("page") else closed

    parser.add_render_rule("table_open", table_open)
    parser.add_render_rule("table_close", table_close)
    _PARSER.append(parser)
    return parser
