"""Nothing from a file or a person reaches a terminal raw: control characters and bidi overrides are shown.

The tests of it that drive the full-screen app; tests/unit/test_visible.py holds the rest."""

from __future__ import annotations

from pathlib import Path

from codesign_tui.flow.loader import load_flow
from codesign_tui.tui.app import make_app
from codesign_tui.tui.widgets.turns import AnswerTurn, QuestionTurn, Transcript
from test_visible import FLOW, RAW  # noqa: F401  (helpers and fixtures)


async def test_the_app_shows_escape_sequences_from_a_flow_and_a_reply_visibly(tmp_path: Path):
    path = tmp_path / "escapes.yaml"
    path.write_text(FLOW, encoding="utf-8")
    flow = load_flow(path)
    assert "\x1b" in flow.questions[0].prompt  # the flow really holds the sequence
    app = make_app(flow=flow)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        prompt = str(app.screen.query(QuestionTurn).first().query_one(".prompt").render())
        assert "^[[2J\\u009b" in prompt and not any(char in prompt for char in RAW)
        composer = app.screen.query_one("#composer")
        composer.value = "hello \x1b]0;pwned\x07 \u202eevil"
        await pilot.press("enter")
        await pilot.pause()
        answers = [str(t.render()) for t in app.screen.query_one(Transcript).turns() if isinstance(t, AnswerTurn)]
        assert answers and "^[]0;pwned^G" in answers[0] and "\\u202eevil" in answers[0], answers
        assert not any(char in answers[0] for char in RAW)
