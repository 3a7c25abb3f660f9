"""The progress line of long CLI work: on a terminal after about a second, never in a pipe.

The clock is injected: no test waits or measures time."""

from __future__ import annotations

import fcntl
import functools
import io
import os
import struct
import termios
from collections.abc import Callable
from pathlib import Path

import pytest

from contested.support.progress import ProgressLine
from tests.helpers import SOURCES, Write


class Terminal(io.StringIO):
    """What a terminal was sent, as a stream that says it is one."""

    def isatty(self) -> bool:
        return True


class Clock:
    """Seconds that pass only when a test says so."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def shown(sent: str) -> str:
    """What a terminal shows at the end: each `\\r` goes back to the line's start."""
    line = ""
    for part in sent.split("\r"):
        line = part + line[len(part):]
    return line.rstrip()


def test_nothing_is_shown_before_a_second() -> None:
    clock, terminal = Clock(), Terminal()
    progress = ProgressLine(terminal, clock=clock, every=None)
    with progress.phase("reading timelines") as count:
        count(1, 4)
        clock.now += 0.9
        count(2, 4)
        progress.tick()
    assert terminal.getvalue() == ""


def test_after_a_second_the_line_shows_the_counts_and_is_erased_at_the_end() -> None:
    clock, terminal = Clock(), Terminal()
    progress = ProgressLine(terminal, clock=clock, every=None)
    with progress.phase("reading timelines") as count:
        count(1, 22)
        clock.now += 1.5
        count(2, 22)
        assert terminal.getvalue() == "\rcontested: reading timelines 2/22 files… 1 s"
        clock.now += 0.01  # redrawn at most ten times a second
        count(3, 22)
        assert shown(terminal.getvalue()) == "contested: reading timelines 2/22 files… 1 s"
        clock.now += 10
        count(22, 22)
        assert shown(terminal.getvalue()) == "contested: reading timelines 22/22 files… 11 s"
    assert shown(terminal.getvalue()) == ""
    assert terminal.getvalue().endswith("\r")


def test_a_phase_without_counts_is_shown_by_the_tick_and_the_time_goes_on() -> None:
    clock, terminal = Clock(), Terminal()
    progress = ProgressLine(terminal, clock=clock, every=None)
    with progress.phase("reading timelines") as count:
        count(4, 4)
    clock.now += 3  # the first phase was quick; the second starts late
    with progress.phase("writing markdown"):
        assert shown(terminal.getvalue()) == "contested: writing markdown… 3 s"
        clock.now += 60
        progress.tick()
        assert shown(terminal.getvalue()) == "contested: writing markdown… 63 s"
    assert shown(terminal.getvalue()) == ""


def test_a_pipe_sees_nothing_however_long_the_work() -> None:
    clock, piped = Clock(), io.StringIO()
    progress = ProgressLine(piped, clock=clock, every=None)
    with progress.phase("reading timelines") as count:
        clock.now += 100
        count(1, 2)
        progress.tick()
    assert piped.getvalue() == ""


def test_a_real_pseudo_terminal_gets_the_line_cut_to_its_width() -> None:
    leader, follower = os.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 30, 0, 0))
    clock = Clock()
    with open(follower, "w", encoding="utf-8", closefd=True) as stream:
        progress = ProgressLine(stream, clock=clock, every=None)
        with progress.phase("reading timelines") as count:
            clock.now += 2
            count(5, 1000)
            stream.flush()
            sent = os.read(leader, 4096).decode("utf-8")
    os.close(leader)
    assert sent == "\rcontested: reading timelines "  # 29 cells: the last column stays free


def test_the_ticker_thread_stops_with_the_phase() -> None:
    clock, terminal = Clock(), Terminal()
    progress = ProgressLine(terminal, clock=clock, every=0.001)
    with progress.phase("finding contradictions"):
        pass
    after = terminal.getvalue()
    clock.now += 100
    assert progress.ticking is False
    assert terminal.getvalue() == after


# --- the commands -------------------------------------------------------------------------------

RunOnTerminal = Callable[[list[str]], tuple[int, str]]


@pytest.fixture
def on_slow_terminal(monkeypatch: pytest.MonkeyPatch) -> RunOnTerminal:
    """Runs the command with standard error a terminal, each look at the clock finding a
    second gone; gives its exit status and what the terminal was sent."""
    import contested.cli

    ticks = iter(range(10**6))
    monkeypatch.setattr(contested.cli, "ProgressLine", functools.partial(
        ProgressLine, clock=lambda: float(next(ticks)), every=None))

    def run(args: list[str]) -> tuple[int, str]:
        terminal = Terminal()
        with monkeypatch.context() as patched:  # in place of the capture, once it runs
            patched.setattr("sys.stderr", terminal)
            status = contested.cli.main(args)
        return status, terminal.getvalue()

    return run


def catalog(write: Write) -> Path:
    write("sources.yaml", SOURCES)
    return write("claims.yaml", "contested: 1\nclaims:\n"
                 "  - {id: c1, source: afp, text: x, about: area, value: 5}\n").parent


def test_validate_on_a_terminal_shows_progress_then_only_its_report(
        write: Write, on_slow_terminal: RunOnTerminal, capsys: pytest.CaptureFixture[str]
) -> None:
    status, sent = on_slow_terminal(["validate", "--no-cache", str(catalog(write))])
    assert status == 0
    assert "contested: reading timelines 2/2 files…" in sent
    assert "contested: checking…" in sent
    assert shown(sent) == ""  # erased: nothing is left beside the report
    assert capsys.readouterr().out.splitlines()[-1].startswith("valid: 2 files")


def test_export_to_a_file_on_a_terminal_shows_each_phase(
        write: Write, tmp_path: Path, on_slow_terminal: RunOnTerminal) -> None:
    target = tmp_path / "report.csv"
    status, sent = on_slow_terminal(["export", str(catalog(write)), "-o", str(target)])
    assert status == 0
    for phase in ("reading timelines 2/2 files…", "finding contradictions…", "writing csv…"):
        assert f"contested: {phase}" in sent, phase
    assert shown(sent) == f"wrote {target} (csv)"


def test_contradictions_on_a_terminal_erase_the_line_before_the_table(
        on_slow_terminal: RunOnTerminal, capsys: pytest.CaptureFixture[str]) -> None:
    status, sent = on_slow_terminal(["contradictions", "--rule", "declared"])
    assert status == 0
    assert "contested: finding contradictions…" in sent
    assert shown(sent) == ""
    assert capsys.readouterr().out.splitlines()[-1] == "1 contradiction"


def test_commands_piped_stay_silent_however_long_they_take(
        write: Write, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import contested.cli
    from contested.cli import main

    ticks = iter(range(10**6))
    monkeypatch.setattr(contested.cli, "ProgressLine", functools.partial(
        ProgressLine, clock=lambda: float(next(ticks)), every=None))
    folder = str(catalog(write))
    for args in (["validate", folder], ["contradictions", folder], ["export", folder]):
        assert main(args) == 0
        assert capsys.readouterr().err == ""
