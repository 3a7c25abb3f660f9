"""The Timeline laid out in bulk (`TimelineEntries`) lists exactly what the loop over
every event that it replaced listed: the same entries in the same order, the same gaps,
found at the same indexes, on the bundled catalog, on bench's generated catalogs and on
random catalogs of fuzzy, open and interval dates."""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path

import pytest

from contested.catalog.cache.store import CatalogCache
from contested.catalog.catalog import Catalog
from contested.catalog.columns import EventColumns
from contested.catalog.loading import load_catalog
from contested.engine.analysis import pending
from contested.present.browse import GAP_DAYS, Browser, TimelineEntries
from contested.present.rows import TimelineEntry
from tests.helpers import TIMELINES, write_generated


def _months_between(first: date, second: date) -> str:
    months = (second.year - first.year) * 12 + second.month - first.month
    if months >= 2:
        return f"{months} months later"
    return f"{(second - first).days} days later"


def eager_timeline(catalog: Catalog, only: set[str] | None = None) -> list[TimelineEntry]:
    """The Timeline as it was made before: every entry and gap, in one pass (kept here
    as the reference)."""
    entries: list[TimelineEntry] = []
    timeline = EventColumns.of(catalog)
    ids, starts = catalog.events.ids, timeline.starts
    previous = 0
    for row in timeline.order:
        event_id = ids[row]
        if only is not None and event_id not in only:
            continue
        start = starts[row]
        if previous and start and start - previous > GAP_DAYS:
            between = _months_between(date.fromordinal(previous), date.fromordinal(start))
            entries.append(TimelineEntry(event_id, -1, between))
        previous = start or previous
        entries.append(TimelineEntry(event_id, row))
    return entries


def assert_same(catalog: Catalog, only: set[str] | None = None) -> None:
    expected = eager_timeline(catalog, only)
    lazy = TimelineEntries(catalog, only)
    assert len(lazy) == len(expected)
    assert list(lazy) == expected
    assert lazy[:] == expected
    if expected:
        assert lazy[-1] == expected[-1]
    with pytest.raises(IndexError):
        lazy[len(expected)]
    first: dict[str, int] = {}
    for index, entry in enumerate(expected):
        first.setdefault(entry.key(), index)
    assert {key: lazy.index_of(key) for key in first} == first
    hidden = [i for i in catalog.events.ids if only is not None and i not in only]
    for key in [*hidden[:20], "no-such-event", "gap:3 months later|no-such-event",
                *(f"gap:1 days later|{e.event}" for e in expected[:20])]:
        assert lazy.index_of(key) == first.get(key)
    rows = Browser(pending(catalog)).timeline_rows(only)  # what the pane is given
    assert [rows[n].key for n in range(len(rows))] == [e.key() for e in expected]


def subsets(catalog: Catalog, seed: int) -> list[set[str] | None]:
    ids = catalog.events.ids
    chooser = random.Random(seed)
    return [None, set(), set(ids), set(chooser.sample(ids, len(ids) // 3)),
            set(chooser.sample(ids, min(len(ids), 5))) | {"not-an-event"}]


def test_the_bundled_timeline_is_the_same() -> None:
    catalog = load_catalog([TIMELINES]).catalog
    assert any(e.gap for e in eager_timeline(catalog))  # it has gaps to get right
    for only in subsets(catalog, 1):
        assert_same(catalog, only)


FORMS = ("{y}-{m:02}-{d:02}", "{y}-{m:02}", "{y}", "{y}-{m:02}~", "{y}-{m:02}?", "{y}%",
         "{y}-XX", "{y}-{m:02}-XX", "{y}-{m:02}-{d:02}/{y2}-{m2:02}",
         "../{y}-{m:02}", "{y}-{m:02}/..", "../{y}")


def random_events(seed: int, count: int) -> str:
    """A timeline file of events dated in every form, days to years apart, some without
    a start (`../2024`), some sharing a day."""
    chooser = random.Random(seed)
    lines = ["contested: 1", "events:"]
    for n in range(count):
        y, m, d = chooser.randint(1990, 2030), chooser.randint(1, 12), chooser.randint(1, 28)
        if n and chooser.random() < 0.2:  # close to or on the same day as another
            y, m = 2024, chooser.choice((1, 2))
        form = chooser.choice(FORMS)
        written = form.format(y=y, m=m, d=d, y2=y + chooser.randint(0, 2),
                              m2=chooser.randint(1, 12))
        if "/" in written and ".." not in written and written.split("/")[1] < written:
            written = written.split("/")[0]  # an interval must not end before it starts
        lines += [f"  - id: ev-{chooser.randint(0, 10**6)}-{n}", f'    date: "{written}"',
                  f"    title: event {n}"]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("seed", range(6))
def test_random_fuzzy_and_open_dates_give_the_same_timeline(tmp_path: Path,
                                                            seed: int) -> None:
    folder = tmp_path / "catalog"
    folder.mkdir()
    (folder / "events.yaml").write_text(random_events(seed, 150), encoding="utf-8")
    result = load_catalog([folder])
    assert result.ok, [d.headline() for d in result.diagnostics[:3]]
    catalog = result.catalog
    timeline = eager_timeline(catalog)
    assert any(e.gap for e in timeline)
    assert 0 in EventColumns.of(catalog).starts  # some events have no start
    for only in subsets(catalog, seed):
        assert_same(catalog, only)


@pytest.mark.parametrize(("events", "files"), [(60, 2), (1500, 3)])
def test_generated_catalogs_give_the_same_timeline_cold_and_warm(
        tmp_path: Path, events: int, files: int) -> None:
    folder = tmp_path / "generated"
    write_generated(folder, events=events, claims=3 * events,
                    questions_count=max(2, events // 10), sources=20, files=files,
                    seed=events)
    cache = CatalogCache(tmp_path / "cache")
    for _ in range(2):  # linked, then read back from the cache (the columns restored)
        result = load_catalog([folder], cache=cache)
        assert result.ok
        for only in subsets(result.catalog, events):
            assert_same(result.catalog, only)
