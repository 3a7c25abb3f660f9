"""What an importer makes of one row, before it is written: the entries in the format's
own field names, the sources they cite, and the month whose file holds them.

Every importer reads rows into `ImportedRow`s (or `RowProblem`s); one writer
(`contested.importers.writer`) turns them into files, so that every dataset is split,
merged with an earlier import, and kept byte-identical on re-import in one way.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

Entry = dict[str, Any]
"""One entry as the format writes it: field name → text, number, list or mapping, in
the order it is written (`id` first). Texts are written as they are: the writer quotes."""


@dataclass(frozen=True)
class SourceEntry:
    """A source an imported claim cites (by id): written to the dataset's sources file
    unless the folder declares it already."""

    id: str
    name: str
    kind: str = "other"
    side: str = "unknown"
    reliability: str = "F"
    note: str | None = None
    aliases: tuple[str, ...] = ()


@dataclass
class ImportedRow:
    """What one row of a dataset becomes."""

    row: str
    """The row's id in its dataset (what ids and provenance carry)."""
    line: int
    """Where the row starts in its file (1-based line), for messages."""
    month: str
    """`YYYY-MM` of the row's date, or `undated`: the file it is written to."""
    events: list[Entry] = field(default_factory=list)
    claims: list[Entry] = field(default_factory=list)
    sources: list[SourceEntry] = field(default_factory=list)
    path: str = ""
    """The file the row was read from, for messages (the writer names it in a problem
    it finds in the row's entries)."""


@dataclass
class PreparedRow:
    """A row checked by the format's rules and written as the text of its entries
    (`contested.importers.writer.prepare`): what the writer merges into the folder. A big
    file's rows are prepared in worker processes and sent back as these."""

    row: str
    line: int
    path: str
    month: str
    key: tuple[str, str]
    """(first day, event id): where the row's entries go in its file."""
    events: list[tuple[str, str]]
    claims: list[tuple[str, str]]
    """(id, text) of each entry, as written."""
    sources: list[SourceEntry]
    cites_dataset: bool
    """Whether a claim cites the dataset's own source (as source or via): the source is
    written only if one does."""


@dataclass(frozen=True)
class RowProblem:
    """A row that cannot be imported, and why (`column`: the column at fault, if one)."""

    path: str
    line: int
    message: str
    column: str | None = None

    def __str__(self) -> str:
        where = f" (column {self.column})" if self.column else ""
        return f"{self.path}:{self.line}: {self.message}{where}"


@dataclass(frozen=True)
class Dataset:
    """What an importer writes besides its rows: its name (the prefix of its files and
    ids), the source that stands for the dataset itself, and the questions its claims
    answer."""

    name: str
    title: str
    source: SourceEntry
    questions: tuple[Entry, ...] = ()
    summary: str | None = None
    """What the headers of the files written say the dataset is about, if anything."""


@dataclass(frozen=True)
class Heading:
    """What a file says of itself (a TimelineJS title slide), known only once read: the
    title and summary of the headers written, in place of the dataset's own."""

    title: str
    summary: str | None = None


class Importer(Protocol):
    """Reads one file of a dataset, row by row (a generator: rows are written as they
    come, never all held as text). A row comes as read (`ImportedRow`) or already
    prepared (`PreparedRow`, by a worker process)."""

    dataset: Dataset

    def rows(self, path: Path) -> Iterator[ImportedRow | PreparedRow | RowProblem | Heading]:
        ...
