"""How contested reads and writes paths a user named: the one place that decides.

Every path comes from someone: a colleague's timeline folder, `--notes`, `-o`, the
cache folder. Any of them may be a FIFO (opening it blocks until a writer comes), a
device (`/dev/zero` never ends, `/dev/full` fails every write), a symlink (to the notes
file a team shares), a sparse file of gigabytes, or be deleted or replaced while we run.
So:

- a reader looks at a path's type and size before it reads a byte (`read_regular`), and
  opens it without blocking and without following a link where the caller says so;
- a writer takes one of three policies, by what the caller writes:
  - `replace`: the real file behind any symlink is replaced atomically (a temporary file
    beside it, fsync, rename), keeping its permissions: notes and reports;
  - `write_output`: a user's `-o`: a regular file (or a link to one) is replaced as
    above; a FIFO, a character device, `-` or a descriptor (`/dev/stdout`) is written
    through in place, as a shell's `>` would; anything else (a folder, a block device,
    a socket) is refused with a message;
  - `replace_own`: the cache's entries, where the name itself is replaced and links
    are never followed;
  - `create_new`: a file that must not exist yet (a starter catalog): created whole,
    and never over anything that appeared there meanwhile;
- temporaries carry the writer's host and process, so the next write beside them
  removes those a killed process left (`kill -9` mid-save), and never a live one.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import socket
import stat
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Literal

from contested.errors import FileRefused

CHUNK = 1 << 20
STALE_AFTER = 86400.0
"""A temporary of another host (whose processes we cannot ask) is left this long."""
_LINK_HOPS = 40


class Refused(FileRefused):
    """A path that is not what the caller may read or write. `code` names the kind
    (`not-a-file`, `file-too-large`, `unreadable`, `not-writable`), the message says it in
    words, without the path (the caller places it)."""

    def __init__(self, code: str, reason: str, errno: int | None = None) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason
        self.errno = errno
        """The OSError's, where one said why."""

    @property
    def missing(self) -> bool:
        """Nothing is at the path (or a folder on the way is not a folder)."""
        return self.errno in (errno.ENOENT, errno.ENOTDIR)


def kind_of(mode: int) -> str:
    """What a file of this mode is, in words, for messages."""
    for test, name in ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO (named pipe)"),
                       (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
                       (stat.S_ISSOCK, "a socket"), (stat.S_ISLNK, "a symbolic link")):
        if test(mode):
            return name
    return "a regular file" if stat.S_ISREG(mode) else "not a regular file"


def _reason(error: OSError) -> str:
    return error.strerror or str(error)


# --- reading ----------------------------------------------------------------------------------

def read_regular(path: str | Path, limit: int, *, follow: bool = True) -> bytes:
    """The bytes of the regular file at `path`, if it has at most `limit` of them:
    `read_with_stat` without the stat."""
    return read_with_stat(path, limit, follow=follow)[0]


def read_with_stat(path: str | Path, limit: int, *, follow: bool = True,
                   ) -> tuple[bytes, os.stat_result]:
    """The bytes of the regular file at `path`, if it has at most `limit` of them, and
    its stat as it was opened (before the first byte was read).

    Its type and size are checked by a stat before it is opened, and again on the open
    descriptor (it may have been swapped in between); it is opened non-blocking, so a
    FIFO put there meanwhile cannot hang us, and read in chunks, so a file that grows
    while read stops at `limit`. `follow=False` refuses a symbolic link.
    Raises `Refused`."""
    try:
        info = os.stat(path) if follow else os.lstat(path)
    except OSError as error:
        raise Refused("unreadable", _reason(error), error.errno) from None
    _check_regular(info, limit)
    flags = os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC
    try:
        handle = os.open(path, flags | (0 if follow else os.O_NOFOLLOW))
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise Refused("not-a-file", "a symbolic link, which is not followed here") from None
        raise Refused("unreadable", _reason(error), error.errno) from None
    try:
        opened = os.fstat(handle)
        _check_regular(opened, limit)
        os.set_blocking(handle, True)
        chunks: list[bytes] = []
        total = 0
        while chunk := os.read(handle, CHUNK):
            total += len(chunk)
            if total > limit:
                raise _too_large(total, limit, growing=True)
            chunks.append(chunk)
    except OSError as error:
        raise Refused("unreadable", _reason(error), error.errno) from None
    finally:
        os.close(handle)
    return b"".join(chunks), opened


