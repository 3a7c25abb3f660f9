"""Shared fixtures: write timeline files into a temporary catalog and load them."""

from __future__ import annotations

import os
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from contested.catalog.loading import LoadResult, load_catalog
from tests.helpers import Cli, Ran, Write, main_in_process


@pytest.fixture(autouse=True)
def private_cache(tmp_path_factory: pytest.TempPathFactory,
                  monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test gets its own cache directory (platformdirs reads XDG_CACHE_HOME): the
    user's cache is never touched, and no test sees another's entries."""
    folder = tmp_path_factory.mktemp("xdg-cache")
    monkeypatch.setenv("XDG_CACHE_HOME", str(folder))
    return folder / "contested" / "catalog"


@pytest.fixture
def write(tmp_path: Path) -> Write:
    """Write `text` (dedented) as `name` in the catalog directory; return its path."""

    def _write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return _write


@pytest.fixture
def load(tmp_path: Path) -> Callable[[], LoadResult]:
    def _load() -> LoadResult:
        return load_catalog([tmp_path])

    return _load


@pytest.fixture(autouse=True)
def _own_data_directory(tmp_path_factory: pytest.TempPathFactory,
                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Notes on the bundled timelines go to the user's data directory: a test's own."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path_factory.mktemp("data")))


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Cli:
    """`contested ARGS` in this process: `main(ARGS)`, its exit status as the console
    script's `sys.exit(main())` makes it, and what it wrote to stdout and stderr."""
    # main sets this for its process; here it must not outlive the test.
    monkeypatch.setenv("PYDANTIC_DISABLE_PLUGINS",
                       os.environ.get("PYDANTIC_DISABLE_PLUGINS", "__all__"))

    def _cli(*args: str) -> Ran:
        return Ran(*main_in_process(capsys, *args))

    return _cli
