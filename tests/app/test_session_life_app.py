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
