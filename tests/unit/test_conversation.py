"""The controller (flow/conversation.py) in the Smart Answers style: for each reply typed, what it means and
where the conversation goes next, with the notes it says on the way. No screen: every front end (the app,
plain mode, the room) draws what this decides."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from codesign_tui.flow.conversation import Conversation, Note, Reply
from codesign_tui.flow.engine import Session
from codesign_tui.flow.loader import load_flow

BRANCHING = Path(__file__).resolve().parents[1] / "data" / "branching.yaml"


def say(conversation: Conversation, text: str) -> tuple[str, tuple[str, ...], str | None]:
    """Type `text` (or "edit:ID" to go back to an answer): what the reply meant, the kinds of the notes
    said, and the question asked next."""
    if text.startswith("edit:"):
        conversation.edit(text.removeprefix("edit:"))
        return "edit", (), conversation.current.id if conversation.current else None
    reply = conversation.read(text)
    notes: tuple = ()
    if reply.kind in ("answer", "keep", "skip"):
        notes = conversation.act(reply).notes
    elif reply.kind == "back":
        conversation.back()
    current = conversation.current
    return reply.kind, tuple(kind for kind, _ in notes), current.id if current else None


# each case: the replies typed, one after the other, and for each what it meant, the notes and where it led
CASES = {
    "an answer in words, then an optional question passed over": [
        ("partly", "answer", (), "detail"),
        ("", "skip", (), "money"),
    ],
    "back, and Enter keeps the answer given": [
        ("yes", "answer", (), "detail"),
        ("Fairly open", "answer", (), "money"),
        ("back", "back", (), "detail"),
        ("", "keep", (), "money"),
    ],
    "a reply that fits no option is an error, and the question stays": [
        ("yes", "answer", (), "detail"),
        ("", "skip", (), "money"),
        ("Fairly open", "error", (), "money"),
        ("2", "answer", (), "people"),
    ],
    "why is asked in words, and nothing moves": [
        ("?", "why", (), "open"),
        ("why", "why", (), "open"),
    ],
    "the answer that settles the recommendation says so": [
        ("yes", "answer", (), "detail"),
        ("", "skip", (), "money"),
        ("no", "answer", (), "people"),
        ("no", "answer", ("level",), "records"),
    ],
    "a required question left empty asks again": [
        ("yes", "answer", (), "detail"),
        ("", "skip", (), "money"),
        ("yes", "answer", (), "people"),
        ("yes", "answer", ("level",), "channels"),
        ("", "error", (), "channels"),
        ("email and post", "answer", (), "extra_note"),
    ],
    "a closed question jumps to the register, the recommendation settled": [
        ("no", "answer", ("level",), "records"),
    ],
    "changing an earlier answer sets aside what no longer applies, and brings it back": [
        ("yes", "answer", (), "detail"),
        ("open enough", "answer", (), "money"),
        ("yes", "answer", (), "people"),
        ("yes", "answer", ("level",), "channels"),
        ("edit:open", "edit", (), "open"),
        ("no", "answer", ("changed", "level", "set-aside"), "records"),
        ("edit:open", "edit", (), "open"),
        ("yes", "answer", ("changed", "level", "restored"), "channels"),
    ],
    "a register is filled in as a form, and 'done' ends it": [
        ("yes", "answer", (), "detail"),
        ("", "skip", (), "money"),
        ("yes", "answer", (), "people"),
        ("yes", "answer", ("level",), "channels"),
        ("post", "answer", (), "extra_note"),
        ("Nothing more", "answer", (), "records"),
        ("Dee, paid", "error", (), "records"),
        ("done", "done", (), "records"),
    ],
}


@pytest.mark.parametrize("steps", CASES.values(), ids=CASES.keys())
def test_each_reply_means_one_thing_and_leads_to_one_place(steps):
    conversation = Conversation(Session(load_flow(BRANCHING)))
    for text, meant, notes, following in steps:
        assert say(conversation, text) == (meant, notes, following), text


def test_an_error_says_what_would_fit():
    conversation = Conversation(Session(load_flow(BRANCHING)))
    reply = conversation.read("Fairly open")
    assert reply.kind == "error" and "1 Yes, 2 Partly, 3 No" in reply.message
    assert conversation.read("").message.startswith("This one needs an answer")


def do(conversation: Conversation, action: str) -> tuple[str, object, str | None]:
    """What a page did (the room's protocol, the app's Back): "show:ID" (a change link or the browser's Back:
    which question is shown, None for where the person is), "open:ID" (a form sent for an earlier answer:
    changing it), "leave" (Back, with what was typed: True when it moved), or a typed reply. Each gives what
    was done, what it said, and the question then asked."""
    kind, _, rest = action.partition(":")
    if kind == "show":
        shown = conversation.shown(rest)
        said: object = shown.id if shown is not None else ("stale" if not conversation.applies(rest) else None)
    elif kind == "open":
        said = conversation.edit(rest).id
    elif kind == "leave":
        said = conversation.leave(rest or None)
    else:
        reply = conversation.read(action)
        said = tuple(k for k, _ in conversation.act(reply).notes) if reply.kind in ("answer", "keep", "skip") \
            else reply.kind
    current = conversation.current
    return kind if kind in ("show", "open", "leave") else "reply", said, current.id if current else None


# the keep / jump / back protocol the room's pages and the app's Back use: for each thing done, what it said
# and the question then asked
PROTOCOL = {
    "a change link shows an earlier answer and changes nothing; one not answered, or not asked, shows where we are": [
        ("yes", "reply", (), "detail"),
        ("show:open", "show", "open", "detail"),
        ("show:detail", "show", "detail", "detail"),
        ("show:money", "show", None, "detail"),
        ("show:extra_note", "show", "stale", "detail"),
    ],
    "Back after opening an earlier answer keeps it and returns to where the person was": [
        ("yes", "reply", (), "detail"),
        ("", "reply", (), "money"),
        ("open:open", "open", "open", "open"),
        ("leave", "leave", True, "money"),
    ],
    "an earlier answer changed returns to where the person was, the path mended": [
        ("yes", "reply", (), "detail"),
        ("", "reply", (), "money"),
        ("yes", "reply", (), "people"),
        ("open:open", "open", "open", "open"),
        ("partly", "reply", ("changed",), "people"),
    ],
    "Back otherwise asks the question before; at the first nothing moves": [
        ("leave", "leave", False, "open"),
        ("yes", "reply", (), "detail"),
        ("leave:Fairly op", "leave", True, "open"),
        ("", "reply", (), "detail"),
    ],
}


@pytest.mark.parametrize("steps", PROTOCOL.values(), ids=PROTOCOL.keys())
def test_what_a_page_does_leads_to_one_place(steps):
    conversation = Conversation(Session(load_flow(BRANCHING)))
    for action, done, said, following in steps:
        assert do(conversation, action) == (done, said, following), action


def test_back_keeps_what_was_typed_and_the_question_shows_it_again():
    conversation = Conversation(Session(load_flow(BRANCHING)))
    do(conversation, "yes")
    assert conversation.view().value is None and not conversation.view().answered
    conversation.leave("Fairly op")  # typed at "How open?", then Back
    view = conversation.view()
    assert (view.question.id, view.answered, view.value, view.changing) == ("open", True, "yes", False)
    conversation.keep()
    view = conversation.view()
    assert (view.question.id, view.draft, view.value, view.typed) == ("detail", "Fairly op", "Fairly op", "Fairly op")
    conversation.answer("Fairly open")
    conversation.back()
    conversation.leave("Fairly open")  # what only repeats the answer given is no draft
    assert conversation.draft("detail") is None


def test_a_question_is_described_with_its_section_number_citation_and_progress():
    conversation = Conversation(Session(load_flow(BRANCHING)))
    view = conversation.view()
    assert (view.number, view.section.title, view.opens_section, view.citation, view.progress) == (
        1, "Start", True, "A source", "0 of up to 7")
    do(conversation, "yes")
    assert conversation.view().opens_section is False  # the section's introduction went with its first question
    do(conversation, "")
    assert (conversation.view().section.title, conversation.view().opens_section) == ("Means", True)
    shown = conversation.view(conversation.shown("open"))
    assert shown.changing and shown.answered and shown.existing == "yes"  # an earlier answer, shown to change


def test_the_answers_so_far_are_listed_with_their_labels():
    conversation = Conversation(Session(load_flow(BRANCHING)))
    for text in ("yes", "", "yes", "yes", "email and post"):
        do(conversation, text)
    rows = conversation.rows()
    assert [(r.id, r.number, r.section.title, r.answered, r.answer) for r in rows] == [
        ("open", 1, "Start", True, "Yes"), ("detail", 2, "Start", True, "Skipped"), ("money", 3, "Means", True, "Yes"),
        ("people", 4, "Means", True, "Yes"), ("channels", 5, "Means", True, "email; post"),
        ("extra_note", 6, "Extra", False, "Skipped"), ("records", 7, "Last", False, "Skipped")]
    assert [r.id for r in conversation.rows(upto=conversation.flow.question("money"))] == ["open", "detail"]


def test_a_register_shows_its_entries_so_far_and_its_half_filled_entry():
    conversation = Conversation(Session(load_flow(BRANCHING)))
    do(conversation, "no")  # a closed question jumps to the register
    assert (conversation.view().records, conversation.view().entry) == ([], {})
    conversation.keep_draft("records", {"records": [{"name": "Dee", "type": "paid"}], "entry": {"name": "Al"}})
    view = conversation.view()
    assert (view.records, view.entry) == ([{"name": "Dee", "type": "paid"}], {"name": "Al"})
    before = conversation.version(view.question)
    conversation.answer(view.records)
    assert conversation.version(view.question) != before  # a page drawn before the answer is out of date
    conversation.back()
    assert conversation.view().records == [{"name": "Dee", "type": "paid"}]  # the answer given
    conversation.keep_typed(conversation.view().question, {"records": [{"name": "Dee", "type": "paid"}]})
    assert conversation.draft("records") is None  # the entries as they were are no draft


def respond(conversation: Conversation, text: str) -> tuple[str, str, tuple[str, ...], str | None]:
    """Type `text` and let the conversation do it: what it was, what it says, the kinds of the notes of the
    step it took, and the question then asked."""
    said = conversation.respond(text)
    notes = tuple(note.kind for note in said.step.notes) if said.step is not None else ()
    current = conversation.current
    return said.kind, said.message, notes, current.id if current else None


# each reply done as every view does it (Conversation.respond): what it did, what it says, where it led
RESPONSES = {
    "Back at the first question says so, and nothing moves": [
        ("back", "back", "This is the first question.", (), "open"),
        ("?", "why", "There is no more to say about this question.", (), "open"),
    ],
    "an answer takes a step; Back then moves and says nothing": [
        ("yes", "answer", "", (), "detail"),
        ("back", "back", "", (), "open"),
        ("", "keep", "", (), "detail"),
    ],
    "a question with no guidance has no more to say": [
        ("yes", "answer", "", (), "detail"),
        ("why", "why", "There is no more to say about this question.", (), "detail"),
    ],
    "an answer that fits nothing says what would, and the question stays": [
        ("Fairly open", "error", "Sorry: that is not one of the answers: 1 Yes, 2 Partly, 3 No, 4 Not sure.", (),
         "open"),
    ],
    "a reply typed to a register points to its form, and done ends it": [
        ("no", "answer", "", ("level",), "records"),
        ("", "error", "Fill in the form above and choose Add this one, or type done when there are none.", (),
         "records"),
        ("Dee, paid", "error", "Fill in the form above and choose Add this one for each, then Done (or type done).",
         (), "records"),
        ("done", "done", "", (), "records"),
    ],
}


@pytest.mark.parametrize("steps", RESPONSES.values(), ids=RESPONSES.keys())
def test_each_reply_done_says_one_thing(steps):
    conversation = Conversation(Session(load_flow(BRANCHING)))
    for text, kind, message, notes, following in steps:
        assert respond(conversation, text) == (kind, message, notes, following), text


def test_why_we_ask_names_the_source():
    flow = load_flow(Path(__file__).resolve().parents[2] / "flows" / "appendix2.yaml")
    conversation = Conversation(Session(flow))
    said = conversation.respond("why")
    assert said.message == f"Why we ask: {flow.questions[0].guidance} (Source: {conversation.citation(flow.questions[0])})"


def test_why_we_ask_spells_out_the_abbreviations_its_source_names_each_time_it_is_shown():
    """Found in a trial: the first "Why we ask" cited the "GM VCSE Commissioning Framework", neither spelt
    out. The fold and the line plain mode prints spell out the source's abbreviations with the guidance,
    without counting them as met (a fold may stay closed), so the next question's prompt still spells out."""
    flow = load_flow(Path(__file__).resolve().parents[2] / "flows" / "engagement-plan.yaml")
    conversation = Conversation(Session(flow))
    first = flow.questions[0]
    assert "GM VCSE" in conversation.citation(first)
    folded = conversation.why_folded(first)
    assert folded.startswith(first.guidance) and "\n\nSource: " in folded
    assert "GM (Greater Manchester) VCSE (voluntary, community and social enterprise) Commissioning" in folded
    assert "Source: GM (Greater Manchester) VCSE (voluntary" in conversation.why(first)
    assert conversation.why_folded(first) == folded  # not counted as met: spelt out again next time
    assert conversation.words("VCSE groups") == "VCSE (voluntary, community and social enterprise) groups"
    assert conversation.why_folded(dataclasses.replace(first, guidance="")) == ""


