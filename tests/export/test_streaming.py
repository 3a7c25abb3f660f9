"""Exports written as they are made: the pieces join to what the whole-text writers
gave (checked against reference writers kept here, on a generated catalog read both
parsed and from the cache), memory stays far below the output's size, `--compact` is
the same data, and a failure part-way leaves no half file."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contested.catalog.archives import ArchiveChecks
from contested.catalog.cache.store import CatalogCache
from contested.catalog.loading import load_catalog
from contested.cli import main
from contested.engine.analysis import Analysis, analyse
from contested.export import csv_export, markdown, render
from contested.export.common import contradicted_by, iso_date
from contested.export.records import Stream, json_document
from contested.format.quantities import format_number
from contested.present.wording import source_names
from contested.support.text import csv_cell, md_code, md_text
from tests.helpers import REPO
from tests.hostile import write_catalog

FORMATS = ("markdown", "json", "csv")


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A catalog of 400 events and 1,200 claims from bench/generate.py."""
    out = tmp_path_factory.mktemp("generated") / "catalog"
    subprocess.run([sys.executable, str(REPO / "bench" / "generate.py"), "400", "--out",
                    str(out)], capture_output=True, timeout=120, check=True)
    return out


def analysed(path: Path, *, cached: bool) -> Analysis:
    """The catalog's analysis, parsed, or read back from a cache it was first written to
    (claims then made from the cache's rows when first read)."""
    if not cached:
        return analyse(load_catalog([path]).catalog)
    load_catalog([path], cache=CatalogCache())
    result = load_catalog([path], cache=CatalogCache())
    assert result.ok
    assert result.catalog.claims.made == 0
    return analyse(result.catalog)


# --- the references: the whole-text writers the streamed ones replaced -------------------------

def reference_csv(analysis: Analysis) -> str:
    """The CSV as a whole string, every cell through `csv_cell`."""
    catalog = analysis.catalog
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(csv_export.CSV_COLUMNS)
    checks = ArchiveChecks.of(catalog)
    for claim in catalog.claims.values():
        question = catalog.questions.get(claim.about or "")
        quantity = claim.quantity
        said, when = claim.said, claim.when
        others = contradicted_by(analysis, claim)
        writer.writerow([csv_cell(cell) for cell in (
            claim.id, claim.origin.timeline or "", source_names(catalog, claim),
            " ".join(claim.source), " ".join(claim.via), claim.event or "",
            said.text if said else "", iso_date(said.earliest) if said else "",
            iso_date(said.latest) if said else "",
            when.text if when else "", iso_date(when.earliest) if when else "",
            iso_date(when.latest) if when else "", claim.about or "",
            quantity.text if quantity else claim.value if isinstance(claim.value, str)
            else "",
            "" if not quantity or quantity.interval.low is None
            else format_number(quantity.interval.low),
            "" if not quantity or quantity.interval.high is None
            else format_number(quantity.interval.high),
            question.unit if question and question.unit else "", claim.credibility,
            claim.text, claim.quote or "",
            f"({others} claims)" if isinstance(others, int) else " ".join(others),
            claim.document or "",
            checks.quotes[claim.id].state if claim.id in checks.quotes else "",
        )])
    return out.getvalue()


def reference_chronologies(analysis: Analysis, view: Any = None, words: Any = None
                           ) -> Iterator[str]:
    """The chronology as it was written from every claim grouped by its event's id."""
    catalog = analysis.catalog
    by_timeline: dict[str | None, list[Any]] = {}
    for event in catalog.events.values():
        by_timeline.setdefault(event.origin.timeline, []).append(event)
    claims_of: dict[str, list[Any]] = {}
    for claim in catalog.claims.values():
        if claim.event:
            claims_of.setdefault(claim.event, []).append(claim)
    for timeline_id, events in by_timeline.items():
        header = catalog.timelines.get(timeline_id or "")
        heading = header.title if header else (timeline_id or "Events without a timeline")
        yield from [f"## {md_text(heading)}", ""]
        if header is not None:
            period = f"Period: {md_text(header.period.text)}. " if header.period else ""
            yield from [f"{period}{md_text(header.summary)}", ""]
        for event in sorted(events, key=lambda e: (e.date.sort_key, e.id)):
            place = f" ({md_text(event.place)})" if event.place else ""
            yield f"- **{md_text(event.date.text)}**: {md_text(event.title)}{place}"
            for claim in claims_of.get(event.id, []):
                yield f"  - {md_text(source_names(catalog, claim))}: {md_text(claim.text)}"
        yield ""


def materialized(value: Any) -> Any:
    """The JSON document with every `Stream` read into a list."""
    if isinstance(value, Stream):
        return [materialized(item) for item in value.items]
    if isinstance(value, dict):
        return {key: materialized(item) for key, item in value.items()}
    return value


# --- the same text -----------------------------------------------------------------------------

