"""`contested diff OLD NEW [PATH…]`: what changed between two versions of a catalog, as
folders and as two commits of a real git repository, with hand-checked expectations.

From OLD to NEW (written out below):
- claims added: `ru-area-mar` (700 km2 in March), `ru-town-apr` (April, no rival);
- removed: `isw-town`; changed: `ua-area-mar` (value 300 → 600), `ua-town` (as_of
  2025-03 → 2025-03-10);
- figures revised: `ua-area-mar` up by 300;
- contradictions opened: `quantity~ru-area-mar~ua-area-mar` (600 vs 700 in March);
  closed: `category~isw-town~ru-town` (its claim is gone); `category~ru-town~ua-town`
  stays (March 10 is in March);
- series: `area` falling (500, 300) → rising (500, then the median of 600 and 700);
  `town` had one step (no series) and now has two (`changing`);
- events: `april` added.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest

from contested.catalog.loading import load_catalog
from contested.catalog.revisions import RevisionError, read_revision
from contested.engine.analysis import Analysis, analyse
from contested.engine.changes import compare
from tests.helpers import Cli

HEAD = """\
contested: 1
sources:
  - {id: ua-gov, name: Ukrainian government, kind: government, side: ukraine}
  - {id: ru-mod, name: Russian defence ministry, kind: military, side: russia}
  - {id: isw, name: ISW, kind: analyst}
questions:
  - {id: area, text: Area held, kind: quantity, unit: km2}
  - {id: town, text: Who holds the town?, kind: category, values: [ukraine, russia]}
"""

OLD = HEAD + """\
events:
  - {id: february, date: 2025-02, title: February figures}
  - {id: march, date: 2025-03, title: March fighting}
claims:
  - {id: ua-area-feb, source: ua-gov, event: february, text: 500 km2, about: area,
     value: 500, as_of: 2025-02}
  - {id: ua-area-mar, source: ua-gov, event: march, text: 300 km2, about: area,
     value: 300, as_of: 2025-03}
  - {id: ru-town, source: ru-mod, event: march, text: Russian, about: town,
     value: russia, as_of: 2025-03}
  - {id: ua-town, source: ua-gov, event: march, text: Ukrainian, about: town,
     value: ukraine, as_of: 2025-03}
  - {id: isw-town, source: isw, event: march, text: Ukrainian, about: town,
     value: ukraine, as_of: 2025-03}
"""

NEW = HEAD + """\
events:
  - {id: february, date: 2025-02, title: February figures}
  - {id: march, date: 2025-03, title: March fighting}
  - {id: april, date: 2025-04, title: April}
claims:
  - {id: ua-area-feb, source: ua-gov, event: february, text: 500 km2, about: area,
     value: 500, as_of: 2025-02}
  - {id: ua-area-mar, source: ua-gov, event: march, text: 300 km2, about: area,
     value: 600, as_of: 2025-03}
  - {id: ru-area-mar, source: ru-mod, event: march, text: 700 km2, about: area,
     value: 700, as_of: 2025-03}
  - {id: ru-town, source: ru-mod, event: march, text: Russian, about: town,
     value: russia, as_of: 2025-03}
  - {id: ua-town, source: ua-gov, event: march, text: Ukrainian, about: town,
     value: ukraine, as_of: 2025-03-10}
  - {id: ru-town-apr, source: ru-mod, event: april, text: Russian, about: town,
     value: russia, as_of: 2025-04}
