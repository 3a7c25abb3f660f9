"""Loading a catalog: files -> guarded YAML -> models -> one linked `Catalog`.

Every problem in every file is collected in one pass and located (`path:line:col`).
A file with a problem is refused as a whole; `LoadResult.catalog` holds the files that
loaded cleanly (all of them when there is no error), for the explorer's partial mode.
"""

from __future__ import annotations

import contextlib
import functools
import os
import sys
import time
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError

from contested.catalog.cache import CatalogCache, FileKey, Recover
from contested.catalog.catalog import Catalog
from contested.catalog.columns import ClaimColumns, EventColumns
from contested.catalog.entities import Chunk
from contested.format.diagnostics import (
    Diagnostic,
    DiagnosticError,
    Location,
    did_you_mean,
    shown,
    sort_diagnostics,
)
from contested.format.guarded_yaml import DEFAULT_LIMITS, Limits, YamlList, YamlMap, read_yaml
from contested.format.model import (
    DATE_FIELDS,
    ENTITY_MODELS,
    Claim,
    Entity,
    Origin,
    QuantityForm,
    Spots,
    TimelineFile,
    TimelineHeader,
)
from contested.format.quantities import QuantityError, exact, parse_number
from contested.support.collector import collector_paused
from contested.support.files import Refused, kind_of, read_with_stat
from contested.vocabulary import KIND_OF_SECTION, NOTES_FILE_NAME, SECTIONS, YAML_SUFFIXES

_MODEL_AT: dict[tuple[str, ...], type[BaseModel]] = {
    (): TimelineFile,
    **{(section,): model for section, model in ENTITY_MODELS.items()},
    ("claims", "value"): QuantityForm,
}
"""The model that reads what is at a path of fields, for wording pydantic's errors."""


def bundled_catalog() -> Path:
    """The Kursk timelines shipped with contested (inside the package once installed)."""
    package = Path(str(resources.files("contested")))
    packaged = package / "timelines"
    if packaged.is_dir():
        return packaged
    return package.parents[1] / "timelines"  # a checkout: src/contested -> the repository


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


def discover(paths: Sequence[str | Path]) -> tuple[list[str], list[Diagnostic]]:
    """Expand directories to their `*.yaml`/`*.yml` files in sorted order. A timeline
    name that is not a regular file (a FIFO, a device, a link to nothing) is reported,
    not opened."""
    found: list[str] = []
    problems: list[Diagnostic] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            files = []
            for candidate in sorted(path.rglob("*")):
                if (candidate.suffix not in YAML_SUFFIXES or candidate.name == NOTES_FILE_NAME
                        or any(part.startswith(".")
                               for part in candidate.relative_to(path).parts)):
                    continue
                if candidate.is_file():
                    files.append(candidate)
                elif not candidate.is_dir():
                    problems.append(_not_a_file(candidate))
            if not files and not problems:
                problems.append(Diagnostic(Location(str(path)), "no-timelines",
                                           "no *.yaml or *.yml files in this directory"))
            found.extend(str(p) for p in files)
        elif path.is_file():
            found.append(str(path))
        elif path.exists() or path.is_symlink():
            problems.append(_not_a_file(path))
        else:
            problems.append(Diagnostic(Location(str(path)), "no-such-path",
                                       "no such file or directory"))
    unique = list(dict.fromkeys(found))
    return unique, problems


def _not_a_file(path: Path) -> Diagnostic:
    try:
        what = kind_of(path.stat().st_mode)
    except OSError:
        what = "a link to nothing" if path.is_symlink() else "unreadable"
    return Diagnostic(Location(str(path)), "not-a-file",
                      f"{what}, not a regular file or directory")


def read_timeline(path: str, limits: Limits = DEFAULT_LIMITS) -> tuple[bytes, os.stat_result]:
    """A timeline's bytes and its stat as opened, its type and size checked before a byte
    is read (`contested.support.files.read_with_stat`: a FIFO, a device or a sparse file of
    gigabytes is refused at once); a refusal is a DiagnosticError at the file."""
    try:
        return read_with_stat(path, limits.max_bytes)
    except Refused as refused:
        where = Location(path, 1, 1) if refused.code == "file-too-large" else Location(path)
        raise DiagnosticError(Diagnostic(where, refused.code, refused.reason)) from None


@dataclass
class ParsedFile:
    """One file after validation: the whole document when valid; otherwise the entities
    that validated on their own (`salvaged`), so that their cross-file problems are still
    reported in the same run, and the ids of the broken ones (`broken_ids`), so that
    references to those are not reported as unknown a second time."""

    path: str
    document: TimelineFile | None
    diagnostics: list[Diagnostic]
    salvaged: TimelineFile | None = None
    broken_ids: dict[tuple[str, str], Location] = field(default_factory=dict)
    key: FileKey | None = None
    """The file's cache key, when it was loaded with a cache and read."""
    left_out: tuple[Location, int] | None = None
    """Problems beyond the `MAX_PROBLEMS` listed: where the first is, and how many."""
    incomplete: bool = False
    """Part of the file was not checked (too many problems): the ids it holds are not
    all known, so references to ids that may be there are not reported as unknown."""

    @property
    def unknown_ids(self) -> bool:
        """The file failed before its ids were known (unreadable, not YAML, over a
        limit) or while only some were: references that may point into it are not
        reported as unknown, its own problem explains them."""
        return self.incomplete or (self.document is None and self.salvaged is None)


