"""An export in the format asked for (`contested export --format`): markdown, json or
csv, whole (`render`) or a piece at a time (`render_parts`), pieces of about `CHUNK`
characters: what `contested export` writes as it makes them, so that the output is
never held whole."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from itertools import chain

from contested.engine.analysis import Analysis
from contested.export.csv_export import csv_parts
from contested.export.history import history_records
from contested.export.history import markdown_lines as history_lines
from contested.export.markdown import markdown_lines
from contested.export.records import json_document, json_parts
from contested.review.history import Entry
from contested.review.notes import Notes

CHUNK = 1 << 18
"""Characters gathered into one piece: few writes, little held."""


def render(analysis: Analysis, fmt: str, notes: Notes | None = None,
           every_pair: bool = False, *, compact: bool = False) -> str:
    """The export in format `fmt`: markdown or json (both with the review notes, when
    given; json on one line with `compact`), or csv (one row per claim); with
    `every_pair`, every pair of a group."""
    return "".join(render_parts(analysis, fmt, notes, every_pair, compact=compact))


def render_parts(analysis: Analysis, fmt: str, notes: Notes | None = None,
                 every_pair: bool = False, *, compact: bool = False,
                 history: Sequence[Entry] | None = None) -> Iterator[str]:
    """`render`, a piece at a time, each made only when the one before is written;
    with `history`, the history of note changes too (markdown and json)."""
    if fmt == "markdown":
        lines = markdown_lines(analysis, notes=notes, every_pair=every_pair)
        if history is not None:
            lines = chain(lines, history_lines(history))
        return joined_lines(lines, CHUNK)
    if fmt == "json":
        document = json_document(analysis, notes, every_pair)
        if history is not None:
            document["history"] = history_records(history)
        return gathered(json_parts(document, compact=compact), CHUNK)
    return gathered(csv_parts(analysis), CHUNK)


def gathered(parts: Iterable[str], size: int = CHUNK) -> Iterator[str]:
    """`parts` joined into pieces of at least `size` characters (the last one may be
    shorter): the same text, in fewer writes."""
    held: list[str] = []
    length = 0
    for part in parts:
        held.append(part)
        length += len(part)
        if length >= size:
            yield "".join(held)
            held, length = [], 0
    if held:
        yield "".join(held)


def joined_lines(lines: Iterable[str], size: int = CHUNK) -> Iterator[str]:
    """`"\\n".join(lines)`, in pieces of at least `size` characters."""
    held: list[str] = []
    length = 0
    first = True
    for line in lines:
        held.append(line)
        length += len(line) + 1
        if length >= size:
            yield ("" if first else "\n") + "\n".join(held)
            held, length, first = [], 0, False
    if held or first:
        yield ("" if first else "\n") + "\n".join(held)
