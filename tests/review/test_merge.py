"""Three-way merge of notes files (`contested merge-notes`): no edit is ever lost."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import get_args

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contested.cli import main
from contested.review.merge import MERGED_FIELDS, describe_conflicts, merge_note, merge_notes
from contested.review.notes import (
    AttributedField,
    Attribution,
    Comment,
    Note,
    Notes,
    next_status,
    parse_notes,
    render_notes,
    toggled_star,
    with_comment,
    with_preferred,
    with_rating,
    with_tags,
)
from contested.review.store import NotesStore

ANA = Attribution(by="Ana", at="2025-03-12T10:00:00Z")
BO = Attribution(by="Bo", at="2025-03-12T11:00:00Z")


def test_every_field_of_a_note_is_merged() -> None:
    """A field added to notes must be given its merge rule (else it would be dropped)."""
    assert set(Note.model_fields) == set(MERGED_FIELDS)


def test_changes_to_different_fields_of_one_note_are_all_kept() -> None:
    base = Note(tags=("a",), comments=(Comment(at="2025-01-01T00:00:00Z", text="old"),))
    ours = with_comment("mine", "2025-03-12T10:00:00Z")(next_status(base))
    theirs = with_comment("yours", "2025-03-12T09:00:00Z")(
        with_preferred("c1", "the later report")(with_tags("a b")(toggled_star(base))))
    merged, conflicts = merge_note(base, ours, theirs)
    assert conflicts == []
    assert merged.star
    assert merged.tags == ("a", "b")
    assert merged.status == "explained"
    assert (merged.preferred, merged.reason) == ("c1", "the later report")
    assert [c.text for c in merged.comments] == ["old", "yours", "mine"]  # by time


def test_a_removal_on_one_side_and_nothing_on_the_other_is_a_removal() -> None:
    base = Note(star=True, tags=("a", "b"), ratings={"h": "C"})
    ours = base.model_copy(update={"star": False, "tags": ("b",), "ratings": {}})
    theirs = base.model_copy(update={"tags": ("a", "b", "c")})
    merged, conflicts = merge_note(base, ours, theirs)
    assert conflicts == []
    assert (merged.star, merged.tags, merged.ratings) == (False, ("b", "c"), {})


def test_a_status_set_differently_on_both_sides_is_a_visible_conflict() -> None:
    base = Note(status="open")
    ours = base.model_copy(update={"status": "explained", "changed": {"status": ANA}})
    theirs = base.model_copy(update={"status": "resolved", "changed": {"status": BO}})
    merged, conflicts = merge_note(base, ours, theirs)
    assert conflicts == ["status"]
    assert merged.status == "explained"  # this side's, until someone decides
    assert [(s.value, s.by) for s in merged.conflict["status"]] == [
        ("explained", "Ana"), ("resolved", "Bo")]
    assert merged.marks().startswith("⚠conflict")
    assert describe_conflicts(merged) == [(
        "status", "explained (Ana, 2025-03-12T10:00:00Z) / resolved (Bo, "
        "2025-03-12T11:00:00Z): set it again to settle")]
    settled = next_status(merged)  # setting the field again settles it
    assert settled.conflict == {}
    assert "⚠conflict" not in settled.marks()


def test_a_preference_and_its_reason_conflict_together_and_settle_when_set_again() -> None:
    base = Note()
    ours = with_preferred("c1", "seen on video")(base)
    theirs = with_preferred("c2", "two witnesses")(base)
    merged, conflicts = merge_note(base, ours, theirs)
    assert conflicts == ["preferred"]
    assert [(s.value, s.reason) for s in merged.conflict["preferred"]] == [
        ("c1", "seen on video"), ("c2", "two witnesses")]
    assert with_preferred("c2", "two witnesses")(merged).conflict == {}


def test_a_rating_set_differently_on_both_sides_conflicts_per_hypothesis() -> None:
    base = Note(ratings={"h1": "N", "h2": "N"})
    ours = with_rating("h1", "C")(with_rating("h2", "I")(base))
    theirs = with_rating("h1", "II")(base)
    merged, conflicts = merge_note(base, ours, theirs)
    assert conflicts == ["ratings.h1"]
    assert merged.ratings == {"h1": "C", "h2": "I"}
    assert with_rating("h1", "II")(merged).conflict == {}


def test_a_conflict_settled_on_one_side_is_settled_in_the_merge() -> None:
    conflicted, _ = merge_note(Note(), Note(status="explained"), Note(status="resolved"))
    settled = next_status(conflicted)  # explained -> resolved, on one branch
    merged, conflicts = merge_note(conflicted, settled,
                                   with_comment("later", "2025-04-01T00:00:00Z")(conflicted))
    assert conflicts == []
    assert merged.conflict == {}
    assert merged.status == "resolved"
    assert [c.text for c in merged.comments] == ["later"]


def test_who_set_a_field_follows_the_value_taken() -> None:
    base = Note(tags=("a",))
    ours = base.model_copy(update={"star": True, "changed": {"star": ANA}})
    theirs = base.model_copy(update={"tags": ("a", "b"), "changed": {"tags": BO}})
    merged, _ = merge_note(base, ours, theirs)
    assert merged.changed == {"star": ANA, "tags": BO}
    both = base.model_copy(update={"tags": ("a", "c"), "changed": {"tags": ANA}})
    merged, _ = merge_note(base, both, theirs)  # both sides' tags kept: the later setter
    assert merged.tags == ("a", "c", "b")
    assert merged.changed == {"tags": BO}


def test_views_changed_on_both_sides_keep_both() -> None:
    from contested.review.notes import View

    base = Notes(views={"mine": View(filter="starred")})
    ours = Notes(views={"mine": View(filter="starred tag:a")})
    theirs = Notes(views={"mine": View(filter="starred tag:b"), "new": View(filter="x")})
    merged = merge_notes(base, ours, theirs)
    assert merged.notes.views == {"mine": View(filter="starred tag:a"),
                                  "mine (merged)": View(filter="starred tag:b"),
                                  "new": View(filter="x")}
    assert merged.conflicts == ["view mine: kept the other side's as 'mine (merged)'"]


def test_a_view_changed_on_one_side_and_deleted_on_the_other_is_kept_as_changed() -> None:
    from contested.review.notes import View

    base = Notes(views={"v": View(filter="starred")})
    merged = merge_notes(base, Notes(), Notes(views={"v": View(filter="tag:x")}))
    assert merged.notes.views == {"v": View(filter="tag:x")}
    assert merged.conflicts == ["view v: changed on one side and deleted on the other: "
                                "kept as changed"]
    assert merge_notes(base, Notes(), base).notes.views == {}  # deleted, left alone: gone


# --- generated concurrent edits --------------------------------------------------------------

IDS = ("a", "b", "c")
KINDS = ("contradictions", "claims")
EDITS: dict[str, Callable[..., Callable[[Note], Note]]] = {
    "star": lambda: toggled_star,
    "tags": with_tags,
    "comment": with_comment,
    "status": lambda: next_status,
    "prefer": with_preferred,
    "rate": with_rating,
}
edit_steps = st.lists(st.tuples(
    st.sampled_from(KINDS), st.sampled_from(IDS),
    st.one_of(
        st.tuples(st.just("star")),
        st.tuples(st.just("tags"), st.sampled_from(["", "x", "x y", "y z", "w"])),
        st.tuples(st.just("comment"), st.sampled_from(["seen", "[/]", "again"]),
                  st.sampled_from(["2025-03-12T10:00:00Z", "2025-03-13T10:00:00Z"])),
        st.tuples(st.just("status")),
        st.tuples(st.just("prefer"), st.sampled_from(["c1", "c2"]),
                  st.sampled_from(["", "video", "witnesses"])),
        st.tuples(st.just("rate"), st.sampled_from(["h1", "h2"]),
                  st.sampled_from([None, "C", "I", "N"])),
    )), max_size=8)


def set_value(note: Note, field: AttributedField) -> object:
    """What setting `field` changes (`preferred` covers its reason)."""
    return (note.preferred, note.reason) if field == "preferred" else getattr(note, field)


def edited(notes: Notes, steps: list[tuple[str, str, tuple[object, ...]]], who: str,
           at: str) -> Notes:
    out = Notes(sections={k: dict(v) for k, v in notes.sections.items()})
    for kind, target, (name, *args) in steps:
        before = out.sections[kind].get(target, Note())
        after = EDITS[str(name)](*args)(before)
        marks = dict(after.changed)
        for field in get_args(AttributedField):
            if set_value(after, field) != set_value(before, field):
                marks[field] = Attribution(by=who, at=at)
        after = after.model_copy(update={"changed": marks})
        if after.empty:
            out.sections[kind].pop(target, None)
        else:
            out.sections[kind][target] = after
    return out


@settings(max_examples=300, deadline=None)
@given(edit_steps, edit_steps, edit_steps)
def test_no_edit_is_ever_lost(made: list[tuple[str, str, tuple[object, ...]]],
                              mine: list[tuple[str, str, tuple[object, ...]]],
                              yours: list[tuple[str, str, tuple[object, ...]]]) -> None:
    base = edited(Notes(), made, "Cy", "2025-03-01T00:00:00Z")
    ours = edited(base, mine, "Ana", "2025-03-12T10:00:00Z")
    theirs = edited(base, yours, "Bo", "2025-03-12T11:00:00Z")
    merged = merge_notes(base, ours, theirs)
    assert parse_notes(render_notes(merged.notes).encode(), "m.yaml") == merged.notes
    for kind in KINDS:
        for target in IDS:
            b, o, t = (n.get(kind, target) for n in (base, ours, theirs))
            m = merged.notes.get(kind, target)
            assert set(o.comments) | set(t.comments) == set(m.comments)
            for member in set(b.tags) | set(o.tags) | set(t.tags):
                sides = (member in b.tags, member in o.tags, member in t.tags)
                assert (member in m.tags) == (sides[1] if sides[1] != sides[0]
                                              else sides[2])
            values: dict[str, Callable[[Note], object]] = {
                "star": lambda n: n.star, "status": lambda n: n.status,
                "preferred": lambda n: (n.preferred, n.reason),
                **{f"ratings.{h}": (lambda n, h=h: n.ratings.get(h))  # type: ignore[misc]
                   for h in ("h1", "h2")}}
            for field, value in values.items():
                vb, vo, vt = value(b), value(o), value(t)
                if vt in (vo, vb):
                    assert value(m) == vo, field
                elif vo == vb:
                    assert value(m) == vt, field
                else:  # both changed, apart: a conflict holding both, with who
                    assert value(m) == vo, field
                    kept = m.conflict[field]
                    held = {(s.value, s.reason) if field == "preferred" else s.value
                            for s in kept}
                    assert {vo, vt} <= held, field
                    attributed = field.partition(".")[0]  # who, where the note says
                    assert {n.changed[attributed].by for n in (o, t)
                            if attributed in n.changed} <= {s.by for s in kept}
                    assert f"{kind} {target}: {field}" in merged.conflicts


# --- the command --------------------------------------------------------------------------


def write(path: Path, notes: Notes) -> Path:
    path.write_text(render_notes(notes))
    return path


def three(tmp_path: Path, base: Notes, ours: Notes, theirs: Notes) -> list[str]:
    return [str(write(tmp_path / name, notes)) for name, notes in
            (("base", base), ("ours", ours), ("theirs", theirs))]


def test_the_command_writes_the_merge_to_ours_and_exits_0(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base = Notes()
    ours = Notes(sections={**base.sections, "claims": {"c": Note(star=True)}})
    theirs = Notes(sections={**base.sections, "claims": {"c": Note(tags=("x",))}})
    assert main(["merge-notes", *three(tmp_path, base, ours, theirs)]) == 0
    assert NotesStore(tmp_path / "ours").get("claim", "c") == Note(star=True, tags=("x",))
    assert capsys.readouterr().err == ""


def test_a_conflict_is_written_and_exits_1_naming_it(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base = Notes()
    ours = Notes(sections={**base.sections, "contradictions": {
        "[/]x": Note(status="explained")}})
    theirs = Notes(sections={**base.sections, "contradictions": {
        "[/]x": Note(status="resolved")}})
    assert main(["merge-notes", *three(tmp_path, base, ours, theirs)]) == 1
    note = NotesStore(tmp_path / "ours").get("contradiction", "[/]x")
    assert [s.value for s in note.conflict["status"]] == ["explained", "resolved"]
    err = capsys.readouterr().err
    assert "kept 1 conflict" in err
    assert "contradictions [/]x: status" in err


@pytest.mark.parametrize("broken", ["base", "ours", "theirs"])
def test_a_file_that_is_not_notes_leaves_ours_untouched_and_exits_2(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], broken: str) -> None:
    paths = three(tmp_path, Notes(), Notes(), Notes())
    Path(paths[("base", "ours", "theirs").index(broken)]).write_text(
        "<<<<<<< HEAD\nnot: [notes\n")
    ours_before = Path(paths[1]).read_bytes()
    assert main(["merge-notes", *paths]) == 2
    assert Path(paths[1]).read_bytes() == ours_before
    err = capsys.readouterr().err
    assert f"{tmp_path / broken}:" in err
    assert "not merged" in err


def test_an_empty_base_is_a_file_added_on_both_branches(tmp_path: Path) -> None:
    paths = three(tmp_path, Notes(), Notes(sections={"claims": {"c": Note(star=True)},
                                                      "contradictions": {}, "events": {},
                                                      "sources": {}}),
                  Notes(sections={"claims": {"d": Note(star=True)}, "contradictions": {},
                                  "events": {}, "sources": {}}))
    Path(paths[0]).write_text("")
    assert main(["merge-notes", *paths]) == 0
    assert set(NotesStore(Path(paths[1])).notes.sections["claims"]) == {"c", "d"}
