"""Exports of the bundled catalog against golden files, and exports of hostile data."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contested.catalog.loading import load_catalog
from contested.cli import main
from contested.engine.analysis import Analysis, analyse
from contested.export.csv_export import to_csv
from contested.export.markdown import to_markdown
from contested.export.records import json_text, to_json
from contested.export.render import render
from tests.helpers import REPO, SOURCES, Write

GOLDEN = REPO / "tests" / "golden"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"


@pytest.fixture(scope="module")
def kursk() -> Analysis:
    """The bundled catalog, loaded by a relative path so the golden files hold no
    machine-specific paths."""
    here = Path.cwd()
    os.chdir(REPO)
    try:
        result = load_catalog(["timelines"])
    finally:
        os.chdir(here)
    assert result.ok
    return analyse(result.catalog)


@pytest.mark.parametrize(("fmt", "name"), [("markdown", "kursk.md"), ("json", "kursk.json"),
                                           ("csv", "kursk.csv")])
def test_golden_exports_of_the_bundled_catalog(kursk: Analysis, fmt: str, name: str) -> None:
    produced = render(kursk, fmt)
    golden = GOLDEN / name
    if UPDATE:
        golden.write_text(produced, encoding="utf-8")
    assert produced == golden.read_text(encoding="utf-8"), (
        f"{name} changed: review the diff, then UPDATE_GOLDEN=1 pytest {__file__}"
    )


def test_json_export_is_versioned_and_normalized(kursk: Analysis) -> None:
    document = json.loads(to_json(kursk))
    assert (document["format"], document["version"]) == ("contested-export", 1)
    claim = next(c for c in document["claims"] if c["id"] == "zombie-pipeline-800")
    assert claim["quantity"] == {"form": "about", "text": "about 800", "low": 800.0,
                                 "high": 800.0, "low_closed": True, "high_closed": True,
                                 "best": None}
    assert claim["as_of"] == {"text": "2025-03?", "earliest": "2025-03-01",
                              "latest": "2025-03-31", "precision": "month",
                              "approximate": False, "uncertain": True}
    (series,) = document["series"]
    assert [s["figure"] for s in series["steps"]] == [1400.0, 500.0, 300.0]
    assert {c["id"] for c in document["contradictions"]} >= {"syrsky-vs-deepstate"}


def test_csv_loads_without_fixups(kursk: Analysis) -> None:
    rows = list(csv.DictReader(io.StringIO(to_csv(kursk))))
    assert len(rows) == 40
    by_id = {row["id"]: row for row in rows}
    uk = by_id["uk-mod-300-km2"]
    assert (uk["value"], uk["value_low"], uk["value_high"], uk["unit"]) == (
        "300", "300", "300", "km2")
    assert (uk["as_of_earliest"], uk["as_of_latest"]) == ("2025-03-01", "2025-03-31")
    assert by_id["syrsky-under-control"]["contradicts"].split() == [
        "deepstate-third-lost", "gady-already-difficult", "gady-front-giving-way",
        "ua-soldier-situation-serious", "zombie-rout",
    ]
    assert by_id["nk-soldiers-thousands"]["value_high"] == ""


def test_markdown_report_reads_as_a_report(kursk: Analysis) -> None:
    report = to_markdown(kursk)
    assert report.startswith("# Contested claims\n")
    assert "## The March 2025 Russian advance in Kursk" in report
    assert "**Series (falling):**" in report
    assert "- 2025-02-01 to 2025-02-28: 500 (-900, -64%)" in report
    assert "relay: Zombie → Russian television → AFP → BTA" in report
    assert "## Warnings" in report


HOSTILE = (
    "[@click=app.quit]x[/] ![img](http://tracker.invalid/p.png) \x1b[2J\x07 \u202e =HYPERLINK()"
)


def hostile_analysis(write: Write) -> Analysis:
    write("sources.yaml", SOURCES)
    quoted = json.dumps(HOSTILE)  # a YAML double-quoted scalar with escapes
    write("claims.yaml", f"""\
        contested: 1
        claims:
          - id: c1
            source: afp
            text: {quoted}
            quote: {quoted}
            about: outcome
            value: success
          - id: c2
            source: ru-media
            text: {quoted}
            about: outcome
            value: heavy-losses
        """)
    result = load_catalog([write("x.yaml", "contested: 1\n").parent])
    assert result.ok, [d.headline() for d in result.diagnostics]
    return analyse(result.catalog)


def test_hostile_text_is_inert_in_every_export(write: Write) -> None:
    analysis = hostile_analysis(write)
    report = to_markdown(analysis)
    assert "\x1b" not in report
    assert "\u202e" not in report
    assert "![img]" not in report
    assert "\\!\\[img\\]" in report or "!\\[img\\]" in report
    rows = list(csv.DictReader(io.StringIO(to_csv(analysis))))
    assert all("\x1b" not in value for row in rows for value in row.values())
    document = json.loads(to_json(analysis))
    assert document["claims"][0]["text"] == HOSTILE  # JSON keeps the data exactly
    assert "\x1b" not in to_json(analysis)  # ...escaped


def test_csv_cells_never_start_a_formula(write: Write) -> None:
    write("sources.yaml", SOURCES)
    write("claims.yaml", """\
        contested: 1
        claims:
          - {id: c1, source: afp, text: "=cmd|' /C calc'!A0", quote: "@SUM(1)"}
        """)
    result = load_catalog([write("x.yaml", "contested: 1\n").parent])
    (row,) = csv.DictReader(io.StringIO(to_csv(analyse(result.catalog))))
    assert (row["text"], row["quote"]) == ("'=cmd|' /C calc'!A0", "'@SUM(1)")


def test_export_to_a_file_is_atomic_and_keeps_nothing_half_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "report.md"
    target.write_text("previous report\n")
    os.chmod(target, 0o640)
    assert main(["export", "--format", "markdown", "-o", str(target)]) == 0
    assert target.read_text().startswith("# Contested claims")
    assert oct(target.stat().st_mode & 0o777) == "0o640"
    assert [p.name for p in tmp_path.iterdir()] == ["report.md"]

    def failing_replace(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", failing_replace)  # the module support/files uses
    assert main(["export", "--format", "markdown", "-o", str(target)]) == 1
    assert target.read_text().startswith("# Contested claims")
    assert [p.name for p in tmp_path.iterdir()] == ["report.md"]
    assert "No space left on device" in capsys.readouterr().err


def test_export_refuses_a_broken_catalog(write: Write, capsys: pytest.CaptureFixture[str]
                                         ) -> None:
    bad = write("bad.yaml", "contested: 1\nsources:\n  - {id: a}\n")
    out = bad.parent / "out.json"
    assert main(["export", "--format", "json", str(bad), "-o", str(out)]) == 1
    assert not out.exists()
    assert "has no 'name', which is required" in capsys.readouterr().err


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@given(st.one_of(_JSON, st.dictionaries(st.text(), _JSON, max_size=5)))
def test_json_text_reads_back_as_the_same_value(value: object) -> None:
    text = json_text(value)
    assert json.loads(text) == value
    assert text.isascii()  # control characters and the like are escaped, never raw


def test_json_text_is_json_even_for_a_float_json_cannot_hold() -> None:
    """The format refuses a figure that is not finite; should one reach the encoder, it
    is written `null` (orjson's rule), never `Infinity`, which no JSON reader takes."""
    assert json.loads(json_text([1.5, float("inf"), float("nan")]),
                      parse_constant=pytest.fail) == [1.5, None, None]


def test_json_text_puts_each_record_on_a_line_of_its_own() -> None:
    text = json_text({"format": "x", "claims": [{"id": "a"}, {"id": "b\u202e"}], "none": []})
    assert text.splitlines() == ['{', '  "format": "x",', '  "claims": [', '    {"id":"a"},',
                                 '    {"id":"b\\u202e"}', '  ],', '  "none": []', '}']


def test_a_rising_step_says_its_sign(write: Write) -> None:
    """`(+2, +33%)`, as a falling one says `(-900, -64%)`."""
    write("sources.yaml", SOURCES)
    write("claims.yaml", """\
        contested: 1
        claims:
          - {id: six, source: afp, text: x, about: area, value: 6, as_of: 2025-01}
          - {id: eight, source: afp, text: x, about: area, value: 8, as_of: 2025-02}
        """)
    result = load_catalog([write("x.yaml", "contested: 1\n").parent])
    assert result.ok, [d.headline() for d in result.diagnostics]
    report = to_markdown(analyse(result.catalog))
    assert "**Series (rising):**" in report
    assert "- 2025-02-01 to 2025-02-28: 8 (+2, +33%)" in report
