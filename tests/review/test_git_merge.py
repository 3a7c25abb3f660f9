"""The notes file under git: two analysts on two branches, merged by git itself (line by
line, and with `contested merge-notes` as the merge driver the README sets up)."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from contested.review.notes import Note, next_status, with_comment, with_tags
from contested.review.store import NotesStore
from tests.helpers import TIMELINES

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

NOTES = "contested-notes.yaml"
GITATTRIBUTES = "contested-notes.yaml merge=contested\n"
DRIVER = "contested merge-notes %O %A %B"


def git(repo: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(repo.parent),
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org",
           # the driver as the README sets it up: `contested` found on PATH
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    return subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True,
                          check=check, timeout=60)


def repository(tmp_path: Path, *, driver: bool) -> tuple[Path, NotesStore]:
    """A repository whose first commit holds a notes file of ten notes."""
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    if driver:
        (repo / ".gitattributes").write_text(GITATTRIBUTES)
        git(repo, "config", "merge.contested.driver", DRIVER)
    store = NotesStore(repo / NOTES, analyst="Cy")
    for n in range(10):
        store.change("contradiction", f"pair-{n}", with_tags(f"t{n}"))
        store.change("contradiction", f"pair-{n}", with_comment(f"first look {n}",
                                                                 "2025-03-01T00:00:00Z"))
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "base")
    return repo, store


def on_branch(repo: Path, branch: str, analyst: str,
              *edits: tuple[str, Callable[[Note], Note]]) -> None:
    """A branch from main where `analyst` makes `edits` (id, edit) through the store
    (which records who made each, and appends it to the analyst's own history file)."""
    git(repo, "checkout", "-q", "-b", branch, "main")
    store = NotesStore(repo / NOTES, analyst=analyst)
    for target, edit in edits:
        store.change("contradiction", target, edit)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", f"{analyst}'s review")


def merged_notes(repo: Path) -> NotesStore:
    store = NotesStore(repo / NOTES)
    assert store.read_only is None, store.read_only
    return store


def test_edits_to_different_notes_merge_line_by_line_without_the_driver(
        tmp_path: Path) -> None:
    repo, _ = repository(tmp_path, driver=False)
    # Neighbours in the file (pair-3, pair-4), a note far off, and a new note in between.
    on_branch(repo, "ana", "Ana", ("pair-3", next_status),
              ("pair-3", with_comment("Ana's", "2025-03-12T10:00:00Z")),
              ("pair-8", with_tags("t8 checked")))
    on_branch(repo, "bo", "Bo", ("pair-4", with_comment("Bo's", "2025-03-12T11:00:00Z")),
              ("pair-4", next_status), ("pair-1", with_tags("")),
              ("pair-35", with_comment("new", "2025-03-12T11:00:00Z")))
    git(repo, "checkout", "-q", "main")
    git(repo, "merge", "-q", "--no-edit", "ana")
    done = git(repo, "merge", "--no-edit", "bo", check=False)
    assert done.returncode == 0, done.stdout + done.stderr  # no conflict: line by line
    store = merged_notes(repo)
    assert store.get("contradiction", "pair-3").status == "explained"
    assert [c.text for c in store.get("contradiction", "pair-3").comments] == [
        "first look 3", "Ana's"]
    assert store.get("contradiction", "pair-8").tags == ("t8", "checked")
    assert store.get("contradiction", "pair-4").status == "explained"
    assert store.get("contradiction", "pair-4").comments[-1].text == "Bo's"
    assert store.get("contradiction", "pair-1").tags == ()
    assert store.get("contradiction", "pair-35").comments[0].text == "new"


def test_the_driver_merges_edits_to_the_same_notes_and_keeps_conflicts_visible(
        tmp_path: Path) -> None:
    repo, _ = repository(tmp_path, driver=True)
    on_branch(repo, "ana", "Ana",
              ("pair-2", with_comment("Ana on 2", "2025-03-12T10:00:00Z")),
              ("pair-2", with_tags("t2 ana")), ("pair-5", next_status))
    on_branch(repo, "bo", "Bo",
              ("pair-2", with_comment("Bo on 2", "2025-03-12T11:00:00Z")),
              ("pair-2", with_tags("t2 bo")), ("pair-5", next_status),
              ("pair-5", next_status))
    git(repo, "checkout", "-q", "main")
    git(repo, "merge", "-q", "--no-edit", "ana")
    done = git(repo, "merge", "--no-edit", "bo", check=False)
    assert done.returncode != 0  # the status conflict is left for the analysts...
    assert "kept 1 conflict" in done.stderr
    assert "contradictions pair-5: status" in done.stderr
    text = (repo / NOTES).read_text()
    assert "<<<<<<<" not in text  # ... as a field of the note, never as git's markers
    store = merged_notes(repo)
    two = store.get("contradiction", "pair-2")
    assert [c.text for c in two.comments] == ["first look 2", "Ana on 2", "Bo on 2"]
    assert two.tags == ("t2", "ana", "bo")
    five = store.get("contradiction", "pair-5")
    assert five.status == "explained"
    assert [(s.value, s.by) for s in five.conflict["status"]] == [
        ("explained", "Ana"), ("resolved", "Bo")]
    # An analyst settles it by setting the status again; then git takes the file.
    store.change("contradiction", "pair-5", next_status)
    assert NotesStore(repo / NOTES).get("contradiction", "pair-5").conflict == {}
    git(repo, "add", NOTES)
    git(repo, "commit", "-q", "--no-edit")


def test_the_driver_merges_without_conflict_when_no_field_was_set_apart(
        tmp_path: Path) -> None:
    repo, _ = repository(tmp_path, driver=True)
    on_branch(repo, "ana", "Ana", ("pair-0", with_comment("Ana", "2025-03-12T10:00:00Z")))
    on_branch(repo, "bo", "Bo", ("pair-0", with_comment("Bo", "2025-03-12T11:00:00Z")))
    git(repo, "checkout", "-q", "main")
    git(repo, "merge", "-q", "--no-edit", "ana")
    done = git(repo, "merge", "--no-edit", "bo", check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert [c.text for c in merged_notes(repo).get("contradiction", "pair-0").comments] == [
        "first look 0", "Ana", "Bo"]


# --- pre-commit -----------------------------------------------------------------------------

HOOKS = Path(__file__).resolve().parents[2] / ".pre-commit-hooks.yaml"


def test_the_pre_commit_hook_validates_the_catalog_as_a_whole(tmp_path: Path) -> None:
    """The hook as pre-commit runs it: its entry and args, from the repository's root,
    without the file names, once a YAML file is among those committed."""
    hooks = yaml.safe_load(HOOKS.read_text())
    assert [h["id"] for h in hooks] == ["contested-validate"]
    hook = hooks[0]
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is False
    files = re.compile(hook["files"])
    assert files.search("timelines/kursk.yaml")
    assert files.search("a.yml")
    assert not files.search("notes.json")
    repo = tmp_path / "repo"
    shutil.copytree(TIMELINES, repo / "timelines")
    (repo / ".pre-commit-config.yaml").write_text("repos: []\n")  # hidden: not a timeline
    (repo / "contested-notes.yaml").write_text("contested-notes: 1\nnotes: {}\n")
    command = [*shlex.split(hook["entry"]), *hook.get("args", [])]
    command[0] = str(Path(sys.executable).parent / command[0])  # installed by pre-commit
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}

    def run() -> subprocess.CompletedProcess[str]:
        return subprocess.run(command, cwd=repo, env=env, capture_output=True, text=True,
                              timeout=120, check=False)

    done = run()
    assert done.returncode == 0, done.stdout + done.stderr
    assert "valid: 4 files" in done.stdout
    assert "\ntimelines/kursk-2024-08-offensive.yaml:" in f"\n{done.stdout}"  # not the bundled
    broken = repo / "timelines" / "kursk-2025-02-figures.yaml"
    broken.write_text(broken.read_text().replace("source: ", "sorce: ", 1))
    done = run()
    assert done.returncode == 1
    assert "kursk-2025-02-figures.yaml:" in done.stdout
