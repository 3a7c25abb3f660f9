"""`contested import ucdp-ged`: each column's mapping, malformed rows, and ACLED and
UCDP rows about the same events in one folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from contested.catalog.loading import load_catalog
from contested.format.model import QuantityForm
from tests.helpers import main_in_process
from tests.importers import DATA, assert_valid, files_of, imported

UCDP = DATA / "ucdp-ukraine.csv"
MALFORMED = DATA / "ucdp-malformed.csv"


def test_each_column_maps_as_documented(capsys: pytest.CaptureFixture[str],
                                        tmp_path: Path) -> None:
    status, out, err = imported(capsys, "ucdp-ged", str(UCDP), "-o", str(tmp_path))
    assert status == 0, err
    assert "6 rows of ucdp-ged" in out
    catalog = load_catalog([tmp_path]).catalog
    clash = catalog.events["ucdp-470001"]
    assert clash.date.text == "2024-03-04"  # a time after the day is ignored
    assert clash.title == ("Government of Russia (Soviet Union) - Government of Ukraine: "
                           "Berdychi village")
    assert clash.place == "Berdychi village, Pokrovsk district, Donetsk oblast, Ukraine"
    assert clash.coordinates is not None
    assert (clash.coordinates.lat, clash.coordinates.lon) == (48.1901, 37.642)
    assert clash.kind == "state-based"
    assert clash.summary == "Russian assault near Berdychi repelled"
    assert clash.provenance is not None
    assert (clash.provenance.dataset, clash.provenance.row) == ("ucdp-ged", "470001")
    figure = catalog.claims["ucdp-470001-fatalities"]
    assert isinstance(figure.value, QuantityForm)
    assert (figure.value.between, figure.value.best) == ([12, 15], 12)
    assert figure.text == "UCDP: best 12 (low 12, high 15) killed"
    assert figure.source == ["ukrainian-general-staff"]
    assert figure.via == ["ucdp", "kyiv-independent", "reuters"]
    assert figure.provenance is not None
    assert figure.provenance.source_text == ('Ukrainian General Staff / Kyiv Independent;'
                                             'Reuters / Kyiv Independent,2024-03-05,'
                                             '"Russian assault near Berdychi repelled"')
    assert catalog.events["ucdp-470003"].kind == "one-sided"
    assert catalog.events["ucdp-470004"].kind == "non-state"
    assert_valid(capsys, tmp_path)


def test_date_precision_widens_a_single_day(capsys: pytest.CaptureFixture[str],
                                            tmp_path: Path) -> None:
    imported(capsys, "ucdp-ged", str(UCDP), "-o", str(tmp_path))
    events = load_catalog([tmp_path]).catalog.events
    assert events["ucdp-470002"].date.text == "2024-03-03/2024-03-09"  # 2: ±3 days
    assert events["ucdp-470004"].date.text == "2024-05-13/2024-05-27"  # 3: ±7 days
    assert events["ucdp-470003"].date.text == "2024-04"  # 4: the month
    assert events["ucdp-470005"].date.text == "2024"  # 5: the year
    assert events["ucdp-470006"].date.text == "2024-06-09/2024-06-12"  # UCDP's own span
    note = events["ucdp-470005"].note
    assert note is not None
    assert "date precision 5" in note


def test_figures_sources_and_relays(capsys: pytest.CaptureFixture[str],
                                    tmp_path: Path) -> None:
    imported(capsys, "ucdp-ged", str(UCDP), "-o", str(tmp_path))
    claims = load_catalog([tmp_path]).catalog.claims
    exact = claims["ucdp-470002-fatalities"]  # low = best = high
    assert (exact.value, exact.text) == ("2", "UCDP: 2 killed")
    assert (exact.source, exact.via) == (["suspilne"], ["ucdp"])  # no original: the office
    several = claims["ucdp-470006-fatalities"]
    assert several.source == ["ukrainian-general-staff", "russian-ministry-of-defence"]
    assert several.via == ["ucdp", "reuters", "afp"]
    alone = claims["ucdp-470005-fatalities"]
    assert (alone.source, alone.via) == (["ukrainian-ministry-of-defence"], ["ucdp"])


def test_malformed_rows_are_listed_and_nothing_is_written(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    folder = tmp_path / "out"
    status, _, err = imported(capsys, "ucdp-ged", str(MALFORMED), "-o", str(folder))
    assert status == 1
    assert err.splitlines()[:6] == [
        f"{MALFORMED}:2: the low estimate 11 is above the high 10 (column low)",
        f"{MALFORMED}:3: the best estimate 20 is outside low 12 to high 15 (column best)",
        f"{MALFORMED}:4: the type of violence is 1, 2 or 3, not '4' "
        "(column type_of_violence)",
        f"{MALFORMED}:5: the last day 2024-03-01 is before the first 2024-03-04 "
        "(column date_end)",
        f"{MALFORMED}:6: '2024/03/04' is not a date (expected 2024-03-05 or 05 March 2024) "
        "(column date_start)",
        f"{MALFORMED}:7: the best estimate 3 is outside low 1 to high 2 (column best)",
    ]
    assert not folder.exists()


def test_a_second_import_is_byte_identical(capsys: pytest.CaptureFixture[str],
                                           tmp_path: Path) -> None:
    imported(capsys, "ucdp-ged", str(UCDP), "-o", str(tmp_path))
    first = files_of(tmp_path)
    status, out, _ = imported(capsys, "ucdp-ged", str(UCDP), "-o", str(tmp_path))
    assert status == 0
    assert "6 unchanged" in out
    assert files_of(tmp_path) == first


def test_acled_and_ucdp_in_one_folder_disagree_exactly_where_they_should(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """Berdychi: ACLED 3 against UCDP 12 to 15 (a contradiction); Kharkiv: 2 and 2
    (none); the other events have no counterpart. Either order gives the same files."""
    for first, second in (("acled", "ucdp-ged"), ("ucdp-ged", "acled")):
        folder = tmp_path / first
        for name in (first, second):
            path = DATA / ("acled-ukraine.csv" if name == "acled" else "ucdp-ukraine.csv")
            status, _, err = imported(capsys, name, str(path), "-o", str(folder))
            assert status == 0, err
        assert_valid(capsys, folder)
        status, out, _ = main_in_process(capsys, "contradictions", str(folder), "--json")
        assert status == 0
        found = json.loads(out)
        claims = sorted(sorted(item["claims"]) for item in found)
        assert claims == [["acled-UKR90001-fatalities", "ucdp-470001-fatalities"]]
    acled_first, ucdp_first = files_of(tmp_path / "acled"), files_of(tmp_path / "ucdp-ged")
    month_files = [n for n in acled_first if not n.startswith("sources-")]
    assert {n: acled_first[n] for n in month_files} == {n: ucdp_first[n] for n in month_files}
