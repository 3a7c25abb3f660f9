"""What a command printed for a catalog, kept so that the same command on the same files
prints it again without loading, analysing or rendering anything.

A second `contested validate` or `contested contradictions` of an unchanged catalog is
then the cost of checking that nothing changed, plus writing the output. One entry per
invocation (`Invocation`: the command and its options, the paths as given, the working
directory and what the output reads from the terminal), in the catalog cache's folder:

    line 1: a JSON header: the files as discovered; each file's key as the catalog
            cache computes it (path, size, mtime, SHA-256) with its stat when it was
            hashed; the stat of each document's archived copy as it was read (or
            that it was absent); the digest of everything else that feeds the
            output (`_key`); the
            exit status; the output's size; the SHA-256 of the header's other fields
            and the output (a damaged header is as unusable as damaged output);
    then:   the output, as records: the stream (`o` standard output, `e` standard
            error), the length, the text (UTF-8, lone surrogates kept).

It is used only when every part matches: the files are discovered again (a file added
or removed is a miss), and each must have the stat it had when its key was computed,
that key settled (as the catalog cache's `unchanged` trusts a stat: no file is read);
the key's digest covers contested's version and a digest of its own source (a changed
checkout never reuses what another printed), the Python, the folders of its import path
(a dependency installed or upgraded changes them), the limits and the libyaml reader.
An entry that does not match, is damaged or truncated (its digest), or is not the user's
own, is ignored, and the run that follows writes it anew. Only runs whose every message
is about one of the keyed files are kept (a missing path or an unreadable file is
reported from the file system, which no key holds), and only outputs up to
`LARGEST_OUTPUT`; at most `KEEP_ENTRIES` entries and `KEEP_BYTES` in all are kept, the
least recently used dropped first.
"""

from __future__ import annotations

import codecs
import contextlib
import hashlib
import json
import os
import re
import stat
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TextIO

from contested import __version__
from contested.support.files import (
    keep_recent,
    open_own,
    remove_stale_temporaries,
    replace_own,
)

if TYPE_CHECKING:
    from contested.catalog.cache.store import FileKey
    from contested.format.diagnostics import Diagnostic

DERIVED_FORMAT = 2
"""Raised when the layout of an entry changes; part of the key."""
LARGEST_OUTPUT = 128 << 20
"""An output longer than this is not kept (`contradictions --all` of a huge catalog)."""
KEEP_ENTRIES = 8
KEEP_BYTES = 512 << 20
"""The entries kept: the most recently used, at most this many and this large in all."""
_RECORD = 1 << 20
"""Text of one stream is kept in records of about this size, each decoded and written
on its own when replayed."""
_HEADER_LIMIT = 64 << 20
_NAME = re.compile(r"derived-[0-9a-f]{32}\.out")
_LENGTH = 8


@dataclass(frozen=True)
class Invocation:
    """One run of a command, as far as its output can tell: what the user asked for
    (`command`: the command and its options, as JSON values; `paths`: the paths it
    loads, as given, the bundled catalog's when none was) and where it was asked
    (`environment`: the working directory, whether each stream is a terminal and
    coloured, its width and encoding: whatever the output reads)."""

    command: Sequence[object]
    paths: Sequence[str]
    environment: dict[str, object] = field(default_factory=dict)

    def name(self) -> str:
        """One entry per invocation: a changed catalog replaces its own entry."""
        return _digest(_dumped([self.command, list(self.paths), self.environment]))[:32]


class Loaded(Protocol):
    """What a command loaded (a `catalog.loading.LoadResult`): the files found, their
    keys (none unless every file has one) and every problem reported."""

    @property
    def paths(self) -> Sequence[str]: ...

    @property
    def keys(self) -> Sequence[FileKey]: ...

    @property
    def diagnostics(self) -> Sequence[Diagnostic]: ...

    @property
    def archives(self) -> Sequence[list[object]]: ...


