"""Review notes: the file format, every state of the file, and that no note is ever lost."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from contested.review.notes import (
    Comment,
    Note,
    View,
    next_status,
    parse_notes,
    render_notes,
    toggled_star,
    with_comment,
    with_preferred,
    with_tags,
)
from contested.review.store import NotesReadOnly, NotesStore

HOSTILE = ['[@click=app.quit]x[/]', "[/]", '"quoted" and \\back', "\x1b[2J", "\x1b]52;c;aGk=\x07",
           "\u202eevil", "line\nbreak", "tab\there", "\x85\x9b", "😀 astral", "\ufeffbom", ""]


def store_in(tmp_path: Path) -> NotesStore:
    return NotesStore(tmp_path / "contested-notes.yaml")


def test_a_missing_file_is_no_notes_and_the_first_change_creates_it(tmp_path: Path) -> None:
    store = store_in(tmp_path)
    assert store.read_only is None
    assert store.notes.count() == 0
    assert not store.path.exists()
    store.change("contradiction", "zombie-vs-syrsky", toggled_star)
    assert store.path.read_text().startswith("contested-notes: 1\nnotes:\n")
    assert NotesStore(store.path).get("contradiction", "zombie-vs-syrsky").star


def test_an_empty_file_is_no_notes(tmp_path: Path) -> None:
    (tmp_path / "contested-notes.yaml").write_text("")
    store = store_in(tmp_path)
    assert store.read_only is None
    assert store.notes.count() == 0


def test_the_example_of_the_format_reads(tmp_path: Path) -> None:
    text = textwrap.dedent("""\
        contested-notes: 1
        notes:
          contradictions:
            zombie-vs-syrsky:
              star: true
              tags: [follow-up]
              comments:
                - {at: 2025-03-12T10:04:00Z, text: Syrsky spoke on Monday; the rout claim is later.}
              status: explained            # open (default) | explained | resolved
              preferred: syrsky-under-control   # a claim id of this contradiction
              reason: Ukrainian unit withdrawals confirm a retreat, not a rout.
          claims:
            deepstate-third-lost: {star: true}
          events: {}
          sources: {}
        """)
    notes = parse_notes(text.encode(), "notes.yaml")
    note = notes.get("contradiction", "zombie-vs-syrsky")
    assert note == Note(star=True, tags=("follow-up",), status="explained",
                        comments=(Comment(
                            at="2025-03-12T10:04:00Z",
                            text="Syrsky spoke on Monday; the rout claim is later."),),
                        preferred="syrsky-under-control",
                        reason="Ukrainian unit withdrawals confirm a retreat, not a rout.")
    assert notes.get("claim", "deepstate-third-lost") == Note(star=True)


@pytest.mark.parametrize(("text", "line", "column", "words"), [
    ("contested-notes: 1\nnotes: [\n", 3, 1, "expected"),
    ("contested-notes: 2\nnotes: {}\n", 1, 18, "contested-notes"),
    ("contested-notes: 1\nnotes:\n  claims:\n    a: {stars: true}\n", 4, 9,
     "unknown field 'stars'"),
    ("contested-notes: 1\nnotes:\n  claims:\n    a: {status: done}\n", 4, 17,
     "'open', 'explained' or 'resolved'"),
    ("- a list\n", 1, 1, "mapping"),
])
def test_a_notes_file_that_cannot_be_read_is_left_as_it_is(
        tmp_path: Path, text: str, line: int, column: int, words: str) -> None:
    path = tmp_path / "contested-notes.yaml"
    path.write_text(text)
    store = NotesStore(path)
    assert store.read_only is not None
    assert f"contested-notes.yaml:{line}:{column}:" in store.read_only, store.read_only
    assert words in store.read_only
    assert "read-only" in store.read_only
    with pytest.raises(NotesReadOnly):
        store.change("claim", "a", toggled_star)
    assert path.read_text() == text  # untouched


def test_a_folder_where_nothing_can_be_written_is_reported_and_another_file_chosen(
        tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the notes' folder should be\n")
    store = NotesStore(blocker / "contested-notes.yaml")
    assert store.read_only is None  # nothing to read yet: a missing file is fine
    with pytest.raises(NotesReadOnly, match=r"cannot save notes in .*choose another notes"):
        store.change("claim", "a", toggled_star)
    (tmp_path / "elsewhere").mkdir()
    elsewhere = tmp_path / "elsewhere" / "notes.yaml"
    store.move_to(elsewhere)
    store.change("claim", "b", toggled_star)
    kept = NotesStore(elsewhere)
    assert kept.get("claim", "b").star


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("contested-notes: 1\nnotes:\n  claims:\n    a: {stars: true}\n",
         "unknown field 'stars' in notes.claims.a (did you mean 'star'?)"),
        ("contested-notes: 1\nnote: {}\n", "unknown field 'note' in the file (did you mean "
                                             "'notes'?)"),
        ("contested-notes: 1\nviews:\n  v: {filtre: x}\n",
         "unknown field 'filtre' in views.v (did you mean 'filter'?)"),
        ("contested-notes: 1\nnotes:\n  claims:\n    a: {comments: [{at: x, txt: y}]}\n",
         "unknown field 'txt' in notes.claims.a.comments.0 (did you mean 'text'?)"),
    ],
)
def test_an_unknown_field_in_the_notes_names_the_nearest(tmp_path: Path, text: str,
                                                         message: str) -> None:
    path = tmp_path / "contested-notes.yaml"
    path.write_text(text)
    read_only = NotesStore(path).read_only
    assert read_only is not None
    assert f": {message} [" in read_only, read_only


def test_a_folder_that_does_not_exist_is_never_created(tmp_path: Path) -> None:
    folder = tmp_path / "nonexistent-dir"
    store = NotesStore(folder / "notes.yaml")
    with pytest.raises(NotesReadOnly) as refused:
        store.change("claim", "a", toggled_star)
    assert str(refused.value) == (f"cannot save notes in {folder} (the folder does not "
                                  "exist); choose another notes file (--notes PATH)")
    assert not folder.exists()


def test_contesteds_own_data_folder_is_created_for_the_bundled_timelines() -> None:
    from contested.support.dirs import data_dir, default_notes_path

    assert not data_dir().exists()  # a test's own (XDG_DATA_HOME)
    store = NotesStore(default_notes_path([]))
    store.change("claim", "a", toggled_star)
    assert NotesStore(data_dir() / "contested-notes.yaml").get("claim", "a").star


def test_every_change_the_explorer_makes(tmp_path: Path) -> None:
    store = store_in(tmp_path)
    target = ("contradiction", "zombie-vs-syrsky")
    store.change(*target, toggled_star)
    store.change(*target, with_tags("follow-up, #check  follow-up"))
    store.change(*target, with_comment("first", at="2025-03-12T10:04:00Z"))
    store.change(*target, with_comment("second", at="2025-03-12T10:05:00Z"))
    assert [store.change(*target, next_status).status for _ in range(3)] == [
        "explained", "resolved", "open"]
    store.change(*target, next_status)
    store.change(*target, with_preferred("syrsky-under-control", "withdrawals, not a rout"))
    again = NotesStore(store.path).get(*target)
    assert again.star
    assert again.tags == ("follow-up", "check")
    assert [c.text for c in again.comments] == ["first", "second"]
    assert again.status == "explained"
    assert (again.preferred, again.reason) == ("syrsky-under-control", "withdrawals, not a rout")
    assert again.marks() == "★ explained ✓syrsky-under-control #follow-up #check ✎2"
    store.change(*target, toggled_star)
    assert not NotesStore(store.path).get(*target).star
    # a note with nothing left in it is dropped from the file
    store.change("claim", "c", toggled_star)
    store.change("claim", "c", toggled_star)
    assert '"c"' not in store.path.read_text()


def test_views_are_saved_by_name(tmp_path: Path) -> None:
    store = store_in(tmp_path)
    store.save_view("ukrainian sources", View(filter="side:ukraine"))
    assert NotesStore(store.path).notes.views == {"ukrainian sources": View(filter="side:ukraine")}
    store.save_view("ukrainian sources", None)
    assert NotesStore(store.path).notes.views == {}


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(), max_size=3), st.text(), st.text())
@example(["\u2029"], "a\u2028b", "\u2028")  # YAML line breaks: once written raw, unreadable
def test_any_text_survives_the_file(tags: list[str], comment: str, reason: str) -> None:
    note = Note(star=True, tags=tuple(tags), comments=(Comment(at="2025-01-01T00:00:00Z",
                                                                text=comment),),
                preferred=reason, reason=reason)
    from contested.review.notes import Notes
    notes = Notes()
    notes.sections["claims"][reason or "x"] = note
    text = render_notes(notes)
    assert parse_notes(text.encode(), "n.yaml").sections["claims"] == {reason or "x": note}
    loaded = yaml.safe_load(text)  # and any YAML reader agrees
    assert loaded["notes"]["claims"][reason or "x"]["reason"] == reason


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_round_trips(tmp_path: Path, text: str) -> None:
    store = store_in(tmp_path)
    store.change("claim", "a", with_comment(text, at="2025-01-01T00:00:00Z"))
    store.change("claim", "a", with_tags(text))
    assert NotesStore(store.path).get("claim", "a").comments[0].text == text


def test_two_explorers_on_one_file_keep_each_others_notes(tmp_path: Path) -> None:
    first, second = store_in(tmp_path), store_in(tmp_path)
    first.change("claim", "from-first", toggled_star)
    second.change("claim", "from-second", toggled_star)  # read before the first saved
    first.change("event", "also-first", with_tags("x"))
    both = NotesStore(first.path)
    assert both.get("claim", "from-first").star
    assert both.get("claim", "from-second").star
    assert both.get("event", "also-first").tags == ("x",)


def test_two_processes_adding_notes_at_once_lose_none(tmp_path: Path) -> None:
    path = tmp_path / "contested-notes.yaml"
    script = textwrap.dedent(f"""
        import sys
        from pathlib import Path
        from contested.review.store import NotesStore
        from contested.review.notes import toggled_star
        store = NotesStore(Path({str(path)!r}))
        for n in range(40):
            store.change("claim", f"{{sys.argv[1]}}-{{n}}", toggled_star)
        """)
    workers = [subprocess.Popen([sys.executable, "-c", script, name]) for name in "ab"]
    assert [w.wait(timeout=60) for w in workers] == [0, 0]
    claims = NotesStore(path).notes.sections["claims"]
    assert set(claims) == {f"{name}-{n}" for name in "ab" for n in range(40)}


def test_orphaned_notes_are_listed_and_kept(tmp_path: Path) -> None:
    store = store_in(tmp_path)
    store.change("claim", "still-here", toggled_star)
    store.change("claim", "gone", with_tags("lost"))
    store.change("contradiction", "category~a~b", toggled_star)
    orphans = store.orphans(lambda kind, target: (kind, target) == ("claims", "still-here"))
    assert [(kind, target) for kind, target, _ in orphans] == [
        ("contradictions", "category~a~b"), ("claims", "gone")]
    store.change("claim", "still-here", toggled_star)
    assert NotesStore(store.path).get("claim", "gone").tags == ("lost",)  # never dropped


def test_a_save_killed_at_any_moment_leaves_the_old_file_or_the_new(tmp_path: Path) -> None:
    path = tmp_path / "contested-notes.yaml"
    store = NotesStore(path)
    for n in range(2000):  # a big file, so that a write takes a while
        store.notes.sections["claims"][f"seed-{n}"] = Note(tags=("x" * 40,))
    store.change("claim", "start", toggled_star)
    script = textwrap.dedent(f"""
        from pathlib import Path
        import sys
        from contested.review.store import NotesStore
        from contested.review.notes import toggled_star
        store = NotesStore(Path({str(path)!r}))
        store.change("claim", f"{{sys.argv[1]}}-first", toggled_star)
        print("saving", flush=True)
        n = 0
        while True:
            store.change("claim", f"{{sys.argv[1]}}-{{n}}", toggled_star)
            n += 1
        """)
    rng = random.Random(6)
    seen = 0
    for run in range(25):
        worker = subprocess.Popen([sys.executable, "-c", script, f"run{run}"],
                                  stdout=subprocess.PIPE)
        assert worker.stdout is not None
        worker.stdout.readline()  # saving now: killed at a random moment of it
        time.sleep(rng.random() * 0.2)
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait()
        worker.stdout.close()
        notes = parse_notes(path.read_bytes(), str(path))  # never damaged
        claims = notes.sections["claims"]
        assert len(claims) >= seen  # never fewer notes than before: old file or new
        assert all(f"seed-{n}" in claims for n in range(0, 2000, 97))
        seen = len(claims)
    assert seen > 2001 + 25
    NotesStore(path).change("claim", "after", toggled_star)  # no lock left behind


def test_ten_thousand_notes_save_and_read_back(tmp_path: Path) -> None:
    store = store_in(tmp_path)
    for n in range(10_000):
        store.notes.sections["claims"][f"claim-{n}"] = Note(star=True)
    store.change("claim", "one-more", toggled_star)  # writes every line once
    assert len(NotesStore(store.path).notes.sections["claims"]) == 10_001


def test_a_lock_held_by_another_process_is_waited_for_then_said(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another explorer saving holds the lock: the change waits for it, and if it is not
    let go in time, nothing is written and the message says why."""
    import contested.review.store as store_module

    path = tmp_path / "contested-notes.yaml"
    store = NotesStore(path)
    store.change("claim", "a", toggled_star)
    before = path.read_bytes()
    holder = subprocess.Popen(
        [sys.executable, "-c", "import filelock, sys, time\n"
         f"lock = filelock.FileLock({str(store.lock_path)!r}); lock.acquire()\n"
         "print('held', flush=True); time.sleep(60)"],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline() == "held\n"
        monkeypatch.setattr(store_module, "LOCK_WAIT", 0.3)
        with pytest.raises(NotesReadOnly, match="held by another process"):
            store.change("claim", "b", toggled_star)
        assert path.read_bytes() == before
    finally:
        holder.kill()
        holder.wait()
    store.change("claim", "b", toggled_star)  # let go: the change goes through
    assert set(NotesStore(path).notes.sections["claims"]) == {"a", "b"}


def test_a_lock_file_that_is_a_fifo_is_refused_not_waited_on(tmp_path: Path) -> None:
    path = tmp_path / "contested-notes.yaml"
    store = NotesStore(path)
    os.mkfifo(store.lock_path)
    with pytest.raises(NotesReadOnly, match="not a regular file"):
        store.change("claim", "a", toggled_star)
    assert not path.exists()
