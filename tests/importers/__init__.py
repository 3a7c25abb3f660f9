"""Tests of the importers; the helpers below run `contested import` as a user would."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.helpers import main_in_process

DATA = Path(__file__).parent / "data"
_HEADLINE = re.compile(r"^\S.*?: (warning: )?.*\[([a-z0-9-]+)\]$")
"""A diagnostic's first line as `validate` prints it: `path:line:col: [warning: ]message
[code]` (the lines after it show the file, indented or numbered)."""


def imported(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """`contested import ARGS`: exit status, stdout, stderr."""
    return main_in_process(capsys, "import", *args)


def files_of(folder: Path) -> dict[str, bytes]:
    """Every file of `folder` by name, with its bytes."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def assert_valid(capsys: pytest.CaptureFixture[str], folder: Path) -> list[str]:
    """`contested validate` finds the folder valid: exit 0, its summary line, and no
    error among what it printed. Warnings are allowed (an event without a claim is
    normal in an import) and returned as their codes, for a test to check which."""
    status, out, err = main_in_process(capsys, "validate", str(folder), "--no-cache")
    assert status == 0, out + err
    lines = out.splitlines()
    assert lines, err
    assert lines[-1].startswith("valid: "), out
    headlines = [found for found in map(_HEADLINE.match, lines) if found is not None]
    errors = [found.group() for found in headlines if not found.group(1)]
    assert not errors, out
    return [found.group(2) for found in headlines]
