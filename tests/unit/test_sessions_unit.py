"""One home for a person's answers: the session file (one format, one reader, one writer), answers checked.

The tests of it that need no app and no process; tests/process/test_sessions.py holds the rest."""

from __future__ import annotations

import os
from pathlib import Path
import pytest
import yaml

from codesign_tui.flow.conversation import Conversation
from codesign_tui.plain import EXIT_NOT_SAVED
from codesign_tui.sessions import SessionOpen, SessionStore
from test_sessions import MIDWAY, full_disk, read, sessions_folder, talk, write_session  # noqa: F401  (helpers and fixtures)


def test_what_is_written_is_read_back_the_same(appendix2):
    store = SessionStore()
    session = store.new(appendix2, project="Café: “quotes” & 'apostrophes'", prepared_by="Jo",
                        answers={"space_to_shape": "no", "problem_type": "existing_solution"},
                        drafts={"budget": "half a thought"})
    store.save(session)
    again, brought_back = store.open(appendix2, session.name)
    assert (again.answers, again.project, again.prepared_by, again.drafts, brought_back) == (
        session.answers, session.project, "Jo", {"budget": "half a thought"}, ())


def test_an_answer_that_does_not_fit_is_set_aside_on_resume_and_kept_in_the_file(appendix2):
    path = write_session("a", MIDWAY)
    session, _ = SessionStore().open(appendix2, "a")
    assert "problem_type" not in session.answers
    assert session.current.id == "problem_type"  # asked again
    assert "banana" in repr(session.unfit["problem_type"].answer)
    assert Conversation(session, SessionStore()).save()
    data = read(path)
    assert data["set_aside"]["problem_type"]["answer"] == "banana"
    assert "not one of the answers" in data["set_aside"]["problem_type"]["reason"]
    assert "answered" not in data["session"] and "complete" not in data["session"]


def test_answering_the_question_again_settles_what_was_set_aside(appendix2):
    path = write_session("a", MIDWAY)
    session, _ = SessionStore().open(appendix2, "a")
    Conversation(session, SessionStore()).answer("wicked")
    data = read(path)
    assert data["answers"]["problem_type"] == "wicked" and "set_aside" not in data


def test_a_set_aside_answer_that_fits_again_is_brought_back(appendix2):
    write_session("a", """\
flow: appendix2
answers:
  space_to_shape: 'yes'
set_aside:
  problem_type:
    answer: wicked
    reason: it did not fit an earlier version of the flow
session: {}
""")
    session, brought_back = SessionStore().open(appendix2, "a")
    assert brought_back == ("problem_type",)
    assert session.answers["problem_type"] == "wicked" and not session.unfit


def test_plain_numbers_questions_by_their_place_in_the_flow(conflicts):
    # no interests yet: the register is skipped, and the next question keeps its number in the flow
    code, out = talk(conflicts, ["1", "1", "1, 2, 3, 4, 5", "2", "quit"])
    number = conflicts.order["review_declarations"] + 1
    assert f"Question {number} (" in out
    # the count is the engine's: answered so far, out of the most this path can now hold
    assert "(4 of 8 answered)" in out  # version 2.1 asks last which rules apply


def test_plain_mode_on_a_full_disk_never_says_saved_and_prints_the_answers(appendix2, full_disk):
    code, out = talk(appendix2, ["yes", "wicked", "quit"])
    assert code == EXIT_NOT_SAVED != 0
    assert "Your answers are saved" not in out
    assert "could NOT be saved" in out and "the disk is full" in out
    printed = yaml.safe_load(out[out.index("flow: appendix2"):])
    assert printed["answers"] == {"space_to_shape": "yes", "problem_type": "wicked"}


def test_plain_mode_warns_once_when_a_save_fails(appendix2, full_disk):
    code, out = talk(appendix2, ["yes", "wicked", "quit"])
    assert out.count("Warning: your answers could not be saved") == 1


def test_a_second_store_cannot_take_a_held_session_and_can_once_it_is_let_go():
    write_session("a", MIDWAY)
    first, second = SessionStore(), SessionStore()
    first.lock("a")
    with pytest.raises(SessionOpen):
        second.lock("a")
    first.unlock("a")
    second.lock("a")
    second.unlock("a")


def test_the_data_folder_and_session_files_are_private(appendix2):
    code, _ = talk(appendix2, ["yes", "quit"])
    data = Path(os.environ["CODESIGN_DATA_DIR"])
    assert data.stat().st_mode & 0o777 == 0o700
    assert sessions_folder().stat().st_mode & 0o777 == 0o700
    [path] = sessions_folder().glob("*.session.yaml")
    assert path.stat().st_mode & 0o777 == 0o600


def test_plain_mode_and_the_app_propose_the_same_file_name(appendix2):
    replies = ["no", "existing", "yes", "yes", "yes", "yes", "no", "no", ""]
    store = SessionStore()
    session = store.new(appendix2, project="Young people’s offer")
    code, out = talk(session, replies, store)
    assert code == 0, out
    expected = Conversation(session).plan_file_name("md")
    assert expected.startswith("appendix2-young-peoples-offer-") and (Path.cwd() / expected).exists()


@pytest.mark.parametrize("project, part", [
    ("Redesign of a community mental-health drop-in for young people", "redesign-of-a-community-mental-health"),
    ("x" * 60, "x" * 40),  # one long word is cut at 40
])
def test_a_long_project_name_is_cut_at_a_whole_word_in_the_file_name(appendix2, project, part):
    session = SessionStore().new(appendix2, project=project)
    name = Conversation(session).plan_file_name("docx")
    assert name.startswith(f"appendix2-{part}-2") and name.endswith(".docx")


def test_a_data_folder_others_can_open_is_tightened_before_a_session_goes_in_it(appendix2):
    """From an attack: a data folder of mode 0777 was used as it was, without a word: anyone on the machine
    could read the sessions, or move the sessions folder aside and plant their own."""
    data = Path(os.environ["CODESIGN_DATA_DIR"])
    data.mkdir(parents=True, exist_ok=True)
    data.chmod(0o777)
    (data / "sessions").mkdir(exist_ok=True)
    (data / "sessions").chmod(0o755)
    code, _ = talk(appendix2, ["yes", "quit"])
    assert data.stat().st_mode & 0o777 == 0o700
    assert sessions_folder().stat().st_mode & 0o777 == 0o700
    assert list(sessions_folder().glob("*.session.yaml"))


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="handing a folder to another user needs root")
def test_a_sessions_folder_of_another_user_is_refused_with_the_reason(tmp_path):
    from codesign_tui.files import ExportError
    from codesign_tui.flow.engine import Session
    from codesign_tui.flow.loader import load_flow
    from codesign_tui.resources import flows_dir

    folder = tmp_path / "sessions"
    folder.mkdir(mode=0o777)
    folder.chmod(0o777)
    os.chown(folder, 65534, 65534)
    store = SessionStore(folder)
    session = Session(load_flow(flows_dir() / "appendix2.yaml"), name="theirs")
    with pytest.raises(ExportError, match="sessions folder .* is not yours alone"):
        store.save(session)
    assert not list(folder.iterdir())
