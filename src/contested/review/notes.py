"""Review notes: stars, tags, comments, statuses and preferred claims, in their own file.

The format is docs/timeline-format.md, "Review notes", with one compatible addition: a
top-level `views:` mapping of saved filters by name. The timelines are never written.

Never losing a note is the point of this module:
- every change is saved at once, atomically (temporary file beside it, fsync, rename):
  a reader, or a process killed mid-save, sees the old file or the new one;
- a change is made under a lock on a file beside the notes, to the notes as they are on
  disk at that moment (the file is read again when its bytes differ from what this
  explorer last read or wrote): two explorers on one file each add their notes to the other's
  instead of writing over them;
- a notes file that cannot be read is left as it is and the notes go read-only, with the
  reason; so does a folder where nothing can be written (with a way to choose another);
- notes whose target is gone stay in the file (`orphans` lists them).

Each note is a block of its own, one field (one comment, one rating) a line, the notes in
order of id: the file reads and diffs line by line, git merges two analysts' changes to
different notes without a conflict (`contested merge-notes` merges the rest), and a save
rewrites only the blocks of notes that changed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from contested.format.diagnostics import Diagnostic, DiagnosticError, Location, did_you_mean
from contested.format.guarded_yaml import YamlList, YamlMap, read_yaml
from contested.vocabulary import KIND_OF_SECTION, NOTED_SECTIONS

NOTES_VERSION = 1
"""The sections of `notes:`, one per kind of thing noted."""
SECTION_OF = {KIND_OF_SECTION[section]: section for section in NOTED_SECTIONS}
"""The kinds of item that carry notes → their section of the notes file."""
STATUSES = ("open", "explained", "resolved")
Status = Literal["open", "explained", "resolved"]


class Comment(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    at: str = Field(description="When it was written, ISO 8601 in UTC.")
    text: str
    by: str | None = Field(None, description="The analyst who wrote it (none in files "
                                             "written before analysts were recorded).")


class Attribution(BaseModel):
    """Who last set a field of a note, and when: a team sees whose call a status is."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    by: str
    at: str = Field(description="ISO 8601 in UTC.")


ATTRIBUTED = ("star", "tags", "status", "preferred", "ratings")
"""The fields of a note whose last setter is kept (`preferred` covers its reason)."""
AttributedField = Literal["star", "tags", "status", "preferred", "ratings"]


class Side(BaseModel):
    """One branch's value of a field that two branches set differently
    (`contested merge-notes`), and who set it: kept until the field is set again."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    value: str | None = Field(description="The status, preferred claim or rating; "
                                          "null: not set on that branch.")
    reason: str | None = Field(None, description="The preferred claim's reason.")
    by: str | None = None
    at: str | None = None


class Note(BaseModel):
    """What an analyst noted about one event, claim, source or contradiction."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    star: bool = False
    tags: tuple[str, ...] = ()
    comments: tuple[Comment, ...] = ()
    status: Status = "open"
    preferred: str | None = Field(None, description="A claim id of this contradiction.")
    reason: str | None = Field(None, description="Why the preferred claim is preferred.")
    ratings: dict[str, Literal["CC", "C", "N", "I", "II"]] = Field(
        default_factory=dict,
        description="A claim's ACH ratings given by hand: hypothesis (a value, or an "
                    "interval as `contested hypotheses` labels it) -> CC, C, N, I or II.")
    changed: dict[AttributedField, Attribution] = Field(
        default_factory=dict,
        description="Who last set each field, and when (`contested.review.history`).")
    conflict: dict[str, tuple[Side, ...]] = Field(
        default_factory=dict,
        description="Fields two branches set differently (`status`, `preferred`, "
                    "`ratings.HYPOTHESIS`) -> each branch's side (`contested.review.merge`).")

    @property
    def empty(self) -> bool:
        """Nothing noted: who last set a field is no note by itself."""
        return self == Note(changed=self.changed)

    def marks(self) -> str:
        """`★ explained #follow-up ✎2`: the note in a few characters, for lists."""
        parts = ["★"] if self.star else []
        if self.conflict:  # two branches disagree: first, so that it is seen
            parts.insert(0, "⚠conflict")
        if self.status != "open":
            parts.append(self.status)
        if self.preferred:
            parts.append("✓" + self.preferred)
        parts += [f"#{tag}" for tag in self.tags]
        if self.comments:
            parts.append(f"✎{len(self.comments)}")
        return " ".join(parts)


