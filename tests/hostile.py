"""One hostile corpus, written into every text field of a catalog and into its file
names, and the rule each kind of output must keep (see `contested.support.text`).

Each piece is what a colleague's file, a scraper or a chat paste could carry: terminal
escapes, C1 controls, bidi overrides, invisible characters, Rich/Textual markup,
Markdown, spreadsheet formulas, wide characters and emoji sequences that must stay whole.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from contested.review.notes import quoted

ESCAPES = "\x1b[2J\x1b]0;owned\x07\x1b]52;c;aGk=\x07"
"""Clear the screen, set the window title, write the clipboard (OSC 52)."""
C1 = "\x9b31m\x85"
BIDI = "\u202eevil\u202c \u2066iso\u2069"
INVISIBLE = "in\u200bvi\u2060si\ufeffble \U000e0041\U000e0042"
"""A zero-width space, a word joiner, a BOM inside text, two tag characters."""
MARKUP = "[@click=app.quit]x[/] [/] [red]r[/red]"
MARKDOWN = "`tick` ``two`` [link](http://e.x) ![img](http://e.x/i.png) <b>b</b> *em* _u_ &amp;"
FORMULA = '=HYPERLINK("http://e.x","x")'
CJK = "漢字テスト"
FLAG = "\U0001f3f4" + "".join(chr(0xE0000 + ord(c)) for c in "gbsct") + "\U000e007f"
EMOJI = f"👨\u200d👩\u200d👧 ❤\ufe0f {FLAG}"
"""A ZWJ family, a heart with its emoji variation selector, Scotland's flag (a tag
sequence): each one character to a reader, and kept whole."""

PIECES = (ESCAPES, C1, BIDI, INVISIBLE, MARKUP, MARKDOWN, FORMULA, CJK, EMOJI)
TEXT = " ".join(PIECES)
"""The corpus in one string, for every text field."""
FILE_NAME = "`f`[x](y)\x1b]0;t\x07\u202e漢.yaml"
"""A timeline's file name carrying a backtick, a link, an escape and a bidi override."""

_RAW = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b\u200e\u200f\u202a-\u202e\u2060-\u2069"
    "\ufeff\U000e0000-\U000e0fff]"
)


def _q(text: str) -> str:
    """A YAML double-quoted scalar that reads back as `text`."""
    return quoted(text)


def write_catalog(folder: Path, text: str = TEXT) -> Path:
    """A valid catalog with `text` in every text field, one of its files named
    `FILE_NAME`; returns the folder."""
    h = _q(text)
    (folder / "sources.yaml").write_text(f"""\
contested: 1
timeline: {{id: t, title: {h}, summary: {h}, note: {h}}}
sources:
  - {{id: s1, name: {h}, aliases: [{h}], side: {h}, note: {h}, url: {h}}}
  - {{id: s2, name: {_q("Plain " + text)}, side: other}}
questions:
  - {{id: q1, text: {h}, kind: category, values: [{_q(FORMULA)}, plain], note: {h}}}
  - {{id: q2, text: {h}, kind: quantity, unit: {h}}}
""", encoding="utf-8")
    (folder / FILE_NAME).write_text(f"""\
contested: 1
events:
  - {{id: e1, date: 2025-03, title: {h}, place: {h}, summary: {h}, note: {h}, tags: [{h}]}}
  - {{id: lonely, date: 2025-04, title: {h}}}
claims:
  - {{id: c1, source: s1, event: e1, text: {h}, quote: {h}, note: {h}, about: q1,
      value: {_q(FORMULA)}}}
  - {{id: c2, source: s2, event: e1, text: {h}, about: q1, value: plain}}
  - {{id: c3, source: s1, event: e1, text: {h}, about: q2, value: -5, as_of: 2025-01}}
  - {{id: c4, source: s2, event: e1, text: {h}, about: q2, value: 9, as_of: 2025-03}}
  - {{id: c5, source: s2, event: e1, text: {h}, about: q2, value: -1e300, as_of: 2025-01}}
contradictions:
  - {{id: d1, claims: [c1, c3], note: {h}}}
""", encoding="utf-8")
    return folder


def raw_characters(text: str) -> list[str]:
    """The characters in `text` that must never reach a terminal raw: controls (but
    line feeds and tabs), bidi and invisible characters outside the two sequences the
    corpus holds whole (the ZWJ family's joiners and the flag's tags)."""
    kept = text.replace(EMOJI, "")
    return [f"U+{ord(c):04X} {unicodedata.name(c, '?')}" for c in _RAW.findall(kept)]


def assert_terminal_safe(text: str) -> None:
    """Nothing in `text` acts on a terminal: no control, escape, bidi or invisible
    character, except inside the emoji sequences, which stay whole."""
    assert raw_characters(text) == [], raw_characters(text)


def assert_graphemes_whole(text: str) -> None:
    """The corpus's emoji sequences are in `text` whole, not broken into stand-ins."""
    for emoji in ("👨\u200d👩\u200d👧", "❤\ufe0f", EMOJI.rsplit(maxsplit=1)[-1]):
        assert emoji in text, emoji