def test_back_keeps_what_else_was_typed_as_the_draft():
    conversation = Conversation(Session(load_flow(BRANCHING)))
    conversation.respond("yes")
    conversation.respond("back", typed="Fairly op")  # typed at "How open?", then "back" sent
    conversation.keep()
    assert conversation.draft("detail") == "Fairly op"


def test_a_hidden_recommendation_is_in_no_note_and_not_at_the_end():
    hidden = Conversation(Session(load_flow(BRANCHING)), revealed=False)
    shown = Conversation(Session(load_flow(BRANCHING)))
    for conversation in (hidden, shown):
        for text in ("no", "done"):
            said = conversation.respond(text)
        conversation.answer([])
    assert [kind for kind, _ in shown.notes_along_path()["open"]] == ["level"]
    assert hidden.notes_along_path() == {}
    assert shown.finished().recommendation and not hidden.finished().recommendation
    kept = [("seat", "Your seat code is K7M2QD."), ("level", "Settled: Involve.")]
    assert hidden.told(kept) == kept[:1] and shown.told(kept) == kept
    hidden.revealed = True  # the room is revealed: what was hidden may be said
    assert hidden.told(kept) == kept and hidden.finished().recommendation == shown.finished().recommendation
    assert said.kind == "done"


def test_the_end_in_plain_text():
    conversation = Conversation(Session(load_flow(BRANCHING)))
    for text in ("no", "done"):
        conversation.respond(text)
    conversation.answer([])
    said = conversation.finished()
    assert said.lines()[:2] == [f"Recommendation: {said.recommendation}.", said.levels]