MAX_PROBLEMS = 1_000
"""Problems listed per file. Beyond, they are counted and one message, at the first left
out, says how many: a file of a million broken claims would otherwise hold and print
millions of messages (gigabytes) when the first screenful says what is wrong."""

PART_NODES = 50_000
"""YAML nodes validated in one call. What a call's errors cost (pydantic keeps every one
until the call returns) is bounded by its nodes, so a file of two million `{}` claims is
checked part by part in bounded memory; an entity larger than this is refused."""


TOO_MANY = "too-many-problems"


class Problems:
    """The problems found in a load, at most `MAX_PROBLEMS` listed per file; those
    left out are counted, each file's first left out kept to place the message."""

    def __init__(self) -> None:
        self.listed: list[Diagnostic] = []
        self.excused = 0
        """References not found and not reported (see `link`)."""
        self._counts: dict[str, int] = {}
        self._left_out: dict[str, tuple[Location, int]] = {}

    @property
    def clean(self) -> bool:
        """No problem at all, listed or not."""
        return not self.listed and not self._left_out

    def room(self, path: str) -> bool:
        """Whether another problem of `path` is listed (else: `leave` it)."""
        return self._counts.get(path, 0) < MAX_PROBLEMS

    def add(self, problem: Diagnostic) -> None:
        path = problem.location.path
        if self.room(path):
            self._counts[path] = self._counts.get(path, 0) + 1
            self.listed.append(problem)
        else:
            self.leave(problem.location)

    append = add

    def extend(self, problems: Iterable[Diagnostic]) -> None:
        for problem in problems:
            self.add(problem)

    def leave(self, where: Location, count: int = 1) -> None:
        """Count `count` problems left out, the first of them at `where`."""
        first, before = self._left_out.get(where.path, (where, 0))
        if (where.line, where.column) < (first.line, first.column):
            first = where
        self._left_out[where.path] = (first, before + count)

    def left_out(self, path: str) -> tuple[Location, int] | None:
        return self._left_out.get(path)

    def all(self) -> list[Diagnostic]:
        """The problems listed, and for each file with more, the message that says so."""
        summaries = [
            Diagnostic(first, TOO_MANY,
                       f"{count:,} more problem{'s' * (count != 1)} in this file "
                       f"{'are' if count != 1 else 'is'} not listed (at most "
                       f"{MAX_PROBLEMS:,} per file are): mend the ones listed and check "
                       "again")
            for first, count in self._left_out.values()
        ]
        return [*self.listed, *summaries]


def parse_timeline(data: bytes, path: str, limits: Limits = DEFAULT_LIMITS) -> ParsedFile:
    """One file's bytes to a validated `TimelineFile`, or the located problems."""
    try:
        tree = read_yaml(data, path, limits)
    except DiagnosticError as error:
        return ParsedFile(path, None, [error.diagnostic])
    if tree is None:
        return ParsedFile(path, None, [Diagnostic(
            Location(path, 1, 1), "empty-file",
            "the file is empty: a timeline starts with `contested: 1`",
        )])
    if not isinstance(tree, YamlMap):
        what = "a list" if isinstance(tree, YamlList) else "text"
        line, column = (tree.line, tree.column) if isinstance(tree, YamlList) else (1, 1)
        return ParsedFile(path, None, [Diagnostic(
            Location(path, line, column), "not-a-mapping",
            f"the top of a timeline file is a mapping (`contested: 1`, then sections), not {what}",
        )])
    return _Validation(tree, path).run()


