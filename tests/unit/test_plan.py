"""The Markdown plan: golden files, its shape as a CommonMark reader sees it, and user text that must
not change that shape. Regenerate the golden files with UPDATE_GOLDEN=1, then read every changed one."""

from __future__ import annotations

import os
import re

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from codesign_tui.flow.engine import evaluate
from codesign_tui.plan.escape import anchor, md, mermaid, url
from codesign_tui.plan.context import short_prompt
from codesign_tui.plan.render import render_markdown, sections
from test_plan_support import GOLDEN, parser, session, shape, text_of

# answers file -> what it covers
CASES = {
    "appendix2-codesign": "co-design called for co-production; time and shared power hold it back",
    "appendix2-consult-held-back": "consult: co-production called for, no budget",
    "engagement-coproduce": "co-produce, four interests, notes in two paragraphs",
    "engagement-interests": "co-design, two interests",
    "engagement-board": "a plan for a board: every question answered, two interests, a likely bidder deciding",
    "engagement-consult-none-declared": "consult, decision made, an empty register, five flags",
    "engagement-hostile": "hostile free text everywhere a person can type",
    "conflicts-nothing-in-place": "the conflicts-of-interest flow alone",
}
VARIANTS = {  # golden name -> (answers file, options)
    **{name: (name, {}) for name in CASES},
    "engagement-coproduce-public": ("engagement-coproduce", {"public": True, "front_matter": True}),
    "engagement-coproduce-summary": ("engagement-coproduce", {"summary": True}),
    "appendix2-consult-held-back-summary": ("appendix2-consult-held-back", {"summary": True}),
}


def plan(name: str, **options) -> str:
    flow, result, meta = session(name)
    return render_markdown(flow, result, meta, **options)


