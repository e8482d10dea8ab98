"""Plain mode fed by a pipe, as a script or a file of answers feeds it: one prompt a line, a register field a
person may have nothing for, a line that does not fit stopping the run where it is, and `--resume` taking
the person's own latest session rather than a worked example's. Run as `codesign` processes."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import yaml

from codesign_tui.flow.examples import worked_examples
from codesign_tui.flow.loader import load_flow
from codesign_tui.resources import flows_dir
from codesign_tui.tui.app import make_app
from codesign_tui.tui.screens.conversation import ConversationScreen


def plain(*arguments: str, replies: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "codesign_tui", "--plain", *arguments], input=replies,
                          capture_output=True, text=True, timeout=120)


def saved(name: str) -> dict:
    return yaml.safe_load((Path(os.environ["CODESIGN_DATA_DIR"]) / "sessions" / f"{name}.session.yaml").read_text())


def session_of(run: subprocess.CompletedProcess) -> str:
    return re.search(r"\(session (\S+)\)", run.stdout).group(1)


# the policy, the same policy for all, one step, declarations to record; then one entry with no organisation
REGISTER = ["", "", "3", "1", "1", "1", "yes", "Ann", "Chair of the carers' panel", "", "1",
            "Her charity could bid", "2", *[""] * 8, "no"]  # the eight optional fields after the handling


def test_piped_each_prompt_has_its_own_line_and_organisation_may_be_left_empty():
    run = plain("conflicts-of-interest", replies="\n".join(REGISTER) + "\n")
    out = run.stdout
    assert "What is the piece of work called? >\nWho is preparing the plan? >\n" in out
    assert "0 recorded. Add one? (yes/no) >\n  Name >\n  Their role in this work >\n  Organisation (optional) >\n" in out
    assert "Added." in out and "needed" not in out
    answers = saved(session_of(run))["answers"]
    assert answers["interests"] == [{"name": "Ann", "role": "Chair of the carers' panel",
                                     "interest_type": "financial", "description": "Her charity could bid",
                                     "management": "discuss_not_decide"}]


def test_a_piped_line_that_does_not_fit_stops_the_run_and_names_the_line():
    # line 4 answers "Can people help shape …?" with a word it does not take; line 5 was meant for question 2
    run = plain("appendix2", replies="\n\nyes\nperhaps\nwicked\npartly\n")
    assert run.returncode == 2, run.stdout + run.stderr
    assert 'line 4 of the input ("perhaps") does not fit: Sorry:' in run.stderr
    assert "Nothing after it was read." in run.stderr and "Traceback" not in run.stderr
    name = session_of(run)
    assert f"codesign --plain --resume {name}" in run.stdout
    assert saved(name)["answers"] == {"space_to_shape": "yes"}  # nothing landed on the wrong question

    # in the register too: a half-filled entry is kept as a draft, and the line is named
    replies = REGISTER[:10] + ["7"]  # "Type of interest" has four answers
    run = plain("conflicts-of-interest", replies="\n".join(replies) + "\n")
    assert run.returncode == 2 and f'line {len(replies)} of the input ("7") does not fit' in run.stderr
    session = saved(session_of(run))
    assert session["session"]["drafts"]["interests"]["entry"] == {"name": "Ann",
                                                                  "role": "Chair of the carers' panel"}
    assert "interests" not in session["answers"]


async def test_resume_without_an_id_takes_the_latest_session_the_person_started():
    own = plain("appendix2", replies="\n\nyes\n")
    assert own.returncode == 1 and "Input ended" in own.stdout
    mine = session_of(own)
    # later, a worked example opened in the app (and left part-way)
    worked = {example.name: example for example in worked_examples(flows_dir())}["point-oldham"]
    app = make_app(flow=load_flow(flows_dir() / "appendix2.yaml"), example=worked)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("enter")  # past the case study
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ConversationScreen)
        await pilot.press("enter")  # the example's first answer
        await pilot.pause()
        theirs = screen.session.name
        assert screen.session.answers
    assert saved(theirs)["session"]["example"] == "point-oldham"  # the file says where it came from
    assert "example" not in saved(mine)["session"]
    run = plain("--resume", replies="")
    assert f"session {mine}" in run.stdout and theirs not in run.stdout, run.stdout


# -- piped runs leave no trail of half-finished sessions ----------------------------------------------------

def session_files() -> list[Path]:
    folder = Path(os.environ["CODESIGN_DATA_DIR"]) / "sessions"
    return sorted(folder.glob("*.session.yaml")) if folder.is_dir() else []


def test_a_piped_run_that_ends_before_any_answer_leaves_no_session_behind():
    # no input at all, the plan's two names left blank, a first answer refused: a script run again and again
    for replies in ("", "\n\n", "\n\nperhaps\n"):
        run = plain("appendix2", replies=replies)
        assert run.returncode in (1, 2) and "Traceback" not in run.stderr, run.stdout + run.stderr
        assert "before anything was answered, so no session was kept" in run.stdout, run.stdout
        assert "--resume" not in run.stdout  # nothing to carry on with, so no command for it
    assert session_files() == []
    run = plain("--resume", replies="")
    assert run.returncode == 2 and "cannot resume: there is no saved session to resume" in run.stderr


def test_a_piped_run_that_ends_part_way_keeps_its_answers_says_how_to_resume_once_and_resume_carries_on():
    run = plain("appendix2", replies="\n\nyes\n")
    assert run.returncode == 1 and "Input ended with 1 of 8 questions answered" in run.stdout, run.stdout
    name = session_of(run)
    assert run.stdout.count(f"codesign --plain --resume {name}") == 1
    assert [path.name for path in session_files()] == [f"{name}.session.yaml"]
    # the latest is carried on, in the same file: piping the rest of the answers leaves one session
    run = plain("--resume", replies="wicked\n")
    assert f"session {name}" in run.stdout and run.stdout.count(f"codesign --plain --resume {name}") == 1
    assert [path.name for path in session_files()] == [f"{name}.session.yaml"]
    assert saved(name)["answers"] == {"space_to_shape": "yes", "problem_type": "wicked"}


def test_the_latest_session_open_in_another_window_is_offered_as_a_copy_and_never_written():
    from codesign_tui.sessions import SessionStore

    first = plain("appendix2", replies="\n\nyes\n")
    name = session_of(first)
    path = session_files()[0]
    before = path.read_bytes()
    holder = SessionStore()
    holder.lock(name)  # another window has it open
    try:
        run = plain("--resume", replies="view\n")
        assert f"Session {name} is open in another window, so this one will not change it." in run.stdout
        assert "Can people help shape" in run.stdout and run.returncode == 0  # its answers, to look at
        assert session_files() == [path] and path.read_bytes() == before
        run = plain("--resume", replies="copy\nwicked\nquit\n")
        assert run.returncode == 0, run.stdout + run.stderr
        [copy] = [p for p in session_files() if p != path]
        assert yaml.safe_load(copy.read_text())["answers"] == {"space_to_shape": "yes", "problem_type": "wicked"}
        assert path.read_bytes() == before
    finally:
        holder.unlock(name)


def test_plain_mode_spells_out_an_abbreviation_where_it_is_first_met_as_the_app_does():
    """Plain mode printed the flow's abbreviations bare ("Our NHS body's policy"); the app spells each out
    where the person first meets it. Plain mode now does too, once: the register's NHS later reads NHS."""
    run = plain("conflicts-of-interest", replies="\n\n1\n1\n")
    out = run.stdout
    assert "  1  Our NHS (National Health Service) body's policy" in out
    assert out.count("NHS (National Health Service)") == 1 and out.count("NHS") > 1, out
