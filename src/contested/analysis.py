"""The contradiction engine: which claims cannot all be true, which figures are a trend,
and which agreement is independent.

Rules (docs/timeline-format.md, "When claims contradict"):
- declared: an entry in `contradictions` (keeps its own id and all its claims);
- disputes: a `disputes` link, either direction;
- category: same category question, different values, overlapping `as_of`;
- quantity: same quantity question, overlapping `as_of`, intervals that do not meet even
  when widened by the question's tolerance (`about` by max(tolerance, 10%)).

Declared entries and disputes links are the analyst's word and need no overlapping
dates. A claim with no date at all (no as_of, event or said) may hold at any time.

Pairs are found per question by a sort-and-sweep over `as_of`: every pair the sweep
meets overlaps in time, so it is either a contradiction or an agreement, and both are
reported. The cost follows the output, not the square of the catalog.
"""

from __future__ import annotations

import heapq
import statistics
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from contested.collector import collector_paused
from contested.dates import FuzzyDate
from contested.diagnostics import Diagnostic, Location, Severity, sort_diagnostics
from contested.model import Catalog, Claim, Question
from contested.quantities import format_number

RULES: tuple[str, ...] = ("declared", "category", "quantity", "disputes")
"""In the order a contradiction names them; the first is its `rule`."""

_NEVER = -(10**9)
_ALWAYS = 10**9


@dataclass(frozen=True, slots=True)
class Contradiction:
    """Claims that cannot all be true, with the rules that say so and why.

    The one-line explanation and the reason are written when first read: a catalog
    with 160,000 contradictions shows a screenful of them.
    """

    id: str
    rules: tuple[str, ...]
    claims: tuple[str, ...]
    question: str | None
    note: str | None = None
    catalog: Catalog | None = field(default=None, compare=False, repr=False)
    _words: list[str] = field(default_factory=list, compare=False, repr=False)

    @property
    def rule(self) -> str:
        return self.rules[0]

    @property
    def explanation(self) -> str:
        """`Zombie: rout (2025-03?) vs Oleksandr Syrsky: under-control (2025-03?)`."""
        return self._written()[0]

    @property
    def reason(self) -> str:
        """Why the rules say so, in a sentence."""
        return self._written()[1]

    def _written(self) -> list[str]:
        if not self._words and self.catalog is not None:
            self._words.extend(_explain(self.catalog, self))
        return self._words or ["", ""]


@dataclass(frozen=True, slots=True)
class SeriesStep:
    """Claims on one question at overlapping dates: one point of a series."""

    earliest: date | None
    latest: date | None
    claims: tuple[str, ...]
    figure: float | None = None
    values: tuple[str, ...] = ()
    change: float | None = None

    @property
    def change_ratio(self) -> float | None:
        """Relative change from the previous step (-0.4 is a fall of 40%)."""
        if self.change is None or self.figure is None:
            return None
        previous = self.figure - self.change
        return None if previous == 0 else self.change / previous


@dataclass(frozen=True, slots=True)
class Series:
    """Claims on one question at dates that do not overlap: a trend, in time order."""

    question: str
    steps: tuple[SeriesStep, ...]

    @property
    def trend(self) -> str:
        """`falling`, `rising`, `flat` or `mixed` for figures; `changing` for categories."""
        changes = [s.change for s in self.steps[1:] if s.change is not None]
        if not changes:
            values = [s.values for s in self.steps]
            return "changing" if len(set(values)) > 1 else "flat"
        if all(c < 0 for c in changes):
            return "falling"
        if all(c > 0 for c in changes):
            return "rising"
        return "flat" if all(c == 0 for c in changes) else "mixed"


@dataclass(frozen=True, slots=True)
class Corroboration:
    """For one claim: who agrees and who contradicts, counted by independent origin."""

    claim: str
    agreeing: tuple[str, ...] = ()
    independent_agreeing: tuple[str, ...] = ()
    agreeing_origins: int = 0
    contradicting: tuple[str, ...] = ()
    contradicting_origins: int = 0


