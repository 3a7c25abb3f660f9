"""SVG snapshots of each pane at 80x24 and 160x50, and with NO_COLOR.

Update after a deliberate change of layout: `pytest tests/tui/test_snapshots.py
--snapshot-update`, then review the SVGs in the diff.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from textual.pilot import Pilot

from tests.tui.conftest import app_on, ready

SIZES = {"80x24": (80, 24), "160x50": (160, 50)}
PANES = {"timeline": "1", "claims": "2", "sources": "3", "contradictions": "4", "figures": "5"}


def before(*keys: str) -> Callable[[Pilot[Any]], Any]:
    async def run(pilot: Pilot[Any]) -> None:
        await ready(pilot)
        await pilot.press(*keys)
        await pilot.pause()

    return run


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("pane", PANES)
def test_pane(snap_compare: Any, pane: str, size: str) -> None:
    keys = [PANES[pane]]
    if pane == "claims":
        keys = ["j"] * 9 + ["2"]  # the claims of the pipeline operation
    assert snap_compare(app_on(), terminal_size=SIZES[size], run_before=before(*keys))


@pytest.mark.parametrize("pane", PANES)
def test_pane_without_colour(snap_compare: Any, pane: str,
                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    assert snap_compare(app_on(), terminal_size=(80, 24), run_before=before(PANES[pane]))


def test_detail_of_a_contradiction(snap_compare: Any) -> None:
    keys = ["4", "j", "j", "j", "j", "j", "j", "j", "enter"]
    assert snap_compare(app_on(), terminal_size=(80, 24), run_before=before(*keys))


def test_help(snap_compare: Any) -> None:
    assert snap_compare(app_on(), terminal_size=(80, 24), run_before=before("question_mark"))


def test_who_contradicts_whom(snap_compare: Any) -> None:
    assert snap_compare(app_on(), terminal_size=(160, 50), run_before=before("3", "w"))
