"""`SourceLines` finds each line asked for, whatever the lengths of the lines between and
whatever the order of the questions (it counts line feeds in windows of bytes that grow
and shrink: each edge of a window is a place to get wrong)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from contested.format.diagnostics import SourceLines

LINES = st.lists(st.one_of(st.just(""), st.text("ab", max_size=5),
                           st.text("x", min_size=200, max_size=9000)), max_size=400)


@settings(max_examples=300)
@given(LINES, st.lists(st.integers(-1, 420), min_size=1, max_size=40), st.booleans())
def test_each_line_asked_for_is_the_line_there(lines: list[str], asked: list[int],
                                               ordered: bool) -> None:
    text = "\n".join(lines)
    found = SourceLines({"t.yaml": text})
    for number in sorted(asked) if ordered else asked:
        expected = lines[number - 1] if text and 1 <= number <= len(lines) else None
        assert found.line("t.yaml", number) == expected
