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
    last:   the head: its table of contents (JSON), then its parts (`_parts_out`):
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
import functools
import hashlib
import json
import os
import re
import stat
import sys
import threading
import time
import weakref
from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel

from contested import __version__
from contested.catalog.entities import Chunk
from contested.errors import CacheError
from contested.format.dates import FuzzyDate, Precision
from contested.format.model import (
    DATE_FIELDS,
    ENTITY_MODELS,
    Claim,
    Entity,
    PackedOrigins,
    QuantityForm,
    TimelineFile,
)
from contested.support.dirs import cache_dir
from contested.support.files import STALE_AFTER, open_regular, remove_stale_temporaries, replace_own
from contested.vocabulary import SECTIONS

CACHE_FORMAT = 7
"""Raised when the layout of an entry changes; with the contested version, in the key."""

Recover = Callable[["FileKey"], TimelineFile | None]
"""Parses a cached file again, if it is still as its key says (else None); the caller
writes its entry anew."""
Repair = Callable[[], TimelineFile | None]
"""`Recover` for one entry's key."""


class CacheDamaged(CacheError, RuntimeError):
    """A block of an entry was damaged after the entry was read, and its file could not
    be parsed again as it was (it changed since, or is gone)."""


_Accepted = TypeVar("_Accepted")

_PACKING = "I"  # unsigned 32-bit: lines and columns
_OFFSETS = "q"  # signed 64-bit: -1 for an entity with no spots


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
                document = _rebuild(_parts_back(head, stored), path, repair)
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
        self._write(self.entry_path(key), header, _rows(document))

    def linked(self, keys: list[FileKey]) -> dict[str, Any] | None:
        """What linking found for exactly these files, in this order, if it was kept:
        `contested.catalog.loading.link` then need not visit each claim again."""
        expected = _files_header(keys)
        read = self._read(self._linked_path(keys), lambda header: header == expected or None)
        if read is None:
            return None
        try:
            state = _parts_back(*read[:2])
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
        linked: list[tuple[float, Path]] = []
        try:
            entries = list(self.folder.iterdir())
        except OSError:
            return
        for entry in entries:
            try:
                used = entry.stat().st_mtime
            except OSError:
                continue
            if _LINKED_NAME.fullmatch(entry.name):
                linked.append((used, entry))
            elif ((_FILE_NAME.fullmatch(entry.name) and now - used > KEEP_DAYS * 86400)
                  or (_OLD_TEMPORARY.fullmatch(entry.name) and now - used > STALE_AFTER)):
                with contextlib.suppress(OSError):
                    entry.unlink()
        remove_stale_temporaries(self.folder, now=now)
        for _, entry in sorted(linked, reverse=True)[KEEP_LINKED:]:
            with contextlib.suppress(OSError):
                entry.unlink()

    def _linked_path(self, keys: list[FileKey]) -> Path:
        """One per set of paths: a catalog with a changed file replaces its own."""
        paths = "\0".join(key.path for key in keys).encode("utf-8", "surrogateescape")
        return self.folder / f"linked-{hashlib.sha256(paths).hexdigest()[:32]}.json"

    def _read(self, entry: Path, accept: Callable[[dict[str, Any]], _Accepted | None],
              ) -> tuple[bytes, _Stored, _Accepted] | None:
        """The head of `entry`, where its other parts are, and what `accept` makes of
        its header (less the head's place and digest), if it accepts it and the head has
        that digest; None for anything else."""
        descriptor = open_regular(entry)  # never a link, never a FIFO that would block
        if descriptor is None:
            return None
        try:
            with open(descriptor, "rb") as handle:
                if not _ours(os.fstat(handle.fileno())):
                    return None
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
                stored = _Stored(len(line), start)
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
            head, stored = _parts_out(payload)
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
BLOCK = 256
"""Rows decoded together: reaching one entity costs a block, not its whole file."""
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


class Later(bytes):
    """Bytes of a payload read only when asked (`_Part`): the rows of the entities."""

    __slots__ = ()


