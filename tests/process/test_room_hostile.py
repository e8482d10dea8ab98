"""Hostile input, third round: the room as a service on a shared network. One client (a prankster, or one
laptop gone wrong) must not spoil the room for thirty people: slow requests are timed out, connections are
counted against the open-file limit, wrong guesses and joins are counted by client (never for the whole
room), a seat code opens a seat once, the room folder is trusted only when it is the user's alone, and a
bad request gets a page, never a traceback.

Every connection here is to 127.0.0.1. Where a case needs two clients, `client` (the room's notion of who
is asking, which comes from the connection's address) reads an address from a header that only these tests
send; the counting behind it is the room's own.
"""

from __future__ import annotations

import asyncio
import html
import json
import os
import re
import resource
import signal
import socket
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import yaml
from aiohttp.test_utils import TestServer

from codesign_tui.room import app as room_app
from codesign_tui.room.app import HEADERS, make_app
from codesign_tui.files import ExportError as RoomFolderRefused  # what the room folder's refusals are
from codesign_tui.room.seats import INDEX, Limits, Room
from test_room import APPENDIX2, Person, open_room  # noqa: F401  (the fixture)

ROOT = Path(__file__).resolve().parents[2]
MEMORY = 768 * 1024 * 1024  # address space for the room's process: a few times what it needs
OPEN_FILES = 256


# -- two clients on one address ------------------------------------------------------------------------------

@pytest.fixture
def clients(monkeypatch):
    """Requests say which client they come from in X-Test-Client (else 127.0.0.1)."""
    real = getattr(room_app, "client", lambda request: request.remote)
    monkeypatch.setattr(room_app, "client", lambda request: request.headers.get("X-Test-Client") or real(request),
                        raising=False)


def from_client(person: Person, address: str) -> Person:
    person.http.headers["X-Test-Client"] = address
    return person


async def test_one_client_guessing_seat_codes_locks_out_no_one_else(open_room, appendix2, clients):
    server, room = await open_room(appendix2, passphrase="blue heron")
    guesser = from_client(open_room.person(server), "10.0.0.66")
    for _ in range(22):
        await guesser.get("/")
        await guesser.post("/return", {"code": "AAAAAA", "return_passphrase": "blue heron"})
    assert guesser.status == 429
    ann = from_client(open_room.person(server), "10.0.0.7")
    await ann.join("Ann", passphrase="blue heron")
    assert ann.status == 200 and ann.path.startswith("/question/") and len(room.seats) == 1
    # and the guesser still waits, the right code included
    await guesser.get("/")
    await guesser.post("/return", {"code": room.seats[next(iter(room.seats))].code,
                                    "return_passphrase": "blue heron"})
    assert guesser.status == 429


async def test_a_restart_lifts_no_wait_and_revives_no_ended_seat(open_room, appendix2, clients, tmp_path):
    """Wrong tries by client, joins by client and the seats the trainer signed out are in the room's index:
    stopping and starting the room does not give a guesser a fresh minute, and a browser whose seat was
    signed out is still told so, its old cookie opening nothing."""
    folder = tmp_path / "room"
    server, room = await open_room(appendix2, folder, passphrase="blue heron", limits=Limits(joins=2))
    guesser = from_client(open_room.person(server), "10.0.0.66")
    for _ in range(22):
        await guesser.get("/")
        await guesser.post("/return", {"code": "AAAAAA", "return_passphrase": "blue heron"})
    assert guesser.status == 429
    ann = from_client(open_room.person(server), "10.0.0.7")
    await ann.join("Ann", passphrase="blue heron")
    await ann.answer("yes")
    await from_client(open_room.person(server), "10.0.0.7").join("Ann's tablet", passphrase="blue heron")
    ann_seat = next(name for name, seat in room.seats.items() if seat.name == "Ann")
    trainer = open_room.person(server)
    await trainer.get(f"/trainer/{room.trainer_token}")
    await trainer.post(f"/trainer/{room.trainer_token}/seat", {"seat": ann_seat, "action": "sign-out"})
    cookies = ann.http.cookie_jar.filter_cookies(server.make_url("/"))
    await server.close()
    room.close()

    again, room = await open_room(appendix2, folder, passphrase="blue heron", limits=Limits(joins=2))
    guesser = from_client(open_room.person(again), "10.0.0.66")
    await guesser.get("/")
    await guesser.post("/return", {"code": "AAAAAA", "return_passphrase": "blue heron"})
    assert guesser.status == 429  # still waiting out the minute it started before the restart
    later = from_client(open_room.person(again), "10.0.0.7")
    await later.join("Ann's third", passphrase="blue heron")
    assert later.status == 429  # the two joins from that address still count
    back = open_room.person(again)
    back.http.cookie_jar.update_cookies({key: morsel.value for key, morsel in cookies.items()}, again.make_url("/"))
    await back.get("/question")
    assert back.path == "/" and "signed your seat out" in back.text
    other = from_client(open_room.person(again), "10.0.0.8")
    await other.join("Bo", passphrase="blue heron")
    assert other.path.startswith("/question/")


