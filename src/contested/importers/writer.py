"""Writing what importers read: one dataset's rows as timeline files (format 1) in a
folder, merged with what an earlier import of the same dataset wrote there.

The writer owns the files it names (`{prefix}-{YYYY-MM}.yaml`, `{prefix}-undated.yaml`,
`sources-{prefix}.yaml`), each marked on its first lines; a file at one of those names
without the mark was written by a person and stops the import before anything is
written. Rows are merged by event: a row imported again replaces its own entries, rows
not in this import stay as they were. Every file is rendered in one deterministic way
(entries by first day then id, sources and questions by id, every text double-quoted
with escapes), so the same input gives the same bytes and a changed row changes only
its own lines: a diff of the folder shows what the dataset changed.

Nothing is written while a row is malformed (`MalformedRows`), unless the caller skips
them: a catalog that silently lacks rows reads as complete. An entry the format would
refuse is such a row: each field is checked as it is written (`render_checked`), by the
format's own functions for what is not free text (ids, dates, figures, numbers), since
every text is written quoted and cannot be misread. Checking a pydantic model per entry
would do the same work again, per field, for every text. A row is checked and written
as text by `prepare`, here or in a worker process (`contested.importers.parallel`): the
merge with the folder is done here, in one order, so the bytes are the same either way.

The owned files are read back as text, entry by entry (the layout below is the writer's
own, one line per field), rather than through the YAML loader: the entries of rows not
imported again are kept byte for byte, and a large folder is merged at the cost of
reading its lines, not of validating it.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import os
import re
import stat
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from contested.errors import ContestedError
from contested.format.dates import parse_date
from contested.format.model import ID_PATTERN, Question, Source
from contested.format.quantities import QuantityError, quantity_from_form
from contested.importers.records import (
    Dataset,
    Entry,
    Heading,
    ImportedRow,
    PreparedRow,
    RowProblem,
    SourceEntry,
)
from contested.support.collector import collector_paused
from contested.support.files import replace

if TYPE_CHECKING:
    from contested.catalog.catalog import Catalog

SCHEMA_FILE = "contested.schema.json"
"""The schema `contested new` writes beside its files: named on each file's first line
when the folder holds it (an editor then checks the files offline); never otherwise,
as a line naming nothing makes editors flag every file."""

MAX_LISTED = 100
"""Problems listed before the rest are counted."""

_ID = re.compile(ID_PATTERN)
_MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])|undated")
_KEY = re.compile(r"[a-z_]+")


def marker(prefix: str) -> str:
    """The line that says a file is the writer's: the next import rewrites it."""
    return (f"# Written by contested import {prefix}: the next import rewrites this file. "
            "Write your own entries in another file.")


class ImportRefused(ContestedError):
    """An import that wrote nothing; the message says why."""


class MalformedRows(ImportRefused):
    """Rows that cannot be imported: nothing was written (all of them are listed)."""

    def __init__(self, problems: list[RowProblem]) -> None:
        count = len(problems)
        super().__init__(f"{count} malformed row{'s' * (count != 1)}: nothing was written")
        self.problems = problems


@dataclass
class ImportReport:
    """What an import wrote."""

    files: list[Path] = field(default_factory=list)
    """Files written (created or changed)."""
    unchanged_files: list[Path] = field(default_factory=list)
    removed_files: list[Path] = field(default_factory=list)
    """Month files left empty (their rows moved to another month) and removed."""
    events: int = 0
    claims: int = 0
    """Entries of this import's rows."""
    sources: int = 0
    """Sources written in the dataset's sources file (those declared elsewhere are not)."""
    reused: list[str] = field(default_factory=list)
    """Ids of sources and questions declared by other files of the folder, cited as they are."""
    new: int = 0
    replaced: int = 0
    unchanged: int = 0
    skipped: list[RowProblem] = field(default_factory=list)


# --- YAML text ----------------------------------------------------------------------------

_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r", "\0": "\\0"}
# What a double-quoted YAML scalar cannot hold as itself, or would not give back as
# written: controls, DEL, C1 (U+0085 is a line break to YAML), the line and paragraph
# separators, the BOM, surrogates and the two non-characters YAML calls non-printable.
_UNSAFE = re.compile("[\\\\\"\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff\ufffe\uffff]")


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    known = _ESCAPES.get(char)
    if known is not None:
        return known
    code = ord(char)
    return f"\\x{code:02X}" if code < 0x100 else f"\\u{code:04X}"