def _parts_out(value: Any) -> tuple[bytes, bytes]:
    """`value` as (a head, the parts read later). The head is one line of JSON (its
    table of contents), then the bytes of its arrays and byte strings, which the JSON
    names by place: {"$array": typecode, "$at": [offset, length]} and {"$bytes":
    [offset, length]} (no id starts with $). `Later` bytes are in the second part,
    named {"$later": [offset, length]}. Arrays are read back by copying their bytes (no
    parsing), byte strings only when asked (`_parts_back`)."""
    blob, later = bytearray(), bytearray()
    table = _utf8(_json(_out(value, blob, later)))
    return table + b"\n" + blob, bytes(later)


def _out(item: Any, blob: bytearray, later: bytearray) -> Any:
    """`item` as JSON, its bytes moved to `blob` or `later`. (A module function, not a
    recursive closure: that would be a reference cycle, and a load freezes what it
    makes for the collector, so the cycle and all it holds would never be freed.)"""
    if isinstance(item, array):
        at = [len(blob), item.itemsize * len(item)]
        blob.extend(item.tobytes())
        return {"$array": item.typecode, "$at": at}
    if isinstance(item, Later):
        at = [len(later), len(item)]
        later.extend(item)
        return {"$later": at}
    if isinstance(item, bytes):
        at = [len(blob), len(item)]
        blob.extend(item)
        return {"$bytes": at}
    if isinstance(item, dict):
        return {k: _out(v, blob, later) for k, v in item.items()}
    if isinstance(item, list):
        return [_out(v, blob, later) for v in item]
    return item


_ARRAY_CODES = frozenset("bIdq")


class _OpenEntries:
    """The entries held open to read their rows later, at most `limit` (beyond, an
    entry's rows are read at once: a catalog of thousands of files stays under the
    limit of open files)."""

    def __init__(self, limit: int) -> None:
        self.limit, self.count = limit, 0
        self._lock = threading.Lock()

    def keep(self, descriptor: int) -> int | None:
        """A copy of `descriptor`, kept open until `release`d; None if too many are."""
        with self._lock:
            if self.count >= self.limit:
                return None
            self.count += 1
        try:
            return os.dup(descriptor)
        except OSError:
            self.release(None)
            return None

    def release(self, descriptor: int | None) -> None:
        if descriptor is not None:
            os.close(descriptor)
        with self._lock:
            self.count -= 1


OPEN_ENTRIES = _OpenEntries(256)


@dataclass
class _Stored:
    """Where the parts of an entry read later are: `size` bytes from `start`, in the
    entry held open (`keep_open`: a copy of its descriptor, so that the entry written
    anew by a reload, or removed, does not change what is read), or `held` in memory."""

    start: int
    size: int
    held: bytes | None = None
    descriptor: int = -1

    def keep_open(self, descriptor: int) -> bool:
        """Keep the entry open (closed when this is let go), unless too many are."""
        kept = OPEN_ENTRIES.keep(descriptor)
        if kept is None:
            return False
        self.descriptor = kept
        weakref.finalize(self, OPEN_ENTRIES.release, kept)
        return True


class _Part:
    """Bytes of an entry read when asked (`read`), from the entry as it is then: what
    is read is checked by the caller (a block's digest)."""

    __slots__ = ("length", "offset", "stored")

    def __init__(self, stored: _Stored, offset: int, length: int) -> None:
        self.stored, self.offset, self.length = stored, offset, length

    def read(self, start: int, end: int) -> bytes | None:
        """Bytes `start:end` of the part, or None if they cannot be read."""
        if not 0 <= start <= end <= self.length:
            return None
        stored = self.stored
        if stored.held is not None:
            return stored.held[self.offset + start:self.offset + end]
        try:
            return os.pread(stored.descriptor, end - start,
                            stored.start + self.offset + start)
        except OSError:
            return None


def _parts_back(head: bytes, stored: _Stored | None = None) -> Any:
    """The value `_parts_out` wrote, with its arrays; each byte string is a view of
    the head (nothing copied until it is decoded), each `Later` part a `_Part`."""
    end = head.index(b"\n")
    return _back(json.loads(head[:end]), memoryview(head)[end + 1:], stored)


