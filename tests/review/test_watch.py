"""Following a notes file that others write: the store's two halves (`read_again` off the
UI thread, `take` on it) and the stamp that says when to look."""

from __future__ import annotations

from pathlib import Path

import pytest

from contested.review.notes import toggled_star, with_comment, with_tags
from contested.review.store import NotesReadOnly, NotesStore
from contested.review.watch import NotesWatch


def two(tmp_path: Path) -> tuple[NotesStore, NotesStore]:
    path = tmp_path / "contested-notes.yaml"
    NotesStore(path).change("claim", "c", toggled_star)
    return NotesStore(path), NotesStore(path)


def state(store: NotesStore) -> tuple[object, object]:
    """Why notes are read-only, and the problem of the file, if any."""
    return store.read_only, store.problem


def test_another_explorer_s_save_is_taken_and_one_s_own_is_not_read(tmp_path: Path) -> None:
    mine, theirs = two(tmp_path)
    mine.change("claim", "d", toggled_star)
    assert mine.read_again() is None  # what it wrote itself
    theirs.change("claim", "c", with_comment("seen"))
    reading = mine.read_again()
    assert reading is not None
    assert mine.take(reading) == "changed"
    assert mine.get("claim", "c").comments[0].text == "seen"
    assert mine.get("claim", "d").star  # its own, read back from the file theirs wrote
    mine.change("claim", "e", toggled_star)  # saved from what it took, losing nothing
    assert {"c", "d", "e"} <= set(NotesStore(mine.path).notes.sections["claims"])


def test_a_reading_older_than_one_s_own_save_is_not_taken(tmp_path: Path) -> None:
    mine, theirs = two(tmp_path)
    theirs.change("claim", "c", with_tags("old"))
    reading = mine.read_again()
    assert reading is not None
    mine.change("claim", "d", toggled_star)  # made (and saved) after the reading began
    assert mine.take(reading) is None
    assert mine.get("claim", "c").tags == ("old",)  # the save had read their change
    assert mine.get("claim", "d").star


def test_a_broken_file_keeps_the_notes_is_said_once_and_is_never_written(
        tmp_path: Path) -> None:
    mine, _ = two(tmp_path)
    good = mine.path.read_text()
    mine.path.write_text(good + "  [broken\n")
    reading = mine.read_again()
    assert reading is not None
    assert mine.take(reading) == "broken"
    assert None not in state(mine)
    assert mine.get("claim", "c").star  # the last notes that could be read
    mine.path.write_text(good + "  [broken again\n")
    again = mine.read_again()
    assert again is not None
    assert mine.take(again) is None  # said once
    with pytest.raises(NotesReadOnly):
        mine.change("claim", "c", toggled_star)
    assert mine.path.read_text() == good + "  [broken again\n"
    mine.path.write_text(good)  # mended, as it was: writable again
    mended = mine.read_again()
    assert mended is not None
    assert mine.take(mended) == "mended"
    assert state(mine) == (None, None)
    mine.change("claim", "c", toggled_star)
    assert not NotesStore(mine.path).get("claim", "c").star


def test_read_only_for_another_reason_stays_so(tmp_path: Path) -> None:
    mine, theirs = two(tmp_path)
    mine.read_only = "shown in a browser: notes are read-only"  # as `contested serve` sets
    theirs.change("claim", "c", with_tags("x"))
    reading = mine.read_again()
    assert reading is not None
    assert mine.take(reading) == "changed"
    assert mine.read_only == "shown in a browser: notes are read-only"


def test_a_file_gone_is_left_to_the_next_save(tmp_path: Path) -> None:
    mine, _ = two(tmp_path)
    mine.path.unlink()
    reading = mine.read_again()
    assert reading is not None
    assert mine.take(reading) is None
    assert mine.get("claim", "c").star
    mine.change("claim", "d", toggled_star)
    assert "deleted while open" in (mine.take_notice() or "")


def test_the_stamp_moves_once_per_change(tmp_path: Path) -> None:
    mine, theirs = two(tmp_path)
    watch = NotesWatch(mine.path)
    assert not watch.moved(mine.path)
    theirs.change("claim", "c", with_tags("x"))
    assert watch.moved(mine.path)
    assert not watch.moved(mine.path)
    mine.path.unlink()
    assert watch.moved(mine.path)
    assert not NotesWatch(None).moved(tmp_path / "nothing-there")
