"""The analyst's own spreadsheets: any CSV, with a small mapping file (YAML) saying which
column holds which field of the format. The mapping's keys and how each field maps are
in docs/importing.md. Why the code is as it is:

- The mapping is checked whole (`_Checker`), against the header too, before a row is
  read: a mistake there would make every row a problem, so each is listed once, at its
  line in the mapping, instead of once per row.
- Cells are taken as written: texts exactly, dates in the format's own syntax (a date
  the format cannot read is a row problem with its hint: `10/03/2025` is never guessed
  day-first or month-first), figures as people write them (`about 800`, `5+`) through
  the format's own `figure_as_written`, so a sheet reads as the analyst meant it and
  nothing is silently changed.
- Questions are declared in the mapping because a value cannot be read without knowing
  its question's kind (a figure, or a word among `values`).
- A sheet without an id column gets line ids (`my-sheet-line-12`): they hold while the
  sheet only grows at its end, which is how such sheets are kept; the docs say when they
  do not.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from contested.format.dates import DateError, FuzzyDate, parse_date
from contested.format.diagnostics import did_you_mean, nearest
from contested.format.guarded_yaml import Limits, YamlList, YamlMap, read_yaml
from contested.format.model import ID_PATTERN, Question
from contested.format.quantities import QuantityError, figure_as_written, parse_number
from contested.importers.common import (
    CellError,
    ColumnProblem,
    CsvRow,
    coordinate,
    not_utf8,
    open_text,
    outlets,
    row_id,
    slug,
)
from contested.importers.parallel import RowByRow
from contested.importers.records import (
    Dataset,
    Entry,
    ImportedRow,
    SourceEntry,
)
from contested.importers.writer import ImportRefused

MAX_MAPPING_BYTES = 256 * 1024
RESERVED = frozenset({"acled", "ucdp", "ucdp-ged", "timelinejs", "sources"})
"""Dataset names a mapping cannot take: another importer's files, or `sources-…`."""

_EVENT_FIELDS = ("date", "title", "place", "summary", "note", "kind", "tags", "latitude",
                 "longitude")
_CLAIM_FIELDS = ("source", "via", "text", "quote", "question", "about", "value", "said",
                 "note")
_TOP_FIELDS = ("dataset", "title", "row", "event", "claim", "questions")
_COLUMN_FIELDS = {"event": frozenset(_EVENT_FIELDS),
                  "claim": frozenset(_CLAIM_FIELDS) - {"question"}}
_ID = re.compile(ID_PATTERN)


class MappingError(ImportRefused):
    """A mapping file with mistakes: each listed at its place, nothing read or written."""

    def __init__(self, problems: list[str]) -> None:
        count = len(problems)
        self.headline = (f"the mapping has {count} problem{'s' * (count != 1)}: nothing was "
                         "read or written")
        super().__init__(self.headline + ": " + "; ".join(problems))
        self.problems = problems


@dataclass
class _Column:
    """A mapped column: its name as the mapping writes it (matched in any case) and where
    the mapping names it."""

    name: str
    line: int
    column: int


@dataclass
class Mapping:
    """A checked mapping: which column feeds which field."""

    path: str
    dataset: Dataset
    row: _Column | None
    event: dict[str, _Column]
    claim: dict[str, _Column]
    question: str | None
    questions: dict[str, Question] = field(default_factory=dict)

    def columns(self) -> list[tuple[str, _Column]]:
        named = [("row", self.row)] if self.row is not None else []
        return [*named, *((f"event.{k}", c) for k, c in self.event.items()),
                *((f"claim.{k}", c) for k, c in self.claim.items())]


# --- the mapping file -----------------------------------------------------------------------

def read_mapping(path: Path) -> Mapping:
    """The mapping at `path`, checked; raises `MappingError` listing every mistake
    (`ImportRefused` for a file that cannot be read)."""
    from contested.format.diagnostics import DiagnosticError
    from contested.support.files import Refused, read_regular

    shown = str(path)
    try:
        data = read_regular(path, MAX_MAPPING_BYTES)
    except Refused as refused:
        raise ImportRefused(f"{shown}: the mapping cannot be read: {refused.reason}") from None
    try:
        top = read_yaml(data, shown, Limits(max_bytes=MAX_MAPPING_BYTES, max_depth=8,
                                            max_aliases=0, max_nodes=20_000))
    except DiagnosticError as error:
        raise MappingError([f"{error.diagnostic.location}: {error.diagnostic.message}"]
                           ) from None
    return _Checker(shown).mapping(top)