@dataclass
class Analysis:
    """Everything the engine found in one catalog."""

    catalog: Catalog
    contradictions: list[Contradiction]
    series: dict[str, Series]
    corroboration: Mapping[str, Corroboration]
    warnings: list[Diagnostic]
    _by_claim: dict[str, list[Contradiction]] = field(default_factory=dict, repr=False)

    def contradictions_of(self, claim_id: str) -> list[Contradiction]:
        """The contradictions a claim is part of."""
        if not self._by_claim and self.contradictions:
            for found in self.contradictions:
                for member in found.claims:
                    self._by_claim.setdefault(member, []).append(found)
        return self._by_claim.get(claim_id, [])


# --- describing claims for people -------------------------------------------------------

def source_names(catalog: Catalog, claim: Claim) -> str:
    names = [catalog.sources[s].name if s in catalog.sources else s for s in claim.source]
    return " and ".join(names) if len(names) <= 2 else ", ".join(names)


def value_text(catalog: Catalog, claim: Claim) -> str:
    """The claimed value as a person writes it: `rout`, `about 800 soldiers`."""
    if claim.quantity is not None:
        question = catalog.questions.get(claim.about or "")
        unit = f" {question.unit}" if question and question.unit else ""
        return claim.quantity.text + unit
    if isinstance(claim.value, str):
        return claim.value
    text = claim.text if len(claim.text) <= 60 else claim.text[:59] + "…"
    return f'"{text}"'


def date_text(when: FuzzyDate | None) -> str:
    return when.text if when is not None else "undated"


def describe(catalog: Catalog, claim: Claim) -> str:
    """`Zombie: rout (2025-03?)`."""
    return f"{source_names(catalog, claim)}: {value_text(catalog, claim)} ({date_text(claim.when)})"


# --- independence -------------------------------------------------------------------------

def independent(a: Claim, b: Claim) -> bool:
    """Two claims are independent unless they share an original source, one relays the
    other's source, or both reached us only through the same `via` chain."""
    a_via, b_via = a.via, b.via
    b_sources = b.source
    for source in a.source:  # lists of one to three ids: no sets needed
        if source in b_sources or source in b_via:
            return False
    if any(source in a_via for source in b_sources):
        return False
    return not (a_via and a_via == b_via)


def origins(claims: Sequence[Claim]) -> int:
    """How many independent origins a set of claims stands for: the connected groups
    under "not independent" (a shared source, a relay, the same via chain)."""
    if len(claims) <= 1:
        return len(claims)
    if len(claims) == 2:
        return 2 if independent(claims[0], claims[1]) else 1
    by_source: dict[str, list[int]] = defaultdict(list)
    by_relay: dict[str, list[int]] = defaultdict(list)
    by_chain: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for index, claim in enumerate(claims):
        for source in claim.source:
            by_source[source].append(index)
        for relay in claim.via:
            by_relay[relay].append(index)
        if claim.via:
            by_chain[tuple(claim.via)].append(index)
    seen = [False] * len(claims)
    groups = 0
    for start in range(len(claims)):
        if seen[start]:
            continue
        groups += 1
        seen[start] = True
        stack = [start]
        while stack:
            claim = claims[stack.pop()]
            neighbours: list[int] = []
            for source in claim.source:
                neighbours += by_source[source] + by_relay[source]
            for relay in claim.via:
                neighbours += by_source.get(relay, [])
            if claim.via:
                neighbours += by_chain[tuple(claim.via)]
            for other in neighbours:
                if not seen[other]:
                    seen[other] = True
                    stack.append(other)
    return groups


# --- finding pairs ------------------------------------------------------------------------

def _span(when: FuzzyDate | None) -> tuple[int, int]:
    if when is None:
        return _NEVER, _ALWAYS
    low = when.earliest.toordinal() if when.earliest else _NEVER
    high = when.latest.toordinal() if when.latest else _ALWAYS
    return low, high


def _sweep(claims: Iterable[Claim]) -> Iterator[tuple[Claim, Claim]]:
    """Every pair of claims whose `as_of` ranges share a day, each pair once."""
    ordered = sorted(((*_span(c.when), i, c) for i, c in enumerate(claims)),
                     key=lambda item: (item[0], item[2]))
    active: list[tuple[int, int, Claim]] = []
    for low, high, index, claim in ordered:
        while active and active[0][0] < low:
            heapq.heappop(active)
        for _, _, other in active:
            yield other, claim
        heapq.heappush(active, (high, index, claim))


