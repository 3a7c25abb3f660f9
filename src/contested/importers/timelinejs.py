"""TimelineJS timelines (the Google Sheets template exported as CSV, or TimelineJS's
JSON) as events: a narrative timeline has no sources, so it brings no claims, only the
events an analyst then attaches claims to.

How each column maps is in docs/importing.md. Why the code is as it is:

- Dates are taken as far as the author gave them (a blank day is the month), and a date
  the format cannot hold (years BCE, a day not in its month) is a row problem: a
  guessed day would read as a claim the author never made.
- Headline and text are HTML to TimelineJS: `plain_text` makes them what a reader saw
  (a link keeps its address, for it is often the source), so that search and the
  explorer show the words, never the tags.
- The sheet has no id column, so a row's id is made of its headline and start date
  (numbered in file order when they repeat): unlike its line, that survives a row
  inserted above, so a re-import changes only the rows that changed. The JSON's
  `unique_id` is better still, and used where given. The ids seen are kept across the
  files of one import, which is why this importer reads rows in order, in one process.
- The title slide is a `Heading` the writer puts on every file's header; eras say
  nothing happened, and are left out.
"""

from __future__ import annotations

import calendar
import html.parser
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from contested.format.model import ID_PATTERN
from contested.importers.common import ColumnProblem, slug
from contested.importers.records import (
    Dataset,
    Entry,
    Heading,
    ImportedRow,
    RowProblem,
    SourceEntry,
)

NAME = "timelinejs"
MAX_JSON_BYTES = 64 * 1024 * 1024
"""A TimelineJS JSON is read whole (JSON has no rows to stream): the same bound as a
timeline file."""

_ID = re.compile(ID_PATTERN)
_COLUMNS = {
    "year": "Year", "month": "Month", "day": "Day", "time": "Time",
    "end year": "End Year", "end month": "End Month", "end day": "End Day",
    "end time": "End Time", "display date": "Display Date", "headline": "Headline",
    "text": "Text", "media": "Media", "media credit": "Media Credit",
    "media caption": "Media Caption", "media thumbnail": "Media Thumbnail",
    "type": "Type", "group": "Group", "background": "Background",
}
"""The template's columns, by their case-folded name (headers are matched so)."""
_REQUIRED = ("year", "headline")
_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
           "september", "october", "november", "december")

DATASET = Dataset(
    name=NAME,
    title="TimelineJS",
    source=SourceEntry(
        id=NAME, name="TimelineJS timeline", kind="dataset", side="unknown",
        note="A narrative timeline made with TimelineJS; it names no sources, so its "
             "events carry no claims."),
)


# --- HTML as a reader saw it ------------------------------------------------------------------

