"""`codesign compare` and the plan's "Where partners see it differently": the engine's Comparison
(flow/voices.py) in words, as Markdown (and from it a web page, Word and text) or JSON."""

from __future__ import annotations

import json
from typing import Any

from ..flow.model import Flow
from ..flow.terms import join_words
from ..flow.voices import Change, Comparison, Difference
from .escape import md

CAUTION = ("Where the voices differ on a question the recommendation's conditions read, this takes the answer"
           " given that meets the fewest of them (No, then Not sure, then Partly, then Yes). It is the"
           " recommendation that holds whoever turns out to be right, not a verdict on who is; it is this tool's"
           " reading of Recommendation 5, which asks for knowledge and lived experience to be valued equally.")


def _label(flow: Flow, level_id: str) -> str:
    return flow.level(level_id).label


def _answer(flow: Flow, question_id: str, value: Any) -> str:
    return flow.question(question_id).label(value)


def _prompt(flow: Flow, question_id: str) -> str:
    return f"Q{flow.number(question_id)} “{flow.question(question_id).prompt}”"


def change_words(comparison: Comparison, difference: Difference, change: Change, named: bool = True) -> str:
    """ "The VCSE partner answered Partly to Q4 “…”, not Yes: on that answer the recommendation falls to
    Consult." Said of any voice's name, singular or plural ("People with lived experience answered …")."""
    flow = comparison.flow
    first = comparison.baseline
    mine = first.result.answers.get(difference.question)
    levels = first.result.levels
    was = levels.recommendation.id
    if change.recommendation == was:
        moved = f"the recommendation stays {_label(flow, was)}"
    elif flow.rank(change.recommendation) < flow.rank(was):
        moved = f"the recommendation falls to {_label(flow, change.recommendation)}"
    else:
        moved = f"the recommendation rises to {_label(flow, change.recommendation)}"
    if change.calls_for != levels.calls_for.id:
        moved += (f", and the work would call for {_label(flow, change.calls_for)} instead of"
                  f" {_label(flow, levels.calls_for.id)}")
    if change.confirm_moves:
        first_confirmed = first.result.if_confirmed.id if first.result.if_confirmed else was
        moved += (f"; once every “Not sure” is confirmed it would be {_label(flow, change.if_confirmed or change.recommendation)},"
                  f" not {_label(flow, first_confirmed)}")
    theirs = f"“{_answer(flow, difference.question, change.answer)}”"
    about = f" to {_prompt(flow, difference.question)}" if named else ""
    not_mine = f", not “{_answer(flow, difference.question, mine)}” ({first.name})" if mine is not None else ""
    voice = change.voice[:1].upper() + change.voice[1:]
    return f"{voice} answered {theirs}{about}{not_mine}: on that answer {moved}."


def summary_line(comparison: Comparison) -> str:
    """One sentence for the plan's summary: whether the other voices' answers change the recommendation."""
    flow = comparison.flow
    others = join_words([voice.name for voice in comparison.voices[1:]])
    moving = [d for d in comparison.differences if d.moves]
    count = len(comparison.differences)
    if not count:
        return f"Every question was answered alike by {others}, so the recommendation is the same for all."
    if not moving and all(v.result.recommendation == comparison.baseline.result.recommendation
                          for v in comparison.voices[1:]):
        later = sum(1 for d in comparison.differences if d.matters)
        if later:
            return (f"Answers from {others} differ on {count} question{'s' * (count != 1)}; none changes the"
                    f" recommendation now, but {later} would change what it becomes once every “Not sure” is"
                    " confirmed.")
        return (f"Answers from {others} differ on {count} question{'s' * (count != 1)}, but no difference"
                " changes the recommendation.")
    held = comparison.common_result.levels.recommendation.id if comparison.common_result else ""
    return (f"Answers from {others} differ on {len(moving)} question{'s' * (len(moving) != 1)} in a way that"
            f" changes the recommendation; on what everyone agrees, it is {_label(flow, held)}.")


