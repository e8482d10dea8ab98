"""Hostile input, third round, outside the room: session and answers files whose aliases expand far past
their size are refused at a place before anything is built, and what plain mode saves is always what it
can read back (one limit for the writer and the reader). Each command runs as a child process under a
memory limit and a time guard, as in test_hostile.py.
"""

from __future__ import annotations

import os
from pathlib import Path

import yaml

from test_hostile import GOOD_ANSWERS, ROOT, codesign, refused

import subprocess
import sys

from test_hostile import TIMEOUT, _limit_memory


def alias_bomb(path: Path, repeats: int = 2000, size: int = 200_000) -> Path:
    """An answers file of a few hundred kilobytes that names one long text `repeats` times."""
    text = GOOD_ANSWERS.read_text(encoding="utf-8")
    text += "session:\n  id: bomb\n  drafts:\n    anchor: &big \"" + "a" * size + "\"\n    many: ["
    text += ", ".join(["*big"] * repeats) + "]\n"
    path.write_text(text, encoding="utf-8")
    return path


def test_an_answers_file_whose_aliases_expand_past_the_limit_is_refused_at_the_anchor(tmp_path: Path):
    path = alias_bomb(tmp_path / "bomb.yaml")
    assert path.stat().st_size < 250_000
    line = next(number for number, text in enumerate(path.read_text().splitlines(), 1) if "&big" in text)
    out = refused(codesign("render", "appendix2", "--answers", str(path)),
                  f"bomb.yaml:{line}:13: error: aliases repeat what is anchored here so often that the file"
                  " would hold 400,200,273 characters")
    assert "template" not in out


def test_a_saved_session_whose_aliases_expand_is_set_aside_with_its_place(tmp_path: Path):
    sessions = tmp_path / "data" / "sessions"
    sessions.mkdir(parents=True)
    alias_bomb(sessions / "20260101-000000-abcdef.session.yaml")
    run = subprocess.run([sys.executable, "-m", "codesign_tui", "sessions"], cwd=ROOT, capture_output=True,
                         text=True, timeout=TIMEOUT, stdin=subprocess.DEVNULL, preexec_fn=_limit_memory,
                         env={**os.environ, "CODESIGN_DATA_DIR": str(tmp_path / "data")})
    out = run.stdout + run.stderr
    assert "Traceback" not in out and "aliases repeat what is anchored here" in out, out[-2000:]
    assert not list(sessions.glob("*.session.yaml"))  # moved aside, and nothing huge written anywhere
    assert all(p.stat().st_size < 300_000 for p in sessions.iterdir())


def test_plain_mode_refuses_a_reply_it_could_not_read_back(tmp_path: Path):
    """A 17 MB reply is more than a session file may hold: plain mode says so and asks again, and the
    session it saves is one that resumes."""
    data = tmp_path / "data"
    reply = tmp_path / "reply.txt"
    reply.write_text("Big project\n" + "z" * 17_000_000 + "\nAnn\nquit\n", encoding="utf-8")
    with reply.open("rb") as stdin:
        run = subprocess.run([sys.executable, "-m", "codesign_tui", "--plain", "appendix2"], cwd=ROOT,
                             capture_output=True, timeout=TIMEOUT, stdin=stdin, preexec_fn=_limit_memory,
                             env={**os.environ, "CODESIGN_DATA_DIR": str(data), "COLUMNS": "100"})
    out = (run.stdout + run.stderr).decode("utf-8", "replace")
    assert "Traceback" not in out and len(out) < 100_000, out[-2000:]
    assert "That reply is 17,000,000 characters long; keep it to 1,000,000 or fewer" in out
    [saved] = (data / "sessions").glob("*.session.yaml")
    assert yaml.safe_load(saved.read_text())["prepared_by"] == "Ann"
    resumed = subprocess.run([sys.executable, "-m", "codesign_tui", "--plain", "--resume"], cwd=ROOT,
                             capture_output=True, text=True, timeout=TIMEOUT, input="quit\n",
                             preexec_fn=_limit_memory, env={**os.environ, "CODESIGN_DATA_DIR": str(data)})
    assert "Traceback" not in resumed.stdout + resumed.stderr and "damaged" not in resumed.stdout + resumed.stderr
    assert list((data / "sessions").glob("*.session.yaml")) == [saved]


def test_a_session_larger_than_the_reader_takes_is_never_written(appendix2, tmp_path: Path):
    from codesign_tui.files import ExportError
    from codesign_tui.flow.document import MAX_BYTES
    from codesign_tui.sessions import SessionStore

    store = SessionStore(tmp_path)
    session = store.new(appendix2, prepared_by="z" * (MAX_BYTES + 1))
    try:
        store.save(session)
    except ExportError as error:
        assert "more than the 16,777,216 a saved session may hold" in str(error)
    else:
        raise AssertionError("a session the reader would refuse was written")
    assert not list(tmp_path.glob("*.session.yaml"))
