"""The timeline format, version 1, as pydantic models: its one source of truth in code.

`contested schema` prints these models as JSON Schema; the loader validates each file
against `TimelineFile`, then links the files into a `Catalog`. Every scalar arrives as
the text the analyst wrote (see `guarded_yaml`); the annotated types below decide what
the text means, so YAML 1.1 guesses never leak in.

One module, though longer than most: the format is one schema, and its models refer to
each other and share their validators; split, the schema's source of truth would be
spread over files that only make sense together.
"""

from __future__ import annotations

import re
from array import array
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    PlainSerializer,
    PlainValidator,
    Tag,
    WithJsonSchema,
    model_validator,
)

from contested.format.dates import FuzzyDate, parse_date
from contested.format.diagnostics import Location, shown
from contested.format.guarded_yaml import YamlList, YamlMap
from contested.format.quantities import (
    Form,
    Quantity,
    QuantityError,
    exact,
    parse_number,
    quantity_from_form,
)

FORMAT_VERSION = 1
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"
_ID = re.compile(ID_PATTERN)

SourceKind = Literal[
    "state-media", "media", "news-agency", "government", "military", "military-blog",
    "analyst", "eyewitness", "social-media", "ngo", "dataset", "other",
]
Reliability = Literal["A", "B", "C", "D", "E", "F"]
QuestionKind = Literal["category", "quantity"]


# --- scalar types: text as written -> meaning --------------------------------------------

def _integer(value: Any) -> Any:
    """Decimal integers only: `0123`, `1:20`, `6.0` and `yes` are refused, not guessed."""
    if isinstance(value, str):
        written = value.strip()
        if written.lstrip("+-").isdigit() and written.isascii():
            if written.lstrip("+-").startswith("0") and written.lstrip("+-") != "0":
                raise ValueError(f"'{value}' has a leading zero (YAML 1.1 reads it as octal)")
            return int(written)
        raise ValueError(f"expected a whole number, got '{value}'")
    return value


def _number(value: Any) -> Any:
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        try:
            return parse_number(value)
        except QuantityError as error:
            raise ValueError(str(error)) from None
    return value


def _boolean(value: Any) -> Any:
    """YAML 1.2 booleans only; `yes`, `no`, `on`, `off` are YAML 1.1 and refused."""
    if isinstance(value, str):
        if value in ("true", "True", "TRUE"):
            return True
        if value in ("false", "False", "FALSE"):
            return False
        raise ValueError(f"expected true or false, got '{value}'")
    return value


def _text(value: Any) -> Any:
    """Numbers given by Python callers become text; YAML already gives text."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return value


def _date(value: Any) -> FuzzyDate:
    if isinstance(value, FuzzyDate):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise ValueError(f"a date is text such as 2025-03-10, not {shown(value)}")
    return parse_date(value)


def _one_or_many(value: Any) -> Any:
    """`source: afp` and `source: [afp, bta]` both mean a list of ids."""
    return [value] if isinstance(value, str) else value


def _none_as_empty(value: Any) -> Any:
    """An empty section (`claims:` with nothing under it) is an empty list."""
    return [] if value is None else value


Integer = Annotated[int, BeforeValidator(_integer)]
Number = Annotated[float, BeforeValidator(_number)]
Boolean = Annotated[bool, BeforeValidator(_boolean)]
Text = Annotated[str, BeforeValidator(_text)]
Id = Annotated[str, Field(pattern=ID_PATTERN), BeforeValidator(_text)]

_DATE_SCHEMA: dict[str, Any] = {
    "type": ["string", "integer"],
    "pattern": r"^(\d{4}|\d{3}X|\d{2}XX|\.\.)(-(\d{2}|XX))?(-(\d{2}|XX))?[~?%]?"
               r"(/(\d{4}|\d{3}X|\d{2}XX|\.\.)(-(\d{2}|XX))?(-(\d{2}|XX))?[~?%]?)?$",
    "examples": ["2025-03-10", "2025-03~", "2025-02?", "2024-08-06/2025-03-12", "2025/.."],
}
Date = Annotated[
    FuzzyDate,
    PlainValidator(_date),
    PlainSerializer(lambda d: d.text, return_type=str),
    WithJsonSchema(_DATE_SCHEMA),
]
IdList = Annotated[
    list[Id],
    BeforeValidator(_one_or_many),
    WithJsonSchema({"anyOf": [
        {"type": "string", "pattern": ID_PATTERN},
        {"type": "array", "items": {"type": "string", "pattern": ID_PATTERN}},
    ]}),
]
TextList = Annotated[
    list[Text],
    BeforeValidator(_one_or_many),
    WithJsonSchema({"anyOf": [
        {"type": ["string", "number"]},
        {"type": "array", "items": {"type": ["string", "number"]}},
    ]}),
]


# --- the entities --------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Origin:
    """Where an entity was written: its file, its timeline, and where its fields were."""

    path: str
    timeline: str | None
    spots: Spots | None = None

    def at(self, name: str | None = None) -> Location:
        """The place of field `name`'s value, or of the whole entity."""
        spots = self.spots
        if spots is None:
            return Location(self.path)
        spot = spots.value(name) if name else None
        line, column = spot or (spots.line, spots.column)
        return Location(self.path, line, column)

    def item(self, name: str, index: int) -> Location:
        """The place of item `index` of list field `name` (or of the field)."""
        spot = self.spots.item(name, index) if self.spots is not None else None
        return Location(self.path, *spot) if spot else self.at(name)


