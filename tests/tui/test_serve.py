"""`contested serve`: the explorer in a real headless Chromium, driven through the DevTools
protocol, and the server's guard checked with plain HTTP.

The browser tests need Debian's `chromium` package (`.ci/run` installs it); where it is
missing they are skipped, saying so, as the tmux tests are without tmux.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import AsyncIterator, Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import aiohttp
import pytest

from contested.review.store import NotesStore
from contested.tui.serve import ANALYST_VARIABLE, READ_ONLY_VARIABLE, SERVED_READ_ONLY
from contested.tui.serve.server import Served, SessionExplorer
from tests.tui.helpers import app_on, ready, screen_text

ARTEFACTS = Path(__file__).parent / "artefacts"
CHROMIUM = shutil.which("chromium")
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (apt-get install chromium; "
                             ".ci/run installs it)")

BUNDLED_EVENT = "Ukraine launches a surprise offensive"
"""The start of a bundled event's title: the catalog has arrived when it shows."""
SECOND_EVENT = "North Korean soldiers support Moscow in the Kursk region"
"""The second event's whole title: shown in its detail once the cursor is on it."""


# --- the server, a real process ------------------------------------------------------------


class Serving:
    """`contested serve` running: its URL, and everything it printed so far."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.process = process
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line)

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def wait_for(self, pattern: str, timeout: float = 60) -> re.Match[str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = re.search(pattern, self.output)
            if found:
                return found
            if self.process.poll() is not None and not self._reader.is_alive():
                break
            time.sleep(0.05)
        raise AssertionError(f"{pattern!r} was never printed; the server printed:\n"
                             f"{self.output}")

    @property
    def url(self) -> str:
        return self.wait_for(r"open: (http://\S+)").group(1)

    def stop(self) -> int:
        """ctrl+c, as a person would type it; the exit status."""
        self.process.send_signal(signal.SIGINT)
        status = self.process.wait(timeout=30)
        self._reader.join(timeout=5)
        return status


def serve_command(*arguments: str) -> list[str]:
    return [sys.executable, "-m", "contested", "serve", *arguments]


@contextlib.contextmanager
def serving(*arguments: str) -> Iterator[Serving]:
    """`contested serve ARGUMENTS` (any free port unless told), ended in any case."""
    port = [] if "--port" in arguments else ["--port", "0"]
    process = subprocess.Popen(serve_command(*port, *arguments), stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    try:
        yield Serving(process)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=30)


def get(url: str) -> tuple[int, str]:
    """Plain HTTP: the status and the body."""
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read().decode(errors="replace")
    except urllib.error.HTTPError as refused:
        return refused.code, refused.read().decode(errors="replace")


def without_token(url: str) -> str:
    return url.split("?", 1)[0]


class References(HTMLParser):
    """Every URL a page references (src, href, action) and every url(...) in its styles."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self._style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.urls += [value for name, value in attrs
                      if name in ("src", "href", "action") and value is not None]
        self._style = tag == "style"

    def handle_data(self, data: str) -> None:
        if self._style:
            self.urls += re.findall(r"url\(\s*[\"']?([^\"')]+)", data)


def off_host(page_url: str, urls: list[str]) -> list[str]:
    """The URLs that leave the server that served `page_url` (a `data:` URL is the
    page's own: nothing is requested)."""
    home = urlsplit(page_url)
    targets = {url: urlsplit(urljoin(page_url, url)) for url in urls
               if not url.startswith("data:")}
    return [url for url, target in targets.items()
            if target.netloc != home.netloc or target.scheme not in ("http", "ws")]


# --- plain HTTP --------------------------------------------------------------------------


