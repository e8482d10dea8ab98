"""Conflicts of interest as the law now asks (issue 28): which rules apply, publication by default, bidders
who help design, the record each regime needs and a sheet for each meeting."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from codesign_tui.flow.answers import check_answers, read_answers
from codesign_tui.flow.engine import evaluate
from codesign_tui.flow.loader import load_flow
from codesign_tui.flow.problems import Problems
from codesign_tui.plan.render import render_json, render_markdown
from codesign_tui.resources import flows_dir

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).parent.parent / "data" / "conflicts"
REGIMES = ("psr", "procurement_act", "below_threshold", "grant", "unsure")


def flow(flow_id: str):
    return load_flow(flows_dir() / f"{flow_id}.yaml")


def loaded(path: Path, flow_id: str = "conflicts-of-interest"):
    problems = Problems()
    given = read_answers(path, problems)
    shipped = flow(flow_id)
    answers = check_answers(shipped, given, problems, partial=True)
    return shipped, answers, given, problems


def jane(regime: str = "procurement_act", **changes) -> tuple:
    shipped, answers, given, _ = loaded(DATA / "jane-okafor.yaml")
    answers = dict(answers, regime=regime, **changes)
    return shipped, evaluate(shipped, answers), given


# -- 1. which rules apply ---------------------------------------------------------------------------------

@pytest.mark.parametrize("flow_id", ["conflicts-of-interest", "engagement-plan", "accessible-procurement"])
def test_which_rules_apply_is_asked_once_with_the_same_answers(flow_id):
    shipped = flow(flow_id)
    asked = [q for q in shipped.questions if q.id == "regime"]
    assert len(asked) == 1
    assert asked[0].values == REGIMES
    # "not sure" gives a step to find out
    assert any(a.kind == "find_out" and "unsure" in a.on for a in asked[0].actions)


def test_the_thresholds_are_dated_data_in_the_flows_with_their_source_and_nowhere_in_python():
    for flow_id in ("conflicts-of-interest", "accessible-procurement"):
        shipped = flow(flow_id)
        said = shipped.question("regime").option("procurement_act").explanation
        for figure in ("£663,540", "£207,720", "£135,018", "1 January 2026", "VAT included", "SI 2025/1200"):
            assert figure in said, (flow_id, figure)
        source = shipped.source("thresholds-2026")
        assert source and "SI 2025/1200" in source.title and source.url.startswith("https://www.legislation.gov.uk/")
    for path in (ROOT / "codesign_tui").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"663,?540|207,?720|135,?018|2025/1200", text), path


# -- 2. publication by default ----------------------------------------------------------------------------

def test_an_old_file_is_carried_forward_and_no_entry_is_lost():
    shipped, answers, given, problems = loaded(DATA / "before-2.1.yaml")
    assert not problems.errors
    entries = answers["interests"]
    assert [e["name"] for e in entries] == ["Sam Jones", "Priya Shah", "Chris Lee"]
    assert [e.get("publish") for e in entries] == ["yes", "withheld", None]
    assert all("consent_to_publish" not in e for e in entries)
    raised = {f.id: f for f in evaluate(shipped, answers).flags}
    # no: withheld awaiting a decision, and a warning asks for one; none given: withheld until one is made
    assert raised["withheld-awaiting-decision"].entries == (1,)
    assert raised["publication-undecided"].entries == (2,)


def test_a_file_written_by_another_yaml_library_carries_true_and_false_as_yes_and_no(tmp_path):
    data = yaml.safe_load((DATA / "before-2.1.yaml").read_text())
    path = tmp_path / "dumped.yaml"
    path.write_text(yaml.safe_dump(data))
    assert "consent_to_publish: false" in path.read_text()
    _, answers, _, problems = loaded(path)
    assert not problems.items
    assert [e.get("publish") for e in answers["interests"]] == ["yes", "withheld", None]


def test_the_released_flows_keep_their_old_versions_and_migrate_from_each():
    from codesign_tui.flow.migrations import chain
    from codesign_tui.flow.versions import fingerprint, released

    for flow_id, old in (("conflicts-of-interest", "2.0"), ("engagement-plan", "3.0"), ("engagement-plan", "2.0"),
                         ("accessible-procurement", "2.1"), ("accessible-procurement", "2.0")):
        shipped = flow(flow_id)
        assert released(shipped, old) is not None and chain(shipped, old) is not None, (flow_id, old)
    # the kept engagement plan 3.0 includes its conflicts section from a folder of its own, and is the same flow
    kept = released(flow("engagement-plan"), "3.0")
    assert kept.version == "3.0" and kept.has_question("interests") and not kept.has_question("regime")
    assert any(f.id == "consent_to_publish" for f in kept.question("interests").fields)
    assert fingerprint(kept) == fingerprint(load_flow(flows_dir() / "released" / "3.0" / "engagement-plan.yaml"))


# -- 3. bidders in the design, and flags that say whom they are about -------------------------------------

def test_a_provider_who_may_bid_and_helps_design_raises_bidder_in_design_naming_them():
    shipped, result, given = jane("psr")
    data = json.loads(render_json(shipped, result, given))
    flags = {f["id"]: f for f in data["flags"]}
    assert "bidder-in-design" in flags
    assert flags["bidder-in-design"]["about"] == ["Jane Okafor (Example Wellbeing CIC)"]
    assert flags["bidder-in-design"]["entries"] == [0] and flags["bidder-in-design"]["register"] == "interests"
    assert "About: Jane Okafor (Example Wellbeing CIC)." in flags["bidder-in-design"]["text"]
    public = json.loads(render_json(shipped, result, given, public=True))
    said = next(f for f in public["flags"] if f["id"] == "bidder-in-design")
    assert said["about"] == ["entry 1 (Co-design group member)"]
    text = json.dumps(public)
    assert "Tom Reid" not in text and "Lives in a refuge" not in text and "Example Carers Group" not in text
    # she may bid, unsure counts too, and no is not a bidder
    for may_bid, raised in (("unsure", True), ("no", False)):
        entries = [dict(result.answers["interests"][0], may_bid=may_bid), result.answers["interests"][1]]
        again = evaluate(shipped, dict(result.answers, interests=entries))
        assert ("bidder-in-design" in [f.id for f in again.flags]) is raised


def test_financial_interest_deciding_names_who_it_is_about():
    shipped, result, given = jane()
    entries = [dict(e, management="note_and_participate") for e in result.answers["interests"]]
    entries[1]["interest_type"] = "financial"
    again = evaluate(shipped, dict(result.answers, interests=entries))
    raised = next(f for f in again.flags if f.id == "financial-interest-deciding")
    assert raised.entries == (0, 1)
    text = render_markdown(shipped, again, given)
    line = next(line for line in text.splitlines() if "financial interest" in line and "About" in line)
    assert line.endswith("About 2 entries: Jane Okafor (Example Wellbeing CIC); Tom Reid (Example Carers Group).")


@pytest.mark.parametrize("regime, present, absent", [
    ("procurement_act", ["section 81(3)", "section 98", "section 16(3)", "section 17",
                         "must be treated as excluded from that award"], ["good practice rather"]),
    ("psr", ["regulation 21", "in the notices"], ["section 81", "must"]),
    ("below_threshold", ["good practice rather than a legal duty"], ["must", "section", "regulation"]),
    ("grant", ["good practice rather than a legal duty"], ["must", "section", "regulation"]),
    ("unsure", ["Find out which rules apply"], ["must"]),
])
def test_each_regime_s_wording_of_the_bidder_warning(regime, present, absent):
    shipped, result, _ = jane(regime)
    text = next(f.text for f in result.flags if f.id == "bidder-in-design")
    for words in present:
        assert words in text, words
    for words in absent:
        assert words not in text, words


def test_the_missing_steps_are_named():
    shipped = flow("conflicts-of-interest")
    example = next(e for e in shipped.examples if e.name == "nothing in place yet")
    text = next(f.text for f in evaluate(shipped, example.answers).flags if f.id == "steps-missing")
    assert "Missing: keep a written register of interests." in text
    assert "Missing: agree how each conflict will be handled." in text
    assert "Missing: spot possible conflicts early." not in text


def test_the_conversation_s_warnings_name_the_entries_they_are_about():
    from codesign_tui.flow.conversation import _warnings

    shipped, result, _ = jane("psr")
    said = [text for kind, text in _warnings(result, set())]
    assert any("About: Jane Okafor (Example Wellbeing CIC)." in text for text in said)


# -- 4. the procurement flow --------------------------------------------------------------------------------

def _tender(**answers):
    shipped = flow("accessible-procurement")
    base = dict(next(e for e in shipped.examples if e.name == "every check passed").answers)
    return shipped, evaluate(shipped, dict(base, **answers))


@pytest.mark.parametrize("regime, record, level", [
    ("procurement_act", "no", "not_ready"), ("procurement_act", "yes", "accessible"),
    ("psr", "partly", "not_ready"), ("psr", "yes", "accessible"),
    ("below_threshold", "no", "needs_changes"), ("grant", "no", "needs_changes"),
    ("below_threshold", "yes", "accessible"), ("unsure", "no", "accessible"),
])
def test_the_record_a_regime_needs_holds_the_launch_only_where_the_law_asks_for_it(regime, record, level):
    shipped, result = _tender(regime=regime, conflicts_record=record, bidders_shaped_spec="no")
    assert result.recommendation.id == level
    for shortfall in result.shortfalls:
        if regime in ("below_threshold", "grant"):
            assert "must" not in shortfall.because and "good practice" in shortfall.because
    if regime == "unsure":
        assert any(a.kind == "find_out" and "which rules apply" in a.text for a in result.planned_actions)


def test_a_file_from_before_2_2_keeps_its_result_and_is_told_to_find_out_which_rules_apply():
    shipped = flow("accessible-procurement")
    problems = Problems()
    given = read_answers(ROOT / "tests" / "data" / "answers" / "procurement-fixable.yaml", problems)
    answers = check_answers(shipped, given, problems)
    assert answers["regime"] == "unsure" and not problems.errors
    result = evaluate(shipped, answers)
    assert result.complete and result.decided and result.recommendation.id == "needs_changes"


def test_an_unanswered_question_whose_requirements_are_ruled_out_is_not_waited_for():
    shipped, result = _tender(regime="below_threshold")
    assert "conflicts_record" in result.support_pending  # below threshold it is good practice, still read
    shipped, result = _tender(regime="unsure")
    assert "conflicts_record" not in result.pending and result.decided


# -- 5. the record each regime needs ------------------------------------------------------------------------

@pytest.mark.parametrize("regime, heading", [
    ("procurement_act", "# Conflicts assessment\n\nProcurement Act 2023, section 83: "),
    ("psr", "# Conflicts of interest for the decision record\n\nProvider Selection Regime, SI 2023/1348,"
            " regulation 24: "),
    ("below_threshold", "# Conflicts of interest record\n"),
    ("grant", "# Conflicts of interest record\n"),
    ("unsure", "# Conflicts of interest record\n"),
])
def test_the_record_is_headed_as_its_regime_needs(regime, heading):
    shipped, result, given = jane(regime)
    text = render_markdown(shipped, result, given, document="conflicts-assessment")
    assert text.startswith(heading)
    assert "Handling agreed by: Chair of the co-design group" in text
    assert "Good practice, not asked for by law" in text
    if regime == "procurement_act":
        for part in ("section 83(1)", "section 83(3)", "section 83(4)", "section 83(5)", "## Perceived conflicts"):
            assert part in text
    if regime == "psr":
        assert "## Who made the decision" in text and "regulation 21" in text
    if regime in ("below_threshold", "grant"):
        assert not re.search(r"\bmust\b", text), "no duty below the threshold or for a grant"
        assert "no statute asks for this record" in text


# -- 6. a sheet for each meeting ----------------------------------------------------------------------------


def test_a_warning_about_many_entries_names_five_and_counts_the_rest():
    """A register of 250 people, each with a financial interest and deciding: the warning named all 250 in one
    paragraph, in the plan, the conversation and the record. It names five; the register lists them all."""
    shipped, result, given = jane()
    entry = dict(result.answers["interests"][0], management="note_and_participate", interest_type="financial")
    many = [dict(entry, name=f"Person {n}") for n in range(1, 251)]
    again = evaluate(shipped, dict(result.answers, interests=many))
    raised = next(f for f in again.flags if f.id == "financial-interest-deciding")
    assert len(raised.entries) == 250
    text = render_markdown(shipped, again, given)
    line = next(line for line in text.splitlines() if "financial interest" in line and "About" in line)
    assert "About 250 entries: Person 1 (Example Wellbeing CIC);" in line and "Person 5 (" in line
    assert "Person 6 (" not in line and line.endswith("and 245 more, each listed in the register.")
    assert "Person 250" in text  # the register itself still lists every one
