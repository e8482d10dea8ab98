"""The Appendix 2 policy, version 3, as issue 22 states it, against what the YAML rules give: the engine's.

The tests of it that run the codesign command, a room or a browser; tests/unit/test_policy.py holds the rest."""

from __future__ import annotations

import subprocess
import sys
import pytest

from test_policy import BASE, CONTRACT, ENGAGEMENT_BASE, LADDER, render_json  # noqa: F401  (helpers and fixtures)


def test_codesign_paths_gives_the_issues_counts():
    run = subprocess.run([sys.executable, "-m", "codesign_tui", "paths", "appendix2"], capture_output=True,
                         text=True, check=False)
    assert run.returncode == 0, run.stderr
    counts = {line.split()[0]: line.split()[1] for line in run.stdout.splitlines()[1:] if line.strip()}
    assert counts == {"inform": "19,456", "consult": "44,352", "co-design": "1,720", "co-produce": "8"}


@pytest.mark.parametrize("flow, answers, expected", CONTRACT,
                         ids=[f"{flow}: {e['recommendation']} ({', '.join(e['held_back_by']) or 'nothing held back'})"
                              for flow, _, e in CONTRACT])
def test_render_json_follows_the_contract(tmp_path, flow, answers, expected):
    full = dict(answers)
    if flow == "engagement-plan":
        full = {"training_topics": ["what_they_are"], "training_who": ["commissioners"],
                "wide_networks": "yes", "vcse_same_guidance": "yes", "same_policy_all_sectors": "yes", **full}
        full.update({"coi_principles": ["identify"], "interests_known": "none_yet",
                     "review_declarations": "yearly", "minutes_record": "yes", "measures": ["outputs"],
                     "measures_agreed_at_start": "yes", "measures_coproduced": "yes"})
    data = render_json(tmp_path, flow, full)
    assert data["complete"] is True
    assert {key: data[key] for key in expected} == expected
    assert data["levels"] == LADDER


@pytest.mark.parametrize("management, raised", [("note_and_participate", True), ("discuss_not_decide", False)])
def test_a_financial_interest_taking_part_in_the_decision_raises_a_flag(tmp_path, management, raised):
    answers = {"coi_policy": "joint_policy", "same_policy_all_sectors": "yes",
               "coi_principles": ["identify", "declare", "record", "manage", "manage_not_exclude"],
               "interests_known": "yes",
               "interests": [
                   {"name": "A", "role": "Member", "organisation": "Bidder", "interest_type": "financial",
                    "description": "Trustee of a likely bidder", "management": management},
                   {"name": "B", "role": "Member", "organisation": "Forum", "interest_type": "indirect",
                    "description": "Sister works for a provider", "management": "note_and_participate"}],
               "review_declarations": "every_meeting", "minutes_record": "yes"}
    data = render_json(tmp_path, "conflicts-of-interest", answers)
    ids = [flag["id"] for flag in data["flags"]]
    assert ("financial-interest-deciding" in ids) is raised
    if raised:
        text = next(f["text"] for f in data["flags"] if f["id"] == "financial-interest-deciding")
        assert "NHS England" in text and "sit out the decision" in text


def test_the_engagement_plan_raises_the_financial_interest_flag_too(tmp_path):
    answers = {**BASE, **ENGAGEMENT_BASE, "training_topics": ["what_they_are"], "training_who": ["commissioners"],
               "wide_networks": "yes", "vcse_same_guidance": "yes", "same_policy_all_sectors": "yes",
               "coi_principles": ["identify"], "interests_known": "yes",
               "interests": [{"name": "A", "role": "Member", "organisation": "Bidder", "interest_type": "financial",
                              "description": "Director of a likely bidder", "management": "note_and_participate"}],
               "review_declarations": "yearly", "minutes_record": "yes", "measures": ["outputs"],
               "measures_agreed_at_start": "yes", "measures_coproduced": "yes"}
    data = render_json(tmp_path, "engagement-plan", answers)
    assert "financial-interest-deciding" in [flag["id"] for flag in data["flags"]]
    assert data["recommendation"] == "co-produce"  # a flag warns; it does not change the level
