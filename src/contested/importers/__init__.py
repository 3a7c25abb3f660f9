"""Importers: the datasets analysts already hold (ACLED, UCDP GED, TimelineJS, their own
spreadsheets) written as timeline files, format 1, that `contested` then loads like any.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from contested.importers.records import Importer


def _without_mapping(name: str, make: Callable[[], Importer]) -> Callable[[Path | None], Importer]:
    """A dataset whose layout is fixed: a mapping file would be ignored, so it is refused."""

    def factory(mapping: Path | None) -> Importer:
        if mapping is not None:
            from contested.importers.writer import ImportRefused

            raise ImportRefused(f"{name} has a fixed layout: --mapping is for csv only")
        return make()

    return factory


def _acled() -> Importer:
    from contested.importers.acled import AcledImporter

    return AcledImporter()


def _ucdp() -> Importer:
    from contested.importers.ucdp import UcdpImporter

    return UcdpImporter()


def _timelinejs() -> Importer:
    from contested.importers.timelinejs import TimelineJSImporter

    return TimelineJSImporter()


def _csv(mapping: Path | None) -> Importer:
    from contested.importers.csv_mapping import CsvMappingImporter

    if mapping is None:
        from contested.importers.writer import ImportRefused

        raise ImportRefused("csv needs --mapping FILE: the file saying which column holds "
                            "which field (see docs/importing.md)")
    return CsvMappingImporter.from_file(mapping)


IMPORTERS: dict[str, Callable[[Path | None], Importer]] = {
    "acled": _without_mapping("acled", _acled),
    "ucdp-ged": _without_mapping("ucdp-ged", _ucdp),
    "timelinejs": _without_mapping("timelinejs", _timelinejs),
    "csv": _csv,
}
"""`contested import FORMAT`: each format's importer, made from the `--mapping` file
(None when not given; only `csv` takes one). Importing this table loads no importer:
`contested import --help` names the formats without loading them."""
