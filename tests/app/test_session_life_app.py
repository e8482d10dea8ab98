"""The session's life as the app asks for it (sessions.Sessions): a plan started and left before anything was
given leaves no session behind, as in plain mode; one with an answer is kept and says how to carry on; a
damaged session asked for by name is set aside and said so."""

from __future__ import annotations

from pathlib import Path

from codesign_tui.tui.app import make_app
from codesign_tui.tui.screens.conversation import ConversationScreen
from codesign_tui.tui.screens.home import HomeScreen


def session_files() -> list[Path]:
    folder = Path.cwd() / "codesign-data" / "sessions"
    return sorted(folder.glob("*.session.yaml")) if folder.is_dir() else []


async def until(pilot, condition, tries: int = 200) -> None:
    for _ in range(tries):
        if condition():
            return
        await pilot.pause()


async def test_a_plan_left_before_anything_was_given_leaves_no_session(appendix2):
    app = make_app(flow=appendix2)
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, ConversationScreen))
        assert isinstance(app.screen, ConversationScreen)
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert session_files() == [] and not app.farewell


async def test_a_plan_left_after_an_answer_is_kept_and_says_how_to_carry_on(appendix2):
    app = make_app(flow=appendix2)
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, ConversationScreen))
        screen = app.screen
        assert isinstance(screen, ConversationScreen)
        await pilot.press("1", "enter")
        await until(pilot, lambda: bool(screen.session.answers))
        name = screen.session.name
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert [path.name for path in session_files()] == [f"{name}.session.yaml"]
    assert f"codesign --resume {name}" in app.farewell


async def test_a_damaged_session_asked_for_is_set_aside_and_said_so():
    folder = Path.cwd() / "codesign-data" / "sessions"
    folder.mkdir(parents=True)
    (folder / "bad.session.yaml").write_text("flow: [unclosed\n")
    app = make_app(resume="bad")
    said: list[str] = []
    app.notify = lambda message, **options: said.append(message)  # type: ignore[method-assign]
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, HomeScreen))
        assert isinstance(app.screen, HomeScreen)
    assert (folder / "bad.session.yaml.damaged").is_file() and not (folder / "bad.session.yaml").exists()
    assert any("bad.session.yaml is damaged" in message and "bad.session.yaml.damaged" in message
               for message in said), said


def saved_drafts() -> dict:
    import yaml

    found = {}
    for path in session_files():
        found.update((yaml.safe_load(path.read_text()).get("session") or {}).get("drafts") or {})
    return found


async def test_what_is_typed_and_not_sent_is_saved_once_typing_pauses(appendix2, monkeypatch):
    """From a trial: a reply typed and not sent was lost when the terminal closed or the process was killed,
    as drafts were written only on leaving. Once typing pauses, the draft is on disk, before any answer."""
    from codesign_tui.tui import app as app_module

    monkeypatch.setattr(app_module, "DRAFT_PAUSE", 0.05)
    app = make_app(flow=appendix2)
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, ConversationScreen))
        await pilot.press(*"not su")
        await until(pilot, lambda: saved_drafts() != {}, tries=2_000)
        assert saved_drafts() == {"space_to_shape": "not su"}
        assert app.screen.session.answers == {}  # nothing was sent
        await pilot.press("backspace", *"ure")  # "not s", then "not sure"
        await until(pilot, lambda: saved_drafts() == {"space_to_shape": "not sure"}, tries=2_000)
        assert saved_drafts() == {"space_to_shape": "not sure"}


async def test_a_hang_up_keeps_what_is_typed_at_once_and_ends_the_app(appendix2, monkeypatch):
    """The terminal's window closed (SIGHUP) or the system shutting down (SIGTERM): the draft is saved at once,
    without waiting for a pause in typing, and the app ends."""
    import os
    import signal

    from codesign_tui.tui import app as app_module

    monkeypatch.setattr(app_module, "DRAFT_PAUSE", 3_600)  # only the hang-up can have saved it
    for hang_up in (signal.SIGHUP, signal.SIGTERM):
        for path in session_files():
            path.unlink()
        app = make_app(flow=appendix2)
        async with app.run_test(size=(100, 30)) as pilot:
            await until(pilot, lambda: isinstance(app.screen, ConversationScreen))
            await pilot.press("1")
            await until(pilot, lambda: bool(app.screen.session.answers))
            await pilot.press(*"Wicked, I think")
            assert saved_drafts() == {}
            os.kill(os.getpid(), hang_up)
            await until(pilot, lambda: not app.is_running, tries=2_000)
            assert not app.is_running
        assert saved_drafts() == {"problem_type": "Wicked, I think"}, hang_up
    # the app gave the signals back as it ended: this process's own handling is as it was
    assert signal.getsignal(signal.SIGHUP) in (signal.SIG_DFL, signal.SIG_IGN)
