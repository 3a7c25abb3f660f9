"""A `Detail` from the core as inert content: labels in bold, data as plain text."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from textual.content import Content
from textual.style import Style

from contested.present.details import Detail, Link
from contested.present.figures import more_text
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


LEAST_LINKS = 6
"""Lines of links a preview lists however little room its view has."""


BOLD = Style(bold=True)
HEADING = Style(bold=True, reverse=True)
"""Styles as objects: Textual parses a style given as a string again at each drawing."""
EMPTY = Content("")


def detail_content(detail: Detail) -> Content:
    """The fields of a detail, one per line (the detail screen lists its links)."""
    return Content("\n").join(detail_lines(detail))


def detail_lines(detail: Detail, *, links_in: tuple[int, int] | None = None
                 ) -> list[Content]:
    """The fields of a detail, one per line, a long field cut (`cut`); with `links_in`
    (the width and height of the preview they are for), a page of its links: what fits
    under the fields, a share of each part (its claims, their contradictions), and how
    many more there are. A preview follows the cursor: it makes the links it shows,
    never the thousands of a source."""
    label_width = max(LABEL_WIDTH, *(len(label) for label, _ in detail.fields))
    lines = [Content.assemble((f"{detail.kind.upper()} ", HEADING), " ", plain(detail.id)),
             plain(cut(detail.title)).stylize(BOLD), EMPTY]
    lines += [Content.assemble((f"{label.rjust(label_width)}  ", BOLD), plain(cut(value)))
              for label, value in detail.fields]
    if links_in is None or not detail.links:
        return [*lines, EMPTY]
    lines += [EMPTY, Content.styled("linked (enter opens):", BOLD)]
    width, height = links_in
    used = 4 + _lines(f"{detail.kind.upper()}  {detail.id}", width) + _lines(
        cut(detail.title), width) + sum(_lines(" " * (label_width + 2) + cut(value), width)
                                      for _, value in detail.fields)
    groups = detail.links.parts
    made: dict[tuple[int, int], tuple[Link, str]] = {}

    def line_of(part: int, index: int) -> tuple[Link, str]:
        if (part, index) not in made:
            link = groups[part][index]
            made[part, index] = (link, cut(link.label, 200))
        return made[part, index]

    def lines_of(part: int, index: int) -> int:
        link, label = line_of(part, index)
        return _lines(f"  → {link.kind}: {label}", width)

    counts = listed([len(p) for p in groups], lines_of, max(height - used, LEAST_LINKS))
    for number, (part, shown) in enumerate(zip(groups, counts, strict=True)):
        for index in range(shown):
            link, label = line_of(number, index)
            lines.append(Content.assemble("  → ", (f"{link.kind}: ", BOLD), plain(label)))
        if shown < len(part):
            lines.append(Content(more_text(len(part) - shown, part.noun)))
    return [*lines, EMPTY]


def _lines(text: str, width: int) -> int:
    """About how many lines `text` takes, wrapped at `width`."""
    return sum(-(-len(line) // max(width, 1)) or 1 for line in text.split("\n"))


def listed(sizes: Sequence[int], lines: Callable[[int, int], int], room: int) -> list[int]:
    """How many links of each part (of `sizes`) a preview lists in `room` lines, where
    `lines(part, index)` is the lines a link takes: each part a fair share of what is
    left, the smallest parts first (what they leave goes to the others); a part cut
    short keeps a line for the count of the rest, and lists at least one."""
    shown = [0] * len(sizes)
    left = room
    by_size = sorted(range(len(sizes)), key=lambda n: sizes[n])
    for done, n in enumerate(by_size):
        fair = left // (len(by_size) - done)
        used = 0
        while shown[n] < sizes[n]:
            need = lines(n, shown[n]) + (shown[n] + 1 < sizes[n])  # (and the count)
            if shown[n] and used + need > fair:
                break
            used += need - (shown[n] + 1 < sizes[n])
            shown[n] += 1
        left -= used + (shown[n] < sizes[n])
    return shown


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
