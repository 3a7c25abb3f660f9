"""SVG snapshots of each pane at 80x24 and 160x50, and with NO_COLOR.

Update after a deliberate change of layout: `pytest tests/tui/test_snapshots.py
--snapshot-update`, then review the SVGs in the diff.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from textual.pilot import Pilot

from tests.tui.helpers import app_on, focused_table, ready

SIZES = {"80x24": (80, 24), "160x50": (160, 50)}
PANES = {"timeline": "1", "claims": "2", "sources": "3", "contradictions": "4", "figures": "5"}


def before(pane: str, *keys: str, row: str | None = None) -> Callable[[Pilot[Any]], Any]:
    """Wait for the catalog, press the `pane` key, put the cursor on the `row` of that
    id (by id, not by a count of keys), then press `keys`."""
    async def run(pilot: Pilot[Any]) -> None:
        await ready(pilot)
        await pilot.press(pane)
        if row is not None:
            table = focused_table(pilot.app)  # type: ignore[arg-type]
            index = table.index_of(row)
            assert index is not None
            table.move_to(index)
        await pilot.press(*keys)
        await pilot.pause()

    return run


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("pane", PANES)
def test_pane(snap_compare: Any, pane: str, size: str) -> None:
    run = (before("1", "2", row="pipeline-operation") if pane == "claims"  # its claims
           else before(PANES[pane]))
    assert snap_compare(app_on(), terminal_size=SIZES[size], run_before=run)


@pytest.mark.parametrize("pane", PANES)
def test_pane_without_colour(snap_compare: Any, pane: str,
                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    assert snap_compare(app_on(), terminal_size=(80, 24), run_before=before(PANES[pane]))


def test_detail_of_a_contradiction(snap_compare: Any) -> None:
    run = before("4", "enter", row="category~syrsky-under-control~zombie-rout")
    assert snap_compare(app_on(), terminal_size=(80, 24), run_before=run)


def test_help(snap_compare: Any) -> None:
    assert snap_compare(app_on(), terminal_size=(80, 24), run_before=before("question_mark"))


def test_who_contradicts_whom(snap_compare: Any) -> None:
    assert snap_compare(app_on(), terminal_size=(160, 50), run_before=before("3", "w"))


@pytest.mark.parametrize("keys", [(), ("enter",)], ids=["pane", "its pairs"])
def test_a_group_of_contradictions(snap_compare: Any, tmp_path: Any,
                                   keys: tuple[str, ...]) -> None:
    """A question with more contradictions than are listed one by one: its group in the
    Contradictions pane, and enter on it listing its pairs."""
    from tests.engine.test_crowds import alternating

    folder = alternating(tmp_path / "crowd", 70)
    app = app_on([folder], notes=tmp_path / "notes.yaml")
    assert snap_compare(app, terminal_size=(80, 24), run_before=before("4", *keys))


def test_detail_of_a_claim_with_the_sentence_around_its_quote(snap_compare: Any) -> None:
    """A claim quoting the bundled document: its quote in its sentence, « » around it,
    on screen at 80x24 over the links."""
    async def run(pilot: Pilot[Any]) -> None:
        await ready(pilot)
        await pilot.press("2", "A")
        table = focused_table(pilot.app)  # type: ignore[arg-type]
        index = table.index_of("zombie-rout")
        assert index is not None
        table.move_to(index)
        await pilot.press("enter")
        await pilot.pause()

    assert snap_compare(app_on(), terminal_size=(80, 24), run_before=run)


def test_documents(snap_compare: Any) -> None:
    assert snap_compare(app_on(), terminal_size=(80, 24), run_before=before("1", "D"))


def test_sources_with_track_records(snap_compare: Any, tmp_path: Any) -> None:
    """Resolved contradictions with a preferred claim: each source's record beside its
    grade (Gady preferred twice over Syrsky, Syrsky once over Zombie)."""
    notes = tmp_path / "notes.yaml"
    notes.write_text(
        "contested-notes: 1\nnotes:\n  contradictions:\n" + "".join(
            f"    {pair}: {{status: resolved, preferred: \"{preferred}\"}}\n"
            for pair, preferred in (
                ("category~gady-already-difficult~syrsky-under-control",
                 "gady-already-difficult"),
                ("category~gady-front-giving-way~syrsky-under-control",
                 "gady-front-giving-way"),
                ("category~syrsky-under-control~zombie-rout", "syrsky-under-control"))),
        encoding="utf-8")
    assert snap_compare(app_on(notes=notes), terminal_size=(80, 24), run_before=before("3"))