def test_a_request_without_the_token_is_refused_and_the_page_stays_on_this_machine(
        tmp_path: Path) -> None:
    with serving("--notes", str(tmp_path / "notes.yaml")) as server:
        url = server.url
        home = without_token(url)
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/\?token=[\w-]{32}", url), url
        token = url.split("token=", 1)[1]
        assert get(home)[0] == 403
        assert get(f"{home}?token={token[:-1]}")[0] == 403
        assert get(f"{home}?token={token}x")[0] == 403
        assert get(f"{home}static/js/textual.js")[0] == 403
        assert get(f"{home}ws/anything")[0] == 403
        status, page = get(url)
        assert status == 200
        references = References()
        references.feed(page)
        assert len(references.urls) >= 4  # its styles, script and fonts
        assert off_host(url, references.urls) == []
        for reference in references.urls:  # and each of them is served
            if reference.startswith("data:"):
                continue
            assert get(urljoin(url, reference))[0] == 200, reference
        assert "googleapis" not in page
        assert server.stop() == 0


def test_two_servers_have_two_tokens(tmp_path: Path) -> None:
    with serving("--notes", str(tmp_path / "a.yaml")) as one, \
            serving("--notes", str(tmp_path / "b.yaml")) as two:
        first, second = one.url, two.url
        assert first.split("token=")[1] != second.split("token=")[1]
        assert get(without_token(second) + "?token=" + first.split("token=")[1])[0] == 403