@pytest.mark.parametrize("golden", sorted(VARIANTS))
def test_plan_matches_its_golden_file(golden):
    name, options = VARIANTS[golden]
    text = plan(name, **options)
    path = GOLDEN / f"{golden}.md"
    if os.environ.get("UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"no golden file {path.name}; run with UPDATE_GOLDEN=1 and read it"
    assert text == path.read_text(encoding="utf-8"), f"{path.name} differs; if intended, UPDATE_GOLDEN=1"


def test_the_golden_cases_cover_every_recommendation_and_register():
    recommendations, registers = set(), set()
    for name in CASES:
        flow, result, _ = session(name)
        if result.recommendation:
            recommendations.add(result.recommendation.id)
        registers.add(len(result.answers.get("interests") or []))
    assert recommendations == {"consult", "co-design", "co-produce"}
    assert 0 in registers and max(registers) >= 4


ENGAGEMENT_HEADINGS = [
    (2, "Recommendation"), (2, "Why"), (2, "What to do next"), (2, "Training"), (2, "Risk and resources"),
    (2, "Conflicts of interest in co-design and co-production"), (3, "Conflict-of-interest rules"),
    (3, "Interests already declared"), (3, "Register of interests"), (3, "Keeping it up to date"),
    (2, "Measuring change")]


@pytest.mark.parametrize("name", sorted(CASES))
def test_plan_is_commonmark_with_the_expected_shape(name):
    text = plan(name)
    found = shape(text)
    flow, result, meta = session(name)
    assert found.headings[0] == (1, meta.project)
    assert not found.html and not found.images
    assert not found.multi_line_paragraphs, "paragraphs must be on one line: they are pasted into Word"
    assert found.fences == ["mermaid"]
    titles = [h for h in found.headings[1:]]
    assert len(titles) == len(set(titles)), "headings must be unique so their anchors are stable"
    anchors = {anchor(t) for _, t in found.headings}
    for link in found.links:
        assert link.startswith("https://") or link[1:] in anchors, link
    if flow.id == "engagement-plan":
        # what to do next is there when a step is left beyond the summary's five, or an answer holds it back
        expected = [h for h in ENGAGEMENT_HEADINGS if h != (2, "What to do next") or h in titles]
        assert [h for h in titles if h in ENGAGEMENT_HEADINGS] == expected
        # further reading is reference: it sits in the appendix, not in the plan's body
        # what a register's entries mean is reference too
        key = (3, "What the entries in the register of interests mean")
        assert (key in titles) == any(len(t) > 1 and t[0][0] == "Name" for t in found.tables)
        # a long warning is said in full first in the appendix, where the plan's body points to it
        in_full = (3, "Warnings in full")
        assert (in_full in titles) == ("](#warnings-in-full)" in text)
        assert [t for t in titles if t != key][-7 if in_full in titles else -6:] == [
            (2, "Appendix"), *[in_full] * (in_full in titles), (3, "Questions and answers"),
            (3, "Why these questions matter"), (3, "Further reading"), (3, "The path taken"), (3, "Drawn from")]
    if flow.id == "conflicts-of-interest":
        assert (2, "Recommendation") not in titles and (2, "Why") not in titles
        assert (2, "Further reading") not in titles  # the flow has no reading list: no empty section
    if flow.id == "appendix2":
        assert [t for _, t in titles] == ["Summary", "Recommendation", "Why", "What to do next",
                                          "What would have to change", "Appendix", "Questions and answers",
                                          "Why these questions matter", "The path taken", "Drawn from"]


@pytest.mark.parametrize("name", sorted(CASES))
def test_no_section_is_empty(name):
    text = plan(name)
    tokens = parser().parse(text)
    for index, token in enumerate(tokens):
        if token.type == "heading_open":
            following = tokens[index + 3] if index + 3 < len(tokens) else None
            assert following is not None and following.type != "heading_open" or \
                int(following.tag[1]) > int(token.tag[1]), f"empty section: {tokens[index + 1].content}"


def test_the_ladder_is_a_table_readable_without_colour():
    found = shape(plan("appendix2-consult-held-back"))
    ladder = found.tables[0]
    assert ladder[0] == ["Level", "What it means", "This work"]
    assert [row[0] for row in ladder[1:]] == ["Inform and check back", "Consult", "Co-design", "Co-produce"]
    assert ladder[1][2] == "—"
    assert ladder[2][2].startswith("Recommended") and "most the conditions support" in ladder[2][2]
    assert ladder[4][2] == "the work calls for this"


def test_a_recommendation_two_levels_below_the_call_says_so_plainly():
    text = plan("appendix2-consult-held-back")  # co-produce called for, consult recommended
    assert "**Consult** is two levels below what the work calls for: a wide gap" in text
    one_below = plan("appendix2-codesign")  # co-produce called for, co-design recommended
    assert "levels below" not in one_below


def test_what_would_have_to_change_names_the_answers_and_the_level():
    text = plan("appendix2-consult-held-back")
    part = next(s["markdown"] for s in sections(text) if s["id"] == "what-to-do-next")
    assert "To reach **Co-produce**, which the work calls for, these answers would have to change:" in part
    assert "You said “No”; Co-produce needs “Yes”." in part
    assert "On its own, this would unlock Co-design." in part
    # the step that puts the money right is step 1 of the summary, which opens the plan: referred to, not repeated
    assert "Step 1 in the summary." in part and "Secure money for facilitation" not in part
    assert text.count("Secure money for facilitation") == 1


def test_steps_are_numbered_once_across_the_plan_and_name_no_markup():
    text = plan("engagement-hostile")
    part = next(s["markdown"] for s in sections(text) if s["id"] == "what-to-do-next")
    # its four warnings leave the summary's page room for two steps: the rest follow, numbered on from 3
    assert [t for _, t in shape(part).headings] == ["What to do next", "What would have to change", "Find out",
                                                    "Other steps"]
    flow, result, _ = session("engagement-hostile")
    assert len(result.planned_actions) < len(result.actions)  # the two money actions are one
    summary = text.split("## Summary", 1)[1].split("\n---\n", 1)[0]
    numbers = [int(m) for m in re.findall(r"^ *(\d+)\. ", summary + part, re.MULTILINE)]
    assert numbers == list(range(1, len(numbers) + 1)), "one run of numbers, from the summary on"
    assert "- [ ]" not in text and "[x]" not in text, "no boxes: pasted, they show as brackets"


def test_actions_that_say_the_same_thing_are_listed_once():
    flow, result, _ = session("engagement-hostile")
    assert result.answers["budget"] in ("partly", "no") and result.answers["recompense"] in ("partly", "no")
    money = [a for a in result.planned_actions if "budget" in a.questions]
    # the flow gives both money actions one key: one step, from both questions, in the key's own words
    assert [a.questions for a in money] == [("budget", "recompense")]
    together = next(a.together for a in flow.question("recompense").actions if a.key == "find-the-money")
    assert money[0].text == together
    # with the budget Partly, enough for the Co-design the work calls for, the money step serves only a higher
    # level and is left out (one voice); with No, it is listed, once
    assert "payment for people's time" not in plan("engagement-hostile")
    _, _, meta = session("engagement-hostile")
    text = render_markdown(flow, evaluate(flow, dict(result.answers, budget="no")), meta)
    assert text.count("payment for people's time") == 1
    assert "Put payment for people's time and expenses into the budget" not in text


def test_actions_with_the_same_words_are_merged_and_a_lone_keyed_action_keeps_its_own_words():
    from dataclasses import replace

    from codesign_tui.flow.engine import evaluate
    from codesign_tui.flow.model import Action

    flow, result, _ = session("engagement-hostile")
    alone = evaluate(flow, dict(result.answers, budget="yes"))
    money = [a for a in alone.planned_actions if "recompense" in a.questions and a.kind == "to_unlock"]
    assert [a.text for a in money] == ["Put payment for people's time and expenses into the budget before you "
                                       "invite anyone."]
    # the same words, bar case, spacing and the closing full stop, from two questions: listed once
    budget = flow.question("budget")
    echo = Action("do", "  put PAYMENT for people's time and expenses into the budget before you invite anyone",
                  on=("yes",))
    changed = replace(flow, sections=tuple(
        replace(s, questions=tuple(replace(q, actions=q.actions + (echo,)) if q.id == "budget" else q
                                   for q in s.questions)) for s in flow.sections))
    assert changed.question("budget").actions[-1] is echo and budget.actions[-1] is not echo
    merged = evaluate(changed, dict(result.answers, budget="yes"))
    same = [a for a in merged.planned_actions if "recompense" in a.questions and "budget" in a.questions]
    assert len(same) == 1 and same[0].kind == "do" and same[0].text == echo.text
    assert len(merged.planned_actions) == len(alone.planned_actions)


def test_register_table_has_every_interest_and_the_agreed_columns():
    found = shape(plan("engagement-coproduce"))
    register = next(t for t in found.tables if t[0][0] == "Name")
    # the flow's short labels, so that eight columns fit without breaking words
    # (conflicts-of-interest 2.1: whether they may bid, and whether the entry is published; why one is
    # withheld, who agreed the handling and the review dates are in the conflicts record, not this table)
    assert register[0] == ["Name", "Role", "Organisation", "Type", "Interest", "Handling", "May bid", "Declared",
                           "Published"]
    assert [row[0] for row in register[1:]] == ["Sam Jones", "Priya Shah", "Dr Chris Lee", "Jo Khan"]
    assert register[3][7] == "14 October 2026" and register[3][8] == "Not recorded"


def test_on_a_narrow_screen_the_register_is_a_list_not_a_table():
    flow, result, given = session("engagement-coproduce")
    text = render_markdown(flow, result, given, narrow=True)
    found = shape(text)
    assert not any(t[0][0] == "Name" for t in found.tables)
    assert "- **Priya Shah**\n  - Role: " in text
    assert "  - Declared: 14 October 2026\n" in text
    assert render_markdown(flow, result, given) != text  # a file or export keeps the table


def test_public_plan_keeps_every_entry_and_withholds_the_details_of_those_not_published():
    # an answers file from before version 2.1: consent_to_publish yes is published; no (Priya Shah) is withheld
    # awaiting a decision; none given (Dr Chris Lee) is withheld until one is made
    text = plan("engagement-coproduce", public=True)
    assert "Sam Jones" in text and "Jo Khan" in text  # published
    assert "Priya Shah" not in text and "Chris Lee" not in text
    for detail in ("Carers Forum", "Her brother works", "Example Primary Care Network", "research study"):
        assert detail not in text
    register = next(t for t in shape(text).tables if t[0][0] == "Name")
    # never dropped: each withheld entry keeps its role, type of interest and handling
    assert [row[0] for row in register[1:]] == ["Sam Jones", "Details withheld", "Details withheld", "Jo Khan"]
    assert register[2][1:6] == ["Lived experience member", "Details withheld", "Through someone close",
                                "Details withheld", "Note it and take part"]
    assert register[3][1] == "GP adviser" and register[3][5] == "Join the discussion, not the decision"
    assert "2 entries in this public version have their details withheld" in text
    # the warnings say which entries they are about, by number and role alone
    assert "About: entry 3 (GP adviser)." in text and "About: entry 2 (Lived experience member)." in text
    assert not shape(text).multi_line_paragraphs  # the sentence is a paragraph of its own, as in Word


def test_public_plan_with_every_entry_withheld_does_not_say_none_declared():
    flow, result, given = session("engagement-coproduce")
    answers = dict(result.answers, interests=[dict(r, publish="withheld") for r in result.answers["interests"]])
    text = render_markdown(flow, evaluate(flow, answers), given, public=True)
    part = text.split("### Register of interests\n", 1)[1].split("\n### ", 1)[0]
    assert "None declared" not in part and "| Name |" in part
    register = next(t for t in shape(text).tables if t[0][0] == "Name")
    assert [row[0] for row in register[1:]] == ["Details withheld"] * 4
    assert "4 entries in this public version have their details withheld" in part


def test_an_empty_register_says_none_declared_as_of_the_date():
    text = plan("engagement-consult-none-declared")
    part = text.split("### Register of interests\n", 1)[1].split("\n### ", 1)[0]
    assert part.strip().startswith("None declared as of 1 December 2026. Ask again")
    assert "When will you ask people to declare again? **Not planned yet**" in text


def test_flags_sit_beside_the_answers_that_raise_them():
    text = plan("engagement-consult-none-declared")
    policy = text.split("### Conflict-of-interest rules\n", 1)[1].split("\n### ", 1)[0]
    assert "> - VCSE partners may not be held to the same conflict-of-interest rules" in policy
    review = text.split("### Keeping it up to date\n", 1)[1].split("\n## ", 1)[0]
    assert "> - There is no plan to ask for declarations again." in review


def test_front_matter_is_yaml_and_the_rest_is_the_plan():
    text = plan("engagement-coproduce", front_matter=True)
    assert text.startswith("---\n")
    _, head, body = text.split("---\n", 2)
    data = yaml.safe_load(head)
    assert data["title"] == "Neighbourhood mental health support in Bolton"
    assert data["author"] == "A. Commissioner, NHS Greater Manchester"
    assert str(data["date"]) == "2026-11-25" and data["flow"] == "engagement-plan"
    assert data["recommendation"] == "co-produce" and data["complete"] is True
    assert body.lstrip().startswith("# Neighbourhood mental health support in Bolton\n")


def test_sources_are_resolved_to_their_titles():
    text = plan("appendix2-codesign")
    assert "Source: Recommendation 5, Appendix 2.1: When is it appropriate to co-design or co-produce? (a)." in text
    assert "Source: Recommendation 5, Appendix 2.1 (b)." in text  # the short title once cited in full
    assert "r5-a2-1" not in text


def test_a_partial_plan_says_it_is_a_draft(engagement):
    from codesign_tui.flow.answers import AnswersFile
    from codesign_tui.flow.engine import evaluate

    result = evaluate(engagement, {"space_to_shape": "yes", "problem_type": "wicked"})
    text = render_markdown(engagement, result, AnswersFile("engagement-plan", {}, date="2026-11-25"))
    assert "**Draft:**" in text and "not answered yet" in text
    found = shape(text)
    assert not found.multi_line_paragraphs
    assert (2, "Training") not in found.headings  # nothing answered there: no empty section
    assert (3, "Register of interests") not in found.headings  # not reached yet: not "none declared"
    # nothing is claimed before the answers that decide it are in: no level, nothing "held back"
    assert "Not decided yet: the recommendation depends on these 11 questions, still to answer:" in text
    assert "- Do you have money for facilitation, a place to meet, and people's expenses?" in text
    assert "We recommend" not in text and (3, "What would have to change") not in found.headings


def test_a_partial_plan_with_its_level_decided_says_what_holds_it_back(engagement):
    from codesign_tui.flow.answers import AnswersFile
    from codesign_tui.flow.engine import evaluate

    answers = {"space_to_shape": "yes", "problem_type": "wicked", "shared_delivery": "yes", "budget": "no"}
    result = evaluate(engagement, answers, so_far=True)
    assert result.calls_for_pending == [] and result.support_pending == [
        "time_for_relationships", "senior_buy_in", "learning_culture", "shared_power", "own_skills", "recompense",
        "wide_networks", "coi_policy", "same_policy_all_sectors"]
    text = render_markdown(engagement, result, AnswersFile("engagement-plan", {}, date="2026-11-25"))
    assert "Not decided yet: the recommendation depends on these 9 questions" in text
    assert "You said “No”; Co-produce needs “Yes”." in text  # budget, answered, holds it back
    assert "Points to check" not in text  # no conflict-of-interest answers yet: no flags raised early


# -- user text cannot change the document's shape ---------------------------------------------------

HOSTILE = [
    "a | pipe", "line one\nline two", "# heading", "> quote", "- list", "+ list", "* list", "1. one",
    "3) three", "`code`", "``two``", "<script>alert(1)</script>", "[x](javascript:alert(1))", "![i](http://x/i.png)",
    "<http://example.org>", "&amp; &copy; &#35;", "**bold** _it_ ~~strike~~", "---", "===", "\\", "a\\",
    "[x]: javascript:alert(1)", "$x$", "    indented code", "\tTab", "```", "~~~", "<!-- comment -->",
    "| a | b |\n|---|---|", "<div>block</div>", "- [ ] task", "[ref][x]", "x\u2028y", "\x00nul",
]


def _flat(text: str) -> str:
    import re
    return " ".join(re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "", text).split())


