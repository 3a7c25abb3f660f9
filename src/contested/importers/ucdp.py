"""UCDP's Georeferenced Event Dataset (GED) CSV as timeline files: each row an event, and
its deaths (low to high, with the best estimate) a claim on the question `fatalities`.

How each column maps, and why, is in docs/importing.md; in short: the date is UCDP's
earliest to latest day, widened by `date_prec` when UCDP gives one day for a vaguer
date; the figure is the range UCDP gives with its best estimate; `source_original` is
who said it and `source_office` the office that relayed it to UCDP.
"""

from __future__ import annotations

from datetime import date

from contested.importers.common import (
    FATALITIES,
    CellError,
    ColumnProblem,
    CsvRow,
    day,
    days,
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

NAME = "ucdp"
PROVENANCE = "ucdp-ged"
DATASET = Dataset(
    name=NAME,
    title="UCDP GED",
    source=SourceEntry(
        id=NAME, name="UCDP", kind="dataset", side="neutral", reliability="F",
        aliases=("Uppsala Conflict Data Program", "UCDP GED"),
        note="Uppsala Conflict Data Program, Georeferenced Event Dataset: events coded "
             "from the reports each row names. Reliability F (cannot be judged) until "
             "the analyst grades it."),
    questions=(FATALITIES,),
)

REQUIRED = ("id", "type_of_violence", "dyad_name", "source_article", "source_office",
            "source_headline", "source_original", "where_coordinates", "where_description",
            "adm_1", "latitude", "longitude", "country", "date_prec", "date_start",
            "date_end", "best", "high", "low")
"""The columns read (`deaths_a` … `deaths_unknown`, `where_prec`, `conflict_name` are
read when present)."""

KINDS = {"1": "state-based", "2": "non-state", "3": "one-sided"}
"""UCDP's type of violence, in its own words."""

_WIDENED = {"2": (3, "a few days around it (date precision 2)"),
            "3": (7, "a week around it (date precision 3)")}
_WHERE_PRECISION = {
    "2": "UCDP placed it within 25 km of the coordinates (where precision 2).",
    "3": "UCDP placed it only in the second-order region (where precision 3).",
    "4": "UCDP placed it only in the first-order region (where precision 4).",
    "5": "UCDP placed it only somewhere in a larger area (where precision 5).",
    "6": "UCDP placed it only in the country (where precision 6).",
    "7": "UCDP placed it only at sea or in international airspace (where precision 7).",
}
_SIDES = (("deaths_a", "side A"), ("deaths_b", "side B"),
          ("deaths_civilians", "civilians"), ("deaths_unknown", "unknown"))


class UcdpImporter(RowByRow):
    """Reads UCDP GED CSV files."""

    dataset = DATASET
    required = REQUIRED

    def entries(self, row: CsvRow, shown: str) -> ImportedRow:
        return _row(row, shown)


def _day(row: CsvRow, column: str) -> date:
    try:
        return day(row.get(column))
    except CellError as error:
        raise _problem(column, str(error)) from None


def _count(row: CsvRow, column: str) -> int:
    try:
        return whole_number(row.get(column))
    except CellError as error:
        raise _problem(column, str(error)) from None


def _date(row: CsvRow) -> tuple[str, str, str | None]:
    """The event's date, the month of its file, and a note on how it was widened."""
    first, last = _day(row, "date_start"), _day(row, "date_end")
    if last < first:
        raise _problem("date_end", f"the last day {last} is before the first {first}")
    precision = row.cell("date_prec") or "1"
    if precision not in ("1", "2", "3", "4", "5"):
        raise _problem("date_prec", f"date precision is 1 to 5, not '{precision}'")
    month = first.strftime("%Y-%m")
    if first != last or precision == "1":
        return days(first, last), month, None
    said = f"UCDP gives {first.isoformat()}"
    if precision in _WIDENED:
        spread, what = _WIDENED[precision]
        return widened(first, spread, spread), month, f"{said}; the date is {what}."
    if precision == "4":
        return month, month, f"{said}; the date is that month (date precision 4)."
    return str(first.year), month, f"{said}; the date is that year (date precision 5)."


def _named(row: CsvRow, column: str) -> list[SourceEntry]:
    found: dict[str, SourceEntry] = {}
    for name in outlets(row.get(column)):
        entry = outlet(name, NAME, "UCDP GED")
        if entry is None:
            raise _problem(column, f"the source '{name}' gives no id (no letter or digit "
                                   "with an ASCII form): name it in Latin letters")
        if entry.id != NAME:  # UCDP itself is the dataset's own source
            found.setdefault(entry.id, entry)
    return list(found.values())


def _figure(row: CsvRow) -> tuple[int | dict[str, object], str]:
    low, best, high = _count(row, "low"), _count(row, "best"), _count(row, "high")
    if low > high:
        raise _problem("low", f"the low estimate {low} is above the high {high}")
    if not low <= best <= high:
        raise _problem("best", f"the best estimate {best} is outside low {low} to high {high}")
    if low == high:
        return best, f"UCDP: {best} killed"
    return ({"between": [low, high], "best": best},
            f"UCDP: best {best} (low {low}, high {high}) killed")


def _note(row: CsvRow, date_note: str | None) -> str | None:
    notes = [date_note, _WHERE_PRECISION.get(row.cell("where_prec"))]
    sides = [(label, row.cell(column)) for column, label in _SIDES if row.cell(column)]
    if sides:
        notes.append("Best estimate by side: "
                     + ", ".join(f"{label} {count}" for label, count in sides) + ".")
    if row.cell("event_clarity") == "2":
        notes.append("UCDP marks the event's details unclear (event clarity 2).")
    return " ".join(n for n in notes if n) or None


_problem = ColumnProblem.at


def _row(row: CsvRow, shown: str) -> ImportedRow:
    try:
        own = row_id(row.get("id"))
    except CellError as error:
        raise _problem("id", str(error)) from None
    when, month, date_note = _date(row)
    violence = row.cell("type_of_violence")
    if violence not in KINDS:
        raise _problem("type_of_violence", f"the type of violence is 1, 2 or 3, not "
                                           f"'{violence}'")
    value, text = _figure(row)
    coordinates = row_coordinates(row)
    originals, offices = _named(row, "source_original"), _named(row, "source_office")
    said_by = originals or offices
    relays = [NAME] + [o.id for o in offices if originals]
    claim_sources = [s.id for s in said_by] or [NAME]
    via = [s for s in dict.fromkeys(relays) if s not in claim_sources]
    parts = [row.get(c).strip() for c in ("source_original", "source_office",
                                          "source_article") if row.get(c).strip()]
    where = row.cell("where_coordinates")
    title = row.cell("dyad_name") or row.cell("conflict_name") or "Event"
    place = [row.cell(name) for name in ("where_description", "adm_1", "country")]
    event_id = f"{NAME}-{own}"
    event: Entry = {
        "id": event_id,
        "date": when,
        "title": f"{title}: {where}" if where else title,
        "place": ", ".join(p for i, p in enumerate(place) if p and p not in place[:i]) or None,
        "coordinates": coordinates,
        "kind": KINDS[violence],
        "tags": [PROVENANCE, KINDS[violence]],
        "summary": row.get("source_headline") or None,
        "note": _note(row, date_note),
        "provenance": {"dataset": PROVENANCE, "row": own},
    }
    claim: Entry = {
        "id": f"{event_id}-fatalities",
        "source": claim_sources,
        "via": via,
        "event": event_id,
        "text": text,
        "about": "fatalities",
        "value": value,
        "provenance": {"dataset": PROVENANCE, "row": own,
                       "source_text": " / ".join(parts) or None},
    }
    sources = {s.id: s for s in [*originals, *offices]}
    return ImportedRow(row=own, line=row.line, month=month, events=[event], claims=[claim],
                       sources=list(sources.values()), path=shown)
