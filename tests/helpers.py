"""What tests share besides fixtures: the repository's paths, a small valid catalog, and
the type of the `write` fixture. (conftest.py holds the fixtures; pytest imports it
itself, so tests do not.)"""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from analysis import Generated  # bench/analysis.py

REPO = Path(__file__).resolve().parents[1]
TIMELINES = REPO / "timelines"
SEED_ARTICLE = REPO / "archive" / "afp-bta-kursk-advance-2025-03.txt"
"""The bundled timelines' archived document: a copy of the AFP/BTA article in
../shared/seed/, kept in the repository (never in the wheel) so that a clone alone
verifies its quotes."""
SHARED_SEED = REPO.parent / "shared" / "seed"

SOURCES = """\
contested: 1
sources:
  - id: afp
    name: AFP
    kind: news-agency
  - id: ru-media
    name: Russian media
    kind: media
    side: russia
questions:
  - id: area
    text: Area held
    kind: quantity
    unit: km2
  - id: outcome
    text: How did it end?
    kind: category
    values: [success, heavy-losses]
events:
  - id: pipeline
    date: 2025-03~
    title: The pipeline operation
"""

Write = Callable[[str, str], Path]


@dataclass(frozen=True)
class Ran:
    """What the `cli` fixture saw: the fields of `subprocess.CompletedProcess` that a
    run of the real console script gives, so a test reads either the same way."""

    returncode: int
    stdout: str
    stderr: str


Cli = Callable[..., Ran]
"""The `cli` fixture: `contested ARGS` in this process."""


@contextlib.contextmanager
def no_hang(message: str, seconds: int = 20) -> Iterator[None]:
    """Fail with `message` (TimeoutError) if the block runs past `seconds`: a hang on
    hostile input fails its test instead of stalling the run (a guard, not a speed
    assertion)."""

    def _timeout(signum: int, frame: object) -> None:
        raise TimeoutError(message)

    previous = signal.signal(signal.SIGALRM, _timeout)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def main_in_process(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """`contested ARGS` in this process: `main(ARGS)`, its exit status as the console
    script's `sys.exit(main())` makes it, and what it wrote to stdout and stderr
    (`capsys`: pytest's capture fixture, emptied first so only this command counts)."""
    from contested.cli import main

    capsys.readouterr()
    try:
        code: object = main(list(args))
    except SystemExit as exit_:  # main returns its status; if it exited, the same
        code = exit_.code
    out, err = capsys.readouterr()
    if code is None or isinstance(code, int):
        return code or 0, out, err
    return 1, out, err + f"{code}\n"  # sys.exit("message"), as Python does


def write_generated(folder: Path, **options: Any) -> Generated:
    """A catalog from bench's generator (`bench/analysis.py` `generate(**options)`), its
    files written in `folder` (made if missing)."""
    import sys

    bench = str(REPO / "bench")
    if bench not in sys.path:
        sys.path.insert(0, bench)
    from analysis import generate

    made = generate(**options)
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in made.files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return made
