"""Search across every text field, sources' aliases included: "Gadi" finds the claims of
Franz-Stefan Gady, who is also spelled Franz-Stephan Gadi.

Each entity's text (its fields joined by line breaks, casefolded) is laid end to end with
the others of its section in a few long strings, with where each one starts: a query is
`str.find` over those strings (in C), each match mapped back to its entity by a binary
search, with no object per entity. That text depends on the catalog alone: it is made
once (every entity made for it, the costly part) and kept in the user's cache under the
keys of the files it was made from, so that a catalog opened again is searchable as soon
as the text is read back, without making an entity.
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
from array import array
from bisect import bisect_right
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from contested import __version__
from contested.present.wording import date_text, explain, value_text
from contested.support.collector import collector_paused
from contested.support.dirs import cache_dir
from contested.support.files import (
    keep_recent,
    open_own,
    remove_stale_temporaries,
    replace_own,
)
from contested.support.sequences import MadeWhenRead

if TYPE_CHECKING:
    from contested.catalog.cache.store import FileKey
    from contested.catalog.catalog import Catalog
    from contested.present.browse import Browser


@dataclass(frozen=True, slots=True)
class Hit:
    kind: str
    id: str


def _folded(*parts: str | None) -> str:
    return "\n".join(p for p in parts if p).casefold()


SEPARATOR = "\x00"
"""Between two entities' texts: a match that runs over one is no match."""
_PER_STRING = 4096
"""Entities per string: a character outside Latin-1 widens only the string it is in."""
_PAUSE_EVERY = 50
"""Entities between two hand-backs of the interpreter (about a millisecond)."""
_WAIT = 0.02
"""How long the build sleeps at a time while the person is busy."""
SECTIONS = (("event", "events"), ("claim", "claims"), ("source", "sources"),
            ("question", "questions"))
"""The sections whose text is kept, in the order of the hits (kind, catalog section)."""
FORMAT = 1
"""Raised when what `CatalogText.store` writes, or what goes into an entity's text, changes."""
KEEP = 4
"""Catalogs whose text the cache keeps (the most recently used)."""
_NAME = re.compile(r"[0-9a-f]{32}\.search")
_HEADER_LIMIT = 1 << 20


class SectionText:
    """The folded texts of one section's entities, in the order of its hits: strings of
    `_PER_STRING` texts joined by `SEPARATOR`, and where each text starts in its string
    (one more start per string: its length plus one)."""

    __slots__ = ("count", "starts", "strings")

    def __init__(self, strings: list[str], starts: list[array[int]]) -> None:
        self.strings = strings
        self.starts = starts
        self.count = sum(len(s) - 1 for s in starts)

    @classmethod
    def of(cls, texts: Iterator[str]) -> SectionText:
        strings: list[str] = []
        starts: list[array[int]] = []
        batch: list[str] = []

        def close() -> None:
            strings.append(SEPARATOR.join(batch))
            starts.append(array("q", accumulate((len(t) + 1 for t in batch), initial=0)))
            batch.clear()

        for text in texts:
            batch.append(text)
            if len(batch) == _PER_STRING:
                close()
        if batch:
            close()
        return cls(strings, starts)

    def matching(self, needle: str) -> array[int]:
        """The positions of the texts that hold `needle`, in order."""
        size, base = len(needle), 0
        found = array("q")
        keep = found.append
        for string, starts in zip(self.strings, self.starts, strict=True):
            find = string.find
            at = find(needle)
            entry = bisect_right(starts, at) - 1
            while at >= 0:
                end = starts[entry + 1]  # the next text's start: one past the separator
                if at + size < end:
                    keep(base + entry)
                # A later match in this text would run over its end as well.
                at = find(needle, end)
                if at < 0:
                    break
                entry += 1  # (where a dense query's next match mostly is)
                if at >= starts[entry + 1]:
                    entry = bisect_right(starts, at) - 1
            base += len(starts) - 1
        return found

    def sound(self) -> bool:
        """The starts fit the strings (for text read back from a file)."""
        return all(len(starts) >= 2 and starts[0] == 0 and starts[-1] == len(string) + 1
                   for string, starts in zip(self.strings, self.starts, strict=True))


_KEYS: WeakKeyDictionary[Catalog, tuple[str, str]] = WeakKeyDictionary()


def remember_files(catalog: Catalog, keys: Sequence[FileKey]) -> None:
    """The cache keys of the files `catalog` was loaded from, every one of them (from
    `LoadResult.keys`): its text is kept in the cache under them, and read back when the
    same files are opened again."""
    if not keys:
        return
    paths = "\0".join(k.path for k in keys).encode("utf-8", "surrogateescape")
    files = json.dumps([[k.path, k.size, k.mtime_ns, k.sha256] for k in keys])
    _KEYS[catalog] = (hashlib.sha256(paths).hexdigest()[:32],
                      hashlib.sha256(files.encode("utf-8", "surrogateescape")).hexdigest())


def default_folder() -> Path:
    return cache_dir() / "search"