@pytest.mark.parametrize("proxied", [True, False])
async def test_behind_a_trusted_proxy_clients_are_counted_by_the_address_it_adds(appendix2, tmp_path, proxied):
    """--trust-proxy: every request comes from the proxy's address, so the limits count clients by the last
    address in X-Forwarded-For, the one the proxy added. Without it the header is not believed (a guesser
    could name a fresh address at every try), so everyone behind one address is one client."""
    from test_room import Person

    room = Room(appendix2, tmp_path / "room", passphrase="blue heron")
    server = TestServer(make_app(room, proxied=proxied))
    await server.start_server()
    people: list[Person] = []
    try:
        def behind_the_proxy(*addresses: str) -> Person:
            people.append(Person(server))
            people[-1].http.headers["X-Forwarded-For"] = ", ".join(addresses)
            return people[-1]

        guesser = behind_the_proxy("10.0.0.66")
        for number in range(22):
            if number % 2:  # naming another address before the proxy's own changes nothing
                guesser.http.headers["X-Forwarded-For"] = f"192.0.2.{number}, 10.0.0.66"
            await guesser.get("/")
            await guesser.post("/return", {"code": "AAAAAA", "return_passphrase": "blue heron"})
        assert guesser.status == 429
        ann = behind_the_proxy("10.0.0.7")
        await ann.join("Ann", passphrase="blue heron")
        if proxied:
            assert ann.status == 200 and ann.path.startswith("/question/")
        else:  # everyone arrives from 127.0.0.1 here: one client, waiting
            assert ann.status == 429
    finally:
        for person in people:
            await person.http.close()
        await server.close()
        room.close()


async def test_behind_a_trusted_proxy_the_door_holds_the_proxys_connections_up_to_the_whole_cap(appendix2, tmp_path):
    from codesign_tui.room.door import open_door

    room = Room(appendix2, tmp_path / "room")
    for proxied, per_client in ((True, 40), (False, 10)):
        runner, server, door = await open_door(make_app(room, proxied=proxied), "127.0.0.1", 0, 5, 40,
                                               proxied=proxied)
        server.close()
        await runner.cleanup()
        assert (door.cap, door.per_client) == (40, per_client)
    room.close()


async def test_wrong_passphrases_with_one_seat_code_pause_that_code_alone(open_room, appendix2, clients):
    server, room = await open_room(appendix2, passphrase="blue heron", limits=Limits(code_tries=3))
    ann, bo = from_client(open_room.person(server), "10.0.0.1"), from_client(open_room.person(server), "10.0.0.2")
    await ann.join("Ann", passphrase="blue heron")
    await bo.join("Bo", passphrase="blue heron")
    codes = {seat.name: seat.code for seat in room.seats.values()}
    for number in range(3):  # three machines, one guess each, at Ann's code
        thief = from_client(open_room.person(server), f"10.0.1.{number}")
        await thief.get("/")
        await thief.post("/return", {"code": codes["Ann"], "return_passphrase": f"guess {number}"})
        assert thief.status == 400
    late = from_client(open_room.person(server), "10.0.2.1")
    await late.get("/")
    await late.post("/return", {"code": codes["Ann"], "return_passphrase": "blue heron"})
    assert late.status == 429
    await late.get("/")
    await late.post("/return", {"code": codes["Bo"], "return_passphrase": "blue heron"})
    assert late.status == 200 and late.path.startswith("/question/")


