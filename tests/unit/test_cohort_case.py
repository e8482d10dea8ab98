"""The room against a worked example (issue 29, item 4): per question how many gave the case's answer and
what the rest gave, the share reaching the case's recommendation, who differs most by seat number, and the
answers set aside named per question; checked by hand on twenty answer sets, then against a plain count
over random rooms."""

from __future__ import annotations

import json
from collections import Counter
from fractions import Fraction
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from codesign_tui.cohort import build_cohort, render_json, render_markdown
from codesign_tui.cohort.gather import case_of
from codesign_tui.cohort.model import agrees_with_room, not_counted_reason, seat_numbers
from codesign_tui.flow.answers import read_answers
from codesign_tui.flow.engine import evaluate
from codesign_tui.flow.problems import Problems
from codesign_tui.plan.handout import examples_by_name
from codesign_tui.resources import flows_dir

ROOT = Path(__file__).resolve().parents[2]
ROOM = Path(__file__).parent.parent / "data" / "cohort" / "case-room"

# Twenty answer sets to appendix2, against POINT Oldham (partly, partly_known, yes, unsure, yes, partly,
# yes, yes). r01..r15 are a room's session files with the seat number each recorded (r01 is seat 4, r02
# seat 1, ...); p16..p20 are plain answers files, numbered 16 to 20 after the highest recorded, in file
# order. r12 (seat 12) answered the budget "maybe", which is set aside; p17 (seat 17) stopped before the
# last question. By seat, the answers (S space, P problem, T time, B budget, L leaders, C culture,
# D delivery, W power; Y yes, pt partly, N no, un unsure, PK partly known, WK wicked, ES existing):
#   seat  S   P   T   B     L   C   D   W      from case   from room (room: pt PK Y Y Y pt Y Y)
#    1    Y   WK  un  pt    Y   pt  Y   Y      4 of 8      4 of 8
#    2    un  PK  Y   N     N   pt  Y   Y      3 of 8      3 of 8
#    3    N   ES  N   N     N   N   N   N      8 of 8      8 of 8
#    4    pt  PK  N   un    un  pt  Y   pt     3 of 8      4 of 8
#    5    N   PK  Y   Y     Y   N   Y   Y      3 of 8      2 of 8
#    6    pt  PK  Y   un    Y   pt  pt  Y      1 of 8      2 of 8
#    7    pt  PK  Y   un    un  un  Y   N      3 of 8      4 of 8
#    8    pt  PK  Y   N     Y   Y   un  Y      3 of 8      3 of 8
#    9    pt  PK  un  Y     pt  pt  pt  Y      4 of 8      3 of 8
#   10    N   PK  Y   Y     Y   Y   un  Y      4 of 8      3 of 8
#   11    pt  un  Y   un    Y   pt  Y   Y      1 of 8      2 of 8
#   12    pt  WK  Y   maybe Y   un  Y   Y      2 of 7      2 of 7
#   13    pt  PK  Y   pt    Y   N   Y   Y      2 of 8      2 of 8
#   14    pt  un  Y   N     Y   pt  Y   Y      2 of 8      2 of 8
#   15    pt  PK  Y   Y     Y   pt  Y   Y      1 of 8      0 of 8
#   16    N   WK  N   N     un  pt  N   Y      6 of 8      6 of 8
#   17    N   PK  Y   Y     Y   pt  Y   -      2 of 7      1 of 7
#   18    pt  PK  Y   Y     pt  pt  Y   Y      2 of 8      1 of 8
#   19    pt  PK  N   Y     pt  pt  Y   Y      3 of 8      2 of 8
#   20    Y   un  Y   un    N   pt  Y   Y      3 of 8      4 of 8
# Counted by hand down each column: (gave the case's answer, answered; the rest in the options' order)
BY_HAND = {
    "space_to_shape": (12, 20, [("yes", 2), ("no", 5), ("unsure", 1)]),
    "problem_type": (13, 20, [("existing_solution", 1), ("wicked", 3), ("unsure", 3)]),
    "time_for_relationships": (14, 20, [("no", 4), ("unsure", 2)]),
    "budget": (5, 19, [("yes", 7), ("partly", 2), ("no", 5)]),
    "senior_buy_in": (11, 20, [("partly", 3), ("no", 3), ("unsure", 3)]),
    "learning_culture": (13, 20, [("yes", 2), ("no", 3), ("unsure", 2)]),
    "shared_delivery": (14, 20, [("partly", 2), ("no", 2), ("unsure", 2)]),
    "shared_power": (16, 19, [("partly", 1), ("no", 2)]),
}
SEATS_BY_HAND = {  # seat: (differs from the case, of; differs from the room, of)
    1: (4, 8, 4, 8), 2: (3, 8, 3, 8), 3: (8, 8, 8, 8), 4: (3, 8, 4, 8), 5: (3, 8, 2, 8), 6: (1, 8, 2, 8),
    7: (3, 8, 4, 8), 8: (3, 8, 3, 8), 9: (4, 8, 3, 8), 10: (4, 8, 3, 8), 11: (1, 8, 2, 8), 12: (2, 7, 2, 7),
    13: (2, 8, 2, 8), 14: (2, 8, 2, 8), 15: (1, 8, 0, 8), 16: (6, 8, 6, 8), 17: (2, 7, 1, 7), 18: (2, 8, 1, 8),
    19: (3, 8, 2, 8), 20: (3, 8, 4, 8),
}
FILE_OF_SEAT = {4: "r01", 1: "r02", 7: "r03", 2: "r04", 9: "r05", 3: "r06", 5: "r07", 6: "r08", 8: "r09",
                **{n: f"r{n:02d}" for n in range(10, 16)}, **{n: f"p{n}" for n in range(16, 21)}}