_FIELD_ORDERS: dict[tuple[str, ...], tuple[str, ...]] = {}


class Spots:
    """The line and column of an entity, of each field's value and of each item of its
    list fields, packed: without the YAML values (the model holds those), a catalog of
    400,000 entities keeps a few hundred bytes each instead of its whole YAML tree."""

    __slots__ = ("_items", "_names", "_packed", "column", "line")

    def __init__(self, node: YamlMap) -> None:
        self.line, self.column = node.line, node.column
        names = tuple(node)
        self._names = _FIELD_ORDERS.setdefault(names, names)  # one tuple per field order
        self._packed = node.value_spots()  # the tree's own array: it is dropped after
        items = {name: value.item_spots() for name, value in node.items()
                 if isinstance(value, YamlList) and value}
        self._items = items or None

    def value(self, name: str) -> tuple[int, int] | None:
        try:
            at = self._names.index(name) * 2
        except ValueError:
            return None
        return self._packed[at], self._packed[at + 1]

    def item(self, name: str, index: int) -> tuple[int, int] | None:
        packed = self._items.get(name) if self._items is not None else None
        if packed is None or 2 * index + 1 >= len(packed):
            return None
        return packed[2 * index], packed[2 * index + 1]

    def pack(self, names: dict[tuple[str, ...], int]) -> list[int]:
        """These spots as plain numbers, for the cache: line, column, the number of the
        field order in `names` (added to it if new), the list fields' item spots as
        (field position, count, numbers...), then the fields' spots."""
        order = names.setdefault(self._names, len(names))
        items = self._items or {}
        packed = [self.line, self.column, order, len(items)]
        for name, spots in items.items():
            packed += (self._names.index(name), len(spots), *spots)
        packed += self._packed
        return packed

    @classmethod
    def unpack(cls, packed: array[int], at: int, names: list[tuple[str, ...]]) -> Spots:
        """The spots `pack` wrote at position `at` of `packed`."""
        spots = cls.__new__(cls)
        spots.line, spots.column = packed[at], packed[at + 1]
        field_names = spots._names = names[packed[at + 2]]
        count, at = packed[at + 3], at + 4
        items: dict[str, array[int]] = {}
        for _ in range(count):
            length = packed[at + 1]
            items[field_names[packed[at]]] = packed[at + 2:at + 2 + length]
            at += 2 + length
        spots._items = items or None
        spots._packed = packed[at:at + 2 * len(field_names)]
        return spots


class PackedOrigins:
    """Where the entities of one cached file were written, kept packed until asked: a
    warm load builds no `Origin` or `Spots` object (they are needed only to place a
    message or show "written at"). An entity holds `(table, index)` until then."""

    __slots__ = ("_names", "_offsets", "_packed", "path", "timeline")

    def __init__(self, path: str, timeline: str | None, names: list[tuple[str, ...]],
                 packed: array[int], offsets: array[int]) -> None:
        self.path, self.timeline = path, timeline
        self._names, self._packed, self._offsets = names, packed, offsets

    def origin(self, index: int) -> Origin:
        offset = self._offsets[index]
        spots = Spots.unpack(self._packed, offset, self._names) if offset >= 0 else None
        return Origin(self.path, self.timeline, spots)


