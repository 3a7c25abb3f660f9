"""The web server of `contested serve`: textual-serve's, with what it lacks for a review.

textual-serve starts one process per browser connection and serves its bundled scripts
and styles. Wrapped here:

- a token: every request (the page, its static files, the websocket, a download) must
  carry the run's random token, in the URL printed at start or in the cookie the page
  sets, compared in constant time; anything else is refused (403);
- our page (`page.html`), which requests nothing beyond this machine;
- each session's explorer is `contested` itself, started without a shell (the analyst's
  name is data: it goes in the environment), in a process group of its own so that
  ctrl+c reaches the server alone, which then ends every explorer it started;
- read-only unless notes are allowed; then each session's notes are signed with the
  name the colleague gives (`?analyst=NAME`) or the one the server was given.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import hmac
import logging
import os
import secrets
import shlex
import signal
import socket
import sys
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import TextIO

import jinja2
from aiohttp import web
from textual_serve.app_service import AppService
from textual_serve.server import Server, to_int

from contested.errors import ContestedError
from contested.support.text import is_printable, printable
from contested.tui.serve import (
    ANALYST_VARIABLE,
    DEFAULT_HOST,
    DEFAULT_PORT,
    READ_ONLY_VARIABLE,
)

log = logging.getLogger("contested.serve")

STOP_WAIT = 5.0
"""Seconds an explorer is given to quit when its session or the server ends, before it
is killed."""
SESSIONS_KEPT = 1000
"""Pages handed out whose websocket may still connect (the oldest are forgotten)."""
NAME_LIMIT = 100
"""The longest analyst's name taken from a URL, in characters."""

PAGE_POLICY = "; ".join([
    "default-src 'none'", "script-src 'self' 'unsafe-inline'",
    "style-src 'self' 'unsafe-inline'", "img-src 'self' data:", "font-src 'self'",
    "connect-src 'self'", "form-action 'self'", "base-uri 'none'", "frame-ancestors 'none'",
])
"""The browser itself refuses to load anything from elsewhere than this server."""


class Unservable(ContestedError):
    """The server cannot start (its port is taken...): the message says what to do."""


@dataclass(frozen=True)
class Served:
    """What each browser session's explorer opens, and how."""

    paths: Sequence[str]
    notes: Path
    allow_notes: bool = False
    analyst: str | None = None
    """The name notes are signed with when the colleague gives none."""
    options: Sequence[str] = field(default_factory=tuple)
    """The explorer's own options passed on (--no-cache, --same-event-km...)."""

    def command(self) -> list[str]:
        """The explorer, as an argument list (no shell reads it)."""
        return [sys.executable, "-m", "contested", "--notes", str(self.notes),
                *self.options, "--", *self.paths]

    def environment(self, analyst: str | None) -> dict[str, str]:
        """What the explorer of a session is told through its environment."""
        if not self.allow_notes:
            return {READ_ONLY_VARIABLE: "1"}
        return {ANALYST_VARIABLE: analyst} if analyst else {}


class SessionExplorer(AppService):
    """One session's explorer: textual-serve's process, started without a shell, in its
    own process group, and ended for sure when the session ends."""

    def __init__(self, argv: list[str], environment: dict[str, str], *,
                 write_bytes: Callable[[bytes], Awaitable[None]],
                 write_str: Callable[[str], Awaitable[None]],
                 close: Callable[[], Awaitable[object]], server: Server) -> None:
        async def closing() -> None:
            await close()

        super().__init__(shlex.join(argv), write_bytes=write_bytes, write_str=write_str,
                         close=closing, download_manager=server.download_manager)
        self.argv = argv
        self.extra = environment

    def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
        environment = super()._build_environment(width, height)
        for name in (READ_ONLY_VARIABLE, ANALYST_VARIABLE):  # (the server's own: not theirs)
            environment.pop(name, None)
        environment.update(self.extra)
        return environment

    async def _open_app_process(self, width: int = 80,
                                height: int = 24) -> asyncio.subprocess.Process:
        pipe = asyncio.subprocess.PIPE
        self._process = process = await asyncio.create_subprocess_exec(
            *self.argv, stdin=pipe, stdout=pipe, stderr=pipe,
            env=self._build_environment(width, height), start_new_session=True)
        assert process.stdin is not None
        self._stdin = process.stdin
        return process

    async def stop(self) -> None:
        """Ask the explorer to quit; kill its process group if it has not in a while."""
        process = self._process
        with contextlib.suppress(TimeoutError, OSError):
            await asyncio.wait_for(super().stop(), STOP_WAIT)
        if process is None or process.returncode is not None:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(process.wait(), STOP_WAIT)