@pytest.fixture(scope="module")
def oldham():
    return examples_by_name(flows_dir())["point-oldham"]


@pytest.fixture(scope="module")
def compared(appendix2, oldham):
    cohort = build_cohort([ROOM], flow=appendix2, case=case_of(appendix2, oldham))
    assert not cohort.skipped and cohort.answer_sets == 20
    return cohort


def test_each_question_counts_those_who_gave_the_cases_answer_and_the_spread_of_the_rest(compared):
    case = compared.flows[0].case
    found = {q.question.id: (q.matched, q.answered, [(c.value, c.count) for c in q.rest]) for q in case.questions}
    assert found == BY_HAND
    budget = next(q for q in case.questions if q.question.id == "budget")
    assert (budget.answer, budget.label, budget.share) == ("unsure", "Not sure", Fraction(5, 19))
    assert [c.share for c in budget.rest] == [Fraction(7, 19), Fraction(2, 19), Fraction(5, 19)]


def test_each_seat_differs_from_the_case_and_the_room_as_counted_by_hand(compared):
    case = compared.flows[0].case
    found = {s.seat: (s.from_case, s.with_case, s.from_room, s.with_room) for s in case.seats}
    assert found == SEATS_BY_HAND
    assert [s.seat for s in case.seats] == list(range(1, 21))


def test_the_furthest_are_named_by_seat_with_ties_kept(compared):
    case = compared.flows[0].case
    assert [s.seat for s in case.furthest_from_case] == [3, 16, 1, 9, 10]
    assert [s.seat for s in case.furthest_from_room] == [3, 16, 1, 4, 7, 20]


def test_the_share_reaching_the_cases_recommendation_agrees_with_the_engine_file_by_file(compared, appendix2):
    case = compared.flows[0].case
    assert case.recommendation.id == "consult"
    levels = {}
    for seat, stem in FILE_OF_SEAT.items():
        path = next(ROOM.glob(f"{stem}*.yaml"))
        given = read_answers(path, Problems())
        answers = {k: v for k, v in given.answers.items() if k != "budget" or v != "maybe"}
        result = evaluate(appendix2, {k: v if not isinstance(v, bool) else ("yes" if v else "no")
                                      for k, v in answers.items()})
        levels[seat] = result.recommendation.id if result.decided and result.recommendation else None
    assert {s.seat: (s.recommendation.id if s.recommendation else None) for s in case.seats} == levels
    decided = [seat for seat, level in levels.items() if level]
    assert (case.decided, case.reached) == (len(decided), sum(levels[s] == "consult" for s in decided))
    assert (case.decided, case.reached) == (18, 13)  # seats 12 (budget set aside) and 17 (stopped) undecided


