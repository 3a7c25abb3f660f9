"""Copying in tmux. The TUI copies with Textual's `App.copy_to_clipboard`, which
writes the OSC 52 escape sequence (`ESC ] 52 ; c ; base64 BEL`): it asks the terminal
(wherever it runs, over SSH too) to set its clipboard, with no display server or helper
program. This module holds what Textual does not: tmux.

tmux, as it comes (`set-clipboard external`), drops an application's OSC 52: a copy
that only wrote it would say "copied" and copy nothing. Inside tmux the text goes into
tmux's own paste buffer (`load-buffer -w`), which tmux hands to the outer terminal's
clipboard itself unless `set-clipboard` is off; `tmux_copy` says which happened.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from typing import Any

Run = Callable[..., "subprocess.CompletedProcess[Any]"]


def in_tmux() -> bool:
    return "TMUX" in os.environ


def tmux_copy(text: str, run: Run = subprocess.run) -> tuple[bool, str]:
    """Put `text` in tmux's paste buffer and, through tmux, the terminal's clipboard.
    Returns (whether tmux took it, what happened in words, for the user)."""
    def tmux(*args: str, data: bytes | None = None) -> subprocess.CompletedProcess[Any]:
        return run(["tmux", *args], input=data, capture_output=True, timeout=5, check=False)

    data = text.encode("utf-8")
    try:
        loaded = tmux("load-buffer", "-w", "-", data=data)
        if loaded.returncode != 0:  # tmux before 3.2 has no -w
            loaded = tmux("load-buffer", "-", data=data)
        setting = tmux("show-options", "-gv", "set-clipboard")
    except (OSError, subprocess.SubprocessError) as error:
        return False, (f"tmux could not be asked ({error}); the copy went out as OSC 52, "
                       "which tmux drops unless `set -g set-clipboard on`")
    if loaded.returncode != 0:
        return False, ("tmux did not take the copy; OSC 52 went out, which tmux drops "
                       "unless `set -g set-clipboard on`")
    if setting.stdout.strip() == b"off":
        return True, ("in tmux's paste buffer (prefix ]); tmux's set-clipboard is off, so "
                      "not in the terminal's clipboard: `set -g set-clipboard external`")
    return True, "in tmux's paste buffer and the terminal's clipboard"
