"""Who changed what: attribution in the notes, the per-analyst history beside them,
undo, and that the history survives a process killed at any moment."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from contested.review.history import (
    NothingToUndo,
    UndoRefused,
    history_folder,
    read_entries,
)
from contested.review.notes import (
    Note,
    next_status,
    parse_notes,
    toggled_star,
    with_comment,
    with_preferred,
    with_rating,
    with_tags,
)
from contested.review.store import NotesStore
from tests.helpers import Cli

PAIR = ("contradiction", "category~syrsky-under-control~zombie-rout")
HOSTILE_NAMES = ["[@click=app.quit]x[/]", "../../x", "\x1b[2J\x07", "\u202eevil", "..",
                 "/abs/path", "line\nbreak"]


def store_of(path: Path, analyst: str) -> NotesStore:
    return NotesStore(path, analyst=analyst)


def lines_of(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_attribution_is_written_and_read_back(tmp_path: Path) -> None:
    path = tmp_path / "contested-notes.yaml"
    ana, bo = store_of(path, "Ana"), store_of(path, "Bo")
    ana.change(*PAIR, next_status)
    ana.change(*PAIR, with_comment("first"))
    bo.change(*PAIR, with_comment("second"))
    bo.change(*PAIR, with_preferred("syrsky-under-control", "withdrawals"))
    bo.change(*PAIR, toggled_star)
    ana.change(*PAIR, with_tags("follow-up"))
    note = NotesStore(path).get(*PAIR)
    assert [(c.text, c.by) for c in note.comments] == [("first", "Ana"), ("second", "Bo")]
    assert {field: mark.by for field, mark in note.changed.items()} == {
        "status": "Ana", "preferred": "Bo", "star": "Bo", "tags": "Ana"}
    assert note.changed["status"].at.endswith("Z")
    # a field set back to its default keeps no setter: nothing left, the note goes
    bo.change("claim", "c", toggled_star)
    bo.change("claim", "c", toggled_star)
    assert "claims: {}" in path.read_text() or '"c"' not in path.read_text()


def test_an_old_notes_file_reads_as_before(tmp_path: Path) -> None:
    old = textwrap.dedent("""\
        contested-notes: 1
        notes:
          contradictions:
            "a~b~c": {star: true, comments: [{at: "2025-03-12T10:04:00Z", text: "hi"}], \
status: explained}
          claims: {}
          events: {}
          sources: {}
        """)
    notes = parse_notes(old.encode(), "old.yaml")
    note = notes.get("contradiction", "a~b~c")
    assert note == Note(star=True, status="explained", comments=note.comments)
    assert note.comments[0].by is None
    assert note.changed == {}


def test_every_kind_of_change_is_a_history_line(tmp_path: Path) -> None:
    store = store_of(tmp_path / "contested-notes.yaml", "Ana")
    store.change(*PAIR, toggled_star)
    store.change(*PAIR, with_tags("follow-up, check"))
    store.change(*PAIR, with_comment("Syrsky spoke on Monday", at="2025-03-12T10:04:00Z"))
    store.change(*PAIR, next_status)
    store.change(*PAIR, with_preferred("syrsky-under-control", "withdrawals"))
    store.change("claim", "deepstate-third-lost", with_rating("1000", "CC"))
    store.change(*PAIR, with_tags("follow-up, check"))  # no change: no line
    own = store.history.own_file
    assert own.parent == tmp_path / "contested-notes.yaml-history"
    assert own.name.startswith("ana-")
    assert own.suffix == ".jsonl"
    lines = lines_of(own)
    assert [(line["field"], line["before"], line["after"]) for line in lines] == [
        ("star", False, True),
        ("tags", [], ["follow-up", "check"]),
        ("comment", None, {"at": "2025-03-12T10:04:00Z", "by": "Ana",
                           "text": "Syrsky spoke on Monday"}),
        ("status", "open", "explained"),
        ("preferred", None, "syrsky-under-control"),
        ("reason", None, "withdrawals"),
        ("ratings", {}, {"1000": "CC"}),
    ]
    assert {line["by"] for line in lines} == {"Ana"}
    assert [line["kind"] for line in lines] == ["contradiction"] * 6 + ["claim"]
    assert lines[4]["change"] == lines[5]["change"] != lines[3]["change"]  # one change
    assert all(str(line["at"]).endswith("Z") and "T" in str(line["at"]) for line in lines)


def test_two_analysts_write_two_files_and_read_one_history(tmp_path: Path) -> None:
    path = tmp_path / "contested-notes.yaml"
    ana, bo = store_of(path, "ana"), store_of(path, "Bo Li")
    ana.change(*PAIR, toggled_star)
    bo.change(*PAIR, next_status)
    ana.change("claim", "x", with_tags("a"))
    folder = history_folder(path)
    files = sorted(p.name for p in folder.iterdir())
    assert files[0] == "ana.jsonl"
    assert files[1].startswith("bo-li-")
    assert len(files) == 2
    newest_first = NotesStore(path).history.entries()
    assert [(e.by, e.field) for e in newest_first] == [
        ("ana", "tags"), ("Bo Li", "status"), ("ana", "star")]
    assert [e.field for e in ana.history.entries(*PAIR)] == ["status", "star"]


def test_a_torn_last_line_is_skipped(tmp_path: Path) -> None:
    store = store_of(tmp_path / "contested-notes.yaml", "Ana")
    store.change(*PAIR, toggled_star)
    store.change(*PAIR, next_status)
    own = store.history.own_file
    whole = own.read_bytes()
    own.write_bytes(whole + whole.splitlines(keepends=True)[0][:37])  # killed mid-write
    assert [e.field for e in read_entries(own)] == ["star", "status"]
    assert [e.field for e in store.history.entries()] == ["status", "star"]
    own.write_bytes(whole + b"\xff\xfe{not json\n[1, 2]\n" + whole[:20])
    assert len(read_entries(own)) == 2
    store.change(*PAIR, with_tags("after"))  # appending goes on after a torn line
    assert [e.field for e in read_entries(own)] == ["star", "status", "tags"]


def test_undo_reverts_ones_own_last_change_and_is_recorded(tmp_path: Path) -> None:
    path = tmp_path / "contested-notes.yaml"
    store = store_of(path, "Ana")
    store.change(*PAIR, next_status)
    store.change(*PAIR, with_comment("a slip"))
    store.change(*PAIR, with_preferred("syrsky-under-control", "withdrawals"))
    entries, note = store.history.undo(store.change)
    assert [e.field for e in entries] == ["preferred", "reason"]
    assert (note.preferred, note.reason) == (None, None)
    _, note = store.history.undo(store.change)  # again: the change before
    assert note.comments == ()
    again = NotesStore(path).get(*PAIR)
    assert again.status == "explained"
    assert again.comments == ()
    assert again.preferred is None
    undos = [e for e in read_entries(store.history.own_file) if e.undo is not None]
    assert [(e.field, e.after) for e in undos] == [
        ("preferred", None), ("reason", None), ("comment", None)]
    _, note = store.history.undo(store.change)
    assert note.status == "open"
    assert "status" not in note.changed
    with pytest.raises(NothingToUndo):
        store.history.undo(store.change)


def test_undo_is_refused_when_someone_changed_the_item_since(tmp_path: Path) -> None:
    path = tmp_path / "contested-notes.yaml"
    ana, bo = store_of(path, "Ana"), store_of(path, "Bo")
    ana.change(*PAIR, next_status)
    bo.change(*PAIR, next_status)  # Bo moves it on, in another explorer
    with pytest.raises(UndoRefused, match=r"status of contradiction .* changed since by Bo"):
        ana.history.undo(ana.change)
    assert NotesStore(path).get(*PAIR).status == "resolved"  # Bo's change stands
    assert not any(e.undo for e in ana.history.entries())  # nothing recorded
    _, note = bo.history.undo(bo.change)  # Bo's own is Bo's to undo
    assert note.status == "explained"


def test_a_change_that_never_landed_is_not_undone(tmp_path: Path) -> None:
    """A kill between the history line and the notes file: undo compares, then refuses."""
    path = tmp_path / "contested-notes.yaml"
    store = store_of(path, "Ana")
    store.change(*PAIR, toggled_star)
    saved = path.read_bytes()
    store.change(*PAIR, next_status)
    path.write_bytes(saved)  # as if killed after the line, before the rename
    with pytest.raises(UndoRefused):
        store_of(path, "Ana").history.undo(store.change)
    assert NotesStore(path).get(*PAIR).star


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_a_hostile_name_stays_inside_the_history_folder(tmp_path: Path, name: str) -> None:
    path = tmp_path / "notes" / "contested-notes.yaml"
    path.parent.mkdir()
    store = store_of(path, name)
    store.change(*PAIR, toggled_star)
    store.change(*PAIR, with_comment("hi"))
    everything = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    history = [p for p in everything if p.suffix == ".jsonl"]
    assert len(history) == 1
    assert history[0].parent == Path("notes/contested-notes.yaml-history")
    assert all(str(p).startswith("notes") for p in everything)
    entries = store.history.entries()
    assert {e.by for e in entries} == {name.strip()}  # kept whole inside
    assert NotesStore(path).get(*PAIR).comments[0].by == name.strip()
    _, note = store.history.undo(store.change)  # its own file is found again
    assert note.comments == ()


def test_the_history_is_never_rewritten(tmp_path: Path) -> None:
    store = store_of(tmp_path / "contested-notes.yaml", "Ana")
    store.change(*PAIR, toggled_star)
    own = store.history.own_file
    first, inode = own.read_bytes(), own.stat().st_ino
    store.change(*PAIR, next_status)
    store.history.undo(store.change)
    assert own.read_bytes().startswith(first)
    assert own.stat().st_ino == inode  # appended in place, never replaced


def test_a_history_that_cannot_be_written_refuses_the_change(tmp_path: Path) -> None:
    from contested.review.store import NotesReadOnly

    path = tmp_path / "contested-notes.yaml"
    history_folder(path).write_text("a file where the folder goes")
    store = store_of(path, "Ana")
    with pytest.raises(NotesReadOnly, match="history"):
        store.change(*PAIR, toggled_star)
    assert not path.exists()  # the notes were not changed without their history


def test_history_survives_kill_9_mid_save(tmp_path: Path) -> None:
    """A process saving in a loop, killed at random moments: the notes file is whole,
    and every history line is well-formed except at most a torn last one, skipped."""
    path = tmp_path / "contested-notes.yaml"
    store = NotesStore(path, analyst="seed")
    for n in range(2000):  # a big file, so that a save takes a while
        store.notes.sections["claims"][f"seed-{n}"] = Note(tags=("x" * 40,))
    store.change("claim", "start", toggled_star)
    script = textwrap.dedent(f"""
        from pathlib import Path
        import sys
        from contested.review.store import NotesStore
        from contested.review.notes import toggled_star, with_comment
        store = NotesStore(Path({str(path)!r}), analyst="Killed " + sys.argv[2])
        store.change("claim", f"{{sys.argv[1]}}-first", toggled_star)
        print("saving", flush=True)
        n = 0
        while True:
            store.change("claim", f"{{sys.argv[1]}}-{{n}}", toggled_star)
            store.change("claim", f"{{sys.argv[1]}}-{{n}}", with_comment("x" * 2000))
            n += 1
        """)
    rng = random.Random(24)
    runs = 12
    for run in range(runs):  # two analysts, each killed six times in turn
        worker = subprocess.Popen([sys.executable, "-c", script, f"run{run}", str(run % 2)],
                                  stdout=subprocess.PIPE)
        assert worker.stdout is not None
        worker.stdout.readline()
        time.sleep(rng.random() * 0.2)
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait()
        worker.stdout.close()
        claims = parse_notes(path.read_bytes(), str(path)).sections["claims"]  # whole
        assert all(f"seed-{n}" in claims for n in range(0, 2000, 97))
    files = sorted(history_folder(path).glob("*.jsonl"))
    assert len(files) == 3  # the seed's, and one per analyst
    recorded = 0
    for file in files:
        torn = 0
        lines = file.read_bytes().split(b"\n")
        for line in filter(None, lines):
            try:
                record = json.loads(line)
            except ValueError:
                torn += 1  # killed mid-write: at most one per kill, on a line of its own
                continue
            assert set(record) >= {"at", "by", "kind", "id", "field", "before", "after"}
        assert torn <= runs // 2
        assert len(read_entries(file)) == len(list(filter(None, lines))) - torn
        recorded += len(read_entries(file))
    assert recorded > runs
    # every change that reached the notes file has its history line (written first)
    noted = {e.id for e in NotesStore(path).history.entries() if e.field == "star"}
    claims = NotesStore(path).notes.sections["claims"]
    assert {c for c in claims if c.startswith("run")} <= noted
    NotesStore(path, analyst="after").change("claim", "after", toggled_star)


def test_export_includes_the_history_when_asked(tmp_path: Path, cli: Cli) -> None:
    path = tmp_path / "notes.yaml"
    ana, bo = store_of(path, "Ana"), store_of(path, "[@click=app.quit]Bo[/]")
    ana.change(*PAIR, next_status)
    ana.change(*PAIR, with_comment("Syrsky spoke on Monday", at="2025-03-12T10:04:00Z"))
    bo.change(*PAIR, with_preferred("syrsky-under-control", "withdrawals, not a rout"))
    plain = cli("export", "--notes", str(path))
    assert plain.returncode == 0, plain.stderr
    report = plain.stdout
    assert "History of the notes" not in report  # only when asked
    day = ana.get(*PAIR).changed["status"].at[:10]
    assert f"status: explained — Ana, {day}" in report
    assert "- 2025-03-12T10:04:00Z: Syrsky spoke on Monday — Ana" in report
    assert "Preferred: `syrsky-under-control`, because withdrawals, not a rout — " in report
    assert "[@click" not in report.replace("\\[@click", "")  # escaped as text
    done = cli("export", "--notes", str(path), "--history")
    assert done.returncode == 0, done.stderr
    section = done.stdout[done.stdout.index("## History of the notes"):]
    assert section.index("preferred") < section.index("comment") < section.index("status")
    assert "· Ana · contradiction" in section
    assert "open → explained" in section
    exported = json.loads(cli("export", "--format", "json", "--notes", str(path),
                              "--history").stdout)
    assert [h["field"] for h in exported["history"]] == [
        "reason", "preferred", "comment", "status"]
    note = exported["notes"]["contradictions"][PAIR[1]]
    assert note["changed"]["status"]["by"] == "Ana"
    assert note["comments"][0]["by"] == "Ana"
    only = json.loads(cli("export", "--format", "json", "--notes", str(path), "--history",
                          "--analyst", "Ana").stdout)
    assert {h["by"] for h in only["history"]} == {"Ana"}
    assert cli("export", "--history").returncode == 2
    assert cli("export", "--notes", str(path), "--analyst", "Ana").returncode == 2
    assert cli("export", "--notes", str(path), "--history", "--format", "csv").returncode == 2
