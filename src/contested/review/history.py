"""The history of note changes: who changed what, when, before → after.

It is kept beside the notes file, in `NOTESFILE-history/`, one JSON-lines file per
analyst (`ANALYST-SLUG.jsonl`, the name itself inside each line). A file is only ever
appended to (opened O_APPEND, a change's lines in one write, then fsync), and only by its
analyst, so two analysts never write the same file and git merges their histories
without a conflict.

A change's lines are written before the notes file is replaced, under the notes lock: a
process killed between the two leaves a line for a change that did not land. Readers
cope: the History view shows every line (the notes file is what holds), and undo
compares each line's `after` with the note as it is before reverting, so it refuses
rather than revert what is not there. A line torn by a kill mid-write is skipped.
"""

from __future__ import annotations

import contextlib
import json
import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from contested.errors import NotesError
from contested.review.analyst import analyst_name, analyst_slug
from contested.review.notes import AttributedField, Attribution, Comment, Note
from contested.vocabulary import KIND_OF_SECTION

HISTORY_SUFFIX = "-history"
FIELDS = ("star", "tags", "status", "preferred", "reason", "ratings")
"""The fields of a note whose value is recorded whole; comments are recorded one by one
(field `comment`: added, before null; removed by an undo, after null)."""
SETTER_OF: dict[str, AttributedField] = {
    "star": "star", "tags": "tags", "status": "status", "preferred": "preferred",
    "reason": "preferred", "ratings": "ratings"}
"""Each field → the name its last setter is kept under (a reason goes with its claim)."""
HISTORY_LIMIT = 256 << 20
"""The largest history file read (far above what years of review write)."""


class NothingToUndo(NotesError):
    """The analyst has no change of their own left to undo."""


class UndoRefused(NotesError):
    """The item changed since (someone else edited it): the message says how."""


class HistoryUnwritable(NotesError):
    """The history could not be written, so the change is not saved: the reason."""


def history_folder(notes_path: Path) -> Path:
    """`contested-notes.yaml` → `contested-notes.yaml-history/`, beside it."""
    return notes_path.with_name(notes_path.name + HISTORY_SUFFIX)


def stamp() -> str:
    """When a change was made, in UTC to the microsecond: the analysts' lines are
    merged by it, and two analysts' changes within one millisecond (two explorers, or a
    script) must still keep their order."""
    return datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def _instant(at: str) -> str:
    """`at` as a string that sorts by time whatever its precision (lines written to the
    millisecond and to the microsecond merge in order); unreadable ones sort first."""
    try:
        return datetime.fromisoformat(at).astimezone(UTC).isoformat(timespec="microseconds")
    except ValueError:
        return ""


@dataclass(frozen=True)
class Entry:
    """One line of the history: one field of one item, changed by one analyst."""

    at: str
    by: str
    kind: str
    id: str
    field: str
    before: Any
    after: Any
    change: str
    """The change this line is part of (a preference sets its claim and its reason)."""
    undo: str | None = None
    """The change this one reverted, for an undo."""

    def line(self) -> dict[str, Any]:
        record = {"at": self.at, "by": self.by, "kind": self.kind, "id": self.id,
                  "field": self.field, "before": self.before, "after": self.after,
                  "change": self.change}
        if self.undo is not None:
            record["undo"] = self.undo
        return record


def entry_of(record: object) -> Entry | None:
    """The entry of one parsed line; None for anything else (a hand edit, a torn line
    that happens to parse)."""
    if not isinstance(record, dict):
        return None
    texts = ("at", "by", "kind", "id", "field", "change")
    if not all(isinstance(record.get(key), str) for key in texts):
        return None
    undo = record.get("undo")
    if undo is not None and not isinstance(undo, str):
        return None
    return Entry(record["at"], record["by"], record["kind"], record["id"], record["field"],
                 before=record.get("before"), after=record.get("after"),
                 change=record["change"], undo=undo)


def read_entries(path: Path) -> list[Entry]:
    """The well-formed lines of one history file, in the order written; a torn line
    (a write killed midway) or a damaged one is skipped, never fatal."""
    try:
        with path.open("rb") as file:
            data = file.read(HISTORY_LIMIT)
    except OSError:
        return []
    entries = []
    for raw in data.split(b"\n"):
        if not raw.strip():
            continue
        try:
            entry = entry_of(json.loads(raw))
        except ValueError:
            continue
        if entry is not None:
            entries.append(entry)
    return entries


def value_of(note: Note, field: str) -> Any:
    """A field's value as JSON holds it."""
    value = getattr(note, field)
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, dict):
        return dict(value)
    return value


