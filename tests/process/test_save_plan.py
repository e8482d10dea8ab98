"""One way to save a plan (plan/save.py): a plan that names people in its register is its writer's alone
(0600) whichever front end saves it: the app, plain mode, `codesign render`, and the room, whose download
is not kept in the browser's cache. (Plain mode wrote it 0644, as anyone on the machine could read it.)"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from codesign_tui.flow.answers import read_answers
from codesign_tui.flow.engine import Session
from codesign_tui.flow.loader import load_flow
from codesign_tui.flow.problems import Problems
from codesign_tui.resources import flows_dir
from codesign_tui.sessions import SessionStore

ANSWERS = Path(__file__).parent.parent / "data" / "answers"
NAMES_PEOPLE = ANSWERS / "engagement-board.yaml"  # every question answered, two interests declared
NAMES_NOBODY = ANSWERS / "engagement-consult-none-declared.yaml"

pytestmark = pytest.mark.skipif(os.name != "posix", reason="file modes keep a file private on POSIX alone")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def saved_session(answers_file: Path) -> str:
    """A finished session in the data folder, from an answers file; its name."""
    given = read_answers(answers_file, Problems())
    flow = load_flow(flows_dir() / f"{given.flow}.yaml")
    session = Session(flow, dict(given.answers), name="finished")
    session.project, session.prepared_by = given.project, given.prepared_by
    SessionStore().save(session)
    return "finished"


@pytest.mark.parametrize("answers, expected", [(NAMES_PEOPLE, 0o600), (NAMES_NOBODY, 0o644)])
def test_render_writes_a_plan_naming_people_for_its_writer_alone(tmp_path, answers, expected):
    out = tmp_path / "plan.md"
    run = subprocess.run([sys.executable, "-m", "codesign_tui", "render", "engagement-plan", "--answers",
                          str(answers), "-o", str(out)], capture_output=True, text=True, timeout=120,
                         stdin=subprocess.DEVNULL)
    assert run.returncode == 0, run.stderr
    assert mode(out) == expected & ~os.umask(os.umask(0))


async def test_the_rooms_download_is_the_plan_made_the_one_way_and_never_cached(tmp_path, branching):
    from test_room import Person, make_room  # the room's own test helpers
    from aiohttp.test_utils import TestServer

    from codesign_tui.room.app import make_app as make_room_app

    room = make_room(branching, tmp_path / "room")
    server = TestServer(make_room_app(room))
    await server.start_server()
    ann = Person(server)
    try:
        await ann.join("Ann")
        for value in ("partly", "Fairly open", "no", "yes", ["post"]):
            await ann.answer(value)
        await ann.answer(None, **{"entry-name": "Fay", "entry-type": "paid"})
        assert ann.path == "/check"
        room.reveal()
        for query, named in (("", True), ("?version=public", False)):
            async with ann.http.get(server.make_url(f"/plan/md{query}")) as response:
                assert response.status == 200 and ("Fay" in await response.text()) is named
                # a plan naming people is not kept in the browser for the next person at the laptop (every
                # page of the room says so)
                assert response.headers.get("Cache-Control") == "no-store"
                assert response.headers["Content-Disposition"].endswith(
                    '-public.md"' if query else '.md"')
    finally:
        await ann.http.close()
        await server.close()
        room.close()
