"""A cohort as a Markdown report (text bars and a Mermaid pie, readable in any viewer) and as JSON."""

from __future__ import annotations

import json
from fractions import Fraction
from typing import Any

from ..flow.confirming import count_words
from ..plan.escape import md, mermaid
from .model import MEASURE, CaseComparison, Cohort, Count, FlowCohort, NotCounted, QuestionSpread, SeatComparison

BAR_WIDTH = 20


def bar(share: Fraction | float) -> str:
    """A share as a bar of BAR_WIDTH characters in a code span, so that it lines up in any viewer."""
    filled = round(float(share) * BAR_WIDTH)
    return "`" + "█" * filled + "░" * (BAR_WIDTH - filled) + "`"


def percent(share: Fraction | float) -> str:
    return f"{float(share):.0%}"


def people(count: int) -> str:
    return "1 person" if count == 1 else f"{count} people"


def sets(count: int) -> str:
    return "1 answer set" if count == 1 else f"{count:,} answer sets"


def render_markdown(cohort: Cohort, on_screen: bool = False, narrow: bool = False, reveal: bool = True) -> str:
    """The report a trainer reads: for each flow, the recommendations, what held them back, the room
    against a worked example (when compared with one), each question most divided first, the answers not
    counted, and the notes; then the files skipped and why. `on_screen` leaves out the Mermaid chart, which
    a terminal shows as its source (the table's bars say the same); `narrow` lists the most divided
    questions instead of tabling them, so a question is not squeezed into a column. Without `reveal` (a
    room not yet revealed, on a projector) nothing is said about any recommendation or about the case:
    progress and the spread of answers only."""
    out = ["# How the room answered", ""]
    skipped = len(cohort.skipped)
    summary = f"{sets(cohort.answer_sets).capitalize()} counted from {cohort.files:,} file" \
              f"{'s' if cohort.files != 1 else ''}"
    if skipped:
        summary += f"; {skipped:,} file{'s' if skipped != 1 else ''} skipped (listed at the end)"
    out += [summary + ".", ""]
    for said in cohort.rounds:
        out += [md(said), ""]
    if len(cohort.flows) > 1:
        out += ["The files answer more than one flow, so each flow is reported on its own, the flow with the"
                " most answer sets first.", ""]
    for flow_cohort in cohort.flows:
        out += _flow(flow_cohort, on_screen, narrow, reveal)
    if cohort.skipped:
        out += ["## Skipped files", "", "| File | Why it was skipped |", "|---|---|"]
        out += [f"| {md(item.path)} | {md(item.reason)} |" for item in cohort.skipped]
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def _flow(cohort: FlowCohort, on_screen: bool = False, narrow: bool = False, reveal: bool = True) -> list[str]:
    flow = cohort.flow
    partial = cohort.answer_sets - cohort.complete
    out = [f"## {md(flow.title)}", "",
           f"Flow {md(flow.id)}, version {md(flow.version)}: **{sets(cohort.answer_sets)}**,"
           f" {cohort.complete:,} complete (every required question on their path answered)"
           + (f" and {partial:,} partial; a partial set counts for the questions it answered." if partial
              else "."), ""]
    if not reveal:
        out += ["Nothing is said here about any recommendation until the room is revealed: the spread of"
                " answers only.", ""]
    elif flow.levels:
        out += _recommendations(cohort, on_screen)
        out += _held_back(cohort)
    if reveal and cohort.case is not None:
        out += _case(cohort, cohort.case, narrow)
    out += _questions(cohort, narrow)
    out += _not_counted(cohort)
    out += _notes(cohort)
    return out


