"""Problems found in a catalog, located and rendered the way ruff and rustc do."""

from __future__ import annotations

import contextlib
import functools
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from rich.cells import cell_len

from contested.errors import ContestedError
from contested.support.files import Refused, read_regular
from contested.support.text import printable


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
    """One problem a person can act on: where, what kind (`code`), and what to do.

    A value quoted in the message is cut when long, saying how long it was (`cut_values`):
    a 5,000-digit figure or a 2 MB key makes a message, not a screenful."""

    location: Location
    code: str
    message: str
    severity: Severity = Severity.ERROR

    def __post_init__(self) -> None:
        if len(self.message) > _LONG_MESSAGE:
            object.__setattr__(self, "message", cut_values(self.message))

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


class DiagnosticError(ContestedError):
    """Raised to abandon one file with one located problem (a YAML limit, a syntax error)."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.headline())
        self.diagnostic = diagnostic


def nearest(name: str, candidates: Iterable[str]) -> str | None:
    """The candidate closest to `name` if it is a likely typo: at most a third of the
    name's length in edits (a letter added, dropped, changed, or two swapped; case is
    not an edit), the first given among equals. A name of the same shape is not a typo:
    `samarra-residents` is not `samarra-hospital`. Every did-you-mean asks this."""
    wanted = name.casefold()
    best: str | None = None
    enough = len(wanted) // 3 + 1  # edits that are too many
    for candidate in candidates:
        folded = candidate.casefold()
        if abs(len(folded) - len(wanted)) >= enough:
            continue
        edits = _edits(wanted, folded, enough - 1)
        if edits < enough:
            best, enough = candidate, edits
            if edits == 0:
                break
    return best


def _edits(a: str, b: str, limit: int) -> int:
    """The edits from `a` to `b` (optimal string alignment), or `limit + 1` as soon as
    they are known to exceed `limit`: only a band of `limit` around the diagonal is
    worked out, so ten thousand ids cost milliseconds."""
    if a == b:
        return 0
    too_many = limit + 1
    if abs(len(a) - len(b)) > limit:
        return too_many
    before: list[int] | None = None
    previous = [min(j, too_many) for j in range(len(b) + 1)]
    for i in range(1, len(a) + 1):
        letter = a[i - 1]
        current = [too_many] * (len(b) + 1)
        current[0] = min(i, too_many)
        lowest = current[0]
        for j in range(max(1, i - limit), min(len(b), i + limit) + 1):
            other = b[j - 1]
            value = min(previous[j - 1] + (letter != other), previous[j] + 1,
                        current[j - 1] + 1)
            if (before is not None and j > 1 and letter == b[j - 2]
                    and a[i - 2] == other and before[j - 2] + 1 < value):
                value = before[j - 2] + 1
            current[j] = value
            lowest = min(lowest, value)
        if lowest > limit:
            return too_many
        before, previous = previous, current
    return min(previous[-1], too_many)


def did_you_mean(name: str, candidates: Iterable[str]) -> str:
    """` (did you mean 'x'?)`, or nothing when no candidate is close."""
    match = nearest(name, candidates)
    return f" (did you mean '{match}'?)" if match else ""


SHOWN_CHARACTERS = 60
"""The characters of a value a message quotes; a longer one is cut, with its length."""
_LONG_MESSAGE = 240
_LONGEST_MESSAGE = 1_000
_QUOTED = re.compile(rf"'([^'\n]{{{SHOWN_CHARACTERS + 1},}})'")


def shown(value: Any) -> str:
    """A value from a file as a message names it: `a list`, `empty`, `'text'`, and
    `'the first sixty characters…' (5,000 characters)` for a long one."""
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "empty"
    text = str(value)
    if len(text) > SHOWN_CHARACTERS:
        return f"'{text[:SHOWN_CHARACTERS]}…' ({len(text):,} characters)"
    return f"'{text}'"


def cut_values(message: str) -> str:
    """`message` with each long quoted value cut as `shown` cuts it, and the whole cut
    at a thousand characters if it is still longer (whatever quoted it)."""
    message = _QUOTED.sub(lambda found: shown(found.group(1)), message)
    if len(message) > _LONGEST_MESSAGE:
        message = (f"{message[:_LONGEST_MESSAGE]}… (a message of {len(message):,} "
                   "characters)")
    return message


def sort_diagnostics(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    return sorted(set(diagnostics), key=lambda d: d.sort_key)


SOURCE_LIMIT = 64 << 20
"""The largest file whose lines are shown under its messages: the timelines' own limit."""

_FIRST_SPAN = 4096
"""The bytes of the first window a line is looked for in; it doubles while the line lies
past it, then halves once it lies within."""
_LAST_SPAN = 256
_FEW_LINES = 8
"""Lines found one line feed at a time, once a window is this close."""