def test_where_the_answers_part_from_the_example_is_said_in_words():
    conversation = Conversation(Session(load_flow(BRANCHING)), proposed={"open": "yes", "detail": "Very", "money": "no"})
    assert conversation.departures() == ""
    for text in ("partly", "Quite", ""):  # the example's "open" and "detail" declined, its "money" taken (Enter)
        conversation.respond(text)
    assert conversation.departures() == ("question 1, Partly where the example says Yes; question 2, Quite where"
                                         " the example says Very")


def test_the_transcript_drawn_again_puts_each_answer_under_its_section_and_the_last_notes_before_a_new_one():
    conversation = Conversation(Session(load_flow(BRANCHING)))
    do(conversation, "yes")
    step = conversation.respond("").step  # "How open?" passed over: the next question opens "Means"
    assert step is not None and conversation.followed(step) is not None  # only the next question to add
    said = (Note("changed", "Said by the last change."),)
    assert [(t.kind, t.row.id if t.row else None, t.note.text if t.note else None)
            for t in conversation.transcript(said)] == [
        ("section", "open", None), ("asked", "open", None), ("asked", "detail", None),
        ("note", None, "Said by the last change."), ("section", "money", None), ("question", "money", None)]
    conversation.edit("open")  # a jump back, kept: the answers in between are drawn again
    assert conversation.followed(conversation.respond("").step) is None and conversation.current.id == "money"


