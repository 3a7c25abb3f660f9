"""The house rules that a reviewer would otherwise check by hand."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO

BIN = Path(sys.executable).parent


def run(tool: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BIN / tool), *args], cwd=REPO, capture_output=True,
                          text=True, timeout=300, check=False)


def test_the_core_never_imports_textual() -> None:
    done = run("lint-imports")
    assert done.returncode == 0, done.stdout + done.stderr


def test_ruff_is_clean() -> None:
    done = run("ruff", "check", "src", "tests", "bench")
    assert done.returncode == 0, done.stdout


def test_mypy_strict_is_clean() -> None:
    done = run("mypy")
    assert done.returncode == 0, done.stdout


def test_importing_the_core_does_not_load_textual() -> None:
    code = (
        "import sys, contested.loading, contested.cli; "
        "print(any(m == 'textual' or m.startswith('textual.') for m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "False"
