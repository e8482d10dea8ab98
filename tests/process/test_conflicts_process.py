"""Conflicts of interest as the law now asks (issue 28): which rules apply, publication by default, bidders.

The tests of it that run the codesign command, a room or a browser; tests/unit/test_conflicts.py holds the rest."""

from __future__ import annotations

import json
import os
import re
import pytest

from codesign_tui.resources import flows_dir
from commands import ROOT, codesign
from test_conflicts import DATA


def _sheet(agenda, *more: str):
    return codesign("meeting", str(DATA / "jane-okafor.yaml"), "--agenda", str(agenda), *more)


def test_an_old_file_with_consent_no_renders_with_the_awaiting_decision_warning_naming_the_entry():
    run = codesign("render", "conflicts-of-interest", "--answers", str(DATA / "before-2.1.yaml"))
    assert run.returncode == 0, run.stderr
    from codesign_tui.flow.loader import load_flow

    now = load_flow(flows_dir() / "conflicts-of-interest.yaml").version  # carried through 2.1 to the version now
    assert f"carried over to version {now} of the flow" in run.stderr
    warning = next(line for line in run.stdout.splitlines() if "withheld with no reason recorded" in line)
    assert "About: Priya Shah (Carers Forum)." in warning
    undecided = next(line for line in run.stdout.splitlines() if "no decision on publication" in line)
    assert "About: Chris Lee (Example PCN)." in undecided
    public = codesign("render", "conflicts-of-interest", "--answers", str(DATA / "before-2.1.yaml"), "--public")
    assert "Priya Shah" not in public.stdout and "About: entry 2 (Lived experience member)." in public.stdout
    assert public.stdout.count("| Details withheld | Lived experience member | Details withheld |") == 1


def test_a_flag_addition_with_a_bad_condition_is_an_error_at_its_line(tmp_path):
    text = (flows_dir() / "conflicts-of-interest.yaml").read_text()
    text = text.replace("""      - when: "regime == 'psr'\"""", """      - when: "regime == 'nhs'\"""", 1)
    (tmp_path / "coi.yaml").write_text(text)
    run = codesign("validate", str(tmp_path / "coi.yaml"))
    assert run.returncode != 0
    line = next(n for n, row in enumerate(text.splitlines(), 1) if "regime == 'nhs'" in row)
    assert re.search(rf"coi.yaml:{line}:\d+: error: .*'nhs'", run.stdout + run.stderr)


@pytest.mark.parametrize("fmt", ["md", "html", "docx", "json", "text"])
def test_the_record_comes_in_every_format_and_its_public_version_withholds(fmt, tmp_path):
    out = tmp_path / f"record.{fmt}"
    run = codesign("render", "conflicts-of-interest", "--answers", str(DATA / "jane-okafor.yaml"), "--document",
                   "conflicts-assessment", "--format", fmt, "--public", "-o", str(out))
    assert run.returncode == 0, run.stderr
    if fmt == "docx":
        import docx

        document = docx.Document(str(out))
        text = "\n".join(p.text for p in document.paragraphs)
        assert document.core_properties.title == "Conflicts assessment"
    else:
        text = out.read_text(encoding="utf-8")
    # plain text is wrapped at 80 characters, and its third-level headings are in capitals
    text = " ".join(text.split()).casefold()
    for kept in ("Conflicts assessment", "Jane Okafor", "Lived experience member", "Details withheld"):
        assert kept.casefold() in text, kept
    for gone in ("Tom Reid", "Example Carers Group", "His partner works", "Lives in a refuge", "A risk to the"):
        assert gone.casefold() not in text, gone
    if fmt == "json":
        data = json.loads(out.read_text(encoding="utf-8"))
        assert data["document"] == "conflicts-assessment" and data["record"]["regime"] == "procurement_act"
        assert [e["name"] for e in data["record"]["entries"]] == ["Jane Okafor", "Details withheld"]


