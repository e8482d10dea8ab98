"""`codesign map`: the whole flow drawn as text, as Mermaid for GitHub and GitLab, or as a self-contained web
page readable on A4 landscape and on a projector. It draws what flow/outline.py worked out."""

from __future__ import annotations

import html
import textwrap

from ..flow.outline import FlowMap, LevelMark, SectionMark
from .escape import mermaid

HOW_IT_DECIDES = ("What the work calls for is decided by the first of these rules that holds, in this order."
                  " The recommendation is that level, or lower: the highest level whose needs, and those of"
                  " every level below it, the answers meet.")
NUMBERS = "Q1, Q2 … are the questions' numbers, as in the app, plain mode and the plan."


def _rules(flow_map: FlowMap) -> list[tuple[int, str, str, str, bool]]:
    """(number, rule id, level label, condition in words, reached), in the order the rules are tried."""
    ordered = []
    for level in flow_map.levels:
        for rule in level.rules:
            ordered.append((rule, level))
    order = {rule_id: index for index, rule_id in enumerate(flow_map.rule_order)}
    ordered.sort(key=lambda pair: order.get(pair[0].id, len(order)))
    return [(number, rule.id, level.label, rule.when, rule.reached)
            for number, (rule, level) in enumerate(ordered, 1)]


def _when(rule_when: str) -> str:
    return f"when {rule_when}" if rule_when else "in every other case"


def _needs(level: LevelMark) -> list[str]:
    return [f"Q{need.number} {'includes' if need.several else 'is'} {need.accepts}"
            + (f", when {need.when}" if need.when else "") for need in level.needs]


def _asked(section: SectionMark) -> str:
    return f"asked only when {section.when}" if section.when else ""


# -- text -----------------------------------------------------------------------------------------------

def as_text(flow_map: FlowMap, width: int = 100) -> str:
    def wrap(text: str, indent: str = "", hang: str = "   ") -> str:
        return textwrap.fill(text, width, initial_indent=indent, subsequent_indent=indent + hang,
                             break_on_hyphens=False)

    title = f"Map of the flow “{flow_map.title}” ({flow_map.id}, version {flow_map.version})"
    lines = [title, "=" * min(len(title), width), wrap(flow_map.summary, hang=""), "", wrap(NUMBERS, hang=""), "",
             "THE CONVERSATION", "----------------"]
    for number, section in enumerate(flow_map.sections, 1):
        lines.append(f"{number}. {section.title}" + ("" if section.reachable else "  [NEVER REACHED]"))
        if section.when:
            lines.append(wrap(f"(this part is {_asked(section)})", "   "))
        for question in section.questions:
            mark = " *" if question.read_by_rules else ""
            lines.append(wrap(f"Q{question.number}{mark} {question.prompt}", "   "))
            if question.answers:
                lines.append(wrap(" / ".join(question.answers), "      "))
            if question.when:
                lines.append(wrap(f"asked only when {question.when}", "      "))
        for turn in section.turns:
            lines.append(wrap(f"→ {'if ' + turn.when + ': ' if turn.when and turn.when != 'otherwise' else ''}"
                              f"{'otherwise: ' if turn.when == 'otherwise' else ''}{turn.to}", "   "))
        lines.append("")
    lines.append("* the recommendation reads this answer")
    lines += ["", "THE DECISION", "------------", wrap(HOW_IT_DECIDES, hang=""), ""]
    for number, rule_id, level_label, when, reached in _rules(flow_map):
        lines.append(wrap(f"{number}. {level_label}, {_when(when)} (rule {rule_id})"
                          + ("" if reached else "  [NO ANSWERS REACH THIS RULE]"), "  "))
    if flow_map.floors:
        lines += ["", "Floors (the lowest level allowed, whatever else the answers say):"]
        for floor_id, level_label, when, because in flow_map.floors:
            lines.append(wrap(f"- at least {level_label}, {_when(when)}: {because} (floor {floor_id})", "  "))
    lines += ["", "What each level needs:"]
    for index, level in enumerate(flow_map.levels):
        lines.append(f"  {level.label}" + ("" if level.reached else "  [NO ANSWERS LEAD HERE]"))
        needs = _needs(level)
        for need in needs or ["nothing more than the levels below it" if index else "nothing"]:
            lines.append(wrap(f"- {need}", "    "))
    if not flow_map.counted:
        lines += ["", wrap("(This flow has too many combinations of answers to check which levels and rules"
                           " can be reached, so none is marked.)")]
    return "\n".join(lines).rstrip() + "\n"


