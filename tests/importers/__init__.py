"""Tests of the importers; the helpers below run `contested import` as a user would."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import main_in_process

DATA = Path(__file__).parent / "data"


def imported(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """`contested import ARGS`: exit status, stdout, stderr."""
    return main_in_process(capsys, "import", *args)


def files_of(folder: Path) -> dict[str, bytes]:
    """Every file of `folder` by name, with its bytes."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def assert_valid(capsys: pytest.CaptureFixture[str], folder: Path) -> None:
    status, out, err = main_in_process(capsys, "validate", str(folder), "--no-cache")
    assert status == 0, out + err
    assert out.startswith("valid:"), out
