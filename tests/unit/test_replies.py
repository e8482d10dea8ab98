"""Typed replies read the way a person means them."""

from __future__ import annotations

import pytest

from codesign_tui.flow.replies import ReplyError, read_choice, read_choices


@pytest.mark.parametrize("question_id, text, value", [
    ("space_to_shape", "y", "yes"), ("space_to_shape", "Yes", "yes"),
    ("time_for_relationships", "n", "no"), ("budget", "N", "no"),  # as at any yes/no prompt, though "Not sure" starts with n
    ("time_for_relationships", "no", "no"), ("budget", "not", "unsure"), ("space_to_shape", "2", "partly"),
    ("space_to_shape", "partly", "partly"), ("space_to_shape", "no", "no"), ("space_to_shape", "not sure", "unsure"),
    ("space_to_shape", "No, it is mostly decided", "no"),  # a whole label
    ("space_to_shape", "no, mostly decided", "no"),  # an answer said with its reason
    ("space_to_shape", "partly, a few things are fixed", "partly"),
    ("problem_type", "wicked", "wicked"), ("problem_type", "hard problem", "wicked"),
])
def test_a_reply_means_one_answer(appendix2, question_id, text, value):
    assert read_choice(appendix2.question(question_id), text) == value


@pytest.mark.parametrize("text", ["maybe", "5", "z, o"])
def test_a_reply_that_fits_no_answer_says_which_would(appendix2, text):
    with pytest.raises(ReplyError) as raised:
        read_choice(appendix2.question("space_to_shape"), text)
    assert "1 Yes" in str(raised.value) or "choose a number" in str(raised.value) or "could be" in str(raised.value)


def test_several_answers_by_number_or_word(engagement):
    question = engagement.question("training_topics")
    assert read_choices(question, "1, 3") == ["what_they_are", "evaluating"]
    assert read_choices(question, "none") == []


def test_ticks_named_in_words_joined_by_and(branching):
    """A person types "email and post": the reply was refused (only "1 and 2" or "email, post" worked)."""
    channels = branching.question("channels")
    assert read_choices(channels, "email and post") == ["email", "post"]
    assert read_choices(channels, "email, post and meetings") == ["email", "post", "meetings"]
    assert read_choices(channels, "Email & Post") == ["email", "post"]
    with pytest.raises(ReplyError, match="1 email"):
        read_choices(channels, "email and fax")


def test_an_option_with_and_in_its_name_is_one_option():
    from codesign_tui.flow.model import Option, Question

    question = Question(id="topics", prompt="Which?", kind="multiple", section_id="about",
                        options=(Option("training", "Training and development"), Option("money", "Money")))
    assert read_choices(question, "Training and development, money") == ["training", "money"]
    assert read_choices(question, "training and development and money") == ["training", "money"]
