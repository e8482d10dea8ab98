"""`codesign serve`: textual-serve with a page that names itself and loads nothing from other sites, a cap on
the terminal's size and on the number of tabs, and tab processes that end when the server does."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import signal
import sys
import threading
import time
from pathlib import Path
from typing import Any, Callable

MAX_WIDTH, MAX_HEIGHT = 500, 200  # a terminal this size is already far wider than any screen's
MAX_TABS = 60
SERVER_PID = "CODESIGN_SERVE_PID"  # how a tab's process knows which server to outlive not
TAB_GRACE = 10.0  # seconds a tab's app has to save and leave once its connection has gone


def page_templates(folder: Path, title: str) -> Path:
    """textual-serve's page, mended: a language and a title, a viewport for phones, and its font from the
    server's own files instead of Google's."""
    import textual_serve

    source = Path(textual_serve.__file__).parent / "templates" / "app_index.html"
    page = source.read_text(encoding="utf-8")
    page = page.replace("<html>", '<html lang="en-GB">', 1)
    head = (f'<meta charset="utf-8">\n    <meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"    <title>{_escape(title)}</title>\n"
            "    <style>@font-face { font-family: \"Roboto Mono\"; src: url(\"{{ config.static.url }}fonts/"
            "RobotoMono-VariableFont_wght.ttf\"); }</style>")
    page = page.replace("<head>", "<head>\n    " + head, 1)
    page = re.sub(r'<link\s+rel="stylesheet"\s+href="https://[^"]*"\s*/>', "", page)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "app_index.html").write_text(page, encoding="utf-8")
    return folder


def _escape(text: str) -> str:
    import html

    return html.escape(text)


def make_server(command: str, *, host: str, port: int, title: str, public_url: str, templates: Path,
                max_tabs: int = MAX_TABS) -> Any:
    from aiohttp import web
    from textual_serve.server import Server

    class CappedServer(Server):
        """At most `max_tabs` tabs at once, each terminal at most MAX_WIDTH by MAX_HEIGHT."""

        tabs = 0

        async def handle_websocket(self, request: web.Request) -> web.StreamResponse:
            if self.tabs >= max_tabs:
                return web.Response(status=503, text=f"All {max_tabs} places are taken. Try again later.")
            width = _capped(request.query.get("width"), 80, MAX_WIDTH)
            height = _capped(request.query.get("height"), 24, MAX_HEIGHT)
            request = request.clone(rel_url=request.rel_url.update_query(width=str(width), height=str(height)))
            self.tabs += 1
            try:
                return await super().handle_websocket(request)
            finally:
                self.tabs -= 1

        async def _process_messages(self, websocket: Any, app_service: Any) -> None:
            # textual-serve has no hook for a resize; this wraps the one method that applies it
            resize: Callable[[int, int], Any] = app_service.set_terminal_size

            async def capped(width: int, height: int) -> None:
                await resize(_capped(width, 80, MAX_WIDTH), _capped(height, 24, MAX_HEIGHT))

            app_service.set_terminal_size = capped

            # textual-serve asks the tab's app to quit when its connection goes, and then waits for it with no
            # end: an app that did not hear (a connection aborted while the app was starting) lived on until
            # the server stopped. The wait is bounded, then the process is ended (end_tab)
            stop: Callable[[], Any] = app_service.stop

            async def bounded() -> None:
                try:
                    await asyncio.wait_for(asyncio.shield(stop()), TAB_GRACE)
                except Exception:  # noqa: BLE001 - a timeout, or a connection already broken
                    pass
                await end_tab(getattr(app_service, "_process", None))

            app_service.stop = bounded
            await super()._process_messages(websocket, app_service)

    os.environ[SERVER_PID] = str(os.getpid())  # inherited by every tab's process
    return CappedServer(command, host=host, port=port, title=title, public_url=public_url,
                        templates_path=templates)


async def end_tab(process: Any) -> None:
    """End a tab's process (an asyncio subprocess) that is still running once its connection has gone: asked
    with SIGTERM, which the tab's app takes as a request to save and leave (end_with_the_server), then
    SIGKILL. The command runs through a shell, so the app under it is sent the same."""
    if process is None or process.returncode is not None:
        return
    for sent in (signal.SIGTERM, signal.SIGKILL):
        for pid in (*_children(process.pid), process.pid):
            try:
                os.kill(pid, sent)
                if sent == signal.SIGTERM:
                    os.kill(pid, signal.SIGCONT)  # a stopped process hears it too
            except (ProcessLookupError, PermissionError):
                pass
        try:
            await asyncio.wait_for(process.wait(), TAB_GRACE)
            return
        except asyncio.TimeoutError:
            continue


def _children(pid: int) -> list[int]:
    """The processes whose parent is `pid` (read from /proc; none where there is no /proc)."""
    found: list[int] = []
    try:
        entries = os.listdir("/proc")
    except OSError:
        return found
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            parent = int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        if parent == pid:
            found.append(int(entry))
    return found


def _capped(value: Any, default: int, most: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    return max(1, min(number, most))


def end_with_the_server(leave: Callable[[], None], private: Path) -> None:
    """In a tab's process: when the server is gone, however it went (kill -9 included), or it sends SIGTERM
    (the tab's connection is gone: end_tab), leave the app, and if that does not end the process within a few
    seconds, remove its private folder and end it."""

    def ask() -> None:
        try:
            leave()
        except Exception:  # noqa: BLE001 - the app may already be ending
            pass

    def end() -> None:
        # asked in a thread of its own: an app blocked writing to a connection that is gone never answers,
        # and the folder must go all the same
        threading.Thread(target=ask, name="asked-to-leave", daemon=True).start()
        time.sleep(5)
        shutil.rmtree(private, ignore_errors=True)
        sys.stderr.flush()
        os._exit(0)

    def asked(_signal: int, _frame: Any) -> None:
        threading.Thread(target=end, name="end-when-asked", daemon=True).start()

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, asked)
    try:
        server = int(os.environ.get(SERVER_PID, "0"))
    except ValueError:
        return
    if server <= 0:
        return

    def watch() -> None:
        while _alive(server):
            time.sleep(0.5)
        end()

    threading.Thread(target=watch, name="end-with-the-server", daemon=True).start()


def _alive(pid: int) -> bool:
    from .portable import process_alive

    return process_alive(pid)
