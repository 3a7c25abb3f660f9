"""The real command on pathological input, under a 2 GiB address-space limit (`ulimit
-v`): each input is refused with a located message and exit status 1, never a
traceback or an "internal error", and nothing is written for it (no cache entry, no
temporary, no report). Every input is generated here, at test time.

The limits themselves (node counts, problems listed) are in tests/catalog/test_bounds.py; here
the whole process is held to them."""

from __future__ import annotations

import os
import re
import resource
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

from contested.catalog.parse import MAX_PROBLEMS
from contested.format.guarded_yaml import DEFAULT_LIMITS
from tests.helpers import SOURCES

ADDRESS_SPACE = 2 << 30
"""What each command may map (`ulimit -v`): the bound the issue sets for one file."""
TIMEOUT = 120
"""A hang fails the test instead of stalling CI (a guard, not a speed assertion)."""

LOCATED = re.compile(r"^(?P<path>\S.*?):(?P<line>\d+):(?P<column>\d+): (?!warning: )"
                     r"(?P<message>.*) \[(?P<code>[a-z0-9-]+)\]$", re.MULTILINE)


def _bounded() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))


@dataclass
class Run:
    status: int
    out: str
    err: str
    folder: Path

    @property
    def errors(self) -> list[re.Match[str]]:
        return list(LOCATED.finditer(self.out + self.err))


