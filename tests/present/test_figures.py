"""The Figures pane's text: a plot over time, or a range chart when every figure holds
at one date; labels that fit, whatever the figures and dates."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from contested.catalog.loading import load_catalog
from contested.engine.analysis import Analysis, analyse
from contested.engine.series import SeriesStep
from contested.present.figures import axis_number, month_text, quantity_plot
from tests.helpers import TIMELINES


def catalog(tmp_path: Path, claims: str, unit: str = "km2") -> Analysis:
    (tmp_path / "t.yaml").write_text(f"""\
contested: 1
sources:
  - {{id: afp, name: AFP}}
  - {{id: mod, name: UK Ministry of Defence}}
  - {{id: zombie, name: Zombie}}
questions:
  - {{id: q, text: Area, kind: quantity, unit: {unit}}}
claims:
{claims}""")
    result = load_catalog([tmp_path])
    assert result.ok, result.diagnostics
    return analyse(result.catalog)


ONE_DATE = """\
  - {id: c1, source: afp, text: t, about: q, value: {at_least: 100}, as_of: 2025-03}
  - {id: c2, source: mod, text: t, about: q, value: 300, as_of: 2025-03}
  - {id: c3, source: zombie, text: t, about: q, value: {between: [200, 400], best: 250},
     as_of: 2025-03}
"""


def test_figures_at_one_date_are_a_range_chart_not_a_stack_of_dots(tmp_path: Path) -> None:
    lines = quantity_plot(catalog(tmp_path, ONE_DATE), "q", 60, 10)
    assert lines[0] == "all at 2025-03: one range per claim"
    bars = {line.split()[0]: line for line in lines[2:5]}
    assert set(bars) == {"AFP", "UK", "Zombie"}
    assert "●" in bars["AFP"]
    assert bars["AFP"].rstrip().endswith("▶")  # at least: open to the right
    assert "├" in bars["Zombie"]
    assert bars["Zombie"].rstrip().endswith("┤")
    assert bars["Zombie"].index("├") < bars["Zombie"].index("●")
    assert "km2" in lines[5]
    assert all(len(line) <= 60 for line in lines[:6])


@pytest.mark.parametrize("width", [30, 44, 64, 100])
def test_the_plot_never_runs_past_its_width(width: int) -> None:
    analysis = analyse(load_catalog([TIMELINES]).catalog)
    lines = quantity_plot(analysis, "ukraine-held-area-kursk", width, 10)
    axis_end = next(i for i, line in enumerate(lines) if "└" in line) + 2
    for line in lines[:axis_end]:  # the plot, its axis and the date labels
        assert len(line) <= width, (len(line), line)
    dates = lines[axis_end - 1]
    assert dates.rstrip().endswith("2025-03")  # the last date label, whole and in place


def test_huge_figures_and_year_one_have_short_labels(tmp_path: Path) -> None:
    lines = quantity_plot(catalog(tmp_path, """\
  - {id: c1, source: afp, text: t, about: q, value: 1e300, as_of: 0001-12}
  - {id: c2, source: mod, text: t, about: q, value: -1e300, as_of: 2025-03}
"""), "q", 60, 10)
    axis_end = next(i for i, line in enumerate(lines) if "└" in line) + 2
    assert all(len(line) <= 60 for line in lines[:axis_end])
    assert lines[0].lstrip().startswith("1e+300 ┤")
    assert "0001-12" in lines[axis_end - 1]
    assert axis_number(1e300) == "1e+300"
    assert axis_number(1400) == "1400"
    assert axis_number(2.5) == "2.5"
    assert month_text(date(1, 12, 1)) == "0001-12"


@pytest.mark.parametrize(("before", "after", "ratio"), [
    (-10.0, -5.0, 0.5), (-10.0, -20.0, -1.0), (10.0, 5.0, -0.5), (10.0, 15.0, 0.5),
])
def test_a_change_is_measured_against_the_size_of_the_figure_before(
        before: float, after: float, ratio: float) -> None:
    step = SeriesStep(None, None, (), figure=after, change=after - before)
    assert step.change_ratio == ratio