def comment_value(comment: Comment) -> dict[str, Any]:
    return {"at": comment.at, "by": comment.by, "text": comment.text}


def differences(before: Note, after: Note) -> list[tuple[str, Any, Any]]:
    """(field, before, after) for each field that differs; a comment added or removed
    is a `comment` of its own."""
    found = [(field, value_of(before, field), value_of(after, field)) for field in FIELDS
             if getattr(before, field) != getattr(after, field)]
    kept = set(after.comments)
    found += [("comment", comment_value(c), None) for c in before.comments if c not in kept]
    had = set(before.comments)
    found += [("comment", None, comment_value(c)) for c in after.comments if c not in had]
    return found


def attributed(before: Note, after: Note, analyst: str, at: str) -> Note:
    """`after` with the analyst as the last setter of each field it changed (and as the
    writer of each comment it added without one); a field back at its default keeps no
    setter."""
    if before == after:
        return after
    changed = dict(after.changed)
    default = Note()
    for field in FIELDS:
        name = SETTER_OF[field]
        if getattr(before, field) == getattr(after, field):
            continue
        at_default = all(getattr(after, f) == getattr(default, f) for f in FIELDS
                         if SETTER_OF[f] == name)
        if at_default:
            changed.pop(name, None)
        else:
            changed[name] = Attribution(by=analyst, at=at)
    had = set(before.comments)
    comments = tuple(c.model_copy(update={"by": analyst})
                     if c not in had and c.by is None else c for c in after.comments)
    return after.model_copy(update={"changed": changed, "comments": comments})


class History:
    """The history of one notes file, as one analyst writes and reads it.

    `notes_path` says where the notes are now (they can move to another file after a
    failed save); the analyst's name is found at the first change (it may ask git), not
    when the explorer starts."""

    def __init__(self, notes_path: Callable[[], Path], analyst: str | None = None) -> None:
        self.notes_path = notes_path
        self.given = analyst
        self._analyst: str | None = None
        self._undoing: str | None = None

    @property
    def analyst(self) -> str:
        if self._analyst is None:
            self._analyst = analyst_name(self.given, self.notes_path().parent)
        return self._analyst

    @property
    def folder(self) -> Path:
        return history_folder(self.notes_path())

    @property
    def own_file(self) -> Path:
        return self.folder / f"{analyst_slug(self.analyst)}.jsonl"

    def record(self, kind: str, target: str, before: Note, after: Note) -> Note:
        """Attribute the change of one note and append it to the analyst's history
        (before the notes are saved: see the module's docstring); returns the note to
        save. A change that changes nothing writes nothing."""
        if before == after:
            return after
        at, analyst = stamp(), self.analyst
        note = attributed(before, after, analyst, at[:19] + "Z")
        kind = KIND_OF_SECTION.get(kind, kind)
        change = uuid.uuid4().hex[:16]
        lines = [Entry(at, analyst, kind, target, field, old, new, change, self._undoing)
                 for field, old, new in differences(before, note)]
        if lines:
            self.append(lines)
        return note

    def append(self, entries: list[Entry]) -> None:
        """The entries as lines at the end of the analyst's file, in one write, synced."""
        data = "".join(json.dumps(e.line(), ensure_ascii=True) + "\n" for e in entries)
        path = self.own_file
        try:
            made = not path.parent.is_dir()
            if made:
                path.parent.mkdir()
            created = not path.exists()
            fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC
                         | getattr(os, "O_NOFOLLOW", 0), 0o666)
            try:
                size = os.fstat(fd).st_size
                if size and os.pread(fd, 1, size - 1) != b"\n":
                    data = "\n" + data  # a line torn by a kill stays a line of its own
                view = memoryview(data.encode("ascii"))
                while view:  # one write, unless the disk takes less at once
                    view = view[os.write(fd, view):]
                os.fsync(fd)
            finally:
                os.close(fd)
            if created:
                _sync_folder(path.parent)
            if made:
                _sync_folder(path.parent.parent)
        except OSError as error:
            reason = os.strerror(error.errno) if error.errno else str(error)
            raise HistoryUnwritable(f"cannot write the history of changes in {path.parent} "
                                f"({reason}); the change was not saved") from error

    # --- reading --------------------------------------------------------------------------

    def entries(self, kind: str | None = None, target: str | None = None) -> list[Entry]:
        """Every analyst's lines, newest first (of one item, when given)."""
        found: list[tuple[str, int, Entry]] = []
        with contextlib.suppress(OSError):
            for path in sorted(self.folder.glob("*.jsonl")):
                for n, entry in enumerate(read_entries(path)):
                    if kind is not None and (entry.kind, entry.id) != (kind, target):
                        continue
                    found.append((_instant(entry.at), n, entry))
        found.sort(key=lambda item: (item[0], item[1]), reverse=True)
        return [entry for _, _, entry in found]

    def last_own_change(self) -> list[Entry]:
        """The lines of the analyst's own last change not undone yet ([] when none);
        an undo is never itself undone (undo again goes further back)."""
        changes: dict[str, list[Entry]] = {}
        undone: set[str] = set()
        for entry in read_entries(self.own_file):
            if entry.by != self.analyst:
                continue  # a hand-copied line, or a slug shared by accident
            if entry.undo is not None:
                undone.add(entry.undo)
            else:
                changes.setdefault(entry.change, []).append(entry)
        for change in reversed(changes):
            if change not in undone:
                return changes[change]
        return []

    def undo(self, change: Callable[[str, str, Callable[[Note], Note]], Note]
             ) -> tuple[list[Entry], Note]:
        """Revert the analyst's own last change through `change` (the store's, so it is
        made under the lock to the note as it is on disk, and recorded as an undo).
        Raises NothingToUndo, or UndoRefused when the item changed since."""
        entries = self.last_own_change()
        if not entries:
            raise NothingToUndo("nothing of yours to undo in this notes file")
        kind, target = entries[0].kind, entries[0].id

        def revert(note: Note) -> Note:
            for entry in entries:
                if not _still(note, entry):
                    raise UndoRefused(_refusal(note, entry))
            for entry in reversed(entries):
                note = _reverted(note, entry)
            return note

        self._undoing = entries[0].change
        try:
            return entries, change(kind, target, revert)
        finally:
            self._undoing = None


