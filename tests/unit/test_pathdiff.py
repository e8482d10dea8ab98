"""What an edit to a flow does (`paths --diff`): the counts, and the very combinations that change, must be
those of trying every combination one by one, each carried by the real migrations and decided by the real
engine; and who an edit moves (`--sessions`)."""

from __future__ import annotations

import itertools
from collections import Counter
from pathlib import Path

import pytest

from codesign_tui.flow.answers import AnswersFile, fit_answers
from codesign_tui.flow.engine import evaluate
from codesign_tui.flow.loader import load_flow
from codesign_tui.flow.pathdiff import NOT_OFFERED, MISSING, changed_rows, diff
from codesign_tui.flow.paths import explore
from codesign_tui.resources import find_flow

DATA = Path(__file__).resolve().parents[1] / "data"
EDIT = DATA / "diff" / "edit.yaml"
EDIT_OLD = DATA / "diff" / "released" / "1.0" / "edit.yaml"


def frozen(value):
    return tuple(value) if isinstance(value, list) else value


def one_by_one(old, new, questions: list[tuple[str | None, str | None]]):
    """Every combination tried on its own: each question takes each answer the old version offers (carried to
    the new one by fit_answers, the migrations a person's file goes through) or an answer only the new one
    offers; each version decides by evaluate(). Answers a path skips are dropped, each set counted once.
    Returns the counts by recommendation and by held_back_by, and the combinations that change."""
    domains = []
    for old_id, new_id in questions:
        options = []
        carried = set()
        if old_id is not None:
            for value in old.question(old_id).possible_answers(1 << 20):
                if value is None:
                    continue
                options.append(("old", value))
                if new_id is not None:
                    fitted = fit_answers(new, AnswersFile(new.id, {old_id: value}, flow_version=old.version))
                    carried.add(frozen(fitted.answers.get(new_id)))
        if new_id is not None:
            options += [("new", value) for value in new.question(new_id).possible_answers(1 << 20)
                        if value is not None and (old_id is None or frozen(value) not in carried)]
        domains.append(options)
    rename = {old_id: new_id for old_id, new_id in questions if old_id and new_id}
    by_level, by_held, changed, seen = Counter(), Counter(), set(), set()
    for combo in itertools.product(*domains):
        given = {old_id: value for (old_id, _), (side, value) in zip(questions, combo) if side == "old" and old_id}
        old_unoffered = {old_id for (old_id, _), (side, _v) in zip(questions, combo) if side == "new" and old_id}
        fitted = fit_answers(new, AnswersFile(new.id, given, flow_version=old.version))
        new_answers = dict(fitted.answers)
        new_answers.update({new_id: value for (_, new_id), (side, value) in zip(questions, combo) if side == "new"})
        then, now = evaluate(old, given), evaluate(new, new_answers)
        old_path, new_path = {q.id for q in then.path}, {q.id for q in now.path}
        key = tuple((new_id or old_id, frozen(value)) for (old_id, new_id), (_, value) in zip(questions, combo)
                    if old_id in old_path or new_id in new_path)
        if key in seen:
            continue
        seen.add(key)
        before = None if old_unoffered & old_path else (
            then.recommendation.id, tuple(dict.fromkeys(rename.get(q, q) for q in then.held_back_by)))
        after = None if set(fitted.set_aside) & new_path else (now.recommendation.id, tuple(now.held_back_by))
        by_level[(before and before[0], after and after[0])] += 1
        by_held[(before and before[1], after and after[1])] += 1
        if before != after:
            changed.add(key)
    return by_level, by_held, changed


def changed_by_diff(old, new) -> set:
    out = set()
    for answers, _before, _after in changed_rows(old, new):
        out.add(tuple((qid, frozen(pair.new if pair.old in (MISSING, NOT_OFFERED) else pair.old))
                      for qid, pair in answers.items()))
    return out


def check_against_one_by_one(old, new, questions):
    report = diff(old, new)
    by_level, by_held, changed = one_by_one(old, new, questions)
    assert report.total == sum(by_level.values())
    assert +report.by_recommendation == +by_level
    assert +report.by_held_back == +by_held
    assert changed_by_diff(old, new) == changed
    assert report.changing == len(changed)
    return report, changed


def test_a_loosened_requirement_changes_exactly_the_combinations_trying_each_finds(tmp_path):
    # one requirement loosened: High now accepts staff alone, where it needed staff and partners
    text = EDIT.read_text().replace("accepts: [staff, partners]", "accepts: [staff]")
    (tmp_path / "edit.yaml").write_text(text)
    old, new = load_flow(EDIT), load_flow(tmp_path / "edit.yaml")
    report, changed = check_against_one_by_one(old, new, [(q, q) for q in ("scope", "duty", "money", "help", "time")])
    assert changed, "loosening a requirement must change some combinations"
    # only upwards, only to high, and only where help has staff without partners
    assert {key for key, count in report.recommendation_changes} == {("middle", "high")}
    assert all(dict(key)["help"] in (("staff",), ("staff", "volunteers")) for key in changed)
    assert report.by_recommendation[("middle", "high")] == report.moved


def test_a_new_version_with_migrations_matches_trying_each_combination():
    # 1.0 → 2.0 renames timing to time, merges two of its options, drops one and adds one; money's Not sure
    # now counts for middle; the floor and the branch stay
    old, new = load_flow(EDIT_OLD), load_flow(EDIT)
    report, _ = check_against_one_by_one(
        old, new, [("scope", "scope"), ("duty", "duty"), ("money", "money"), ("help", "help"), ("timing", "time")])
    assert report.questions == ["scope", "duty", "money", "help", "time"]
    assert report.by_recommendation[("low", "middle")]  # money: Not sure, now enough for middle
    assert report.by_recommendation[("middle", None)]  # timing: never, no longer offered: asked again
    assert report.by_recommendation[(None, "high")]  # time: ongoing, offered only by 2.0


@pytest.mark.parametrize("name", ["appendix2", "branching"])
def test_a_flow_against_itself_changes_nothing_and_counts_as_paths_does(name):
    flow = load_flow(DATA / "branching.yaml" if name == "branching" else find_flow(name))
    report = diff(flow, flow)
    paths = explore(flow)
    assert not report.changed and report.changing == 0
    assert report.total == paths.total
    assert {old: count for (old, new), count in report.by_recommendation.items()} == +paths.by_level


def test_examples_are_combinations_that_make_the_change():
    old, new = load_flow(EDIT_OLD), load_flow(EDIT)
    report = diff(old, new)
    for (before, after), examples in report.examples.items():
        assert 1 <= len(examples) <= 3
        for example in examples:
            given = {("timing" if q == "time" else q): pair.old for q, pair in example.items()
                     if pair.old not in (MISSING, NOT_OFFERED)}
            got = evaluate(old, given).recommendation.id if not any(
                p.old is NOT_OFFERED for p in example.values()) else None
            assert got == before


# -- the command ----------------------------------------------------------------------------------------
