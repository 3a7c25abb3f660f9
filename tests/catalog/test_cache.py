"""The cache of validated files: hits, a miss on each part of the key, corrupt and
foreign entries ignored and rebuilt, and the same catalog with or without it."""

from __future__ import annotations

import gc
import io
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import contested.catalog.cache.store
import contested.catalog.parallel
from contested.catalog.cache.parts import OPEN_ENTRIES, CacheDamaged
from contested.catalog.cache.store import CatalogCache, FileKey
from contested.catalog.catalog import Catalog
from contested.catalog.columns import ClaimColumns
from contested.catalog.discover import read_timeline
from contested.catalog.entities import Chunk
from contested.catalog.loading import LoadResult, load_catalog
from contested.cli import main
from contested.engine.analysis import analyse
from contested.export.render import render
from contested.format.guarded_yaml import DEFAULT_LIMITS
from contested.support.progress import ProgressLine
from contested.vocabulary import SECTIONS
from tests.helpers import REPO, SOURCES, TIMELINES, write_generated

sys.path.insert(0, str(REPO / "bench"))
from analysis import Generated

CLAIMS = """\
contested: 1
timeline:
  id: t
  title: A timeline
  period: 2025-03?
claims:
  - id: ru
    source: ru-media
    event: pipeline
    text: A brilliant success
    about: outcome
    value: success
  - id: afp-area
    source: afp
    said: 2025-02?
    text: About 500 km2
    about: area
    value: {about: 500}
    unit: km2
  - id: ru-area
    source: [ru-media, afp]
    as_of: 2025-02-10/2025-02-20
    text: Between 300 and 400
    about: area
    value: {between: [300, 400], best: 350}
    disputes: afp-area
"""


@pytest.fixture
def catalog(tmp_path: Path) -> Path:
    folder = tmp_path / "catalog"
    folder.mkdir()
    (folder / "sources.yaml").write_text(SOURCES, encoding="utf-8")
    (folder / "claims.yaml").write_text(CLAIMS, encoding="utf-8")
    return folder


def generated(tmp_path: Path, events: int, files: int, seed: int) -> tuple[Path, Generated]:
    """A catalog from bench's generator (3 claims an event), written under tmp_path."""
    folder = tmp_path / "generated"
    made = write_generated(folder, events=events, claims=3 * events,
                           questions_count=max(2, events // 10), sources=20, files=files,
                           seed=seed)
    return folder, made


def load(folder: Path, cache: CatalogCache | None) -> LoadResult:
    result = load_catalog([folder], cache=cache)
    assert result.ok, [d.headline() for d in result.diagnostics]
    return result


def entries(cache: CatalogCache) -> list[Path]:
    """The entries of timeline files (not what linking them found)."""
    return sorted(p for p in cache.folder.glob("*.json") if not p.name.startswith("linked-"))


def linked_entries(cache: CatalogCache) -> list[Path]:
    return sorted(cache.folder.glob("linked-*.json"))


def test_an_unchanged_file_is_read_from_the_cache(catalog: Path, tmp_path: Path) -> None:
    first = CatalogCache(tmp_path / "cache")
    load(catalog, first)
    assert (first.hits, first.misses) == (0, 2)
    assert len(entries(first)) == 2
    second = CatalogCache(tmp_path / "cache")
    load(catalog, second)
    assert (second.hits, second.misses) == (2, 0)


def test_the_default_folder_is_in_xdg_cache_home(catalog: Path, private_cache: Path) -> None:
    cache = CatalogCache()
    assert cache.folder == private_cache
    load(catalog, cache)
    assert len(entries(cache)) == 2
    assert private_cache.stat().st_mode & 0o777 == 0o700


def changed_size(path: Path) -> None:
    path.write_text(path.read_text(encoding="utf-8") + "# a comment\n", encoding="utf-8")


def changed_mtime(path: Path) -> None:
    info = path.stat()
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns + 1_000_000_000))


def changed_content_only(path: Path) -> None:
    """Other bytes, same size, same mtime: only the content hash can tell."""
    info = path.stat()
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("A brilliant success", "A brilliant victory"), encoding="utf-8")
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert path.stat().st_size == info.st_size


@pytest.mark.parametrize("change", [changed_size, changed_mtime, changed_content_only])
def test_a_change_to_any_part_of_the_key_parses_that_file_alone(
        catalog: Path, tmp_path: Path, change: Callable[[Path], None]) -> None:
    load(catalog, CatalogCache(tmp_path / "cache"))
    change(catalog / "claims.yaml")
    cache = CatalogCache(tmp_path / "cache")
    result = load(catalog, cache)
    assert (cache.hits, cache.misses) == (1, 1)  # sources.yaml hit, claims.yaml parsed
    if change is changed_content_only:
        assert result.catalog.claims["ru"].text == "A brilliant victory"
    again = CatalogCache(tmp_path / "cache")
    load(catalog, again)
    assert (again.hits, again.misses) == (2, 0)  # the new entry replaced the old one


