"""A session answered under an older version of its flow resumes in the app, plain mode and the room with its
answers carried forward, and each says what was carried and when the recommendation moved."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from aiohttp import ClientSession, CookieJar
from aiohttp.test_utils import TestServer

from codesign_tui.flow.loader import load_flow
from codesign_tui.resources import flows_dir
from codesign_tui.room.app import make_app as make_room_app
from codesign_tui.room.seats import INDEX, Room, digest
from codesign_tui.tui.app import make_app
from codesign_tui.tui.screens.conversation import ConversationScreen
from codesign_tui.tui.widgets.turns import NoteTurn, Transcript
from test_versions import EXPECTED, OLD_SESSIONS, TRIAL, trial_session

NAME = "20261201-120000-aaaaaa"
CARRIED = "is carried over to version 2.0 of the flow as short (it was months)"
MOVED = "Under the flow's version 2.0 your recommendation is now Low (it was High)"


def data_sessions() -> Path:
    return Path(os.environ["CODESIGN_DATA_DIR"]) / "sessions"


def notes_of(app) -> str:
    return " ".join(str(t.render()) for t in app.screen.query_one(Transcript).turns() if isinstance(t, NoteTurn))


def test_plain_mode_resumes_a_session_of_an_older_version_and_says_what_changed(tmp_path):
    path = trial_session(data_sessions())
    run = subprocess.run([sys.executable, "-m", "codesign_tui", "--plain", "--resume", NAME], input="quit\n",
                         capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert CARRIED in run.stdout and MOVED in run.stdout
    assert run.stdout.index(CARRIED) < run.stdout.index("Question 4")  # said before carrying on
    saved = yaml.safe_load(path.read_text())
    assert saved["flow_version"] == "2.0" and saved["last_recommendation"] == "low"


async def room_page(room: Room, token: str, path: str = "/question") -> str:
    server = TestServer(make_room_app(room))
    await server.start_server()
    try:
        async with ClientSession(cookie_jar=CookieJar(unsafe=True)) as http:
            http.cookie_jar.update_cookies({"room_seat": token}, server.make_url("/"))
            async with http.get(server.make_url(path)) as response:
                return await response.text()
    finally:
        await server.close()


def seated(folder: Path, flow_id: str, name: str) -> str:
    """A room folder whose index seats the session `name`; the secret that brings its participant back."""
    token = "a-secret-token-of-the-participant"
    (folder / INDEX).write_text(json.dumps({"flow": flow_id, "trainer": "t" * 32, "revealed": True,
                                            "seats": [{"session": name, "code": "ABCDEF",
                                                       "tokens": [digest(token)]}]}))
    return token


async def test_the_room_carries_on_a_seat_answered_under_an_older_version_and_tells_its_participant(tmp_path):
    folder = tmp_path / "room"
    path = trial_session(folder)
    token = seated(folder, "trial", NAME)
    room = Room(load_flow(TRIAL), folder)
    try:
        page = await room_page(room, token)
        assert "is carried over to version 2.0 of the flow as short (it was months)" in page
        assert "your recommendation is now Low (it was High)" in page
        assert room.seats[NAME].session.answers["money"] == "yes"
        assert list((folder / ".flows").iterdir())  # the flow kept in the room's folder
    finally:
        room.close()
    assert yaml.safe_load(path.read_text())["flow_version"] == "2.0"


@pytest.mark.parametrize("name", sorted(EXPECTED))
async def test_sessions_saved_under_2_0_resume_in_the_room_and_the_app_with_every_answer(name, tmp_path):
    expected = EXPECTED[name]
    flow = load_flow(flows_dir() / f"{expected['flow']}.yaml")
    session_name = yaml.safe_load((OLD_SESSIONS / name).read_text())["session"]["id"]
    folder = tmp_path / "room"
    folder.mkdir()
    shutil.copy(OLD_SESSIONS / name, folder / f"{session_name}.session.yaml")
    room = Room(flow, folder)
    try:
        await room_page(room, seated(folder, flow.id, session_name))  # the index is read when the room starts
    finally:
        room.close()
    room = Room(flow, folder)
    try:
        seat = room.seats[session_name]
        carried = {c.was for c in seat.session.migrated.carried} if seat.session.migrated else set()
        assert set(expected["answers"]) <= set(seat.session.answers) | carried
    finally:
        room.close()
    data_sessions().mkdir(parents=True, exist_ok=True)
    shutil.copy(OLD_SESSIONS / name, data_sessions() / f"{session_name}.session.yaml")
    app = make_app(resume=session_name)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ConversationScreen)
        session = app.screen.session
        carried = {c.was for c in session.migrated.carried} if session.migrated else set()
        assert set(expected["answers"]) <= set(session.answers) | carried
        assert not [key for key, kept in session.unfit.items() if not kept.dropped_in]