def _check_regular(info: os.stat_result, limit: int) -> None:
    if not stat.S_ISREG(info.st_mode):
        raise Refused("not-a-file", f"{kind_of(info.st_mode)}, not a regular file")
    if info.st_size > limit:
        raise _too_large(info.st_size, limit)


def _too_large(size: int, limit: int, *, growing: bool = False) -> Refused:
    has = f"over {limit:,} bytes (it grew while read)" if growing else f"{size:,} bytes"
    return Refused("file-too-large", f"the file has {has}, over the limit of {limit:,}")


def open_regular(path: str | Path) -> int | None:
    """A descriptor of `path` if it is a regular file (never a link, never blocking);
    None for anything else, missing included. For the cache, which rebuilds what it
    cannot use."""
    try:
        handle = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | os.O_NOCTTY
                         | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        if stat.S_ISREG(os.fstat(handle).st_mode):
            os.set_blocking(handle, True)
            return handle
    except OSError:
        pass
    os.close(handle)
    return None


def open_own(path: str | Path) -> BinaryIO | None:
    """`path` open for reading if it is a regular file (never a link, never blocking) of
    this user that nobody else may write; None for anything else. For what the caches
    keep: another user's entry could say anything, and would be believed."""
    descriptor = open_regular(path)
    if descriptor is None:
        return None
    handle = open(descriptor, "rb")  # noqa: SIM115 (returned open, for the caller's `with`)
    try:
        info = os.fstat(handle.fileno())
    except OSError:
        info = None
    if info is not None and info.st_uid == os.geteuid() and not info.st_mode & (
            stat.S_IWGRP | stat.S_IWOTH):
        return handle
    handle.close()
    return None


# --- where a write lands ------------------------------------------------------------------------

def real_path(path: str | Path) -> Path:
    """The file a write to `path` must change: `path` with every symbolic link resolved
    (a dangling link: the file it names, to be created). Writing there, not over the
    link, keeps the link and everyone who reads through it."""
    return Path(os.path.realpath(path))


def through_descriptor(path: str | Path) -> bool:
    """Whether `path` names one of this process's open descriptors (`/dev/stdout`,
    `/dev/fd/1`, `/proc/self/fd/1`), directly or through links: what is behind it is
    the caller's redirection, written in place, never replaced."""
    current = os.path.abspath(path)
    for _ in range(_LINK_HOPS):
        if re.match(r"/(dev/fd|proc/[^/]+/fd)/", current) or current in (
                "/dev/stdout", "/dev/stderr", "/dev/stdin"):
            return True
        try:
            target = os.readlink(current)
        except OSError:
            return False
        current = os.path.normpath(os.path.join(os.path.dirname(current), target))
    return False


def writable_by_mode(info: os.stat_result) -> bool:
    """Whether the file's permission bits let us write it. Root may write anything, so
    for root a file nobody may write (mode 444) counts as read-only too: the bits say what
    its owner meant, and a rename would replace it regardless."""
    mode = info.st_mode
    if os.geteuid() == 0:
        return bool(mode & 0o222)
    if info.st_uid == os.geteuid():
        return bool(mode & stat.S_IWUSR)
    if info.st_gid in os.getgroups() or info.st_gid == os.getegid():
        return bool(mode & stat.S_IWGRP)
    return bool(mode & stat.S_IWOTH)


# --- writing -----------------------------------------------------------------------------------

