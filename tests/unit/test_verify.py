"""`codesign verify`: a plan drawn again from its answers under the flow it names. Every golden plan passes;
an edited recommendation, an edited answer (in the plan or in the answers file) and a swapped flow version are
caught, in every format; what cannot be checked exits 2."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
import yaml

from codesign_tui.flow.engine import evaluate
from codesign_tui.flow.loader import load_flow
from codesign_tui.flow.versions import fingerprint
from codesign_tui.plan.render import render
from codesign_tui.plan.verify import DECIDING, blocks, segments, verify
from codesign_tui.resources import find_flow
from test_plan import VARIANTS
from test_plan_support import ANSWERS, GOLDEN, session

ALL_FORMATS = ("md", "html", "docx", "json", "text")
CODESIGN = {  # appendix2: co-design under 2.0; version 3 asks a culture that accepts testing, so consult
    "space_to_shape": "yes", "problem_type": "partly_known", "time_for_relationships": "yes", "budget": "yes",
    "senior_buy_in": "yes", "learning_culture": "no", "shared_delivery": "no", "shared_power": "yes"}


@pytest.mark.parametrize("golden", sorted(VARIANTS))
def test_every_golden_plan_verifies_against_its_answers(golden):
    name, _options = VARIANTS[golden]
    verdict = verify(GOLDEN / f"{golden}.md", ANSWERS / f"{name}.yaml")
    assert verdict.matches, verdict.difference
    assert verdict.public == ("public" in golden) and verdict.summary == ("summary" in golden)


def headings(golden: str) -> set[str]:
    return {name.casefold() for name, _ in segments(blocks((GOLDEN / f"{golden}.md").read_bytes(), "md"))}


def test_the_deciding_headings_are_in_the_plans_the_templates_write():
    # a template that renames one of these headings must rename it in plan/verify.py too
    full, summary = headings("appendix2-consult-held-back"), headings("appendix2-consult-held-back-summary")
    assert set(DECIDING) - {"what holds it back"} <= full
    # the one-page summary standing alone says what would have to change under a heading of its own
    assert {"recommendation", "what holds it back"} <= summary and "what would have to change" not in summary


@pytest.mark.parametrize("fmt", ["md", "text"])
def test_an_edited_answer_in_what_holds_a_summary_back_is_caught(tmp_path, fmt):
    # the summary alone gives each answer that holds it back beside what is needed: changing one is a
    # difference in what carries the decision, not elsewhere
    path, data = write(tmp_path, "appendix2-consult-held-back", fmt, summary=True)
    answers = ANSWERS / "appendix2-consult-held-back.yaml"
    assert verify(path, answers).matches
    path.write_bytes(edited(fmt, data, "You said \u201cNo\u201d", "You said \u201cYes\u201d"))
    verdict = verify(path, answers)
    assert not verdict.matches and verdict.summary
    assert "What holds it back".casefold() in verdict.difference.casefold()


def write(tmp_path: Path, name: str, fmt: str, **options) -> tuple[Path, bytes]:
    flow, result, given = session(name)
    data = render(fmt, flow, result, given, **options)
    path = tmp_path / f"plan.{fmt}"
    path.write_bytes(data)
    return path, data


def edit_docx(data: bytes, old: str, new: str) -> bytes:
    import docx

    document = docx.Document(io.BytesIO(data))
    found = False
    for paragraph in document.paragraphs:
        for run in paragraph.runs:
            if old in run.text:
                run.text = run.text.replace(old, new)
                found = True
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                for paragraph in cell.paragraphs:
                    for run in paragraph.runs:
                        if old in run.text:
                            run.text = run.text.replace(old, new)
                            found = True
    assert found, old
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def edited(fmt: str, data: bytes, old: str, new: str, count: int = 1) -> bytes:
    if fmt == "docx":
        return edit_docx(data, old, new)
    text = data.decode("utf-8")
    assert old in text, old
    return text.replace(old, new, count).encode("utf-8")


@pytest.mark.parametrize("fmt", ALL_FORMATS)
def test_each_format_matches_and_an_edited_recommendation_is_caught(tmp_path, fmt):
    path, data = write(tmp_path, "engagement-coproduce", fmt)
    answers = ANSWERS / "engagement-coproduce.yaml"
    assert verify(path, answers).matches
    if fmt == "json":
        changed = json.loads(data)
        changed["recommendation"] = "co-design"
        path.write_text(json.dumps(changed))
        verdict = verify(path, answers)
        assert not verdict.matches and "“recommendation” is \"co-design\"" in verdict.difference
        return
    path.write_bytes(edited(fmt, data, "Co-produce", "Co-design"))
    verdict = verify(path, answers)
    assert not verdict.matches
    assert "Co-design" in verdict.difference and "these answers give" in verdict.difference


@pytest.mark.parametrize("fmt", ALL_FORMATS)
def test_an_edited_answer_in_the_plan_is_caught(tmp_path, fmt):
    path, data = write(tmp_path, "appendix2-consult-held-back", fmt)
    # the answers table: "Do you have money for facilitation ...?" was answered No
    flow, result, _ = session("appendix2-consult-held-back")
    assert result.answers["budget"] == "no"
    if fmt == "json":
        changed = json.loads(data)
        changed["answers"]["budget"] = "yes"
        path.write_text(json.dumps(changed))
        assert "“answers”" in verify(path, ANSWERS / "appendix2-consult-held-back.yaml").difference
        return
    prompt = flow.question("budget").prompt
    text = data.decode("utf-8", "replace") if fmt != "docx" else ""
    # the answers table, not the reasons' table in Why, which names the question too
    if fmt == "md":
        answers = text.index("### Questions and answers")
        row = next(line for line in text[answers:].splitlines() if line.startswith("| ") and prompt[:30] in line)
        path.write_text(text[:answers] + text[answers:].replace(row, row.replace("| No |", "| Yes |")))
    elif fmt == "html":
        start = text.index(prompt[:30], text.index("Questions and answers"))
        cell = text.index("<td>No</td>", start)
        path.write_text(text[:cell] + "<td>Yes</td>" + text[cell + len("<td>No</td>"):])
    elif fmt == "text":
        lines = text.splitlines()
        index = next(i for i, line in enumerate(lines) if "Questions and answers".upper() in line)
        row = next(i for i in range(index, len(lines)) if prompt[:20] in lines[i])
        while not lines[row].rstrip().endswith("No"):
            row += 1
        lines[row] = lines[row].rstrip()[:-2] + "Yes"
        path.write_text("\n".join(lines) + "\n")
    else:
        import docx

        document = docx.Document(io.BytesIO(data))
        for table in document.tables:
            for row in table.rows:
                if prompt[:30] in row.cells[0].text and row.cells[1].text == "No":
                    row.cells[1].paragraphs[0].runs[0].text = "Yes"
        out = io.BytesIO()
        document.save(out)
        path.write_bytes(out.getvalue())
    verdict = verify(path, ANSWERS / "appendix2-consult-held-back.yaml")
    assert not verdict.matches
    assert "Questions and answers" in verdict.difference or "QUESTIONS AND ANSWERS" in verdict.difference


def test_answers_that_differ_from_those_the_plan_was_drawn_from_are_caught(tmp_path):
    path, _ = write(tmp_path, "engagement-coproduce", "md")
    answers = yaml.safe_load((ANSWERS / "engagement-coproduce.yaml").read_text())
    # one answer changed: the recommendation moves, so the summary is named first
    answers["answers"]["budget"] = "partly"
    (tmp_path / "a.yaml").write_text(yaml.safe_dump(answers))
    verdict = verify(path, tmp_path / "a.yaml")
    assert not verdict.matches and "Summary" in verdict.difference
    # one register entry's name changed: nothing the decision rests on moves, but the answers are not those
    answers = yaml.safe_load((ANSWERS / "engagement-coproduce.yaml").read_text())
    answers["answers"]["interests"][0]["name"] = "Someone Else"
    (tmp_path / "b.yaml").write_text(yaml.safe_dump(answers))
    verdict = verify(path, tmp_path / "b.yaml")
    assert not verdict.matches and "answers' fingerprint" in verdict.difference


def test_a_public_plan_is_checked_by_its_content_and_names_no_answers_fingerprint(tmp_path):
    path, data = write(tmp_path, "engagement-coproduce", "md", public=True)
    assert not re.search(r"Answers: fingerprint", data.decode())
    assert verify(path, ANSWERS / "engagement-coproduce.yaml").matches
    path.write_bytes(edited("md", data, "We recommend **Co-produce**", "We recommend **Consult**"))
    assert not verify(path, ANSWERS / "engagement-coproduce.yaml").matches


def appendix2_plans(tmp_path: Path):
    """A plan drawn under the released appendix2 2.0 and one under 3.0 for the same answers (co-design, then
    consult), and the answers file."""
    shipped = find_flow("appendix2")
    old, new = load_flow(shipped.parent / "released" / "2.0" / "appendix2.yaml"), load_flow(shipped)
    answers = tmp_path / "answers.yaml"
    answers.write_text(yaml.safe_dump({"flow": "appendix2", "project": "Youth service redesign",
                                       "date": "2026-11-01", "answers": CODESIGN}))
    from codesign_tui.flow.answers import AnswersFile

    plans = {}
    for flow in (old, new):
        result = evaluate(flow, CODESIGN)
        plans[flow.version] = render("md", flow, result, AnswersFile("appendix2", CODESIGN, project="Youth service"
                                                                      " redesign", date="2026-11-01")).decode()
    assert evaluate(old, CODESIGN).recommendation.id == "co-design"
    assert evaluate(new, CODESIGN).recommendation.id == "consult"
    return old, new, plans, answers


def test_a_plan_drawn_under_a_released_version_verifies_under_that_version(tmp_path):
    old, _new, plans, answers = appendix2_plans(tmp_path)
    (tmp_path / "plan.md").write_text(plans["2.0"])
    verdict = verify(tmp_path / "plan.md", answers)
    assert verdict.matches, verdict.difference
    assert verdict.flow.version == "2.0" and "released version 2.0" in verdict.how_found


def test_a_swapped_flow_version_is_caught(tmp_path):
    old, new, plans, answers = appendix2_plans(tmp_path)
    # the 2.0 plan (co-design) made to name the flow's version now and its fingerprint: drawn again, that
    # version gives consult
    swapped = plans["2.0"].replace(f"version 2.0, fingerprint `{fingerprint(old)}`",
                                   f"version {new.version}, fingerprint `{fingerprint(new)}`")
    assert swapped != plans["2.0"] and new.version != "2.0"
    (tmp_path / "plan.md").write_text(swapped)
    verdict = verify(tmp_path / "plan.md", answers)
    assert not verdict.matches and "Co-design" in verdict.difference and verdict.flow.version == new.version
    # the version alone changed: the fingerprint still names 2.0
    (tmp_path / "plan.md").write_text(plans["2.0"].replace("- Flow: `appendix2`, version 2.0",
                                                           "- Flow: `appendix2`, version 3.0"))
    verdict = verify(tmp_path / "plan.md", answers)
    assert not verdict.matches
    assert verdict.difference == "the plan names version 3.0, but its fingerprint is that of version 2.0"


# -- the command ----------------------------------------------------------------------------------------------
