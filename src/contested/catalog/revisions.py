"""A catalog as it was at a git revision: its timeline files read out of the repository
into a private folder, where the normal loader reads them (`contested diff`, `--since`).

The repository is the user's, but its history and configuration may not be: a revision
is resolved to a commit before anything else (a name that starts with `-` is refused,
never read as an option), git runs without a shell, with a timeout, with the settings
that could make it run a program switched off, and never fetches. The files are listed
from the commit's tree (`git ls-tree`) and read as blobs by their ids, each refused when
larger than a timeline may be; a name that would leave the private folder is refused.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from contested.errors import ContestedError
from contested.format.guarded_yaml import DEFAULT_LIMITS
from contested.vocabulary import NOTES_FILE_NAME, YAML_SUFFIXES

GIT_TIMEOUT = 60.0
"""Seconds one git command may take (a repository on a hung network disk ends with an
error, not a wait for ever)."""

_GIT = ("git", "--no-pager", "--literal-pathspecs", "-c", "core.fsmonitor=false",
        "-c", "core.hooksPath=/dev/null", "-c", "protocol.allow=never",
        "-c", "core.untrackedCache=false")
"""git, with what a hostile repository's configuration could make it run turned off:
a file-system monitor, hooks, any transport (a partial clone's missing objects are not
fetched); a path is a path, never a pattern."""

_ENVIRONMENT = {"GIT_TERMINAL_PROMPT": "0", "GIT_OPTIONAL_LOCKS": "0",
                "GIT_NO_LAZY_FETCH": "1", "GIT_PAGER": "cat", "LC_ALL": "C"}
"""No prompt, no lock taken on the user's index, no fetch, messages in one language."""

_REGULAR = ("100644", "100755")
"""The modes of a regular file in a git tree (a link or a submodule is not read)."""


class RevisionError(ContestedError):
    """A revision that cannot be read: not a revision, not in a repository, no git."""


@dataclass
class Revision:
    """The timeline files of `paths` at one commit, written under a private folder:
    `paths` are where the loader reads them; `close` removes them."""

    name: str
    """The revision as the user wrote it (`HEAD~1`)."""
    commit: str
    """The commit it names (its full id)."""
    paths: list[str] = field(default_factory=list)
    """Per path asked for, its copy in the private folder."""
    shown_as: dict[str, str] = field(default_factory=dict)
    """Per copy, the path it stands for, as a message names it (`HEAD~1:timelines`)."""
    files: int = 0
    _folder: tempfile.TemporaryDirectory[str] | None = None

    def shown(self, text: str) -> str:
        """`text` with the private copies' paths written as `REV:PATH`."""
        for copy, name in sorted(self.shown_as.items(), key=lambda item: -len(item[0])):
            text = text.replace(copy, name)
        return text

    def close(self) -> None:
        if self._folder is not None:
            self._folder.cleanup()
            self._folder = None

    def __enter__(self) -> Revision:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def _git(folder: Path, *arguments: str, stdin: bytes | None = None) -> bytes:
    """Run git in `folder`; its output, or a RevisionError with git's own words."""
    try:
        done = subprocess.run([*_GIT, "-C", str(folder), *arguments], input=stdin,
                              capture_output=True, timeout=GIT_TIMEOUT, check=False,
                              env={**os.environ, **_ENVIRONMENT})
    except FileNotFoundError:
        raise RevisionError("git is not installed: a revision cannot be read") from None
    except subprocess.TimeoutExpired:
        raise RevisionError(f"git took longer than {GIT_TIMEOUT:.0f} seconds in "
                            f"{folder}: stopped") from None
    if done.returncode != 0:
        said = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise RevisionError(said[-1] if said else f"git failed in {folder}")
    return done.stdout


def _where(path: Path) -> tuple[Path, str]:
    """The existing folder to run git in for `path`, and `path` relative to it (a path
    that is gone from the working tree may be in the revision)."""
    folder, rest = path, PurePosixPath()
    while not folder.is_dir():
        if folder == folder.parent:
            break
        rest = PurePosixPath(folder.name) / rest
        folder = folder.parent
    return folder, str(rest)