def _assert_plain(children, expected: str):
    kinds = {child.type for child in children}
    assert kinds <= {"text"}, (expected, kinds)
    assert text_of(children) == expected


@pytest.mark.parametrize("text", HOSTILE)
def test_user_text_in_a_paragraph_stays_text(text):
    tokens = parser().parse(f"Before.\n\n{md(text)}\n\nAfter.\n")
    assert [t.type for t in tokens] == ["paragraph_open", "inline", "paragraph_close"] * 3
    _assert_plain(tokens[4].children, _flat(text))


@pytest.mark.parametrize("text", HOSTILE)
def test_user_text_in_a_table_cell_stays_in_its_cell(text):
    tokens = parser().parse(f"| A | B |\n|---|---|\n| {md(text)} | after |\n")
    cells = [tokens[i + 1] for i, t in enumerate(tokens) if t.type == "td_open"]
    assert len(cells) == 2 and text_of(cells[1].children) == "after"
    _assert_plain(cells[0].children, _flat(text))


@pytest.mark.parametrize("text", HOSTILE)
def test_user_text_in_a_checklist_item_stays_one_item(text):
    tokens = parser().parse(f"- [ ] {md(text)} (From: x)\n- [ ] next\n")
    items = [t for t in tokens if t.type == "list_item_open"]
    assert len(items) == 2
    inline = [t for t in tokens if t.type == "inline"]
    _assert_plain(inline[0].children, f"[ ] {_flat(text)} (From: x)")


