"""More than one voice: each difference and what it changes, checked against the engine on pairs of answer
sets built from every worked example (the same work answered by a second voice), the common ground, and
`codesign compare` as a command."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from codesign_tui.flow.answers import AnswersFile
from codesign_tui.flow.engine import evaluate
from codesign_tui.flow.examples import worked_examples
from codesign_tui.flow.loader import load_flow
from codesign_tui.flow.voices import VoicesDiffer, check_alike, compare, voice_names
from codesign_tui.plan.compare import partners_section, to_markdown
from codesign_tui.resources import flows_dir

EXAMPLES = worked_examples(flows_dir())
PAIRS = [(worked, question_id, value) for worked in EXAMPLES
         for question_id in load_flow(flows_dir() / f"{worked.flow}.yaml").recommendation_reads
         for value in load_flow(flows_dir() / f"{worked.flow}.yaml").question(question_id).values
         if worked.answers.get(question_id) not in (None, value)]


def _flow(worked):
    return load_flow(flows_dir() / f"{worked.flow}.yaml")


def test_there_are_pairs_from_every_worked_example():
    assert {worked.name for worked, _, _ in PAIRS} == {worked.name for worked in EXAMPLES}


@pytest.mark.parametrize("worked, question_id, value", PAIRS,
                         ids=[f"{w.name}-{q}-{v}" for w, q, v in PAIRS])
def test_what_a_difference_changes_is_what_the_engine_gives_with_that_answer(worked, question_id, value):
    flow = _flow(worked)
    partner = {**worked.answers, question_id: value}
    comparison = compare(flow, [("Commissioner", worked.answers), ("VCSE partner", partner)])
    expected = evaluate(flow, partner)
    first = evaluate(flow, worked.answers)
    # a changed answer can change the path: questions it skips or brings in differ too
    differing = [d for d in comparison.differences if d.question == question_id]
    assert len(differing) == 1
    [change] = differing[0].changes
    assert (change.voice, change.answer) == ("VCSE partner", value)
    assert change.if_confirmed == (expected.if_confirmed.id if expected.if_confirmed else None)
    assert change.recommendation == expected.recommendation.id and change.calls_for == expected.calls_for.id
    assert change.moves == (expected.recommendation.id != first.recommendation.id
                            or expected.calls_for.id != first.calls_for.id)
    assert comparison.voices[1].result.recommendation.id == expected.recommendation.id
    assert question_id not in comparison.agreed
    # the common ground takes the answer that meets fewer requirements, never a bolder one
    if question_id in flow.requirement_reads:
        met = lambda answer: sum(answer in r.accepts for r in flow.requirements if r.question == question_id)  # noqa: E731
        assert met(comparison.common[question_id]) == min(met(value), met(worked.answers[question_id]))


@pytest.mark.parametrize("worked", EXAMPLES, ids=[w.name for w in EXAMPLES])
def test_the_common_ground_never_recommends_more_than_any_voice_that_agrees_on_what_the_work_calls_for(worked):
    flow = _flow(worked)
    voices = [("Commissioner", worked.answers)]
    for question_id in sorted(flow.requirement_reads & set(worked.answers)):
        values = flow.question(question_id).values
        voices.append((f"Voice {question_id}", {**worked.answers, question_id: values[-2]}))
    comparison = compare(flow, voices)
    lowest = min(flow.rank(v.result.recommendation.id) for v in comparison.voices)
    assert flow.rank(comparison.common_result.recommendation.id) <= lowest
    assert set(comparison.settle_first) == {d.question for d in comparison.differences if d.matters}


def test_the_section_in_the_plan_names_voices_and_lists_only_what_moves(appendix2):
    mine = {"space_to_shape": "yes", "problem_type": "wicked", "time_for_relationships": "yes", "budget": "yes",
            "senior_buy_in": "yes", "learning_culture": "yes", "shared_delivery": "yes", "shared_power": "yes"}
    theirs = {**mine, "budget": "partly", "learning_culture": "partly"}  # budget moves it; culture does not
    comparison = compare(appendix2, [("Commissioner", mine), ("VCSE partner", theirs)])
    section = "\n".join(partners_section(comparison))
    assert section.startswith("## Where partners see it differently")
    assert "VCSE partner answered “Partly” to Q4" in section and "falls to Co-design" in section
    assert "1 other difference in the answers changes nothing" in section
    assert "Q6" not in section


def test_voices_are_named_from_the_file_or_by_default():
    givens = [AnswersFile("appendix2", {}, path="mine.yaml"), AnswersFile("appendix2", {}, path="jo.yaml"),
              AnswersFile("appendix2", {}, path="a/p.yaml", voice="VCSE partner"),
              AnswersFile("appendix2", {}, path="b/q.yaml", voice="VCSE partner")]
    assert voice_names(givens) == ["Commissioner", "jo", "VCSE partner (p.yaml)", "VCSE partner (q.yaml)"]


def test_files_of_another_flow_or_another_piece_of_work_are_refused(appendix2):
    with pytest.raises(VoicesDiffer, match="different flows"):
        check_alike(appendix2, [AnswersFile("appendix2", {}), AnswersFile("engagement-plan", {})])
    with pytest.raises(VoicesDiffer, match="different pieces of work"):
        check_alike(appendix2, [AnswersFile("appendix2", {}, project="Carers"),
                                AnswersFile("appendix2", {}, project="Libraries")])
    check_alike(appendix2, [AnswersFile("appendix2", {}, project="Carers' breaks"),
                            AnswersFile("appendix2", {}, project=" carers'  BREAKS")])  # the same, typed otherwise


def test_the_command_compares_in_every_format(tmp_path):
    example = next(w for w in EXAMPLES if w.flow == "appendix2")
    mine, theirs = tmp_path / "mine.yaml", tmp_path / "theirs.yaml"
    import yaml

    mine.write_text(yaml.safe_dump({"flow": "appendix2", "answers": example.answers}), encoding="utf-8")
    changed = {**example.answers, "budget": "no"}
    theirs.write_text(yaml.safe_dump({"flow": "appendix2", "voice": "Parent carers", "answers": changed}),
                      encoding="utf-8")
    for fmt in ("md", "html", "json", "text", "docx"):
        out = tmp_path / f"compare.{fmt}"
        run = subprocess.run([sys.executable, "-m", "codesign_tui", "compare", str(mine), str(theirs), "--format", fmt,
                              "-o", str(out)], capture_output=True, text=True, timeout=120)
        assert run.returncode == 0, run.stderr
        assert out.stat().st_size > 0
    data = json.loads((tmp_path / "compare.json").read_text(encoding="utf-8"))
    assert [v["name"] for v in data["voices"]] == ["Commissioner", "Parent carers"]
    assert [d["question"] for d in data["differences"]] == ["budget"]
    run = subprocess.run([sys.executable, "-m", "codesign_tui", "compare", str(mine)], capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 2 and "at least two" in run.stderr


def test_render_with_a_partner_adds_the_section_after_the_summary_and_says_so_in_it(tmp_path):
    import yaml

    mine = {"space_to_shape": "yes", "problem_type": "wicked", "time_for_relationships": "yes", "budget": "yes",
            "senior_buy_in": "yes", "learning_culture": "yes", "shared_delivery": "yes", "shared_power": "yes"}
    (tmp_path / "mine.yaml").write_text(yaml.safe_dump({"flow": "appendix2", "answers": mine}), encoding="utf-8")
    (tmp_path / "Jo Bloggs.yaml").write_text(yaml.safe_dump({"flow": "appendix2", "answers": {**mine, "budget": "no"}}),
                                             encoding="utf-8")
    for public in (False, True):
        run = subprocess.run([sys.executable, "-m", "codesign_tui", "render", "appendix2", "--answers",
                              str(tmp_path / "mine.yaml"), "--with", str(tmp_path / "Jo Bloggs.yaml"),
                              *(["--public"] if public else [])], capture_output=True, text=True, timeout=120)
        assert run.returncode == 0, run.stderr
        summary, _, rest = run.stdout.partition("\n---\n")
        assert "differ on 1 question in a way that changes the recommendation" in summary
        assert rest.lstrip().startswith("## Where partners see it differently")
        assert ("Voice 2 answered “No” to Q4" if public else "Jo Bloggs answered “No” to Q4") in rest
        assert ("Jo Bloggs" in run.stdout) is not public  # a public plan names voices, never people


def test_a_plan_started_as_a_partner_says_so_in_its_file_its_plan_and_a_comparison(tmp_path):
    import os

    import yaml

    run = subprocess.run([sys.executable, "-m", "codesign_tui", "--plain", "appendix2", "--voice", "VCSE  partner"],
                         input="Short breaks\n\nyes\nwicked\nyes\npartly\nyes\nyes\nyes\nyes\n\n", capture_output=True,
                         text=True, timeout=120, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    [saved] = (Path(os.environ["CODESIGN_DATA_DIR"]) / "sessions").glob("*.session.yaml")
    assert yaml.safe_load(saved.read_text())["voice"] == "VCSE partner"
    [plan] = tmp_path.glob("appendix2-short-breaks-*.md")
    assert "- Answered as: VCSE partner, not as the commissioner" in plan.read_text(encoding="utf-8")
    mine = tmp_path / "mine.yaml"
    mine.write_text(yaml.safe_dump({"flow": "appendix2", "project": "Short breaks", "answers": {
        "space_to_shape": "yes", "problem_type": "wicked", "time_for_relationships": "yes", "budget": "yes",
        "senior_buy_in": "yes", "learning_culture": "yes", "shared_delivery": "yes", "shared_power": "yes"}}),
        encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "codesign_tui", "compare", str(mine), str(saved), "--format", "json"],
                         capture_output=True, text=True, timeout=120)
    assert [v["name"] for v in json.loads(out.stdout)["voices"]] == ["Commissioner", "VCSE partner"]


async def test_the_app_started_as_a_partner_saves_the_voice():
    from codesign_tui.sessions import SessionStore
    from codesign_tui.tui.app import make_app

    store = SessionStore()
    app = make_app(flow=load_flow(flows_dir() / "appendix2.yaml"), store=store, voice="People with lived experience")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("1")
        await pilot.pause()
        session = app.screen.session
        assert session.voice == "People with lived experience"
        assert app.screen.conversation.plan_meta().voice == "People with lived experience"
    import yaml

    assert yaml.safe_load(store.path(session.name).read_text())["voice"] == "People with lived experience"


def test_the_two_voice_worked_example_parts_on_what_the_budget_would_make_it(appendix2):
    """POINT Oldham from the council's side and from the families': both Consult for now; once the budget is
    known, Co-produce in one view and still Consult in the other, because of leaders and the culture."""
    run = subprocess.run([sys.executable, "-m", "codesign_tui", "compare", "point-oldham", "point-oldham-parent-carers",
                          "--format", "json"], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    assert [(v["name"], v["recommendation"]) for v in data["voices"]] == [("Commissioner", "consult"),
                                                                         ("Parent carers (POINT)", "consult")]
    changes = {d["question"]: d["changes"][0] for d in data["differences"]}
    assert set(changes) == {"senior_buy_in", "learning_culture"}
    assert not any(c["moves"] for c in changes.values()) and all(c["confirm_moves"] for c in changes.values())
    assert changes["learning_culture"]["if_confirmed"] is None  # no higher than Consult once confirmed
    note = EXAMPLES[[e.name for e in EXAMPLES].index("point-oldham-parent-carers")].note
    assert "our reading" in note and "assumption" in note