def session_name(given: str | None) -> str | None:
    """An analyst's name from a URL: None when none was given; refused (400) when it is
    not a name one could read (control or invisible characters) or is too long."""
    name = (given or "").strip()
    if not name:
        return None
    if len(name) > NAME_LIMIT or not is_printable(name):
        raise web.HTTPBadRequest(
            text=f"the analyst's name must be at most {NAME_LIMIT} characters, with no "
                 "control or invisible character\n")
    return name


class ExplorerServer(Server):
    """textual-serve's server, guarded by a token, serving our page and our explorer."""

    def __init__(self, served: Served, *, host: str, port: int, token: str) -> None:
        super().__init__(shlex.join(served.command()), host=host, port=port,
                         title="contested")
        self.served = served
        self.token = token
        self.sessions: OrderedDict[str, str | None] = OrderedDict()
        """Each page handed out → the name its session's notes are signed with."""
        self.running: set[tuple[web.WebSocketResponse, SessionExplorer]] = set()
        page = files("contested.tui.serve").joinpath("page.html").read_text("utf-8")
        self.page = jinja2.Environment(autoescape=True).from_string(page)

    @property
    def cookie(self) -> str:
        """The cookie holding the token (named for the port: cookies ignore ports, and
        two servers on one machine have two tokens)."""
        return f"contested-serve-{self.port}"

    def _carries_token(self, request: web.Request) -> bool:
        expected = self.token.encode()
        return any(
            hmac.compare_digest(given.encode("utf-8", "replace"), expected)
            for given in (request.query.get("token"), request.cookies.get(self.cookie))
            if given is not None)

    async def make_app(self) -> web.Application:
        @web.middleware
        async def guard(request: web.Request,
                        handler: Callable[[web.Request], Awaitable[web.StreamResponse]],
                        ) -> web.StreamResponse:
            if not self._carries_token(request):
                raise web.HTTPForbidden(
                    text="contested serve: this address needs the token in the URL "
                         "printed when the server started (…/?token=…)\n")
            return await handler(request)

        app = web.Application(middlewares=[guard])
        app.add_routes([
            web.get("/", self.handle_index),
            web.get("/ws/{session}", self.handle_websocket),
            web.get("/download/{key}", self.handle_download),
            web.static("/static", self.statics_path),
        ])
        app.on_shutdown.append(self.on_shutdown)
        return app

    async def handle_index(self, request: web.Request) -> web.Response:
        """Our page, and the cookie that lets its own requests through."""
        analyst = session_name(request.query.get("analyst")) or self.served.analyst
        ask_name = self.served.allow_notes and not analyst
        session = ""
        if not ask_name:
            session = secrets.token_urlsafe(16)
            self.sessions[session] = analyst if self.served.allow_notes else None
            while len(self.sessions) > SESSIONS_KEPT:
                self.sessions.popitem(last=False)
        html = self.page.render(
            font_size=to_int(request.query.get("fontsize", "16"), 16),
            app_websocket_url=f"ws/{session}",
            config={"static": {"url": "static/"}},
            application={"name": "contested"},
            token=self.token, ask_name=ask_name, read_only=not self.served.allow_notes,
            name_limit=NAME_LIMIT)
        response = web.Response(text=html, content_type="text/html", headers={
            "Content-Security-Policy": PAGE_POLICY,
            "Referrer-Policy": "no-referrer",  # a link followed never carries the token
            "Cache-Control": "no-store",
        })
        response.set_cookie(self.cookie, self.token, httponly=True, samesite="Strict",
                            path="/")
        return response

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        """One session: its explorer runs while the browser's websocket stays open."""
        session = request.match_info["session"]
        if session not in self.sessions:
            raise web.HTTPForbidden(text="contested serve: unknown session; open the page "
                                         "again\n")
        websocket = web.WebSocketResponse(heartbeat=15)
        width = to_int(request.query.get("width", "80"), 80)
        height = to_int(request.query.get("height", "24"), 24)
        await websocket.prepare(request)
        explorer = SessionExplorer(
            self.served.command(), self.served.environment(self.sessions[session]),
            write_bytes=websocket.send_bytes, write_str=websocket.send_str,
            close=websocket.close, server=self)
        entry = (websocket, explorer)
        self.running.add(entry)
        try:
            await explorer.start(width, height)
            await self._process_messages(websocket, explorer)
        except asyncio.CancelledError:
            pass
        except Exception as error:  # a malformed message ends its own session only
            log.warning("a session ended on %s", printable(repr(error)))
        finally:
            await explorer.stop()
            self.running.discard(entry)
            await websocket.close()
        return websocket

    async def on_shutdown(self, app: web.Application) -> None:
        """End every session's explorer, then its websocket."""
        running = list(self.running)
        await asyncio.gather(*(explorer.stop() for _, explorer in running))
        await asyncio.gather(*(websocket.close() for websocket, _ in running))

    async def on_startup(self, app: web.Application) -> None:
        """(textual-serve prints a banner here; `serve` prints the URL instead.)"""