class _Checker:
    """Collects every mistake of a mapping, each at its line and column."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.found: list[tuple[int, int, str]] = []

    @property
    def problems(self) -> list[str]:
        return [f"{self.path}:{line}:{column}: {message}"
                for line, column, message in sorted(self.found)]

    def fail(self, spot: tuple[int, int], message: str) -> None:
        self.found.append((spot[0], spot[1], message))

    def keys(self, node: YamlMap, known: tuple[str, ...], where: str) -> None:
        for key in node:
            if key not in known:
                self.fail(node.key_spot(key), f"unknown key '{key}' in {where}"
                          f"{did_you_mean(key, known)}; the keys are {', '.join(known)}")

    def word(self, node: YamlMap, key: str, what: str) -> str | None:
        value = node[key]
        if not isinstance(value, str) or not value.strip():
            self.fail(node.value_spot(key), f"'{key}' is {what}, written as text")
            return None
        return value.strip()

    def section(self, top: YamlMap, name: str, required: tuple[str, ...],
                ) -> dict[str, _Column] | None:
        node = top.get(name)
        if node is None:
            return None
        if not isinstance(node, YamlMap):
            self.fail(top.value_spot(name), f"'{name}' maps fields to columns "
                      f"({', '.join(_EVENT_FIELDS if name == 'event' else _CLAIM_FIELDS)})")
            return None
        self.keys(node, _EVENT_FIELDS if name == "event" else _CLAIM_FIELDS, f"'{name}'")
        columns: dict[str, _Column] = {}
        for key in node:
            if key in _COLUMN_FIELDS[name]:
                written = self.word(node, key, "the name of a column")
                if written is not None:
                    columns[key] = _Column(written, *node.value_spot(key))
        for key in required:
            if key not in node:
                self.fail((node.line, node.column), f"'{name}' needs '{key}': the column "
                          f"that holds each row's {key}")
        return columns

    def mapping(self, top: Any) -> Mapping:
        if not isinstance(top, YamlMap):
            raise MappingError([f"{self.path}:1:1: a mapping file is a YAML mapping with "
                                "'dataset' and 'event' (see `contested import --help`)"])
        self.keys(top, _TOP_FIELDS, "the mapping")
        name = self.word(top, "dataset", "the dataset's name") if "dataset" in top else None
        if "dataset" not in top:
            self.fail((top.line, top.column), "the mapping needs 'dataset': the name that "
                      "prefixes the ids and files it writes")
        elif name is not None and (not _ID.fullmatch(name) or len(name) > 64):
            self.fail(top.value_spot("dataset"), f"the dataset '{name}' cannot prefix ids "
                      "(up to 64 letters, digits, '-', '_' or '.', starting with a letter "
                      "or digit)")
            name = None
        elif name is not None and name.casefold() in RESERVED:
            self.fail(top.value_spot("dataset"), f"'{name}' is taken by contested's own "
                      "files (acled, ucdp, timelinejs, sources): choose another name")
            name = None
        title = self.word(top, "title", "the dataset's title") if "title" in top else None
        row = None
        if "row" in top:
            written = self.word(top, "row", "the name of a column")
            row = _Column(written, *top.value_spot("row")) if written else None
        event = self.section(top, "event", ("date", "title"))
        if "event" not in top:
            self.fail((top.line, top.column), "the mapping needs 'event': which columns "
                      "hold each row's date and title")
        claim = self.section(top, "claim", ())
        questions = self.questions(top)
        question = self.claim_question(top, claim, questions)
        for pair in (("latitude", "longitude"), ("longitude", "latitude")):
            if event and pair[0] in event and pair[1] not in event:
                column = event[pair[0]]
                self.fail((column.line, column.column), f"'{pair[0]}' without '{pair[1]}': "
                          "map both columns, or neither")
        if self.found:
            raise MappingError(self.problems)
        assert name is not None
        assert event is not None
        source = SourceEntry(id=name, name=title or name, kind="dataset", side="unknown",
                             note=f"The spreadsheet imported as '{name}' (contested import "
                                  "csv): a claim with no source of its own is the sheet's.")
        entries = tuple(_question_entry(q) for q in questions.values())
        dataset = Dataset(name=name, title=title or name, source=source, questions=entries)
        return Mapping(self.path, dataset, row, event, claim or {}, question, questions)

    def questions(self, top: YamlMap) -> dict[str, Question]:
        node = top.get("questions")
        if node is None:
            return {}
        if not isinstance(node, YamlList):
            self.fail(top.value_spot("questions"), "'questions' is a list of questions "
                      "({id, text, kind, ...} each)")
            return {}
        known = tuple(Question.model_fields)
        found: dict[str, Question] = {}
        for index, item in enumerate(node):
            spot = node.item_spot(index)
            if not isinstance(item, YamlMap):
                self.fail(spot, "a question is a mapping: {id, text, kind, ...}")
                continue
            self.keys(item, known, "a question")
            try:
                question = Question.model_validate({k: v for k, v in item.items()
                                                    if k in known})
            except ValidationError as error:
                for problem in error.errors():
                    key = str(problem["loc"][0]) if problem["loc"] else ""
                    where = item.value_spot(key) if key in item else (item.line, item.column)
                    message = str(problem["msg"]).removeprefix("Value error, ")
                    named = item.get("id") if isinstance(item.get("id"), str) else None
                    about = f"question '{named}'" if named else "a question"
                    self.fail(where, f"{about}: {key}: {message}" if key in known
                              else f"{about}: {message}")
                continue
            if question.id in found:
                self.fail(item.value_spot("id"), f"question '{question.id}' is declared twice")
            found[question.id] = question
        return found

    def claim_question(self, top: YamlMap, claim: dict[str, _Column] | None,
                       questions: dict[str, Question]) -> str | None:
        node = top.get("claim")
        if claim is None or not isinstance(node, YamlMap):
            return None
        question = self.word(node, "question", "a question's id") if "question" in node \
            else None
        if question is not None and question not in questions:
            self.fail(node.value_spot("question"), f"question '{question}' is not among the "
                      f"mapping's questions{did_you_mean(question, questions)}: declare it "
                      "under 'questions:' with its kind, so that values can be read")
        if "question" in node and "about" in node:
            self.fail(node.key_spot("about"), "'question' (one for every row) and 'about' "
                      "(a column of question ids) exclude each other: keep one")
        if "value" in claim and "question" not in node and "about" not in node:
            self.fail(node.key_spot("value"), "a value answers a question: add 'question' "
                      "(an id the mapping declares) or 'about' (a column of ids)")
        if "text" not in claim and "value" not in claim:
            self.fail((node.line, node.column), "'claim' needs 'text' or 'value': the "
                      "column that says what is claimed")
        return question


def _question_entry(question: Question) -> Entry:
    entry: Entry = {}
    for key, value in question.model_dump(exclude_unset=True).items():
        entry[key] = value
    return entry


# --- the rows -------------------------------------------------------------------------------

_Cell = Callable[[_Column | None], str]
"""A row's cell in a mapped column (empty for a column not mapped)."""
_Label = Callable[[_Column], str]
"""A mapped column's name as the sheet's header writes it, for messages."""