def _case(cohort: FlowCohort, case: CaseComparison, narrow: bool = False) -> list[str]:
    flow = cohort.flow
    out = [f"### The room against the case: {md(case.case.title)}", "",
           f"The worked example {md(case.case.name)} answers each question as its case study does. For each"
           " question the case answered: how many people gave the case's answer (shares are of those who"
           " answered the question), and what the rest gave.", ""]
    level = case.recommendation
    if flow.levels and level is not None:
        if case.decided:
            out += [f"**{case.reached:,} of the {sets(case.decided)}** that reached a recommendation"
                    f" ({percent(case.share)}) reached the case's, {md(level.label)}.", ""]
        else:
            out += [f"The case's recommendation is {md(level.label)}; no answer set has reached a"
                    " recommendation yet.", ""]
    rest = lambda q: ", ".join(f"{md(c.label)} {c.count:,}" for c in q.rest) or "none"  # noqa: E731
    if narrow:
        out += [f"- **{flow.number(q.question.id)}. {md(q.question.prompt)}** the case: {md(q.label)};"
                f" {q.matched:,} of {q.answered:,} gave it ({percent(q.share)}); the rest: {rest(q)}"
                for q in case.questions]
    else:
        out += ["| # | Question | The case's answer | Gave it | Share | The rest |", "|--:|---|---|--:|--:|---|"]
        out += [f"| {flow.number(q.question.id)} | {md(q.question.prompt)} | {md(q.label)} |"
                f" {q.matched:,} of {q.answered:,} | {percent(q.share)} | {rest(q)} |" for q in case.questions]
    out.append("")
    if case.not_asked:
        out += ["Not asked on the case's path, so not compared: "
                + "; ".join(f"{flow.number(q.id)}. {md(q.prompt)}" for q in case.not_asked) + ".", ""]
    out += ["Each person is named by their seat number (the number on the trainer's page), never by name."
            " Differences are counted over the questions both answered.", ""]
    out += [f"- Furthest from the case: {_seats(case.furthest_from_case, 'from_case', 'with_case')}",
            f"- Furthest from the room (its most common answers): "
            f"{_seats(case.furthest_from_room, 'from_room', 'with_room')}", ""]
    return out


def _seats(seats: tuple[SeatComparison, ...], differs: str, compared: str) -> str:
    """"seat 3 (differs on 8 of 8 answers), seat 16 (6 of 8)", seats at the same distance together."""
    if not seats:
        return "nobody differs on any answer."
    groups: list[list[SeatComparison]] = []
    for seat in seats:
        key = (getattr(seat, differs), getattr(seat, compared))
        if groups and (getattr(groups[-1][0], differs), getattr(groups[-1][0], compared)) == key:
            groups[-1].append(seat)
        else:
            groups.append([seat])
    parts = []
    for number, group in enumerate(groups):
        numbers = [str(s.seat) for s in group]
        named = f"seat {numbers[0]}" if len(numbers) == 1 else \
            f"seats {', '.join(numbers[:-1])} and {numbers[-1]}"
        far = f"{getattr(group[0], differs)} of {getattr(group[0], compared)}"
        verb = ("differs on " if len(group) == 1 else "differ on ") if number == 0 else ""
        parts.append(f"{named} ({verb}{far}"
                     f"{' answers' if number == 0 else ''}{' each' if len(group) > 1 else ''})")
    return "; ".join(parts) + "."


def not_counted_words(item: NotCounted) -> str:
    """"1 answer not counted: 'maybe' is not an answer"."""
    count = f"{item.count:,} answer{'s' if item.count != 1 else ''} not counted"
    reasons = "; ".join(reason + (f" ({n:,})" if len(item.reasons) > 1 else "") for reason, n in item.reasons)
    return f"{count}: {reasons}"


def _not_counted(cohort: FlowCohort) -> list[str]:
    if not cohort.not_counted:
        return []
    flow = cohort.flow
    out = ["### Answers not counted", "", "Answers that do not fit the flow are set aside, never guessed at; the"
           " rest of each answer set is counted.", ""]
    for item in cohort.not_counted:
        if flow.has_question(item.question_id):
            where = f"{flow.number(item.question_id)}. {md(item.prompt)}"
        else:
            where = f"“{md(item.question_id)}”"
        out.append(f"- **{where}** {md(not_counted_words(item))}.")
    return out + [""]


def _recommendations(cohort: FlowCohort, on_screen: bool = False) -> list[str]:
    out = ["### Recommendations", ""]
    undecided = cohort.answer_sets - cohort.decided
    if not cohort.decided:
        return out + ["No answer set got as far as a recommendation: each stopped before answering the"
                      " questions it needs.", ""]
    line = f"{cohort.decided:,} of {sets(cohort.answer_sets)} reached a recommendation"
    if undecided:
        line += (f"; {undecided:,} stopped before answering every question it needs and"
                 f" {'is' if undecided == 1 else 'are'} not counted here")
    out += [line + ". \"Work calls for\" is the level the work itself calls for; \"conditions support\" is"
            " the level the conditions are ready for; the recommendation is the lower of the two.", "",
            "| Level | Recommended | Share | | Work calls for | Conditions support |",
            "|---|--:|--:|---|--:|--:|"]
    out += [f"| {md(c.level.label)} | {c.recommended:,} | {percent(c.share)} | {bar(c.share)} |"
            f" {c.calls_for:,} | {c.supported:,} |" for c in cohort.levels]
    out.append("")
    confirmed = [c for c in cohort.levels if c.if_confirmed]
    if confirmed:
        out += ["Some recommendations rest on \"Not sure\" answers; once those are confirmed they would be"
                " higher:", ""]
        out += [f"- {md(count_words(c.level.label, c.recommended, c.if_confirmed, cohort.flow))}"
                for c in confirmed]
        out.append("")
    if not on_screen:
        out += ["```mermaid", "pie showData", "    title Recommendations"]
        out += [f'    "{mermaid(c.level.label)}" : {c.recommended}' for c in cohort.levels if c.recommended]
        out += ["```", ""]
    return out