class View(BaseModel):
    """A saved filter, reopened by name (`contested --view NAME`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    filter: str = Field(description="The filter as typed in the filter bar.")


class NotesFile(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    contested_notes: Literal["1", 1] = Field(alias="contested-notes")
    notes: dict[Literal["contradictions", "claims", "events", "sources"],
                dict[str, Note] | None] = Field(default_factory=dict)
    views: dict[str, View] | None = Field(default_factory=dict)


@dataclass
class Notes:
    """Every note by section and id, and the saved views, as read from the file."""

    sections: dict[str, dict[str, Note]] = field(
        default_factory=lambda: {kind: {} for kind in NOTED_SECTIONS})
    views: dict[str, View] = field(default_factory=dict)

    def get(self, kind: str, target: str) -> Note:
        return self.sections[SECTION_OF.get(kind, kind)].get(target, Note())

    def count(self) -> int:
        return sum(len(section) for section in self.sections.values())

    def orphans(self, exists: Callable[[str, str], bool]) -> list[tuple[str, str, Note]]:
        """Notes whose target is gone: `exists(section, id)` says whether it is there."""
        return [(kind, target, note) for kind in NOTED_SECTIONS
                for target, note in self.sections[kind].items()
                if not exists(kind, target)]


def now() -> str:
    """The time a comment is written, to the second, in UTC."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# --- reading --------------------------------------------------------------------------------

def parse_notes(data: bytes, path: str) -> Notes:
    """The notes in a file's bytes; a problem raises DiagnosticError at its place."""
    tree = read_yaml(data, path)
    if tree is None:
        return Notes()  # an empty file: no notes yet
    if not isinstance(tree, YamlMap):
        raise DiagnosticError(_problem(path, tree, (), "the top of a notes file is a "
                                       "mapping: `contested-notes: 1`, then `notes:`"))
    try:
        document = NotesFile.model_validate(tree)
    except ValidationError as error:
        problems = error.errors(include_url=False)
        # A misspelt field also makes the real one missing: the misspelling says why.
        first = next((e for e in problems if e["type"] == "extra_forbidden"), problems[0])
        loc = first["loc"]
        where = ".".join(str(p) for p in loc)
        message = f"{where}: " + str(first["msg"]).removeprefix("Value error, ")
        if first["type"] == "extra_forbidden":
            within = ".".join(str(p) for p in loc[:-1]) or "the file"
            message = (f"unknown field '{loc[-1]}' in {within}"
                       f"{did_you_mean(str(loc[-1]), _fields_at(loc[:-1]))}")
        raise DiagnosticError(_problem(path, tree, loc, message,
                                       at_key=first["type"] == "extra_forbidden")) from None
    notes = Notes()
    for kind, section in document.notes.items():
        notes.sections[kind] = {str(k): v for k, v in (section or {}).items()}
    notes.views = dict(document.views or {})
    return notes


def _fields_at(loc: tuple[Any, ...]) -> Iterable[str]:
    """The fields of the mapping at `loc` in a notes file, for a did-you-mean."""
    if not loc:
        return ("contested-notes", "notes", "views")
    if loc[0] == "notes" and len(loc) == 3:
        return Note.model_fields
    if loc[0] == "notes" and len(loc) == 5 and loc[3] == "comments":
        return Comment.model_fields
    if loc[0] == "notes" and len(loc) == 5 and loc[3] == "changed":
        return Attribution.model_fields
    if loc[0] == "notes" and len(loc) == 6 and loc[3] == "conflict":
        return Side.model_fields
    if loc[0] == "views" and len(loc) == 2:
        return View.model_fields
    return ()


def _problem(path: str, tree: Any, loc: tuple[Any, ...], message: str, *,
             at_key: bool = False) -> Diagnostic:
    """Placed at the value `loc` leads to (or at its key, for an unknown field)."""
    line, column = (getattr(tree, "line", 1), getattr(tree, "column", 1))
    node = tree
    for part in loc:
        if isinstance(node, YamlMap) and part in node:
            at = node.key_spot if at_key and part == loc[-1] else node.value_spot
            line, column = at(part)
            node = node[part]
        elif isinstance(node, YamlList) and isinstance(part, int) and part < len(node):
            line, column = node.item_spot(part)
            node = node[part]
        else:
            break
    return Diagnostic(Location(path, line, column), "bad-notes", message)


# --- writing --------------------------------------------------------------------------------

_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r"}


_AS_IS = re.compile('[^\\\\"\x00-\x1f\x7f-\x9f\ud800-\udfff\ufeff\ufffe\uffff\u2028\u2029]*')
"""Text that goes between the quotes unchanged (nearly all of it: a file written whole,
as after another explorer's change, is mostly this test)."""


