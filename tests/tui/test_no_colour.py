"""NO_COLOR in a real terminal: no colour is sent, and the cursor row still stands out."""

from __future__ import annotations

import os
import re
import subprocess
import time
import uuid
from pathlib import Path

from tests.tui.test_terminal import CONTESTED, Terminal, pytestmark  # noqa: F401

COLOUR = re.compile(r"\x1b\[[0-9;]*(?:38|48);[25];[0-9;]*m")
"""An SGR sequence that sets a 256-colour or true-colour foreground or background."""
REVERSE = re.compile(r"\x1b\[(?:[0-9]+;)*7(?:;[0-9]+)*m")


def test_no_colour_sends_no_colour_and_the_cursor_is_in_reverse(tmp_path: Path) -> None:
    socket = f"contested-test-{uuid.uuid4().hex[:8]}"
    env = {k: v for k, v in os.environ.items() if k != "COLORTERM"}
    env.update(TERM="xterm-256color", NO_COLOR="1")
    command = f"{CONTESTED} --notes {tmp_path / 'notes.yaml'}"
    subprocess.run(["tmux", "-L", socket, "-f", "/dev/null", "new-session", "-d", "-s", "main",
                    "-x", "80", "-y", "24", command], check=True, env=env, timeout=20)
    term = Terminal(socket)
    try:
        term.wait_for("Ukraine launches a")
        term.keys("j")
        deadline = time.monotonic() + 15
        while True:  # until the cursor row, the second, is drawn in reverse video
            raw = term.tmux("capture-pane", "-p", "-e", "-t", "main")
            cursor = [line for line in raw.splitlines() if "North Korean soldiers" in line]
            if cursor and REVERSE.search(cursor[0]):
                break
            assert time.monotonic() < deadline, f"no row in reverse video:\n{raw!r}"
            time.sleep(0.1)
        assert COLOUR.search(raw) is None, COLOUR.search(raw)
        first = [line for line in raw.splitlines() if "Ukraine launches a" in line]
        assert not REVERSE.search(first[0])  # the row the cursor left
        heading = [line for line in raw.splitlines() if "DATE" in line and "EVENT" in line]
        assert not REVERSE.search(heading[0])  # bold only
    finally:
        subprocess.run(["tmux", "-L", socket, "kill-server"], capture_output=True,
                       check=False, timeout=20)
