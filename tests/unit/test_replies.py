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


# one register-entry reader for every front end (the app's form, plain mode, the room's page): the texts typed
# in an entry's fields, by field id, and what they read as, or what each field at fault is told
ENTRIES = {
    "nothing typed is no entry": ({}, None, []),
    "a choice by its number, a date as people write it": (
        {"name": " Dee ", "type": "1", "on": "31/03/2026"}, {"name": "Dee", "type": "paid", "on": "2026-03-31"}, []),
    "an optional field left out": ({"name": "Dee", "type": "unpaid"}, {"name": "Dee", "type": "unpaid"}, []),
    "every field at fault is named, in the form's order": (
        {"on": "soon"}, ..., ["Enter “Name”", "Select “Type”", "Enter a real date for “When”, for example 31/03/2026"]),
    "a choice that is none of the answers says which are": (
        {"name": "Dee", "type": "7"}, ..., ["For “Type”, choose a number from 1 to 2"]),
}


@pytest.mark.parametrize("texts, entry, said", ENTRIES.values(), ids=ENTRIES.keys())
def test_a_register_entry_is_read_from_its_fields_texts(texts, entry, said):
    from pathlib import Path

    from codesign_tui.flow.loader import load_flow
    from codesign_tui.flow.replies import EntryError, read_entry

    question = load_flow(Path(__file__).resolve().parents[1] / "data" / "branching.yaml").question("records")
    if said:
        with pytest.raises(EntryError) as error:
            read_entry(question, texts, 1)
        assert [message for _, message in error.value.problems] == said
        assert [spec.id for spec in error.value.missing] == [s.id for s, m in error.value.problems
                                                             if m.startswith(("Enter “", "Select “"))]
    else:
        assert read_entry(question, texts, 1) == entry


def test_a_register_entry_with_nothing_typed_is_read_when_asked_to_and_a_long_field_is_refused():
    from pathlib import Path

    from codesign_tui.flow.loader import load_flow
    from codesign_tui.flow.replies import EntryError, read_entry

    question = load_flow(Path(__file__).resolve().parents[1] / "data" / "branching.yaml").question("records")
    with pytest.raises(EntryError) as error:
        read_entry(question, {}, 1, blank=True)  # the app's form: Add with nothing filled in says what it needs
    assert [spec.id for spec in error.value.missing] == ["name", "type"]
    with pytest.raises(EntryError, match="Keep “Name” to 10 characters or fewer"):
        read_entry(question, {"name": "x" * 11, "type": "paid"}, 1, longest=10)


@pytest.mark.parametrize("question_id, sent, value_or_error", [
    ("open", "partly", "partly"), ("open", "", "Select an answer"),
    ("open", "2", "Select one of the answers shown"),  # a form sends values, never numbers
    ("channels", ["post", "email"], ["email", "post"]),
    ("channels", [], "Select at least one answer, or choose “None of these”"),
    ("channels", ["fax"], "Select from the answers shown"),
    ("detail", " Fairly ", "Fairly"), ("detail", "", "Enter an answer"),
    ("detail", "x" * 11, "Keep your answer to 10 characters or fewer"),
])
def test_a_form_sent_is_read_as_an_answer_or_says_what_to_do(branching, question_id, sent, value_or_error):
    from codesign_tui.flow.replies import read_sent

    try:
        assert read_sent(branching.question(question_id), sent, 10) == value_or_error
    except ReplyError as error:
        assert str(error) == value_or_error


def test_a_form_sent_for_a_date_says_what_to_do(branching):
    import dataclasses

    from codesign_tui.flow.replies import read_sent

    date = dataclasses.replace(branching.question("detail"), kind="date")
    assert read_sent(date, "31/03/2026") == "2026-03-31"
    for sent, said in [("", "Enter a date"), ("soon", "Enter a real date, for example 31/03/2026")]:
        with pytest.raises(ReplyError, match=said):
            read_sent(date, sent)