class _Validation:
    """One file's tree validated part by part (`PART_NODES`): the top of the file, then
    each section's entities, a part at a time. A part that fails is
    validated again entity by entity, to keep those that are fine alone (their
    cross-file problems are still reported); a part once validated is dropped from the
    tree, so the tree and the models are not both held whole."""

    def __init__(self, tree: YamlMap, path: str) -> None:
        self.tree = tree
        self.path = path
        self.problems = Problems()
        self.broken: dict[tuple[str, str], Location] = {}
        self.incomplete = False
        self.timeline_id: str | None = None

    def run(self) -> ParsedFile:
        tree = self.tree
        header = self._top()
        self.timeline_id = header.id if header is not None else None
        if header is not None:
            header.locate(Origin(self.path, header.id, _spots(tree.get("timeline"))))
        sections: dict[str, Any] = {name: self._section(name) for name in SECTIONS}
        document = TimelineFile.model_construct(contested=1, timeline=header, **sections)
        problems = self.problems.all()
        if not problems:
            return ParsedFile(self.path, document, [])
        return ParsedFile(self.path, None, problems, document, self.broken,
                          left_out=self.problems.left_out(self.path),
                          incomplete=self.incomplete)

    def _explain(self, error: ValidationError, section: str | None = None,
                 start: int = 0) -> None:
        """List the errors of one call, as many as there is room for, and count the
        others; a part's errors are placed at item `start` + their index of `section`."""
        found = error.errors(include_url=False)
        for one in found:
            if section is not None:
                index, *rest = one["loc"]
                one["loc"] = (section, start + int(index), *rest)
        if not self.problems.room(self.path):
            self.problems.leave(_explain(found[0], self.tree, self.path).location,
                                len(found))
            return
        for one in found:
            self.problems.add(_explain(one, self.tree, self.path))

    def _top(self) -> TimelineHeader | None:
        """The top of the file (the version, the header, what else is there) checked
        with its sections empty; the header, if it is fine alone."""
        tree = self.tree
        top = YamlMap(tree.line, tree.column)
        known = TimelineFile.model_fields
        strangers = 0
        for name, value in tree.items():
            checked = value
            if name not in known:
                strangers += 1
                if strangers > MAX_PROBLEMS:  # left out of the check, and counted
                    line, column = tree.key_spot(name)
                    self.problems.leave(Location(self.path, line, column))
                    continue
            elif name == "timeline" and _too_big(value):
                self._too_big(value, ("timeline",), "the timeline header")
                continue
            elif name in SECTIONS and isinstance(value, YamlList):
                checked = YamlList(value.line, value.column)  # its entities: in parts
            top.put(name, tree.key_spot(name), checked, tree.value_spot(name))
        try:
            return TimelineFile.model_validate(top).timeline
        except ValidationError as error:
            self._explain(error)
        if "timeline" not in top:
            return None
        header: TimelineHeader | None = _validate_alone(TimelineHeader, top["timeline"])
        return header

    def _too_big(self, raw: YamlMap | YamlList, where: tuple[Any, ...], what: str) -> None:
        line, column = self.tree.value_spot(where[0]) if len(where) == 1 else (
            raw.line, raw.column)
        self.problems.add(Diagnostic(
            Location(self.path, line, column), "entity-too-large",
            f"{what} holds {raw.nodes:,} YAML nodes, over the limit of {PART_NODES:,} "
            "for one entity: it was not checked"))

    def _section(self, name: str) -> list[Any]:
        raw_items = self.tree.get(name)
        if not isinstance(raw_items, YamlList):
            return []  # missing, empty, or of the wrong type (reported with the top)
        model = _MODEL_AT[(name,)]
        adapter = _section_adapter(name)
        kept: list[Any] = []
        for start, stop in _parts(raw_items):
            raws = raw_items[start:stop]
            if stop - start == 1 and _too_big(raws[0]):
                kind = KIND_OF_SECTION[name]
                self._too_big(raws[0], (name, start), _describe(name, raws[0])
                              if isinstance(raws[0], YamlMap) else f"a {kind}")
                self._broken(name, raws[0])
                continue
            try:
                entities = adapter.validate_python(raws)
            except ValidationError as error:
                listed = self.problems.room(self.path)
                self._explain(error, name, start)
                if listed:
                    entities = self._salvage(model, name, raws)
                else:  # past the problems listed: not salvaged, not all ids known
                    self.incomplete = True
                    entities = []
                    raws = []
            for entity, raw in zip(entities, raws, strict=False):
                entity.locate(Origin(self.path, self.timeline_id, _spots(raw)))
            kept.extend(entities)
            raw_items[start:stop] = [None] * (stop - start)  # done with: freed
        return kept

    def _salvage(self, model: type[BaseModel], name: str, raws: list[Any]) -> list[Any]:
        """The entities of a failed part that are fine alone or once their faulty
        optional fields are dropped (their errors are already reported); `raws` is
        left holding the raw entity of each one kept, in the same order."""
        kept, kept_raws = [], []
        for raw in raws:
            entity = _validate_alone(model, raw)
            if entity is None:
                self._broken(name, raw)
            else:
                kept.append(entity)
                kept_raws.append(raw)
        raws[:] = kept_raws
        return kept

    def _broken(self, name: str, raw: Any) -> None:
        if isinstance(raw, YamlMap) and isinstance(raw.get("id"), str):
            spot = raw.value_spot("id")
            self.broken[(name, raw["id"])] = Location(self.path, spot[0], spot[1])


def _too_big(raw: Any) -> bool:
    return isinstance(raw, YamlMap | YamlList) and raw.nodes > PART_NODES


def _parts(items: YamlList) -> Iterator[tuple[int, int]]:
    """(start, stop) of consecutive items of at most `PART_NODES` nodes in all (an item
    larger than that alone)."""
    start, nodes = 0, 0
    for index, item in enumerate(items):
        size = item.nodes if isinstance(item, YamlMap | YamlList) else 1
        if nodes + size > PART_NODES and index > start:
            yield start, index
            start, nodes = index, 0
        nodes += size
    if start < len(items):
        yield start, len(items)


@functools.cache
def _section_adapter(name: str) -> TypeAdapter[list[Any]]:
    """The validator of a list of one section's entities."""
    model = _MODEL_AT[(name,)]
    entities: Any = list[model]  # type: ignore[valid-type]
    return TypeAdapter(entities)


def _validate_alone(model: type[BaseModel], raw: Any) -> Any:
    """`model` from `raw`, retried once without the fields that failed; None if hopeless."""
    if not isinstance(raw, YamlMap):
        return None
    try:
        return model.model_validate(raw)
    except ValidationError as error:
        faulty = {e["loc"][0] for e in error.errors() if e["loc"]}
    if "id" in faulty:
        return None
    trimmed = raw.without(faulty)
    try:
        return model.model_validate(trimmed)
    except ValidationError:
        return None


