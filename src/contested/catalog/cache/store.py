"""The per-file cache of validated timelines: an unchanged file is never parsed again.

Parsing and validating YAML is most of a cold load; reading back what was validated
costs a small part of it (bench/RESULTS.md). One entry per timeline
file, in the user's cache directory (platformdirs: `XDG_CACHE_HOME` is honoured):

    line 1: a JSON header: cache format, contested version, byte order, the file's
            absolute path, size, mtime and SHA-256; how the file was when it was
            hashed (`seen`); where the head is and its SHA-256;
    then:   the rows of each section's entities (field values in the model's field
            order, JSON), in blocks of `BLOCK`, read only when an entity of the block
            is first asked for;
    last:   the head: its table of contents (JSON), then its parts (`parts_out`):
            per section, the ids, the blocks' ends and SHA-256 digests, and where
            each entity was written (packed numbers); the file's dates.

A warm load reads the heads and nothing else: each entity is made from its row when
first asked (`contested.catalog.entities`), so that opening 400,000 entities costs what the
first screen shows of them.

An entry is used only if every part of its header matches the file as it is now, and
its head matches the head's digest: a corrupt, truncated, foreign (another path,
another version of contested) or tampered entry is ignored and rebuilt. A block of rows
is used only if it matches its digest; one that does not (damaged since the load) is
taken from the file itself, parsed again, and the entry is rebuilt. Entries are JSON and
raw numbers (never pickle: nothing in them is run), and an entry that is not owned by
the user or is writable by others is not read. Only files that validated are cached: a
file with errors is parsed again each time, so that its messages are always the
parser's own.

The content hash is the part of the key that costs: every byte of every file is read
and hashed, a large part of a warm load. As git's index does, a file whose inode, device, ctime,
size and mtime are those it had when it was hashed is not read again, provided it had
not changed in the `SETTLED_NS` before that read (a change within the same tick of the
clock would leave its stat as it was). Any write, `touch` or rename changes the ctime,
and the file is hashed again.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from contested import __version__
from contested.catalog.cache.parts import Stored, parts_back, parts_out
from contested.catalog.cache.rows import Repair, rebuild, rows_of
from contested.format.model import (
    TimelineFile,
)
from contested.support.dirs import cache_dir
from contested.support.files import (
    STALE_AFTER,
    keep_recent,
    open_own,
    remove_stale_temporaries,
    replace_own,
)

CACHE_FORMAT = 7
"""Raised when the layout of an entry changes; with the contested version, in the key."""

Recover = Callable[["FileKey"], TimelineFile | None]
"""Parses a cached file again, if it is still as its key says (else None); the caller
writes its entry anew."""
_Accepted = TypeVar("_Accepted")

@dataclass(frozen=True)
class FileKey:
    """What a cache entry must match: the file as it was when the entry was written."""

    path: str
    size: int
    mtime_ns: int
    sha256: str
    seen: tuple[int, int, int, int] | None = field(default=None, compare=False)
    """(inode, device, ctime, when the read began), in ns: while the file's stat says
    the same, its hash need not be computed again (not part of the key)."""

    @classmethod
    def of(cls, path: str, data: bytes, info: os.stat_result,
           read_at_ns: int | None = None) -> FileKey:
        """The key of `data`, read from `path` after a stat that gave `info`, itself
        made no earlier than `read_at_ns` (`time.time_ns()`)."""
        seen = None if read_at_ns is None else (info.st_ino, info.st_dev, info.st_ctime_ns,
                                                read_at_ns)
        return cls(os.path.abspath(path), info.st_size, info.st_mtime_ns,
                   hashlib.sha256(data).hexdigest(), seen)


SETTLED_NS = 2_000_000_000
"""A file is trusted by its stat only if its ctime was this long before it was read."""


def default_folder() -> Path:
    return cache_dir() / "catalog"


class CatalogCache:
    """Validated timeline files, one JSON entry per file under `folder`."""

    def __init__(self, folder: str | Path | None = None, *, in_memory: bool = False) -> None:
        self.folder = Path(folder) if folder is not None else default_folder()
        self.in_memory = in_memory
        """Read entries whole (a temporary cache, removed before its entities are made)."""
        self.hits = 0
        self.misses = 0
        self.repaired = 0
        """Entries found damaged after they were read (their file was parsed again)."""
        self._counting = threading.Lock()  # entries are read by several threads

    def entry_path(self, key: FileKey) -> Path:
        """One entry per timeline path: a changed file replaces its own entry."""
        return self._entry_for(key.path)

    def _entry_for(self, absolute: str) -> Path:
        name = hashlib.sha256(absolute.encode("utf-8", "surrogateescape")).hexdigest()[:32]
        return self.folder / f"{name}.json"

    def get(self, key: FileKey, path: str, recover: Recover | None = None,
            ) -> TimelineFile | None:
        """The file's validated document if a sound entry for exactly this file exists;
        its entities' origins name `path`, as the caller wrote it. `recover(key)`
        parses the file again, should a block of the entry be found damaged later."""
        expected = _file_header(key)

        def same(header: dict[str, Any]) -> FileKey | None:
            return key if _keyed(header) == expected else None

        found = self._document(self.entry_path(key), same, path, recover)
        return found[1] if found is not None else None

    def unchanged(self, path: str, info: os.stat_result, recover: Recover | None = None,
                  ) -> tuple[FileKey, TimelineFile] | None:
        """The key and document of the file at `path` without reading it, if its entry
        was written from the file as it still is by `info` (its stat, taken now): the
        same inode, device, ctime, size and mtime, settled when it was hashed. None
        otherwise (then read the file, and `get` its entry by its full key); no miss
        is counted for that."""
        absolute = os.path.abspath(path)

        def settled(header: dict[str, Any]) -> FileKey | None:
            seen, sha = header.get("seen"), header.get("sha256")
            if not (isinstance(seen, list) and len(seen) == 4 and isinstance(sha, str)
                    and all(type(n) is int for n in seen)):
                return None
            key = FileKey(absolute, info.st_size, info.st_mtime_ns, sha,
                          (seen[0], seen[1], seen[2], seen[3]))
            if (_keyed(header) == _file_header(key)
                    and seen[:3] == [info.st_ino, info.st_dev, info.st_ctime_ns]
                    and seen[2] <= seen[3] - SETTLED_NS):
                return key
            return None

        found = self._document(self._entry_for(absolute), settled, path, recover,
                               count_miss=False)
        if found is None or found[1] is None:
            return None
        return found[0], found[1]

    def _document(self, entry: Path, accept: Callable[[dict[str, Any]], FileKey | None],
                  path: str, recover: Recover | None, *, count_miss: bool = True,
                  ) -> tuple[FileKey, TimelineFile | None] | None:
        """The key `accept` gives the entry's header (None: not accepted), and the
        document the entry holds (None: none that this version can read)."""
        document = None
        read = self._read(entry, accept)
        if read is not None:
            head, stored, key = read
            repair = None if recover is None else self._repairer(recover, key)
            with contextlib.suppress(ValueError, TypeError, KeyError, IndexError,
                                     AttributeError):  # not what this version writes
                document = rebuild(parts_back(head, stored), path, repair)
        with self._counting:
            if document is not None:
                self.hits += 1
            elif read is not None or count_miss:
                self.misses += 1
        return (read[2], document) if read is not None else None

    def _repairer(self, recover: Recover, key: FileKey) -> Repair:
        """`recover(key)`, counted in `repaired`."""

        def repair() -> TimelineFile | None:
            with self._counting:
                self.repaired += 1
            return recover(key)

        return repair

    def put(self, key: FileKey, document: TimelineFile) -> None:
        """Write the entry for `key`; a cache that cannot be written is not an error,
        the next load parses again."""
        header = _file_header(key)
        if key.seen is not None:
            header["seen"] = list(key.seen)
        self._write(self.entry_path(key), header, rows_of(document))

    def linked(self, keys: list[FileKey]) -> dict[str, Any] | None:
        """What linking found for exactly these files, in this order, if it was kept:
        `contested.catalog.link.link` then need not visit each claim again."""
        expected = _files_header(keys)
        read = self._read(self._linked_path(keys), lambda header: header == expected or None)
        if read is None:
            return None
        try:
            state = parts_back(*read[:2])
        except (ValueError, TypeError, KeyError, IndexError):
            return None
        return state if isinstance(state, dict) else None

    def put_linked(self, keys: list[FileKey], state: dict[str, Any]) -> None:
        if self._write(self._linked_path(keys), _files_header(keys), state):
            self.prune()

    def prune(self, now: float | None = None) -> None:
        """Drop what has not been used for a while (after a catalog was linked anew,
        so at most once a load): entries of files not loaded for `KEEP_DAYS` days, all
        but the `KEEP_LINKED` records of linking used last (each is as large as the
        catalog's columns), and temporary files a crash left. Only names this cache writes."""
        now = time.time() if now is None else now
        try:
            entries = list(self.folder.iterdir())
        except OSError:
            return
        for entry in entries:
            try:
                used = entry.stat().st_mtime
            except OSError:
                continue
            if ((_FILE_NAME.fullmatch(entry.name) and now - used > KEEP_DAYS * 86400)
                    or (_OLD_TEMPORARY.fullmatch(entry.name) and now - used > STALE_AFTER)):
                with contextlib.suppress(OSError):
                    entry.unlink()
        remove_stale_temporaries(self.folder, now=now)
        keep_recent(self.folder, _LINKED_NAME, KEEP_LINKED)

    def _linked_path(self, keys: list[FileKey]) -> Path:
        """One per set of paths: a catalog with a changed file replaces its own."""
        paths = "\0".join(key.path for key in keys).encode("utf-8", "surrogateescape")
        return self.folder / f"linked-{hashlib.sha256(paths).hexdigest()[:32]}.json"

    def _read(self, entry: Path, accept: Callable[[dict[str, Any]], _Accepted | None],
              ) -> tuple[bytes, Stored, _Accepted] | None:
        """The head of `entry`, where its other parts are, and what `accept` makes of
        its header (less the head's place and digest), if it accepts it and the head has
        that digest; None for anything else."""
        opened = open_own(entry)  # never a link, a FIFO that would block, another's file
        if opened is None:
            return None
        try:
            with opened as handle:
                line = handle.readline(_HEADER_LIMIT)
                try:
                    header = json.loads(line)
                    digest, (start, length) = header.pop("payload"), header.pop("head")
                except (ValueError, TypeError, KeyError, AttributeError):
                    return None
                accepted = accept(header) if isinstance(header, dict) else None
                if not (accepted is not None and type(start) is int and type(length) is int
                        and start >= 0 and length >= 0):
                    return None
                handle.seek(len(line) + start)
                head = handle.read(length)
                if len(head) != length or hashlib.sha256(head).hexdigest() != digest:
                    return None
                stored = Stored(len(line), start)
                if start and (self.in_memory or not stored.keep_open(handle.fileno())):
                    handle.seek(len(line))
                    stored.held = handle.read(start)
        except OSError:
            return None
        with contextlib.suppress(OSError):
            os.utime(entry)  # its mtime says when it was last used, for `prune`
        return head, stored, accepted

    def _write(self, entry: Path, header: dict[str, Any], payload: object) -> bool:
        """Write `header` and `payload` as an entry: a temporary file renamed into place,
        so that a reader sees the old entry or the new one."""
        try:
            head, stored = parts_out(payload)
        except ValueError:  # an id with a line break: the parser let it through
            return False
        line = json.dumps({**header, "payload": hashlib.sha256(head).hexdigest(),
                           "head": [len(stored), len(head)]})
        try:
            self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            replace_own(entry, [line.encode("utf-8", "surrogateescape") + b"\n", stored, head])
        except OSError:
            return False
        return True


_HEADER_LIMIT = 64 << 20
KEEP_DAYS = 60
"""An entry not used for this long is dropped (its file was moved, deleted, or left)."""
KEEP_LINKED = 4
"""Records of linking kept: one per set of files opened together."""
_FILE_NAME = re.compile(r"[0-9a-f]{32}\.json")
_LINKED_NAME = re.compile(r"linked-[0-9a-f]{32}\.json")
_OLD_TEMPORARY = re.compile(r"tmp[A-Za-z0-9_]+\.tmp")
"""What versions before `contested.support.files` named their temporaries."""


def _file_header(key: FileKey) -> dict[str, Any]:
    return {"cache": CACHE_FORMAT, "contested": __version__, "byteorder": sys.byteorder,
            "path": key.path,
            "size": key.size, "mtime_ns": key.mtime_ns, "sha256": key.sha256}


def _keyed(header: dict[str, Any]) -> dict[str, Any]:
    """A file entry's header, less how the file was seen (not part of the key)."""
    return {name: value for name, value in header.items() if name != "seen"}


def _files_header(keys: list[FileKey]) -> dict[str, Any]:
    return {"cache": CACHE_FORMAT, "contested": __version__, "byteorder": sys.byteorder,
            "files": [[k.path, k.size, k.mtime_ns, k.sha256] for k in keys]}


# --- documents to rows and back ------------------------------------------------------------