def test_a_port_taken_is_said_in_one_line_with_how_to_choose_another(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(serve_command("--port", str(port), "--notes",
                                            str(tmp_path / "notes.yaml")),
                              check=False, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert f"port {port} is taken" in lines[0]
    assert "--port" in lines[0]


def test_notes_allowed_the_page_asks_a_colleague_for_a_name(tmp_path: Path) -> None:
    with serving("--allow-notes", "--notes", str(tmp_path / "notes.yaml")) as server:
        url = server.url
        status, page = get(url)
        assert status == 200
        assert 'name="analyst"' in page
        assert "data-session-websocket-url" not in page  # no explorer before a name
        status, page = get(url + "&analyst=Ana%20Lyst")
        assert status == 200
        assert "data-session-websocket-url" in page
        assert get(url + "&analyst=%1B%5B2J")[0] == 400  # a name to read, never an escape
        assert server.stop() == 0


def test_analyst_is_for_notes_allowed(tmp_path: Path) -> None:
    done = subprocess.run(serve_command("--analyst", "Ana", "--port", "0"),
                          check=False, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "--allow-notes" in done.stderr


# --- each session's explorer ---------------------------------------------------------------


def _environment_of(served: Served, analyst: str | None) -> dict[str, str]:
    async def noop(_: object) -> None:
        return None

    async def close() -> None:
        return None

    from textual_serve.server import Server

    explorer = SessionExplorer(served.command(), served.environment(analyst),
                               write_bytes=noop, write_str=noop, close=close,
                               server=Server("true"))
    return explorer._build_environment()


def test_each_session_is_told_its_name_or_read_only_through_its_environment(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ANALYST_VARIABLE, "the server's own user")
    monkeypatch.setenv(READ_ONLY_VARIABLE, "1")
    notes = tmp_path / "notes.yaml"
    hostile = "Ana; rm -rf ~ $(reboot) `x` 'q\""
    allowed = _environment_of(Served([], notes, allow_notes=True, analyst="Server"), hostile)
    assert allowed[ANALYST_VARIABLE] == hostile
    assert READ_ONLY_VARIABLE not in allowed
    read_only = _environment_of(Served([], notes), hostile)
    assert read_only[READ_ONLY_VARIABLE] == "1"
    assert ANALYST_VARIABLE not in read_only
    command = Served(["/a b/$(x)"], notes).command()
    assert command[-2:] == ["--", "/a b/$(x)"]  # an argument list: no shell reads it


async def test_a_served_explorer_without_notes_allowed_saves_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(READ_ONLY_VARIABLE, "1")
    notes = tmp_path / "notes.yaml"
    app = app_on(notes=notes)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        await pilot.press("asterisk")
        await pilot.pause()
        assert "read-only" in screen_text(app)
    assert app.notes is not None
    assert app.notes.read_only == SERVED_READ_ONLY
    assert not notes.exists()
    assert NotesStore(notes).notes.count() == 0


# --- a real browser ------------------------------------------------------------------------

TERMINAL_HOOK = """
window.__terminals = [];
Object.defineProperty(Object.prototype, "terminal", {
  configurable: true,
  set(value) {
    Object.defineProperty(this, "terminal",
                          {value, writable: true, configurable: true, enumerable: true});
    if (value && value.buffer) window.__terminals.push(value);
  },
});
"""
"""Run before the page's scripts: textual.js keeps its xterm.js terminal in a closure,
and sets it as `this.terminal`; this keeps a reference to read the screen's text from."""

SCREEN_TEXT = """
(() => {
  const terminal = window.__terminals[0];
  if (!terminal) return "";
  const buffer = terminal.buffer.active, lines = [];
  for (let row = 0; row < terminal.rows; row++) {
    const line = buffer.getLine(buffer.viewportY + row);
    lines.push(line ? line.translateToString(true) : "");
  }
  return lines.join("\\n");
})()
"""


class DevTools:
    """One page of Chromium, driven through the DevTools protocol."""

    def __init__(self, websocket: aiohttp.ClientWebSocketResponse) -> None:
        self.websocket = websocket
        self.events: list[dict[str, Any]] = []
        self._next = 0
        self._waiting: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self._reader = asyncio.ensure_future(self._read())

    async def _read(self) -> None:
        async for message in self.websocket:
            data = json.loads(message.data)
            if "id" in data and data["id"] in self._waiting:
                self._waiting.pop(data["id"]).set_result(data)
            elif "method" in data:
                self.events.append(data)

    async def send(self, method: str, **params: Any) -> dict[str, Any]:
        self._next += 1
        waiting = asyncio.get_running_loop().create_future()
        self._waiting[self._next] = waiting
        await self.websocket.send_json({"id": self._next, "method": method, "params": params})
        answer = await asyncio.wait_for(waiting, 30)
        assert "error" not in answer, answer
        result: dict[str, Any] = answer["result"]
        return result

    async def evaluate(self, expression: str) -> Any:
        result = await self.send("Runtime.evaluate", expression=expression,
                                 returnByValue=True)
        return result["result"].get("value")

    async def screen(self) -> str:
        return str(await self.evaluate(SCREEN_TEXT) or "")

    async def wait_for(self, *texts: str, timeout: float = 90) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = await self.screen()
            if all(text in screen for text in texts):
                return screen
            await asyncio.sleep(0.2)
        raise AssertionError(f"{texts!r} never appeared in the browser; it showed:\n{screen}")

    async def type(self, text: str) -> None:
        """Keys typed into the terminal, as a person's (the terminal focused first)."""
        await self.evaluate("window.__terminals[0].focus()")
        for char in text:
            await self.send("Input.dispatchKeyEvent", type="keyDown", key=char, text=char)
            await self.send("Input.dispatchKeyEvent", type="keyUp", key=char)

    def requested(self) -> list[str]:
        """Every URL the page asked for, websockets included."""
        return [event["params"]["request"]["url"] if "request" in event["params"]
                else event["params"]["url"] for event in self.events
                if event["method"] in ("Network.requestWillBeSent",
                                       "Network.webSocketCreated")]

    def problems(self) -> list[str]:
        """What the page's console said was wrong (a blocked request, an exception)."""
        said = [f'{event["params"]["entry"]["text"]} {event["params"]["entry"].get("url", "")}'
                for event in self.events
                if event["method"] == "Log.entryAdded"
                and event["params"]["entry"]["level"] == "error"]
        return said + [json.dumps(event["params"]) for event in self.events
                       if event["method"] == "Runtime.exceptionThrown"]


@contextlib.asynccontextmanager
async def browser(tmp_path: Path) -> AsyncIterator[DevTools]:
    """A headless Chromium of its own (profile in tmp_path), one blank page."""
    assert CHROMIUM is not None
    profile = tmp_path / "chromium-profile"
    process = subprocess.Popen(
        [CHROMIUM, "--headless=new", "--no-sandbox", "--remote-debugging-port=0",
         f"--user-data-dir={profile}", "--window-size=1280,800", "--no-first-run",
         "--no-default-browser-check", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-extensions",
         "about:blank"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        active = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 60
        while not (active.exists() and len(active.read_text().splitlines()) >= 2):
            assert process.poll() is None, "chromium ended at start"
            assert time.monotonic() < deadline, "chromium never opened its DevTools port"
            await asyncio.sleep(0.1)
        port = active.read_text().splitlines()[0]
        async with aiohttp.ClientSession() as session:
            async with session.get(f"http://127.0.0.1:{port}/json/list") as listed:
                targets = await listed.json()
            page = next(t for t in targets if t["type"] == "page")
            async with session.ws_connect(page["webSocketDebuggerUrl"],
                                          max_msg_size=0) as websocket:
                tools = DevTools(websocket)
                for domain in ("Page", "Network", "Runtime", "Log"):
                    await tools.send(f"{domain}.enable")
                await tools.send("Page.addScriptToEvaluateOnNewDocument",
                                 source=TERMINAL_HOOK)
                yield tools
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)


def screenshot(data: dict[str, Any], name: str) -> Path:
    ARTEFACTS.mkdir(exist_ok=True)
    path = ARTEFACTS / name
    path.write_bytes(base64.b64decode(data["data"]))
    return path


def explorers_of(server: Serving) -> list[int]:
    """The process ids of the explorers the server started (its children)."""
    children = Path(f"/proc/{server.process.pid}/task/{server.process.pid}/children")
    return [int(pid) for pid in children.read_text().split()] if children.exists() else []


@needs_chromium
async def test_the_bundled_catalog_arrives_in_a_real_browser_read_only(
        tmp_path: Path) -> None:
    notes = tmp_path / "notes.yaml"
    with serving("--notes", str(notes)) as server:
        url = server.url
        async with browser(tmp_path) as page:
            await page.send("Page.navigate", url=url)
            screen = await page.wait_for("Timeline", BUNDLED_EVENT)
            assert "read-only" in await page.wait_for("read-only"), screen
            shot = screenshot(await page.send("Page.captureScreenshot", format="png"),
                              "serve.png")
            assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
            explorers = explorers_of(server)
            assert len(explorers) == 1
            await page.type("j")  # the keys reach the explorer: the next event's detail
            await page.wait_for(SECOND_EVENT)
            await page.type("*")  # a star, refused: nothing is saved
            await asyncio.sleep(1)
            requested = page.requested()
            assert any(u.startswith(("ws://", "wss://")) for u in requested), requested
            assert off_host(url, requested) == []
            assert page.problems() == []
            assert server.stop() == 0  # ctrl+c with a session open
        assert not notes.exists()
    assert "stopped" in server.output
    assert "Traceback" not in server.output
    for pid in explorers:  # each session's explorer ended with the server
        assert not Path(f"/proc/{pid}").exists() or "Z" in (
            Path(f"/proc/{pid}/stat").read_text().split()[2])


@needs_chromium
async def test_notes_allowed_a_colleague_s_star_is_saved_in_the_shared_file(
        tmp_path: Path) -> None:
    notes = tmp_path / "notes.yaml"
    with serving("--allow-notes", "--notes", str(notes)) as server:
        async with browser(tmp_path) as page:
            await page.send("Page.navigate", url=server.url + "&analyst=Ana%20Lyst")
            await page.wait_for("Timeline", BUNDLED_EVENT)
            await page.type("j")
            await page.wait_for(SECOND_EVENT)
            await page.type("*")
            deadline = time.monotonic() + 30
            while not (notes.exists() and NotesStore(notes).notes.count()):
                assert time.monotonic() < deadline, "the star was never saved"
                await asyncio.sleep(0.2)
            assert server.stop() == 0
    note = NotesStore(notes).get("event", "north-korean-support")
    assert note.star
    assert "Ana Lyst" in notes.read_text()  # signed with the name the colleague gave
