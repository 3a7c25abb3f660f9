"""What changed, in words: the report of `contested diff` (text and its JSON record),
the summary the explorer shows under `--since`, and its rows with their marks.

The changes are the engine's (`contested.engine.changes`); a removed claim is described
from the old catalog, everything else from the new one. Text from the timelines is
returned as plain strings: the CLI and the explorer make it printable.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from contested.catalog.catalog import Catalog
from contested.engine.analysis import Analysis
from contested.engine.changes import ChangeMarks, Changes, FigureRevision
from contested.format.model import Claim
from contested.format.quantities import format_number
from contested.present.rows import Row
from contested.present.wording import date_text, describe, explanation, value_text


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'s' * (count != 1)}"


def summary_parts(changes: Changes) -> list[str]:
    """`claims +2 ~1 -1`, `contradictions +1 -1`, `figures ↑1 ↓0`, `trends ~2`: what
    moved, in counts (none when nothing did)."""
    parts = []
    claims = [f"{sign}{n}" for sign, n in (("+", len(changes.added)),
                                           ("~", len(changes.changed)),
                                           ("-", len(changes.removed))) if n]
    if claims:
        parts.append("claims " + " ".join(claims))
    if changes.contradictions_compared:
        pairs = [f"{sign}{n}" for sign, n in (("+", len(changes.opened)),
                                              ("-", len(changes.closed))) if n]
        if pairs or changes.grouped:
            parts.append("contradictions " + " ".join(pairs or ["~"]))
    if changes.revised:
        up = sum(r.direction == "up" for r in changes.revised)
        down = len(changes.revised) - up
        parts.append("figures " + " ".join(f"{arrow}{n}" for arrow, n in (("↑", up),
                                                                          ("↓", down)) if n))
    if changes.trends:
        parts.append(f"trends ~{len(changes.trends)}")
    return parts


def summary(changes: Changes, name: str) -> str:
    """`since HEAD~1: claims +2 ~1 -1 · contradictions +1 -1`, or `nothing changed`."""
    return f"since {name}: " + (" · ".join(summary_parts(changes)) or "nothing changed")


class MarkedRows:
    """A list's rows with a first cell that marks the new (`+`) and changed (`~`) items
    (`--since`); each row made when shown, as the rows it wraps are."""

    def __init__(self, rows: Any, marks: ChangeMarks) -> None:
        self.rows = rows
        self.marks = marks

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, index: int) -> Row:
        row: Row = self.rows[index]
        mark = self.marks.mark(*row.item) if row.item is not None else ""
        return Row(row.key, (mark, *row.cells), row.kind, row.item)

    def index_of(self, key: str) -> int | None:
        finder = getattr(self.rows, "index_of", None)
        if finder is not None:
            found: int | None = finder(key)
            return found
        return next((n for n in range(len(self.rows)) if self.rows[n].key == key), None)

    def forget(self) -> None:
        forget = getattr(self.rows, "forget", None)
        if forget is not None:
            forget()


# --- contested diff ---------------------------------------------------------------------

def _field_text(catalog: Catalog, claim: Claim, name: str) -> str:
    """One of `CLAIM_FIELDS` of a claim, as a change shows it."""
    if name == "value":
        return value_text(catalog, claim) if claim.value is not None else "none"
    if name == "dates":
        said = f", said {date_text(claim.said)}" if claim.said is not None else ""
        return date_text(claim.when) + said
    if name in ("source", "via"):
        ids = claim.source if name == "source" else claim.via
        return ", ".join(ids) or "none"
    if name == "credibility":
        return str(claim.credibility)
    if name == "question":
        return claim.about or "none"
    if name == "event":
        return claim.event or "none"
    return "changed"  # text and quote: said to have changed, not quoted twice


def field_change(changes: Changes, claim_id: str, name: str) -> tuple[str, str]:
    """A changed field of a claim, before and after, as words."""
    old, new = changes.old.catalog, changes.new.catalog
    return (_field_text(old, old.claims[claim_id], name),
            _field_text(new, new.claims[claim_id], name))


def revision_text(changes: Changes, revised: FigureRevision) -> str:
    """`uk-mod-area: 300 → 500 km2 (+200)`."""
    question = changes.new.catalog.questions.get(revised.question or "")
    unit = f" {question.unit}" if question is not None and question.unit else ""
    change = revised.change
    sign = "+" if change > 0 else "-"
    return (f"{revised.claim}: {format_number(revised.old)} → {format_number(revised.new)}"
            f"{unit} ({sign}{format_number(abs(change))})")


def _contradiction_text(catalog: Catalog, contradiction_id: str, analysis: Analysis) -> str:
    found = analysis.contradictions.get(contradiction_id)
    return explanation(catalog, found) if found is not None else ""


def report_lines(changes: Changes, old_name: str, new_name: str) -> Iterator[str]:
    """`contested diff`'s report: each kind of change under its heading, one line each
    (`+` added or opened, `-` removed or closed, `~` changed, `↑`/`↓` revised)."""
    old, new = changes.old.catalog, changes.new.catalog
    yield f"from {old_name} to {new_name}"
    if changes.empty and not changes.revised:
        yield "nothing changed"
        return
    claims = [(len(changes.added), "added"), (len(changes.changed), "changed"),
              (len(changes.removed), "removed")]
    yield ""
    yield "claims: " + ", ".join(f"{n:,} {what}" for n, what in claims)
    for claim_id in changes.added:
        yield f"  + {claim_id}  {describe(new, new.claims[claim_id])}"
    for changed in changes.changed:
        shown = []
        for name in changed.fields:
            before, after = field_change(changes, changed.claim, name)
            shown.append(f"{name}: {before} → {after}" if before != after else name)
        yield f"  ~ {changed.claim}  " + "; ".join(shown)
    for claim_id in changes.removed:
        yield f"  - {claim_id}  {describe(old, old.claims[claim_id])}"
    if changes.revised:
        up = [r for r in changes.revised if r.direction == "up"]
        down = [r for r in changes.revised if r.direction == "down"]
        yield ""
        yield f"figures revised: {len(up):,} up, {len(down):,} down"
        for revised in [*up, *down]:
            yield f"  {'↑' if revised.direction == 'up' else '↓'} {revision_text(changes, revised)}"
    yield ""
    if not changes.contradictions_compared:
        yield "contradictions: not compared"
    else:
        yield (f"contradictions: {len(changes.opened):,} opened, "
               f"{len(changes.closed):,} closed")
        for contradiction_id in changes.opened:
            text = _contradiction_text(new, contradiction_id, changes.new)
            yield f"  + {contradiction_id}" + (f"  {text}" if text else "")
        for contradiction_id in changes.closed:
            text = _contradiction_text(old, contradiction_id, changes.old)
            yield f"  - {contradiction_id}" + (f"  {text}" if text else "")
        for grouped in changes.grouped:
            yield (f"  ~ {grouped.question}: {grouped.old:,} → {grouped.new:,} pairs "
                   "(grouped)")
    if changes.trends:
        yield ""
        yield f"series: {_plural(len(changes.trends), 'trend')} changed"
        for trend in changes.trends:
            yield f"  ~ {trend.question}: {trend.old or 'no series'} → {trend.new or 'no series'}"
    events = [(changes.events_added, "+"), (changes.events_changed, "~"),
              (changes.events_removed, "-")]
    if any(ids for ids, _ in events):
        yield ""
        yield (f"events: {len(changes.events_added):,} added, "
               f"{len(changes.events_changed):,} changed, "
               f"{len(changes.events_removed):,} removed")
        for ids, sign in events:
            catalog = old if sign == "-" else new
            for event_id in ids:
                event = catalog.events[event_id]
                yield f"  {sign} {event_id}  {event.date.text}: {event.title}"


def changes_record(changes: Changes, old_name: str, new_name: str) -> dict[str, Any]:
    """`contested diff --json`: the same changes as data, ids first."""
    old, new = changes.old.catalog, changes.new.catalog

    def claim(catalog: Catalog, claim_id: str) -> dict[str, Any]:
        found = catalog.claims[claim_id]
        return {"id": claim_id, "source": list(found.source), "question": found.about,
                "value": value_text(catalog, found) if found.value is not None else None,
                "date": date_text(found.when)}

    record: dict[str, Any] = {
        "old": old_name, "new": new_name,
        "claims": {
            "added": [claim(new, c) for c in changes.added],
            "removed": [claim(old, c) for c in changes.removed],
            "changed": [{"id": c.claim, "fields": {
                name: dict(zip(("old", "new"), field_change(changes, c.claim, name),
                               strict=True)) for name in c.fields}}
                        for c in changes.changed],
        },
        "figures": [{"claim": r.claim, "question": r.question, "old": r.old, "new": r.new,
                     "change": r.change, "direction": r.direction}
                    for r in changes.revised],
        "contradictions": None if not changes.contradictions_compared else {
            "opened": changes.opened, "closed": changes.closed,
            "grouped": [{"question": g.question, "old": g.old, "new": g.new}
                        for g in changes.grouped]},
        "series": [{"question": t.question, "old": t.old, "new": t.new}
                   for t in changes.trends],
        "events": {"added": changes.events_added, "changed": changes.events_changed,
                   "removed": changes.events_removed},
    }
    return record
