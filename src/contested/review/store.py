"""The store of a notes file: the only way notes are changed. Each change is made under a
lock beside the file, to the notes as they are on disk then, and saved at once and
atomically; a file that cannot be read or written is shown read-only, never replaced.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from contested.errors import NotesError
from contested.format.diagnostics import Diagnostic, DiagnosticError, Location
from contested.review.history import History, HistoryUnwritable
from contested.review.notes import SECTION_OF, Note, Notes, View, parse_notes, render_notes
from contested.support.dirs import data_dir
from contested.support.files import (
    Refused,
    read_with_stat,
    real_path,
    replace,
    writable_by_mode,
)

LOCK_WAIT = 5.0
"""Seconds to wait for another explorer's save before giving up on one."""

Taken = Literal["changed", "broken", "mended"] | None
"""What `NotesStore.take` did: took changed notes, found the file broken, found it mended."""


@dataclass(frozen=True)
class Reading:
    """A notes file read again (`NotesStore.read_again`), and what the store had read or
    written when the reading began."""

    seen: bytes | None
    fresh: NotesStore


class NotesReadOnly(NotesError):
    """Notes cannot be saved: the reason is the message."""


def _digest(data: bytes) -> bytes:
    """What a save compares to know whether another explorer wrote the file since (a
    stat is not enough: a reused inode, the same size and a coarse clock tick)."""
    return hashlib.blake2b(data, digest_size=16).digest()


NOTES_LIMIT = 64 << 20
"""The largest notes file read (the timelines' limit, far above what any review writes)."""


