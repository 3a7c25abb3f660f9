"""Untrusted text made safe for each kind of output: one sanitiser per target.

Timeline files come from colleagues, scrapers and chat pastes. Their text reaches three
kinds of reader, each with its own way of being fooled:

- a **terminal** (the explorer, CLI tables and messages, notifications, the palette):
  `printable` turns control, escape, bidi and invisible characters into visible
  stand-ins (`␛`, `<U+202E>`), so an ESC sequence, a BEL or a bidi override shows
  instead of acting, and a zero-width or tag character cannot hide text; a zero-width
  joiner or a variation selector inside an emoji or a script stays, so that what a
  person sees as one character stays whole. `fit` cuts it to a width in terminal cells,
  at a grapheme's edge;
- a **spreadsheet** (CSV): `csv_cell` uses the same stand-ins, and guards a text cell
  a spreadsheet would run as a formula; numbers stay numbers;
- a **Markdown renderer**: `md_text` escapes what would make a link, an image, HTML, code
  or emphasis, and `md_code` fences a code span with more backticks than it holds.

JSON is for programs: it carries the data as read, with JSON's own escapes
(`contested.export.records.json_text`). Markup parsers (Rich, Textual) never see data: the TUI
builds `Content` from `printable` text (`contested.tui.safe`).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from rich.cells import cell_len, split_graphemes

# C0 controls become the Unicode "control pictures" (U+2400 block): ␛ for ESC, ␇ for BEL.
_C0_PICTURES = {code: chr(0x2400 + code) for code in range(0x20)}
_C0_PICTURES[0x7F] = "\u2421"  # ␡ DELETE

_INVISIBLE = (
    # Bidi controls reorder what surrounds them (the "Trojan Source" trick).
    "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
    # Default-ignorable characters: drawn as nothing, so they can hide or split text.
    "\u00ad\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200d\u2060-\u2065"
    "\u206a-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e0fff"
)
_UNSAFE = re.compile(
    # A flag's tag sequence (🏴 + tag letters + cancel tag) is one emoji: kept whole.
    "(\U0001f3f4[\U000e0020-\U000e007e]+\U000e007f)|"
    # C0 and C1 controls (C1 holds CSI and OSC, which some terminals act on like ESC),
    # YAML's other line breaks, interlinear annotations, lone surrogates.
    "[\x00-\x1f\x7f-\x9f\u2028\u2029\ufff9-\ufffb\ud800-\udfff" + _INVISIBLE + "]"
)
_HIDDEN = re.compile("[" + _INVISIBLE + "]")
_JOINERS = frozenset("\u200c\u200d")
"""Kept between two visible characters: they join an emoji sequence or a script's
letters (Persian, Indic)."""
_SELECTORS = re.compile("[\ufe00-\ufe0f\u180b-\u180d\u180f\U000e0100-\U000e01ef]")
"""Variation selectors: kept after a visible character, whose form they choose."""


def _visible(char: str) -> bool:
    """Drawn as something: not a space, control, format or unassigned character, and not
    one `printable` replaces."""
    return unicodedata.category(char)[0] not in "ZC" and not _HIDDEN.match(char)


def _stand_in(match: re.Match[str]) -> str:
    if match.group(1) is not None:
        return match.group(1)
    char = match.group()
    code = ord(char)
    if code in _C0_PICTURES:
        return _C0_PICTURES[code]
    text, at = match.string, match.start()
    before = text[at - 1] if at > 0 else ""
    if char in _JOINERS:
        after = text[at + 1] if at + 1 < len(text) else ""
        if before and after and (_visible(before) or _SELECTORS.match(before)) \
                and _visible(after):
            return char
    elif _SELECTORS.match(char) and before and _visible(before):
        return char
    if _HIDDEN.match(char) or 0x80 <= code <= 0x9F:
        return f"<U+{code:04X}>"
    name = unicodedata.name(char, "")
    return f"<U+{code:04X}>" if not name else f"<{name.title()}>"


def printable(text: str, *, keep_newlines: bool = False) -> str:
    """`text` with every control, escape, bidi and invisible character made visible.

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
    return _UNSAFE.search(text) is None or printable(text) == text


# --- terminal cells ------------------------------------------------------------------------

def width(text: str) -> int:
    """How many terminal cells `text` takes (a CJK character two, a ZWJ emoji two)."""
    return cell_len(text)


def fit(text: str, cells: int, *, ellipsis: str = "…") -> str:
    """`text` cut to at most `cells` terminal cells, at a grapheme's edge (never inside
    an emoji sequence or between a letter and its accent), ending in `ellipsis` when
    cut. `pad` then fills the cells exactly."""
    if cell_len(text) <= cells:
        return text
    room = cells - cell_len(ellipsis)
    if room < 0:
        return ellipsis[:cells]
    spans, _ = split_graphemes(text)
    used = 0
    end = 0
    for _start, stop, size in spans:
        if used + size > room:
            break
        used += size
        end = stop
    return text[:end] + ellipsis


def pad(text: str, cells: int) -> str:
    """`text` followed by spaces up to `cells` terminal cells."""
    return text + " " * max(cells - cell_len(text), 0)


# --- spreadsheets ---------------------------------------------------------------------------

_FORMULA = re.compile(r"^[=+\-@\t\r\uff1d\uff0b\uff0d\uff20]")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def csv_cell(value: Any) -> Any:
    """A CSV cell made inert: controls made visible, and a text cell that a spreadsheet
    would run as a formula (starting with `=`, `+`, `-`, `@`, a tab or a CR, or their
    full-width forms) guarded with a leading `'`. A number, or text that is only a
    number (`-5`, `-1e+300`), stays a number."""
    if value is None:
        return ""
    if not isinstance(value, str):
        return value
    text = printable(value)
    if _FORMULA.match(value) or _FORMULA.match(text):
        return text if _NUMBER.fullmatch(text) else "'" + text
    return text


# --- Markdown -------------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&!#])")
"""Enough to keep data from becoming a link, an image, HTML, an entity, code or
emphasis."""


def md_text(text: str | None) -> str:
    """Data as Markdown text on one line: never a link, image, HTML tag or emphasis."""
    if not text:
        return ""
    flat = " ".join(text.split())
    return _MD_SPECIAL.sub(r"\\\1", printable(flat))


def md_code(text: str | None) -> str:
    """Data as a Markdown code span: fenced with one backtick more than its longest run
    of them, so no backtick in it ends the span early (CommonMark's rule), and padded
    with a space where it starts or ends with a backtick."""
    shown = printable(" ".join((text or "").split()))
    longest = max((len(run) for run in re.findall(r"`+", shown)), default=0)
    fence = "`" * (longest + 1)
    if shown.startswith("`") or shown.endswith("`") or not shown.strip():
        shown = f" {shown} "
    return f"{fence}{shown}{fence}"
