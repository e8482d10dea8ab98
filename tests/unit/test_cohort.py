"""Comparing a room: counts on a hand-made set of answers files with known spreads, skipped bad files, the
Markdown and JSON reports, and `codesign cohort` as a user runs it."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from codesign_tui.cohort import build_cohort, render_json, render_markdown
from codesign_tui.cohort.model import Tally, disagreement
from codesign_tui.flow.engine import evaluate

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).parent.parent / "data" / "cohort"
# Six answer sets to engagement-plan: a, b, c and table-2/d complete; table-2/e.session.yaml a saved
# session, complete; f stopped after the budget question. Their answers, by question:
#   space_to_shape   yes yes yes partly no yes       learning_culture  yes no partly yes no -
#   problem_type     wicked x3, partly_known, existing_solution, wicked
#   time             yes yes yes yes partly no       budget            yes partly no yes partly yes
#   coi_policy       joint joint nhs council none_yet -
#   shared_power     yes yes yes partly no -
#   training_topics  a: all three, b: what+doing, c: what, d: what+evaluating, e: what
#   interests        a: 2 records, b: 1, d: 2 (c and e are not asked: no declarations yet / unsure)
ROOM = DATA / "room"
BAD = DATA / "bad"
HOSTILE_NOTE = "Check the budget | # <script>alert(1)</script>"
SECRET_NAMES = ("Secret Person", "Participant A", "Participant E")

# most divided first; equal shares keep the flow's order
DIVIDED_ORDER = [
    ("learning_culture", Fraction(3, 5)), ("coi_policy", Fraction(3, 5)), ("budget", Fraction(1, 2)),
    ("shared_power", Fraction(2, 5)), ("wide_networks", Fraction(2, 5)), ("interests_known", Fraction(2, 5)),
    ("space_to_shape", Fraction(1, 3)), ("problem_type", Fraction(1, 3)),
    ("time_for_relationships", Fraction(1, 3)), ("interests", Fraction(1, 3)),
    ("training_topics", Fraction(4, 15)),
    ("senior_buy_in", Fraction(1, 5)), ("shared_delivery", Fraction(1, 5)), ("own_skills", Fraction(1, 5)),
    ("training_who", 0), ("recompense", 0), ("vcse_same_guidance", 0), ("same_policy_all_sectors", 0),
    ("coi_principles", 0), ("review_declarations", 0), ("minutes_record", 0), ("measures", 0),
    ("measures_agreed_at_start", 0), ("measures_coproduced", 0),
]


@pytest.fixture(scope="module")
def room():
    cohort = build_cohort([ROOM])
    assert not cohort.skipped and len(cohort.flows) == 1
    return cohort.flows[0]


def spread_of(flow_cohort, question_id):
    return next(s for s in flow_cohort.questions if s.question.id == question_id)


def counts_of(spread):
    return {c.value: c.count for c in spread.counts}


# --- the numbers ---------------------------------------------------------------------------------------

def test_how_many_answered_and_how_many_were_complete(room):
    assert room.flow.id == "engagement-plan"
    assert (room.answer_sets, room.complete, room.decided) == (6, 5, 5)


def test_spread_of_recommendations_counts_only_answer_sets_that_reached_one(room):
    table = {c.level.id: (c.recommended, c.share, c.calls_for, c.supported) for c in room.levels}
    assert table == {
        "inform": (1, Fraction(1, 5), 1, 0),
        # b (budget partly, culture no) is Consult since policy version 3: co-design needs the culture too
        "consult": (2, Fraction(2, 5), 0, 3),
        "co-design": (1, Fraction(1, 5), 0, 1),
        "co-produce": (1, Fraction(1, 5), 4, 1),
    }


def test_what_held_the_recommendation_back_most_common_first(room):
    held = [(h.question.id, h.count, h.share, {c.value: c.count for c in h.answers}) for h in room.held_back]
    assert held == [
        ("budget", 2, Fraction(2, 5), {"partly": 1, "no": 1}),
        ("learning_culture", 1, Fraction(1, 5), {"no": 1}),
        ("shared_power", 1, Fraction(1, 5), {"partly": 1}),
    ]


def test_questions_are_ordered_most_divided_first_with_exact_measures(room):
    assert [(s.question.id, s.disagreement) for s in room.questions] == DIVIDED_ORDER


def test_each_answer_counted_with_its_share_of_those_who_answered(room):
    budget = spread_of(room, "budget")
    assert (budget.asked, budget.answered) == (6, 6)
    assert [(c.value, c.count, c.share) for c in budget.counts] == [
        ("yes", 3, Fraction(1, 2)), ("partly", 2, Fraction(1, 3)), ("no", 1, Fraction(1, 6)),
        ("unsure", 0, 0)]
    # the partial set reached this question on its path but stopped before it
    learning = spread_of(room, "learning_culture")
    assert (learning.asked, learning.answered) == (6, 5)
    assert counts_of(learning) == {"yes": 2, "partly": 1, "no": 2, "unsure": 0}
    assert [c.value for c in learning.most_common] == ["yes", "no"]


def test_multiple_choice_counts_each_option_as_a_share_of_respondents(room):
    topics = spread_of(room, "training_topics")
    assert topics.answered == 5
    assert [(c.value, c.count, c.share) for c in topics.counts] == [
        ("what_they_are", 5, Fraction(1)), ("doing_it_well", 2, Fraction(2, 5)),
        ("evaluating", 2, Fraction(2, 5))]
    # the mean over options of the share not going with the majority: (0 + 2/5 + 2/5) / 3
    assert topics.disagreement == Fraction(4, 15)


def test_record_questions_count_records_per_respondent(room):
    interests = spread_of(room, "interests")
    assert (interests.asked, interests.answered, interests.records) == (3, 3, 5)
    assert [(c.value, c.label, c.count) for c in interests.counts] == [
        ("1", "1 record", 1), ("2", "2 records", 2)]


def test_free_text_notes_are_grouped_by_question_with_repeats_counted(room):
    notes = {g.question.id: [(n.text, n.count) for n in g.notes] for g in room.notes}
    assert notes == {
        "work_summary": [("Case study - the drop-in", 6)],
        "register_keeper": [("Programme support officer", 1)],
        "notes": [("Book the hall early.", 2), ("Ask *finance* about [rooms](http://example.org)", 1),
                  (HOSTILE_NOTE, 1)],
    }


@pytest.mark.parametrize("counts, answered, expected", [
    ({"yes": 4}, 4, 0),
    ({"yes": 2, "no": 2}, 4, Fraction(1, 2)),
    ({"yes": 1, "partly": 1, "no": 1, "unsure": 1}, 4, Fraction(3, 4)),
    ({"yes": 3, "no": 1}, 4, Fraction(1, 4)),
    ({}, 0, 0),
])
def test_disagreement_is_the_share_not_giving_the_most_common_answer(appendix2, counts, answered, expected):
    assert disagreement(appendix2.question("budget"), Counter(counts), answered) == expected


YPNU = st.sampled_from(["yes", "partly", "no", "unsure"])
APPENDIX2_ANSWERS = st.fixed_dictionaries({}, optional={
    "space_to_shape": YPNU,
    "problem_type": st.sampled_from(["existing_solution", "partly_known", "wicked", "unsure"]),
    "time_for_relationships": YPNU, "budget": YPNU, "senior_buy_in": YPNU, "learning_culture": YPNU,
    "shared_delivery": YPNU, "shared_power": YPNU})


@settings(max_examples=60, deadline=None)
@given(answer_sets=st.lists(APPENDIX2_ANSWERS, max_size=12))
def test_counts_add_up_and_agree_with_the_engine(appendix2, answer_sets):
    results = [evaluate(appendix2, answers) for answers in answer_sets]
    tally = Tally(appendix2)
    for result in results:
        tally.add(result)
    counted = tally.finish()
    # what the engine says for each set, counted the slow way
    decided = [r for r, answers in zip(results, answer_sets) if len(answers) == 8]
    assert (counted.answer_sets, counted.complete, counted.decided) == (
        len(answer_sets), sum(r.complete for r in results), len(decided))
    assert {c.level.id: c.recommended for c in counted.levels if c.recommended} == dict(
        Counter(r.recommendation.id for r in decided))
    assert {h.question.id: h.count for h in counted.held_back} == dict(
        Counter(q for r in decided for q in r.held_back_by))
    for spread in counted.questions:
        assert sum(c.count for c in spread.counts) == spread.answered
        assert 0 <= spread.disagreement <= 1 - Fraction(1, len(spread.question.options))


# --- files that cannot be counted ----------------------------------------------------------------------

EXPECTED_SKIPS = {
    "a-list.yaml": "the answers file should be a mapping of fields, not a list",
    "appendix2.yaml": "answers flow 'appendix2', not 'engagement-plan'",
    "binary.yaml": "this is not a text file",
    "empty.yaml": "the answers file is empty",
    "not-yaml.yaml": "YAML syntax",
    "notes.txt": "not a .yaml or .yml file",
    "unknown-flow.yaml": "answers flow 'no-such-flow', not 'engagement-plan'",
}


def test_bad_files_are_listed_with_the_reason_and_never_stop_the_report(engagement, room):
    cohort = build_cohort([BAD, ROOM], flow=engagement)
    assert cohort.files == 13
    reasons = {Path(s.path).name: s.reason for s in cohort.skipped}
    assert set(reasons) == set(EXPECTED_SKIPS)
    for name, fragment in EXPECTED_SKIPS.items():
        assert fragment in reasons[name], (name, reasons[name])
    assert reasons["not-yaml.yaml"].startswith("line ")
    (counted,) = cohort.flows
    assert (counted.answer_sets, counted.complete) == (room.answer_sets, room.complete)
    assert [(s.question.id, s.disagreement) for s in counted.questions] == DIVIDED_ORDER


def test_without_a_flow_each_flow_is_reported_on_its_own_largest_first():
    cohort = build_cohort([ROOM, BAD / "appendix2.yaml", BAD / "unknown-flow.yaml"])
    assert [(f.flow.id, f.answer_sets) for f in cohort.flows] == [("engagement-plan", 6), ("appendix2", 1)]
    (skipped,) = cohort.skipped
    assert "'no-such-flow', which is not a shipped flow; give its flow file with --flow PATH" in skipped.reason
    markdown = render_markdown(cohort)
    assert "each flow is reported on its own" in markdown
    assert markdown.index("## Plan how to involve people") < markdown.index("## When is it right to co-design")


def test_a_file_is_counted_once_and_hidden_files_are_passed_over(tmp_path):
    shutil.copy(ROOM / "a.yaml", tmp_path / "a.yaml")
    (tmp_path / ".a.yaml.x1y2.part").write_text("flow: engagement-plan\nanswers: {budget: no}\n")
    (tmp_path / ".hidden").mkdir()
    shutil.copy(ROOM / "b.yaml", tmp_path / ".hidden" / "b.yaml")
    cohort = build_cohort([tmp_path, tmp_path / "a.yaml", tmp_path / "." / "a.yaml"])
    assert (cohort.files, cohort.answer_sets, cohort.skipped) == (1, 1, [])


def test_sessions_saved_by_the_app_are_counted_like_answers_files(tmp_path, engagement):
    from codesign_tui.flow.answers import check_answers, read_answers
    from codesign_tui.flow.problems import Problems
    from codesign_tui.flow.engine import Session
    from codesign_tui.sessions import to_yaml

    for name in ("a.yaml", "f.yaml"):
        answers = check_answers(engagement, read_answers(ROOM / name, Problems()), Problems(), partial=True)
        saved = Session(engagement, dict(answers, register_keeper=None), name=name[0])
        # as `codesign serve --collect` names and writes them
        (tmp_path / f"engagement-plan-{saved.name}.yaml").write_text(to_yaml(saved))
    from_sessions = build_cohort([tmp_path]).flows[0]
    from_files = build_cohort([ROOM / "a.yaml", ROOM / "f.yaml"]).flows[0]
    assert (from_sessions.answer_sets, from_sessions.complete, from_sessions.decided) == (2, 1, 1)
    assert [(s.question.id, s.counts) for s in from_sessions.questions] == [
        (s.question.id, s.counts) for s in from_files.questions]


def test_a_path_that_does_not_exist_is_skipped(tmp_path):
    cohort = build_cohort([tmp_path / "missing", ROOM / "a.yaml"])
    assert cohort.answer_sets == 1
    assert [s.reason for s in cohort.skipped] == ["no such file or folder"]


def test_an_unexpected_failure_in_one_file_skips_that_file_alone(monkeypatch):
    from codesign_tui.cohort import gather

    real = gather.read_answers

    def read_answers(path, problems):
        if path.name == "b.yaml":
            raise RuntimeError("disk gremlin")
        return real(path, problems)

    monkeypatch.setattr(gather, "read_answers", read_answers)
    cohort = build_cohort([ROOM])
    assert cohort.answer_sets == 5
    assert [s.reason for s in cohort.skipped] == ["could not be read (RuntimeError: disk gremlin)"]


def test_a_flow_without_levels_has_no_recommendation_sections(tmp_path):
    (tmp_path / "one.yaml").write_text(
        "flow: conflicts-of-interest\nanswers:\n  coi_policy: joint_policy\n  interests_known: none_yet\n")
    cohort = build_cohort([tmp_path])
    (flow_cohort,) = cohort.flows
    assert (flow_cohort.decided, flow_cohort.levels, flow_cohort.held_back) == (0, (), ())
    markdown = render_markdown(cohort)
    assert "### Recommendations" not in markdown and "held the recommendation back" not in markdown
    assert "### Where the room disagreed" in markdown


# --- the Markdown report -------------------------------------------------------------------------------

def parse(markdown: str):
    tokens = MarkdownIt("commonmark", {"html": True}).enable("table").parse(markdown)
    headings, tables, html, items, fences = [], [], [], [], []
    for index, token in enumerate(tokens):
        if token.type == "heading_open":
            headings.append((int(token.tag[1]), tokens[index + 1].content))
        elif token.type == "table_open":
            tables.append([])
        elif token.type == "tr_open":
            tables[-1].append([])
        elif token.type in ("th_open", "td_open"):
            tables[-1][-1].append("".join(c.content for c in tokens[index + 1].children or []))
        elif token.type == "html_block":
            html.append(token.content)
        elif token.type == "fence":
            fences.append((token.info, token.content))
        elif token.type == "list_item_open":
            items.append("".join(c.content for c in tokens[index + 2].children or []))
        elif token.type == "inline":
            html += [c.content for c in token.children or [] if c.type == "html_inline"]
    return headings, tables, html, items, fences


@pytest.fixture(scope="module")
def report(engagement):
    return render_markdown(build_cohort([ROOM, BAD], flow=engagement))


def test_report_has_its_headings_in_order(report):
    headings, *_ = parse(report)
    top = [h for h in headings if h[0] <= 3]
    assert top == [(1, "How the room answered"), (2, "Plan how to involve people in a piece of work"),
                   (3, "Recommendations"), (3, "What held the recommendation back"),
                   (3, "Where the room disagreed"), (3, "Notes"), (2, "Skipped files")]
    details = [text for level, text in headings if level == 4]
    # the most divided question first, under its number in the flow (as the app numbers it), not "1."
    assert details[0] == ("7. Is your organisation comfortable trying things out, learning as it goes and"
                          " sometimes getting things wrong?")
    assert len(details) == len(DIVIDED_ORDER) + 3  # one per question, then one per question with notes


def test_report_tables_are_whole_tables(report):
    _, tables, *_ = parse(report)
    recommendations = tables[0]
    assert recommendations[0][:3] == ["Level", "Recommended", "Share"]
    assert [row[:3] for row in recommendations[1:]] == [["Inform and check back", "1", "20%"], ["Consult", "2", "40%"],
                                                         ["Co-design", "1", "20%"], ["Co-produce", "1", "20%"]]
    assert recommendations[2][3] == "████████░░░░░░░░░░░░"  # Consult, 40%
    held = tables[1]
    assert [row[1:3] for row in held[1:]] == [["2", "40%"], ["1", "20%"], ["1", "20%"]]
    assert held[1][4] == "Partly (1), No (1)"
    summary = tables[2]
    assert [row[2] for row in summary[1:4]] == ["60%", "60%", "50%"]
    assert len(summary) == len(DIVIDED_ORDER) + 1
    skipped = tables[-1]
    assert skipped[0] == ["File", "Why it was skipped"] and len(skipped) == len(EXPECTED_SKIPS) + 1
    for table in tables:
        assert len({len(row) for row in table}) == 1, table


def test_report_explains_the_measure_and_how_many_answered(report):
    assert "the share of people who did not give the most common answer, so 0% means everyone agreed" in report
    assert ("**6 answer sets**, 5 complete (every required question on their path answered) and 1 partial" in report)
    assert "5 of 6 answer sets reached a recommendation; 1 stopped" in report


def test_report_draws_the_recommendations_as_a_mermaid_pie(report):
    _, _, _, _, fences = parse(report)
    assert fences == [("mermaid", 'pie showData\n    title Recommendations\n    "Inform and check back" : 1\n'
                                  '    "Consult" : 2\n    "Co-design" : 1\n    "Co-produce" : 1\n')]


def test_free_text_is_escaped_and_names_are_never_shown(report):
    headings, tables, html, items, _ = parse(report)
    assert html == []
    assert HOSTILE_NOTE in items
    assert "Ask *finance* about [rooms](http://example.org)" in items
    assert "Book the hall early. (2 people)" in items
    assert not [text for _, text in headings if "script" in text]
    for name in SECRET_NAMES:
        assert name not in report


def test_a_room_that_reached_no_recommendation_says_so():
    cohort = build_cohort([ROOM / "f.yaml"])
    markdown = render_markdown(cohort)
    assert "No answer set got as far as a recommendation" in markdown
    assert "```mermaid" not in markdown and "held the recommendation back" not in markdown


# --- JSON ----------------------------------------------------------------------------------------------

def test_json_has_the_numbers(engagement):
    data = json.loads(render_json(build_cohort([ROOM, BAD], flow=engagement)))
    assert (data["files"], data["answer_sets"], len(data["skipped"])) == (13, 6, len(EXPECTED_SKIPS))
    (flow,) = data["flows"]
    assert (flow["flow"], flow["answer_sets"], flow["complete"], flow["decided"]) == ("engagement-plan", 6, 5, 5)
    assert [(r["level"], r["recommended"], r["share"]) for r in flow["recommendations"]] == [
        ("inform", 1, 0.2), ("consult", 2, 0.4), ("co-design", 1, 0.2), ("co-produce", 1, 0.2)]
    assert [(h["question"], h["count"]) for h in flow["held_back"]] == [
        ("budget", 2), ("learning_culture", 1), ("shared_power", 1)]
    assert [(q["question"], q["disagreement"]) for q in flow["questions"]] == [
        (qid, round(float(share), 4)) for qid, share in DIVIDED_ORDER]
    interests = next(q for q in flow["questions"] if q["question"] == "interests")
    assert interests["records"] == 5 and interests["kind"] == "record"
    assert flow["notes"][2]["notes"][-1] == {"text": HOSTILE_NOTE, "count": 1}
    for name in SECRET_NAMES:
        assert name not in json.dumps(data)


# --- the command ---------------------------------------------------------------------------------------


# --- no Textual in the headless command ----------------------------------------------------------------

PROBE = """
import sys, runpy
sys.argv = ["codesign", "cohort", {room!r}]
try:
    runpy.run_module("codesign_tui", run_name="__main__")
