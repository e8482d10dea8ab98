"""One home for a person's answers: the session file (one format, one reader, one writer), answers checked
whenever they are loaded, drafts, honest saving, the file as the session's identity, one writer at a time,
and file modes. Session files are written by hand here, as a person (or an attacker) would."""

from __future__ import annotations

import errno
import io
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from codesign_tui import files
from codesign_tui.plain import converse
from codesign_tui.sessions import SessionOpen, SessionStore
from commands import codesign as run_codesign

ROOT = Path(__file__).resolve().parents[2]


def codesign(*args: str, cwd: Path | None = None, **kwargs):
    """The command run from the test's own folder unless told otherwise."""
    return run_codesign(*args, cwd=cwd or Path.cwd(), **kwargs)


def sessions_folder() -> Path:
    return Path(os.environ["CODESIGN_DATA_DIR"]) / "sessions"


def write_session(name: str, text: str) -> Path:
    folder = sessions_folder()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.session.yaml"
    path.write_text(text)
    return path


def read(path: Path) -> dict:
    return yaml.safe_load(path.read_text())


MIDWAY = """\
flow: appendix2
project: Library review
answers:
  space_to_shape: 'yes'
  problem_type: banana
  time_for_relationships: partly
session:
  created: '2026-11-25T10:00:00+00:00'
  answered: 99
  total: 99
  complete: true
"""


# -- 1. one format, one reader, one writer; derived figures never trusted --------------------------------

def test_figures_in_the_file_are_worked_out_again_not_trusted():
    write_session("a", MIDWAY)
    run = codesign("sessions")
    assert run.returncode == 0, run.stderr
    [line] = [l for l in run.stdout.splitlines() if l.strip().startswith("a ")]
    # "banana" does not fit, so two of the three answers count: never the file's "99" or "complete"
    assert "2 of 8 answered" in line and "finished" not in line


def test_a_saved_session_renders_and_counts_like_an_answers_file(appendix2):
    store = SessionStore()
    session = store.new(appendix2, project="Library review", answers={
        "space_to_shape": "yes", "problem_type": "wicked", "time_for_relationships": "yes", "budget": "yes",
        "senior_buy_in": "yes", "learning_culture": "yes", "shared_delivery": "yes", "shared_power": "yes"})
    path = store.save(session)
    run = codesign("render", "appendix2", "--answers", str(path), "--format", "json")
    assert run.returncode == 0, run.stderr
    assert '"recommendation": "co-produce"' in run.stdout
    run = codesign("cohort", str(sessions_folder()))
    assert run.returncode == 0, run.stderr
    assert "1 answer set" in run.stdout or "1 person" in run.stdout or "| 1 |" in run.stdout


# -- 2. answers checked whenever they are loaded; what does not fit is set aside, not lost -----------------


def test_plain_resume_names_what_was_set_aside_and_asks_it_again():
    write_session("a", MIDWAY)
    run = codesign("--plain", "--resume", "a", stdin="quit\n")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "no longer fits the flow" in run.stdout and "'banana' is not one of the answers" in run.stdout
    assert "Question 2 (2 of 8 answered)" in run.stdout  # problem_type, asked again


def test_plain_resume_of_a_wrong_type_never_shows_it_as_an_answer():
    write_session("a", MIDWAY.replace("problem_type: banana", "problem_type: {a: b}"))
    run = codesign("--plain", "--resume", "a", stdin="quit\n")
    assert "Your answer was" not in run.stdout and "{'a': 'b'}" not in run.stdout.split("no longer fits")[-1]
    assert "Traceback" not in run.stdout + run.stderr


def test_render_of_a_session_names_what_it_sets_aside():
    path = write_session("a", MIDWAY)
    run = codesign("render", "appendix2", "--answers", str(path), "--partial")
    assert run.returncode == 0, run.stderr
    assert "a.session.yaml:5:17: warning: problem_type: 'banana' is not one of the answers" in run.stderr
    assert "banana" not in run.stdout


# -- 3. one conversation: the same numbers, the saved place, Enter keeps ------------------------------------

def talk(flow_or_session, replies: list[str], store: SessionStore | None = None) -> tuple[int, str]:
    if not hasattr(flow_or_session, "answers"):  # a new session first asks the plan's name and author
        replies = ["", ""] + replies
    out = io.StringIO()
    code = converse(flow_or_session, io.StringIO("".join(r + "\n" for r in replies)), out, Path.cwd(),
                    store=store)
    return code, out.getvalue()


def test_plain_resumes_at_the_saved_place():
    write_session("a", """\
flow: appendix2
answers: {space_to_shape: 'yes', problem_type: wicked, time_for_relationships: partly}
session: {cursor: problem_type}
""")
    run = codesign("--plain", "--resume", "a", stdin="\nquit\n")
    first = run.stdout.index("Question ")
    assert run.stdout[first:].startswith("Question 2 (3 of 8 answered)"), run.stdout
    assert "Your answer was: A hard problem" in run.stdout
    # Enter kept it and moved to the next question, as in the app
    assert "Question 3 (3 of 8 answered)" in run.stdout and read(sessions_folder() / "a.session.yaml")["answers"][
        "problem_type"] == "wicked"


# -- 4. drafts: kept, never answers -------------------------------------------------------------------------

def test_a_half_filled_register_entry_in_plain_mode_is_a_draft_and_comes_back(conflicts):
    store = SessionStore()
    code, out = talk(conflicts, ["1", "1", "1, 2, 3, 4, 5", "1", "yes", "Sam Jones", "Trustee"], store)
    assert code == 1  # input ended early
    [path] = sessions_folder().glob("*.session.yaml")
    data = read(path)
    assert data["session"]["drafts"]["interests"]["entry"] == {"name": "Sam Jones", "role": "Trustee"}
    assert "interests" not in data["answers"]
    run = codesign("render", "conflicts-of-interest", "--answers", str(path), "--partial")
    assert run.returncode == 0 and "Sam Jones" not in run.stdout  # a draft never reaches a plan
    run = codesign("cohort", str(path))
    assert "Sam Jones" not in run.stdout