def _back(item: Any, blob: memoryview, stored: _Stored | None) -> Any:
    """`item` with its parts (a module function: see `_out`)."""
    if isinstance(item, dict):
        if "$array" in item and item.keys() == {"$array", "$at"}:
            if item["$array"] not in _ARRAY_CODES:
                raise ValueError("unexpected array type")
            offset, length = _place(item["$at"], len(blob))
            numbers = array(item["$array"])
            numbers.frombytes(blob[offset:offset + length])
            return numbers
        if "$bytes" in item and item.keys() == {"$bytes"}:
            offset, length = _place(item["$bytes"], len(blob))
            return blob[offset:offset + length]
        if "$later" in item and item.keys() == {"$later"}:
            if stored is None:
                raise ValueError("no parts to read later")
            return _Part(stored, *_place(item["$later"], stored.size))
        return {k: _back(v, blob, stored) for k, v in item.items()}
    if isinstance(item, list) and item and isinstance(item[0], dict | list):
        return [_back(v, blob, stored) for v in item]
    return item


def _place(at: Any, size: int) -> tuple[int, int]:
    offset, length = at
    if not (type(offset) is int and type(length) is int
            and offset >= 0 and length >= 0 and offset + length <= size):
        raise ValueError("a part outside the payload")
    return offset, length


def _ours(info: os.stat_result) -> bool:
    """A regular file of this user that nobody else may write: another user's entry
    could say anything, and would be believed."""
    return (stat.S_ISREG(info.st_mode) and info.st_uid == os.geteuid()
            and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH))


# --- documents to rows and back ------------------------------------------------------------

