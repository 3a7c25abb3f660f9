"""A long list's columns are measured on the screenful shown and a few rows spread over
the rest, not on a hundred rows read from all over the cache before the first paint; a
short list is measured whole."""

from __future__ import annotations

from textual.app import App, ComposeResult

from contested.present.rows import Row
from contested.tui.widgets.rows import Column, VirtualTable


class CountedRows:
    """`count` rows, each with a narrow first cell but the rows in `wide`; the indexes of
    the rows made are noted."""

    def __init__(self, count: int, wide: dict[int, int]) -> None:
        self.count = count
        self.wide = wide
        self.made: set[int] = set()

    def __len__(self) -> int:
        return self.count

    def __getitem__(self, index: int) -> Row:
        if not 0 <= index < self.count:
            raise IndexError(index)
        self.made.add(index)
        return Row(f"r{index}", ("x" * self.wide.get(index, 2), f"row {index}"))


COLUMNS = [Column("A", 30), Column("TEXT", 10, flex=True)]


class Host(App[None]):
    def __init__(self, rows: CountedRows) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        yield VirtualTable(COLUMNS, self.rows, id="table")


async def first_widths(rows: CountedRows) -> list[int]:
    app = Host(rows)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        table = app.query_one(VirtualTable)
        return table._widths(table.scrollable_content_region.width - 1)


async def test_a_long_list_reads_a_screenful_and_a_few_rows_for_its_widths() -> None:
    rows = CountedRows(100_000, {})
    await first_widths(rows)
    screenful = max(24 - 1, VirtualTable.SCREENFUL_ROWS)
    assert len(rows.made) <= screenful + VirtualTable.SPREAD_ROWS
    assert max(rows.made) > 90_000  # spread over the whole list


async def test_the_rows_shown_and_those_spread_over_the_list_widen_a_column() -> None:
    on_screen = await first_widths(CountedRows(100_000, {5: 9}))
    assert on_screen[0] == 9
    far = 100_000 * 7 // VirtualTable.SPREAD_ROWS  # one of the rows spread over the list
    assert (await first_widths(CountedRows(100_000, {far: 12})))[0] == 12
    unread = far + 1
    assert (await first_widths(CountedRows(100_000, {unread: 12})))[0] == 2


async def test_a_short_list_is_measured_whole() -> None:
    last = VirtualTable.SAMPLED_ROWS - 1
    rows = CountedRows(VirtualTable.SAMPLED_ROWS, {last: 20})
    assert (await first_widths(rows))[0] == 20
    assert rows.made == set(range(VirtualTable.SAMPLED_ROWS))