class NotesStore:
    """The notes of one file, and the only way they are changed.

    `path` is the real file: a link given for it is resolved once, so that every
    explorer, through the link or not, locks and writes the same file, and the link
    stays. `read_only` holds the reason when notes cannot be saved (the file could not
    be read, its mode forbids writing, or nothing can be written where it is); changes
    then raise NotesReadOnly. `notice` holds what the last save did that the user should
    hear of (the file was gone and was written again), until `take_notice`.
    """

    def __init__(self, path: Path, analyst: str | None = None) -> None:
        self.given = path
        """The path as the user named it, which may be a link to `path`."""
        self.path = real_path(path)
        self.notes = Notes()
        self.read_only: str | None = None
        self.problem: Diagnostic | None = None
        """What made notes read-only, located, when the file could not be read or
        parsed."""
        self.notice: str | None = None
        self._seen: bytes | None = None
        self._lines: dict[tuple[str, str], str] = {}
        self._tidy = True  # the first save removes what a killed save left beside the file
        self._forbidden: str | None = None
        self._unbroken: str | None = None  # read_only as it was before the file broke
        self.history = History(lambda: self.path, analyst)
        """Who makes the changes, and every change appended beside the notes."""
        self._reload()

    @property
    def lock_path(self) -> Path:
        return self.path.with_name(f".{self.path.name}.lock")

    def _read(self) -> bytes | None:
        """The file's bytes; None when there is none yet (saving will say if it cannot).
        Raises NotesReadOnly when something else than a regular file within the limit is
        there; `_forbidden` then says whether its mode lets us write it."""
        try:
            data, info = read_with_stat(self.path, NOTES_LIMIT)
        except Refused as refused:
            if refused.missing:
                self._forbidden = None
                return None
            where = Location(str(self.path), 1, 1) if refused.code == "file-too-large" else (
                Location(str(self.path)))  # (located as a timeline refused so is)
            self.problem = Diagnostic(where, refused.code, refused.reason)
            raise NotesReadOnly(f"{self.problem.headline()}; the notes file is left as it "
                                "is and notes are read-only") from None
        self._forbidden = None if writable_by_mode(info) else (
            f"{self.path} is read-only (mode {info.st_mode & 0o7777:04o}): notes are shown "
            "and not saved; make it writable (chmod u+w) or choose another notes file "
            "(--notes PATH)")
        return data

    def _reload(self, data: bytes | None = None, *, given: bool = False) -> None:
        """Take the file's notes (a missing file is no notes yet); a file that cannot be
        read, or whose mode forbids writing, makes notes read-only."""
        if not given:
            try:
                data = self._read()
            except NotesReadOnly as refused:
                self.read_only = str(refused)
                return
        if data is None:
            self.notes, self._seen, self._lines = Notes(), None, {}
            return
        try:
            self.notes = parse_notes(data, str(self.path))
        except DiagnosticError as error:
            self.problem = error.diagnostic
            self.read_only = (f"{error.diagnostic.headline()}; the notes file is left as "
                              "it is and notes are read-only")
            return
        self._seen = _digest(data)
        self._lines = {}
        if self._forbidden is not None:
            self.read_only = self._forbidden

    def read_again(self) -> Reading | None:
        """The file read again into a store of its own, touching nothing of this one: the
        part of following another explorer's saves that may run off the UI thread
        (`review.watch`); `take` is the other part. None when it holds what this store
        last read or wrote (its own save, say). Each note's block is made here too, so
        that the next save is a join, as it is after one's own changes."""
        seen = self._seen
        with contextlib.suppress(Refused):  # (the fresh store says why, below)
            data, _ = read_with_stat(self.path, NOTES_LIMIT)
            if _digest(data) == seen and self.problem is None:
                return None
        fresh = NotesStore(self.path)
        if fresh.problem is None and fresh._seen not in (None, seen):
            render_notes(fresh.notes, fresh._lines)
        return Reading(seen, fresh)

    def take(self, reading: Reading) -> Taken:
        """Take the notes another explorer (a merge, a hand edit) wrote, as `read_again`
        read them, unless this store saved since. A file made unreadable keeps the notes
        loaded and makes them read-only, said once ("broken"); mended, they are taken
        and can be saved again ("mended"). A file gone is left to the next save."""
        fresh = reading.fresh
        if reading.seen != self._seen:
            return None  # saved or read since: what is newer is looked at next
        if fresh.problem is not None:
            if self.problem is not None:
                return None  # said already
            self._unbroken = self.read_only  # (read-only for another reason, say, already)
            self.problem, self.read_only = fresh.problem, fresh.read_only
            return "broken"
        mended = self.problem is not None
        if fresh._seen is None or (fresh._seen == self._seen and not mended):
            return None
        self.notes, self._seen, self._lines = fresh.notes, fresh._seen, fresh._lines
        if mended:
            self.problem, self.read_only = None, self._unbroken
        self.read_only = fresh.read_only or self.read_only  # its mode forbids writing now
        self._forbidden = fresh._forbidden
        return "mended" if mended else "changed"

    def take_notice(self) -> str | None:
        """What the last save did that the user should hear of, once."""
        notice, self.notice = self.notice, None
        return notice

    def get(self, kind: str, target: str) -> Note:
        return self.notes.get(kind, target)

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """Hold the lock beside the notes file (waiting for another explorer's save).

        filelock takes it (flock where there is one, another way elsewhere); it refuses
        a lock file that is a symbolic link rather than follow it, and never empties or
        removes the file. What it would do without a word, take a lock file that is not
        a regular file (a FIFO, a device planted there) or make a missing folder, is
        refused here first."""
        import filelock  # on the first save: the explorer starts without it

        try:
            if self.path.parent == real_path(data_dir()):  # contested's own, made on demand
                self.path.parent.mkdir(parents=True, exist_ok=True)
            with contextlib.suppress(FileNotFoundError):
                planted = os.lstat(self.lock_path).st_mode
                if stat.S_ISLNK(planted):
                    raise NotesReadOnly(f"{self.lock_path} is a symbolic link; remove it "
                                        "(it is only a lock); the change was not saved")
                if not stat.S_ISREG(planted):
                    raise NotesReadOnly(f"{self.lock_path} is not a regular file; remove it "
                                        "(it is only a lock); the change was not saved")
            if not self.lock_path.parent.is_dir():  # filelock would make the folders
                raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT),
                                        str(self.lock_path.parent))
            lock = filelock.FileLock(self.lock_path, timeout=LOCK_WAIT, mode=0o666)
            lock.acquire()
        except filelock.Timeout:
            raise NotesReadOnly(f"{self.lock_path} is held by another process; the change "
                                "was not saved") from None
        except OSError as error:
            if error.errno == errno.ELOOP:  # made a link since it was looked at
                raise NotesReadOnly(f"{self.lock_path} is a symbolic link; remove it "
                                    "(it is only a lock); the change was not saved") from None
            raise NotesReadOnly(self._cannot_write(error)) from error
        try:
            yield
        finally:
            lock.release()

    def _cannot_write(self, error: OSError) -> str:
        reason = os.strerror(error.errno) if error.errno else str(error)
        if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            reason = "the folder is read-only"
        elif error.errno == errno.ENOENT:  # a folder named by the user is never created
            reason = "the folder does not exist"
        elif error.errno == errno.ENOTDIR:
            reason = "not a folder"
        return (f"cannot save notes in {self.path.parent} ({reason}); "
                "choose another notes file (--notes PATH)")

    def _save(self, edit: Callable[[Notes], None]) -> None:
        """Apply `edit` to the notes as they are on disk now, and write them.

        A file that another explorer changed since is read again first, and the edit is
        made to what it holds. A file that is gone is not "no notes": the notes loaded
        are kept and written again, and `notice` says so."""
        if self.read_only:
            raise NotesReadOnly(self.read_only)
        with self._locked():
            data = self._read()
            if self._forbidden is not None:  # made read-only since it was opened
                raise NotesReadOnly(self._forbidden)
            if data is None and self._seen is not None:
                count = self.notes.count()
                self.notice = (f"the notes file {self.path} was deleted while open; it was "
                               f"written again with the {count:,} "
                               f"{'note' if count == 1 else 'notes'} loaded")
                self._seen = None
            elif (None if data is None else _digest(data)) != self._seen:
                self._reload(data, given=True)  # another explorer saved: start from that
                if self.read_only:
                    raise NotesReadOnly(self.read_only)
            edit(self.notes)
            text = render_notes(self.notes, self._lines)
            try:
                replace(self.path, text, tidy=self._tidy)
            except Refused as refused:
                raise NotesReadOnly(f"{self.path}: {refused.reason}; the change was not "
                                    "saved") from None
            except OSError as error:
                self._reload()  # what is on disk is what holds
                raise NotesReadOnly(self._cannot_write(error)) from error
            self._tidy = False
            self._seen = _digest(text.encode("utf-8"))

    def change(self, kind: str, target: str, edit: Callable[[Note], Note]) -> Note:
        """Change one note and save at once; returns the note as saved."""
        section_name = SECTION_OF.get(kind, kind)
        result: list[Note] = []

        def apply(notes: Notes) -> None:
            section = notes.sections[section_name]
            before = section.get(target, Note())
            try:  # the history line first: see contested.review.history
                changed = self.history.record(kind, target, before, edit(before))
            except HistoryUnwritable as error:
                raise NotesReadOnly(str(error)) from None
            self._lines.pop((section_name, target), None)
            if changed.empty:
                section.pop(target, None)
            else:
                section[target] = changed
            result.append(changed)

        self._save(apply)
        return result[0]

    def save_view(self, name: str, view: View | None) -> None:
        """Save a view by name (None forgets it)."""
        def apply(notes: Notes) -> None:
            if view is None:
                notes.views.pop(name, None)
            else:
                notes.views[name] = view
        self._save(apply)

    def move_to(self, path: Path) -> None:
        """Keep the notes in another file from now on (after a save failed here)."""
        kept = self.notes
        self.given, self.path = path, real_path(path)
        self.read_only, self._seen, self._lines, self._tidy = None, None, {}, True
        self._reload()
        if self.read_only:
            return

        def merge(notes: Notes) -> None:
            for kind, section in kept.sections.items():
                for target, note in section.items():
                    notes.sections[kind].setdefault(target, note)
            for name, view in kept.views.items():
                notes.views.setdefault(name, view)
        self._save(merge)

    def orphans(self, exists: Callable[[str, str], bool]) -> list[tuple[str, str, Note]]:
        return self.notes.orphans(exists)


# --- changes the explorer makes ------------------------------------------------------------