_NOWHERE = Origin("<memory>", None)
"""The origin of an entity built in code rather than loaded (shared: a default value
would be deep-copied into every entity)."""


class Entity(BaseModel):
    """Shared by everything with an id: forbids unknown fields, remembers its origin."""

    # defer_build: a model's validator is built when it first validates, not when
    # contested starts: a load from the cache validates nothing.
    model_config = ConfigDict(extra="forbid", frozen=False, str_strip_whitespace=False,
                              defer_build=True)

    # What the loader learns about an entity (where it was written; for a claim, its
    # resolved figure and date) is kept in the instance's __dict__ beside the fields:
    # reading a pydantic private attribute goes through __getattr__, ten times slower,
    # and the engine reads these millions of times.

    @property
    def origin(self) -> Origin:
        origin = self.__dict__.get("_origin", _NOWHERE)
        if type(origin) is tuple:  # (PackedOrigins, index), from the cache
            origin = self.__dict__["_origin"] = origin[0].origin(origin[1])
        assert isinstance(origin, Origin)
        return origin

    def locate(self, origin: Origin) -> None:
        self.__dict__["_origin"] = origin


class TimelineHeader(Entity):
    """What one file covers: the header a reader sees first."""

    id: Id = Field(description="Unique id of this timeline across the catalog.")
    title: Text = Field(description="A title a person reads in lists.")
    period: Date | None = Field(None, description="Fuzzy date or interval the timeline covers.")
    summary: Text | None = Field(None, description="Free text: what this timeline is about.")
    tags: TextList = Field(default_factory=list, description="Free labels for grouping.")
    note: Text | None = Field(None, description="Analyst's note, e.g. how the period was inferred.")


class Source(Entity):
    """Who says things: a person, outlet, government, or a blog."""

    id: Id = Field(description="Unique id among sources.")
    name: Text = Field(description="The name shown for this source.")
    aliases: TextList = Field(
        default_factory=list,
        description="Other spellings; search and display use them.",
    )
    kind: SourceKind = Field("other", description="What sort of source this is.")
    side: Text = Field(
        "unknown",
        description="Free label for grouping and colour; `neutral` and `unknown` are reserved.",
    )
    reliability: Reliability = Field(
        "F",
        description="Admiralty source reliability: A reliable ... E unreliable, "
        "F cannot be judged.",
    )
    url: Text | None = Field(None, description="Shown, never fetched.")
    note: Text | None = Field(None, description="Free text about the source.")

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)

    def answers_to(self, needle: str) -> bool:
        """Whether `needle` (case-folded) is this source's id or part of a name or an
        alias: how a person names a source in a filter (`gadi` finds Franz-Stephan Gadi)."""
        return needle == self.id.casefold() or any(needle in n.casefold() for n in self.names)


class Question(Entity):
    """What claims are about; contradictions are found per question."""

    id: Id = Field(description="Unique id among questions.")
    text: Text = Field(description="The question, as a person would ask it.")
    kind: QuestionKind = Field(description="`category`: values are words; `quantity`: figures.")
    values: TextList | None = Field(
        None, description="Category questions: if given, claim values must be one of these.",
    )
    unit: Text | None = Field(None, description="Quantity questions: the unit of every figure.")
    tolerance: Annotated[float, Field(ge=0, le=1), BeforeValidator(_number)] = Field(
        0.05, description="Quantity questions: relative slack before figures contradict.",
    )
    per_event: Boolean = Field(
        False, description="Each event has its own answer (deaths in a clash): claims are "
                           "compared only with claims about the same event, or an event "
                           "found to be the same.",
    )
    note: Text | None = Field(None, description="Free text about the question.")

    @model_validator(mode="after")
    def _fits_kind(self) -> Question:
        if self.kind == "category" and self.unit is not None:
            raise ValueError("a category question has no unit (unit is for quantity questions)")
        if self.kind == "quantity" and self.values is not None:
            raise ValueError("a quantity question has no values list (values are for category)")
        return self


