"""The Figures pane on questions of any size: a question's plot or answers are worked
out from the claim columns, a page of claims is listed and the rest counted, and a small
question's figure is line for line what it was when every claim was read one by one."""

from __future__ import annotations

import random
from datetime import date
from itertools import pairwise
from pathlib import Path

import pytest

from contested.catalog.cache.store import CatalogCache
from contested.catalog.columns import claims_about
from contested.catalog.loading import load_catalog
from contested.engine.analysis import Analysis, analyse
from contested.format.model import Claim
from contested.format.quantities import format_number
from contested.present.browse import sides_of
from contested.present.figures import (
    PAGE,
    axis_number,
    category_lines,
    month_text,
    quantity_plot,
)
from contested.present.wording import date_text, source_names, value_text
from contested.support.text import fit, pad, printable
from contested.support.text import width as cell_width
from tests.helpers import TIMELINES

# --- the reference: the figures as drawn before, every claim read one by one ----------------


def _mid(claim: Claim) -> int | None:
    when = claim.when
    if when is None or when.earliest is None or when.latest is None:
        return None
    return (when.earliest.toordinal() + when.latest.toordinal()) // 2


def reference_plot(analysis: Analysis, question_id: str, width: int = 64,
                   height: int = 12) -> list[str]:
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
        return reference_range_chart(analysis, question_id, [c for c, _ in points], width)
    span = (top - bottom) or 1.0
    marked = (0, height // 2, height - 1)
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
    last_start = max(min(last_col, plot_width - len(last_text)), 0)
    labels[last_start:last_start + len(last_text)] = last_text
    taken = -1
    for col, text in ordered[:-1]:
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


def reference_category_lines(analysis: Analysis, question_id: str) -> list[str]:
    catalog = analysis.catalog
    claims = sorted((c for c in claims_about(catalog, question_id) if c.value is not None),
                    key=lambda c: (c.when.sort_key if c.when else (date.min, date.max), c.id))
    if not claims:
        return ["no answers yet"]
    found = {c for claim in claims for item in analysis.contradictions.listed_of(claim.id)
             if item.question == question_id for c in item.claims}
    found |= {claim.id for claim in claims
              if analysis.contradictions.count_of(claim.id) > len(
                  analysis.contradictions.held_positions_of(claim.id))}
    who = {c.id: printable(f"{source_names(catalog, c)} [{sides_of(analysis, c)}]")
           for c in claims}
    column = max(cell_width(text) for text in who.values())
    lines = []
    for claim in claims:
        mark = "!" if claim.id in found else " "
        lines.append(f"{mark} {date_text(claim.when):<12} {pad(who[claim.id], column)} "
                     f"{value_text(catalog, claim)}")
    return lines


def reference_range_chart(analysis: Analysis, question_id: str, claims: list[Claim],
                          width: int = 64) -> list[str]:
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


# --- catalogs -------------------------------------------------------------------------------

HEAD = """\
contested: 1
sources:
  - {id: a, name: Agency A, side: north}
  - {id: b, name: "Agency [b]", side: south}
  - {id: c, name: 漢字 C}
questions:
  - {id: bridge, text: Who holds the bridge?, kind: category}
  - {id: area, text: Area held, kind: quantity, unit: km2}
  - {id: point, text: Area at one date, kind: quantity}
claims:
"""


def figure_value(rng: random.Random) -> str:
    figure = rng.choice([0, 5, 100, 120, 300, 500, 900, 1400, 2.5])
    high = figure * 2 + 10
    return rng.choice([
        str(figure), f"{{about: {figure}}}", f"{{at_least: {figure}}}",
        f"{{more_than: {figure}}}", f"{{at_most: {figure}}}", f"{{less_than: {figure}}}",
        f"{{between: [{figure}, {high}]}}", f"{{between: [{figure}, {high}], best: {high}}}",
        f"{{at_least: {figure}, best: {figure + 1}}}"])


def written_date(rng: random.Random, *, month_only: bool = False) -> str:
    day = rng.randint(1, 28)
    month = rng.randint(1, 4)
    if month_only:
        return "2030-05"
    return rng.choice([f"2030-{month:02}-{day:02}", f"2030-{month:02}", "2030",
                       f"../2030-{month:02}-{day:02}", f"2030-{month:02}/..", "",
                       f"2030-{month:02}-{day:02}~", f"2030-{month:02}-{day:02}/2030-06"])


def random_catalog(folder: Path, seed: int, count: int) -> Path:
    """`count` claims of each question, in seeded random forms and dates."""
    rng = random.Random(seed)
    lines = []
    for n in range(count):
        for about in ("bridge", "area", "point"):
            source = rng.choice(["a", "b", "c", "[a, b]", "[c, a]"])
            value = (rng.choice(["x", "y", "z", '"[/]"']) if about == "bridge"
                     else figure_value(rng))
            when = written_date(rng, month_only=about == "point")
            dated = f", as_of: '{when}'" if when else ""
            lines.append(f"  - {{id: {about[0]}{rng.randint(0, 10**6)}-{n}, source: {source},"
                         f" text: t, about: {about}, value: {value}{dated}}}\n")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "t.yaml").write_text(HEAD + "".join(lines), encoding="utf-8")
    return folder


