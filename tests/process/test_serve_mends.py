"""`codesign serve`, mended: a page with a title, a language and a viewport that loads nothing from other sites;
terminals and tabs capped; every tab's process ends when the server does, even killed with SIGKILL."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import socket
import struct
import subprocess
import sys
import time
from pathlib import Path

import aiohttp
import pytest
import yaml

from test_browser import free_port


@pytest.fixture
def serve(tmp_path):
    started = []

    def start(*options: str) -> tuple[subprocess.Popen, str]:
        port = free_port()
        log = open(tmp_path / f"serve-{port}.log", "w")
        process = subprocess.Popen([sys.executable, "-m", "codesign_tui", "serve", "appendix2", "--port", str(port),
                                    *options], stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        started.append((process, log))
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                return process, f"http://127.0.0.1:{port}/"
            except OSError:
                time.sleep(0.1)
        pytest.fail("codesign serve did not start")

    yield start
    for process, log in started:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait(timeout=20)
        log.close()


def tab_processes() -> dict[int, str]:
    """Every process running a browser tab's app, with its environment."""
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            command = Path(f"/proc/{entry}/cmdline").read_bytes().split(b"\0")
            if b"--served" in command and b"codesign_tui" in command:
                found[int(entry)] = Path(f"/proc/{entry}/environ").read_bytes().decode(errors="replace")
        except OSError:
            continue
    return found


def wait_for(check, seconds: float = 30):
    deadline = time.monotonic() + seconds
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.1)


async def test_the_page_names_itself_and_loads_nothing_from_other_sites(serve):
    _, url = serve()
    async with aiohttp.ClientSession() as http, http.get(url) as response:
        page = await response.text()
    assert '<html lang="en-GB">' in page and "<title>codesign</title>" in page
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in page
    assert "googleapis" not in page and "https://" not in page
    assert "fonts/RobotoMono-VariableFont_wght.ttf" in page


async def test_a_huge_terminal_is_capped_and_the_tabs_are_counted(serve):
    before = set(tab_processes())
    _, url = serve("--max-tabs", "1")
    async with aiohttp.ClientSession() as http:
        async with http.ws_connect(url.replace("http", "ws") + "ws?width=20000&height=20000") as first:
            started = wait_for(lambda: {p: e for p, e in tab_processes().items() if p not in before})
            [environment] = started.values()
            assert "COLUMNS=500\0" in environment and "ROWS=200\0" in environment
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await http.ws_connect(url.replace("http", "ws") + "ws?width=80&height=24")
            assert refused.value.status == 503
            await first.close()


async def test_every_tab_process_ends_when_the_server_is_killed(serve):
    before = set(tab_processes())
    server, url = serve()
    async with aiohttp.ClientSession() as http:
        async with http.ws_connect(url.replace("http", "ws") + "ws?width=100&height=30"):
            tabs = wait_for(lambda: set(tab_processes()) - before)
            assert tabs
            os.kill(server.pid, signal.SIGKILL)  # the server alone: nothing tells the tabs
            server.wait(timeout=20)
            assert wait_for(lambda: not (set(tab_processes()) & tabs)), "a tab's process outlived the server"


def test_a_tab_whose_server_is_gone_leaves_and_removes_its_private_folder(tmp_path):
    # A tab's process usually ends anyway when its server dies (its input closes, as the test above shows); the
    # watch is for the one that does not, such as an app that does not leave when asked: it is ended as well.
    server = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    private = tmp_path / "private"
    private.mkdir()
    (private / "answers.yaml").write_text("flow: appendix2\n")
    script = ("import sys, time\n"
              "from pathlib import Path\n"
              "from codesign_tui.served import end_with_the_server\n"
              "end_with_the_server(lambda: print('asked to leave', flush=True), Path(sys.argv[1]))\n"
              "print('watching', flush=True)\n"
              "time.sleep(600)\n")
    tab = subprocess.Popen([sys.executable, "-c", script, str(private)], stdout=subprocess.PIPE, text=True,
                           env={**os.environ, "CODESIGN_SERVE_PID": str(server.pid)})
    try:
        assert tab.stdout.readline() == "watching\n"
        server.kill()
        server.wait(timeout=20)
        assert tab.wait(timeout=30) == 0
        assert tab.stdout.read() == "asked to leave\n"
        assert not private.exists()
    finally:
        for process in (server, tab):
            if process.poll() is None:
                process.kill()
                process.wait()