def quoted(text: str) -> str:
    """`text` as a double-quoted YAML scalar that reads back as exactly `text`."""
    return '"' + _UNSAFE.sub(_escape, text) + '"'


_UNESCAPES = {"\\": "\\", '"': '"', "n": "\n", "t": "\t", "r": "\r", "0": "\0"}
_ESCAPED = re.compile(r'\\(?:x([0-9A-Fa-f]{2})|u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))')


def unquoted(written: str) -> str:
    """The text of a scalar `quoted` wrote (for the ids and dates read back)."""
    if len(written) < 2 or written[0] != '"' or written[-1] != '"':
        raise ValueError(f"expected a double-quoted text, got {written[:40]}")

    def one(match: re.Match[str]) -> str:
        code = match.group(1) or match.group(2) or match.group(3)
        if code:
            return chr(int(code, 16))
        return _UNESCAPES[match.group(4)]

    return _ESCAPED.sub(one, written[1:-1])


def scalar(value: Any) -> str:
    """A value as YAML: texts quoted, numbers as plain digits, lists and mappings in flow
    style on the line."""
    if isinstance(value, str):
        return quoted(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"a figure must be finite, not {value}")
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(scalar(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_key(k)}: {scalar(v)}" for k, v in value.items()
                               if v is not None) + "}"
    raise TypeError(f"cannot write {type(value).__name__} in a timeline file")


_KEYS_SEEN: set[str] = set()


def _key(name: str) -> str:
    if name in _KEYS_SEEN:
        return name
    if _KEY.fullmatch(name):
        _KEYS_SEEN.add(name)
    else:
        raise ValueError(f"'{name}' is not a field name of the format")
    return name


def render_entry(entry: Entry) -> str:
    """One entry of a section: `  - id: ...` then one line per field (None left out)."""
    lines: list[str] = []
    for name, value in entry.items():
        if value is None or value in ([], ()):
            continue
        lead = "  - " if not lines else "    "
        lines.append(f"{lead}{_key(name)}: {scalar(value)}\n")
    if not lines or not next(iter(entry)) == "id":
        raise ValueError("an entry starts with its id")
    return "".join(lines)


# --- events and claims: each field checked by the format's own rules as it is written ------

class _Wrong(ValueError):
    """A field's value the format would refuse; `part` names what in it (`.lat`)."""

    def __init__(self, message: str, part: str = "") -> None:
        super().__init__(message)
        self.part = part


def _kind(value: object) -> str:
    return type(value).__name__


_escaped = functools.partial(_UNSAFE.sub, _escape)


def _text(value: Any) -> str:
    if type(value) is not str:
        raise _Wrong(f"expected text, got {_kind(value)}")
    return f'"{_escaped(value)}"'


def _id(value: Any) -> str:
    if type(value) is not str or not _ID.fullmatch(value):
        raise _Wrong(f"'{value}' is not a valid id (letters, digits, and - _ . after the "
                     "first)")
    return f'"{value}"'  # an id holds nothing a quoted scalar escapes


def _ids(value: Any) -> str | None:
    if type(value) is not list and type(value) is not tuple:
        raise _Wrong(f"expected a list of ids, got {_kind(value)}")
    return "[" + ", ".join(map(_id, value)) + "]" if value else None


def _texts(value: Any) -> str | None:
    if type(value) is not list and type(value) is not tuple:
        raise _Wrong(f"expected a list of texts, got {_kind(value)}")
    return "[" + ", ".join(map(_text, value)) + "]" if value else None


def _date(value: Any) -> str:
    if type(value) is not str:
        raise _Wrong(f"a date is text such as 2025-03-10, not {_kind(value)}")
    parse_date(value)  # raises DateError (a ValueError) with the format's own message
    return f'"{_escaped(value)}"'


def _number(value: Any) -> str:
    if type(value) is int:
        return str(value)
    if type(value) is not float:
        raise _Wrong(f"expected a number, got {_kind(value)}")
    return scalar(value)


