"""Each worked example says why the case gives each answer (issue 29, item 6): one or two sentences for every
question on its path, in our own words, never a run of the framework's."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from codesign_tui.flow.engine import evaluate
from codesign_tui.flow.examples import worked_examples
from codesign_tui.flow.loader import load_flow
from codesign_tui.resources import flows_dir

FRAMEWORK = Path("/work/shared/reference/gm-vcse-commissioning-framework.txt")
EXAMPLES = worked_examples(flows_dir())
RUN = 8  # words in a row that would be a copied phrase, not a shared name


def words(text: str) -> list[str]:
    return re.sub(r"[^a-z0-9£ ]+", " ", text.lower()).split()


def test_every_worked_example_is_read():
    assert sorted(e.name for e in EXAMPLES) == ["bolton-co-design-toolkit", "gm-cancer-champions",
                                                 "gm-learning-disability-strategy", "point-oldham",
                                                 "point-oldham-parent-carers", "whole-school-mental-health"]


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.name)
def test_every_question_on_the_cases_path_has_a_reason_of_one_or_two_sentences(example):
    flow = load_flow(flows_dir() / f"{example.flow}.yaml")
    path = [q.id for q in evaluate(flow, example.answers).path]
    assert list(example.reasons) == path
    for question_id, reason in example.reasons.items():
        sentences = [s for s in re.split(r"(?<=[.!?])\s+", reason) if s]
        assert 1 <= len(sentences) <= 2 and reason.endswith("."), (question_id, reason)
        assert len(reason) <= 240, (question_id, reason)


@pytest.mark.skipif(not FRAMEWORK.exists(), reason="the framework's text is not on this machine")
@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.name)
def test_no_reason_copies_a_run_of_the_frameworks_words(example):
    framework = " ".join(words(FRAMEWORK.read_text()))
    for question_id, reason in example.reasons.items():
        said = words(reason)
        copied = [" ".join(said[n:n + RUN]) for n in range(len(said) - RUN + 1)
                  if " ".join(said[n:n + RUN]) in framework]
        assert not copied, (example.name, question_id, copied)
