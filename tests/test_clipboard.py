"""OSC 52, plain and wrapped for tmux."""

from __future__ import annotations

import base64

from contested.clipboard import osc52


def test_osc52_carries_the_text_in_base64() -> None:
    sequence = osc52("Zombie: rout\n\x1b[2J")
    assert sequence.startswith("\x1b]52;c;")
    assert sequence.endswith("\x07")
    payload = sequence.removeprefix("\x1b]52;c;").removesuffix("\x07")
    assert base64.b64decode(payload).decode() == "Zombie: rout\n\x1b[2J"


def test_inside_tmux_it_is_also_sent_through_the_passthrough() -> None:
    plain = osc52("x")
    both = osc52("x", tmux=True)
    assert both.startswith(plain)
    wrapped = both.removeprefix(plain)
    assert wrapped == "\x1bPtmux;" + plain.replace("\x1b", "\x1b\x1b") + "\x1b\\"