def test_a_set_aside_answer_is_counted_and_named_per_question(compared):
    (budget,) = compared.flows[0].not_counted
    assert (budget.question_id, budget.count, budget.reasons) == ("budget", 1, (("'maybe' is not an answer", 1),))
    report = render_markdown(compared)
    assert "1 answer not counted: 'maybe' is not an answer." in report
    data = json.loads(render_json(compared))["flows"][0]
    assert data["not_counted"] == [{"question": "budget", "prompt": budget.prompt, "count": 1,
                                    "reasons": [{"reason": "'maybe' is not an answer", "count": 1}]}]


def test_the_report_says_the_comparison_and_never_a_name(compared):
    report = render_markdown(compared)
    assert "### The room against the case: POINT Oldham's parent carer forum" in report
    assert "**13 of the 18 answer sets** that reached a recommendation (72%) reached the case's, Consult." in report
    assert ("| 4 | Do you have money for facilitation, a place to meet, and people's expenses? | Not sure |"
            " 5 of 19 | 26% | Yes 7, Partly 2, No 5 |") in report
    assert ("- Furthest from the case: seat 3 (differs on 8 of 8 answers); seat 16 (6 of 8); seats 1, 9 and 10"
            " (4 of 8 each).") in report
    text = report + render_json(compared)
    assert "Named Person" not in text


def test_the_json_has_a_table_by_seat_number(compared):
    case = json.loads(render_json(compared))["flows"][0]["case"]
    assert [row["seat"] for row in case["seats"]] == list(range(1, 21))
    assert case["seats"][2] == {"seat": 3, "compared_with_case": 8, "differs_from_case": 8,
                                "compared_with_room": 8, "differs_from_room": 8, "recommendation": "inform",
                                "reached_case": False}
    assert (case["example"], case["recommendation"], case["decided"], case["reached"]) == \
        ("point-oldham", "consult", 18, 13)
    assert (case["furthest_from_case"], case["furthest_from_room"]) == ([3, 16, 1, 9, 10], [3, 16, 1, 4, 7, 20])
    assert [q["gave_it"] for q in case["questions"]] == [v[0] for v in BY_HAND.values()]


def test_before_the_reveal_nothing_is_said_about_any_recommendation_or_the_case(compared, appendix2):
    hidden = render_markdown(compared, reveal=False)
    for level in appendix2.levels:
        assert level.label not in hidden
    for word in ("recommend", "the case", "held back", "Furthest"):
        assert word.lower() not in hidden.lower().replace("nothing is said here about any recommendation", "")
    assert "#### 4. Do you have money" in hidden and "'maybe' is not an answer" in hidden
    data = json.loads(render_json(compared, reveal=False))["flows"][0]
    assert not {"recommendations", "held_back", "case"} & set(data)


# --- seat numbers --------------------------------------------------------------------------------------

def test_recorded_seat_numbers_are_kept_and_the_rest_numbered_after_them_in_order():
    keys = [(4, "10:01", "a"), (0, "10:05", "z"), (1, "10:02", "b"), (0, "", "m"), (0, "10:03", "c")]
    assert seat_numbers(keys) == [4, 7, 1, 5, 6]


def test_a_set_added_later_never_moves_the_numbers_before_it():
    keys = [(0, "10:01", "a"), (0, "10:02", "b"), (0, "10:03", "c")]
    later = keys + [(0, "10:09", "d")]
    assert seat_numbers(later)[:3] == seat_numbers(keys) == [1, 2, 3]


def test_a_number_recorded_twice_is_kept_by_the_first_and_the_second_is_numbered_after_the_rest():
    assert seat_numbers([(2, "10:05", "round-2/a"), (2, "10:01", "round-1/a"), (1, "10:00", "x")]) == [3, 2, 1]


# --- the room's answer, and reasons --------------------------------------------------------------------