def _archived_path(value: Any) -> Any:
    """A path to a local copy, relative to the file that names it: a catalog moves
    between machines and colleagues as a folder, so an absolute path would point at
    whatever the reader's machine has there."""
    if not isinstance(value, str):
        return value
    if not value.strip():
        raise ValueError("an archived copy's path cannot be empty")
    if "\0" in value:
        raise ValueError("an archived copy's path cannot hold a NUL character")
    if value.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:[\\/]", value):
        raise ValueError(f"'{value}' is absolute: give the archived copy's path relative to "
                         "this file, so the catalog still finds it when moved")
    return value


def _sha256(value: Any) -> Any:
    if isinstance(value, str):
        if re.fullmatch(r"[0-9A-Fa-f]{64}", value.strip()) is None:
            raise ValueError("a SHA-256 is 64 hexadecimal digits (as `sha256sum` prints)")
        return value.strip().lower()
    return value


class Document(Entity):
    """What a source published, as the analyst read it: claims quote it, and a local
    archived copy lets `validate` check each quote against its text, offline."""

    id: Id = Field(description="Unique id among documents.")
    title: Text = Field(description="A title a person reads in lists.")
    url: Text | None = Field(None, description="Where it was published; shown, never fetched.")
    published: Date | None = Field(None, description="When it was published (fuzzy).")
    archived: Annotated[Text, BeforeValidator(_archived_path)] | None = Field(
        None, description="Path of a local plain-text (UTF-8) copy, relative to this file.",
    )
    sha256: Annotated[str, BeforeValidator(_sha256),
                      WithJsonSchema({"type": "string", "pattern": "^[0-9A-Fa-f]{64}$"})
                      ] | None = Field(
        None, description="SHA-256 of the archived copy: a changed copy is an error.",
    )
    note: Text | None = Field(None, description="Free text, e.g. how the date was inferred.")

    @model_validator(mode="after")
    def _hash_needs_copy(self) -> Document:
        if self.sha256 is not None and self.archived is None:
            raise ValueError("sha256 is the hash of the archived copy: add `archived`, "
                             "the path of that copy")
        return self


class Coordinates(BaseModel):
    """Where an event happened on the map (WGS 84 degrees, as datasets give them)."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    lat: Annotated[float, Field(ge=-90, le=90), BeforeValidator(_number)] = Field(
        description="Latitude in degrees, -90 to 90 (north is positive).")
    lon: Annotated[float, Field(ge=-180, le=180), BeforeValidator(_number)] = Field(
        description="Longitude in degrees, -180 to 180 (east is positive).")


class Provenance(BaseModel):
    """Where an imported entry came from: the dataset, its own row id, and the row's
    own words for its source, so that an analyst can go back to the row."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    dataset: Text = Field(description="The dataset: acled, ucdp-ged, timelinejs, csv, ...")
    row: Text = Field(description="The row's id in the dataset (or its line, if it has none).")
    source_text: Text | None = Field(
        None, description="The row's own text naming its sources, as the dataset wrote it.")


class Event(Entity):
    """What happened, when and where."""

    id: Id = Field(description="Unique id among events.")
    date: Date = Field(description="Fuzzy date or interval.")
    title: Text = Field(description="What happened, in a line.")
    place: Text | None = Field(None, description="Where, as text.")
    tags: TextList = Field(default_factory=list, description="Free labels.")
    summary: Text | None = Field(None, description="Free text.")
    note: Text | None = Field(None, description="Analyst's note, e.g. how the date was inferred.")
    coordinates: Coordinates | None = Field(
        None, description="Where on the map: {lat, lon} in degrees.")
    kind: Text | None = Field(
        None, description="What kind of event, in its dataset's words (`Battles`, "
                          "`state-based`): events found to be the same must be of a kind.")
    provenance: Provenance | None = Field(
        None, description="The dataset and row an imported event came from.")


_FORM_FIELDS: tuple[Form, ...] = (
    "about", "at_least", "at_most", "more_than", "less_than", "between",
)