async def test_one_client_takes_a_few_seats_not_the_room(open_room, appendix2, clients, tmp_path):
    server, room = await open_room(appendix2, limits=Limits(participants=10, joins=3))
    taken = 0
    for _ in range(8):  # a loop of fresh browsers (no cookies) from one machine
        prankster = from_client(open_room.person(server), "10.0.0.66")
        await prankster.join("")
        taken += prankster.path.startswith("/question/")
    assert taken == 3 and prankster.status == 429 and "Too many seats taken from here" in prankster.text
    ann = from_client(open_room.person(server), "10.0.0.7")
    await ann.join("Ann")
    assert ann.path.startswith("/question/") and len(room.seats) == 4
    # a browser that already holds a seat is taken back to it, not given a second
    await ann.answer("yes")
    await ann.get("/")
    assert ann.path.startswith("/question/")
    await ann.post("/join", {"name": "Ann again"})
    assert ann.path.startswith("/question/") and ann.question == "problem_type" and len(room.seats) == 4


async def test_the_trainer_frees_a_seat_and_signs_one_out(open_room, appendix2, tmp_path):
    server, room = await open_room(appendix2, limits=Limits(participants=2))
    ann, bo, cy = open_room.person(server), open_room.person(server), open_room.person(server)
    await ann.join("Ann")
    await ann.answer("yes")
    await bo.join("Bo")
    await cy.join("Cy")
    assert cy.status == 503
    trainer = open_room.person(server)
    page = await trainer.get(f"/trainer/{room.trainer_token}")
    bo_seat = next(name for name, seat in room.seats.items() if seat.name == "Bo")
    assert f'name="seat" value="{bo_seat}"' in page
    await trainer.post(f"/trainer/{room.trainer_token}/seat", {"seat": bo_seat, "action": "free"})
    assert trainer.status == 200 and "Bo's seat is free" in html.unescape(trainer.text)
    folder = tmp_path / "room"
    assert not (folder / f"{bo_seat}.session.yaml").exists()
    assert yaml.safe_load((folder / f"{bo_seat}.session.yaml.freed").read_text())["prepared_by"] == "Bo"
    await bo.get("/question")
    assert bo.path == "/" and "The trainer signed your seat out of this browser" in bo.text
    await cy.join("Cy")
    assert cy.path.startswith("/question/") and len(room.seats) == 2
    # Ann's laptop is lost: the trainer ends its cookie, and Ann comes back with the new code, shown folded
    ann_seat = next(name for name, seat in room.seats.items() if seat.name == "Ann")
    old_code = room.seats[ann_seat].code
    await trainer.post(f"/trainer/{room.trainer_token}/seat", {"seat": ann_seat, "action": "sign-out"})
    new_code = room.seats[ann_seat].code
    assert new_code != old_code and f"<summary>Show the new seat code" in trainer.text and new_code in trainer.text
    await trainer.get(f"/trainer/{room.trainer_token}")
    assert new_code not in trainer.text  # once only
    await ann.get("/question")
    assert ann.path == "/" and "signed your seat out" in ann.text
    phone = open_room.person(server)
    await phone.get("/")
    await phone.post("/return", {"code": old_code})
    assert phone.status == 400
    await phone.post("/return", {"code": new_code})
    assert phone.path.startswith("/question/") and phone.question == "problem_type"


