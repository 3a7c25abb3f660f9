"""The house rules that a reviewer would otherwise check by hand."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import grimp

from tests.helpers import REPO

BIN = Path(sys.executable).parent


def run(tool: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BIN / tool), *args], cwd=REPO, capture_output=True,
                          text=True, timeout=300, check=False)


def test_the_layers_hold_and_textual_stays_in_the_tui() -> None:
    """pyproject.toml's contracts: each package imports only the layers below it, every
    module is in a layer, and only `contested.tui` imports Textual."""
    done = run("lint-imports")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "3 kept, 0 broken" in done.stdout, done.stdout


def test_no_import_cycle_even_for_type_hints() -> None:
    """No two modules import each other, however indirectly, at run time or under
    TYPE_CHECKING (grimp reads both)."""
    graph = grimp.build_graph("contested")
    edges = {m: {d for d in graph.find_modules_directly_imported_by(m)
                 if d.startswith("contested")} for m in graph.modules}
    assert edges["contested.catalog.columns"]  # the graph was read
    assert strongly_connected(edges) == []


def strongly_connected(edges: dict[str, set[str]]) -> list[list[str]]:
    """The groups of more than one module that import each other (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    found.append(sorted(group))
    return found


def test_a_cycle_is_found_when_there_is_one() -> None:
    assert strongly_connected({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [
        ["a", "b", "c"]]
    assert strongly_connected({"a": {"b"}, "b": set()}) == []


def test_ruff_is_clean() -> None:
    done = run("ruff", "check", "src", "tests", "bench")
    assert done.returncode == 0, done.stdout


def test_mypy_strict_is_clean() -> None:
    done = run("mypy")
    assert done.returncode == 0, done.stdout


def test_importing_the_core_does_not_load_textual() -> None:
    code = (
        "import sys, contested.catalog.loading, contested.cli; "
        "print(any(m == 'textual' or m.startswith('textual.') for m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "False"


def test_every_error_a_user_can_cause_is_one_family() -> None:
    """Each way in catches `ContestedError` once: every error of that kind is in it."""
    from contested.catalog.cache.parts import CacheDamaged
    from contested.errors import ContestedError, InputError
    from contested.format.dates import DateError
    from contested.format.diagnostics import DiagnosticError
    from contested.format.quantities import QuantityError
    from contested.present.filters import FilterError
    from contested.review.store import NotesReadOnly
    from contested.support.files import Refused

    error: type[Exception]
    for error in (DateError, QuantityError, FilterError):
        assert issubclass(error, InputError), error
        assert issubclass(error, ValueError), error
    for error in (CacheDamaged, DiagnosticError, NotesReadOnly, Refused):
        assert issubclass(error, ContestedError), error
