"""`y` in a real tmux as it comes (set-clipboard external, which drops an application's
OSC 52): the item reaches tmux's paste buffer, and the message says so."""

from __future__ import annotations

from pathlib import Path

from tests.tui.test_terminal import contested_in_tmux, pytestmark  # noqa: F401


def test_y_copies_the_item_into_tmux(tmp_path: Path) -> None:
    with contested_in_tmux(tmp_path) as (term, _):
        term.wait_for("Ukraine launches a")
        term.keys("y")
        screen = term.wait_for("copied event")
        toast = " ".join(line.split("▌")[-1].strip().rstrip("║═╝ ")
                         for line in screen.splitlines() if "▌" in line)  # the notification
        assert "tmux's paste buffer" in " ".join(toast.split()), screen
        copied = term.tmux("show-buffer")
        assert copied.startswith("event ukraine-kursk-offensive\nUkraine launches a")
