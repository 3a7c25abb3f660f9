"""ACLED's CSV export (the 2023 layout) as timeline files: each row an event, and ACLED's
figure of its fatalities a claim on the question `fatalities`.

How each column maps, and why, is in docs/importing.md; in short: the event is ACLED's
(its date widened to the week or month that `time_precision` says ACLED coded it by),
the figure is ACLED's statement of how many died, written as the exact figure it
gives, with the outlets of `source` as its sources and ACLED as the relay the analyst
reads it through.
"""

from __future__ import annotations

from contested.importers.common import (
    FATALITIES,
    CellError,
    ColumnProblem,
    CsvRow,
    day,
    outlet,
    outlets,
    row_coordinates,
    row_id,
    whole_number,
    widened,
)
from contested.importers.parallel import RowByRow
from contested.importers.records import (
    Dataset,
    Entry,
    ImportedRow,
    SourceEntry,
)

NAME = "acled"
DATASET = Dataset(
    name=NAME,
    title="ACLED",
    source=SourceEntry(
        id=NAME, name="ACLED", kind="dataset", side="neutral", reliability="F",
        aliases=("Armed Conflict Location & Event Data Project",),
        note="Armed Conflict Location & Event Data: events coded from the outlets each row "
             "names. Reliability F (cannot be judged) until the analyst grades it."),
    questions=(FATALITIES,),
)

REQUIRED = ("event_id_cnty", "event_date", "time_precision", "disorder_type", "event_type",
            "sub_event_type", "actor1", "actor2", "country", "admin1", "location",
            "latitude", "longitude", "source", "notes", "fatalities")
"""The columns read (others, such as `tags` or `geo_precision`, are read when present)."""

_WEEK_DAYS = 3
_GEO_PRECISION = {
    "2": "ACLED placed it near the location given (geo precision 2): the coordinates "
         "are of a nearby town.",
    "3": "ACLED placed it only in the region given (geo precision 3): the coordinates "
         "are of the region.",
}


class AcledImporter(RowByRow):
    """Reads ACLED CSV exports."""

    dataset = DATASET
    required = REQUIRED

    def entries(self, row: CsvRow, shown: str) -> ImportedRow:
        return _row(row, shown)


def _date(row: CsvRow) -> tuple[str, str, str | None]:
    """The event's date, the month of its file, and a note on how it was widened."""
    try:
        coded = day(row.get("event_date"))
    except CellError as error:
        raise _problem("event_date", str(error)) from None
    precision = row.cell("time_precision") or "1"
    month = coded.strftime("%Y-%m")
    if precision == "1":
        return coded.isoformat(), month, None
    if precision == "2":
        note = (f"ACLED coded {coded.isoformat()}, the middle of the week it knows "
                "(time precision 2): the date is that week.")
        return widened(coded, _WEEK_DAYS, _WEEK_DAYS), month, note
    if precision == "3":
        note = (f"ACLED coded {coded.isoformat()}, the middle of the month it knows "
                "(time precision 3): the date is that month.")
        return month, month, note
    raise _problem("time_precision", f"time precision is 1, 2 or 3, not '{precision}'")


def _sources(row: CsvRow) -> list[SourceEntry]:
    found: dict[str, SourceEntry] = {}
    for name in outlets(row.get("source")):
        entry = outlet(name, NAME, "ACLED")
        if entry is None:
            raise _problem("source", f"the source '{name}' gives no id (no letter or digit "
                                     "with an ASCII form): name it in Latin letters")
        if entry.id != NAME:  # ACLED itself is the dataset's own source
            found.setdefault(entry.id, entry)
    return list(found.values())


def _title(row: CsvRow) -> str:
    what = row.cell("sub_event_type") or row.cell("event_type") or "Event"
    actors = " – ".join(a for a in (row.cell("actor1"), row.cell("actor2")) if a)
    return f"{what}: {actors}" if actors else what


def _place(row: CsvRow) -> str | None:
    parts = [row.cell(name) for name in ("location", "admin1", "country")]
    kept = [p for i, p in enumerate(parts) if p and p not in parts[:i]]
    return ", ".join(kept) or None


_problem = ColumnProblem.at


def _row(row: CsvRow, shown: str) -> ImportedRow:
    try:
        own = row_id(row.get("event_id_cnty"))
    except CellError as error:
        raise _problem("event_id_cnty", str(error)) from None
    when, month, date_note = _date(row)
    try:
        killed = whole_number(row.get("fatalities"))
    except CellError as error:
        raise _problem("fatalities", str(error)) from None
    coordinates = row_coordinates(row)
    cited = _sources(row)
    notes = [date_note, _GEO_PRECISION.get(row.cell("geo_precision"))]
    if row.cell("tags"):
        notes.append(f"ACLED tags: {row.get('tags')}")
    tags = [NAME] + [t for t in (row.cell("disorder_type"), row.cell("sub_event_type"),
                                 row.cell("civilian_targeting")) if t]
    event_id = f"{NAME}-{own}"
    event: Entry = {
        "id": event_id,
        "date": when,
        "title": _title(row),
        "place": _place(row),
        "coordinates": coordinates,
        "kind": row.cell("event_type") or None,
        "tags": list(dict.fromkeys(tags)),
        "summary": row.get("notes") or None,
        "note": " ".join(n for n in notes if n) or None,
        "provenance": {"dataset": NAME, "row": own},
    }
    source_text = row.get("source")
    claim: Entry = {
        "id": f"{event_id}-fatalities",
        "source": [s.id for s in cited] or [NAME],
        "via": [NAME] if cited else [],
        "event": event_id,
        "text": f"ACLED: {killed} {'fatality' if killed == 1 else 'fatalities'}",
        "about": "fatalities",
        "value": killed,
        "provenance": {"dataset": NAME, "row": own,
                       "source_text": source_text if source_text else None},
    }
    return ImportedRow(row=own, line=row.line, month=month, events=[event], claims=[claim],
                       sources=cited, path=shown)
