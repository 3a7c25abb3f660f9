"""Launch to first screen: how long `contested` takes to show a catalog, beside a minimal
Textual app measured in the same run, launches interleaved.

Run: `python bench/startup.py [--repeat 7] [--catalog PATH] [--query WORDS] [--compare SRC]`

Each launch starts a real command in a fresh tmux terminal (80x24) and polls the screen
every 3 ms; a figure is the wall time from starting the process to what is looked for.
Each round launches, in turn: the minimal Textual app (an App whose compose yields one
Static: the floor any Textual app pays here) until its text shows; contested on the
bundled catalog until its first paint and until its first event is drawn; and, given
`--catalog`, contested on that catalog (its cache filled by an untimed first launch)
until the first screen, then at once `/`, the query and enter, timed from the enter to
the first match shown. Every contested launch has its own cache and data folders.
Medians are printed with their ratio to the minimal app's. `--compare SRC` launches, in
each round too, contested run from another source tree (`PYTHONPATH=SRC`, such as a `git
worktree` of the last commit), with caches of its own: a change measured before and after
on the same machine at the same moments.
"""

from __future__ import annotations

import argparse
import dataclasses
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import load
from terminal import Tmux

BIN = Path(sys.executable).parent
MINIMAL_APP = """
from textual.app import App
from textual.widgets import Static
class Hello(App):
    def compose(self):
        yield Static("hello, first screen")
Hello().run()
"""


def time_to_screen(command: str, needle: str | None, timeout: float = 20.0) -> float:
    """Seconds from starting `command` in a new tmux terminal to `needle` on screen
    (`None`: to anything at all on screen, the first paint)."""
    with Tmux(command) as terminal:
        return terminal.wait_for(needle, timeout)


def bundled(command: str) -> tuple[float, float]:
    """The first paint and the bundled catalog's first event drawn, in one launch."""
    with Tmux(command) as terminal:
        return terminal.wait_for(None, 20.0), terminal.wait_for("Ukraine launches", 20.0)


def first_search(command: str, query: str, shows: str,
                 timeout: float = 300.0) -> tuple[float, float]:
    """The catalog's first screen, then the time from the enter of a search typed at
    once to its first match shown (`shows`: what is on screen then, such as its pane)."""
    with Tmux(command) as terminal:
        shown = terminal.wait_for("1 Timeline", timeout)
        terminal.send("/")
        terminal.wait_for("Search every field", timeout)
        subprocess.run(["tmux", "-L", terminal.socket, "send-keys", "-t", "m", "-l", query],
                       check=True)
        terminal.wait_for(query, timeout)
        start = time.perf_counter()
        terminal.send("Enter")
        # The first match is shown when the prompt has gone and its pane is up (the
        # engine's findings, arriving meanwhile, may repaint the status line).
        while time.perf_counter() - start < timeout:
            now = terminal.screen()
            if "Search every field" not in now and (shows in now or "match 1 of" in now):
                return shown, time.perf_counter() - start
            time.sleep(0.003)
        raise RuntimeError(f"no match shown within {timeout} s:\n{terminal.screen()}")


@dataclasses.dataclass
class Contested:
    """One contested to launch (this tree's, or another's with `--compare`) and what it
    measured."""

    name: str
    bundled: str
    big: str | None
    first_paint: list[float] = dataclasses.field(default_factory=list)
    events: list[float] = dataclasses.field(default_factory=list)
    big_screen: list[float] = dataclasses.field(default_factory=list)
    searched: list[float] = dataclasses.field(default_factory=list)

    def warm_up(self, query: str, shows: str) -> None:
        """Fill its caches, untimed."""
        time_to_screen(self.bundled, "Ukraine launches")
        if self.big is not None:
            first_search(self.big, query, shows, timeout=900.0)

    def launch(self, query: str, shows: str) -> None:
        paint, drawn = bundled(self.bundled)
        self.first_paint.append(paint)
        self.events.append(drawn)
        if self.big is not None:
            shown, search = first_search(self.big, query, shows)
            self.big_screen.append(shown)
            self.searched.append(search)


