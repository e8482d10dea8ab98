"""A corpus of broken flows: each must be reported with the right message at the right line and column.

Every ``*.yaml`` in ``tests/data/broken/`` is one case (adding a file adds a test). Its first line says what
`codesign validate` must report, as ``# expect: [FILE:]LINE:COLUMN MESSAGE``: LINE and COLUMN count from 1
and point at the offending key or value; MESSAGE is a case-sensitive substring of the problem's message;
FILE, when given, names the file the problem is in (by default the case file itself). Further comment
lines at the top may add:

- ``# hint: TEXT``: the problem's hint must contain TEXT (such as a did-you-mean);
- ``# also: [FILE:]LINE:COLUMN MESSAGE``: another error that rightly comes with the first.

Every error reported in the case file (and in FILE) must be one of those expected: one mistake should not
bury its report under knock-on errors. Files in subfolders (``include-pair/``, ``included/``) and
``*.tests.yaml`` files are helpers that cases include or read, not cases.
"""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from codesign_tui.flow.problems import Problem
from codesign_tui.flow.validate import validate_paths
from codesign_tui.flow.visible import visible

ROOT = Path(__file__).resolve().parents[2]
BROKEN = Path(__file__).resolve().parents[1] / "data" / "broken"
CASES = sorted(p for p in BROKEN.glob("*.yaml") if not p.name.endswith((".tests.yaml", ".tests.yml")))
IDS = [p.name for p in CASES]

_PLACE = r"(?:(?P<file>[^\s:]+):)?(?P<line>\d+):(?P<column>\d+) (?P<message>\S.*)"
_EXPECT = re.compile(r"# expect: " + _PLACE)
_ALSO = re.compile(r"# also: " + _PLACE)
_HINT = re.compile(r"# hint: (?P<hint>\S.*)")


@dataclass(frozen=True)
class Expected:
    """One error a case must produce: in which file, where, and part of what it says."""

    file: str
    line: int
    column: int
    message: str

    def matches(self, problem: Problem) -> bool:
        return (Path(problem.path).name == self.file and (problem.line, problem.column)
                == (self.line, self.column) and self.message in problem.message)

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: ...{self.message}..."


@dataclass
class Case:
    main: Expected
    hint: str = ""
    also: list[Expected] = field(default_factory=list)

    @property
    def files(self) -> set[str]:
        return {e.file for e in (self.main, *self.also)}


def _expected(match: re.Match, path: Path) -> Expected:
    return Expected(match["file"] or path.name, int(match["line"]), int(match["column"]),
                    match["message"].rstrip())


def read_case(path: Path) -> Case:
    """The expectations written in the comment lines at the top of a broken flow."""
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines, f"{path.name} needs a first line `# expect: LINE:COLUMN MESSAGE`"
    first = _EXPECT.fullmatch(lines[0])
    assert first, f"{path.name}: the first line should be `# expect: LINE:COLUMN MESSAGE`, not {lines[0]!r}"
    case = Case(_expected(first, path))
    for line in lines[1:]:
        if not line.startswith("#"):
            break
        if hint := _HINT.fullmatch(line):
            case.hint = hint["hint"].rstrip()
        elif also := _ALSO.fullmatch(line):
            case.also.append(_expected(also, path))
    return case


def _listing(problems: list[Problem]) -> str:
    return "\n".join(f"  {p.path}:{p.line}:{p.column}: {p.severity}: {p.message}"
                     + (f" ({p.hint})" if p.hint else "") for p in problems) or "  (no problems at all)"


# -- the corpus -------------------------------------------------------------------------------------------

def test_corpus_has_at_least_thirty_cases():
    assert len(CASES) >= 30, [p.name for p in CASES]


def test_every_case_has_a_readable_expectation():
    for path in CASES:
        read_case(path)  # asserts with the file's name when the header is wrong


def test_helper_files_are_not_cases():
    names = set(IDS)
    assert "partner.yaml" not in names and "budget-section.yaml" not in names
    assert (BROKEN / "include-pair" / "partner.yaml").is_file()
    assert (BROKEN / "included" / "budget-section.yaml").is_file()