def resolve(revision: str, folder: Path) -> str:
    """The commit `revision` names in the repository at `folder`; a RevisionError says
    why there is none."""
    if not revision or revision.startswith("-") or any(c in revision for c in "\0\n"):
        raise RevisionError(f"'{revision}' is not a revision (a revision cannot start "
                            "with '-')")
    try:
        _git(folder, "rev-parse", "--show-toplevel")
    except RevisionError:
        raise RevisionError(f"'{revision}' is not a file or folder, and {folder} is not in "
                            "a git repository where it could be a revision") from None
    try:
        found = _git(folder, "rev-parse", "--verify", "--quiet", "--end-of-options",
                     f"{revision}^{{commit}}")
    except RevisionError:
        raise RevisionError(f"'{revision}' is neither a file or folder nor a revision of "
                            f"the git repository at {folder}") from None
    return found.decode("ascii").strip()


def read_revision(revision: str, paths: Sequence[str | Path]) -> Revision:
    """The timeline files under each of `paths` as they were at `revision`, copied into
    a private folder (a RevisionError if it names no commit, or holds none of them)."""
    made = Revision(revision, "")
    made._folder = tempfile.TemporaryDirectory(prefix="contested-revision-")
    try:
        _copy_all(made, Path(made._folder.name), revision, paths)
    except BaseException:
        made.close()
        raise
    return made


def _copy_all(made: Revision, private: Path, revision: str,
              paths: Sequence[str | Path]) -> None:
    for number, given in enumerate(paths):
        folder, inside = _where(Path(given).absolute())
        commit = resolve(revision, folder)
        if made.commit and commit != made.commit:
            raise RevisionError(f"'{revision}' names different commits in the "
                                f"repositories of {paths[0]} and {given}")
        made.commit = commit
        copy = private / str(number)
        copy.mkdir()
        listed = _git(folder, "ls-tree", "-r", "-l", "-z", commit, "--", inside)
        found = 0
        for entry in listed.split(b"\0"):
            if not entry:
                continue
            head, _, name_bytes = entry.partition(b"\t")
            mode, kind, blob, size = head.decode("ascii").split()
            name = name_bytes.decode("utf-8", "surrogateescape")
            if kind != "blob" or mode not in _REGULAR or not _timeline_name(name, inside):
                continue
            if int(size) > DEFAULT_LIMITS.max_bytes:
                raise RevisionError(f"{revision}:{name} has {int(size):,} bytes, over the "
                                    f"limit of {DEFAULT_LIMITS.max_bytes:,} for a timeline")
            target = _inside(copy, name)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(_git(folder, "cat-file", "blob", blob))
            found += 1
        if not found:
            raise RevisionError(f"no timeline files (*.yaml, *.yml) in {given} at "
                                f"{revision}")
        made.files += found
        where = copy / inside if inside != "." else copy
        made.paths.append(str(where))
        made.shown_as[str(where)] = f"{revision}:{given}"


def _timeline_name(name: str, inside: str) -> bool:
    """Whether a file of the tree is one the loader would read (`contested.catalog.
    discover`): the file asked for, or in the folder asked for a YAML file that is not
    the notes and not hidden."""
    if name == inside:
        return True
    path = PurePosixPath(name)
    if path.suffix not in YAML_SUFFIXES or path.name == NOTES_FILE_NAME:
        return False
    if inside != "." and not path.is_relative_to(inside):
        return False
    below = path if inside == "." else path.relative_to(inside)
    return not any(part.startswith(".") for part in below.parts)


def _inside(folder: Path, name: str) -> Path:
    """Where a file of the tree is copied: under `folder`, whatever its name says."""
    path = PurePosixPath(name)
    if path.is_absolute() or any(part in ("..", "") for part in path.parts) or "\\" in name:
        raise RevisionError(f"the revision holds a file named {name!r}, which is not "
                            "read")
    target = folder.joinpath(*path.parts)
    if not target.resolve().is_relative_to(folder.resolve()):
        raise RevisionError(f"the revision holds a file named {name!r}, which is not read")
    return target