@settings(max_examples=300, deadline=None)
@given(st.text(min_size=1, max_size=40))
def test_any_text_stays_text_wherever_it_lands(text):
    flat = _flat(text)
    if not flat:
        return
    for source, pick in (
        (f"{md(text)}\n", lambda toks: toks[1]),
        (f"| A |\n|---|\n| {md(text)} |\n", lambda toks: [t for t in toks if t.type == "inline"][-1]),
        (f"- **Q?** {md(text)}\n", lambda toks: [t for t in toks if t.type == "inline"][0]),
    ):
        tokens = parser().parse(source)
        inline = pick(tokens)
        kinds = [c.type for c in inline.children]
        text_out = text_of([c for c in inline.children if c.type == "text"])
        assert set(kinds) <= {"text", "strong_open", "strong_close"}, (text, source, kinds)
        assert text_out.endswith(flat) or text_out == flat, (text, source, text_out)


def test_hostile_plan_keeps_its_shape_and_shows_the_text():
    hostile = plan("engagement-hostile")
    calm = plan("engagement-interests")
    found, usual = shape(hostile), shape(calm)
    expected = list(usual.headings[1:])
    expected.insert(expected.index((2, "Appendix")), (2, "Anything else"))
    # policy version 3: the hostile set's answers hold its recommendation back (the calm set's do not)
    expected.insert(expected.index((2, "What to do next")) + 1, (3, "What would have to change"))
    # its four warnings leave the summary room for two steps: finding out follows in the full plan
    expected.insert(expected.index((3, "What would have to change")) + 1, (3, "Find out"))
    assert found.headings[1:] == expected
    assert not found.html and not found.images and found.fences == ["mermaid"]
    assert all(link.startswith("https://") or link.startswith("#") for link in found.links)
    assert "javascript:" not in " ".join(found.links)
    register = next(t for t in found.tables if t[0][0] == "Name")
    assert len(register) == 3 and all(len(row) == 9 for row in register)
    assert register[1][0] == "Robert'); DROP TABLE interests;-- | pipe"
    assert register[1][1] == "# heading? second line"
    assert register[1][2] == "<script>alert('x')</script>"
    assert register[2][0] == "- dash" and register[2][1] == "> quote"
    assert register[2][4] == "line one line two | cell? | --- |"
    assert found.headings[0] == (1, "# Not a heading | not | a table <script>alert(1)</script>")
    appendix = found.tables[-1]
    assert all(len(row) == 2 for row in appendix)
    notes = [row for row in appendix if row[0].endswith(". Anything else to note in the plan?")]
    assert notes and notes[0][1].startswith("```mermaid flowchart TD x --> y ``` ## Injected heading")


