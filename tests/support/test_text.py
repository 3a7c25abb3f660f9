"""Untrusted text made safe for a terminal: nothing from a file can act on it."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contested.support.text import is_printable, printable

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
    "zero-width space": ("pass\u200bword", "pass<U+200B>word"),
    "word joiner": ("a\u2060b", "a<U+2060>b"),
    "BOM inside text": ("a\ufeffb", "a<U+FEFF>b"),
    "soft hyphen": ("in\u00advisible", "in<U+00AD>visible"),
    "tag characters": ("ok\U000e0041\U000e0042", "ok<U+E0041><U+E0042>"),
    "Hangul filler": ("\u3164x", "<U+3164>x"),
    "joiner with nothing to join": ("\u200dx y\u200d z\u200d", "<U+200D>x y<U+200D> z<U+200D>"),
    "selector with nothing to select": ("\ufe0fx", "<U+FE0F>x"),
    "tags without a flag": ("x\U000e0067\U000e007f", "x<U+E0067><U+E007F>"),
}

WHOLE = {
    "ZWJ family": "👨\u200d👩\u200d👧",
    "emoji presentation": "❤\ufe0f",
    "keycap": "1\ufe0f\u20e3",
    "eye in speech bubble": "👁\ufe0f\u200d🗨\ufe0f",
    "flag of Scotland": "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f",
    "Persian with a zero-width non-joiner": "می\u200cخواهم",
    "Devanagari with a joiner": "क्\u200dष",
    "CJK and accents": "漢字 e\u0301",
}


@pytest.mark.parametrize("text", WHOLE.values(), ids=WHOLE.keys())
def test_a_grapheme_stays_whole(text: str) -> None:
    assert printable(text) == text
    assert printable(f"before {text} after") == f"before {text} after"


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
    assert not any(c in shown for c in "\u200b\u2060\ufeff\u00ad")
    flags = re.sub("\U0001f3f4[\U000e0020-\U000e007e]+\U000e007f", "", shown)
    assert not any(0xE0000 <= ord(c) <= 0xE0FFF for c in flags)
    for at, char in enumerate(shown):  # a joiner only between two visible characters
        if char == "\u200d":
            assert 0 < at < len(shown) - 1
            assert not shown[at - 1].isspace()
            assert not shown[at + 1].isspace()


@given(st.text())
def test_printable_is_idempotent(text: str) -> None:
    assert printable(printable(text)) == printable(text)
