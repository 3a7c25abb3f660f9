"""The history of note changes in an export (`contested export --notes FILE --history`):
a section of the markdown report, `history` in the json; newest first, as the History
view lists it."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from contested.review.history import Entry, change_text, field_text
from contested.support.text import md_code, md_text


def markdown_lines(entries: Sequence[Entry]) -> Iterator[str]:
    """`## History of the notes`, one line per change of a field."""
    yield from ["## History of the notes", ""]
    if not entries:
        yield from ["No change recorded.", ""]
        return
    for entry in entries:
        yield (f"- {md_text(entry.at)} · {md_text(entry.by)} · {md_text(entry.kind)} "
               f"{md_code(entry.id)} · {md_text(field_text(entry))}: "
               f"{md_text(change_text(entry))}")
    yield ""


def history_records(entries: Sequence[Entry]) -> list[dict[str, Any]]:
    """Each line as the history file holds it."""
    return [entry.line() for entry in entries]
