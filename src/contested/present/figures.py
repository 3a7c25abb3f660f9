"""Figures over time as text: a plot a terminal can show, and per-source answers.

1,400 → 500 → 300 km² must read as a falling line at a glance: each claim is a point
(`●`) at its date with its range as a bar (`│`, `↑` for an open top), and the steps
of the question's series are joined by a dotted line.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from itertools import pairwise
from typing import Any
from weakref import WeakKeyDictionary

from contested.catalog.catalog import Catalog
from contested.catalog.columns import ALWAYS, NEVER, WIDTH, ClaimColumns
from contested.engine.analysis import Analysis
from contested.format.model import Claim
from contested.format.quantities import format_number
from contested.present.browse import sides_of
from contested.present.wording import date_text, source_names, value_text
from contested.support.text import fit, pad, printable
from contested.support.text import width as cell_width


def axis_number(value: float) -> str:
    """An axis label: `1400`, `2.5`, `1e+300`; never hundreds of digits (a figure of
    1e300 is a valid figure)."""
    if abs(value) >= 1e6:
        return f"{value:.3g}"
    return format_number(round(value) if abs(value) >= 10 else round(value, 2))


def month_text(day: date) -> str:
    """`0001-12`: four-digit years, which strftime's %Y does not give for year 1."""
    return f"{day.year:04d}-{day.month:02d}"


PAGE = 60
"""Claims listed under a figure; the rest are counted (`more_text`): a question of
20,000 claims costs a key the lines a screen shows, not one line per claim."""


def more_text(count: int, noun: str = "claim") -> str:
    """`  … and 2,811 more claims`: what a figure (or a preview's part) leaves out,
    counted."""
    return f"  … and {count:,} more {noun}{'s' * (count != 1)}"


@dataclass(eq=False)
class Answers:
    """The claims that answer one question (a figure, or a value), read from the claim
    columns without making a claim: their rows in catalog order, first and last days
    (`NEVER`/`ALWAYS` for open ends), and the figure's ends (infinite when open)."""

    rows: Any
    first: Any
    last: Any
    low: Any
    high: Any
    dated: tuple[Any, Any] | None = None
    """Which claims have a first and a last day, and those claims in order of their
    middle day (stable): set by the first plot."""


def answers(catalog: Catalog, question_id: str) -> Answers:
    """A question's `Answers`, worked out once per question and kept with the catalog's
    columns (a new catalog has new columns): moving back to a question reads them again."""
    import numpy as np

    columns = ClaimColumns.of(catalog)
    kept = _ANSWERS.get(columns)
    if kept is None:
        kept = _ANSWERS[columns] = {}
    found = kept.get(question_id)
    if found is None:
        rows = np.asarray(columns.rows_about(question_id), dtype=np.int64)
        if len(rows):
            table = np.frombuffer(columns.numbers, dtype=np.float64).reshape(-1, WIDTH)
            rows = rows[table[rows, _QUESTION] >= 0]
            picked = table[rows]
        else:
            picked = np.zeros((0, WIDTH))
        found = kept[question_id] = Answers(
            rows, picked[:, _FIRST].astype(np.int64), picked[:, _LAST].astype(np.int64),
            picked[:, _LOW].copy(), picked[:, _HIGH].copy())
    return found


def _ranks(catalog: Catalog) -> Any:
    """Per claim row, its place in the order of claim ids (ties between dates are
    broken by id), worked out once per catalog."""
    import numpy as np

    columns = ClaimColumns.of(catalog)
    known = _RANKS.get(columns)
    if known is None:
        order = np.asarray(columns.rows_by_rank, dtype=np.int64)
        known = np.empty(len(order), dtype=np.int64)
        known[order] = np.arange(len(order), dtype=np.int64)
        _RANKS[columns] = known
    return known


def _plotted(low: Any, high: Any, claims: list[Claim] | None) -> Any:
    """The figure to draw per claim (NaN for none): from the claims when they are at
    hand (a `best` is not among the columns), else from the ends: their middle, or the
    finite one."""
    import numpy as np

    if claims is not None:
        return np.array([np.nan if c.quantity is None or c.quantity.plotted is None
                         else c.quantity.plotted for c in claims], dtype=np.float64)
    low_known, high_known = np.isfinite(low), np.isfinite(high)
    with np.errstate(invalid="ignore", over="ignore"):
        middle = (low + high) / 2
    return np.where(low_known & high_known, middle,
                    np.where(low_known, low, np.where(high_known, high, np.nan)))