class Recorder:
    """A text stream that writes through to `stream` and keeps what was written in its
    `Recording`: given to a command in place of standard output or error."""

    def __init__(self, stream: TextIO, tag: bytes, recording: Recording) -> None:
        self._stream = stream
        self._tag = tag
        self._recording = recording

    @property
    def encoding(self) -> str | None:
        return getattr(self._stream, "encoding", None)

    @property
    def errors(self) -> str | None:
        return getattr(self._stream, "errors", None)

    def write(self, text: str) -> int:
        written = self._stream.write(text)
        self._recording.keep(self._tag, text)
        return written

    def writelines(self, lines: Sequence[str]) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        self._stream.flush()

    def isatty(self) -> bool:
        return self._stream.isatty()

    def fileno(self) -> int:
        """The stream's own descriptor, for what hands it to a child process (whose
        writes are not the command's output)."""
        return self._stream.fileno()


class Recording:
    """What a command wrote to standard output (`out`) and error (`err`), in order, as
    records (the entry's layout); dropped once longer than `LARGEST_OUTPUT`."""

    def __init__(self, out: TextIO, err: TextIO) -> None:
        self.out = Recorder(out, b"o", self)
        self.err = Recorder(err, b"e", self)
        self.overflowed = False
        self._records: list[bytes] = []
        self._tag = b""
        self._pending: list[bytes] = []
        self._pending_size = 0
        self._size = 0

    def keep(self, tag: bytes, text: str) -> None:
        if self.overflowed:
            return
        data = text.encode("utf-8", "surrogatepass")
        self._size += len(data)
        if self._size > LARGEST_OUTPUT:
            self.overflowed = True
            self._records, self._pending, self._pending_size = [], [], 0
            return
        if tag != self._tag or self._pending_size >= _RECORD:
            self._close()
            self._tag = tag
        self._pending.append(data)
        self._pending_size += len(data)

    def records(self) -> list[bytes]:
        """The records so far, in the entry's layout."""
        self._close()
        return self._records

    def _close(self) -> None:
        if self._pending:
            body = b"".join(self._pending)
            self._records.append(self._tag + len(body).to_bytes(_LENGTH, "little"))
            self._records.append(body)
        self._pending, self._pending_size = [], 0


class DerivedCache:
    """Commands' outputs, one entry per `Invocation`, under `folder` (by default the
    catalog cache's)."""

    def __init__(self, folder: str | Path | None = None) -> None:
        if folder is None:
            from contested.support.dirs import cache_dir

            folder = cache_dir() / "catalog"
        self.folder = Path(folder)

    def entry_path(self, invocation: Invocation) -> Path:
        return self.folder / f"derived-{invocation.name()}.out"

    def replay(self, invocation: Invocation, out: TextIO, err: TextIO) -> int | None:
        """Write what the command printed for this invocation of these very files, and
        return its exit status; None (nothing written) if no sound entry says it."""
        found = self._read(invocation)
        if found is None:
            return None
        status, records = found
        streams = {b"o": _writer(out), b"e": _writer(err)}
        view, at = memoryview(records), 0
        while at < len(view):
            write = streams[bytes(view[at : at + 1])]
            length = int.from_bytes(view[at + 1 : at + 1 + _LENGTH], "little")
            at += 1 + _LENGTH
            write(view[at : at + length])
            at += length
        return status

    def recording(self, out: TextIO, err: TextIO) -> Recording:
        """Streams to run the command with, which keep what it writes for `put`."""
        return Recording(out, err)

    def put(self, invocation: Invocation, recording: Recording, status: int,
            loaded: Loaded) -> bool:
        """Keep what the command wrote after loading `loaded`, if all it said came from
        files whose keys are known and settled; a cache that cannot be written is not an
        error. Whether an entry was written."""
        stamps = _stamps(loaded)
        if stamps is None or recording.overflowed:
            return False
        records = recording.records()
        size = sum(map(len, records))
        listed = list(loaded.paths)
        archives = _archive_stamps(loaded)
        if archives is None:
            return False
        header = {"derived": DERIVED_FORMAT, "listed": listed, "files": stamps,
                  "archives": archives,
                  "key": _key(invocation, listed, [stamp[:4] for stamp in stamps], archives),
                  "status": status, "output": size}
        header["sha256"] = _digest_of([_dumped(header).encode("ascii"), *records])
        entry = self.entry_path(invocation)
        try:
            self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            replace_own(entry, [_dumped(header).encode("utf-8", "surrogateescape") + b"\n",
                                *records])
        except OSError:
            return False
        self.prune(keep=entry)
        return True

    def prune(self, keep: Path | None = None) -> None:
        """Drop the least recently used entries beyond `KEEP_ENTRIES` or `KEEP_BYTES`
        (`keep`, just written, stays), and temporaries a killed writer left."""
        keep_recent(self.folder, _NAME, KEEP_ENTRIES, size=KEEP_BYTES, keep=keep)
        remove_stale_temporaries(self.folder)

    def _read(self, invocation: Invocation) -> tuple[int, bytes] | None:
        """The exit status and output records of the invocation's entry, if it is sound
        and every file it names is as it was (`_same_files`)."""
        entry = self.entry_path(invocation)
        opened = open_own(entry)  # never a link, a FIFO that would block, another's file
        if opened is None:
            return None
        try:
            with opened as handle:
                header = _header(handle.readline(_HEADER_LIMIT))
                if header is None or header["derived"] != DERIVED_FORMAT:
                    return None
                keys = _same_files(invocation, header["listed"], header["files"])
                archives = header["archives"]
                if (keys is None or not _same_archives(archives)
                        or header["key"] != _key(invocation, header["listed"], keys, archives)):
                    return None
                size, digest = header["output"], header.pop("sha256")
                records = handle.read(size + 1)
        except (OSError, ValueError, TypeError, KeyError):
            return None
        if len(records) != size or _digest_of([_dumped(header).encode("ascii"),
                                               records]) != digest:
            return None  # damaged or truncated: the run that follows writes it anew
        with contextlib.suppress(OSError):
            os.utime(entry)  # its mtime says when it was last used, for `prune`
        status = header["status"]
        return (status, records) if type(status) is int else None