"""

EXPECTED_CLAIMS = {
    "added": ["ru-area-mar", "ru-town-apr"],
    "removed": ["isw-town"],
    "changed": {"ua-area-mar": ["value"], "ua-town": ["dates"]},
}
OPENED = ["quantity~ru-area-mar~ua-area-mar"]
CLOSED = ["category~isw-town~ru-town"]
TRENDS = [{"question": "area", "old": "falling", "new": "rising"},
          {"question": "town", "old": None, "new": "changing"}]

GIT = shutil.which("git")


def written(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "catalog.yaml").write_text(text, encoding="utf-8")
    return folder


def git(folder: Path, *args: str) -> None:
    subprocess.run([GIT or "git", "-c", "user.name=Test", "-c", "user.email=test@example.org",
                    "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main", *args],
                   cwd=folder, check=True, capture_output=True, timeout=60)


@pytest.fixture
def repository(tmp_path: Path) -> Path:
    """A git repository whose `timelines/` is OLD at HEAD~1 and NEW at HEAD (the working
    tree as at HEAD)."""
    if GIT is None:
        pytest.skip("git is not installed")
    repo = tmp_path / "repo"
    written(repo / "timelines", OLD)
    (repo / "README").write_text("not a timeline\n", encoding="utf-8")
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "old")
    written(repo / "timelines", NEW)
    git(repo, "commit", "-q", "-a", "-m", "new")
    return repo


def analysed(folder: Path) -> Analysis:
    result = load_catalog([folder])
    assert result.ok, result.diagnostics
    return analyse(result.catalog)


def test_two_folders_give_exactly_the_known_changes(tmp_path: Path) -> None:
    changes = compare(analysed(written(tmp_path / "old", OLD)),
                      analysed(written(tmp_path / "new", NEW)))
    assert changes.added == EXPECTED_CLAIMS["added"]
    assert changes.removed == EXPECTED_CLAIMS["removed"]
    assert {c.claim: list(c.fields) for c in changes.changed} == EXPECTED_CLAIMS["changed"]
    [revised] = changes.revised
    assert (revised.claim, revised.old, revised.new, revised.change, revised.direction) == (
        "ua-area-mar", 300, 600, 300, "up")
    assert changes.opened == OPENED
    assert changes.closed == CLOSED
    assert [{"question": t.question, "old": t.old, "new": t.new}
            for t in changes.trends] == TRENDS
    assert (changes.events_added, changes.events_changed, changes.events_removed) == (
        ["april"], [], [])
    marks = changes.marks()
    assert marks.marks["claim"] == {"ru-area-mar": "+", "ru-town-apr": "+",
                                    "ua-area-mar": "~", "ua-town": "~"}
    assert marks.marks["event"] == {"april": "+", "march": "~"}  # february: untouched
    assert marks.marks["contradiction"] == {OPENED[0]: "+", "category~ru-town~ua-town": "~"}


def test_nothing_changed_between_a_catalog_and_itself(tmp_path: Path, cli: Cli) -> None:
    folder = written(tmp_path / "old", OLD)
    ran = cli("diff", str(folder), str(folder))
    assert ran.returncode == 0
    assert ran.stdout.splitlines()[-1] == "nothing changed"


def test_the_report_lists_each_change_under_its_heading(tmp_path: Path, cli: Cli) -> None:
    ran = cli("diff", str(written(tmp_path / "old", OLD)), str(written(tmp_path / "new", NEW)))
    assert ran.returncode == 0, ran.stderr
    lines = ran.stdout.splitlines()
    expected = [
        "claims: 2 added, 2 changed, 1 removed",
        "  + ru-area-mar  Russian defence ministry: 700 km2 (2025-03)",
        "  + ru-town-apr  Russian defence ministry: russia (2025-04)",
        "  ~ ua-area-mar  value: 300 km2 → 600 km2",
        "  ~ ua-town  dates: 2025-03 → 2025-03-10",
        "  - isw-town  ISW: ukraine (2025-03)",
        "figures revised: 1 up, 0 down",
        "  ↑ ua-area-mar: 300 → 600 km2 (+300)",
        "contradictions: 1 opened, 1 closed",
        "series: 2 trends changed",
        "  ~ area: falling → rising",
        "  ~ town: no series → changing",
        "events: 1 added, 0 changed, 0 removed",
        "  + april  2025-04: April",
    ]
    for line in expected:
        assert line in lines, (line, ran.stdout)
    assert any(line.startswith(f"  + {OPENED[0]}  ") for line in lines)
    assert any(line.startswith(f"  - {CLOSED[0]}  ") for line in lines)


def test_two_commits_of_a_git_repository(repository: Path, cli: Cli) -> None:
    ran = cli("diff", "HEAD~1", "HEAD", str(repository / "timelines"), "--json")
    assert ran.returncode == 0, ran.stderr
    found = json.loads(ran.stdout)
    assert found["old"].startswith("HEAD~1 (")
    assert found["new"].startswith("HEAD (")
    claims = found["claims"]
    assert [c["id"] for c in claims["added"]] == EXPECTED_CLAIMS["added"]
    assert [c["id"] for c in claims["removed"]] == EXPECTED_CLAIMS["removed"]
    assert {c["id"]: list(c["fields"]) for c in claims["changed"]} == \
        EXPECTED_CLAIMS["changed"]
    assert claims["changed"][0]["fields"]["value"] == {"old": "300 km2", "new": "600 km2"}
    assert found["figures"] == [{"claim": "ua-area-mar", "question": "area", "old": 300.0,
                                 "new": 600.0, "change": 300.0, "direction": "up"}]
    assert found["contradictions"] == {"opened": OPENED, "closed": CLOSED, "grouped": []}
    assert found["series"] == TRENDS
    assert found["events"] == {"added": ["april"], "changed": [], "removed": []}


def test_a_revision_against_the_working_tree_and_from_inside_the_repository(
        repository: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """A side that is an existing folder is that folder; PATH defaults to the current
    folder."""
    (repository / "timelines" / "catalog.yaml").write_text(OLD, encoding="utf-8")
    ran = cli("diff", "HEAD", str(repository / "timelines"), str(repository / "timelines"),
              "--json")
    assert ran.returncode == 0, ran.stderr
    assert json.loads(ran.stdout)["claims"]["removed"][0]["id"] == "ru-area-mar"  # undone
    monkeypatch.chdir(repository / "timelines")
    ran = cli("diff", "HEAD~1", "HEAD", "--json")
    assert ran.returncode == 0, ran.stderr
    assert json.loads(ran.stdout)["contradictions"]["opened"] == OPENED


@pytest.mark.parametrize(("revision", "said"), [
    ("no-such-branch", "'no-such-branch' is neither a file or folder nor a revision"),
    ("--output=/tmp/x", "cannot start with '-'"),
    ("HEAD~5", "neither a file or folder nor a revision"),
])
def test_a_bad_revision_is_a_clear_usage_error(repository: Path, cli: Cli, revision: str,
                                                said: str) -> None:
    ran = cli("diff", "--", revision, "HEAD", str(repository / "timelines"))
    assert ran.returncode == 2
    assert said in ran.stderr
    assert "Traceback" not in ran.stderr
    assert not ran.stdout


def test_a_revision_outside_a_repository_says_so(tmp_path: Path, cli: Cli) -> None:
    ran = cli("diff", "HEAD~1", "HEAD", str(written(tmp_path / "plain", OLD)))
    assert ran.returncode == 2
    assert "is not in a git repository" in ran.stderr


def test_a_side_that_does_not_load_gives_its_errors_at_rev_path(repository: Path,
                                                                  cli: Cli) -> None:
    broken = NEW.replace("source: ru-mod, event: april", "source: ru-mdo, event: april")
    (repository / "timelines" / "catalog.yaml").write_text(broken, encoding="utf-8")
    git(repository, "commit", "-q", "-a", "-m", "broken")
    ran = cli("diff", "HEAD~1", "HEAD", str(repository / "timelines"))
    assert ran.returncode == 1
    assert "HEAD:" in ran.stderr
    assert "catalog.yaml:" in ran.stderr
    assert "unknown source 'ru-mdo'" in ran.stderr
    assert "contested-revision-" not in ran.stderr  # the private copy is not named
    assert not ran.stdout


def test_the_files_read_at_a_revision_are_the_loaders_and_go_away(repository: Path) -> None:
    """Only timeline files are read (not the README, not the notes, not hidden ones),
    and the private copy is removed when done."""
    (repository / "timelines" / "contested-notes.yaml").write_text("x: [", encoding="utf-8")
    (repository / "timelines" / ".hidden").mkdir()
    (repository / "timelines" / ".hidden" / "x.yaml").write_text("x: [", encoding="utf-8")
    git(repository, "add", ".")
    git(repository, "commit", "-q", "-m", "more")
    with read_revision("HEAD", [repository]) as revision:
        assert revision.files == 1
        [copy] = revision.paths
        assert [p.name for p in Path(copy).rglob("*.yaml")] == ["catalog.yaml"]
        assert revision.shown(f"{copy}/timelines/catalog.yaml:3:4") == \
            f"HEAD:{repository}/timelines/catalog.yaml:3:4"
    assert not Path(copy).exists()
    with pytest.raises(RevisionError, match="no timeline files"):
        read_revision("HEAD", [repository / "nowhere"])


def test_a_hostile_repository_configuration_runs_nothing(repository: Path,
                                                         tmp_path: Path) -> None:
    """A repository's own config may name programs for git to run; reading a revision
    runs none of them."""
    ran = tmp_path / "ran"
    script = tmp_path / "hook.sh"
    script.write_text(f"#!/bin/sh\ntouch {ran}\n", encoding="utf-8")
    script.chmod(0o755)
    config = repository / ".git" / "config"
    config.write_text(config.read_text() + textwrap.dedent(f"""\
        [core]
        \tfsmonitor = {script}
        \tpager = {script}
        [alias]
        \tls-tree = !{script}
        """), encoding="utf-8")
    with read_revision("HEAD~1", [repository / "timelines"]) as revision:
        assert revision.files == 1
    assert not ran.exists()
