"""Where a message points is where an editor shows the problem, however the file is
written: its line endings, the characters libyaml takes for line breaks, libyaml's own
nesting bound, a value of megabytes, a line of wide characters."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rich.cells import cell_len

from contested.catalog.loading import load_catalog
from contested.catalog.parse import parse_timeline
from contested.format.diagnostics import (
    EXCERPT_CELLS,
    Diagnostic,
    DiagnosticError,
    Location,
    SourceLines,
    render,
    shown,
)
from contested.format.guarded_yaml import Limits, read_yaml
from tests.helpers import SOURCES


def only(path: Path) -> Diagnostic:
    result = load_catalog([path], cache=None)
    assert len(result.diagnostics) == 1, [d.headline() for d in result.diagnostics]
    return result.diagnostics[0]


def editor_line(data: bytes, number: int) -> str:
    """Line `number` as an editor shows it: lines end at \\n, \\r\\n or \\r only."""
    return re.split(r"\r\n|\r|\n", data.decode("utf-8"))[number - 1]


# --- P1: line endings ------------------------------------------------------------------

@pytest.mark.parametrize("ending", ["\r", "\r\n", "\n"], ids=["cr", "crlf", "lf"])
def test_a_bad_byte_is_placed_on_its_line_whatever_the_line_endings(
        tmp_path: Path, ending: str) -> None:
    lines = ["contested: 1", "sources:", "  - {id: a, name: A}", "  - {id: b, name: Caf\xe9}"]
    data = ending.join(lines).encode("latin-1") + ending.encode()
    path = tmp_path / "t.yaml"
    path.write_bytes(data)
    problem = only(path)
    assert (problem.location.line, problem.location.column, problem.code) == (4, 22, "encoding")
    assert SourceLines().line(str(path), 4) == "  - {id: b, name: Caf\ufffd}"


def test_a_syntax_error_in_a_cr_only_file_shows_its_own_line(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_bytes(b"contested: 1\rsources:\r  - {id: a, name: A}\r  - {id: b, name: [}\r")
    problem = only(path)
    assert problem.location.line == 4
    assert "name: [}" in render(problem, SourceLines())


# --- P2: NEL, LS and PS are characters, not line breaks --------------------------------

@pytest.mark.parametrize("char", ["\u0085", "\u2028", "\u2029"], ids=["nel", "ls", "ps"])
@pytest.mark.parametrize("quoting", ["plain", "double"])
def test_a_raw_nel_ls_or_ps_in_a_value_moves_no_later_line(
        tmp_path: Path, char: str, quoting: str) -> None:
    text = f"half{char}one" if quoting == "plain" else f'"half{char}one"'
    data = (SOURCES + "claims:\n"
            f"  - {{id: c1, source: afp, text: {text}}}\n"
            "  - {id: c2, source: afp, text: t, colour: red}\n").encode()
    path = tmp_path / "t.yaml"
    path.write_bytes(data)
    problem = only(path)
    line = SOURCES.count("\n") + 3  # as an editor counts: the `colour` line
    assert problem.location.line == line
    assert problem.location.column == editor_line(data, line).index("colour") + 1
    assert SourceLines().line(str(path), line) == editor_line(data, line)
    assert "colour: red" in render(problem, SourceLines()).splitlines()[2]


@pytest.mark.parametrize("char", ["\u0085", "\u2028", "\u2029"], ids=["nel", "ls", "ps"])
def test_the_value_keeps_the_character_as_written(tmp_path: Path, char: str) -> None:
    path = tmp_path / "t.yaml"
    path.write_bytes((SOURCES + "claims:\n"
                      f'  - {{id: c1, source: afp, text: "a{char}b"}}\n'
                      f"  - {{id: c2, source: afp, text: c{char}d}}\n").encode())
    result = load_catalog([path], cache=None)
    assert result.ok, [d.headline() for d in result.diagnostics]
    claims = result.catalog.claims
    assert (claims["c1"].text, claims["c2"].text) == (f"a{char}b", f"c{char}d")


def test_a_disallowed_character_after_a_line_separator_is_on_its_line() -> None:
    data = "contested: 1\nx: \"a\u2028b\"\ny: \"\x07\"\n".encode()
    with pytest.raises(DiagnosticError, match="U\\+0007") as raised:
        read_yaml(data, "t.yaml")
    assert "t.yaml:3:5:" in str(raised.value)


def test_source_lines_split_where_yaml_does(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    data = "one\u2028still one\x85and\u2029one\rtwo\r\nthree\nfour".encode()
    path.write_bytes(data)
    lines = SourceLines()
    assert [lines.line(str(path), n) for n in range(1, 6)] == [
        "one\u2028still one\x85and\u2029one", "two", "three", "four", None]
    given = SourceLines({"g.yaml": "a\x0cb\nc"})  # a form feed is not a break either
    assert (given.line("g.yaml", 1), given.line("g.yaml", 2)) == ("a\x0cb", "c")


def test_source_lines_find_any_line_of_a_long_file_in_any_order(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text("".join(f"line {n}\n" for n in range(1, 300_001)))
    lines = SourceLines()
    for number in (250_000, 3, 299_999, 299_999, 1, 300_000, 150_000, 150_001):
        assert lines.line(str(path), number) == f"line {number}"
    assert lines.line(str(path), 300_001) == ""  # after the last break: an empty line
    assert lines.line(str(path), 300_002) is None


# --- P3: libyaml's own nesting bound ---------------------------------------------------

@pytest.mark.parametrize("opener", ["[", "{a: "])
@pytest.mark.parametrize("depth", [64, 10])
def test_deep_flow_nesting_is_placed_where_our_limit_was_crossed(
        opener: str, depth: int) -> None:
    data = ("contested: 1\nx: " + opener * 100_000 + "\n").encode()
    with pytest.raises(DiagnosticError, match="nesting deeper") as raised:
        read_yaml(data, "t.yaml", Limits(max_depth=depth))
    problem = raised.value.diagnostic
    assert problem.code == "nesting-too-deep"
    # The top mapping is the first level; the `depth`-th opener starts the one too many.
    assert (problem.location.line, problem.location.column) == (
        2, len("x: ") + 1 + len(opener) * (depth - 1))


# --- P7: long values are cut in messages -----------------------------------------------

def test_a_figure_of_five_thousand_digits_is_cut_in_its_message(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(SOURCES + "claims:\n"
                    f"  - {{id: c1, source: afp, text: t, about: area, value: {'9' * 5000}}}\n")
    problem = only(path)
    assert problem.code == "bad-value"
    assert "(5,000 characters)" in problem.message
    assert len(problem.message) < 300


@pytest.mark.parametrize("field", ["via", "event", "about"])
def test_an_unknown_id_of_ten_thousand_characters_is_cut(tmp_path: Path, field: str) -> None:
    path = tmp_path / "t.yaml"
    long_id = "x" * 10_000
    path.write_text(SOURCES + "claims:\n"
                    f"  - {{id: c1, source: afp, text: t, {field}: {long_id}}}\n")
    problem = only(path)
    assert problem.code == "unknown-id"
    assert "(10,000 characters)" in problem.message
    assert len(problem.message) < 300


def test_any_long_quoted_value_in_a_message_is_cut() -> None:
    problem = Diagnostic(Location("t.yaml", 1, 1), "x", f"got '{'7' * 3000}', not a date")
    assert problem.message == f"got {shown('7' * 3000)}, not a date"
    assert shown("7" * 3000) == f"'{'7' * 60}…' (3,000 characters)"
    huge = Diagnostic(Location("t.yaml", 1, 1), "x", "y" * 50_000)
    assert len(huge.message) < 1_100
    assert huge.message.endswith("(a message of 50,000 characters)")


# --- P8: the excerpt holds the column, and the caret sits under it ---------------------

def under_caret(rendered: str) -> str:
    """The character of the excerpt drawn in the cell above the caret."""
    _, code_line, caret_line = rendered.splitlines()[1:4]
    gutter = code_line.index("| ") + 2
    shown_text = code_line[gutter:]
    caret = caret_line.index("^") - gutter
    cells = 0
    for char in shown_text:
        width = cell_len(char)  # (a combining accent takes none: it is drawn on its letter)
        if cells <= caret < cells + width:
            return char
        cells += width
    raise AssertionError(f"the caret (cell {caret}) is past the excerpt ({cells} cells)")


@pytest.mark.parametrize("letter", ["k", "鍵"], ids=["ascii", "wide"])
def test_the_caret_of_a_two_megabyte_key_is_under_its_column(
        tmp_path: Path, letter: str) -> None:
    path = tmp_path / "t.yaml"
    path.write_text("contested: 1\n" + letter * (2_000_000 // len(letter.encode())) + ": 1\n")
    problem = only(path)
    assert problem.location.line == 2
    rendered = render(problem, SourceLines())
    assert cell_len(rendered.splitlines()[2]) < 140  # a window, not the line
    assert under_caret(rendered) == editor_line(path.read_bytes(), 2)[
        problem.location.column - 1]


@pytest.mark.parametrize("before", ["鍵", "\x1b", "\u202e", "e\u0301", "k"],
                         ids=["wide", "escape", "bidi", "combining", "ascii"])
@pytest.mark.parametrize("count", [3, 5_000])
def test_the_caret_sits_under_the_column_after_any_characters(before: str, count: int) -> None:
    line = before * count + "@" + "鍵" * 3_000
    column = len(before) * count + 1
    problem = Diagnostic(Location("t.yaml", 1, column), "x", "here")
    rendered = render(problem, SourceLines({"t.yaml": line}))
    assert under_caret(rendered) == "@"
    assert cell_len(rendered.splitlines()[2]) < 140


def test_a_column_past_the_end_of_its_line_puts_the_caret_after_it() -> None:
    problem = Diagnostic(Location("t.yaml", 1, 12), "x", "end")
    rendered = render(problem, SourceLines({"t.yaml": "short"}))
    assert rendered.splitlines()[3].endswith("|      ^")


def test_a_file_refused_at_a_limit_shows_the_line_it_was_refused_at() -> None:
    data = ("contested: 1\nx: [" + "a, " * 200 + "]\n").encode()
    result = parse_timeline(data, "t.yaml", Limits(max_nodes=100))
    assert [d.code for d in result.diagnostics] == ["too-many-nodes"]


def test_the_explorer_shows_a_line_of_sixty_megabytes_as_a_window() -> None:
    from contested.tui.screens.errors import in_context

    line = "note: " + "a" * 60_000_000
    problem = Diagnostic(Location("t.yaml", 2, 30_000_000), "x", "here")
    shown = in_context(problem, SourceLines({"t.yaml": "contested: 1\n" + line + "\nz: 1"}))
    assert len(shown) < 1_000
    lines = shown.splitlines()
    assert lines[1].startswith(">2 │ …aaa")
    assert lines[2].index("^") == lines[1].index("…") + EXCERPT_CELLS // 2 + 1