def _writer(stream: TextIO) -> Callable[[memoryview], None]:
    """How a record is written to `stream`: as its text, which the stream encodes as it
    did the first time; or, where that encoding would give the record's own bytes back
    (UTF-8, strict, no line endings translated), as those bytes, after the text before."""
    buffer = getattr(stream, "buffer", None)
    encoding, errors = getattr(stream, "encoding", None), getattr(stream, "errors", None)
    with contextlib.suppress(LookupError):
        if (buffer is not None and os.linesep == "\n" and errors == "strict"
                and isinstance(encoding, str) and codecs.lookup(encoding).name == "utf-8"):

            def write_bytes(record: memoryview) -> None:
                stream.flush()
                buffer.write(record)

            return write_bytes

    def write_text(record: memoryview) -> None:
        stream.write(str(record, "utf-8", "surrogatepass"))

    return write_text


def _header(line: bytes) -> dict[str, Any] | None:
    try:
        header = json.loads(line)
    except ValueError:
        return None
    if not isinstance(header, dict) or not {"derived", "listed", "files", "archives", "key",
                                            "status", "output", "sha256"} <= header.keys():
        return None
    return header


def _same_files(invocation: Invocation, listed: list[str], stamps: list[list[Any]],
                ) -> list[list[Any]] | None:
    """The files' keys (path, size, mtime, SHA-256) if the invocation's paths find the
    same files now, each with the stat it had when its key was computed; else None.
    No file is read."""
    from contested.catalog.discover import discover

    files, problems = discover(list(invocation.paths))
    if problems or files != listed or len(stamps) != len(files):
        return None
    keys = []
    for path, (absolute, size, mtime, sha256, inode, device, ctime) in zip(
            files, stamps, strict=True):
        try:
            info = os.stat(path)
        except OSError:
            return None
        if (absolute != os.path.abspath(path) or not stat.S_ISREG(info.st_mode)
                or [info.st_size, info.st_mtime_ns, info.st_ino, info.st_dev,
                    info.st_ctime_ns] != [size, mtime, inode, device, ctime]):
            return None
        keys.append([absolute, size, mtime, sha256])
    return keys


def _same_archives(stamps: list[list[Any]]) -> bool:
    """Whether each archived copy is as it was read (by its stat), or still absent."""
    for stamp in stamps:
        try:
            info = os.stat(stamp[0])
        except OSError:
            if len(stamp) == 1:
                continue
            return False
        if len(stamp) == 1 or [info.st_size, info.st_mtime_ns, info.st_ino, info.st_dev,
                               info.st_ctime_ns] != stamp[1:6]:
            return False
    return True