# -- Mermaid --------------------------------------------------------------------------------------------

def as_mermaid(flow_map: FlowMap) -> str:
    def label(*parts: str) -> str:
        return "<br/>".join(mermaid(part) for part in parts if part)

    def short(text: str, most: int = 60) -> str:
        return text if len(text) <= most else text[: most - 1].rstrip() + "…"

    out = ["flowchart TD"]
    ids = {section.id: f"s{index}" for index, section in enumerate(flow_map.sections)}
    ids["end"] = "finish"
    for index, section in enumerate(flow_map.sections, 1):
        body = [f"{index}. {section.title}"]
        body += [short(f"Q{q.number} {q.prompt}") for q in section.questions]
        if section.when:
            body.append(short(f"only when {section.when}", 80))
        out.append(f'  {ids[section.id]}["{label(*body)}"]')
        if not section.reachable:
            out.append(f"  class {ids[section.id]} unreached")
    out.append('  finish(["The end"])')
    for section in flow_map.sections:
        for turn in section.turns:
            target = ids.get(turn.to_id, "finish")
            if turn.when:
                out.append(f'  {ids[section.id]} -->|"{mermaid(short(turn.when, 80))}"| {target}')
            else:
                out.append(f"  {ids[section.id]} --> {target}")
    out.append('  subgraph decision["The decision: the first rule that holds decides what the work calls for"]')
    out.append("    direction TB")
    for level_index, level in enumerate(flow_map.levels):
        needs = [short(need, 70) for need in _needs(level)]
        out.append(f'    l{level_index}["{label(level.label, *(["needs " + needs[0]] + needs[1:] if needs else []))}"]')
        if not level.reached:
            out.append(f"    class l{level_index} unreached")
    level_ids = {level.label: f"l{i}" for i, level in enumerate(flow_map.levels)}
    for number, rule_id, level_label, when, reached in _rules(flow_map):
        out.append(f'    r{number}["{label(f"{number}. {short(_when(when), 80)}")}"] --> {level_ids[level_label]}')
        if not reached:
            out.append(f"    class r{number} unreached")
    for index, (floor_id, level_label, when, _because) in enumerate(flow_map.floors):
        out.append(f'    f{index}["{label(f"at least, {short(_when(when), 80)}")}"] -.-> {level_ids[level_label]}'
                   if level_label in level_ids else f'    f{index}["{label(floor_id)}"]')
    out.append("  end")
    out.append("  classDef unreached stroke-dasharray: 5 5,color:#555")
    return "\n".join(out) + "\n"


# -- the web page ---------------------------------------------------------------------------------------

STYLE = """
@page { size: A4 landscape; margin: 12mm; }
body { font: 15px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; color: #111;
       margin: 1.5rem auto; max-width: 100rem; padding: 0 1rem; overflow-wrap: anywhere; }
h1 { font-size: 1.6rem; margin: 0 0 .3rem; } h2 { font-size: 1.3rem; margin: 1.2rem 0 .5rem; }
.columns { display: grid; grid-template-columns: 3fr 2fr; gap: 2rem; align-items: start; }
@media (max-width: 900px) { .columns { grid-template-columns: 1fr; } }
ol.sections { list-style: none; padding: 0; margin: 0; }
.section { border: 2px solid #333; border-radius: 6px; padding: .5rem .8rem; margin: 0 0 .3rem; break-inside: avoid; }
.section h3 { font-size: 1.05rem; margin: 0 0 .3rem; }
.section ul { margin: 0; padding-left: 1.1rem; }
.answers, .when { color: #333; font-size: .9em; }
.turn { margin: .1rem 0 .6rem 1rem; font-size: .95em; }
.turn::before { content: "↓ "; font-weight: bold; }
.unreached { border-style: dashed; color: #555; }
.note { font-weight: bold; }
.rules li, .needs li { margin-bottom: .3rem; }
.level { font-weight: bold; }
.read { font-weight: bold; }
@media print { body { font-size: 10pt; margin: 0; max-width: none; } .columns { grid-template-columns: 3fr 2fr; }
               .section { padding: .3rem .6rem; } }
"""


