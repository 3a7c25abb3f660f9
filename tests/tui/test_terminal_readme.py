"""The README's explorer in a real terminal: the installed `contested` in tmux at 80x24
(no COLORTERM), driven key by key as a person would, read back with `capture-pane`.

No fixed sleeps: every step waits, up to a deadline, until the screen shows what it
should, and fails with the last screen. `.ci/run` installs tmux, so these never skip in
CI.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from contested.catalog.discover import bundled_catalog
from contested.catalog.loading import load_catalog
from contested.engine.analysis import analyse
from contested.present.filters import apply, parse_filter
from contested.review.notes import View
from contested.review.store import NotesStore
from tests.tui.helpers import counts

CONTESTED = Path(sys.executable).parent / "contested"
WIDTH, HEIGHT = 80, 24
pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


class Terminal:
    """One tmux server of its own, running one command in a window of a fixed size."""

    def __init__(self, command: str, *, config: Path | None = None,
                 env: dict[str, str] | None = None) -> None:
        self.socket = f"contested-readme-{uuid.uuid4().hex[:8]}"
        environment = {k: v for k, v in os.environ.items()
                       if k not in ("COLORTERM", "NO_COLOR", "TMUX")}
        environment["TERM"] = "xterm-256color"
        environment.update(env or {})
        subprocess.run(["tmux", "-L", self.socket, "-f", str(config or "/dev/null"),
                        "new-session", "-d", "-s", "main", "-x", str(WIDTH), "-y", str(HEIGHT),
                        command], check=True, env=environment, timeout=20)

    def tmux(self, *args: str) -> str:
        done = subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True,
                              text=True, timeout=20, check=False)
        return done.stdout

    def screen(self, styles: bool = False) -> str:
        return self.tmux("capture-pane", "-p", "-t", "main", *(["-e"] if styles else []))

    def keys(self, *keys: str) -> None:
        """tmux key names (`Enter`, `Escape`, `C-p`), one after the other."""
        self.tmux("send-keys", "-t", "main", *keys)

    def type(self, text: str) -> None:
        self.tmux("send-keys", "-t", "main", "-l", text)

    def until(self, check: Callable[[str], bool], what: str, timeout: float = 15.0,
              styles: bool = False) -> str:
        """The screen, once `check` holds for it; else fail with the last screen."""
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen(styles)
            if check(screen):
                return screen
            time.sleep(0.05)
        raise AssertionError(f"{what}: not within {timeout} s; the screen was:\n{screen}")

    def showing(self, *texts: str, timeout: float = 15.0) -> str:
        return self.until(lambda screen: all(t in screen for t in texts),
                          f"{texts!r} on screen", timeout)

    def value(self, name: str) -> str:
        """A tmux format of the window (`#{mouse_any_flag}`)."""
        return self.tmux("display", "-p", "-t", "main", name).strip()

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True,
                       check=False, timeout=20)


Launch = Callable[..., Terminal]


@pytest.fixture
def launch(tmp_path: Path) -> Iterator[Launch]:
    """Start `contested ARGS` (notes in tmp_path unless given) in a terminal of its own."""
    started: list[Terminal] = []

    def start(*args: str, env: dict[str, str] | None = None,
              tmux_options: tuple[str, ...] = ()) -> Terminal:
        config = tmp_path / f"tmux-{len(started)}.conf"
        config.write_text("".join(f"{line}\n" for line in tmux_options))
        if "--notes" not in args:
            args = ("--notes", str(tmp_path / "notes.yaml"), *args)
        command = shlex.join([str(CONTESTED), *args])
        terminal = Terminal(f"{command}; sleep 60", config=config, env=env)
        started.append(terminal)
        return terminal

    yield start
    for terminal in started:
        terminal.close()


def ready(terminal: Terminal) -> str:
    """The first screen, once the engine's findings are in."""
    return terminal.showing("Ukraine launches", "9 contradictions", timeout=30)


def fits(screen: str) -> None:
    assert all(len(line) <= WIDTH for line in screen.splitlines()), screen


def header(screen: str) -> list[str]:
    """The lines above the first pane."""
    lines = screen.splitlines()
    end = next((n for n, line in enumerate(lines) if line.lstrip()[:1] in ("╔", "╭")),
               len(lines))
    return lines[:end]


