"""A session answered under an older version of its flow resumes in the app, plain mode and the room with its.

The tests of it that drive the full-screen app; tests/process/test_versions_front_ends.py holds the rest."""

from __future__ import annotations

import yaml

from codesign_tui.tui.app import make_app
from codesign_tui.tui.screens.conversation import ConversationScreen
from test_versions import trial_session
from test_versions_front_ends import CARRIED, MOVED, NAME, data_sessions, notes_of  # noqa: F401  (helpers and fixtures)


async def test_the_app_resumes_a_session_of_an_older_version_and_says_what_changed():
    path = trial_session(data_sessions())
    app = make_app(resume=NAME)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ConversationScreen)
        said = notes_of(app)
        assert CARRIED in said and MOVED in said and "trial-plan.md (under version 1.0) is out of date" in said
        assert app.screen.session.answers["money"] == "yes"
        assert app.screen.session.current.id == "notes"  # dropped, so asked again
    saved = yaml.safe_load(path.read_text())
    assert saved["flow_version"] == "2.0" and saved["answers"]["time"] == "short"
    assert saved["set_aside"]["notes"]["answer"] == "Keep the library open late"