def quantity_plot(analysis: Analysis, question_id: str, width: int = 64,
                  height: int = 12) -> list[str]:
    """A text plot of a quantity question's figures against their dates; when they all
    hold at one date, a range chart (`range_chart`), since a time axis of one day
    would stack them on its left edge. Drawn from the claim columns, every claim at
    once; only the claims listed under it (`PAGE`) are made."""
    import numpy as np

    catalog = analysis.catalog
    question = catalog.questions[question_id]
    found = answers(catalog, question_id)
    if found.dated is None:
        dated = (found.first != NEVER) & (found.last != ALWAYS)
        middles = (found.first[dated] + found.last[dated]) // 2
        found.dated = (dated, np.argsort(middles, kind="stable"))
    dated, by_day = found.dated
    rows = found.rows[dated]
    if not len(rows):
        return ["no dated figures to plot"]
    xs = (found.first[dated] + found.last[dated]) // 2  # each claim's middle day
    lows, highs = found.low[dated], found.high[dated]
    made = [catalog.claims.at(row) for row in rows.tolist()] if len(rows) <= PAGE else None
    plotted = _plotted(lows, highs, made)
    low_known, high_known, drawn = np.isfinite(lows), np.isfinite(highs), ~np.isnan(plotted)
    values = np.concatenate((lows[low_known], highs[high_known], plotted[drawn]))
    top = float(values.max())
    bottom = min(0.0, float(values.min()))
    if bool((xs == xs[0]).all()):
        return range_chart(analysis, question_id, rows, (lows, highs, plotted), width)
    span = (top - bottom) or 1.0
    marked = (0, height // 2, height - 1)  # the rows that carry a label
    labels_at = {y: axis_number(top - (top - bottom) * y / (height - 1)) for y in marked}
    label_width = max(len(text) for text in labels_at.values()) + 1
    plot_width = max(width - label_width - 2, 10)
    first = int(xs.min())
    last = int(xs.max())
    days = (last - first) or 1
    grid = [[" "] * plot_width for _ in range(height)]

    def column(x: int) -> int:
        return round((x - first) / days * (plot_width - 1))

    def row(value: float) -> int:
        return height - 1 - round((value - bottom) / span * (height - 1))

    def rows_of(value: Any) -> Any:
        with np.errstate(invalid="ignore", over="ignore"):
            found = height - 1 - np.rint((value - bottom) / span * (height - 1))
        return np.nan_to_num(found, nan=-1).clip(-1, height).astype(np.int64)

    series = analysis.series.get(question_id)
    if series is not None:
        anchors = []
        for step in series.steps:
            if step.figure is None or step.earliest is None or step.latest is None:
                continue
            mid = (step.earliest.toordinal() + step.latest.toordinal()) // 2
            anchors.append((column(min(max(mid, first), last)), row(step.figure)))
        for (x0, y0), (x1, y1) in pairwise(anchors):
            for x in range(x0 + 1, x1):
                y = round(y0 + (y1 - y0) * (x - x0) / (x1 - x0))
                grid[y][x] = "·"
    # Each claim draws its range (│), an open top (↑) or bottom (↓), then its figure
    # (●), claim after claim: a cell shows the last thing drawn in it. Per row of the
    # plot, every claim's last mark is numbered (4 per claim, in that order) and the
    # highest number in each column wins.
    cols = np.rint((xs - first) / days * (plot_width - 1)).astype(np.int64)
    high_rows = np.where(high_known, rows_of(np.where(high_known, highs, 0.0)), 0)
    low_rows = np.where(low_known, rows_of(np.where(low_known, lows, 0.0)), height - 1)
    upper, lower = np.minimum(high_rows, low_rows), np.maximum(high_rows, low_rows)
    dots = np.where(drawn, rows_of(np.where(drawn, plotted, 0.0)), -1)
    # A claim that draws what a later one draws again is hidden by it: only the last
    # of each way of drawing is drawn (thousands of claims draw a few hundred ways).
    way = cols
    for part, size in ((upper, height + 2), (lower, height + 2), (dots, height + 2),
                       (high_known, 2), (low_known, 2)):
        way = way * size + part + 1
    _, last_in_reverse = np.unique(way[::-1], return_index=True)
    kept = np.sort(len(way) - 1 - last_in_reverse)
    at, upper, lower, dots = cols[kept], upper[kept], lower[kept], dots[kept]
    open_top, open_bottom = ~high_known[kept], ~low_known[kept]
    order = kept * 4
    for y in range(height):
        mark = np.where((upper <= y) & (y <= lower), 0, -1)
        if y == 0:
            mark[open_top] = 1
        if y == height - 1:
            mark[open_bottom] = 2
        mark[dots == y] = 3
        marking = mark >= 0
        last_mark = np.full(plot_width, -1, dtype=np.int64)
        np.maximum.at(last_mark, at[marking], order[marking] + mark[marking])
        for col in np.flatnonzero(last_mark >= 0).tolist():
            grid[y][col] = "│↑↓●"[last_mark[col] % 4]
    lines = []
    for y, cells in enumerate(grid):
        label = labels_at.get(y, "")
        lines.append(f"{label.rjust(label_width)} ┤{''.join(cells)}")
    axis = [" "] * plot_width
    # Per column with a claim: its earliest day (the label tried there) and latest.
    by_column = by_day  # (a column is a day's, or a few days')
    sorted_cols, sorted_xs = cols[by_column], xs[by_column]
    starts = np.flatnonzero(np.r_[True, sorted_cols[1:] != sorted_cols[:-1]])
    used = sorted_cols[starts].tolist()
    earliest = sorted_xs[starts].tolist()
    for col in used:
        axis[col] = "┬"
    lines.append(" " * label_width + " └" + "".join(axis).replace(" ", "─"))
    labels = [" "] * plot_width
    last_col, last_text = used[-1], month_text(date.fromordinal(int(sorted_xs[-1])))
    last_start = max(min(last_col, plot_width - len(last_text)), 0)  # within the axis
    labels[last_start:last_start + len(last_text)] = last_text  # the last date, always
    taken = -1
    for col, x in zip(used[:-1], earliest[:-1], strict=True):  # then those that fit
        text = month_text(date.fromordinal(x))
        start = min(col, plot_width - len(text))
        if start > taken and start + len(text) < last_start:
            labels[start:start + len(text)] = text
            taken = start + len(text)
    lines.append(" " * (label_width + 2) + "".join(labels).rstrip())
    unit = question.unit or ""
    lines.append("")
    listed = by_day[:PAGE].tolist()
    for position in listed:
        claim = made[position] if made is not None else catalog.claims.at(int(rows[position]))
        lines.append(f"  ● {value_text(catalog, claim):<20} {source_names(catalog, claim)} "
                     f"({date_text(claim.when)})")
    if len(rows) > PAGE:
        lines.append(more_text(len(rows) - PAGE))
    if series is not None:
        lines.append("")
        lines.append(f"  series: {series.trend}, " + " → ".join(
            format_number(s.figure) for s in series.steps if s.figure is not None
        ) + f" {unit}")
    return lines


def category_lines(analysis: Analysis, question_id: str) -> list[str]:
    """A category question's answers per source, in time order: a page of them (`PAGE`),
    ordered from the claim columns, and the rest counted."""
    import numpy as np

    catalog = analysis.catalog
    found = answers(catalog, question_id)
    if not len(found.rows):
        return ["no answers yet"]
    # Ordered as `FuzzyDate.sort_key` orders: an open end as the first or last day.
    earliest = np.where(found.first == NEVER, date.min.toordinal(), found.first)
    latest = np.where(found.last == ALWAYS, date.max.toordinal(), found.last)
    order = np.lexsort((_ranks(catalog)[found.rows], latest, earliest))[:PAGE]
    claims = [catalog.claims.at(row) for row in found.rows[order].tolist()]
    contradictions = analysis.contradictions
    found_in = {claim.id for claim in claims  # in one listed, or grouped and counted
                if any(item.question == question_id
                       for item in contradictions.listed_of(claim.id))
                or contradictions.count_of(claim.id) > len(
                    contradictions.held_positions_of(claim.id))}
    # Measured in terminal cells, as shown (stand-ins and wide characters included), so
    # that the values line up.
    who = [printable(f"{source_names(catalog, c)} [{sides_of(analysis, c)}]")
           for c in claims]
    column = max(cell_width(text) for text in who)
    lines = []
    for claim, text in zip(claims, who, strict=True):
        mark = "!" if claim.id in found_in else " "
        lines.append(f"{mark} {date_text(claim.when):<12} {pad(text, column)} "
                     f"{value_text(catalog, claim)}")
    if len(found.rows) > PAGE:
        lines.append(more_text(len(found.rows) - PAGE))
    return lines


def range_chart(analysis: Analysis, question_id: str, rows: Any,
                figures: tuple[Any, Any, Any], width: int = 64) -> list[str]:
    """Figures that hold at one date (the claims of `rows`, with their `figures`: low
    and high ends, and the figure drawn), each a line across one value axis: `●` at the
    figure, `├──┤` its range, `◀`/`▶` an open end, who said it on the left."""
    import numpy as np

    catalog = analysis.catalog
    unit = catalog.questions[question_id].unit or ""
    lows, highs, plotted = figures
    low_known, high_known, drawn = np.isfinite(lows), np.isfinite(highs), ~np.isnan(plotted)
    values = np.concatenate((lows[low_known], highs[high_known], plotted[drawn]))
    low, high = min(0.0, float(values.min())), float(values.max())
    span = (high - low) or 1.0
    # Drawn in order of figure (none counts as 0), then id; listed in catalog order.
    ordered = np.lexsort((_ranks(catalog)[rows], np.where(drawn, plotted, 0.0)))[:PAGE]
    listed = list(range(min(len(rows), PAGE)))
    claims = {p: catalog.claims.at(int(rows[p])) for p in [*ordered.tolist(), *listed]}
    when = catalog.claims.at(int(rows[0])).when
    names = {p: printable(source_names(catalog, c)) for p, c in claims.items()}
    name_width = min(max(cell_width(n) for n in names.values()), 24)
    bar_width = max(width - name_width - 1 - (len(unit) + 1 if unit else 0), 12)

    def at(value: float) -> int:
        return round((value - low) / span * (bar_width - 1))

    lines = [f"all at {date_text(when)}: one range per claim", ""]
    for position in ordered.tolist():
        start_known, end_known = bool(low_known[position]), bool(high_known[position])
        bar = [" "] * bar_width
        start = at(float(lows[position])) if start_known else 0
        end = at(float(highs[position])) if end_known else bar_width - 1
        for x in range(start, end + 1):
            bar[x] = "─"
        bar[start] = "├" if start_known else "◀"
        bar[end] = "┤" if end_known else "▶"
        if drawn[position]:
            bar[at(float(plotted[position]))] = "●"
        name = pad(fit(names[position], name_width), name_width)
        lines.append(f"{name} {''.join(bar)}".rstrip())
    axis = [" "] * bar_width
    for value in (low, (low + high) / 2, high):
        text = axis_number(value)
        start = min(at(value), bar_width - len(text))
        axis[start:start + len(text)] = text
    lines.append(" " * (name_width + 1) + "".join(axis).rstrip() + (f" {unit}" if unit else ""))
    if len(rows) > PAGE:
        lines.append(more_text(len(rows) - PAGE))
    lines.append("")
    for position in listed:
        lines.append(f"  ● {value_text(catalog, claims[position]):<20} {names[position]}")
    if len(rows) > PAGE:
        lines.append(more_text(len(rows) - PAGE))
    return lines


_QUESTION, _FIRST, _LAST, _LOW, _HIGH = 1, 2, 3, 5, 6
"""Where a claim's question (-1: it gives no answer), days and figure's ends are among
its `WIDTH` numbers (`ClaimColumns.add`)."""

_ANSWERS: WeakKeyDictionary[ClaimColumns, dict[str, Answers]] = WeakKeyDictionary()
_RANKS: WeakKeyDictionary[ClaimColumns, Any] = WeakKeyDictionary()
"""What is worked out once per catalog's columns, kept beside them (and gone with them)."""