def test_escaping_helpers():
    assert md("a|b") == "a\\|b" and md("# x") == "\\# x" and md(None) == ""
    assert url("javascript:alert(1)") == "" and url("data:text/html,x") == "" and url("/etc/passwd") == ""
    assert url("https://example.org/a b(c)") == "https://example.org/a%20b%28c%29"
    assert mermaid('a "b" [c] <d>') == "a #quot;b#quot; #91;c#93; #lt;d#gt;"
    assert anchor("What would have to change") == "what-would-have-to-change"
    assert anchor("Conflicts of interest: a, b") == "conflicts-of-interest-a-b"


def test_a_draft_path_shows_only_the_parts_answered_and_no_recommendation(engagement):
    from codesign_tui.flow.answers import AnswersFile
    from codesign_tui.flow.engine import evaluate

    result = evaluate(engagement, {"work_summary": "Libraries", "space_to_shape": "yes", "problem_type": "wicked"},
                      so_far=True)
    text = render_markdown(engagement, result, AnswersFile("engagement-plan", {}, date="2026-11-25"))
    chart = text.split("```mermaid", 1)[1]
    assert '"About this work"' in chart and '"The question itself"' in chart
    assert "Beyond design" not in chart and "Recommendation:" not in chart
    assert 'done(["Not finished yet"])' in chart