def partners_section(comparison: Comparison) -> list[str]:
    """The plan's section after the summary: one line per difference that changes the recommendation, the
    rest counted."""
    flow = comparison.flow
    lines = ["## Where partners see it differently", ""]  # whether they change it is said in the summary
    moving = [d for d in comparison.differences if d.matters]
    for difference in moving:
        for change in difference.changes:
            if change.moves or change.confirm_moves:
                lines.append(f"- {md(change_words(comparison, difference, change))}")
    rest = len(comparison.differences) - len(moving)
    if moving:
        lines.append("")
    elif not rest:
        lines += ["Every question was answered alike.", ""]
    if rest:
        lines += [f"{rest} other difference{'s' * (rest != 1)} in the answers change{'s' * (rest == 1)} nothing in"
                  " the recommendation.", ""]
    if comparison.common_result is not None and moving:
        lines += [f"On what everyone agrees, the recommendation is"
                  f" {md(_label(flow, comparison.common_result.levels.recommendation.id))}. {md(CAUTION)}", ""]
    return lines


def to_markdown(comparison: Comparison, project: str = "") -> str:
    flow = comparison.flow
    voices = comparison.voices
    lines = [f"# Where the voices differ: {md(project or flow.title)}", "",
             f"The same questions ({md(flow.title)}) answered by {md(join_words([v.name for v in voices]))}."
             f" The first, {md(voices[0].name)}, is the baseline: each difference is tried as a change to its"
             " answers.", "", md(summary_line(comparison)), "", "## Each voice's recommendation", "",
             "| | " + " | ".join(md(v.name) for v in voices) + " |", "|---|" + "---|" * len(voices)]
    if flow.levels:
        lines.append("| Recommendation | " + " | ".join(md(v.result.levels.recommendation.label) for v in voices) + " |")
        lines.append(f"| {md(flow.calls_for_words[:1].upper() + flow.calls_for_words[1:])} | "
                     + " | ".join(md(v.result.levels.calls_for.label) for v in voices) + " |")
        lines.append("| Held back by | " + " | ".join(
            md(", ".join(f"Q{flow.number(q)}" for q in v.result.held_back_by) or "nothing") for v in voices) + " |")
        held = [q.id for q in flow.questions if any(q.id in v.result.held_back_by for v in voices)]
        if held:  # a reader of a board paper should not have to look the question numbers up
            lines += ["", "What holds a recommendation back is the answer to:", ""]
            lines += [f"- {md(_prompt(flow, q))}" for q in held]
    lines += ["", "## Where the answers differ", ""]
    if not comparison.differences:
        lines += ["Every question was answered alike.", ""]
    for difference in comparison.differences:
        lines += [f"### {md(_prompt(flow, difference.question))}", ""]
        for voice, value in difference.answers:
            lines.append(f"- {md(voice)}: {md(_answer(flow, difference.question, value))}")
        lines.append("")
        for change in difference.changes:
            lines += [md(change_words(comparison, difference, change, named=False)), ""]
    lines += ["## What everyone agrees on", ""]
    lines += [f"- {md(_prompt(flow, q))}: {md(_answer(flow, q, comparison.baseline.result.answers.get(q)))}"
              for q in comparison.agreed] or ["Nothing yet: no question was answered alike by everyone."]
    lines.append("")
    if flow.levels and comparison.common_result is not None:
        result = comparison.common_result
        lines += ["## A recommendation that holds on what everyone agrees", "",
                  f"On what everyone agrees, the recommendation is {md(result.levels.recommendation.label)}."
                  f" {md(CAUTION)}", ""]
        for question_id, voice in comparison.cautious.items():
            lines.append(f"- {md(_prompt(flow, question_id))}: {md(_answer(flow, question_id, comparison.common[question_id]))}"
                         f" (answered by {md(voice)})")
        if comparison.cautious:
            lines.append("")
        if comparison.settle_first:
            lines += ["Settle these together first, those that move the recommendation furthest first:", ""]
            lines += [f"{number}. {md(_prompt(flow, q))}" for number, q in enumerate(comparison.settle_first, 1)]
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def to_json(comparison: Comparison, project: str = "") -> str:
    flow = comparison.flow

    def level(value: Any) -> Any:
        return value.id if value is not None else None

    data = {
        "flow": flow.id, "flow_version": flow.version, "project": project,
        "voices": [{"name": v.name, "recommendation": level(v.result.recommendation),
                    "calls_for": level(v.result.calls_for), "held_back_by": v.result.held_back_by}
                   for v in comparison.voices],
        "differences": [{"question": d.question, "answers": {voice: value for voice, value in d.answers},
                         "changes": [{"voice": c.voice, "answer": c.answer, "recommendation": c.recommendation,
                                      "calls_for": c.calls_for, "moves": c.moves, "if_confirmed": c.if_confirmed,
                                      "confirm_moves": c.confirm_moves} for c in d.changes],
                         "moves": d.moves} for d in comparison.differences],
        "agreed": comparison.agreed,
        "common_ground": {"recommendation": level(comparison.common_result.recommendation)
                          if comparison.common_result else None,
                          "calls_for": level(comparison.common_result.calls_for) if comparison.common_result else None,
                          "cautious_answers": {q: {"answer": comparison.common[q], "voice": voice}
                                               for q, voice in comparison.cautious.items()},
                          "settle_first": comparison.settle_first},
        "changes_recommendation": comparison.changes_recommendation,
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def render_comparison(fmt: str, comparison: Comparison, project: str = "", paper: str = "a4") -> bytes:
    if fmt == "json":
        return to_json(comparison, project).encode("utf-8")
    markdown = to_markdown(comparison, project)
    if fmt == "md":
        return markdown.encode("utf-8")
    if fmt == "text":
        from .text import to_text

        return to_text(markdown).encode("utf-8")
    title = f"Where the voices differ: {project or comparison.flow.title}"
    if fmt == "html":
        from markupsafe import Markup

        from ..flow.visible import visible
        from .html import to_html
        from .render import PAGE, _render

        return _render(None, PAGE, {"body": Markup(to_html(markdown, page=True)), "title": visible(title), "date": ""}
                       ).encode("utf-8")
    if fmt == "docx":
        from .word import to_docx

        return to_docx(markdown, title=title, subject=comparison.flow.title, paper=paper)
    raise ValueError(f"unknown format {fmt!r}")


def panel_view(comparison: Comparison, revealed: bool) -> dict[str, Any]:
    """What the room's trainer's page shows of a panel: each question where the answers given so far differ,
    each voice's answer in words and, once the round is revealed, what the difference changes and each
    voice's recommendation. Before the reveal nothing names a level: the page may be on a projector."""
    flow = comparison.flow
    differing, waiting = [], 0
    for difference in comparison.differences:
        given = {repr(sorted(v) if isinstance(v, list) else v) for _, v in difference.answers if v is not None}
        if len(given) < 2:  # a voice has not answered it yet; the rest agree so far
            waiting += 1
            continue
        differing.append({
            "number": flow.number(difference.question), "prompt": flow.question(difference.question).prompt,
            "answers": [(voice, "Not answered yet" if value is None else _answer(flow, difference.question, value))
                        for voice, value in difference.answers],
            "changes": [change_words(comparison, difference, change, named=False) for change in difference.changes]
            if revealed and flow.levels else []})
    recommendations = [(voice.name, voice.result.levels.recommendation.label) for voice in comparison.voices] \
        if revealed and flow.levels else []
    held = comparison.common_result.levels.recommendation.label \
        if revealed and flow.levels and comparison.common_result is not None else ""
    return {"differences": differing, "agreed": len(comparison.agreed), "waiting": waiting,
            "recommendations": recommendations, "common": held, "baseline": comparison.baseline.name}