def _coordinates(value: Any) -> str:
    if type(value) is not dict or len(value) != 2 or "lat" not in value or "lon" not in value:
        raise _Wrong("coordinates are {lat, lon} in degrees")
    lat, lon = _number(value["lat"]), _number(value["lon"])
    if not -90 <= value["lat"] <= 90:
        raise _Wrong(f"{lat} is not between -90 and 90", ".lat")
    if not -180 <= value["lon"] <= 180:
        raise _Wrong(f"{lon} is not between -180 and 180", ".lon")
    return f"{{lat: {lat}, lon: {lon}}}"


def _provenance(value: Any) -> str:
    if type(value) is not dict or "dataset" not in value or "row" not in value or not (
            len(value) == 2 or (len(value) == 3 and "source_text" in value)):
        raise _Wrong("provenance is {dataset, row, source_text}")
    said = value.get("source_text")
    written = f"{{dataset: {_text(value['dataset'])}, row: {_text(value['row'])}"
    return written + (f", source_text: {_text(said)}}}" if said is not None else "}")


def _credibility(value: Any) -> str:
    if type(value) is not int or not 1 <= value <= 6:
        raise _Wrong(f"credibility is 1 to 6, not {value}")
    return str(value)


_FORMS = ("about", "at_least", "at_most", "more_than", "less_than")


def _figure(value: Any) -> str:
    """A claim's value: a word or an exact figure as text or a number, or one of the
    format's figure forms (`{between: [low, high], best: n}`), checked as the format
    resolves it."""
    if type(value) is str:
        return f'"{_escaped(value)}"'
    if type(value) is not dict:
        return _number(value)
    forms = [name for name in value if name != "best"]
    if len(forms) != 1 or forms[0] not in (*_FORMS, "between"):
        raise _Wrong("a figure takes one form: about, at_least, at_most, more_than, "
                     "less_than or between")
    form = forms[0]
    best = value.get("best")
    written_best = f", best: {_number(best)}}}" if best is not None else "}"
    try:
        if form == "between":
            pair = value[form]
            if (type(pair) is not list and type(pair) is not tuple) or len(pair) != 2:
                raise _Wrong("between takes two numbers: [low, high]", ".between")
            figure = f"[{_number(pair[0])}, {_number(pair[1])}]"
            quantity_from_form(form, (pair[0], pair[1]), best)
        else:
            figure = _number(value[form])
            quantity_from_form(form, value[form], best)
    except QuantityError as error:
        raise _Wrong(str(error)) from None
    return f"{{{form}: {figure}{written_best}"


_Writer = Callable[[Any], "str | None"]
_EVENT_FIELDS: dict[str, _Writer] = {
    "date": _date, "title": _text, "place": _text, "tags": _texts, "summary": _text,
    "note": _text, "coordinates": _coordinates, "kind": _text, "provenance": _provenance,
}
_CLAIM_FIELDS: dict[str, _Writer] = {
    "source": _ids, "via": _ids, "event": _id, "said": _date, "text": _text, "quote": _text,
    "document": _id, "about": _id, "value": _figure, "unit": _text, "as_of": _date,
    "credibility": _credibility, "disputes": _ids, "supports": _ids, "note": _text,
    "provenance": _provenance,
}
"""Each field of an event and of a claim (`contested.format.model`) with what writes it:
every text is written a quoted string, so only ids, dates, figures and numbers need
checking, by the format's own functions (a pydantic model per entry would check the
texts again). A list writer gives None for an empty list: the field is left out.
Tests hold these to the models: every field known, every entry written loads."""
_REQUIRED = {"event": ("date", "title"), "claim": ("source", "text")}


