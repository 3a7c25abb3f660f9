"""The words of contested, defined once: the kinds of item and the sections of a timeline
file that hold them, the rules that find contradictions, the names of its files.

Imports nothing, so that `contested --help` reads it without loading the engine.
"""

from __future__ import annotations

KIND_OF_SECTION: dict[str, str] = {
    "timeline": "timeline",
    "sources": "source",
    "documents": "document",
    "questions": "question",
    "events": "event",
    "claims": "claim",
    "contradictions": "contradiction",
    "matches": "match",
}
"""A section of a timeline file → the kind of item each of its entries is."""

SECTION_OF_KIND: dict[str, str] = {kind: section for section, kind in KIND_OF_SECTION.items()}
"""A kind of item → the section of a timeline file that holds it."""

SECTIONS: tuple[str, ...] = (
    "sources", "documents", "questions", "events", "claims", "contradictions", "matches",
)
"""The sections of entities in a timeline file, in the order they are linked."""

NOTED_SECTIONS: tuple[str, ...] = ("contradictions", "claims", "events", "sources")
"""The sections whose items can carry review notes, in the order the notes file lists them."""

RULES: tuple[str, ...] = ("declared", "category", "quantity", "disputes")
"""The rules of contradiction (docs/timeline-format.md), in the order a contradiction
names them; its first is its `rule`."""

NOTES_FILE_NAME = "contested-notes.yaml"
"""The review notes' file, by default in the first folder loaded."""

YAML_SUFFIXES: tuple[str, ...] = (".yaml", ".yml")
"""What a timeline file's name ends with, when a folder is searched for them."""

PER_EVENT_MARK = "@"
"""Between a per-event question's id and its event's in the question each event answers
(`fatalities@acled-UKR51234`): a character no declared id holds."""
