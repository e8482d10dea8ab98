"""The headless commands and plain mode on a system without `fcntl`, `termios`, `pwd`, `grp`, `resource` or
`os.getuid`, as on Windows: each run is a child process started with tests/data/windows_stand_in on its
PYTHONPATH, whose sitecustomize hides what Windows lacks and puts a `msvcrt` in its place. This proves the
import guards and the lock's Windows branch end to end; tests/unit/test_portable.py checks that branch's calls."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
STAND_IN = ROOT / "tests" / "data" / "windows_stand_in"
ANSWERS = ROOT / "tests" / "data" / "answers" / "appendix2-codesign.yaml"


def environment(**more: str) -> dict[str, str]:
    env = dict(os.environ, PYTHONPATH=str(STAND_IN), **more)
    env.pop("PYTHONIOENCODING", None)
    return env


def stand_in(*args: str, stdin: str | bytes = "", **more: str) -> subprocess.CompletedProcess:
    """`codesign ARGS` as a person runs it (the console script), on the stand-in for Windows."""
    codesign = Path(sys.executable).with_name("codesign")
    return subprocess.run([str(codesign), *args], capture_output=True, input=stdin if isinstance(stdin, bytes)
                          else stdin.encode("utf-8"), env=environment(**more), timeout=120)


def sessions() -> list[Path]:
    return sorted((Path(os.environ["CODESIGN_DATA_DIR"]) / "sessions").glob("*.session.yaml"))


def test_the_stand_in_hides_what_windows_lacks():
    probe = ("import os, importlib\n"
             "for name in ('fcntl', 'termios', 'pwd', 'grp', 'resource'):\n"
             "    try:\n        importlib.import_module(name)\n    except ImportError:\n        print('no', name)\n"
             "print('getuid' if hasattr(os, 'getuid') else 'no getuid')\n"
             "import msvcrt; print('msvcrt', msvcrt.LK_NBLCK)\n")
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=environment(),
                         timeout=60)
    assert run.stdout.split("\n") == ["no fcntl", "no termios", "no pwd", "no grp", "no resource", "no getuid",
                                      "msvcrt 2", ""], run.stderr


def test_plain_mode_saves_resumes_and_finishes_a_plan(tmp_path):
    run = stand_in("--plain", "appendix2", stdin="Youth service\nAsha\nyes\nwicked\nquit\n")
    assert run.returncode == 0, run.stderr.decode()
    assert b"Traceback" not in run.stderr
    [saved] = sessions()
    assert yaml.safe_load(saved.read_text())["answers"] == {"space_to_shape": "yes", "problem_type": "wicked"}
    run = stand_in("--plain", "--resume", stdin="yes\nyes\nyes\nyes\nyes\nyes\n\n")
    assert run.returncode == 0, run.stderr.decode()
    assert b"Recommendation: Co-produce." in run.stdout
    [plan] = tmp_path.glob("appendix2-youth-service-*.md")
    assert "# Youth service" in plan.read_text(encoding="utf-8")
    listed = stand_in("sessions")
    assert listed.returncode == 0 and b"finished" in listed.stdout, listed.stderr.decode()


def test_render_validate_and_paths_run(tmp_path):
    run = stand_in("render", "appendix2", "--answers", str(ANSWERS), "--format", "json")
    assert run.returncode == 0, run.stderr.decode()
    here = subprocess.run([sys.executable, "-m", "codesign_tui", "render", "appendix2", "--answers", str(ANSWERS),
                           "--format", "json"], capture_output=True, timeout=120)
    assert json.loads(run.stdout) == json.loads(here.stdout)  # the same plan as on this system
    for args in (["validate"], ["paths", "appendix2"], ["render", "appendix2", "--answers", str(ANSWERS),
                                                       "--format", "docx", "-o", str(tmp_path / "plan.docx")]):
        run = stand_in(*args)
        assert run.returncode == 0, (args, run.stderr.decode())
    assert (tmp_path / "plan.docx").stat().st_size > 0


def test_two_processes_cannot_hold_one_session_and_a_killed_one_lets_go():
    stand_in("--plain", "appendix2", stdin="\n\nyes\nquit\n")
    [saved] = sessions()
    name = saved.name.removesuffix(".session.yaml")
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys; from codesign_tui.sessions import SessionStore; SessionStore().lock(sys.argv[1]);"
        " print('held', flush=True); sys.stdin.read()"), name], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        text=True, env=environment())
    try:
        assert holder.stdout.readline().strip() == "held"
        before = saved.read_bytes()
        run = stand_in("--plain", "--resume", name, stdin="wicked\nquit\n")
        assert b"open in another window" in run.stdout, run.stdout.decode() + run.stderr.decode()
        assert saved.read_bytes() == before
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=30)
        run = stand_in("--plain", "--resume", name, stdin="wicked\nquit\n")
        assert b"open in another window" not in run.stdout, run.stdout.decode()
        assert yaml.safe_load(saved.read_text())["answers"]["problem_type"] == "wicked"
    finally:
        if holder.poll() is None:
            holder.kill()


@pytest.mark.parametrize("encoding", ["cp1252", "cp850", "ascii"])
def test_a_terminal_that_is_not_utf8_never_ends_in_a_traceback(encoding):
    typed = "Caf\u00e9 \u201cplan\u201d \u2014 \u2713\n\nyes\nquit\n".encode(encoding, "replace")
    run = stand_in("--plain", "appendix2", stdin=typed, PYTHONIOENCODING=encoding)
    assert run.returncode == 0, run.stderr.decode(encoding, "replace")
    assert b"Traceback" not in run.stderr
    assert b"1 of 8 questions answered" in run.stdout
    [saved] = sessions()
    assert yaml.safe_load(saved.read_text(encoding="utf-8"))["project"].startswith("Caf")


def test_an_answers_file_with_windows_line_endings_and_a_byte_order_mark_reads_the_same(tmp_path):
    text = ANSWERS.read_text(encoding="utf-8").replace("project:", "project: Caf\u00e9 \u2014", 1)
    plain, windows = tmp_path / "plain.yaml", tmp_path / "windows.yaml"
    plain.write_bytes(text.encode("utf-8"))
    windows.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    runs = [stand_in("render", "appendix2", "--answers", str(path), "--format", "json") for path in (plain, windows)]
    assert all(run.returncode == 0 for run in runs), [run.stderr.decode() for run in runs]
    first, second = (json.loads(run.stdout) for run in runs)
    first.pop("source", None), second.pop("source", None)
    assert first["project"] == second["project"] and first["project"].startswith("Caf\u00e9")
    assert first["answers"] == second["answers"] and first["recommendation"] == second["recommendation"]
