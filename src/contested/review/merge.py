"""Three-way merge of notes files: `contested merge-notes BASE OURS THEIRS`, git's merge
driver for the notes file, where git's line by line merge meets two edits of one note.

Never losing an edit is the point. Each field of each note is merged on its own, against
the common ancestor:
- a field changed on one side only takes that side's value (a removal included);
- comments, tags and stars merge as sets: whatever either side added is kept, whatever
  one side removed and the other left alone is removed;
- ratings merge per hypothesis;
- a status, a preference (with its reason) or a rating set differently on both sides
  keeps this side's value and becomes a visible conflict on the note (`conflict:`,
  each side with who set it and when), until an analyst sets the field again;
- who set a field (`changed`) follows the value taken (the later, when both sides'
  values are kept).
Saved views merge by name; one changed differently on both sides keeps this side's
under its name and the other's under `NAME (merged)`; one changed on a side and deleted
on the other is kept as changed.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, TypeVar

from contested.format.diagnostics import DiagnosticError
from contested.review.notes import (
    AttributedField,
    Attribution,
    Note,
    Notes,
    Side,
    View,
    parse_notes,
    render_notes,
)
from contested.review.store import NOTES_LIMIT
from contested.support.files import Refused, read_with_stat, replace
from contested.vocabulary import NOTED_SECTIONS

T = TypeVar("T")
H = TypeVar("H", bound=Hashable)
Took = Literal["ours", "theirs", "both"]

MERGED_FIELDS = ("star", "tags", "comments", "status", "preferred", "reason", "ratings",
                 "changed", "conflict")
"""Every field of a note, each merged here (a test checks that none is forgotten)."""

_CONFLICT = object()


@dataclass
class Merged:
    """The notes merged, and what was kept as a visible conflict (for the user)."""

    notes: Notes
    conflicts: list[str] = field(default_factory=list)
    """`contradictions a:b: status` for each field kept as a conflict."""


def merge_notes(base: Notes, ours: Notes, theirs: Notes) -> Merged:
    """The three-way merge of two notes files that come from `base`."""
    merged = Merged(Notes())
    for kind in NOTED_SECTIONS:
        sections = (base.sections.get(kind, {}), ours.sections.get(kind, {}),
                    theirs.sections.get(kind, {}))
        for target in sorted(set().union(*sections)):
            note, conflicts = merge_note(*(s.get(target, Note()) for s in sections))
            if not note.empty:
                merged.notes.sections[kind][target] = note
            merged.conflicts += [f"{kind} {target}: {name}" for name in conflicts]
    for name in sorted(set(base.views) | set(ours.views) | set(theirs.views)):
        view = _scalar(*(v.views.get(name) for v in (base, ours, theirs)))
        mine, other = ours.views.get(name), theirs.views.get(name)
        if view is not _CONFLICT:
            if isinstance(view, View):
                merged.notes.views[name] = view
        elif mine is not None and other is not None:
            second = _free_name(f"{name} (merged)", ours, theirs)
            merged.notes.views[name], merged.notes.views[second] = mine, other
            merged.conflicts.append(f"view {name}: kept the other side's as '{second}'")
        elif (kept := mine or other) is not None:
            merged.notes.views[name] = kept
            merged.conflicts.append(f"view {name}: changed on one side and deleted on the "
                                    "other: kept as changed")
    return merged


def merge_note(base: Note, ours: Note, theirs: Note) -> tuple[Note, list[str]]:
    """One note merged field by field; returns it with the fields kept as conflicts."""
    changed: dict[AttributedField, Attribution] = {}
    conflict = _merged_conflicts(base.conflict, ours.conflict, theirs.conflict)
    new: list[str] = []

    def attribute(name: AttributedField, took: Took) -> None:
        mark = _attribution(name, took, base, ours, theirs)
        if mark is not None:
            changed[name] = mark

    def side(note: Note, name: AttributedField, value: str | None,
             reason: str | None = None) -> Side:
        mark = note.changed.get(name)
        return Side(value=value, reason=reason, by=mark.by if mark else None,
                    at=mark.at if mark else None)

    def contest(key: str, attributed: AttributedField, pick: Callable[[Note], tuple[str | None,
                                                                        str | None]]) -> None:
        sides = (side(ours, attributed, *pick(ours)), side(theirs, attributed, *pick(theirs)))
        conflict[key] = _union(conflict.get(key, ()), sides)
        new.append(key)

    def rating_of(hypothesis: str) -> Callable[[Note], tuple[str | None, str | None]]:
        return lambda note: (note.ratings.get(hypothesis), None)

    star, took = _set_member(base.star, ours.star, theirs.star)
    attribute("star", took)
    tags, took = _merged_set(base.tags, ours.tags, theirs.tags, key=lambda t: t)
    attribute("tags", took)
    comments, _ = _merged_set(base.comments, ours.comments, theirs.comments,
                              key=lambda c: c)
    comments = tuple(sorted(comments, key=lambda c: c.at))  # stable: ours first at a tie

    status = _scalar(base.status, ours.status, theirs.status)
    if status is _CONFLICT:
        status = ours.status
        contest("status", "status", lambda n: (n.status, None))
        attribute("status", "ours")
    else:
        attribute("status", _took(base.status, ours.status, theirs.status))

    preference = _scalar(*((n.preferred, n.reason) for n in (base, ours, theirs)))
    if preference is _CONFLICT:
        preference = (ours.preferred, ours.reason)
        contest("preferred", "preferred", lambda n: (n.preferred, n.reason))
        attribute("preferred", "ours")
    else:
        attribute("preferred", _took(*((n.preferred, n.reason)
                                       for n in (base, ours, theirs))))
    assert isinstance(preference, tuple)

    ratings: dict[str, str] = {}
    for hypothesis in sorted(set(base.ratings) | set(ours.ratings) | set(theirs.ratings)):
        values = [n.ratings.get(hypothesis) for n in (base, ours, theirs)]
        rating = _scalar(*values)
        if rating is _CONFLICT:
            rating = values[1]
            contest(f"ratings.{hypothesis}", "ratings", rating_of(hypothesis))
        if isinstance(rating, str):
            ratings[hypothesis] = rating
    attribute("ratings", "ours" if any(k.startswith("ratings.") for k in new)
              else _took(base.ratings, ours.ratings, theirs.ratings))

    note = Note.model_validate({
        "star": star, "tags": tags, "comments": comments, "status": status,
        "preferred": preference[0], "reason": preference[1], "ratings": ratings,
        "changed": changed, "conflict": conflict})
    return note, new


# --- the rules ----------------------------------------------------------------------------


def _scalar(base: T, ours: T, theirs: T) -> T | object:
    """The three-way value: the side that changed, or `_CONFLICT` when both did, apart."""
    if theirs in (ours, base):
        return ours
    if ours == base:
        return theirs
    return _CONFLICT


def _took(base: object, ours: object, theirs: object) -> Took:
    """Which side's value a merge without conflict took."""
    if ours != base and theirs == base:
        return "ours"
    if theirs != base and ours == base:
        return "theirs"
    return "both"


