"""The room's door: how many connections it lets in at once, how long a client may take to say what it
wants, and what reaches the trainer's terminal when clients misbehave (one short line a kind a second).

aiohttp closes a connection that sits idle (its keep-alive timeout, which also bounds the time to send a
request's headers) but not one that trickles a body in a byte at a time, and it accepts connections until
the process runs out of files. The body is bounded in the room's middleware (app.py); the count here.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import time
from functools import partial
from typing import Any, Callable, TextIO

from ..flow.visible import visible

# nothing from other sites; the one script only refreshes the live parts of a page
POLICY = ("default-src 'none'; style-src 'self'; script-src 'self'; connect-src 'self'; img-src 'self';"
          " form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
# on every response, an error included: the room's own pages (app.py's middleware) and what the web server
# answers itself before a request reaches the room (RoomRequestHandler)
HEADERS = {"Content-Security-Policy": POLICY, "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
           "X-Frame-Options": "DENY", "Cache-Control": "no-store"}
UNREADABLE = "The room could not read that request: it was too long or not a web request. Check the address.\n"

# files the room needs besides its connections: its listening socket, the session files it writes, the
# lock, the templates and Python's own
SPARE_FILES = 64
MOST_CONNECTIONS = 1000
LINGER = 2  # seconds
BUSY = (b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n"
        b"Retry-After: 5\r\nX-Content-Type-Options: nosniff\r\nCache-Control: no-store\r\nContent-Length: 44\r\n"
        b"\r\nThe room is busy: try again in a moment.\r\n\r\n")


class Notices:
    """What the room says on stderr about clients and its own failures: at most one line for each kind
    a second, the rest counted and said with the next line of that kind, every character shown visibly."""

    def __init__(self, out: TextIO | None = None, clock: Callable[[], float] = time.monotonic):
        self.out = out
        self.clock = clock
        self.last: dict[str, float] = {}
        self.held: dict[str, int] = {}

    def say(self, kind: str, message: str) -> bool:
        now = self.clock()
        if now - self.last.get(kind, -1e9) < 1:
            self.held[kind] = self.held.get(kind, 0) + 1
            return False
        if len(self.last) > 1000:  # kinds come from exception types: few, but never let them pile up
            self.last.clear()
        self.last[kind] = now
        more = self.held.pop(kind, 0)
        line = visible(message)[:300] + (f" (and {more:,} more like it)" if more else "")
        print(f"codesign room: {line}", file=self.out or sys.stderr, flush=True)
        return True


NOTICES = Notices()


class NoticeHandler(logging.Handler):
    """aiohttp's and asyncio's log records as notices: no traceback, one line a kind a second."""

    def __init__(self, notices: Notices):
        super().__init__(logging.WARNING)
        self.notices = notices

    def emit(self, record: logging.LogRecord) -> None:
        try:
            error = record.exc_info[1] if record.exc_info else None
            message = record.getMessage()
            if error is not None:
                message += f": {type(error).__name__}: {error}"
            self.notices.say(f"{record.name}:{type(error).__name__ if error else record.levelname}", message)
        except Exception:  # a log line that cannot be said is not worth a traceback
            pass


def quiet_logs(notices: Notices = NOTICES) -> None:
    """Send the web server's and the event loop's complaints through `notices`."""
    handler = NoticeHandler(notices)
    for name in ("aiohttp", "asyncio"):
        logger = logging.getLogger(name)
        logger.handlers = [handler]
        logger.propagate = False


def connection_cap(open_files: int | None) -> int:
    """How many connections the room holds at once: below the process's open-file limit, leaving room
    for the files it writes, so that running out of files never starts."""
    if open_files is None:
        return MOST_CONNECTIONS
    return max(4, min(MOST_CONNECTIONS, open_files - SPARE_FILES, open_files * 3 // 4))


class Door:
    """Counts the room's open connections, in all and by client; one past either cap gets a short 'busy'
    reply and is closed at once, before aiohttp sees it. A browser opens about six connections to a
    server, so one client holding a quarter of the room's is not a person."""

    def __init__(self, cap: int, notices: Notices = NOTICES, per_client: int = 0):
        self.cap = cap
        self.per_client = per_client or max(8, cap // 4)
        self.open = 0
        self.by_client: dict[str, int] = {}
        self.notices = notices

    def protocol(self, make: Callable[[], asyncio.Protocol]) -> Callable[[], asyncio.Protocol]:
        return lambda: Counted(self, make)


class Counted(asyncio.Protocol):
    """One connection, handed to aiohttp's protocol if the door has room for it."""

    def __init__(self, door: Door, make: Callable[[], asyncio.Protocol]):
        self.door = door
        self.make = make
        self.inner: Any = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        from .seats import client_of

        door = self.door
        peer = transport.get_extra_info("peername")
        self.client = client_of(peer[0] if isinstance(peer, tuple) and peer else None)
        if door.open >= door.cap or door.by_client.get(self.client, 0) >= door.per_client:
            door.notices.say("busy", f"a connection from {self.client} was turned away: the room holds"
                                     f" {door.cap:,} at once, {door.per_client:,} from one client")
            try:
                transport.write(BUSY)  # type: ignore[attr-defined]
            finally:
                transport.close()
            return
        door.open += 1
        door.by_client[self.client] = door.by_client.get(self.client, 0) + 1
        self.inner = self.make()
        self.inner.connection_made(transport)

    def connection_lost(self, exc: Exception | None) -> None:
        if self.inner is not None:
            door = self.door
            door.open -= 1
            left = door.by_client.get(self.client, 1) - 1
            if left > 0:
                door.by_client[self.client] = left
            else:
                door.by_client.pop(self.client, None)
            self.inner.connection_lost(exc)
            self.inner = None

    def data_received(self, data: bytes) -> None:
        if self.inner is not None:
            self.inner.data_received(data)

    def eof_received(self) -> bool | None:
        return self.inner.eof_received() if self.inner is not None else None

    def pause_writing(self) -> None:
        if self.inner is not None:
            self.inner.pause_writing()

    def resume_writing(self) -> None:
        if self.inner is not None:
            self.inner.resume_writing()


def request_handler(server: Any, loop: asyncio.AbstractEventLoop, **options: Any) -> Any:
    """aiohttp's handler of one connection, answering a request it cannot read (a request line over
    `max_line_size`, a header too large, too many headers, bytes that are not HTTP) in the room's words and with
    its headers. aiohttp answers those itself, before the application and its middleware see anything, with
    a bare 400 (`RequestHandler.handle_error`); the application's `on_response_prepare` is not sent for them
    either. Its failures are logged as before (one line a kind a second, see NoticeHandler)."""
    from aiohttp import web

    class RoomRequestHandler(web.RequestHandler):
        def handle_error(self, request: Any, status: int = 500, exc: BaseException | None = None,
                         message: str | None = None) -> web.StreamResponse:
            response = super().handle_error(request, status, exc, message)  # logs it; may raise ConnectionError
            answer = web.Response(status=response.status, text=UNREADABLE if status < 500 else
                                  "Something went wrong in the room. Try again; if it happens again, tell the"
                                  " trainer.\n", content_type="text/plain", headers=HEADERS)
            answer.force_close()
            return answer

    return RoomRequestHandler(server, loop=loop, **options)


async def open_door(app: Any, host: str, port: int, header_seconds: float, connections: int = 0,
                    handle_signals: bool = False, proxied: bool = False) -> tuple[Any, asyncio.AbstractServer, Door]:
    """The room listening behind its door: aiohttp's runner, the listening server and the door. `proxied`:
    every connection comes from the reverse proxy, which may hold all of them (no cap by client)."""
    from aiohttp import web

    from ..portable import open_file_limit

    cap = connections or connection_cap(open_file_limit())
    door = Door(cap, per_client=cap if proxied else 0)
    # the keep-alive timeout also closes a connection that has not sent a whole request's headers in time
    # and a body left unread after the reply is read for two seconds at most (aiohttp's default is ten)
    # and an address up to 16 KB reaches the room, which answers a long one with its own page and headers
    options: dict[str, Any] = {"access_log": None, "keepalive_timeout": header_seconds,
                               "lingering_time": LINGER, "max_line_size": 16 * 1024}
    runner = web.AppRunner(app, handle_signals=handle_signals, **options)
    await runner.setup()
    manager = runner.server  # made by setup(): it keeps the connections that its handlers report
    assert manager is not None, "aiohttp's runner made no server"
    loop = asyncio.get_running_loop()
    # each connection's handler made as aiohttp's server makes it (Server.__call__), with the same options
    handler = partial(request_handler, manager, loop, **options)
    try:
        server = await loop.create_server(door.protocol(handler), host, port, reuse_address=True, backlog=128)
    except BaseException:
        await runner.cleanup()
        raise
    return runner, server, door


def serve(app: Any, host: str, port: int, header_seconds: float, connections: int = 0,
          proxied: bool = False) -> None:
    """Run the room's web application until Ctrl+C (or SIGTERM), behind the door. OSError when it cannot
    listen there."""
    from aiohttp import web

    quiet_logs()
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    loop.set_exception_handler(lambda loop, context: NOTICES.say(
        f"loop:{type(context.get('exception')).__name__}",
        f"{context.get('message')}: {context.get('exception') or ''}"))
    opened = None
    try:
        opened = loop.run_until_complete(open_door(app, host, port, header_seconds, connections,
                                                   handle_signals=True, proxied=proxied))
        loop.run_forever()
    except (web.GracefulExit, KeyboardInterrupt):
        pass
    finally:
        if opened is not None:
            runner, server, _ = opened
            server.close()
            loop.run_until_complete(runner.cleanup())
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.close()
        asyncio.set_event_loop(None)
