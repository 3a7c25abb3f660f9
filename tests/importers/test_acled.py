"""`contested import acled`: each column's mapping, malformed rows, re-import."""

from __future__ import annotations

import difflib
import shutil
from pathlib import Path

import pytest

from contested.catalog.loading import load_catalog
from contested.format.model import QuantityForm
from tests.importers import DATA, assert_valid, files_of, imported

ACLED = DATA / "acled-ukraine.csv"
MALFORMED = DATA / "acled-malformed.csv"


def test_each_column_maps_as_documented(capsys: pytest.CaptureFixture[str],
                                        tmp_path: Path) -> None:
    status, out, err = imported(capsys, "acled", str(ACLED), "-o", str(tmp_path))
    assert status == 0, err
    assert "4 rows of acled" in out
    assert "4 new" in out
    assert sorted(files_of(tmp_path)) == ["acled-2024-03.yaml", "acled-2024-04.yaml",
                                          "sources-acled.yaml"]
    catalog = load_catalog([tmp_path]).catalog
    clash = catalog.events["acled-UKR90001"]
    assert clash.date.text == "2024-03-04"
    assert clash.title == ("Armed clash: Military Forces of Russia (2000-) – "
                           "Military Forces of Ukraine (2019-)")
    assert clash.place == "Berdychi, Donetsk, Ukraine"
    assert clash.coordinates is not None
    assert (clash.coordinates.lat, clash.coordinates.lon) == (48.1897, 37.6411)
    assert clash.kind == "Battles"
    assert clash.tags == ["acled", "Political violence", "Armed clash"]
    assert clash.summary is not None
    assert clash.summary.startswith("On 4 March 2024")
    assert clash.provenance is not None
    assert (clash.provenance.dataset, clash.provenance.row) == ("acled", "UKR90001")
    figure = catalog.claims["acled-UKR90001-fatalities"]
    assert figure.value == "3"  # an exact figure, not a lower bound
    assert figure.quantity is not None
    assert figure.quantity.form == "exact"
    assert not isinstance(figure.value, QuantityForm)
    assert figure.source == ["ukrainska-pravda", "kyiv-independent"]
    assert figure.via == ["acled"]
    assert figure.event == "acled-UKR90001"
    assert figure.about == "fatalities"
    assert figure.provenance is not None
    assert figure.provenance.source_text == "Ukrainska Pravda; Kyiv Independent"
    question = catalog.questions["fatalities"]
    assert (question.kind, question.unit, question.per_event, question.tolerance) == (
        "quantity", "killed", True, 0)
    assert catalog.sources["acled"].kind == "dataset"
    assert_valid(capsys, tmp_path)


def test_time_precision_widens_the_date(capsys: pytest.CaptureFixture[str],
                                        tmp_path: Path) -> None:
    imported(capsys, "acled", str(ACLED), "-o", str(tmp_path))
    events = load_catalog([tmp_path]).catalog.events
    week, month = events["acled-UKR90002"], events["acled-UKR90003"]
    assert week.date.text == "2024-03-03/2024-03-09"  # "06 March 2024", precision 2
    assert week.note is not None
    assert "2024-03-06" in week.note
    assert month.date.text == "2024-03"  # "15-March-2024", precision 3
    assert "Civilian targeting" in week.tags


def test_outlets_are_split_trimmed_and_named_once(capsys: pytest.CaptureFixture[str],
                                                  tmp_path: Path) -> None:
    imported(capsys, "acled", str(ACLED), "-o", str(tmp_path))
    catalog = load_catalog([tmp_path]).catalog
    assert catalog.claims["acled-UKR90004-fatalities"].source == ["reuters",
                                                                  "kyiv-independent"]
    assert catalog.sources["kyiv-independent"].name == "Kyiv Independent"
    unsourced = catalog.claims["acled-UKR90003-fatalities"]
    assert (unsourced.source, unsourced.via) == (["acled"], [])  # ACLED's word alone
    assert unsourced.value == "0"


