"""Hostile input, second round: every command, on any flow, answers file, template or folder, ends with exit 2
and a message a person can act on (with file:line:column where there is a place), no traceback, no hang,
no runaway memory, and nothing raw on the terminal.

Each case runs the `codesign` command as a child process with its address space limited by
`resource.setrlimit` (so runaway memory ends in MemoryError, which would show as a traceback) and a
timeout (so a hang fails the test instead of stalling the suite; it says nothing about speed).

Static cases live in `tests/data/broken/`: flows at its top (see test_broken_flows.py), answers files in
`answers/` (first line `# expect: LINE:COLUMN MESSAGE`, second `# render: FLOW`) and templates in
`templates/` (first line `{# expect: LINE MESSAGE #}`; a folder holding plan.md.j2 is a folder case).
Cases that git cannot hold (links, named pipes, devices, sparse files, files of megabytes) are made here.
"""

from __future__ import annotations

import os
import re
import resource
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BROKEN = Path(__file__).resolve().parents[1] / "data" / "broken"
ANSWERS = Path(__file__).resolve().parents[1] / "data" / "answers"
GOOD_ANSWERS = ANSWERS / "appendix2-codesign.yaml"
MEMORY = 512 * 1024 * 1024  # bytes of address space for the child: a few times what a command needs
# A child that never ends is stopped by the processor time it may use, which a busy machine does not use up: the
# longest command here, plain mode resuming a session of 100,000 unknown answers, takes 15 s of it. A wall-clock
# guard of 120 s stopped that command on a loaded machine with 4 test workers, having given it a fifth of a core;
# the clock's guard is now the last one, for a child that waits forever without using the processor.
CPU_SECONDS = 60
TIMEOUT = 600  # seconds on the clock: a hang guard, not a speed check
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

HEADER = 'id: hostile\ntitle: Hostile\nversion: "1.0"\nsummary: A hostile file.\n'
QUESTIONS = ("sections:\n  - id: first\n    title: First\n    questions:\n"
             "      - id: budget\n        prompt: Is there a budget?\n        kind: yes_partly_no_unsure\n")


def _limits() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS))


def codesign(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "codesign_tui", *args], cwd=cwd, capture_output=True,
                          text=True, errors="surrogateescape", timeout=TIMEOUT, stdin=subprocess.DEVNULL,
                          preexec_fn=_limits)


def refused(run: subprocess.CompletedProcess, *messages: str) -> str:
    """The command's output, after checking that it refused its input as a person should see it."""
    out = run.stdout + run.stderr
    assert "Traceback" not in out, out[-3000:]
    assert run.returncode == 2, f"exit {run.returncode}:\n{out[-3000:]}"
    for message in messages:
        assert message in out, f"{message!r} not in:\n{out[-3000:]}"
    assert not RAW.search(out), f"a raw control character reached the terminal: {RAW.search(out)!r}"
    assert len(out) < 200_000, f"{len(out):,} characters of output"
    return out


def flow_file(path: Path, text: str) -> Path:
    path.write_text(HEADER + text, encoding="utf-8")
    return path


# -- 1 and 7: the flow corpus through every command that loads a flow -----------------------------------

CORPUS = ["expression-nested-brackets.yaml", "expression-too-many-clauses.yaml", "expression-too-many-nots.yaml",
          "expression-too-long.yaml", "control-character-escape.yaml", "control-character-c1.yaml",
          "expression-escape-sequence.yaml", "include-absolute-path.yaml", "include-outside-folder.yaml"]


def _expected(path: Path) -> tuple[str, str]:
    match = re.fullmatch(r"# expect: (\d+:\d+) (.*)", path.read_text(encoding="utf-8").splitlines()[0])
    assert match, path
    return f"{path.name}:{match[1]}: error: ", match[2]


@pytest.mark.parametrize("name", CORPUS)
@pytest.mark.parametrize("command", ["validate", "render", "plain"])
def test_a_hostile_flow_is_refused_by_every_command(name: str, command: str):
    path = BROKEN / name
    place, message = _expected(path)
    args = {"validate": ["validate", str(path)], "render": ["render", str(path), "--answers", str(GOOD_ANSWERS)],
            "plain": ["--plain", str(path)]}[command]
    refused(codesign(*args), place, message)