def test_in_the_app_the_path_is_a_line_of_text_and_a_small_screen_gets_lists():
    flow, result, given = session("engagement-coproduce")
    text = render_markdown(flow, result, given, on_screen=True, narrow=True)
    assert "```mermaid" not in text
    assert "About this work → The question itself → " in text
    path_taken = text.split("### The path taken\n", 1)[1].split("\n### ", 1)[0]
    assert path_taken.rstrip().endswith("Recommendation: Co-produce")
    assert "- **Co-produce** (recommended; the work calls for this; the most the conditions support): " in text
    assert not any(t[0][0] == "Level" for t in shape(text).tables)
    wide = render_markdown(flow, result, given)
    assert "```mermaid" in wide and any(t[0][0] == "Level" for t in shape(wide).tables)


def test_a_yes_no_question_after_a_list_of_options_is_its_own_paragraph():
    text = plan("engagement-coproduce")
    part = text.split("## Measuring change\n", 1)[1].split("\n## ", 1)[0]
    options, after = part.split("- Better outcomes from the decisions or services\n", 1)
    assert after.startswith("\nWill the measures be agreed and clear before the work starts? **Yes**\n\n")
    paragraphs = [t for t in parser().parse(after) if t.type == "paragraph_open"]
    assert len(paragraphs) == 2 and not [t for t in parser().parse(after) if t.type == "list_item_open"]


# -- the one-page summary ----------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(CASES))
def test_the_summary_is_short_and_says_the_recommendation_reasons_and_next_steps(name):
    text = plan(name, summary=True)
    flow, result, _ = session(name)
    found = shape(text)
    headings = [title for level, title in found.headings if level == 2]
    assert found.headings[0][0] == 1 and found.headings[0][1].endswith(": summary")
    assert "Appendix" not in headings and "Why" not in headings  # the full plan's parts stay in the full plan
    assert len(text.split()) <= 450, "a summary fits on one page"
    if result.recommendation:
        assert headings[0] == "Recommendation"
        assert f"We recommend **{result.recommendation.label}**" in text
        # below what the work calls for, the reasons are said to be that level's
        title = (f"## Why {flow.calls_for_words} {result.calls_for.label}" if result.conditions == "less"
                 else "## The main reasons")
        reasons = text.split(f"{title}\n\n", 1)[1].split("\n\n", 1)[0].splitlines()
        assert 1 <= len(reasons) <= 3 and all(line.startswith("- ") for line in reasons)
    # what holds it back, unless each answer holding it back is one to confirm, listed with what it needs
    confirming = {item.question for item in result.to_confirm}
    assert ("## What holds it back" in text) == bool(set(result.held_back_by) - confirming)
    # every warning, in a line, but one raised only by answers the summary lists above it, which says it again
    above = text.split("## Warnings", 1)[0].split("## Next steps", 1)[0]
    warnings = text.split("## Warnings", 1)[1].split("\n## ", 1)[0] if "## Warnings" in text else ""
    for flag in result.flags:
        point = md(flag.text.split(". ")[0].rstrip("."))
        [declared] = [f for f in flow.flags if f.id == flag.id]
        reads = [flow.question(n) for n in declared.when.expression.names if flow.has_question(n)]
        listed = bool(reads) and all(f"**{md(short_prompt(q.prompt))}**" in above for q in reads)
        assert (point in warnings) != listed, (flag.id, listed)
    if "## Next steps" in text:
        steps = text.split("## Next steps", 1)[1].split("\n\n", 2)[1].splitlines()
        assert 1 <= len(steps) <= 5 and len(set(steps)) == len(steps)
        assert [step.split(". ", 1)[0] for step in steps] == [str(n) for n in range(1, len(steps) + 1)]


