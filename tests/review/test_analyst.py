"""Who is making a note change: the name's order of precedence, and its file name."""

from __future__ import annotations

import getpass
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from contested.review.analyst import UNKNOWN, analyst_name, analyst_slug

HOSTILE_NAMES = ["[@click=app.quit]x[/]", "../../x", "..", ".", "/etc/passwd", "\x1b[2Jana",
                 "a/b\\c", "\u202eevil", "Ana B", "ana b", "ANA-B", "", "😀", "x" * 300,
                 "con", ".hidden", "line\nbreak"]


@pytest.fixture
def git_repo(tmp_path: Path) -> Path:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    repo = tmp_path / "repo"
    repo.mkdir()
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    subprocess.run(["git", "-C", str(repo), "config", "user.name", "Git Person"], check=True)
    return repo


@pytest.fixture
def no_global_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """git reads no user's or system's configuration: only the repository's."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "home" / ".config"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.delenv("GIT_CONFIG_GLOBAL", raising=False)


def test_the_option_comes_first(git_repo: Path, no_global_git: None) -> None:
    env = {"CONTESTED_ANALYST": "From Env"}
    assert analyst_name("  Given  ", git_repo, env) == "Given"


def test_then_the_environment_variable(git_repo: Path, no_global_git: None) -> None:
    assert analyst_name(None, git_repo, {"CONTESTED_ANALYST": "From Env"}) == "From Env"
    assert analyst_name("", git_repo, {"CONTESTED_ANALYST": "From Env"}) == "From Env"


def test_then_gits_user_name_where_the_notes_are(git_repo: Path, no_global_git: None) -> None:
    assert analyst_name(None, git_repo, {"CONTESTED_ANALYST": " "}) == "Git Person"
    # a folder still to be made: asked from its nearest existing parent
    assert analyst_name(None, git_repo / "not" / "yet", {}) == "Git Person"


def test_then_the_login_name(tmp_path: Path, no_global_git: None) -> None:
    outside = tmp_path / "plain-folder"  # no repository, no global name
    outside.mkdir()
    assert analyst_name(None, outside, {}) == getpass.getuser()


def test_no_git_on_the_path_falls_to_the_login_name(
        git_repo: Path, no_global_git: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(git_repo / "nothing-here"))
    assert analyst_name(None, git_repo, {}) == getpass.getuser()


def test_without_a_login_name_the_name_says_so(
        tmp_path: Path, no_global_git: None, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_user() -> str:
        raise OSError("no user database entry")

    monkeypatch.setattr(getpass, "getuser", no_user)
    monkeypatch.setenv("PATH", str(tmp_path / "nothing-here"))
    assert analyst_name(None, tmp_path, {}) == UNKNOWN


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_a_slug_is_one_safe_file_name(name: str, tmp_path: Path) -> None:
    slug = analyst_slug(name)
    assert slug not in ("", ".", "..")
    assert not slug.startswith((".", "-"))
    assert all(c.isascii() and (c.isalnum() or c in "._-") for c in slug)
    assert len(slug) <= 60
    assert os.path.dirname(slug) == ""
    assert (tmp_path / slug).parent == tmp_path


def test_two_names_never_share_a_file() -> None:
    slugs = [analyst_slug(name) for name in HOSTILE_NAMES]
    assert len(set(slugs)) == len(slugs)
    assert len({s.casefold() for s in slugs}) == len(slugs)  # nor on a case-blind disk
    assert analyst_slug("ana") == "ana"  # a name that is a slug already stays readable
