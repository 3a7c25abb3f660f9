"""The collector helpers: what they change in the garbage collector, and that they undo it."""

from __future__ import annotations

import gc

from contested.support.collector import FullCollections, collector_paused


def test_collector_paused_freezes_what_was_built_and_restores_the_collector() -> None:
    before = gc.get_freeze_count()
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
        built = [[n] for n in range(1000)]
    assert gc.isenabled()
    assert gc.get_freeze_count() >= before + len(built)
    gc.unfreeze()


def test_full_collections_are_held_then_made_when_asked_then_released() -> None:
    saved = gc.get_threshold()
    held = FullCollections()
    assert not held.collect_if_due()  # nothing held: nothing to do
    held.hold()
    try:
        assert gc.get_threshold()[:2] == saved[:2]  # young generations as before
        assert gc.get_threshold()[2] > 100_000  # the oldest one waits
        for _ in range(saved[2] + 1):
            gc.collect(1)  # each counts towards a due full collection
        assert gc.get_count()[2] >= saved[2]
        assert held.collect_if_due()
        assert gc.get_count()[2] == 0
        assert not held.collect_if_due()  # not due again yet
    finally:
        held.release()
    assert gc.get_threshold() == saved