def quoted(text: str) -> str:
    """`text` as a YAML double-quoted scalar that any YAML reader reads back as is."""
    if _AS_IS.fullmatch(text):
        return f'"{text}"'
    out = ['"']
    for char in text:
        code = ord(char)
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif code < 0x20 or 0x7F <= code <= 0x9F or 0xD800 <= code <= 0xDFFF \
                or code in (0xFEFF, 0xFFFE, 0xFFFF, 0x2028, 0x2029):  # YAML line breaks
            out.append(f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


def note_block(target: str, note: Note) -> str:
    """One note as a block under its section: each field, comment, rating and
    attribution on a line of its own, and a blank line after. Two analysts who change
    different notes (or different fields far enough apart) never touch the same lines,
    so git merges their files line by line; `contested merge-notes` does the rest."""
    out = [f"    {quoted(target)}:\n"]
    if note.star:
        out.append("      star: true\n")
    if note.tags:
        out.append("      tags: [" + ", ".join(quoted(t) for t in note.tags) + "]\n")
    if note.comments:
        out.append("      comments:\n")
        out += [f"        - {comment_yaml(c)}\n" for c in note.comments]
    if note.status != "open":
        out.append(f"      status: {note.status}\n")
    if note.preferred is not None:
        out.append(f"      preferred: {quoted(note.preferred)}\n")
    if note.reason is not None:
        out.append(f"      reason: {quoted(note.reason)}\n")
    if note.ratings:
        out.append("      ratings:\n")
        out += [f"        {quoted(h)}: {r}\n" for h, r in sorted(note.ratings.items())]
    if note.changed:
        out.append("      changed:\n")
        out += [f"        {name}: {{by: {quoted(mark.by)}, at: {quoted(mark.at)}}}\n"
                for name, mark in sorted(note.changed.items())]
    if note.conflict:
        out.append("      conflict:\n")
        out += [f"        {quoted(name)}: [" + ", ".join(side_yaml(s) for s in sides) + "]\n"
                for name, sides in sorted(note.conflict.items())]
    if len(out) == 1:  # nothing but who set it: an empty mapping, never a null
        return f"    {quoted(target)}: {{}}\n\n"
    out.append("\n")
    return "".join(out)


def side_yaml(side: Side) -> str:
    """One branch's side of a conflict as a YAML flow mapping."""
    parts = [f"value: {'null' if side.value is None else quoted(side.value)}"]
    parts += [f"{name}: {quoted(value)}" for name, value in
              (("reason", side.reason), ("by", side.by), ("at", side.at)) if value is not None]
    return "{" + ", ".join(parts) + "}"


def comment_yaml(comment: Comment) -> str:
    """One comment as a YAML flow mapping (`by` only when known: old files stay as
    they were)."""
    by = "" if comment.by is None else f", by: {quoted(comment.by)}"
    return f"{{at: {quoted(comment.at)}, text: {quoted(comment.text)}{by}}}"


def render_notes(notes: Notes, lines: dict[tuple[str, str], str] | None = None) -> str:
    """The whole file, sections in their order and notes by id; `lines` caches each
    note's block (only changed notes are written again: a save of 10,000 notes is a
    join)."""
    cache = {} if lines is None else lines
    out = [f"contested-notes: {NOTES_VERSION}\n", "notes:\n"]
    for kind in NOTED_SECTIONS:
        section = notes.sections.get(kind, {})
        if not section:
            out.append(f"  {kind}: {{}}\n")
            continue
        out.append(f"  {kind}:\n")
        for target in sorted(section):  # a stable order: the same file for the same notes
            block = cache.get((kind, target))
            if block is None:
                block = cache[(kind, target)] = note_block(target, section[target])
            out.append(block)
    if notes.views:
        out.append("views:\n")
        for name, view in sorted(notes.views.items()):
            out.append(f"  {quoted(name)}: {{filter: {quoted(view.filter)}}}\n")
    return "".join(out)


# --- the store --------------------------------------------------------------------------------

def toggled_star(note: Note) -> Note:
    return note.model_copy(update={"star": not note.star})


def next_status(note: Note) -> Note:
    status = STATUSES[(STATUSES.index(note.status) + 1) % len(STATUSES)]
    return note.model_copy(update={"status": status, "conflict": settled(note, "status")})


def with_tags(text: str) -> Callable[[Note], Note]:
    """Tags as typed: separated by commas or spaces; `#` is optional."""
    tags = tuple(dict.fromkeys(t.lstrip("#") for t in text.replace(",", " ").split()
                               if t.lstrip("#")))
    return lambda note: note.model_copy(update={"tags": tags})


def with_comment(text: str, at: str | None = None) -> Callable[[Note], Note]:
    comment = Comment(at=at or now(), text=text)
    return lambda note: note.model_copy(update={"comments": (*note.comments, comment)})


def with_rating(hypothesis: str, rating: str | None) -> Callable[[Note], Note]:
    """A claim's ACH rating of one hypothesis set by hand (None: back to the default)."""
    def edit(note: Note) -> Note:
        ratings = {h: r for h, r in note.ratings.items() if h != hypothesis}
        if rating is not None:
            ratings[hypothesis] = rating  # type: ignore[assignment]
        return note.model_copy(update={"ratings": ratings, "conflict": settled(
            note, f"ratings.{hypothesis}")})
    return edit


def with_preferred(claim_id: str, reason: str) -> Callable[[Note], Note]:
    return lambda note: note.model_copy(update={"preferred": claim_id,
                                                "reason": reason or None,
                                                "conflict": settled(note, "preferred")})


def settled(note: Note, name: str) -> dict[str, tuple[Side, ...]]:
    """The note's conflicts but the one on `name`: an analyst who sets a field that two
    branches set differently has decided it (`contested.review.merge`)."""
    return {key: sides for key, sides in note.conflict.items() if key != name}
