"""Watching a notes file for another writer: another explorer's save, a merge, a hand
edit. A look is one stat; only when the file's stamp moved is it read again (off the UI
thread, `NotesStore.read_again`), and only bytes that differ from what the store last
read or wrote are parsed and taken (`NotesStore.take`).
"""

from __future__ import annotations

import os
from pathlib import Path

Stamp = tuple[int, int, int] | None
"""A file's (inode, size, modification time in ns); None: no file there."""


def stamp_of(path: Path | None) -> Stamp:
    """The stamp a save changes: a replace makes a new inode, an edit in place moves the
    size or the time (the same stamp with other bytes is caught by the store's digest at
    the next look that reads)."""
    if path is None:
        return None
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_ino, info.st_size, info.st_mtime_ns)


class NotesWatch:
    """Whether a notes file may have changed since the last look."""

    def __init__(self, path: Path | None) -> None:
        self.stamp = stamp_of(path)

    def moved(self, path: Path) -> bool:
        """True once for each change of the file's stamp (the path may change: notes
        moved to another file after a failed save)."""
        stamp = stamp_of(path)
        if stamp == self.stamp:
            return False
        self.stamp = stamp
        return True
