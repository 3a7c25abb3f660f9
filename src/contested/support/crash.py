"""Unexpected failures: one line for the user, the full report in a file for us."""

from __future__ import annotations

import os
import platform
import sys
import tempfile
import traceback
from datetime import UTC, datetime
from pathlib import Path

from contested import __version__
from contested.support.dirs import cache_dir
from contested.support.text import printable

EXIT_INTERNAL = 70
"""The exit status after a bug (sysexits' EX_SOFTWARE)."""


def write_report(error: BaseException, argv: list[str]) -> Path | None:
    """Write the traceback and context to the cache directory; return where, if it could."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    body = "".join([
        f"contested {__version__} crash report, {stamp} UTC\n",
        f"python {sys.version.split()[0]} on {platform.platform()}\n",
        f"argv: {argv!r}\n\n",
        *traceback.format_exception(error),
    ])
    for folder in (cache_dir() / "crashes", Path(tempfile.gettempdir())):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            handle, name = tempfile.mkstemp(prefix=f"crash-{stamp}-", suffix=".txt", dir=folder)
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(body)
            return Path(name)
        except OSError:
            continue
    return None


EXIT_OUT_OF_MEMORY = 1
"""Memory ran out: what was given needs more than the process may have, not a bug."""


def report_crash(error: BaseException, argv: list[str]) -> int:
    """Print the one line a user sees after a bug, and return the exit status. Memory
    running out is not a bug of ours (every file is bounded; a catalog of many may
    still need more than `ulimit -v` allows): it is said as such, and no report kept."""
    if isinstance(error, MemoryError):
        error.__traceback__ = None  # what the frames held can go before we print
        print("contested: out of memory: the timelines given need more memory than "
              "this process may use (load fewer files at once, or raise `ulimit -v`)",
              file=sys.stderr)
        return EXIT_OUT_OF_MEMORY
    where = write_report(error, argv)
    detail = f"the full report is in {printable(str(where))}" if where else \
        "no report could be written"
    print(
        f"contested: internal error ({type(error).__name__}); {detail}. "
        "Please send it to the developers.",
        file=sys.stderr,
    )
    return EXIT_INTERNAL
