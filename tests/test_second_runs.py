"""Second runs: `validate` and `contradictions` of an unchanged catalog print what the
first run printed, byte for byte, with its exit status, from the derived cache
(catalog/cache/derived.py), without loading the catalog; anything that changes what
they would print makes them run again.

The files these tests write are fresh, and a fresh file's stat does not vouch for its
content (a change within the same tick of the clock would not show), so each test
counts files as settled, as if hashed long after their last change (`settled`)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

import contested.catalog.cache.store
import contested.catalog.loading
from contested.catalog.cache import derived
from tests.helpers import SOURCES, TIMELINES, Cli, Ran


@pytest.fixture(autouse=True)
def settled(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(contested.catalog.cache.store, "SETTLED_NS", -3600 * 10**9)


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Each catalog loaded (`load_catalog` called), appended: a second run loads none."""
    calls: list[object] = []
    real = contested.catalog.loading.load_catalog

    def counted(*args: object, **kwargs: object) -> object:
        calls.append(args)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(contested.catalog.loading, "load_catalog", counted)
    return calls


@pytest.fixture
def catalog(tmp_path: Path) -> Path:
    """A copy of the bundled timelines: contradictions of every rule, and warnings."""
    folder = tmp_path / "catalog"
    shutil.copytree(TIMELINES, folder)
    return folder


def entries(private_cache: Path) -> list[Path]:
    return sorted(private_cache.glob("derived-*.out")) if private_cache.is_dir() else []


OPTIONS = [
    ["validate"],
    ["validate", "--format", "json"],
    ["validate", "--strict"],  # warnings: exit 1
    ["contradictions"],
    ["contradictions", "--json"],
    ["contradictions", "--all"],
    ["contradictions", "--all", "--json"],
    ["contradictions", "--rule", "category", "--rule", "declared"],
    ["contradictions", "--question", "ukraine-situation-kursk"],
    ["contradictions", "--source", "gady", "--side", "russia", "--json"],
    ["contradictions", "--side", "ukraine"],
    ["contradictions", "--question", "nope"],  # exit 2, on stderr
    ["contradictions", "--source", "syrksy"],
]


@pytest.mark.parametrize("options", OPTIONS, ids=" ".join)
def test_a_second_run_prints_the_same_bytes_without_loading(
        options: list[str], catalog: Path, cli: Cli, loads: list[object],
        private_cache: Path) -> None:
    fresh = cli(*options, "--no-cache", str(catalog))
    first = cli(*options, str(catalog))
    assert len(entries(private_cache)) == 1
    loaded = len(loads)
    second = cli(*options, str(catalog))
    assert len(loads) == loaded  # said again, not worked out
    assert second == first == fresh
    assert (second.stdout + second.stderr).strip()


def test_the_bundled_catalog_is_kept_too(cli: Cli, loads: list[object]) -> None:
    first = cli("contradictions")
    loaded = len(loads)
    assert cli("contradictions") == first
    assert len(loads) == loaded


def test_each_invocation_has_its_own_output(catalog: Path, cli: Cli,
                                            private_cache: Path) -> None:
    table = cli("contradictions", str(catalog))
    listed = cli("contradictions", "--json", str(catalog))
    assert cli("contradictions", str(catalog)) == table
    assert cli("contradictions", "--json", str(catalog)) == listed
    assert table.stdout != listed.stdout
    assert len(entries(private_cache)) == 2