def _explain(error: Any, tree: YamlMap, path: str) -> Diagnostic:
    """A pydantic error, rewritten for a person and placed where the YAML said it."""
    loc: tuple[Any, ...] = error["loc"]
    kind: str = error["type"]
    given = error.get("input")
    node: Any = tree
    spot = (tree.line, tree.column)
    key_spot = spot
    fields: list[str] = []  # the path through mappings only, to find the model
    item: YamlMap | None = None
    container: YamlMap = tree  # the mapping that holds the last field found
    section = ""
    for part in loc:
        if isinstance(node, YamlMap) and isinstance(part, str) and part in node:
            key_spot, spot = node.key_spot(part), node.value_spot(part)
            container, node = node, node[part]
            fields.append(part)
            if len(fields) == 1:
                section = part
                if isinstance(node, YamlMap):
                    item = node
        elif isinstance(node, YamlList) and isinstance(part, int) and part < len(node):
            spot = node.item_spot(part)
            node = node[part]
            if len(fields) == 1 and isinstance(node, YamlMap):
                item = node
    name = str(loc[-1]) if loc else ""
    what = _describe(section, item)
    field_name = fields[-1] if fields else name

    if kind == "extra_forbidden":
        model = _MODEL_AT.get(tuple(fields[:-1]), TimelineFile)
        hint = _split_number(container, name) or did_you_mean(name, model.model_fields)
        return _at(path, key_spot, "unknown-field", f"unknown field '{name}' in {what}{hint}")
    if kind == "missing":
        if loc == ("contested",):
            return _at(path, (1, 1), "missing-version",
                       "missing `contested: 1` (the format version) at the top of the file")
        return _at(path, spot, "missing-field", f"{what} has no '{name}', which is required")
    message = str(error["msg"]).removeprefix("Value error, ")
    if kind in ("string_type", "list_type", "dict_type", "model_type", "model_attributes_type",
                "int_type", "float_type", "bool_type"):
        expected = {"string_type": "text", "list_type": "a list", "int_type": "a whole number",
                    "float_type": "a number", "bool_type": "true or false"}.get(kind, "a mapping")
        return _at(path, spot, "wrong-type",
                   f"'{field_name}' in {what} should be {expected}, not {shown(given)}")
    if kind == "literal_error":
        expected = error.get("ctx", {}).get("expected", "")
        hint = did_you_mean(str(given), [v.strip(" '") for v in str(expected).split(",")]
                            if expected else [])
        return _at(path, spot, "not-allowed",
                   f"'{field_name}' is {shown(given)}, expected {expected}{hint}")
    if kind == "string_pattern_mismatch":
        return _at(path, spot, "bad-id",
                   f"{shown(given)} is not a valid id: an id starts with a letter or digit, "
                   "then letters, digits, '_', '.' or '-'")
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        ctx = error.get("ctx", {})
        bound = {"greater_than_equal": f"at least {ctx.get('ge')}",
                 "less_than_equal": f"at most {ctx.get('le')}",
                 "greater_than": f"more than {ctx.get('gt')}",
                 "less_than": f"less than {ctx.get('lt')}"}[kind]
        return _at(path, spot, "out-of-range",
                   f"'{field_name}' in {what} is {shown(given)}; it must be {bound}")
    if kind in ("too_short", "too_long"):
        return _at(path, spot, "wrong-length", f"'{field_name}' in {what}: {message}")
    if kind == "value_error" and field_name in DATE_FIELDS:
        return _at(path, spot, "bad-date", f"bad date in '{field_name}': {message}")
    if kind == "value_error" and len(fields) >= 2 and fields[1] == "value":
        return _at(path, spot, "bad-value", f"bad figure in {what}: {message}")
    if kind == "value_error" and field_name == "contested":
        return _at(path, spot, "format-version", message)
    if kind == "value_error" and field_name == section:
        return _at(path, spot, "invalid", f"{what}: {message}")
    return _at(path, spot, "invalid", f"'{field_name}' in {what}: {message}")


def _split_number(mapping: YamlMap, name: str) -> str | None:
    """The hint for `{value: 1,400}`: in a flow mapping a comma ends the field, so `400`
    became a field of its own, which a person cannot guess from "unknown field"."""
    keys = list(mapping)
    if not (len(name) == 3 and name.isdigit() and name in keys and mapping[name] is None):
        return None
    at = keys.index(name)
    first = at
    while first > 0 and len(keys[first - 1]) == 3 and keys[first - 1].isdigit():
        first -= 1
    lead = mapping[keys[first - 1]] if first > 0 else None
    if not (isinstance(lead, str) and lead.lstrip("+-").isdigit() and len(lead.lstrip("+-")) <= 3):
        return None
    groups = [lead]
    for key in keys[first:]:
        if not (len(key) == 3 and key.isdigit() and mapping[key] is None):
            break
        groups.append(key)
    return (f" (inside {{…}} a comma starts a new field: '{','.join(groups)}' was split; "
            f"write {''.join(groups)})")


def _describe(section: str, item: YamlMap | None) -> str:
    kind = KIND_OF_SECTION.get(section)
    if kind is None:
        return "the file"
    if item is not None and isinstance(item.get("id"), str):
        return f"{kind} '{item['id']}'"
    return f"a {kind}" if kind != "timeline" else "the timeline header"