def _held_back(cohort: FlowCohort) -> list[str]:
    if not cohort.decided:
        return []
    out = ["### What held the recommendation back", ""]
    if not cohort.held_back:
        return out + ["Nothing held the recommendation below what the work called for, in any answer set.", ""]
    out += [f"The answers that kept the recommendation below what the work called for, most common first"
            f" (shares are of the {sets(cohort.decided)} that reached a recommendation).", "",
            "| Question | Held back | Share | | Answers that held it back |", "|---|--:|--:|---|---|"]
    for item in cohort.held_back:
        answers = ", ".join(f"{md(c.label)} ({c.count:,})" for c in item.answers)
        out.append(f"| {md(item.question.prompt)} | {item.count:,} | {percent(item.share)} |"
                   f" {bar(item.share)} | {answers} |")
    return out + [""]


def _questions(cohort: FlowCohort, narrow: bool = False) -> list[str]:
    out = ["### Where the room disagreed", "",
           f"{MEASURE} Most divided first; shares are of the people who answered each question. Each"
           " question keeps its number in the flow, as the app shows it, so the room can find it.", ""]
    # the question's place in the flow, not in this list: "question 5" means the same to everyone
    number = lambda spread: cohort.flow.number(spread.question.id)  # noqa: E731
    if cohort.questions and narrow:
        out += [f"- **{number(spread)}. {md(spread.question.prompt)}** {percent(spread.disagreement)} divided"
                f" {bar(spread.disagreement)}; {spread.answered:,} answered; most common:"
                f" {_most_common(spread) or 'none'}" for spread in cohort.questions]
        out.append("")
    elif cohort.questions:
        out += ["| # | Question | Divided | | Answered | Most common answer |", "|--:|---|--:|---|--:|---|"]
        for spread in cohort.questions:
            out.append(f"| {number(spread)} | {md(spread.question.prompt)} | {percent(spread.disagreement)} |"
                       f" {bar(spread.disagreement)} | {spread.answered:,} | {_most_common(spread)} |")
        out.append("")
    unfit = {item.question_id: item for item in cohort.not_counted}
    for spread in cohort.questions:
        out += _spread(number(spread), spread, cohort.answer_sets, unfit.get(spread.question.id))
    if cohort.not_answered:
        out += ["Nobody answered: " + "; ".join(md(q.prompt) for q in cohort.not_answered), ""]
    return out


def _most_common(spread: QuestionSpread) -> str:
    top = spread.most_common
    if not top:
        return ""
    labels = " / ".join(md(c.label) for c in top)
    if spread.question.kind == "multiple":
        return f"{labels} ({percent(top[0].share)} ticked)"
    return f"{labels} ({percent(top[0].share)}{' each' if len(top) > 1 else ''})"


def _spread(number: int, spread: QuestionSpread, answer_sets: int, unfit: NotCounted | None = None) -> list[str]:
    question = spread.question
    others = []
    if spread.asked < answer_sets:
        others.append(f"{answer_sets - spread.asked:,} not asked it")
    if spread.answered < spread.asked:
        others.append(f"{spread.asked - spread.answered:,} had not answered it")
    line = f"{people(spread.answered)} answered" + (f" ({', '.join(others)})" if others else "") + \
        f"; {percent(spread.disagreement)} divided."
    heading = "Answer"
    if question.kind == "multiple":
        line += " People could tick several answers, so the shares add up to more than 100%."
    elif question.kind == "record":
        heading = "Records"
        line += (f" {spread.records:,} records in all; names and details are not shown.")
    if unfit is not None:
        line += f" {md(not_counted_words(unfit))}."
    out = [f"#### {number}. {md(question.prompt)}", "", line, "",
           f"| {heading} | People | Share | |", "|---|--:|--:|---|"]
    out += [f"| {md(c.label)} | {c.count:,} | {percent(c.share)} | {bar(c.share)} |" for c in spread.counts]
    return out + [""]


