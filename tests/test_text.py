"""Untrusted text made safe for a terminal: nothing from a file can act on it."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contested.text import is_printable, printable

HOSTILE = {
    "clear screen": ("\x1b[2J", "␛[2J"),
    "OSC 52 clipboard": ("\x1b]52;c;aGVsbG8=\x07", "␛]52;c;aGVsbG8=␇"),
    "OSC 8 link": ("\x1b]8;;http://x\x1b\\a\x1b]8;;\x1b\\", "␛]8;;http://x␛\\a␛]8;;␛\\"),
    "cursor query": ("\x1b[6n", "␛[6n"),
    "bell": ("\x07", "␇"),
    "C1 CSI": ("\x9b2J", "<U+009B>2J"),
    "bidi override": ("abc\u202edef", "abc<U+202E>def"),
    "bidi isolate": ("\u2066x\u2069", "<U+2066>x<U+2069>"),
    "NUL and DEL": ("a\x00b\x7f", "a␀b␡"),
    "carriage return": ("safe\rEVIL", "safe␍EVIL"),
}


@pytest.mark.parametrize(("raw", "shown"), HOSTILE.values(), ids=HOSTILE.keys())
def test_controls_become_visible_stand_ins(raw: str, shown: str) -> None:
    assert printable(raw) == shown


def test_plain_text_and_markup_lookalikes_are_unchanged() -> None:
    for text in ["Franz-Stephan Gadi", "[@click=app.quit]x[/]", "[/]", "500 km² ~ 20%"]:
        assert printable(text) == text
        assert is_printable(text)


def test_newlines_kept_only_when_asked() -> None:
    assert printable("a\nb") == "a␊b"
    assert printable("a\nb\tc", keep_newlines=True) == "a\nb    c"


@given(st.text())
def test_output_never_holds_a_control_character(text: str) -> None:
    shown = printable(text)
    assert is_printable(shown)
    assert not any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in shown)
    assert not any(c in shown for c in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


@given(st.text())
def test_printable_is_idempotent(text: str) -> None:
    assert printable(printable(text)) == printable(text)
