"""What every importer needs of a row: reading a CSV within bounds, dates as datasets
write them, source names made ids, figures and coordinates checked.

A dataset file comes from outside, so it is read as hostile: its path must be a regular
file (a FIFO or a folder is refused before it is opened, never waited on), it is read as
a stream (a 100,000-row export is never held whole), a cell over `MAX_CELL` or a row of
more than `MAX_COLUMNS` cells is a row problem, and bytes that are not UTF-8 stop the
file with one message naming the byte and its line.
"""

from __future__ import annotations

import calendar
import csv
import os
import re
import stat
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import TextIO

from contested.format.model import ID_PATTERN
from contested.importers.records import Entry, RowProblem, SourceEntry
from contested.importers.writer import ImportRefused
from contested.support.files import kind_of

MAX_CELL = 1 << 20
"""The longest cell read (1 MiB): longer is a row problem, not a file held in memory."""
MAX_COLUMNS = 500

_ID = re.compile(ID_PATTERN)
_MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): number for number, name in enumerate(calendar.month_abbr)
                if name})
_ISO_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
_WORDS_DAY = re.compile(r"(\d{1,2})[ -]([A-Za-z]+)[ -](\d{4})")
_WHOLE = re.compile(r"\d+")
_DECIMAL = re.compile(r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)")


class CellError(ValueError):
    """A cell that does not hold what its column should."""


# --- reading the file ---------------------------------------------------------------------

def open_text(path: Path) -> TextIO:
    """`path` opened as UTF-8 text (a BOM is skipped) if it is a regular file; never
    blocks on a FIFO put there between the check and the open."""
    try:
        info = os.stat(path)
    except OSError as error:
        raise ImportRefused(f"{path}: {error.strerror or error}") from None
    if not stat.S_ISREG(info.st_mode):
        raise ImportRefused(f"{path}: {kind_of(info.st_mode)}, not a regular file")
    try:
        handle = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    except OSError as error:
        raise ImportRefused(f"{path}: {error.strerror or error}") from None
    opened = os.fstat(handle)
    if not stat.S_ISREG(opened.st_mode):
        os.close(handle)
        raise ImportRefused(f"{path}: {kind_of(opened.st_mode)}, not a regular file")
    os.set_blocking(handle, True)
    return open(handle, encoding="utf-8-sig", errors="strict", newline="")


def not_utf8(path: Path, line: int, error: UnicodeDecodeError) -> ImportRefused:
    byte = error.object[error.start:error.start + 1].hex().upper()
    return ImportRefused(
        f"{path}:{line}: the file is not UTF-8 (byte 0x{byte} cannot be read as UTF-8): "
        "nothing was written; save or export it as UTF-8 and import it again")


@dataclass(frozen=True)
class CsvRow:
    """One row: its cells by the header's names (lowercased, trimmed) and its first line."""

    line: int
    cells: dict[str, str]

    def get(self, column: str) -> str:
        return self.cells.get(column, "")

    def cell(self, column: str) -> str:
        """The cell trimmed ("" where the row has none)."""
        return self.cells.get(column, "").strip()


class ColumnProblem(Exception):
    """Why a row cannot be imported, and the column at fault (if one): raised while a
    row is read, made a `RowProblem` at the row's line (`RowByRow.row`)."""

    def __init__(self, message: str, column: str | None = None) -> None:
        super().__init__(message)
        self.message, self.column = message, column

    @classmethod
    def at(cls, column: str, message: str) -> ColumnProblem:
        """The problem at `column` (for importers whose columns are known names)."""
        return cls(message, column)


class CsvRecords:
    """A CSV file with a header, opened and its header checked (columns are found by
    name, in any case and order, extra ones ignored; a missing `required` column refuses
    the file); then its rows as read, each its first line and its cells."""

    def __init__(self, path: Path, required: Sequence[str]) -> None:
        csv.field_size_limit(MAX_CELL)
        self.path, self.shown = path, str(path)
        self._handle = open_text(path)
        try:
            self._reader = csv.reader(self._handle)
            self.names = self._header(required)
        except BaseException:
            self._handle.close()
            raise

    def _header(self, required: Sequence[str]) -> list[str]:
        shown = self.shown
        try:
            header = next(self._reader, None)
        except UnicodeDecodeError as error:
            raise not_utf8(self.path, 1, error) from None
        except csv.Error as error:
            raise ImportRefused(f"{shown}:1: the header cannot be read: {error}") from None
        if header is None:
            raise ImportRefused(f"{shown}: the file is empty (a header line was expected)")
        names = [name.strip().lower() for name in header]
        if len(names) > MAX_COLUMNS:
            raise ImportRefused(f"{shown}:1: the header has {len(names)} columns, over "
                                f"{MAX_COLUMNS}")
        repeated = sorted({n for n in names if n and names.count(n) > 1})
        missing = [n for n in required if n not in names]
        if repeated or missing:
            what = (f"lacks the column{'s' * (len(missing) > 1)} {', '.join(missing)}"
                    if missing else f"names {', '.join(repeated)} twice")
            raise ImportRefused(f"{shown}:1: the header {what} (it has: {', '.join(names)})")
        return names

    def __enter__(self) -> CsvRecords:
        return self

    def __exit__(self, *_: object) -> None:
        self._handle.close()

    def __iter__(self) -> Iterator[tuple[int, list[str]] | RowProblem]:
        reader, shown, width = self._reader, self.shown, len(self.names)
        line = reader.line_num + 1
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except UnicodeDecodeError as error:
                raise not_utf8(self.path, line, error) from None
            except csv.Error as error:
                message = str(error)
                if "field larger" in message:
                    message = f"a cell is over {MAX_CELL:,} characters"
                yield RowProblem(shown, line, message)
                line = reader.line_num + 1
                continue
            start, line = line, reader.line_num + 1
            if not cells or cells == [""]:
                continue
            if len(cells) > MAX_COLUMNS:
                yield RowProblem(shown, start, f"the row has {len(cells)} cells, over "
                                               f"{MAX_COLUMNS}")
                continue
            if len(cells) != width:
                yield RowProblem(shown, start, f"the row has {len(cells)} cells; the header "
                                               f"has {width} columns")
                continue
            yield start, cells


