"""A session's life in one place (sessions.Sessions), as the app, plain mode and the room ask for it: started
and held, resumed by name or the person's latest (never a worked example's), found open elsewhere (a copy or a
look, never a write), set aside when damaged, ended (no file when nothing was given), handed in, listed; and
the store the conversation is handed: deferred writes and its own error. No app, no process."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from codesign_tui.flow.answers import AnswersFile, fit_answers
from codesign_tui.flow.conversation import Conversation
from codesign_tui.flow.store import StoreError
from codesign_tui.sessions import CannotResume, NotSaved, SessionOpen, Sessions, SessionStore


def folder() -> Path:
    return SessionStore().folder


def files() -> list[str]:
    return sorted(p.name for p in folder().glob("*.session.yaml")) if folder().is_dir() else []


def saved(sessions: Sessions, flow, **about) -> str:
    """A session saved as a front end leaves it, with `about` (answers, example, ...) in it."""
    session = sessions.start(flow, **about)
    sessions.end(Conversation(session, sessions.store))
    return session.name


def test_a_new_session_is_held_at_once_and_written_only_when_something_is_given(appendix2):
    sessions = Sessions()
    session = sessions.start(appendix2)
    with pytest.raises(SessionOpen):
        SessionStore().lock(session.name)  # another window cannot take it
    assert files() == []  # nothing written yet
    assert sessions.end(Conversation(session, sessions.store)) is False
    assert files() == []  # given nothing, it leaves no file behind
    SessionStore().lock(session.name)  # and it was let go


@pytest.mark.parametrize("given", [{"answers": {"space_to_shape": "yes"}}, {"project": "Library review"},
                                   {"drafts": {"space_to_shape": "half a thought"}}])
def test_a_session_given_anything_is_kept_when_it_ends(appendix2, given):
    sessions = Sessions()
    session = sessions.start(appendix2, **given)
    assert sessions.end(Conversation(session, sessions.store)) is True
    assert files() == [f"{session.name}.session.yaml"]
    SessionStore().lock(session.name)  # let go


def test_a_resumed_session_is_saved_when_it_ends_even_if_nothing_new_was_given(appendix2):
    sessions = Sessions()
    name = saved(sessions, appendix2, answers={"space_to_shape": "yes"})
    path = folder() / f"{name}.session.yaml"
    resumed = sessions.resume(name, lambda given: appendix2)
    assert not resumed.elsewhere and resumed.session.answers == {"space_to_shape": "yes"}
    path.write_text(path.read_text().replace("updated:", "updated_by_hand: x\n  updated:"))
    assert sessions.end(Conversation(resumed.session, sessions.store)) is True
    assert "updated_by_hand" not in path.read_text()  # written again, as the session is now


def test_resume_without_a_name_takes_the_persons_latest_never_a_worked_examples(appendix2):
    sessions = Sessions()
    own = saved(sessions, appendix2, answers={"space_to_shape": "yes"})
    theirs = saved(sessions, appendix2, answers={"space_to_shape": "no"}, example="point-oldham")
    for name in (own, theirs):  # the example's was worked on last
        path = folder() / f"{name}.session.yaml"
        data = yaml.safe_load(path.read_text())
        data["session"]["updated"] = "2026-12-02T12:00:00+00:00" if name == theirs else "2026-12-01T12:00:00+00:00"
        path.write_text(yaml.safe_dump(data))
    assert sessions.find("")[0] == own
    assert sessions.resume("", lambda given: appendix2).session.name == own
    assert sessions.find(theirs)[0] == theirs  # by name, it can still be opened


def test_resume_says_why_it_cannot(appendix2):
    sessions = Sessions()
    with pytest.raises(CannotResume, match="there is no saved session to resume"):
        sessions.find("")
    with pytest.raises(CannotResume, match="there is no saved session 'nope'"):
        sessions.find("nope")
    name = saved(sessions, appendix2, answers={"space_to_shape": "yes"})
    with pytest.raises(CannotResume, match="the flow 'appendix2' is not available") as problem:
        sessions.resume(name, lambda given: None)
    assert problem.value.damaged is None


def test_a_damaged_session_is_set_aside_and_said_where(appendix2):
    folder().mkdir(parents=True)
    (folder() / "bad.session.yaml").write_text("flow: appendix2\nanswers: [unclosed\n")
    with pytest.raises(CannotResume) as problem:
        Sessions().resume("bad", lambda given: appendix2)
    damaged = problem.value.damaged
    assert damaged is not None and damaged.kept_as.endswith("bad.session.yaml.damaged")
    assert Path(damaged.kept_as).is_file() and not (folder() / "bad.session.yaml").exists()
    assert "bad.session.yaml is damaged" in str(problem.value) and damaged.kept_as in str(problem.value)


def test_a_session_open_elsewhere_is_never_written_and_is_carried_on_in_a_copy(appendix2):
    sessions = Sessions()
    name = saved(sessions, appendix2, answers={"space_to_shape": "yes"})
    path = folder() / f"{name}.session.yaml"
    other = SessionStore()
    other.lock(name)  # another window holds it
    try:
        before = path.read_bytes()
        resumed = Sessions().resume(name, lambda given: appendix2)
        assert resumed.elsewhere and resumed.session.answers == {"space_to_shape": "yes"}
        copy = Sessions().copy(resumed)
        assert copy.name != name and copy.answers == {"space_to_shape": "yes"}
        with pytest.raises(SessionOpen):
            SessionStore().lock(copy.name)  # the copy is held by this window
        assert path.read_bytes() == before
    finally:
        other.unlock(name)


def test_a_finished_session_is_handed_in_with_its_flow_and_an_unfinished_one_is_not(appendix2, tmp_path):
    sessions = Sessions()
    example = appendix2.examples[0]
    finished = sessions.start(appendix2, answers=fit_answers(appendix2, AnswersFile(appendix2.id,
                                                                                    example.answers)).answers)
    assert finished.is_complete
    path = sessions.hand_in(finished, tmp_path)
    assert path == tmp_path / f"appendix2-{finished.name}.yaml" and path.stat().st_mode & 0o777 == 0o600
    assert yaml.safe_load(path.read_text())["answers"] == finished.answers
    assert len(list((tmp_path / ".flows").glob("appendix2-*.json"))) == 1
    assert sessions.hand_in(sessions.start(appendix2), tmp_path / "other") is None


def test_the_list_asks_for_each_flow_once_and_describes_each_session(appendix2):
    sessions = Sessions()
    for answer in ("yes", "no", "partly"):
        saved(sessions, appendix2, answers={"space_to_shape": answer})
    asked: list[str] = []
    listed, damaged = sessions.listed(lambda given: asked.append(given.flow) or appendix2)
    assert asked == ["appendix2"] and damaged == []
    assert [item.answered for item in listed] == [1, 1, 1] and all(item.usable for item in listed)


# -- the store the conversation is handed -------------------------------------------------------------------

def test_deferred_saves_are_held_and_written_once_at_the_flush(appendix2):
    store = SessionStore()
    store.defer()
    session = store.new(appendix2)
    conversation = Conversation(session, store)
    conversation.answer("yes")
    assert files() == [] and store.held() == [store.path(session.name)]
    assert store.flush() == []
    assert yaml.safe_load(store.path(session.name).read_text())["answers"] == {"space_to_shape": "yes"}
    assert store.held() == []


def test_a_deferred_write_that_fails_is_given_back_with_the_stores_own_error(appendix2, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the sessions folder should be")
    store = SessionStore(blocker / "sessions")
    store.defer()
    session = store.new(appendix2)
    Conversation(session, store).answer("yes")
    [(path, error)] = store.flush()
    assert path == store.path(session.name) and isinstance(error, StoreError) and isinstance(error, NotSaved)


def test_the_conversation_knows_a_failed_save_by_the_stores_error_alone(appendix2):
    class Refusing:
        """A store of another kind: it says why in the store's own error."""

        def save(self, session):
            raise StoreError("the shelf is full")

        def text(self, session):
            return "as it would be written"

        def defer(self) -> None:
            pass

        def flush(self):
            return []

    conversation = Conversation(SessionStore().new(appendix2), Refusing())
    conversation.answer("yes")
    assert conversation.save_error == "the shelf is full"
    assert "could NOT be saved (the shelf is full)" in conversation.farewell("codesign --resume x")