class QuantityForm(BaseModel):
    """A figure that is not exact: one of about, at_least, at_most, more_than, less_than,
    between, with an optional best estimate."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    about: Number | None = Field(None, description="About this figure (at least ±10%).")
    at_least: Number | None = Field(None, description="This figure or more.")
    at_most: Number | None = Field(None, description="This figure or less.")
    more_than: Number | None = Field(None, description="Strictly more than this figure.")
    less_than: Number | None = Field(None, description="Strictly less than this figure.")
    between: Annotated[list[Number], Field(min_length=2, max_length=2)] | None = Field(
        None, description="[low, high], both included.",
    )
    best: Number | None = Field(None, description="The figure to plot within a range.")

    @model_validator(mode="after")
    def _one_form(self) -> QuantityForm:
        given = [name for name in _FORM_FIELDS if getattr(self, name) is not None]
        if len(given) != 1:
            forms = ", ".join(_FORM_FIELDS)
            if not given:
                raise ValueError(f"a figure needs one of: {forms}")
            raise ValueError(f"a figure takes one form, not {' and '.join(given)}")
        self.quantity()  # raises for low > high or best outside the range
        return self

    def quantity(self) -> Quantity:
        """The interval this figure stands for (worked out once: linking and the engine
        both ask, and the model is frozen)."""
        known: Quantity | None = self.__dict__.get("_quantity")
        if known is not None:
            return known
        form = next(name for name in _FORM_FIELDS if getattr(self, name) is not None)
        figure = getattr(self, form)
        if form == "between":
            figure = (figure[0], figure[1])
        try:
            known = self.__dict__["_quantity"] = quantity_from_form(form, figure, self.best)
        except QuantityError as error:
            raise ValueError(str(error)) from None
        return known


def _value_branch(value: Any) -> str:
    return "figure" if isinstance(value, dict | QuantityForm) else "text"


ClaimValue = Annotated[
    Annotated[
        Text,
        Tag("text"),
        WithJsonSchema({
            "type": ["string", "number"],
            "description": "A category word, or an exact figure for a quantity question.",
        }),
    ]
    | Annotated[QuantityForm, Tag("figure")],
    Discriminator(_value_branch),
]


class Claim(Entity):
    """Who said what, about which question, when."""

    id: Id = Field(description="Unique id among claims.")
    source: Annotated[IdList, Field(min_length=1)] = Field(
        description='One source id, or a list ("according to Kiev and Seoul").',
    )
    via: IdList = Field(default_factory=list, description="Who relayed it, nearest first.")
    event: Id | None = Field(None, description="The event this claim is about.")
    said: Date | None = Field(None, description="When it was said (fuzzy).")
    text: Text = Field(description="The analyst's paraphrase.")
    quote: Text | None = Field(None, description="Verbatim from the document.")
    document: Id | None = Field(
        None, description="The document the quote is from (an id in `documents`).",
    )
    about: Id | None = Field(None, description="The question this claim answers.")
    value: ClaimValue | None = Field(
        None, description="Category: a word; quantity: a figure or {about|at_least|...: n}.",
    )
    unit: Text | None = Field(None, description="Must match the question's unit if given.")
    as_of: Date | None = Field(
        None, description="When the claimed state holds; default: the event's date, else said.",
    )
    credibility: Annotated[int, Field(ge=1, le=6), BeforeValidator(_integer)] = Field(
        6, description="Admiralty information credibility: 1 confirmed ... 6 cannot be judged.",
    )
    disputes: IdList = Field(default_factory=list, description="Claims this one rejects.")
    supports: IdList = Field(default_factory=list, description="Claims this one corroborates.")
    note: Text | None = Field(None, description="Analyst's note, e.g. how a date was inferred.")
    provenance: Provenance | None = Field(
        None, description="The dataset, row and the row's source text of an imported claim.")

    @property
    def quantity(self) -> Quantity | None:
        """The figure resolved to an interval, once the catalog has linked the question.
        A load from the cache keeps the value instead (`keep_figure`), worked out here
        when first read: the engine reads its columns, not this."""
        quantity = self.__dict__.get("_quantity")
        if quantity is None or type(quantity) is Quantity:
            return quantity
        figure = quantity.quantity() if isinstance(quantity, QuantityForm) else exact(
            parse_number(quantity))
        self.__dict__["_quantity"] = figure
        return figure

    def keep_figure(self) -> None:
        """Linking found the value a figure (of a quantity question): read it when asked."""
        self.__dict__["_quantity"] = self.value

    @property
    def when(self) -> FuzzyDate | None:
        """When the claimed state holds: as_of, else the event's date, else said."""
        when: FuzzyDate | None = self.__dict__.get("_when")
        return when

    def resolve(self, *, when: FuzzyDate | None = None, quantity: Quantity | None = None,
                ) -> None:
        """Set what linking found: the date the claim holds, and its figure."""
        if when is not None:
            self.__dict__["_when"] = when
        if quantity is not None:
            self.__dict__["_quantity"] = quantity