class CatalogText:
    """The searchable text of one catalog, read back from the cache or made, once, by
    whoever asks first (`ready`); the others wait for it."""

    def __init__(self, catalog: Catalog, folder: Path | None = None) -> None:
        self.catalog = catalog
        self.folder = folder or default_folder()
        self.sections: dict[str, SectionText] | None = None
        self.read_back = False
        """The text came from the cache."""
        self._lock = threading.Lock()
        self._hurry = False
        """Someone waits for the text: the build no longer pauses."""

    def _entry(self) -> tuple[Path, str] | None:
        known = _KEYS.get(self.catalog)
        return (self.folder / f"{known[0]}.search", known[1]) if known else None

    def ready(self, browser: Browser, pause: Callable[[], None] | None = None,
              *, build: bool = True) -> dict[str, SectionText] | None:
        """The text: read back from the cache, else made (unless not `build`: then None)
        and kept in the cache. `pause()` is called between entities while it is made."""
        if self.sections is not None:
            return self.sections
        if pause is None:
            self._hurry = True  # the build under way, if any, stops pausing
        with self._lock:
            if self.sections is None:
                self.sections = self._load()
                self.read_back = self.sections is not None
            if self.sections is None and build:
                def paused() -> None:
                    if pause is not None and not self._hurry:
                        pause()

                with collector_paused():  # as loading is: it makes every entity
                    self.sections = _built(browser, paused)
                self._store(self.sections)
            return self.sections

    # --- the cache --------------------------------------------------------------------

    def _load(self) -> dict[str, SectionText] | None:
        """The text kept for exactly these files, if it is there, ours and sound."""
        entry = self._entry()
        if entry is None:
            return None
        path, key = entry
        opened = open_own(path)  # never a link, a FIFO that would block, another's file
        if opened is None:
            return None
        try:
            with opened as handle:
                header = json.loads(handle.readline(_HEADER_LIMIT))
                if not (isinstance(header, dict)
                        and all(header.get(k) == v for k, v in _header(key).items())):
                    return None
                data = handle.read()
            sections = _sections_back(header["sections"], data, self.catalog)
        except (OSError, ValueError, TypeError, KeyError, IndexError, UnicodeDecodeError):
            return None
        if sections is not None:
            with contextlib.suppress(OSError):
                os.utime(path)  # its mtime says when it was last used (`_prune`)
        return sections

    def _store(self, sections: dict[str, SectionText]) -> None:
        """Keep the text for the next time these files are opened; a cache that cannot
        be written is not an error."""
        entry = self._entry()
        if entry is None:
            return
        path, key = entry
        parts: list[bytes] = []
        layout = []
        for kind, _ in SECTIONS:
            strings = []
            for string, starts in zip(sections[kind].strings, sections[kind].starts,
                                      strict=True):
                encoded, numbers = string.encode("utf-8", "surrogatepass"), starts.tobytes()
                parts += [encoded, numbers]
                strings.append([len(encoded), len(numbers)])
            layout.append([kind, strings])
        header = json.dumps({**_header(key), "sections": layout}).encode() + b"\n"
        try:
            self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            replace_own(path, [header, *parts])
        except OSError:
            return
        self._prune()

    def _prune(self) -> None:
        """All but the `KEEP` texts used last, and temporaries a crash left."""
        keep_recent(self.folder, _NAME, KEEP)
        remove_stale_temporaries(self.folder)


def _header(key: str) -> dict[str, object]:
    return {"search": FORMAT, "contested": __version__, "byteorder": sys.byteorder,
            "key": key}


def _sections_back(layout: list[list[object]], data: bytes, catalog: Catalog,
                   ) -> dict[str, SectionText] | None:
    """The sections as `_store` wrote them, if they fit `data` and the catalog's counts."""
    sections: dict[str, SectionText] = {}
    at = 0
    view = memoryview(data)
    if [kind for kind, _ in layout] != [kind for kind, _ in SECTIONS]:
        return None
    for (kind, name), (_, sizes) in zip(SECTIONS, layout, strict=True):
        strings, starts = [], []
        for text_size, numbers_size in sizes:  # type: ignore[attr-defined]
            strings.append(str(view[at:at + text_size], "utf-8", "surrogatepass"))
            numbers = array("q")
            numbers.frombytes(view[at + text_size:at + text_size + numbers_size])
            starts.append(numbers)
            at += text_size + numbers_size
        section = SectionText(strings, starts)
        if section.count != len(catalog.section(name)) or not section.sound():
            return None
        sections[kind] = section
    return sections if at == len(data) else None