def contested_in(folder: Path, name: str, catalog: Path | None,
                 source: Path | None = None) -> Contested:
    """contested with its cache and data under `folder`, from `source` if given."""
    folder.mkdir()
    env = (f"env XDG_CACHE_HOME={shlex.quote(str(folder))}/cache "
           f"XDG_DATA_HOME={shlex.quote(str(folder))}/data ")
    if source is not None:
        env += f"PYTHONPATH={shlex.quote(str(source))} "
    command = env + shlex.quote(str(BIN / "contested"))
    big = None
    if catalog is not None:
        big = (f"{command} --notes {shlex.quote(str(folder))}/notes.yaml "
               f"{shlex.quote(str(catalog))}")
    return Contested(name, command, big)


def time_process(args: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(args, check=True, capture_output=True)
    return time.perf_counter() - start


def report(name: str, samples: list[float], floor: float | None = None) -> None:
    median = statistics.median(samples)
    ratio = f"   {median / floor:.2f}x the minimal app" if floor else ""
    print(f"  {name:<44} min {min(samples):.3f} s   median {median:.3f} s{ratio}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--catalog", type=Path, help="also a big catalog, warm, and a search")
    parser.add_argument("--query", default="gady", help="what the first search looks for")
    parser.add_argument("--shows", default="[2 Claims]",
                        help="on screen once the first match is (its pane's tab)")
    parser.add_argument("--compare", type=Path, metavar="SRC",
                        help="also contested from the source tree SRC (PYTHONPATH), "
                             "interleaved")
    args = parser.parse_args()
    if shutil.which("tmux") is None:
        print("tmux is needed for this benchmark", file=sys.stderr)
        return 2
    print("\n".join(load.machine()))
    with tempfile.TemporaryDirectory() as folder:
        minimal = Path(folder) / "minimal.py"
        minimal.write_text(MINIMAL_APP)
        launched = [contested_in(Path(folder) / "this", "contested", args.catalog)]
        if args.compare is not None:
            launched.append(contested_in(Path(folder) / "compared", f"{args.compare}",
                                         args.catalog, args.compare))
        for contested in launched:
            contested.warm_up(args.query, args.shows)
        python = [time_process([sys.executable, "-c", "pass"]) for _ in range(args.repeat)]
        floor: list[float] = []
        for _ in range(args.repeat):  # interleaved: each round meets the same machine
            floor.append(time_to_screen(f"{sys.executable} {minimal}", "hello, first screen"))
            for contested in launched:
                contested.launch(args.query, args.shows)
    base = statistics.median(floor)
    print(f"launch to first screen, {args.repeat} rounds (tmux 80x24, polled every 3 ms):")
    report("python -c pass", python)
    report("minimal Textual app (the floor)", floor, base)
    for contested in launched:
        name = contested.name
        report(f"{name}: first paint", contested.first_paint, base)
        report(f"{name}: bundled catalog's events drawn", contested.events, base)
        if contested.big is not None:
            report(f"{name} {args.catalog}: first screen, warm", contested.big_screen, base)
            report(f"  then /{args.query} enter: first match shown", contested.searched)
    this = launched[0]
    events, big_screen, searched = this.events, this.big_screen, this.searched
    targets = [("bundled catalog's events drawn", events, 1.3)]
    if this.big is not None:
        targets.append(("big catalog's first screen, warm", big_screen, 2.5))
    for name, samples, target in targets:
        ratio = statistics.median(samples) / base
        print(f"target {target}x the minimal app, {name}: "
              f"{'met' if ratio <= target else 'NOT met'} ({ratio:.2f}x)")
    if searched:
        median = statistics.median(searched)
        print(f"target 0.5 s, first search: {'met' if median <= 0.5 else 'NOT met'} "
              f"(median {median:.3f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
