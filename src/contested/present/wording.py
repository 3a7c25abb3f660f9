"""The words people read about claims and contradictions, written from the engine's data.

The engine (`contested.engine`) finds which claims cannot all be true and
returns data: ids, rules, claims, rows. What is said about them (`Zombie: rout (2025-03?)
vs Oleksandr Syrsky: under-control (2025-03?)`, and why the rules say so) is written here,
in the presentation layer, so that the explorer, the exports and the CLI say it alike and
a `Contradiction` holds neither the catalog nor words of its own.

Nothing is kept: the words of a contradiction are written each time they are asked for,
from its claims (a list shows a screenful; an export reads each once).
"""

from __future__ import annotations

from collections.abc import Sequence

from contested.catalog.catalog import Catalog
from contested.engine.contradictions import Contradiction, Contradictions
from contested.engine.cruxes import Crux, cruxes
from contested.format.dates import FuzzyDate
from contested.format.model import Claim, Question
from contested.format.quantities import ABOUT_MINIMUM, Quantity, format_number

# --- describing claims --------------------------------------------------------------------


def source_names(catalog: Catalog, claim: Claim) -> str:
    """Who said a claim: `Zombie`, `AFP and Reuters`, `AFP, Reuters, DPA`."""
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
    """A date as written in the catalog, or `undated`."""
    return when.text if when is not None else "undated"


def describe(catalog: Catalog, claim: Claim) -> str:
    """`Zombie: rout (2025-03?)`."""
    return f"{source_names(catalog, claim)}: {value_text(catalog, claim)} ({date_text(claim.when)})"


# --- contradictions -----------------------------------------------------------------------


def explanation(catalog: Catalog, item: Contradiction) -> str:
    """`Zombie: rout (2025-03?) vs Oleksandr Syrsky: under-control (2025-03?)`."""
    return " vs ".join(describe(catalog, c) for c in _members(catalog, item))


def reason(catalog: Catalog, item: Contradiction) -> str:
    """Why the rules say the claims contradict, in a sentence."""
    return _reason_of(catalog, item, _members(catalog, item))


def explain(catalog: Catalog, item: Contradiction) -> tuple[str, str]:
    """`explanation` and `reason` at once (its claims read once)."""
    members = _members(catalog, item)
    return (" vs ".join(describe(catalog, c) for c in members),
            _reason_of(catalog, item, members))


def _members(catalog: Catalog, item: Contradiction) -> list[Claim]:
    """Its claims that are in the catalog: by row when the engine gave them (no index of
    300,000 claim ids needed), else by id."""
    claims = catalog.claims
    if item.rows is not None:
        return [claims.at(row) for row in item.rows]
    return [claims[c] for c in item.claims if c in claims]


def _reason_of(catalog: Catalog, item: Contradiction, members: list[Claim]) -> str:
    if "declared" not in item.rules:
        return _pair_reason(catalog, item.rules, members[0], members[1])
    said = item.note or "declared by the analyst"
    if len(members) == 2 and len(item.rules) > 1:
        said = _pair_reason(catalog, item.rules, members[0], members[1]) + "; " + said
    return said


def _pair_reason(catalog: Catalog, rules: Sequence[str], a: Claim, b: Claim) -> str:
    question = catalog.questions.get(a.about or "") if a.about == b.about else None
    parts = []
    if "category" in rules and question is not None:
        parts.append(f"different answers to '{question.text}' at overlapping dates")
    if "quantity" in rules and question is not None and a.quantity and b.quantity:
        parts.append(_apart(question, a.quantity, b.quantity))
    if "disputes" in rules:
        disputer, disputed = (a, b) if b.id in a.disputes else (b, a)
        parts.append(f"{source_names(catalog, disputer)} disputes '{disputed.id}'")
    return "; ".join(parts)


def _apart(question: Question, a: Quantity, b: Quantity) -> str:
    """Why two figures contradict: `less than 10 and at least 200 people do not meet
    even with the tolerance (5%): below 10.5 vs 190 or more`. The 10% that widens an
    `about` figure is said only when one of them is."""
    tolerance = question.tolerance
    widened = [q.compared(tolerance).words() for q in (a, b)]
    unit = f" {question.unit}" if question.unit else ""
    allowed = f"{format_number(tolerance * 100)}%"
    if "about" in (a.form, b.form):
        allowed += f"; at least {format_number(ABOUT_MINIMUM * 100)}% for an `about` figure"
    return (f"{a.text} and {b.text}{unit} do not meet even with the tolerance ({allowed}): "
            f"{widened[0]} vs {widened[1]}")


QUOTE_CHECK_WORDS = {
    "verified": "quote verified in the archived copy",
    "not-found": "quote NOT found in the archived copy",
    "unchecked": "quote not checked: no readable archived copy here",
}
"""What became of a quote (`catalog.archives.QuoteCheck.state`), in words."""


# --- cruxes -------------------------------------------------------------------------------

CRUX_NAMES_SHOWN = 8
"""Speakers of a crux named; the others are counted (`… and 4,312 more`)."""


def crux_text(catalog: Catalog, crux: Crux) -> str:
    """What a question turns on: `Oleksandr Syrsky (in 4) and Zombie (in 4): without
    their claims, none of the question's 7 contradictions stands`, with the bound when
    the set is not proven the smallest."""
    sources = catalog.sources
    names = [sources[s].name if s in sources else s for s in crux.speakers]
    if crux.within is not None:
        names = [f"{name} (in {n:,})" for name, n in zip(names, crux.within, strict=True)]
    if len(names) > CRUX_NAMES_SHOWN:
        more = len(names) - CRUX_NAMES_SHOWN + 1
        names = [*names[:CRUX_NAMES_SHOWN - 1], f"{more:,} more"]
    listed = _and(names)
    if crux.instead:
        instead = [sources[s].name if s in sources else s for s in crux.instead]
        listed += f", or as well {_and(instead)}"
    their = "its" if len(crux.speakers) == 1 else "their"
    count = crux.contradictions
    falls = ("the question's contradiction does not stand" if count == 1 else
             f"none of the question's {count:,} contradictions stands")
    said = f"{listed}: without {their} claims, {falls}"
    if crux.exact:
        return said
    if crux.factor is not None:
        times = "twice" if crux.factor == 2 else f"{crux.factor} times"
        return (f"{said} (at most {times} the fewest speakers that would do; "
                f"at least {crux.at_least:,} would)")
    return (f"{said} (enough, not proven the fewest speakers that would do; "
            f"at least {crux.at_least:,} would)")


def _and(names: list[str]) -> str:
    """`A`, `A and B`, `A, B and C`."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def turns_on(catalog: Catalog, found: Contradictions, question_id: str) -> str | None:
    """`crux_text` of a question; None when it has no contradiction."""
    crux = cruxes(found).of(question_id)
    return None if crux is None else crux_text(catalog, crux)
