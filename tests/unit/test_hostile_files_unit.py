"""Hostile input, third round, outside the room: session and answers files whose aliases expand far past.

The tests of it that need no app and no process; tests/process/test_hostile_files.py holds the rest."""

from __future__ import annotations

from pathlib import Path
import pytest
import yaml

from test_hostile_files import _to_the_save_question  # noqa: F401  (helpers and fixtures)


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


@pytest.mark.parametrize("reply", ["quit", "no", "q", "No", None])
def test_quit_no_q_or_the_end_of_input_at_the_save_question_saves_no_file(appendix2, tmp_path: Path, reply):
    (tmp_path / "plans").mkdir()
    out, files = _to_the_save_question(appendix2, tmp_path, reply)
    assert files == [], files
    assert "The plan was not saved; your answers are. Save it later with: codesign --plain --resume" in out
    [saved] = (tmp_path / "sessions").glob("*.session.yaml")
    assert len(yaml.safe_load(saved.read_text())["answers"]) == 8


def test_enter_at_the_save_question_still_saves(appendix2, tmp_path: Path):
    (tmp_path / "plans").mkdir()
    out, files = _to_the_save_question(appendix2, tmp_path, "")
    assert len(files) == 1 and files[0].suffix == ".md"
