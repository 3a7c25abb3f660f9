"""NO_COLOR in a real terminal: no colour is sent, and the cursor row still stands out."""

from __future__ import annotations

import re
import time
from pathlib import Path

from tests.tui.test_terminal import contested_in_tmux, pytestmark  # noqa: F401

COLOUR = re.compile(r"\x1b\[[0-9;]*(?:38|48);[25];[0-9;]*m")
"""An SGR sequence that sets a 256-colour or true-colour foreground or background."""
REVERSE = re.compile(r"\x1b\[(?:[0-9]+;)*7(?:;[0-9]+)*m")


def test_no_colour_sends_no_colour_and_the_cursor_is_in_reverse(tmp_path: Path) -> None:
    with contested_in_tmux(tmp_path, NO_COLOR="1") as (term, _):
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
