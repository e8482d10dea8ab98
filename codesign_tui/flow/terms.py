"""Abbreviations spelt out the first time a person meets them, from the `terms:` a flow declares."""

from __future__ import annotations

import re
from typing import Iterable

from .model import Flow, Term


def spell_out_first(text: str, terms: Iterable[Term], explained: set[str]) -> str:
    """`text` with the first use of each term not yet in `explained` followed by its meaning in
    brackets ("VCSE (voluntary, community and social enterprise)"); each term met is added to
    `explained`. A term the text already explains, written in brackets after its meaning ("voluntary,
    community and social enterprise (VCSE)") or after its meaning in the flow's words, is left as it is
    and counts as explained."""
    for term in terms:
        if not term.term or term.term in explained:
            continue
        found = re.search(rf"(?<!\w){re.escape(term.term)}(?!\w)", text)
        if found is None:
            continue
        explained.add(term.term)
        bracketed = text[found.start() - 1:found.start()] == "(" and text[found.end():found.end() + 1] == ")"
        if bracketed or term.meaning.lower() in text[:found.start()].lower():
            continue
        text = f"{text[:found.end()]} ({term.meaning}){text[found.end():]}"
    return text


class Glossary:
    """The terms of one flow and which of them a person has already had spelt out: one per
    conversation, asked about each text in the order it is shown."""

    def __init__(self, flow: Flow, explained: Iterable[str] = ()):
        self.terms = flow.terms
        self.explained: set[str] = set(explained)

    def explain(self, text: str) -> str:
        """The text as it should be shown now: abbreviations met for the first time spelt out."""
        if not text or not self.terms:
            return text
        return spell_out_first(text, self.terms, self.explained)


def join_words(items: Iterable[object], word: str = "and") -> str:
    """ "Yes, Partly or Not sure": a list in words, as the plan and the conversation both say it."""
    said = [str(item) for item in items]
    if len(said) <= 2:
        return f" {word} ".join(said)
    return f"{', '.join(said[:-1])} {word} {said[-1]}"