def replace(path: str | Path, data: bytes | str | Iterable[str], *, tidy: bool = True
            ) -> Path:
    """Replace the real file behind `path` (links resolved) atomically; returns it.

    A reader, or a crash mid-write, sees the old file or the new one. The permissions of
    an existing file are kept. `data` may come in pieces (an export written as it is
    made); if making them fails, the temporary is removed and the old file stays.
    `tidy` first removes the temporaries a killed writer of the same file left. Raises
    `Refused` if something other than a regular file is there, OSError if the folder
    cannot be written."""
    target = real_path(path)
    try:
        info = os.stat(target)
    except FileNotFoundError:
        pass
    else:
        if not stat.S_ISREG(info.st_mode):
            raise Refused("not-a-file", f"{kind_of(info.st_mode)}, not a regular file")
    if tidy:
        remove_stale_temporaries(target.parent, target.name)
    _replace_name(target, data, follow=True)
    return target


def replace_own(path: str | Path, data: bytes | Sequence[bytes], *, mode: int = 0o600) -> None:
    """Replace the name `path` itself (whatever is there: a link, a FIFO) with a new
    regular file of `mode`: for files only contested writes, in its own folder (which
    removes its stale temporaries itself, with `remove_stale_temporaries`). Not synced
    to disk: what it holds can be made again (a cache), and a sync per file made
    thousands of small files slow to load the first time."""
    _replace_name(Path(path), data, follow=False, mode=mode, durable=False)


def _replace_name(target: Path, data: bytes | str | Iterable[bytes] | Iterable[str], *,
                  follow: bool, mode: int | None = None, durable: bool = True) -> None:
    folder = target.parent
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=_temporary_prefix(target.name),
                                         suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            parts = [data] if isinstance(data, bytes | str) else data
            for part in parts:  # in parts: a big entry is not copied into one
                out.write(part.encode("utf-8") if isinstance(part, str) else part)
            out.flush()
            if durable:
                os.fsync(out.fileno())
        if mode is None:
            try:
                mode = (os.stat(target) if follow else os.lstat(target)).st_mode & 0o7777
                if not follow and not stat.S_ISREG(mode):
                    mode = 0o600
            except FileNotFoundError:
                mode = 0o666 & ~_umask()  # what open() would have given a new file
        os.chmod(temporary, mode)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    if durable:
        _sync_folder(folder)


@dataclass(frozen=True)
class Written:
    """Where `write_output` put the text: `replaced` a file, or wrote `through` a FIFO,
    a device or a descriptor in place."""

    path: str
    how: Literal["replaced", "through", "stdout"]


def write_output(path: str, text: str | Iterable[str]) -> Written:
    """Write a report where a user's `-o PATH` says, as a shell's `>` would, but never
    half a file: see the module's docstring. `text` may come in pieces, written as they
    come (a replaced file gets them in its temporary). Raises `Refused` with what to do
    instead, or OSError."""
    parts = [text] if isinstance(text, str) else text
    if path == "-":
        for part in parts:
            sys.stdout.write(part)
        sys.stdout.flush()
        return Written(path, "stdout")
    try:
        info: os.stat_result | None = os.stat(path)
    except FileNotFoundError:
        info = None
    except OSError as error:
        raise Refused("not-writable", _reason(error)) from None
    if through_descriptor(path) or (info is not None and (
            stat.S_ISFIFO(info.st_mode) or stat.S_ISCHR(info.st_mode))):
        _write_through(path, parts, append=info is not None and stat.S_ISREG(info.st_mode))
        return Written(path, "through")
    if info is not None and not stat.S_ISREG(info.st_mode):
        raise Refused("not-writable", f"{kind_of(info.st_mode)}: give a file, "
                      "or - for standard output")
    return Written(str(replace(path, parts)), "replaced")