def render_checked(entry: Entry, what: str) -> str:
    """An event's or claim's entry (`what`), each field checked as the format reads it;
    raises ValueError naming the entry and field for what the format would refuse."""
    fields = _EVENT_FIELDS if what == "event" else _CLAIM_FIELDS
    items = iter(entry.items())
    name, value = next(items, ("", None))
    if name != "id":
        raise ValueError(f"{what}: an entry starts with its id")
    try:
        lines = [f"  - id: {_id(value)}\n"]
    except _Wrong as wrong:
        raise ValueError(f"{what}: id: {wrong}") from None
    add = lines.append
    for name, value in items:
        if value is None:
            continue
        writer = fields.get(name)
        if writer is None:
            raise ValueError(f"{what} {entry['id']}: '{name}' is not a field of {what}s")
        try:
            text = writer(value)
        except ValueError as error:  # a _Wrong, or the format's DateError
            part = error.part if isinstance(error, _Wrong) else ""
            raise ValueError(f"{what} {entry['id']}: {name}{part}: {error}") from None
        if text is not None:
            add(f"    {name}: {text}\n")
    for name in _REQUIRED[what]:
        if entry.get(name) in (None, [], ()):
            raise ValueError(f"{what} {entry['id']}: {name}: the field is required")
    return "".join(lines)


def render_source(source: SourceEntry) -> Entry:
    return {"id": source.id, "name": source.name, "aliases": list(source.aliases),
            "kind": source.kind, "side": source.side, "reliability": source.reliability,
            "note": source.note}


# --- the folder's files -------------------------------------------------------------------

@dataclass
class _Group:
    """One row's entries: its event and the claims about it, as written."""

    key: tuple[str, str]
    """(first day, event id): the order of the file."""
    month: str
    events: list[tuple[str, str]]
    claims: list[tuple[str, str]]
    """(id, text) of each entry."""
    cites_dataset: bool
    """Whether a claim cites the dataset's own source."""

    def same_as(self, other: _Group) -> bool:
        return (self.month, self.events, self.claims) == (other.month, other.events,
                                                          other.claims)


@dataclass
class _Owned:
    """What an earlier import of this dataset wrote in the folder."""

    months: dict[str, Path] = field(default_factory=dict)
    sources_file: Path | None = None
    groups: dict[str, _Group] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    questions: dict[str, str] = field(default_factory=dict)


def _names(prefix: str) -> re.Pattern[str]:
    return re.compile(rf"(?:{re.escape(prefix)}-(\d{{4}}-\d{{2}}|undated)|"
                      rf"sources-{re.escape(prefix)})\.yaml")


def _check_folder(folder: Path) -> None:
    try:
        info = folder.stat()
    except FileNotFoundError:
        return
    except OSError as error:
        raise ImportRefused(f"{folder}: {error.strerror or error}") from None
    if not stat.S_ISDIR(info.st_mode):
        raise ImportRefused(f"{folder} is not a folder: give a folder to write the files in")


def _owned_files(folder: Path, prefix: str) -> tuple[_Owned, list[Path]]:
    """The files at the writer's names (refusing one written by hand), and the others."""
    owned, others = _Owned(), list[Path]()
    if not folder.is_dir():
        return owned, others
    names, mark = _names(prefix), marker(prefix)
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if path.suffix not in (".yaml", ".yml") or any(
                part.startswith(".") for part in relative.parts):
            continue
        found = names.fullmatch(path.name) if path.parent == folder else None
        if found is None:
            others.append(path)
            continue
        if not path.is_file() or path.is_symlink():
            raise ImportRefused(f"{path} is not a regular file: the import writes its "
                                "own file there; move it away")
        with path.open("rb") as handle:
            head = [handle.readline() for _ in range(2)]
        if not any(line.rstrip(b"\r\n") == mark.encode() for line in head):
            raise ImportRefused(
                f"{path} was not written by `contested import {prefix}` (it lacks the "
                "line saying so), so it is taken as written by hand and left alone: "
                "nothing was written; rename it, and the import writes its own")
        if found.group(1):
            owned.months[found.group(1)] = path
        else:
            owned.sources_file = path
    return owned, others


_ENTRY = re.compile(r'  - id: ("[^"]*")\n')
_EVENT = re.compile(r'    event: ("[^"]*")\n')
_DATE = re.compile(r'    date: ("[^"]*")\n')
_CITING = re.compile(r'^    (?:source|via): \[.*\]$', re.MULTILINE)