async def test_a_seat_code_opens_a_seat_once_and_never_pushes_its_owner_out(open_room, appendix2, tmp_path):
    server, room = await open_room(appendix2, limits=Limits(devices=3))
    ann = open_room.person(server)
    await ann.join("Ann")
    seat = next(iter(room.seats.values()))
    first = seat.code
    phone = open_room.person(server)
    await phone.get("/")
    await phone.post("/return", {"code": first})
    assert phone.path.startswith("/question/") and seat.code != first and f"your new one is {seat.code}" in phone.text
    await ann.get("/question")
    assert f'class="code">{seat.code}<' in ann.text  # the owner sees the new code too
    snoop = open_room.person(server)  # read the old code off the projector: it opens nothing now
    await snoop.get("/")
    await snoop.post("/return", {"code": first})
    assert snoop.status == 400 and snoop.question is None
    tablet = open_room.person(server)
    await tablet.get("/")
    await tablet.post("/return", {"code": seat.code})
    assert tablet.path.startswith("/question/")
    fourth = open_room.person(server)
    await fourth.get("/")
    await fourth.post("/return", {"code": seat.code})
    assert fourth.status == 409 and "open on too many devices" in fourth.text
    await ann.get("/question")  # the owner's first browser still holds the seat
    assert ann.path.startswith("/question/") and ann.question == "space_to_shape"
    # seat codes are never written down; after a restart each seat has a new one
    index = json.loads((tmp_path / "room" / INDEX).read_text())
    assert "code" not in index["seats"][0] and seat.code not in (tmp_path / "room" / INDEX).read_text()
    kept = seat.code
    await server.close()
    room.close()
    _, again = await open_room(appendix2, tmp_path / "room")
    assert next(iter(again.seats.values())).code != kept


# -- the room folder -------------------------------------------------------------------------------------

def test_an_open_room_folder_is_tightened(appendix2, tmp_path):
    folder = tmp_path / "room"
    folder.mkdir()
    folder.chmod(0o777)
    room = Room(appendix2, folder)
    room.close()
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700


@pytest.mark.skipif(os.geteuid() != 0, reason="handing a file to another user needs root")
def test_a_room_folder_of_another_user_is_refused(appendix2, tmp_path):
    folder = tmp_path / "room"
    folder.mkdir(mode=0o777)
    os.chown(folder, 65534, 65534)
    with pytest.raises(RoomFolderRefused, match="is not yours alone"):
        Room(appendix2, folder)


@pytest.mark.parametrize("planted", ["writable", "other-owner", "link"])
def test_a_planted_index_is_refused(appendix2, tmp_path, planted):
    folder = tmp_path / "room"
    room = Room(appendix2, folder)
    room.join("Ann")
    asyncio.run(room.settle())
    room.close()
    index = folder / INDEX
    if planted == "writable":
        index.chmod(0o666)
    elif planted == "other-owner":
        if os.geteuid() != 0:
            pytest.skip("handing a file to another user needs root")
        os.chown(index, 65534, 65534)
    else:
        elsewhere = tmp_path / "planted.json"
        elsewhere.write_bytes(index.read_bytes())
        index.unlink()
        index.symlink_to(elsewhere)
    with pytest.raises(RoomFolderRefused, match=re.escape(str(index))):
        Room(appendix2, folder)


def test_a_folder_of_another_flow_is_refused_naming_both(appendix2, branching, tmp_path):
    folder = tmp_path / "room"
    room = Room(appendix2, folder)
    room.join("Ann")
    asyncio.run(room.settle())
    room.close()
    before = (folder / INDEX).read_bytes()
    with pytest.raises(RoomFolderRefused, match=f"flow 'appendix2', not '{branching.id}'"):
        Room(branching, folder)
    assert (folder / INDEX).read_bytes() == before


def test_the_codesign_room_command_refuses_a_folder_of_another_flow(appendix2, tmp_path):
    folder = tmp_path / "room"
    room = Room(appendix2, folder)
    room.join("Ann")
    asyncio.run(room.settle())
    room.close()
    run = subprocess.run([sys.executable, "-m", "codesign_tui", "room", "tests/data/branching.yaml", "--dir",
                          str(folder), "--host", "127.0.0.1", "--port", str(_port())], capture_output=True, text=True, timeout=120,
                         cwd=ROOT, stdin=subprocess.DEVNULL)
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert "holds a room of the flow 'appendix2'" in run.stderr