def test_the_summary_puts_unlocking_steps_first_and_counts_the_rest():
    text = plan("appendix2-consult-held-back", summary=True)
    change = text.split("## What holds it back\n\n", 1)[1]
    # Consult, two levels below Co-produce: the one answer that holds it below Co-design comes first, with the
    # answer given beside what is needed
    assert change.startswith("To reach **Co-design**, the next level up, first:\n\n- **Do you have money for"
                             " facilitation, a place to meet, and people's expenses?** You said \u201cNo\u201d;"
                             " Co-design needs \u201cYes\u201d or \u201cPartly\u201d.\n\nFor **Co-produce**, 2"
                             " answers in all, listed in the full plan.")
    steps = text.split("## Next steps\n\n", 1)[1]  # no count in the heading: there are no more
    assert steps.startswith("1. Secure money for facilitation")


def test_the_summary_says_what_to_confirm_first_with_the_answer_given():
    flow, result, meta = session("engagement-board")
    assert result.if_confirmed.id == "co-design" and [i.question for i in result.to_confirm] == ["senior_buy_in"]
    text = render_markdown(flow, result, meta, summary=True)
    recommendation = text.split("## Recommendation\n\n", 1)[1].split("\n## ", 1)[0]
    assert "**Consult for now; Co-design if all of these are confirmed.**" in recommendation
    assert ("- **Are senior leaders committed to genuine involvement and to acting on what comes out of it?** You"
            " said \u201cNot sure\u201d. Needs \u201cYes\u201d or \u201cPartly\u201d.") in recommendation
    steps = text.split("## Next steps", 1)[1]
    assert steps.split("\n1. ", 1)[1].startswith("Ask the senior sponsor or board directly")  # find out first
    assert "## What the work is" not in text and "**About this work:** Recommission short breaks" in text


def test_the_first_step_is_the_engines_the_answers_below_the_next_level(appendix2):
    """The engine says which answers hold the recommendation below the next level up: the trial's case of
    leaders answering No under four answers held back for Co-produce."""
    from codesign_tui.flow.engine import evaluate

    answers = {"space_to_shape": "partly", "problem_type": "wicked", "time_for_relationships": "yes",
               "budget": "partly", "senior_buy_in": "no", "learning_culture": "partly", "shared_delivery": "yes",
               "shared_power": "partly"}
    result = evaluate(appendix2, answers)
    assert (result.recommendation.id, result.calls_for.id, result.next_rung.id) == ("inform", "co-produce", "consult")
    assert len(result.held_back_by) > 1 and [s.question for s in result.first_step] == ["senior_buy_in"]
    raised = evaluate(appendix2, {**answers, "senior_buy_in": result.first_step[0].needs[0]})
    assert raised.recommendation.id != "inform"  # changing the first step alone lifts it
    same = evaluate(appendix2, {**answers, "budget": "yes", "shared_power": "yes"})
    assert same.recommendation.id == "inform"  # the others alone do not


def test_a_long_list_of_changes_is_cut_to_three_in_the_summary_and_the_rest_counted():
    flow, result, meta = session("procurement-fixable")  # one level below what it aims for: no first step
    assert len(result.held_back_by) == 4 and result.next_rung == result.calls_for
    text = render_markdown(flow, result, meta, summary=True)
    change = text.split("## What holds it back\n\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert len(change) == 4 and change[-1] == "- And 1 more, listed in the full plan, with what each needs."
    flow, result, meta = session("procurement-barriers")  # two levels below: the first step, then a count
    text = render_markdown(flow, result, meta, summary=True)
    change = text.split("## What holds it back\n\n", 1)[1].split("\n\n## ", 1)[0]
    # a grant or contract not yet weighed holds the launch since version 2.1: four answers hold it at the bottom
    # the first three of the four, each answer given (what a long list of answers needs is left to the full plan,
    # so that the page holds), then the count
    assert change.startswith("To reach **Change, then launch**, the next level up, first (3 of 4):")
    assert change.count("\n- ") == 3 and "For **Launch as planned**, 14 answers in all, listed in the full plan with" \
        " what each needs." in change
    assert "You said \u201cOne large or high-value lot, with no extra help\u201d.\n" in change
    # long steps give way, three at least, so that the summary stays on one page, and on a page as full as this one
    # (three long answers holding it back, two warnings) two; version 2.2: a file from before it does not say
    # which rules apply, so finding out is one step more. The warning about one large lot is not said again under
    # the answer that raises it, listed above: one warning, and room for three steps
    assert "## Next steps (3 of 16)\n" in text
    assert "How is the work divided into lots?" in change and "one lot" not in text.split("## Warnings", 1)[1]


def _tidy_as_written(text: str) -> str:
    """What tidy promises, said the plain way: each line without its trailing spaces and tabs, no more than one
    blank line in a row, none at the ends, and one newline at the end."""
    text = "\n".join(line.rstrip(" \t") for line in text.split("\n"))
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(["\n", "\n\n\n", " ", "\t", "a", "“", "\xa0", "\r", "\x0c", " \n"]), max_size=30)
       .map("".join))