def test_another_path_to_the_same_bytes_is_a_miss(catalog: Path, tmp_path: Path) -> None:
    load(catalog, CatalogCache(tmp_path / "cache"))
    moved = tmp_path / "moved"
    shutil.copytree(catalog, moved)
    cache = CatalogCache(tmp_path / "cache")
    result = load(moved, cache)
    assert (cache.hits, cache.misses) == (0, 2)
    assert result.catalog.claims["ru"].origin.path == str(moved / "claims.yaml")


def corrupt_payload(entry: Path) -> None:
    data = bytearray(entry.read_bytes())
    data[-20] ^= 0x01  # one bit, inside the payload
    entry.write_bytes(bytes(data))


def truncate(entry: Path) -> None:
    entry.write_bytes(entry.read_bytes()[: entry.stat().st_size // 2])


def garbage(entry: Path) -> None:
    entry.write_bytes(b"\x80\x04\x95 not json at all")


def other_version(entry: Path) -> None:
    header, payload = entry.read_bytes().split(b"\n", 1)
    fields = json.loads(header)
    fields["contested"] = "0.0.1"
    entry.write_bytes(json.dumps(fields).encode() + b"\n" + payload)


def forged_payload(entry: Path) -> None:
    """A well-formed entry whose payload is not the one its header vouches for."""
    header, payload = entry.read_bytes().split(b"\n", 1)
    entry.write_bytes(header + b"\n" + payload.replace(b"A brilliant success", b"Forged!"))


def writable_by_others(entry: Path) -> None:
    entry.chmod(0o666)


@pytest.mark.parametrize("damage", [corrupt_payload, truncate, garbage, other_version,
                                    forged_payload, writable_by_others])
def test_a_corrupt_or_foreign_entry_is_ignored_and_rebuilt(
        catalog: Path, tmp_path: Path, damage: Callable[[Path], None]) -> None:
    first = CatalogCache(tmp_path / "cache")
    load(catalog, first)
    key = FileKey.of(str(catalog / "claims.yaml"), (catalog / "claims.yaml").read_bytes(),
                     (catalog / "claims.yaml").stat())
    damage(first.entry_path(key))
    cache = CatalogCache(tmp_path / "cache")
    result = load(catalog, cache)
    assert (cache.hits, cache.misses) == (1, 1)
    assert result.catalog.claims["ru"].text == "A brilliant success"
    rebuilt = CatalogCache(tmp_path / "cache")
    load(catalog, rebuilt)
    assert (rebuilt.hits, rebuilt.misses) == (2, 0)
    assert first.entry_path(key).stat().st_mode & 0o077 == 0


def claims_entry(catalog: Path, cache: CatalogCache) -> Path:
    return cache._entry_for(str((catalog / "claims.yaml").resolve()))


def damage_a_block(entry: Path) -> None:
    """Other bytes in place, in the rows of the entities (read after the load)."""
    data = entry.read_bytes()
    at = data.index(b"A brilliant success")
    entry.write_bytes(data[:at] + b"A brilliant_success" + data[at + 19:])


@pytest.mark.parametrize("when", ["before the load", "after the load"])
def test_a_damaged_block_is_parsed_again_from_the_file_and_its_entry_rebuilt(
        catalog: Path, tmp_path: Path, when: str) -> None:
    load(catalog, CatalogCache(tmp_path / "cache"))
    cache = CatalogCache(tmp_path / "cache")
    entry = claims_entry(catalog, cache)
    if when == "before the load":
        damage_a_block(entry)
    result = load(catalog, cache)
    if when == "after the load":
        damage_a_block(entry)
    assert (cache.hits, cache.misses, cache.repaired) == (2, 0, 0)  # the head is sound
    assert result.catalog.claims["ru"].text == "A brilliant success"
    assert cache.repaired == 1
    assert [c.id for c in result.catalog.claims.values()] == ["ru", "afp-area", "ru-area"]
    again = CatalogCache(tmp_path / "cache")
    result = load(catalog, again)
    assert result.catalog.claims["ru"].text == "A brilliant success"
    assert (again.hits, again.misses, again.repaired) == (2, 0, 0)  # rebuilt


def test_a_damaged_block_of_a_file_changed_since_is_a_clear_error(
        catalog: Path, tmp_path: Path) -> None:
    load(catalog, CatalogCache(tmp_path / "cache"))
    cache = CatalogCache(tmp_path / "cache")
    result = load(catalog, cache)
    damage_a_block(claims_entry(catalog, cache))
    changed_size(catalog / "claims.yaml")
    with pytest.raises(CacheDamaged, match=r"claims\.yaml: its cache entry was damaged"):
        _ = result.catalog.claims["ru"]


def test_the_catalog_on_screen_reads_its_entries_as_they_were_when_loaded(
        catalog: Path, tmp_path: Path) -> None:
    """A reload after a change writes the changed file's entry anew (or prune removes
    it) while the explorer still shows the catalog loaded before: that catalog reads
    the entry it was loaded from, not the new one."""
    load(catalog, CatalogCache(tmp_path / "cache"))
    cache = CatalogCache(tmp_path / "cache")
    shown = load(catalog, cache).catalog
    changed_content_only(catalog / "claims.yaml")
    reloaded = load(catalog, CatalogCache(tmp_path / "cache")).catalog  # a new entry
    assert reloaded.claims["ru"].text == "A brilliant victory"
    assert shown.claims["ru"].text == "A brilliant success"
    claims_entry(catalog, cache).unlink()
    assert shown.claims["ru-area"].text == "Between 300 and 400"
    assert cache.repaired == 0


def test_entries_are_held_open_up_to_a_limit_then_read_whole(
        catalog: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    load(catalog, CatalogCache(tmp_path / "cache"))
    before = OPEN_ENTRIES.count
    shown = load(catalog, CatalogCache(tmp_path / "cache")).catalog
    assert OPEN_ENTRIES.count == before + 2  # sources.yaml, claims.yaml
    del shown
    gc.collect()
    assert OPEN_ENTRIES.count == before  # closed once let go
    monkeypatch.setattr(OPEN_ENTRIES, "limit", before)
    cache = CatalogCache(tmp_path / "cache")
    shown = load(catalog, cache).catalog
    assert OPEN_ENTRIES.count == before
    claims_entry(catalog, cache).unlink()
    assert shown.claims["ru"].text == "A brilliant success"  # read whole at the load


def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The timeline files read from now on (each read is also a hash)."""
    done: list[str] = []
    real = read_timeline  # what `parallel` imports from `discover`, and calls by that name

    def counted(path: str, *args: Any) -> tuple[bytes, os.stat_result]:
        done.append(Path(path).name)
        return real(path, *args)

    monkeypatch.setattr(contested.catalog.parallel, "read_timeline", counted)
    return done


def test_a_settled_file_whose_stat_is_unchanged_is_not_read_again(
        catalog: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    read = reads(monkeypatch)
    load(catalog, CatalogCache(tmp_path / "cache"))
    assert sorted(read) == ["claims.yaml", "sources.yaml"]
    # Written a moment ago: a change within the same tick would leave the stat as it
    # is, so the files are read and hashed again (and still hit).
    read.clear()
    cache = CatalogCache(tmp_path / "cache")
    load(catalog, cache)
    assert (sorted(read), cache.hits) == (["claims.yaml", "sources.yaml"], 2)
    # Once settled (as if hashed long after their last change), they are not read.
    monkeypatch.setattr(contested.catalog.cache.store, "SETTLED_NS", -3600 * 10**9)
    load(catalog, CatalogCache(tmp_path / "cache"))  # entries hashed "settled"
    read.clear()
    cache = CatalogCache(tmp_path / "cache")
    assert load(catalog, cache).catalog.claims["ru"].text == "A brilliant success"
    assert (read, cache.hits, cache.misses) == ([], 2, 0)
    # Any write changes the ctime: the file is read, and its new content seen, even
    # with the same size and mtime.
    time.sleep(0.05)
    changed_content_only(catalog / "claims.yaml")
    cache = CatalogCache(tmp_path / "cache")
    assert load(catalog, cache).catalog.claims["ru"].text == "A brilliant victory"
    assert (read, cache.hits, cache.misses) == (["claims.yaml"], 1, 1)


def test_a_file_with_errors_is_not_cached_and_reports_the_same_each_time(
        catalog: Path, tmp_path: Path) -> None:
    broken = CLAIMS.replace("value: success", "value: victory")  # found when linking
    broken = broken.replace("    about: area\n    value: {about: 500}",
                            "    about: area\n    credibility: 9\n    value: {about: 500}")
    (catalog / "claims.yaml").write_text(broken, encoding="utf-8")
    messages = []
    for _ in range(2):
        cache = CatalogCache(tmp_path / "cache")
        result = load_catalog([catalog], cache=cache)
        messages.append([d.headline() for d in result.diagnostics])
    assert (cache.hits, cache.misses) == (1, 1)  # claims.yaml: parsed both times
    assert messages[0] == messages[1]
    assert len(messages[0]) == 2
    assert ":12:12:" in messages[0][0]
    assert "'victory'" in messages[0][0]
    assert ":18:18:" in messages[0][1]
    assert "'credibility'" in messages[0][1]
    assert len(entries(CatalogCache(tmp_path / "cache"))) == 1  # sources.yaml only


def test_a_cached_file_still_gets_its_cross_file_errors(catalog: Path, tmp_path: Path) -> None:
    (catalog / "claims.yaml").write_text(CLAIMS.replace("value: success", "value: victory"),
                                         encoding="utf-8")
    messages = []
    for _ in range(2):
        cache = CatalogCache(tmp_path / "cache")
        result = load_catalog([catalog], cache=cache)
        messages.append([d.headline() for d in result.diagnostics])
    assert cache.hits == 2
    assert messages[0] == messages[1]
    assert len(messages[0]) == 1
    assert "'victory' is not a value of question 'outcome'" in messages[0][0]
    assert ":12:12:" in messages[0][0]  # placed from the cached spots


def test_duplicate_ids_in_cached_files_are_reported_as_when_parsed(
        catalog: Path, tmp_path: Path) -> None:
    """Ids taken twice in one file, and across two files, both read back from the
    cache: the same messages, at the same places, and the first one kept."""
    twice = CLAIMS + """\
  - id: ru
    source: afp
    text: The same id again, in the same file
"""
    (catalog / "claims.yaml").write_text(twice, encoding="utf-8")
    (catalog / "more.yaml").write_text(
        "contested: 1\nclaims:\n  - id: afp-area\n    source: afp\n    text: again\n",
        encoding="utf-8")
    results = []
    for _ in range(2):
        cache = CatalogCache(tmp_path / "cache")
        results.append(load_catalog([catalog], cache=cache))
    assert cache.hits == 3
    messages = [[d.headline() for d in r.diagnostics] for r in results]
    assert messages[0] == messages[1]
    assert len(messages[0]) == 2
    assert all("duplicate claim id" in m for m in messages[0])
    for result in results:
        whole = result.whole
        assert whole is not None
        assert whole.claims["ru"].text == "A brilliant success"
        assert whole.claims["afp-area"].text == "About 500 km2"
        assert list(whole.claims) == ["ru", "afp-area", "ru-area"]


def test_an_unwritable_cache_is_no_error(catalog: Path, tmp_path: Path) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("", encoding="utf-8")
    cache = CatalogCache(blocked / "cache")
    load(catalog, cache)
    assert cache.misses == 2


def every_place(catalog: Catalog) -> list[str]:
    """Where every field and list item of every entity was written."""
    places = []
    for name in ("timelines", *SECTIONS):
        for entity in catalog.section(name).values():
            origin = entity.origin
            places.append(f"{origin.timeline} {origin.at()}")
            for field, value in entity.__dict__.items():
                if field.startswith("_"):
                    continue
                places.append(str(origin.at(field)))
                if isinstance(value, list):
                    places.extend(str(origin.item(field, n)) for n in range(len(value)))
    return places


def same_catalog(cold: Catalog, warm: Catalog) -> None:
    assert list(cold.claims) == list(warm.claims)
    for name in ("timelines", *SECTIONS):
        for key, entity in cold.section(name).items():
            other = warm.section(name)[key]
            assert entity.model_dump() == other.model_dump()
            assert entity == other
    for claim in cold.claims.values():
        other = warm.claims[claim.id]
        assert (claim.when, claim.quantity) == (other.when, other.quantity)
    assert every_place(cold) == every_place(warm)
    cold_columns, warm_columns = ClaimColumns.kept(cold), ClaimColumns.kept(warm)
    assert cold_columns is not None  # noted while linking
    assert warm_columns is not None  # read back from the cache
    assert cold_columns.numbers == warm_columns.numbers
    for catalog in (cold, warm):  # who each claim comes from, as the columns keep it
        columns = ClaimColumns.kept(catalog)
        assert columns is not None
        assert [columns.sources_of(row) for row in range(len(catalog.claims))] == [
            list(dict.fromkeys(claim.source)) for claim in cold.claims.values()]
        numbers = columns.source_index
        assert [columns.voice(row) for row in range(len(catalog.claims))] == [
            (tuple(numbers[s] for s in claim.source), tuple(numbers[v] for v in claim.via))
            for claim in cold.claims.values()]


@pytest.mark.parametrize("which", ["bundled", "generated"])
def test_the_engine_finds_the_same_with_and_without_the_cache(
        which: str, tmp_path: Path) -> None:
    folder = TIMELINES
    if which == "generated":
        folder, _ = generated(tmp_path, events=300, files=3, seed=7)
    cold = load(folder, None)
    load(folder, CatalogCache(tmp_path / "cache"))  # writes the entries
    cache = CatalogCache(tmp_path / "cache")
    warm = load(folder, cache)
    assert cache.misses == 0
    same_catalog(cold.catalog, warm.catalog)
    for form in ("json", "markdown", "csv"):
        assert render(analyse(warm.catalog), form) == render(analyse(cold.catalog), form)


def test_a_warm_load_makes_no_entity_until_one_is_asked_for(tmp_path: Path) -> None:
    folder, _ = generated(tmp_path, events=300, files=3, seed=7)
    cold = load(folder, CatalogCache(tmp_path / "cache")).catalog
    warm_cache = CatalogCache(tmp_path / "cache")
    warm = load(folder, warm_cache).catalog
    sections = ("timelines", *SECTIONS)
    assert [warm.section(n).made for n in sections] == [3] + [0] * len(SECTIONS)
    # Nor indexes their ids (these files were linked before: no id is taken twice).
    assert (warm.claims._indexed, warm.events._indexed) == (0, 0)
    analysis = analyse(warm)
    assert len(analysis.contradictions) == len(analyse(cold).contradictions)
    assert warm.claims.made == 0  # the engine reads the columns
    assert warm.claims._indexed == 0  # nor the declared contradictions' rows (kept)
    # Warnings are placed without making what they are about (only the claims of
    # credibility 1 are made, to compare their sources with those agreeing).
    warnings = [str(w.location) for w in analysis.warnings]
    assert len(warnings) > 100
    assert warnings == [str(w.location) for w in analyse(cold).warnings]
    assert warm.claims.made < len(warm.claims) / 10
    assert warm.events.made < len(warm.events) / 10
    # Rows are decoded in blocks; any entity can be reached alone, its date linked.
    last = cold.claims.ids[-1]
    before = warm.claims.made
    assert warm.claims[last].model_dump() == cold.claims[last].model_dump()
    assert warm.claims[last].when == cold.claims[last].when
    assert warm.claims.made == before + 1
    # A pass over every claim (the search index) keeps none it made, and leaves each
    # row to be made from again, as written.
    passed = [(c.model_dump(), c.when) for c in warm.claims.each()]
    assert passed == [(c.model_dump(), c.when) for c in cold.claims.values()]
    assert warm.claims.made == before + 1
    first = cold.claims.ids[0]
    assert warm.claims[first].model_dump() == cold.claims[first].model_dump()
    assert warm_cache.repaired == 0  # (not taken from the file again)


def test_two_threads_making_the_same_entities_make_each_once(tmp_path: Path) -> None:
    """The explorer's search index makes every entity in a worker thread while the
    screen makes those it shows: each entity is made once, whoever asks first."""
    import threading

    folder, _ = generated(tmp_path, events=300, files=3, seed=7)
    cold = load(folder, CatalogCache(tmp_path / "cache")).catalog
    warm = load(folder, CatalogCache(tmp_path / "cache")).catalog
    seen: list[list[object]] = [[], []]

    def read(into: list[object]) -> None:
        into.extend(warm.claims.values())
        into.extend(warm.events[c.event] for c in warm.claims.values() if c.event)

    switching = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # threads take turns as often as they can
    try:
        threads = [threading.Thread(target=read, args=(s,)) for s in seen]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(switching)
    assert len(seen[0]) == len(seen[1]) > 900
    assert all(a is b for a, b in zip(*seen, strict=True))
    same_catalog(cold, warm)


def test_validate_fills_the_cache_and_no_cache_leaves_it_alone(
        catalog: Path, private_cache: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--no-cache", str(catalog)]) == 0
    assert not private_cache.exists()
    assert main(["validate", str(catalog)]) == 0
    assert len(entries(CatalogCache())) == 2
    assert len(linked_entries(CatalogCache())) == 1
    assert main(["validate", str(catalog)]) == 0
    out = capsys.readouterr().out
    assert out.count("valid: 2 files") == 3


@pytest.mark.parametrize("start", ["fork", "spawn"])
@pytest.mark.parametrize("cached", [True, False])
def test_files_parsed_in_worker_processes_load_the_same(
        tmp_path: Path, cached: bool, start: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(contested.catalog.parallel, "_start_method", lambda: start)
    folder, made = generated(tmp_path, events=200, files=3, seed=11)
    (folder / "broken.yaml").write_text("contested: 1\nevents:\n  - id: x\n    date: 2025-02-30\n"
                                        "    title: No such day\n", encoding="utf-8")
    serial = load_catalog([folder], workers=1)
    cache = CatalogCache(tmp_path / "cache") if cached else None
    parallel = load_catalog([folder], cache=cache, workers=2)
    # Linking made each claim read back from a worker's entry for its pass and let it
    # go: the catalog holds none until asked (then each has its date and figure, below).
    assert parallel.whole is not None
    assert parallel.whole.claims.made == 0
    assert [d.headline() for d in parallel.diagnostics] == \
        [d.headline() for d in serial.diagnostics]
    assert len(parallel.diagnostics) == 1
    assert "2025-02-30" in parallel.diagnostics[0].headline()
    same_catalog(serial.catalog, parallel.catalog)
    if cache is not None:
        assert len(entries(cache)) == len(made.files)  # the broken file is not cached


def test_files_from_worker_processes_are_made_while_the_others_are_parsed(
        tmp_path: Path) -> None:
    """Linking makes and keeps every entity but the claims; made as each file comes back
    from its worker, that work runs beside the workers instead of alone after the last
    of them. The claims are left to linking, which lets each go after its pass."""
    folder, _ = generated(tmp_path, events=200, files=3, seed=11)
    files = sorted(str(p) for p in folder.iterdir())
    parsed = contested.catalog.parallel.parse_all(
        files, DEFAULT_LIMITS, CatalogCache(tmp_path / "cache"), None, 2)
    chunks = {name: [getattr(p.document, name) for p in parsed
                     if p.document is not None and getattr(p.document, name)]
              for name in SECTIONS}
    assert chunks["claims"]
    assert chunks["events"]
    assert all(isinstance(chunk, Chunk) for found in chunks.values() for chunk in found)
    assert all(None not in chunk._made
               for name, found in chunks.items() if name != "claims" for chunk in found)
    assert all(chunk._made.count(None) == len(chunk) for chunk in chunks["claims"])


def test_worker_processes_take_the_largest_files_first(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Files handed out in the order found, a big one could come last and be parsed
    alone while the other cores wait: the largest go first."""
    for name, size in (("a.yaml", 10), ("b.yaml", 300), ("c.yaml", 20), ("d.yaml", 200)):
        (tmp_path / name).write_text("contested: 1\n" + "#" * size + "\n", encoding="utf-8")
    handed: list[str] = []

    def parse_in_processes(todo: list[tuple[int, str]], *_: object) -> None:
        handed.extend(Path(path).name for _, path in todo)

    monkeypatch.setattr(contested.catalog.parallel, "_parse_in_processes",
                        parse_in_processes)
    load_catalog([tmp_path], workers=2)
    assert handed == ["b.yaml", "d.yaml", "c.yaml", "a.yaml"]


def test_worker_processes_are_forked_only_from_a_process_with_one_thread() -> None:
    """A fork copies the locks other threads hold, held forever in the child: the
    explorer (threads) spawns its workers; a command with one thread forks them, which
    costs no import, so that smaller catalogs are worth parsing in parallel too."""
    parallel = contested.catalog.parallel
    assert parallel._start_method() == ("fork" if sys.platform == "linux" else "spawn")
    assert parallel._worth_processes(2, None, parallel.FORKED_FROM_BYTES) == \
        (sys.platform == "linux")
    assert not parallel._worth_processes(1, None, parallel.PARALLEL_FROM_BYTES)
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        assert parallel._start_method() == "spawn"  # (with a thread not known to be safe)
        assert not parallel._worth_processes(2, None, parallel.FORKED_FROM_BYTES)
        assert parallel._worth_processes(2, None, parallel.PARALLEL_FROM_BYTES)
    finally:
        release.set()
        other.join()


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.skipif(sys.platform != "linux", reason="workers are forked on Linux only")
def test_worker_processes_are_forked_beside_a_ticking_progress_line(tmp_path: Path) -> None:
    """In a terminal, `validate` draws its progress line from a thread while the files
    are parsed: that thread holds its lock across the fork, so the workers are still
    forked (they were spawned, each importing pydantic and the models again, whenever
    the command ran in a terminal) and the catalog loads as without it."""
    folder, _ = generated(tmp_path, events=200, files=3, seed=11)
    progress = ProgressLine(_Terminal(), every=0.001)
    with progress.phase("reading"):
        assert progress.ticking
        assert contested.catalog.parallel._start_method() == "fork"
        loaded = load_catalog([folder], cache=CatalogCache(tmp_path / "cache"), workers=2)
    assert loaded.ok
    same_catalog(load_catalog([folder], workers=1).catalog, loaded.catalog)


def forged_count(entry: Path) -> None:
    header, payload = entry.read_bytes().split(b"\n", 1)
    assert b'"count":' in payload
    entry.write_bytes(header + b"\n" + payload.replace(b'"count":', b'"count":1', 1))


@pytest.mark.parametrize("damage", [corrupt_payload, forged_count, other_version])
def test_what_linking_found_is_kept_and_a_damaged_record_of_it_is_ignored(
        tmp_path: Path, damage: Callable[[Path], None]) -> None:
    folder, _ = generated(tmp_path, events=150, files=2, seed=5)
    cold = load(folder, None)
    first = CatalogCache(tmp_path / "cache")
    load(folder, first)
    [record] = linked_entries(first)
    warm = CatalogCache(tmp_path / "cache")
    keys = [FileKey.of(p, Path(p).read_bytes(), Path(p).stat()) for p in cold.paths]
    assert warm.linked(keys) is not None
    same_catalog(cold.catalog, load(folder, warm).catalog)
    damage(record)
    assert CatalogCache(tmp_path / "cache").linked(keys) is None
    same_catalog(cold.catalog, load(folder, CatalogCache(tmp_path / "cache")).catalog)
    assert CatalogCache(tmp_path / "cache").linked(keys) is not None  # written again


def test_what_linking_found_is_not_reused_once_a_file_changed(catalog: Path,
                                                              tmp_path: Path) -> None:
    load(catalog, CatalogCache(tmp_path / "cache"))
    claims = catalog / "claims.yaml"
    claims.write_text(CLAIMS.replace("event: pipeline", "as_of: 2024-08?"), encoding="utf-8")
    result = load(catalog, CatalogCache(tmp_path / "cache"))
    assert result.catalog.claims["ru"].when is not None
    assert result.catalog.claims["ru"].when.text == "2024-08?"
    assert len(linked_entries(CatalogCache(tmp_path / "cache"))) == 1  # replaced
    claims.write_text(CLAIMS.replace("source: afp\n", "source: reuters\n"), encoding="utf-8")
    broken = load_catalog([catalog], cache=CatalogCache(tmp_path / "cache"))
    assert [d.code for d in broken.diagnostics] == ["unknown-id"]


def test_a_sound_record_that_does_not_fit_the_catalog_is_replaced(tmp_path: Path) -> None:
    """Digest right, content wrong (as from an older layout): linked claim by claim,
    then written again."""
    import hashlib

    folder, _ = generated(tmp_path, events=100, files=2, seed=3)
    cold = load(folder, None)
    load(folder, CatalogCache(tmp_path / "cache"))
    [record] = linked_entries(CatalogCache(tmp_path / "cache"))
    header, payload = record.read_bytes().split(b"\n", 1)
    payload = payload.replace(b'"count":', b'"count":1', 1)
    fields = json.loads(header)
    fields["payload"] = hashlib.sha256(payload).hexdigest()
    record.write_bytes(json.dumps(fields).encode() + b"\n" + payload)
    same_catalog(cold.catalog, load(folder, CatalogCache(tmp_path / "cache")).catalog)
    assert b'"count":1' not in record.read_bytes()


def test_prune_drops_what_was_not_used_for_a_while(catalog: Path, tmp_path: Path) -> None:
    cache = CatalogCache(tmp_path / "cache")
    load(catalog, cache)  # two file entries and one linked record, used now
    folder = cache.folder
    now = time.time()
    day = 86400
    old_entry = folder / ("0" * 32 + ".json")
    old_entry.write_text("{}", encoding="utf-8")
    linked = [folder / f"linked-{n:032x}.json" for n in range(1, 6)]
    for age, record in enumerate(linked, 1):
        record.write_text("{}", encoding="utf-8")
        os.utime(record, (now - age * day, now - age * day))
    crashed = folder / "tmpabc.tmp"
    crashed.write_text("", encoding="utf-8")
    foreign = folder / "notes-of-mine.txt"
    foreign.write_text("kept", encoding="utf-8")
    for path, age in ((old_entry, 61 * day), (crashed, 2 * day), (foreign, 400 * day)):
        os.utime(path, (now - age, now - age))
    cache.prune(now)
    assert not old_entry.exists()
    assert not crashed.exists()
    assert foreign.exists()  # not a name the cache writes
    assert len(entries(cache)) == 2  # the two in use
    kept = linked_entries(cache)
    assert len(kept) == 4  # the record written by the load, and the three newest of the five
    assert linked[0] in kept
    assert linked[2] in kept
    assert linked[3] not in kept


def test_a_hit_marks_the_entry_as_used(catalog: Path, tmp_path: Path) -> None:
    load(catalog, CatalogCache(tmp_path / "cache"))
    cache = CatalogCache(tmp_path / "cache")
    long_ago = time.time() - 100 * 86400
    for entry in entries(cache):
        os.utime(entry, (long_ago, long_ago))
    load(catalog, cache)
    assert cache.hits == 2
    cache.prune()
    assert len(entries(cache)) == 2  # used just now: kept


CAPTURED_STDERR = """
import sys
from contested.catalog.cache.store import CatalogCache
from contested.catalog.loading import load_catalog


class Captured:
    \"\"\"What Textual puts in sys.stderr while the explorer runs: no file descriptor.\"\"\"

    def write(self, text):
        return len(text)

    def flush(self):
        pass

    def fileno(self):
        return -1


if __name__ == "__main__":
    sys.stderr = Captured()
    cache = CatalogCache(sys.argv[2])
    result = load_catalog([sys.argv[1]], cache=cache, workers=2)
    print(result.ok, cache.hits)
"""


def test_worker_processes_start_under_the_explorers_captured_stderr(tmp_path: Path) -> None:
    """Under the explorer, starting multiprocessing's resource tracker with Textual's
    stderr failed ('bad value(s) in fds_to_keep') and the loading screen stayed up."""
    folder, made = generated(tmp_path, events=100, files=2, seed=13)
    script = tmp_path / "captured.py"
    script.write_text(CAPTURED_STDERR, encoding="utf-8")
    done = subprocess.run([sys.executable, str(script), str(folder), str(tmp_path / "cache")],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    # Every file read back from an entry a worker wrote (the fallback parses here instead).
    assert done.stdout.split() == ["True", str(len(made.files))]


def test_a_warm_load_of_small_files_makes_no_default_and_shares_each_section_s_shape(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Thousands of tiny files loaded slower from the cache than parsed: pydantic
    inspected the signature of each missing section's default factory at each entry
    (tokenising its text signature), and each entry worked out its sections' shapes."""
    import pydantic.fields

    catalog = tmp_path / "small"
    catalog.mkdir()
    for n in range(40):
        (catalog / f"f{n:02d}.yaml").write_text(
            f"contested: 1\nsources:\n  - {{id: s{n}, name: Source {n}}}\n"
            f"events:\n  - {{id: e{n}, date: 2025-03, title: Event {n}}}\n")
    cache = CatalogCache(tmp_path / "cache")
    load_catalog([catalog], cache=cache)
    defaults: list[str] = []
    real = pydantic.fields.FieldInfo.get_default

    def counted(self: pydantic.fields.FieldInfo, *args: Any, **kwargs: Any) -> Any:
        defaults.append(repr(self))
        return real(self, *args, **kwargs)

    monkeypatch.setattr(pydantic.fields.FieldInfo, "get_default", counted)
    warm = CatalogCache(tmp_path / "cache")
    result = load_catalog([catalog], cache=warm)
    assert warm.hits == 40
    assert [s.id for s in result.catalog.sources.values()] == [f"s{n}" for n in range(40)]
    assert defaults == []


def test_the_cache_s_pydantic_shortcut_makes_what_pydantic_makes() -> None:
    """`rows._unchecked` writes pydantic's slots itself (pydantic is pinned below 3 for
    it): if a release changes them, this says which, instead of a wrong entity later."""
    import pydantic

    from contested.catalog.cache.rows import _unchecked
    from contested.catalog.discover import bundled_catalog

    expected = ("__dict__", "__pydantic_fields_set__", "__pydantic_extra__",
                "__pydantic_private__")
    assert pydantic.BaseModel.__slots__ == expected, (
        f"pydantic {pydantic.VERSION} changed BaseModel.__slots__ to "
        f"{pydantic.BaseModel.__slots__}: rows._unchecked must follow")
    catalog = load_catalog([bundled_catalog()], cache=None).catalog
    for section in (catalog.sources, catalog.questions, catalog.events, catalog.claims):
        for made in section.values():
            again = _unchecked(type(made), dict(made.__dict__), set(made.model_fields_set))
            assert again == made
            assert again.model_dump() == made.model_dump()
            assert again.model_fields_set == made.model_fields_set