# -- 2: a long string inside a condition --------------------------------------------------------------------

def test_a_condition_of_fifteen_megabytes_is_refused_with_a_short_message(tmp_path: Path):
    path = flow_file(tmp_path / "long.yaml", QUESTIONS + "        when: \"budget == '" + "a" * 15_500_000 + "'\"\n")
    out = refused(codesign("validate", str(path)), "long.yaml:12:16: error:", "characters long; the limit is 2,000")
    assert len(out) < 2_000


# -- 3 and 4: links, loops and files that are not files -----------------------------------------------------

def _loop(folder: Path, name: str = "a.yaml") -> Path:
    first, second = folder / name, folder / f"other-{name}"
    first.symlink_to(second.name)
    second.symlink_to(first.name)
    return first


def _fifo(folder: Path, name: str = "pipe.yaml") -> Path:
    path = folder / name
    os.mkfifo(path)
    return path


def _sparse(folder: Path, name: str, size: int, start: str = "") -> Path:
    path = folder / name
    with path.open("wb") as handle:
        handle.write(start.encode())
        handle.truncate(size)
    return path


def _include(folder: Path, target: str) -> Path:
    return flow_file(folder / "main.yaml", f"sections:\n  - include: {target}\n")


NOT_FILES = {
    # name: (make the path in a folder, what the message says)
    "link-loop": (_loop, "a loop of symbolic links ("),
    "dev-zero": (lambda folder: Path("/dev/zero"), "this is a device, not an ordinary file"),
    "fifo": (_fifo, "this is a named pipe, not an ordinary file"),
    "folder": (lambda folder: folder, "this is a folder"),
}


@pytest.mark.parametrize("kind", list(NOT_FILES))
def test_a_flow_that_is_not_a_file_is_refused(kind: str, tmp_path: Path):
    make, message = NOT_FILES[kind]
    path = make(tmp_path)
    if kind == "folder":  # a folder named like a flow: validate looks inside it, render cannot use it
        path = tmp_path / "folder.yaml"
        path.mkdir()
        refused(codesign("validate", str(path)), "folder.yaml:1:1: error: this folder holds no flow files")
    else:
        refused(codesign("validate", str(path)), ":1:1: error: " + message)
    refused(codesign("render", str(path), "--answers", str(GOOD_ANSWERS)), message)


@pytest.mark.parametrize("kind", list(NOT_FILES))
def test_an_answers_file_that_is_not_a_file_is_refused(kind: str, tmp_path: Path):
    make, message = NOT_FILES[kind]
    refused(codesign("render", "appendix2", "--answers", str(make(tmp_path))), ":1:1: error: " + message)


@pytest.mark.parametrize("kind", ["link-loop", "fifo"])
def test_an_include_that_is_not_a_file_is_refused(kind: str, tmp_path: Path):
    make, message = NOT_FILES[kind]
    target = make(tmp_path, "part.yaml")
    refused(codesign("validate", str(_include(tmp_path, target.name))), message,
            "main.yaml:6:14: error: include 'part.yaml' has problems")


@pytest.mark.parametrize("target", ["/dev/zero", "/etc/shadow", "../outside.yaml", "link-out.yaml"])
def test_an_include_outside_the_folder_is_refused_unread(target: str, tmp_path: Path):
    folder = tmp_path / "flows"
    folder.mkdir()
    outside = flow_file(tmp_path / "outside.yaml", "secret: root:x:0:0\n")
    (folder / "link-out.yaml").symlink_to(outside)
    out = refused(codesign("validate", str(_include(folder, target))),
                  "main.yaml:6:14: error:", "is outside the flow's folder")
    assert "root:x" not in out


def test_a_folder_holding_a_named_pipe_is_checked_without_hanging(tmp_path: Path):
    flow_file(tmp_path / "fine.yaml", QUESTIONS)
    _fifo(tmp_path)
    refused(codesign("validate", str(tmp_path)), "pipe.yaml:1:1: error: this is a named pipe")