async def test_an_index_that_could_not_be_written_is_written_at_the_next_change(open_room, appendix2, tmp_path,
                                                                                  monkeypatch):
    from codesign_tui import sessions
    from codesign_tui.files import ExportError

    real = sessions.write_atomically
    full = [True]

    def disk(path, data, **options):
        if full[0] and Path(path).name == INDEX:
            full[0] = False
            raise ExportError(f"cannot write {path}: the disk is full; nothing was written")
        return real(path, data, **options)

    monkeypatch.setattr("codesign_tui.sessions.write_atomically", disk)
    server, room = await open_room(appendix2)
    ann = open_room.person(server)
    await ann.join("Ann")
    assert not full[0] and not (tmp_path / "room" / INDEX).exists()
    await ann.answer("yes")  # the next change writes the index that failed
    assert len(json.loads((tmp_path / "room" / INDEX).read_text())["seats"]) == 1
    cookies = ann.http.cookie_jar.filter_cookies(server.make_url("/"))
    await server.close()
    room.close()
    again, _ = await open_room(appendix2, tmp_path / "room")
    back = open_room.person(again)
    back.http.cookie_jar.update_cookies({key: morsel.value for key, morsel in cookies.items()}, again.make_url("/"))
    await back.get("/")
    assert back.path.startswith("/question/") and back.question == "problem_type"


async def test_a_save_that_failed_tells_the_participant_without_the_servers_folder(open_room, appendix2, tmp_path,
                                                                                     monkeypatch):
    """A full disk as a participant answers: an error page (507) with the security headers, without the server's
    folder, holding what they sent; the room keeps the answer and writes it once the disk has room again."""
    from codesign_tui import sessions
    from codesign_tui.files import ExportError

    real, full = sessions.write_atomically, [True]

    def disk(path, data, **options):
        if full[0]:
            raise ExportError(f"cannot write {path}: the disk is full; nothing was written")
        return real(path, data, **options)

    server, room = await open_room(appendix2)
    ann = open_room.person(server)
    await ann.join("Ann")
    monkeypatch.setattr("codesign_tui.sessions.write_atomically", disk)
    await ann.answer("yes")
    assert ann.status == 507 and "Your answer could not be saved" in ann.text
    assert all(ann.headers.get(name) == value for name, value in HEADERS.items())
    assert str(tmp_path) not in ann.text and "disk is full" not in ann.text
    # what was sent is on the page, in words: "yes" is the option's label
    assert appendix2.question("space_to_shape").option("yes").label in html.unescape(ann.text)
    await ann.get("/")
    assert ann.question == "problem_type" and "could not be saved" not in ann.text  # said once, on the page
    full[0] = False
    await ann.answer("wicked")
    assert ann.status == 200
    saved = yaml.safe_load(next((tmp_path / "room").glob("*.session.yaml")).read_text())
    assert saved["answers"] == {"space_to_shape": "yes", "problem_type": "wicked"}


async def test_a_text_answer_that_could_not_be_saved_is_on_the_error_page_whole(open_room, engagement, tmp_path,
                                                                                 monkeypatch):
    from codesign_tui.files import ExportError

    def disk(path, data, **options):
        raise ExportError(f"cannot write {path}: the disk is full; nothing was written")

    server, room = await open_room(engagement)
    ann = open_room.person(server)
    await ann.join("Ann")
    assert ann.question == "work_summary"
    monkeypatch.setattr("codesign_tui.sessions.write_atomically", disk)
    typed = "A pilot <b>with</b> ten families\nand their carers, over the summer"
    await ann.answer(typed)
    assert ann.status == 507 and str(tmp_path) not in ann.text
    assert typed in html.unescape(ann.text) and "<b>with</b>" not in ann.text  # kept, and escaped
    assert all(ann.headers.get(name) == value for name, value in HEADERS.items())