def _entries(path: Path) -> Iterator[tuple[str, str, str]]:
    """(section, id, text) of each entry of an owned file, as written."""
    section, entry_id, lines = "", "", list[str]()
    with path.open(encoding="utf-8", newline="") as handle:
        for number, line in enumerate(handle, start=1):
            if line.startswith("    ") and lines:
                lines.append(line)
                continue
            if section == "timeline" and line.startswith("  ") and not lines:
                continue  # the header: written again from the dataset
            if lines:
                yield section, entry_id, "".join(lines)
                lines = []
            if line.startswith("#") or line == "contested: 1\n" or not line.strip():
                continue
            if line.endswith(":\n") and line[0].isalpha():
                section = line[:-2]
                continue
            found = _ENTRY.fullmatch(line)
            if found is None or not section:
                raise ImportRefused(
                    f"{path}:{number}: this line is not as `contested import` wrote it: "
                    "the file was edited, so merging could lose the edit; nothing was "
                    "written (move your entries to a file of your own, or delete this "
                    "file to import its rows again)")
            entry_id, lines = unquoted(found.group(1)), [line]
    if lines:
        yield section, entry_id, "".join(lines)


def _first_day(text: str) -> str:
    try:
        fuzzy = parse_date(text)
    except ValueError:
        return date.min.isoformat()
    return (fuzzy.earliest or date.min).isoformat()


def _cited_in(text: str, source: str) -> bool:
    """Whether a claim written by the writer cites `source` (as source or via)."""
    written = f'"{source}"'
    return any(written in found.group() for found in _CITING.finditer(text))


def _read_owned(owned: _Owned, dataset_source: str) -> None:
    for month, path in owned.months.items():
        for section, entry_id, text in _entries(path):
            if section == "events":
                found = _DATE.search(text)
                day = _first_day(unquoted(found.group(1))) if found else date.min.isoformat()
                group = owned.groups.setdefault(entry_id, _Group(("", entry_id), month, [], [],
                                                                 False))
                group.key = (day, entry_id)
                group.events.append((entry_id, text))
            elif section == "claims":
                found = _EVENT.search(text)
                event = unquoted(found.group(1)) if found else entry_id
                group = owned.groups.setdefault(event, _Group((date.min.isoformat(), event),
                                                              month, [], [], False))
                group.claims.append((entry_id, text))
                group.cites_dataset = group.cites_dataset or _cited_in(text, dataset_source)
    if owned.sources_file is not None:
        for section, entry_id, text in _entries(owned.sources_file):
            if section == "sources":
                owned.sources[entry_id] = text
            elif section == "questions":
                owned.questions[entry_id] = text


def _declared_elsewhere(others: list[Path]) -> tuple[set[str], set[str]]:
    """The ids of sources and questions the folder's other files declare. References
    into the files this import owns are not problems here (they are rewritten)."""
    if not others:
        return set(), set()
    catalog = _load_others(others)
    return set(catalog.sources.ids), set(catalog.questions.ids)


def _load_others(others: list[Path]) -> Catalog:
    from contested.catalog.cache.store import CatalogCache
    from contested.catalog.loading import load_catalog

    result = load_catalog([str(p) for p in others], cache=CatalogCache())
    problems = [d for d in result.diagnostics if d.code != "unknown-id"]
    if problems:
        first = problems[0]
        raise ImportRefused(
            f"the folder's other files do not load, so the sources they declare are not "
            f"known: {first.location}: {first.message} (nothing was written; "
            f"`contested validate` lists every problem)")
    return result.whole or result.catalog


def _cited_elsewhere(others: list[Path], source: str) -> bool:
    """Whether a claim of the folder's other files cites `source`. Asked only when no
    imported claim does (a dataset's rows mostly cite it), so loaded again here, from
    the cache the first load filled, rather than kept through the import."""
    if not others:
        return False
    return any(source in claim.source or source in claim.via
               for claim in _load_others(others).claims.values())


# --- reading the rows ---------------------------------------------------------------------

