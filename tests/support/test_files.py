"""Paths a user named: what is read, what is written, and what is never touched.

Tests run as root in CI, so permissions are not enforced by the kernel: read-only is
checked by the mode bits. No test aims at the machine's real devices: a FIFO, a symlink
or a device node made in a temporary folder stands in.
"""

from __future__ import annotations

import contextlib
import os
import signal
import stat
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest

from contested.catalog.cache.store import CatalogCache
from contested.catalog.discover import read_timeline
from contested.catalog.loading import load_catalog
from contested.cli import main
from contested.format.diagnostics import DiagnosticError
from contested.review.notes import toggled_star, with_tags
from contested.review.store import NotesReadOnly, NotesStore
from contested.support.files import (
    STALE_AFTER,
    Refused,
    read_regular,
    remove_stale_temporaries,
    through_descriptor,
    write_output,
)
from tests.helpers import SOURCES

WAIT = 20.0
"""Seconds a FIFO test waits before it calls the call under test hung."""

ROOT = os.geteuid() == 0

T = TypeVar("T")


def finishes(call: Callable[[], T], timeout: float = WAIT) -> T:
    """`call()` run on a thread; fails the test if it has not returned within `timeout`
    (a FIFO opened for reading blocks until a writer comes: the bug these tests catch)."""
    result: list[T] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            result.append(call())
        except BaseException as error:  # the test's own assertions see it
            errors.append(error)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        # Unblock it: a writer on the FIFO (or nothing to unblock) lets the thread end.
        pytest.fail(f"still running after {timeout} s: it blocked")
    if errors:
        raise errors[0]
    return result[0]


@contextlib.contextmanager
def fifo_reader(path: Path) -> Iterator[list[bytes]]:
    """A FIFO at `path` with a reader on a thread; what it read, once the block ends."""
    os.mkfifo(path)
    got: list[bytes] = []

    def read() -> None:
        with open(path, "rb") as handle:
            got.append(handle.read())

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    yield got
    reader.join(WAIT)
    assert not reader.is_alive(), "the FIFO's reader never saw the end of the text"


def unblock(path: Path) -> None:
    """Open the FIFO at `path` for writing and close it, so that a reader blocked on it
    (after a failed test) returns."""
    with contextlib.suppress(OSError):
        os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))


def device(path: Path, major: int, minor: int) -> Path:
    """A character device node at `path` (root only): `1, 3` is null, `1, 7` full."""
    os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(major, minor))
    return path


needs_root = pytest.mark.skipif(not ROOT, reason="making a device node needs root; "
                                "CI runs as root")


# --- reading --------------------------------------------------------------------------------

def test_a_fifo_is_refused_without_being_waited_on(tmp_path: Path) -> None:
    fifo = tmp_path / "timeline.yaml"
    os.mkfifo(fifo)
    try:
        with pytest.raises(Refused, match="FIFO") as refused:
            finishes(lambda: read_regular(fifo, 1 << 20))
        assert refused.value.code == "not-a-file"
        with pytest.raises(DiagnosticError, match="FIFO"):
            finishes(lambda: read_timeline(str(fifo)))
    finally:
        unblock(fifo)


def test_a_link_to_a_fifo_in_a_catalog_is_an_error_not_a_hang(tmp_path: Path) -> None:
    (tmp_path / "sources.yaml").write_text(SOURCES)
    fifo = tmp_path / ".pipe"
    os.mkfifo(fifo)
    (tmp_path / "claims.yaml").symlink_to(fifo)
    try:
        result = finishes(lambda: load_catalog([tmp_path / "claims.yaml"]))
        (problem,) = result.diagnostics
        assert problem.code == "not-a-file"
        assert "FIFO" in problem.message
    finally:
        unblock(fifo)


