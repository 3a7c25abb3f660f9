"""Review notes: stars, tags, comments, statuses and preferred claims, in their own file.

The format is docs/timeline-format.md, "Review notes", with one compatible addition: a
top-level `views:` mapping of saved filters by name. The timelines are never written.

Never losing a note is the point of this module:
- every change is saved at once, atomically (temporary file beside it, fsync, rename):
  a reader, or a process killed mid-save, sees the old file or the new one;
- a change is made under a lock on a file beside the notes, to the notes as they are on
  disk at that moment (the file is read again when its bytes differ from what this
  explorer last read or wrote): two explorers on one file each add their notes to the other's
  instead of writing over them;
- a notes file that cannot be read is left as it is and the notes go read-only, with the
  reason; so does a folder where nothing can be written (with a way to choose another);
- notes whose target is gone stay in the file (`orphans` lists them).

Each note is one line of YAML (a flow mapping), so the file reads and diffs line by line,
and a save rewrites only the lines of notes that changed: 10,000 notes save in a few ms.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import stat
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import filelock
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from contested.errors import NotesError
from contested.format.diagnostics import Diagnostic, DiagnosticError, Location, did_you_mean
from contested.format.guarded_yaml import YamlList, YamlMap, read_yaml
from contested.support.dirs import data_dir
from contested.support.files import (
    Refused,
    read_with_stat,
    real_path,
    replace,
    writable_by_mode,
)
from contested.vocabulary import KIND_OF_SECTION, NOTED_SECTIONS

NOTES_VERSION = 1
"""The sections of `notes:`, one per kind of thing noted."""
SECTION_OF = {KIND_OF_SECTION[section]: section for section in NOTED_SECTIONS}
"""The kinds of item that carry notes → their section of the notes file."""
STATUSES = ("open", "explained", "resolved")
LOCK_WAIT = 5.0
"""Seconds to wait for another explorer's save before giving up on one."""

Status = Literal["open", "explained", "resolved"]


