"""Problems found in a catalog, located and rendered the way ruff and rustc do."""

from __future__ import annotations

import difflib
import functools
import os
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from contested.files import Refused, read_regular
from contested.text import printable


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


def shown_path(path: str) -> str:
    """A path as a person wants to read it: relative to the current directory when it
    lies below it (as ruff and compilers print them), else as given."""
    try:
        return _shown_path(path, os.getcwd())
    except OSError:  # the current directory was removed
        return path


@functools.lru_cache(maxsize=256)
def _shown_path(path: str, cwd: str) -> str:
    """(Kept per path and directory: 18,000 warnings name a few files.)"""
    try:
        relative = os.path.relpath(path, cwd)
    except ValueError:
        return path
    return path if relative.startswith("..") else relative


@dataclass(frozen=True, slots=True)
class Location:
    """A place in a file: 1-based line and column, as editors count them."""

    path: str
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        path = shown_path(self.path)
        if self.line:
            return f"{path}:{self.line}:{self.column}"
        return path


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem a person can act on: where, what kind (`code`), and what to do."""

    location: Location
    code: str
    message: str
    severity: Severity = Severity.ERROR

    @property
    def sort_key(self) -> tuple[str, int, int, str]:
        loc = self.location
        return (loc.path, loc.line, loc.column, self.message)

    def headline(self) -> str:
        prefix = "" if self.severity is Severity.ERROR else "warning: "
        return f"{self.location}: {prefix}{self.message} [{self.code}]"

    def as_dict(self) -> dict[str, Any]:
        loc = self.location
        return {
            "path": loc.path,
            "line": loc.line or None,
            "column": loc.column or None,
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message,
        }


class DiagnosticError(Exception):
    """Raised to abandon one file with one located problem (a YAML limit, a syntax error)."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.headline())
        self.diagnostic = diagnostic


def nearest(name: str, candidates: Iterable[str]) -> str | None:
    """The candidate closest to `name`, if any is close enough to be a likely typo."""
    pool = list(candidates)
    matches = difflib.get_close_matches(name, pool, n=1, cutoff=0.6)
    if matches:
        return matches[0]
    folded = {c.casefold(): c for c in pool}
    return folded.get(name.casefold())


def did_you_mean(name: str, candidates: Iterable[str]) -> str:
    """` (did you mean 'x'?)`, or nothing when no candidate is close."""
    match = nearest(name, candidates)
    return f" (did you mean '{match}'?)" if match else ""


def shown(value: Any) -> str:
    """A value from a file as a message names it: `a list`, `empty`, `'text'`."""
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "empty"
    text = str(value)
    return f"'{text[:60]}…'" if len(text) > 60 else f"'{text}'"


def sort_diagnostics(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    return sorted(set(diagnostics), key=lambda d: d.sort_key)


SOURCE_LIMIT = 64 << 20
"""The largest file whose lines are shown under its messages: the timelines' own limit."""


class SourceLines:
    """Reads the lines of a file once, to show the offending line under a message.

    Only the file last asked for is kept (messages come sorted by path): 15,000
    warnings over a hundred MB of timelines would otherwise hold every line of them."""

    def __init__(self, texts: dict[str, str] | None = None) -> None:
        self._given = {path: text.splitlines() for path, text in (texts or {}).items()}
        self._path: str | None = None
        self._lines: list[str] = []

    def line(self, path: str, number: int) -> str | None:
        lines = self._given.get(path)
        if lines is None:
            if path != self._path:
                self._path, self._lines = path, []
                try:  # never a file that was refused for its size or type
                    raw = read_regular(path, SOURCE_LIMIT)
                    self._lines = raw.decode("utf-8", errors="replace").splitlines()
                except Refused:
                    pass
            lines = self._lines
        return lines[number - 1] if 0 < number <= len(lines) else None


def render(diagnostic: Diagnostic, sources: SourceLines) -> str:
    """`path:line:col: message`, then the line itself with a caret under the column."""
    out = [printable(diagnostic.headline())]
    loc = diagnostic.location
    if loc.line:
        text = sources.line(loc.path, loc.line)
        if text is not None:
            text = text.replace("\t", " ")
            shown = printable(text)
            # Stand-ins are wider than what they replace: count the caret in shown text.
            column = len(printable(text[: max(loc.column - 1, 0)])) + 1
            if len(shown) > 200:
                start = max(0, column - 100)
                shown = shown[start : start + 200]
                column -= start
            gutter = str(loc.line)
            out.append(f"{' ' * len(gutter)} |")
            out.append(f"{gutter} | {shown}")
            out.append(f"{' ' * len(gutter)} | {' ' * max(column - 1, 0)}^")
    return "\n".join(out)