def test_paths_are_shown_from_where_the_command_runs(
        catalog: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The same command, from another folder: paths below it are shown relative."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    first = "kursk-2024-08-offensive.yaml:35:9: warning"
    monkeypatch.chdir(catalog.parent)
    below = cli("validate", str(catalog))
    assert below.stdout.startswith(f"catalog/{first}")
    monkeypatch.chdir(elsewhere)
    beside = cli("validate", str(catalog))
    assert beside.stdout.startswith(f"{catalog}/{first}")
    assert cli("validate", str(catalog)) == beside == cli("validate", "--no-cache",
                                                          str(catalog))
    monkeypatch.chdir(catalog.parent)
    assert cli("validate", str(catalog)) == below


def test_an_invalid_catalog_is_reported_afresh_each_time(
        catalog: Path, cli: Cli, private_cache: Path) -> None:
    broken = catalog / "sources.yaml"
    broken.write_text(broken.read_text().replace("name:", "nme:", 1))
    for options in (["validate"], ["validate", "--format", "json"], ["contradictions"]):
        fresh = cli(*options, "--no-cache", str(catalog))
        assert fresh.returncode == 1
        assert cli(*options, str(catalog)) == fresh
        assert cli(*options, str(catalog)) == fresh
    assert entries(private_cache) == []


# --- what makes a second run run again ---------------------------------------------------------

def rerun(cli: Cli, loads: list[object], *args: str) -> Ran:
    """A run that must load the catalog again; what it printed, which must be what a
    run without any cache prints."""
    loaded = len(loads)
    again = cli(*args)
    assert len(loads) == loaded + 1
    assert again == cli(*args, "--no-cache")
    return again


def test_an_edited_file_is_read_again(catalog: Path, cli: Cli, loads: list[object]) -> None:
    first = cli("contradictions", str(catalog))
    advance = catalog / "kursk-2025-03-advance.yaml"
    advance.write_text(advance.read_text().replace("zombie-rout", "zombie-retreat"))
    again = rerun(cli, loads, "contradictions", str(catalog))
    assert "zombie-retreat" in again.stdout
    assert again != first
    assert cli("contradictions", str(catalog)) == again  # and kept in turn


def test_an_edit_of_the_same_size_and_mtime_is_read_again(catalog: Path, cli: Cli,
                                                          loads: list[object]) -> None:
    first = cli("contradictions", str(catalog))
    sources = catalog / "sources.yaml"
    before = sources.stat()
    sources.write_text(sources.read_text().replace("name: DeepState", "name: DeepStat3"))
    os.utime(sources, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert sources.stat().st_size == before.st_size
    again = rerun(cli, loads, "contradictions", str(catalog))
    assert "DeepStat3" in again.stdout
    assert "DeepStat3" not in first.stdout


def test_a_touched_file_gives_the_same_output_again(catalog: Path, cli: Cli,
                                                   loads: list[object]) -> None:
    first = cli("validate", str(catalog))
    (catalog / "sources.yaml").touch()
    assert rerun(cli, loads, "validate", str(catalog)) == first


def test_a_file_added_or_removed_is_noticed(catalog: Path, cli: Cli, loads: list[object],
                                           write: Callable[[str, str], Path]) -> None:
    first = cli("validate", str(catalog))
    extra = catalog / "extra.yaml"
    extra.write_text(SOURCES.replace("afp", "afp2").replace("ru-media", "ru2")
                     .replace("area", "area2").replace("outcome", "outcome2")
                     .replace("pipeline", "pipeline2"))
    added = rerun(cli, loads, "validate", str(catalog))
    assert "extra.yaml" in added.stdout
    extra.unlink()
    assert rerun(cli, loads, "validate", str(catalog)) == first


def test_the_notes_file_beside_the_timelines_changes_nothing(
        catalog: Path, cli: Cli, loads: list[object]) -> None:
    """Neither command reads the review notes: a notes file in the folder is not a
    timeline, and its edits leave the kept output right."""
    first = cli("contradictions", "--json", str(catalog))
    (catalog / "contested-notes.yaml").write_text("contested-notes: 1\n")
    loaded = len(loads)
    assert cli("contradictions", "--json", str(catalog)) == first
    assert len(loads) == loaded


def test_output_in_colour_is_kept_apart(catalog: Path, cli: Cli, loads: list[object],
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """What the output reads from the terminal is part of the key: a terminal in colour
    gets its bold headlines, not the plain text kept for a pipe."""
    import contested.cli

    plain = cli("validate", str(catalog))
    monkeypatch.setattr(contested.cli, "_use_colour", lambda stream: True)
    coloured = rerun(cli, loads, "validate", str(catalog))
    assert "\x1b[1m" in coloured.stdout
    assert "\x1b[1m" not in plain.stdout
    loaded = len(loads)
    assert cli("validate", str(catalog)) == coloured
    assert len(loads) == loaded


def test_another_program_runs_again(catalog: Path, cli: Cli, loads: list[object],
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """A changed checkout (its source's digest) never reuses what another printed."""
    first = cli("validate", str(catalog))
    monkeypatch.setattr(derived, "source_digest", lambda: "another program")
    assert rerun(cli, loads, "validate", str(catalog)) == first


def test_other_limits_run_again(catalog: Path, cli: Cli, loads: list[object],
                                monkeypatch: pytest.MonkeyPatch) -> None:
    import dataclasses

    from contested.format import guarded_yaml

    cli("validate", str(catalog))
    limits = dataclasses.replace(guarded_yaml.DEFAULT_LIMITS,
                                 max_depth=guarded_yaml.DEFAULT_LIMITS.max_depth + 1)
    monkeypatch.setattr(guarded_yaml, "DEFAULT_LIMITS", limits)
    loaded = len(loads)
    cli("validate", str(catalog))
    assert len(loads) == loaded + 1


def test_fresh_files_are_not_kept(catalog: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch,
                                  private_cache: Path) -> None:
    """A file changed within `SETTLED_NS` of its read: its stat cannot vouch for it."""
    monkeypatch.setattr(contested.catalog.cache.store, "SETTLED_NS", 3600 * 10**9)
    first = cli("validate", str(catalog))
    assert cli("validate", str(catalog)) == first
    assert entries(private_cache) == []


def test_a_run_without_the_cache_neither_reads_nor_writes_it(
        catalog: Path, cli: Cli, loads: list[object], private_cache: Path) -> None:
    cli("validate", "--no-cache", str(catalog))
    assert entries(private_cache) == []
    cli("validate", str(catalog))
    loaded = len(loads)
    cli("validate", "--no-cache", str(catalog))
    assert len(loads) == loaded + 1


# --- damaged entries, and how many are kept ----------------------------------------------------

def damage(entry: Path, how: str) -> None:
    data = entry.read_bytes()
    if how == "flipped":
        at = len(data) - 10
        entry.write_bytes(data[:at] + bytes([data[at] ^ 0x20]) + data[at + 1 :])
    elif how == "truncated":
        entry.write_bytes(data[: len(data) // 2])
    elif how == "longer":
        entry.write_bytes(data + b"x")
    elif how == "header":
        entry.write_bytes(b"{not json\n" + data.split(b"\n", 1)[1])
    elif how == "status":
        entry.write_bytes(data.replace(b'"status": 0', b'"status": 3', 1))
    elif how == "shared":
        entry.chmod(0o666)


@pytest.mark.parametrize("how", ["flipped", "truncated", "longer", "header", "status",
                                 "shared"])
def test_a_damaged_entry_is_worked_out_again(how: str, catalog: Path, cli: Cli,
                                             loads: list[object],
                                             private_cache: Path) -> None:
    first = cli("contradictions", str(catalog))
    (entry,) = entries(private_cache)
    damage(entry, how)
    assert rerun(cli, loads, "contradictions", str(catalog)) == first
    loaded = len(loads)
    assert cli("contradictions", str(catalog)) == first  # written anew, and sound
    assert len(loads) == loaded


def test_entries_are_bounded_in_number(catalog: Path, cli: Cli, loads: list[object],
                                       private_cache: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """The least recently used go first."""
    monkeypatch.setattr(derived, "KEEP_ENTRIES", 3)
    questions = ["ukraine-situation-kursk", "pipeline-soldiers", "pipeline-operation-outcome",
                 "ukraine-held-area-kursk", "north-korean-soldiers-kursk"]
    for question in questions:
        cli("contradictions", "--question", question, str(catalog))
        time.sleep(0.01)  # entries are ordered by when they were used
        assert len(entries(private_cache)) <= 3
    for question in questions[-3:]:
        loaded = len(loads)
        cli("contradictions", "--question", question, str(catalog))
        assert len(loads) == loaded
    rerun(cli, loads, "contradictions", "--question", questions[0], str(catalog))
    assert len(entries(private_cache)) == 3


def test_entries_are_bounded_in_size(catalog: Path, cli: Cli, private_cache: Path,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    first = cli("contradictions", "--json", str(catalog))
    size = entries(private_cache)[0].stat().st_size
    monkeypatch.setattr(derived, "KEEP_BYTES", size + size // 2)
    cli("contradictions", "--all", "--json", str(catalog))
    assert len(entries(private_cache)) == 1  # the one just written
    monkeypatch.setattr(derived, "LARGEST_OUTPUT", len(first.stdout.encode()) - 1)
    assert cli("contradictions", "--json", str(catalog)) == first  # printed, not kept
    assert len(entries(private_cache)) == 1


# --- the real command ---------------------------------------------------------------------

def test_the_real_command_prints_the_same_bytes_twice(tmp_path: Path) -> None:
    """A real process: the output replayed straight to the standard output's buffer,
    as its text would have been encoded; the bundled timelines are settled files when
    their checkout is older than the settling time (else nothing is kept, and the second
    run works it out again: the same bytes either way)."""
    command = [str(Path(sys.executable).parent / "contested"), "contradictions", "--json"]
    environment = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}
    done = [subprocess.run(command, capture_output=True, env=environment, timeout=60,
                           check=False) for _ in range(2)]
    assert done[0].returncode == done[1].returncode == 0
    assert done[0].stdout == done[1].stdout
    assert done[0].stderr == done[1].stderr == b""
    kept = list((tmp_path / "contested" / "catalog").glob("derived-*.out"))
    settled = all(time.time() - path.stat().st_ctime > 3 for path in TIMELINES.iterdir())
    assert len(kept) == (1 if settled else 0)
