"""`y` in a real tmux as it comes (set-clipboard external, which drops an application's
OSC 52): the item reaches tmux's paste buffer, and the message says so."""

from __future__ import annotations

import os
import subprocess
import uuid
from pathlib import Path

from tests.tui.test_terminal import CONTESTED, Terminal, pytestmark  # noqa: F401


def test_y_copies_the_item_into_tmux(tmp_path: Path) -> None:
    socket = f"contested-test-{uuid.uuid4().hex[:8]}"
    env = {k: v for k, v in os.environ.items() if k not in ("COLORTERM", "NO_COLOR")}
    env["TERM"] = "xterm-256color"
    command = f"{CONTESTED} --notes {tmp_path / 'notes.yaml'}"
    subprocess.run(["tmux", "-L", socket, "-f", "/dev/null", "new-session", "-d", "-s", "main",
                    "-x", "80", "-y", "24", command], check=True, env=env, timeout=20)
    term = Terminal(socket)
    try:
        term.wait_for("Ukraine launches a")
        term.keys("y")
        screen = term.wait_for("copied event")
        toast = " ".join(line.split("▌")[-1].strip().rstrip("║═╝ ")
                         for line in screen.splitlines() if "▌" in line)  # the notification
        assert "tmux's paste buffer" in " ".join(toast.split()), screen
        copied = term.tmux("show-buffer")
        assert copied.startswith("event ukraine-kursk-offensive\nUkraine launches a")
    finally:
        subprocess.run(["tmux", "-L", socket, "kill-server"], capture_output=True,
                       check=False, timeout=20)
