"""The writer every importer shares: merging with the folder, hand-written files left
alone, texts written so that they read back exactly, hostile input files."""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, event, example, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from contested.catalog.loading import load_catalog
from contested.format.model import Claim, Event, QuantityForm
from contested.importers.records import Dataset, ImportedRow, SourceEntry
from contested.importers.writer import (
    ImportRefused,
    marker,
    quoted,
    render_checked,
    unquoted,
    write_import,
)
from tests.helpers import no_hang
from tests.importers import DATA, assert_valid, files_of, imported

ACLED = DATA / "acled-ukraine.csv"
HAND_SOURCES = """\
contested: 1
# Written by the analyst: Reuters graded after a year of reading it.
sources:
  - id: reuters
    name: Reuters
    kind: news-agency
    side: neutral
    reliability: B
"""
HOSTILE = ["[@click=app.quit]x[/]", "\x1b]52;c;aGVsbG8=\x07", "\u202eevil", "=1+2", "@SUM(A1)",
           "no", "0123", "1:20", "~", "null", "", " padded ", "\\", '"', "a\u2028b\u2029c",
           "\ufeffbom", "\x85\x7f\x9f", "tab\there", "line\r\nbreak", "x" * 10_000, "#", "- a",
           "{a: 1}", "'single'", "&anchor *alias !tag"]