def test_a_damaged_session_is_reported_when_the_room_starts(appendix2, tmp_path):
    folder = tmp_path / "room"
    room = Room(appendix2, folder)
    room.join("Ann")
    room.join("Bo")
    asyncio.run(room.settle())
    room.close()
    victim = sorted(folder.glob("*.session.yaml"))[0]
    victim.write_text("flow: appendix2\nanswers: [unclosed\n")
    again = Room(appendix2, folder)
    again.close()
    assert len(again.seats) == 1 and len(again.damaged) == 1 and victim.name in again.damaged[0]


# -- bad requests -------------------------------------------------------------------------------------------

async def raw(server: TestServer, path: str, body: bytes, content_type: str, cookie: str = "") -> tuple[int, dict, str]:
    import aiohttp

    async with aiohttp.ClientSession() as http:
        async with http.post(server.make_url(path), data=body, headers={"Content-Type": content_type,
                                                                        "Cookie": cookie}) as response:
            return response.status, dict(response.headers), await response.text()


@pytest.mark.parametrize("body,content_type", [
    (b"csrf=x&name=\xff\xfe", "application/x-www-form-urlencoded"),
    (b"csrf=x&name=Ann", "application/x-www-form-urlencoded; charset=utf-99"),
    (b"csrf=x&name=Ann", "application/x-www-form-urlencoded; charset=\xe2\x80\xae\xc2\x9b"),
])
async def test_a_body_that_cannot_be_read_is_a_bad_request_with_a_page(open_room, appendix2, body, content_type,
                                                                       capsys):
    server, room = await open_room(appendix2)
    status, headers, text = await raw(server, "/join", body, content_type.encode("latin-1").decode("latin-1"))
    assert status == 400 and "That form could not be read" in text and "Traceback" not in text
    assert all(headers.get(key) == value for key, value in HEADERS.items())
    err = capsys.readouterr().err
    assert "Traceback" not in err and "\u202e" not in err and "\x9b" not in err


async def test_a_file_sent_as_an_answer_is_a_bad_request(open_room, appendix2, tmp_path):
    import aiohttp

    server, room = await open_room(appendix2)
    ann = open_room.person(server)
    await ann.join("Ann")
    form = aiohttp.FormData()
    form.add_field("csrf", ann.csrf)
    form.add_field("question", b"space_to_shape", filename="x.txt", content_type="text/plain")
    form.add_field("answer", "yes")
    async with ann.http.post(server.make_url("/question"), data=form) as response:
        assert response.status == 400 and response.headers["Content-Security-Policy"] == HEADERS[
            "Content-Security-Policy"]
    assert not next(iter(room.seats.values())).session.answers


async def test_an_error_of_ours_is_a_page_with_the_headers_and_one_short_line(open_room, appendix2, monkeypatch,
                                                                              capsys):
    server, room = await open_room(appendix2)
    ann = open_room.person(server)
    await ann.join("Ann")
    monkeypatch.setattr(room_app, "show_question", lambda *a: 1 / 0)
    for _ in range(5):
        async with ann.http.get(server.make_url("/question")) as response:
            text = await response.text()
            assert response.status == 500 and "Something went wrong" in text and "Traceback" not in text
            assert response.headers["X-Frame-Options"] == "DENY"
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.count("ZeroDivisionError") == 1


async def test_a_long_address_is_refused_with_a_page(open_room, appendix2):
    server, room = await open_room(appendix2)
    ann = open_room.person(server)
    await ann.get("/question?" + "a" * 5000)
    assert ann.status == 414 and ann.headers["Content-Security-Policy"] == HEADERS["Content-Security-Policy"]


# -- slow clients, in this process with short limits -------------------------------------------------------