# -- 6. honest saving ---------------------------------------------------------------------------------------

@pytest.fixture
def full_disk(monkeypatch):
    def fsync(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files.os, "fsync", fsync)


# -- 7. the file is the session -----------------------------------------------------------------------------

def test_a_copied_file_is_a_session_of_its_own():
    a = write_session("a", MIDWAY.replace("problem_type: banana", "problem_type: wicked")
                      + "  id: a\n")
    b = sessions_folder() / "b.session.yaml"
    b.write_bytes(a.read_bytes())
    before = a.read_bytes()
    run = codesign("--plain", "--resume", "b", stdin="yes\nquit\n")
    assert run.returncode == 0, run.stdout + run.stderr
    assert a.read_bytes() == before
    assert read(b)["answers"]["budget"] == "yes" and read(b)["session"]["id"] == "b"


def test_an_id_inside_the_file_never_builds_a_path():
    write_session("a", MIDWAY + "  id: ../../../x\n")
    run = codesign("--plain", "--resume", "a", stdin="wicked\nquit\n")
    assert "Traceback" not in run.stdout + run.stderr and run.returncode == 0, run.stdout + run.stderr
    assert read(sessions_folder() / "a.session.yaml")["answers"]["problem_type"] == "wicked"
    assert not (sessions_folder().parents[2] / "x.session.yaml").exists()


@pytest.mark.parametrize("name", ["../a", ".hidden", "a/b", ""])
def test_a_session_name_that_could_leave_the_folder_is_refused(name):
    run = codesign("--plain", "--resume", name) if name else None
    with pytest.raises(KeyError):
        SessionStore().path(name)
    if run is not None:
        assert run.returncode == 2 and "Traceback" not in run.stderr


# -- 8. one writer a session --------------------------------------------------------------------------------

def test_a_session_open_elsewhere_is_never_written_over_in_plain_mode():
    path = write_session("a", MIDWAY.replace("problem_type: banana", "problem_type: wicked"))
    holder = SessionStore()
    holder.lock("a")
    try:
        before = path.read_bytes()
        run = codesign("--plain", "--resume", "a", stdin="yes\nquit\n")
        assert "open in another window" in run.stdout
        assert path.read_bytes() == before
        run = codesign("--plain", "--resume", "a", stdin="copy\nyes\nquit\n")
        assert run.returncode == 0, run.stdout + run.stderr
        assert path.read_bytes() == before
        copies = [p for p in sessions_folder().glob("*.session.yaml") if p != path]
        assert len(copies) == 1 and read(copies[0])["answers"]["budget"] == "yes"
        run = codesign("--plain", "--resume", "a", stdin="view\n")
        assert "A hard problem" in run.stdout and path.read_bytes() == before
    finally:
        holder.unlock("a")


def test_a_killed_process_lets_go_of_its_session():
    write_session("a", MIDWAY)
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys; from codesign_tui.sessions import SessionStore; SessionStore().lock('a');"
        " print('held', flush=True); sys.stdin.read()")], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(SessionOpen):
            SessionStore().lock("a")
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=30)
        store = SessionStore()
        store.lock("a")  # the operating system let go when the process died
        store.unlock("a")
    finally:
        if holder.poll() is None:
            holder.kill()


# -- 9. file writing and modes ------------------------------------------------------------------------------


def answers_file(tmp_path: Path) -> Path:
    path = tmp_path / "answers.yaml"
    path.write_text("flow: appendix2\nanswers:\n  space_to_shape: 'yes'\n")
    return path


@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o077, 0o600), (0o027, 0o640)])
def test_exports_follow_the_umask(tmp_path, umask, mode):
    out = tmp_path / "plan.md"
    run = codesign("render", "appendix2", "--answers", str(answers_file(tmp_path)), "--partial", "-o", str(out),
                   umask=umask)
    assert run.returncode == 0, run.stderr
    assert out.stat().st_mode & 0o777 == mode


def test_force_never_widens_a_private_file(tmp_path):
    out = tmp_path / "plan.md"
    out.write_text("old")
    out.chmod(0o600)
    run = codesign("render", "appendix2", "--answers", str(answers_file(tmp_path)), "--partial", "-o", str(out),
                   "--force", umask=0o022)
    assert run.returncode == 0, run.stderr
    assert out.stat().st_mode & 0o777 == 0o600 and "Recommendation" in out.read_text()


def test_escape_sequences_in_a_saved_session_never_reach_the_terminal_raw():
    write_session("a", NEAR_END_WITH_ESCAPES)
    run = codesign("--plain", "--resume", "a", stdin="back\nquit\n")
    assert run.returncode == 0, run.stdout + run.stderr
    out = run.stdout + run.stderr
    assert "\x1b" not in out and "\x9b" not in out and "\u202e" not in out
    assert "^[]0;pwned^G" in out  # shown, not obeyed


NEAR_END_WITH_ESCAPES = """\
flow: conflicts-of-interest
project: "Library \\u202e review"
answers:
  coi_policy: joint_policy
  same_policy_all_sectors: 'yes'
  coi_principles: [identify, declare, record, manage, manage_not_exclude]
  interests_known: none_yet
  review_declarations: every_meeting
  minutes_record: 'yes'
  register_keeper: "\\e]0;pwned\\a and \\x9b2J"
session: {cursor: register_keeper}
"""