def _built(browser: Browser, pause: Callable[[], None]) -> dict[str, SectionText]:
    """Every entity's text, made from the entities (a pass that keeps none of them)."""
    catalog = browser.catalog
    names = {s.id: _folded(s.id, *s.names) for s in catalog.sources.values()}

    def paced(texts: Iterator[str]) -> Iterator[str]:
        for count, text in enumerate(texts, 1):
            if not count % _PAUSE_EVERY:
                pause()
            yield text

    events = (_folded(event.id, event.title, event.place, event.summary, event.note,
                      event.date.text, *event.tags) for event in browser.events_in_order)
    claims = (_folded(claim.id, claim.text, claim.quote, claim.note, date_text(claim.when),
                      value_text(catalog, claim) if claim.value is not None else None,
                      *(names.get(s, s) for s in [*claim.source, *claim.via]))
              for claim in catalog.claims.each())  # read, not kept: see `Entities.each`
    sources = (_folded(names[source.id], source.kind, source.side, source.note)
               for source in catalog.sources.values())
    questions = (_folded(question.id, question.text, question.note, *(question.values or []))
                 for question in catalog.questions.values())
    return {"event": SectionText.of(paced(events)), "claim": SectionText.of(paced(claims)),
            "source": SectionText.of(paced(sources)),
            "question": SectionText.of(paced(questions))}


class Hits(MadeWhenRead[Hit]):
    """The hits of a query, in pane order, each made when read: a query that matches
    most of 300,000 claims and their contradictions costs numbers, not objects."""

    def __init__(self, parts: list[tuple[str, Callable[[int], str], Sequence[int]]]) -> None:
        self._parts = [(kind, id_of, found) for kind, id_of, found in parts if len(found)]
        self._ends = list(accumulate(len(found) for _, _, found in self._parts))

    def __len__(self) -> int:
        return self._ends[-1] if self._ends else 0

    def _at(self, index: int) -> Hit:
        part = bisect_right(self._ends, index)
        kind, id_of, found = self._parts[part]
        return Hit(kind, id_of(int(found[index - (self._ends[part - 1] if part else 0)])))


class SearchIndex:
    """A catalog's text and the findings of one analysis of it; a query is a
    case-insensitive substring."""

    def __init__(self, browser: Browser, text: CatalogText | None = None) -> None:
        self.browser = browser
        self.text = (text if text is not None and text.catalog is browser.catalog
                     else CatalogText(browser.catalog))
        self._declared: list[tuple[str, str]] | None = None

    def build_in_background(self, busy: Callable[[], bool] = lambda: False) -> None:
        """Read the text back or make it, in a worker thread, handing the interpreter
        back every few dozen entities, and waiting while `busy()` (a key was just
        pressed): otherwise the keys typed meanwhile wait for it, and every repaint is
        several times slower while a big catalog is made (bench/RESULTS.md). A search
        made meanwhile waits for it, and the build stops pausing."""

        def pause() -> None:
            time.sleep(0)  # releases the GIL: the UI thread, if waiting, takes it now
            while busy():
                time.sleep(_WAIT)

        self.text.ready(self.browser, pause)
        # What the first search asks of the engine, worked out now (its arrays).
        self.browser.analysis.contradictions.held_of_rows([])

    def read_back(self) -> bool:
        """Read the text back from the cache, if it is there (never made here)."""
        return self.text.ready(self.browser, lambda: None, build=False) is not None

    def _declared_texts(self) -> list[tuple[str, str]]:
        if self._declared is None:
            catalog = self.browser.catalog
            self._declared = [(found.id, _folded(found.id, *explain(catalog, found),
                                                 found.note))
                              for found in self.browser.analysis.contradictions.declared]
        return self._declared

    def find(self, query: str) -> Hits:
        """Every entity whose text holds `query`, in pane order.

        A contradiction found by the rules is found through its claims (its explanation
        is made of their sources, values and dates): it is a hit when one of its claims
        is, so that 300,000 of them need no text of their own in the index. The pairs of
        a grouped question are not hits (a claim of it may have thousands): its claims are.
        """
        needle = query.strip().casefold()
        if not needle:
            return Hits([])
        sections = self.text.ready(self.browser)
        assert sections is not None  # (made if it was not there)
        catalog = self.browser.catalog
        order = self.browser.events_in_order.rows
        events, claims = catalog.events.ids, catalog.claims.ids
        found = {kind: sections[kind].matching(needle) for kind, _ in SECTIONS}
        declared = [found_id for found_id, text in self._declared_texts() if needle in text]
        parts: list[tuple[str, Callable[[int], str], Sequence[int]]] = [
            ("event", lambda n: events[order[n]], found["event"]),
            ("claim", claims.__getitem__, found["claim"]),
            ("source", catalog.sources.ids.__getitem__, found["source"]),
            ("question", catalog.questions.ids.__getitem__, found["question"]),
            ("contradiction", declared.__getitem__, range(len(declared))),
        ]
        contradictions = self.browser.analysis.contradictions
        if found["claim"]:
            import numpy as np  # (loaded with the engine)

            held, _ = contradictions.held_of_rows(found["claim"])
            positions = np.sort(held)  # each once already
            if declared:  # hits themselves, each listed once
                twice = [place for found_id in declared
                         if (place := contradictions.position_of(found_id)) is not None]
                positions = positions[~np.isin(positions, twice)]
            parts.append(("contradiction", lambda p: contradictions[p].id,
                          positions.tolist()))
        return Hits(parts)