class Contested:
    """`contested` in a fresh process under the address-space limit, with a cache
    folder of its own, run in `folder` (which holds the inputs)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.cache = folder.parent / f"{folder.name}-cache"
        self.cache.mkdir()

    def __call__(self, *arguments: str) -> Run:
        environment = dict(os.environ, XDG_CACHE_HOME=str(self.cache), NO_COLOR="1",
                           COLUMNS="100")
        done = subprocess.run([sys.executable, "-m", "contested", *arguments],
                              cwd=self.folder, env=environment, capture_output=True, check=False,
                              text=True, errors="replace", timeout=TIMEOUT,
                              preexec_fn=_bounded)
        return Run(done.returncode, done.stdout, done.stderr, self.folder)

    def written(self) -> list[str]:
        """What the runs left: files in the cache folder (entries, crash reports)."""
        return sorted(str(p.relative_to(self.cache)) for p in self.cache.rglob("*")
                      if p.is_file())


@pytest.fixture
def inputs(tmp_path: Path) -> Path:
    folder = tmp_path / "inputs"
    folder.mkdir()
    return folder


@pytest.fixture
def contested(inputs: Path) -> Contested:
    return Contested(inputs)


def refused(run: Run, path: Path, code: str, spot: tuple[int, int] | None = None) -> str:
    """Check `run` refused `path` with one located message of `code` (at `spot`), exit
    status 1 and nothing else; return the message."""
    output = run.out + run.err
    assert "Traceback" not in output, output[-3000:]
    assert "internal error" not in output, output[-3000:]
    assert run.status == 1, output[-3000:]
    errors = run.errors
    assert len(errors) == 1, [e.group(0)[:200] for e in errors]
    [error] = errors
    assert (run.folder / error["path"]).resolve() == path.resolve()
    assert error["code"] == code, error.group(0)[:300]
    if spot is not None:
        assert (int(error["line"]), int(error["column"])) == spot
    return error["message"]


def nothing_written(contested: Contested, before: list[str]) -> None:
    assert sorted(os.listdir(contested.folder)) == before  # no temporary, no output
    assert contested.written() == []  # no cache entry, no crash report


def sparse(path: Path, size: int) -> Path:
    with path.open("wb") as out:
        out.truncate(size)
    return path


TEXT = ("Russian forces advanced towards Sudzha after three days of fighting, according to "
        "local officials.")


def realistic_claims(count: int) -> str:
    """Claims as analysts write them (block style, prose, dates, relays)."""
    claim = textwrap.dedent("""\
          - id: claim-{n:07d}
            source: [afp, ru-media]
            via: [afp]
            event: pipeline
            said: 2025-03-1{d}
            as_of: 2025-03~
            text: {text}
            quote: '"The situation is under control," the commander said on television.'
            about: outcome
            value: success
            credibility: 3
        """)
    return SOURCES + "claims:\n" + "".join(claim.format(n=n, d=n % 10, text=TEXT)
                                           for n in range(count))


# --- refused at a limit -----------------------------------------------------------------

def test_an_alias_bomb(inputs: Path, contested: Contested) -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(1, 9):
        previous, name = "abcdefghi"[level - 1], "abcdefghi"[level]
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    path = inputs / "bomb.yaml"
    path.write_text("\n".join(lines) + "\n")
    before = os.listdir(inputs)
    refused(contested("validate", str(path)), path, "alias-expansion", (5, 8))
    nothing_written(contested, sorted(before))


def test_a_hundred_thousand_nested_lists(inputs: Path, contested: Contested) -> None:
    path = inputs / "deep.yaml"
    path.write_text("contested: 1\nx: " + "[" * 100_000 + "\n")
    before = sorted(os.listdir(inputs))
    # where our limit (64) was crossed, not where libyaml's own (1,000) stopped it
    refused(contested("validate", str(path)), path, "nesting-too-deep",
            (2, len("x: ") + DEFAULT_LIMITS.max_depth))
    nothing_written(contested, before)


def test_millions_of_tiny_nodes(inputs: Path, contested: Contested) -> None:
    path = inputs / "empties.yaml"
    path.write_text("contested: 1\nx: [" + "{}, " * (15_000_000 // 4) + "]\n")
    before = sorted(os.listdir(inputs))
    message = refused(contested("validate", str(path)), path, "too-many-nodes",
                      (2, 5 + 4 * (DEFAULT_LIMITS.max_nodes - 5)))
    assert f"more than {DEFAULT_LIMITS.max_nodes:,} YAML nodes" in message
    output = inputs / "report.json"
    refused(contested("export", "--format", "json", "-o", str(output), str(path)), path,
            "too-many-nodes")
    nothing_written(contested, before)


def test_millions_of_broken_entities_list_a_bounded_number_of_problems(
        inputs: Path, contested: Contested) -> None:
    count = DEFAULT_LIMITS.max_nodes - 10  # just within the limit: every one is checked
    path = inputs / "claims.yaml"
    path.write_text("contested: 1\nclaims: [" + "{}, " * count + "]\n")
    before = sorted(os.listdir(inputs))
    run = contested("validate", str(path))
    assert run.status == 1
    assert "Traceback" not in run.out + run.err
    errors = run.errors
    assert len(errors) == MAX_PROBLEMS + 1
    [summary] = [e for e in errors if e["code"] == "too-many-problems"]
    assert summary["message"].startswith(f"{3 * count - MAX_PROBLEMS:,} more problems")
    nothing_written(contested, before)


def test_a_sixty_megabyte_timeline(inputs: Path, contested: Contested) -> None:
    path = inputs / "big.yaml"
    path.write_text(realistic_claims(170_000))
    assert 55_000_000 < path.stat().st_size < DEFAULT_LIMITS.max_bytes
    before = sorted(os.listdir(inputs))
    message = refused(contested("validate", str(path)), path, "too-many-nodes")
    assert "split it into several files" in message
    nothing_written(contested, before)


def test_a_sparse_file_of_gigabytes(inputs: Path, contested: Contested) -> None:
    path = sparse(inputs / "sparse.yaml", 4 << 30)
    before = sorted(os.listdir(inputs))
    message = refused(contested("validate", str(path)), path, "file-too-large", (1, 1))
    assert message.startswith("the file has 4,294,967,296 bytes")
    output = inputs / "report.md"
    refused(contested("export", "-o", str(output), str(path)), path, "file-too-large")
    nothing_written(contested, before)


def test_a_notes_file_over_the_limit(inputs: Path, contested: Contested) -> None:
    timeline = inputs / "t.yaml"
    timeline.write_text(SOURCES)
    notes = sparse(inputs / "notes.yaml", 3 << 30)
    before = sorted(os.listdir(inputs))
    output = inputs / "report.md"
    message = refused(contested("export", "--notes", str(notes), "-o", str(output),
                                str(timeline)), notes, "file-too-large", (1, 1))
    assert message.startswith("the file has 3,221,225,472 bytes")
    assert sorted(os.listdir(inputs)) == before
    assert all(not name.startswith("catalog/") for name in contested.written())


# --- long values ------------------------------------------------------------------------------

def test_a_sixty_megabyte_value(inputs: Path, contested: Contested) -> None:
    path = inputs / "value.yaml"
    path.write_text("contested: 1\nnote: " + "a" * 60_000_000 + "\n")
    before = sorted(os.listdir(inputs))
    refused(contested("validate", str(path)), path, "unknown-field", (2, 1))
    nothing_written(contested, before)


def test_a_two_megabyte_key(inputs: Path, contested: Contested) -> None:
    path = inputs / "key.yaml"
    path.write_text("contested: 1\n" + "k" * 2_000_000 + ": 1\n")
    before = sorted(os.listdir(inputs))
    run = contested("validate", str(path))
    refused(run, path, "yaml-syntax", (2, 2_000_001))
    excerpt, caret = run.out.splitlines()[2:4]
    assert len(excerpt) < 200
    assert excerpt[caret.index("^")] == ":"
    nothing_written(contested, before)


def test_a_figure_of_five_thousand_digits(inputs: Path, contested: Contested) -> None:
    path = inputs / "figure.yaml"
    path.write_text(SOURCES + "claims:\n"
                    f"  - {{id: c, source: afp, text: t, about: area, value: {'9' * 5000}}}\n")
    before = sorted(os.listdir(inputs))
    message = refused(contested("validate", str(path)), path, "bad-value")
    assert "(5,000 characters)" in message
    assert len(message) < 300
    # (The file itself is valid YAML of valid entities: its parse may be cached, as any
    # file's whose problems are found when files are linked.)
    assert sorted(os.listdir(inputs)) == before
    assert not [name for name in contested.written() if not name.startswith("contested/catalog/")]


# --- line endings -----------------------------------------------------------------------------

@pytest.mark.parametrize("ending", ["\r", "\r\n"], ids=["cr", "crlf"])
def test_a_bad_byte_under_other_line_endings(inputs: Path, contested: Contested,
                                             ending: str) -> None:
    path = inputs / "endings.yaml"
    lines = ["contested: 1", "sources:", "  - {id: a, name: A}", "  - {id: b, name: Caf\xe9}"]
    path.write_bytes((ending.join(lines) + ending).encode("latin-1"))
    before = sorted(os.listdir(inputs))
    run = contested("validate", str(path))
    refused(run, path, "encoding", (4, 22))
    assert "4 |   - {id: b, name: Caf" in run.out
    nothing_written(contested, before)


@pytest.mark.parametrize("char", ["\u0085", "\u2028", "\u2029"], ids=["nel", "ls", "ps"])
def test_a_line_separator_in_a_value(inputs: Path, contested: Contested, char: str) -> None:
    path = inputs / "separators.yaml"
    text = (SOURCES + "claims:\n"
            f"  - {{id: c1, source: afp, text: before{char}after}}\n"
            "  - {id: c2, source: afp, text: t, colour: red}\n")
    path.write_bytes(text.encode())
    before = sorted(os.listdir(inputs))
    run = contested("validate", str(path))
    line = text.count("\n")  # the last line, as an editor counts them
    refused(run, path, "unknown-field", (line, text.splitlines()[-1].index("colour") + 1))
    assert f"{line} |   - {{id: c2, source: afp, text: t, colour: red}}" in run.out
    nothing_written(contested, before)


# --- what the limits admit stays within them --------------------------------------------------

def test_a_file_at_the_node_limit_loads_within_the_memory_bound(
        inputs: Path, contested: Contested) -> None:
    """The most entities a file may hold (each as small as it may be): every claim is
    made, linked and checked, under the same address-space limit."""
    count = (DEFAULT_LIMITS.max_nodes - 100) // 7
    path = inputs / "claims.yaml"
    path.write_text("contested: 1\nsources:\n  - {id: s, name: S}\nclaims:\n" + "".join(
        f"  - {{id: c{n}, source: s, text: t}}\n" for n in range(count)))
    run = contested("validate", str(path))
    assert run.status == 0, (run.out + run.err)[-3000:]
    assert f"{count} claims" in run.out


def test_the_explorer_opens_a_file_at_the_node_limit_and_a_refused_one(
        inputs: Path, contested: Contested) -> None:
    count = (DEFAULT_LIMITS.max_nodes - 100) // 7
    admitted = inputs / "admitted"
    admitted.mkdir()
    (admitted / "claims.yaml").write_text(
        "contested: 1\nsources:\n  - {id: s, name: S}\nclaims:\n" + "".join(
            f"  - {{id: c{n}, source: s, text: t}}\n" for n in range(count)))
    refused_folder = inputs / "refused"  # its errors screen shows a line of 60 MB
    refused_folder.mkdir()
    (refused_folder / "value.yaml").write_text("contested: 1\nnote: " + "a" * 60_000_000 + "\n")
    script = textwrap.dedent("""\
        import asyncio, resource, sys
        from pathlib import Path
        from contested.tui.app import ContestedApp
        from contested.tui.screens.errors import ErrorsScreen
        from contested.tui.screens.main import MainScreen

        async def main() -> None:
            app = ContestedApp([sys.argv[1]], notes_path=Path(sys.argv[2]),
                               keymap_path=Path("/nonexistent"))
            async with app.run_test(size=(80, 24)) as pilot:
                for _ in range(2400):
                    await pilot.pause(0.05)
                    screen = app.screen
                    if isinstance(screen, ErrorsScreen) or (
                            isinstance(screen, MainScreen) and screen.analysis.complete):
                        break
                first = type(app.screen).__name__
                await pilot.press("2", "3", "4", "5", "1", "enter")  # (enter: the line)
                await pilot.pause(1)
                peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
                print(first, app.failure, peak)

        asyncio.run(main())
        """)
    shown = {}
    for folder in (admitted, refused_folder):
        environment = dict(os.environ, XDG_CACHE_HOME=str(contested.cache))
        done = subprocess.run([sys.executable, "-c", script, str(folder),
                               str(inputs / "notes.yaml")], env=environment, check=False,
                              capture_output=True, text=True, timeout=TIMEOUT,
                              preexec_fn=_bounded)
        assert done.returncode == 0, done.stderr[-3000:]
        assert "Traceback" not in done.stdout + done.stderr
        first, failure, peak = done.stdout.split()
        shown[folder.name] = [first, failure]
        assert int(peak) < 1536, f"{folder.name}: peak RSS {peak} MiB"
    assert shown == {"admitted": ["MainScreen", "None"], "refused": ["ErrorsScreen", "None"]}


def test_an_error_of_the_user_s_family_ends_in_one_line_not_a_traceback(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """Whatever raises it (here, the cache found damaged during an export), the CLI says
    its message once and exits 1; no crash report, no traceback."""
    from contested import cli
    from contested.catalog.cache.parts import CacheDamaged

    def damaged(*args: object, **kwargs: object) -> None:
        raise CacheDamaged("a cached block of x.yaml is damaged and x.yaml changed since: "
                           "run the command again")

    monkeypatch.setattr("contested.export.render.render_parts", damaged)
    assert cli.main(["export", "--format", "json"]) == 1
    out = capsys.readouterr()
    assert out.err == ("contested: a cached block of x.yaml is damaged and x.yaml changed "
                       "since: run the command again\n")
    assert "Traceback" not in out.err
