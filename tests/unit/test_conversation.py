"""The controller (flow/conversation.py) in the Smart Answers style: for each reply typed, what it means and
where the conversation goes next, with the notes it says on the way. No screen: every front end (the app,
plain mode, the room) draws what this decides."""

from __future__ import annotations

from pathlib import Path

import pytest

from codesign_tui.flow.conversation import Conversation
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
    if reply.kind == "answer":
        notes = conversation.answer(reply.value).notes
    elif reply.kind == "keep":
        notes = conversation.keep().notes
    elif reply.kind == "skip":
        notes = conversation.skip().notes
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