def read_csv(path: Path, required: Sequence[str]) -> Iterator[CsvRow | RowProblem]:
    """The rows of a CSV file with a header (`CsvRecords`), as they are read."""
    with CsvRecords(path, required) as records:
        names = records.names
        for item in records:
            yield item if isinstance(item, RowProblem) else CsvRow(
                item[0], dict(zip(names, item[1], strict=True)))


# --- cells --------------------------------------------------------------------------------

def row_id(cell: str) -> str:
    """A row's own id, used as written in the ids: one that could not be an id is refused,
    never changed (a changed id would not find its review notes again)."""
    written = cell.strip()
    if not written:
        raise CellError("the row has no id")
    if not _ID.fullmatch(written):
        raise CellError(f"'{written}' cannot be part of an id (letters, digits, and - _ . "
                        "after the first)")
    return written


def day(cell: str) -> date:
    """A day as datasets write it: `2024-03-05` (a time after it is ignored), `5 March
    2024`, `05-March-2024` or `5-Mar-2024` (English month names, any case)."""
    written = cell.strip()
    found = _ISO_DAY.fullmatch(written)
    try:
        if found:
            return date(int(found[1]), int(found[2]), int(found[3]))
        found = _WORDS_DAY.fullmatch(written)
        if found and found[2].lower() in _MONTHS:
            return date(int(found[3]), _MONTHS[found[2].lower()], int(found[1]))
    except ValueError:
        raise CellError(f"'{written}' names a day that does not exist") from None
    raise CellError(f"'{written}' is not a date (expected 2024-03-05 or 05 March 2024)")


def days(first: date, last: date) -> str:
    """The format's date for the days from `first` to `last`."""
    return first.isoformat() if first == last else f"{first.isoformat()}/{last.isoformat()}"


def widened(coded: date, before: int, after: int) -> str:
    return days(coded - timedelta(days=before), coded + timedelta(days=after))


def whole_number(cell: str) -> int:
    """A count as written: digits only (a count is never negative or fractional)."""
    written = cell.strip()
    if not _WHOLE.fullmatch(written):
        raise CellError(f"expected a whole number, got '{written}'" if written
                        else "expected a whole number, the cell is empty")
    return int(written)


def row_coordinates(row: CsvRow) -> dict[str, float] | None:
    """The `latitude` and `longitude` cells of a dataset's row as an event's coordinates
    (None when both are empty); `ColumnProblem` at the column that is not one."""
    latitude, longitude = row.cell("latitude"), row.cell("longitude")
    if not latitude and not longitude:
        return None
    found = {}
    for key, column, cell, bound in (("lat", "latitude", latitude, 90),
                                     ("lon", "longitude", longitude, 180)):
        try:
            found[key] = coordinate(cell, bound, column)
        except CellError as error:
            raise ColumnProblem(str(error), column) from None
    return found


def coordinate(cell: str, bound: float, name: str) -> float:
    written = cell.strip()
    if not _DECIMAL.fullmatch(written):
        raise CellError(f"expected a {name} in degrees, got '{written}'")
    value = float(written)
    if not -bound <= value <= bound:
        raise CellError(f"a {name} is between -{bound:g} and {bound:g}, not {written}")
    return value


@lru_cache(maxsize=1 << 16)
def slug(name: str) -> str:
    """An id made of a name: lowercase ASCII letters and digits, `-` between words;
    accents dropped (NFKD), letters with no ASCII form left out. May be empty.

    Cached: a dataset names the same few hundred outlets in every row."""
    decomposed = unicodedata.normalize("NFKD", name)
    plain = decomposed.encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")


@lru_cache(maxsize=1 << 16)
def outlet(name: str, dataset: str, title: str) -> SourceEntry | None:
    """The source an outlet's name stands for in `dataset`'s rows (None: the name makes
    no id). One entry per name, made once: rows name the same outlets again and again."""
    made = slug(name)
    if not made:
        return None
    return SourceEntry(id=made, name=name, kind="other", side="unknown", reliability="F",
                       note=f"Named as a source by {title} rows: kind, side and "
                            "reliability are the analyst's to grade.")


def outlets(cell: str) -> list[str]:
    """The names a `;`-separated source cell lists, trimmed, once each, in order."""
    return list(dict.fromkeys(part.strip() for part in cell.split(";") if part.strip()))


FATALITIES: Entry = {
    "id": "fatalities",
    "text": "How many people were killed in the event?",
    "kind": "quantity",
    "unit": "killed",
    "tolerance": 0,
    "per_event": True,
    "note": "Each dataset's figure for one event, as it gives it: ACLED's one figure "
            "(the lowest its sources report), UCDP's low to high with its best "
            "estimate. Declared once for every dataset, so that their figures for an "
            "event found the same are compared.",
}
"""The question ACLED's and UCDP's figures answer: one text, whichever writes it, so
that the dataset imported second finds it declared and reuses it."""
