"""Who is making a note change: the analyst's name, and the file name it is kept under.

The name is found the way a team already names itself: `--analyst NAME`, else the
`CONTESTED_ANALYST` environment variable, else git's `user.name` (asked where the notes
file is, so a repository's own setting wins), else the login name. The name is data, any
text: it is shown sanitised and written inside the history, never used as a path; its
file name is a slug of it (`analyst_slug`).
"""

from __future__ import annotations

import getpass
import hashlib
import os
import re
import subprocess
from collections.abc import Mapping
from pathlib import Path

ANALYST_VARIABLE = "CONTESTED_ANALYST"
GIT_WAIT = 2.0
"""Seconds `git config user.name` may take (a hung credential helper, a slow disk)."""
UNKNOWN = "unknown analyst"
"""The name when no source gives one (no login name in a bare container)."""
SLUG_LENGTH = 48

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def analyst_name(given: str | None, folder: Path,
                 environ: Mapping[str, str] | None = None) -> str:
    """The analyst making changes to the notes kept in `folder`, by precedence."""
    env = os.environ if environ is None else environ
    for name in (given, env.get(ANALYST_VARIABLE)):
        if name is not None and name.strip():
            return name.strip()
    return git_user_name(folder) or login_name() or UNKNOWN


def git_user_name(folder: Path) -> str | None:
    """git's `user.name` as seen from `folder` (its nearest existing parent); None when
    there is no git, no name, or git did not answer in time."""
    where = folder
    while not where.is_dir() and where != where.parent:
        where = where.parent
    try:
        done = subprocess.run(["git", "config", "user.name"], cwd=where,
                              capture_output=True, timeout=GIT_WAIT, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    name = done.stdout.decode("utf-8", "replace").strip()
    return name if done.returncode == 0 and name else None


def login_name() -> str | None:
    """The login name; None where there is none (no user database entry, no variable)."""
    try:
        name = getpass.getuser()
    except (OSError, KeyError, ImportError):
        return None
    return name.strip() or None


def analyst_slug(name: str) -> str:
    """A file name for the analyst's history: letters, digits, `.`, `_` and `-` only,
    never hidden, `.` or `..`; a name that is not already such a slug gets a short
    digest of itself, so that two names never share a file (`Ana B` and `ana-b`, or two
    names that differ only in case on a case-blind disk)."""
    if re.fullmatch(r"[a-z0-9_-][a-z0-9._-]*", name) and len(name) <= SLUG_LENGTH:
        return name
    digest = hashlib.blake2b(name.encode("utf-8", "surrogatepass"), digest_size=4).hexdigest()
    base = _UNSAFE.sub("-", name).strip(".-").lower()[:SLUG_LENGTH].rstrip(".-")
    return f"{base or 'analyst'}-{digest}"