def test_the_end_of_the_transcript_follows_the_last_answer():
    conversation = Conversation(Session(load_flow(BRANCHING)))
    for text in ("no", "done"):
        conversation.respond(text)
    step = conversation.answer([])
    assert conversation.followed(step) is not None
    kinds = [turn.kind for turn in conversation.transcript(step.notes)]
    assert kinds[-1] == "finished" and kinds.count("asked") == 2 and "question" not in kinds


def test_the_case_answer_is_said_in_words():
    conversation = Conversation(Session(load_flow(BRANCHING)), proposed={"open": "yes"}, offer=False)
    assert conversation.case_said(conversation.flow.question("open")) == "Yes."
    assert conversation.case_said(conversation.flow.question("money")) == (
        "The case does not answer this question: it is not on the case's path.")


def test_a_reply_given_is_done_or_said_not_to_fit():
    conversation = Conversation(Session(load_flow(BRANCHING)))
    assert conversation.give(Reply("answer", "maybe")).kind == "error" and conversation.current.id == "open"
    said = conversation.give(Reply("answer", "yes"))
    assert said.step is not None and conversation.current.id == "detail"


def test_what_checking_a_file_found_is_listed_up_to_a_point_for_every_view():
    from codesign_tui.flow.answers import SetAside
    from codesign_tui.flow.conversation import checked_notes
    from codesign_tui.flow.problems import MAX_LISTED

    session = Session(load_flow(BRANCHING))
    session.unfit = {f"old_{n}": SetAside("yes", "not a question of this flow") for n in range(MAX_LISTED + 50)}
    notes = checked_notes(session)
    assert len(notes) == MAX_LISTED + 1 and notes[0].startswith("Your answer to 'old_0' no longer fits the flow")
    assert notes[-1] == "50 more answers are kept aside in the file and not used; they are not listed here."


def test_a_register_entry_is_said_in_a_line_who_then_each_required_choice():
    from codesign_tui.flow.shown import entry_line

    question = load_flow(BRANCHING).question("records")
    assert entry_line(question, {"name": "Dee", "type": "paid", "on": "2026-03-31"}) == "Dee · Type: paid"
    assert entry_line(question, {"type": "unpaid"}) == "Type: unpaid"


def test_the_plan_of_a_session_begun_from_a_worked_example_knows_it():
    flow = load_flow(Path(__file__).resolve().parents[2] / "flows" / "appendix2.yaml")
    assert Conversation(Session(flow, example="point-oldham")).plan_meta().example == "point-oldham"
    assert Conversation(Session(flow)).plan_meta().example == ""