def _at(path: str, spot: tuple[int, int], code: str, message: str) -> Diagnostic:
    return Diagnostic(Location(path, spot[0], spot[1]), code, message)


# --- linking files into one catalog -------------------------------------------------------

def _item_location(entity: Entity, name: str, index: int) -> Location:
    """The place of item `index` of list field `name` (or of the field, if not a list)."""
    return entity.origin.item(name, index)


def _spots(raw: Any) -> Spots | None:
    return Spots(raw) if isinstance(raw, YamlMap) else None


def _register(documents: Iterable[tuple[str, TimelineFile]],
              broken_ids: dict[tuple[str, str], Location],
              problems: list[Diagnostic] | Problems, *, unique: bool = False) -> Catalog:
    """The files' entities indexed by id, first come first kept; a duplicate id (here
    or of a broken entity) is reported in `problems`. `unique`: these very files were
    linked before without a duplicate (the ids of their cached entries are then indexed
    when first looked up)."""
    catalog = Catalog()

    def duplicate(section: str, first: Entity | None, entity: Entity, entity_id: str) -> None:
        here = entity.origin.at("id")
        elsewhere = first.origin.at("id") if first else broken_ids.get((section, entity_id))
        if elsewhere is not None and elsewhere != here:
            earlier, later = sorted((elsewhere, here), key=lambda at: (at.path, at.line, at.column))
            problems.append(Diagnostic(
                later, "duplicate-id",
                f"duplicate {KIND_OF_SECTION[section]} id '{entity_id}': "
                f"already used at {earlier}",
            ))

    # The slow path (locating both places) runs only for an id already taken.
    taken = {section for section, _ in broken_ids}
    for path, document in documents:
        catalog.paths.append(path)
        if document.timeline is not None:
            header = document.timeline
            first = catalog.timelines.add(header.id, header)
            if first is not None or "timeline" in taken:
                duplicate("timeline", first, header, header.id)
        for name in SECTIONS:
            index = catalog.section(name)
            entities = getattr(document, name)
            if isinstance(entities, Chunk) and name not in taken:
                # Read back from the cache: its ids are checked, its entities not made.
                for position in index.add_chunk(entities, unique=unique):
                    entity = entities[position]
                    duplicate(name, index[entity.id], entity, entity.id)
                continue
            slow = name in taken
            for entity in entities:
                entity_id = entity.id
                first = index.add(entity_id, entity)
                if first is not None or slow:
                    duplicate(name, first, entity, entity_id)
    return catalog


def relink(documents: Iterable[tuple[str, TimelineFile]],
           known: Mapping[str, Any]) -> Catalog | None:
    """The catalog of these files, linked with what linking these very files found
    before (`_linked_state`, kept by the cache) instead of checking each claim again;
    None if `known` does not fit them."""
    problems: list[Diagnostic] = []
    catalog = _register(documents, {}, problems, unique=True)
    if problems:
        return None
    try:
        _apply_linked(catalog, known)
    except (ValueError, TypeError, KeyError, IndexError, AttributeError):
        return None
    return catalog


def link(documents: Iterable[tuple[str, TimelineFile]],
         broken_ids: dict[tuple[str, str], Location] | None = None, *,
         unchecked: Sequence[str] = (), problems: Problems | None = None,
         ) -> tuple[Catalog, list[Diagnostic]]:
    """Join validated files into one catalog; report duplicate and unknown ids, units
    and values that do not fit their question.

    `broken_ids` places the (section, id) of entities that failed validation: already
    reported, so references to them are not reported again as unknown, but their ids
    still count as taken. `unchecked` names files whose ids are not all known (they did
    not load): a reference not found may name one of theirs, so it is counted in
    `problems.excused`, not reported. The problems go to `problems` (at most
    `MAX_PROBLEMS` listed a file), and every one of them is returned.
    """
    problems = Problems() if problems is None else problems
    broken_ids = broken_ids or {}
    catalog = _register(documents, broken_ids, problems)

    def check(entity: Entity, name: str, ids: list[str], section: str) -> None:
        index = catalog.section(section)
        kind = KIND_OF_SECTION[section]
        for position, ref in enumerate(ids):
            if ref in index or (section, ref) in broken_ids:
                continue
            if unchecked:
                problems.excused += 1
                continue
            where = _item_location(entity, name, position)
            if not problems.room(where.path):  # (no did-you-mean for one not listed)
                problems.leave(where)
                continue
            problems.append(Diagnostic(where, "unknown-id",
                                       f"unknown {kind} {shown(ref)}{did_you_mean(ref, index)}"))

    sources, claims, events = catalog.sources, catalog.claims, catalog.events
    for section in (sources, catalog.questions, events, claims):
        section.make_all()  # every entity is checked: made at once, not one by one
    known_source = sources.__contains__
    known_claim = claims.__contains__
    columns = ClaimColumns.for_catalog(catalog.questions, sources, events)
    columns.keep(catalog)
    for claim in claims.values():
        # Each check is a fast `all(...)` first; the located report only on a miss.
        if not all(map(known_source, claim.source)):
            check(claim, "source", claim.source, "sources")
        if claim.via and not all(map(known_source, claim.via)):
            check(claim, "via", claim.via, "sources")
        for name in ("disputes", "supports"):
            refs = getattr(claim, name)
            if not refs:
                continue
            if not all(map(known_claim, refs)):
                check(claim, name, refs, "claims")
            for position, ref in enumerate(refs):
                if ref == claim.id:
                    problems.append(Diagnostic(_item_location(claim, name, position),
                                               "self-reference",
                                               f"claim '{claim.id}' {name} itself"))
        event = None
        if claim.event is not None:
            event = events.get(claim.event)
            if event is None:
                check(claim, "event", [claim.event], "events")
        claim.resolve(when=claim.as_of or (event.date if event else None) or claim.said)
        if claim.about is not None or claim.value is not None:
            problems.extend(_resolve_value(claim, catalog, broken_ids, problems, unchecked))
        columns.add(claim)
    columns.finish(claims)

    for declared in catalog.contradictions.values():
        check(declared, "claims", declared.claims, "claims")
        seen: set[str] = set()
        for position, ref in enumerate(declared.claims):
            if ref in seen:
                problems.append(Diagnostic(_item_location(declared, "claims", position),
                                           "repeated-claim",
                                           f"contradiction '{declared.id}' lists '{ref}' twice"))
            seen.add(ref)
    return catalog, problems.all()


