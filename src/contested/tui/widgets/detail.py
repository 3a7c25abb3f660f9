"""A `Detail` from the core as inert content: labels in bold, data as plain text."""

from __future__ import annotations

from textual.content import Content

from contested.present.details import Detail
from contested.tui.safe import plain

LABEL_WIDTH = len("credibility")
"""The label column's least width: the longest label of an entity's own fields, so that
a note added (`noted`, `preferred`, `because`, `comment`) never widens it and moves
every line."""


LONG_FIELD = 2000
"""Characters of a field shown in a detail; a longer one (a pasted page, a 4 MB title)
is cut there, with its length, and opened whole on request (`o`): laying out megabytes
at every detail made each key take seconds."""


def cut(text: str, limit: int = LONG_FIELD) -> str:
    """`text`, or its first `limit` characters and what was left out."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]} … ({len(text):,} characters: o opens it whole)"


def long_fields(detail: Detail) -> list[tuple[str, str]]:
    """The title and fields that `detail_content` cuts, with their names."""
    found = [("title", detail.title)] if len(detail.title) > LONG_FIELD else []
    return found + [(label, value) for label, value in detail.fields
                    if len(value) > LONG_FIELD]


def detail_content(detail: Detail, *, with_links: bool = False) -> Content:
    """The fields of a detail, one per line (and its links, for the preview); a long
    field is cut (`cut`)."""
    label_width = max(LABEL_WIDTH, *(len(label) for label, _ in detail.fields))
    parts: list[Content | str | tuple[str, str]] = [
        (f"{detail.kind.upper()} ", "bold reverse"), " ", plain(detail.id), "\n",
        plain(cut(detail.title)).stylize("bold"), "\n\n",
    ]
    for label, value in detail.fields:
        parts += [(f"{label.rjust(label_width)}  ", "bold"), plain(cut(value)), "\n"]
    if with_links and detail.links:
        parts += ["\n", ("linked (enter opens):", "bold"), "\n"]
        for link in detail.links[:40]:
            parts += ["  → ", (f"{link.kind}: ", "bold"), plain(cut(link.label, 200)), "\n"]
        if len(detail.links) > 40:
            parts.append(f"  … and {len(detail.links) - 40} more\n")
    return Content.assemble(*parts)


def whole_lines(text: str, piece: int = 1000) -> list[str]:
    """A long field as lines of at most about `piece` characters, broken at a space
    where there is one: a view wraps only the lines it shows, so a field of megabytes
    opens at once."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        rest = paragraph
        while len(rest) > piece:
            at = rest.rfind(" ", piece // 2, piece)
            at = at + 1 if at > 0 else piece
            lines.append(rest[:at])
            rest = rest[at:]
        lines.append(rest)
    return lines