def test_malformed_rows_are_listed_and_nothing_is_written(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    folder = tmp_path / "out"
    status, _, err = imported(capsys, "acled", str(MALFORMED), "-o", str(folder))
    assert status == 1
    expected = [f"{MALFORMED}:3: '31 February 2024' names a day that does not exist "
                "(column event_date)",
                f"{MALFORMED}:4: expected a whole number, got 'several' (column fatalities)",
                f"{MALFORMED}:5: 'UKR 91004' cannot be part of an id",
                f"{MALFORMED}:6: a latitude is between -90 and 90, not 98.1394 "
                "(column latitude)",
                f"{MALFORMED}:7: time precision is 1, 2 or 3, not '4' (column time_precision)",
                f"{MALFORMED}:8: the row has 7 cells; the header has 31 columns",
                f"{MALFORMED}:9: the source 'Українська правда' gives no id"]
    lines = err.splitlines()
    for line, start in zip(lines, expected, strict=False):
        assert line.startswith(start), (line, start)
    assert "7 malformed rows: nothing was written" in err
    assert not folder.exists()


def test_skip_malformed_writes_the_rest_and_lists_what_it_left_out(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    status, out, err = imported(capsys, "acled", str(MALFORMED), "-o", str(tmp_path),
                                "--skip-malformed")
    assert status == 0
    assert "2 rows of acled" in out
    assert f"{MALFORMED}:4: expected a whole number" in err
    assert "warning: 7 malformed rows left out" in err
    events = load_catalog([tmp_path]).catalog.events
    assert sorted(events.ids) == ["acled-UKR91001", "acled-UKR91009"]
    assert events["acled-UKR91009"].summary == "Another good row, its notes\non two lines."
    assert_valid(capsys, tmp_path)


def test_a_second_import_of_the_same_file_is_byte_identical(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    imported(capsys, "acled", str(ACLED), "-o", str(tmp_path))
    first = files_of(tmp_path)
    status, out, _ = imported(capsys, "acled", str(ACLED), "-o", str(tmp_path))
    assert status == 0
    assert "0 new, 0 replaced, 4 unchanged" in out
    assert "wrote 0 files" in out
    assert files_of(tmp_path) == first


def test_a_changed_row_changes_only_its_own_entries(capsys: pytest.CaptureFixture[str],
                                                    tmp_path: Path) -> None:
    folder = tmp_path / "out"
    imported(capsys, "acled", str(ACLED), "-o", str(folder))
    before = files_of(folder)
    updated = tmp_path / "acled-updated.csv"
    text = ACLED.read_text(encoding="utf-8")
    assert text.count("Suspilne,National") == 1
    updated.write_text(text.replace("Suspilne,National", "Suspilne; Ukrinform,National")
                       .replace("2 civilians were killed.\",2,", "3 civilians were killed.\",3,"),
                       encoding="utf-8")
    status, out, _ = imported(capsys, "acled", str(updated), "-o", str(folder))
    assert status == 0
    assert "0 new, 1 replaced, 3 unchanged" in out
    after = files_of(folder)
    assert after["acled-2024-04.yaml"] == before["acled-2024-04.yaml"]
    changed = [line for line in difflib.unified_diff(
        before["acled-2024-03.yaml"].decode().splitlines(),
        after["acled-2024-03.yaml"].decode().splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    assert sorted(changed) == sorted([
        '-    summary: "Around 6 March 2024 (week of), Russian forces shelled Kharkiv; '
        '2 civilians were killed."',
        '+    summary: "Around 6 March 2024 (week of), Russian forces shelled Kharkiv; '
        '3 civilians were killed."',
        '-    source: ["suspilne"]', '+    source: ["suspilne", "ukrinform"]',
        '-    text: "ACLED: 2 fatalities"', '-    value: 2',
        '-    provenance: {dataset: "acled", row: "UKR90002", source_text: "Suspilne"}',
        '+    text: "ACLED: 3 fatalities"', '+    value: 3',
        '+    provenance: {dataset: "acled", row: "UKR90002", source_text: '
        '"Suspilne; Ukrinform"}',
    ])
    assert b'id: "ukrinform"' in after["sources-acled.yaml"]
    assert_valid(capsys, folder)


def test_a_second_file_adds_to_the_folder(capsys: pytest.CaptureFixture[str],
                                          tmp_path: Path) -> None:
    folder = tmp_path / "out"
    imported(capsys, "acled", str(ACLED), "-o", str(folder))
    more = tmp_path / "acled-more.csv"
    lines = MALFORMED.read_text(encoding="utf-8").splitlines(keepends=True)
    more.write_text(lines[0] + lines[1], encoding="utf-8")
    status, out, _ = imported(capsys, "acled", str(more), "-o", str(folder))
    assert status == 0
    assert "1 new, 0 replaced, 0 unchanged" in out
    events = load_catalog([folder]).catalog.events
    assert sorted(events.ids) == ["acled-UKR90001", "acled-UKR90002", "acled-UKR90003",
                                  "acled-UKR90004", "acled-UKR91001"]
    assert_valid(capsys, folder)


def test_dates_in_words_and_the_same_row_in_two_files(capsys: pytest.CaptureFixture[str],
                                                      tmp_path: Path) -> None:
    """Two exports that overlap give the same row twice: imported once, not an error."""
    copy = tmp_path / "copy.csv"
    shutil.copy(ACLED, copy)
    status, out, err = imported(capsys, "acled", str(ACLED), str(copy), "-o",
                                str(tmp_path / "out"))
    assert status == 0, err
    assert "4 rows" in out