def prepare(row: ImportedRow, dataset_source: str) -> PreparedRow | RowProblem | None:
    """`row` checked and written as text, what is wrong with it, or None for a row with
    no entry. `dataset_source` is the id of the dataset's own source (the writer writes
    it only if a claim cites it)."""
    if not row.events and not row.claims:
        return None
    if not _MONTH.fullmatch(row.month):
        return _problem(row, f"'{row.month}' is not a month (YYYY-MM)")
    try:
        events = [(str(e["id"]), render_checked(e, "event")) for e in row.events]
        claims = sorted((str(c["id"]), render_checked(c, "claim")) for c in row.claims)
    except ValueError as error:
        return _problem(row, str(error))
    first = row.events[0] if row.events else row.claims[0]
    when = first.get("date") or first.get("said") or first.get("as_of")
    day = _first_day(when) if isinstance(when, str) else date.min.isoformat()
    cites = any(dataset_source in claim["source"] or dataset_source in (claim.get("via") or ())
                for claim in row.claims)
    return PreparedRow(row.row, row.line, row.path, row.month, (day, str(first["id"])),
                       events, claims, row.sources, cites)


def _problem(row: ImportedRow, message: str) -> RowProblem:
    return RowProblem(row.path or "<rows>", row.line, message)


def _read_rows(rows: Iterable[ImportedRow | PreparedRow | RowProblem], dataset_source: str,
               ) -> tuple[dict[str, _Group], dict[str, dict[SourceEntry, None]],
                          list[RowProblem], int, int]:
    groups: dict[str, _Group] = {}
    where: dict[str, PreparedRow] = {}
    cited: dict[str, dict[SourceEntry, None]] = {}
    problems: list[RowProblem] = []
    events = claims = 0
    for item in rows:
        row = prepare(item, dataset_source) if isinstance(item, ImportedRow) else item
        if row is None:
            continue
        if isinstance(row, RowProblem):
            problems.append(row)
            continue
        group_id = row.key[1]
        earlier = groups.get(group_id)
        group = _Group(row.key, row.month, row.events, row.claims, row.cites_dataset)
        if earlier is not None:
            if not earlier.same_as(group):  # the same row in two overlapping exports is fine
                first = where[group_id]
                problems.append(RowProblem(row.path or "<rows>", row.line,
                                           f"the row id gives {group_id}, as the row at "
                                           f"{first.path}:{first.line} does"))
            continue
        groups[group_id], where[group_id] = group, row
        events += len(row.events)
        claims += len(row.claims)
        for source in row.sources:
            cited.setdefault(source.id, {})[source] = None
    return groups, cited, problems, events, claims


def _headings_apart(rows: Iterable[ImportedRow | PreparedRow | RowProblem | Heading],
                    headings: list[Heading],
                    ) -> Iterator[ImportedRow | PreparedRow | RowProblem]:
    """The rows, the headings among them put in `headings`."""
    for row in rows:
        if isinstance(row, Heading):
            headings.append(row)
        else:
            yield row


def _merged_source(entries: Collection[SourceEntry]) -> SourceEntry:
    """One entry for the outlets whose names slug alike: the first name in sorted order,
    the others as aliases (so the order of rows does not change the file)."""
    names = sorted({e.name for e in entries})
    aliases = sorted({*(a for e in entries for a in e.aliases), *names[1:]})
    first = min(entries, key=lambda e: (e.name, e.kind, e.side, e.reliability, e.note or ""))
    return SourceEntry(first.id, names[0], first.kind, first.side, first.reliability,
                       first.note, tuple(a for a in aliases if a != names[0]))


# --- writing ------------------------------------------------------------------------------

def _header(folder: Path, prefix: str) -> str:
    schema = (f"# yaml-language-server: $schema={SCHEMA_FILE}\n"
              if (folder / SCHEMA_FILE).is_file() else "")
    return f"{schema}{marker(prefix)}\ncontested: 1\n"


def _month_text(header: str, dataset: Dataset, month: str, groups: list[_Group]) -> str:
    ordered = sorted(groups, key=lambda g: g.key)
    parts = [header, "timeline:\n", f"  id: {quoted(f'{dataset.name}-{month}')}\n",
             f"  title: {quoted(f'{dataset.title}, {month}')}\n"]
    if dataset.summary:
        parts.append(f"  summary: {quoted(dataset.summary)}\n")
    events = [text for g in ordered for _, text in g.events]
    claims = [text for g in ordered for _, text in g.claims]
    if events:
        parts.append("events:\n")
        parts.extend(events)
    if claims:
        parts.append("claims:\n")
        parts.extend(claims)
    return "".join(parts)