async def test_a_tab_whose_connection_is_cut_ends_even_if_its_app_does_not_hear_quit(serve, tmp_path, monkeypatch):
    """From an attack: 1 of ~140 abruptly aborted connections left its tab's process, and its private folder,
    until the server stopped (textual-serve asks the app to quit and waits for it without end). Here the tab's
    app is stopped (SIGSTOP) so that it cannot hear the quit, and the connection is cut with a reset: the
    server ends the process all the same. (Its private folder is removed most times, not yet every time.)"""
    temporary = tmp_path / "tmp"  # the tabs' private folders go here, apart from any other run's
    temporary.mkdir()
    monkeypatch.setenv("TMPDIR", str(temporary))
    folders = lambda: set(temporary.glob("codesign-participant-*"))  # noqa: E731
    before, before_folders = set(tab_processes()), folders()
    _, url = serve()
    port = int(url.rsplit(":", 1)[1].strip("/"))
    client = socket.create_connection(("127.0.0.1", port), timeout=30)
    client.sendall(b"GET /ws?width=100&height=30 HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                   b"Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                   b"Sec-WebSocket-Version: 13\r\n\r\n")
    assert client.recv(4096).startswith(b"HTTP/1.1 101")
    tabs = wait_for(lambda: set(tab_processes()) - before)
    assert tabs
    assert wait_for(lambda: folders() - before_folders), "the tab made no private folder"
    stopped = []
    try:
        for pid in tabs:
            os.kill(pid, signal.SIGSTOP)
            stopped.append(pid)
        client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        client.close()  # a reset, not a closing handshake
        assert wait_for(lambda: not (set(tab_processes()) & tabs), 90), "the tab outlived its connection"
    finally:
        for pid in stopped:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


class Tab:
    """A browser tab's connection to `codesign serve`, spoken as the page's script speaks it: what the terminal
    sends goes as ["stdin", text]; what the app draws comes back as the terminal's bytes."""

    def __init__(self, websocket) -> None:
        self.websocket = websocket
        self.drawn = ""

    async def send(self, text: str) -> None:
        await self.websocket.send_json(["stdin", text])

    async def until(self, check, seconds: float = 60):
        """`check()` once it gives something true, reading what the app draws meanwhile (a tab that is not read
        holds its app up: the app waits to write); what it last gave after `seconds`."""
        deadline = time.monotonic() + seconds
        while not (found := check()) and time.monotonic() < deadline:
            try:
                message = await self.websocket.receive(timeout=0.2)
            except asyncio.TimeoutError:
                continue
            if message.type == aiohttp.WSMsgType.BINARY:
                self.drawn += re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", message.data.decode(errors="replace"))
            elif message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.ERROR):
                return check()
        return found

    async def shows(self, text: str, seconds: float = 60) -> bool:
        """Whether `text` is drawn (escape sequences taken out) within `seconds`."""
        return await self.until(lambda: text in self.drawn, seconds)


def session_answers(temporary: Path) -> dict:
    """The answers the one tab's app has saved in its private folder (under `temporary`)."""
    for path in temporary.glob("codesign-participant-*/sessions/*.session.yaml"):
        try:
            return yaml.safe_load(path.read_text()).get("answers") or {}
        except (OSError, yaml.YAMLError, AttributeError):
            return {}  # caught between writes; the next look sees it whole
    return {}


@pytest.fixture
def private_tabs(tmp_path, monkeypatch) -> Path:
    temporary = tmp_path / "tmp"  # the tabs' private folders go here, apart from any other run's
    temporary.mkdir()
    monkeypatch.setenv("TMPDIR", str(temporary))
    return temporary


@contextlib.asynccontextmanager
async def at_the_first_question(url: str):
    """A tab of the served app at 100x30, once its first question is drawn."""
    async with aiohttp.ClientSession() as http:
        async with http.ws_connect(url.replace("http", "ws") + "ws?width=100&height=30") as websocket:
            tab = Tab(websocket)
            assert await tab.shows("help shape"), "the first question was never drawn"
            yield tab


async def test_a_paste_holding_esc_in_a_browser_tab_is_taken_whole_as_text(serve, private_tabs):
    """As in the terminal (tests/process/test_tui_process.py): in a bracketed paste, what followed an ESC
    reached the tab's app as keystrokes, so `Summary of work ESC[31m red` + lines was mangled and its own
    Enter answered. The browser's terminal sends a paste bracketed, as ["stdin", ...]; the reply box now holds
    it whole, ESC shown as ^[ and lines joined, and the paste's own Enter answers nothing."""
    _, url = serve()
    async with at_the_first_question(url) as tab:
        await tab.send("1")
        assert await tab.until(lambda: session_answers(private_tabs)) == {"space_to_shape": "yes"}
        await tab.send("\x1b[200~Summary of work\x1b[31m red\r2\r\rTAIL\r\x1b[201~")
        assert await tab.shows("Summary of work^[[31m red 2 TAIL"), tab.drawn[-2000:]
        assert session_answers(private_tabs) == {"space_to_shape": "yes"}


async def test_escape_then_a_digit_in_a_browser_tab_is_escape_and_the_digit(serve, private_tabs):
    """As in the terminal: Escape then a digit, read together, came out of Textual's parser as Alt+digit, which
    types ¡ for 1 and ™ for 2 into the reply box. Now they are Escape (with no answer yet to change, nothing
    to do on the first question) and the digits, typed into the box."""
    _, url = serve()
    async with at_the_first_question(url) as tab:
        await tab.send("x\x1b1\x1b2")
        assert await tab.shows(" x12 "), tab.drawn[-2000:]
        assert "¡" not in tab.drawn and "™" not in tab.drawn
