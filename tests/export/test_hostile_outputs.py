"""One hostile corpus in every text field and a file name, through every output of the
core and the CLI, each checked against the rule of its kind (`contested.support.text`):

- terminal (CLI tables and messages, markdown on a terminal): no control, escape, bidi
  or invisible character raw; emoji sequences whole; markup shown as typed;
- CSV: the same stand-ins; no text cell a spreadsheet runs; numbers stay numbers;
- JSON: the data exactly as read, every character escaped to ASCII;
- Markdown: rendered by a CommonMark parser, data makes no link, image, HTML or
  emphasis, and every code span holds all of what it fences.

The explorer's panes and palette get the same corpus in tests/tui/test_hostile_text.py.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from contested.catalog.loading import load_catalog
from contested.cli import main
from contested.engine.analysis import analyse
from contested.export.render import render
from contested.export.table import contradictions_table
from contested.support.text import csv_cell, fit, md_code, md_text, printable, width
from tests.hostile import (
    CJK,
    EMOJI,
    FILE_NAME,
    FORMULA,
    MARKUP,
    TEXT,
    assert_graphemes_whole,
    assert_terminal_safe,
    write_catalog,
)


@pytest.fixture
def catalog(tmp_path: Path) -> Path:
    return write_catalog(tmp_path)


def run(capsys: pytest.CaptureFixture[str], *arguments: str) -> tuple[int, str, str]:
    status = main(list(arguments))
    out, err = capsys.readouterr()
    return status, out, err


# --- the CLI: terminal-bound ------------------------------------------------------------------

@pytest.mark.parametrize("command", [
    ["validate"],
    ["contradictions"],
    ["contradictions", "--all"],
    ["export", "--format", "markdown"],
])
def test_every_terminal_output_is_safe(catalog: Path, capsys: pytest.CaptureFixture[str],
                                       command: list[str]) -> None:
    status, out, err = run(capsys, *command, str(catalog))
    assert status == 0, err
    for text in (out, err):
        assert_terminal_safe(text)
    if command[0] != "validate":
        assert_graphemes_whole(out)
    if command[0] == "contradictions":
        assert MARKUP.split()[0] in out  # markup is shown as typed, never parsed


def test_messages_name_a_hostile_file_safely(catalog: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    broken = catalog / FILE_NAME
    broken.write_text(broken.read_text() + "  - {id: c9, source: nobody, text: x}\n")
    status, out, err = run(capsys, "validate", str(catalog))
    assert status == 1
    assert_terminal_safe(out + err)
    assert "`f`[x](y)␛]0;t␇<U+202E>漢.yaml:" in out
    status, out, err = run(capsys, "export", "-o", str(catalog / "r.md"), str(catalog))
    assert status == 1
    assert_terminal_safe(out + err)


def test_validate_json_is_the_data_as_read(catalog: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "validate", "--format", "json", str(catalog))
    assert status == 0
    assert out.isascii()
    records = json.loads(out)
    assert any(r["path"].endswith(FILE_NAME) for r in records)


# --- the table: measured in terminal cells ---------------------------------------------------

@pytest.mark.parametrize("columns", [60, 80, 100, 200])
def test_the_table_fits_its_width_in_cells_and_cuts_whole_graphemes(
        catalog: Path, columns: int) -> None:
    analysis = analyse(load_catalog([catalog]).catalog)
    table = contradictions_table(analysis, analysis.contradictions, width=columns)
    for line in table.splitlines():
        assert width(line) <= columns, (width(line), line)
    assert_terminal_safe(table)
    assert "\u200d…" not in table  # never cut inside the ZWJ family


def test_fit_measures_cells_and_cuts_at_a_graphemes_edge() -> None:
    assert fit(CJK, 5) == "漢字…"
    assert width(fit(CJK, 5)) == 5
    family = "👨\u200d👩\u200d👧"
    assert fit(family + "abc", 3) == family + "…"
    assert fit(family + "abc", 2) == "…"
    assert fit("e\u0301tude", 3) == "e\u0301t…"  # the accent stays with its letter
    assert fit("short", 10) == "short"


# --- CSV ---------------------------------------------------------------------------------------

def test_csv_cells_are_inert_and_numbers_stay_numbers(catalog: Path) -> None:
    analysis = analyse(load_catalog([catalog]).catalog)
    text = render(analysis, "csv")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 5
    for row in rows:
        for column, cell in row.items():
            if re.fullmatch(r"[+-]?[\d.]+(e[+-]?\d+)?", cell):
                continue  # a number: stays one
            assert not re.match(r"[=+\-@\t\r]", cell), (column, cell)
            assert_terminal_safe(cell)
    by_id = {row["id"]: row for row in rows}
    assert by_id["c1"]["value"] == "'" + FORMULA
    assert by_id["c3"]["value"] == "-5"
    assert by_id["c3"]["value_low"] == "-5"
    assert by_id["c5"]["value"] == "-1e+300"
    assert by_id["c1"]["unit"] == ""
    assert by_id["c3"]["unit"] == printable(TEXT)  # the question's unit, made inert
    assert by_id["c3"]["text"].startswith("␛[2J")


@pytest.mark.parametrize(("value", "cell"), [
    ("=1+1", "'=1+1"), ("+41 22", "'+41 22"), ("-1+2", "'-1+2"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1", "'␉=1"), ("\r=1", "'␍=1"), ("＝1", "'＝1"),
    ("-5", "-5"), ("-1e+300", "-1e+300"), ("+3.5", "+3.5"), ("-.5", "-.5"),
    ("plain", "plain"), ("", ""), (None, ""), (-7, -7), (2.5, 2.5),
])
def test_csv_cell(value: object, cell: object) -> None:
    assert csv_cell(value) == cell


# --- JSON -----------------------------------------------------------------------------------------

def test_json_carries_the_data_exactly_as_read(catalog: Path) -> None:
    analysis = analyse(load_catalog([catalog]).catalog)
    text = render(analysis, "json")
    assert text.isascii()  # every character escaped: nothing for a terminal to act on
    document = json.loads(text)
    claims = {c["id"]: c for c in document["claims"]}
    assert claims["c1"]["text"] == TEXT
    assert claims["c1"]["quote"] == TEXT


# --- Markdown -----------------------------------------------------------------------------------

def _tokens(markdown: str) -> list[str]:
    """The kinds of inline element a CommonMark renderer makes of `markdown`."""
    kinds = []
    for block in MarkdownIt("commonmark").parse(markdown):
        for child in block.children or []:
            kinds.append(child.type)
    return kinds


def test_markdown_makes_no_link_image_html_or_emphasis_of_data(catalog: Path) -> None:
    analysis = analyse(load_catalog([catalog]).catalog)
    report = render(analysis, "markdown")
    assert_terminal_safe(report)
    assert_graphemes_whole(report)
    kinds = set(_tokens(report))
    assert not kinds & {"link_open", "image", "html_inline", "em_open"}, kinds
    rendered = MarkdownIt("commonmark").render(report)
    assert "<a " not in rendered
    assert "<img" not in rendered
    assert "<b>b</b>" not in rendered
    assert "&lt;b&gt;b&lt;/b&gt;" in rendered  # shown as typed


def test_a_file_name_with_backticks_stays_inside_its_code_span(catalog: Path) -> None:
    analysis = analyse(load_catalog([catalog]).catalog)
    report = render(analysis, "markdown")
    (line,) = [x for x in report.splitlines() if "has no claim" in x]
    code = [t for t in MarkdownIt("commonmark").parseInline(line)[0].children or []
            if t.type == "code_inline"]
    assert len(code) == 1
    assert code[0].content.endswith(":4:10")
    assert printable(FILE_NAME) in code[0].content


@pytest.mark.parametrize("text", ["plain", "`", "a`b", "``x``", "`` ` ``", " ", "", TEXT,
                                  FILE_NAME])
def test_md_code_fences_any_text_whole(text: str) -> None:
    span = md_code(text)
    (token,) = MarkdownIt("commonmark").parseInline(span)[0].children or []
    assert token.type == "code_inline"
    assert token.content.strip() == printable(" ".join(text.split())).strip()


def test_md_text_shows_markdown_as_typed() -> None:
    rendered = MarkdownIt("commonmark").renderInline(md_text(TEXT))
    for piece in ("[link](http://e.x)", "![img](http://e.x/i.png)", "*em*", "_u_", "&amp;"):
        assert piece.replace("&", "&amp;") in rendered or piece in rendered, piece
    assert "<em>" not in rendered
    assert EMOJI.split()[0] in rendered


def test_category_answers_line_up_in_cells_with_wide_names(tmp_path: Path) -> None:
    from contested.present.figures import category_lines

    (tmp_path / "t.yaml").write_text("""\
contested: 1
sources:
  - {id: a, name: 漢字テスト}
  - {id: b, name: Plain}
  - {id: c, name: "x\\u200by"}
questions:
  - {id: q, text: Q, kind: category, values: [yes, no]}
claims:
  - {id: c1, source: a, text: t, about: q, value: "yes"}
  - {id: c2, source: b, text: t, about: q, value: "no"}
  - {id: c3, source: c, text: t, about: q, value: "no"}
""")
    analysis = analyse(load_catalog([tmp_path]).catalog)
    lines = category_lines(analysis, "q")
    ends = {width(line[: line.rindex(" ")]) for line in lines}
    assert len(ends) == 1, lines  # every value starts in the same column
    assert_terminal_safe("\n".join(lines))