def url_host(host: str) -> str:
    """The host as written in the URL printed: this machine's name when listening
    everywhere, an IPv6 address in brackets."""
    if host in ("", "0.0.0.0", "::"):
        return socket.gethostname()
    return f"[{host}]" if ":" in host else host


def _bind_problem(error: OSError, host: str, port: int) -> str:
    if error.errno == errno.EADDRINUSE:
        return (f"port {port} is taken on {host} (another program, or another contested "
                "serve, listens there); choose another with --port PORT, or --port 0 for "
                "any free port")
    if error.errno == errno.EACCES:
        return (f"port {port} needs privileges this user lacks; choose one above 1023 "
                "with --port PORT")
    reason = error.strerror or str(error)
    return f"cannot listen on {host} port {port}: {reason}; check --host and --port"


async def _serve(served: Served, host: str, port: int, out: TextIO) -> None:
    token = secrets.token_urlsafe(24)
    server = ExplorerServer(served, host=host, port=port, token=token)
    runner = web.AppRunner(await server.make_app(), handle_signals=False, access_log=None,
                           shutdown_timeout=STOP_WAIT)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
    except OSError as error:
        await runner.cleanup()
        raise Unservable(_bind_problem(error, host, port)) from None
    bound = runner.addresses[0][1] if runner.addresses else port
    server.port = bound  # (port 0: the one the system chose)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for number in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(number, stop.set)
    notes = (f"notes allowed, in {served.notes}, signed with each colleague's name"
             if served.allow_notes else "read-only (--allow-notes lets colleagues keep notes)")
    print(f"contested serve: the explorer in a browser, {printable(notes)}", file=out)
    print(f"open: http://{url_host(host)}:{bound}/?token={token}", file=out)
    print("ctrl+c stops it", file=out, flush=True)
    try:
        await stop.wait()
        print("stopping: ending every session's explorer", file=out, flush=True)
        await runner.cleanup()
    finally:
        for number in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(number)
    print("stopped", file=out, flush=True)


def serve(served: Served, *, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT,
          out: TextIO = sys.stdout) -> None:
    """Serve the explorer until ctrl+c (or SIGTERM); raises Unservable when it cannot
    start."""
    asyncio.run(_serve(served, host, port, out))