def _set_member(base: bool, ours: bool, theirs: bool) -> tuple[bool, Took]:
    """A flag (a star): one side's change holds (the two cannot conflict)."""
    value = _scalar(base, ours, theirs)
    assert isinstance(value, bool)
    return value, _took(base, ours, theirs)


def _merged_set(base: Sequence[H], ours: Sequence[H], theirs: Sequence[H], *,
                key: Callable[[H], Hashable]) -> tuple[tuple[H, ...], Took]:
    """Members kept by the three-way rule one by one, in this side's order then the
    other's: added on either side, kept; removed on one side and left on the other,
    removed."""
    in_base = {key(x) for x in base}
    in_ours = {key(x) for x in ours}
    in_theirs = {key(x) for x in theirs}
    out: dict[Hashable, H] = {}
    for item in (*ours, *theirs):
        k = key(item)
        if k in out:
            continue
        o, t, b = k in in_ours, k in in_theirs, k in in_base
        if (o if o == t or o != b else t):
            out[k] = item
    ours_changed, theirs_changed = in_ours != in_base, in_theirs != in_base
    took: Took = ("ours" if ours_changed and not theirs_changed else
                  "theirs" if theirs_changed and not ours_changed else "both")
    return tuple(out.values()), took


def _attribution(name: AttributedField, took: Took, base: Note, ours: Note,
                 theirs: Note) -> Attribution | None:
    """Who set a field, following the value taken; both: the later of the two."""
    b, o, t = (n.changed.get(name) for n in (base, ours, theirs))
    if took == "ours":
        return o
    if took == "theirs":
        return t
    if t in (o, b):
        return o
    if o == b:
        return t
    marks = [m for m in (o, t) if m is not None]
    return max(marks, key=lambda m: m.at) if marks else None