def _linked_state(catalog: Catalog) -> dict[str, Any]:
    """What `link` found that `_apply_linked` needs to find it again without checking
    each claim: where each claim's date came from (1 as_of, 2 its event, 3 said, 0 it
    has none), whether its value is a figure, and the engine's columns."""
    whens, figures = array("b"), array("b")
    events = catalog.events
    for claim in catalog.claims.values():
        held = claim.__dict__
        if held.get("_when") is None:
            whens.append(0)
        elif held["as_of"] is not None:
            whens.append(1)
        elif held["event"] in events:
            whens.append(2)
        else:
            whens.append(3)
        figures.append(held.get("_quantity") is not None)
    return {"when": whens, "figure": figures,
            "columns": ClaimColumns.of(catalog).state(catalog.contradictions),
            "events": EventColumns.of(catalog).state()}


def _apply_linked(catalog: Catalog, known: Mapping[str, Any]) -> None:
    """Set what `_linked_state` kept on each claim as it is made (a claim read back from
    the cache is made when first asked)."""
    claims, events = catalog.claims, catalog.events
    whens, figures = known["when"], known["figure"]
    if len(whens) != len(claims) or len(figures) != len(claims):
        raise ValueError("not this catalog's claims")
    columns = ClaimColumns.restore(known["columns"], catalog)
    columns.keep(catalog)
    EventColumns.restore(known["events"], catalog).keep(catalog)
    event_of = columns.event_of  # (the event's row: its id is not looked up)

    def linked(row: int, claim: Claim) -> None:
        held = claim.__dict__
        when = whens[row]
        if when == 1:
            held["_when"] = held["as_of"]
        elif when == 2:
            held["_when"] = events.at(event_of[row]).date
        elif when == 3:
            held["_when"] = held["said"]
        if figures[row]:
            claim.keep_figure()

    claims.prepare(linked)


def _resolve_value(claim: Claim, catalog: Catalog,
                   broken_ids: dict[tuple[str, str], Location],
                   excuses: Problems | None = None,
                   unchecked: Sequence[str] = ()) -> list[Diagnostic]:
    """Check a claim's value and unit against its question, and resolve its figure
    (a question not found is excused, as in `link`, while files are `unchecked`)."""
    if claim.about is None:
        if claim.value is not None:
            return [Diagnostic(claim.origin.at("value"), "value-without-question",
                               f"claim '{claim.id}' has a value but no question: add 'about'")]
        return []
    question = catalog.questions.get(claim.about)
    if question is None:
        if ("questions", claim.about) in broken_ids:
            return []
        if unchecked and excuses is not None:
            excuses.excused += 1
            return []
        return [Diagnostic(claim.origin.at("about"), "unknown-id",
                           f"unknown question {shown(claim.about)}"
                           f"{did_you_mean(claim.about, catalog.questions)}")]
    value = claim.value
    if question.kind == "category":
        if claim.unit is not None:
            return [Diagnostic(claim.origin.at("unit"), "unit-mismatch",
                               f"question '{question.id}' is a category question: "
                               "its claims have no unit")]
        if isinstance(value, QuantityForm):
            return [Diagnostic(claim.origin.at("value"), "wrong-type",
                               f"question '{question.id}' is a category question: the value "
                               "is one word, not a figure")]
        if value is not None and question.values is not None and value not in question.values:
            return [Diagnostic(claim.origin.at("value"), "not-in-values",
                               f"'{value}' is not a value of question '{question.id}' "
                               f"({', '.join(question.values)})"
                               f"{did_you_mean(value, question.values)}")]
        return []
    problems = []
    if claim.unit is not None and claim.unit != question.unit:
        expected = f"'{question.unit}'" if question.unit else "no unit"
        problems.append(Diagnostic(
            claim.origin.at("unit"), "unit-mismatch",
            f"unit '{claim.unit}' does not match question '{question.id}', which has "
            f"{expected}; convert the figure (units are never converted for you)",
        ))
    if isinstance(value, QuantityForm):
        claim.resolve(quantity=value.quantity())
    elif value is not None:
        try:
            claim.resolve(quantity=exact(parse_number(value)))
        except QuantityError as error:
            problems.append(Diagnostic(
                claim.origin.at("value"), "bad-value",
                f"question '{question.id}' is a quantity question: {error}",
            ))
    return problems