def test_an_answers_file_over_the_limit_is_called_an_answers_file(tmp_path: Path):
    path = _sparse(tmp_path, "big.yaml", 20 * 1024 * 1024, "flow: appendix2\n")
    refused(codesign("render", "appendix2", "--answers", str(path)),
            "big.yaml:1:1: error: file is too large to be an answers file")


# -- 5: many errors ------------------------------------------------------------------------------------------

def test_ten_thousand_errors_are_counted_after_the_first_few_hundred(tmp_path: Path):
    fields = "".join(f"        unknown_{n}: x\n" for n in range(10_000))
    path = flow_file(tmp_path / "many.yaml", QUESTIONS + fields)
    out = refused(codesign("validate", str(path)), "many.yaml: 9,800 more problems not listed",
                  "10,000 errors")
    assert out.count(": error: ") == 200


@pytest.fixture
def many_unknown_ids(tmp_path: Path) -> Path:
    path = tmp_path / "unknown.yaml"
    path.write_text("flow: appendix2\nanswers:\n" + "".join(f"  unknown_{n}: yes\n" for n in range(10_000)))
    return path


def test_an_answers_file_with_ten_thousand_unknown_ids_is_refused(many_unknown_ids: Path):
    # each unknown id is set aside (a warning); the answers the plan needs are then missing (errors, listed
    # even after the warnings have filled their share of the list)
    out = refused(codesign("render", "appendix2", "--answers", str(many_unknown_ids)),
                  "unknown.yaml:3:3: warning: 'unknown_0' is not a question of flow 'appendix2'",
                  "more problems not listed", "error: missing an answer to 'space_to_shape'")
    assert out.count(": warning: ") == 200


def test_cohort_of_ten_thousand_unknown_ids_is_refused(many_unknown_ids: Path):
    refused(codesign("cohort", str(many_unknown_ids)),
            "unknown.yaml: skipped: none of its answers fit the flow: line 3:", "and 9,99")


# -- 3 and 6: a room's folder with loops -----------------------------------------------------------------------

def test_cohort_of_a_folder_with_two_links_to_itself_ends(tmp_path: Path):
    room = tmp_path / "room"
    room.mkdir()
    (room / "one").symlink_to("..")
    (room / "two").symlink_to(".")
    (room / "three").symlink_to(room)
    _loop(room)
    (room / "notes.yaml").write_text("just: words\n")
    out = refused(codesign("cohort", str(room)), "a link to a folder already read (a loop)",
                  "a loop of symbolic links", "no answer sets could be counted")
    assert out.count("notes.yaml: skipped") == 1


def test_cohort_counts_the_room_beside_a_loop(tmp_path: Path):
    room = tmp_path / "room"
    room.mkdir()
    (room / "answers.yaml").write_text(GOOD_ANSWERS.read_text())
    (room / "again").symlink_to(".")
    _loop(room)
    run = codesign("cohort", str(room))
    assert run.returncode == 0 and "Traceback" not in run.stderr, run.stderr
    assert "1 answer set counted" in run.stdout and "a loop of symbolic links" in run.stdout


# -- 7: escape sequences -----------------------------------------------------------------------------------

ESCAPE = "\x1b]0;pwned\x07\x1b[2J\x9b6n\u202e"


def test_a_file_name_with_escapes_is_shown_visibly_by_cohort(tmp_path: Path):
    (tmp_path / f"{ESCAPE}.yaml").write_text("just: words\n")
    refused(codesign("cohort", str(tmp_path)), "^[]0;pwned^G^[[2J\\u009b6n\\u202e.yaml: skipped")


def test_a_flow_name_with_escapes_is_shown_visibly_by_validate(tmp_path: Path):
    path = tmp_path / f"{ESCAPE}.yaml"
    path.write_text("id: [\n")
    refused(codesign("validate", str(path)), "^[]0;pwned^G")