def analysed(folder: Path, *, warm: bool = False) -> Analysis:
    if warm:
        load_catalog([folder], cache=CatalogCache())
    result = load_catalog([folder], cache=CatalogCache() if warm else None)
    assert result.ok, [d.headline() for d in result.diagnostics[:5]]
    if warm:
        assert result.catalog.claims.made == 0
    return analyse(result.catalog)


# --- small questions: what was shown before, line for line -------------------------------------

def same_as_before(analysis: Analysis) -> None:
    for question in analysis.catalog.questions.values():
        if question.kind != "quantity":
            assert category_lines(analysis, question.id) == reference_category_lines(
                analysis, question.id), question.id
            continue
        for width, height in ((30, 5), (64, 12), (100, 10), (160, 14)):
            assert quantity_plot(analysis, question.id, width, height) == reference_plot(
                analysis, question.id, width, height), (question.id, width, height)


@pytest.mark.parametrize("warm", [False, True])
def test_the_bundled_figures_are_drawn_as_before(warm: bool) -> None:
    same_as_before(analysed(TIMELINES, warm=warm))


@pytest.mark.parametrize("seed", range(12))
def test_random_small_questions_are_drawn_as_before(tmp_path: Path, seed: int) -> None:
    count = random.Random(seed).choice([1, 2, 3, 7, 20, PAGE])
    same_as_before(analysed(random_catalog(tmp_path, seed, count), warm=seed % 2 == 1))


# --- big questions: a page, and the rest counted ---------------------------------------------

BIG = 3_000


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return random_catalog(tmp_path_factory.mktemp("big"), 2025, BIG)


def test_a_big_question_shows_a_page_of_answers_and_counts_the_rest(big: Path) -> None:
    analysis = analysed(big)
    answered = len([c for c in claims_about(analysis.catalog, "bridge") if c.value])
    lines = category_lines(analysis, "bridge")
    assert len(lines) == PAGE + 1
    assert lines[:PAGE] == reference_category_lines(analysis, "bridge")[:PAGE]
    assert lines[-1] == f"  … and {answered - PAGE:,} more claims"


def test_a_big_plot_lists_a_page_of_figures_and_counts_the_rest(big: Path) -> None:
    analysis = analysed(big)
    catalog = analysis.catalog
    dated = [c for c in claims_about(catalog, "area")
             if c.quantity is not None and _mid(c) is not None]
    lines = quantity_plot(analysis, "area", 80, 12)
    listed = [line for line in lines if line.startswith("  ● ")]
    assert len(listed) == PAGE
    assert f"  … and {len(dated) - PAGE:,} more claims" in lines
    assert len(lines) <= 12 + 3 + PAGE + 1 + 2
    reference = reference_plot(analysis, "area", 80, 12)
    # The axis, its dates and the page listed are those of every claim. (The plot's `●`
    # of a claim with a `best` is drawn at its range's middle: the columns do not hold it.)
    assert lines[12:12 + 3 + PAGE] == reference[12:12 + 3 + PAGE]
    assert [line[:line.index("┤")] for line in lines[:12]] == [
        line[:line.index("┤")] for line in reference[:12]]


def test_a_big_range_chart_draws_a_page_of_ranges_and_counts_the_rest(big: Path) -> None:
    analysis = analysed(big)
    lines = quantity_plot(analysis, "point", 80, 12)
    assert lines[0] == "all at 2030-05: one range per claim"
    more = f"  … and {BIG - PAGE:,} more claims"
    assert lines.count(more) == 2
    assert len(lines) == 2 + PAGE + 1 + 1 + 1 + PAGE + 1
    assert lines[-1] == more


def test_a_big_question_makes_only_the_claims_it_lists(big: Path) -> None:
    """On a warm load nothing is made up front: drawing a question of thousands of claims
    makes the page it lists, not the question."""
    analysis = analysed(big, warm=True)
    claims = analysis.catalog.claims
    for question in ("bridge", "area", "point", "bridge", "area"):
        if question == "bridge":
            category_lines(analysis, question)
        else:
            quantity_plot(analysis, question, 100, 12)
    assert claims.made <= 5 * PAGE