@pytest.fixture
async def door_room(tmp_path, appendix2):
    from codesign_tui.room.door import open_door

    opened = []

    async def start(**limits):
        room = Room(appendix2, tmp_path / "room", limits=Limits(**limits))
        runner, server, door = await open_door(make_app(room), "127.0.0.1", 0, room.limits.header_seconds,
                                               room.limits.connections)
        opened.append((runner, server, room))
        return server.sockets[0].getsockname()[1], door

    yield start
    for runner, server, room in opened:
        server.close()
        await runner.cleanup()
        room.close()


async def closed_by_server(reader: asyncio.StreamReader, within: float) -> bytes:
    """What the server sent before closing the connection; a timeout if it did not close it in time."""
    return await asyncio.wait_for(reader.read(), within)


async def test_a_body_sent_a_byte_at_a_time_is_timed_out(door_room):
    port, _ = await door_room(body_seconds=0.5, header_seconds=30)
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"POST /join HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                 b"Content-Length: 60000\r\n\r\nc")
    await writer.drain()
    started = time.monotonic()
    reply = await closed_by_server(reader, 20)
    assert reply.startswith(b"HTTP/1.1 408") and time.monotonic() - started < 20
    writer.close()


async def test_headers_sent_a_byte_at_a_time_are_timed_out(door_room):
    port, _ = await door_room(header_seconds=0.5)
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"GET / HTTP/1.1\r\nHost: x\r\n")
    await writer.drain()
    assert await closed_by_server(reader, 20) == b""
    writer.close()


async def test_connections_past_the_cap_are_turned_away_at_once(door_room, capsys):
    port, door = await door_room(connections=8, header_seconds=30)
    held = [await asyncio.open_connection("127.0.0.1", port) for _ in range(door.per_client)]
    for _ in range(3):
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        assert (await closed_by_server(reader, 20)).startswith(b"HTTP/1.1 503")
        writer.close()
    assert door.open == door.per_client
    for _, writer in held:
        writer.close()
    err = capsys.readouterr().err
    assert err.count("was turned away") == 1


# -- the flood, against the command under a low open-file limit --------------------------------------------

def _low_limits() -> None:
    resource.setrlimit(resource.RLIMIT_NOFILE, (OPEN_FILES, OPEN_FILES))
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def _port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(port: int, path: str = "/", timeout: float = 10) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as connection:
        connection.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
        chunks = []
        while chunk := connection.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


@pytest.mark.slow(20)
def test_a_flood_of_slow_posts_does_not_take_the_room_down(tmp_path):
    """1,030 slow POSTs (60,000 bytes declared, one sent) against a room allowed 256 open files: the excess
    is turned away at once, the slow ones are closed when their time is up, the room answers again, and
    its terminal gets a few lines, no tracebacks."""
    port = _port()
    process = subprocess.Popen([sys.executable, "-m", "codesign_tui", "room", "appendix2", "--dir",
                                str(tmp_path / "room"), "--host", "127.0.0.1", "--port", str(port)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                               preexec_fn=_low_limits, start_new_session=True, cwd=ROOT)
    # the whole case is bounded: should anything hang, the room is ended and the test fails
    guard = threading.Timer(150, os.killpg, (process.pid, signal.SIGKILL))
    guard.start()
    sockets: list[socket.socket] = []
    try:
        for line in process.stdout:
            if line.startswith(b"Press Ctrl+C"):
                break
        deadline = time.monotonic() + 30
        while True:  # listening
            try:
                assert _get(port).startswith(b"HTTP/1.1 200")
                break
            except OSError:
                assert time.monotonic() < deadline, "the room never answered"
                time.sleep(0.1)
        for _ in range(1030):
            connection = socket.create_connection(("127.0.0.1", port), timeout=10)
            connection.sendall(b"POST /join HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/"
                               b"x-www-form-urlencoded\r\nContent-Length: 60000\r\n\r\nc")
            sockets.append(connection)
        turned_away = held = 0
        started = time.monotonic()
        for connection in sockets:  # each is answered, or closed when its time is up
            connection.settimeout(max(1.0, 60 - (time.monotonic() - started)))
            reply = connection.recv(200)
            turned_away += reply.startswith(b"HTTP/1.1 503")
            held += reply.startswith(b"HTTP/1.1 408")
            connection.close()
        assert turned_away >= 1030 - OPEN_FILES and held >= 1, (turned_away, held)
        assert _get(port).startswith(b"HTTP/1.1 200")
        for _ in range(300):  # addresses longer than any the room makes: refused, one line a second at most
            reply = _get(port, "/question?" + "a" * 9000)
            assert reply.startswith(b"HTTP/1.1 414") and b"Content-Security-Policy" in reply
        assert _get(port).startswith(b"HTTP/1.1 200")
        assert process.poll() is None
    finally:
        for connection in sockets:
            connection.close()
        guard.cancel()
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGINT)
        process.wait(timeout=30)
    err = process.stderr.read().decode("utf-8", "replace")
    assert "Traceback" not in err and len(err) < 20_000, err[-3000:]
    assert "turned away" in err and process.returncode == 0