def _archive_stamps(loaded: Loaded) -> list[list[Any]] | None:
    """The stats of the archived copies read, if each is settled (changed long enough
    before it was read that a change since would show in its stat); else None."""
    from contested.catalog.cache import store

    stamps = [list(stamp) for stamp in loaded.archives]
    for stamp in stamps:
        if len(stamp) > 1 and not (isinstance(stamp[5], int) and isinstance(stamp[6], int)
                                   and stamp[5] <= stamp[6] - store.SETTLED_NS):
            return None
    return stamps


def _stamps(loaded: Loaded) -> list[list[Any]] | None:
    """Each loaded file's key and its stat when hashed, if every file has a key that a
    stat can vouch for (settled, as the catalog cache's `unchanged` requires) and every
    message is about one of them; else None: the output depends on something no key
    holds."""
    from contested.catalog.cache import store

    keys = list(loaded.keys)
    if len(keys) != len(loaded.paths):
        return None
    stamps = []
    for key in keys:
        if key.seen is None:
            return None
        inode, device, ctime, read_at = key.seen
        if ctime > read_at - store.SETTLED_NS:
            return None
        stamps.append([key.path, key.size, key.mtime_ns, key.sha256, inode, device, ctime])
    files = set(loaded.paths)
    if any(problem.location.path not in files for problem in loaded.diagnostics):
        return None
    return stamps


def _key(invocation: Invocation, listed: list[str], keys: list[list[Any]],
         archives: list[list[Any]]) -> str:
    """The digest of everything the output is made from, the files' content by key."""
    from contested.format.guarded_yaml import DEFAULT_LIMITS, HAVE_LIBYAML

    return _digest(_dumped({
        "derived": DERIVED_FORMAT, "contested": __version__, "source": source_digest(),
        "python": [sys.version, os.path.realpath(sys.executable)], "imports": _import_folders(),
        "limits": repr(DEFAULT_LIMITS), "libyaml": HAVE_LIBYAML,
        "command": list(invocation.command), "paths": list(invocation.paths),
        "environment": invocation.environment, "listed": listed, "files": keys,
        "archives": archives,
    }))


_SOURCE = Path(__file__).resolve().parents[2]
"""The `contested` package: src/contested in a checkout."""


def source_digest(package: Path = _SOURCE) -> str:
    """A digest of every file of the package (its Python source; no compiled file):
    an edited checkout, or another install of the same version, is another program."""
    digest = hashlib.sha256()
    for folder, subfolders, names in os.walk(package):
        subfolders[:] = sorted(name for name in subfolders if name != "__pycache__")
        for name in sorted(names):
            if name.endswith((".pyc", ".pyo")):
                continue
            path = os.path.join(folder, name)
            digest.update(os.path.relpath(path, package).encode("utf-8", "surrogateescape"))
            digest.update(b"\0")
            with contextlib.suppress(OSError), open(path, "rb") as source:
                digest.update(hashlib.sha256(source.read()).digest())
    return digest.hexdigest()


def _import_folders() -> list[list[object]]:
    """Each folder Python imports from, with its stat: installing, removing or
    upgrading a package (pyyaml, pydantic, numpy) adds or renames entries there. The
    working directory (`python -m`'s first folder) is named, not stated: a shell
    making `> out.txt` in it would change it every time."""
    folders: list[list[object]] = []
    here = os.path.abspath(".")
    for entry in sys.path:
        if os.path.abspath(entry or ".") == here:
            folders.append([entry])
            continue
        try:
            info = os.stat(entry)
        except OSError:
            continue
        folders.append([entry, info.st_ino, info.st_mtime_ns])
    return folders


def _dumped(value: object) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=True)


def _digest(data: bytes | str) -> str:
    return hashlib.sha256(data.encode("utf-8", "surrogatepass") if isinstance(data, str)
                          else data).hexdigest()


def _digest_of(parts: list[bytes]) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part)
    return digest.hexdigest()
