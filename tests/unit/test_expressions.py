"""The expression language: what parses, what it means, and that it cannot reach Python."""

from __future__ import annotations

import pytest

from codesign_tui.flow.expressions import Expression, ExpressionError, parse

ANSWERS = {"budget": "yes", "time": "no", "measures": ["outputs", "wellbeing"],
           "interests": [{"type": "financial", "handled": "withdraw"}, {"type": "indirect", "handled": "note"}],
           "notes": "hello"}


@pytest.mark.parametrize("text, expected", [
    ("budget == 'yes'", True),
    ("budget != 'yes'", False),
    ('budget == "yes"', True),
    ("budget in ['yes', 'partly']", True),
    ("time in ['yes', 'partly']", False),
    ("time not in ['yes', 'partly']", True),
    ("'wellbeing' in measures", True),
    ("'outputs' not in measures", False),
    ("'financial' in interests.type", True),
    ("'personal' in interests.type", False),
    ("count(interests) > 1", True),
    ("count(interests) >= 3", False),
    ("count(measures) == 2", True),
    ("count(missing) == 0", True),
    ("answered(notes)", True),
    ("answered(missing)", False),
    ("missing == 'yes'", False),
    ("missing != 'yes'", True),
    ("budget == 'yes' and time == 'no'", True),
    ("budget == 'no' or time == 'no'", True),
    ("not (budget == 'yes')", False),
    ("not budget == 'yes' or true", True),
    ("budget == 'yes' and (time == 'yes' or time == 'no')", True),
    ("false or false", False),
    ("measures in ['outputs']", True),  # a multiple answer: any of its choices
    # any(): several fields of the same record; the two records below each meet half of the first test
    ("any(interests, type == 'financial' and handled == 'note')", False),
    ("any(interests, type == 'financial' and handled == 'withdraw')", True),
    ("any(interests, type == 'indirect' or handled == 'nothing')", True),
    ("any(interests, handled in ['note', 'other'])", True),
    ("any(missing, type == 'financial')", False),
    ("any(budget, type == 'financial')", False),  # not records: none meets it
])
def test_meaning(text, expected):
    assert Expression.parse(text)(ANSWERS) is expected


def test_and_binds_tighter_than_or():
    assert Expression.parse("true or false and false")({}) is True
    assert parse("a == 'x' or b == 'y' and c == 'z'").op == "or"


def test_names_read_in_order():
    assert Expression.parse("b == 'x' and count(a) > 1 or 'v' in c.f").names == ["b", "a", "c"]


def test_any_reads_its_record_not_the_field_names_inside():
    assert Expression.parse("any(r, x == 'a' and y == 'b') or z == 'c'").names == ["r", "z"]


@pytest.mark.parametrize("text, offset, words", [
    ("", 0, "empty"),
    ("budget ==", 9, "too early"),
    ("budget == 'yes' and", 19, "too early"),
    ("budget = 'yes'", 7, "unexpected character"),
    ("budget == 'yes' budget", 16, "unexpected"),
    ("(budget == 'yes'", 16, "expected ')'"),
    ("budget == 'yes", 10, "unexpected character"),
    ("__import__('os')", 0, "unknown function"),
    ("len(budget)", 0, "unknown function"),
    ("count('x')", 6, "question id"),
    ("budget == yes'", 13, "unexpected character"),
    ("any(interests.type, type == 'x')", 4, "record question id first"),
    ("any(interests type == 'x')", 14, "a comma"),
    ("any(interests, interests.type == 'x')", 15, "fields of 'interests' alone"),
    ("any(interests, count(type) > 1)", 15, "functions are not allowed"),
])
def test_parse_errors_say_where(text, offset, words):
    with pytest.raises(ExpressionError) as caught:
        parse(text)
    assert caught.value.offset == offset
    assert words in caught.value.message


def test_no_python_reaches_evaluation():
    # attribute access and calls other than the two functions do not exist in the language
    for text in ["().__class__", "x.y.z == 'a'", "open('/etc/passwd')", "[].append(1)"]:
        with pytest.raises(ExpressionError):
            parse(text)


def test_a_dotted_name_is_a_record_field_read_from_answers_never_an_attribute():
    expression = Expression.parse("'x' in budget.__class__")
    assert expression({"budget": "yes"}) is False
    assert Expression.parse("'str' in budget.__class__")({"budget": [{"__class__": "str"}]}) is True


def test_ordering_with_non_numbers_is_false_not_an_error():
    assert Expression.parse("budget > 1")(ANSWERS) is False