def test_tidy_leaves_one_blank_line_between_blocks_and_none_at_the_ends(text):
    from codesign_tui.plan.render import tidy

    assert tidy(text) == _tidy_as_written(text)


def test_the_plans_labels_worked_out_once_per_flow_are_the_labellers():
    """A plan looks its answers' labels up in what it works out once per flow: for every shipped flow, each is
    what Question.label (the one labeller) says, for every option, none and a list."""
    from codesign_tui.flow.loader import load_flow
    from codesign_tui.plan.context import _facts
    from codesign_tui.resources import flows_dir

    checked = 0
    for path in sorted(flows_dir().glob("*.yaml")):
        flow = load_flow(path)
        facts = _facts(flow)
        for question in flow.questions:
            values = [o.value for o in question.options]
            for value in [*values, None, values[:2], values[::-1], [], [*values[:1], "not an option"], [None],
                          "not an option", "2026-11-25"]:
                assert facts.label(question, value) == question.label(value), (path.name, question.id, value)
                # the question as a plan shows it, shared by the plans of one flow for no answer or an option
                shown = facts.question(question, value)
                assert shown["answer_label"] == ("" if value is None else question.label(value))
                assert shown["answer"] == value and shown["answered"] == (value is not None)
                assert [o["chosen"] for o in shown["options"]] == [
                    value == o.value or (isinstance(value, list) and o.value in value) for o in question.options]
                checked += 1
            assert facts.questions[question.id]["number"] == flow.number(question.id)
    assert checked > 100


def test_the_answers_fingerprint_is_worked_out_once_for_a_result(monkeypatch):
    """Every format of a plan names the answers' fingerprint; a result works it out once, as it does everything else
    that follows from its answers, and it is versions.answers_fingerprint of them."""
    from codesign_tui.flow import versions
    from codesign_tui.plan.render import render

    flow, result, meta = session("engagement-coproduce")
    calls = []
    real = versions.answers_fingerprint
    monkeypatch.setattr(versions, "answers_fingerprint", lambda *args: calls.append(args) or real(*args))
    for fmt in ("md", "json", "html"):
        assert real(flow.id, result.answers) in render(fmt, flow, result, meta).decode()
    assert len(calls) == 1


def test_the_plan_names_the_framework_it_reads_and_spells_out_its_abbreviations():
    """Found in a trial: "Based on:" named the flow's title alone, and a board paper never said which
    framework it read; GM was not in the list of abbreviations. The plan and the one-page summary now name
    the flow's first source, the part of the framework the flow as a whole is based on."""
    flow, result, meta = session("appendix2-codesign")
    source = flow.sources[0].title
    assert source.startswith("GM VCSE Commissioning Framework")
    whole = render_markdown(flow, result, meta)
    assert f"- Based on: {flow.title} (this tool's reading of the {source})\n" in whole
    assert "- GM means Greater Manchester.\n" in whole and "- VCSE means" in whole
    summary = render_markdown(flow, result, meta, summary=True)
    assert f"Based on this tool's reading of the {source}." in summary
    assert "- GM means Greater Manchester.\n" in summary


def test_a_plan_begun_from_a_worked_example_says_so_and_no_other_does():
    """Found in a trial: a worked example's plan read as a plan for real work (its project is the case's
    title). A plan whose answers began from a worked example says so, in the plan and its summary."""
    import dataclasses

    flow, result, meta = session("appendix2-codesign")
    assert "worked example" not in render_markdown(flow, result, meta)
    example = dataclasses.replace(meta, example="point-oldham")
    whole = render_markdown(flow, result, example)
    assert ("- A worked example: the answers began as this tool's reading of a case study (`point-oldham`), for"
            " training, not a plan for real work\n") in whole
    assert "A worked example, for training" in render_markdown(flow, result, example, summary=True)