def _notes(cohort: FlowCohort) -> list[str]:
    if not cohort.notes:
        return []
    out = ["### Notes", "", "What people wrote, grouped by question; the same words from several people"
           " are shown once, with how many wrote them.", ""]
    for group in cohort.notes:
        out += [f"#### {md(group.question.prompt)}", ""]
        out += [f"- {md(note.text)}" + (f" ({people(note.count)})" if note.count > 1 else "")
                for note in group.notes]
        out.append("")
    return out


def to_data(cohort: Cohort, reveal: bool = True) -> dict[str, Any]:
    """The cohort as plain data for JSON: counts as integers, shares as fractions from 0 to 1. Without
    `reveal`, the recommendations, what held them back and the comparison with a case are left out."""
    return {
        "files": cohort.files,
        "answer_sets": cohort.answer_sets,
        "disagreement_measure": MEASURE,
        "flows": [_flow_data(f, reveal) for f in cohort.flows],
        "skipped": [{"path": s.path, "reason": s.reason} for s in cohort.skipped],
        "rounds": list(cohort.rounds),
    }


def render_json(cohort: Cohort, reveal: bool = True) -> str:
    return json.dumps(to_data(cohort, reveal), indent=2, ensure_ascii=False) + "\n"


def _share(value: Fraction) -> float:
    return round(float(value), 4)


def _counts(counts: tuple[Count, ...]) -> list[dict[str, Any]]:
    return [{"value": c.value, "label": c.label, "count": c.count, "share": _share(c.share)} for c in counts]


def _flow_data(cohort: FlowCohort, reveal: bool = True) -> dict[str, Any]:
    flow = cohort.flow
    data = {
        "flow": flow.id,
        "title": flow.title,
        "version": flow.version,
        "answer_sets": cohort.answer_sets,
        "complete": cohort.complete,
        "decided": cohort.decided,
        "recommendations": [
            {"level": c.level.id, "label": c.level.label, "recommended": c.recommended, "share": _share(c.share),
             "calls_for": c.calls_for, "supported": c.supported, "if_confirmed": dict(c.if_confirmed)}
            for c in cohort.levels],
        "held_back": [
            {"question": h.question.id, "prompt": h.question.prompt, "count": h.count, "share": _share(h.share),
             "answers": _counts(h.answers)} for h in cohort.held_back],
        "questions": [
            {"question": s.question.id, "prompt": s.question.prompt, "kind": s.question.kind, "asked": s.asked,
             "answered": s.answered, "disagreement": _share(s.disagreement), "answers": _counts(s.counts),
             **({"records": s.records} if s.question.kind == "record" else {})} for s in cohort.questions],
        "not_answered": [q.id for q in cohort.not_answered],
        "notes": [
            {"question": g.question.id, "prompt": g.question.prompt,
             "notes": [{"text": n.text, "count": n.count} for n in g.notes]} for g in cohort.notes],
        "not_counted": [
            {"question": n.question_id, "prompt": n.prompt, "count": n.count,
             "reasons": [{"reason": reason, "count": count} for reason, count in n.reasons]}
            for n in cohort.not_counted],
    }
    if not reveal:
        del data["recommendations"], data["held_back"]
    elif cohort.case is not None:
        data["case"] = _case_data(cohort.case)
    return data


def _case_data(case: CaseComparison) -> dict[str, Any]:
    level = case.recommendation
    seat = lambda s: {  # noqa: E731
        "seat": s.seat, "compared_with_case": s.with_case, "differs_from_case": s.from_case,
        "compared_with_room": s.with_room, "differs_from_room": s.from_room,
        "recommendation": s.recommendation.id if s.recommendation else None, "reached_case": s.reached_case}
    return {
        "example": case.case.name,
        "title": case.case.title,
        "recommendation": level.id if level else None,
        "decided": case.decided,
        "reached": case.reached,
        "share": _share(case.share),
        "questions": [
            {"question": q.question.id, "prompt": q.question.prompt, "answer": q.answer, "label": q.label,
             "answered": q.answered, "gave_it": q.matched, "share": _share(q.share), "rest": _counts(q.rest)}
            for q in case.questions],
        "not_asked": [q.id for q in case.not_asked],
        "furthest_from_case": [s.seat for s in case.furthest_from_case],
        "furthest_from_room": [s.seat for s in case.furthest_from_room],
        "seats": [seat(s) for s in case.seats],
    }