def _merged_conflicts(base: dict[str, tuple[Side, ...]], ours: dict[str, tuple[Side, ...]],
                      theirs: dict[str, tuple[Side, ...]]) -> dict[str, tuple[Side, ...]]:
    """Conflicts already in the files: one resolved on one side (the field set again)
    and left on the other is resolved; changed on both, every side is kept."""
    out = {}
    for key in sorted(set(base) | set(ours) | set(theirs)):
        b, o, t = base.get(key, ()), ours.get(key, ()), theirs.get(key, ())
        value = _scalar(b, o, t)
        sides = _union(o, t) if value is _CONFLICT else value
        assert isinstance(sides, tuple)
        if sides:
            out[key] = sides
    return out


def _union(*groups: Iterable[Side]) -> tuple[Side, ...]:
    return tuple(dict.fromkeys(side for group in groups for side in group))


def _free_name(name: str, *notes: Notes) -> str:
    """`name`, or `name 2`, `name 3`... : one that neither side uses for a view."""
    taken = {view for n in notes for view in n.views}
    candidate, number = name, 1
    while candidate in taken:
        number += 1
        candidate = f"{name} {number}"
    return candidate


def describe_side(side: Side) -> str:
    """`resolved (Ana, 2025-03-12T10:04:00Z)`: one side of a conflict, for a detail."""
    value = "not set" if side.value is None else side.value
    if side.reason:
        value += f" because {side.reason}"
    who = ", ".join(p for p in (side.by, side.at) if p)
    return f"{value} ({who})" if who else value


def describe_conflicts(note: Note) -> list[tuple[str, str]]:
    """(field, `explained (Ana) / resolved (Bo): set it again to settle`) per conflict."""
    return [(name, " / ".join(describe_side(s) for s in sides) + ": set it again to settle")
            for name, sides in sorted(note.conflict.items())]


# --- the merge driver ---------------------------------------------------------------------

MERGED, CONFLICTS_KEPT, NOT_NOTES = 0, 1, 2
"""`contested merge-notes`'s exit statuses, as git reads them: 0 merged; otherwise the
file stays unmerged (1: merged, with conflicts kept visible on the notes; 2: not merged,
the file as this side left it)."""


@dataclass
class DriverResult:
    status: int
    messages: list[str]


def merge_note_files(base: Path, ours: Path, theirs: Path) -> DriverResult:
    """Merge three notes files as git's merge driver does (`%O %A %B`): the result is
    written to `ours`, atomically, unless one of them is not a notes file (then `ours`
    is left as it is)."""
    read: list[Notes] = []
    for path in (base, ours, theirs):
        try:
            data, _ = read_with_stat(path, NOTES_LIMIT)
            read.append(parse_notes(data, str(path)))
        except Refused as refused:
            return DriverResult(NOT_NOTES, [f"{path}: {refused.reason}; not merged"])
        except DiagnosticError as error:
            return DriverResult(NOT_NOTES, [f"{error.diagnostic.headline()}; not a notes "
                                            "file, not merged"])
    merged = merge_notes(*read)
    try:
        replace(ours, render_notes(merged.notes))
    except (Refused, OSError) as error:
        return DriverResult(NOT_NOTES, [f"{ours}: {error}; not merged"])
    if not merged.conflicts:
        return DriverResult(MERGED, [])
    count = len(merged.conflicts)
    return DriverResult(CONFLICTS_KEPT, [
        f"kept {count} {'conflict' if count == 1 else 'conflicts'} in the notes, each "
        "side with who set it (the explorer marks them ⚠conflict; setting the field "
        "again settles one), then `git add` the file:",
        *(f"  {conflict}" for conflict in merged.conflicts)])