@pytest.mark.parametrize("path", CASES, ids=IDS)
def test_broken_flow_is_reported_at_the_right_place(path: Path):
    case = read_case(path)
    expected = case.main
    report = validate_paths([path])
    errors = report.problems.errors
    found = [p for p in errors if expected.matches(p)]
    assert found, f"expected an error {expected}, but validate reported:\n{_listing(report.problems.items)}"
    problem = found[0]
    if case.hint:
        assert case.hint in problem.hint, f"hint {problem.hint!r} should contain {case.hint!r}"
    for also in case.also:
        assert any(also.matches(p) for p in errors), \
            f"expected also an error {also}, but validate reported:\n{_listing(report.problems.items)}"

    # the report as printed: `NAME:LINE:COL: error: ...`, then the source line, then a caret under the place
    formatted = report.problems.format().splitlines()
    header = f"{expected.file}:{expected.line}:{expected.column}: error: "
    at = [i for i, text in enumerate(formatted) if header in text and expected.message in text]
    assert at, f"no line containing {header!r} in:\n" + "\n".join(formatted)
    index = at[0]
    source_file = path if expected.file == path.name else next(path.parent.rglob(expected.file))
    source_lines = source_file.read_text(encoding="utf-8").splitlines()
    assert expected.line <= len(source_lines), "the expectation points past the end of the file"
    # the line as a terminal may show it: control characters written out, and of a long line only the
    # part around the place, cut with "…"
    source = visible(source_lines[expected.line - 1].replace("\t", " ").rstrip())
    before = visible(source_lines[expected.line - 1].replace("\t", " ")[:expected.column - 1])
    quoted, caret = formatted[index + 1], formatted[index + 2]
    assert quoted.startswith("    "), f"the source line should follow the message, not {quoted!r}"
    window = quoted[4:]
    if len(source) <= 200:
        assert window == source, f"the source line {source!r} should follow the message, not {quoted!r}"
    else:
        assert window.strip("…") in source and len(window) <= 202, f"a part of {source!r}, not {quoted!r}"
    assert caret.strip() == "^", f"a caret line should follow the source line, not {caret!r}"
    under = caret.index("^") - 4
    shown_before = window[:under].lstrip("…")
    assert before.endswith(shown_before) and window[under:].rstrip("…") == source[len(before):][:len(
        window[under:].rstrip("…"))], f"the caret should sit under column {expected.column}:\n{quoted}\n{caret}"


@pytest.mark.parametrize("path", CASES, ids=IDS)
def test_broken_flow_reports_nothing_unexpected(path: Path):
    """One mistake, one report: no knock-on errors in the case file besides those it declares. (Where
    they are is the other test's business: here an error saying what was expected is never unexpected.)"""
    case = read_case(path)
    report = validate_paths([path])
    expected = [case.main, *case.also]
    mine = [p for p in report.problems.errors if Path(p.path).name in case.files]
    unexpected = [p for p in mine if not any(e.message in p.message for e in expected)]
    assert not unexpected, f"unexpected errors besides {', '.join(map(str, expected))}:\n{_listing(unexpected)}"


# -- specific properties that the expectation line cannot say ----------------------------------------------

def test_misspelt_field_suggests_the_right_one():
    report = validate_paths([BROKEN / "unknown-field-typo.yaml"])
    hints = [p.hint for p in report.problems.errors if "promt" in p.message]
    assert hints == ["did you mean 'prompt'?"]


def test_include_cycle_names_every_file_in_the_chain():
    """a.yaml includes b.yaml, which includes a.yaml: the report should show the whole loop."""
    report = validate_paths([BROKEN / "include-pair.yaml"])
    text = report.problems.format()
    assert "include-pair.yaml -> partner.yaml -> include-pair.yaml" in text, text


# -- hostile files -----------------------------------------------------------------------------------------

HEADER = 'id: hostile\ntitle: Hostile\nversion: "1.0"\nsummary: A hostile file.\n'


