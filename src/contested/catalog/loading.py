"""Loading a catalog: files -> guarded YAML -> models -> one linked `Catalog`.

Every problem in every file is collected in one pass and located (`path:line:col`).
A file with a problem is refused as a whole; `LoadResult.catalog` holds the files that
loaded cleanly (all of them when there is no error), for the explorer's partial mode.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from contested.catalog.archives import ArchiveChecks
from contested.catalog.cache.store import CatalogCache, FileKey
from contested.catalog.catalog import Catalog
from contested.catalog.discover import discover
from contested.catalog.link import link, linked_state, relink
from contested.catalog.parallel import parse_all
from contested.catalog.parse import TOO_MANY, ParsedFile, Problems
from contested.catalog.same_events import DEFAULT_RULE, SameEventRule, split_per_event
from contested.format.diagnostics import (
    Diagnostic,
    Location,
    sort_diagnostics,
)
from contested.format.guarded_yaml import DEFAULT_LIMITS, Limits
from contested.support.collector import collector_paused


@dataclass
class LoadResult:
    """The outcome of loading: the clean part of the catalog and every problem found."""

    catalog: Catalog
    diagnostics: list[Diagnostic]
    paths: list[str] = field(default_factory=list)
    whole: Catalog | None = None
    """Everything that validated, broken files' valid entities too: what warnings are
    checked on while errors remain (the clean part alone would miss their claims)."""
    unchecked: list[str] = field(default_factory=list)
    """Files whose ids are not all known: they could not be read or parsed, or had too
    many problems to be checked whole."""
    excused: int = 0
    """References to ids not found and not reported, as they may name an id of an
    `unchecked` file: that file's own problem, reported first, explains them."""
    keys: list[FileKey] = field(default_factory=list)
    """The cache keys of the files, when every one loaded cleanly through the cache
    (else none): what is made from the whole catalog may be kept under them."""
    archives: list[list[object]] = field(default_factory=list)
    """The stat of each document's archived copy as it was read (`ArchiveChecks.stamps`):
    what a command's output depends on beside the files."""

    @property
    def ok(self) -> bool:
        return not self.diagnostics

    def excused_note(self) -> str | None:
        """What a summary says of the references not checked, if any were not."""
        if not self.excused:
            return None
        from contested.format.diagnostics import shown_path

        names = ", ".join(shown_path(path) for path in self.unchecked[:3])
        more = f" and {len(self.unchecked) - 3} more" if len(self.unchecked) > 3 else ""
        were = "was" if self.excused == 1 else "were"
        return (f"{self.excused:,} reference{'s' * (self.excused != 1)} to unknown ids {were} "
                f"not reported: what they name may be in {names}{more}, which could not be "
                "checked")

    @property
    def failed_paths(self) -> list[str]:
        failed = {d.location.path for d in self.diagnostics}
        return [p for p in self.paths if p in failed]


def load_catalog(paths: Sequence[str | Path], limits: Limits = DEFAULT_LIMITS,
                 progress: Callable[[int, int], None] | None = None,
                 cache: CatalogCache | None = None, workers: int | None = None, *,
                 same_events: SameEventRule | None = None) -> LoadResult:
    """Load every file under `paths` into one catalog, collecting every problem.

    `progress(done, total)` is called after each file, for a progress bar. With a
    `cache`, files read back from it are not parsed, and files that validate are kept.
    Files to parse are shared among `workers` processes (default: one per core, when
    there is enough to parse for it to pay; 1 parses here). Events of different
    datasets are found to be one by the `same_events` rule, and per-event questions
    split by event (`contested.catalog.same_events`).
    """
    same_events = same_events or DEFAULT_RULE
    with collector_paused():
        files, found = discover(paths)
        problems = Problems()
        problems.extend(found)
        parsed = parse_all(files, limits, cache, progress, workers)
        broken: dict[tuple[str, str], Location] = {}
        for result in parsed:
            if result.left_out is None:
                problems.extend(result.diagnostics)
            else:  # its message of those left out is made again, with any more
                problems.extend(d for d in result.diagnostics if d.code != TOO_MANY)
                problems.leave(*result.left_out)
            broken.update(result.broken_ids)
        # A file that did not load explains the references into it that are not found:
        # they are not reported, and its own problem comes first.
        failed = [d.location.path for d in found if d.code == "not-a-file"]
        failed += [p.path for p in parsed if p.document is None and p.salvaged is None]
        unchecked = [*dict.fromkeys([*failed, *(p.path for p in parsed if p.incomplete)])]
        # Link everything that validated, even inside broken files, to report every
        # cross-file problem in this one run.
        everything = [(p.path, p.document or p.salvaged) for p in parsed
                      if (p.document or p.salvaged) is not None]
        keys = [p.key for p in parsed if p.key is not None and p.document is not None]
        whole_set = cache is not None and problems.clean and len(keys) == len(parsed)
        known = cache.linked(keys) if whole_set and cache is not None else None
        whole = relink(everything, known) if known is not None else None  # type: ignore[arg-type]
        if whole is None:
            whole, _ = link(everything, broken, unchecked=unchecked,  # type: ignore[arg-type]
                            problems=problems)
            if whole_set and problems.clean and cache is not None:
                cache.put_linked(keys, linked_state(whole))
        split_per_event(whole, same_events)
        archives = ArchiveChecks.of(whole)
        problems.extend(archives.errors)
        catalog = whole
        listed = problems.all()
        if listed:
            catalog = _clean_part(parsed, {d.location.path for d in listed})
            split_per_event(catalog, same_events)
    causes = set(failed)
    ordered = sort_diagnostics(listed)
    ordered = ([d for d in ordered if d.location.path in causes]
               + [d for d in ordered if d.location.path not in causes])
    return LoadResult(catalog, ordered, files, whole, unchecked, problems.excused,
                      keys if whole_set and not listed else [], archives.stamps())


def _clean_part(parsed: list[ParsedFile], failing: set[str]) -> Catalog:
    """The catalog of the files without a problem, for the explorer's partial mode:
    files that lean on a dropped file are dropped too, until what is left links alone."""
    clean = {p.path: p.document for p in parsed if p.document and p.path not in failing}
    while True:
        catalog, problems = link(clean.items())
        leaning = {d.location.path for d in problems}
        if not leaning:
            return catalog
        for path in leaning:
            clean.pop(path, None)