def _sources_text(header: str, dataset: Dataset, sources: dict[str, str],
                  questions: dict[str, str]) -> str:
    parts = [header]
    if sources:
        parts.append("sources:\n")
        parts.extend(sources[key] for key in sorted(sources))
    if questions:
        parts.append("questions:\n")
        parts.extend(questions[key] for key in sorted(questions))
    return "".join(parts)


def _write(path: Path, text: str, report: ImportReport) -> None:
    data = text.encode("utf-8")
    try:
        if path.read_bytes() == data:
            report.unchanged_files.append(path)
            return
    except FileNotFoundError:
        pass
    replace(path, data)
    report.files.append(path)


def write_import(folder: Path, dataset: Dataset,
                 rows: Iterable[ImportedRow | PreparedRow | RowProblem | Heading],
                 *, skip_malformed: bool = False) -> ImportReport:
    """Write `rows` of `dataset` in `folder` (made if missing), merged with what an earlier
    import of the dataset wrote there. Raises `ImportRefused` (`MalformedRows` for rows
    that cannot be imported) when nothing was written."""
    prefix = dataset.name
    if not _ID.fullmatch(prefix):
        raise ImportRefused(f"'{prefix}' cannot prefix ids (letters, digits, - _ .)")
    _check_folder(folder)
    own = dataset.source.id
    owned, others = _owned_files(folder, prefix)
    declared_sources, declared_questions = _declared_elsewhere(others)
    headings: list[Heading] = []
    # The rows' text is a few hundred thousand objects that hold no cycle: the collector
    # would scan them again and again for nothing.
    with collector_paused():
        groups, cited, problems, events, claims = _read_rows(
            _headings_apart(rows, headings), own)
    if headings:  # the file's own title (the last file's, if several have one)
        dataset = dataclasses.replace(dataset, title=headings[-1].title or dataset.title,
                                      summary=headings[-1].summary)
    if problems and not skip_malformed:
        raise MalformedRows(problems)
    _read_owned(owned, own)
    report = ImportReport(events=events, claims=claims, skipped=problems)

    merged = owned.groups
    for group_id, group in groups.items():
        earlier = merged.get(group_id)
        if earlier is None:
            report.new += 1
        elif earlier.same_as(group):
            report.unchanged += 1
        else:
            report.replaced += 1
        merged[group_id] = group

    sources = dict(owned.sources)
    for entry in (_merged_source(e) for e in cited.values()):
        sources[entry.id] = render_entry(render_source(entry))
    # The dataset's own source, only if a claim cites it: else `validate` warns of a
    # source with no claim (a TimelineJS timeline, a sheet whose every claim names its own).
    Source.model_validate(render_source(dataset.source))
    sources.pop(own, None)
    if any(group.cites_dataset for group in merged.values()) or _cited_elsewhere(others, own):
        sources[own] = render_entry(render_source(dataset.source))
    questions = dict(owned.questions)
    for question in dataset.questions:
        Question.model_validate(question)
        questions[str(question["id"])] = render_entry(question)
    report.reused = sorted({*(s for s in sources if s in declared_sources),
                            *(q for q in questions if q in declared_questions)})
    sources = {k: v for k, v in sources.items() if k not in declared_sources}
    questions = {k: v for k, v in questions.items() if k not in declared_questions}
    report.sources = len(sources)

    folder.mkdir(parents=True, exist_ok=True)
    header = _header(folder, prefix)
    by_month: dict[str, list[_Group]] = {}
    for group in merged.values():
        by_month.setdefault(group.month, []).append(group)
    sources_path = folder / f"sources-{prefix}.yaml"
    if sources or questions:
        _write(sources_path, _sources_text(header, dataset, sources, questions), report)
    elif owned.sources_file is not None:  # nothing left to declare
        os.unlink(owned.sources_file)
        report.removed_files.append(owned.sources_file)
    for month in sorted(by_month):
        text = _month_text(header, dataset, month, by_month[month])
        _write(folder / f"{prefix}-{month}.yaml", text, report)
    for month, path in sorted(owned.months.items()):
        if month not in by_month:
            os.unlink(path)
            report.removed_files.append(path)
    return report