def _conflict(question: Question, a: Claim, b: Claim) -> bool:
    """True when two claims at overlapping dates give answers that cannot both hold."""
    if question.kind == "category":
        return a.value != b.value
    qa, qb = a.quantity, b.quantity
    assert qa is not None
    assert qb is not None
    return not qa.compared(question.tolerance).intersects(qb.compared(question.tolerance))


def _answers(catalog: Catalog) -> dict[str, list[Claim]]:
    """Claims with a value, grouped by the question they answer."""
    grouped: dict[str, list[Claim]] = defaultdict(list)
    for claim in catalog.claims.values():
        if claim.about is None or claim.value is None:
            continue
        question = catalog.questions.get(claim.about)
        if question is None:
            continue
        if question.kind == "quantity" and claim.quantity is None:
            continue
        grouped[claim.about].append(claim)
    return grouped


@dataclass
class Pairs:
    """What one sweep over every question found: pairs at overlapping dates that
    conflict (with the question's kind as rule) and pairs that agree."""

    conflicts: list[tuple[Claim, Claim, str]] = field(default_factory=list)
    agreements: list[tuple[Claim, Claim]] = field(default_factory=list)


def find_pairs(catalog: Catalog, answers: dict[str, list[Claim]] | None = None) -> Pairs:
    pairs = Pairs()
    conflicts, agreements = pairs.conflicts, pairs.agreements
    for question_id, claims in (_answers(catalog) if answers is None else answers).items():
        question = catalog.questions[question_id]
        for a, b in _sweep(claims):
            if _conflict(question, a, b):
                conflicts.append((a, b, question.kind))
            else:
                agreements.append((a, b))
    return pairs


def pair_id(rule: str, a: str, b: str) -> str:
    """`category~syrsky-under-control~zombie-rout`: readable, and the same for the same
    pair whatever the order of files or claims (`~` never occurs in an id)."""
    first, second = sorted((a, b))
    return f"{rule}~{first}~{second}"


def _reason(catalog: Catalog, rules: Sequence[str], a: Claim, b: Claim) -> str:
    question = catalog.questions.get(a.about or "") if a.about == b.about else None
    parts = []
    if "category" in rules and question is not None:
        parts.append(f"different answers to '{question.text}' at overlapping dates")
    if "quantity" in rules and question is not None and a.quantity and b.quantity:
        tolerance = question.tolerance
        widened = [q.compared(tolerance) for q in (a.quantity, b.quantity)]
        unit = f" {question.unit}" if question.unit else ""
        parts.append(
            f"{widened[0]} and {widened[1]}{unit} do not meet "
            f"(tolerance {format_number(tolerance * 100)}%, about ±10% at least)"
        )
    if "disputes" in rules:
        disputer, disputed = (a, b) if b.id in a.disputes else (b, a)
        parts.append(f"{source_names(catalog, disputer)} disputes '{disputed.id}'")
    return "; ".join(parts)


def _key(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)


def find_contradictions(catalog: Catalog, pairs: Pairs | None = None) -> list[Contradiction]:
    """Every contradiction in the catalog, each pair once with all its rules."""
    pairs = find_pairs(catalog) if pairs is None else pairs
    rules_of: dict[tuple[str, str], set[str]] = defaultdict(set)
    for a, b, rule in pairs.conflicts:
        rules_of[_key(a.id, b.id)].add(rule)
    for claim in catalog.claims.values():
        for other in claim.disputes:
            if other != claim.id and other in catalog.claims:
                rules_of[_key(claim.id, other)].add("disputes")

    found: list[Contradiction] = []
    for declared in catalog.contradictions.values():
        members = [catalog.claims[c] for c in declared.claims if c in catalog.claims]
        rules = {"declared"}
        if len(members) == 2:
            rules |= rules_of.pop(_key(members[0].id, members[1].id), set())
        ordered = tuple(r for r in RULES if r in rules)
        abouts = {c.about for c in members}
        found.append(Contradiction(
            id=declared.id, rules=ordered, claims=tuple(declared.claims),
            question=abouts.pop() if len(abouts) == 1 else None,
            note=declared.note, catalog=catalog,
        ))
    claims = catalog.claims
    for (first, second), rules in rules_of.items():
        ordered = tuple(r for r in RULES if r in rules)
        about = claims[first].about
        found.append(Contradiction(
            id=pair_id(ordered[0], first, second), rules=ordered, claims=(first, second),
            question=about if about == claims[second].about else None, catalog=catalog,
        ))
    found.sort(key=lambda c: (c.question or "\uffff", c.id))
    return found