def test_filter_in_a_real_terminal(launch: Launch) -> None:
    analysis = analyse(load_catalog([bundled_catalog()]).catalog)
    kept = apply(analysis, parse_filter("side:russia"), None)
    assert kept.events is not None
    events, total = len(kept.events), len(analysis.catalog.events)
    term = launch()
    ready(term)
    term.keys("f")
    term.showing("Filter every pane")
    term.type("side:russia")
    term.keys("Enter")
    screen = term.until(lambda s: any("FILTER" in line and "side:russia" in line
                                      for line in header(s)), "the filter in the header")
    fits(screen)
    title = next(line for line in screen.splitlines() if "1 Timeline:" in line)
    assert counts(title, events, total, "events"), title
    status = next(line for line in screen.splitlines() if " claims" in line
                  and line not in header(screen) and "║" not in line)
    assert counts(status, events, total, "events"), status
    dated = [line for line in screen.splitlines() if re.match(r"║\d{4}", line)]
    assert len(dated) == events, screen
    term.keys("Escape")  # clears the filter
    screen = term.until(lambda s: not any("FILTER" in line for line in header(s))
                        and f"1 Timeline: {total} events" in s, "the filter cleared by esc")
    fits(screen)


def test_search_in_a_real_terminal(launch: Launch) -> None:
    term = launch()
    ready(term)
    term.keys("/")
    term.showing("Search every field")
    term.type("Gadi")
    term.keys("Enter")
    screen = term.until(lambda s: re.search(r"match 1 of \d+", s) is not None, "match 1")
    fits(screen)
    found = re.search(r"match 1 of (\d+)", screen)
    assert found is not None
    total = int(found.group(1))
    assert total > 2
    term.keys("n")
    term.showing(f"match 2 of {total}")
    term.keys("N")
    term.showing(f"match 1 of {total}")
    term.keys("Enter")  # the match under the cursor: a claim of Franz-Stefan Gady
    screen = term.showing("linked", "Franz-Stefan Gady")
    fits(screen)
    term.keys("Escape")
    term.showing(f"match 1 of {total}")


def test_palette_in_a_real_terminal(launch: Launch) -> None:
    term = launch()
    ready(term)
    term.keys("C-p")
    term.showing("Search for commands")
    term.type("Contradictions")
    screen = term.showing("pane.contradictions")
    fits(screen)
    term.keys("Enter")
    screen = term.showing("4 Contradictions: 9")
    assert "Search for commands" not in screen
    fits(screen)


def test_help_in_a_real_terminal(launch: Launch) -> None:
    term = launch()
    ready(term)
    term.keys("?")
    screen = term.showing("Start here")
    fits(screen)
    assert re.search(r"\bDown +cursor\.down\b", screen), "the description and id run together"
    term.keys("G")
    screen = term.until(lambda s: "Remap any key" in s and "Start here" not in s,
                        "help scrolled to its end")
    fits(screen)
    assert re.search(r"\bQuit +quit\b", screen)
    term.keys("g")
    term.until(lambda s: "Start here" in s and "Remap any key" not in s,
               "help scrolled back to its start")
    term.keys("space")
    term.until(lambda s: "Start here" not in s, "help scrolled a page")
    term.keys("Escape")
    screen = term.until(lambda s: "Help: esc closes" not in s and "1 Timeline:" in s,
                        "help closed")
    fits(screen)


def test_detail_in_a_real_terminal(launch: Launch) -> None:
    term = launch()
    ready(term)
    term.keys("Enter")  # the first event: longer than its view at 80x24
    screen = term.until(lambda s: "╔═ linked:" in s, "the detail, its links focused")
    fits(screen)
    assert "written at" not in screen, "this test needs a detail that scrolls"
    term.keys("Tab")  # to the fields, which then have the double border
    term.until(lambda s: s.lstrip().startswith("╔═ event: ukraine-kursk-offensive")
               and "╭─ linked:" in s, "the focus on the fields")
    term.keys("G")
    screen = term.until(lambda s: "written at" in s and "EVENT  ukraine-kursk-offensive"
                        not in s, "the detail scrolled to its end")
    fits(screen)
    term.keys("g")
    term.until(lambda s: "written at" not in s, "the detail scrolled back to its start")
    term.keys("j")
    term.keys("Escape")
    screen = term.showing("1 Timeline:", "Ukraine launches")
    assert "linked:" not in screen


DETAIL_TITLE = re.compile(r"\s*[╔╭][═─] ([a-z]+): ")


@pytest.mark.parametrize(("keys", "kind"), [(("4", "Enter"), "contradiction"),
                                           (("5", "Enter"), "question")],
                         ids=["4 Enter", "5 Enter"])
def test_keys_typed_ahead_reach_the_pane_they_open(launch: Launch, keys: tuple[str, ...],
                                                   kind: str) -> None:
    """A pane key and enter typed in one go (as a practised hand, or a paste, sends them)
    open the detail of a row of that pane, not of the pane just left."""
    term = launch()
    ready(term)
    term.keys(*keys)
    screen = term.until(lambda s: "linked:" in s and DETAIL_TITLE.match(s) is not None,
                        "a detail")
    opened = DETAIL_TITLE.match(screen)
    assert opened is not None
    assert opened.group(1) == kind, f"{keys} opened {screen.splitlines()[0].strip()}"


