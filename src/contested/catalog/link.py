"""Linking: the files' entities registered in one `Catalog`, every id resolved, every
claim's date and figure worked out, and the columns the engine reads noted on the way
(or, for unchanged files, what linking found read back from the cache).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from contested.catalog.catalog import Catalog
from contested.catalog.columns import ClaimColumns, EventColumns
from contested.catalog.entities import Chunk
from contested.catalog.parse import Problems
from contested.format.diagnostics import (
    Diagnostic,
    Location,
    did_you_mean,
    shown,
)
from contested.format.model import (
    Claim,
    Entity,
    QuantityForm,
    TimelineFile,
)
from contested.format.quantities import QuantityError, exact, parse_number
from contested.vocabulary import KIND_OF_SECTION, SECTIONS


def _item_location(entity: Entity, name: str, index: int) -> Location:
    """The place of item `index` of list field `name` (or of the field, if not a list)."""
    return entity.origin.item(name, index)


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
    before (`linked_state`, kept by the cache) instead of checking each claim again;
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
    for section in (sources, catalog.questions, events):
        section.make_all()  # every entity is checked: made at once, not one by one
    # The sections' own id → row dicts, every id in them once all files are registered:
    # a look-up is then one C call, not a method of `Entities` (each claim asks several).
    known_source = sources.index.__contains__
    known_claim = claims.index.__contains__
    known_document = catalog.documents.index.__contains__
    event_rows = events.index
    columns = ClaimColumns.for_catalog(catalog.questions, sources, events)
    columns.keep(catalog)
    whens, figures = columns.whens, columns.figures
    # Claims read back from the cache are made for this pass and not kept (`each`): what
    # linking finds on them is noted in the columns, and set again on each claim made
    # later (`_prepare_claims`), as after a warm load. Kept, they would hold every claim
    # of the catalog in memory, most of which nothing reads again.
    for claim in claims.each():
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
        if claim.document is not None and not known_document(claim.document):
            check(claim, "document", [claim.document], "documents")
        event = None
        if claim.event is not None:
            event_row = event_rows.get(claim.event)
            if event_row is None:
                check(claim, "event", [claim.event], "events")
            else:
                event = events.at(event_row)
        claim.resolve(when=claim.as_of or (event.date if event else None) or claim.said)
        if claim.about is not None or claim.value is not None:
            problems.extend(_resolve_value(claim, catalog, broken_ids, problems, unchecked))
        columns.add(claim)
        held = claim.__dict__
        whens.append(0 if held.get("_when") is None else 1 if held["as_of"] is not None
                     else 2 if event is not None else 3)
        figures.append(held.get("_quantity") is not None)
    columns.finish(claims)
    _prepare_claims(catalog, columns)

    for match in catalog.matches.values():
        check(match, "events", match.events, "events")
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


def linked_state(catalog: Catalog) -> dict[str, Any]:
    """What `link` found that `_apply_linked` needs to find it again without checking
    each claim: where each claim's date came from and whether its value is a figure
    (`ClaimColumns.whens`, `figures`), and the engine's columns."""
    columns = ClaimColumns.of(catalog)
    if columns is None:
        raise ValueError("the catalog was not linked")
    return {"when": columns.whens, "figure": columns.figures,
            "columns": columns.state(catalog.contradictions),
            "events": EventColumns.of(catalog).state()}


def _apply_linked(catalog: Catalog, known: Mapping[str, Any]) -> None:
    """Set what `linked_state` kept on each claim as it is made (a claim read back from
    the cache is made when first asked)."""
    claims = catalog.claims
    whens, figures = known["when"], known["figure"]
    if len(whens) != len(claims) or len(figures) != len(claims):
        raise ValueError("not this catalog's claims")
    columns = ClaimColumns.restore(known["columns"], catalog)
    columns.whens, columns.figures = whens, figures
    columns.keep(catalog)
    EventColumns.restore(known["events"], catalog).keep(catalog)
    _prepare_claims(catalog, columns)


def _prepare_claims(catalog: Catalog, columns: ClaimColumns) -> None:
    """Give each claim, as it is made, the date and figure linking found for it (from
    the columns: the claim itself may have been made for one pass and let go). A claim
    that holds them already (linked here, never let go) is left as it is."""
    events = catalog.events
    whens, figures, event_of = columns.whens, columns.figures, columns.event_of

    def linked(row: int, claim: Claim) -> None:
        held = claim.__dict__
        if "_when" in held or "_quantity" in held:
            return
        when = whens[row]
        if when == 1:
            held["_when"] = held["as_of"]
        elif when == 2:
            held["_when"] = events.at(event_of[row]).date
        elif when == 3:
            held["_when"] = held["said"]
        if figures[row]:
            claim.keep_figure()

    catalog.claims.prepare(linked)


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
    if question.per_event and claim.event is None:
        return [Diagnostic(claim.origin.at("about"), "per-event-without-event",
                           f"question '{question.id}' is answered per event: give claim "
                           f"'{claim.id}' its `event`")]
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