def _alias_bomb(path: Path) -> None:
    lines = ["a0: &a0 [" + ", ".join(['"lol"'] * 9) + "]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 9)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _too_large(path: Path) -> None:
    with path.open("wb") as f:
        f.write(HEADER.encode())
        f.truncate(50 * 1024 * 1024)  # sparse: takes no room on disk


def _binary(path: Path) -> None:
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06")


def _not_utf8(path: Path) -> None:
    path.write_bytes(HEADER.encode() + "audience: Caf\u00e9 owners\n".encode("latin-1"))


def _recursive_alias(path: Path) -> None:
    path.write_text("a: &a [*a]\n", encoding="utf-8")


def _deep_nesting(path: Path) -> None:
    path.write_text("[" * 10_000 + "]" * 10_000 + "\n", encoding="utf-8")


def _deep_nesting_in_example(path: Path) -> None:
    """Deep nesting where the loader turns YAML into Python values: an example's answers."""
    path.write_text(HEADER + "sections:\n  - id: first\n    title: First\n    questions:\n"
                    "      - id: budget\n        prompt: Is there a budget?\n"
                    "        kind: yes_partly_no_unsure\n"
                    "examples:\n  - name: deep\n    answers: {budget: " + "[" * 10_000 + "]" * 10_000
                    + "}\n    expect: {}\n", encoding="utf-8")


HOSTILE = {
    # name: (how to write it, part of the message, line and column or None when anywhere is fine)
    "alias-bomb": (_alias_bomb, "aliases", None),
    "too-large": (_too_large, "too large", (1, 1)),
    "binary": (_binary, "not a text file", None),
    "not-utf8": (_not_utf8, "not UTF-8", (5, 14)),
    "recursive-alias": (_recursive_alias, "aliases", None),
    "deep-nesting": (_deep_nesting, "", None),
    "deep-nesting-in-example": (_deep_nesting_in_example, "", None),
}


@pytest.mark.parametrize("name", list(HOSTILE), ids=list(HOSTILE))
def test_hostile_file_is_refused_with_an_error(name: str, tmp_path: Path):
    write, message, place = HOSTILE[name]
    path = tmp_path / f"{name}.yaml"
    write(path)
    report = validate_paths([path])  # must not raise, whatever the file holds
    errors = [p for p in report.problems.errors if Path(p.path).name == path.name]
    assert errors, f"{name} should be refused with an error:\n{_listing(report.problems.items)}"
    assert any(message in p.message for p in errors), _listing(errors)
    if place:
        assert any((p.line, p.column) == place for p in errors if message in p.message), _listing(errors)
    report.problems.format()  # and the report can be shown


# -- the command -------------------------------------------------------------------------------------------

def _codesign(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "codesign_tui", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)


def test_no_command_can_be_a_flow_id():
    """`codesign NAME` runs the command NAME: every command there is must be a name no flow may take."""
    from codesign_tui.cli import _parser
    from codesign_tui.flow.format import COMMAND_NAMES

    assert set(_parser().get_default("commands")) <= COMMAND_NAMES


def test_the_commands_known_without_the_parser_are_the_parsers():
    """`codesign` on its own does not build the parser (for a quicker first screen): the names it tells a
    command from a flow by are the parser's own, so that a new command is not taken for a flow."""
    from codesign_tui.cli import COMMANDS, _parser

    assert COMMANDS == _parser().get_default("commands")


def test_a_yes_partly_no_unsure_question_listing_three_plain_options_is_warned_that_all_four_are_offered():
    path = BROKEN / "warnings" / "yes-partly-no-unsure-three-options.yaml"
    report = validate_paths([path])
    assert not report.problems.errors
    [warning] = report.problems.warnings
    assert (warning.line, warning.column) == (14, 20)
    assert "always offers all four answers, so 'partly' will still be offered" in warning.message
    assert warning.hint == "to offer three answers, use kind: single"


def test_options_listed_without_words_of_their_own_keep_the_usual_ones():
    from codesign_tui.flow.loader import load_flow

    flow = load_flow(BROKEN / "warnings" / "yes-partly-no-unsure-three-options.yaml")
    assert [o.label for o in flow.question("budget").options] == ["Yes", "Partly", "No", "Not sure"]


def test_a_tab_typed_inside_text_is_warned_about_and_an_escaped_one_is_not():
    report = validate_paths([BROKEN / "warnings" / "tab-inside-text.yaml"])
    assert not report.problems.errors
    assert [(w.line, w.column, w.message) for w in report.problems.warnings] == [
        (11, 25, "a tab inside the text; it shows as ^I in plain mode")]


def test_a_rule_no_answers_reach_names_the_rule_that_catches_its_answers_first():
    report = validate_paths([BROKEN / "warnings" / "rule-caught-first.yaml"])
    warnings = [w for w in report.problems.warnings if "reaches rule" in w.message]
    assert [(w.line, w.message) for w in warnings] == [(15, "no combination of answers reaches rule 'closed-and-poor'")]
    assert warnings[0].hint.startswith("the answers it would take are caught first by rule 'closed';")
