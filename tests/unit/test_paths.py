"""Counting the combinations of answers: answers the rules cannot tell apart are tried once and counted
for all, and the counts must equal trying every combination one by one."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from codesign_tui.flow.engine import decide
from codesign_tui.flow.loader import load_flow
from codesign_tui.flow.paths import combinations, explore
from codesign_tui.resources import shipped_flows

DATA = Path(__file__).resolve().parents[1] / "data"


def one_by_one(flow) -> tuple[int, Counter, Counter]:
    levels, rules, total = Counter(), Counter(), 0
    for answers in combinations(flow):
        rule, _, _, recommendation = decide(flow, answers)
        total += 1
        levels[recommendation.id] += 1
        if rule:
            rules[rule.id] += 1
    return total, levels, rules


def flow_paths() -> list[Path]:
    """The flows small enough to try one by one in a few seconds (grant-design's million combinations are in
    tests/exhaustive)."""
    return [DATA / "branching.yaml", *(p for p in shipped_flows() if p.stem == "appendix2")]


@pytest.mark.parametrize("path", flow_paths(), ids=lambda p: p.stem)
def test_counting_alike_answers_once_gives_the_same_counts(path):
    counts_as_one_by_one(load_flow(path))


def counts_as_one_by_one(flow) -> None:
    """The engine's counting, answers it cannot tell apart tried once, equals trying every combination."""
    report = explore(flow)
    assert not report.too_many
    total, levels, rules = one_by_one(flow)
    assert report.total == total
    assert +report.by_level == +levels
    assert +report.by_rule == +rules


def test_answers_named_in_a_rule_are_never_merged(tmp_path):
    # 'partly' and 'unsure' meet the same requirements, but a rule names 'unsure': they must be counted apart
    text = (DATA / "branching.yaml").read_text().replace(
        "when: \"open == 'no'\"\n    because: Closed.", "when: \"open == 'no' or money == 'unsure'\"\n    because: Closed.")
    (tmp_path / "f.yaml").write_text(text)
    flow = load_flow(tmp_path / "f.yaml")
    total, levels, rules = one_by_one(flow)
    report = explore(flow)
    assert (report.total, +report.by_level, +report.by_rule) == (total, +levels, +rules)