def _explain(catalog: Catalog, item: Contradiction) -> tuple[str, str]:
    """The explanation and the reason of a contradiction."""
    members = [catalog.claims[c] for c in item.claims if c in catalog.claims]
    explanation = " vs ".join(describe(catalog, c) for c in members)
    if "declared" not in item.rules:
        return explanation, _reason(catalog, item.rules, members[0], members[1])
    reason = item.note or "declared by the analyst"
    if len(members) == 2 and len(item.rules) > 1:
        reason = _reason(catalog, item.rules, members[0], members[1]) + "; " + reason
    return explanation, reason


def find_series(catalog: Catalog, answers: dict[str, list[Claim]] | None = None
                ) -> dict[str, Series]:
    """Per question, the claims grouped into steps of overlapping dates, in time order;
    a question with two steps or more has a series."""
    series: dict[str, Series] = {}
    for question_id, claims in (_answers(catalog) if answers is None else answers).items():
        ordered = sorted(claims, key=lambda c: _span(c.when))
        groups: list[list[Claim]] = []
        reach = _NEVER - 1
        for claim in ordered:
            low, high = _span(claim.when)
            if groups and low <= reach:
                groups[-1].append(claim)
                reach = max(reach, high)
            else:
                groups.append([claim])
                reach = high
        if len(groups) < 2:
            continue
        steps: list[SeriesStep] = []
        previous: float | None = None
        for group in groups:
            spans = [_span(c.when) for c in group]
            low, high = min(s[0] for s in spans), max(s[1] for s in spans)
            figure = _representative(group)
            change = None if figure is None or previous is None else figure - previous
            steps.append(SeriesStep(
                earliest=date.fromordinal(low) if low != _NEVER else None,
                latest=date.fromordinal(high) if high != _ALWAYS else None,
                claims=tuple(c.id for c in group),
                figure=figure,
                values=tuple(sorted({c.value for c in group if isinstance(c.value, str)}))
                if figure is None else (),
                change=change,
            ))
            previous = figure if figure is not None else previous
        series[question_id] = Series(question_id, tuple(steps))
    return series


def _representative(group: Sequence[Claim]) -> float | None:
    """The figure a step stands for: the median of its point figures (exact, about,
    between), else of whatever figures it has."""
    quantities = [c.quantity for c in group if c.quantity is not None]
    points = [q.plotted for q in quantities if q.form in ("exact", "about", "between")]
    figures = [p for p in points if p is not None] or [
        q.plotted for q in quantities if q.plotted is not None
    ]
    return float(statistics.median(figures)) if figures else None


class CorroborationIndex(Mapping[str, Corroboration]):
    """Per claim, its `Corroboration`, worked out when first asked for.

    The pairs are found once for the whole catalog; counting origins claim by claim is
    left until a claim is shown or exported, so the cost follows what is looked at.
    """

    def __init__(self, catalog: Catalog, agree: dict[str, list[Claim]],
                 against: dict[str, list[Claim]]) -> None:
        self.catalog = catalog
        self.agree = agree
        self.against = against
        self._keys = list(dict.fromkeys([*agree, *against]))
        self._made: dict[str, Corroboration] = {}

    def __getitem__(self, claim_id: str) -> Corroboration:
        made = self._made.get(claim_id)
        if made is not None:
            return made
        if claim_id not in self.agree and claim_id not in self.against:
            raise KeyError(claim_id)
        claim = self.catalog.claims[claim_id]
        agreeing = self.agree.get(claim_id, [])
        free = [c for c in agreeing if independent(claim, c)]
        contradicting = list({c.id: c for c in self.against.get(claim_id, [])}.values())
        made = self._made[claim_id] = Corroboration(
            claim=claim_id,
            agreeing=tuple(c.id for c in agreeing),
            independent_agreeing=tuple(c.id for c in free),
            agreeing_origins=origins(free),
            contradicting=tuple(c.id for c in contradicting),
            contradicting_origins=origins([c for c in contradicting if independent(claim, c)]),
        )
        return made

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)

    def __contains__(self, claim_id: object) -> bool:
        return claim_id in self.agree or claim_id in self.against