@pytest.mark.parametrize("cached", [False, True], ids=["parsed", "cached"])
def test_streamed_exports_equal_the_whole_text_writers(
        generated: Path, cached: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    streamed = {fmt: render.render(analysed(generated, cached=cached), fmt)
                for fmt in FORMATS}
    reference = analysed(generated, cached=False)
    assert streamed["csv"] == reference_csv(reference)
    document = json.loads(json.dumps(materialized(json_document(reference, None, False))))
    assert json.loads(streamed["json"]) == document
    monkeypatch.setattr(markdown, "_chronologies", reference_chronologies)
    assert streamed["markdown"] == render.render(reference, "markdown")


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_pieces_do_not_depend_on_their_size(generated: Path, fmt: str,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    analysis = analysed(generated, cached=True)
    whole = render.render(analysis, fmt)
    monkeypatch.setattr(render, "CHUNK", 1000)
    monkeypatch.setattr(csv_export, "ROWS_AT_ONCE", 10)
    pieces = list(render.render_parts(analysis, fmt))
    assert len(pieces) > 10
    assert all(len(piece) >= 1000 for piece in pieces[:-1])
    assert "".join(pieces) == whole


@given(st.lists(st.text(max_size=5), max_size=30), st.integers(1, 20))
def test_joined_lines_are_the_lines_joined(lines: list[str], size: int) -> None:
    assert "".join(render.joined_lines(lines, size)) == "\n".join(lines)
    assert "".join(render.gathered(lines, size)) == "".join(lines)


_ASCII_AND_MORE = st.text(st.sampled_from(
    [chr(c) for c in range(0x20, 0x7F)] + ["\t", "\n", "\x1b", "\u202e", "é"]))


@given(st.one_of(_ASCII_AND_MORE, st.text()))
def test_the_reports_shortcuts_escape_as_the_escapers_do(text: str) -> None:
    """What the report writes plainly is what `md_text` and `md_code` would give."""
    assert markdown._text(text) == md_text(text)
    assert markdown._code(text) == md_code(text)


# --- bounded memory ----------------------------------------------------------------------------

def _peak(make: Callable[[], Any]) -> int:
    """The most memory traced at once while `make` runs."""
    tracemalloc.start()
    try:
        make()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_export_holds_far_less_than_it_writes(generated: Path, fmt: str,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Traced allocations while an export is written, once what the engine works out
    when first asked is known (a first export): below the size of the text written,
    and under half what the whole text, joined, takes. What remains does not grow with
    the output: the memos of what repeats (bounded), the CSV writer's own buffer, a
    piece of text."""
    analysis = analysed(generated, cached=False)
    written = sum(len(piece) for piece in render.render_parts(analysis, fmt))
    monkeypatch.setattr(render, "CHUNK", 4096)
    monkeypatch.setattr(csv_export, "ROWS_AT_ONCE", 20)
    streamed = _peak(lambda: sum(len(p) for p in render.render_parts(analysis, fmt)))
    whole = _peak(lambda: render.render(analysis, fmt))
    assert written > 300_000
    assert whole > written  # the text itself, at least
    assert streamed < written, (streamed, written)
    assert streamed < whole / 2, (streamed, whole)


def test_an_export_keeps_only_the_claims_a_contradiction_shows(generated: Path) -> None:
    """Read back from the cache, a claim is made for its row and let go: the CSV keeps
    none; the JSON and the report keep those their contradictions read again."""
    analysis = analysed(generated, cached=True)
    claims = analysis.catalog.claims
    render.render(analysis, "csv")
    assert claims.made == 0
    involved = int((analysis.contradictions.per_row() > 0).sum())
    for fmt in ("json", "markdown"):
        render.render(analysis, fmt)
        assert 0 < claims.made <= involved < len(claims)


# --- --compact ---------------------------------------------------------------------------------

def test_compact_json_is_the_same_data_on_one_line(tmp_path: Path) -> None:
    catalog = write_catalog(tmp_path)
    analysis = analyse(load_catalog([catalog]).catalog)
    pretty = render.render(analysis, "json")
    compact = render.render(analysis, "json", compact=True)
    assert compact.count("\n") == 1
    assert compact.endswith("}\n")
    assert compact.isascii()
    assert pretty.isascii()
    assert json.loads(compact) == json.loads(pretty)
    assert len(compact) < len(pretty)


def test_compact_from_the_command_line(tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "out.json"
    assert main(["export", "--compact", "-o", str(target)]) == 0
    assert main(["export", "--format", "json"]) == 0
    pretty = capsys.readouterr().out
    assert json.loads(target.read_text()) == json.loads(pretty)
    assert target.read_text().count("\n") == 1
    assert main(["export", "--compact", "--format", "csv"]) == 2
    assert "--compact is for json" in capsys.readouterr().err


# --- nothing half-written ----------------------------------------------------------------------

def _failing_parts(*_: Any, **__: Any) -> Iterator[str]:
    yield "# Contested claims\n"
    yield "x" * 100_000
    raise RuntimeError("the engine failed")


def test_a_failure_part_way_leaves_the_old_file(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "report.md"
    target.write_text("previous report\n")
    monkeypatch.setattr(render, "render_parts", _failing_parts)
    assert main(["export", "-o", str(target)]) != 0
    assert target.read_text() == "previous report\n"
    assert [p.name for p in tmp_path.iterdir()] == ["report.md"]  # no temporary left
    assert "report.md was left as it was" in capsys.readouterr().err
    fresh = tmp_path / "new.md"
    assert main(["export", "-o", str(fresh)]) != 0
    assert not fresh.exists()
    assert "new.md was not written" in capsys.readouterr().err


def test_a_failure_part_way_to_standard_output_says_it_is_incomplete(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(render, "render_parts", _failing_parts)
    assert main(["export"]) != 0
    out, err = capsys.readouterr()
    assert out.startswith("# Contested claims")
    assert "what standard output received is incomplete" in err


def test_a_failure_part_way_into_a_fifo_says_what_it_received(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = subprocess.Popen(["cat", str(fifo)], stdout=subprocess.PIPE)
    monkeypatch.setattr(render, "render_parts", _failing_parts)
    try:
        assert main(["export", "-o", str(fifo)]) != 0
    finally:
        received, _ = reader.communicate(timeout=30)
    assert received.startswith(b"# Contested claims")
    assert "pipe received an incomplete export" in capsys.readouterr().err