def _write_through(path: str, parts: Iterable[str], *, append: bool) -> None:
    """Write in place, never creating or truncating: a FIFO's reader, a device, or the
    file a shell redirection opened (appended to, so `>>` keeps what it had)."""
    flags = os.O_WRONLY | os.O_NOCTTY | os.O_CLOEXEC | (os.O_APPEND if append else 0)
    handle = os.open(path, flags)
    try:
        for part in parts:
            view = memoryview(part.encode("utf-8"))
            while view:
                view = view[os.write(handle, view):]
    finally:
        os.close(handle)


def create_new(path: str | Path, data: bytes) -> None:
    """Create the file `path` whole, never replacing anything there: written to a
    temporary beside it, synced, then linked to its name, which fails (FileExistsError)
    if the name was taken meanwhile. Where hard links are not supported, the name is
    created exclusively and written in place (removed if the write fails)."""
    target = Path(path)
    handle, temporary = tempfile.mkstemp(dir=target.parent,
                                         prefix=_temporary_prefix(target.name), suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, 0o666 & ~_umask())  # what open() would have given it
        try:
            os.link(temporary, target)
        except FileExistsError:
            raise
        except OSError as error:
            if error.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV,
                                   errno.EMLINK, errno.ENOSYS):
                raise
            _create_in_place(target, data)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
    _sync_folder(target.parent)


def _create_in_place(target: Path, data: bytes) -> None:
    handle = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
                     | os.O_CLOEXEC, 0o666)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(target)
        raise


# --- temporaries ---------------------------------------------------------------------------------

def _host() -> str:
    return re.sub(r"[^A-Za-z0-9-]", "", socket.gethostname())[:32] or "host"


def _temporary_prefix(name: str) -> str:
    """`.NAME.~PID@HOST.`: whose temporary it is, so a later write can tell a crashed
    writer's from a live one's."""
    return f".{name[:100]}.~{os.getpid()}@{_host()}."


def keep_recent(folder: Path, names: re.Pattern[str], count: int, *,
                size: int | None = None, keep: Path | None = None) -> None:
    """Of the files in `folder` whose names match `names`, remove all but the `count`
    used last (their mtime, which readers touch), and those past `size` bytes in all;
    `keep`, just written, stays. What a cache keeps of things as large as a catalog."""
    found: list[tuple[float, int, Path]] = []
    try:
        entries = list(folder.iterdir())
    except OSError:
        return
    for entry in entries:
        if not names.fullmatch(entry.name):
            continue
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        found.append((float("inf") if entry == keep else info.st_mtime, info.st_size, entry))
    total = 0
    for number, (_, bytes_, entry) in enumerate(sorted(found, reverse=True)):
        total += bytes_
        if entry != keep and (number >= count or (size is not None and total > size)):
            with contextlib.suppress(OSError):
                entry.unlink()


def remove_stale_temporaries(folder: Path, name: str | None = None,
                             now: float | None = None) -> int:
    """Remove the temporaries in `folder` (of writes to `name`; None: to any file) that a
    killed writer left: those of a process of this host that is gone, and any older than
    `STALE_AFTER`. Only names our writers make. Returns how many were removed."""
    target = re.escape(name[:100]) if name is not None else r".+?"
    pattern = re.compile(rf"\.{target}\.(?:~(\d+)@([A-Za-z0-9-]*)\.)?[A-Za-z0-9_]+\.tmp")
    now = time.time() if now is None else now
    host = _host()
    removed = 0
    try:
        entries = os.scandir(folder)
    except OSError:
        return 0
    with entries:
        for entry in entries:
            match = pattern.fullmatch(entry.name)
            if match is None:
                continue
            try:
                info = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            if not stat.S_ISREG(info.st_mode):
                continue
            pid, where = match.group(1), match.group(2)
            dead = (pid is not None and where == host and int(pid) != os.getpid()
                    and not _alive(int(pid)))
            if dead or now - info.st_mtime > STALE_AFTER:
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)
                    removed += 1
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    return True


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current


def _sync_folder(folder: Path) -> None:
    """The rename itself survives a power cut once the folder is synced."""
    with contextlib.suppress(OSError):
        directory = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
