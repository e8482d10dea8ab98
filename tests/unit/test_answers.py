"""Answers files: read as people write them, and every mistake named with its place and the fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from codesign_tui.flow.answers import check_answers, read_answers
from codesign_tui.flow.problems import Problems

DATA = Path(__file__).parent.parent / "data"


def load(tmp_path: Path, text: str, flow, partial: bool = False):
    path = tmp_path / "answers.yaml"
    path.write_text(text, encoding="utf-8")
    problems = Problems()
    given = read_answers(path, problems)
    answers = check_answers(flow, given, problems, partial) if given else {}
    return answers, problems


def test_unquoted_yes_and_no_are_the_words(appendix2):
    problems = Problems()
    given = read_answers(DATA / "answers" / "appendix2-consult-held-back.yaml", problems)
    answers = check_answers(appendix2, given, problems)
    assert not problems.items
    assert answers["space_to_shape"] == "yes" and answers["budget"] == "no"
    assert given.project == "Homelessness prevention in Wigan"
    assert given.date == "2026-11-30"


# An answer that does not fit is set aside with a warning at its place, not loaded (it used to be an error
# that stopped the file being used at all).
def test_unknown_id_is_named_with_a_suggestion_and_set_aside(tmp_path, appendix2):
    answers, problems = load(tmp_path, "flow: appendix2\nanswers:\n  budgett: yes\n", appendix2, partial=True)
    assert not problems.errors and answers == {}
    [problem] = problems.warnings
    assert (problem.line, problem.column) == (3, 3)
    assert "'budgett' is not a question" in problem.message
    assert "did you mean 'budget'?" in problem.hint
    assert "set aside" in problem.message


def test_value_not_an_option_lists_the_allowed_values_and_is_set_aside(tmp_path, appendix2):
    answers, problems = load(tmp_path, "flow: appendix2\nanswers:\n  budget: maybe\n  senior_buy_in: yes\n",
                             appendix2, partial=True)
    assert answers == {"senior_buy_in": "yes"}
    [problem] = problems.warnings
    assert (problem.line, problem.column) == (3, 11)
    assert "'maybe' is not one of the answers (yes, partly, no, unsure)" in problem.message


def test_missing_answers_are_errors_unless_partial(tmp_path, appendix2):
    text = "flow: appendix2\nanswers:\n  budget: yes\n"
    _, problems = load(tmp_path, text, appendix2)
    missing = [p.message for p in problems.errors]
    assert len(missing) == 7
    assert any("missing an answer to 'space_to_shape' (yes, partly, no, unsure)" in m for m in missing)
    answers, problems = load(tmp_path, text, appendix2, partial=True)
    assert not problems.items and answers == {"budget": "yes"}


def test_answers_for_another_flow_are_refused(tmp_path, appendix2):
    _, problems = load(tmp_path, "flow: conflicts-of-interest\nanswers: {}\n", appendix2, partial=True)
    assert "for flow 'conflicts-of-interest', not 'appendix2'" in problems.errors[0].message


def test_a_duplicate_answer_is_an_error(tmp_path, appendix2):
    _, problems = load(tmp_path, "flow: appendix2\nanswers:\n  budget: yes\n  budget: no\n", appendix2, True)
    assert any(p.line == 4 and "answered twice" in p.message for p in problems.errors)


def test_register_records_are_checked(tmp_path, conflicts):
    text = """flow: conflicts-of-interest
answers:
  interests_known: yes
  interests:
    - name: Sam
      role: Trustee
      organisation: CVS
      interest_type: money
      description: x
      management: withdraw_from_item
"""
    answers, problems = load(tmp_path, text, conflicts, partial=True)
    assert "interests" not in answers and answers["interests_known"] == "yes"
    [problem] = problems.warnings
    assert "interests.interest_type: 'money' is not one of the answers" in problem.message
    assert "financial, non_financial_professional, non_financial_personal, indirect" in problem.message


def test_multiple_choice_accepts_a_single_value_and_orders_choices(tmp_path, engagement):
    answers, problems = load(tmp_path, "flow: engagement-plan\nanswers:\n  measures: [wellbeing, outputs]\n"
                             "  training_who: commissioners\n", engagement, partial=True)
    assert not problems.items
    assert answers["measures"] == ["outputs", "wellbeing"]
    assert answers["training_who"] == ["commissioners"]


@pytest.mark.parametrize("text, words", [
    ("", "empty"),
    ("- flow: appendix2\n", "should be a mapping"),
    ("flow: appendix2\n", "missing the field 'answers'"),
    ("flow: appendix2\nanswers: [budget]\n", "should map question ids"),
    ("flow: appendix2\nanswer:\n  budget: yes\n", "did you mean 'answers'?"),
    ("flow: appendix2\nanswers:\n\tbudget: yes\n", "tab"),
    ("flow: appendix2\ndate: soon\nanswers: {}\n", "YYYY-MM-DD"),
])
def test_broken_answers_files(tmp_path, appendix2, text, words):
    _, problems = load(tmp_path, text, appendix2, partial=True)
    assert problems.errors
    assert words in problems.format()


@pytest.mark.parametrize("text", ["2026-12-01", "01/12/2026", "1 Dec 2026", "1 December 2026", "1 dec 2026",
                                  "1-12-2026", " 1  Dec, 2026 "])
def test_dates_as_people_write_them_in_the_uk(text):
    from codesign_tui.flow.answers import read_date

    assert read_date(text) == "2026-12-01"


@pytest.mark.parametrize("text", ["12/31/2026", "Dec 1st", "tomorrow", "31 Feb 2026", ""])
def test_what_is_not_a_date_is_refused(text):
    from codesign_tui.flow.answers import read_date

    with pytest.raises(ValueError):
        read_date(text)
