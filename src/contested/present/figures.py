"""Figures over time as text: a plot a terminal can show, and per-source answers.

1,400 → 500 → 300 km² must read as a falling line at a glance: each claim is a point
(`●`) at its date with its range as a bar (`│`, `↑` for an open top), and the steps
of the question's series are joined by a dotted line.
"""

from __future__ import annotations

from datetime import date
from itertools import pairwise

from contested.catalog.columns import claims_about
from contested.engine.analysis import Analysis
from contested.format.model import Claim
from contested.format.quantities import format_number
from contested.present.browse import sides_of
from contested.present.wording import date_text, source_names, value_text
from contested.support.text import fit, pad, printable
from contested.support.text import width as cell_width


def _mid(claim: Claim) -> int | None:
    when = claim.when
    if when is None or when.earliest is None or when.latest is None:
        return None
    return (when.earliest.toordinal() + when.latest.toordinal()) // 2


def axis_number(value: float) -> str:
    """An axis label: `1400`, `2.5`, `1e+300`; never hundreds of digits (a figure of
    1e300 is a valid figure)."""
    if abs(value) >= 1e6:
        return f"{value:.3g}"
    return format_number(round(value) if abs(value) >= 10 else round(value, 2))


def month_text(day: date) -> str:
    """`0001-12`: four-digit years, which strftime's %Y does not give for year 1."""
    return f"{day.year:04d}-{day.month:02d}"