def corroborate(catalog: Catalog, contradictions: Sequence[Contradiction],
                pairs: Pairs | None = None) -> CorroborationIndex:
    """Per claim: agreeing claims (same answer, overlapping dates) and contradicting ones,
    with the number of independent origins behind each."""
    pairs = find_pairs(catalog) if pairs is None else pairs
    agree: dict[str, list[Claim]] = defaultdict(list)
    for a, b in pairs.agreements:
        agree[a.id].append(b)
        agree[b.id].append(a)
    against: dict[str, list[Claim]] = defaultdict(list)
    claims = catalog.claims
    for found in contradictions:
        members = [claims[c] for c in found.claims if c in claims]
        for claim in members:
            against[claim.id].extend(m for m in members if m is not claim)
    return CorroborationIndex(catalog, dict(agree), dict(against))


# --- warnings -------------------------------------------------------------------------------

def sanity_warnings(catalog: Catalog, corroboration: Mapping[str, Corroboration]
                    ) -> list[Diagnostic]:
    """The checks an experienced analyst makes; reported, never refused."""
    warnings: list[Diagnostic] = []

    def warn(location: Location, code: str, message: str) -> None:
        warnings.append(Diagnostic(location, code, message, Severity.WARNING))

    quoted: set[str] = set()
    relayed: set[str] = set()
    events_with_claims: set[str] = set()
    per_question: dict[str, int] = defaultdict(int)
    for claim in catalog.claims.values():
        quoted.update(claim.source)
        relayed.update(claim.via)
        if claim.event:
            events_with_claims.add(claim.event)
        if claim.about:
            per_question[claim.about] += 1
        if claim.credibility not in (1, 5):
            continue
        found = corroboration.get(claim.id)
        if claim.credibility == 1 and (found is None or found.agreeing_origins == 0):
            warn(claim.origin.at("credibility"), "credibility-1-unconfirmed",
                 f"claim '{claim.id}' has credibility 1 (confirmed by other independent "
                 "sources) but no claim from another origin agrees with it")
        if claim.credibility == 5 and (found is None or not found.contradicting):
            warn(claim.origin.at("credibility"), "credibility-5-uncontradicted",
                 f"claim '{claim.id}' has credibility 5 (improbable) but no claim "
                 "contradicts it")
    for source in catalog.sources.values():
        if source.kind == "social-media" and source.reliability == "A":
            warn(source.origin.at("reliability"), "reliability-a-social-media",
                 f"source '{source.id}' is social media with reliability A "
                 "(completely reliable)")
        if source.id not in quoted and source.id not in relayed:
            warn(source.origin.at("id"), "source-without-claims",
                 f"source '{source.id}' has no claim and relays none")
    for event in catalog.events.values():
        if event.id not in events_with_claims:
            warn(event.origin.at("id"), "event-without-claims",
                 f"event '{event.id}' has no claim")
    for question in catalog.questions.values():
        count = per_question.get(question.id, 0)
        if count <= 1:
            what = "no claim" if count == 0 else "one claim: nothing to compare it with"
            warn(question.origin.at("id"), "question-with-one-claim",
                 f"question '{question.id}' has {what}")
    return sort_diagnostics(warnings)


def analyse(catalog: Catalog) -> Analysis:
    """Contradictions, series, corroboration and warnings for one catalog."""
    with collector_paused():
        answers = _answers(catalog)  # grouped once, for the pairs and the series
        pairs = find_pairs(catalog, answers)
        contradictions = find_contradictions(catalog, pairs)
        corroboration = corroborate(catalog, contradictions, pairs)
        return Analysis(
            catalog=catalog,
            contradictions=contradictions,
            series=find_series(catalog, answers),
            corroboration=corroboration,
            warnings=sanity_warnings(catalog, corroboration),
        )