def load_catalog(paths: Sequence[str | Path], limits: Limits = DEFAULT_LIMITS,
                 progress: Callable[[int, int], None] | None = None,
                 cache: CatalogCache | None = None, workers: int | None = None) -> LoadResult:
    """Load every file under `paths` into one catalog, collecting every problem.

    `progress(done, total)` is called after each file, for a progress bar. With a
    `cache`, files read back from it are not parsed, and files that validate are kept.
    Files to parse are shared among `workers` processes (default: one per core, when
    there is enough to parse for it to pay; 1 parses here).
    """
    with collector_paused():
        files, found = discover(paths)
        problems = Problems()
        problems.extend(found)
        parsed = _parse_all(files, limits, cache, progress, workers)
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
                cache.put_linked(keys, _linked_state(whole))
        catalog = whole
        listed = problems.all()
        if listed:
            catalog = _clean_part(parsed, {d.location.path for d in listed})
    causes = set(failed)
    ordered = sort_diagnostics(listed)
    ordered = ([d for d in ordered if d.location.path in causes]
               + [d for d in ordered if d.location.path not in causes])
    return LoadResult(catalog, ordered, files, whole, unchecked, problems.excused)


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


PARALLEL_FROM_BYTES = 16 << 20
"""Below this much YAML to parse, starting processes (0.3 s each, importing pydantic and
the models) costs more than it saves."""


def _parse_all(files: list[str], limits: Limits, cache: CatalogCache | None,
               progress: Callable[[int, int], None] | None,
               workers: int | None) -> list[ParsedFile]:
    """Every file, parsed or read back from the cache, in `files` order. Each file is
    read (and hashed) once, unless it is left to worker processes."""
    done: dict[int, ParsedFile] = {}
    missing: dict[int, int] = {}  # file number -> size, for the worker processes

    def finished(number: int, result: ParsedFile) -> None:
        done[number] = result
        if progress is not None:
            progress(len(done), len(files))

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
    count = min(len(files), workers if workers is not None else cores)
    total = _total_size(files)
    parallel = count > 1 and (workers is not None or total >= PARALLEL_FROM_BYTES)
    # Reading and hashing big files leave the interpreter free, so two threads do it in
    # about half the time; for small files the work is the entries' Python, and two
    # threads only take the interpreter from each other.
    threaded = cache is not None and cores > 1 and total >= THREADED_FROM_BYTES

    def fetch(path: str) -> tuple[Read | ParsedFile | None, FileKey | None,
                                  TimelineFile | None]:
        """(what was read, the file's key, its document from the cache)."""
        recover = None if cache is None else _recovery(path, limits, cache)
        if cache is not None:
            with contextlib.suppress(OSError):  # then reading it says why
                info = os.stat(path)
                if info.st_size <= limits.max_bytes:
                    known = cache.unchanged(path, info, recover)
                    if known is not None:  # not read again, nor hashed
                        return None, *known
        read = _read_path(path, limits)
        if isinstance(read, ParsedFile) or cache is None:
            return read, None, None
        key = FileKey.of(path, *read)
        return read, key, cache.get(key, path, recover)

    with ThreadPoolExecutor(min(cores, 4)) as readers:
        fetched = readers.map(fetch, files) if threaded else map(fetch, files)
        for number, (path, (read, key, document)) in enumerate(zip(files, fetched,
                                                                   strict=True)):
            if document is not None:
                finished(number, ParsedFile(path, document, [], key=key))
                continue
            if isinstance(read, ParsedFile):
                finished(number, read)
                continue
            assert read is not None  # no document from the cache: the file was read
            data = read[0]
            if parallel:
                missing[number] = len(data)
            else:
                finished(number, _parse_data(data, path, limits, cache, key))
    count = min(len(missing), count)
    if count > 1 and (workers is not None or sum(missing.values()) >= PARALLEL_FROM_BYTES):
        _parse_in_processes([(n, files[n]) for n in missing], limits, cache, count, finished)
    for number in missing:
        if number not in done:
            finished(number, _parse_path(files[number], limits, cache))
    return [done[n] for n in range(len(files))]


THREADED_FROM_BYTES = 16 << 20
"""Below this much YAML, files and cache entries are read on one thread."""


def _total_size(files: list[str]) -> int:
    total = 0
    for path in files:
        with contextlib.suppress(OSError):
            total += os.stat(path).st_size
    return total