def test_a_flow_without_a_register_has_no_record_to_make():
    run = codesign("render", "appendix2", "--answers", str(ROOT / "tests" / "data" / "answers" /
                                                          "appendix2-codesign.yaml"),
                   "--document", "conflicts-assessment")
    assert run.returncode == 2 and "has no register of interests" in run.stderr
    assert "Traceback" not in run.stderr and not run.stdout


def test_the_meeting_sheet_puts_declarations_first_and_names_whom_each_item_touches():
    run = _sheet(DATA / "agenda.txt")
    assert run.returncode == 0, run.stderr
    text = run.stdout
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    assert headings == ["## Before the first item: declarations", "## Item 1: Welcome and apologies",
                        "## Item 2: Draft specification for the community wellbeing service (Example Wellbeing"
                        " CIC presenting)", "## Item 3: Carers' experience: findings from Tom Reid's group",
                        "## Item 4: Any other business"]
    items = text.split("\n## Item ")
    assert "Nobody on the register is conflicted on this item" in items[1]
    assert "**Jane Okafor** (Example Wellbeing CIC), named here as Example Wellbeing CIC" in items[2]
    assert "then sit out the decision" in items[2] and "Tom Reid" not in items[2]
    assert ("For the minutes: “Jane Okafor declared an interest (financial: her organisation expects to bid for"
            " the new contract) and took part in the discussion and did not take part in the decision.”") in items[2]
    assert "**Tom Reid** (Example Carers Group), named here as Tom Reid" in items[3]
    assert "Nobody on the register is conflicted on this item" in items[4]


def test_a_yaml_agenda_s_concerns_name_who_an_item_touches():
    text = _sheet(DATA / "agenda.yaml").stdout
    items = text.split("\n## Item ")
    assert items[3].startswith("3: Evaluation panel membership") and "named here as Jane Okafor" in items[3]
    assert "named here as Example Wellbeing CIC" in items[2]


@pytest.mark.parametrize("name, content, message", [
    ("a.yaml", "items:\n  - item: x\n    concern: [a]\n", ":3: unknown key 'concern' in an item"),
    ("b.yaml", "items: just one\n", ":1: the items should be a list"),
    ("c.yaml", "items:\n  - x\n  - [a, b]\n", ":3: an item is a line of text"),
    ("d.yaml", "items:\n  - item: x\n    concerns: {a: b}\n", ":3: `concerns:` is a list"),
    ("e.yaml", "items:\n  - item: [x\n", ": this is not valid YAML"),
    ("f.yaml", "agenda:\n  - x\n", ":1: unknown key 'agenda'"),
    ("g.txt", "\n\n# only a comment\n", ":1: the agenda has no items"),
    ("h.txt", "1. Welcome\n2.\n", ":2: this line has a number but no item"),
])
def test_a_bad_agenda_is_named_at_its_file_and_line(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_text(content)
    run = _sheet(path)
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert run.stderr.startswith(f"{path}") and message in run.stderr


def test_an_agenda_that_is_not_text_is_refused_with_its_line(tmp_path):
    path = tmp_path / "agenda.txt"
    path.write_bytes(b"Welcome\nSpec \xff\xfe review\n")
    run = _sheet(path)
    assert run.returncode == 2 and f"{path}:2: this is not UTF-8 text" in run.stderr


@pytest.mark.parametrize("fmt", ["md", "docx", "html", "text"])
def test_the_meeting_sheet_is_written_in_each_format_for_its_writer_alone(tmp_path, fmt):
    out = tmp_path / f"sheet.{fmt}"
    run = _sheet(DATA / "agenda.yaml", "--format", fmt, "-o", str(out))
    assert run.returncode == 0, run.stderr
    if os.name == "posix":
        assert out.stat().st_mode & 0o777 == 0o600  # it names people
    if fmt == "docx":
        import docx

        text = "\n".join(p.text for p in docx.Document(str(out)).paragraphs)
    else:
        text = out.read_text(encoding="utf-8")
    text = " ".join(text.split())
    assert "Declarations of interest: meeting sheet" in text and "Evaluation panel membership" in text