class CsvMappingImporter(RowByRow):
    """Reads CSV files into events (and claims) as a mapping file says."""

    def __init__(self, mapping: Mapping, workers: int | None = None) -> None:
        super().__init__(workers)
        self.mapping = mapping
        self.dataset = mapping.dataset
        self._labels: dict[str, str] = {}

    @classmethod
    def from_file(cls, path: Path) -> CsvMappingImporter:
        return cls(read_mapping(path))

    def begin(self, path: Path) -> None:
        self._labels = self._check_header(path)

    def entries(self, row: CsvRow, shown: str) -> ImportedRow | None:
        if not any(cell.strip() for cell in row.cells.values()):
            return None
        return self._row(shown, row.line, row.cells, self._labels)

    def _check_header(self, path: Path) -> dict[str, str]:
        """The header's columns as written, by case-folded name; refuses the import
        (naming the mapping's lines) if a mapped column is not among them."""
        csv.field_size_limit(1 << 20)
        with open_text(path) as handle:
            try:
                header = next(csv.reader(handle), None)
            except UnicodeDecodeError as error:
                raise not_utf8(path, 1, error) from None
            except csv.Error as error:
                raise ImportRefused(f"{path}:1: the header cannot be read: {error}") from None
        if header is None:
            raise ImportRefused(f"{path}: the file is empty (a header line was expected)")
        labels = {cell.strip().lower(): cell.strip() for cell in header}
        problems = []
        for field_name, column in self.mapping.columns():
            if column.name.lower() not in labels:
                close = nearest(column.name.lower(), labels)
                hint = f" (did you mean '{labels[close]}'?)" if close is not None else ""
                shown = ", ".join(f"'{label}'" for label in labels.values())
                problems.append(
                    f"{self.mapping.path}:{column.line}:{column.column}: {field_name}: the "
                    f"column '{column.name}' is not in the header of {path}{hint}; its "
                    f"columns are {shown}")
        if problems:
            raise MappingError(problems)
        return labels

    def _row(self, shown: str, line: int, cells: dict[str, str],
             labels: dict[str, str]) -> ImportedRow:
        mapping = self.mapping

        def cell(column: _Column | None) -> str:
            return cells.get(column.name.lower(), "") if column is not None else ""

        def label(column: _Column) -> str:
            return labels.get(column.name.lower(), column.name)

        if mapping.row is not None:
            try:
                ident = row_id(cell(mapping.row))
            except CellError as error:
                raise ColumnProblem(str(error), label(mapping.row)) from None
        else:
            ident = f"line-{line}"
        name = mapping.dataset.name
        event_id = f"{name}-{ident}"
        columns = mapping.event
        written = cell(columns["date"]).strip()
        try:
            when = parse_date(written)
        except DateError as error:
            raise ColumnProblem(str(error), label(columns["date"])) from None
        title = cell(columns["title"])
        if not title.strip():
            raise ColumnProblem("the row has no title (an event needs one)",
                                label(columns["title"]))
        event: Entry = {"id": event_id, "date": written, "title": title}
        for key in ("place", "summary", "note", "kind"):
            if key in columns and cell(columns[key]).strip():
                event[key] = cell(columns[key])
        if "tags" in columns:
            tags = outlets(cell(columns["tags"]))
            if tags:
                event["tags"] = tags
        if "latitude" in columns:
            place = self._coordinates(cell(columns["latitude"]), cell(columns["longitude"]),
                                      label(columns["latitude"]), label(columns["longitude"]))
            if place is not None:
                event["coordinates"] = place
        event["provenance"] = {"dataset": name, "row": ident}
        row = ImportedRow(row=ident, line=line, month=_month(written, when),
                          events=[event], path=shown)
        if mapping.claim:
            self._claim(row, event_id, ident, cell, label)
        return row

    @staticmethod
    def _coordinates(latitude: str, longitude: str, lat_label: str, lon_label: str,
                     ) -> dict[str, float] | None:
        if not latitude.strip() and not longitude.strip():
            return None
        if not latitude.strip() or not longitude.strip():
            missing = lat_label if not latitude.strip() else lon_label
            raise ColumnProblem("a latitude without a longitude, or the reverse: fill both or "
                           "neither", missing)
        try:
            lat = coordinate(latitude, 90, "latitude")
        except CellError as error:
            raise ColumnProblem(str(error), lat_label) from None
        try:
            lon = coordinate(longitude, 180, "longitude")
        except CellError as error:
            raise ColumnProblem(str(error), lon_label) from None
        return {"lat": lat, "lon": lon}

    def _claim(self, row: ImportedRow, event_id: str, ident: str, cell: _Cell,
               label: _Label) -> None:
        mapping = self.mapping
        columns = mapping.claim
        if not any(cell(column).strip() for column in columns.values()):
            return
        sources = self._sources(cell(columns.get("source")), columns.get("source"), label)
        via = self._sources(cell(columns.get("via")), columns.get("via"), label)
        question_id = mapping.question
        if "about" in columns:
            question_id = cell(columns["about"]).strip() or None
            if question_id is not None and question_id not in mapping.questions:
                raise ColumnProblem(f"question '{question_id}' is not among the mapping's "
                               f"questions{did_you_mean(question_id, mapping.questions)}",
                               label(columns["about"]))
        claim: Entry = {"id": f"{event_id}-{question_id or 'claim'}",
                        "source": [s.id for s in sources] or [mapping.dataset.source.id]}
        if via:
            claim["via"] = [s.id for s in via]
        claim["event"] = event_id
        if "said" in columns and cell(columns["said"]).strip():
            said = cell(columns["said"]).strip()
            try:
                parse_date(said)
            except DateError as error:
                raise ColumnProblem(str(error), label(columns["said"])) from None
            claim["said"] = said
        value_cell = cell(columns.get("value"))
        text = cell(columns.get("text"))
        value: Any = None
        if value_cell.strip():
            if question_id is None:
                raise ColumnProblem("a value without a question: fill the question's column",
                               label(columns["about"]))
            value = self._value(value_cell, mapping.questions[question_id],
                                label(columns["value"]))
            if not text.strip():
                unit = mapping.questions[question_id].unit
                text = " ".join(value_cell.split()) + (f" {unit}" if unit else "")
        if not text.strip():
            where = columns.get("text") or columns.get("value")
            raise ColumnProblem("the claim says nothing: its text (and value) is empty",
                           label(where) if where is not None else None)
        claim["text"] = text
        if "quote" in columns and cell(columns["quote"]).strip():
            claim["quote"] = cell(columns["quote"])
        if question_id is not None:
            claim["about"] = question_id
        if value is not None:
            claim["value"] = value
        if "note" in columns and cell(columns["note"]).strip():
            claim["note"] = cell(columns["note"])
        said_by = [cell(columns[key]) for key in ("source", "via")
                   if key in columns and cell(columns[key]).strip()]
        claim["provenance"] = {"dataset": mapping.dataset.name, "row": ident,
                               "source_text": " / ".join(said_by) or None}
        row.claims.append(claim)
        row.sources.extend([*sources, *via])

    @staticmethod
    def _sources(written: str, column: _Column | None, label: _Label) -> list[SourceEntry]:
        found = []
        for name in outlets(written):
            ident = slug(name)
            if not ident:
                raise ColumnProblem(f"the source '{name}' has no letter or digit an id can be "
                               "made of (name it in Latin letters too)",
                               label(column) if column is not None else None)
            found.append(SourceEntry(id=ident, name=name))
        return list({source.id: source for source in found}.values())

    @staticmethod
    def _value(written: str, question: Question, column: str) -> Any:
        if question.kind == "category":
            word = written.strip()
            if question.values is not None and word not in question.values:
                raise ColumnProblem(f"'{word}' is not one of the values of question "
                               f"'{question.id}' ({', '.join(question.values)})"
                               f"{did_you_mean(word, question.values)}", column)
            return word
        form = figure_as_written(written)
        if form is None:
            raise ColumnProblem(f"'{written.strip()}' is not a figure (write 12, 1,400, about 800, "
                           "at least 5, up to 30, fewer than 10, 10-20)", column)
        return _figure(form)


def _month(written: str, when: FuzzyDate) -> str:
    """The month whose file holds an event: the month its date names first, as written
    (`2024-05~` is May's, though it may reach into April); for a year, its January; for
    an interval open at its start, the month of its end."""
    found = re.match(r"(\d{4})(?:-(\d{2}))?", written)
    if found is not None:
        return f"{found.group(1)}-{found.group(2) or '01'}"
    day = when.earliest or when.latest
    assert day is not None
    return f"{day.year:04d}-{day.month:02d}"


def _number(text: str) -> int | float:
    value = parse_number(text)
    return int(value) if value.is_integer() and abs(value) < 1e15 else value


def _figure(form: str) -> Any:
    """`figure_as_written`'s answer (`1400`, `{about: 800}`, `{between: [1, 2]}`) as the
    value an entry holds."""
    try:
        if not form.startswith("{"):
            return _number(form)
        name, rest = form[1:-1].split(": ", 1)
        if name == "between":
            low, high = rest.strip("[]").split(", ")
            return {"between": [_number(low), _number(high)]}
        return {name: _number(rest)}
    except (QuantityError, ValueError) as error:  # pragma: no cover - the hint is a figure
        raise ColumnProblem(f"'{form}' is not a figure: {error}") from None
