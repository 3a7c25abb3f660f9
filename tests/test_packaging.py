"""What a wheel of the project holds: the code of every package and the bundled timelines,
and not the archived article they quote (a news agency's text, kept in the repository to
check the quotes, never shipped)."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.helpers import REPO, SEED_ARTICLE


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project built as a wheel, once for this module."""
    folder = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "-q", "-w", str(folder), str(REPO)],
        check=True, capture_output=True, timeout=300,
    )
    (built,) = folder.glob("contested-*.whl")
    return built


def test_wheel_ships_the_bundled_timelines(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert {f"contested/timelines/{p.name}" for p in (REPO / "timelines").glob("*.yaml")} <= set(
        names
    )
    assert "contested/cli.py" in names
    assert "contested/py.typed" in names  # the marker that makes its annotations count
    source = REPO / "src"
    modules = {p.relative_to(source).as_posix() for p in (source / "contested").rglob("*.py")}
    assert "contested/catalog/loading.py" in modules  # the subpackages, not only the top
    assert modules <= set(names), sorted(modules - set(names))


def test_wheel_holds_no_copy_of_the_archived_article(wheel: Path) -> None:
    """Neither the archive folder nor the article's text under any other name, alone or
    inside another file."""
    assert SEED_ARTICLE.parent.name == "archive"
    article = SEED_ARTICLE.read_bytes()
    with zipfile.ZipFile(wheel) as archive:
        members = archive.infolist()
        assert [m.filename for m in members if "archive/" in m.filename] == []
        assert [m.filename for m in members if article in archive.read(m)] == []
        assert [m.filename for m in members if SEED_ARTICLE.name in m.filename] == []