class Comment(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    at: str = Field(description="When it was written, ISO 8601 in UTC.")
    text: str


class Note(BaseModel):
    """What an analyst noted about one event, claim, source or contradiction."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    star: bool = False
    tags: tuple[str, ...] = ()
    comments: tuple[Comment, ...] = ()
    status: Status = "open"
    preferred: str | None = Field(None, description="A claim id of this contradiction.")
    reason: str | None = Field(None, description="Why the preferred claim is preferred.")

    @property
    def empty(self) -> bool:
        return self == Note()

    def marks(self) -> str:
        """`★ explained #follow-up ✎2`: the note in a few characters, for lists."""
        parts = ["★"] if self.star else []
        if self.status != "open":
            parts.append(self.status)
        if self.preferred:
            parts.append("✓" + self.preferred)
        parts += [f"#{tag}" for tag in self.tags]
        if self.comments:
            parts.append(f"✎{len(self.comments)}")
        return " ".join(parts)


class View(BaseModel):
    """A saved filter, reopened by name (`contested --view NAME`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    filter: str = Field(description="The filter as typed in the filter bar.")


class NotesFile(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    contested_notes: Literal["1", 1] = Field(alias="contested-notes")
    notes: dict[Literal["contradictions", "claims", "events", "sources"],
                dict[str, Note] | None] = Field(default_factory=dict)
    views: dict[str, View] | None = Field(default_factory=dict)


class NotesReadOnly(NotesError):
    """Notes cannot be saved: the reason is the message."""


@dataclass
class Notes:
    """Every note by section and id, and the saved views, as read from the file."""

    sections: dict[str, dict[str, Note]] = field(
        default_factory=lambda: {kind: {} for kind in NOTED_SECTIONS})
    views: dict[str, View] = field(default_factory=dict)

    def get(self, kind: str, target: str) -> Note:
        return self.sections[SECTION_OF.get(kind, kind)].get(target, Note())

    def count(self) -> int:
        return sum(len(section) for section in self.sections.values())

    def orphans(self, exists: Callable[[str, str], bool]) -> list[tuple[str, str, Note]]:
        """Notes whose target is gone: `exists(section, id)` says whether it is there."""
        return [(kind, target, note) for kind in NOTED_SECTIONS
                for target, note in self.sections[kind].items()
                if not exists(kind, target)]


def now() -> str:
    """The time a comment is written, to the second, in UTC."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# --- reading --------------------------------------------------------------------------------

def parse_notes(data: bytes, path: str) -> Notes:
    """The notes in a file's bytes; a problem raises DiagnosticError at its place."""
    tree = read_yaml(data, path)
    if tree is None:
        return Notes()  # an empty file: no notes yet
    if not isinstance(tree, YamlMap):
        raise DiagnosticError(_problem(path, tree, (), "the top of a notes file is a "
                                       "mapping: `contested-notes: 1`, then `notes:`"))
    try:
        document = NotesFile.model_validate(tree)
    except ValidationError as error:
        problems = error.errors(include_url=False)
        # A misspelt field also makes the real one missing: the misspelling says why.
        first = next((e for e in problems if e["type"] == "extra_forbidden"), problems[0])
        loc = first["loc"]
        where = ".".join(str(p) for p in loc)
        message = f"{where}: " + str(first["msg"]).removeprefix("Value error, ")
        if first["type"] == "extra_forbidden":
            within = ".".join(str(p) for p in loc[:-1]) or "the file"
            message = (f"unknown field '{loc[-1]}' in {within}"
                       f"{did_you_mean(str(loc[-1]), _fields_at(loc[:-1]))}")
        raise DiagnosticError(_problem(path, tree, loc, message,
                                       at_key=first["type"] == "extra_forbidden")) from None
    notes = Notes()
    for kind, section in document.notes.items():
        notes.sections[kind] = {str(k): v for k, v in (section or {}).items()}
    notes.views = dict(document.views or {})
    return notes


def _fields_at(loc: tuple[Any, ...]) -> Iterable[str]:
    """The fields of the mapping at `loc` in a notes file, for a did-you-mean."""
    if not loc:
        return ("contested-notes", "notes", "views")
    if loc[0] == "notes" and len(loc) == 3:
        return Note.model_fields
    if loc[0] == "notes" and len(loc) == 5 and loc[3] == "comments":
        return Comment.model_fields
    if loc[0] == "views" and len(loc) == 2:
        return View.model_fields
    return ()


def _problem(path: str, tree: Any, loc: tuple[Any, ...], message: str, *,
             at_key: bool = False) -> Diagnostic:
    """Placed at the value `loc` leads to (or at its key, for an unknown field)."""
    line, column = (getattr(tree, "line", 1), getattr(tree, "column", 1))
    node = tree
    for part in loc:
        if isinstance(node, YamlMap) and part in node:
            at = node.key_spot if at_key and part == loc[-1] else node.value_spot
            line, column = at(part)
            node = node[part]
        elif isinstance(node, YamlList) and isinstance(part, int) and part < len(node):
            line, column = node.item_spot(part)
            node = node[part]
        else:
            break
    return Diagnostic(Location(path, line, column), "bad-notes", message)


# --- writing --------------------------------------------------------------------------------

_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r"}


def quoted(text: str) -> str:
    """`text` as a YAML double-quoted scalar that any YAML reader reads back as is."""
    out = ['"']
    for char in text:
        code = ord(char)
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif code < 0x20 or 0x7F <= code <= 0x9F or 0xD800 <= code <= 0xDFFF \
                or code in (0xFEFF, 0xFFFE, 0xFFFF, 0x2028, 0x2029):  # YAML line breaks
            out.append(f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


def note_line(target: str, note: Note) -> str:
    """One note as one line of YAML, under its section."""
    parts = []
    if note.star:
        parts.append("star: true")
    if note.tags:
        parts.append("tags: [" + ", ".join(quoted(t) for t in note.tags) + "]")
    if note.comments:
        parts.append("comments: [" + ", ".join(
            f"{{at: {quoted(c.at)}, text: {quoted(c.text)}}}" for c in note.comments) + "]")
    if note.status != "open":
        parts.append(f"status: {note.status}")
    if note.preferred is not None:
        parts.append(f"preferred: {quoted(note.preferred)}")
    if note.reason is not None:
        parts.append(f"reason: {quoted(note.reason)}")
    return f"    {quoted(target)}: {{{', '.join(parts)}}}\n"


def render_notes(notes: Notes, lines: dict[tuple[str, str], str] | None = None) -> str:
    """The whole file; `lines` caches each note's line (only changed notes are written
    again: a save of 10,000 notes is a join)."""
    cache = {} if lines is None else lines
    out = [f"contested-notes: {NOTES_VERSION}\n", "notes:\n"]
    for kind in NOTED_SECTIONS:
        section = notes.sections.get(kind, {})
        if not section:
            out.append(f"  {kind}: {{}}\n")
            continue
        out.append(f"  {kind}:\n")
        for target, note in section.items():
            line = cache.get((kind, target))
            if line is None:
                line = cache[(kind, target)] = note_line(target, note)
            out.append(line)
    if notes.views:
        out.append("views:\n")
        for name, view in notes.views.items():
            out.append(f"  {quoted(name)}: {{filter: {quoted(view.filter)}}}\n")
    return "".join(out)


# --- the store --------------------------------------------------------------------------------

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

    def __init__(self, path: Path) -> None:
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
            changed = edit(section.get(target, Note()))
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

def toggled_star(note: Note) -> Note:
    return note.model_copy(update={"star": not note.star})


def next_status(note: Note) -> Note:
    status = STATUSES[(STATUSES.index(note.status) + 1) % len(STATUSES)]
    return note.model_copy(update={"status": status})


def with_tags(text: str) -> Callable[[Note], Note]:
    """Tags as typed: separated by commas or spaces; `#` is optional."""
    tags = tuple(dict.fromkeys(t.lstrip("#") for t in text.replace(",", " ").split()
                               if t.lstrip("#")))
    return lambda note: note.model_copy(update={"tags": tags})


def with_comment(text: str, at: str | None = None) -> Callable[[Note], Note]:
    comment = Comment(at=at or now(), text=text)
    return lambda note: note.model_copy(update={"comments": (*note.comments, comment)})


def with_preferred(claim_id: str, reason: str) -> Callable[[Note], Note]:
    return lambda note: note.model_copy(update={"preferred": claim_id,
                                                "reason": reason or None})