def test_a_source_declared_by_hand_is_reused_and_the_hand_file_untouched(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    hand = tmp_path / "my-sources.yaml"
    hand.write_text(HAND_SOURCES, encoding="utf-8")
    before = hand.read_bytes()
    status, out, err = imported(capsys, "acled", str(ACLED), "-o", str(tmp_path))
    assert status == 0, err
    assert "reuters declared elsewhere" in out
    assert hand.read_bytes() == before
    assert b'"reuters"' not in (tmp_path / "sources-acled.yaml").read_bytes()
    catalog = load_catalog([tmp_path]).catalog
    assert catalog.sources["reuters"].reliability == "B"
    assert "reuters" in catalog.claims["acled-UKR90004-fatalities"].source
    assert_valid(capsys, tmp_path)


def test_a_file_without_the_marker_at_an_owned_name_refuses_the_import(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    mine = tmp_path / "acled-2024-03.yaml"
    mine.write_text("contested: 1\nevents: []\n", encoding="utf-8")
    status, _, err = imported(capsys, "acled", str(ACLED), "-o", str(tmp_path))
    assert status == 1
    assert "acled-2024-03.yaml was not written by `contested import acled`" in err
    assert "nothing was written" in err
    assert sorted(files_of(tmp_path)) == ["acled-2024-03.yaml"]


def test_an_owned_file_edited_by_hand_refuses_the_merge(capsys: pytest.CaptureFixture[str],
                                                       tmp_path: Path) -> None:
    imported(capsys, "acled", str(ACLED), "-o", str(tmp_path))
    month = tmp_path / "acled-2024-04.yaml"
    month.write_text(month.read_text(encoding="utf-8") + "# my note\nextra: entry\n",
                     encoding="utf-8")
    before = files_of(tmp_path)
    status, _, err = imported(capsys, "acled", str(ACLED), "-o", str(tmp_path))
    assert status == 1
    assert "acled-2024-04.yaml:" in err
    assert "not as `contested import` wrote it" in err
    assert files_of(tmp_path) == before


def test_a_folder_whose_other_files_do_not_load_is_refused(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "broken.yaml").write_text("contested: 1\nsources:\n  - name: x\n",
                                          encoding="utf-8")
    status, _, err = imported(capsys, "acled", str(ACLED), "-o", str(tmp_path))
    assert status == 1
    assert "the folder's other files do not load" in err
    assert "broken.yaml" in err
    assert sorted(files_of(tmp_path)) == ["broken.yaml"]


@pytest.mark.parametrize("make", ["fifo", "folder"])
def test_a_fifo_or_a_folder_given_as_file_is_refused_without_waiting(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, make: str) -> None:
    given = tmp_path / "export.csv"
    if make == "fifo":
        os.mkfifo(given)
    else:
        given.mkdir()
    with no_hang(f"import waited on a {make}"):
        status, _, err = imported(capsys, "acled", str(given), "-o", str(tmp_path / "out"))
    assert status == 1
    assert "not a regular file" in err
    assert not (tmp_path / "out").exists()


def test_a_file_not_in_utf8_is_one_error_naming_the_byte(capsys: pytest.CaptureFixture[str],
                                                         tmp_path: Path) -> None:
    latin = tmp_path / "latin1.csv"
    text = ACLED.read_text(encoding="utf-8").replace("Suspilne", "Suspilné")
    latin.write_bytes(text.encode("latin-1", errors="replace"))
    status, _, err = imported(capsys, "acled", str(latin), "-o", str(tmp_path / "out"))
    assert status == 1
    assert "is not UTF-8 (byte 0xE9" in err
    assert not (tmp_path / "out").exists()


def test_a_huge_cell_and_too_many_columns_are_row_problems(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    lines = ACLED.read_text(encoding="utf-8").splitlines()
    huge = lines[1].replace("Ukrainska Pravda", "x" * (1 << 21), 1)
    wide = lines[2] + "," * 600
    export = tmp_path / "hostile.csv"
    export.write_text("\n".join([lines[0], huge, wide, lines[3]]) + "\n", encoding="utf-8")
    status, _, err = imported(capsys, "acled", str(export), "-o", str(tmp_path / "out"))
    assert status == 1
    assert f"{export}:2: a cell is over 1,048,576 characters" in err
    assert f"{export}:3: the row has 631 cells, over 500" in err


def test_at_most_a_hundred_problems_are_listed(capsys: pytest.CaptureFixture[str],
                                               tmp_path: Path) -> None:
    lines = ACLED.read_text(encoding="utf-8").splitlines()
    export = tmp_path / "many.csv"
    export.write_text("\n".join([lines[0]] + ["bad,row"] * 130) + "\n", encoding="utf-8")
    status, _, err = imported(capsys, "acled", str(export), "-o", str(tmp_path / "out"))
    assert status == 1
    assert err.count("the row has 2 cells") == 100
    assert "... and 30 more" in err
    assert "130 malformed rows" in err


def test_an_unknown_format_is_a_usage_error_naming_the_nearest(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    status, _, err = imported(capsys, "acleds", str(ACLED), "-o", str(tmp_path))
    assert status == 2
    assert "unknown format 'acleds' (did you mean 'acled'?)" in err


DATASET = Dataset("test", "Test", SourceEntry("test", "Test", kind="dataset"))


@given(st.text(max_size=300))
@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_quoting_reads_back_as_written(text: str) -> None:
    assert unquoted(quoted(text)) == text


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.text(min_size=1), min_size=1, max_size=4))
def test_every_text_reads_back_exactly_through_the_loader(tmp_path_factory: pytest.TempPathFactory,
                                                          texts: list[str]) -> None:
    folder = tmp_path_factory.mktemp("round")
    cells = [*HOSTILE, *texts]
    rows = [ImportedRow(row=f"r{n}", line=n + 2, month="2024-03", events=[{
        "id": f"test-r{n}", "date": "2024-03-04", "title": cell, "place": cell,
        "summary": cell, "kind": cell, "tags": [cell, "x"],
        "provenance": {"dataset": "test", "row": cell}}], claims=[{
        "id": f"test-r{n}-said", "source": ["test"], "event": f"test-r{n}", "text": cell,
        "provenance": {"dataset": "test", "row": cell, "source_text": cell}}])
        for n, cell in enumerate(cells) if cell.strip()]
    write_import(folder, DATASET, rows)
    result = load_catalog([folder])
    assert result.ok, result.diagnostics[:1]
    catalog = result.catalog
    for row in rows:
        event, claim = row.events[0], row.claims[0]
        loaded = catalog.events[event["id"]]
        assert (loaded.title, loaded.place, loaded.summary, loaded.kind) == (
            event["title"], event["place"], event["summary"], event["kind"])
        assert loaded.tags == event["tags"]
        said = catalog.claims[claim["id"]]
        assert said.text == claim["text"]
        assert said.provenance is not None
        assert said.provenance.source_text == claim["provenance"]["source_text"]


def test_rows_that_would_not_validate_are_row_problems(tmp_path: Path) -> None:
    row = ImportedRow(row="r1", line=7, month="2024-03", path="x.csv", events=[{
        "id": "test-r1", "date": "2024-03-04", "title": "t",
        "coordinates": {"lat": 95, "lon": 0}}])
    with pytest.raises(ImportRefused) as refused:
        write_import(tmp_path, DATASET, [row])
    problems = refused.value.problems  # type: ignore[attr-defined]
    assert [str(p).split(":")[:2] for p in problems] == [["x.csv", "7"]]
    assert "coordinates.lat" in str(problems[0])
    assert not any(tmp_path.iterdir())


def test_the_marker_is_on_every_file(capsys: pytest.CaptureFixture[str],
                                     tmp_path: Path) -> None:
    imported(capsys, "acled", str(ACLED), "-o", str(tmp_path))
    for name, data in files_of(tmp_path).items():
        assert data.decode().splitlines()[0] == marker("acled"), name


# --- the writer's own checks against the format's models -------------------------------------

_IDS = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,12}", fullmatch=True)
_DATES = st.sampled_from(["2024-03-04", "2024-03", "2024", "2024-03-04/2024-03-10", "2025-03~",
                          "2025-02?", "2024-08-06/2025-03-12", "2025/..", "202X", "0001-01-01"])
_FINITE = st.one_of(st.integers(-10**9, 10**9),
                    st.floats(allow_nan=False, allow_infinity=False, width=64))
_NUMBERS = st.one_of(_FINITE, st.floats())  # nan and infinities too
_FORMS = ("about", "at_least", "at_most", "more_than", "less_than")


def _figures(numbers: st.SearchStrategy[float]) -> st.SearchStrategy[dict[str, Any]]:
    best = {"best": numbers}
    return st.one_of(
        *(st.fixed_dictionaries({form: numbers}, optional=best) for form in _FORMS),
        st.fixed_dictionaries({"between": st.lists(numbers, min_size=2, max_size=2)},
                              optional=best))


def _fields(ids: st.SearchStrategy[str], dates: st.SearchStrategy[str],
            numbers: st.SearchStrategy[float]) -> dict[str, st.SearchStrategy[Any]]:
    """A strategy for every field of events and claims, by name."""
    text = st.text(max_size=20)
    return {
        "id": ids, "date": dates, "said": dates, "as_of": dates, "title": text,
        "place": text, "summary": text, "note": text, "kind": text, "text": text,
        "quote": text, "unit": text, "tags": st.lists(text, max_size=3),
        "source": st.lists(ids, max_size=3), "via": st.lists(ids, max_size=2),
        "disputes": st.lists(ids, max_size=2), "supports": st.lists(ids, max_size=2),
        "event": ids, "document": ids, "about": ids,
        "coordinates": st.fixed_dictionaries({"lat": numbers, "lon": numbers}),
        "provenance": st.fixed_dictionaries(
            {"dataset": text, "row": text}, optional={"source_text": st.none() | text}),
        "credibility": st.integers(-1, 8),
        "value": st.one_of(text, numbers, _figures(numbers)),
    }


_ANY = _fields(st.one_of(_IDS, st.text(max_size=6)), st.one_of(_DATES, st.text(max_size=12)),
               _NUMBERS)
_GOOD = _fields(_IDS, _DATES, _FINITE)
_MOSTLY_GOOD = {name: st.one_of(_GOOD[name], _GOOD[name], _GOOD[name], _ANY[name])
                for name in _ANY}
_REQUIRED = {"event": ("id", "date", "title"), "claim": ("id", "source", "text")}


def _entries(what: str, model: type[Event | Claim]) -> st.SearchStrategy[dict[str, Any]]:
    """Entries of `model`'s fields, most of them valid (each field is a way to be wrong)."""
    required = _REQUIRED[what]
    return st.fixed_dictionaries(
        {name: _MOSTLY_GOOD[name] for name in required},
        optional={name: _MOSTLY_GOOD[name] for name in model.model_fields
                  if name not in required},
    ).map(lambda entry: {"id": entry["id"], **entry})  # an importer's entry starts with its id


def _accepted(entry: dict[str, Any], what: str) -> bool:
    try:
        render_checked(entry, what)
    except ValueError:
        return False
    return True


def _valid(model: type[Event | Claim], entry: dict[str, Any]) -> bool:
    try:
        model.model_validate(entry)
    except ValidationError:
        return False
    return True


def test_there_is_a_strategy_for_every_field_of_the_models() -> None:
    assert set(_ANY) == set(Event.model_fields) | set(Claim.model_fields)


@settings(max_examples=400, deadline=None)
@given(st.one_of(_entries("event", Event).map(lambda e: ("event", e)),
                 _entries("claim", Claim).map(lambda c: ("claim", c))))
@example(("event", {"id": "e1", "title": "no date"}))
@example(("claim", {"id": "c1", "source": [], "text": "no source"}))
@example(("claim", {"id": "c1", "source": ["a"], "text": "t", "value": {"best": 3}}))
def test_the_writer_accepts_exactly_what_the_models_accept(drawn: tuple[str, dict[str, Any]],
                                                            ) -> None:
    """What the writer writes, the format reads; what the format refuses, the writer
    refuses too (and says so as a row problem). The one place it is stricter: a claim's
    value that is not a finite number (the model would take `nan` as a word)."""
    what, entry = drawn
    model = Event if what == "event" else Claim
    accepted = _accepted(entry, what)
    event(f"{what} {'written' if accepted else 'refused'}")
    if accepted:
        assert _valid(model, entry), entry
    elif _valid(model, entry):
        value = entry.get("value")
        assert isinstance(value, float), entry
        assert not math.isfinite(value), entry



@st.composite
def _rows(draw: st.DrawFn) -> list[ImportedRow]:
    """Rows of entries the writer accepts, each an event and a claim about it that cite
    only what the folder declares (a quantity question, the dataset's source)."""
    rows = []
    for n in range(draw(st.integers(1, 4))):
        event = {"id": f"test-r{n}", "date": draw(_DATES), "title": draw(_GOOD["title"])}
        for name in ("place", "summary", "note", "kind", "tags", "coordinates",
                     "provenance"):
            if draw(st.booleans()):
                event[name] = draw(_GOOD[name])
        claim = {"id": f"test-r{n}-q", "source": ["test"], "event": event["id"],
                 "text": draw(_GOOD["text"]), "about": "q"}
        for name in ("said", "as_of", "quote", "credibility", "note", "provenance"):
            if draw(st.booleans()):
                claim[name] = draw(_GOOD[name])
        if draw(st.booleans()):
            claim["value"] = draw(st.one_of(_FINITE, _figures(_FINITE)))
        assume(_accepted(event, "event") and _accepted(claim, "claim"))
        rows.append(ImportedRow(row=f"r{n}", line=n + 2, month="2024-03", events=[event],
                                claims=[claim]))
    return rows


_WITH_QUESTION = Dataset("test", "Test", SourceEntry("test", "Test", kind="dataset"),
                         questions=({"id": "q", "text": "How many?", "kind": "quantity"},))


def _same_figure(written: Any, loaded: Any) -> bool:
    if isinstance(loaded, str):  # an exact figure: the number, however it was spelled
        return float(loaded) == float(written)
    return bool(loaded == QuantityForm.model_validate(written))


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                 HealthCheck.filter_too_much])
@given(_rows())
def test_every_entry_written_loads_as_it_was_given(tmp_path_factory: pytest.TempPathFactory,
                                                   rows: list[ImportedRow]) -> None:
    folder = tmp_path_factory.mktemp("entries")
    write_import(folder, _WITH_QUESTION, rows)
    result = load_catalog([folder])
    assert not [d for d in result.diagnostics if d.severity == "error"], result.diagnostics[:3]
    for row in rows:
        for entry, loaded in ((row.events[0], result.catalog.events[row.events[0]["id"]]),
                              (row.claims[0], result.catalog.claims[row.claims[0]["id"]])):
            given_model = type(loaded).model_validate(entry)
            for name in entry:
                if name == "value":
                    assert isinstance(loaded, Claim)
                    assert _same_figure(entry[name], loaded.value), (entry, loaded.value)
                else:
                    assert getattr(loaded, name) == getattr(given_model, name), name
