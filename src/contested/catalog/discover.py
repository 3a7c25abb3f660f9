"""Finding a catalog's files and watching them: the folders walked for timeline files, a
file read after its type and size are checked, and the stamps that tell the explorer a
file changed.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

from contested.format.diagnostics import (
    Diagnostic,
    DiagnosticError,
    Location,
)
from contested.format.guarded_yaml import DEFAULT_LIMITS, Limits
from contested.support.files import Refused, kind_of, read_with_stat
from contested.vocabulary import NOTES_FILE_NAME, YAML_SUFFIXES


def bundled_catalog() -> Path:
    """The Kursk timelines shipped with contested (inside the package once installed)."""
    package = Path(str(resources.files("contested")))
    packaged = package / "timelines"
    if packaged.is_dir():
        return packaged
    return package.parents[1] / "timelines"  # a checkout: src/contested -> the repository


def discover(paths: Sequence[str | Path]) -> tuple[list[str], list[Diagnostic]]:
    """Expand directories to their `*.yaml`/`*.yml` files in sorted order. A timeline
    name that is not a regular file (a FIFO, a device, a link to nothing) is reported,
    not opened."""
    found: list[str] = []
    problems: list[Diagnostic] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            files = []
            for candidate in sorted(path.rglob("*")):
                if (candidate.suffix not in YAML_SUFFIXES or candidate.name == NOTES_FILE_NAME
                        or any(part.startswith(".")
                               for part in candidate.relative_to(path).parts)):
                    continue
                if candidate.is_file():
                    files.append(candidate)
                elif not candidate.is_dir():
                    problems.append(_not_a_file(candidate))
            if not files and not problems:
                problems.append(Diagnostic(Location(str(path)), "no-timelines",
                                           "no *.yaml or *.yml files in this directory"))
            found.extend(str(p) for p in files)
        elif path.is_file():
            found.append(str(path))
        elif path.exists() or path.is_symlink():
            problems.append(_not_a_file(path))
        else:
            problems.append(Diagnostic(Location(str(path)), "no-such-path",
                                       "no such file or directory"))
    unique = list(dict.fromkeys(found))
    return unique, problems


def _not_a_file(path: Path) -> Diagnostic:
    try:
        what = kind_of(path.stat().st_mode)
    except OSError:
        what = "a link to nothing" if path.is_symlink() else "unreadable"
    return Diagnostic(Location(str(path)), "not-a-file",
                      f"{what}, not a regular file or directory")


Read = tuple[bytes, os.stat_result, int]
"""A file's bytes, its stat before they were read, and the time before that stat (ns)."""


def read_timeline(path: str, limits: Limits = DEFAULT_LIMITS) -> tuple[bytes, os.stat_result]:
    """A timeline's bytes and its stat as opened, its type and size checked before a byte
    is read (`contested.support.files.read_with_stat`: a FIFO, a device or a sparse file of
    gigabytes is refused at once); a refusal is a DiagnosticError at the file."""
    try:
        return read_with_stat(path, limits.max_bytes)
    except Refused as refused:
        where = Location(path, 1, 1) if refused.code == "file-too-large" else Location(path)
        raise DiagnosticError(Diagnostic(where, refused.code, refused.reason)) from None


def stamps(paths: Sequence[str | Path]) -> dict[str, tuple[int, int]]:
    """(mtime, size) of every timeline file under `paths` and of every folder they may
    be in (a file added or removed changes its folder): what live reload compares."""
    found: dict[str, tuple[int, int]] = {}
    files, _ = discover(paths)
    folders = [Path(p) for p in paths if Path(p).is_dir()]
    folders += [d for top in folders[:] for d in top.rglob("*") if d.is_dir()
                and not any(part.startswith(".") for part in d.relative_to(top).parts)]
    for path in [*files, *map(str, folders)]:
        try:
            info = os.stat(path)
        except OSError:
            continue
        found[str(path)] = (info.st_mtime_ns, info.st_size)
    return found


def unchanged(known: dict[str, tuple[int, int]]) -> bool:
    """True while every file and folder in `known` (from `stamps`) is as it was: one
    stat each, no walk of the folders (ten times a second, on the explorer's own
    thread: a stat of each known path costs a fraction of a walk)."""
    for path, stamp in known.items():
        try:
            info = os.stat(path)
        except OSError:
            return False
        if (info.st_mtime_ns, info.st_size) != stamp:
            return False
    return True
