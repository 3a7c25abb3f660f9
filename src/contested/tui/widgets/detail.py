"""A `Detail` from the core as inert content: labels in bold, data as plain text."""

from __future__ import annotations

from textual.content import Content

from contested.details import Detail
from contested.tui.safe import plain

LABEL_WIDTH = len("credibility")
"""The label column's least width: the longest label of an entity's own fields, so that
a note added (`noted`, `preferred`, `because`, `comment`) never widens it and moves
every line."""


def detail_content(detail: Detail, *, with_links: bool = False) -> Content:
    """The fields of a detail, one per line (and its links, for the preview)."""
    label_width = max(LABEL_WIDTH, *(len(label) for label, _ in detail.fields))
    parts: list[Content | str | tuple[str, str]] = [
        (f"{detail.kind.upper()} ", "bold reverse"), " ", plain(detail.id), "\n",
        plain(detail.title).stylize("bold"), "\n\n",
    ]
    for label, value in detail.fields:
        parts += [(f"{label.rjust(label_width)}  ", "bold"), plain(value), "\n"]
    if with_links and detail.links:
        parts += ["\n", ("linked (enter opens):", "bold"), "\n"]
        for link in detail.links[:40]:
            parts += ["  → ", (f"{link.kind}: ", "bold"), plain(link.label), "\n"]
        if len(detail.links) > 40:
            parts.append(f"  … and {len(detail.links) - 40} more\n")
    return Content.assemble(*parts)