def _still(note: Note, entry: Entry) -> bool:
    """Whether the note still holds what the change left."""
    if entry.field == "comment":
        present = any(comment_value(c) == entry.after for c in note.comments) \
            if entry.after is not None else True
        gone = all(comment_value(c) != entry.before for c in note.comments) \
            if entry.before is not None and entry.after is None else True
        return present and gone
    return entry.field in FIELDS and value_of(note, entry.field) == entry.after


def _reverted(note: Note, entry: Entry) -> Note:
    if entry.field == "comment":
        if entry.after is not None:
            return note.model_copy(update={"comments": tuple(
                c for c in note.comments if comment_value(c) != entry.after)})
        return note.model_copy(update={"comments": (*note.comments,
                                                    Comment(**entry.before))})
    value = entry.before
    if entry.field == "tags":
        value = tuple(value or ())
    return Note.model_validate({**note.model_dump(), entry.field: value})


def _refusal(note: Note, entry: Entry) -> str:
    setter = SETTER_OF.get(entry.field)
    mark = note.changed.get(setter) if setter is not None else None
    who = f" by {mark.by}" if mark is not None and mark.by != entry.by else ""
    return (f"not undone: the {entry.field} of {entry.kind} {entry.id} was changed since"
            f"{who}")


def _sync_folder(folder: Path) -> None:
    """Make a new file's name in `folder` last a power cut (where folders can be
    opened)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


# --- words ---------------------------------------------------------------------------------

def signed(by: str | None, at: str | None = None) -> str:
    """`— Ana, 2025-03-12`: who set something, and the day (empty when unknown)."""
    if not by:
        return ""
    return f"— {by}, {at[:10]}" if at else f"— {by}"


def value_text(field: str, value: Any) -> str:
    """A recorded value in words (plain text: the caller makes it safe to show)."""
    if value is None:
        return "none"
    if field == "star":
        return "starred" if value else "not starred"
    if field == "comment" and isinstance(value, dict):
        return f"“{value.get('text', '')}”"
    if field == "tags" and isinstance(value, list):
        return " ".join(f"#{tag}" for tag in value) or "none"
    if field == "ratings" and isinstance(value, dict):
        return ", ".join(f"{h}: {r}" for h, r in value.items()) or "none"
    return str(value)


def change_text(entry: Entry) -> str:
    """`open → explained`; a comment `added “…”` or `removed “…”`."""
    if entry.field == "comment":
        if entry.before is None:
            return f"added {value_text('comment', entry.after)}"
        return f"removed {value_text('comment', entry.before)}"
    return (f"{value_text(entry.field, entry.before)} → "
            f"{value_text(entry.field, entry.after)}")


def field_text(entry: Entry) -> str:
    """The field changed, marked when the change was an undo."""
    return f"{entry.field} (undo)" if entry.undo is not None else entry.field
