"""More than one voice: each difference and what it changes, checked against the engine on pairs of answer.

The tests of it that drive the full-screen app; tests/unit/test_voices.py holds the rest."""

from __future__ import annotations

from codesign_tui.flow.loader import load_flow
from codesign_tui.resources import flows_dir


async def test_the_app_started_as_a_partner_saves_the_voice():
    from codesign_tui.sessions import SessionStore
    from codesign_tui.tui.app import make_app

    store = SessionStore()
    app = make_app(flow=load_flow(flows_dir() / "appendix2.yaml"), store=store, voice="People with lived experience")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("1")
        await pilot.pause()
        session = app.screen.session
        assert session.voice == "People with lived experience"
        assert app.screen.conversation.plan_meta().voice == "People with lived experience"
    import yaml

    assert yaml.safe_load(store.path(session.name).read_text())["voice"] == "People with lived experience"
