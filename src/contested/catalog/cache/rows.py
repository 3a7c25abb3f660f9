"""Entities as rows of a cache entry and back: each entity's field values in its model's
order, made into the model again when first asked for, without validating what was
validated when the entry was written.
"""

from __future__ import annotations

import functools
import hashlib
from array import array
from collections.abc import Callable, Sequence
from datetime import date
from functools import partial
from typing import Any, TypeVar

from pydantic import BaseModel

from contested.catalog.cache.parts import (
    BLOCK,
    DIGEST,
    OFFSETS,
    PACKING,
    CacheDamaged,
    Later,
    Part,
    Rows,
    json_bytes,
    json_read,
    utf8,
)
from contested.catalog.entities import Chunk
from contested.format.dates import FuzzyDate, Precision
from contested.format.model import (
    DATE_FIELDS,
    ENTITY_MODELS,
    NESTED_MODELS,
    Claim,
    Entity,
    PackedOrigins,
    QuantityForm,
    TimelineFile,
)
from contested.vocabulary import SECTIONS

Repair = Callable[[], TimelineFile | None]
"""`Recover` for one entry's key."""


def rows_of(document: TimelineFile) -> dict[str, Any]:
    """The entry's payload: per section, the ids (one per line), the rows of field
    values (JSON), and where each entity's spots start; the spots; the dates."""
    dates: dict[str, FuzzyDate] = {}

    def plain(value: Any) -> Any:
        if isinstance(value, FuzzyDate):
            dates[value.text] = value
            return value.text
        if isinstance(value, QuantityForm):
            return value.model_dump(exclude_none=True)
        if isinstance(value, BaseModel):  # NESTED_MODELS
            return value.model_dump()
        return value

    names: dict[tuple[str, ...], int] = {}
    packed = array(PACKING)
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
        offsets = array(OFFSETS)
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
        blocks, ends, digests = bytearray(), array(OFFSETS, [0]), bytearray()
        for start in range(0, len(rows), BLOCK):
            block = b"\n".join([json_bytes(row) for row in rows[start:start + BLOCK]])
            blocks += block
            ends.append(len(blocks))
            digests += hashlib.sha256(block).digest()
        sections[name] = {"fields": fields, "ids": utf8("\n".join(ids)),
                          "rows": Later(blocks), "blocks": ends, "digests": bytes(digests),
                          "offsets": offsets}
    return {"timeline_id": header.id if header is not None else None,
            "names": [list(n) for n in names], "spots": packed,
            "dates": json_bytes([_date_row(d) for d in dates.values()]),
            "sections": sections}


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


def rebuild(contents: dict[str, Any], path: str, recover: Repair | None) -> TimelineFile:
    """The document `rows_of` wrote, without validating it again (the head's digest says
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
                and isinstance(rows, Part) and blocks[-1] == rows.length
                and len(digests) == DIGEST * count):
            raise ValueError("ids and blocks differ in number")
        make = entry.maker(name, ids, Rows(rows, blocks, bytes(digests)), origins)
        parts[name] = Chunk(ids, make, origins.origin, peek=partial(make, keep=True))
    header = parts.pop("timeline", None)
    for name in SECTIONS:  # every field given: pydantic would inspect the signature of
        parts.setdefault(name, [])  # each default factory again, at each entry
    return TimelineFile.model_construct(contested=1, timeline=header[0] if header else None,
                                        **parts)


class _Entry:
    """What the entities of one cache entry share: the file's path and timeline, the
    packed spots, the table of its dates (read when a first entity is made), and the
    way back to the file should a block be found damaged."""

    def __init__(self, path: str, contents: dict[str, Any], recover: Repair | None) -> None:
        self.path, self.timeline_id = path, contents["timeline_id"]
        self.names = [tuple(n) for n in contents["names"]]
        self.packed = contents["spots"]
        if not isinstance(self.packed, array) or self.packed.typecode != PACKING:
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
                self._date_rows = {row[0]: row for row in json_read(self._dates_part)}
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
        model, at_dates, value, keys, width, set_fields, nested = _shape(section)
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
            row = json_read(line) if line is not None else None
            if type(row) is not list or len(row) != width:
                damaged = self.parsed(section, ids)
                return damaged[position]
            for column in at_dates:
                if row[column] is not None:
                    row[column] = self.date(row[column])  # the file's dates are in its table
            if value >= 0 and type(row[value]) is dict:
                row[value] = _figure(row[value])
            for column, inner in nested:
                if type(row[column]) is dict:
                    row[column] = _nested(inner, row[column])
            row.append((origins, position))
            return _unchecked(model, dict(zip(keys, row, strict=True)), set_fields)

        return make


@functools.cache
def _shape(section: str) -> tuple[type[Entity], list[int], int, list[str], int, set[str],
                                  list[tuple[int, type[BaseModel]]]]:
    """What rows of a section are made with: its model, the columns that hold dates,
    the one that holds a figure (-1: none), the keys, their number, the fields set, and
    the columns that hold a small model (`NESTED_MODELS`). Worked out once, not for
    each entry: thousands of small files have thousands."""
    model = ENTITY_MODELS[section]
    fields = list(model.model_fields)
    at_dates = [n for n, name in enumerate(fields) if name in DATE_FIELDS]
    value = fields.index("value") if model is Claim else -1
    nested = [(n, NESTED_MODELS[name]) for n, name in enumerate(fields)
              if name in NESTED_MODELS]
    return (model, at_dates, value, [*fields, "_origin"], len(fields), set(fields),
            nested)


def _nested(model: type[BaseModel], written: dict[str, Any]) -> BaseModel:
    if written.keys() != model.model_fields.keys():
        raise ValueError(f"not the fields of {model.__name__}")
    return _unchecked(model, written, {k for k, v in written.items() if v is not None})


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
    again: what `model_construct` does, without its per-field work, which a warm load
    would pay for every entity it makes (bench/RESULTS.md). It writes pydantic's own
    slots (`BaseModel.__slots__`); tests/catalog/test_cache.py fails, naming them, if a
    pydantic release changes them."""
    made = model.__new__(model)
    object.__setattr__(made, "__dict__", values)
    object.__setattr__(made, "__pydantic_fields_set__", given)
    object.__setattr__(made, "__pydantic_extra__", None)
    object.__setattr__(made, "__pydantic_private__", None)
    return made
