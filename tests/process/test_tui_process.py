"""The real `codesign` command in a pseudo-terminal: killed with SIGKILL mid-flow, nothing answered is lost."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import yaml

from codesign_tui.sessions import SessionStore
from codesign_tui.tui.app import make_app
from codesign_tui.tui.screens.conversation import ConversationScreen
from codesign_tui.tui.widgets.turns import AnswerTurn, Transcript


def start_in_terminal(*args: str, columns: int = 100, rows: int = 30) -> tuple[subprocess.Popen, int]:
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    env = dict(os.environ, TERM="xterm-256color", COLUMNS=str(columns), LINES=str(rows))
    # a hang-up does to the app what it does to any program in a terminal, however the tests were started: under
    # `nohup` the child would inherit SIGHUP ignored, and the closed-terminal test would test something else
    process = subprocess.Popen([sys.executable, "-m", "codesign_tui", *args], stdin=follower,
                               stdout=follower, stderr=follower, env=env, start_new_session=True,
                               preexec_fn=lambda: signal.signal(signal.SIGHUP, signal.SIG_DFL))
    os.close(follower)
    return process, leader


def drain(leader: int, seconds: float) -> bytes:
    out = b""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        ready, _, _ = select.select([leader], [], [], 0.05)
        if ready:
            try:
                out += os.read(leader, 65536)
            except OSError:
                break
    return out


def wait_for(condition, seconds: float, leader: int) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        drain(leader, 0.1)
        if condition():
            return True
    return False


def saved_answers(folder: Path) -> dict:
    files = list(folder.glob("*.session.yaml"))
    if not files:
        return {}
    try:
        return yaml.safe_load(files[0].read_text()).get("answers") or {}
    except (yaml.YAMLError, AttributeError):
        return {}


def wait_for_first_question(leader: int) -> None:
    """Wait until the first question is on the screen, so that no key arrives before the app. A flow started
    straight away first asks what the plan is called: Escape skips that."""
    screen = b""
    deadline = time.monotonic() + 60
    while b"Whoispreparing" not in screen and time.monotonic() < deadline:
        screen += re.sub(rb"\x1b\[[0-9;?]*[A-Za-z]|[^A-Za-z]", b"", drain(leader, 0.2))
    assert b"Whoispreparing" in screen, "the app never asked what the plan is called"
    os.write(leader, b"\x1b")
    screen = b""
    while b"helpshape" not in screen and time.monotonic() < deadline:
        screen += re.sub(rb"\x1b\[[0-9;?]*[A-Za-z]|[^A-Za-z]", b"", drain(leader, 0.2))
    assert b"helpshape" in screen, "the app never showed its first question"


def killed(process: subprocess.Popen, leader: int) -> None:
    """End the app with SIGKILL, as a crash or `kill -9` would (if it is still running), and close its terminal."""
    try:
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        os.close(leader)


def until_drawn(leader: int, letters: bytes, seconds: float = 60) -> bool:
    """Whether `letters` (the screen's letters alone, as `wait_for_first_question` reads them) are drawn within
    `seconds`."""
    screen = b""
    deadline = time.monotonic() + seconds
    while letters not in screen and time.monotonic() < deadline:
        screen += re.sub(rb"\x1b\[[0-9;?]*[A-Za-z]|[^A-Za-z]", b"", drain(leader, 0.2))
    return letters in screen


async def test_answers_survive_sigkill_and_resume_restores_the_place():
    folder = Path(os.environ["CODESIGN_DATA_DIR"]) / "sessions"
    process, leader = start_in_terminal("appendix2")
    try:
        wait_for_first_question(leader)
        for key, count in ((b"1", 1), (b"3", 2), (b"2", 3)):
            os.write(leader, key)
            assert wait_for(lambda c=count: len(saved_answers(folder)) >= c, 20, leader), \
                f"answer {count} was not saved"
    finally:
        killed(process, leader)
    assert process.returncode == -signal.SIGKILL
    assert saved_answers(folder) == {"space_to_shape": "yes", "problem_type": "wicked",
                                     "time_for_relationships": "partly"}
    assert not list(folder.glob("*.part")) and not list(folder.glob(".*.part"))

    app = make_app(resume="", store=SessionStore(folder))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ConversationScreen)
        assert app.screen.session.current.id == "budget"
        assert [t.question.id for t in app.screen.query_one(Transcript).turns() if isinstance(t, AnswerTurn)] == [
            "space_to_shape", "problem_type", "time_for_relationships"]


def test_closing_the_terminal_keeps_the_answers_and_ends_the_app():
    folder = Path(os.environ["CODESIGN_DATA_DIR"]) / "sessions"
    process, leader = start_in_terminal("appendix2")
    try:
        wait_for_first_question(leader)
        for key, count in ((b"1", 1), (b"3", 2)):
            os.write(leader, key)
            assert wait_for(lambda c=count: len(saved_answers(folder)) >= c, 20, leader), \
                f"answer {count} was not saved"
        # what a terminal window does as it closes: the line goes away and the program is hung up on
        os.close(leader)
        leader = -1
        process.send_signal(signal.SIGHUP)
        process.wait(timeout=20)  # it ends, rather than hanging on a terminal that is gone
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        if leader != -1:
            os.close(leader)
    assert saved_answers(folder) == {"space_to_shape": "yes", "problem_type": "wicked"}
    assert not list(folder.glob("*.part")) and not list(folder.glob(".*.part"))


def saved_drafts(folder: Path) -> dict:
    files = list(folder.glob("*.session.yaml"))
    try:
        return ((yaml.safe_load(files[0].read_text()) or {}).get("session") or {}).get("drafts") or {} \
            if files else {}
    except (yaml.YAMLError, AttributeError):
        return {}


def test_what_is_typed_survives_sigkill_once_typing_pauses_and_a_closed_window_at_once():
    """From a trial: a reply typed and not sent was lost when the window closed or the process was killed.
    Killed with SIGKILL after a pause in typing, the draft is on disk; typed and the window closed straight
    away, the hang-up saves it."""
    folder = Path(os.environ["CODESIGN_DATA_DIR"]) / "sessions"
    process, leader = start_in_terminal("appendix2")
    try:
        wait_for_first_question(leader)
        os.write(leader, b"not su")  # a draft before any answer: a session is kept for it
        assert wait_for(lambda: saved_drafts(folder) == {"space_to_shape": "not su"}, 30, leader), \
            saved_drafts(folder)
    finally:
        killed(process, leader)
    assert process.returncode == -signal.SIGKILL and saved_answers(folder) == {}

    process, leader = start_in_terminal("--resume")
    try:
        assert until_drawn(leader, b"notsu")  # the draft, back in the reply box
        os.write(leader, b"re, more or less")
        assert until_drawn(leader, b"moreorless")
        os.close(leader)  # the window closes as soon as it is typed
        leader = -1
        process.send_signal(signal.SIGHUP)
        process.wait(timeout=20)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        if leader != -1:
            os.close(leader)
    assert saved_drafts(folder) == {"space_to_shape": "not sure, more or less"}


def test_without_a_terminal_the_app_says_to_use_plain(tmp_path):
    run = subprocess.run([sys.executable, "-m", "codesign_tui", "appendix2"], capture_output=True, text=True,
                         stdin=subprocess.DEVNULL, timeout=60)
    assert run.returncode == 2
    assert "--plain" in run.stderr and "Traceback" not in run.stderr


def resumed_at_the_second_question(name: str) -> tuple[subprocess.Popen, int, bytes]:
    """The app started on a saved appendix2 session whose first question is answered, once the second
    question is on the screen: the process, the terminal's leader end, and what it wrote so far."""
    folder = Path(os.environ["CODESIGN_DATA_DIR"]) / "sessions"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.session.yaml").write_text("flow: appendix2\nanswers:\n  space_to_shape: 'yes'\nsession: {}\n")
    process, leader = start_in_terminal("--resume", name)
    output = screen = b""
    deadline = time.monotonic() + 60
    while b"goodprovensolution" not in screen and time.monotonic() < deadline:
        chunk = drain(leader, 0.2)
        output += chunk
        screen += re.sub(rb"\x1b\[[0-9;?]*[A-Za-z]|[^A-Za-z]", b"", chunk)
    if b"goodprovensolution" not in screen:
        os.killpg(process.pid, signal.SIGKILL)
        os.close(leader)
        raise AssertionError("the second question never showed")
    return process, leader, output


def until_it_ends(process: subprocess.Popen, leader: int, seconds: float) -> bytes:
    """What the app writes until it ends, or `seconds` pass."""
    output = b""
    deadline = time.monotonic() + seconds
    while process.poll() is None and time.monotonic() < deadline:
        output += drain(leader, 0.2)
    return output


def test_two_thousand_keys_in_one_write_to_a_resumed_session_leave_the_app_running():
    """From an attack: 'Enter 1' arriving in one read crashed the app (tmux send-keys, 3 times in 3). Here a
    seeded burst of 2,000 keys is written to the terminal at once, then Ctrl+Q: the app ends as asked, with no
    traceback, and what it saved resumes with every answer one its question takes."""
    import random

    from codesign_tui.flow.loader import load_flow
    from codesign_tui.resources import flows_dir

    folder = Path(os.environ["CODESIGN_DATA_DIR"]) / "sessions"
    # numbers and Enter mostly, with arrows, Tab, Backspace, a space and words: no Ctrl keys
    keys = [*b"1234567891234", *b"\r" * 6, b"\x1b[A", b"\x1b[B", b"\t", b"\x7f", b" ", *b"yes no"]
    burst = b"".join(key if isinstance(key, bytes) else bytes([key])
                     for key in random.Random(32).choices(keys, k=2000))
    process, leader, output = resumed_at_the_second_question("burst")
    try:
        # one write, so that the app reads the keys together, ending with Ctrl+Q. Ctrl+Q is the one key that
        # means the same on every screen the burst can reach (a burst that finishes the flow goes on into the
        # plan and its save dialog, where Ctrl+R, once used here to wait for the burst, means nothing)
        os.write(leader, burst + b"\x11")
        output += until_it_ends(process, leader, 120)
        assert process.poll() is not None, "the app did not end on Ctrl+Q after the burst"
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        os.close(leader)
    assert process.returncode == 0, output[-2000:]
    assert b"Traceback" not in output, output[-6000:].decode(errors="replace")
    flow = load_flow(flows_dir() / "appendix2.yaml")
    answers = saved_answers(folder)
    assert len(answers) > 1, "the burst answered nothing: it did not test what it means to"
    for question_id, value in answers.items():
        question = flow.question(question_id)
        assert question is not None and (value in question.values if question.values else True), \
            (question_id, value)


def test_an_answer_typed_just_before_ctrl_q_is_saved():
    """A number and Ctrl+Q in one read: the number is a message to the conversation, Ctrl+Q runs in the app's
    turn, and the app saved and left before the answer was given (the burst test found it). Now it takes in
    what was typed first."""
    # "A hard problem we struggle to define or solve", then Ctrl+Q
    session = written_then_ended("quick", b"3\x11")
    assert session["answers"] == {"space_to_shape": "yes", "problem_type": "wicked"}


def test_a_saved_draft_holding_osc_sequences_never_reaches_the_terminal():
    """From an attack: a draft saved with OSC 0, 2 and 52 set the terminal's title and wrote its clipboard on
    --resume (and again at every blink of the cursor; the title stayed after the app ended). What the real
    command writes to the terminal, from start to exit, holds none of them; the draft shows as ^[."""
    folder = Path(os.environ["CODESIGN_DATA_DIR"]) / "sessions"
    folder.mkdir(parents=True, exist_ok=True)
    draft = "Alex\x1b]0;PWN0\x1b\\ in\x1b]2;PWN2\x07 the\x1b]52;c;cm0gLXJmIH4=\x1b\\ team"
    (folder / "osc.session.yaml").write_text(yaml.safe_dump({
        "flow": "conflicts-of-interest",
        "answers": {"coi_policy": "joint_policy", "same_policy_all_sectors": "yes",
                    "coi_principles": ["identify", "declare", "record", "manage", "manage_not_exclude"],
                    "interests_known": "none_yet", "review_declarations": "every_meeting",
                    "minutes_record": "yes"},
        "session": {"drafts": {"register_keeper": draft}}}))
    process, leader = start_in_terminal("--resume", "osc")
    output = b""
    try:
        deadline = time.monotonic() + 60
        while b"PWN2^G" not in output and time.monotonic() < deadline:
            output += drain(leader, 0.2)
        assert b"PWN2^G" in output, "the draft was never shown"
        os.write(leader, b"\x11")
        deadline = time.monotonic() + 60
        while process.poll() is None and time.monotonic() < deadline:
            output += drain(leader, 0.2)
        output += drain(leader, 0.2)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        os.close(leader)
    assert process.returncode == 0
    for sequence in (b"\x1b]0;PWN", b"\x1b]2;PWN", b"\x1b]52;"):
        assert sequence not in output


def saved_session(folder: Path, name: str) -> dict:
    return yaml.safe_load((folder / f"{name}.session.yaml").read_text()) or {}


def written_then_ended(name: str, keys: bytes) -> dict:
    """The real command resumed at the second question, sent `keys` in one write (ending with Ctrl+Q): the
    session it saved as it left."""
    folder = Path(os.environ["CODESIGN_DATA_DIR"]) / "sessions"
    process, leader, output = resumed_at_the_second_question(name)
    try:
        os.write(leader, keys)
        output += until_it_ends(process, leader, 60)
        assert process.poll() == 0, output[-2000:]
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        os.close(leader)
    return saved_session(folder, name)


def test_a_paste_holding_esc_is_taken_whole_as_text_and_submits_nothing():
    """From an attack: in a bracketed paste, what followed an ESC arrived as keystrokes (Textual's input
    parser read the ESC as the start of a key), so `Summary of work ESC[31m red` + lines was saved mangled
    and sent by the paste's own Enter. The real command in a terminal, sent that paste the way a terminal
    sends one: nothing is answered, and the reply box holds the whole paste as text, the ESC shown as ^[
    and its lines joined, which Ctrl+Q keeps as the question's draft."""
    # as a terminal sends a paste, then Ctrl+Q, in one write
    session = written_then_ended("pasted", b"\x1b[200~Summary of work\x1b[31m red\r2\r\rTAIL\r\x1b[201~\x11")
    assert session["answers"] == {"space_to_shape": "yes"}
    assert session["session"]["drafts"] == {"problem_type": "Summary of work^[[31m red 2 TAIL"}


def test_escape_then_a_digit_in_one_read_types_no_alt_characters():
    """From a flood: Escape then a digit read together came out of Textual's parser as Alt+digit, which it types
    as the character macOS gives Option+digit, and `¡™£` were kept as the reply's draft. Now they are Escape
    and the digit: the reply holds what was typed and none of those characters, and no digit answers."""
    session = written_then_ended("alt", b"x\x1b1\x1b2\x1b3\x11")
    assert not set(repr(session)) & set("¡™£¢∞§"), session  # no Alt+digit anywhere
    # Escape takes the person to the transcript and back, so where each digit lands depends on whether that
    # move has happened when it is read: typed into the reply box (most often), or, under load, pressed in the
    # transcript, where a number answers nothing. Either way no question is answered by it
    assert session["answers"] == {"space_to_shape": "yes"}, session
    draft = session["session"]["drafts"]["problem_type"]
    assert draft.startswith("x") and set(draft[1:]) <= set("123") and list(draft[1:]) == sorted(draft[1:]), draft