class _PlainText(html.parser.HTMLParser):
    """The text of an HTML fragment as a browser shows it, with its breaks."""

    _BLOCKS = frozenset({"p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6",
                         "blockquote", "tr", "table", "section", "article", "pre"})
    _HIDDEN = frozenset({"script", "style", "template"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0
        self._links: list[str | None] = []
        self._link_text: list[int] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._HIDDEN:
            self._hidden += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag == "li":
            self.parts.append("\n\n- ")
        elif tag in self._BLOCKS:
            self.parts.append("\n\n")
        elif tag == "a":
            self._links.append(dict(attrs).get("href"))
            self._link_text.append(len(self.parts))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br" or tag in self._BLOCKS:
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in self._HIDDEN:
            self._hidden = max(0, self._hidden - 1)
        elif tag in self._BLOCKS:
            self.parts.append("\n\n")
        elif tag == "a" and self._links:
            href, start = self._links.pop(), self._link_text.pop()
            shown = " ".join("".join(self.parts[start:]).split())
            if href and href.strip() and href.strip() != shown:
                self.parts.append(f" ({href.strip()})" if shown else href.strip())

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(_SPACES.sub(" ", data.replace("\xa0", " ")))


_SPACES = re.compile(r"[ \t\r\n\f]+")
"""HTML's white space: a run of it shows as one space (other characters are text; a
no-break space from `&nbsp;` is made a space, as a reader saw it)."""


def plain_text(fragment: str, *, one_line: bool = False) -> str:
    """`fragment` (HTML, as TimelineJS shows a headline or text) as plain text."""
    if "<" not in fragment and "&" not in fragment:
        text = _SPACES.sub(" ", fragment)
        return text.strip(" ")
    parser = _PlainText()
    parser.feed(fragment)
    parser.close()
    joined = "".join(parser.parts)
    if one_line:
        return _SPACES.sub(" ", joined).strip(" ")
    lines = [line.strip(" ") for line in joined.split("\n")]
    paragraphs: list[str] = []
    blank = False
    for line in lines:
        if not line:
            blank = bool(paragraphs)
            continue
        if blank:
            paragraphs.append("")
            blank = False
        paragraphs.append(line)
    return "\n".join(paragraphs)


# --- dates ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Day:
    """A start or end as TimelineJS gives it: a year, maybe a month, maybe a day."""

    year: int
    month: int | None
    day: int | None

    @property
    def text(self) -> str:
        written = f"{self.year:04d}"
        if self.month is not None:
            written += f"-{self.month:02d}"
        if self.day is not None:
            written += f"-{self.day:02d}"
        return written

    @property
    def first(self) -> tuple[int, int, int]:
        return (self.year, self.month or 1, self.day or 1)

    @property
    def last(self) -> tuple[int, int, int]:
        month = self.month or 12
        return (self.year, month, self.day or calendar.monthrange(self.year, month)[1])


def _whole(value: str, column: str, what: str) -> int:
    written = value.strip()
    if written.endswith(".0"):  # a spreadsheet's number written as a float
        written = written[:-2]
    if not (written.lstrip("+-").isdigit() and written.isascii()):
        raise ColumnProblem(f"the {what} is '{value}', not a whole number", column)
    return int(written)


def _day_of(year: str, month: str, day: str, columns: tuple[str, str, str]) -> _Day:
    """The day (or month, or year) these cells name, or the problem with them."""
    if not year.strip():
        raise ColumnProblem("the row has no year (a TimelineJS date starts with its year)",
                       columns[0])
    year_number = _whole(year, columns[0], "year")
    if not 0 <= year_number <= 9999:
        raise ColumnProblem(f"the year is {year_number}: the format writes years 0 to 9999 "
                       "(years BCE cannot be imported)", columns[0])
    month_number = _whole(month, columns[1], "month") if month.strip() else None
    if month_number is not None and not 1 <= month_number <= 12:
        raise ColumnProblem(f"the month is {month_number}, not 1 to 12", columns[1])
    day_number = _whole(day, columns[2], "day") if day.strip() else None
    if day_number is not None:
        if month_number is None:
            raise ColumnProblem(f"a day ({day_number}) without a month", columns[1])
        days = calendar.monthrange(year_number, month_number)[1]
        if not 1 <= day_number <= days:
            raise ColumnProblem(f"{year_number:04d}-{month_number:02d} has no day {day_number} "
                           f"(it has {days} days)", columns[2])
    return _Day(year_number, month_number, day_number)


def _date_of(cells: Mapping[str, str], labels: Mapping[str, str]) -> tuple[_Day, _Day | None]:
    start = _day_of(cells.get("year", ""), cells.get("month", ""), cells.get("day", ""),
                    (labels["year"], labels["month"], labels["day"]))
    end_cells = (cells.get("end year", ""), cells.get("end month", ""),
                 cells.get("end day", ""))
    if not any(cell.strip() for cell in end_cells):
        return start, None
    if not end_cells[0].strip():
        raise ColumnProblem("an end month or day without an end year", labels["end year"])
    end = _day_of(*end_cells, (labels["end year"], labels["end month"], labels["end day"]))
    if end.last < start.first:
        raise ColumnProblem(f"the end ({end.text}) is before the start ({start.text})",
                       labels["end year"])
    return start, end


def _says_more(display: str, start: _Day, end: _Day | None) -> bool:
    """Whether a display date says more than the date itself (`early August 2024`
    does; `August 6, 2024` and `6/8/2024` do not)."""
    known = {"to", "and", "from", "until", "till", "of", "the"}
    for day in (start, end):
        if day is None:
            continue
        known.add(str(day.year))
        if day.month is not None:
            name = _MONTHS[day.month - 1]
            known |= {name, name[:3], str(day.month), f"{day.month:02d}"}
            if day.month == 9:
                known.add("sept")
        if day.day is not None:
            number = day.day
            suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(
                number % 10, "th")
            known |= {str(number), f"{number:02d}", f"{number}{suffix}"}
    words = re.findall(r"[^\W_]+", display.casefold())
    return any(word not in known for word in words)


# --- rows -------------------------------------------------------------------------------------

@dataclass
class _Seen:
    """The ids the rows read so far in one import took."""

    ids: dict[str, str]
    """Each event's row id → where its row is (`file:line`)."""
    bases: dict[str, int]


class TimelineJSImporter:
    """Reads TimelineJS CSV exports and JSON files into events (JSON by the suffix
    `.json`, a sheet by `.csv`, else by the first character: `{` is JSON)."""

    dataset = DATASET

    def __init__(self) -> None:
        self._seen = _Seen(ids={}, bases={})
        self._title_at: int | None = None

    def rows(self, path: Path) -> Iterator[ImportedRow | RowProblem | Heading]:
        shown = str(path)
        self._title_at = None
        if _is_json(path):
            yield from self._json_rows(path, shown)
        else:
            yield from self._csv_rows(path, shown)

    # CSV

    def _csv_rows(self, path: Path, shown: str) -> Iterator[ImportedRow | RowProblem | Heading]:
        from contested.importers.common import read_csv

        labels = {**_COLUMNS, "unique_id": "unique_id"}
        for item in read_csv(path, _REQUIRED):
            if isinstance(item, RowProblem):
                yield item
            elif any(cell.strip() for cell in item.cells.values()):
                yield from self._row(shown, item.line, item.cells, labels)

    # JSON

    def _json_rows(self, path: Path, shown: str) -> Iterator[ImportedRow | RowProblem | Heading]:
        try:
            document = _TimelineDocument.read(path)
        except _Located as problem:
            yield RowProblem(shown, problem.line, problem.message)
            return
        labels = _JSON_LABELS
        items = ([(*document.title, True)] if document.title is not None else []) + [
            (line, event, False) for line, event in document.events]
        for line, event, is_title in items:
            if not isinstance(event, dict):
                yield RowProblem(shown, line, f"an event is a JSON object, not {_kind(event)}")
                continue
            try:
                cells = _json_cells(event, is_title=is_title)
            except ColumnProblem as problem:
                yield RowProblem(shown, line, problem.message, problem.column)
                continue
            yield from self._row(shown, line, cells, labels)

    # one row

    def _row(self, shown: str, line: int, cells: Mapping[str, str],
             labels: Mapping[str, str]) -> Iterator[ImportedRow | RowProblem | Heading]:
        kind = cells.get("type", "").strip().casefold()
        if kind == "era":
            return
        try:
            if kind == "title":
                yield self._title(line, cells, labels)
                return
            yield self._event(shown, line, cells, labels)
        except ColumnProblem as problem:
            yield RowProblem(shown, line, problem.message, problem.column)

    def _title(self, line: int, cells: Mapping[str, str], labels: Mapping[str, str],
               ) -> Heading:
        if self._title_at is not None:
            raise ColumnProblem(f"a second title row (the first is at line {self._title_at}): "
                           "TimelineJS shows one title", labels["type"])
        self._title_at = line
        return Heading(plain_text(cells.get("headline", ""), one_line=True),
                       plain_text(cells.get("text", "")) or None)

    def _event(self, shown: str, line: int, cells: Mapping[str, str],
               labels: Mapping[str, str]) -> ImportedRow:
        start, end = _date_of(cells, labels)
        title = plain_text(cells.get("headline", ""), one_line=True)
        if not title:
            raise ColumnProblem("the row has no headline (an event needs a title)",
                           labels["headline"])
        row_id = self._row_id(cells.get("unique_id", ""), title, start, labels,
                              f"{shown}:{line}")
        date = start.text if end is None or end == start else f"{start.text}/{end.text}"
        event: Entry = {"id": f"{NAME}-{row_id}", "date": date, "title": title}
        summary = plain_text(cells.get("text", ""))
        if summary:
            event["summary"] = summary
        group = cells.get("group", "").strip()
        if group:
            event["tags"] = [group]
        note = _note(cells, start, end)
        if note:
            event["note"] = note
        event["provenance"] = {"dataset": NAME, "row": row_id}
        year, month, _ = start.first
        return ImportedRow(row=row_id, line=line, month=f"{year:04d}-{month:02d}",
                           events=[event], path=shown)

    def _row_id(self, unique_id: str, title: str, start: _Day,
                labels: Mapping[str, str], where: str) -> str:
        seen = self._seen
        if unique_id.strip():
            row_id = unique_id.strip()
            if not _ID.fullmatch(row_id):
                raise ColumnProblem(
                    f"the unique_id '{unique_id}' cannot be part of an id (letters, digits, "
                    "'.', '_' and '-', starting with a letter or digit)", "unique_id")
        else:
            words = slug(title)
            if not words:
                raise ColumnProblem(f"the headline '{title}' has no letter or digit an id can "
                               "be made of: give the event a unique_id", labels["headline"])
            base = f"{words[:80].rstrip('-')}-{start.text}"
            count = seen.bases[base] = seen.bases.get(base, 0) + 1
            row_id = base if count == 1 else f"{base}-{count}"
        if row_id in seen.ids:
            raise ColumnProblem(f"the id '{NAME}-{row_id}' is already the row's at "
                           f"{seen.ids[row_id]}", "unique_id")
        seen.ids[row_id] = where
        return row_id


def _note(cells: Mapping[str, str], start: _Day, end: _Day | None) -> str:
    parts: list[str] = []
    display = cells.get("display date", "").strip()
    if display and _says_more(display, start, end):
        parts.append(f"Display date: {display}")
    times = [cells.get("time", "").strip(), cells.get("end time", "").strip()]
    if times[0] and times[1]:
        parts.append(f"Time: {times[0]} to {times[1]}")
    elif times[0] or times[1]:
        parts.append(f"Time: {times[0]}" if times[0] else f"End time: {times[1]}")
    media = cells.get("media", "").strip()
    if media:
        parts.append(f"Media: {media}")
    for key, label in (("media credit", "Credit"), ("media caption", "Caption")):
        value = plain_text(cells.get(key, ""))
        if value:
            parts.append(f"{label}: {value}")
    return "\n".join(parts)


def _is_json(path: Path) -> bool:
    """Whether the file is TimelineJS's JSON rather than a sheet: by its suffix, else by
    its first character (a file that cannot be read goes to the CSV reader, which says
    why)."""
    import os
    import stat

    suffix = path.suffix.casefold()
    if suffix in (".json", ".csv"):
        return suffix == ".json"
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return False
        handle = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    except OSError:
        return False
    try:
        head = os.read(handle, 256) if stat.S_ISREG(os.fstat(handle).st_mode) else b""
    except OSError:
        head = b""
    finally:
        os.close(handle)
    return head.removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n").startswith(b"{")


# --- JSON -------------------------------------------------------------------------------------

class _Located(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def _kind(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "true or false",
            type(None): "null"}.get(type(value), "a number")


@dataclass
class _TimelineDocument:
    """A TimelineJS JSON file: its title slide and its events, each with its line."""

    title: tuple[int, dict[str, Any]] | None
    events: list[tuple[int, Any]]

    @classmethod
    def read(cls, path: Path) -> _TimelineDocument:
        from contested.format.guarded_yaml import check_encoding
        from contested.support.files import Refused, read_regular

        try:
            data = read_regular(path, MAX_JSON_BYTES)
        except Refused as refused:
            raise _Located(1, f"cannot read the file: {refused.reason}") from None
        try:
            body = check_encoding(data, str(path))
        except Exception as error:  # DiagnosticError: says which byte, and where
            diagnostic = getattr(error, "diagnostic", None)
            line = diagnostic.location.line if diagnostic is not None else 1
            message = diagnostic.message if diagnostic is not None else str(error)
            raise _Located(line or 1, message) from None
        return _walk(body.decode("utf-8"))


_WS = re.compile(r"[ \t\n\r]*")


def _walk(text: str) -> _TimelineDocument:
    """Reads the top object by hand and each event with `json`'s own decoder, so that
    each event keeps the line where it starts (what a row problem names)."""
    decoder = json.JSONDecoder()
    lines = _Lines(text)

    def value_at(at: int) -> tuple[Any, int]:
        try:
            return decoder.raw_decode(text, at)
        except json.JSONDecodeError as error:
            raise _Located(error.lineno, f"not valid JSON: {error.msg} (column "
                           f"{error.colno})") from None
        except RecursionError:  # `[[[[…` a hundred thousand deep: refused, not a crash
            raise _Located(lines.at(at), "not read: nested too deeply") from None

    at = _WS.match(text, 0).end()  # type: ignore[union-attr]
    if not text.startswith("{", at):
        raise _Located(lines.at(at), "a TimelineJS JSON file is one object with "
                       "'events' (and maybe 'title' and 'eras')")
    title: tuple[int, dict[str, Any]] | None = None
    events: list[tuple[int, Any]] | None = None
    at = _WS.match(text, at + 1).end()  # type: ignore[union-attr]
    if text.startswith("}", at):
        raise _Located(lines.at(at), "the object has no 'events'")
    while True:
        key, at = value_at(at)
        if not isinstance(key, str):
            raise _Located(lines.at(at), "not valid JSON: a key is a string")
        at = _WS.match(text, at).end()  # type: ignore[union-attr]
        if not text.startswith(":", at):
            raise _Located(lines.at(at), "not valid JSON: ':' expected after a key")
        at = _WS.match(text, at + 1).end()  # type: ignore[union-attr]
        if key == "events" and text.startswith("[", at):
            events = []
            at = _WS.match(text, at + 1).end()  # type: ignore[union-attr]
            while not text.startswith("]", at):
                line = lines.at(at)
                item, at = value_at(at)
                events.append((line, item))
                at = _WS.match(text, at).end()  # type: ignore[union-attr]
                if text.startswith(",", at):
                    at = _WS.match(text, at + 1).end()  # type: ignore[union-attr]
                elif not text.startswith("]", at):
                    raise _Located(lines.at(at), "not valid JSON: ',' or ']' expected "
                                   "after an event")
            at += 1
        else:
            line = lines.at(at)
            value, at = value_at(at)
            if key == "title":
                if not isinstance(value, dict):
                    raise _Located(line, f"'title' is an object, not {_kind(value)}")
                title = (line, value)
            elif key == "events":
                raise _Located(line, f"'events' is a list, not {_kind(value)}")
        at = _WS.match(text, at).end()  # type: ignore[union-attr]
        if text.startswith(",", at):
            at = _WS.match(text, at + 1).end()  # type: ignore[union-attr]
            continue
        if text.startswith("}", at):
            break
        raise _Located(lines.at(at), "not valid JSON: ',' or '}' expected")
    if _WS.match(text, at + 1).end() != len(text):  # type: ignore[union-attr]
        raise _Located(lines.at(at + 1), "not valid JSON: text after the object")
    if events is None:
        raise _Located(1, "the object has no 'events'")
    return _TimelineDocument(title, events)


class _Lines:
    """Line numbers of offsets that only grow, counted once."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._at = 0
        self._line = 1

    def at(self, offset: int) -> int:
        if offset < self._at:
            return self._text.count("\n", 0, offset) + 1
        self._line += self._text.count("\n", self._at, offset)
        self._at = offset
        return self._line


_JSON_FIELDS = {
    "year": ("start_date", "year"), "month": ("start_date", "month"),
    "day": ("start_date", "day"), "end year": ("end_date", "year"),
    "end month": ("end_date", "month"), "end day": ("end_date", "day"),
    "headline": ("text", "headline"), "text": ("text", "text"), "media": ("media", "url"),
    "media credit": ("media", "credit"), "media caption": ("media", "caption"),
}
"""Where the JSON keeps what the sheet's columns hold (the rest are top-level keys)."""
_JSON_LABELS = {key: ".".join(_JSON_FIELDS[key]) if key in _JSON_FIELDS else key.replace(
    " ", "_") for key in (*_COLUMNS, "unique_id")}
_JSON_LABELS["type"] = "title"


def _json_cells(event: dict[str, Any], *, is_title: bool = False) -> dict[str, str]:
    """A JSON event as the CSV's cells (by case-folded column name), so one code reads
    both."""
    cells: dict[str, str] = {}

    def part(name: str) -> dict[str, Any]:
        value = event.get(name)
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise ColumnProblem(f"'{name}' is an object, not {_kind(value)}", name)
        return value

    def put(key: str, value: Any) -> None:
        if value is None:
            return
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise ColumnProblem(f"'{_JSON_LABELS[key]}' is a string or a number, not "
                           f"{_kind(value)}", _JSON_LABELS[key])
        cells[key] = value if isinstance(value, str) else _number_text(value)

    for key, (outer, inner) in _JSON_FIELDS.items():
        put(key, part(outer).get(inner))
    for prefix, name in (("", "start_date"), ("end ", "end_date")):
        hour, minute = part(name).get("hour"), part(name).get("minute")
        if hour is not None:
            put(prefix + "time", f"{_number_text(hour)}:{_number_text(minute or 0):0>2}")
    put("group", event.get("group"))
    put("unique_id", event.get("unique_id"))
    put("display date", event.get("display_date") or part("start_date").get("display_date"))
    if is_title:
        cells["type"] = "title"
    return cells


def _number_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
