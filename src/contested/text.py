"""Making untrusted text safe for a terminal.

Timeline files come from colleagues, scrapers and chat pastes. Anything from them that
reaches a terminal (CLI messages, the explorer) goes through `printable` first, so an
ESC sequence, a BEL or a bidi override shows as a visible stand-in instead of acting.
"""

from __future__ import annotations

import re
import unicodedata

# C0 controls become the Unicode "control pictures" (U+2400 block): ␛ for ESC, ␇ for BEL.
_C0_PICTURES = {code: chr(0x2400 + code) for code in range(0x20)}
_C0_PICTURES[0x7F] = "\u2421"  # ␡ DELETE

# Bidi controls reorder what surrounds them (the "Trojan Source" trick); C1 controls
# include CSI/OSC/ST, which some terminals act on like ESC sequences.
_BIDI = frozenset(
    [0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
)

_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
    "\u2028\u2029\ufff9-\ufffb\ud800-\udfff]"
)


def _stand_in(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if code in _C0_PICTURES:
        return _C0_PICTURES[code]
    if code in _BIDI or 0x80 <= code <= 0x9F:
        return f"<U+{code:04X}>"
    name = unicodedata.name(char, "")
    return f"<U+{code:04X}>" if not name else f"<{name.title()}>"


def printable(text: str, *, keep_newlines: bool = False) -> str:
    """Return `text` with every control, escape and bidi character made visible.

    With `keep_newlines`, line feeds stay (for multi-line views); tabs become spaces
    because a tab's width depends on the terminal.
    """
    if keep_newlines:
        return "\n".join(
            _UNSAFE.sub(_stand_in, line.replace("\t", "    ")) for line in text.split("\n")
        )
    return _UNSAFE.sub(_stand_in, text)


def is_printable(text: str) -> bool:
    """True when `printable` would return `text` unchanged."""
    return _UNSAFE.search(text) is None