def _rows(document: TimelineFile) -> dict[str, Any]:
    """The entry's payload: per section, the ids (one per line), the rows of field
    values (JSON), and where each entity's spots start; the spots; the dates."""
    dates: dict[str, FuzzyDate] = {}

    def plain(value: Any) -> Any:
        if isinstance(value, FuzzyDate):
            dates[value.text] = value
            return value.text
        if isinstance(value, QuantityForm):
            return value.model_dump(exclude_none=True)
        return value

    names: dict[tuple[str, ...], int] = {}
    packed = array(_PACKING)
    sections: dict[str, Any] = {}
    header = document.timeline
    groups: list[tuple[str, Sequence[Entity]]] = [
        ("timeline", [header] if header is not None else []),
        *((name, getattr(document, name)) for name in SECTIONS),
    ]
    for name, entities in groups:
        if not entities:
            continue
        fields = list(ENTITY_MODELS[name].model_fields)
        offsets = array(_OFFSETS)
        rows = []
        for entity in entities:
            values = entity.__dict__
            rows.append([plain(values[field]) for field in fields])
            spots = entity.origin.spots
            if spots is None:
                offsets.append(-1)
            else:
                offsets.append(len(packed))
                packed.extend(spots.pack(names))
        ids: list[str] = [entity.__dict__["id"] for entity in entities]
        if any("\n" in entity_id for entity_id in ids):
            raise ValueError("an id with a line break")
        blocks, ends, digests = bytearray(), array(_OFFSETS, [0]), bytearray()
        for start in range(0, len(rows), BLOCK):
            block = _utf8("\n".join(_json(row) for row in rows[start:start + BLOCK]))
            blocks += block
            ends.append(len(blocks))
            digests += hashlib.sha256(block).digest()
        sections[name] = {"fields": fields, "ids": _utf8("\n".join(ids)),
                          "rows": Later(blocks), "blocks": ends, "digests": bytes(digests),
                          "offsets": offsets}
    return {"timeline_id": header.id if header is not None else None,
            "names": [list(n) for n in names], "spots": packed,
            "dates": _utf8(_json([_date_row(d) for d in dates.values()])),
            "sections": sections}


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _utf8(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


def _text(part: memoryview) -> str:
    return str(part, "utf-8", "surrogatepass")


def _date_row(when: FuzzyDate) -> list[Any]:
    """A date as its text and what parsing it found (parsing each of 50,000 distinct
    dates again would cost a fifth of a warm load)."""
    return [when.text, when.earliest.toordinal() if when.earliest else None,
            when.latest.toordinal() if when.latest else None, int(when.precision),
            when.approximate, when.uncertain, when.is_interval]


def _date_back(row: list[Any]) -> FuzzyDate:
    text, earliest, latest, precision, approximate, uncertain, interval = row
    return FuzzyDate(text, None if earliest is None else date.fromordinal(earliest),
                     None if latest is None else date.fromordinal(latest),
                     Precision(precision), approximate is True, uncertain is True,
                     interval is True)


def _rebuild(contents: dict[str, Any], path: str, recover: Repair | None) -> TimelineFile:
    """The document `_rows` wrote, without validating it again (the head's digest says
    it is what this version wrote from a validated file, each block's digest is checked
    when it is read). Each section is a `Chunk`: its ids are read now, each entity is
    made when first asked."""
    entry = _Entry(path, contents, recover)
    parts: dict[str, Any] = {}
    for name, section in contents["sections"].items():
        model = ENTITY_MODELS[name]
        fields = section["fields"]
        if fields != list(model.model_fields):
            raise ValueError(f"the fields of {name} changed")
        ids = _text(section["ids"]).split("\n")
        offsets = section["offsets"]
        if not isinstance(offsets, array) or len(offsets) != len(ids):
            raise ValueError("ids and spots differ in number")
        origins = PackedOrigins(path, entry.timeline_id, entry.names, entry.packed, offsets)
        blocks, rows, digests = section["blocks"], section["rows"], section["digests"]
        count = -(-len(ids) // BLOCK)
        if not (isinstance(blocks, array) and len(blocks) == count + 1
                and isinstance(rows, _Part) and blocks[-1] == rows.length
                and len(digests) == DIGEST * count):
            raise ValueError("ids and blocks differ in number")
        make = entry.maker(name, ids, Rows(rows, blocks, bytes(digests)), origins)
        parts[name] = Chunk(ids, make, origins.origin, peek=partial(make, keep=True))
    header = parts.pop("timeline", None)
    for name in SECTIONS:  # every field given: pydantic would inspect the signature of
        parts.setdefault(name, [])  # each default factory again, at each entry
    return TimelineFile.model_construct(contested=1, timeline=header[0] if header else None,
                                        **parts)


DIGEST = hashlib.sha256().digest_size


@dataclass(frozen=True)
class Rows:
    """A section's rows in an entry: block n is `part[ends[n]:ends[n + 1]]`, one JSON
    row a line (JSON escapes line breaks in strings), and has the SHA-256
    `digests[DIGEST * n:DIGEST * (n + 1)]`."""

    part: _Part
    ends: array[int]
    digests: bytes

    def block(self, number: int) -> list[bytes | None] | None:
        """The lines of a block, each a row still to decode (a first screen wants one or
        two rows of a block: decoding 256 cost a millisecond), or None if the block
        cannot be read as it was written."""
        data = self.part.read(self.ends[number], self.ends[number + 1])
        if data is None or (hashlib.sha256(data).digest()
                            != self.digests[DIGEST * number:DIGEST * (number + 1)]):
            return None
        lines: list[bytes | None] = list(data.split(b"\n"))
        return lines


class _Entry:
    """What the entities of one cache entry share: the file's path and timeline, the
    packed spots, the table of its dates (read when a first entity is made), and the
    way back to the file should a block be found damaged."""

    def __init__(self, path: str, contents: dict[str, Any], recover: Repair | None) -> None:
        self.path, self.timeline_id = path, contents["timeline_id"]
        self.names = [tuple(n) for n in contents["names"]]
        self.packed = contents["spots"]
        if not isinstance(self.packed, array) or self.packed.typecode != _PACKING:
            raise ValueError("spots")
        self._dates_part: memoryview | None = contents["dates"]
        self._date_rows: dict[str, list[Any]] = {}
        self._dates: dict[str, FuzzyDate] = {}
        self._recover = recover
        self._recovered: TimelineFile | None = None

    def date(self, text: str) -> FuzzyDate:
        """The date written `text` in this file (one object per text, as parsing gives),
        from the file's table of dates, read when a first date is asked."""
        made = self._dates.get(text)
        if made is None:
            if self._dates_part is not None:
                self._date_rows = {row[0]: row for row in json.loads(_text(self._dates_part))}
                self._dates_part = None
            made = self._dates[text] = _date_back(self._date_rows[text])
        return made

    def parsed(self, section: str, ids: list[str]) -> Sequence[Any]:
        """The section's entities, from the file parsed again (a block was damaged)."""
        if self._recovered is None:
            self._recovered = self._recover() if self._recover is not None else None
        if self._recovered is not None:
            document = self._recovered
            entities: Sequence[Any] = ([document.timeline] if document.timeline else []
                                       ) if section == "timeline" else getattr(document,
                                                                               section)
            if [entity.id for entity in entities] == ids:
                return entities
        raise CacheDamaged(f"{self.path}: its cache entry was damaged after it was read, "
                           "and the file changed since: open the catalog again")

    def maker(self, section: str, ids: list[str], rows: Rows,
              origins: PackedOrigins) -> Callable[..., Any]:
        """`make(position)`: the entity at that position of the section, made from its
        row. Rows are read by blocks of `BLOCK` when a first entity of the block is
        made, each decoded when its entity is, and let go once the entity holds the
        values (unless `keep`: an entity made for one look, which is not kept). A
        block that does not match its digest, or a row that is not one, is taken from
        the file, parsed again."""
        model, at_dates, value, keys, width, set_fields = _shape(section)
        read: dict[int, list[bytes | None]] = {}
        damaged: Sequence[Any] | None = None

        def make(position: int, keep: bool = False) -> Any:
            nonlocal damaged
            if damaged is not None:
                return damaged[position]
            number, at = divmod(position, BLOCK)
            block = read.get(number)
            if block is None:
                block = rows.block(number)
                expected = min(BLOCK, len(ids) - number * BLOCK)
                if block is None or len(block) != expected:
                    damaged = self.parsed(section, ids)
                    return damaged[position]
                read[number] = block
            line = block[at]
            if not keep:
                block[at] = None
            row = json.loads(_text(memoryview(line))) if line is not None else None
            if type(row) is not list or len(row) != width:
                damaged = self.parsed(section, ids)
                return damaged[position]
            for column in at_dates:
                if row[column] is not None:
                    row[column] = self.date(row[column])  # the file's dates are in its table
            if value >= 0 and type(row[value]) is dict:
                row[value] = _figure(row[value])
            row.append((origins, position))
            return _unchecked(model, dict(zip(keys, row, strict=True)), set_fields)

        return make


@functools.cache
def _shape(section: str) -> tuple[type[Entity], list[int], int, list[str], int, set[str]]:
    """What rows of a section are made with: its model, the columns that hold dates,
    the one that holds a figure (-1: none), the keys, their number, and the fields set.
    Worked out once, not for each entry: thousands of small files have thousands."""
    model = ENTITY_MODELS[section]
    fields = list(model.model_fields)
    at_dates = [n for n, name in enumerate(fields) if name in DATE_FIELDS]
    value = fields.index("value") if model is Claim else -1
    return model, at_dates, value, [*fields, "_origin"], len(fields), set(fields)


_FIGURE_FIELDS = tuple(QuantityForm.model_fields)


def _figure(written: dict[str, Any]) -> QuantityForm:
    if not written.keys() <= set(_FIGURE_FIELDS):
        raise ValueError("unknown figure field")
    values = dict.fromkeys(_FIGURE_FIELDS)
    values.update(written)
    return _unchecked(QuantityForm, values, set(written))


_Model = TypeVar("_Model", bound=BaseModel)


def _unchecked(model: type[_Model], values: dict[str, Any], given: set[str]) -> _Model:
    """A pydantic model made from values it validated before, without validating them
    again (what `model_construct` does, at a fifth of its cost)."""
    made = model.__new__(model)
    object.__setattr__(made, "__dict__", values)
    object.__setattr__(made, "__pydantic_fields_set__", given)
    object.__setattr__(made, "__pydantic_extra__", None)
    object.__setattr__(made, "__pydantic_private__", None)
    return made