class DeclaredContradiction(Entity):
    """A contradiction the analyst declares, for what no rule can see."""

    id: Id = Field(description="Unique id among contradictions.")
    claims: Annotated[list[Id], Field(min_length=2)] = Field(
        description="The claims that cannot all be true.",
    )
    note: Text | None = Field(None, description="Why these cannot all be true.")


class EventMatch(Entity):
    """The analyst's word on whether events are one: `same: true` joins events that the
    same-event rule does not, `same: false` keeps apart events that it would join."""

    id: Id = Field(description="Unique id among matches.")
    events: Annotated[list[Id], Field(min_length=2)] = Field(
        description="The events this is about.")
    same: Boolean = Field(True, description="true: one event; false: distinct events.")
    note: Text | None = Field(None, description="Why.")


def _version(value: Any) -> Any:
    number = _integer(value)
    if number != FORMAT_VERSION:
        raise ValueError(
            f"this file says format version {value}; contested reads version {FORMAT_VERSION}"
        )
    return number


Section = Annotated[list[Any], BeforeValidator(_none_as_empty)]


class TimelineFile(BaseModel):
    """One timeline file: a format version, an optional header, and any of the sections."""

    model_config = ConfigDict(extra="forbid", title="contested timeline, format 1",
                              defer_build=True)

    contested: Annotated[Literal[1], BeforeValidator(_version)] = Field(
        description="Format version; required in every file.",
    )
    timeline: TimelineHeader | None = Field(None, description="Optional header, one per file.")
    sources: Annotated[list[Source], BeforeValidator(_none_as_empty)] = Field(
        default_factory=list, description="Who says things.",
    )
    documents: Annotated[list[Document], BeforeValidator(_none_as_empty)] = Field(
        default_factory=list, description="What sources published, with archived copies.",
    )
    questions: Annotated[list[Question], BeforeValidator(_none_as_empty)] = Field(
        default_factory=list, description="What claims are about.",
    )
    events: Annotated[list[Event], BeforeValidator(_none_as_empty)] = Field(
        default_factory=list, description="What happened, when and where.",
    )
    claims: Annotated[list[Claim], BeforeValidator(_none_as_empty)] = Field(
        default_factory=list, description="Who said what, about which question, when.",
    )
    contradictions: Annotated[list[DeclaredContradiction], BeforeValidator(_none_as_empty)] = (
        Field(default_factory=list, description="Declared by the analyst.")
    )
    matches: Annotated[list[EventMatch], BeforeValidator(_none_as_empty)] = Field(
        default_factory=list, description="Events the analyst declares one, or distinct.",
    )


ENTITY_MODELS: dict[str, type[Entity]] = {
    "timeline": TimelineHeader,
    "sources": Source,
    "documents": Document,
    "questions": Question,
    "events": Event,
    "claims": Claim,
    "contradictions": DeclaredContradiction,
    "matches": EventMatch,
}
"""A section of a timeline file → the model of its entries (`timeline`: its header)."""

NESTED_MODELS: dict[str, type[BaseModel]] = {"coordinates": Coordinates,
                                             "provenance": Provenance}
"""The fields (of any entity) that hold a small model of their own."""

DATE_FIELDS = frozenset({"date", "said", "as_of", "period", "published"})
"""The fields that hold a fuzzy date (docs/timeline-format.md, "Dates")."""


def json_schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of a timeline file, for editors and validators."""
    schema = TimelineFile.model_json_schema(mode="validation")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}