def test_the_web_page_title_shows_escapes_visibly(tmp_path: Path):
    path = tmp_path / "answers.yaml"
    path.write_text(GOOD_ANSWERS.read_text().replace("project: ", 'project: "\\e]0;pwned\\a\\u202e" # '))
    run = codesign("render", "appendix2", "--answers", str(path), "--format", "html")
    assert run.returncode == 0, run.stderr
    title = re.search(r"<title>(.*?)</title>", run.stdout, re.S)[1]
    assert "^[]0;pwned^G\\u202e" in title and not RAW.search(title), title


# -- 8: templates ----------------------------------------------------------------------------------------------

TEMPLATES = sorted(p for p in (BROKEN / "templates").rglob("*.j2"))


@pytest.mark.parametrize("template", TEMPLATES, ids=[str(p.relative_to(BROKEN / "templates")) for p in TEMPLATES])
def test_a_hostile_template_ends_with_template_line_and_message(template: Path):
    match = re.fullmatch(r"\{# expect: (\d+) (.*) #\}", template.read_text().splitlines()[0])
    assert match, template
    given = template.parent if template.parent.name != "templates" else template
    out = refused(codesign("render", "appendix2", "--answers", str(GOOD_ANSWERS), "--templates", str(given)),
                  f"codesign: template problem: {template}:{match[1]}: {match[2]}")
    assert "root:" not in out


def test_a_template_linked_from_outside_its_folder_is_refused(tmp_path: Path):
    (tmp_path / "plan.md.j2").symlink_to("/etc/passwd")
    out = refused(codesign("render", "appendix2", "--answers", str(GOOD_ANSWERS), "--templates", str(tmp_path)),
                  "the template leads outside its folder")
    assert "root:" not in out


@pytest.mark.parametrize("kind", ["link-loop", "dev-zero", "fifo"])
def test_a_template_that_is_not_a_file_is_refused(kind: str, tmp_path: Path):
    make, message = NOT_FILES[kind]
    refused(codesign("render", "appendix2", "--answers", str(GOOD_ANSWERS), "--templates",
                     str(make(tmp_path, "plan.md.j2") if kind != "dev-zero" else make(tmp_path))), message)


# -- 10: places and words ----------------------------------------------------------------------------------------

ANSWER_CASES = sorted((BROKEN / "answers").glob("*.yaml"))


@pytest.mark.parametrize("path", ANSWER_CASES, ids=[p.name for p in ANSWER_CASES])
def test_a_broken_answers_file_is_reported_at_its_place(path: Path):
    first, second = path.read_text(encoding="utf-8").splitlines()[:2]
    expect = re.fullmatch(r"# expect: (\d+:\d+) (.*)", first)
    flow = re.fullmatch(r"# render: (\S+)", second)
    assert expect and flow, path
    # the answer that does not fit is set aside (a warning at its place); without it the plan lacks an answer
    refused(codesign("render", flow[1], "--answers", str(path)), f"{path.name}:{expect[1]}: warning: {expect[2]}",
            "has no answer that can be used")


def test_validate_of_an_empty_folder_is_an_error(tmp_path: Path):
    (tmp_path / "empty").mkdir()
    refused(codesign("validate", str(tmp_path / "empty")), "empty:1:1: error: this folder holds no flow files",
            "0 flows checked: 1 error")


@pytest.mark.parametrize("fmt", ["html", "docx", "text"])
def test_a_character_reference_beyond_unicode_in_a_mermaid_label_is_no_character(fmt: str, tmp_path: Path):
    """From the third attack: #1114112; in a label ended the web page and Word exports in a chr() traceback."""
    (tmp_path / "plan.md.j2").write_text('# Plan\n\n```mermaid\nflowchart LR\n  a["Start #1114112;'
                                         ' #99999999999999999999;"] --> b["#65;nd"]\n```\n', encoding="utf-8")
    run = codesign("render", "appendix2", "--answers", str(GOOD_ANSWERS), "--templates", str(tmp_path), "--format", fmt,
                   "-o", str(tmp_path / f"plan.{fmt}"))
    assert run.returncode == 0 and "Traceback" not in run.stderr, run.stderr
    if fmt != "docx":
        assert "Start \ufffd \ufffd" in (tmp_path / f"plan.{fmt}").read_text(encoding="utf-8")
