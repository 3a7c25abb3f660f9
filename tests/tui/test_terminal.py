"""The real `contested` command in a real terminal (tmux at 80x24, no COLORTERM)."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from contested.review.notes import Note
from contested.review.store import NotesStore

CONTESTED = Path(sys.executable).parent / "contested"
pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


class Terminal:
    def __init__(self, socket: str) -> None:
        self.socket = socket

    def tmux(self, *args: str) -> str:
        done = subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True,
                              text=True, timeout=20, check=True)
        return done.stdout

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "main")

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", "main", *keys)

    def wait_for(self, text: str, timeout: float = 15) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{text!r} never appeared; the screen was:\n{screen}")


@contextlib.contextmanager
def contested_in_tmux(tmp_path: Path, **env: str) -> Iterator[tuple[Terminal, Path]]:
    """The real command in a tmux of its own at 80x24, with `env` added (no COLORTERM
    or NO_COLOR otherwise); its exit status is written to the file it yields."""
    socket = f"contested-test-{uuid.uuid4().hex[:8]}"
    status = tmp_path / "status"
    environ = {k: v for k, v in os.environ.items() if k not in ("COLORTERM", "NO_COLOR")}
    environ.update(TERM="xterm-256color", **env)
    command = f"{CONTESTED} --notes {tmp_path / 'notes.yaml'}; echo $? > {status}"
    subprocess.run(["tmux", "-L", socket, "-f", "/dev/null", "new-session", "-d", "-s", "main",
                    "-x", "80", "-y", "24", command], check=True, env=environ, timeout=20)
    try:
        yield Terminal(socket), status
    finally:
        subprocess.run(["tmux", "-L", socket, "kill-server"], capture_output=True,
                       check=False, timeout=20)


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[tuple[Terminal, Path]]:
    with contested_in_tmux(tmp_path) as started:
        yield started


def test_bundled_catalog_contradictions_help_and_quit(terminal: tuple[Terminal, Path]) -> None:
    term, status = terminal
    first = term.wait_for("Ukraine launches a")
    assert "1 Timeline" in first
    assert "6 months later" in first
    term.keys("4")
    screen = term.wait_for("4 Contradictions: 9")
    assert "Zombie" in screen
    assert all(len(line) <= 80 for line in screen.splitlines())
    term.keys("?")
    help_screen = term.wait_for("Start here")
    assert "Contradictions" in help_screen
    term.keys("Escape")
    term.wait_for("4 Contradictions: 9")
    term.keys("*")  # star the contradiction under the cursor: saved at once
    term.wait_for("★")
    term.keys("q")
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and not status.exists():
        time.sleep(0.1)
    assert status.read_text().strip() == "0"
    noted = NotesStore(status.parent / "notes.yaml").notes.sections["contradictions"]
    assert list(noted) == ["category~ru-media-pipeline-success~ua-media-pipeline-losses"]
    (note,) = noted.values()
    assert note.star  # and signed by whoever starred it (review/analyst.py)
    assert note.model_copy(update={"changed": {}}) == Note(star=True)