def test_a_seat_whose_file_is_gone_is_passed_over(appendix2, tmp_path):
    folder = tmp_path / "room"
    room = Room(appendix2, folder)
    room.join("Ann")
    room.join("Bo")
    asyncio.run(room.settle())
    room.close()
    sorted(folder.glob("*.session.yaml"))[0].unlink()
    again = Room(appendix2, folder)
    again.close()
    assert len(again.seats) == 1


def _send(port: int, request: bytes, timeout: float = 10) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as connection:
        connection.sendall(request)
        chunks = []
        try:
            while chunk := connection.recv(65536):
                chunks.append(chunk)
        except ConnectionResetError:  # closed with the request still unread behind the answer
            pass
    return b"".join(chunks)


def test_requests_too_large_for_the_web_server_get_the_headers_and_no_traceback(tmp_path):
    """A request line over 16 KB, a header over 8 KB, too many headers, or a line that is not HTTP: aiohttp
    answers those itself, before the room's own checks, and its answer lacked the security headers. Each
    gets them, and the room's terminal gets a line a kind a second, never a traceback."""
    port = _port()
    process = subprocess.Popen([sys.executable, "-m", "codesign_tui", "room", "appendix2", "--dir",
                                str(tmp_path / "room"), "--host", "127.0.0.1", "--port", str(port)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                               preexec_fn=_low_limits, start_new_session=True, cwd=ROOT)
    guard = threading.Timer(120, os.killpg, (process.pid, signal.SIGKILL))
    guard.start()
    try:
        for line in process.stdout:
            if line.startswith(b"Press Ctrl+C"):
                break
        deadline = time.monotonic() + 30
        while True:
            try:
                assert _get(port).startswith(b"HTTP/1.1 200")
                break
            except OSError:
                assert time.monotonic() < deadline, "the room never answered"
                time.sleep(0.1)
        host = b"Host: 127.0.0.1\r\nConnection: close\r\n"
        for request in (b"GET /question?" + b"a" * 17_000 + b" HTTP/1.1\r\n" + host + b"\r\n",
                        b"GET / HTTP/1.1\r\n" + host + b"X-Big: " + b"b" * 9_000 + b"\r\n\r\n",
                        b"GET / HTTP/1.1\r\n" + host + b"".join(b"X-%d: 1\r\n" % n for n in range(200)) + b"\r\n",
                        b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 not http\r\n\r\n") * 20:
            reply = _send(port, request)
            head = reply.split(b"\r\n\r\n", 1)[0].decode("latin-1")
            assert re.match(r"HTTP/1\.[01] 4\d\d ", head), head
            for name, value in HEADERS.items():
                assert f"\r\n{name}: {value}\r\n".lower() in (head + "\r\n").lower(), (name, head)
            assert b"Traceback" not in reply and str(tmp_path).encode() not in reply
        assert _get(port).startswith(b"HTTP/1.1 200")
    finally:
        guard.cancel()
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGINT)
        process.wait(timeout=30)
    err = process.stderr.read().decode("utf-8", "replace")
    assert "Traceback" not in err and err.count("\n") < 40, err[-3000:]
    assert process.returncode == 0
