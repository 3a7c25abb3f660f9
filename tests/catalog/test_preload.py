"""The load the command starts before Textual is imported: its result, its progress
(told from when someone listens, with what was done before), and its failures."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

import contested.catalog.discover
import contested.catalog.loading
from contested.catalog.preload import Preload
from tests.helpers import TIMELINES


def test_the_result_is_the_catalog_and_progress_catches_up(private_cache: Path) -> None:
    preload = Preload([TIMELINES], cache=False).start()
    told: list[tuple[int, int]] = []
    result = preload.result(lambda done, total: told.append((done, total)))
    assert result.ok
    direct = contested.catalog.loading.load_catalog([TIMELINES], cache=None)
    assert list(result.catalog.claims) == list(direct.catalog.claims)
    files = len(direct.paths)  # the sources and the three Kursk timelines
    assert told
    assert told[-1] == (files, files)
    assert preload.watched == [TIMELINES]
    assert set(preload.stamps) >= {str(p) for p in TIMELINES.glob("*.yaml")}


def test_no_paths_load_the_bundled_timelines(private_cache: Path) -> None:
    preload = Preload([]).start()
    result = preload.result()
    assert result.ok
    assert len(result.catalog.claims) > 0
    assert preload.watched == [contested.catalog.discover.bundled_catalog()]


def test_a_bug_while_loading_is_raised_to_whoever_waits(
        monkeypatch: pytest.MonkeyPatch) -> None:
    started = threading.Event()

    def broken(*args: object, **kwargs: object) -> None:
        started.set()
        raise RuntimeError("a bug")

    monkeypatch.setattr(contested.catalog.loading, "load_catalog", broken)
    preload = Preload([TIMELINES], cache=False).start()
    with pytest.raises(RuntimeError, match="a bug"):
        preload.result()
    assert started.is_set()