def _one_break(data: bytes) -> bytes:
    """`data` with every line ending (`\\r\\n`, `\\r`) made `\\n`: YAML's line breaks,
    the only ones libyaml's lines and ours count (not NEL, LS, PS, nor the form feed
    that `str.splitlines` also splits at)."""
    if b"\r" not in data:
        return data
    return data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")


class SourceLines:
    """Reads the lines of a file once, to show the offending line under a message.

    Only the file last asked for is kept, as bytes (messages come sorted by path and
    line): 15,000 warnings over a hundred MB of timelines would otherwise hold every
    line of them, and a file of fifteen million short lines a list of fifteen million
    strings. A line is found from the last one found, counting the line feeds of a window
    of bytes that grows, then shrinks, around it: each line feed is counted in C a few
    times, never passed one by one in Python, so thousands of messages over a large file
    cost about one pass over it."""

    def __init__(self, texts: dict[str, str] | None = None) -> None:
        self._given = {path: _one_break(text.encode("utf-8", errors="surrogatepass"))
                       for path, text in (texts or {}).items()}
        self._path: str | None = None
        self._data = b""
        self._at = (1, 0)  # a line's number, and where it starts in `_data`

    def line(self, path: str, number: int) -> str | None:
        if path != self._path:
            self._path, self._data, self._at = path, b"", (1, 0)
            given = self._given.get(path)
            if given is not None:
                self._data = given
            else:
                with contextlib.suppress(Refused):  # never a file refused for size or type
                    self._data = _one_break(read_regular(path, SOURCE_LIMIT))
        if number < 1 or not self._data:
            return None
        start = self._start_of(number)
        if start is None:
            return None
        end = self._data.find(b"\n", start)
        text = self._data[start : end if end >= 0 else len(self._data)]
        return text.decode("utf-8", errors="replace")

    def _start_of(self, number: int) -> int | None:
        data, size = self._data, len(self._data)
        line, at = self._at if number >= self._at[0] else (1, 0)
        # `at` lies in line `line`: windows past it are counted whole while the line
        # starts beyond them (growing), then, once one holds it, halved until close.
        span, growing = _FIRST_SPAN, True
        while number - line > _FEW_LINES:
            end = min(at + span, size)
            breaks = data.count(b"\n", at, end)
            if line + breaks < number:
                if end == size:
                    return None
                line, at = line + breaks, end
                span *= 2 if growing else 1
            elif span > _LAST_SPAN:
                span, growing = span // 2, False
            else:
                break
        while line < number:  # then line by line
            found = data.find(b"\n", at)
            if found < 0:
                return None
            line, at = line + 1, found + 1
        self._at = (line, at)
        return at


EXCERPT_CELLS = 120
"""The terminal cells of a line shown under a message; a longer line is cut around the
column, at most `_BEFORE_CELLS` of it before the caret."""
_BEFORE_CELLS = 60


def excerpt(text: str, column: int) -> tuple[str, int]:
    """The part of `text` (a line) shown under a message at `column` (1-based, in
    characters), made printable, and the terminal cells before the caret: the window
    is cut from the raw line first (so a 2 MB line costs what its window costs), and
    measured in cells, so that stand-ins and wide characters keep the caret under the
    column."""
    text = text.replace("\t", " ")
    index = min(max(column - 1, 0), len(text))
    if len(text) <= EXCERPT_CELLS and text.isascii() and text.isprintable():
        return text, index
    before, cells = [], 0
    start = index
    while start > 0:
        piece = printable(text[start - 1])
        size = cell_len(piece)
        if cells + size > _BEFORE_CELLS:
            break
        before.append(piece)
        cells += size
        start -= 1
    after: list[str] = []
    stop = index
    room = EXCERPT_CELLS - cells
    while stop < len(text):
        piece = printable(text[stop])
        size = cell_len(piece)
        if size > room:
            break
        after.append(piece)
        room -= size
        stop += 1
    lead = "…" if start > 0 else ""
    tail = "…" if stop < len(text) else ""
    shown = lead + "".join(reversed(before))
    return shown + "".join(after) + tail, cell_len(shown)


def render(diagnostic: Diagnostic, sources: SourceLines) -> str:
    """`path:line:col: message`, then the line itself with a caret under the column."""
    out = [printable(diagnostic.headline())]
    loc = diagnostic.location
    if loc.line:
        text = sources.line(loc.path, loc.line)
        if text is not None:
            shown, caret = excerpt(text, loc.column)
            gutter = str(loc.line)
            out.append(f"{' ' * len(gutter)} |")
            out.append(f"{gutter} | {shown}")
            out.append(f"{' ' * len(gutter)} | {' ' * caret}^")
    return "\n".join(out)