def _parse_in_processes(todo: list[tuple[int, str]], limits: Limits,
                        cache: CatalogCache | None, count: int,
                        finished: Callable[[int, ParsedFile], None]) -> None:
    """Parse in `count` processes, each writing what validates to the cache, whence it is
    read back here (sending the models back through a pipe would cost far more than
    reading the entries). Without a
    cache, a temporary one is used and removed. Files that fail are left to the caller,
    which parses them again here for their messages; so is everything, if processes
    cannot be started."""
    import multiprocessing
    import tempfile
    from concurrent.futures import ProcessPoolExecutor, as_completed

    with tempfile.TemporaryDirectory(prefix="contested-parse-") as scratch:
        target = cache if cache is not None else CatalogCache(scratch, in_memory=True)
        context = multiprocessing.get_context("spawn")  # no fork: the explorer has threads
        try:
            _start_resource_tracker()
            with ProcessPoolExecutor(count, mp_context=context) as pool:
                jobs = {pool.submit(_parse_to_cache, path, limits, str(target.folder)):
                        (number, path) for number, path in todo}
                for job in as_completed(jobs):
                    number, path = jobs[job]
                    key = job.result()
                    document = target.get(key, path) if key is not None else None
                    if document is not None:
                        finished(number, ParsedFile(path, document, [],
                                                    key=key if cache is not None else None))
        except (OSError, RuntimeError, ValueError):  # BrokenProcessPool: a RuntimeError
            return


def _start_resource_tracker() -> None:
    """Start multiprocessing's resource tracker, which is handed our standard error.
    Under the explorer that is Textual's capture, whose fileno() is -1: the start then
    fails ('bad value(s) in fds_to_keep'). It is given /dev/null instead."""
    from multiprocessing import resource_tracker

    try:
        usable = sys.stderr is not None and sys.stderr.fileno() >= 0
    except (AttributeError, OSError, ValueError):
        usable = False
    if usable:
        return
    saved = sys.stderr
    with open(os.devnull, "w", encoding="utf-8") as nowhere:
        sys.stderr = nowhere
        try:
            resource_tracker.ensure_running()
        finally:
            sys.stderr = saved


def _parse_to_cache(path: str, limits: Limits, folder: str) -> FileKey | None:
    """In a worker process: parse one file; if it validates, write its cache entry and
    say under which key."""
    with collector_paused():  # as in the parent: the YAML tree is millions of objects
        parsed = _parse_path(path, limits, CatalogCache(folder))
    return parsed.key if parsed.document is not None else None


Read = tuple[bytes, os.stat_result, int]
"""A file's bytes, its stat before they were read, and the time before that stat (ns)."""


def _read_path(path: str, limits: Limits) -> Read | ParsedFile:
    """The file's bytes and stat, or a `ParsedFile` holding why they cannot be read."""
    before = time.time_ns()
    try:
        data, info = read_timeline(path, limits)
    except DiagnosticError as error:
        return ParsedFile(path, None, [error.diagnostic])
    return data, info, before


def _parse_path(path: str, limits: Limits, cache: CatalogCache | None) -> ParsedFile:
    """Read and parse one file the cache does not have (a worker's, or one whose entry
    a worker could not give)."""
    read = _read_path(path, limits)
    if isinstance(read, ParsedFile):
        return read
    data = read[0]
    key = FileKey.of(path, *read) if cache is not None else None
    return _parse_data(data, path, limits, cache, key)


def _recovery(path: str, limits: Limits, cache: CatalogCache) -> Recover:
    """`recover(key)`: the file's document parsed again (its cache entry was found
    damaged after it was read), if the file is still what `key` says; its entry is
    written anew."""

    def recover(key: FileKey) -> TimelineFile | None:
        read = _read_path(path, limits)
        if isinstance(read, ParsedFile) or FileKey.of(path, *read) != key:
            return None
        return _parse_data(read[0], path, limits, cache, key).document

    return recover


def _parse_data(data: bytes, path: str, limits: Limits, cache: CatalogCache | None,
                key: FileKey | None) -> ParsedFile:
    """Parse one file's bytes; with a cache, a file that validated is written to it.
    Memory running out while it is read refuses that file alone, at its first line:
    the limits keep any one file far below what a process is given, so that only
    happens when the catalog's other files took the rest."""
    try:
        parsed = parse_timeline(data, path, limits)
    except MemoryError:
        return ParsedFile(path, None, [Diagnostic(
            Location(path, 1, 1), "out-of-memory",
            f"not enough memory left to read this file ({len(data):,} bytes) after the "
            "others: load fewer files at once")])
    parsed.key = key
    if cache is not None and key is not None and parsed.document is not None:
        cache.put(key, parsed.document)
    return parsed


def stamps(paths: Sequence[str | Path]) -> dict[str, tuple[int, int]]:
    """(mtime, size) of every timeline file under `paths` and of every folder they may
    be in (a file added or removed changes its folder): what live reload compares."""
    found: dict[str, tuple[int, int]] = {}
    files, _ = discover(paths)
    folders = [Path(p) for p in paths if Path(p).is_dir()]
    folders += [d for top in folders[:] for d in top.rglob("*") if d.is_dir()
                and not any(part.startswith(".") for part in d.relative_to(top).parts)]
    for path in [*files, *map(str, folders)]:
        try:
            info = os.stat(path)
        except OSError:
            continue
        found[str(path)] = (info.st_mtime_ns, info.st_size)
    return found


def unchanged(known: dict[str, tuple[int, int]]) -> bool:
    """True while every file and folder in `known` (from `stamps`) is as it was: one
    stat each, no walk of the folders (ten times a second, on the explorer's own
    thread: a stat of each known path costs a fraction of a walk)."""
    for path, stamp in known.items():
        try:
            info = os.stat(path)
        except OSError:
            return False
        if (info.st_mtime_ns, info.st_size) != stamp:
            return False
    return True