except SystemExit:
    pass
print("TEXTUAL:", ",".join(m for m in sys.modules if m.split(".")[0] == "textual") or "none", file=sys.stderr)
"""


def test_the_same_session_in_two_files_is_one_person(tmp_path, engagement):
    import shutil

    room = tmp_path / "room"
    shutil.copytree(ROOM, room)
    copy = room / "copied-e.yaml"
    shutil.copy(room / "table-2" / "e.session.yaml", copy)  # a session saved, then collected as well
    cohort = build_cohort([room], flow=engagement)
    assert cohort.flows[0].answer_sets == build_cohort([ROOM], flow=engagement).flows[0].answer_sets
    [skipped] = cohort.skipped
    assert skipped.reason.startswith("the same session (20261125-101500-a1b2c3) as ")
    assert skipped.reason.endswith(", which is counted")


UNFIT = DATA / "unfit"


def test_an_answer_that_does_not_fit_is_set_aside_and_the_rest_counted(engagement):
    cohort = build_cohort([UNFIT], flow=engagement)
    (counted,) = cohort.flows
    assert (cohort.files, counted.answer_sets, cohort.skipped) == (2, 2, [])
    spread = {s.question.id: s for s in counted.questions}
    assert [(c.value, c.count) for c in spread["space_to_shape"].counts if c.count] == [("yes", 2)]
    assert not any(c.value == "maybe" for s in counted.questions for c in s.counts)
    places = sorted((Path(p.path).name, p.line, p.column) for p in cohort.set_aside)
    assert places == [("not-an-option.yaml", 4, 11), ("unknown-id.yaml", 4, 3)]


def test_the_report_says_how_many_would_be_higher_once_confirmed(tmp_path):
    """Issue 22: "12 Consult, of which 5 Co-design if confirmed", from the engine's if_confirmed."""
    import yaml

    base = {"space_to_shape": "yes", "problem_type": "partly_known", "time_for_relationships": "yes",
            "budget": "yes", "senior_buy_in": "yes", "learning_culture": "yes", "shared_delivery": "no",
            "shared_power": "no"}
    sets = [dict(base, budget="unsure")] * 3 + [dict(base, shared_delivery="yes", shared_power="yes",
                                                     budget="unsure")] + [dict(base, budget="no")] * 2
    for index, answers in enumerate(sets):
        (tmp_path / f"{index}.yaml").write_text(yaml.safe_dump({"flow": "appendix2", "answers": answers}))
    cohort = build_cohort([tmp_path])
    consult = next(c for c in cohort.flows[0].levels if c.level.id == "consult")
    assert (consult.recommended, consult.if_confirmed) == (6, {"co-design": 3, "co-produce": 1})
    assert "- 6 Consult, of which 3 Co-design if confirmed and 1 Co-produce if confirmed" in render_markdown(cohort)
    data = json.loads(render_json(cohort))
    row = next(r for r in data["flows"][0]["recommendations"] if r["level"] == "consult")
    assert row["if_confirmed"] == {"co-design": 3, "co-produce": 1}
