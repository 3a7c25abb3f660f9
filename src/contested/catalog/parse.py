"""One timeline file parsed: guarded YAML, then the pydantic models, every problem located
and worded for the person who wrote the file (`path:line:col`); what validates in a
broken file is salvaged, so that cross-file problems are still found.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError

from contested.catalog.cache.store import FileKey
from contested.format.diagnostics import (
    Diagnostic,
    DiagnosticError,
    Location,
    did_you_mean,
    shown,
)
from contested.format.guarded_yaml import DEFAULT_LIMITS, Limits, YamlList, YamlMap, read_yaml
from contested.format.model import (
    DATE_FIELDS,
    ENTITY_MODELS,
    Origin,
    QuantityForm,
    Spots,
    TimelineFile,
    TimelineHeader,
)
from contested.vocabulary import KIND_OF_SECTION, SECTIONS

_MODEL_AT: dict[tuple[str, ...], type[BaseModel]] = {
    (): TimelineFile,
    **{(section,): model for section, model in ENTITY_MODELS.items()},
    ("claims", "value"): QuantityForm,
}
"""The model that reads what is at a path of fields, for wording pydantic's errors."""


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

def _spots(raw: Any) -> Spots | None:
    return Spots(raw) if isinstance(raw, YamlMap) else None
