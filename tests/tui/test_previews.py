"""The preview beside a list (from 120 columns) and the detail screen, for a source with
thousands of claims: the preview lists a page of each kind of link and counts the rest,
the same number of lines whatever the source's size; the detail screen lists them all,
each made when shown."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from contested.format.model import Claim
from contested.present.details import Details, Link
from contested.tui.screens.detail import DetailScreen
from contested.tui.widgets.detail import listed
from contested.tui.widgets.rows import VirtualTable
from contested.tui.widgets.text_view import TextView
from tests.engine.test_crowds import alternating
from tests.tui.helpers import app_on, main_screen, ready

MORE = re.compile(r"^  … and ([\d,]+) more (claims?|contradictions?|groups?)$")


def prolific(folder: Path, count: int) -> Path:
    """One source with `count` claims (and a hostile name on the first), another with
    one."""
    folder.mkdir(parents=True, exist_ok=True)
    claims = "".join(f"  - {{id: c{n}, source: a, text: claim {n}, as_of: 2030-05}}\n"
                     for n in range(1, count))
    (folder / "t.yaml").write_text(
        "contested: 1\nsources:\n  - {id: a, name: Agency A}\n  - {id: b, name: Bureau B}\n"
        "claims:\n  - {id: c0, source: a, text: \"[@click=app.quit]x[/] \\e[2J\", as_of: 2030-05}\n"
        f"{claims}  - {{id: other, source: b, text: t, as_of: 2030-05}}\n", encoding="utf-8")
    return folder


async def source_preview(folder: Path) -> list[str]:
    """The preview of the first source at 160x50, line by line."""
    app = app_on([folder])
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        await pilot.press("3")
        await pilot.pause()
        assert main_screen(app).current_item() == ("source", "a")
        return app.screen.query_one("#preview", TextView).plain_text().splitlines()


async def test_a_source_s_preview_lists_a_page_and_counts_the_rest(tmp_path: Path) -> None:
    lines = await source_preview(prolific(tmp_path, 5_000))
    listed = [line for line in lines if line.startswith("  → claim: ")]
    assert 6 <= len(listed) < 50
    assert lines[-1] == f"  … and {5_000 - len(listed):,} more claims"
    assert lines[lines.index("linked (enter opens):") + 1] == (
        "  → claim: Agency A: [@click=app.quit]x[/] ␛[2J (2030-05)")  # data, not markup


async def test_a_source_s_preview_has_the_same_lines_for_50_and_5000_claims(
        tmp_path: Path) -> None:
    few = await source_preview(prolific(tmp_path / "few", 50))
    many = await source_preview(prolific(tmp_path / "many", 5_000))
    assert len(few) == len(many)
    assert few[-1] == f"  … and {50 - (len(few) - few.index('linked (enter opens):') - 2)} " \
                      "more claims"
    assert many[-1].startswith("  … and 4,9")


async def test_each_kind_of_link_gets_a_page_and_its_count(tmp_path: Path) -> None:
    app = app_on([alternating(tmp_path, 60)])  # a: 30 claims in 900 pairs
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        await pilot.press("3")
        await pilot.pause()
        lines = app.screen.query_one("#preview", TextView).plain_text().splitlines()
    counted = {m[2]: int(m[1].replace(",", "")) for m in map(MORE.match, lines) if m}
    claims = sum(line.startswith("  → claim: ") for line in lines)
    pairs = sum(line.startswith("  → contradiction: ") for line in lines)
    assert claims > 0
    assert pairs > 0
    assert counted == {"claims": 30 - claims, "contradictions": 900 - pairs}


async def test_the_detail_of_a_source_makes_only_the_links_it_shows(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[str] = []
    link_to = Details._link_to

    def counted(self: Details, claim: Claim) -> Link:
        made.append(claim.id)
        return link_to(self, claim)

    monkeypatch.setattr(Details, "_link_to", counted)
    app = app_on([prolific(tmp_path, 5_000)])
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("3", "enter")
        await pilot.pause()
        assert isinstance(app.screen, DetailScreen)
        links = app.screen.query_one("#links", VirtualTable)
        assert len(links.rows) == 5_000
        assert links.border_title is not None
        assert "linked: 5,000" in str(links.border_title)
        # A screenful, and the rows sampled for the columns' widths; not 5,000.
        assert len(made) <= 2 * VirtualTable.SAMPLED_ROWS + 24
        await pilot.press("G")
        assert links.current is not None
        assert links.current.key == "claim:c4999"


@pytest.mark.parametrize(("sizes", "room", "shown"), [
    ([3, 2], 10, [3, 2]),  # all fit
    ([100], 10, [9]),  # a page, and the line that counts the rest
    ([2, 100], 10, [2, 7]),  # what the small part leaves goes to the big one
    ([100, 100], 10, [4, 4]),
    ([100, 1, 100], 3, [1, 1, 1]),  # at least one of each
])
def test_a_preview_shares_its_lines_between_the_kinds_of_link(
        sizes: list[int], room: int, shown: list[int]) -> None:
    assert listed(sizes, lambda part, index: 1, room) == shown


def test_a_link_that_wraps_takes_its_lines() -> None:
    assert listed([3], lambda part, index: 2, 5) == [2]  # 2 + 2, and the count
    assert listed([2], lambda part, index: 2, 4) == [2]  # the last needs no count