def quantity_plot(analysis: Analysis, question_id: str, width: int = 64,
                  height: int = 12) -> list[str]:
    """A text plot of a quantity question's figures against their dates; when they all
    hold at one date, a range chart (`range_chart`), since a time axis of one day
    would stack them on its left edge."""
    catalog = analysis.catalog
    question = catalog.questions[question_id]
    points: list[tuple[Claim, int]] = []
    for claim in claims_about(catalog, question_id):
        middle = _mid(claim)
        if claim.quantity is not None and middle is not None:
            points.append((claim, middle))
    if not points:
        return ["no dated figures to plot"]
    values: list[float] = []
    for claim, _ in points:
        assert claim.quantity is not None
        interval = claim.quantity.interval
        values += [v for v in (interval.low, interval.high, claim.quantity.plotted)
                   if v is not None]
    top = max(values)
    bottom = min(0.0, *values)
    if len({x for _, x in points}) == 1:
        return range_chart(analysis, question_id, [c for c, _ in points], width)
    span = (top - bottom) or 1.0
    marked = (0, height // 2, height - 1)  # the rows that carry a label
    labels_at = {y: axis_number(top - (top - bottom) * y / (height - 1)) for y in marked}
    label_width = max(len(text) for text in labels_at.values()) + 1
    plot_width = max(width - label_width - 2, 10)
    first = min(x for _, x in points)
    last = max(x for _, x in points)
    days = (last - first) or 1
    grid = [[" "] * plot_width for _ in range(height)]

    def column(x: int) -> int:
        return round((x - first) / days * (plot_width - 1))

    def row(value: float) -> int:
        return height - 1 - round((value - bottom) / span * (height - 1))

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
    for claim, x in points:
        assert claim.quantity is not None
        interval = claim.quantity.interval
        col = column(x)
        high = row(interval.high) if interval.high is not None else 0
        low = row(interval.low) if interval.low is not None else height - 1
        for y in range(min(high, low), max(high, low) + 1):
            grid[y][col] = "│"
        if interval.high is None:
            grid[0][col] = "↑"
        if interval.low is None:
            grid[height - 1][col] = "↓"
        plotted = claim.quantity.plotted
        if plotted is not None:
            grid[row(plotted)][col] = "●"
    lines = []
    for y, cells in enumerate(grid):
        label = labels_at.get(y, "")
        lines.append(f"{label.rjust(label_width)} ┤{''.join(cells)}")
    axis = [" "] * plot_width
    marks = []
    for _, x in points:
        col = column(x)
        axis[col] = "┬"
        marks.append((col, month_text(date.fromordinal(x))))
    lines.append(" " * label_width + " └" + "".join(axis).replace(" ", "─"))
    labels = [" "] * plot_width
    ordered = sorted(set(marks))
    last_col, last_text = ordered[-1]
    last_start = max(min(last_col, plot_width - len(last_text)), 0)  # within the axis
    labels[last_start:last_start + len(last_text)] = last_text  # the last date, always
    taken = -1
    for col, text in ordered[:-1]:  # then those that fit before it
        start = min(col, plot_width - len(text))
        if start > taken and start + len(text) < last_start:
            labels[start:start + len(text)] = text
            taken = start + len(text)
    lines.append(" " * (label_width + 2) + "".join(labels).rstrip())
    unit = question.unit or ""
    lines.append("")
    for claim, _ in sorted(points, key=lambda p: p[1]):
        lines.append(f"  ● {value_text(catalog, claim):<20} {source_names(catalog, claim)} "
                     f"({date_text(claim.when)})")
    if series is not None:
        lines.append("")
        lines.append(f"  series: {series.trend}, " + " → ".join(
            format_number(s.figure) for s in series.steps if s.figure is not None
        ) + f" {unit}")
    return lines


def category_lines(analysis: Analysis, question_id: str) -> list[str]:
    """A category question's answers per source, in time order."""
    catalog = analysis.catalog
    claims = sorted((c for c in claims_about(catalog, question_id) if c.value is not None),
                    key=lambda c: (c.when.sort_key if c.when else (date.min, date.max), c.id))
    if not claims:
        return ["no answers yet"]
    found = {c for claim in claims for item in analysis.contradictions.listed_of(claim.id)
             if item.question == question_id for c in item.claims}
    found |= {claim.id for claim in claims  # a grouped question's, counted
              if analysis.contradictions.count_of(claim.id) > len(
                  analysis.contradictions.held_positions_of(claim.id))}
    # Measured in terminal cells, as shown (stand-ins and wide characters included), so
    # that the values line up.
    who = {c.id: printable(f"{source_names(catalog, c)} [{sides_of(analysis, c)}]")
           for c in claims}
    column = max(cell_width(text) for text in who.values())
    lines = []
    for claim in claims:
        mark = "!" if claim.id in found else " "
        lines.append(f"{mark} {date_text(claim.when):<12} {pad(who[claim.id], column)} "
                     f"{value_text(catalog, claim)}")
    return lines


def range_chart(analysis: Analysis, question_id: str, claims: list[Claim],
                width: int = 64) -> list[str]:
    """Figures that hold at one date, each a line across one value axis: `●` at the
    figure, `├──┤` its range, `◀`/`▶` an open end, who said it on the left."""
    catalog = analysis.catalog
    unit = catalog.questions[question_id].unit or ""
    when = claims[0].when
    values: list[float] = []
    for claim in claims:
        assert claim.quantity is not None
        interval = claim.quantity.interval
        values += [v for v in (interval.low, interval.high, claim.quantity.plotted)
                   if v is not None]
    low, high = min(0.0, *values), max(values)
    span = (high - low) or 1.0
    names = {c.id: printable(source_names(catalog, c)) for c in claims}
    name_width = min(max(cell_width(n) for n in names.values()), 24)
    bar_width = max(width - name_width - 1 - (len(unit) + 1 if unit else 0), 12)

    def at(value: float) -> int:
        return round((value - low) / span * (bar_width - 1))

    lines = [f"all at {date_text(when)}: one range per claim", ""]
    def plotted(claim: Claim) -> float:
        return claim.quantity.plotted or 0.0 if claim.quantity is not None else 0.0

    for claim in sorted(claims, key=lambda c: (plotted(c), c.id)):
        assert claim.quantity is not None
        interval = claim.quantity.interval
        bar = [" "] * bar_width
        start = at(interval.low) if interval.low is not None else 0
        end = at(interval.high) if interval.high is not None else bar_width - 1
        for x in range(start, end + 1):
            bar[x] = "─"
        bar[start] = "├" if interval.low is not None else "◀"
        bar[end] = "┤" if interval.high is not None else "▶"
        if claim.quantity.plotted is not None:
            bar[at(claim.quantity.plotted)] = "●"
        name = pad(fit(names[claim.id], name_width), name_width)
        lines.append(f"{name} {''.join(bar)}".rstrip())
    axis = [" "] * bar_width
    for value in (low, (low + high) / 2, high):
        text = axis_number(value)
        start = min(at(value), bar_width - len(text))
        axis[start:start + len(text)] = text
    lines.append(" " * (name_width + 1) + "".join(axis).rstrip() + (f" {unit}" if unit else ""))
    lines.append("")
    for claim in claims:
        lines.append(f"  ● {value_text(catalog, claim):<20} {names[claim.id]}")
    return lines
