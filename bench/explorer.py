"""Keypress to repaint in the explorer on a big catalog (100,000 events, 300,000 claims).

Run: `python bench/explorer.py [--events 100000] [--claims 300000] [--keys 200]
[--catalog DIR] [--size 120x40] [--profile]`

The catalog comes from bench/load.py's generator (seeded). It is loaded and analysed
once, then the explorer's main screen is driven headless with Textual's Pilot: for each
key, the CPU time of this process (`time.process_time`, so idle waits do not count) from
sending the key until the app has handled it and repainted. Targets (issue 5): at most
16 ms of CPU per key (median) in the Timeline and Claims panes, and no key over 50 ms.
Also printed: the time to build the main screen, and one-off costs such as showing all
300,000 claims (`a`) and the first search (which builds the search index).
`--catalog DIR` drives an existing catalog instead (bench/analysis.py --keep writes one);
`--profile` prints a cProfile of 100 `j` keys in the Timeline pane.

`--tmux` measures the real command instead (`contested` on `--catalog`, in tmux, its
cache warm): for each pane, once the app is idle (engine and search index done), the CPU
all its threads use per `j` (Linux schedstat) and the wall time to the settled repaint,
at each `--size` (`80x24,160x50`: from 120 columns the preview pane shows). `--tree
SRC[:CACHE]` (repeated) runs the command on another source tree (a `git worktree` of an
earlier commit) with its own cache folder; the trees and sizes are measured in turn,
`--rounds` times, so that a before and an after share the machine's noise. The floor,
measured in the same rounds, is this tree on the bundled catalog (a few dozen items):
what a key costs when nothing is big (there j and k alternate: its lists are short).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import os
import pstats
import shlex
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

from textual.app import App
from textual.pilot import Pilot

import load
from contested.catalog.loading import load_catalog
from contested.engine.analysis import Analysis, analyse
from contested.tui.screens.main import MainScreen
from load import generate
from terminal import Tmux, per_key

BIN = Path(sys.executable).parent
BUNDLED = Path(__file__).resolve().parents[1] / "timelines"


class BenchApp(App[None]):
    CSS_PATH = str(Path(__file__).parents[1] / "src" / "contested" / "tui" / "contested.tcss")

    def __init__(self, analysis: Analysis) -> None:
        super().__init__()
        self.analysis = analysis

    def on_mount(self) -> None:
        self.push_screen(MainScreen(self.analysis))


async def cpu_per_key(pilot: Pilot[None], keys: list[str]) -> list[float]:
    samples = []
    for key in keys:
        start = time.process_time()
        await pilot.press(key)
        await pilot.pause()
        samples.append(time.process_time() - start)
    return samples


async def started(app: App[None], pilot: Pilot[None]) -> None:
    """Until the main screen is up, painted, and its workers (the search index) done."""
    while not isinstance(app.screen, MainScreen):
        await pilot.pause(0.01)
    await pilot.pause()
    await app.workers.wait_for_complete()


PANES = {"1": "Timeline", "2": "Claims", "3": "Sources", "4": "Contradictions",
         "5": "Figures"}


async def per_pane(analysis: Analysis, keys: int, size: tuple[int, int],
                   ) -> list[tuple[str, list[float]]]:
    """For each pane: the CPU time of `keys` presses of j then half as many of k (the
    wall time of a headless app is mostly Pilot's own waits: bench/terminal.py takes
    it in tmux)."""
    found = []
    app = BenchApp(analysis)
    async with app.run_test(size=size) as pilot:
        await started(app, pilot)
        for key, name in PANES.items():
            await pilot.press(key, *(["A"] if name == "Claims" else []))  # all claims
            await pilot.pause()
            found.append((name, await cpu_per_key(pilot, ["j"] * keys + ["k"] * (keys // 2))))
    return found


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[max(int(len(ordered) * share) - 1, 0)]


async def once(action: Callable[[], Awaitable[None]]) -> float:
    start = time.perf_counter()
    await action()
    return time.perf_counter() - start


def summary(name: str, samples: list[float], unit: str = "keys") -> str:
    """Median, 95th percentile and worst of `samples` (seconds), in milliseconds."""
    ms = sorted(s * 1000 for s in samples)
    return (f"  {name:<38} median {statistics.median(ms):6.2f} ms  p95 "
            f"{ms[max(int(len(ms) * 0.95) - 1, 0)]:6.2f} ms  max {ms[-1]:6.2f} ms  "
            f"({len(ms)} {unit})")


async def profiled(analysis: Analysis, keys: int, size: tuple[int, int]) -> list[str]:
    """A cProfile of `keys` presses of j in the Timeline pane, by own time."""
    app = BenchApp(analysis)
    async with app.run_test(size=size) as pilot:
        await started(app, pilot)
        await cpu_per_key(pilot, ["j"] * 10)
        profiler = cProfile.Profile()
        profiler.enable()
        await cpu_per_key(pilot, ["j"] * keys)
        profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    stats.sort_stats("tottime").print_stats(30)
    stats.sort_stats("cumulative").print_stats(40)
    return out.getvalue().splitlines()


async def drive(analysis: Analysis, keys: int, size: tuple[int, int]) -> list[str]:
    lines = []
    app = BenchApp(analysis)
    start = time.perf_counter()
    async with app.run_test(size=size) as pilot:
        while not isinstance(app.screen, MainScreen):
            await pilot.pause(0.01)
        await pilot.pause()
        lines.append(f"  main screen built and painted in {time.perf_counter() - start:.2f} s")
        await app.workers.wait_for_complete()
        lines.append(f"  search index built (in a worker) at {time.perf_counter() - start:.2f} s;"
                     " keys are timed from then")
        screen = app.screen
        down = await cpu_per_key(pilot, ["j"] * keys)
        up = await cpu_per_key(pilot, ["k"] * (keys // 2))
        jumps = await cpu_per_key(pilot, ["G", "g"] * 10)
        lines.append(summary("Timeline j (claims pane follows)", down))
        lines.append(summary("Timeline k", up))
        lines.append(summary("Timeline G/g (ends of 100k)", jumps))
        await pilot.press("2")
        seconds = await once(lambda: pilot.press("A"))
        lines.append(f"  all {len(analysis.catalog.claims):,} claims shown (a): {seconds:.3f} s")
        claims_down = await cpu_per_key(pilot, ["j"] * keys)
        lines.append(summary("Claims (all of them), j", claims_down))
        all_down = await cpu_per_key(pilot, ["pagedown"] * 20 + ["G", "g"])
        lines.append(summary("Claims, pgdn / G / g", all_down))
        seconds = await once(lambda: pilot.press("slash", *"drone", "enter"))
        lines.append(f"  first search (builds the index): {seconds:.2f} s, "
                     f"{len(screen.hits):,} matches")
        next_hits = await cpu_per_key(pilot, ["n"] * 50)
        lines.append(summary("Search n (next match)", next_hits))
        every = down + up + jumps + claims_down + all_down
        median_ms = statistics.median(every) * 1000
        worst_ms = max(every) * 1000
        verdict = "met" if median_ms <= 16 and worst_ms <= 50 else "NOT met"
        lines.append(f"target (timeline and claims keys): median <= 16 ms, none over 50 ms "
                     f"-> {verdict} (median {median_ms:.2f} ms, worst {worst_ms:.2f} ms)")
    return lines


def panes_in_tmux(command: str, size: tuple[int, int], keys: int | list[str]
                  ) -> dict[str, tuple[list[float], list[float]]]:
    """The real command in tmux at `size`: per pane, (wall, CPU) of each of `keys` (a
    number: that many j), once the pane is settled and the app idle (bench/run.py's
    measure)."""
    pressed = ["j"] * keys if isinstance(keys, int) else keys
    found = {}
    with Tmux(command, size) as terminal:
        terminal.wait_for("1 Timeline", timeout=600)
        terminal.settle()
        for key, name in PANES.items():
            if name != "Timeline":  # where it opens
                terminal.send(key)
            if name == "Claims":
                terminal.send("A")  # all the claims, not those of the first event
            terminal.settle()
            terminal.idle()  # the engine and the search index are done
            found[name] = per_key(terminal, pressed)
    return found


def command_of(src: Path | None, cache: Path | None, notes: Path, catalog: Path) -> str:
    """The shell command of the explorer on `catalog`, on the tree `src` (PYTHONPATH)
    with the cache folder `cache` (XDG_CACHE_HOME), when given."""
    env = [f"PYTHONPATH={shlex.quote(str(src))}"] if src else []
    env += [f"XDG_CACHE_HOME={shlex.quote(str(cache))}"] if cache else []
    return (f"env {' '.join(env)} {shlex.quote(str(BIN / 'contested'))} --notes "
            f"{shlex.quote(str(notes))} {shlex.quote(str(catalog))}")


def in_tmux(args: argparse.Namespace) -> int:
    """`--tmux`: each tree and the floor at each size, `--rounds` times in turn; the
    median CPU per key of each pane, with its ratio to the floor's."""
    if args.catalog is None:
        print("--tmux needs --catalog DIR (a catalog whose cache is warm)", file=sys.stderr)
        return 2
    trees: list[tuple[str, Path | None, Path | None]] = []
    for spec in args.tree or [""]:
        src, _, cache = spec.partition(":")
        trees.append((src or "this tree", Path(src) if src else None,
                      Path(cache) if cache else None))
    sizes = [tuple(int(n) for n in size.split("x")) for size in args.size.split(",")]
    cpu: dict[tuple[str, tuple[int, ...], str], list[float]] = {}
    wall: dict[tuple[str, tuple[int, ...], str], list[float]] = {}
    with tempfile.TemporaryDirectory(prefix="contested-tmux-") as scratch:
        notes = Path(scratch) / "notes.yaml"
        runs = [("floor (bundled catalog, this tree)", None, None, BUNDLED),
                *((name, src, cache, args.catalog) for name, src, cache in trees)]
        for round_number in range(args.rounds):
            for size in sizes:
                for name, src, cache, catalog in runs:
                    keys = ["j", "k"] * (args.keys // 2) if catalog == BUNDLED else \
                        ["j"] * args.keys
                    found = panes_in_tmux(command_of(src, cache, notes, catalog),
                                          (size[0], size[1]), keys)
                    for pane, (walls, cpus) in found.items():
                        cpu.setdefault((name, size, pane), []).extend(cpus)
                        wall.setdefault((name, size, pane), []).extend(walls)
                    print(f"  round {round_number + 1}, {size[0]}x{size[1]}, {name}: " + ", ".join(
                        f"{pane} {statistics.median(cpus) * 1000:.1f}"
                        for pane, (_, cpus) in found.items() if cpus) + " ms", flush=True)
    print(f"CPU per key in the real process (median of {args.rounds} rounds x {args.keys} "
          "keys; ratio to the floor), wall p95:")
    for size in sizes:
        for pane in PANES.values():
            floor = statistics.median(cpu[runs[0][0], size, pane])
            for name, _, _, _ in runs:
                samples = cpu[name, size, pane]
                median = statistics.median(samples)
                print(f"  {size[0]}x{size[1]} {pane:<15} {name:<36} "
                      f"{median * 1000:6.1f} ms  {median / floor:5.2f}x  "
                      f"p95 wall {percentile(wall[name, size, pane], 0.95) * 1000:6.1f} ms")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--claims", type=int, default=300_000)
    parser.add_argument("--sources", type=int, default=1_000)
    parser.add_argument("--files", type=int, default=16)
    parser.add_argument("--keys", type=int, default=200)
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--catalog", type=Path, metavar="DIR",
                        help="drive this catalog instead of generating one")
    parser.add_argument("--size", default="120x40", metavar="WxH",
                        help="terminal size (120 columns and more show the preview pane)")
    parser.add_argument("--profile", action="store_true",
                        help="print a cProfile of 100 j keys in the Timeline pane")
    parser.add_argument("--tmux", action="store_true",
                        help="the real command in tmux on --catalog, at each --size")
    parser.add_argument("--tree", action="append", metavar="SRC[:CACHE]",
                        help="with --tmux: a source tree to run (repeated: compared)")
    parser.add_argument("--rounds", type=int, default=1,
                        help="with --tmux: the trees and sizes measured in turn, this often")
    args = parser.parse_args()
    if args.tmux:
        return in_tmux(args)
    print("\n".join(load.machine()))
    with tempfile.TemporaryDirectory(prefix="contested-explorer-") as scratch:
        folder = args.catalog or Path(scratch)
        start = time.perf_counter()
        if args.catalog is None:
            catalog = generate(args.events, args.claims, args.sources, args.files, args.seed)
            for name, text in catalog.files.items():
                (folder / name).write_text(text, encoding="utf-8")
            print(f"catalog:  {args.events:,} events, {args.claims:,} claims, generated in "
                  f"{time.perf_counter() - start:.1f} s")
        start = time.perf_counter()
        result = load_catalog([folder])
        loaded = time.perf_counter() - start
        if not result.ok:
            for problem in result.diagnostics[:10]:
                print(problem.headline(), file=sys.stderr)
            return 1
        start = time.perf_counter()
        analysis = analyse(result.catalog)
        print(f"load {loaded:.1f} s, analyse {time.perf_counter() - start:.1f} s: "
              f"{len(analysis.catalog.events):,} events, {len(analysis.catalog.claims):,} "
              f"claims, {len(analysis.contradictions):,} contradictions")
    if args.profile:
        for line in asyncio.run(profiled(analysis, 100, (120, 40))):
            print(line)
        return 0
    width, _, height = args.size.partition("x")
    size = (int(width), int(height))
    print(f"keypress to repaint, CPU of this process per key (headless, {args.size}"
          + (", with the preview pane" if size[0] >= 120 else "") + "):")
    for line in asyncio.run(drive(analysis, args.keys, size)):
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