def test_the_rooms_answer_is_the_most_common_and_for_ticks_the_side_of_at_least_half(appendix2, engagement):
    single = agrees_with_room(appendix2.question("budget"), Counter(yes=3, no=3, unsure=1), 7)
    assert (single("yes"), single("no"), single("unsure")) == (True, True, False)
    ticks = engagement.question("training_topics")
    a, b, c = ticks.values[:3]
    agrees = agrees_with_room(ticks, Counter({a: 4, b: 2, c: 1}), 4)  # a by all, b by half, c by a quarter
    assert agrees([a]) and agrees([a, b]) and not agrees([b]) and not agrees([a, c])


def test_a_reason_quotes_a_choice_and_never_a_register_or_a_note(engagement):
    assert not_counted_reason(engagement, "budget", "maybe", "budget: 'maybe' is not one of the answers") == \
        "'maybe' is not an answer"
    assert not_counted_reason(engagement, "budgett", "yes", "") == "not a question of this flow"
    named = [{"name": "Named Person", "role": "chair"}]
    assert not_counted_reason(engagement, "interests", named, "interests record 1 is missing 'x'") == \
        "does not fit the question"


# --- against a plain count, on random rooms ------------------------------------------------------------

CASE = {"space_to_shape": "partly", "problem_type": "partly_known", "time_for_relationships": "yes",
        "budget": "unsure", "senior_buy_in": "yes", "learning_culture": "partly", "shared_delivery": "yes",
        "shared_power": "yes"}
YPNU = ["yes", "partly", "no", "unsure"]
OPTIONS = {q: YPNU for q in CASE} | {"problem_type": ["existing_solution", "partly_known", "wicked", "unsure"]}
answer_set = st.fixed_dictionaries({}, optional={q: st.sampled_from(v) for q, v in OPTIONS.items()})


@settings(max_examples=40, deadline=None)
@given(st.lists(answer_set, min_size=1, max_size=25))
def test_the_comparison_agrees_with_a_plain_count(tmp_path_factory, appendix2, oldham, room):
    folder = tmp_path_factory.mktemp("room")
    for number, answers in enumerate(room):
        (folder / f"{number:03d}.yaml").write_text(yaml.safe_dump({"flow": "appendix2", "answers": answers}))
    cohort = build_cohort([folder], flow=appendix2, case=case_of(appendix2, oldham))
    case = cohort.flows[0].case
    assert cohort.answer_sets == len(room)  # a file with no answers yet is an answer set too (partial)
    for question in case.questions:
        qid = question.question.id
        given_ = [a[qid] for a in room if qid in a]
        assert (question.matched, question.answered) == (given_.count(CASE[qid]), len(given_))
        assert {c.value: c.count for c in question.rest} == {
            v: n for v, n in Counter(given_).items() if v != CASE[qid]}
    counts = {q: Counter(a[q] for a in room if q in a) for q in CASE}
    tops = {q: {v for v, n in c.items() if n == max(c.values())} for q, c in counts.items() if c}
    for number, (seat, answers) in enumerate(zip(case.seats, room), 1):
        assert seat.seat == number  # no numbers recorded: numbered in file order
        assert (seat.from_case, seat.with_case) == (sum(answers[q] != CASE[q] for q in answers), len(answers))
        assert (seat.from_room, seat.with_room) == (sum(answers[q] not in tops[q] for q in answers), len(answers))
        level = evaluate(appendix2, answers)
        expected = level.recommendation.id if level.decided and level.recommendation else None
        assert (seat.recommendation.id if seat.recommendation else None) == expected
        assert seat.reached_case == (expected == "consult")


# --- the command ---------------------------------------------------------------------------------------


def test_a_sessions_seat_number_is_kept_in_its_file_and_read_back(tmp_path, appendix2):
    from codesign_tui.sessions import SessionStore

    store = SessionStore(tmp_path)
    session = store.new(appendix2, seat=7)
    session.answer("space_to_shape", "yes")
    path = store.save(session)
    assert "  seat: 7\n" in path.read_text()
    opened, _ = store.open(appendix2, session.name)
    assert opened.seat == 7
    cohort = build_cohort([tmp_path], flow=appendix2, case=case_of(appendix2, examples_by_name(flows_dir())[
        "point-oldham"]))
    assert [s.seat for s in cohort.flows[0].case.seats] == [7]
