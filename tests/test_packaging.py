"""What a wheel of the project holds: the code of every package and the bundled timelines."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from tests.helpers import REPO


def test_wheel_ships_the_bundled_timelines(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "-q", "-w", str(tmp_path), str(REPO)],
        check=True, capture_output=True, timeout=300,
    )
    (wheel,) = tmp_path.glob("contested-*.whl")
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