def as_html(flow_map: FlowMap) -> str:
    e = html.escape
    parts = ['<!DOCTYPE html>\n<html lang="en-GB">\n<head>\n<meta charset="utf-8">',
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">",
             f"<title>Map of the flow: {e(flow_map.title)}</title>", f"<style>{STYLE}</style>", "</head>",
             "<body>", f"<h1>Map of the flow: {e(flow_map.title)}</h1>",
             f"<p>{e(flow_map.summary)} <span class=\"when\">(flow {e(flow_map.id)}, version"
             f" {e(flow_map.version)})</span></p>", f"<p class=\"when\">{e(NUMBERS)} Questions in"
             " <strong>bold</strong> are read by the recommendation.</p>",
             '<div class="columns">', "<section>", "<h2>The conversation</h2>", '<ol class="sections">']
    for number, section in enumerate(flow_map.sections, 1):
        unreached = "" if section.reachable else " unreached"
        parts.append(f'<li><div class="section{unreached}"><h3>{number}. {e(section.title)}</h3>')
        if not section.reachable:
            parts.append('<p class="note">No answers reach this part.</p>')
        if section.when:
            parts.append(f'<p class="when">This part is {e(_asked(section))}.</p>')
        parts.append("<ul>")
        for question in section.questions:
            prompt = f"Q{question.number} {e(question.prompt)}"
            parts.append(f"<li>{'<span class=read>' + prompt + '</span>' if question.read_by_rules else prompt}")
            if question.answers:
                parts.append(f'<div class="answers">{e(" / ".join(question.answers))}</div>')
            if question.when:
                parts.append(f'<div class="when">Asked only when {e(question.when)}.</div>')
            parts.append("</li>")
        parts.append("</ul></div>")
        for turn in section.turns:
            if turn.when == "otherwise":
                text = f"otherwise: {e(turn.to)}"
            elif turn.when:
                text = f"if {e(turn.when)}: {e(turn.to)}"
            else:
                text = e(turn.to)
            parts.append(f'<p class="turn">{text}</p>')
        parts.append("</li>")
    parts += ["</ol>", "</section>", "<section>", "<h2>The decision</h2>", f"<p>{e(HOW_IT_DECIDES)}</p>",
              '<ol class="rules">']
    for _number, rule_id, level_label, when, reached in _rules(flow_map):
        note = "" if reached else ' <span class="note">(no answers reach this rule)</span>'
        parts.append(f'<li><span class="level">{e(level_label)}</span>, {e(_when(when))}{note}'
                     f' <span class="when">(rule {e(rule_id)})</span></li>')
    parts.append("</ol>")
    if flow_map.floors:
        parts.append("<h2>Floors</h2><p>The lowest level allowed, whatever else the answers say.</p><ul>")
        for floor_id, level_label, when, because in flow_map.floors:
            parts.append(f'<li>At least <span class="level">{e(level_label)}</span>, {e(_when(when))}: {e(because)}'
                         f' <span class="when">(floor {e(floor_id)})</span></li>')
        parts.append("</ul>")
    parts += ["<h2>What each level needs</h2>"]
    for index, level in enumerate(flow_map.levels):
        note = "" if level.reached else ' <span class="note">(no answers lead here)</span>'
        parts.append(f'<h3 class="level">{e(level.label)}{note}</h3>')
        needs = _needs(level)
        if needs:
            parts.append('<ul class="needs">' + "".join(f"<li>{e(need)}</li>" for need in needs) + "</ul>")
        else:
            parts.append(f"<p>{'Nothing more than the levels below it' if index else 'Nothing'}.</p>")
    if not flow_map.counted:
        parts.append("<p class=\"when\">This flow has too many combinations of answers to check which levels"
                     " and rules can be reached, so none is marked.</p>")
    parts += ["</section>", "</div>", "</body>", "</html>"]
    return "\n".join(parts) + "\n"


FORMATS = {"text": as_text, "mermaid": as_mermaid, "html": as_html}
