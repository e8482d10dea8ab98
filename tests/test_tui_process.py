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
    process = subprocess.Popen([sys.executable, "-m", "codesign_tui", *args], stdin=follower,
                               stdout=follower, stderr=follower, env=env, start_new_session=True)
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


async def test_answers_survive_sigkill_and_resume_restores_the_place():
    folder = Path(os.environ["CODESIGN_DATA_DIR"]) / "sessions"
    process, leader = start_in_terminal("appendix2")
    try:
        wait_for_first_question(leader)
        for key, count in ((b"1", 1), (b"3", 2), (b"2", 3)):
            os.write(leader, key)
            assert wait_for(lambda c=count: len(saved_answers(folder)) >= c, 20, leader), \
                f"answer {count} was not saved"
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        os.close(leader)
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


def test_without_a_terminal_the_app_says_to_use_plain(tmp_path):
    run = subprocess.run([sys.executable, "-m", "codesign_tui", "appendix2"], capture_output=True, text=True,
                         stdin=subprocess.DEVNULL, timeout=60)
    assert run.returncode == 2
    assert "--plain" in run.stderr and "Traceback" not in run.stderr
