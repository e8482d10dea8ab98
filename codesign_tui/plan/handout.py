"""`codesign handout`: a printable sheet for a training session: the scenario (for a worked example), then
each question with its answers to tick, its discussion prompts and room to write; with `key`, the case's
answer to each question and why, and the case's recommendation at the end."""

from __future__ import annotations

from typing import Any

from ..flow.engine import evaluate
from ..flow.examples import WorkedExample
from ..flow.model import Flow
from ..flow.outline import say
from .escape import md, paragraphs

WRITING_LINES = 3
LINE = "\\_" * 40  # a line to write on, in every format (escaped, so Markdown keeps the underscores)


def to_markdown(flow: Flow, example: WorkedExample | None = None, key: bool = False) -> str:
    title = example.title if example else flow.title
    heading = f"{title}: answer key" if key else f"{title}: handout"
    lines = [f"# {md(heading)}", ""]
    if example:
        lines += [f"A worked example for the flow “{md(flow.title)}”" + (f", from {md(example.source)}"
                                                                          if example.source else "") + ".", ""]
        lines += ["## The scenario", ""]
        for part in paragraphs(example.scenario):
            lines += [part, ""]
    else:
        lines += [md(flow.summary), ""]
    lines += ["## The questions", "",
              "Tick the answer that fits best, and note why. The discussion prompts are for your table.", ""]
    for question in flow.questions:
        number = flow.number(question.id)
        lines += [f"### {number}. {md(question.prompt)}", ""]
        if question.when is not None:
            lines += [f"Asked only when {md(say(flow, question.when))}.", ""]
        if question.kind == "record":
            lines += ["For each one: " + md("; ".join(field.prompt for field in question.fields)), ""]
        elif question.options:
            mark = "Tick all that fit" if question.kind == "multiple" else "Tick one"
            chosen = _chosen(example.answers.get(question.id)) if key and example else set()
            lines += [f"{mark}:", ""]
            lines += [f"- [{'x' if option.value in chosen else ' '}] {md(option.label)}" for option in question.options]
            lines.append("")
        if question.discussion:
            lines += ["To discuss:", ""]
            lines += [f"- {md(prompt)}" for prompt in question.discussion]
            lines.append("")
        if key and example:
            lines += _key_lines(flow, example, question.id)
        else:
            lines += ["Why:", ""] + [LINE + "  " for _ in range(WRITING_LINES - 1)] + [LINE, ""]
    if key and example:
        lines += _recommendation(flow, example)
    terms = _terms(flow, "\n".join(lines))
    if terms:
        lines[2:2] = [" ".join(terms), ""]
    return "\n".join(lines).rstrip() + "\n"


def _chosen(answer: Any) -> set[str]:
    return set(answer) if isinstance(answer, list) else {answer} if isinstance(answer, str) else set()


def _terms(flow: Flow, text: str) -> list[str]:
    """Each abbreviation of the flow that the sheet uses, spelt out once at the top."""
    import re

    return [f"{md(term.term)} means {md(term.meaning)}." for term in flow.terms
            if re.search(rf"\b{re.escape(term.term)}\b", text)]


def _key_lines(flow: Flow, example: WorkedExample, question_id: str) -> list[str]:
    question = flow.question(question_id)
    if question_id not in example.answers:
        return ["**The case:** not asked on the case's path.", ""]
    answer = question.label(example.answers[question_id])
    reason = example.reasons.get(question_id, "")
    return [f"**The case's answer:** {md(answer)}." + (f" {md(reason)}" if reason else ""), ""]


def _recommendation(flow: Flow, example: WorkedExample) -> list[str]:
    result = evaluate(flow, example.answers)
    lines = ["## What the case gives", ""]
    if flow.levels:
        levels = result.levels
        lines += [f"The recommendation is **{md(levels.recommendation.label)}**."
                  f" {md(flow.levels_sentence(levels.calls_for, levels.supported))}", ""]
    for part in paragraphs(example.note):
        lines += [part, ""]
    return lines


def render_handout(fmt: str, flow: Flow, example: WorkedExample | None = None, key: bool = False,
                   paper: str = "a4") -> bytes:
    markdown = to_markdown(flow, example, key)
    if fmt == "md":
        return markdown.encode("utf-8")
    if fmt == "text":
        from .text import to_text

        return to_text(markdown).encode("utf-8")
    title = (example.title if example else flow.title) + (": answer key" if key else ": handout")
    if fmt == "html":
        from markupsafe import Markup

        from ..flow.visible import visible
        from .html import to_html
        from .render import PAGE, _render

        return _render(None, PAGE, {"body": Markup(to_html(markdown, page=True)), "title": visible(title), "date": ""}
                       ).encode("utf-8")
    if fmt == "docx":
        from .word import to_docx

        return to_docx(markdown, title=title, subject=flow.title, paper=paper)
    raise ValueError(f"unknown format {fmt!r}")


def examples_by_name(flows_folder: Any) -> dict[str, WorkedExample]:
    from ..flow.examples import worked_examples

    return {example.name: example for example in worked_examples(flows_folder)}
