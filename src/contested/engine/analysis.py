"""The contradiction engine's entry point: `analyse` a catalog for its contradictions
(`contested.engine.rules`, `contested.engine.contradictions`), series
(`contested.engine.series`), corroboration (`contested.engine.corroboration`) and the
warnings an experienced analyst would raise (`sanity_warnings`).

The engine returns data; what people read is written in `contested.present`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from contested.catalog.archives import ArchiveChecks
from contested.catalog.catalog import Catalog
from contested.engine.contradictions import Contradiction, Contradictions
from contested.engine.corroboration import Corroboration, CorroborationIndex, corroborate
from contested.engine.pairs import (
    Pairs,
    Runs,
    by_question,
    claim_table,
    find_pairs,
    placeholder_table,
)
from contested.engine.rules import find_contradictions
from contested.engine.series import Series, find_series
from contested.format.diagnostics import Diagnostic, Location, Severity, sort_diagnostics
from contested.support.collector import collector_paused
from contested.vocabulary import PER_EVENT_MARK


@dataclass
class Analysis:
    """Everything the engine found in one catalog."""

    catalog: Catalog
    contradictions: Contradictions
    series: Mapping[str, Series]
    corroboration: Mapping[str, Corroboration]
    complete: bool = True
    """False for `pending`'s stand-in, shown while the engine runs."""

    @cached_property
    def warnings(self) -> list[Diagnostic]:
        """What looks wrong though it is valid, the quotes not found in their documents'
        archived copies among it: worked out when first asked (the explorer never asks;
        at 300,000 claims it locates thousands)."""
        assert isinstance(self.corroboration, CorroborationIndex)
        with collector_paused():
            return sort_diagnostics([*sanity_warnings(self.catalog, self.corroboration),
                                     *ArchiveChecks.of(self.catalog).warnings])

    def contradictions_of(self, claim_id: str) -> list[Contradiction]:
        """The contradictions a claim is part of."""
        return self.contradictions.of(claim_id)


def sanity_warnings(catalog: Catalog, corroboration: CorroborationIndex) -> list[Diagnostic]:
    """The checks an experienced analyst makes; reported, never refused."""
    warnings: list[Diagnostic] = []

    def warn(location: Location, code: str, message: str) -> None:
        warnings.append(Diagnostic(location, code, message, Severity.WARNING))

    # Places are read without making the entities (`Entities.origin`).
    table = corroboration.table
    claims, ids, credibility = catalog.claims, table.ids, table.credibility
    for row in np.flatnonzero(credibility == 1).tolist():
        if not corroboration.independently_agreed(ids[row]):
            warn(claims.origin(row).at("credibility"), "credibility-1-unconfirmed",
                 f"claim '{ids[row]}' has credibility 1 (confirmed by other independent "
                 "sources) but no claim from another origin agrees with it")
    contradicted = corroboration.contradictions.per_row()
    for row in np.flatnonzero((credibility == 5) & (contradicted == 0)).tolist():
        warn(claims.origin(row).at("credibility"), "credibility-5-uncontradicted",
             f"claim '{ids[row]}' has credibility 5 (improbable) but no claim "
             "contradicts it")
    said, relayed = table.columns.said, table.columns.relayed
    per_question = table.columns.claims_per_question()
    for source in catalog.sources.values():
        if source.kind == "social-media" and source.reliability == "A":
            warn(source.origin.at("reliability"), "reliability-a-social-media",
                 f"source '{source.id}' is social media with reliability A "
                 "(completely reliable)")
        if source.id not in said and source.id not in relayed:
            warn(source.origin.at("id"), "source-without-claims",
                 f"source '{source.id}' has no claim and relays none")
    events = catalog.events
    with_claims = table.columns.events_with_claims(len(events))
    for row, event_id in enumerate(events.ids):
        if not with_claims[row]:
            warn(events.origin(row).at("id"), "event-without-claims",
                 f"event '{event_id}' has no claim")
    questions = catalog.questions
    for row, (question_id, count) in enumerate(zip(questions.ids, per_question, strict=True)):
        # A question answered per event has its claims on each event's own question
        # (`QUESTION@EVENT`), where one figure is the usual case, not a lonely claim.
        if (count <= 1 and PER_EVENT_MARK not in question_id
                and not questions.at(row).per_event):
            what = "no claim" if count == 0 else "one claim: nothing to compare it with"
            warn(questions.origin(row).at("id"), "question-with-one-claim",
                 f"question '{question_id}' has {what}")
    return sort_diagnostics(warnings)


def pending(catalog: Catalog) -> Analysis:
    """What the explorer shows while `analyse` runs: the catalog, with no
    contradiction, series or agreement found yet (no claim made, no column read)."""
    table = placeholder_table(catalog)
    none = np.zeros(0, dtype=np.int64)
    contradictions = Contradictions(catalog, table, [], first=none, second=none, rules=none,
                                    question=none, order=none)
    pairs = Pairs(table, none, none, np.zeros(0, dtype=np.bool_), Runs(none, none, none, none))
    return Analysis(catalog=catalog, contradictions=contradictions,
                    series=find_series(catalog, table, none),
                    corroboration=corroborate(catalog, contradictions, pairs), complete=False)


def analyse(catalog: Catalog) -> Analysis:
    """Contradictions, series, corroboration and warnings for one catalog."""
    with collector_paused():
        table = claim_table(catalog)
        ordered = by_question(table)  # sorted once, for the pairs and the series
        pairs = find_pairs(table, ordered)
        contradictions = find_contradictions(catalog, pairs)
        corroboration = corroborate(catalog, contradictions, pairs)
        return Analysis(
            catalog=catalog,
            contradictions=contradictions,
            series=find_series(catalog, table, ordered),
            corroboration=corroboration,
        )