def test_contested_view_opens_a_saved_view(launch: Launch, tmp_path: Path) -> None:
    notes = tmp_path / "team-notes.yaml"
    NotesStore(notes).save_view("russian sources", View(filter="side:russia"))
    term = launch("--notes", str(notes), "--view", "russian sources")
    screen = term.until(lambda s: any("FILTER" in line and "side:russia" in line
                                      for line in header(s)), "the view's filter", 30)
    fits(screen)
    assert "North Korean soldiers" not in screen  # not a Russian source's event


COLOURS = {*range(30, 38), 38, *range(40, 48), 48, *range(90, 98), *range(100, 108)}
"""SGR parameters that set a colour (39 and 49, back to the default, are none)."""


def sgr_parameters(line: str) -> set[int]:
    found: set[int] = set()
    for params in re.findall(r"\x1b\[([\d;:]*)m", line):
        found |= {int(p) for p in re.split(r"[;:]", params) if p.isdigit()}
    return found


def test_without_colour_nothing_is_coloured_and_the_cursor_shows(launch: Launch) -> None:
    term = launch(env={"NO_COLOR": "1"})
    ready(term)
    styled = term.screen(styles=True)
    coloured = [line for line in styled.splitlines() if sgr_parameters(line) & COLOURS]
    assert coloured == [], f"{len(coloured)} lines sent colours, the first: {coloured[0]!r}"
    lines = styled.splitlines()
    cursor = next(line for line in lines if "Ukraine launches" in line)
    other = next(line for line in lines if "North Korean" in line)
    plain = re.sub(r"\x1b\[[\d;:]*m", "", cursor)
    marked = plain.lstrip("║ ")[:1] in ("▶", ">", "›", "▸", "●")
    assert 7 in sgr_parameters(cursor) - sgr_parameters(other) or marked, (
        "the cursor row is not told apart without colour (reverse video or a marker)")


def mouse_flags(term: Terminal) -> str:
    return term.value("#{mouse_any_flag}#{mouse_button_flag}#{mouse_standard_flag}"
                      "#{mouse_sgr_flag}#{mouse_all_flag}")


def test_no_mouse_leaves_the_mouse_to_the_terminal(launch: Launch) -> None:
    with_mouse = launch()
    ready(with_mouse)
    assert "1" in mouse_flags(with_mouse)  # the explorer asks for the mouse by default
    without = launch("--no-mouse")
    ready(without)
    assert set(mouse_flags(without)) == {"0"}
    without.keys("4")
    without.showing("4 Contradictions: 9")  # and works from the keyboard


def buffer_of(term: Terminal) -> str:
    return term.tmux("show-buffer")


def test_y_copies_into_tmux_when_tmux_takes_osc52(launch: Launch) -> None:
    term = launch(tmux_options=("set -g set-clipboard on",))
    ready(term)
    term.keys("y")
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and not buffer_of(term):
        time.sleep(0.05)
    copied = buffer_of(term)
    assert copied.startswith("event ukraine-kursk-offensive\n"), copied
    assert "Ukraine launches a surprise offensive" in copied
    term.showing("copied")


def test_y_in_tmux_as_it_comes_copies_or_says_how_to_enable_it(launch: Launch) -> None:
    """tmux as it comes (`set-clipboard external`) drops the OSC 52 a program sends: the
    item must still reach tmux's paste buffer, or the explorer must say how to let the
    copy through; never "copied" when nothing was."""
    term = launch()
    ready(term)
    assert term.tmux("show-options", "-gv", "set-clipboard").strip() == "external"
    term.keys("y")
    screen = term.until(lambda s: "copied" in s or "set-clipboard" in s,
                        "a message about the copy")
    copied = buffer_of(term)
    if not copied.startswith("event ukraine-kursk-offensive\n"):
        assert "set-clipboard" in screen, screen


def test_ctrl_z_suspends_to_the_shell_and_comes_back(tmp_path: Path) -> None:
    """In an interactive shell, as a person runs it: `ctrl+z` gives the shell back (the
    job is stopped, the screen is the shell's), `fg` brings the explorer back whole."""
    command = shlex.join([str(CONTESTED), "--notes", str(tmp_path / "notes.yaml")])
    term = Terminal("bash --norc --noprofile -i", env={"HISTFILE": "/dev/null"})
    try:
        term.type("PS1='shell''$ '")  # the prompt, not the command typed
        term.keys("Enter")
        term.showing("shell$")
        term.type(command)
        term.keys("Enter")
        ready(term)
        term.keys("4")
        term.showing("4 Contradictions: 9")
        term.keys("C-z")
        stopped = term.until(lambda screen: "Stopped" in screen and "shell$" in screen,
                             "the shell back, the job stopped")
        assert "4 Contradictions" not in stopped
        term.type("fg")
        term.keys("Enter")
        term.showing("4 Contradictions: 9")  # where it was
        term.keys("q")
        term.until(lambda screen: screen.rstrip().endswith("shell$"), "the shell after q")
    finally:
        term.close()
