"""Track records: what the analyst's resolved contradictions say of each source, set
against the Admiralty grade the catalog declares for it.

A contradiction whose note is `status: resolved` with a `preferred` claim counts one for
each source of the preferred claim (a joint claim: each of its sources) and one against
each source of its other claims; `via` relays are not speakers and count nothing. A
source is counted once per contradiction. A source on both sides (its own claims
disagree, or it shares a joint claim on each side) counts neither way: the analyst
preferred it over itself, which says nothing of it against the others; the
contradiction is still listed among those that touched it. An open or explained
contradiction, a resolved one without a preferred claim, a preferred claim that is not
one of the contradiction's, and a contradiction gone from the catalog count nothing.

Review and engine are siblings, so the contradiction's claims and a claim's sources are
asked through the functions given (`contested.present.track_records` passes the
engine's and the catalog's).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from contested.review.notes import Notes

Outcome = Literal["for", "against", "both"]
"""What one resolved contradiction did to a source's record."""

RECORD_EVIDENCE = 3
"""How many resolved contradictions must point one way before a record is said to
disagree with the declared grade: fewer could be the luck of the draw."""
HIGH_GRADES = ("A", "B")
"""Grades that promise a source is usually right (completely, usually reliable)."""
LOW_GRADES = ("D", "E")
"""Grades that promise a source is usually wrong (not usually reliable, unreliable).
C is the middle and F says the reliability cannot be judged: neither is contradicted by
any record."""


@dataclass(frozen=True, slots=True)
class Verdict:
    """One resolved contradiction, as it bears on one source."""

    contradiction: str
    preferred: str
    """The claim the analyst preferred."""
    outcome: Outcome


@dataclass(frozen=True, slots=True)
class TrackRecord:
    """A source's resolved contradictions, in the order of their ids."""

    source: str
    verdicts: tuple[Verdict, ...]

    @property
    def upheld(self) -> int:
        """Resolved contradictions where a claim of this source was preferred."""
        return sum(1 for v in self.verdicts if v.outcome == "for")

    @property
    def overruled(self) -> int:
        """Resolved contradictions where another source's claim was preferred."""
        return sum(1 for v in self.verdicts if v.outcome == "against")

    @property
    def split(self) -> int:
        """Resolved contradictions with this source on both sides (not counted)."""
        return sum(1 for v in self.verdicts if v.outcome == "both")


@dataclass(frozen=True, slots=True)
class Disagreement:
    """A record that says otherwise than the declared grade."""

    source: str
    grade: str
    record: TrackRecord
    direction: Literal["worse", "better"]
    """`worse`: graded A or B, yet overruled at least `RECORD_EVIDENCE` times and more
    often than upheld; `better`: graded D or E, yet upheld at least `RECORD_EVIDENCE`
    times and more often than overruled."""


def track_records(notes: Notes, claims_of: Callable[[str], Sequence[str] | None],
                  sources_of: Callable[[str], Sequence[str] | None]
                  ) -> dict[str, TrackRecord]:
    """Source id → its track record, for every source a resolved contradiction with a
    preferred claim touched. `claims_of(contradiction id)` gives its claims (None: it is
    gone); `sources_of(claim id)` a claim's sources (None: it is gone)."""
    verdicts: dict[str, list[Verdict]] = {}
    section = notes.sections.get("contradictions", {})
    for contradiction_id in sorted(section):
        note = section[contradiction_id]
        if note.status != "resolved" or not note.preferred:
            continue
        claims = claims_of(contradiction_id)
        if claims is None or note.preferred not in claims:
            continue
        winners = set(sources_of(note.preferred) or ())
        losers = {source for claim in claims if claim != note.preferred
                  for source in sources_of(claim) or ()}
        for source in sorted(winners | losers):
            outcome: Outcome = ("both" if source in winners and source in losers
                                else "for" if source in winners else "against")
            verdicts.setdefault(source, []).append(
                Verdict(contradiction_id, note.preferred, outcome))
    return {source: TrackRecord(source, tuple(found))
            for source, found in sorted(verdicts.items())}


def disagreement(record: TrackRecord, grade: str) -> Disagreement | None:
    """Whether `record` says otherwise than `grade` (the rule: `Disagreement.direction`)."""
    upheld, overruled = record.upheld, record.overruled
    if grade in HIGH_GRADES and overruled >= RECORD_EVIDENCE and overruled > upheld:
        return Disagreement(record.source, grade, record, "worse")
    if grade in LOW_GRADES and upheld >= RECORD_EVIDENCE and upheld > overruled:
        return Disagreement(record.source, grade, record, "better")
    return None


def disagreements(records: Mapping[str, TrackRecord], grades: Mapping[str, str]
                  ) -> list[Disagreement]:
    """The records that disagree with their source's grade (`grades`: source id →
    Admiralty reliability), by source id; a source not in `grades` is not judged."""
    found = (disagreement(record, grades[source]) for source, record in records.items()
             if source in grades)
    return [d for d in found if d is not None]
