"""An export in the format asked for (`contested export --format`): markdown, json or
csv, whole (`render`) or a piece at a time (`render_parts`)."""

from __future__ import annotations

from collections.abc import Iterator

from contested.engine.analysis import Analysis
from contested.export.csv_export import to_csv
from contested.export.markdown import markdown_lines
from contested.export.records import json_document, json_parts
from contested.review.notes import Notes


def render(analysis: Analysis, fmt: str, notes: Notes | None = None,
           every_pair: bool = False) -> str:
    """The export in format `fmt`: markdown or json (both with the review notes, when
    given), or csv (one row per claim); with `every_pair`, every pair of a group."""
    return "".join(render_parts(analysis, fmt, notes, every_pair))


def render_parts(analysis: Analysis, fmt: str, notes: Notes | None = None,
                 every_pair: bool = False) -> Iterator[str]:
    """`render`, a piece at a time: what `--all` writes as it goes."""
    if fmt == "markdown":
        for n, line in enumerate(markdown_lines(analysis, notes=notes,
                                                every_pair=every_pair)):
            yield line if n == 0 else "\n" + line
    elif fmt == "json":
        yield from json_parts(json_document(analysis, notes, every_pair))
    else:
        yield to_csv(analysis)