def test_an_over_size_file_is_refused_before_a_byte_is_read(tmp_path: Path) -> None:
    """A sparse file of 3 GB: refused from its stat, in a process that could not hold it
    (before, `validate` read it whole to show the line under the message)."""
    big = tmp_path / "big.yaml"
    with open(big, "wb") as handle:
        handle.truncate(3 << 30)
    notes = tmp_path / "contested-notes.yaml"
    os.link(big, notes)
    script = textwrap.dedent(f"""
        import resource, sys
        from pathlib import Path
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
        from contested.cli import main
        from contested.review.store import NotesStore
        store = NotesStore(Path({str(notes)!r}))
        print("notes:", store.read_only, flush=True)
        sys.exit(main(["validate", {str(big)!r}]))
        """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert "over the limit" in done.stdout.splitlines()[0]
    assert "read-only" in done.stdout.splitlines()[0]
    assert f"{big}:1:1: the file has 3,221,225,472 bytes, over the limit" in done.stdout


# --- the cache ----------------------------------------------------------------------------

def test_a_cache_entry_replaced_by_a_fifo_or_a_link_is_ignored_and_rebuilt(
        tmp_path: Path) -> None:
    catalog = tmp_path / "catalog"
    catalog.mkdir()
    (catalog / "sources.yaml").write_text(SOURCES)
    cache = CatalogCache(tmp_path / "cache")
    load_catalog([catalog], cache=cache)
    (entry,) = [p for p in cache.folder.iterdir() if not p.name.startswith("linked-")]
    entry.unlink()
    os.mkfifo(entry)
    try:
        again = CatalogCache(cache.folder)
        result = finishes(lambda: load_catalog([catalog], cache=again))
        assert result.ok
        assert again.hits == 0
        assert stat.S_ISREG(entry.lstat().st_mode)  # rebuilt as a file of ours
    finally:
        unblock(entry)
    decoy = tmp_path / "decoy.json"
    sound = entry.read_bytes()
    decoy.write_bytes(sound)
    os.chmod(decoy, 0o600)
    entry.unlink()
    entry.symlink_to(decoy)
    linked = CatalogCache(cache.folder)
    assert load_catalog([catalog], cache=linked).ok
    assert linked.hits == 0  # a link is not followed, even to a sound entry
    assert not entry.is_symlink()
    assert decoy.read_bytes() == sound  # the link's target was not written


def test_the_cache_removes_the_temporaries_a_killed_write_left(tmp_path: Path) -> None:
    cache = CatalogCache(tmp_path / "cache")
    cache.folder.mkdir(parents=True)
    dead = cache.folder / f".0123456789abcdef0123456789abcdef.json.~{dead_pid()}@{host()}.x1.tmp"
    dead.write_text("half an entry")
    legacy = cache.folder / "tmpab12cd.tmp"
    legacy.write_text("an old version's")
    old = time.time() - STALE_AFTER - 60
    os.utime(legacy, (old, old))
    cache.prune()
    assert not dead.exists()
    assert not legacy.exists()


# --- notes -----------------------------------------------------------------------------------

def test_a_notes_file_deleted_while_open_keeps_every_note_loaded(tmp_path: Path) -> None:
    path = tmp_path / "contested-notes.yaml"
    first = NotesStore(path)
    for n in range(5):
        first.change("claim", f"c{n}", toggled_star)
    store = NotesStore(path)
    path.unlink()
    store.change("claim", "new", with_tags("after"))
    again = NotesStore(path)
    assert set(again.notes.sections["claims"]) == {"c0", "c1", "c2", "c3", "c4", "new"}
    notice = store.take_notice()
    assert notice is not None
    assert "deleted" in notice
    assert "5 notes loaded" in notice
    assert store.take_notice() is None  # said once
    store.change("claim", "more", toggled_star)
    assert store.take_notice() is None


def test_a_notes_file_behind_a_link_is_written_through_it(tmp_path: Path) -> None:
    shared = tmp_path / "team" / "notes.yaml"
    shared.parent.mkdir()
    NotesStore(shared).change("claim", "theirs", toggled_star)
    link = tmp_path / "mine" / "contested-notes.yaml"
    link.parent.mkdir()
    link.symlink_to(os.path.relpath(shared, link.parent))
    through_link = NotesStore(link)
    direct = NotesStore(shared)
    assert through_link.lock_path == direct.lock_path  # one lock for both explorers
    through_link.change("claim", "mine", toggled_star)
    direct.change("claim", "direct", toggled_star)
    through_link.change("claim", "later", toggled_star)
    assert link.is_symlink()
    assert set(NotesStore(shared).notes.sections["claims"]) == {
        "theirs", "mine", "direct", "later"}
    assert not list(link.parent.iterdir())[1:]  # nothing but the link in its folder


def test_a_read_only_notes_file_is_shown_and_never_replaced(tmp_path: Path) -> None:
    path = tmp_path / "contested-notes.yaml"
    NotesStore(path).change("claim", "kept", with_tags("x"))
    os.chmod(path, 0o444)
    before = path.read_bytes(), path.stat().st_ino
    store = NotesStore(path)
    assert store.get("claim", "kept").tags == ("x",)  # shown
    assert store.read_only is not None
    assert "read-only (mode 0444)" in store.read_only
    with pytest.raises(NotesReadOnly):
        store.change("claim", "kept", toggled_star)
    assert (path.read_bytes(), path.stat().st_ino) == before
    writable = NotesStore(path.with_name("other.yaml"))
    writable.change("claim", "a", toggled_star)
    os.chmod(writable.path, 0o444)  # made read-only while open
    with pytest.raises(NotesReadOnly, match="read-only"):
        writable.change("claim", "b", toggled_star)
    assert "b" not in NotesStore(writable.path).notes.sections["claims"]


@pytest.mark.parametrize("kind", ["fifo", "folder", "device"])
def test_a_notes_path_that_is_not_a_file_is_read_only_and_untouched(
        tmp_path: Path, kind: str) -> None:
    path = tmp_path / "contested-notes.yaml"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "folder":
        path.mkdir()
    elif ROOT:
        device(path, 1, 3)
    else:
        pytest.skip("a device node needs root; CI runs as root")
    try:
        store = finishes(lambda: NotesStore(path))
        assert isinstance(store, NotesStore)
        assert store.read_only is not None
        assert "not a regular file" in store.read_only
        with pytest.raises(NotesReadOnly):
            store.change("claim", "a", toggled_star)
        assert not stat.S_ISREG(path.lstat().st_mode)
    finally:
        if kind == "fifo":
            unblock(path)


def test_a_lock_file_planted_as_a_link_is_not_followed(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    path = tmp_path / "contested-notes.yaml"
    (tmp_path / ".contested-notes.yaml.lock").symlink_to(victim)
    store = NotesStore(path)
    with pytest.raises(NotesReadOnly, match="symbolic link"):
        store.change("claim", "a", toggled_star)
    assert victim.read_text() == "precious\n"


def dead_pid() -> int:
    """The pid of a process that has ended (and been reaped)."""
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    return int(done.stdout)


def host() -> str:
    from contested.support.files import _host

    return _host()


def test_the_first_save_removes_what_a_killed_save_left(tmp_path: Path) -> None:
    """A real `kill -9` in the middle of a save (held there at the rename), then a save."""
    path = tmp_path / "contested-notes.yaml"
    NotesStore(path).change("claim", "before", toggled_star)
    script = textwrap.dedent(f"""
        import os, sys, time
        from pathlib import Path
        import contested.support.files
        from contested.review.store import NotesStore
        from contested.review.notes import toggled_star
        def hang(*args):
            print("writing", flush=True)
            time.sleep(600)
        contested.support.files.os.replace = hang
        NotesStore(Path({str(path)!r})).change("claim", "killed", toggled_star)
        """)
    worker = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE)
    assert worker.stdout is not None
    assert worker.stdout.readline() == b"writing\n"
    left = [p.name for p in tmp_path.glob(".*.tmp")]
    assert len(left) == 1
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait()
    worker.stdout.close()
    foreign = tmp_path / ".contested-notes.yaml.~1@another-host.abc.tmp"
    foreign.write_text("another machine's write, in progress")
    live = tmp_path / f".contested-notes.yaml.~{os.getppid()}@{host()}.abc.tmp"
    live.write_text("a live process's write")
    NotesStore(path).change("claim", "after", toggled_star)
    assert sorted(p.name for p in tmp_path.glob(".*.tmp")) == sorted([foreign.name, live.name])
    assert set(NotesStore(path).notes.sections["claims"]) == {"before", "after"}
    old = time.time() - STALE_AFTER - 60
    os.utime(foreign, (old, old))
    assert remove_stale_temporaries(tmp_path, path.name) == 1
    assert not foreign.exists()
    assert live.exists()


# --- exports -----------------------------------------------------------------------------------

def export(*arguments: str) -> int:
    return main(["export", *arguments])


def test_export_into_a_fifo_writes_through_to_its_reader(tmp_path: Path) -> None:
    fifo = tmp_path / "report.pipe"
    with fifo_reader(fifo) as got:
        assert export("--format", "csv", "-o", str(fifo)) == 0
    assert got[0].startswith(b"claim,") or got[0].count(b"\n") > 10
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


@needs_root
def test_export_into_a_device_writes_through_and_leaves_the_node(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    null = device(tmp_path / "null", 1, 3)
    assert export("-o", str(null)) == 0
    assert stat.S_ISCHR(null.lstat().st_mode)
    full = device(tmp_path / "full", 1, 7)
    assert export("-o", str(full)) == 1
    assert "No space left on device" in capsys.readouterr().err
    assert stat.S_ISCHR(full.lstat().st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["full", "null"]


def test_export_through_a_link_replaces_the_file_behind_it(tmp_path: Path) -> None:
    real = tmp_path / "reports" / "latest.md"
    real.parent.mkdir()
    real.write_text("old\n")
    os.chmod(real, 0o640)
    link = tmp_path / "report.md"
    link.symlink_to(real)
    assert export("-o", str(link)) == 0
    assert link.is_symlink()
    assert real.read_text().startswith("# Contested claims")
    assert stat.S_IMODE(real.stat().st_mode) == 0o640
    assert sorted(p.name for p in real.parent.iterdir()) == ["latest.md"]


def test_export_into_a_descriptor_appends_in_place(tmp_path: Path) -> None:
    """`-o /dev/stdout` with standard output sent to a file by `>>`: what the file had
    stays, and it is the same file (not one renamed over it)."""
    out = tmp_path / "log.txt"
    out.write_text("earlier\n")
    inode = out.stat().st_ino
    handle = os.open(out, os.O_WRONLY | os.O_APPEND)
    try:
        path = f"/proc/self/fd/{handle}"
        assert through_descriptor(path)
        assert export("--format", "csv", "-o", path) == 0
    finally:
        os.close(handle)
    text = out.read_text()
    assert text.startswith("earlier\n")
    assert len(text.splitlines()) > 10
    assert out.stat().st_ino == inode
    assert through_descriptor("/dev/stdout")
    assert not through_descriptor(str(out))


def test_export_to_standard_output_as_a_path(capfd: pytest.CaptureFixture[str]) -> None:
    assert export("--format", "csv", "-o", "/dev/stdout") == 0
    assert capfd.readouterr().out.count("\n") > 10


def test_export_refuses_a_folder_or_a_socket(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert export("-o", str(tmp_path)) == 1
    assert "a folder: give a file, or - for standard output" in capsys.readouterr().err
    import socket

    with socket.socket(socket.AF_UNIX) as server:
        where = tmp_path / "s"
        server.bind(str(where))
        assert export("-o", str(where)) == 1
        assert "a socket" in capsys.readouterr().err
        assert stat.S_ISSOCK(where.lstat().st_mode)


def test_write_output_removes_a_killed_exports_temporary(tmp_path: Path) -> None:
    target = tmp_path / "report.md"
    left = tmp_path / f".report.md.~{dead_pid()}@{host()}.zz9.tmp"
    left.write_text("half a report")
    written = write_output(str(target), "text\n")
    assert written.how == "replaced"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.md"]


def test_a_keymap_that_is_a_fifo_is_ignored_with_a_reason(tmp_path: Path) -> None:
    from contested.tui.keymap import load_keymap

    path = tmp_path / "keymap.toml"
    os.mkfifo(path)
    try:
        keymap, problem = finishes(lambda: load_keymap(path))
        assert keymap == {}
        assert problem is not None
        assert "FIFO" in problem
    finally:
        unblock(path)
