"""Copying over SSH and in tmux: the OSC 52 escape sequence, which asks the terminal
(wherever it runs) to set its clipboard, with no display server or helper program."""

from __future__ import annotations

import base64


def osc52(text: str, *, tmux: bool = False) -> str:
    """The sequence that sets the clipboard to `text`.

    Inside tmux it is sent twice: as is (tmux takes it with `set-clipboard on`), and
    wrapped in tmux's passthrough (`\\ePtmux;…\\e\\\\`, every ESC doubled; tmux hands it
    to the outer terminal with `allow-passthrough on`).
    """
    payload = base64.b64encode(text.encode("utf-8")).decode("ascii")
    sequence = f"\x1b]52;c;{payload}\x07"
    if not tmux:
        return sequence
    wrapped = "\x1bPtmux;" + sequence.replace("\x1b", "\x1b\x1b") + "\x1b\\"
    return sequence + wrapped
